/* args.c — see args.h. */
#include "args.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || isspace((unsigned char)*s) || *end != '\0' || errno == ERANGE || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool parse_double(const char *s, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || isspace((unsigned char)*s) || *end != '\0' || errno == ERANGE || !isfinite(v) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* The variables of the options the last parse saw, for args_given(). */
enum { MAX_GIVEN = 64 };
static const void *given[MAX_GIVEN];
static int given_count;

bool args_given(const void *value)
{
    for (int i = 0; i < given_count; i++)
        if (given[i] == value)
            return true;
    return false;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct opt *find(const struct opt *opts, const char *name, size_t len)
{
    for (const struct opt *o = opts; o->kind != OPT_KIND_END; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

/* Store `text` into the option's variable; -1 (with a reason) if it does not fit. */
static int set_value(const struct opt *o, const char *text, char *err, size_t errlen)
{
    switch (o->kind) {
    case OPT_KIND_INT: {
        long v;
        if (!parse_long(text, LONG_MIN, LONG_MAX, &v))
            return fail(err, errlen, "--%s: '%s' is not a whole number", o->name, text);
        if (v < o->min || v > o->max)
            return fail(err, errlen, "--%s: %ld is out of range (%.0f..%.0f)", o->name, v, o->min,
                        o->max);
        *(long *)o->value = v;
        return 0;
    }
    case OPT_KIND_DOUBLE: {
        double v;
        if (!parse_double(text, -HUGE_VAL, HUGE_VAL, &v))
            return fail(err, errlen, "--%s: '%s' is not a number", o->name, text);
        if (v < o->min || v > o->max)
            return fail(err, errlen, "--%s: %g is out of range (%g..%g)", o->name, v, o->min,
                        o->max);
        *(double *)o->value = v;
        return 0;
    }
    case OPT_KIND_STRING:
        if (*text == '\0')
            return fail(err, errlen, "--%s: the value is empty", o->name);
        *(const char **)o->value = text;
        return 0;
    default:
        return fail(err, errlen, "--%s takes no value", o->name);
    }
}

int args_try_parse(int argc, char **argv, const struct opt *opts, char *err, size_t errlen)
{
    given_count = 0;
    const char *quick_env = getenv("LAB_QUICK");
    const struct opt *quick = find(opts, "quick", 5);
    if (quick && quick->kind == OPT_KIND_FLAG && quick_env && strcmp(quick_env, "1") == 0)
        *(bool *)quick->value = true;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
            return 1;
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0')
            return fail(err, errlen, "unexpected argument '%s' (try --help)", arg);

        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt *o = find(opts, name, len);
        if (!o)
            return fail(err, errlen, "unknown option '%.*s' (try --help)", (int)(len + 2), arg);
        if (given_count < MAX_GIVEN)
            given[given_count++] = o->value;

        if (o->kind == OPT_KIND_FLAG) {
            if (eq)
                return fail(err, errlen, "--%s takes no value", o->name);
            *(bool *)o->value = true;
            continue;
        }
        const char *text = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!text)
            return fail(err, errlen, "--%s needs a value (%s)", o->name, o->meta);
        if (set_value(o, text, err, errlen) != 0)
            return -1;
    }
    return 0;
}

static void print_default(const struct opt *o)
{
    switch (o->kind) {
    case OPT_KIND_INT:
        printf(" (%.0f..%.0f, default %ld)", o->min, o->max, *(long *)o->value);
        break;
    case OPT_KIND_DOUBLE:
        printf(" (%g..%g, default %g)", o->min, o->max, *(double *)o->value);
        break;
    case OPT_KIND_STRING:
        if (*(const char **)o->value)
            printf(" (default %s)", *(const char **)o->value);
        break;
    default:
        break;
    }
}

void args_usage(const char *program, const char *summary, const struct opt *opts)
{
    printf("usage: %s [options]\n\n%s\n\noptions:\n", program, summary);
    for (const struct opt *o = opts; o->kind != OPT_KIND_END; o++) {
        char left[48];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->meta ? " " : "", o->meta ? o->meta : "");
        printf("  %-22s %s", left, o->help);
        print_default(o);
        putchar('\n');
    }
    printf("  %-22s %s\n", "--help", "show this help and exit");
}

void args_parse(int argc, char **argv, const char *summary, const struct opt *opts)
{
    char err[256];
    const char *program = program_invocation_short_name;
    switch (args_try_parse(argc, argv, opts, err, sizeof err)) {
    case 0:
        return;
    case 1:
        args_usage(program, summary, opts);
        exit(0);
    default:
        fprintf(stderr, "%s: %s\n", program, err);
        exit(2);
    }
}
