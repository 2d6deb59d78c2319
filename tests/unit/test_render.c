/*
 * render/answer: the terminal heatmap of a matrix (a cohort's retention): shades by value
 * against the largest, blanks for unknown cells, a legend, ASCII without a UTF-8 locale.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "render/answer.h"
#include "util/strbuf.h"
#include "wh/result.h"

static struct wh_result *matrix(void)
{
    static const char *const names[] = {"cohort", "customers", "m1", "m2"};
    static const enum wh_type types[] = {WH_T_TEXT, WH_T_INT, WH_T_FLOAT, WH_T_FLOAT};
    static const char *const rows[][4] = {{"2024-12", "25", NULL, NULL},
                                          {"2024-11", "37", "60", NULL},
                                          {"2024-10", "40", "15", "30"}};
    struct wh_result *r = wh_result_new(4, names, types);
    size_t i;

    for (i = 0; i < 3; i++)
        wh_result_add_row(r, rows[i]);
    return r;
}

Test(render, heatmap_shades_cells_against_the_largest)
{
    struct wh_result *r = matrix();
    struct strbuf sb = STRBUF_INIT;

    setenv("LC_ALL", "C", 1);
    render_heatmap(&sb, r, 0, 2, 80);
    /* m1 and m2 are the cells; 60 is the largest: ## ; 15 is a quarter: .. ; 30 a half: :: */
    cr_expect(strstr(sb.buf, "2024-11  ##"), "%s", sb.buf);
    cr_expect(strstr(sb.buf, "2024-10  .. ::"), "%s", sb.buf);
    cr_expect(strstr(sb.buf, "## <= 60"), "%s", sb.buf);
    cr_expect(strstr(sb.buf, " m1 m2\n"), "%s", sb.buf);
    strbuf_reset(&sb);

    /* too narrow for the matrix: nothing is drawn */
    render_heatmap(&sb, r, 0, 2, 8);
    cr_expect_eq(sb.len, 0, "%s", sb.buf);
    strbuf_release(&sb);
    wh_result_free(r);
}
