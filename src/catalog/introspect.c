/*
 * Introspection: what the warehouse says about itself. Relations and columns from DuckDB's
 * metadata functions, declared keys from constraints, comments, and what the pipeline recorded
 * about the models it built (_mdp.models, _mdp.model_columns): their SQL, descriptions and
 * column tests. Nothing is profiled here.
 */
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"
#include "platform/ingest.h"
#include "platform/records.h"
#include "util/error.h"
#include "util/json.h"
#include "util/xmalloc.h"
#include "wh/meta.h"
#include "wh/wh.h"

static char *dup_or_null(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

/* The table called schema.name, or -1 (tables are sorted by schema, then name). */
static int find_exact(const struct catalog *c, const char *schema, const char *name)
{
    size_t i;

    for (i = 0; i < c->ntables; i++)
        if (!strcmp(c->tables[i].schema, schema) && !strcmp(c->tables[i].name, name))
            return (int)i;
    return -1;
}

static int read_relations(struct cat_build *b)
{
    struct wh_result *r;
    size_t i;

    if (wh_meta_relations(b->wh, &r) < 0)
        return -1;
    for (i = 0; i < r->nrows; i++) {
        struct cat_table *t = cat_table_new(b->c);
        struct strbuf sb = STRBUF_INIT;
        double rows;

        t->schema = xstrdup(wh_result_text(r, i, 0));
        t->name = xstrdup(wh_result_text(r, i, 1));
        t->is_view = !strcmp(wh_result_text(r, i, 2), "1");
        if (wh_result_num(r, i, 3, &rows) == 0 && rows > 0)
            t->rows = (uint64_t)rows;
        t->description = dup_or_null(wh_result_text(r, i, 4));
        t->sql = dup_or_null(wh_result_text(r, i, 5));
        wh_add_ident(b->wh, &sb, t->schema);
        strbuf_addch(&sb, '.');
        wh_add_ident(b->wh, &sb, t->name);
        t->relation = strbuf_detach(&sb, NULL);
    }
    wh_result_free(r);
    return 0;
}

static int read_columns(struct cat_build *b)
{
    struct wh_result *r;
    size_t i;
    int t = -1;

    if (wh_meta_columns(b->wh, &r) < 0)
        return -1;
    for (i = 0; i < r->nrows; i++) {
        const char *schema = wh_result_text(r, i, 0), *name = wh_result_text(r, i, 1);
        struct cat_table *tab;
        struct cat_column *col;
        size_t alloc;

        if (t < 0 || strcmp(b->c->tables[t].schema, schema) || strcmp(b->c->tables[t].name, name))
            t = find_exact(b->c, schema, name);
        if (t < 0)
            continue;
        tab = &b->c->tables[t];
        alloc = tab->ncolumns;
        ALLOC_GROW(tab->columns, tab->ncolumns + 1, alloc);
        col = &tab->columns[tab->ncolumns++];
        memset(col, 0, sizeof(*col));
        col->name = xstrdup(wh_result_text(r, i, 2));
        col->type_name = xstrdup(wh_result_text(r, i, 3));
        col->type = wh_type_parse(col->type_name);
        col->description = dup_or_null(wh_result_text(r, i, 4));
        col->ref_table = col->ref_column = col->repeated_within = -1;
    }
    wh_result_free(r);
    return 0;
}

static int read_constraints(struct cat_build *b)
{
    struct catalog *c = b->c;
    struct wh_result *r;
    size_t i;

    if (wh_meta_constraints(b->wh, &r) < 0)
        return -1;
    for (i = 0; i < r->nrows; i++) {
        const char *schema = wh_result_text(r, i, 0), *kind = wh_result_text(r, i, 2);
        int t = find_exact(c, schema, wh_result_text(r, i, 1)), col, rt, rc;

        if (t < 0 || (col = catalog_find_column(c, t, wh_result_text(r, i, 3))) < 0)
            continue;
        if (strcmp(kind, "FOREIGN KEY")) {
            c->tables[t].columns[col].declared_key = 1;
            continue;
        }
        if (!wh_result_text(r, i, 4) || !wh_result_text(r, i, 5))
            continue;
        rt = find_exact(c, schema, wh_result_text(r, i, 4));
        if (rt < 0 || (rc = catalog_find_column(c, rt, wh_result_text(r, i, 5))) < 0)
            continue;
        cat_add_join(c, t, col, rt, rc, -1, CAT_JOIN_DECLARED);
    }
    wh_result_free(r);
    return 0;
}

/*
 * The table a recorded model or source name stands for: a model's relation, or for
 * "source.table" the relation source.table, or else the one table outside the models called
 * `table`.
 */
static int resolve_recorded(const struct catalog *c, const char *name)
{
    const char *dot = strchr(name, '.');
    char *schema;
    size_t i;
    int t, found = -1;

    for (i = 0; i < c->ntables; i++)
        if (c->tables[i].model && !strcmp(c->tables[i].model, name))
            return (int)i;
    if (!dot)
        return -1;
    schema = xstrndup(name, (size_t)(dot - name));
    t = find_exact(c, schema, dot + 1);
    free(schema);
    if (t >= 0)
        return t;
    for (i = 0; i < c->ntables; i++) {
        if (c->tables[i].model || strcmp(c->tables[i].name, dot + 1))
            continue;
        if (found >= 0)
            return -1;
        found = (int)i;
    }
    return found;
}

static int read_models(struct cat_build *b)
{
    struct catalog *c = b->c;
    struct model_record *r;
    size_t i, nr;

    if (records_read_models(b->wh, &r, &nr) < 0)
        return -1;
    for (i = 0; i < nr; i++) {
        const char *schema = r[i].schema, *relation = r[i].relation;
        size_t n = schema ? strlen(schema) : 0;
        struct cat_table *t;
        int k;

        if (!schema || !relation || strncmp(relation, schema, n) || relation[n] != '.')
            continue;
        k = find_exact(c, schema, relation + n + 1);
        if (k < 0)
            continue;
        t = &c->tables[k];
        t->model = xstrdup(r[i].name);
        if (r[i].description) {
            free(t->description);
            t->description = xstrdup(r[i].description);
        }
        if (r[i].compiled_sql) {
            free(t->sql);
            t->sql = xstrdup(r[i].compiled_sql);
        }
        /* a rebuilt model is new data even when its size and columns did not change */
        free(t->fingerprint);
        t->fingerprint = xstrdup(r[i].built_at);
    }
    records_models_free(r, nr);
    return 0;
}

/* A dbt test entry: "unique", or {"relationships": {"to": "m", "field": "f"}}. */
static void add_test(struct catalog *c, int t, int col, const struct json *test)
{
    struct cat_column *column = &c->tables[t].columns[col];
    const char *name = json_str(test);
    const struct json *rel;

    if (!name && json_is_object(test) && json_size(test) == 1)
        name = json_key(json_at(test, 0));
    if (!name)
        return;
    if (!cat_strv_has(column->tests, column->ntests, name))
        cat_strv_push(&column->tests, &column->ntests, name);
    rel = json_is_object(test) ? json_get(test, "relationships") : NULL;
    if (rel) {
        const char *to = json_get_str(rel, "to"), *field = json_get_str(rel, "field");
        int rt = to ? resolve_recorded(c, to) : -1;
        int rc = rt >= 0 && field ? catalog_find_column(c, rt, field) : -1;
        if (rc >= 0)
            cat_add_join(c, t, col, rt, rc, -1, CAT_JOIN_TESTED);
    }
}

static int read_model_columns(struct cat_build *b)
{
    struct catalog *c = b->c;
    struct model_column_record *r;
    size_t i, k, nr;

    if (records_read_model_columns(b->wh, &r, &nr) < 0)
        return -1;
    for (i = 0; i < nr; i++) {
        const char *model = r[i].model, *tests = r[i].tests;
        int t = model ? resolve_recorded(c, model) : -1, col, quiet;
        struct cat_column *column;
        struct json *j;

        if (t < 0 || (col = catalog_find_column(c, t, r[i].column)) < 0)
            continue;
        column = &c->tables[t].columns[col];
        if (r[i].description) {
            free(column->description);
            column->description = xstrdup(r[i].description);
        }
        if (!tests || !*tests)
            continue;
        quiet = error_quiet(1);
        j = json_parse("_mdp.model_columns", tests, strlen(tests));
        error_quiet(quiet);
        for (k = 0; j && json_is_array(j) && k < json_size(j); k++)
            add_test(c, t, col, json_at(j, k));
        json_free(j);
        if (cat_strv_has(column->tests, column->ntests, "unique") &&
            cat_strv_has(column->tests, column->ntests, "not_null"))
            column->declared_key = 1;
    }
    records_model_columns_free(r, nr);
    return 0;
}

/*
 * What says the data of a table nobody vouches for (no model built it, no ingest loaded it)
 * changed: its exact row count and a hash of its storage (DuckDB's segments, their statistics
 * and blocks), which moves with every UPDATE, while the count moves with every DELETE.
 */
static uint64_t storage_hash(struct cat_build *b, struct cat_table *t)
{
    struct strbuf name = STRBUF_INIT;
    struct wh_result *r = NULL;
    uint64_t h = CAT_HASH_INIT;
    double rows;
    int quiet = error_quiet(1);

    cat_add_sql_relation(&name, b, t);
    if (wh_meta_storage(b->wh, name.buf, &r) == 0 && r->nrows == 1) {
        if (wh_result_num(r, 0, 0, &rows) == 0)
            t->rows = (uint64_t)rows;
        h = cat_hash_str(h, wh_result_text(r, 0, 0));
        h = cat_hash_str(h, wh_result_text(r, 0, 1));
    }
    error_quiet(quiet);
    wh_result_free(r);
    strbuf_release(&name);
    return h;
}

/*
 * Each table's fingerprint: its relation, kind and columns, and what says its data changed:
 * the definition of a view, the build time of a model, the content hash of an ingested file,
 * or else the table's own storage. Views also depend on every table, through `data`.
 */
static void fingerprint_tables(struct cat_build *b)
{
    struct catalog *c = b->c;
    struct ingest_fingerprint *ingest = NULL;
    uint64_t data = CAT_HASH_INIT;
    size_t i, j, pass, ningest = 0;
    int quiet = error_quiet(1);

    if (records_read_ingest_fingerprints(b->wh, &ingest, &ningest) < 0)
        ningest = 0;
    error_quiet(quiet);
    /* tables first, then views, which include every table's fingerprint */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < c->ntables; i++) {
            struct cat_table *t = &c->tables[i];
            uint64_t h = CAT_HASH_INIT, stored;
            int vouched = t->is_view || t->model;
            char buf[32];

            if (t->is_view != (int)pass)
                continue;
            h = cat_hash_str(h, t->relation);
            h = cat_hash_str(h, t->is_view ? t->sql : "table");
            h = cat_hash_str(h, t->fingerprint); /* the model's build time, when one */
            for (j = 0; j < t->ncolumns; j++) {
                h = cat_hash_str(h, t->columns[j].name);
                h = cat_hash_str(h, t->columns[j].type_name);
            }
            for (j = 0; j < ningest && !strcmp(t->schema, INGEST_SCHEMA); j++)
                if (!strcmp(ingest[j].table, t->name)) {
                    h = cat_hash_str(h, ingest[j].fingerprint);
                    vouched = 1;
                }
            if (!vouched) {
                stored = storage_hash(b, t);
                h = cat_hash(h, &stored, sizeof(stored));
            }
            snprintf(buf, sizeof(buf), "%llu", (unsigned long long)t->rows);
            h = cat_hash_str(h, buf);
            if (t->is_view)
                h = cat_hash(h, &data, sizeof(data));
            else
                data = cat_hash(data, &h, sizeof(h));
            snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h);
            free(t->fingerprint);
            t->fingerprint = xstrdup(buf);
        }
    }
    records_ingest_fingerprints_free(ingest, ningest);
}

int cat_introspect(struct cat_build *b)
{
    b->database = wh_query_value(b->wh, "SELECT current_database()");
    if (!b->database)
        return error("cannot read the warehouse's database name");
    if (read_relations(b) < 0 || read_columns(b) < 0 || read_constraints(b) < 0 ||
        read_models(b) < 0 || read_model_columns(b) < 0)
        return -1;
    fingerprint_tables(b);
    return 0;
}
