/*
 * The model graph: nodes by index with names, edges from a model to the models it refs.
 * Topological order with cycle reporting, and dbt-style selection (name, +name, name+).
 *
 * Ownership: a struct dag borrows the names it is given (they must outlive it) and owns its
 * edge arrays; release with dag_release().
 */
#ifndef MDP_DAG_H
#define MDP_DAG_H

#include <stddef.h>

struct dag {
    size_t n;
    const char *const *names; /* borrowed */
    size_t **parents;         /* parents[i]: the nodes node i depends on */
    size_t *nparents;
    size_t *palloc;
};

void dag_init(struct dag *d, const char *const *names, size_t n);
void dag_release(struct dag *d);
/* child depends on parent (a ref); duplicate edges are kept once. */
void dag_add_edge(struct dag *d, size_t child, size_t parent);
/* The index of the node called name, or -1. */
int dag_find(const struct dag *d, const char *name);

/*
 * Fills order[0..n) with every node, parents before children (ties in index order). Returns
 * 0, or -1 when there is a cycle: *cycle (the caller frees) then reads "a -> b -> c -> a",
 * each node depending on the next, and *cycle_node is its first node.
 */
int dag_order(const struct dag *d, size_t *order, char **cycle, size_t *cycle_node);

/* Sets mark[node], and with ancestors/descendants every node above/below it. */
void dag_mark(const struct dag *d, size_t node, int ancestors, int descendants,
              unsigned char *mark);

/*
 * Marks the nodes a dbt --select list names: "name", "+name" (with its ancestors), "name+"
 * (with its descendants), "+name+"; each item may hold several space-separated selectors.
 * Returns 0, or -1 with error() for an unknown name. mark has n entries, zeroed by the caller.
 */
int dag_select(const struct dag *d, const char *const *selectors, size_t nselectors,
               unsigned char *mark);

#endif
