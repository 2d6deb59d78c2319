/*
 * `mdp transform` as a library (see transform.h): compile the project, open a locked-down
 * write session, build the selected models in order, record them in _mdp.
 */
#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "platform/dbt_project.h"
#include "platform/records.h"
#include "platform/transform.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/connection.h"
#include "wh/meta.h"
#include "wh/statement.h"
#include "wh/wh.h"

static void add_str_or_null(struct strbuf *sb, const char *s)
{
    if (s)
        strbuf_add_sql_string(sb, s);
    else
        strbuf_addstr(sb, "NULL");
}

static void add_values(struct strbuf *sb, const char *const *values, size_t n);

static void add_column_rows(struct strbuf *sb, const char *model, const struct dbt_column *cols,
                            size_t n)
{
    size_t i;

    if (!n)
        return;
    /* one statement for all the rows: a statement per row cost more than building a view */
    strbuf_addstr(sb, "INSERT INTO _mdp.model_columns VALUES");
    for (i = 0; i < n; i++) {
        struct strbuf tests = STRBUF_INIT;
        const char *row[4];

        dbt_column_tests_json(&cols[i], &tests);
        row[0] = model;
        row[1] = cols[i].name;
        row[2] = cols[i].description;
        row[3] = tests.buf;
        strbuf_addstr(sb, i ? ",\n  (" : "\n  (");
        add_values(sb, row, ARRAY_SIZE(row));
        strbuf_addch(sb, ')');
        strbuf_release(&tests);
    }
    strbuf_addstr(sb, ";\n");
}

/* Appends 'v1', 'v2', NULL, ... (a NULL pointer is SQL NULL). */
static void add_values(struct strbuf *sb, const char *const *values, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (i)
            strbuf_addstr(sb, ", ");
        add_str_or_null(sb, values[i]);
    }
}

void transform_metadata_sql(const struct dbt_model *m, struct strbuf *sb)
{
    char *relation = xstrfmt("%s.%s", dbt_model_schema(m), dbt_model_alias(m));
    const char *const row[] = {m->name, dbt_model_schema(m), relation,   m->materialized,
                               m->path, m->description,      m->raw_sql, m->compiled_sql};

    strbuf_addstr(sb, "DELETE FROM _mdp.models WHERE name = ");
    strbuf_add_sql_string(sb, m->name);
    strbuf_addstr(sb, ";\nDELETE FROM _mdp.model_columns WHERE model = ");
    strbuf_add_sql_string(sb, m->name);
    strbuf_addstr(sb, ";\nINSERT INTO _mdp.models VALUES (");
    add_values(sb, row, ARRAY_SIZE(row));
    strbuf_addstr(sb, ", [");
    add_values(sb, (const char *const *)m->refs, m->nrefs);
    strbuf_addstr(sb, m->nrefs && m->nsources ? ", " : "");
    add_values(sb, (const char *const *)m->sources, m->nsources);
    strbuf_addstr(sb, "]::VARCHAR[], CAST(get_current_timestamp() AS TIMESTAMP));\n");
    add_column_rows(sb, m->name, m->columns, m->ncolumns);
    free(relation);
}

/* Sources' column docs: replaced as a whole on every run. */
static int record_sources(struct wh *wh, const struct dbt_project *p)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    int ret;

    strbuf_addstr(&sb, "BEGIN TRANSACTION;\nDELETE FROM _mdp.model_columns WHERE model NOT IN "
                       "(SELECT name FROM _mdp.models);\n");
    for (i = 0; i < p->nsources; i++) {
        char *key = xstrfmt("%s.%s", p->sources[i].source_name, p->sources[i].table_name);
        add_column_rows(&sb, key, p->sources[i].columns, p->sources[i].ncolumns);
        free(key);
    }
    strbuf_addstr(&sb, "COMMIT;\n");
    ret = wh_exec(wh, sb.buf);
    if (ret < 0)
        wh_rollback(wh);
    strbuf_release(&sb);
    return ret;
}

/*
 * Which models this run did not build (their relations are stale, `mdp test` skips their
 * tests) and which it built (no longer stale).
 */
static int record_failures(struct wh *wh, const struct transform_report *rep)
{
    struct strbuf sql = STRBUF_INIT;
    size_t i;
    int ret;

    for (i = 0; i < rep->n; i++) {
        const struct transform_result *r = &rep->results[i];
        records_model_failure_sql(&sql, r->model,
                                  r->status == TRANSFORM_OK ? NULL
                                  : r->message              ? r->message
                                                            : "not built");
    }
    ret = sql.len ? wh_exec(wh, sql.buf) : 0;
    strbuf_release(&sql);
    return ret;
}

/* DuckDB's progress on the running model, passed on to the caller. */
struct progress_ctx {
    const struct transform_options *opts;
    const char *model;
};

static void on_progress(double percent, void *ctx)
{
    const struct progress_ctx *p = ctx;

    p->opts->progress(p->model, percent, 100, p->opts->progress_ctx);
}

/*
 * Replaces one model: its SQL must prepare as one SELECT on this locked-down session; then in
 * one transaction, drop the relation if it changes kind (view <-> table), CREATE OR REPLACE
 * it and replace its _mdp rows. Any failure rolls back, keeping the previous version.
 */
/*
 * Adds an incremental model's new rows to its table, inside the caller's transaction: the
 * rows of its is_incremental() SQL go to a temporary table, the rows with the same unique_key
 * are deleted (unless the strategy is append), the new ones inserted by column name.
 */
/* An incremental model's unique_key names columns of rel (its table, or its new rows). */
static int check_unique_key(struct wh *wh, const struct dbt_model *m, const char *rel)
{
    struct wh_result *r = NULL;
    struct strbuf names = STRBUF_INIT;
    size_t i, k;
    int ret = 0;

    if (!m->nunique_key || m->append)
        return 0;
    if (wh_queryf(wh, &r, "SELECT * FROM %s LIMIT 0", rel) < 0)
        return -1;
    for (i = 0; i < m->nunique_key && !ret; i++) {
        for (k = 0; k < r->ncols && strcasecmp(r->cols[k].name, m->unique_key[i]); k++)
            ;
        if (k < r->ncols)
            continue;
        for (k = 0; k < r->ncols; k++)
            strbuf_addf(&names, "%s%s", k ? ", " : "", r->cols[k].name);
        ret = error("unique_key '%s' is not a column of the model (its columns: %s); name one "
                    "of them, or leave unique_key out to append",
                    m->unique_key[i], names.buf);
    }
    wh_result_free(r);
    strbuf_release(&names);
    return ret;
}

static int run_incremental(struct wh *wh, const struct dbt_model *m, const char *rel,
                           const struct wh_limits *lim)
{
    struct strbuf sql = STRBUF_INIT;
    size_t i;
    int ret = -1;

    strbuf_addf(&sql, "CREATE OR REPLACE TEMP TABLE __mdp_incremental AS\n%s\n",
                m->incremental_sql);
    if (wh_exec_single(wh, sql.buf, lim) < 0 || check_unique_key(wh, m, "__mdp_incremental") < 0)
        goto out;
    strbuf_reset(&sql);
    if (m->nunique_key && !m->append) {
        strbuf_addf(&sql,
                    "DELETE FROM %s AS t WHERE EXISTS (SELECT 1 FROM __mdp_incremental AS n "
                    "WHERE ",
                    rel);
        for (i = 0; i < m->nunique_key; i++) {
            strbuf_addstr(&sql, i ? " AND n." : "n.");
            strbuf_add_sql_ident(&sql, m->unique_key[i]);
            strbuf_addstr(&sql, " IS NOT DISTINCT FROM t.");
            strbuf_add_sql_ident(&sql, m->unique_key[i]);
        }
        strbuf_addstr(&sql, ");\n");
    }
    strbuf_addf(&sql,
                "INSERT INTO %s BY NAME SELECT * FROM __mdp_incremental;\n"
                "DROP TABLE __mdp_incremental;\n",
                rel);
    ret = wh_exec(wh, sql.buf);
out:
    strbuf_release(&sql);
    return ret;
}

/*
 * "path:N: msg", where DuckDB's "LINE n:" (of SQL that had `offset` lines before the model's
 * compiled SQL) becomes N, the line of the model's file it came from; "path: msg" when the
 * message names no line.
 */
static char *model_error(const struct dbt_model *m, const struct dbt_lines *lines, int offset,
                         const char *msg)
{
    const char *at = strstr(msg, "\nLINE "), *p, *nl; /* DuckDB's, on a line of its own */
    struct strbuf sb = STRBUF_INIT;
    long n, src;
    int old_w, new_w, delta;
    char *end;

    if (!at || !isdigit((unsigned char)at[6]))
        return xstrfmt("%s: %s", m->path, msg);
    at++;
    n = strtol(at + 5, &end, 10) - offset;
    if (*end != ':' || n < 1 || (size_t)n > lines->n)
        return xstrfmt("%s: %s", m->path, msg);
    src = lines->v[n - 1];
    old_w = (int)(end - at);
    strbuf_addf(&sb, "%s:%ld: %.*s", m->path, src, (int)(at - msg), msg);
    new_w = (int)sb.len;
    strbuf_addf(&sb, "LINE %ld", src);
    new_w = (int)sb.len - new_w;
    delta = new_w - old_w;
    nl = strchr(end, '\n');
    if (!nl) {
        strbuf_addstr(&sb, end);
        return strbuf_detach(&sb, NULL);
    }
    strbuf_add(&sb, end, (size_t)(nl + 1 - end));
    /* the caret line under it: keep it under the same character */
    for (p = nl + 1; *p == ' '; p++)
        ;
    if (*p == '^' && (long)(p - (nl + 1)) + delta >= 0) {
        strbuf_addchars(&sb, ' ', (size_t)((p - (nl + 1)) + delta));
        strbuf_addstr(&sb, p);
    } else {
        strbuf_addstr(&sb, nl + 1);
    }
    return strbuf_detach(&sb, NULL);
}

static int build_model(struct wh *wh, const struct dbt_model *m, int full_refresh,
                       volatile sig_atomic_t *cancel, const struct transform_options *progress,
                       struct transform_result *r)
{
    struct progress_ctx pctx = {progress, m->name};
    struct strbuf rel = STRBUF_INIT, sql = STRBUF_INIT;
    struct wh_limits lim = {0};
    int is_table = strcmp(m->materialized, "view") != 0, ret = -1, in_tx = 0, incremental = 0;
    int offset = 0; /* lines before the model's SQL in the statement that runs */
    const struct dbt_lines *lines;
    const char *want = is_table ? "table" : "view";
    char *kind = NULL, *rows = NULL;

    dbt_model_relation(m, &rel);
    kind = wh_meta_relation_kind(wh, dbt_model_schema(m), dbt_model_alias(m));
    incremental = dbt_model_is_incremental(m) && !full_refresh && kind && !strcmp(kind, "table");
    lines = incremental ? &m->incremental_lines : &m->compiled_lines;
    if (wh_check_single_select(wh, incremental ? m->incremental_sql : m->compiled_sql) < 0)
        goto out;
    if (wh_begin(wh) < 0)
        goto out;
    in_tx = 1;
    if (kind && strcmp(kind, want) &&
        wh_execf(wh, "DROP %s %s", !strcmp(kind, "table") ? "TABLE" : "VIEW", rel.buf) < 0)
        goto out;
    strbuf_addf(&sql, "CREATE OR REPLACE %s %s AS\n%s\n", is_table ? "TABLE" : "VIEW", rel.buf,
                m->compiled_sql);
    lim.cancel = cancel;
    if (progress && progress->progress) {
        lim.progress = on_progress;
        lim.progress_ctx = &pctx;
    }
    offset = 1; /* both put one line before the model's SQL */
    if ((incremental ? run_incremental(wh, m, rel.buf, &lim) : wh_exec_single(wh, sql.buf, &lim)) <
        0)
        goto out;
    offset = -1; /* the model's SQL ran: later errors are not on its lines */
    if (!incremental && dbt_model_is_incremental(m) && check_unique_key(wh, m, rel.buf) < 0)
        goto out;
    strbuf_reset(&sql);
    transform_metadata_sql(m, &sql);
    if (wh_exec(wh, sql.buf) < 0 || wh_commit(wh) < 0)
        goto out;
    in_tx = 0;
    if (is_table) {
        strbuf_reset(&sql);
        strbuf_addf(&sql, "SELECT count(*) FROM %s", rel.buf);
        rows = wh_query_value(wh, sql.buf);
        r->rows = rows ? strtoll(rows, NULL, 10) : -1;
    }
    ret = 0;
out:
    if (ret < 0)
        r->message = offset < 0 ? xstrfmt("%s: %s", m->path, error_last())
                                : model_error(m, lines, offset, error_last());
    if (in_tx)
        wh_rollback(wh);
    free(kind);
    free(rows);
    strbuf_release(&rel);
    strbuf_release(&sql);
    return ret;
}

static void init_result(struct transform_result *r, const struct dbt_model *m)
{
    memset(r, 0, sizeof(*r));
    r->model = xstrdup(m->name);
    r->relation = xstrfmt("%s.%s", dbt_model_schema(m), dbt_model_alias(m));
    r->materialized = xstrdup(m->materialized);
    r->path = xstrdup(m->path);
    r->rows = -1;
}

enum model_state { MODEL_WAITING, MODEL_RUNNING, MODEL_DONE };

/*
 * The build: workers (each with its own connection) take the next model whose parents are
 * done, in build order. Everything below the mutex is shared; a model's result is written
 * only by the worker that builds it.
 */
struct scheduler {
    const struct dbt_project *p;
    const struct transform_options *opts;
    const unsigned char *selected;
    struct transform_result *results; /* per model index */
    unsigned char *has_result;
    enum model_state *state;
    int *blocked_by; /* per model: the failed model that stops it, or -1 */
    size_t done, total;
    int progress_per_model;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/*
 * Under the lock: settles the waiting models that need no build (not selected, or stopped
 * by a failed parent or a cancel) and returns one that is ready to build, or -1 when none is
 * ready now; *finished says whether every model is done.
 */
static int next_model(struct scheduler *s, int *finished)
{
    const struct dbt_project *p = s->p;
    const struct dag *d = &p->dag;
    int settled;
    size_t k, j;

    do {
        settled = 0;
        *finished = 1;
        for (k = 0; k < p->nmodels; k++) {
            size_t idx = p->order[k];
            struct transform_result *r = &s->results[idx];
            int ready = 1;

            if (s->state[idx] == MODEL_DONE)
                continue;
            *finished = 0;
            for (j = 0; j < d->nparents[idx] && ready; j++)
                ready = s->state[d->parents[idx][j]] == MODEL_DONE;
            if (s->state[idx] == MODEL_RUNNING || !ready)
                continue;
            /* a failed parent stops this model even through models not selected */
            for (j = 0; j < d->nparents[idx] && s->blocked_by[idx] < 0; j++)
                s->blocked_by[idx] = s->blocked_by[d->parents[idx][j]];
            if (!s->selected[idx] || !p->models[idx].enabled ||
                dbt_model_is_seed(&p->models[idx])) {
                s->state[idx] = MODEL_DONE;
                settled = 1;
                continue;
            }
            init_result(r, &p->models[idx]);
            s->has_result[idx] = 1;
            if (s->blocked_by[idx] >= 0 || (s->opts->cancel && *s->opts->cancel)) {
                r->status = TRANSFORM_SKIPPED;
                r->message = s->blocked_by[idx] >= 0 ? xstrfmt("skipped: parent '%s' failed",
                                                               p->models[s->blocked_by[idx]].name)
                                                     : xstrdup("not built: the run was cancelled");
                s->state[idx] = MODEL_DONE;
                s->done++;
                settled = 1;
                continue;
            }
            s->state[idx] = MODEL_RUNNING;
            return (int)idx;
        }
    } while (settled);
    return -1;
}

struct worker {
    struct scheduler *s;
    struct wh *wh;
    pthread_t thread;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct scheduler *s = w->s;
    int quiet = error_quiet(1), finished, idx;

    pthread_mutex_lock(&s->mu);
    for (;;) {
        const struct dbt_model *m;
        struct transform_result *r;
        double start;
        int failed;

        idx = next_model(s, &finished);
        if (idx < 0) {
            if (finished)
                break;
            pthread_cond_wait(&s->cv, &s->mu);
            continue;
        }
        if (s->opts->progress)
            s->opts->progress("transform", (double)s->done, (double)s->total,
                              s->opts->progress_ctx);
        pthread_mutex_unlock(&s->mu);

        m = &s->p->models[idx];
        r = &s->results[idx];
        start = clock_seconds();
        error_clear();
        failed = build_model(w->wh, m, s->opts->full_refresh, s->opts->cancel,
                             s->progress_per_model ? s->opts : NULL, r) < 0;
        r->status = failed ? TRANSFORM_FAILED : TRANSFORM_OK;
        if (failed && !r->message)
            r->message = xstrfmt("%s: %s", m->path, error_last());
        r->seconds = clock_seconds() - start;

        pthread_mutex_lock(&s->mu);
        if (failed)
            s->blocked_by[idx] = idx;
        s->state[idx] = MODEL_DONE;
        s->done++;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    error_quiet(quiet);
    return NULL;
}

/* Creates the schemas the selected models build into, before workers race to. */
static int create_schemas(struct wh *wh, const struct dbt_project *p, const unsigned char *selected)
{
    struct strbuf sql = STRBUF_INIT;
    size_t i;
    int ret;

    for (i = 0; i < p->nmodels; i++) {
        if (!selected[i] || !p->models[i].enabled || dbt_model_is_seed(&p->models[i]))
            continue;
        strbuf_addstr(&sql, "CREATE SCHEMA IF NOT EXISTS ");
        strbuf_add_sql_ident(&sql, dbt_model_schema(&p->models[i]));
        strbuf_addstr(&sql, ";\n");
    }
    ret = sql.len ? wh_exec(wh, sql.buf) : 0;
    strbuf_release(&sql);
    return ret;
}

/* Runs the build with up to nworkers connections; fills the report in build order. */
static void run_build(struct wh *wh, const struct dbt_project *p,
                      const struct transform_options *opts, const unsigned char *selected,
                      int nworkers, struct transform_report *rep)
{
    struct scheduler s;
    struct worker *w = xcalloc((size_t)nworkers, sizeof(*w));
    int i, started = 0;
    size_t k;

    memset(&s, 0, sizeof(s));
    s.p = p;
    s.opts = opts;
    s.selected = selected;
    s.results = xcalloc(p->nmodels + 1, sizeof(*s.results));
    s.has_result = xcalloc(p->nmodels + 1, 1);
    s.state = xcalloc(p->nmodels + 1, sizeof(*s.state));
    s.blocked_by = xcalloc(p->nmodels + 1, sizeof(*s.blocked_by));
    for (k = 0; k < p->nmodels; k++) {
        struct strbuf rel = STRBUF_INIT;
        size_t f;

        s.blocked_by[k] = -1;
        s.total += selected[k] && p->models[k].enabled && !dbt_model_is_seed(&p->models[k]);
        strbuf_addf(&rel, "%s.%s", dbt_model_schema(&p->models[k]), dbt_model_alias(&p->models[k]));
        for (f = 0; f < opts->nfailed_relations; f++)
            if (!strcmp(opts->failed_relations[f], rel.buf))
                s.blocked_by[k] = (int)k; /* its readers are skipped */
        strbuf_release(&rel);
    }
    s.progress_per_model = nworkers == 1;
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv, NULL);
    for (i = 0; i < nworkers; i++) {
        w[i].s = &s;
        if (i == 0)
            w[i].wh = wh;
        else if (wh_connect_more(wh, &w[i].wh) < 0)
            break;
        if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
            if (i)
                wh_close(w[i].wh);
            break;
        }
        started++;
    }
    if (!started)
        worker_main(&w[0]); /* no thread: build here */
    for (i = 0; i < started; i++) {
        pthread_join(w[i].thread, NULL);
        if (i)
            wh_close(w[i].wh);
    }
    if (opts->progress)
        opts->progress(NULL, 0, 0, opts->progress_ctx);
    for (k = 0; k < p->nmodels; k++) {
        size_t idx = p->order[k];
        if (!s.has_result[idx])
            continue;
        ALLOC_GROW(rep->results, rep->n + 1, rep->alloc);
        rep->results[rep->n++] = s.results[idx];
        if (s.results[idx].status == TRANSFORM_OK)
            rep->ok++;
        else if (s.results[idx].status == TRANSFORM_FAILED)
            rep->failed++;
        else
            rep->skipped++;
    }
    pthread_mutex_destroy(&s.mu);
    pthread_cond_destroy(&s.cv);
    free(s.results);
    free(s.has_result);
    free(s.state);
    free(s.blocked_by);
    free(w);
}

int transform_run(const char *root, struct wh *wh, const struct transform_options *opts,
                  struct transform_report *rep)
{
    static const struct transform_options defaults;
    struct dbt_project p;
    unsigned char *selected = NULL;
    double t0 = clock_seconds();
    int ret = -1;

    memset(rep, 0, sizeof(*rep));
    if (!opts)
        opts = &defaults;
    if (dbt_project_open(root, opts->vars, opts->select, opts->nselect, &p, &selected) < 0) {
        rep->bad_input = 1;
        rep->seconds = clock_seconds() - t0;
        return -1;
    }

    if (wh_lock_down(wh) < 0)
        goto out;
    if (records_create_models(wh) < 0 || record_sources(wh, &p) < 0 ||
        create_schemas(wh, &p, selected) < 0)
        goto out;
    run_build(wh, &p, opts, selected, opts->threads > 0 ? opts->threads : TRANSFORM_DEFAULT_THREADS,
              rep);
    ret = rep->failed || rep->skipped ? 1 : 0;
    if (record_failures(wh, rep) < 0)
        ret = -1;
out:
    rep->seconds = clock_seconds() - t0;
    free(selected);
    dbt_project_release(&p);
    return ret;
}

void transform_report_release(struct transform_report *rep)
{
    size_t i;

    for (i = 0; i < rep->n; i++) {
        free(rep->results[i].model);
        free(rep->results[i].relation);
        free(rep->results[i].materialized);
        free(rep->results[i].path);
        free(rep->results[i].message);
    }
    free(rep->results);
    memset(rep, 0, sizeof(*rep));
}
