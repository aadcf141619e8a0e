# Chapter 01, the GIL (sourced by bench/run.sh with bench/lib.sh).
# A0 1.1: two threads take as long as one thread doing both tasks (约10秒 / 仍约10秒);
# A0 1.2: two processes take half (约5秒). The C simulation, then the article's own
# Python (scaled down from 10**8 to 3*10**7: the ratios matter, not the seconds).
# Each is run three times and the median speedup kept: one run on a busy machine can
# be slowed in one mode and not in the other.

# median_row NAME CLAIM NOTE: a row for the median of what the runs recorded under NAME.
median_row() {
    value=$(awk -F'\t' -v n="$1" '$1 == n { v[++k] = $2 }
        END { if (k) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
                  if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
              print v[int((k + 1) / 2)] } }' "$bench_results")
    if [ -z "$value" ]; then
        echo "bench: nothing recorded under $1" >&2
        return 1
    fi
    row_value "$1" "$value" "$(recorded_unit "$1")" "$2" "$3"
}

for run in 1 2 3; do
    measure 01-gil-and-threads/gil_sim --threads 2 --seconds 0.5
done
median_row gil.speedup.sim_gil_threads "单线程约10秒, 多线程仍约10秒: 1x" "C, 2 threads under the simulated GIL"
median_row gil.speedup.free_threads "(CPython has a GIL)" "C, 2 threads without a GIL; ≈ cores"
median_row gil.speedup.processes "异步+进程池约5秒: 2x" "C, 2 fork()ed processes"
median_row gil.handovers "(not in the article)" "C, GIL hand-overs in the 2-thread run (5 ms interval)"

py=$(python_for asyncio)
if [ -n "$py" ]; then
    for run in 1 2 3; do
        printf '  running %s bench/py/gil.py --count 30000000\n' "$py" >&2
        LAB_RESULTS=$bench_results "$py" bench/py/gil.py --count 30000000 \
            >"$LAB_BUILD/bench-logs/gil.py.log" 2>&1 ||
            echo "bench: bench/py/gil.py failed; see $LAB_BUILD/bench-logs/gil.py.log" >&2
    done
    median_row gil.speedup.py_threads "单线程约10秒, 多线程仍约10秒: 1x" "the article's Python ($py), 2 threads"
    median_row gil.speedup.py_processes "异步+进程池约5秒: 2x" "the article's Python, run_in_executor(ProcessPoolExecutor())"
else
    echo "bench: no python3: the article's own Python is not measured" >&2
fi
