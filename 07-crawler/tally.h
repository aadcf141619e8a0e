/*
 * tally.h — a count per string, with when it was first and last counted: the local test
 * site's hits per path (how often a crawler fetched a page, how long it waited before a
 * retry), and a crawler's set of URLs already seen.
 */
#ifndef TALLY_H
#define TALLY_H

#include <stddef.h>

struct tally_entry {
    char *key;
    long hits; /* times counted */
    double first, last;
    void *value; /* the caller's, NULL until it sets it (a crawler's page) */
};

struct tally {
    struct tally_entry *slot; /* open addressing; key NULL: empty */
    size_t cap, used;
};

void tally_init(struct tally *h);
void tally_free(struct tally *h);

/* Count key[0, len) once more at `now`; returns its entry (this one counted). */
struct tally_entry *tally_count(struct tally *h, const char *key, size_t len, double now);

/* Forget every count. */
void tally_clear(struct tally *h);

#endif
