/* crawl_frontier.c — see crawl_frontier.h. */
#include "crawl_frontier.h"

#include "check.h"
#include "queue.h"

#include <stdlib.h>
#include <string.h>

void crawl_frontier_init(struct crawl_frontier *f, long depth, long max_pages)
{
    *f = (struct crawl_frontier){.queue = queue_new(0), .depth = depth, .max_pages = max_pages};
    tally_init(&f->seen);
}

void crawl_frontier_free(struct crawl_frontier *f)
{
    queue_free(f->queue);
    for (size_t i = 0; i < f->seen.cap; i++) {
        struct page *p = f->seen.slot[i].value;
        if (p)
            links_free(&p->links);
        free(p);
    }
    tally_free(&f->seen);
    free(f->again);
}

static void follow_later(struct crawl_frontier *f, struct page *p)
{
    if (f->again_count == f->again_cap)
        f->again = grow_array(f->again, &f->again_cap, f->again_count + 1, sizeof *f->again,
                              "crawl_frontier: again");
    f->again[f->again_count++] = p;
}

void crawl_frontier_found(struct crawl_frontier *f, const char *key, long depth)
{
    struct tally_entry *e = tally_count(&f->seen, key, strlen(key), 0);
    struct page *p = e->value;
    if (e->hits == 1 && f->queued < f->max_pages) {
        p = e->value = xmalloc(sizeof *p);
        *p = (struct page){.url = e->key, .depth = depth, .followed = -1};
        f->queued++;
        queue_put_nowait(f->queue, p); /* unbounded: never full */
    } else if (p && depth < p->depth) {
        p->depth = depth; /* queued or in flight: crawl_frontier_follow will take it from here */
        if (p->followed > depth)
            follow_later(f, p); /* fetched already: its links again, from here */
    }
}

/* A list, not recursion: lowering one page can lower a chain of them, --depth long. */
void crawl_frontier_follow(struct crawl_frontier *f, struct page *p)
{
    follow_later(f, p);
    while (f->again_count) {
        p = f->again[--f->again_count];
        if (p->followed >= 0 && p->followed <= p->depth)
            continue; /* followed from this depth, or a smaller one, already */
        p->followed = p->depth;
        for (size_t i = 0; p->depth < f->depth && i < p->links.count; i++)
            crawl_frontier_found(f, p->links.url[i], p->depth + 1);
        if (p->depth <= 1)
            links_free(&p->links); /* nothing can lower it now */
    }
}
