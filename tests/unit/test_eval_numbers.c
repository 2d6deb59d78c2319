/*
 * eval/numbers: numbers read out of prose. Each case is a text and the exact list of numbers
 * (value, percent flag) it must yield, including texts that must yield none.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "eval/numbers.h"

struct expect {
    const char *text;
    size_t n;
    double values[6];
    int percent[6];
    double precision[6]; /* 0: not checked */
};

static void check(const struct expect *e)
{
    struct number_list l = NUMBER_LIST_INIT;
    size_t i;

    numbers_extract(e->text, strlen(e->text), &l);
    cr_assert_eq(l.n, e->n, "'%s': %zu numbers, expected %zu (first: %g)", e->text, l.n, e->n,
                 l.n ? l.v[0].value : 0.0);
    for (i = 0; i < l.n; i++) {
        cr_assert(fabs(l.v[i].value - e->values[i]) <= 1e-9 * fmax(1, fabs(e->values[i])),
                  "'%s' #%zu: %.10g, expected %.10g", e->text, i, l.v[i].value, e->values[i]);
        cr_assert_eq(l.v[i].percent, e->percent[i], "'%s' #%zu percent", e->text, i);
        if (e->precision[i] != 0)
            cr_assert(fabs(l.v[i].precision - e->precision[i]) < 1e-9 * e->precision[i],
                      "'%s' #%zu: precision %g, expected %g", e->text, i, l.v[i].precision,
                      e->precision[i]);
        cr_assert(l.v[i].start < l.v[i].end && l.v[i].end <= strlen(e->text));
    }
    number_list_release(&l);
}

Test(numbers, forms_a_person_writes)
{
    static const struct expect cases[] = {
        {"There were 35,980 orders.", 1, {35980}, {0}, {1}},
        {"Average order value: $1,006.25", 1, {1006.25}, {0}, {0.01}},
        {"Revenue was 18.6 million dollars", 1, {18.6e6}, {0}, {1e5}},
        {"about 2.1 billion", 1, {2.1e9}, {0}, {1e8}},
        {"42.6% of orders", 1, {42.6}, {1}, {0.1}},
        {"a change of -3 points", 1, {-3}, {0}, {1}},
        {"1.2k users", 1, {1200}, {0}, {100}},
        {"1,234.5", 1, {1234.5}, {0}, {0.1}},
        {"€5 and £7.50 and ¥300", 3, {5, 7.5, 300}, {0, 0, 0}, {1, 0.01, 1}},
        {"18.6M", 1, {18.6e6}, {0}, {1e5}},
        {"18.6m in sales", 1, {18.6e6}, {0}, {0}},
        {"3 thousand", 1, {3000}, {0}, {1000}},
        {"2.1bn, 2.1B and 2.1b", 3, {2.1e9, 2.1e9, 2.1e9}, {0, 0, 0}, {0}},
        {"1 trillion and 2T", 2, {1e12, 2e12}, {0, 0}, {0}},
        {"millions: 3 millions", 1, {3e6}, {0}, {0}},
        {"42.6 % and 5 percent and 7 per cent", 3, {42.6, 5, 7}, {1, 1, 1}, {0}},
        {"1,000,000", 1, {1e6}, {0}, {1}},
        {"-$3.50 and $-4", 2, {-3.5, -4}, {0, 0}, {0}},
        {"\xe2\x88\x92"
         "12 (unicode minus)",
         1,
         {-12},
         {0},
         {0}},
        {"+7", 1, {7}, {0}, {0}},
        {"1.8652996660000002E7", 1, {18652996.660000002}, {0}, {0}},
        {"1.5e6 rows", 1, {1.5e6}, {0}, {1e5}},
        {"only .5 left", 1, {0.5}, {0}, {0.1}},
        {"(1,234)", 1, {1234}, {0}, {0}},
        {"total: 100.", 1, {100}, {0}, {1}},
        {"0", 1, {0}, {0}, {1}},
        {"007", 1, {7}, {0}, {1}},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check(&cases[i]);
}

Test(numbers, numbers_written_as_words)
{
    static const struct expect cases[] = {
        {"There are five categories", 1, {5}, {0}, {1}},
        {"Twenty-three brands and ONE outlier", 2, {23, 1}, {0, 0}, {1, 1}},
        {"three thousand orders", 1, {3000}, {0}, {1000}},
        {"two hundred", 1, {200}, {0}, {100}},
        {"ten percent", 1, {10}, {1}, {1}},
        {"zero refunds", 1, {0}, {0}, {1}},
        {"ninety-nine", 1, {99}, {0}, {0}},
        {"one-third", 1, {1}, {0}, {0}},
        {"seventy-eleven", 2, {70, 11}, {0, 0}, {0}},
    };
    static const char *none[] = {"someone",    "tens of", "hundred", "alone",
                                 "twentyfive", "one2",    "fiver"};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check(&cases[i]);
    for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        struct number_list l = NUMBER_LIST_INIT;
        numbers_extract(none[i], strlen(none[i]), &l);
        cr_assert_eq(l.n, 0, "'%s' yielded %zu numbers", none[i], l.n);
        number_list_release(&l);
    }
}

Test(numbers, separators_dates_and_ranges)
{
    static const struct expect cases[] = {
        {"2024-12-31", 3, {2024, 12, 31}, {0, 0, 0}, {0}},
        {"from 10-20 items", 2, {10, 20}, {0, 0}, {0}},
        {"10:30", 2, {10, 30}, {0, 0}, {0}},
        {"1,2,3", 3, {1, 2, 3}, {0, 0, 0}, {0}},
        {"1 234", 2, {1, 234}, {0, 0}, {0}},
        {"1,2345", 2, {1, 2345}, {0, 0}, {0}},
        {"12,34", 2, {12, 34}, {0, 0}, {0}},
        {"1234,567", 2, {1234, 567}, {0, 0}, {0}},
        {"35,980, then 12", 2, {35980, 12}, {0, 0}, {0}},
        {"1.234,5", 2, {1.234, 5}, {0, 0}, {0}},
        {"12/31/2024", 3, {12, 31, 2024}, {0, 0, 0}, {0}},
        {"x - 3", 1, {3}, {0}, {0}},
        {"5 m and 3 km", 2, {5, 3}, {0, 0}, {0}},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check(&cases[i]);
}

Test(numbers, text_that_yields_no_number)
{
    static const char *none[] = {
        "",
        "no digits here",
        "Q4 sales",
        "top10 products",
        "version 1.2.3 and 10.0.0.1",
        "the 1st, 2nd, 3rd and 4th",
        "10x faster",
        "4GB of memory",
        "the 1990s",
        "v2 and x_1 and 12_000",
        "file.2",
        "abc123def",
        "12M3",
        "1e-3202 is too small to compare",
        ".",
        "-",
        "$",
        "%",
        "1e",
    };
    size_t i;

    for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        struct number_list l = NUMBER_LIST_INIT;
        numbers_extract(none[i], strlen(none[i]), &l);
        cr_assert_eq(l.n, 0, "'%s' yielded %zu numbers (first %g)", none[i], l.n,
                     l.n ? l.v[0].value : 0.0);
        number_list_release(&l);
    }
}

Test(numbers, mixed_sentence_keeps_order_and_offsets)
{
    const char *t = "In Q4 2024 we sold 1,234 units for $56.7k (up 12.5% from -3).";
    struct number_list l = NUMBER_LIST_INIT;

    numbers_extract(t, strlen(t), &l);
    cr_assert_eq(l.n, 5);
    cr_assert_eq(l.v[0].value, 2024);
    cr_assert_eq(l.v[1].value, 1234);
    cr_assert(fabs(l.v[2].value - 56700) < 1e-9);
    cr_assert_eq(l.v[3].percent, 1);
    cr_assert_eq(l.v[4].value, -3);
    cr_assert_eq(strncmp(t + l.v[1].start, "1,234", l.v[1].end - l.v[1].start), 0);
    cr_assert_eq(strncmp(t + l.v[2].start, "$56.7k", l.v[2].end - l.v[2].start), 0);
    cr_assert_eq(strncmp(t + l.v[3].start, "12.5%", l.v[3].end - l.v[3].start), 0);
    number_list_release(&l);
}

Test(numbers, unterminated_buffer_is_respected)
{
    struct number_list l = NUMBER_LIST_INIT;

    numbers_extract("12345", 2, &l);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.v[0].value, 12);
    number_list_release(&l);
}
