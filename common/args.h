/*
 * args.h — strict command-line options, the same way in every program.
 *
 * A program declares its options in a table; args_parse() fills the variables or,
 * on any bad input, prints one clear line and exits with status 2. A bad number is
 * an error, never a silent zero ("--threads abc", "--threads 0", "--iterations -1").
 *
 *     long threads = 2;
 *     bool quick = false;
 *     struct opt opts[] = {
 *         OPT_INT("threads", "N", &threads, 1, 64, "threads to run"),
 *         OPT_QUICK(&quick),
 *         OPT_END,
 *     };
 *     args_parse(argc, argv, "Two CPU loops under a simulated GIL.", opts);
 *
 * Accepted forms: "--name value" and "--name=value"; "--help" and "-h" print the
 * usage (with each option's default) and exit 0. Numbers are decimal ("0x10" is refused).
 * LAB_QUICK=1 in the environment sets --quick, so the test suite can shrink every
 * program the same way (any other value but 0 or empty is refused: see env_flag).
 */
#ifndef LAB_ARGS_H
#define LAB_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

enum opt_kind {
    OPT_KIND_END,
    OPT_KIND_FLAG,
    OPT_KIND_INT,
    OPT_KIND_DOUBLE,
    OPT_KIND_STRING,
    OPT_KIND_QUICK_INT,    /* not an option: the value --quick gives an OPT_INT's variable */
    OPT_KIND_QUICK_DOUBLE, /* ...an OPT_DOUBLE's */
};

struct opt {
    enum opt_kind kind;
    const char *name;  /* "threads" for --threads */
    const char *meta;  /* what the value is called in --help: "N", "S" */
    void *value;       /* bool *, long *, double * or const char ** */
    double min, max;   /* accepted range of a number, inclusive */
    const char *help;
    double quick;      /* OPT_KIND_QUICK_*: the value under --quick */
};

/* _Generic makes a variable of the wrong type a compile error, not a silent overwrite. */
#define OPT_FLAG(name, ptr, help) \
    {OPT_KIND_FLAG, name, NULL, _Generic((ptr), bool *: (ptr)), 0, 0, help}
#define OPT_INT(name, meta, ptr, lo, hi, help) \
    {OPT_KIND_INT, name, meta, _Generic((ptr), long *: (ptr)), lo, hi, help}
#define OPT_DOUBLE(name, meta, ptr, lo, hi, help) \
    {OPT_KIND_DOUBLE, name, meta, _Generic((ptr), double *: (ptr)), lo, hi, help}
#define OPT_STRING(name, meta, ptr, help) \
    {OPT_KIND_STRING, name, meta, _Generic((ptr), const char **: (ptr)), 0, 0, help}
#define OPT_QUICK(ptr) OPT_FLAG("quick", ptr, "a small, fast run (what the tests use; also LAB_QUICK=1)")
/*
 * The value an option takes under --quick when it is not given: --quick shrinks only
 * what the user left at its default, so `--seconds 2 --quick` runs 2 s. --help shows it.
 *     OPT_DOUBLE("seconds", "S", &seconds, 0.01, 60, "how long to run"),
 *     OPT_QUICK_DOUBLE(&seconds, 0.1),
 */
#define OPT_QUICK_INT(ptr, v) \
    {OPT_KIND_QUICK_INT, NULL, NULL, _Generic((ptr), long *: (ptr)), 0, 0, NULL, v}
#define OPT_QUICK_DOUBLE(ptr, v) \
    {OPT_KIND_QUICK_DOUBLE, NULL, NULL, _Generic((ptr), double *: (ptr)), 0, 0, NULL, v}
#define OPT_END {OPT_KIND_END, NULL, NULL, NULL, 0, 0, NULL, 0}

/* Parse argv or exit: 0 after --help, 2 after printing "program: what is wrong". */
void args_parse(int argc, char **argv, const char *summary, const struct opt *opts);

/*
 * For what the table cannot check (options that contradict each other, a value of the
 * wrong shape): print "program: message" in one line, as args_parse does, and exit 2.
 */
noreturn void args_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The same without exiting, for tests: returns 0 when parsed, 1 when help was asked
 * for, -1 on bad input with the reason written to `err`.
 */
int args_try_parse(int argc, char **argv, const struct opt *opts, char *err, size_t errlen);

/*
 * Whether the last parse saw the option whose variable is `value` on the command line
 * (for a rule the table cannot say; a --quick value belongs in the table: OPT_QUICK_INT).
 */
bool args_given(const void *value);

/*
 * A boolean environment variable, read one way everywhere (LAB_QUICK, LAB_VIRTUAL_CLOCK,
 * LAB_LOOP_DEBUG, LAB_TIMELINE, LAB_REQUIRE_ALL): "1" is true; unset, empty or "0" is
 * false; anything else ("yes", "true") is refused in one line, exit 2, rather than read
 * one way by one program and another by the next.
 */
bool env_flag(const char *name);

/* Print the usage text args_parse prints for --help. */
void args_usage(const char *program, const char *summary, const struct opt *opts);

/* Strict conversions: the whole string must be a number in [min, max]. */
bool parse_long(const char *s, long min, long max, long *out);
bool parse_double(const char *s, double min, double max, double *out);

#endif
