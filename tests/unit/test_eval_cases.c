/*
 * eval/cases: loading case files, and every malformed file rejected with file:line:column.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "eval/cases.h"
#include "util/error.h"
#include "util/xmalloc.h"

static const char good[] = "cases:\n"
                           "  - id: revenue_2024\n"
                           "    question: \"What was our total revenue in 2024?\"\n"
                           "    tags: [aggregation, time]\n"
                           "    verification_sql: >\n"
                           "      SELECT 1\n"
                           "    assertions:\n"
                           "      - type: approx_number\n"
                           "        value: 18652996.66\n"
                           "        tolerance: 1000\n"
                           "      - type: contains_any\n"
                           "        values: [\"18,652,996\", \"18.65 million\"]\n"
                           "  - id: n2\n"
                           "    question: q\n"
                           "    tags: solo\n"
                           "    verification_sql: SELECT 2\n"
                           "    assertions:\n"
                           "      - type: exact_number\n"
                           "      - type: approx_number\n"
                           "        value: from_sql\n"
                           "        tolerance: 0.01\n"
                           "        relative: true\n"
                           "      - type: ordered_list\n"
                           "        values: from_sql\n";

Test(cases, parses_the_spec_example_and_from_sql)
{
    struct case_set s;
    const struct eval_case *c;

    cr_assert_eq(cases_parse("cases.yml", good, strlen(good), &s), 0, "%s", error_last());
    cr_assert_eq(s.n, 2);
    c = &s.cases[0];
    cr_assert_str_eq(c->id, "revenue_2024");
    cr_assert_eq(c->ntags, 2);
    cr_assert(eval_case_has_tag(c, "time"));
    cr_assert_eq(c->nassertions, 2);
    cr_assert_eq(c->assertions[0].type, ASSERT_APPROX_NUMBER);
    cr_assert_float_eq(c->assertions[0].value, 18652996.66, 1e-6);
    cr_assert_float_eq(c->assertions[0].value_precision, 0.01, 1e-12);
    cr_assert_float_eq(c->assertions[0].tolerance, 1000, 1e-9);
    cr_assert_eq(c->assertions[0].relative, 0);
    cr_assert_eq(c->assertions[1].nvalues, 2);
    cr_assert_str_eq(c->assertions[1].values[1], "18.65 million");
    cr_assert_eq(c->line, 2);
    c = &s.cases[1];
    cr_assert_eq(c->ntags, 1);
    cr_assert_str_eq(c->tags[0], "solo");
    cr_assert(c->assertions[0].value_from_sql, "missing value means from_sql");
    cr_assert(c->assertions[1].value_from_sql);
    cr_assert(c->assertions[1].relative);
    cr_assert(c->assertions[2].values_from_sql);
    case_set_release(&s);
}

static void expect_error(const char *text, const char *where, const char *what)
{
    struct case_set s;

    error_quiet(1);
    cr_assert_eq(cases_parse("cases.yml", text, strlen(text), &s), -1, "accepted:\n%s", text);
    cr_assert(strstr(error_last(), where) != NULL, "'%s' not in '%s'", where, error_last());
    cr_assert(strstr(error_last(), what) != NULL, "'%s' not in '%s'", what, error_last());
    cr_assert_eq(s.n, 0);
    error_quiet(0);
}

#define CASE_HEAD "cases:\n  - id: a\n    question: q\n    verification_sql: SELECT 1\n"

Test(cases, malformed_files_name_line_and_column)
{
    expect_error("cases:\n  - id: a\n   question: [\n", "cases.yml:", "");
    expect_error("cases: [\n  {id: a,\n", "cases.yml:", "");
    expect_error("", "cases.yml:1:1", "empty");
    expect_error("- a\n- b\n", "cases.yml:1:1", "mapping with a 'cases:'");
    expect_error("other: 1\n", "cases.yml:1:1", "no 'cases:'");
    expect_error("cases: 3\n", "cases.yml:1:8", "non-empty list");
    expect_error("cases:\n  - 3\n", "cases.yml:2:5", "must be a mapping");
    expect_error(CASE_HEAD, "cases.yml:2:5", "without 'assertions'");
    expect_error(CASE_HEAD "    assertions: []\n", "cases.yml:5:17", "non-empty list");
    expect_error(CASE_HEAD "    assertions:\n      - type: exact_numbr\n", "cases.yml:6:15",
                 "unknown assertion type 'exact_numbr' (did you mean 'exact_number'?)");
    expect_error(CASE_HEAD "    assertions:\n      - type: fuzzy\n", "cases.yml:6:15",
                 "unknown assertion type 'fuzzy'");
    expect_error(CASE_HEAD "    assertions:\n      - value: 3\n", "cases.yml:6:9",
                 "without a 'type'");
    expect_error(CASE_HEAD "    assertions:\n      - type: approx_number\n        value: 3\n",
                 "cases.yml:6:9", "needs a 'tolerance'");
    expect_error(CASE_HEAD "    assertions:\n      - type: exact_number\n        value: 3,5\n",
                 "cases.yml:7:16", "plain number");
    expect_error(CASE_HEAD "    assertions:\n      - type: exact_number\n        tolerance: 1\n",
                 "cases.yml:7:20", "only applies to approx_number");
    expect_error(CASE_HEAD "    assertions:\n      - type: approx_number\n        tolerance: "
                           "1\n        relative: maybe\n",
                 "cases.yml:8:19", "true or false");
    expect_error(CASE_HEAD "    assertions:\n      - type: contains_all\n", "cases.yml:6:9",
                 "needs 'values'");
    expect_error(CASE_HEAD "    assertions:\n      - type: contains_all\n        values: x\n",
                 "cases.yml:7:17", "non-empty list");
    expect_error(CASE_HEAD "    assertions:\n      - type: contains_all\n        values: [a, "
                           "[b]]\n",
                 "cases.yml:7:21", "non-empty string");
    expect_error(CASE_HEAD "    assertions:\n      - type: exact_number\n        tolerence: 1\n",
                 "cases.yml:7:9", "did you mean 'tolerance'");
    expect_error(CASE_HEAD "    assertions:\n      - type: exact_number\n        values: [1]\n",
                 "cases.yml:7:17", "takes 'value'");
    expect_error("cases:\n  - id: Bad-Id\n    question: q\n    verification_sql: s\n"
                 "    assertions:\n      - type: exact_number\n",
                 "cases.yml:2:9", "[a-z0-9_]+");
    expect_error("cases:\n  - question: q\n    verification_sql: s\n"
                 "    assertions:\n      - type: exact_number\n",
                 "cases.yml:2:5", "without 'id'");
    expect_error("cases:\n  - id: a\n    verification_sql: s\n"
                 "    assertions:\n      - type: exact_number\n",
                 "cases.yml:2:5", "without 'question'");
    expect_error("cases:\n  - id: a\n    question: q\n"
                 "    assertions:\n      - type: exact_number\n",
                 "cases.yml:2:5", "without 'verification_sql'");
    expect_error("cases:\n  - id: a\n    question: \"\"\n    verification_sql: s\n"
                 "    assertions:\n      - type: exact_number\n",
                 "cases.yml:3:15", "non-empty string");
    expect_error(CASE_HEAD "    assertions:\n      - type: exact_number\n"
                           "  - id: a\n    question: q\n    verification_sql: SELECT 1\n"
                           "    assertions:\n      - type: exact_number\n",
                 "cases.yml:7:9", "duplicate id 'a' (first at line 2)");
    expect_error(CASE_HEAD "    assertions:\n      - type: exact_number\ncases: []\n",
                 "cases.yml:7:1", "duplicate key 'cases'");
    expect_error("cases:\n  - id: a\n    id: b\n", "cases.yml:3:5", "duplicate key 'id'");
    expect_error(CASE_HEAD "    questoin: x\n    assertions:\n      - type: exact_number\n",
                 "cases.yml:5:5", "did you mean 'question'");
    expect_error(CASE_HEAD "    tags: [[a]]\n    assertions:\n      - type: exact_number\n",
                 "cases.yml:5:12", "each tag");
}

Test(cases, refuses_takes_no_value)
{
    static const char text[] = CASE_HEAD "    tags: [unanswerable]\n    assertions:\n"
                                         "      - type: refuses\n"
                                         "      - type: contains_any\n        values: [churn]\n";
    struct case_set s;

    cr_assert_eq(cases_parse("cases.yml", text, strlen(text), &s), 0, "%s", error_last());
    cr_assert_eq(s.cases[0].nassertions, 2);
    cr_assert_eq(s.cases[0].assertions[0].type, ASSERT_REFUSES);
    cr_assert_str_eq(assertion_type_name(ASSERT_REFUSES), "refuses");
    cr_assert_eq(assertion_type_parse("refuses"), ASSERT_REFUSES);
    cr_assert_not(assertion_is_numeric(ASSERT_REFUSES));
    case_set_release(&s);

    expect_error(CASE_HEAD "    assertions:\n      - type: refuses\n        value: 0\n",
                 "cases.yml:7:16", "refuses takes no value");
    expect_error(CASE_HEAD "    assertions:\n      - type: refuses\n        values: [a]\n",
                 "cases.yml:7:17", "refuses takes no value");
    expect_error(CASE_HEAD "    assertions:\n      - type: refuses\n        tolerance: 1\n",
                 "cases.yml:7:20", "refuses takes no value");
    expect_error(CASE_HEAD "    assertions:\n      - type: refuse\n", "cases.yml:6:15",
                 "did you mean 'refuses'");
}

Test(cases, unknown_case_keys_are_ignored_with_a_warning)
{
    static const char text[] = CASE_HEAD "    difficulty: hard\n    assertions:\n"
                                         "      - type: row_count\n        value: 3\n";
    struct case_set s;

    error_quiet(1);
    cr_assert_eq(cases_parse("cases.yml", text, strlen(text), &s), 0, "%s", error_last());
    error_quiet(0);
    cr_assert_eq(s.n, 1);
    cr_assert_eq(s.cases[0].assertions[0].value, 3);
    case_set_release(&s);
}

Test(cases, sample_platform_cases_load)
{
    struct case_set s;
    char *path;
    size_t i, tags_headline = 0;
    const char *src = getenv("MDP_SRC");

    path = xstrfmt("%s/share/sample-platform/evals/cases.yml", src ? src : ".");
    cr_assert_eq(cases_load(path, &s), 0, "%s", error_last());
    cr_assert(s.n >= 40, "%zu cases", s.n);
    for (i = 0; i < s.n; i++) {
        size_t j;
        tags_headline += eval_case_has_tag(&s.cases[i], "headline");
        for (j = 0; j < s.cases[i].nassertions; j++) {
            const struct assertion *a = &s.cases[i].assertions[j];
            cr_assert(a->value_from_sql || a->values_from_sql,
                      "%s: every sample case takes its truth from SQL", s.cases[i].id);
        }
    }
    cr_assert_eq(tags_headline, 4);
    case_set_release(&s);
    free(path);
}
