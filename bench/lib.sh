# bench/lib.sh — helpers for the per-chapter bench scripts, sourced by bench/run.sh.
#
# A chapter script (bench/NN-name.sh) measures with `measure`, then turns what the
# programs recorded (common/results.h) into rows with `row`:
#
#     measure 01-gil-and-threads/gil_sim --seconds 2
#     row gil.speedup.free_threads "单线程约10秒 / 多线程仍约10秒: threads give ≈1x" "no GIL, 2 threads"
#
# Each row is printed in the chapter's table (figure, measured, the article's claim,
# note) and written to $BENCH_TSV as "chapter<TAB>name<TAB>value<TAB>unit<TAB>note".

bench_results=$(mktemp "${TMPDIR:-/tmp}/lab-bench.XXXXXX")
bench_rows=$(mktemp "${TMPDIR:-/tmp}/lab-bench-rows.XXXXXX")
trap 'rm -f "$bench_results" "$bench_rows"' EXIT

# measure PROGRAM [ARGS...]: run $LAB_BUILD/PROGRAM, keeping what it records.
# Its own output goes to $LAB_BUILD/bench-logs/ for whoever wants the detail.
measure() {
    mkdir -p "$LAB_BUILD/bench-logs"
    log=$LAB_BUILD/bench-logs/$(echo "$*" | tr -c 'A-Za-z0-9_.-' '_').log
    printf '  running %s\n' "$*" >&2
    program=$LAB_BUILD/$1
    shift
    if ! LAB_RESULTS=$bench_results "$program" "$@" >"$log" 2>&1 </dev/null; then
        echo "bench: '$program $*' failed; its output is in $log" >&2
        return 1
    fi
}

# recorded NAME: the value the measured programs recorded under NAME (empty if none).
recorded() {
    awk -F'\t' -v n="$1" '$1 == n { v = $2 } END { print v }' "$bench_results"
}
recorded_unit() {
    awk -F'\t' -v n="$1" '$1 == n { u = $3 } END { print u }' "$bench_results"
}

# row NAME CLAIM NOTE: a table row for a figure a program recorded.
row() {
    value=$(recorded "$1")
    if [ -z "$value" ]; then
        echo "bench: nothing recorded under $1" >&2
        return 1
    fi
    row_value "$1" "$value" "$(recorded_unit "$1")" "$2" "$3"
}

# row_value NAME VALUE UNIT CLAIM NOTE: a table row for a figure computed here.
row_value() {
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$bench_rows"
    printf '%s\t%s\t%s\t%s\t%s\n' "$bench_chapter" "$1" "$2" "$3" "${5:+$5; }article: $4" >>"$BENCH_TSV"
}

# ratio A B: A / B with two decimals (empty if either is missing or B is zero).
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b + 0 != 0) printf "%.2f", a / b }'
}

# Python beside the C, when it is there: python_for MODULE prints a python3 that can
# import MODULE (the first of python3, /usr/bin/python3), or nothing.
python_for() {
    for py in python3 /usr/bin/python3; do
        if command -v "$py" >/dev/null 2>&1 && "$py" -c "import $1" 2>/dev/null; then
            echo "$py"
            return 0
        fi
    done
}

bench_begin() {
    bench_chapter=$1
    : >"$bench_rows"
    : >"$bench_results"
    printf '\n== bench: chapter %s (%s) ==\n' "$1" "$2"
}

# Print the chapter's rows as an aligned table: numbers rounded for reading (the TSV
# keeps them whole), columns measured in terminal cells, so 汉字 count two. perl, which
# prove needs anyway, knows which characters are wide.
bench_end() {
    perl -CSD -Mutf8 -e '
        sub cells { my $s = shift; my $wide = () = $s =~ /[\p{EA=W}\p{EA=F}]/g; length($s) + $wide }
        sub pad { my ($s, $w, $right) = @_; my $fill = " " x ($w - cells($s));
                  $right ? $fill . $s : $s . $fill }
        sub number { my $v = shift; return $v unless $v =~ /^-?[0-9.]+(e[-+]?[0-9]+)?$/i;
                     $v == int($v) || abs($v) >= 1000 ? sprintf("%.0f", $v) : abs($v) >= 10 ? sprintf("%.1f", $v)
                                                            : sprintf("%.2f", $v) }
        my @rows = (["figure", "measured", "unit", "the article says", "note"]);
        while (<>) { chomp; my @c = split /\t/, $_, -1; $c[1] = number($c[1]); push @rows, [@c[0..4]] }
        my @w;
        for my $r (@rows) { for my $i (0..4) { my $n = cells($r->[$i] // ""); $w[$i] = $n if $n > ($w[$i] // 0) } }
        for my $r (@rows) {
            my @out = map { pad($r->[$_] // "", $w[$_], $_ == 1 && $r != $rows[0]) } 0..3;
            print join("  ", @out, $r->[4] // ""), "\n";
        }' "$bench_rows"
}
