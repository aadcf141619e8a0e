/* Unit tests of common/args: good input is parsed, every kind of bad input is refused. */
#include "args.h"
#include "tap.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static long threads;
static double seconds;
static bool quick;
static const char *name;

static const struct opt opts[] = {
    OPT_INT("threads", "N", &threads, 1, 64, "threads"),
    OPT_DOUBLE("seconds", "S", &seconds, 0.001, 60, "seconds"),
    OPT_STRING("name", "NAME", &name, "a name"),
    OPT_QUICK(&quick),
    OPT_END,
};

/* Parse a NULL-terminated list of arguments after a fresh reset of the variables. */
static int parse(char *err, const char *first, ...)
{
    threads = 2, seconds = 1.0, quick = false, name = NULL;
    char *argv[16] = {"prog"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 15; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    err[0] = '\0';
    return args_try_parse(argc, argv, opts, err, 256);
}

/* A table with --quick values, and the run of many options the old args.c forgot. */
static long iterations;
static double pause_s;
static bool quick2;
static const struct opt quick_opts[] = {
    OPT_INT("iterations", "N", &iterations, 1, 1000000, "iterations"),
    OPT_QUICK_INT(&iterations, 100),
    OPT_DOUBLE("pause", "S", &pause_s, 0, 10, "pause"),
    OPT_QUICK_DOUBLE(&pause_s, 0.01),
    OPT_QUICK(&quick2),
    OPT_END,
};

static int parse_quick(const char *a, const char *b, const char *c)
{
    iterations = 1000000, pause_s = 1, quick2 = false;
    char *argv[] = {"prog", (char *)a, (char *)b, (char *)c, NULL};
    int argc = 1;
    while (argv[argc])
        argc++;
    char err[256];
    return args_try_parse(argc, argv, quick_opts, err, sizeof err);
}

static void env_yes(void *unused)
{
    (void)unused;
    setenv("LAB_QUICK", "yes", 1);
    env_flag("LAB_QUICK");
}

static void contradiction(void *unused)
{
    (void)unused;
    args_error("--seconds %d contradicts --requests", 0);
}

int main(void)
{
    char err[256];
    unsetenv("LAB_QUICK");

    is_long(parse(err, NULL), 0, "no arguments: the defaults stand");
    is_long(threads, 2, "default --threads kept");

    is_long(parse(err, "--threads", "8", "--seconds=0.5", "--quick", "--name", "x", NULL), 0,
            "both '--opt value' and '--opt=value' forms");
    ok(threads == 8 && seconds == 0.5 && quick && strcmp(name, "x") == 0, "values stored");

    is_long(parse(err, "--help", NULL), 1, "--help asks for the usage");
    is_long(parse(err, "-h", NULL), 1, "-h too");

    is_long(parse(err, "--threads", "0", NULL), -1, "--threads 0 is refused");
    ok(strstr(err, "out of range (1..64)") != NULL, "with the range in the message: %s", err);
    is_long(parse(err, "--threads", "65", NULL), -1, "--threads 65, one above the range, is refused");
    is_long(parse(err, "--threads", "64", NULL), 0, "--threads 64, its top, is taken");
    is_long(parse(err, "--threads", "abc", NULL), -1, "--threads abc is refused");
    ok(strstr(err, "'abc' is not a whole number") != NULL, "saying why: %s", err);
    is_long(parse(err, "--threads", "3x", NULL), -1, "trailing garbage is refused");
    is_long(parse(err, "--threads", " 3", NULL), -1, "leading blanks are refused");
    is_long(parse(err, "--threads", "", NULL), -1, "an empty number is refused");
    is_long(parse(err, "--threads", "99999999999999999999", NULL), -1, "overflow is refused");
    is_long(parse(err, "--threads", NULL), -1, "a missing value is refused");
    ok(strstr(err, "needs a value") != NULL, "saying so: %s", err);
    is_long(parse(err, "--seconds", "-1", NULL), -1, "a negative duration is refused");
    is_long(parse(err, "--seconds", "nan", NULL), -1, "nan is refused");
    is_long(parse(err, "--seconds", "inf", NULL), -1, "inf is refused");
    is_long(parse(err, "--bogus", NULL), -1, "an unknown option is refused");
    ok(strstr(err, "unknown option '--bogus'") != NULL, "naming it: %s", err);
    is_long(parse(err, "--thread", "2", NULL), -1, "a prefix of an option is not the option");
    is_long(parse(err, "stray", NULL), -1, "a stray argument is refused");
    is_long(parse(err, "--quick=yes", NULL), -1, "a flag takes no value");
    is_long(parse(err, "--name=", NULL), -1, "an empty string value is refused");

    parse(err, "--threads", "8", "--quick", NULL);
    ok(args_given(&threads) && args_given(&quick), "args_given: the options on the command line");
    ok(!args_given(&seconds) && !args_given(&name), "args_given: not the ones left at default");

    setenv("LAB_QUICK", "1", 1);
    parse(err, NULL);
    ok(quick, "LAB_QUICK=1 sets --quick");
    ok(!args_given(&quick), "LAB_QUICK=1 is not a --quick on the command line");
    unsetenv("LAB_QUICK");

    long l;
    double d;
    ok(parse_long("-5", -10, 10, &l) && l == -5, "parse_long accepts a negative in range");
    ok(!parse_long("11", -10, 10, &l), "parse_long refuses above the range");
    ok(parse_double("2.5e-3", 0, 1, &d) && d == 2.5e-3, "parse_double accepts exponents");
    ok(!parse_double("1.5.2", 0, 10, &d), "parse_double refuses garbage");

    ok(!parse_double("0x10", 0, 100, &d), "parse_double refuses hexadecimal (0x10 is not 16 s)");
    ok(!parse_double("inf", 0, HUGE_VAL, &d) && !parse_double("nan", 0, 1, &d),
       "...and inf and nan");
    is_long(parse(err, "--seconds", "0x10", NULL), -1, "--seconds 0x10 is refused");

    /* More options on the command line than any fixed list would hold: none forgotten. */
    char *many[203] = {"prog"};
    for (int i = 1; i < 201; i += 2)
        many[i] = "--threads", many[i + 1] = "3";
    many[201] = "--seconds=2";
    threads = 2, seconds = 1, quick = false, name = NULL;
    is_long(args_try_parse(202, many, opts, err, sizeof err), 0, "100 options parse");
    ok(args_given(&seconds) && seconds == 2, "args_given sees the 101st option");

    /* --quick values from the table: only for what was left at its default. */
    parse_quick("--quick", NULL, NULL);
    ok(iterations == 100 && pause_s == 0.01, "--quick gives the table's quick values");
    parse_quick("--quick", "--iterations", "7");
    ok(iterations == 7 && pause_s == 0.01, "...but not to an option given on the command line");
    parse_quick(NULL, NULL, NULL);
    ok(iterations == 1000000 && pause_s == 1, "...and nothing without --quick");
    setenv("LAB_QUICK", "1", 1);
    parse_quick(NULL, NULL, NULL);
    ok(iterations == 100, "LAB_QUICK=1 gives the quick values too");
    unsetenv("LAB_QUICK");

    /* Boolean environment variables: one reading everywhere. */
    setenv("LAB_FLAG_TEST", "1", 1);
    ok(env_flag("LAB_FLAG_TEST"), "env_flag: 1 is on");
    setenv("LAB_FLAG_TEST", "0", 1);
    ok(!env_flag("LAB_FLAG_TEST"), "env_flag: 0 is off");
    setenv("LAB_FLAG_TEST", "", 1);
    ok(!env_flag("LAB_FLAG_TEST"), "env_flag: empty is off");
    unsetenv("LAB_FLAG_TEST");
    ok(!env_flag("LAB_FLAG_TEST"), "env_flag: unset is off");
    char refused[256];
    int yes = run_in_child(env_yes, NULL, refused, sizeof refused);
    ok(WIFEXITED(yes) && WEXITSTATUS(yes) == 2 && strstr(refused, "LAB_QUICK=yes: set it to 1"),
       "env_flag: anything else is refused, exit 2: %s", refused);

    /* args_error: one line on stderr, exit 2, like a bad option. */
    char said[256];
    int status = run_in_child(contradiction, NULL, said, sizeof said);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 2, "args_error exits with status 2");
    ok(strstr(said, ": --seconds 0 contradicts --requests\n") && !strchr(said, '\n')[1],
       "in one line naming the program: %s", said);
    return done_testing();
}
