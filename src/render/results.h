/*
 * The pipeline's reports for machines: JSON in the spirit of dbt's run_results.json (a
 * "results" array with each item's status, timing and message, and the run's
 * "elapsed_time"), and JUnit XML for `mdp test --junit`.
 *
 *   { "command": "ingest", "generated_at": "2026-12-06T16:00:00Z", "success": true,
 *     "elapsed_time": 1.25, "summary": {...}, "results": [ {...}, ... ] }
 *
 * `mdp pipeline --json` nests one such object per step under "steps". Statuses: ingest and
 * seed items "loaded", "skipped", "error", "not_run"; models "success", "error", "skipped";
 * tests "pass", "warn", "fail", "error", "skipped" (not supported), "not_run" (stale model).
 *
 * Ownership: the *_json() builders return a tree the caller frees with json_free().
 */
#ifndef MDP_RENDER_RESULTS_H
#define MDP_RENDER_RESULTS_H

#include <stdio.h>

#include "platform/pipeline.h"

struct json;
struct strbuf;

/* A command that stopped before it had results (bad project files, no warehouse). */
struct json *render_results_error(const char *command, const char *message);
struct json *ingest_report_json(const char *command, const struct ingest_report *report);
struct json *transform_report_json(const struct transform_report *report);
struct json *dbt_test_report_json(const struct dbt_test_report *report);

/*
 * `mdp pipeline --json`: the document (render_results_pipeline_new()) gets each finished
 * step's results through render_results_pipeline_event() (ctx: the document), then the stages'
 * summary from render_results_pipeline_done().
 */
struct json *render_results_pipeline_new(void);
void render_results_pipeline_event(const struct pipeline_event *ev, void *ctx);
void render_results_pipeline_done(struct json *doc, const struct pipeline_report *report);

/* Prints doc, indented, and a newline on f. */
void render_results_print(FILE *f, const struct json *doc);

/* One <testcase> per test; failures, errors and skips as JUnit has them. */
void dbt_test_report_junit(struct strbuf *sb, const struct dbt_test_report *report);

#endif
