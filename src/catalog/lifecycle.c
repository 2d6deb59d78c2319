/*
 * The catalog as data (the bottom of the catalog): making and freeing tables and columns,
 * finding them by name, the names of layers, roles and patterns, and the small helpers every
 * step shares (hashes, string lists, caveats, notes, joins). No warehouse, no inference.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"
#include "catalog/vocab.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* ---- helpers ---- */

uint64_t cat_hash(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t cat_hash_str(uint64_t h, const char *s)
{
    /* the terminating NUL too, so "ab"+"c" and "a"+"bc" differ */
    return s ? cat_hash(h, s, strlen(s) + 1) : cat_hash(h, "", 1);
}

void cat_add_sql_relation(struct strbuf *sb, const struct cat_build *b, const struct cat_table *t)
{
    strbuf_add_sql_ident(sb, b->database);
    strbuf_addch(sb, '.');
    strbuf_add_sql_ident(sb, t->schema);
    strbuf_addch(sb, '.');
    strbuf_add_sql_ident(sb, t->name);
}

void cat_strv_push(char ***v, size_t *n, const char *s)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

int cat_strv_has(char *const *v, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

/* Appends a formatted string to the array *v of *n strings. */
static void strv_pushv(char ***v, size_t *n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void strv_pushv(char ***v, size_t *n, const char *fmt, va_list ap)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_vaddf(&sb, fmt, ap);
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = strbuf_detach(&sb, NULL);
}

void cat_add_caveat(struct cat_table *t, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strv_pushv(&t->caveats, &t->ncaveats, fmt, ap);
    va_end(ap);
}

void cat_add_join(struct catalog *c, int ft, int fc, int tt, int tc, double containment,
                  enum cat_join_source source)
{
    size_t i;

    for (i = 0; i < c->njoins; i++) {
        const struct cat_join *j = &c->joins[i];
        if (j->from_table == ft && j->from_column == fc && j->to_table == tt && j->to_column == tc)
            return;
    }
    c->joins = xrealloc(c->joins, (c->njoins + 1) * sizeof(*c->joins));
    c->joins[c->njoins].from_table = ft;
    c->joins[c->njoins].from_column = fc;
    c->joins[c->njoins].to_table = tt;
    c->joins[c->njoins].to_column = tc;
    c->joins[c->njoins].containment = containment;
    c->joins[c->njoins].source = source;
    c->njoins++;
}

int cat_layer_rank(enum cat_layer l)
{
    switch (l) {
    case CAT_LAYER_MART: return 4;
    case CAT_LAYER_INTERMEDIATE: return 3;
    case CAT_LAYER_STAGING: return 2;
    case CAT_LAYER_OTHER: return 1;
    case CAT_LAYER_RAW: return 0;
    }
    return 0;
}

const char *cat_layer_name(enum cat_layer l)
{
    static const char *const names[] = {"raw", "staging", "intermediate", "mart", "other"};
    return (unsigned)l < ARRAY_SIZE(names) ? names[l] : "other";
}

const char *cat_role_name(enum cat_role r)
{
    static const char *const names[] = {"key",       "group_key", "foreign_key", "measure",
                                        "dimension", "time",      "geography",   "flag",
                                        "free_text", "pii"};
    int i;

    for (i = 0; i < CAT_NROLES; i++)
        if ((unsigned)r == 1u << i)
            return names[i];
    return "?";
}

const char *cat_pattern_name(enum cat_pattern p)
{
    static const char *const names[] = {"none",       "email",       "url",          "phone",
                                        "money_text", "number_text", "percent_text", "date_text",
                                        "code",       "person_name"};
    return (unsigned)p < ARRAY_SIZE(names) ? names[p] : "none";
}

const char *cat_agg_name(enum cat_agg a)
{
    return a == CAT_AGG_SUM ? "sum" : a == CAT_AGG_AVG ? "avg" : "none";
}

/* ---- lifecycle ---- */

struct cat_table *cat_table_new(struct catalog *c)
{
    struct cat_table *t;

    c->tables = xrealloc(c->tables, (c->ntables + 1) * sizeof(*c->tables));
    t = &c->tables[c->ntables++];
    memset(t, 0, sizeof(*t));
    t->key = -1;
    t->copies = -1;
    t->layer = CAT_LAYER_OTHER;
    return t;
}

void cat_column_release(struct cat_column *col)
{
    size_t i;

    free(col->name);
    free(col->type_name);
    free(col->description);
    strv_free(col->tests, col->ntests);
    free(col->min_text);
    free(col->max_text);
    for (i = 0; i < col->nvalues; i++) {
        free(col->values[i].text);
        free(col->values[i].key);
    }
    free(col->values);
    free(col->anchor);
    free(col->derived);
    strv_free(col->words, col->nwords);
}

static void groupings_release(struct cat_table *t)
{
    size_t i;

    for (i = 0; i < t->ngroupings; i++) {
        free(t->groupings[i].constant);
        free(t->groupings[i].kinds);
    }
    free(t->groupings);
    t->groupings = NULL;
    t->ngroupings = 0;
}

void cat_table_release(struct cat_table *t)
{
    size_t i;

    free(t->schema);
    free(t->name);
    free(t->relation);
    free(t->model);
    free(t->description);
    free(t->sql);
    strv_free(t->upstream, t->nupstream);
    strv_free(t->grain, t->ngrain);
    for (i = 0; i < t->ncolumns; i++)
        cat_column_release(&t->columns[i]);
    free(t->columns);
    groupings_release(t);
    strv_free(t->caveats, t->ncaveats);
    strv_free(t->words, t->nwords);
    free(t->fingerprint);
}

void catalog_free(struct catalog *c)
{
    size_t i;

    if (!c)
        return;
    free(c->warehouse);
    free(c->fingerprint);
    free(c->built_at);
    for (i = 0; i < c->ntables; i++)
        cat_table_release(&c->tables[i]);
    free(c->tables);
    free(c->joins);
    for (i = 0; i < c->nexamples; i++) {
        free(c->examples[i].source);
        free(c->examples[i].name);
        free(c->examples[i].question);
        free(c->examples[i].sql);
    }
    free(c->examples);
    for (i = 0; i < c->nmeasures; i++) {
        free(c->measures[i].name);
        free(c->measures[i].expression);
        strv_free(c->measures[i].words, c->measures[i].nwords);
    }
    free(c->measures);
    strv_free(c->notes, c->nnotes);
    vocab_free(c->vocab);
    cat_index_free(c->index);
    free(c);
}

/* ---- lookups by name ---- */

int catalog_find_table(const struct catalog *c, const char *name)
{
    size_t i;
    int found = -1;

    if (!name)
        return -1;
    for (i = 0; i < c->ntables; i++) {
        const struct cat_table *t = &c->tables[i];
        size_t n = strlen(t->schema);
        if (!strcasecmp(t->relation, name) || (!strncasecmp(name, t->schema, n) && name[n] == '.' &&
                                               !strcasecmp(name + n + 1, t->name)))
            return (int)i;
    }
    for (i = 0; i < c->ntables; i++) {
        if (strcasecmp(c->tables[i].name, name))
            continue;
        if (found >= 0)
            return -1; /* in several schemas: ambiguous */
        found = (int)i;
    }
    return found;
}

int catalog_find_column(const struct catalog *c, int t, const char *name)
{
    size_t i;

    if (t < 0 || (size_t)t >= c->ntables || !name)
        return -1;
    for (i = 0; i < c->tables[t].ncolumns; i++)
        if (!strcasecmp(c->tables[t].columns[i].name, name))
            return (int)i;
    return -1;
}

/* ---- reusing a cached profile ---- */

void cat_add_note(struct catalog *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strv_pushv(&c->notes, &c->nnotes, fmt, ap);
    va_end(ap);
}
