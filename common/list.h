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
 *   A list is circular around its head: the head is a node that is no element, so no
 *   operation has a special case for the first or last element or for an empty list.
 *   list_push_back and list_pop_front make a FIFO: elements come out in the order they
 *   went in; list_push_front puts one back at the front (a job handed back).
 *   list_length() is kept, not counted: O(1).
 *   A node that is in no list says so (list_linked is false): after list_node_init and
 *   after it leaves a list. Removing a node that is in no list, or pushing one that is
 *   already in one, dies: both are bugs that would otherwise corrupt the list silently.
 *   The list does not own its elements: freeing them is the caller's business.
 *   Not thread-safe: a list shared between threads is guarded by its owner's lock.
 */
#ifndef LAB_LIST_H
#define LAB_LIST_H

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

/* An empty list: its head points at itself both ways. */
void list_init(struct list *l);

/* A node in no list (a zeroed node is one too). */
void list_node_init(struct list_node *n);

bool list_linked(const struct list_node *n);
bool list_empty(const struct list *l);
size_t list_length(const struct list *l);

void list_push_back(struct list *l, struct list_node *n);
void list_push_front(struct list *l, struct list_node *n);

/* Take `n` out of `l`, wherever it is; it is then in no list. */
void list_remove(struct list *l, struct list_node *n);

/* The first element's node, or NULL if the list is empty. */
struct list_node *list_first(const struct list *l);

/* The node after `n` in `l`, or NULL if `n` is the last. */
struct list_node *list_next(const struct list *l, const struct list_node *n);

/* Remove and return the first element's node, or NULL if the list is empty. */
struct list_node *list_pop_front(struct list *l);

/*
 * Every node of `l`, first to last, in `node` (a struct list_node *). The body must not
 * remove `node` from the list: pop the front instead when draining it.
 */
#define list_for_each(node, l) for ((node) = list_first(l); (node); (node) = list_next((l), (node)))

#endif
