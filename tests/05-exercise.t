#!/bin/sh
# Chapter 05's exercise: the checker passes the reference and a correct variant written
# differently, fails the starter, and rejects each plausible wrong worker kept in
# 05-cancellation/exercises/wrong/ with a message naming its mistake, on every run (the
# scenarios run on the virtual clock, so a busy machine changes nothing).
. "${0%/*}/lib.sh"
ch=05-cancellation
checker=$ch/exercises/check.sh

exercise_checker_works $ch 'released nothing on the cancel'

# build SOURCE: the worker of SOURCE linked with the harness, as make builds the exercise
# (this build's compiler and flags, from $LAB_BUILD/.flags); prints the directory.
build() {
    name=$(basename "$1" .c)
    mkdir -p "$tap_tmp/$name"
    # shellcheck disable=SC2046 # the stamp is a command line, to be split into words
    $(cat "$LAB_BUILD/.flags") -I$ch/exercises -o "$tap_tmp/$name/worker" "$1" \
        $ch/exercises/harness.c "$LAB_BUILD/libcommon.a" -lpthread -lm 2>"$tap_tmp/cc.err"
    check "$name builds" [ -x "$tap_tmp/$name/worker" ] || sed 's/^/#   /' "$tap_tmp/cc.err"
}

build $ch/exercises/variants/worker_goto.c
out=$($checker "$tap_tmp/worker_goto" 2>&1)
is "$?" 0 "the checker passes a correct worker written differently (goto out)"

# rejected NAME REGEX: the checker fails wrong/NAME.c twice, naming the mistake each time.
rejected() {
    build $ch/exercises/wrong/$1.c
    for attempt in 1 2; do
        out=$($checker "$tap_tmp/$1" 2>&1)
        is "$?" 1 "wrong/$1.c is rejected (run $attempt)"
        like "$(printf '%s\n' "$out" | grep '^still wrong')" "$2" "...with a message naming the mistake (/$2/)"
    done
}
rejected swallow "during the send: the worker swallowed the cancel.*caller's wait_for got the result"
rejected release_twice 'during the send: it released the lock twice'
rejected release_before_close 'released the lock before conn_close\(\) had returned'
rejected forget_lock 'during the send: it never released the lock'
rejected catch_timeout 'only the caller sees -ETIMEDOUT'
rejected release_unacquired 'waiting for the lock: it released a lock it never got'
rejected only_send_cancel 'while connecting: it never released the lock'
check "every wrong worker in the repository is tried here" \
    [ "$(ls $ch/exercises/wrong/*.c | wc -l)" -eq 7 ]

# A worker that hangs is reported as a hang, not as a wrong answer.
mkdir -p "$tap_tmp/hang"
printf '#!/bin/sh\nexec sleep 60\n' >"$tap_tmp/hang/worker"
chmod +x "$tap_tmp/hang/worker"
out=$(LAB_CHECK_TIMEOUT=1 $checker "$tap_tmp/hang" 2>&1)
is "$?" 1 "a worker that never ends fails"
like "$out" 'never ended; the run was stopped after 1 s \(a hang' "...reported as a hang"

# A worker that crashes part-way: judged on the scenarios it finished, and the crash named.
mkdir -p "$tap_tmp/crash"
cat >"$tap_tmp/crash/worker" <<'END'
#!/bin/sh
for what in outcome:0 lock_taken:1 lock_released:1 conns_opened:1 conns_closed:1 done:1; do
    printf 'exercise.no_cancel.%s\t%s\tcount\n' "${what%:*}" "${what#*:}" >>"$LAB_RESULTS"
done
kill -SEGV $$
END
chmod +x "$tap_tmp/crash/worker"
out=$($checker "$tap_tmp/crash" 2>&1)
is "$?" 1 "a worker that crashes after the first scenario fails"
like "$out" "cancelled by its caller's deadline during the send: the run stopped \(killed by SIGSEGV\)" \
    "...and the checker says where it stopped"
unlike "$out" 'with no cancel: ' "...blaming nothing in the scenario it passed"

# The demo itself: the reference run on the virtual clock ends each scenario as it should.
LAB_VIRTUAL_CLOCK=1 run $ch/exercises/solutions/worker
is "$(printf '%s\n' "$out" | grep -c 'the worker ended cancelled')" 3 "three scenarios end cancelled"
like "$out" 'cancelling the worker' "the harness cancels it"
like "$out" "the caller's wait_for returned -ETIMEDOUT" "the caller's deadline reaches the caller as -ETIMEDOUT"
done_testing
