/*
 * Terminal tables (numbers right-aligned, NULL shown as NULL, fitted to the width), CSV
 * (RFC 4180), JSON (an array of objects, numbers as numbers, lists and structs as arrays and
 * objects) and Markdown.
 */
#include <stdlib.h>
#include <string.h>

#include "render/table.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"

#define MIN_COL 4

int render_format_parse(const char *name, enum render_format *out)
{
    if (!strcmp(name, "table"))
        *out = RENDER_TABLE;
    else if (!strcmp(name, "csv"))
        *out = RENDER_CSV;
    else if (!strcmp(name, "json"))
        *out = RENDER_JSON;
    else if (!strcmp(name, "markdown") || !strcmp(name, "md"))
        *out = RENDER_MARKDOWN;
    else
        return -1;
    return 0;
}

size_t render_text_width(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

/* Byte length of the first `cols` display columns of s. */
static size_t prefix_bytes(const char *s, size_t cols)
{
    size_t i = 0, w = 0;

    while (s[i]) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (w == cols)
                break;
            w++;
        }
        i++;
    }
    return i;
}

static int right_aligned(const struct wh_result *r, size_t c)
{
    enum wh_type t = r->cols[c].type;
    return t == WH_T_INT || t == WH_T_FLOAT || t == WH_T_DECIMAL;
}

/* A cell as one line: newlines and tabs shown as spaces. */
static const char *cell_line(const char *s, struct strbuf *tmp)
{
    const char *p;

    if (!strpbrk(s, "\n\r\t"))
        return s;
    strbuf_reset(tmp);
    for (p = s; *p; p++)
        strbuf_addch(tmp, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p);
    return tmp->buf;
}

static void pad_cell(struct strbuf *sb, const char *s, size_t width, int right, const char *pre,
                     const char *post)
{
    size_t w = render_text_width(s);

    if (w > width) {
        size_t b = prefix_bytes(s, width ? width - 1 : 0);
        strbuf_addstr(sb, pre);
        strbuf_add(sb, s, b);
        strbuf_addstr(sb, "\xe2\x80\xa6"); /* … */
        strbuf_addstr(sb, post);
        return;
    }
    if (right)
        strbuf_addchars(sb, ' ', width - w);
    strbuf_addstr(sb, pre);
    strbuf_addstr(sb, s);
    strbuf_addstr(sb, post);
    if (!right)
        strbuf_addchars(sb, ' ', width - w);
}

static void render_table(struct strbuf *sb, const struct wh_result *r,
                         const struct render_options *o)
{
    size_t *w = xcalloc(r->ncols + 1, sizeof(*w));
    size_t shown = r->ncols, c, row, total;
    struct strbuf tmp = STRBUF_INIT;
    const char *dim = o && o->color ? "\033[2m" : "", *off = o && o->color ? "\033[0m" : "";

    for (c = 0; c < r->ncols; c++) {
        w[c] = render_text_width(r->cols[c].name);
        for (row = 0; row < r->nrows; row++) {
            const char *t = wh_result_text(r, row, c);
            size_t cw = t ? render_text_width(cell_line(t, &tmp)) : 4;
            if (cw > w[c])
                w[c] = cw;
        }
    }
    /* Fit the width: shrink the widest columns, then drop columns from the right. */
    if (o && o->width > 0) {
        for (;;) {
            size_t widest = 0;
            total = 1;
            for (c = 0; c < shown; c++)
                total += w[c] + 3;
            if (total <= (size_t)o->width)
                break;
            for (c = 1; c < shown; c++)
                if (w[c] > w[widest])
                    widest = c;
            if (w[widest] > 12) {
                w[widest]--;
                continue;
            }
            if (shown <= 1)
                break;
            shown--;
        }
    }
    for (c = 0; c < shown; c++) {
        strbuf_addch(sb, ' ');
        pad_cell(sb, r->cols[c].name, w[c], right_aligned(r, c), "", "");
        strbuf_addstr(sb, c + 1 < shown ? " |" : "");
    }
    if (shown < r->ncols)
        strbuf_addf(sb, " | \xe2\x80\xa6 %zu more", r->ncols - shown);
    strbuf_rtrim(sb);
    strbuf_addch(sb, '\n');
    strbuf_addstr(sb, dim);
    for (c = 0; c < shown; c++) {
        strbuf_addchars(sb, '-', w[c] + 2);
        if (c + 1 < shown)
            strbuf_addch(sb, '+');
    }
    strbuf_addstr(sb, off);
    strbuf_addch(sb, '\n');
    for (row = 0; row < r->nrows; row++) {
        for (c = 0; c < shown; c++) {
            const char *t = wh_result_text(r, row, c);
            strbuf_addch(sb, ' ');
            if (t)
                pad_cell(sb, cell_line(t, &tmp), w[c], right_aligned(r, c), "", "");
            else
                pad_cell(sb, "NULL", w[c], right_aligned(r, c), dim, off);
            strbuf_addstr(sb, c + 1 < shown ? " |" : "");
        }
        strbuf_rtrim(sb);
        strbuf_addch(sb, '\n');
    }
    if (!o || o->footer) {
        if (r->truncated)
            strbuf_addf(sb, "(%zu of %llu rows shown)\n", r->nrows,
                        (unsigned long long)r->total_rows);
        else
            strbuf_addf(sb, "(%zu row%s)\n", r->nrows, r->nrows == 1 ? "" : "s");
    }
    strbuf_release(&tmp);
    free(w);
}

static void csv_field(struct strbuf *sb, const char *s)
{
    const char *p;

    if (!strpbrk(s, ",\"\n\r") && *s != ' ') {
        strbuf_addstr(sb, s);
        return;
    }
    strbuf_addch(sb, '"');
    for (p = s; *p; p++) {
        if (*p == '"')
            strbuf_addch(sb, '"');
        strbuf_addch(sb, *p);
    }
    strbuf_addch(sb, '"');
}

static void render_csv(struct strbuf *sb, const struct wh_result *r)
{
    size_t c, row;

    for (c = 0; c < r->ncols; c++) {
        if (c)
            strbuf_addch(sb, ',');
        csv_field(sb, r->cols[c].name);
    }
    strbuf_addch(sb, '\n');
    for (row = 0; row < r->nrows; row++) {
        for (c = 0; c < r->ncols; c++) {
            const char *t = wh_result_text(r, row, c);
            if (c)
                strbuf_addch(sb, ',');
            if (t)
                csv_field(sb, t);
        }
        strbuf_addch(sb, '\n');
    }
}

static void render_json(struct strbuf *sb, const struct wh_result *r)
{
    size_t c, row;

    strbuf_addch(sb, '[');
    for (row = 0; row < r->nrows; row++) {
        strbuf_addstr(sb, row ? ",\n {" : "{");
        for (c = 0; c < r->ncols; c++) {
            const char *t = wh_result_text(r, row, c);
            enum wh_type ty = r->cols[c].type;
            if (c)
                strbuf_addstr(sb, ", ");
            json_add_string(sb, r->cols[c].name);
            strbuf_addstr(sb, ": ");
            if (!t)
                strbuf_addstr(sb, "null");
            else if (wh_result_json(r, row, c))
                strbuf_addstr(sb, wh_result_json(r, row, c));
            else if ((ty == WH_T_INT || ty == WH_T_DECIMAL || ty == WH_T_BOOL ||
                      (ty == WH_T_FLOAT && strcmp(t, "nan") && !strstr(t, "inf"))))
                strbuf_addstr(sb, t);
            else
                json_add_string(sb, t);
        }
        strbuf_addch(sb, '}');
    }
    strbuf_addstr(sb, "]\n");
}

static void md_cell(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            strbuf_addch(sb, '\\');
        strbuf_addch(sb, *s == '\n' ? ' ' : *s);
    }
}

static void render_markdown(struct strbuf *sb, const struct wh_result *r)
{
    size_t c, row;

    strbuf_addch(sb, '|');
    for (c = 0; c < r->ncols; c++) {
        strbuf_addch(sb, ' ');
        md_cell(sb, r->cols[c].name);
        strbuf_addstr(sb, " |");
    }
    strbuf_addstr(sb, "\n|");
    for (c = 0; c < r->ncols; c++)
        strbuf_addstr(sb, right_aligned(r, c) ? " ---: |" : " --- |");
    strbuf_addch(sb, '\n');
    for (row = 0; row < r->nrows; row++) {
        strbuf_addch(sb, '|');
        for (c = 0; c < r->ncols; c++) {
            const char *t = wh_result_text(r, row, c);
            strbuf_addch(sb, ' ');
            md_cell(sb, t ? t : "NULL");
            strbuf_addstr(sb, " |");
        }
        strbuf_addch(sb, '\n');
    }
}

void render_result(struct strbuf *sb, const struct wh_result *r, enum render_format fmt,
                   const struct render_options *opts)
{
    switch (fmt) {
    case RENDER_TABLE: render_table(sb, r, opts); break;
    case RENDER_CSV: render_csv(sb, r); break;
    case RENDER_JSON: render_json(sb, r); break;
    case RENDER_MARKDOWN: render_markdown(sb, r); break;
    }
}
