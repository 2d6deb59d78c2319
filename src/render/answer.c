/*
 * Drawing the analyst's answers: the text a person reads in a terminal, the charts, and the
 * JSON object of `mdp ask --json`.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/analyst.h"
#include "render/answer.h"
#include "render/table.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "wh/result.h"

int render_utf8(void)
{
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    size_t i;

    for (i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strstr(v, "UTF-8") || strstr(v, "utf8") || strstr(v, "UTF8") ||
                   strstr(v, "utf-8");
    }
    return 0;
}

void render_heatmap(struct strbuf *sb, const struct wh_result *r, int label_col, int value_col,
                    int width)
{
    static const char *const shades[] = {"  ", "░░", "▒▒", "▓▓", "██"};
    static const char *const ascii[] = {"  ", "..", "::", "==", "##"};
    const char *const *shade = render_utf8() ? shades : ascii;
    size_t i, j, n = r->nrows < 40 ? r->nrows : 40, labw = 0, ncells;
    double max = 0, v;

    if (!r->nrows || value_col < 0 || (size_t)value_col >= r->ncols)
        return;
    ncells = r->ncols - (size_t)value_col;
    for (i = 0; i < n; i++) {
        const char *l = label_col >= 0 ? wh_result_text(r, i, (size_t)label_col) : NULL;
        size_t w = l ? render_text_width(l) : 0;
        if (w > labw)
            labw = w;
        for (j = (size_t)value_col; j < r->ncols; j++)
            if (wh_result_num(r, i, j, &v) == 0 && v > max)
                max = v;
    }
    if (labw > 20)
        labw = 20;
    if (max <= 0 || (int)(labw + 1 + 3 * ncells) > (width > 0 ? width : 80))
        return;
    /* the header: each cell column's name, cut to two characters */
    strbuf_addf(sb, "%*s", (int)labw + 1, "");
    for (j = (size_t)value_col; j < r->ncols; j++) {
        const char *name = r->cols[j].name;
        size_t len = strlen(name);
        strbuf_addf(sb, " %-2s", len > 2 ? name + len - 2 : name);
    }
    strbuf_addch(sb, '\n');
    for (i = 0; i < n; i++) {
        const char *l = label_col >= 0 ? wh_result_text(r, i, (size_t)label_col) : NULL;
        size_t w = l ? render_text_width(l) : 0;
        if (w > labw)
            strbuf_add(sb, l, labw); /* labels are cut by bytes: keep them short */
        else {
            strbuf_addstr(sb, l ? l : "");
            strbuf_addchars(sb, ' ', labw - w);
        }
        strbuf_addch(sb, ' ');
        for (j = (size_t)value_col; j < r->ncols; j++) {
            int k = 0;
            if (wh_result_num(r, i, j, &v) == 0)
                k = v <= 0 ? 0 : 1 + (int)(3.999 * v / max);
            strbuf_addf(sb, " %s", wh_result_is_null(r, i, j) ? "  " : shade[k > 4 ? 4 : k]);
        }
        strbuf_addch(sb, '\n');
    }
    /* the legend: each shade with the largest value it stands for; blank: none or unknown */
    strbuf_addf(sb, "%*s", (int)labw + 1, "");
    for (j = 1; j <= 4; j++)
        strbuf_addf(sb, " %s <= %.3g", shade[j], max * (double)j / 4);
    strbuf_addstr(sb, "  (blank: 0 or not known yet)\n");
}

void render_chart(struct strbuf *sb, const struct wh_result *r, int label_col, int value_col,
                  int series, int width)
{
    static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    static const char *const spark[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    int utf8 = render_utf8();
    size_t i, n = r->nrows < 40 ? r->nrows : 40, labw = 0;
    double max = 0, min = 0, v;
    int barw;

    if (!r->nrows || value_col < 0 || (size_t)value_col >= r->ncols)
        return;
    for (i = 0; i < n; i++) {
        const char *l = label_col >= 0 ? wh_result_text(r, i, (size_t)label_col) : NULL;
        size_t w = l ? render_text_width(l) : 6;
        if (w > labw)
            labw = w;
        if (wh_result_num(r, i, (size_t)value_col, &v) == 0) {
            if (v > max)
                max = v;
            if (v < min)
                min = v;
        }
    }
    if (labw > 28)
        labw = 28;
    if (max <= 0)
        return;
    if (series && r->nrows > 1) {
        /* a sparkline of the whole series first */
        double lo = INFINITY, hi = -INFINITY;
        for (i = 0; i < r->nrows; i++)
            if (wh_result_num(r, i, (size_t)value_col, &v) == 0) {
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
            }
        for (i = 0; i < r->nrows && i < 200; i++) {
            int k = 0;
            if (wh_result_num(r, i, (size_t)value_col, &v) == 0 && hi > lo)
                k = (int)floor((v - lo) / (hi - lo) * 7.999);
            strbuf_addstr(sb, utf8 ? spark[k]
                                   : (const char *[]){"_", ".", "-", "~", "=", "+", "*", "#"}[k]);
        }
        strbuf_addch(sb, '\n');
        if (r->nrows > 40)
            return;
    }
    barw = (width > 0 ? width : 80) - (int)labw - 16;
    if (barw < 10)
        barw = 10;
    if (barw > 50)
        barw = 50;
    for (i = 0; i < n; i++) {
        const char *l = label_col >= 0 ? wh_result_text(r, i, (size_t)label_col) : NULL;
        size_t w = l ? render_text_width(l) : 6, k;
        double len;
        int full;
        if (!l)
            l = "(none)";
        if (w > labw) {
            strbuf_add(sb, l, labw - 1);
            strbuf_addstr(sb, utf8 ? "…" : ".");
        } else {
            strbuf_addstr(sb, l);
            strbuf_addchars(sb, ' ', labw - w);
        }
        strbuf_addstr(sb, "  ");
        if (wh_result_num(r, i, (size_t)value_col, &v) < 0 || v < 0)
            v = 0;
        len = v / max * barw;
        full = (int)len;
        for (k = 0; k < (size_t)full; k++)
            strbuf_addstr(sb, utf8 ? "█" : "#");
        if (utf8)
            strbuf_addstr(sb, eighths[(int)((len - full) * 8)]);
        strbuf_addch(sb, ' ');
        strbuf_addstr(sb, wh_result_text(r, i, (size_t)value_col)
                              ? wh_result_text(r, i, (size_t)value_col)
                              : "");
        strbuf_addch(sb, '\n');
    }
    if (r->nrows > n)
        strbuf_addf(sb, "(%zu more)\n", r->nrows - n);
}

static void section(struct strbuf *sb, int color, const char *title)
{
    strbuf_addf(sb, "\n%s%s%s\n", color ? "\033[1m" : "", title, color ? "\033[0m" : "");
}

void render_answer(struct strbuf *sb, const struct analyst_answer *a, int color, int width)
{
    struct render_options ro = {width, color, 1};
    size_t i;

    if (a->explain) {
        strbuf_addstr(sb, a->explain);
        strbuf_addch(sb, '\n');
    }
    strbuf_addf(sb, "%s%s%s\n", color ? "\033[1m" : "", a->base.text ? a->base.text : "",
                color ? "\033[0m" : "");
    if (a->base.unanswerable)
        return;
    if (a->table && a->table->nrows > 1) {
        strbuf_addch(sb, '\n');
        render_result(sb, a->table, RENDER_TABLE, &ro);
    }
    if (a->table && a->chart != CHART_NONE && a->table->nrows > 1) {
        strbuf_addch(sb, '\n');
        if (a->chart == CHART_HEATMAP)
            render_heatmap(sb, a->table, a->label_col, a->value_col, width);
        else
            render_chart(sb, a->table, a->label_col, a->value_col, a->chart == CHART_SERIES, width);
    }
    if (a->interpretation) {
        section(sb, color, "Read as");
        strbuf_addf(sb, "%s\n", a->interpretation);
    }
    if (a->ncaveats) {
        section(sb, color, "Caveats");
        for (i = 0; i < a->ncaveats; i++)
            strbuf_addf(sb, "- %s\n", a->caveats[i]);
    }
    if (a->base.nsql) {
        section(sb, color, "SQL");
        for (i = 0; i < a->base.nsql; i++)
            strbuf_addf(sb, "%s%s;\n", i ? "\n" : "", a->base.sql[i]);
    }
}

void render_answer_json(struct strbuf *sb, const char *question, const struct analyst_answer *a)
{
    struct json *o = json_new_object(), *arr;
    size_t i, j;

    json_set_str(o, "question", question);
    json_set_str(o, "answer", a->base.text);
    json_set_str(o, "mode", a->base.mode ? a->base.mode : "offline");
    json_set_str(o, "interpretation", a->interpretation);
    arr = json_new_array();
    for (i = 0; i < a->base.nsql; i++)
        json_push(arr, json_new_str(a->base.sql[i]));
    json_set(o, "sql", arr);
    arr = json_new_array();
    for (i = 0; a->table && i < a->table->ncols; i++)
        json_push(arr, json_new_str(a->table->cols[i].name));
    json_set(o, "columns", arr);
    arr = json_new_array();
    for (i = 0; a->table && i < a->table->nrows; i++) {
        struct json *row = json_new_array();
        for (j = 0; j < a->table->ncols; j++) {
            double v;
            const char *t = wh_result_text(a->table, i, j);
            if (!t)
                json_push(row, json_new_null());
            else if (wh_type_is_numeric(a->table->cols[j].type) &&
                     a->table->cols[j].type != WH_T_BOOL && wh_result_num(a->table, i, j, &v) == 0)
                json_push(row, json_new_num(v));
            else
                json_push(row, json_new_str(t));
        }
        json_push(arr, row);
    }
    json_set(o, "rows", arr);
    arr = json_new_array();
    for (i = 0; i < a->ncaveats; i++)
        json_push(arr, json_new_str(a->caveats[i]));
    json_set(o, "caveats", arr);
    json_set_bool(o, "unanswerable", a->base.unanswerable);
    json_set_num(o, "elapsed_ms", floor(a->elapsed_ms * 10 + 0.5) / 10);
    json_set_num(o, "query_ms", floor(a->query_ms * 10 + 0.5) / 10); /* of which the SQL ran */
    json_print(sb, o, 0);
    strbuf_addch(sb, '\n');
    json_free(o);
}
