/*
 * The file answerer: one implementation of struct answerer (analyst/answer.h) that replays
 * answers written elsewhere (a person, another tool, an earlier run).
 */
#ifndef MDP_EVAL_ANSWERER_H
#define MDP_EVAL_ANSWERER_H

#include <stddef.h>

#include "analyst/answer.h"

/*
 * The file answerer: reads a YAML file mapping case id to an answer, for testing evals and
 * for scoring answers produced elsewhere:
 *
 *   revenue_2024:
 *     answer: "Total revenue in 2024 was $18,652,996.66."
 *     sql:                              # optional: a list, or one statement
 *       - SELECT sum(total) FROM ...
 *   top_brand: "ProBrand"               # a plain string is the answer alone
 *   churn_rate:
 *     answer: "Nothing records churn."  # optional when unanswerable is true
 *     unanswerable: true                # the answerer says the data cannot answer it
 *
 * A case without an entry gets an error ("no answer for 'id' in FILE"), so a missing answer
 * fails its case instead of passing silently. Fills *a (call a->release(a) when done) and
 * returns 0, or -1 with error("file:line:col: ...").
 */
int answerer_file_init(struct answerer *a, const char *path);
/* The same from text (for tests and the fuzz target); name is used in messages. */
int answerer_file_init_text(struct answerer *a, const char *name, const char *text, size_t len);

#endif
