/*
 * End to end: `mdp eval` on a tiny platform made here (a warehouse, a case file and an
 * answers file), proving that passing and failing cases are reported correctly in text, JSON
 * and JUnit, that filters and --sql-only work, and that the sample platform's cases bind
 * against a warehouse with the marts' tables and columns.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "testlib.h"
#include "util/json.h"
#include "util/strbuf.h"

static char *root;

static const char cases_yml[] =
    "cases:\n"
    "  - id: count_rows\n"
    "    question: How many rows are there?\n"
    "    tags: [count]\n"
    "    verification_sql: SELECT count(*) FROM marts.t\n"
    "    assertions:\n"
    "      - type: exact_number\n"
    "  - id: total_amount\n"
    "    question: What is the total amount?\n"
    "    tags: [sum]\n"
    "    verification_sql: SELECT sum(amount) FROM marts.t\n"
    "    assertions:\n"
    "      - type: approx_number\n"
    "        value: from_sql\n"
    "        tolerance: 0.01\n"
    "        relative: true\n"
    "  - id: kinds_order\n"
    "    question: List the kinds alphabetically.\n"
    "    tags: [list]\n"
    "    verification_sql: SELECT kind FROM marts.t GROUP BY kind ORDER BY kind\n"
    "    assertions:\n"
    "      - type: ordered_list\n"
    "        values: from_sql\n"
    "  - id: top_kind\n"
    "    question: Which kind is there?\n"
    "    tags: [list, count]\n"
    "    verification_sql: SELECT 1\n"
    "    assertions:\n"
    "      - type: contains_any\n"
    "        values: [even, \"<none>\"]\n"
    "  - id: missing_answer\n"
    "    question: Nobody answered this one.\n"
    "    tags: [count]\n"
    "    verification_sql: SELECT 1\n"
    "    assertions:\n"
    "      - type: exact_number\n"
    "  - id: wrong_number\n"
    "    question: What is the total amount, again?\n"
    "    tags: [sum]\n"
    "    verification_sql: SELECT sum(amount) FROM marts.t\n"
    "    assertions:\n"
    "      - type: exact_number\n";

static const char answers_yml[] = "count_rows:\n"
                                  "  answer: \"There are 10 rows.\"\n"
                                  "  sql: [\"SELECT count(*) FROM marts.t\"]\n"
                                  "total_amount: \"about 67.5 in total\"\n"
                                  "kinds_order:\n"
                                  "  answer: \"odd, then even\"\n"
                                  "  sql: SELECT DISTINCT kind FROM marts.t\n"
                                  "top_kind:\n"
                                  "  answer: \"EVEN <b>&amp; \\\"quoted\\\" 'x'</b>\"\n"
                                  "wrong_number: \"It is 69.\"\n";

static void make_platform(void)
{
    struct tl_run r;

    root = tl_tmpdir();
    tl_write(root, "sources/sources.yml", "sources: []\n");
    tl_write(root, "evals/cases.yml", cases_yml);
    tl_write(root, "answers.yml", answers_yml);
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" query --write -c \"CREATE SCHEMA marts; CREATE TABLE marts.t "
          "AS SELECT range AS id, range * 1.5 AS amount, CASE WHEN range %% 2 = 0 THEN 'even' "
          "ELSE 'odd' END AS kind FROM range(10)\"",
          root);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
}

static void drop_platform(void)
{
    tl_rmdir(root);
    free(root);
}

TestSuite(eval, .init = make_platform, .fini = drop_platform);

/* The last line of s (without its newline). */
static const char *last_line(struct strbuf *s)
{
    char *p;

    strbuf_rtrim(s);
    p = strrchr(s->buf, '\n');
    return p ? p + 1 : s->buf;
}

static int has(const struct tl_run *r, const char *needle)
{
    return strstr(r->out.buf, needle) != NULL;
}

Test(eval, reports_passing_and_failing_cases)
{
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --no-color eval --answers answers.yml", root);
    cr_assert_eq(r.code, 1, "exit %d: %s", r.code, r.err.buf);
    cr_assert(has(&r, "PASS count_rows [count]"), "%s", r.out.buf);
    cr_assert(has(&r, "answer:   There are 10 rows."));
    cr_assert(has(&r, "sql:      SELECT count(*) FROM marts.t"));
    cr_assert(has(&r, "exact_number: expected 10, answer has 10 -> pass"));
    cr_assert(has(&r, "PASS total_amount"));
    cr_assert(has(&r, "expected 67.5 \xc2\xb1"
                      "1%, answer has 67.5 -> pass"));
    cr_assert(has(&r, "FAIL kinds_order"));
    cr_assert(has(&r, "'odd' is not after 'even'"), "%s", r.out.buf);
    cr_assert(has(&r, "PASS top_kind"));
    cr_assert(has(&r, "FAIL missing_answer"));
    cr_assert(has(&r, "no answer for 'missing_answer' in answers.yml"), "%s", r.out.buf);
    cr_assert(has(&r, "FAIL wrong_number"));
    cr_assert(has(&r, "expected 67.5, answer has no number that matches (nearest: 69) -> fail"),
              "%s", r.out.buf);
    cr_assert(has(&r, "  count   2/3    66.7%"), "%s", r.out.buf);
    cr_assert(has(&r, "  sum     1/2    50.0%"), "%s", r.out.buf);
    cr_assert(has(&r, "  list    1/2    50.0%"), "%s", r.out.buf);
    cr_assert(has(&r, "pass rate: 3/6 50.0%"));
    cr_assert(has(&r, "answer latency: p50 "));
    cr_assert_str_eq(last_line(&r.out), "3 passed, 3 failed");
    tl_run_release(&r);

    /* the same with four workers, still in file order */
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml -j 4 | grep -E '^(PASS|FAIL)' "
          "| cut -d' ' -f1,2 | tr '\\n' ' '",
          root);
    cr_assert_str_eq(r.out.buf, "PASS count_rows PASS total_amount FAIL kinds_order PASS "
                                "top_kind FAIL missing_answer FAIL wrong_number ");
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml -j 4", root);
    cr_assert_eq(r.code, 1);
    cr_assert_str_eq(last_line(&r.out), "3 passed, 3 failed");
    tl_run_release(&r);

    /* -q: only the failed cases and the summary */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" -q eval --answers answers.yml", root);
    cr_assert_eq(r.code, 1);
    cr_assert(!has(&r, "PASS"), "%s", r.out.buf);
    cr_assert(has(&r, "FAIL kinds_order"));
    cr_assert_str_eq(last_line(&r.out), "3 passed, 3 failed");
    tl_run_release(&r);
}

Test(eval, filters_by_id_and_tag)
{
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --id count_rows", root);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(last_line(&r.out), "1 passed, 0 failed");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --id count_rows --id top_kind",
          root);
    cr_assert_eq(r.code, 0);
    cr_assert_str_eq(last_line(&r.out), "2 passed, 0 failed");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --tag sum", root);
    cr_assert_eq(r.code, 1);
    cr_assert(!has(&r, "count_rows"));
    cr_assert_str_eq(last_line(&r.out), "1 passed, 1 failed");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --tag sum --tag list", root);
    cr_assert_str_eq(last_line(&r.out), "2 passed, 2 failed");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --tag nope", root);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "no case") != NULL, "%s", r.err.buf);
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --id nope", root);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "no case with id 'nope'") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
}

Test(eval, json_document)
{
    struct tl_run r;
    struct json *doc, *sum, *cases, *c;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --json", root);
    cr_assert_eq(r.code, 1);
    doc = json_parse("stdout", r.out.buf, r.out.len);
    cr_assert(doc != NULL, "not JSON: %s", r.out.buf);
    sum = json_get(doc, "summary");
    cases = json_get(doc, "cases");
    cr_assert_eq(json_size(cases), 6);
    {
        double passed = -1, failed = -1, total = -1;
        json_num(json_get(sum, "passed"), &passed);
        json_num(json_get(sum, "failed"), &failed);
        json_num(json_get(json_get(json_get(sum, "by_tag"), "count"), "total"), &total);
        cr_assert_eq(passed, 3);
        cr_assert_eq(failed, 3);
        cr_assert_eq(total, 3);
    }
    c = json_at(cases, 0);
    cr_assert_str_eq(json_get_str(c, "id"), "count_rows");
    cr_assert_str_eq(json_get_str(c, "answer"), "There are 10 rows.");
    cr_assert_str_eq(json_str(json_at(json_get(c, "sql"), 0)), "SELECT count(*) FROM marts.t");
    cr_assert_str_eq(json_get_str(json_at(json_get(c, "assertions"), 0), "message"),
                     "expected 10, answer has 10 -> pass");
    cr_assert(strstr(json_get_str(json_at(cases, 4), "error"), "no answer") != NULL);
    json_free(doc);
    tl_run_release(&r);
}

Test(eval, junit_file_is_well_formed)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" eval --answers answers.yml --junit out/report.xml "
          ">/dev/null; echo $?; { if command -v xmllint >/dev/null; then xmllint --noout "
          "out/report.xml; else "
          "python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "
          "out/report.xml; fi; } && grep -c '<testcase' "
          "out/report.xml && grep -o 'tests=\"6\" failures=\"2\" errors=\"1\"' "
          "out/report.xml | head -1 && grep -c '&lt;b&gt;&amp;amp; &quot;quoted&quot; "
          "&apos;x&apos;' out/report.xml",
          root);
    cr_assert_eq(r.code, 0, "%s / %s", r.out.buf, r.err.buf);
    cr_assert_str_eq(r.out.buf, "1\n6\ntests=\"6\" failures=\"2\" errors=\"1\"\n1\n");
    tl_run_release(&r);
}

Test(eval, sql_only_catches_broken_verification_sql)
{
    struct tl_run r;

    tl_write(root, "broken.yml",
             "cases:\n"
             "  - id: fine\n    question: q\n    verification_sql: SELECT count(*) FROM marts.t\n"
             "    assertions:\n      - type: exact_number\n"
             "  - id: broken_sql\n    question: q\n"
             "    verification_sql: SELECT nope FROM marts.t\n"
             "    assertions:\n      - type: exact_number\n"
             "  - id: no_rows\n    question: q\n"
             "    verification_sql: SELECT id FROM marts.t WHERE id < 0\n"
             "    assertions:\n      - type: exact_number\n"
             "  - id: null_value\n    question: q\n"
             "    verification_sql: SELECT NULL::INT\n"
             "    assertions:\n      - type: exact_number\n"
             "  - id: writes\n    question: q\n"
             "    verification_sql: DELETE FROM marts.t\n"
             "    assertions:\n      - type: exact_number\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --sql-only broken.yml", root);
    cr_assert_eq(r.code, 1);
    cr_assert(has(&r, "PASS fine"), "%s", r.out.buf);
    cr_assert(has(&r, "1 row, first cell 10"));
    cr_assert(has(&r, "FAIL broken_sql"));
    cr_assert(has(&r, "verification_sql failed: "));
    cr_assert(has(&r, "nope"));
    cr_assert(has(&r, "FAIL no_rows"));
    cr_assert(has(&r, "verification_sql returned no rows"));
    cr_assert(has(&r, "FAIL null_value"));
    cr_assert(has(&r, "first cell is NULL"));
    cr_assert(has(&r, "FAIL writes"));
    cr_assert(has(&r, "DELETE"));
    cr_assert_str_eq(last_line(&r.out), "1 passed, 4 failed");
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" query -c 'SELECT count(*) AS n FROM marts.t' "
          "--format csv",
          root);
    cr_assert_str_eq(r.out.buf, "n\n10\n", "the sandbox must not have deleted anything");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --sql-only", root);
    cr_assert_eq(r.code, 0, "%s", r.out.buf);
    cr_assert_str_eq(last_line(&r.out), "6 passed, 0 failed");
    tl_run_release(&r);
}

Test(eval, bad_input_and_usage)
{
    struct tl_run r;

    /* with no --answers the offline analyst answers, and the run ends with the summary */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval", root);
    cr_assert(r.code == 0 || r.code == 1, "%d %s", r.code, r.err.buf);
    cr_assert(strstr(last_line(&r.out), " passed, "), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "offline") || strstr(r.out.buf, "answer:"), "%s", r.out.buf);
    tl_run_release(&r);

    tl_write(root, "bad.yml",
             "cases:\n  - id: a\n    question: q\n    verification_sql: s\n"
             "    assertions:\n      - type: nearly\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --sql-only bad.yml", root);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "bad.yml:6:15: unknown assertion type 'nearly'"), "%s", r.err.buf);
    tl_run_release(&r);

    tl_write(root, "bad2.yml", "cases:\n  - id: a\n    question: [q\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --sql-only bad2.yml", root);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "bad2.yml:4:1"), "%s", r.err.buf);
    tl_run_release(&r);

    tl_write(root, "bad_answers.yml", "count_rows:\n  answer: x\n  sqll: y\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --answers bad_answers.yml", root);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "bad_answers.yml:3:3: unknown key 'sqll'"), "%s", r.err.buf);
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval -j 0 --sql-only", root);
    cr_assert_eq(r.code, 2);
    tl_run_release(&r);

    tl_sh(&r, "\"$MDP_BIN\" eval --help");
    cr_assert_eq(r.code, 0);
    cr_assert(has(&r, "--sql-only") && has(&r, "--junit") && has(&r, "--answers") &&
              has(&r, "--tag") && has(&r, "--id") && has(&r, "--json") && has(&r, "-j"));
    tl_run_release(&r);
}

Test(eval, sample_platform_cases_bind_against_the_marts)
{
    struct tl_run r;
    char *dir = tl_tmpdir();

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --write -f "
          "\"$MDP_SRC/tests/e2e/data/sample_marts.sql\" >/dev/null && \"$MDP_BIN\" --warehouse "
          "w.duckdb eval --sql-only -j 2 \"$MDP_SRC/share/sample-platform/evals/cases.yml\"",
          dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(!strstr(r.out.buf, "FAIL"), "%s", r.out.buf);
    cr_assert(strstr(last_line(&r.out), " passed, 0 failed") != NULL, "%s", r.out.buf);
    cr_assert(atoi(last_line(&r.out)) >= 40);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(eval, refuses_and_confident_answers_to_unanswerable_questions)
{
    struct tl_run r;
    struct json *doc, *sum;
    double n = -1, confident = -1;

    tl_write(root, "refuses.yml",
             "cases:\n"
             "  - id: churn\n    question: What is our churn rate?\n    tags: [unanswerable]\n"
             "    verification_sql: SELECT 0\n    assertions:\n      - type: refuses\n"
             "  - id: headcount\n    question: Headcount?\n    tags: [unanswerable]\n"
             "    verification_sql: SELECT 0\n    assertions:\n      - type: refuses\n"
             "  - id: paris\n    question: Rows in Paris?\n    tags: [unanswerable]\n"
             "    verification_sql: SELECT 0\n    assertions:\n      - type: refuses\n"
             "  - id: rows\n    question: How many rows?\n"
             "    verification_sql: SELECT count(*) FROM marts.t\n"
             "    assertions:\n      - type: exact_number\n");
    tl_write(root, "refuses_answers.yml",
             "churn:\n  answer: \"Nothing records churn; closest: kind.\"\n"
             "  unanswerable: true\n"
             "headcount: \"Headcount is 10.\"\n"
             "rows: \"10 rows\"\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --no-color eval refuses.yml --answers refuses_answers.yml",
          root);
    cr_assert_eq(r.code, 1, "%s", r.err.buf);
    cr_assert(has(&r, "PASS churn"), "%s", r.out.buf);
    cr_assert(has(&r, "(the answerer says the data cannot answer this)"));
    cr_assert(has(&r, "refuses: the answer is marked unanswerable -> pass"));
    cr_assert(has(&r, "FAIL headcount"));
    cr_assert(has(&r, "answers with confidence -> fail"));
    cr_assert(has(&r, "FAIL paris")); /* no answer at all: failed, but not a confident one */
    cr_assert(has(&r, "PASS rows"));
    cr_assert(has(&r, "  unanswerable   1/3    33.3%"), "%s", r.out.buf);
    cr_assert(has(&r, "confident answers to unanswerable questions: 1 of 3\n"), "%s", r.out.buf);
    cr_assert_str_eq(last_line(&r.out), "2 passed, 2 failed");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval refuses.yml --answers refuses_answers.yml --json",
          root);
    doc = json_parse("stdout", r.out.buf, r.out.len);
    cr_assert(doc != NULL, "not JSON: %s", r.out.buf);
    sum = json_get(doc, "summary");
    json_num(json_get(sum, "unanswerable"), &n);
    json_num(json_get(sum, "confident_unanswerable"), &confident);
    cr_assert_eq(n, 3);
    cr_assert_eq(confident, 1);
    cr_assert_eq(json_get(json_at(json_get(doc, "cases"), 0), "unanswerable") != NULL, 1);
    json_free(doc);
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" eval refuses.yml --answers refuses_answers.yml --junit "
          "out/refuses.xml >/dev/null; grep -o '<property name=\"confident answers to "
          "unanswerable questions\" value=\"[0-9]*\"/>' out/refuses.xml",
          root);
    cr_assert_str_eq(r.out.buf,
                     "<property name=\"confident answers to unanswerable questions\" "
                     "value=\"1\"/>\n",
                     "%s", r.err.buf);
    tl_run_release(&r);

    /* --sql-only asks nothing, so it reports no such count */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --sql-only refuses.yml", root);
    cr_assert_eq(r.code, 0, "%s", r.out.buf);
    cr_assert(!has(&r, "confident answers"), "%s", r.out.buf);
    tl_run_release(&r);
}
