/* site_hits.c — see site_hits.h. A hash table of paths, open addressing, doubled at 3/4. */
#include "site_hits.h"

#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void site_hits_init(struct site_hits *h)
{
    h->cap = 64;
    h->used = 0;
    h->slot = xcalloc(h->cap, sizeof *h->slot);
}

void site_hits_clear(struct site_hits *h)
{
    for (size_t i = 0; i < h->cap; i++)
        free(h->slot[i].path);
    memset(h->slot, 0, h->cap * sizeof *h->slot);
    h->used = 0;
}

void site_hits_free(struct site_hits *h)
{
    site_hits_clear(h);
    free(h->slot);
}

static size_t hash(const char *s, size_t len)
{
    uint64_t x = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        x = (x ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)x;
}

static struct site_hit *find(struct site_hit *slot, size_t cap, const char *path, size_t len)
{
    size_t i = hash(path, len) & (cap - 1);
    while (slot[i].path && !(strlen(slot[i].path) == len && memcmp(slot[i].path, path, len) == 0))
        i = (i + 1) & (cap - 1);
    return &slot[i];
}

static void grow(struct site_hits *h)
{
    struct site_hit *old = h->slot;
    size_t old_cap = h->cap;
    h->cap *= 2;
    h->slot = xcalloc(h->cap, sizeof *h->slot);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].path)
            *find(h->slot, h->cap, old[i].path, strlen(old[i].path)) = old[i];
    free(old);
}

struct site_hit *site_hits_count(struct site_hits *h, const char *path, size_t len, double now)
{
    if (4 * (h->used + 1) > 3 * h->cap)
        grow(h);
    struct site_hit *e = find(h->slot, h->cap, path, len);
    if (!e->path) {
        e->path = xmalloc(len + 1);
        memcpy(e->path, path, len);
        e->path[len] = '\0';
        e->first = now;
        h->used++;
    }
    e->hits++;
    e->last = now;
    return e;
}
