/*
 * `mdp transform`: builds a dbt project's models into the warehouse in dependency order.
 *
 * Each model is compiled (dbt_project.h), checked to be exactly one SELECT, and replaced
 * atomically in one transaction: CREATE OR REPLACE VIEW or CREATE OR REPLACE TABLE ... AS (an
 * incremental model whose table exists: its is_incremental() SQL into a temporary table, the
 * rows matching its unique_key deleted, the new rows inserted), together with its rows in
 * _mdp.models and _mdp.model_columns, so a failure keeps the
 * previous relation and its metadata. A failed model stops its descendants (skipped, naming
 * the failed parent), never its siblings. The write session has no external access and a
 * locked configuration: model SQL cannot read files, ATTACH or loosen settings.
 */
#ifndef MDP_TRANSFORM_H
#define MDP_TRANSFORM_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/progress.h"

#define TRANSFORM_DEFAULT_THREADS 4

struct transform_options {
    const char *const *select; /* dbt selectors (name, +name, name+); none: every model */
    size_t nselect;
    const char *vars; /* --vars YAML overriding dbt_project.yml's vars, or NULL */
    int full_refresh; /* rebuild incremental models in full (views and tables always are) */
    int threads;      /* models built at once on separate connections; 0: the default */
    volatile sig_atomic_t *cancel; /* set non-zero (e.g. on SIGINT) to interrupt the running
                                      model (it keeps its previous version) and stop */
    progress_fn *progress;         /* models done of all, or with one thread each model's progress;
                                      then NULL; may be NULL */
    void *progress_ctx;
    /*
     * Relations ("schema.name") that failed before this run, e.g. a pipeline's seeds: the
     * models that read them are skipped, as after a failed parent.
     */
    const char *const *failed_relations;
    size_t nfailed_relations;
};

enum transform_status { TRANSFORM_OK, TRANSFORM_FAILED, TRANSFORM_SKIPPED };

struct transform_result {
    char *model;
    char *relation;     /* schema.alias */
    char *materialized; /* view, table */
    char *path;         /* relative to the dbt project */
    enum transform_status status;
    int64_t rows; /* tables: rows built; views: -1 */
    double seconds;
    char *message; /* FAILED: the error; SKIPPED: which parent failed; else NULL */
};

/* Owns every string in it; release with transform_report_release(). */
struct transform_report {
    struct transform_result *results; /* in build order */
    size_t n, alloc;
    size_t ok, failed, skipped;
    double seconds;
    int bad_input; /* the run stopped on the project's files (an exit-2 problem) */
};

struct wh;

/*
 * Builds the models of the dbt project under root into wh, open read-write (borrowed: left
 * open, and locked down with wh_lock_down() first: model SQL cannot read files). Returns 0 when
 * every selected model was built, 1 when some failed or were skipped (the others were still
 * built), -1 on a fatal error (bad project files: report->bad_input; or the warehouse failed) after
 * error().
 */
int transform_run(const char *root, struct wh *wh, const struct transform_options *opts,
                  struct transform_report *report);
void transform_report_release(struct transform_report *report);

struct dbt_model;
struct strbuf;
/* Appends the statements that replace a model's (or seed's) rows in _mdp.models/model_columns. */
void transform_metadata_sql(const struct dbt_model *m, struct strbuf *sb);

#endif
