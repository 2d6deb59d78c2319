/*
 * The pipeline's reports as JSON and JUnit XML (results.h).
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "render/results.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"

static double ms_round(double seconds)
{
    return round(seconds * 1000) / 1000;
}

/* The envelope every command's results share. */
static struct json *results_doc(const char *command, int success, double seconds)
{
    struct json *doc = json_new_object();
    char at[32];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_set_str(doc, "command", command);
    json_set_str(doc, "generated_at", at);
    json_set_bool(doc, "success", success);
    json_set_num(doc, "elapsed_time", ms_round(seconds));
    return doc;
}

struct json *render_results_error(const char *command, const char *message)
{
    struct json *doc = results_doc(command, 0, 0);

    json_set_str(doc, "error", message);
    json_set(doc, "results", json_new_array());
    return doc;
}

static void set_count(struct json *obj, const char *key, size_t n)
{
    json_set_num(obj, key, (double)n);
}

struct json *ingest_report_json(const char *command, const struct ingest_report *r)
{
    static const char *const status[] = {"not_run", "loaded", "skipped", "error"};
    struct json *doc = results_doc(command, !r->failed && !r->interrupted, r->seconds);
    struct json *sum = json_new_object(), *arr = json_new_array();
    size_t i, k;

    set_count(sum, "loaded", r->loaded);
    set_count(sum, "skipped", r->skipped);
    set_count(sum, "failed", r->failed);
    set_count(sum, "not_run", r->n - r->loaded - r->skipped - r->failed);
    json_set_num(sum, "rows_loaded", (double)r->rows_loaded);
    json_set_num(sum, "bytes_loaded", (double)r->bytes_loaded);
    json_set_bool(sum, "interrupted", r->interrupted);
    json_set(doc, "summary", sum);
    for (i = 0; i < r->n; i++) {
        const struct ingest_item *it = &r->items[i];
        struct json *o = json_new_object(), *notes = json_new_array();

        json_set_str(o, "table", it->table);
        json_set_str(o, "path", it->path);
        json_set_str(o, "status", status[it->status]);
        if (it->status == INGEST_LOADED || it->status == INGEST_SKIPPED) {
            json_set_num(o, "rows", (double)it->rows);
            json_set_num(o, "columns", (double)it->columns);
        }
        json_set_num(o, "bytes", (double)it->bytes);
        json_set_num(o, "execution_time", ms_round(it->seconds));
        json_set_str(o, "message", it->error);
        for (k = 0; k < it->nnotes; k++)
            json_push(notes, json_new_str(it->notes[k]));
        json_set(o, "notes", notes);
        json_push(arr, o);
    }
    json_set(doc, "results", arr);
    return doc;
}

struct json *transform_report_json(const struct transform_report *r)
{
    static const char *const status[] = {"success", "error", "skipped"};
    struct json *doc = results_doc("transform", !r->failed && !r->skipped, r->seconds);
    struct json *sum = json_new_object(), *arr = json_new_array();
    size_t i;

    set_count(sum, "success", r->ok);
    set_count(sum, "error", r->failed);
    set_count(sum, "skipped", r->skipped);
    json_set(doc, "summary", sum);
    for (i = 0; i < r->n; i++) {
        const struct transform_result *m = &r->results[i];
        struct json *o = json_new_object();
        struct strbuf id = STRBUF_INIT;

        strbuf_addf(&id, "model.%s", m->model);
        json_set_str(o, "unique_id", id.buf);
        json_set_str(o, "model", m->model);
        json_set_str(o, "relation", m->relation);
        json_set_str(o, "materialized", m->materialized);
        json_set_str(o, "path", m->path);
        json_set_str(o, "status", status[m->status]);
        if (m->rows >= 0)
            json_set_num(o, "rows", (double)m->rows);
        else
            json_set(o, "rows", json_new_null());
        json_set_num(o, "execution_time", ms_round(m->seconds));
        json_set_str(o, "message", m->message);
        json_push(arr, o);
        strbuf_release(&id);
    }
    json_set(doc, "results", arr);
    return doc;
}

static const char *const test_status[] = {"pass", "warn", "fail", "error", "skipped", "not_run"};

struct json *dbt_test_report_json(const struct dbt_test_report *r)
{
    struct json *doc = results_doc("test", !r->fail && !r->errors, r->seconds);
    struct json *sum = json_new_object(), *arr = json_new_array();
    size_t i;

    set_count(sum, "pass", r->pass);
    set_count(sum, "warn", r->warn);
    set_count(sum, "fail", r->fail);
    set_count(sum, "error", r->errors);
    set_count(sum, "skipped", r->unsupported);
    set_count(sum, "not_run", r->not_run);
    json_set(doc, "summary", sum);
    for (i = 0; i < r->n; i++) {
        const struct dbt_test_result *t = &r->results[i];
        struct json *o = json_new_object();
        struct strbuf id = STRBUF_INIT;

        strbuf_addf(&id, "test.%s", t->name);
        json_set_str(o, "unique_id", id.buf);
        json_set_str(o, "name", t->name);
        json_set_str(o, "target", t->target);
        json_set_str(o, "location", t->location);
        json_set_str(o, "status", test_status[t->status]);
        json_set_num(o, "failures", (double)t->failures);
        json_set_num(o, "execution_time", ms_round(t->seconds));
        json_set_str(o, "message", t->message);
        json_set_str(o, "sql", t->sql);
        json_push(arr, o);
        strbuf_release(&id);
    }
    json_set(doc, "results", arr);
    return doc;
}

/* STAGE_OK 0, SOME_FAILED 1, FATAL -1, NOT_RUN -2, SKIPPED -3 */
static const char *stage_status_name(enum stage_status s)
{
    static const char *const names[] = {"ok", "some_failed", "failed", "not_run", "skipped"};
    return names[s >= 0 ? (int)s : 1 - (int)s];
}

struct json *render_results_pipeline_new(void)
{
    return results_doc("pipeline", 1, 0);
}

void render_results_pipeline_event(const struct pipeline_event *ev, void *ctx)
{
    struct json *doc = ctx, *steps = json_get(doc, "steps"), *step = NULL;

    if (!ev->done || ev->stage >= PIPELINE_NSTAGES)
        return;
    if (!steps) {
        steps = json_new_array();
        json_set(doc, "steps", steps);
    }
    if (ev->ingest)
        step = ingest_report_json(ev->name, ev->ingest);
    else if (ev->transform)
        step = transform_report_json(ev->transform);
    else if (ev->test)
        step = dbt_test_report_json(ev->test);
    if (!step) { /* sync, or a stage skipped as a whole */
        step = json_new_object();
        json_set_str(step, "command", ev->name);
    }
    json_set_str(step, "status", stage_status_name(ev->status));
    json_set_bool(step, "success", ev->status == STAGE_OK || ev->status == STAGE_SKIPPED);
    if (ev->status == STAGE_FATAL) /* the step stopped before its results */
        json_set_str(step, "error", error_last());
    if (ev->no_sources)
        json_set_str(step, "message", "no sources/ folder: sync and ingest skipped");
    json_push(steps, step);
}

void render_results_pipeline_done(struct json *doc, const struct pipeline_report *r)
{
    struct json *sum = json_new_array();
    int i, ok = 1;

    for (i = 0; i < PIPELINE_NSTAGES; i++) {
        const struct pipeline_step *s = &r->steps[i];
        struct json *o = json_new_object();

        json_set_str(o, "name", s->name);
        json_set_str(o, "status", stage_status_name(s->status));
        json_set_num(o, "elapsed_time", ms_round(s->seconds));
        json_push(sum, o);
        if (s->status == STAGE_SOME_FAILED || s->status == STAGE_FATAL)
            ok = 0;
    }
    json_set_bool(doc, "success", ok && !r->interrupted);
    json_set_bool(doc, "interrupted", r->interrupted);
    json_set_num(doc, "elapsed_time", ms_round(r->seconds));
    json_set(doc, "stages", sum);
}

void render_results_print(FILE *f, const struct json *doc)
{
    struct strbuf sb = STRBUF_INIT;

    json_print(&sb, doc, 1);
    strbuf_addch(&sb, '\n');
    fwrite(sb.buf, 1, sb.len, f);
    fflush(f);
    strbuf_release(&sb);
}

void dbt_test_report_junit(struct strbuf *sb, const struct dbt_test_report *r)
{
    size_t i, skipped = r->unsupported + r->not_run;

    strbuf_addstr(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    strbuf_addf(sb,
                "<testsuites name=\"mdp test\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                "skipped=\"%zu\" time=\"%.3f\">\n",
                r->n, r->fail, r->errors, skipped, r->seconds);
    strbuf_addf(sb,
                "  <testsuite name=\"dbt tests\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                "skipped=\"%zu\" time=\"%.3f\">\n",
                r->n, r->fail, r->errors, skipped, r->seconds);
    for (i = 0; i < r->n; i++) {
        const struct dbt_test_result *t = &r->results[i];

        strbuf_addstr(sb, "    <testcase classname=\"");
        strbuf_add_xml(sb, t->target);
        strbuf_addstr(sb, "\" name=\"");
        strbuf_add_xml(sb, t->name);
        strbuf_addf(sb, "\" time=\"%.3f\"", t->seconds);
        if (t->status == DBT_RESULT_PASS) {
            strbuf_addstr(sb, "/>\n");
            continue;
        }
        strbuf_addstr(sb, ">\n");
        switch (t->status) {
        case DBT_RESULT_FAIL:
            strbuf_addf(sb, "      <failure type=\"fail\" message=\"%lld failing rows: ",
                        (long long)t->failures);
            strbuf_add_xml(sb, t->message);
            strbuf_addstr(sb, "\">");
            strbuf_add_xml(sb, t->sql);
            strbuf_addstr(sb, "</failure>\n");
            break;
        case DBT_RESULT_ERROR:
            strbuf_addstr(sb, "      <error type=\"error\" message=\"");
            strbuf_add_xml(sb, t->message);
            strbuf_addstr(sb, "\"/>\n");
            break;
        case DBT_RESULT_UNSUPPORTED:
        case DBT_RESULT_NOT_RUN:
            strbuf_addstr(sb, "      <skipped message=\"");
            strbuf_add_xml(sb, t->message);
            strbuf_addstr(sb, "\"/>\n");
            break;
        default: /* a warning passes, with its message kept */
            strbuf_addstr(sb, "      <system-out>warn: ");
            strbuf_add_xml(sb, t->message);
            strbuf_addstr(sb, "</system-out>\n");
        }
        strbuf_addstr(sb, "    </testcase>\n");
    }
    strbuf_addstr(sb, "  </testsuite>\n</testsuites>\n");
}
