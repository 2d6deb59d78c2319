/*
 * Evaluation cases (evals/cases.yml, format in eval-format.md): a question, the SQL that
 * computes the truth, and assertions on the answer text.
 *
 *   cases:
 *     - id: revenue_2024                 # unique, [a-z0-9_]+
 *       question: "..."
 *       tags: [aggregation, time]        # optional; a list or one word
 *       verification_sql: SELECT ...
 *       assertions:
 *         - type: approx_number          # exact_number, row_count, approx_number,
 *           value: from_sql              #   contains_all, contains_any, ordered_list,
 *           tolerance: 0.01              #   refuses
 *           relative: true
 *
 * `type: refuses` (no other keys) is for a question the data cannot answer: it passes when the
 * answerer marks its answer unanswerable instead of answering with confidence.
 *
 * Strict on purpose: a malformed file, a missing field, an unknown assertion type or key, a
 * duplicate or malformed id are errors naming file:line:column, never skipped cases. Unknown
 * keys on a case (e.g. notes) are kept out of the way with a warning, so case files written
 * for the platform this replaces load unchanged.
 *
 * Ownership: a struct case_set owns everything reachable from it; release it with
 * case_set_release().
 */
#ifndef MDP_EVAL_CASES_H
#define MDP_EVAL_CASES_H

#include <stddef.h>

enum assertion_type {
    ASSERT_EXACT_NUMBER,
    ASSERT_ROW_COUNT,
    ASSERT_APPROX_NUMBER,
    ASSERT_CONTAINS_ALL,
    ASSERT_CONTAINS_ANY,
    ASSERT_ORDERED_LIST,
    ASSERT_REFUSES, /* the answerer marked the answer unanswerable; takes no value */
};

struct assertion {
    enum assertion_type type;
    int line, col;
    /* numeric types */
    int value_from_sql;     /* `value: from_sql` or no value: the first cell of the SQL's result */
    double value;           /* the literal, when not from_sql */
    double value_precision; /* the unit of the literal's last written digit (1 for 35980) */
    double tolerance;       /* approx_number */
    int relative;           /* tolerance is a fraction of the value */
    /* string types */
    int values_from_sql; /* `values: from_sql`: the first column of the SQL's rows */
    char **values;
    size_t nvalues;
};

struct eval_case {
    char *id;
    char *question;
    char **tags;
    size_t ntags;
    char *verification_sql;
    struct assertion *assertions;
    size_t nassertions;
    int line, col;
};

struct case_set {
    char *path; /* the name it was parsed under */
    struct eval_case *cases;
    size_t n, alloc;
};

#define CASE_SET_INIT                                                                              \
    {                                                                                              \
        NULL, NULL, 0, 0                                                                           \
    }

/*
 * Parses a case file's text; `name` is used in messages. Returns 0 and fills *out, or -1
 * with error("name:line:col: ...") and *out empty.
 */
int cases_parse(const char *name, const char *text, size_t len, struct case_set *out);
/* cases_parse() on the file at path. */
int cases_load(const char *path, struct case_set *out);
void case_set_release(struct case_set *set);

/* "exact_number", ...; and back (-1 when unknown). */
const char *assertion_type_name(enum assertion_type t);
int assertion_type_parse(const char *name);
/* Does the assertion compare numbers (exact_number, row_count, approx_number)? */
int assertion_is_numeric(enum assertion_type t);
/* Does the case carry tag? */
int eval_case_has_tag(const struct eval_case *c, const char *tag);

#endif
