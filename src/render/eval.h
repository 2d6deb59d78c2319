/*
 * `mdp eval`'s text output: the runner's results (eval/runner.h) drawn for people.
 */
#ifndef MDP_RENDER_EVAL_H
#define MDP_RENDER_EVAL_H

#include <stdio.h>

#include "eval/runner.h"

/*
 * One case as text: PASS/FAIL, id, tags and time, then the question, the truth, the answer,
 * the SQL used, each assertion's message (with --sql-only: rows and first cell, or the
 * error). verbose adds the verification SQL in --sql-only mode.
 */
void eval_case_print(FILE *f, const struct case_result *result, int sql_only, int verbose);
/*
 * Pass rates per tag and overall, "confident answers to unanswerable questions: N of M" (not
 * with sql_only), latency, and "N passed, N failed" as the last line.
 */
void eval_summary_print(FILE *f, const struct eval_report *report);
/* Every case (failed ones only when failed_only) then the summary. */
void eval_report_print(FILE *f, const struct eval_report *report, int verbose, int failed_only);

#endif
