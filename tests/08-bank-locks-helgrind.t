#!/bin/sh
# Chapter 08 under helgrind (valgrind's thread checker): it must find the race and the
# lock-order inversion in the deliberately broken programs, and nothing in the article's
# own bank account.
. "${0%/*}/lib.sh"
dir=08-bank-locks

# valgrind runs the plain build; the sanitizer builds bring their own checker.
[ -z "$LAB_SANITIZER" ] || skip_all "helgrind checks the plain build, not the $LAB_SANITIZER one"
require_optional 'command -v valgrind' valgrind
# valgrind 3.19 cannot read the DWARF 5 debug info clang 14 writes, and gives up.
valgrind --tool=none "$LAB_BUILD/$dir/bank_demo" --help >/dev/null 2>&1 ||
    skip_all "this valgrind cannot run the programs of $LAB_BUILD (debug info it cannot read?)"

helgrind() {
    run_prog=$1
    shift
    out=$(timeout -k 5 300 valgrind --tool=helgrind "$LAB_BUILD/$dir/$run_prog" "$@" 2>&1 </dev/null)
    rc=$?
}

helgrind race --quick --iterations 2000
check "race under helgrind ends" [ "$rc" -eq 0 ]
like "$out" 'Possible data race during (read|write) of size 8' "helgrind reports the race on the balance"
like "$out" 'deposit_without_lock \(race\.c' "...in the deposit without the lock"

helgrind deadlock --quick
check "deadlock under helgrind ends" [ "$rc" -eq 0 ]
like "$out" 'lock order "0x[0-9A-F]+ before 0x[0-9A-F]+" violated' \
    "helgrind reports the lock-order inversion of the naive transfers"
like "$out" 'DEADLOCK detected' "...and the program still detects the deadlock itself"

helgrind bank_demo --quick
check "bank_demo under helgrind ends" [ "$rc" -eq 0 ]
like "$out" 'ERROR SUMMARY: 0 errors' "the article's bank account is helgrind-clean"

done_testing
