/*
 * The eval runner: workers take cases in turn, each case runs its verification SQL in the
 * shared sandbox, asks the answerer and checks the assertions; then the report is summed up
 * and written as text, JSON or JUnit XML.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "eval/assert.h"
#include "eval/runner.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

struct run {
    const struct eval_options *opts;
    const struct eval_case **cases;
    size_t n;
    struct case_result *results;
    struct wh *wh;
    pthread_mutex_t db_lock;   /* one DuckDB connection, one query at a time */
    pthread_mutex_t ask_lock;  /* answerers that are not concurrent */
    pthread_mutex_t next_lock; /* next, done, finished, reported */
    size_t next, done;
    unsigned char *finished; /* per case */
    size_t reported;         /* cases before this one were given to on_result */
};

static double now_ms(void)
{
    return clock_seconds() * 1e3;
}

static int selected(const struct eval_case *c, const struct eval_options *o)
{
    size_t i;
    int ok;

    if (o->nids) {
        for (ok = 0, i = 0; i < o->nids && !ok; i++)
            ok = !strcmp(c->id, o->ids[i]);
        if (!ok)
            return 0;
    }
    if (o->ntags) {
        for (ok = 0, i = 0; i < o->ntags && !ok; i++)
            ok = eval_case_has_tag(c, o->tags[i]);
        if (!ok)
            return 0;
    }
    return 1;
}

int eval_select(const struct case_set *set, const struct eval_options *opts,
                const struct eval_case ***out)
{
    size_t i, j, n = 0;

    *out = NULL;
    for (i = 0; i < opts->nids; i++) {
        for (j = 0; j < set->n; j++)
            if (!strcmp(set->cases[j].id, opts->ids[i]))
                break;
        if (j == set->n)
            return error("no case with id '%s' in %s", opts->ids[i], set->path);
    }
    *out = xcalloc(set->n ? set->n : 1, sizeof(**out));
    for (i = 0; i < set->n; i++)
        if (selected(&set->cases[i], opts))
            (*out)[n++] = &set->cases[i];
    return (int)n;
}

/* Moves the last recorded error into a message (the caller frees). */
static char *take_error(const char *prefix)
{
    const char *e = error_last();
    return xstrfmt("%s: %s", prefix, *e ? e : "unknown error");
}

static void run_case(struct run *run, size_t idx)
{
    const struct eval_case *c = run->cases[idx];
    const struct eval_options *o = run->opts;
    struct case_result *cr = &run->results[idx];
    struct expectation *expect = xcalloc(c->nassertions, sizeof(*expect));
    struct wh_result *r = NULL;
    struct wh_limits lim = {0};
    struct question q;
    double t0 = now_ms(), t;
    size_t i, nexp = 0;
    int rc;

    cr->c = c;
    error_clear();
    lim.timeout_ms = o->timeout_ms;
    pthread_mutex_lock(&run->db_lock);
    rc = wh_query(run->wh, c->verification_sql, &lim, &r);
    pthread_mutex_unlock(&run->db_lock);
    cr->sql_ms = now_ms() - t0;
    if (rc < 0) {
        cr->error = take_error("verification_sql failed");
        goto out;
    }
    cr->sql_rows = (size_t)r->total_rows;
    if (!r->ncols || !r->nrows) {
        cr->error = xstrdup("verification_sql returned no rows");
        goto out;
    }
    cr->expected = xstrdup(wh_result_text(r, 0, 0) ? wh_result_text(r, 0, 0) : "NULL");
    for (i = 0; i < c->nassertions; i++, nexp++) {
        char *why;
        if (expectation_resolve(&c->assertions[i], r, &expect[i], &why) < 0) {
            cr->error = xstrfmt("assertion %zu (%s): %s", i + 1,
                                assertion_type_name(c->assertions[i].type), why);
            free(why);
            goto out;
        }
    }
    if (o->sql_only) {
        cr->pass = 1;
        goto out;
    }

    q.text = c->question;
    q.case_id = c->id;
    if (!o->answerer->concurrent)
        pthread_mutex_lock(&run->ask_lock);
    t = now_ms();
    rc = o->answerer->ask(o->answerer, &q, &cr->answer);
    cr->answer_ms = now_ms() - t;
    if (!o->answerer->concurrent)
        pthread_mutex_unlock(&run->ask_lock);
    if (rc < 0) {
        cr->error =
            cr->answer.error ? xstrfmt("no answer: %s", cr->answer.error) : take_error("no answer");
        goto out;
    }
    cr->asserts = xcalloc(c->nassertions, sizeof(*cr->asserts));
    cr->pass = 1;
    for (i = 0; i < c->nassertions; i++) {
        struct assertion_result *ar = &cr->asserts[cr->nasserts++];
        ar->assertion = &c->assertions[i];
        ar->pass = assertion_check(&c->assertions[i], &expect[i], &cr->answer, &ar->message);
        cr->pass &= ar->pass;
    }
out:
    for (i = 0; i < nexp; i++)
        expectation_release(&expect[i]);
    free(expect);
    wh_result_free(r);
    cr->total_ms = now_ms() - t0;
}

static void *worker(void *arg)
{
    struct run *run = arg;

    error_quiet(1);
    for (;;) {
        size_t i;

        pthread_mutex_lock(&run->next_lock);
        i = run->next++;
        pthread_mutex_unlock(&run->next_lock);
        if (i >= run->n)
            break;
        run_case(run, i);
        pthread_mutex_lock(&run->next_lock);
        run->done++;
        run->finished[i] = 1;
        while (run->reported < run->n && run->finished[run->reported]) {
            if (run->opts->on_result)
                run->opts->on_result(&run->results[run->reported], run->opts->on_result_ctx);
            run->reported++;
        }
        if (run->opts->progress)
            run->opts->progress("eval", (double)run->done, (double)run->n, run->opts->progress_ctx);
        pthread_mutex_unlock(&run->next_lock);
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v. */
static double percentile(const double *v, size_t n, double p)
{
    size_t rank;

    if (!n)
        return 0;
    rank = (size_t)ceil(p * (double)n);
    return v[rank ? rank - 1 : 0];
}

static int has_refuses(const struct eval_case *c)
{
    size_t i;

    for (i = 0; i < c->nassertions; i++)
        if (c->assertions[i].type == ASSERT_REFUSES)
            return 1;
    return 0;
}

static void summarise(struct eval_report *rep)
{
    double *lat = xcalloc(rep->n ? rep->n : 1, sizeof(*lat));
    size_t i, j, k, nlat = 0, alloc = 0;

    for (i = 0; i < rep->n; i++) {
        const struct case_result *cr = &rep->results[i];
        if (cr->pass)
            rep->passed++;
        else
            rep->failed++;
        if (rep->sql_only)
            lat[nlat++] = cr->sql_ms;
        else if (cr->answer.text || cr->answer.error)
            lat[nlat++] = cr->answer_ms;
        if (!rep->sql_only && has_refuses(cr->c)) {
            rep->unanswerable++;
            /* answered (the assertions ran) without the unanswerable mark */
            if (cr->nasserts && !cr->answer.unanswerable)
                rep->confident_unanswerable++;
        }
        for (j = 0; j < cr->c->ntags; j++) {
            for (k = 0; k < rep->ntags; k++)
                if (!strcmp(rep->tags[k].tag, cr->c->tags[j]))
                    break;
            if (k == rep->ntags) {
                ALLOC_GROW(rep->tags, rep->ntags + 1, alloc);
                rep->tags[rep->ntags].tag = xstrdup(cr->c->tags[j]);
                rep->tags[rep->ntags].passed = rep->tags[rep->ntags].total = 0;
                rep->ntags++;
            }
            rep->tags[k].total++;
            rep->tags[k].passed += cr->pass != 0;
        }
    }
    qsort(lat, nlat, sizeof(*lat), cmp_double);
    rep->p50_ms = percentile(lat, nlat, 0.50);
    rep->p95_ms = percentile(lat, nlat, 0.95);
    free(lat);
}

/* Runs every selected case on nthreads workers (the calling thread when there is one). */
static void run_workers(struct run *run, size_t nthreads)
{
    pthread_t *threads;
    size_t i, started = 0;

    if (nthreads <= 1) {
        worker(run);
        return;
    }
    threads = xcalloc(nthreads, sizeof(*threads));
    for (i = 0; i < nthreads; i++, started++)
        if (pthread_create(&threads[i], NULL, worker, run))
            break;
    if (!started)
        worker(run);
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
}

int eval_run(const struct case_set *set, const struct eval_options *opts,
             struct eval_report *report)
{
    struct run run;
    struct sandbox_options so = {0};
    size_t nthreads;
    double t0 = now_ms();
    int n, old_quiet, ret = -1;

    memset(report, 0, sizeof(*report));
    memset(&run, 0, sizeof(run));
    if (!opts->sql_only && !opts->answerer)
        BUG("eval_run() without an answerer and without sql_only");
    n = eval_select(set, opts, &run.cases);
    if (n < 0)
        goto out;
    if (n == 0) {
        error("no case in %s matches the --id/--tag filters", set->path);
        goto out;
    }
    run.n = (size_t)n;
    run.opts = opts;
    so.timeout_ms = opts->timeout_ms;
    if (sandbox_open(opts->warehouse, &so, &run.wh) < 0)
        goto out;
    run.results = xcalloc(run.n, sizeof(*run.results));
    run.finished = xcalloc(run.n, 1);
    pthread_mutex_init(&run.db_lock, NULL);
    pthread_mutex_init(&run.ask_lock, NULL);
    pthread_mutex_init(&run.next_lock, NULL);

    nthreads = opts->jobs > 1 ? (size_t)opts->jobs : 1;
    if (nthreads > run.n)
        nthreads = run.n;
    old_quiet = error_quiet(1);
    run_workers(&run, nthreads);
    error_quiet(old_quiet);
    if (opts->progress)
        opts->progress(NULL, 0, 0, opts->progress_ctx);
    pthread_mutex_destroy(&run.db_lock);
    pthread_mutex_destroy(&run.ask_lock);
    pthread_mutex_destroy(&run.next_lock);

    report->cases_path = set->path;
    report->sql_only = opts->sql_only;
    report->answerer = opts->answerer ? opts->answerer->name : NULL;
    report->results = run.results;
    report->n = run.n;
    summarise(report);
    report->elapsed_ms = now_ms() - t0;
    ret = report->failed ? 1 : 0;
out:
    if (run.wh)
        wh_close(run.wh);
    free(run.finished);
    free(run.cases);
    return ret;
}

void eval_report_release(struct eval_report *rep)
{
    size_t i, j;

    for (i = 0; i < rep->n; i++) {
        struct case_result *cr = &rep->results[i];
        free(cr->error);
        free(cr->expected);
        answer_release(&cr->answer);
        for (j = 0; j < cr->nasserts; j++)
            free(cr->asserts[j].message);
        free(cr->asserts);
    }
    free(rep->results);
    for (i = 0; i < rep->ntags; i++)
        free(rep->tags[i].tag);
    free(rep->tags);
    memset(rep, 0, sizeof(*rep));
}

double eval_pass_rate(size_t passed, size_t total)
{
    return total ? 100.0 * (double)passed / (double)total : 0;
}

static struct json *strings_json(char *const *v, size_t n)
{
    struct json *a = json_new_array();
    size_t i;

    for (i = 0; i < n; i++)
        json_push(a, json_new_str(v[i]));
    return a;
}

void eval_report_json(struct strbuf *sb, const struct eval_report *rep)
{
    struct json *doc = json_new_object(), *cases = json_new_array(), *sum = json_new_object();
    struct json *tags = json_new_object(), *lat = json_new_object();
    size_t i, j;

    json_set_str(doc, "cases_file", rep->cases_path);
    json_set_bool(doc, "sql_only", rep->sql_only);
    json_set_str(doc, "answerer", rep->answerer);
    for (i = 0; i < rep->n; i++) {
        const struct case_result *cr = &rep->results[i];
        struct json *o = json_new_object(), *asserts = json_new_array();

        json_set_str(o, "id", cr->c->id);
        json_set_str(o, "question", cr->c->question);
        json_set(o, "tags", strings_json(cr->c->tags, cr->c->ntags));
        json_set_bool(o, "pass", cr->pass);
        json_set_str(o, "error", cr->error);
        json_set_str(o, "expected", cr->expected);
        json_set_num(o, "verification_rows", (double)cr->sql_rows);
        if (!rep->sql_only) {
            json_set_str(o, "answer", cr->answer.text);
            json_set_str(o, "mode", cr->answer.mode);
            json_set(o, "sql", strings_json(cr->answer.sql, cr->answer.nsql));
            json_set_bool(o, "unanswerable", cr->answer.unanswerable);
        }
        for (j = 0; j < cr->nasserts; j++) {
            struct json *a = json_new_object();
            json_set_str(a, "type", assertion_type_name(cr->asserts[j].assertion->type));
            json_set_bool(a, "pass", cr->asserts[j].pass);
            json_set_str(a, "message", cr->asserts[j].message);
            json_push(asserts, a);
        }
        json_set(o, "assertions", asserts);
        json_set_num(o, "sql_ms", round(cr->sql_ms * 10) / 10);
        json_set_num(o, "answer_ms", round(cr->answer_ms * 10) / 10);
        json_set_num(o, "elapsed_ms", round(cr->total_ms * 10) / 10);
        json_push(cases, o);
    }
    json_set(doc, "cases", cases);
    json_set_num(sum, "total", (double)rep->n);
    json_set_num(sum, "passed", (double)rep->passed);
    json_set_num(sum, "failed", (double)rep->failed);
    json_set_num(sum, "pass_rate", round(eval_pass_rate(rep->passed, rep->n) * 10) / 1000);
    if (!rep->sql_only) {
        json_set_num(sum, "unanswerable", (double)rep->unanswerable);
        json_set_num(sum, "confident_unanswerable", (double)rep->confident_unanswerable);
    }
    for (i = 0; i < rep->ntags; i++) {
        struct json *t = json_new_object();
        json_set_num(t, "passed", (double)rep->tags[i].passed);
        json_set_num(t, "total", (double)rep->tags[i].total);
        json_set_num(t, "pass_rate",
                     round(eval_pass_rate(rep->tags[i].passed, rep->tags[i].total) * 10) / 1000);
        json_set(tags, rep->tags[i].tag, t);
    }
    json_set(sum, "by_tag", tags);
    json_set_num(lat, "p50", round(rep->p50_ms * 10) / 10);
    json_set_num(lat, "p95", round(rep->p95_ms * 10) / 10);
    json_set(sum, "latency_ms", lat);
    json_set_num(sum, "elapsed_ms", round(rep->elapsed_ms));
    json_set(doc, "summary", sum);
    json_print(sb, doc, 1);
    strbuf_addch(sb, '\n');
    json_free(doc);
}

void eval_report_junit(struct strbuf *sb, const struct eval_report *rep)
{
    size_t i, j, errors = 0, failures = 0;

    for (i = 0; i < rep->n; i++) {
        if (rep->results[i].pass)
            continue;
        if (rep->results[i].error)
            errors++;
        else
            failures++;
    }
    strbuf_addstr(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    strbuf_addf(sb,
                "<testsuites name=\"mdp eval\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                "time=\"%.3f\">\n",
                rep->n, failures, errors, rep->elapsed_ms / 1000);
    strbuf_addstr(sb, "  <testsuite name=\"");
    strbuf_add_xml(sb, rep->cases_path);
    strbuf_addf(sb, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n", rep->n,
                failures, errors, rep->elapsed_ms / 1000);
    if (!rep->sql_only)
        strbuf_addf(sb,
                    "    <properties>\n"
                    "      <property name=\"unanswerable\" value=\"%zu\"/>\n"
                    "      <property name=\"confident answers to unanswerable questions\" "
                    "value=\"%zu\"/>\n"
                    "    </properties>\n",
                    rep->unanswerable, rep->confident_unanswerable);
    for (i = 0; i < rep->n; i++) {
        const struct case_result *cr = &rep->results[i];
        struct strbuf detail = STRBUF_INIT;
        const char *first = NULL;

        strbuf_addstr(sb, "    <testcase classname=\"eval.");
        strbuf_add_xml(sb, cr->c->ntags ? cr->c->tags[0] : "case");
        strbuf_addstr(sb, "\" name=\"");
        strbuf_add_xml(sb, cr->c->id);
        strbuf_addf(sb, "\" time=\"%.3f\">\n", cr->total_ms / 1000);
        for (j = 0; j < cr->nasserts; j++) {
            strbuf_addf(&detail, "%s %s: %s\n", cr->asserts[j].pass ? "ok" : "FAIL",
                        assertion_type_name(cr->asserts[j].assertion->type),
                        cr->asserts[j].message);
            if (!cr->asserts[j].pass && !first)
                first = cr->asserts[j].message;
        }
        if (cr->error) {
            strbuf_addstr(sb, "      <error message=\"");
            strbuf_add_xml(sb, cr->error);
            strbuf_addstr(sb, "\" type=\"error\"/>\n");
        } else if (!cr->pass) {
            strbuf_addstr(sb, "      <failure message=\"");
            strbuf_add_xml(sb, first ? first : "failed");
            strbuf_addstr(sb, "\" type=\"assertion\">");
            strbuf_add_xml(sb, detail.buf);
            strbuf_addstr(sb, "</failure>\n");
        }
        strbuf_addstr(sb, "      <system-out>");
        strbuf_reset(&detail);
        strbuf_addf(&detail, "question: %s\n", cr->c->question);
        if (cr->answer.text)
            strbuf_addf(&detail, "answer: %s\n", cr->answer.text);
        for (j = 0; j < cr->answer.nsql; j++)
            strbuf_addf(&detail, "sql: %s\n", cr->answer.sql[j]);
        strbuf_add_xml(sb, detail.buf);
        strbuf_addstr(sb, "</system-out>\n    </testcase>\n");
        strbuf_release(&detail);
    }
    strbuf_addstr(sb, "  </testsuite>\n</testsuites>\n");
}
