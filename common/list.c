/* list.c — an intrusive doubly linked list, circular around its head. See list.h. */
#include "list.h"

#include "check.h"

void list_init(struct list *l)
{
    l->head.prev = l->head.next = &l->head;
    l->length = 0;
}

void list_node_init(struct list_node *n)
{
    n->prev = n->next = NULL;
}

bool list_linked(const struct list_node *n)
{
    return n->next != NULL;
}

bool list_empty(const struct list *l)
{
    return l->head.next == &l->head;
}

size_t list_length(const struct list *l)
{
    return l->length;
}

/* Put `n` between two neighbours: the only place links are made. */
static void link_between(struct list *l, struct list_node *n, struct list_node *prev,
                         struct list_node *next)
{
    if (list_linked(n))
        die("list: a node joined a list while still in one");
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
    l->length++;
}

void list_push_back(struct list *l, struct list_node *n)
{
    link_between(l, n, l->head.prev, &l->head);
}

void list_push_front(struct list *l, struct list_node *n)
{
    link_between(l, n, &l->head, l->head.next);
}

void list_remove(struct list *l, struct list_node *n)
{
    if (!list_linked(n))
        die("list: removing a node that is in no list");
    n->prev->next = n->next;
    n->next->prev = n->prev;
    list_node_init(n);
    l->length--;
}

struct list_node *list_first(const struct list *l)
{
    return list_empty(l) ? NULL : l->head.next;
}

struct list_node *list_next(const struct list *l, const struct list_node *n)
{
    return n->next == &l->head ? NULL : n->next;
}

struct list_node *list_pop_front(struct list *l)
{
    struct list_node *n = list_first(l);
    if (n)
        list_remove(l, n);
    return n;
}
