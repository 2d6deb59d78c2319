/*
 * The _mdp records (records.h): DDL and readers.
 */
#include <stdio.h>
#include <stdlib.h>

#include "platform/records.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

static const char ingest_state_ddl[] =
    "CREATE SCHEMA IF NOT EXISTS _mdp; CREATE TABLE IF NOT EXISTS _mdp.ingest_state (table_name "
    "VARCHAR, path VARCHAR, file_size UBIGINT, file_mtime_ns BIGINT, content_hash VARCHAR, "
    "options_hash VARCHAR, row_count UBIGINT, column_count INTEGER, loaded_at TIMESTAMP, "
    "seconds DOUBLE, notes VARCHAR[])";

static const char models_ddl[] =
    "CREATE SCHEMA IF NOT EXISTS _mdp;\n"
    "CREATE TABLE IF NOT EXISTS _mdp.models(name VARCHAR, schema_name VARCHAR, relation "
    "VARCHAR, materialized VARCHAR, path VARCHAR, description VARCHAR, raw_sql VARCHAR, "
    "compiled_sql VARCHAR, depends_on VARCHAR[], built_at TIMESTAMP);\n"
    "CREATE TABLE IF NOT EXISTS _mdp.model_columns(model VARCHAR, column_name VARCHAR, "
    "description VARCHAR, tests VARCHAR);\n"
    "CREATE TABLE IF NOT EXISTS _mdp.model_failures(name VARCHAR, failed_at TIMESTAMP, "
    "message VARCHAR);\n";

int records_create_ingest_state(struct wh *wh)
{
    return wh_exec(wh, ingest_state_ddl);
}

int records_create_models(struct wh *wh)
{
    return wh_exec(wh, models_ddl);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

int records_read_ingest_state(struct wh *wh, const char *table, struct ingest_state_record *st)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    int ret = -1;

    strbuf_addstr(&sql, "SELECT file_size, file_mtime_ns, content_hash, options_hash, row_count, "
                        "column_count FROM _mdp.ingest_state WHERE table_name = ");
    strbuf_add_sql_string(&sql, table);
    if (wh_query(wh, sql.buf, NULL, &r) < 0)
        goto out;
    ret = 0;
    if (!r->nrows)
        goto out;
    st->size = strtoull(wh_result_text(r, 0, 0), NULL, 10);
    st->mtime_ns = strtoll(wh_result_text(r, 0, 1), NULL, 10);
    snprintf(st->content, sizeof(st->content), "%s", wh_result_text(r, 0, 2));
    snprintf(st->options, sizeof(st->options), "%s", wh_result_text(r, 0, 3));
    st->rows = strtoull(wh_result_text(r, 0, 4), NULL, 10);
    st->columns = (size_t)strtoul(wh_result_text(r, 0, 5), NULL, 10);
    ret = 1;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

/*
 * Runs sql on _mdp.<table> (no rows when the table does not exist): *r and *n its rows, *out a
 * zeroed array of *n records of `size` bytes. 0, or -1 with error().
 */
static int read_records(struct wh *wh, const char *table, const char *sql, size_t size, void *out,
                        size_t *n, struct wh_result **r)
{
    *(void **)out = NULL;
    *n = 0;
    *r = NULL;
    if (!wh_relation_exists(wh, "_mdp", table))
        return 0;
    if (wh_query(wh, sql, NULL, r) < 0)
        return -1;
    *n = (*r)->nrows;
    *(void **)out = xcalloc(*n + 1, size);
    return 0;
}

int records_read_ingest_fingerprints(struct wh *wh, struct ingest_fingerprint **out, size_t *n)
{
    struct wh_result *r;
    size_t i;

    if (read_records(
            wh, "ingest_state",
            "SELECT table_name, content_hash || '/' || options_hash FROM _mdp.ingest_state",
            sizeof(**out), out, n, &r) < 0)
        return -1;
    for (i = 0; i < *n; i++) {
        (*out)[i].table = xstrdup(wh_result_text(r, i, 0) ? wh_result_text(r, i, 0) : "");
        (*out)[i].fingerprint = dup_or_null(wh_result_text(r, i, 1));
    }
    wh_result_free(r);
    return 0;
}

void records_ingest_fingerprints_free(struct ingest_fingerprint *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].table);
        free(v[i].fingerprint);
    }
    free(v);
}

int records_read_models(struct wh *wh, struct model_record **out, size_t *n)
{
    struct wh_result *r;
    size_t i;

    if (read_records(wh, "models",
                     "SELECT name, schema_name, relation, description, compiled_sql, "
                     "CAST(built_at AS VARCHAR) FROM _mdp.models",
                     sizeof(**out), out, n, &r) < 0)
        return -1;
    for (i = 0; i < *n; i++) {
        struct model_record *m = &(*out)[i];
        m->name = dup_or_null(wh_result_text(r, i, 0));
        m->schema = dup_or_null(wh_result_text(r, i, 1));
        m->relation = dup_or_null(wh_result_text(r, i, 2));
        m->description = dup_or_null(wh_result_text(r, i, 3));
        m->compiled_sql = dup_or_null(wh_result_text(r, i, 4));
        m->built_at = xstrdup(wh_result_text(r, i, 5) ? wh_result_text(r, i, 5) : "");
    }
    wh_result_free(r);
    return 0;
}

void records_models_free(struct model_record *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].schema);
        free(v[i].relation);
        free(v[i].description);
        free(v[i].compiled_sql);
        free(v[i].built_at);
    }
    free(v);
}

int records_read_model_columns(struct wh *wh, struct model_column_record **out, size_t *n)
{
    struct wh_result *r;
    size_t i;

    if (read_records(wh, "model_columns",
                     "SELECT model, column_name, description, tests FROM _mdp.model_columns",
                     sizeof(**out), out, n, &r) < 0)
        return -1;
    for (i = 0; i < *n; i++) {
        struct model_column_record *c = &(*out)[i];
        c->model = dup_or_null(wh_result_text(r, i, 0));
        c->column = dup_or_null(wh_result_text(r, i, 1));
        c->description = dup_or_null(wh_result_text(r, i, 2));
        c->tests = dup_or_null(wh_result_text(r, i, 3));
    }
    wh_result_free(r);
    return 0;
}

void records_model_columns_free(struct model_column_record *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].model);
        free(v[i].column);
        free(v[i].description);
        free(v[i].tests);
    }
    free(v);
}

void records_model_failure_sql(struct strbuf *sb, const char *model, const char *message)
{
    strbuf_addstr(sb, "DELETE FROM _mdp.model_failures WHERE name = ");
    strbuf_add_sql_string(sb, model);
    strbuf_addstr(sb, ";\n");
    if (!message)
        return;
    strbuf_addstr(sb, "INSERT INTO _mdp.model_failures VALUES (");
    strbuf_add_sql_string(sb, model);
    strbuf_addstr(sb, ", CAST(get_current_timestamp() AS TIMESTAMP), ");
    strbuf_add_sql_string(sb, message);
    strbuf_addstr(sb, ");\n");
}

int records_read_model_failures(struct wh *wh, struct model_failure_record **out, size_t *n)
{
    struct wh_result *r;
    size_t i;

    if (read_records(wh, "model_failures",
                     "SELECT name, strftime(failed_at, '%Y-%m-%d %H:%M:%S'), message FROM "
                     "_mdp.model_failures",
                     sizeof(**out), out, n, &r) < 0)
        return -1;
    for (i = 0; i < *n; i++) {
        (*out)[i].name = xstrdup(wh_result_text(r, i, 0) ? wh_result_text(r, i, 0) : "");
        (*out)[i].failed_at = xstrdup(wh_result_text(r, i, 1) ? wh_result_text(r, i, 1) : "");
        (*out)[i].message = dup_or_null(wh_result_text(r, i, 2));
    }
    wh_result_free(r);
    return 0;
}

void records_model_failures_free(struct model_failure_record *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].failed_at);
        free(v[i].message);
    }
    free(v);
}
