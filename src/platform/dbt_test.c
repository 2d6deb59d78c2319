/*
 * `mdp test` as a library (see dbt_test.h): turn each declared column test into one COUNT
 * query after dbt's own test SQL, and run it in the sandbox.
 */
#include <stdlib.h>
#include <string.h>

#include "platform/dbt_project.h"
#include "platform/dbt_test.h"
#include "platform/records.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

/* What a test checks: its column on a relation. */
struct subject {
    const char *label;     /* model name, or source.table */
    const char *name_part; /* for test names: model, or source_table */
    const struct strbuf *relation;
    const struct dbt_column *col;
    int is_source;
};

/* The count query for test t, into sql; the words for its failures into what. */
static int test_sql(const struct dbt_project *p, const struct subject *s, const struct dbt_test *t,
                    struct strbuf *sql, const char **what)
{
    struct strbuf col = STRBUF_INIT, from = STRBUF_INIT;
    size_t i;
    int ret = 0;

    strbuf_add_sql_ident(&col, s->col->name);
    if (t->where)
        strbuf_addf(&from, "(SELECT * FROM %s WHERE %s) AS dbt_subquery", s->relation->buf,
                    t->where);
    else
        strbuf_addstr(&from, s->relation->buf);
    switch (t->kind) {
    case DBT_TEST_UNIQUE:
        strbuf_addf(sql,
                    "SELECT count(*) FROM (SELECT %s FROM %s WHERE %s IS NOT NULL GROUP BY %s "
                    "HAVING count(*) > 1)",
                    col.buf, from.buf, col.buf, col.buf);
        *what = "values appear more than once";
        break;
    case DBT_TEST_NOT_NULL:
        strbuf_addf(sql, "SELECT count(*) FROM %s WHERE %s IS NULL", from.buf, col.buf);
        *what = "rows are NULL";
        break;
    case DBT_TEST_ACCEPTED_VALUES:
        strbuf_addf(sql,
                    "SELECT count(*) FROM (SELECT %s AS value_field FROM %s GROUP BY %s) WHERE "
                    "value_field NOT IN (",
                    col.buf, from.buf, col.buf);
        for (i = 0; i < t->nvalues; i++) {
            if (i)
                strbuf_addstr(sql, ", ");
            if (t->quote)
                strbuf_add_sql_string(sql, t->values[i]);
            else
                strbuf_addstr(sql, t->values[i]);
        }
        strbuf_addch(sql, ')');
        *what = "distinct values are not in the accepted list";
        break;
    case DBT_TEST_RELATIONSHIPS: {
        struct strbuf parent = STRBUF_INIT, field = STRBUF_INIT;
        if (t->to_model) {
            int idx = dbt_project_find_model(p, t->to_model);
            if (idx < 0) {
                ret = error("%s:%d:%d: relationships to ref('%s'), which is not a model", t->file,
                            t->line, t->col, t->to_model);
                break;
            }
            dbt_model_relation(&p->models[idx], &parent);
        } else {
            const struct dbt_source *src = dbt_project_find_source(p, t->to_source, t->to_table);
            if (!src) {
                ret = error("%s:%d:%d: relationships to source('%s', '%s'), which is not "
                            "declared",
                            t->file, t->line, t->col, t->to_source, t->to_table);
                break;
            }
            dbt_source_relation(src, &parent);
        }
        strbuf_add_sql_ident(&field, t->field);
        strbuf_addf(sql,
                    "SELECT count(*) FROM (SELECT %s AS child_field FROM %s WHERE %s IS NOT NULL) "
                    "AS child LEFT JOIN (SELECT %s AS parent_field FROM %s) AS parent ON "
                    "child.child_field = parent.parent_field WHERE parent.parent_field IS NULL",
                    col.buf, from.buf, col.buf, field.buf, parent.buf);
        *what = "rows have no match in the parent";
        strbuf_release(&parent);
        strbuf_release(&field);
        break;
    }
    case DBT_TEST_UNSUPPORTED: break;
    }
    strbuf_release(&col);
    strbuf_release(&from);
    return ret;
}

static void test_name(const struct subject *s, const struct dbt_test *t, struct strbuf *sb)
{
    if (s->is_source)
        strbuf_addstr(sb, "source_");
    strbuf_addf(sb, "%s_%s_%s", t->name, s->name_part, s->col->name);
    if (t->kind == DBT_TEST_RELATIONSHIPS)
        strbuf_addf(sb, "__%s__%s", t->field, t->to_model ? t->to_model : t->to_table);
}

/* A new result for a test called name on target, declared at location. */
static struct dbt_test_result *add_result(struct dbt_test_report *rep, char *name, char *target,
                                          char *location)
{
    struct dbt_test_result *r;

    ALLOC_GROW(rep->results, rep->n + 1, rep->alloc);
    r = &rep->results[rep->n++];
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->target = target;
    r->location = location;
    return r;
}

/* Counts the result as PASS, or as WARN or FAIL with message when failures > 0. */
static void settle(struct dbt_test_report *rep, struct dbt_test_result *r, int warn,
                   const char *what)
{
    if (!r->failures) {
        r->status = DBT_RESULT_PASS;
        rep->pass++;
        return;
    }
    r->status = warn ? DBT_RESULT_WARN : DBT_RESULT_FAIL;
    r->message = xstrfmt("%lld %s", (long long)r->failures, what);
    if (warn)
        rep->warn++;
    else
        rep->fail++;
}

static void run_test(struct wh *wh, const struct dbt_project *p, const struct subject *s,
                     const struct dbt_test *t, const char *not_built, struct dbt_test_report *rep)
{
    struct dbt_test_result *r;
    struct strbuf name = STRBUF_INIT, sql = STRBUF_INIT;
    struct wh_result *res = NULL;
    const char *what = "";
    double start = clock_seconds();
    int quiet = error_quiet(1);

    test_name(s, t, &name);
    r = add_result(rep, strbuf_detach(&name, NULL), xstrfmt("%s.%s", s->label, s->col->name),
                   xstrfmt("%s:%d:%d", t->file, t->line, t->col));
    error_clear();
    if (t->kind == DBT_TEST_UNSUPPORTED) {
        r->status = DBT_RESULT_UNSUPPORTED;
        r->message = xstrfmt("test '%s' at %s is not supported by mdp (unique, not_null, "
                             "accepted_values, relationships); not run",
                             t->name, r->location);
        rep->unsupported++;
        goto out;
    }
    if (not_built) {
        r->status = DBT_RESULT_NOT_RUN;
        r->message = xstrfmt("not run: %s", not_built);
        rep->not_run++;
        goto out;
    }
    if (test_sql(p, s, t, &sql, &what) < 0 || wh_query(wh, sql.buf, NULL, &res) < 0) {
        r->status = DBT_RESULT_ERROR;
        r->message = xstrfmt("%s (declared at %s)", error_last(), r->location);
        rep->errors++;
        goto out;
    }
    r->sql = strbuf_detach(&sql, NULL);
    r->failures =
        res->nrows && wh_result_text(res, 0, 0) ? strtoll(wh_result_text(res, 0, 0), NULL, 10) : 0;
    settle(rep, r, t->warn, what);
out:
    error_quiet(quiet);
    r->seconds = clock_seconds() - start;
    wh_result_free(res);
    strbuf_release(&sql);
}

static void run_columns(struct wh *wh, const struct dbt_project *p, struct subject *s,
                        const struct dbt_column *cols, size_t ncols, const char *not_built,
                        struct dbt_test_report *rep)
{
    size_t i, j;

    for (i = 0; i < ncols; i++) {
        s->col = &cols[i];
        for (j = 0; j < cols[i].ntests; j++)
            run_test(wh, p, s, &cols[i].tests[j], not_built, rep);
    }
}

/* A singular test: its SQL returns the failing rows. Not run when a model it refs is stale. */
static void run_singular(struct wh *wh, const struct dbt_model *t, const char *not_built,
                         struct dbt_test_report *rep)
{
    struct dbt_test_result *r =
        add_result(rep, xstrdup(t->name), xstrdup(t->path), xstrfmt("%s:1:1", t->path));
    struct strbuf sql = STRBUF_INIT;
    double start = clock_seconds();
    char *v;
    int quiet = error_quiet(1);

    error_clear();
    if (not_built) {
        r->status = DBT_RESULT_NOT_RUN;
        r->message = xstrfmt("not run: %s", not_built);
        rep->not_run++;
        error_quiet(quiet);
        return;
    }
    strbuf_addf(&sql, "SELECT count(*) FROM (\n%s\n) AS dbt_internal_test", t->compiled_sql);
    v = wh_query_value(wh, sql.buf);
    if (!v) {
        r->status = DBT_RESULT_ERROR;
        r->message = xstrfmt("%s: %s", t->path, error_last());
        rep->errors++;
    } else {
        r->failures = strtoll(v, NULL, 10);
        settle(rep, r, t->warn, "failing rows");
    }
    r->sql = strbuf_detach(&sql, NULL);
    r->seconds = clock_seconds() - start;
    free(v);
    error_quiet(quiet);
}

static void describe_age(struct strbuf *sb, double s)
{
    if (s >= 86400)
        strbuf_addf(sb, "%.1f days", s / 86400);
    else if (s >= 3600)
        strbuf_addf(sb, "%.1f hours", s / 3600);
    else
        strbuf_addf(sb, "%.0f minutes", s / 60);
}

/* Source freshness: the age of the newest loaded_at_field against warn_after/error_after. */
static void run_freshness(struct wh *wh, const struct dbt_source *s, struct dbt_test_report *rep)
{
    struct dbt_test_result *r =
        add_result(rep, xstrfmt("source_freshness_%s_%s", s->source_name, s->table_name),
                   xstrfmt("%s.%s", s->source_name, s->table_name),
                   xstrfmt("%s:%d:%d", s->file, s->line, s->col));
    struct strbuf sql = STRBUF_INIT, msg = STRBUF_INIT;
    struct wh_result *res = NULL;
    double start = clock_seconds(), age;
    int quiet = error_quiet(1);

    error_clear();
    strbuf_addf(&sql,
                /* epoch() of a timestamp without time zone reads it as UTC, as dbt does */
                "SELECT max(%s)::VARCHAR, epoch(now()) - epoch(max(%s)) FROM ", s->loaded_at_field,
                s->loaded_at_field);
    dbt_source_relation(s, &sql);
    if (wh_query(wh, sql.buf, NULL, &res) < 0) {
        r->status = DBT_RESULT_ERROR;
        r->message = xstrfmt("%s (freshness declared at %s)", error_last(), r->location);
        rep->errors++;
        goto out;
    }
    if (!res->nrows || !wh_result_text(res, 0, 1)) {
        r->status = s->error_after_s ? DBT_RESULT_FAIL : DBT_RESULT_WARN;
        r->message = xstrfmt("%s.%s has no rows with a %s: its freshness is unknown",
                             s->source_name, s->table_name, s->loaded_at_field);
        if (s->error_after_s)
            rep->fail++;
        else
            rep->warn++;
        goto out;
    }
    age = strtod(wh_result_text(res, 0, 1), NULL);
    strbuf_addf(&msg, "stale: the newest %s is %s, ", s->loaded_at_field,
                wh_result_text(res, 0, 0));
    describe_age(&msg, age);
    strbuf_addstr(&msg, " old (");
    if (s->error_after_s && age > s->error_after_s) {
        r->status = DBT_RESULT_FAIL;
        strbuf_addstr(&msg, "error after ");
        describe_age(&msg, s->error_after_s);
        rep->fail++;
    } else if (s->warn_after_s && age > s->warn_after_s) {
        r->status = DBT_RESULT_WARN;
        strbuf_addstr(&msg, "warn after ");
        describe_age(&msg, s->warn_after_s);
        rep->warn++;
    } else {
        r->status = DBT_RESULT_PASS;
        rep->pass++;
    }
    strbuf_addch(&msg, ')');
    if (r->status != DBT_RESULT_PASS)
        r->message = strbuf_detach(&msg, NULL);
out:
    r->sql = strbuf_detach(&sql, NULL);
    r->seconds = clock_seconds() - start;
    wh_result_free(res);
    strbuf_release(&msg);
    error_quiet(quiet);
}

/* The models whose relations are stale: not built in this run, or by the last transform. */
struct stale {
    const struct dbt_test_options *o;
    struct model_failure_record *recorded;
    size_t nrecorded;
};

/* Why model's tests do not run (the caller frees), or NULL when they do. */
static char *not_built_reason(const struct stale *st, const char *model)
{
    size_t i;

    for (i = 0; i < st->o->nnot_built; i++)
        if (!strcmp(st->o->not_built[i], model))
            return xstrfmt("model %s was not built in this run; its relation is stale", model);
    for (i = 0; i < st->nrecorded; i++)
        if (!strcmp(st->recorded[i].name, model))
            return xstrfmt("the last `mdp transform` of model %s (%s) did not build it, so its "
                           "relation is stale; fix it and run `mdp transform -s %s`",
                           model, st->recorded[i].failed_at, model);
    return NULL;
}

int dbt_test_run(const char *root, struct wh *warehouse, const struct dbt_test_options *opts,
                 struct dbt_test_report *rep)
{
    struct stale st = {NULL, NULL, 0};
    static const struct dbt_test_options defaults;
    struct sandbox_options so = {0};
    struct dbt_project p;
    struct wh *wh = NULL;
    unsigned char *selected = NULL;
    double t0 = clock_seconds();
    size_t i;
    int ret = -1;

    memset(rep, 0, sizeof(*rep));
    if (!opts)
        opts = &defaults;
    st.o = opts;
    if (dbt_project_open(root, opts->vars, opts->select, opts->nselect, &p, &selected) < 0) {
        rep->bad_input = 1;
        rep->seconds = clock_seconds() - t0;
        return -1;
    }
    so.timeout_ms = 10 * 60 * 1000;
    so.max_rows = 1;
    /* mdp's own records, on the caller's connection: the sandbox keeps one row per query */
    if (records_read_model_failures(warehouse, &st.recorded, &st.nrecorded) < 0 ||
        sandbox_connect(warehouse, &so, &wh) < 0)
        goto out;
    for (i = 0; i < p.nsources && !opts->nselect; i++) {
        struct strbuf rel = STRBUF_INIT;
        char *label = xstrfmt("%s.%s", p.sources[i].source_name, p.sources[i].table_name);
        char *part = xstrfmt("%s_%s", p.sources[i].source_name, p.sources[i].table_name);
        struct subject s = {label, part, &rel, NULL, 1};

        dbt_source_relation(&p.sources[i], &rel);
        if (p.sources[i].loaded_at_field &&
            (p.sources[i].warn_after_s > 0 || p.sources[i].error_after_s > 0))
            run_freshness(wh, &p.sources[i], rep);
        run_columns(wh, &p, &s, p.sources[i].columns, p.sources[i].ncolumns, NULL, rep);
        strbuf_release(&rel);
        free(label);
        free(part);
    }
    for (i = 0; i < p.nmodels; i++) {
        size_t idx = p.order[i];
        const struct dbt_model *m = &p.models[idx];
        struct strbuf rel = STRBUF_INIT;
        struct subject s = {m->name, m->name, &rel, NULL, 0};
        char *why;

        if (!m->enabled || (opts->nselect && !selected[idx]))
            continue;
        why = not_built_reason(&st, m->name);
        dbt_model_relation(m, &rel);
        run_columns(wh, &p, &s, m->columns, m->ncolumns, why, rep);
        strbuf_release(&rel);
        free(why);
    }
    for (i = 0; i < p.nsingular; i++) {
        const struct dbt_model *t = &p.singular[i];
        char *why = NULL;
        size_t k;

        if (opts->nselect && !dbt_singular_selected(&p, t, selected))
            continue;
        for (k = 0; k < t->nrefs && !why; k++)
            why = not_built_reason(&st, t->refs[k]);
        run_singular(wh, t, why, rep);
        free(why);
    }
    ret = rep->fail || rep->errors ? 1 : 0;
out:
    rep->seconds = clock_seconds() - t0;
    records_model_failures_free(st.recorded, st.nrecorded);
    wh_close(wh);
    free(selected);
    dbt_project_release(&p);
    return ret;
}

void dbt_test_report_release(struct dbt_test_report *rep)
{
    size_t i;

    for (i = 0; i < rep->n; i++) {
        free(rep->results[i].name);
        free(rep->results[i].target);
        free(rep->results[i].location);
        free(rep->results[i].message);
        free(rep->results[i].sql);
    }
    free(rep->results);
    memset(rep, 0, sizeof(*rep));
}
