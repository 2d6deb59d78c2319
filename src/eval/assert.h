/*
 * The assertion engine: one assertion of a case checked against an answer's text, with a
 * message a person reads ("expected 18652996.66 ±1000, answer has 18,652,990 -> pass").
 *
 * Numbers (exact_number, row_count, approx_number) are read from the answer by numbers.h;
 * the assertion passes when ANY number in the answer matches:
 *   exact_number, row_count: equal at the coarser of the two printed precisions, each capped
 *     at 1: |answer - expected| <= max(p_answer, p_expected) / 2 with p <= 1. So 1,006.25
 *     matches 1006.2547 and 1006.25; 1,006 matches 1006.25 (a whole number was written);
 *     35,980 matches 35980 but 36 thousand and 35,981 do not (use approx_number to accept
 *     rounding to thousands or millions).
 *   approx_number: |answer - expected| <= tolerance, or tolerance * |expected| when relative.
 *   Percentages: "42.6%" is tried both as 42.6 and as 0.426, so it matches a share computed
 *     either as a percentage or as a fraction.
 * Strings (contains_all, contains_any, ordered_list) match as case-insensitive substrings;
 * ordered_list needs each value to occur after the end of the previous one.
 * refuses passes when the answerer marked the answer unanswerable (struct answer's
 * `unanswerable`), whatever its text says.
 */
#ifndef MDP_EVAL_ASSERT_H
#define MDP_EVAL_ASSERT_H

#include <stddef.h>

#include "eval/answerer.h"
#include "eval/cases.h"

struct wh_result;

/* An assertion's expectation once from_sql has been resolved. */
struct expectation {
    double value;     /* numeric types */
    double precision; /* the unit of the expected value's last written digit */
    char **values;    /* string types; owned (expectation_release) */
    size_t nvalues;
};

/*
 * Resolves a's expectation from its literal or, for from_sql, from r (the verification
 * SQL's result; may be NULL when a uses no from_sql). Returns 0, or -1 with *why set to a
 * message (the caller frees) such as "verification_sql's first cell is NULL".
 */
int expectation_resolve(const struct assertion *a, const struct wh_result *r,
                        struct expectation *out, char **why);
void expectation_release(struct expectation *e);

/*
 * Checks a (with its resolved expectation) against the answer (its text, or for refuses its
 * unanswerable mark). Returns 1 for pass, 0 for fail; *message (the caller frees) ends in
 * "-> pass" or "-> fail".
 */
int assertion_check(const struct assertion *a, const struct expectation *e,
                    const struct answer *answer, char **message);

/* The unit of the last written digit of a plain number's text: "12.50" -> 0.01, "7" -> 1. */
double number_text_precision(const char *text);

#endif
