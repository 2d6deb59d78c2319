/*
 * Inference: from profiles and SQL to meaning. Layers and lineage, derived columns, the role
 * of every column, keys and joins between tables, grain, caveats and the words for lookups.
 *
 * Every rule here is about language (what words in names mean), data types and what the
 * profiles measured; none is about a particular warehouse.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"
#include "catalog/names.h"
#include "catalog/sqlscan.h"
#include "catalog/vocab.h"
#include "util/error.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "wh/result.h"

#define WORD_IN(w, list)     cat_word_in((w), (list), ARRAY_SIZE(list))
#define NAME_HAS(name, list) cat_name_has((name), (list), ARRAY_SIZE(list))

/* ---- layers and lineage ---- */

struct layer_hint {
    const char *word;
    enum cat_layer layer;
};

/*
 * Schema words that name a layer. The first ones decide; the last ones ("analytics",
 * "reporting", ...) are often where every model goes, so lineage may overrule them: a view
 * that cleans one raw table is staging wherever it is.
 */
#define WEAK_SCHEMA_HINTS 6
static const struct layer_hint schema_hints[] = {
    {"raw", CAT_LAYER_RAW},
    {"src", CAT_LAYER_RAW},
    {"source", CAT_LAYER_RAW},
    {"sources", CAT_LAYER_RAW},
    {"landing", CAT_LAYER_RAW},
    {"bronze", CAT_LAYER_RAW},
    {"ingest", CAT_LAYER_RAW},
    {"staging", CAT_LAYER_STAGING},
    {"stg", CAT_LAYER_STAGING},
    {"stage", CAT_LAYER_STAGING},
    {"base", CAT_LAYER_STAGING},
    {"silver", CAT_LAYER_STAGING},
    {"intermediate", CAT_LAYER_INTERMEDIATE},
    {"int", CAT_LAYER_INTERMEDIATE},
    {"mart", CAT_LAYER_MART},
    {"marts", CAT_LAYER_MART},
    /* weak: the last WEAK_SCHEMA_HINTS */
    {"analytics", CAT_LAYER_MART},
    {"reporting", CAT_LAYER_MART},
    {"gold", CAT_LAYER_MART},
    {"dw", CAT_LAYER_MART},
    {"dwh", CAT_LAYER_MART},
    {"presentation", CAT_LAYER_MART},
};

/* First words of table names that name a layer: stg_users, dim_customers, fct_orders. */
static const struct layer_hint prefix_hints[] = {
    {"raw", CAT_LAYER_RAW},      {"src", CAT_LAYER_RAW},          {"stg", CAT_LAYER_STAGING},
    {"base", CAT_LAYER_STAGING}, {"int", CAT_LAYER_INTERMEDIATE}, {"dim", CAT_LAYER_MART},
    {"fct", CAT_LAYER_MART},     {"fact", CAT_LAYER_MART},        {"agg", CAT_LAYER_MART},
    {"rpt", CAT_LAYER_MART},     {"mart", CAT_LAYER_MART},
};

static int hinted_layer(const char *name, const struct layer_hint *hints, size_t n, int first_only,
                        enum cat_layer *out)
{
    char **w;
    size_t nw = vocab_split(name, &w), i, j;
    int ret = 0;

    for (i = 0; i < nw && !ret && (!first_only || i == 0); i++)
        for (j = 0; j < n && !ret; j++)
            if (!strcmp(w[i], hints[j].word)) {
                *out = hints[j].layer;
                ret = 1;
            }
    strv_free(w, nw);
    return ret;
}

/* The table a relation read in SQL names: schema.name, or name in t's schema, or anywhere. */
static int resolve_relation(const struct catalog *c, const struct cat_table *from,
                            const struct sql_relation *rel)
{
    size_t i;
    int found = -1;

    for (i = 0; i < c->ntables; i++) {
        const struct cat_table *t = &c->tables[i];
        if (strcasecmp(t->name, rel->name))
            continue;
        if (rel->schema) {
            if (!strcasecmp(t->schema, rel->schema))
                return (int)i;
            continue;
        }
        if (!strcmp(t->schema, from->schema))
            return (int)i;
        found = found < 0 ? (int)i : -2;
    }
    return found >= 0 ? found : -1;
}

static int depth_of(struct catalog *c, int t, int *depth, int guard)
{
    struct cat_table *tab = &c->tables[t];
    size_t i;
    int d = 0;

    if (depth[t] >= 0)
        return depth[t];
    if (guard > (int)c->ntables)
        return 0; /* a cycle through views: stop */
    for (i = 0; i < tab->nupstream; i++) {
        int u = catalog_find_table(c, tab->upstream[i]);
        if (u >= 0 && u != t) {
            int du = depth_of(c, u, depth, guard + 1) + 1;
            if (du > d)
                d = du;
        }
    }
    depth[t] = d;
    return d;
}

void cat_infer_layers(struct catalog *c)
{
    int *depth = xcalloc(c->ntables ? c->ntables : 1, sizeof(*depth));
    unsigned char *read_by_others = xcalloc(c->ntables ? c->ntables : 1, 1);
    size_t i, j;

    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];
        struct sql_facts f;

        depth[i] = -1;
        if (!t->sql)
            continue;
        sql_scan(t->sql, &f);
        for (j = 0; j < f.nrelations; j++) {
            int u = resolve_relation(c, t, &f.relations[j]);
            if (u >= 0 && u != (int)i &&
                !cat_strv_has(t->upstream, t->nupstream, c->tables[u].relation)) {
                cat_strv_push(&t->upstream, &t->nupstream, c->tables[u].relation);
                read_by_others[u] = 1;
            }
        }
        sql_facts_release(&f);
    }
    for (i = 0; i < c->ntables; i++)
        c->tables[i].depth = depth_of(c, (int)i, depth, 0);

    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];
        int built = t->model || t->is_view;
        enum cat_layer l;

        int cleans_one = built && t->nupstream == 1 && t->depth == 1;

        if (hinted_layer(t->schema, schema_hints, ARRAY_SIZE(schema_hints) - WEAK_SCHEMA_HINTS, 0,
                         &l) ||
            hinted_layer(t->name, prefix_hints, ARRAY_SIZE(prefix_hints), 1, &l))
            t->layer = l;
        else if (cleans_one)
            t->layer = CAT_LAYER_STAGING;
        else if (hinted_layer(t->schema,
                              schema_hints + ARRAY_SIZE(schema_hints) - WEAK_SCHEMA_HINTS,
                              WEAK_SCHEMA_HINTS, 0, &l))
            t->layer = l;
        else if (!built)
            t->layer = CAT_LAYER_RAW;
        else if (!t->nupstream)
            t->layer = CAT_LAYER_OTHER;
        else
            t->layer = read_by_others[i] ? CAT_LAYER_INTERMEDIATE : CAT_LAYER_MART;
    }
    free(depth);
    free(read_by_others);
}

/* ---- derived columns and inherited descriptions ---- */

/* The upstream column a bare reference "q.col" or "col" in t's SQL stands for. */
static const struct cat_column *referenced_column(const struct catalog *c,
                                                  const struct cat_table *t,
                                                  const struct sql_facts *f,
                                                  const struct sql_item *item)
{
    const char *dot = strrchr(item->expr, '.');
    size_t i;
    int rt = -1, col;

    if (dot) {
        size_t qn = (size_t)(dot - item->expr);
        for (i = 0; i < f->nrelations && rt < 0; i++) {
            const struct sql_relation *r = &f->relations[i];
            const char *q = r->alias ? r->alias : r->name;
            if (strlen(q) == qn && !strncasecmp(q, item->expr, qn))
                rt = resolve_relation(c, t, r);
        }
    } else if (f->nrelations == 1) {
        rt = resolve_relation(c, t, &f->relations[0]);
    }
    if (rt < 0 || (col = catalog_find_column(c, rt, item->column)) < 0)
        return NULL;
    return &c->tables[rt].columns[col];
}

/*
 * The column a type cast only converts: "cast(q.price as decimal(10,2))", "try_cast(x AS
 * INT)", "x::date" give q.price and x; anything else gives NULL (the caller frees).
 */
static char *cast_operand(const char *expr)
{
    const char *p = expr, *start, *end;

    if (!strncasecmp(p, "cast(", 5))
        p += 5;
    else if (!strncasecmp(p, "try_cast(", 9))
        p += 9;
    else if ((end = strstr(p, "::")) != NULL && end > p)
        return strcspn(p, " ()+-*/,'") >= (size_t)(end - p) ? xstrndup(p, (size_t)(end - p)) : NULL;
    else
        return NULL;
    while (*p == ' ')
        p++;
    start = p;
    while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '"'))
        p++;
    end = p;
    while (*p == ' ')
        p++;
    if (end == start || strncasecmp(p, "as ", 3))
        return NULL;
    return xstrndup(start, (size_t)(end - start));
}

void cat_infer_derived(struct catalog *c)
{
    size_t i, j;
    int pass;

    /* twice, so descriptions flow down two layers (raw -> staging -> marts) */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < c->ntables; i++) {
            struct cat_table *t = &c->tables[i];
            struct sql_facts f;

            if (!t->sql)
                continue;
            sql_scan(t->sql, &f);
            for (j = 0; j < f.nitems; j++) {
                struct sql_item item = f.items[j];
                const char *target = item.alias ? item.alias : item.column;
                const struct cat_column *up;
                struct cat_column *col;
                char *operand = NULL, *name;
                int k;

                if (item.star || !target || (k = catalog_find_column(c, (int)i, target)) < 0)
                    continue;
                col = &t->columns[k];
                if (!item.column && (operand = cast_operand(item.expr)) != NULL) {
                    /* a converted column is the same column, not a computed one */
                    name = strrchr(operand, '.');
                    name = name ? name + 1 : operand;
                    if (*name == '"')
                        name++;
                    name[strcspn(name, "\"")] = '\0';
                    item.expr = operand;
                    item.column = name;
                }
                if (!item.column) {
                    if (!col->derived)
                        col->derived = xstrdup(item.expr);
                    continue;
                }
                up = referenced_column(c, t, &f, &item);
                if (up && up != col && !col->description && up->description)
                    col->description = xstrdup(up->description);
                free(operand);
            }
            sql_facts_release(&f);
        }
    }
}

/* ---- roles ---- */

static const char *const geo_words[] = {
    "country",   "countri", "city",      "province",  "county", "zip",  "zipcode",
    "postcode",  "postal",  "latitude",  "longitude", "lat",    "lon",  "lng",
    "continent", "region",  "territory", "district",  "suburb", "town", "municipality"};
/* Words that are geography only when the values agree (an order's "state" is its status). */
static const char *const weak_geo_words[] = {"state", "location", "address", "area"};

static const char *const pii_words[] = {"email",  "mail",     "phone",     "telephone", "mobile",
                                        "ssn",    "passport", "birth",     "dob",       "address",
                                        "street", "surname",  "firstname", "lastname",  "ip"};
static const char *const person_words[] = {"first", "last", "full", "given", "family", "middle"};

static const char *const avg_words[] = {
    "rate",  "ratio",    "pct",          "percent",    "percentage",  "share",
    "score", "rating",   "average",      "avg",        "mean",        "median",
    "age",   "price",    "temperature",  "temp",       "probability", "grade",
    "gpa",   "latitude", "longitude",    "lat",        "lon",         "lng",
    "level", "index",    "satisfaction", "attendance", "duration",    "runtime"};

/* Words of amounts that add up even where rows are things rather than events. */
static const char *const additive_words[] = {
    "amount",   "total", "revenue", "sale",  "sales",  "cost", "spend", "budget",  "count",
    "quantity", "qty",   "unit",    "units", "profit", "fee",  "tax",   "balance", "value"};

/*
 * Words of record-keeping times: when a row was created or changed says nothing of whether
 * the rows are events (orders) or things (products).
 */
static const char *const audit_words[] = {"created", "updated",  "modified", "inserted",  "loaded",
                                          "deleted", "ingested", "synced",   "refreshed", "etl"};

static const char *const time_part_words[] = {"month", "quarter", "week", "day",
                                              "hour",  "weekday", "dow",  "minute"};

static const char *const code_words[] = {"code",  "zip",    "zipcode", "postcode", "postal",
                                         "phone", "number", "no",      "nr",       "num"};
static const char *const free_text_words[] = {"description", "comment", "comments", "note",
                                              "notes",       "review",  "text",     "body",
                                              "message",     "summary", "feedback", "remarks"};

static int is_numeric_type(enum wh_type t)
{
    return t == WH_T_INT || t == WH_T_FLOAT || t == WH_T_DECIMAL;
}

/* Are most of the column's values places the thesaurus knows (Texas, TX, France)? */
static int values_are_places(const struct cat_column *col, const struct vocab *v)
{
    size_t i, known = 0;

    if (!col->nvalues || !v)
        return 0;
    for (i = 0; i < col->nvalues; i++) {
        char **alt;
        size_t n = vocab_expand(v, VOCAB_VALUES, col->values[i].key, &alt);
        known += n > 0;
        strv_free(alt, n);
    }
    return known * 2 >= col->nvalues;
}

static int is_flag(const struct cat_column *col)
{
    static const char *const pairs[][2] = {
        {"0", "1"}, {"n", "y"}, {"no", "yes"}, {"f", "t"}, {"false", "true"}};
    size_t i;

    if (col->type == WH_T_BOOL)
        return 1;
    if (col->distinct != 2)
        return 0;
    if (col->type == WH_T_INT && col->has_range)
        return col->min == 0 && col->max == 1;
    if (col->nvalues != 2)
        return 0;
    for (i = 0; i < ARRAY_SIZE(pairs); i++) {
        const char *a = col->values[0].text, *b = col->values[1].text;
        if ((!strcasecmp(a, pairs[i][0]) && !strcasecmp(b, pairs[i][1])) ||
            (!strcasecmp(a, pairs[i][1]) && !strcasecmp(b, pairs[i][0])))
            return 1;
    }
    return 0;
}

static int is_year(const struct cat_column *col)
{
    return col->type == WH_T_INT && cat_named_like_year(col->name) && col->has_range &&
           col->min >= 1000 && col->max <= 3000;
}

/* Is the word, or its stem (scores -> score), in the list? */
static int word_or_stem_in(const char *w, const char *const *list, size_t n)
{
    char *stem;
    int ret;

    if (cat_word_in(w, list, n))
        return 1;
    stem = vocab_stem(w);
    ret = cat_word_in(stem, list, n);
    free(stem);
    return ret;
}

#define WORD_OR_STEM_IN(w, list) word_or_stem_in((w), (list), ARRAY_SIZE(list))

/*
 * The roles of one column. has_time says whether its table has a time column: where rows are
 * events (orders, sales) amounts add up; where they are things (students, products, films)
 * their numbers are averaged, except the ones named like amounts.
 */
static void column_roles(const struct cat_table *t, struct cat_column *col, const struct vocab *v,
                         int has_time)
{
    char **w;
    size_t nw = vocab_split(col->name, &w), i;
    int id = cat_name_is_id(col->name), person = 0, pii_word = 0, geo = 0, weak_geo = 0;
    int time_part = 0, avg = 0, additive = 0, free_word = 0, code;
    unsigned roles = 0;

    /* "store number", "zip code", "postal": a number that names, never adds up */
    code = nw > 0 && WORD_IN(w[nw - 1], code_words);
    for (i = 0; i < nw; i++) {
        pii_word |= WORD_IN(w[i], pii_words);
        person |= WORD_IN(w[i], person_words) && i + 1 < nw && !strcmp(w[i + 1], "name");
        geo |= WORD_OR_STEM_IN(w[i], geo_words);
        weak_geo |= WORD_IN(w[i], weak_geo_words);
        time_part |= WORD_IN(w[i], time_part_words); /* "hour", not "hours studied" */
        avg |= WORD_OR_STEM_IN(w[i], avg_words);
        additive |= WORD_OR_STEM_IN(w[i], additive_words);
        free_word |= WORD_IN(w[i], free_text_words);
    }
    strv_free(w, nw);

    if (col->unique && (id || col->declared_key))
        roles |= CAT_ROLE_KEY;
    if (col->type == WH_T_DATE || col->type == WH_T_TIMESTAMP ||
        col->pattern == CAT_PAT_DATE_TEXT || is_year(col))
        roles |= CAT_ROLE_TIME;
    if (is_flag(col))
        roles |= CAT_ROLE_FLAG | CAT_ROLE_DIMENSION;
    if (col->pattern == CAT_PAT_EMAIL || col->pattern == CAT_PAT_PHONE ||
        col->pattern == CAT_PAT_PERSON_NAME || pii_word || person)
        roles |= CAT_ROLE_PII;
    if ((geo || (weak_geo && values_are_places(col, v))) &&
        (col->type == WH_T_TEXT || is_numeric_type(col->type)))
        roles |= CAT_ROLE_GEOGRAPHY;
    if (col->type == WH_T_TEXT && !(roles & (CAT_ROLE_TIME | CAT_ROLE_FLAG)) &&
        (col->avg_length >= 40 || (free_word && col->avg_length >= 15)))
        roles |= CAT_ROLE_FREE_TEXT;

    if (col->type == WH_T_TEXT && !id && !(roles & (CAT_ROLE_FREE_TEXT | CAT_ROLE_TIME)) &&
        col->pattern != CAT_PAT_EMAIL && col->pattern != CAT_PAT_URL &&
        col->pattern != CAT_PAT_PHONE &&
        (col->values_complete ||
         (col->distinct > 0 && (double)col->distinct <= 0.1 * (double)t->rows)))
        roles |= CAT_ROLE_DIMENSION;

    if (is_numeric_type(col->type) && !id && !(roles & (CAT_ROLE_KEY | CAT_ROLE_FLAG))) {
        if (roles & CAT_ROLE_TIME || time_part || (code && col->type == WH_T_INT)) {
            roles |= CAT_ROLE_DIMENSION; /* a year, a month or a store number groups only */
        } else if (!(roles & CAT_ROLE_GEOGRAPHY)) {
            roles |= CAT_ROLE_MEASURE;
            col->agg =
                avg || (!has_time && !additive) ||
                        (col->type != WH_T_INT && col->has_range && col->min >= 0 && col->max <= 1)
                    ? CAT_AGG_AVG
                    : CAT_AGG_SUM;
            /* a handful of whole numbers (a rating, a count of rooms) also groups rows */
            if (col->type == WH_T_INT && col->distinct > 0 && col->distinct <= 12)
                roles |= CAT_ROLE_DIMENSION;
        }
    }
    col->roles = roles;
}

void cat_infer_roles(struct catalog *c, const struct vocab *v)
{
    size_t i, j;

    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];
        int best = -1, best_rank = -1;

        int has_time = 0;

        for (j = 0; j < t->ncolumns; j++) {
            const struct cat_column *col = &t->columns[j];
            has_time |= (col->type == WH_T_DATE || col->type == WH_T_TIMESTAMP || is_year(col)) &&
                        !NAME_HAS(col->name, audit_words);
        }
        for (j = 0; j < t->ncolumns; j++) {
            struct cat_column *col = &t->columns[j];
            col->agg = CAT_AGG_NONE;
            column_roles(t, col, v, has_time);
            if (!(col->roles & CAT_ROLE_TIME)) {
                /* profiled as a possible year ("years_employed"), but not a time */
                free(col->anchor);
                col->anchor = NULL;
                col->future_rows = 0;
            }
        }
        /*
         * The key: declared first, then an id, then "id" itself; a table without any (a
         * summary by tier) is keyed by a unique category, the one thing its rows are about.
         */
        for (j = 0; j < t->ncolumns; j++) {
            const struct cat_column *col = &t->columns[j];
            int rank;
            if (col->roles & CAT_ROLE_KEY)
                rank = col->declared_key ? 4 : !strcasecmp(col->name, "id") ? 2 : 3;
            else if (col->unique && col->type == WH_T_TEXT && col->roles & CAT_ROLE_DIMENSION &&
                     !(col->roles & (CAT_ROLE_PII | CAT_ROLE_FREE_TEXT)))
                rank = 1;
            else
                continue;
            if (rank > best_rank) {
                best = (int)j;
                best_rank = rank;
            }
        }
        t->key = best;
        if (best >= 0)
            t->columns[best].roles |= CAT_ROLE_KEY;
    }
}

/* ---- joins ---- */

/* Words that only say which layer a table is in. */
static const char *const affix_words[] = {"stg",  "dim", "fct", "fact", "int",  "raw", "src",
                                          "base", "tmp", "vw",  "tbl",  "mart", "agg", "rpt"};

/* The stems of the words of name without layer affixes, joined: dim_customers -> "custom". */
static char *entity_key(const char *name, int drop_last_id)
{
    struct strbuf sb = STRBUF_INIT;
    char **w;
    size_t n = vocab_split(name, &w), i, end = n;

    if (drop_last_id && n > 1)
        end = n - 1;
    for (i = 0; i < end; i++) {
        char *stem;
        if (WORD_IN(w[i], affix_words) && end > 1)
            continue;
        stem = vocab_stem(w[i]);
        strbuf_addf(&sb, "%s%s", sb.len ? " " : "", stem);
        free(stem);
    }
    strv_free(w, n);
    return strbuf_detach(&sb, NULL);
}

/* Types whose values can be compared for containment. */
static int id_type(enum wh_type t)
{
    return t == WH_T_INT || t == WH_T_TEXT || t == WH_T_DECIMAL || t == WH_T_UUID;
}

/*
 * Names compared when looking for references, worked out once per table and column: the
 * table's entity ("custom" for dim_customers), its key's name and entity, and whether names
 * are ids.
 */
struct ref_names {
    char *entity;     /* tables: entity_key(name); columns: entity_key(name) without "id" */
    char *key_entity; /* tables: entity_key(key name) without "id" */
    int is_id;        /* tables: the key is named like an id; columns: the column is */
};

static void ref_names_release(struct ref_names *r)
{
    free(r->entity);
    free(r->key_entity);
}

/*
 * Does column `col` name table `to`'s key: the same name (user_id -> user_id), or an id named
 * after the table (customer_id -> customers.id, customer_id -> dim_customers.customer_no)?
 */
static int names_key(const struct cat_column *col, const struct ref_names *cn,
                     const struct cat_column *key, const struct ref_names *tn)
{
    int key_is_id_word = !strcasecmp(key->name, "id");

    if (!strcasecmp(col->name, key->name))
        return !key_is_id_word;
    if (!cn->is_id || !tn->is_id || !*cn->entity)
        return 0;
    return !strcmp(cn->entity, tn->entity) ||
           (!key_is_id_word && !strcmp(cn->entity, tn->key_entity));
}

struct candidate {
    int table, column, rank;
};

static int by_rank(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    return x->rank != y->rank ? x->rank - y->rank : x->table - y->table;
}

/*
 * How near table `to` is to `from` for a reference: the same layer first, then the closest
 * layer upstream, then downstream ones.
 */
static int nearness(const struct cat_table *from, const struct cat_table *to)
{
    int d = from->depth - to->depth;

    if (from->layer == to->layer)
        return 0;
    return d > 0 ? d : 100 - d;
}

int cat_infer_joins(struct cat_build *b)
{
    struct catalog *c = b->c;
    struct candidate *cand = NULL;
    struct ref_names *tn = xcalloc(c->ntables ? c->ntables : 1, sizeof(*tn));
    size_t i, j, k, n, alloc = 0;

    /* joins the platform states (constraints, tests, dashboards) are measured too */
    for (i = 0; i < c->njoins; i++) {
        struct cat_join *e = &c->joins[i];
        struct cat_column *col = &c->tables[e->from_table].columns[e->from_column];
        if (e->containment < 0)
            e->containment = cat_profile_containment(b, e->from_table, e->from_column, e->to_table,
                                                     e->to_column);
        col->ref_table = e->to_table;
        col->ref_column = e->to_column;
        col->containment = e->containment;
    }
    for (k = 0; k < c->ntables; k++) {
        const struct cat_table *to = &c->tables[k];
        tn[k].entity = entity_key(to->name, 0);
        tn[k].key_entity = to->key >= 0 ? entity_key(to->columns[to->key].name, 1) : xstrdup("");
        tn[k].is_id = to->key >= 0 && cat_name_is_id(to->columns[to->key].name);
    }
    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];
        for (j = 0; j < t->ncolumns; j++) {
            struct cat_column *col = &t->columns[j];
            struct ref_names cn;
            double best = -1;
            int best_t = -1, best_c = -1, rank = -1;

            if (col->ref_table >= 0 || (int)j == t->key || !id_type(col->type) ||
                col->null_fraction >= 1 || col->roles & (CAT_ROLE_FLAG | CAT_ROLE_TIME))
                continue;
            cn.is_id = cat_name_is_id(col->name);
            cn.entity = cn.is_id ? entity_key(col->name, 1) : xstrdup("");
            cn.key_entity = NULL;
            n = 0;
            for (k = 0; k < c->ntables; k++) {
                const struct cat_table *to = &c->tables[k];
                /* a table keyed by a category (one row per tier) is a summary, not a parent */
                if (k == i || to->key < 0 || !id_type(to->columns[to->key].type) ||
                    !(tn[k].is_id || to->columns[to->key].declared_key) ||
                    !names_key(col, &cn, &to->columns[to->key], &tn[k]))
                    continue;
                ALLOC_GROW(cand, n + 1, alloc);
                cand[n].table = (int)k;
                cand[n].column = to->key;
                cand[n].rank = nearness(t, to);
                n++;
            }
            ref_names_release(&cn);
            if (n > 1)
                qsort(cand, n, sizeof(*cand), by_rank);
            for (k = 0; k < n; k++) {
                double cont;
                if (best_t >= 0 && cand[k].rank != rank)
                    break;
                cont = cat_profile_containment(b, (int)i, (int)j, cand[k].table, cand[k].column);
                if (cont >= 0.9 && cont > best) {
                    best = cont;
                    best_t = cand[k].table;
                    best_c = cand[k].column;
                    rank = cand[k].rank;
                }
            }
            if (best_t < 0)
                continue;
            col->ref_table = best_t;
            col->ref_column = best_c;
            col->containment = best;
            cat_add_join(c, (int)i, (int)j, best_t, best_c, best, CAT_JOIN_INFERRED);
        }
    }
    for (k = 0; k < c->ntables; k++)
        ref_names_release(&tn[k]);
    free(tn);
    free(cand);

    /* a reference is not a number to add up or a category */
    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];
        for (j = 0; j < t->ncolumns; j++) {
            struct cat_column *col = &t->columns[j];
            if (col->ref_table >= 0) {
                col->roles |= CAT_ROLE_FOREIGN_KEY;
                col->roles &= ~(unsigned)(CAT_ROLE_MEASURE | CAT_ROLE_DIMENSION);
                col->agg = CAT_AGG_NONE;
            }
        }
    }
    return 0;
}

static const struct cat_grouping *grouping_of(const struct cat_table *t, int column)
{
    size_t i;

    for (i = 0; i < t->ngroupings; i++)
        if (t->groupings[i].column == column)
            return &t->groupings[i];
    return NULL;
}

/* Does grouping g find a column with one of these roles constant within it? */
static int keeps_constant(const struct cat_table *t, const struct cat_grouping *g, unsigned roles)
{
    size_t k;

    for (k = 0; k < g->nconstant; k++)
        if (t->columns[g->constant[k]].roles & roles)
            return 1;
    return 0;
}

static const struct cat_grouping *add_grouping(struct cat_table *t, const struct cat_grouping *g)
{
    t->groupings = xrealloc(t->groupings, (t->ngroupings + 1) * sizeof(*t->groupings));
    t->groupings[t->ngroupings] = *g;
    return &t->groupings[t->ngroupings++];
}

/*
 * Is reference column j of t also a group key, its rows the parts of one whole (the lines of an
 * invoice) rather than facts about one thing (the order lines of a product)? The parts of a
 * whole share its time; where a table has no time, they are few per whole and share an
 * amount. Returns the full grouping to keep, or NULL.
 */
static const struct cat_grouping *reference_groups(struct cat_build *b, struct cat_table *t,
                                                   size_t j)
{
    const struct cat_column *gc = &t->columns[j];
    struct cat_grouping probe;
    size_t k;
    int has_time = 0, whole;

    for (k = 0; k < t->ncolumns; k++)
        has_time |= (t->columns[k].roles & CAT_ROLE_TIME) && (int)k != (int)j;
    if (has_time) {
        if (cat_profile_grouping(b, t, (int)j, CAT_ROLE_TIME, &probe) < 0)
            return NULL;
        whole = probe.multi && probe.nconstant;
        free(probe.constant);
        if (!whole)
            return NULL;
    } else if (!gc->distinct || (double)t->rows > 5.0 * (double)gc->distinct) {
        return NULL;
    }
    if (cat_profile_grouping(b, t, (int)j, 0, &probe) < 0)
        return NULL;
    if (!has_time && !keeps_constant(t, &probe, CAT_ROLE_MEASURE)) {
        free(probe.constant);
        return NULL;
    }
    return add_grouping(t, &probe);
}

int cat_infer_group_keys(struct cat_build *b)
{
    struct catalog *c = b->c;
    size_t i, j, k;

    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];

        for (j = 0; j < t->ncolumns; j++)
            t->columns[j].repeated_within = -1;
        for (j = 0; j < t->ncolumns; j++) {
            struct cat_column *gc = &t->columns[j];
            const struct cat_grouping *g;
            int quiet;

            if (!cat_maybe_group_key(t, gc))
                continue;
            quiet = error_quiet(1);
            g = grouping_of(t, (int)j);
            if (!g && gc->ref_table < 0) {
                /* an id that repeats and points nowhere groups rows: an order over its lines */
                struct cat_grouping full;
                if (cat_profile_grouping(b, t, (int)j, 0, &full) == 0)
                    g = add_grouping(t, &full);
            } else if (!g) {
                g = reference_groups(b, t, j);
            }
            error_quiet(quiet);
            if (!g || !g->multi)
                continue;
            if (!g->sampled)
                gc->distinct = g->groups; /* exact, from the grouping */
            gc->roles |= CAT_ROLE_GROUP_KEY;
            gc->roles &= ~(unsigned)(CAT_ROLE_MEASURE | CAT_ROLE_DIMENSION);
            gc->agg = CAT_AGG_NONE;
            for (k = 0; k < g->nconstant; k++) {
                struct cat_column *rc = &t->columns[g->constant[k]];
                if (rc->repeated_within < 0 && !(rc->roles & CAT_ROLE_GROUP_KEY))
                    rc->repeated_within = (int)j;
            }
        }
    }
    return 0;
}

int cat_infer_group_kinds(struct cat_build *b)
{
    struct catalog *c = b->c;
    size_t i, j;

    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];

        for (j = 0; j < t->ngroupings; j++) {
            struct cat_grouping *g = &t->groupings[j];
            int parts[CAT_GROUP_PARTS], quiet;
            size_t n;

            if (!(t->columns[g->column].roles & CAT_ROLE_GROUP_KEY) || !g->multi)
                continue;
            n = cat_group_parts(t, g, parts);
            if (g->kinds_known && n == g->nparts && !memcmp(parts, g->parts, n * sizeof(*parts)))
                continue; /* from the cache: the table and its parts are as they were */
            quiet = error_quiet(1);
            cat_profile_group_kinds(b, t, g); /* unknown when it fails: skills ask again */
            error_quiet(quiet);
        }
    }
    return 0;
}

/* ---- grain and caveats ---- */

static void percent(char *buf, size_t n, double share)
{
    if (share < 0.001)
        snprintf(buf, n, "<0.1%%");
    else if (share < 0.1)
        snprintf(buf, n, "%.1f%%", share * 100);
    else
        snprintf(buf, n, "%.0f%%", share * 100);
}

void cat_infer_grain_and_caveats(struct catalog *c)
{
    size_t i, j, k;

    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];

        strv_free(t->caveats, t->ncaveats);
        t->caveats = NULL;
        t->ncaveats = 0;
        if (t->key >= 0) {
            strv_free(t->grain, t->ngrain);
            t->grain = NULL;
            t->ngrain = 0;
            cat_strv_push(&t->grain, &t->ngrain, t->columns[t->key].name);
        }
        if (t->sampled)
            cat_add_caveat(
                t, "profiled on a sample of the rows (counts and values are estimates; keys and "
                   "time anchors are exact; repeated values come from a sample of whole groups)");
        if (t->copies > 0 && t->rows) {
            char pct[16];
            percent(pct, sizeof(pct), (double)t->copies / (double)t->rows);
            cat_add_caveat(t, "%lld rows (%s) are exact copies of another row",
                           (long long)t->copies, pct);
        }
        for (j = 0; j < t->ngroupings; j++) {
            const struct cat_grouping *g = &t->groupings[j];
            const struct cat_column *gc = &t->columns[g->column];
            struct strbuf list = STRBUF_INIT;
            size_t nm = 0;

            if (!(gc->roles & CAT_ROLE_GROUP_KEY))
                continue;
            for (k = 0; k < t->ncolumns; k++)
                if (t->columns[k].repeated_within == g->column &&
                    t->columns[k].roles & CAT_ROLE_MEASURE) {
                    strbuf_addf(&list, "%s%s", nm ? ", " : "", t->columns[k].name);
                    nm++;
                }
            if (nm)
                cat_add_caveat(t,
                               "%s %s the same on every row of one %s (%.1f rows per %s on "
                               "average): take %s once per %s, do not sum %s over rows",
                               list.buf, nm > 1 ? "are" : "is", gc->name,
                               g->groups ? (double)t->rows / (double)g->groups : 0.0, gc->name,
                               nm > 1 ? "them" : "it", gc->name, nm > 1 ? "them" : "it");
            strbuf_release(&list);
        }
        for (j = 0; j < t->ncolumns; j++) {
            const struct cat_column *col = &t->columns[j];
            char pct[16];

            if (col->future_rows && t->rows) {
                percent(pct, sizeof(pct), (double)col->future_rows / (double)t->rows);
                cat_add_caveat(t, "%llu %s values (%s) are after today; its time anchor is %s",
                               (unsigned long long)col->future_rows, col->name, pct,
                               col->anchor ? col->anchor : "unknown");
            }
            /* a date still empty: an event that has not happened yet (a ticket not closed) */
            if (col->roles & CAT_ROLE_TIME && col->null_fraction > 0 && t->rows) {
                percent(pct, sizeof(pct), col->null_fraction);
                cat_add_caveat(t,
                               "%s of %s values are empty: events that have not happened yet, "
                               "or were not recorded",
                               pct, col->name);
            }
            /* a value that never varies (quantity always 1) says nothing when summed */
            if (t->rows > 1 && col->null_fraction == 0 &&
                ((col->has_range && is_numeric_type(col->type) && col->min == col->max) ||
                 (col->values_complete && col->nvalues == 1)))
                cat_add_caveat(t, "%s is %s on every row", col->name,
                               col->nvalues == 1 ? col->values[0].text
                               : col->min_text   ? col->min_text
                                                 : "the same");
            if (col->roles & CAT_ROLE_MEASURE && col->negative_fraction > 0) {
                percent(pct, sizeof(pct), col->negative_fraction);
                cat_add_caveat(t, "%s of %s values are negative", pct, col->name);
            }
            if (col->roles & (CAT_ROLE_MEASURE | CAT_ROLE_DIMENSION | CAT_ROLE_FOREIGN_KEY) &&
                col->null_fraction >= 0.02) {
                percent(pct, sizeof(pct), col->null_fraction);
                cat_add_caveat(t, "%s of %s values are missing (NULL)", pct, col->name);
            }
            if (col->ref_table >= 0 && col->containment >= 0 && col->containment < 0.999) {
                const struct cat_table *to = &c->tables[col->ref_table];
                percent(pct, sizeof(pct), 1 - col->containment);
                cat_add_caveat(t, "%s of distinct %s values have no match in %s.%s", pct, col->name,
                               to->relation, to->columns[col->ref_column].name);
            }
            if (col->pattern == CAT_PAT_MONEY_TEXT || col->pattern == CAT_PAT_NUMBER_TEXT ||
                col->pattern == CAT_PAT_PERCENT_TEXT || col->pattern == CAT_PAT_DATE_TEXT)
                cat_add_caveat(t, "%s holds %s as text (e.g. '%s'): convert it before computing",
                               col->name, col->pattern == CAT_PAT_DATE_TEXT ? "dates" : "numbers",
                               col->min_text ? col->min_text : "");
        }
    }
}

/* ---- words ---- */

static void push_key(char ***v, size_t *n, const char *text, int drop_affixes)
{
    char *key = drop_affixes ? entity_key(text, 0) : vocab_key(text);

    if (*key && !cat_strv_has(*v, *n, key))
        cat_strv_push(v, n, key);
    free(key);
}

void cat_infer_words(struct catalog *c)
{
    size_t i, j;

    for (i = 0; i < c->ntables; i++) {
        struct cat_table *t = &c->tables[i];

        strv_free(t->words, t->nwords);
        t->words = NULL;
        t->nwords = 0;
        push_key(&t->words, &t->nwords, t->name, 0);
        push_key(&t->words, &t->nwords, t->name, 1);
        if (t->model)
            push_key(&t->words, &t->nwords, t->model, 1);
        for (j = 0; j < t->ncolumns; j++) {
            struct cat_column *col = &t->columns[j];
            strv_free(col->words, col->nwords);
            col->words = NULL;
            col->nwords = 0;
            push_key(&col->words, &col->nwords, col->name, 0);
        }
    }
    for (i = 0; i < c->nmeasures; i++)
        if (c->measures[i].name && !c->measures[i].nwords)
            push_key(&c->measures[i].words, &c->measures[i].nwords, c->measures[i].name, 0);
}
