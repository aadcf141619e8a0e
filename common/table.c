/* table.c — see table.h. */
#include "table.h"

#include "check.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_COLUMNS = 16 };

struct table {
    char **rows; /* each row as its '|'-separated text; rows[0] is the header */
    size_t count, capacity;
};

static void add(struct table *t, char *text)
{
    if (t->count == t->capacity)
        t->rows = grow_array(t->rows, &t->capacity, t->count + 1, sizeof *t->rows, "table");
    t->rows[t->count++] = text;
}

struct table *table_new(const char *header)
{
    struct table *t = xcalloc(1, sizeof *t);
    add(t, xstrdup(header));
    return t;
}

void table_row(struct table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = xmalloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
    add(t, text);
}

/* Split a row into cells (pointers into a copy the caller frees); returns the count. */
static int split(const char *row, char **copy, const char *cells[MAX_COLUMNS])
{
    *copy = xstrdup(row);
    int n = 0;
    for (char *s = *copy; n < MAX_COLUMNS;) {
        cells[n++] = s;
        s = strchr(s, '|');
        if (!s)
            break;
        *s++ = '\0';
    }
    return n;
}

/*
 * How many terminal columns a UTF-8 string takes: one per character, two for the wide
 * East Asian ones (汉字, full-width forms), so Chinese headings line up too.
 */
static int display_width(const char *s)
{
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = *p;
        int len = cp < 0x80 ? 1 : cp < 0xe0 ? 2 : cp < 0xf0 ? 3 : 4;
        if (len > 1) {
            cp &= 0x3f >> (len - 1);
            for (int i = 1; i < len && (p[i] & 0xc0) == 0x80; i++)
                cp = cp << 6 | (p[i] & 0x3f);
        }
        for (int i = 0; i < len && *p; i++)
            p++;
        bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
        width += wide ? 2 : 1;
    }
    return width;
}

/* "1.23", "-4", "2.00x", "95%", "12 ms": digits first, a short unit at most after. */
static bool looks_numeric(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s) || *s == '.' || *s == ',')
        s++;
    return strlen(s) <= 3;
}

void table_print(const struct table *t)
{
    int width[MAX_COLUMNS] = {0}, columns = 0;
    for (size_t r = 0; r < t->count; r++) {
        char *copy;
        const char *cells[MAX_COLUMNS];
        int n = split(t->rows[r], &copy, cells);
        for (int c = 0; c < n; c++) {
            int w = display_width(cells[c]);
            if (w > width[c])
                width[c] = w;
        }
        if (n > columns)
            columns = n;
        free(copy);
    }
    for (size_t r = 0; r < t->count; r++) {
        char *copy;
        const char *cells[MAX_COLUMNS];
        int n = split(t->rows[r], &copy, cells);
        for (int c = 0; c < n; c++) {
            /* printf pads by bytes, not columns: pad by hand; the last cell needs none. */
            int pad = width[c] - display_width(cells[c]);
            bool right = r > 0 && looks_numeric(cells[c]);
            printf("%s%*s%s", c ? "  " : "", right ? pad : 0, "", cells[c]);
            if (!right && c < n - 1)
                printf("%*s", pad, "");
        }
        putchar('\n');
        free(copy);
        if (r == 0) {
            for (int c = 0; c < columns; c++) {
                printf("%s", c ? "  " : "");
                for (int i = 0; i < width[c]; i++)
                    putchar('-');
            }
            putchar('\n');
        }
    }
    fflush(stdout);
}

void table_free(struct table *t)
{
    for (size_t r = 0; r < t->count; r++)
        free(t->rows[r]);
    free(t->rows);
    free(t);
}
