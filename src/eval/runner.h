/*
 * Running eval cases: for each case, the verification SQL in the sandbox (the ground truth),
 * the question through an answerer, and every assertion on the answer; then pass rates
 * overall and per tag and answer latency. Output as text for people, one JSON document, or
 * JUnit XML for CI.
 *
 * Threads: with jobs > 1, that many workers take cases in turn. The sandbox is one DuckDB
 * connection shared under a mutex (verification queries are short); questions are asked in
 * parallel when the answerer says it is concurrent, else one at a time.
 *
 * Ownership: a struct eval_report owns its results (eval_report_release()); it borrows the
 * cases from the struct case_set given to eval_run(), which must outlive it.
 */
#ifndef MDP_EVAL_RUNNER_H
#define MDP_EVAL_RUNNER_H

#include <stddef.h>
#include <stdio.h>

#include "analyst/answer.h"
#include "util/progress.h"
#include "eval/cases.h"

struct strbuf;
struct case_result;

struct eval_options {
    const char *warehouse;     /* the warehouse file (opened with sandbox_open) */
    int sql_only;              /* only check that each verification_sql runs and gives a row */
    struct answerer *answerer; /* required unless sql_only (BUG() otherwise) */
    const char *const *tags;   /* run the cases with any of these tags (NULL/0: all) */
    size_t ntags;
    const char *const *ids; /* run only these ids (NULL/0: all) */
    size_t nids;
    int jobs;              /* questions asked at once; 0 or 1: one at a time */
    int timeout_ms;        /* per verification query; 0: the sandbox's default */
    progress_fn *progress; /* cases done of all, then NULL; may be NULL */
    void *progress_ctx;
    /*
     * Called once per case in file order, as soon as it and every case before it are done
     * (so a long run shows results as it goes); NULL for none. Called with a lock held: do
     * not call back into the runner.
     */
    void (*on_result)(const struct case_result *result, void *ctx);
    void *on_result_ctx;
};

struct assertion_result {
    const struct assertion *assertion;
    int pass;
    char *message;
};

struct case_result {
    const struct eval_case *c;
    int pass;
    char *error;    /* why the case could not be checked (SQL failed, no answer) */
    char *expected; /* the verification SQL's first cell as text, or NULL */
    size_t sql_rows;
    struct answer answer;
    struct assertion_result *asserts;
    size_t nasserts;
    double sql_ms, answer_ms, total_ms;
};

struct tag_rate {
    char *tag;
    size_t passed, total;
};

struct eval_report {
    const char *cases_path;
    int sql_only;
    const char *answerer;        /* its name, or NULL */
    struct case_result *results; /* in file order */
    size_t n;
    size_t passed, failed;
    struct tag_rate *tags; /* in order of first appearance */
    size_t ntags;
    /*
     * Cases with a refuses assertion, and those of them the answerer answered without marking
     * the answer unanswerable (a confident answer to a question the data cannot answer).
     */
    size_t unanswerable, confident_unanswerable;
    double p50_ms, p95_ms; /* answer latency (verification SQL time with sql_only) */
    double elapsed_ms;
};

/*
 * Selects the cases by opts' ids and tags. Returns the number selected and fills *out (an
 * array of borrowed pointers the caller frees); an id given that no case has is an error
 * (-1 with error() listing it).
 */
int eval_select(const struct case_set *set, const struct eval_options *opts,
                const struct eval_case ***out);

/*
 * Runs the selected cases of set. Returns 0 when every case passed, 1 when some failed, -1
 * on a fatal error (the warehouse cannot be opened, nothing selected) with error(). *report
 * is filled on 0 and 1; release it with eval_report_release().
 */
int eval_run(const struct case_set *set, const struct eval_options *opts,
             struct eval_report *report);
void eval_report_release(struct eval_report *report);

/* passed / total as a percentage (0 when total is 0). */
double eval_pass_rate(size_t passed, size_t total);
/* One JSON document (pretty-printed) appended to sb. */
void eval_report_json(struct strbuf *sb, const struct eval_report *report);
/* JUnit XML appended to sb (one testsuite, one testcase per case). */
void eval_report_junit(struct strbuf *sb, const struct eval_report *report);

#endif
