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
    /* Decimal only: strtod would also read "0x10" as 16 and "inf" or "nan". */
    if (s[strspn(s, "0123456789+-.eE")] != '\0')
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || isspace((unsigned char)*s) || *end != '\0' || errno == ERANGE || !isfinite(v) || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/*
 * What the last parse saw, for args_given(): one flag per entry of its table, so no
 * number of options on the command line is too many to remember.
 */
static const struct opt *given_table;
static bool *given;

bool args_given(const void *value)
{
    for (int i = 0; given_table && given_table[i].kind != OPT_KIND_END; i++)
        if (given_table[i].name && given_table[i].value == value && given[i])
            return true;
    return false;
}

bool env_flag(const char *name)
{
    const char *v = getenv(name);
    if (!v || strcmp(v, "") == 0 || strcmp(v, "0") == 0)
        return false;
    if (strcmp(v, "1") == 0)
        return true;
    args_error("%s=%s: set it to 1 (on) or 0 (off)", name, v);
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
        if (o->name && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
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
    size_t entries = 0;
    while (opts[entries].kind != OPT_KIND_END)
        entries++;
    free(given);
    given = calloc(entries + 1, sizeof *given);
    if (!given)
        return fail(err, errlen, "out of memory");
    given_table = opts;
    const struct opt *quick = find(opts, "quick", 5);
    if (quick && quick->kind == OPT_KIND_FLAG && env_flag("LAB_QUICK"))
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
        given[o - opts] = true;

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
    /* --quick shrinks what was left at its default. */
    for (const struct opt *o = opts; quick && *(bool *)quick->value && o->kind != OPT_KIND_END; o++) {
        if (o->kind == OPT_KIND_QUICK_INT && !args_given(o->value))
            *(long *)o->value = (long)o->quick;
        else if (o->kind == OPT_KIND_QUICK_DOUBLE && !args_given(o->value))
            *(double *)o->value = o->quick;
    }
    return 0;
}

/* The value --quick gives this option's variable, if the table says one. */
static const struct opt *quick_of(const struct opt *opts, const struct opt *o)
{
    for (const struct opt *q = opts; q->kind != OPT_KIND_END; q++)
        if ((q->kind == OPT_KIND_QUICK_INT || q->kind == OPT_KIND_QUICK_DOUBLE) &&
            q->value == o->value)
            return q;
    return NULL;
}

static void print_default(const struct opt *opts, const struct opt *o)
{
    const struct opt *q = quick_of(opts, o);
    switch (o->kind) {
    case OPT_KIND_INT:
        printf(" (%.0f..%.0f, default %ld", o->min, o->max, *(long *)o->value);
        if (q)
            printf(", %.0f with --quick", q->quick);
        putchar(')');
        break;
    case OPT_KIND_DOUBLE:
        printf(" (%g..%g, default %g", o->min, o->max, *(double *)o->value);
        if (q)
            printf(", %g with --quick", q->quick);
        putchar(')');
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
        if (!o->name)
            continue;
        char left[48];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->meta ? " " : "", o->meta ? o->meta : "");
        printf("  %-22s %s", left, o->help);
        print_default(opts, o);
        putchar('\n');
    }
    printf("  %-22s %s\n", "--help", "show this help and exit");
}

void args_error(const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", program_invocation_short_name, message); /* one write */
    exit(2);
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
