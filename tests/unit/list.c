/* Unit tests of common/list: every law of list.h. */
#include "list.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

struct item {
    char name;
    struct list_node node;
};

/* The list's elements, first to last, as a string: "abc". */
static const char *contents(const struct list *l)
{
    static char s[32];
    size_t n = 0;
    struct list_node *node;
    list_for_each(node, l) {
        if (n < sizeof s - 1)
            s[n++] = list_entry(node, struct item, node)->name;
    }
    s[n] = '\0';
    return s;
}

/* Walk it backwards too: a broken prev link shows here, not in the forward walk. */
static const char *backwards(const struct list *l)
{
    static char s[32];
    size_t n = 0;
    for (const struct list_node *node = l->head.prev; node != &l->head && n < sizeof s - 1;
         node = node->prev)
        s[n++] = list_entry(node, struct item, node)->name;
    s[n] = '\0';
    return s;
}

static void push_twice(void *arg)
{
    (void)arg;
    struct list l;
    struct list_node n = {0};
    list_init(&l);
    list_push_back(&l, &n);
    list_push_back(&l, &n);
}

static void remove_twice(void *arg)
{
    (void)arg;
    struct list l;
    struct list_node n = {0};
    list_init(&l);
    list_push_back(&l, &n);
    list_remove(&l, &n);
    list_remove(&l, &n);
}

int main(void)
{
    struct item items[5];
    for (int i = 0; i < 5; i++) {
        items[i].name = (char)('a' + i);
        list_node_init(&items[i].node);
    }
    struct list l;
    list_init(&l);
    ok(list_empty(&l) && list_length(&l) == 0 && list_first(&l) == NULL &&
           list_pop_front(&l) == NULL,
       "a new list is empty: no first element, nothing to pop");

    for (int i = 0; i < 4; i++)
        list_push_back(&l, &items[i].node);
    is_str(contents(&l), "abcd", "push_back keeps the order elements came in");
    is_str(backwards(&l), "dcba", "and the prev links agree");
    is_long((long)list_length(&l), 4, "the length is kept");
    ok(list_entry(list_first(&l), struct item, node) == &items[0],
       "list_entry gets back from a node to the element around it");

    list_remove(&l, &items[2].node);
    is_str(contents(&l), "abd", "remove takes an element out of the middle");
    is_str(backwards(&l), "dba", "and the prev links agree");
    ok(!list_linked(&items[2].node) && list_linked(&items[1].node),
       "a removed node is in no list; the others still are");

    list_push_front(&l, &items[2].node);
    is_str(contents(&l), "cabd", "push_front puts an element back at the front");

    list_remove(&l, &items[3].node); /* the last one */
    list_push_back(&l, &items[4].node);
    is_str(contents(&l), "cabe",
           "the last element removed, a new one goes after the one "
           "before it");
    char popped[8] = "";
    for (struct list_node *n; (n = list_pop_front(&l));)
        strncat(popped, &list_entry(n, struct item, node)->name, 1);
    is_str(popped, "cabe", "pop_front takes them out first to last");
    ok(list_empty(&l) && list_length(&l) == 0 && l.head.next == &l.head && l.head.prev == &l.head,
       "and leaves the list empty, its head pointing at itself");

    char msg[256];
    int status = run_in_child(push_twice, NULL, msg, sizeof msg);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 && strstr(msg, "still in one"),
       "pushing a node that is already in a list dies, saying so");
    status = run_in_child(remove_twice, NULL, msg, sizeof msg);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 && strstr(msg, "in no list"),
       "removing a node that is in no list dies, saying so");
    return done_testing();
}
