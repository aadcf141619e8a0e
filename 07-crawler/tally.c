/* tally.c — see tally.h. A hash table of strings, open addressing, doubled at 3/4. */
#include "tally.h"

#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void tally_init(struct tally *h)
{
    h->cap = 64;
    h->used = 0;
    h->slot = xcalloc(h->cap, sizeof *h->slot);
}

void tally_clear(struct tally *h)
{
    for (size_t i = 0; i < h->cap; i++)
        free(h->slot[i].key);
    memset(h->slot, 0, h->cap * sizeof *h->slot);
    h->used = 0;
}

void tally_free(struct tally *h)
{
    tally_clear(h);
    free(h->slot);
}

static size_t hash(const char *s, size_t len)
{
    uint64_t x = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        x = (x ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)x;
}

static struct tally_entry *find(struct tally_entry *slot, size_t cap, const char *key, size_t len,
                                size_t hashed)
{
    size_t i = hashed & (cap - 1);
    while (slot[i].key && !(slot[i].hash == hashed && slot[i].len == len &&
                            memcmp(slot[i].key, key, len) == 0))
        i = (i + 1) & (cap - 1);
    return &slot[i];
}

static void grow(struct tally *h)
{
    struct tally_entry *old = h->slot;
    size_t old_cap = h->cap;
    h->cap *= 2;
    h->slot = xcalloc(h->cap, sizeof *h->slot);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *find(h->slot, h->cap, old[i].key, old[i].len, old[i].hash) = old[i];
    free(old);
}

struct tally_entry *tally_count(struct tally *h, const char *key, size_t len, double now)
{
    if (4 * (h->used + 1) > 3 * h->cap)
        grow(h);
    size_t hashed = hash(key, len);
    struct tally_entry *e = find(h->slot, h->cap, key, len, hashed);
    if (!e->key) {
        e->key = xmalloc(len + 1);
        memcpy(e->key, key, len);
        e->key[len] = '\0';
        e->len = len;
        e->hash = hashed;
        e->first = now;
        h->used++;
    }
    e->hits++;
    e->last = now;
    return e;
}
