/*
 * gather.h — asyncio.gather: one future that is done when a group of futures is.
 *
 *     struct future *jobs[2] = {task_future(a), task_future(b)};
 *     struct future *both = gather(jobs, 2, GATHER_FAIL_FAST);
 *     int err = await_future(both, NULL);   // 0 once both have a result
 *     void *page_a, *page_b;                // void *, what gather_result writes: no cast
 *     if (err == 0 && gather_result(both, 0, &page_a) == 0 &&
 *         gather_result(both, 1, &page_b) == 0)
 *         printf("%s %s\n", (char *)page_a, (char *)page_b);  // taken, in the children's order
 *     future_unref(both);
 *
 * The children are any futures of one loop: tasks (task_future), executor jobs, sleeps,
 * other gathers. The gather is a future too, built only from done callbacks: nothing runs
 * the children but their own loop.
 *
 * The laws, each tested in tests/unit/gather.c:
 *   The results come in the order of the children, not in the order they finished:
 *   gather_result(g, i) is child i's. The gather's own result is NULL.
 *   One owner (future.h): gather_result takes child i's result, so a second gather_result,
 *   or await_task on that child, gets -EALREADY; the gather itself takes none.
 *   GATHER_FAIL_FAST: the first child to fail ends the gather at once with that child's
 *   error (code and message); the other children keep running, and the errors they end
 *   with later count as retrieved. asyncio does both.
 *   A cancelled child counts as a failure: in GATHER_FAIL_FAST the gather ends with the
 *   error -ECANCELED (naming the child); in GATHER_RETURN_EXCEPTIONS its entry says
 *   -ECANCELED. The gather itself is not cancelled by it.
 *   GATHER_RETURN_EXCEPTIONS: the gather waits for every child and ends with a result;
 *   gather_result (or gather_error) then says how each child ended. Their errors count as
 *   retrieved.
 *   Cancelling the gather (future_cancel, or cancelling a task that awaits it) cancels
 *   every child still running; the gather then ends cancelled, in either mode, when it
 *   would otherwise have ended (asyncio's bpo-32684). It returns false, and nothing is
 *   cancelled, when no child accepts (a job already running in a thread refuses).
 *   Gathering nothing gives a future already done, with a result.
 *   The gather holds a reference on every child until the gather is freed, so results that
 *   live inside a child (a process job's bytes) stay valid as long as the gather does.
 */
#ifndef LAB_GATHER_H
#define LAB_GATHER_H

#include <stddef.h>

struct future;

enum gather_mode {
    GATHER_FAIL_FAST,         /* asyncio.gather(*aws): the first error wins */
    GATHER_RETURN_EXCEPTIONS, /* asyncio.gather(*aws, return_exceptions=True) */
};

/*
 * A future for `n` children (all of one loop; n may be 0, on the running loop), with one
 * reference owned by the caller; its own result is NULL (read each child's with
 * gather_result). NULL with errno set: EXDEV (children of different loops), ESRCH (n is 0
 * and no loop runs in this thread).
 */
struct future *gather(struct future *const *children, size_t n, enum gather_mode mode);

/*
 * Child `i`'s outcome, taken (one owner, future.h): 0 and its result in *result, its
 * error's code, -ECANCELED, -EAGAIN if it is not done yet (a fail-fast gather ended
 * before it), -EALREADY if its outcome was taken before. `result` may be NULL (look only).
 */
int gather_result(struct future *g, size_t i, void **result);

/*
 * How child `i` ended, once the gather is done: 0 (a result), its error's code, or
 * -ECANCELED (as future_error). With its message, or NULL if it has none.
 */
int gather_error(struct future *g, size_t i);
const char *gather_error_message(struct future *g, size_t i);

#endif
