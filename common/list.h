/*
 * list.h — an intrusive doubly linked list: the one line-up every queue of the runtime
 * stands on (the thread pool's and process pool's jobs, a Queue's items, the tasks
 * waiting in a Lock, Semaphore, Event or Condition).
 *
 *     struct job {
 *         struct list_node node;      // the links live inside the element...
 *         int number;
 *     };
 *
 *     struct list jobs;
 *     list_init(&jobs);
 *     list_push_back(&jobs, &job->node);                 // ...so joining a list allocates nothing
 *     struct job *first = list_entry(list_first(&jobs), struct job, node);
 *     list_remove(&jobs, &first->node);                  // O(1): no walk to find it
 *
 * "Intrusive" is the Linux kernel's list_head idea: the list does not hold pointers to
 * elements in nodes of its own, the element holds the node. So an element can leave
 * the list from its middle in O(1) knowing only itself (a cancelled job, a waiter whose
 * task was cancelled), and list_entry() gets back from the node to the element around it.
 *
 * The laws, each tested in tests/unit/list.c:
 * - A list is circular around its head: the head is a node that is no element, so no
 *   operation has a special case for the first or last element or for an empty list.
 * - list_push_back and list_pop_front make a FIFO: elements come out in the order they
 *   went in; list_push_front puts one back at the front (a job handed back).
 * - list_length() is kept, not counted: O(1).
 * - A node that is in no list says so (list_linked is false): after list_node_init and
 *   after it leaves a list. Removing a node that is in no list, or pushing one that is
 *   already in one, dies: both are bugs that would otherwise corrupt the list silently.
 * - The list does not own its elements: freeing them is the caller's business.
 * - Not thread-safe: a list shared between threads is guarded by its owner's lock.
 */
#ifndef LAB_LIST_H
#define LAB_LIST_H

#include "check.h"

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *prev, *next; /* both NULL while the node is in no list */
};

struct list {
    struct list_node head; /* head.next is the first element, head.prev the last */
    size_t length;
};

/* The element of type `type` whose member `member` is the node `node_ptr`. */
#define list_entry(node_ptr, type, member) \
    ((type *)(void *)((char *)(node_ptr) - offsetof(type, member)))

/*
 * The operations, each a few lines: inline, since every queue of the runtime calls them
 * on its fast path. Read them; they are the whole list.
 */

/* An empty list: its head points at itself both ways. */
static inline void list_init(struct list *l)
{
    l->head.prev = l->head.next = &l->head;
    l->length = 0;
}

/* A node in no list (a zeroed node is one too). */
static inline void list_node_init(struct list_node *n)
{
    n->prev = n->next = NULL;
}

static inline bool list_linked(const struct list_node *n)
{
    return n->next != NULL;
}

static inline bool list_empty(const struct list *l)
{
    return l->head.next == &l->head;
}

static inline size_t list_length(const struct list *l)
{
    return l->length;
}

/* Put `n` between two neighbours: the only place links are made. */
static inline void list_link_between(struct list *l, struct list_node *n,
                                     struct list_node *prev, struct list_node *next)
{
    if (list_linked(n))
        die("list: a node joined a list while still in one");
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
    l->length++;
}

static inline void list_push_back(struct list *l, struct list_node *n)
{
    list_link_between(l, n, l->head.prev, &l->head);
}

static inline void list_push_front(struct list *l, struct list_node *n)
{
    list_link_between(l, n, &l->head, l->head.next);
}

/* Take `n` out of `l`, wherever it is; it is then in no list. */
static inline void list_remove(struct list *l, struct list_node *n)
{
    if (!list_linked(n))
        die("list: removing a node that is in no list");
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_node_init(n);
    l->length--;
}

/* The first element's node, or NULL if the list is empty. */
static inline struct list_node *list_first(const struct list *l)
{
    return list_empty(l) ? NULL : l->head.next;
}

/* The node after `n` in `l`, or NULL if `n` is the last. */
static inline struct list_node *list_next(const struct list *l, const struct list_node *n)
{
    return n->next == &l->head ? NULL : n->next;
}

/* Remove and return the first element's node, or NULL if the list is empty. */
static inline struct list_node *list_pop_front(struct list *l)
{
    struct list_node *n = list_first(l);
    if (n)
        list_remove(l, n);
    return n;
}

/*
 * Every node of `l`, first to last, in `node` (a struct list_node *). The body must not
 * remove `node` from the list: pop the front instead when draining it.
 */
#define list_for_each(node, l) for ((node) = list_first(l); (node); (node) = list_next((l), (node)))

#endif
