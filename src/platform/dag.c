/*
 * The model graph (see dag.h): Kahn's algorithm for the build order, a depth-first search
 * for naming a cycle, and the walks behind dbt's +selectors.
 */
#include <string.h>

#include "platform/dag.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

void dag_init(struct dag *d, const char *const *names, size_t n)
{
    d->n = n;
    d->names = names;
    d->parents = xcalloc(n ? n : 1, sizeof(*d->parents));
    d->nparents = xcalloc(n ? n : 1, sizeof(*d->nparents));
    d->palloc = xcalloc(n ? n : 1, sizeof(*d->palloc));
}

void dag_release(struct dag *d)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        free(d->parents[i]);
    free(d->parents);
    free(d->nparents);
    free(d->palloc);
    memset(d, 0, sizeof(*d));
}

void dag_add_edge(struct dag *d, size_t child, size_t parent)
{
    size_t i;

    for (i = 0; i < d->nparents[child]; i++)
        if (d->parents[child][i] == parent)
            return;
    ALLOC_GROW(d->parents[child], d->nparents[child] + 1, d->palloc[child]);
    d->parents[child][d->nparents[child]++] = parent;
}

int dag_find(const struct dag *d, const char *name)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (!strcmp(d->names[i], name))
            return (int)i;
    return -1;
}

/* Depth-first search from node; on a back edge, writes the cycle into sb. 1: found. */
static int find_cycle(const struct dag *d, size_t node, unsigned char *color, size_t *path,
                      size_t depth, struct strbuf *sb, size_t *first)
{
    size_t i, j;

    color[node] = 1;
    path[depth] = node;
    for (i = 0; i < d->nparents[node]; i++) {
        size_t p = d->parents[node][i];
        if (color[p] == 1) {
            for (j = 0; path[j] != p; j++)
                ;
            *first = p;
            for (; j <= depth; j++)
                strbuf_addf(sb, "%s -> ", d->names[path[j]]);
            strbuf_addstr(sb, d->names[p]);
            return 1;
        }
        if (!color[p] && find_cycle(d, p, color, path, depth + 1, sb, first))
            return 1;
    }
    color[node] = 2;
    return 0;
}

int dag_order(const struct dag *d, size_t *order, char **cycle, size_t *cycle_node)
{
    unsigned char *done = xcalloc(d->n + 1, 1);
    size_t k = 0, i, j;
    int ret = 0;

    *cycle = NULL;
    while (k < d->n) {
        int progressed = 0;
        for (i = 0; i < d->n; i++) {
            int ready = !done[i];
            for (j = 0; ready && j < d->nparents[i]; j++)
                ready = done[d->parents[i][j]] == 1;
            if (ready) {
                /* 2 while this pass runs, so a child waits for the next pass: stable order */
                done[i] = 2;
                order[k++] = i;
                progressed = 1;
            }
        }
        for (i = 0; i < d->n; i++)
            if (done[i] == 2)
                done[i] = 1;
        if (!progressed)
            break;
    }
    if (k < d->n) {
        unsigned char *color = xcalloc(d->n, 1);
        size_t *path = xcalloc(d->n, sizeof(*path));
        struct strbuf sb = STRBUF_INIT;

        for (i = 0; i < d->n && !sb.len; i++)
            if (!done[i] && !color[i])
                find_cycle(d, i, color, path, 0, &sb, cycle_node);
        *cycle = strbuf_detach(&sb, NULL);
        free(color);
        free(path);
        ret = -1;
    }
    free(done);
    return ret;
}

void dag_mark(const struct dag *d, size_t node, int ancestors, int descendants, unsigned char *mark)
{
    size_t *stack = xcalloc(d->n + 1, sizeof(*stack));
    unsigned char *seen = xcalloc(d->n + 1, 1);
    size_t top = 0, i, j;

    mark[node] = 1;
    if (ancestors) {
        stack[top++] = node;
        seen[node] = 1;
        while (top) {
            size_t x = stack[--top];
            for (i = 0; i < d->nparents[x]; i++) {
                size_t p = d->parents[x][i];
                mark[p] = 1;
                if (!seen[p]) {
                    seen[p] = 1;
                    stack[top++] = p;
                }
            }
        }
    }
    if (descendants) {
        memset(seen, 0, d->n);
        stack[top++] = node;
        seen[node] = 1;
        while (top) {
            size_t x = stack[--top];
            for (i = 0; i < d->n; i++) {
                for (j = 0; j < d->nparents[i]; j++) {
                    if (d->parents[i][j] == x && !seen[i]) {
                        seen[i] = 1;
                        mark[i] = 1;
                        stack[top++] = i;
                    }
                }
            }
        }
    }
    free(stack);
    free(seen);
}

int dag_select(const struct dag *d, const char *const *selectors, size_t nselectors,
               unsigned char *mark)
{
    size_t s;

    for (s = 0; s < nselectors; s++) {
        const char *p = selectors[s];
        while (*p) {
            size_t n = strcspn(p, " \t,");
            if (n) {
                char *word = xstrndup(p, n), *name = word;
                int up = 0, down = 0, idx;

                if (*name == '+') {
                    up = 1;
                    name++;
                }
                if (*name && name[strlen(name) - 1] == '+') {
                    down = 1;
                    name[strlen(name) - 1] = '\0';
                }
                idx = dag_find(d, name);
                if (idx < 0) {
                    error("--select: no model called '%s' (selectors: name, +name for it and "
                          "its parents, name+ for it and its children)",
                          name);
                    free(word);
                    return -1;
                }
                dag_mark(d, (size_t)idx, up, down, mark);
                free(word);
            }
            p += n;
            while (*p == ' ' || *p == '\t' || *p == ',')
                p++;
        }
    }
    return 0;
}
