/*
 * `mdp test`: the column tests declared in a dbt project's yml (unique, not_null,
 * accepted_values, relationships), on model and source columns, run as COUNT queries in the
 * sandbox (read-only, no external access). A test's failures are the rows its dbt query
 * returns: duplicated values (unique), NULL rows (not_null), distinct values outside the list
 * (accepted_values), child rows without a parent (relationships).
 */
#ifndef MDP_DBT_TEST_H
#define MDP_DBT_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct dbt_test_options {
    const char *const *select; /* dbt selectors for the models whose tests run; none: all
                                  models and sources */
    size_t nselect;
    const char *vars; /* --vars YAML (vars can change a model's schema or alias) */
    /*
     * Models that failed or were skipped in this run (e.g. a pipeline's transform): their
     * relations are stale, so their tests are reported as DBT_RESULT_NOT_RUN, not run.
     */
    const char *const *not_built;
    size_t nnot_built;
};

enum dbt_test_status {
    DBT_RESULT_PASS,
    DBT_RESULT_WARN, /* failures in a test with severity: warn */
    DBT_RESULT_FAIL,
    DBT_RESULT_ERROR,       /* the query could not run (e.g. the relation is missing) */
    DBT_RESULT_UNSUPPORTED, /* a test mdp does not know: reported, not run */
    DBT_RESULT_NOT_RUN      /* its model was not built in this run (options.not_built) */
};

struct dbt_test_result {
    char *name;     /* dbt-style: not_null_stg_users_user_id */
    char *target;   /* model.column or source.table.column */
    char *location; /* yml file:line:col of the declaration */
    enum dbt_test_status status;
    int64_t failures;
    char *message; /* what failed, in words; NULL on PASS */
    char *sql;     /* the query that counted the failures */
    double seconds;
};

/* Owns everything in it; release with dbt_test_report_release(). */
struct dbt_test_report {
    struct dbt_test_result *results;
    size_t n, alloc;
    size_t pass, warn, fail, errors, unsupported, not_run;
    double seconds;
    int bad_input; /* stopped on the project's files (an exit-2 problem) */
};

struct wh;

/*
 * Runs the tests on wh (borrowed, left open; read-only or read-write), through a sandboxed
 * connection to it (sandbox_connect()). Returns 0 when none failed or errored (warnings and
 * unsupported tests allowed), 1 when some did, -1 on a fatal error after error().
 */
int dbt_test_run(const char *root, struct wh *warehouse, const struct dbt_test_options *opts,
                 struct dbt_test_report *report);
void dbt_test_report_release(struct dbt_test_report *report);

#endif
