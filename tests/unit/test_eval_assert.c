/*
 * eval/assert: each assertion type against answer texts that must pass and that must fail,
 * with the messages a person reads; expectations resolved from SQL results.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "eval/assert.h"
#include "eval/cases.h"
#include "wh/result.h"

static int check_num(enum assertion_type t, double value, double precision, double tol, int rel,
                     const char *answer, char **msg)
{
    struct assertion a = {0};
    struct expectation e = {0};

    a.type = t;
    a.tolerance = tol;
    a.relative = rel;
    struct answer ans = {0};

    ans.text = (char *)answer;
    e.value = value;
    e.precision = precision;
    return assertion_check(&a, &e, &ans, msg);
}

static void expect_num(enum assertion_type t, double value, double precision, double tol, int rel,
                       const char *answer, int pass, const char *in_message)
{
    char *msg = NULL;
    int got = check_num(t, value, precision, tol, rel, answer, &msg);

    cr_assert_eq(got, pass, "%s %.10g on '%s': got %d (%s)", assertion_type_name(t), value, answer,
                 got, msg);
    cr_assert(strstr(msg, pass ? "-> pass" : "-> fail") != NULL, "%s", msg);
    if (in_message)
        cr_assert(strstr(msg, in_message) != NULL, "'%s' not in '%s'", in_message, msg);
    free(msg);
}

Test(assert, exact_number_at_printed_precision)
{
    expect_num(ASSERT_EXACT_NUMBER, 35980, 1, 0, 0, "We had 35,980 orders.", 1,
               "expected 35980, answer has 35,980 -> pass");
    expect_num(ASSERT_EXACT_NUMBER, 35980, 1, 0, 0, "We had 35,981 orders.", 0, "nearest: 35,981");
    expect_num(ASSERT_EXACT_NUMBER, 35980, 1, 0, 0, "about 36 thousand", 0, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 35980, 1, 0, 0, "35.98k orders", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 1006.2547, 0.0001, 0, 0, "AOV is $1,006.25", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 1006.2547, 0.0001, 0, 0, "AOV is $1,006.26", 0, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 1006.25, 0.01, 0, 0, "roughly $1,006", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 1006.25, 0.01, 0, 0, "roughly $1,007", 0, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 42.6, 0.1, 0, 0, "42.57% of orders", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 0.426, 0.001, 0, 0, "42.6% of orders", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 42.6, 0.1, 0, 0, "42.6% of orders", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 0.426, 0.001, 0, 0, "0.43 of orders", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 426, 1, 0, 0, "42.6% of orders", 0, NULL);
    expect_num(ASSERT_EXACT_NUMBER, -3, 1, 0, 0, "a change of -3", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 3, 1, 0, 0, "a change of -3", 0, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 12, 1, 0, 0, "on 2024-12-31", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 4, 1, 0, 0, "In Q4 we sold top10 items", 0,
               "answer has no number -> fail");
    expect_num(ASSERT_EXACT_NUMBER, 5, 1, 0, 0, "", 0, "no number");
    expect_num(ASSERT_ROW_COUNT, 50, 1, 0, 0, "There are 50 products (see the 2 lists)", 1, NULL);
    expect_num(ASSERT_ROW_COUNT, 50, 1, 0, 0, "There are 49 products", 0, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 18600000, 1, 0, 0, "18.6 million", 1, NULL);
    expect_num(ASSERT_EXACT_NUMBER, 18652996.66, 0.01, 0, 0, "18.6 million", 0, NULL);
}

Test(assert, approx_number_absolute_and_relative)
{
    expect_num(ASSERT_APPROX_NUMBER, 18652996.66, 0.01, 1000, 0, "Revenue was 18,652,990 in 2024",
               1,
               "expected 18652996.66 \xc2\xb1"
               "1000, answer has 18,652,990 -> pass");
    expect_num(ASSERT_APPROX_NUMBER, 18652996.66, 0.01, 1000, 0, "Revenue was 18.6 million", 0,
               "nearest: 18.6 million");
    expect_num(ASSERT_APPROX_NUMBER, 18652996.66, 0.01, 0.01, 1, "Revenue was 18.6 million", 1,
               "\xc2\xb1"
               "1%");
    expect_num(ASSERT_APPROX_NUMBER, 18652996.66, 0.01, 0.001, 1, "Revenue was 18.6 million", 0,
               NULL);
    expect_num(ASSERT_APPROX_NUMBER, 2.1e9, 1, 0.05, 1, "about $2.1bn", 1, NULL);
    expect_num(ASSERT_APPROX_NUMBER, 90.12, 0.01, 0.1, 0, "90.1% completed", 1, NULL);
    expect_num(ASSERT_APPROX_NUMBER, 0.9012, 0.0001, 0.001, 0, "90.1% completed", 1, NULL);
    expect_num(ASSERT_APPROX_NUMBER, 90.12, 0.01, 0.1, 0, "89.9% completed", 0, NULL);
    expect_num(ASSERT_APPROX_NUMBER, 0, 1, 0, 0, "exactly 0", 1, NULL);
    expect_num(ASSERT_APPROX_NUMBER, 100, 1, 0, 1, "100.0", 1, NULL);
    expect_num(ASSERT_APPROX_NUMBER, -56.49, 0.01, 0.1, 0, "changed by -56.5%", 1, NULL);
    expect_num(ASSERT_APPROX_NUMBER, -56.49, 0.01, 0.1, 0, "fell by 56.5%", 0, NULL);
}

static int check_strings(enum assertion_type t, const char *const *values, size_t n,
                         const char *answer, char **msg)
{
    struct assertion a = {0};
    struct expectation e = {0};

    a.type = t;
    struct answer ans = {0};

    ans.text = (char *)answer;
    e.values = (char **)values;
    e.nvalues = n;
    return assertion_check(&a, &e, &ans, msg);
}

static void expect_str(enum assertion_type t, const char *const *values, size_t n,
                       const char *answer, int pass, const char *in_message)
{
    char *msg = NULL;
    int got = check_strings(t, values, n, answer, &msg);

    cr_assert_eq(got, pass, "%s on '%s': got %d (%s)", assertion_type_name(t), answer, got, msg);
    if (in_message)
        cr_assert(strstr(msg, in_message) != NULL, "'%s' not in '%s'", in_message, msg);
    free(msg);
}

Test(assert, string_assertions_ignore_case)
{
    static const char *const v[] = {"ProBrand", "Home & Garden", "VIP15"};

    expect_str(ASSERT_CONTAINS_ALL, v, 3, "probrand sells home & garden with code vip15", 1,
               "answer contains all of 'ProBrand', 'Home & Garden', 'VIP15' -> pass");
    expect_str(ASSERT_CONTAINS_ALL, v, 3, "ProBrand sells Home and Garden with VIP15", 0,
               "answer lacks 'Home & Garden'");
    expect_str(ASSERT_CONTAINS_ANY, v, 3, "only VIP15 here", 1, "answer contains 'VIP15'");
    expect_str(ASSERT_CONTAINS_ANY, v, 3, "nothing relevant", 0,
               "answer contains none of 'ProBrand', 'Home & Garden', 'VIP15' -> fail");
    expect_str(ASSERT_CONTAINS_ANY, v, 3, "", 0, NULL);
}

Test(assert, ordered_list_needs_the_order)
{
    static const char *const v[] = {"Electronics", "Sports", "Books"};
    static const char *const dup[] = {"a", "a"};

    expect_str(ASSERT_ORDERED_LIST, v, 3, "1. electronics 2. SPORTS 3. Books", 1, "in order");
    expect_str(ASSERT_ORDERED_LIST, v, 3, "1. Sports 2. Electronics 3. Books", 0,
               "'Sports' is not after 'Electronics'");
    expect_str(ASSERT_ORDERED_LIST, v, 3, "Electronics, Sports", 0, "answer lacks 'Books'");
    expect_str(ASSERT_ORDERED_LIST, dup, 2, "a b", 0, NULL);
    expect_str(ASSERT_ORDERED_LIST, dup, 2, "a b a", 1, NULL);
}

static struct wh_result *one_column(const char *type_text, const char *const *cells, size_t n)
{
    const char *names[] = {"answer"};
    enum wh_type types[] = {WH_T_TEXT};
    struct wh_result *r;
    size_t i;

    if (!strcmp(type_text, "float"))
        types[0] = WH_T_FLOAT;
    r = wh_result_new(1, names, types);
    for (i = 0; i < n; i++)
        wh_result_add_row(r, &cells[i]);
    return r;
}

Test(assert, expectations_from_sql)
{
    struct assertion num = {0}, strs = {0};
    struct expectation e;
    const char *cells[] = {"1006.25", "x"};
    const char *nulls[] = {NULL};
    const char *text[] = {"abc"};
    struct wh_result *r;
    char *why = NULL;

    num.type = ASSERT_EXACT_NUMBER;
    num.value_from_sql = 1;
    r = one_column("float", cells, 1);
    cr_assert_eq(expectation_resolve(&num, r, &e, &why), 0);
    cr_assert_float_eq(e.value, 1006.25, 1e-9);
    cr_assert_float_eq(e.precision, 0.01, 1e-12);
    expectation_release(&e);
    wh_result_free(r);

    r = one_column("float", nulls, 1);
    cr_assert_eq(expectation_resolve(&num, r, &e, &why), -1);
    cr_assert(strstr(why, "NULL") != NULL, "%s", why);
    free(why);
    wh_result_free(r);

    r = one_column("text", text, 1);
    cr_assert_eq(expectation_resolve(&num, r, &e, &why), -1);
    cr_assert(strstr(why, "'abc' is not a number") != NULL, "%s", why);
    free(why);
    wh_result_free(r);

    r = one_column("text", cells, 0);
    cr_assert_eq(expectation_resolve(&num, r, &e, &why), -1);
    cr_assert(strstr(why, "no rows") != NULL, "%s", why);
    free(why);
    wh_result_free(r);

    strs.type = ASSERT_ORDERED_LIST;
    strs.values_from_sql = 1;
    r = one_column("text", cells, 2);
    cr_assert_eq(expectation_resolve(&strs, r, &e, &why), 0);
    cr_assert_eq(e.nvalues, 2);
    cr_assert_str_eq(e.values[0], "1006.25");
    cr_assert_str_eq(e.values[1], "x");
    expectation_release(&e);
    wh_result_free(r);

    num.value_from_sql = 0;
    num.value = 7;
    num.value_precision = 1;
    cr_assert_eq(expectation_resolve(&num, NULL, &e, &why), 0);
    cr_assert_eq(e.value, 7);
    expectation_release(&e);
}

Test(assert, number_text_precision)
{
    cr_assert_float_eq(number_text_precision("12.50"), 0.01, 1e-12);
    cr_assert_float_eq(number_text_precision("7"), 1, 1e-12);
    cr_assert_float_eq(number_text_precision("-3.1"), 0.1, 1e-12);
    cr_assert(number_text_precision("7e+01") < 1e-6);
}

static int check_refuses(const char *text, int unanswerable, char **msg)
{
    struct assertion a = {0};
    struct expectation e = {0};
    struct answer ans = {0};
    char *why = NULL;

    a.type = ASSERT_REFUSES;
    cr_assert_eq(expectation_resolve(&a, NULL, &e, &why), 0, "refuses needs no SQL result");
    cr_assert_null(why);
    ans.text = (char *)text;
    ans.unanswerable = unanswerable;
    return assertion_check(&a, &e, &ans, msg);
}

Test(assert, refuses_follows_the_unanswerable_mark_not_the_text)
{
    char *msg = NULL;

    cr_assert_eq(check_refuses("Nothing here records churn.", 1, &msg), 1, "%s", msg);
    cr_assert(strstr(msg, "marked unanswerable -> pass") != NULL, "%s", msg);
    free(msg);
    /* a confident answer fails, even one that sounds unsure */
    cr_assert_eq(check_refuses("Churn rate is 4.2% (I cannot answer that)", 0, &msg), 0);
    cr_assert(strstr(msg, "answers with confidence -> fail") != NULL, "%s", msg);
    free(msg);
    cr_assert_eq(check_refuses(NULL, 1, &msg), 1);
    free(msg);
    cr_assert_eq(check_refuses(NULL, 0, &msg), 0);
    free(msg);
}

Test(assert, text_assertions_ignore_the_unanswerable_mark)
{
    struct assertion a = {0};
    struct expectation e = {0};
    struct answer ans = {0};
    char *values[] = {"churn"};
    char *msg = NULL;

    a.type = ASSERT_CONTAINS_ALL;
    e.values = values;
    e.nvalues = 1;
    ans.text = "No column records churn; closest: status.";
    ans.unanswerable = 1;
    cr_assert_eq(assertion_check(&a, &e, &ans, &msg), 1, "%s", msg);
    free(msg);
}
