/*
 * The word index and the lookups the analyst and the LLM tools use: what a phrase names,
 * which table has a set of columns, and how two tables join.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"
#include "catalog/vocab.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

struct index_entry {
    char *key; /* NULL: empty slot */
    struct cat_hit *hits;
    size_t nhits, alloc;
};

struct cat_index {
    struct index_entry *slots;
    size_t nslots, used;
};

static size_t slot_of(const struct cat_index *ix, const char *key)
{
    uint64_t h = cat_hash_str(CAT_HASH_INIT, key);
    size_t i = (size_t)(h & (ix->nslots - 1));

    while (ix->slots[i].key && strcmp(ix->slots[i].key, key))
        i = (i + 1) & (ix->nslots - 1);
    return i;
}

static void grow(struct cat_index *ix)
{
    struct index_entry *old = ix->slots;
    size_t n = ix->nslots, i;

    ix->nslots = n ? n * 2 : 1024;
    ix->slots = xcalloc(ix->nslots, sizeof(*ix->slots));
    for (i = 0; i < n; i++)
        if (old[i].key)
            ix->slots[slot_of(ix, old[i].key)] = old[i];
    free(old);
}

static void add(struct cat_index *ix, const char *key, const struct cat_hit *hit)
{
    struct index_entry *e;
    size_t i;

    if (!key || !*key)
        return;
    if ((ix->used + 1) * 2 > ix->nslots)
        grow(ix);
    e = &ix->slots[slot_of(ix, key)];
    if (!e->key) {
        e->key = xstrdup(key);
        ix->used++;
    }
    for (i = 0; i < e->nhits; i++)
        if (e->hits[i].kind == hit->kind && e->hits[i].table == hit->table &&
            e->hits[i].column == hit->column && e->hits[i].value == hit->value &&
            e->hits[i].measure == hit->measure) {
            if (hit->score > e->hits[i].score)
                e->hits[i].score = hit->score;
            return;
        }
    ALLOC_GROW(e->hits, e->nhits + 1, e->alloc);
    e->hits[e->nhits++] = *hit;
}

static const struct index_entry *find(const struct cat_index *ix, const char *key)
{
    const struct index_entry *e;

    if (!ix || !ix->nslots)
        return NULL;
    e = &ix->slots[slot_of(ix, key)];
    return e->key ? e : NULL;
}

/* Adds key with score 1 and, for a key of several words, each word with score 0.5. */
static void add_words(struct cat_index *ix, char *const *words, size_t n, struct cat_hit hit)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const char *p = words[i], *sp;
        hit.score = 1;
        add(ix, words[i], &hit);
        if (!strchr(p, ' '))
            continue;
        hit.score = 0.5;
        while (*p) {
            char *w;
            sp = strchr(p, ' ');
            w = sp ? xstrndup(p, (size_t)(sp - p)) : xstrdup(p);
            add(ix, w, &hit);
            free(w);
            p = sp ? sp + 1 : p + strlen(p);
        }
    }
}

void cat_index_build(struct catalog *c)
{
    struct cat_index *ix = xcalloc(1, sizeof(*ix));
    size_t i, j, k;

    for (i = 0; i < c->ntables; i++) {
        const struct cat_table *t = &c->tables[i];
        struct cat_hit hit = {CAT_HIT_TABLE, (int)i, -1, 0, -1, 1};

        add_words(ix, t->words, t->nwords, hit);
        for (j = 0; j < t->ncolumns; j++) {
            const struct cat_column *col = &t->columns[j];
            hit.kind = CAT_HIT_COLUMN;
            hit.column = (int)j;
            add_words(ix, col->words, col->nwords, hit);
            hit.kind = CAT_HIT_VALUE;
            hit.score = 1;
            for (k = 0; k < col->nvalues; k++) {
                hit.value = k;
                add(ix, col->values[k].key, &hit);
            }
            hit.value = 0;
        }
    }
    for (i = 0; i < c->nmeasures; i++) {
        struct cat_hit hit = {CAT_HIT_MEASURE, c->measures[i].table, -1, 0, (int)i, 1};
        add_words(ix, c->measures[i].words, c->measures[i].nwords, hit);
    }
    c->index = ix;
}

void cat_index_free(struct cat_index *ix)
{
    size_t i;

    if (!ix)
        return;
    for (i = 0; i < ix->nslots; i++) {
        free(ix->slots[i].key);
        free(ix->slots[i].hits);
    }
    free(ix->slots);
    free(ix);
}

struct lookup {
    const struct catalog *c;
    const struct cat_index *index;
    struct cat_hit *hits;
    size_t n, alloc;
};

static void collect(struct lookup *l, const char *key, double factor, int values_only)
{
    const struct index_entry *e = find(l->index, key);
    size_t i, j;

    for (i = 0; e && i < e->nhits; i++) {
        struct cat_hit h = e->hits[i];
        int seen = 0;

        if ((h.kind == CAT_HIT_VALUE) != values_only)
            continue;
        h.score *= factor;
        for (j = 0; j < l->n && !seen; j++) {
            struct cat_hit *o = &l->hits[j];
            if (o->kind == h.kind && o->table == h.table && o->column == h.column &&
                o->value == h.value && o->measure == h.measure) {
                seen = 1;
                if (h.score > o->score)
                    o->score = h.score;
            }
        }
        if (!seen) {
            ALLOC_GROW(l->hits, l->n + 1, l->alloc);
            l->hits[l->n++] = h;
        }
    }
}

static int best_first(const void *a, const void *b, void *ctx)
{
    const struct catalog *c = ctx;
    const struct cat_hit *x = a, *y = b;
    int rx = x->table >= 0 ? cat_layer_rank(c->tables[x->table].layer) : 0;
    int ry = y->table >= 0 ? cat_layer_rank(c->tables[y->table].layer) : 0;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (rx != ry)
        return ry - rx;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    if (x->table != y->table)
        return x->table - y->table;
    return x->column - y->column;
}

/*
 * catalog_load() builds the index, so lookups only read it and may run on several threads at
 * once. A catalog built by hand (tests) gets it on its first lookup.
 */
static const struct cat_index *index_of(const struct catalog *c)
{
    if (!c->index)
        cat_index_build((struct catalog *)c);
    return c->index;
}

size_t catalog_lookup(const struct catalog *c, const char *phrase, struct cat_hit **out)
{
    struct lookup l = {c, NULL, NULL, 0, 0};
    char *key = vocab_key(phrase), **alt;
    size_t n, i;
    int pass;

    *out = NULL;
    if (!*key) {
        free(key);
        return 0;
    }
    l.index = index_of(c);
    for (pass = 0; pass < 2; pass++) {
        enum vocab_kind kind = pass ? VOCAB_VALUES : VOCAB_SYNONYMS;
        collect(&l, key, 1, pass);
        n = c->vocab ? vocab_expand(c->vocab, kind, key, &alt) : 0;
        for (i = 0; i < n; i++)
            collect(&l, alt[i], 0.8, pass);
        if (n)
            strv_free(alt, n);
    }
    free(key);
    if (l.n)
        qsort_r(l.hits, l.n, sizeof(*l.hits), best_first, (void *)c);
    *out = l.hits;
    return l.n;
}

/* Does table t have a column named, or keyed, like name? */
static int has_column(const struct catalog *c, int t, const char *name, const char *key)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;

    if (catalog_find_column(c, t, name) >= 0)
        return 1;
    for (i = 0; i < tab->ncolumns; i++)
        if (cat_strv_has(tab->columns[i].words, tab->columns[i].nwords, key))
            return 1;
    return 0;
}

int catalog_best_table(const struct catalog *c, const char *const *columns, size_t n)
{
    char **keys = xcalloc(n ? n : 1, sizeof(*keys));
    size_t i, j;
    int best = -1;

    for (j = 0; j < n; j++)
        keys[j] = vocab_key(columns[j]);
    for (i = 0; i < c->ntables; i++) {
        const struct cat_table *t = &c->tables[i], *b;
        int ok = 1;

        for (j = 0; j < n && ok; j++)
            ok = has_column(c, (int)i, columns[j], keys[j]);
        if (!ok)
            continue;
        if (best < 0) {
            best = (int)i;
            continue;
        }
        b = &c->tables[best];
        if (cat_layer_rank(t->layer) != cat_layer_rank(b->layer)) {
            if (cat_layer_rank(t->layer) > cat_layer_rank(b->layer))
                best = (int)i;
        } else if (t->depth != b->depth) {
            if (t->depth > b->depth)
                best = (int)i;
        } else if (t->rows < b->rows) {
            best = (int)i;
        }
    }
    strv_free(keys, n);
    return best;
}

/*
 * Fewest joins first; an edge between layers costs a little more, so a path that stays in
 * the marts wins over one through staging when both have the same length.
 */
int catalog_join_path(const struct catalog *c, int from, int to, int **out)
{
    size_t nt = c->ntables, i, j;
    int *cost, *via, *done, ret = -1, n, at;

    *out = NULL;
    if (from < 0 || to < 0 || (size_t)from >= nt || (size_t)to >= nt)
        return -1;
    if (from == to)
        return 0;
    cost = xcalloc(nt, sizeof(*cost));
    via = xcalloc(nt, sizeof(*via));
    done = xcalloc(nt, sizeof(*done));
    for (i = 0; i < nt; i++) {
        cost[i] = -1;
        via[i] = -1;
    }
    cost[from] = 0;
    for (;;) {
        int u = -1;
        for (i = 0; i < nt; i++)
            if (!done[i] && cost[i] >= 0 && (u < 0 || cost[i] < cost[u]))
                u = (int)i;
        if (u < 0 || u == to)
            break;
        done[u] = 1;
        for (j = 0; j < c->njoins; j++) {
            const struct cat_join *e = &c->joins[j];
            int v = e->from_table == u ? e->to_table : e->to_table == u ? e->from_table : -1;
            int w;
            if (v < 0 || done[v])
                continue;
            w = cost[u] + 10 + (c->tables[u].layer != c->tables[v].layer ? 3 : 0);
            if (cost[v] < 0 || w < cost[v]) {
                cost[v] = w;
                via[v] = (int)j;
            }
        }
    }
    if (cost[to] >= 0) {
        for (n = 0, at = to; at != from; n++) {
            const struct cat_join *e = &c->joins[via[at]];
            at = e->from_table == at ? e->to_table : e->from_table;
        }
        *out = xcalloc((size_t)n, sizeof(**out));
        for (i = (size_t)n, at = to; at != from;) {
            const struct cat_join *e = &c->joins[via[at]];
            (*out)[--i] = via[at];
            at = e->from_table == at ? e->to_table : e->from_table;
        }
        ret = n;
    }
    free(cost);
    free(via);
    free(done);
    return ret;
}
