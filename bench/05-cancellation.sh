# bench/05-cancellation.sh — chapter 05: what stopping work costs, a thread's and a task's,
# beside asyncio doing the same. Sourced by bench/run.sh with bench/lib.sh.

measure 05-cancellation/thread_cancel --threads 4 --iterations 200
row thread_cancel.us.cancel "— (Python cannot cancel a thread)" \
    "pthread_cancel of 4 threads in pthread_cond_wait, to pthread_join; per thread, best of 200"
row thread_cancel.us.flag "—" \
    "a stop flag set and broadcast under the mutex, to pthread_join; per thread, best of 200"
row_value thread_cancel.ratio.cancel_over_flag \
    "$(ratio "$(recorded thread_cancel.us.cancel)" "$(recorded thread_cancel.us.flag)")" x \
    "—" "pthread_cancel's time over the flag's: signal, unwinding, handlers"
