/*
 * eval/answer_file: the file answerer's entries, including `unanswerable: true`.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "eval/answerer.h"
#include "util/error.h"

static int ask(struct answerer *a, const char *id, struct answer *out)
{
    struct question q = {"q", id};

    memset(out, 0, sizeof(*out));
    return a->ask(a, &q, out);
}

Test(answer_file, unanswerable_entries)
{
    static const char text[] = "plain: \"42 rows\"\n"
                               "refused:\n"
                               "  answer: \"Nothing records churn.\"\n"
                               "  unanswerable: true\n"
                               "bare:\n"
                               "  unanswerable: yes\n"
                               "confident:\n"
                               "  answer: \"Churn is 4%\"\n"
                               "  unanswerable: false\n";
    struct answerer a;
    struct answer out;

    cr_assert_eq(answerer_file_init_text(&a, "answers.yml", text, strlen(text)), 0, "%s",
                 error_last());
    cr_assert_eq(ask(&a, "plain", &out), 0);
    cr_assert_str_eq(out.text, "42 rows");
    cr_assert_eq(out.unanswerable, 0);
    answer_release(&out);
    cr_assert_eq(ask(&a, "refused", &out), 0);
    cr_assert_str_eq(out.text, "Nothing records churn.");
    cr_assert_eq(out.unanswerable, 1);
    answer_release(&out);
    cr_assert_eq(ask(&a, "bare", &out), 0, "an unanswerable entry needs no text");
    cr_assert_str_eq(out.text, "");
    cr_assert_eq(out.unanswerable, 1);
    answer_release(&out);
    cr_assert_eq(ask(&a, "confident", &out), 0);
    cr_assert_eq(out.unanswerable, 0);
    answer_release(&out);
    a.release(&a);
}

static void expect_error(const char *text, const char *what)
{
    struct answerer a;

    error_quiet(1);
    cr_assert_eq(answerer_file_init_text(&a, "answers.yml", text, strlen(text)), -1, "accepted %s",
                 text);
    cr_assert(strstr(error_last(), what) != NULL, "'%s' not in '%s'", what, error_last());
    error_quiet(0);
}

Test(answer_file, bad_unanswerable_entries)
{
    expect_error("a:\n  answer: x\n  unanswerable: maybe\n", "answers.yml:3:17: 'unanswerable' "
                                                             "must be true or false");
    expect_error("a:\n  unanswerable: false\n", "answers.yml:2:3: the entry for 'a' needs");
    expect_error("a:\n  sql: SELECT 1\n", "(or 'unanswerable: true')");
    expect_error("a:\n  answer: x\n  unanswerble: true\n", "known: answer, sql, question, "
                                                           "unanswerable");
}
