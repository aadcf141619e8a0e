# Chapter 01, the GIL (sourced by bench/run.sh with bench/lib.sh).
# A0 1.1: two threads take as long as one thread doing both tasks (约10秒 / 仍约10秒);
# A0 1.2: the event loop hands the two tasks to a process pool and takes half (约5秒).
# The C simulation and the C event loop, then the article's own Python (scaled down
# from 10**8 to 3*10**7: the ratios matter, not the seconds). Each runs every mode
# three times in turn and keeps its fastest run, so that a busy moment of the machine
# does not slow one mode and not the other.

measure 01-gil-and-threads/gil_sim --threads 2 --seconds 0.5 --repeat 3
row gil.speedup.sim_gil_threads "单线程约10秒, 多线程仍约10秒: 1x" "C, 2 threads under the simulated GIL"
row gil.speedup.free_threads "(CPython has a GIL)" "C, 2 threads without a GIL; ≈ cores"
row gil.speedup.processes "异步+进程池约5秒: 2x" "C, 2 fork()ed processes"
row gil.handovers "(not in the article)" "C, GIL hand-overs in 1 s of 2 threads (5 ms interval)"

measure 01-gil-and-threads/async_pool --workers 2 --seconds 0.5 --repeat 3
row gil.speedup.executor_processes "异步+进程池约5秒: 2x" "C event loop, run_in_executor on a pool made once + gather"
row gil.speedup.executor_pool_per_call "异步+进程池约5秒: 2x" "C event loop, a new pool per call, as the article writes it"

py=$(python_for asyncio)
if [ -n "$py" ]; then
    printf '  running %s bench/py/gil.py --count 30000000 --repeat 3\n' "$py" >&2
    if LAB_RESULTS=$bench_results "$py" bench/py/gil.py --count 30000000 --repeat 3 \
        >"$LAB_BUILD/bench-logs/gil.py.log" 2>&1; then
        row gil.speedup.py_threads "单线程约10秒, 多线程仍约10秒: 1x" "the article's Python ($py), 2 threads"
        row gil.speedup.py_processes "异步+进程池约5秒: 2x" "the article's Python, run_in_executor(ProcessPoolExecutor()): a pool per call"
        row gil.speedup.py_executor "异步+进程池约5秒: 2x" "the article's Python with one pool made once and shared (A1 §6)"
    else
        echo "bench: bench/py/gil.py failed; see $LAB_BUILD/bench-logs/gil.py.log" >&2
    fi
else
    echo "bench: no python3: the article's own Python is not measured" >&2
fi
