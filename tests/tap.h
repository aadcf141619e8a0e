/*
 * tap.h — the Test Anything Protocol for the lab's C tests, read by `prove`.
 *
 *     int main(void) {
 *         ok(1 + 1 == 2, "addition works");
 *         is_long(parse("7"), 7, "parses a number");
 *         return done_testing();
 *     }
 *
 * Each check prints "ok N - name" or "not ok N - name" and returns whether it
 * passed; done_testing() prints the plan and returns the exit status (0 if all passed).
 */
#ifndef LAB_TAP_H
#define LAB_TAP_H

#include <stdbool.h>
#include <stddef.h>

bool ok(bool passed, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool is_long(long got, long want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A check that cannot be made where the test runs: "ok N - name # skip why", which prove
 * counts and reports as skipped. `why` names what stands in the way.
 */
void skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when the test runs under valgrind, whose emulated machine differs in a few ways. */
bool under_valgrind(void);

/*
 * What the code under test writes to stderr between these two calls, kept instead of
 * shown, so a test checks the warning it expects rather than printing it among the
 * results. The text (its first 4 KiB) stays valid until the next capture.
 */
void stderr_capture_begin(void);
const char *stderr_capture_end(void);

/*
 * Run fn(arg) in a fork()ed child whose stdout and stderr go into text (its first
 * size - 1 bytes, NUL-ended); return the child's wait status (WIFEXITED...). For code
 * that is meant to die or exit: a child whose fn returns exits 0.
 */
int run_in_child(void (*fn)(void *arg), void *arg, char *text, size_t size);

/* A comment line ("# ...") for the reader of a failing test. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the plan and return the process exit status. */
int done_testing(void);

/*
 * A transcript of what a test saw, in order: note("A1 ") appends to `trace`, so one
 * is_str(trace, "A1 B1 A2 ", ...) checks a whole interleaving. Clear it with
 * trace[0] = '\0'. Only the test's main thread (the loop's) may note.
 */
extern char trace[512];
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * For a test that needs something optional (python3, libcurl...): when it is
 * missing, skip the whole test with the reason and exit, unless LAB_REQUIRE_ALL=1,
 * where missing is a failure.
 */
void require_optional(bool available, const char *what);

#endif
