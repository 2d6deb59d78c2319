/*
 * platform/dag: build order, cycles named by their chain, and --select.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "platform/dag.h"
#include "util/error.h"

/* stg_a <- mid <- top, stg_b <- top, lone */
static const char *const names[] = {"top", "mid", "stg_a", "stg_b", "lone"};

static void build(struct dag *d)
{
    dag_init(d, names, 5);
    dag_add_edge(d, 0, 1);
    dag_add_edge(d, 0, 3);
    dag_add_edge(d, 1, 2);
    dag_add_edge(d, 1, 2); /* kept once */
}

static size_t pos(const size_t *order, size_t n, size_t node)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (order[i] == node)
            return i;
    return n;
}

Test(dag, orders_parents_first)
{
    struct dag d;
    size_t order[5], first = 99;
    char *cycle = NULL;

    build(&d);
    cr_assert_eq(d.nparents[1], 1);
    cr_assert_eq(dag_order(&d, order, &cycle, &first), 0);
    cr_assert_null(cycle);
    cr_assert(pos(order, 5, 2) < pos(order, 5, 1));
    cr_assert(pos(order, 5, 1) < pos(order, 5, 0));
    cr_assert(pos(order, 5, 3) < pos(order, 5, 0));
    /* independent nodes keep their index order */
    cr_assert_eq(order[0], 2);
    cr_assert_eq(order[1], 3);
    cr_assert_eq(order[2], 4);
    dag_release(&d);
}

Test(dag, names_the_cycle_chain)
{
    static const char *const n[] = {"a", "b", "c", "d"};
    struct dag d;
    size_t order[4], first = 99;
    char *cycle = NULL;

    dag_init(&d, n, 4);
    dag_add_edge(&d, 3, 0); /* d -> a, outside the cycle */
    dag_add_edge(&d, 0, 1);
    dag_add_edge(&d, 1, 2);
    dag_add_edge(&d, 2, 0);
    cr_assert_eq(dag_order(&d, order, &cycle, &first), -1);
    cr_assert_not_null(cycle);
    cr_assert_str_eq(cycle, "a -> b -> c -> a");
    cr_assert_eq(first, 0);
    free(cycle);
    dag_release(&d);
}

Test(dag, self_reference_is_a_cycle)
{
    static const char *const n[] = {"x"};
    struct dag d;
    size_t order[1], first;
    char *cycle = NULL;

    dag_init(&d, n, 1);
    dag_add_edge(&d, 0, 0);
    cr_assert_eq(dag_order(&d, order, &cycle, &first), -1);
    cr_assert_str_eq(cycle, "x -> x");
    free(cycle);
    dag_release(&d);
}

static void check_select(const char *sel, const char *want)
{
    struct dag d;
    unsigned char mark[5] = {0};
    const char *const s[] = {sel};
    char got[6] = {0};
    int i;

    build(&d);
    cr_assert_eq(dag_select(&d, s, 1, mark), 0, "%s", sel);
    for (i = 0; i < 5; i++)
        got[i] = mark[i] ? '1' : '0';
    cr_assert_str_eq(got, want, "--select '%s'", sel);
    dag_release(&d);
}

Test(dag, selects_names_ancestors_and_descendants)
{
    check_select("mid", "01000");
    check_select("+mid", "01100");
    check_select("mid+", "11000");
    check_select("+top", "11110");
    check_select("stg_a+", "11100");
    check_select("+mid+", "11100");
    check_select("lone stg_b", "00011");
}

Test(dag, unknown_selector_is_an_error)
{
    struct dag d;
    unsigned char mark[5] = {0};
    const char *const s[] = {"+nope"};

    build(&d);
    error_quiet(1);
    cr_assert_eq(dag_select(&d, s, 1, mark), -1);
    cr_assert(strstr(error_last(), "no model called 'nope'"));
    error_quiet(0);
    dag_release(&d);
}
