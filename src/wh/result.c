/*
 * The typed result table (see result.h). Nothing here knows about DuckDB.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xmalloc.h"
#include "wh/result.h"

void wh_result_free(struct wh_result *r)
{
    size_t i;

    if (!r)
        return;
    for (i = 0; i < r->nrows * r->ncols; i++) {
        free(r->text[i]);
        if (r->json)
            free(r->json[i]);
    }
    free(r->json);
    for (i = 0; i < r->ncols; i++) {
        free(r->cols[i].name);
        free(r->cols[i].type_name);
    }
    free(r->text);
    free(r->num);
    free(r->cols);
    free(r);
}

const char *wh_result_text(const struct wh_result *r, size_t row, size_t col)
{
    if (row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->text[row * r->ncols + col];
}

const char *wh_result_json(const struct wh_result *r, size_t row, size_t col)
{
    if (!r->json || row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->json[row * r->ncols + col];
}

int wh_result_is_null(const struct wh_result *r, size_t row, size_t col)
{
    return !wh_result_text(r, row, col);
}

int wh_type_is_numeric(enum wh_type t)
{
    return t == WH_T_INT || t == WH_T_FLOAT || t == WH_T_DECIMAL || t == WH_T_BOOL;
}

int wh_type_is_temporal(enum wh_type t)
{
    return t == WH_T_DATE || t == WH_T_TIMESTAMP || t == WH_T_TIME;
}

int wh_result_num(const struct wh_result *r, size_t row, size_t col, double *out)
{
    enum wh_type t;

    if (row >= r->nrows || col >= r->ncols || !r->text[row * r->ncols + col])
        return -1;
    t = r->cols[col].type;
    if (!wh_type_is_numeric(t) && !wh_type_is_temporal(t))
        return -1;
    if (isnan(r->num[row * r->ncols + col]))
        return -1;
    *out = r->num[row * r->ncols + col];
    return 0;
}

int wh_result_col(const struct wh_result *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->ncols; i++)
        if (!strcasecmp(r->cols[i].name, name))
            return (int)i;
    return -1;
}

enum wh_type wh_type_parse(const char *name)
{
    static const struct {
        const char *prefix;
        enum wh_type type;
    } types[] = {
        {"BOOLEAN", WH_T_BOOL},
        {"TINYINT", WH_T_INT},
        {"SMALLINT", WH_T_INT},
        {"INTEGER", WH_T_INT},
        {"BIGINT", WH_T_INT},
        {"HUGEINT", WH_T_INT},
        {"UTINYINT", WH_T_INT},
        {"USMALLINT", WH_T_INT},
        {"UINTEGER", WH_T_INT},
        {"UBIGINT", WH_T_INT},
        {"UHUGEINT", WH_T_INT},
        {"FLOAT", WH_T_FLOAT},
        {"DOUBLE", WH_T_FLOAT},
        {"DECIMAL", WH_T_DECIMAL},
        {"VARCHAR", WH_T_TEXT},
        {"ENUM", WH_T_TEXT},
        {"DATE", WH_T_DATE},
        {"TIMESTAMP_S", WH_T_TIMESTAMP},
        {"TIMESTAMP_MS", WH_T_TIMESTAMP},
        {"TIMESTAMP_NS", WH_T_TIMESTAMP},
        {"TIMESTAMP", WH_T_TIMESTAMP},
        {"TIME", WH_T_TIME},
        {"INTERVAL", WH_T_INTERVAL},
        {"UUID", WH_T_UUID},
        {"BLOB", WH_T_BLOB},
        {"STRUCT", WH_T_NESTED},
        {"MAP", WH_T_NESTED},
        {"UNION", WH_T_NESTED},
        {"\"NULL\"", WH_T_NULL},
    };
    size_t i, n;

    if (!name)
        return WH_T_OTHER;
    n = strlen(name);
    if (n && (name[n - 1] == ']'))
        return WH_T_NESTED; /* lists and arrays: INTEGER[], VARCHAR[3] */
    for (i = 0; i < ARRAY_SIZE(types); i++) {
        size_t m = strlen(types[i].prefix);
        /* the whole name, or the name followed by a parameter list or a qualifier */
        if (!strncasecmp(name, types[i].prefix, m) &&
            (name[m] == '\0' || name[m] == '(' || name[m] == ' '))
            return types[i].type;
    }
    return WH_T_OTHER;
}

static const char *type_spelling(enum wh_type t)
{
    static const char *names[] = {"NULL",    "BOOLEAN", "BIGINT", "DOUBLE",    "DECIMAL",
                                  "VARCHAR", "DATE",    "TIME",   "TIMESTAMP", "INTERVAL",
                                  "UUID",    "BLOB",    "NESTED", "OTHER"};
    return names[t];
}

struct wh_result *wh_result_new(size_t ncols, const char *const *names, const enum wh_type *types)
{
    struct wh_result *r = xcalloc(1, sizeof(*r));
    size_t i;

    r->ncols = ncols;
    r->cols = xcalloc(ncols ? ncols : 1, sizeof(*r->cols));
    for (i = 0; i < ncols; i++) {
        r->cols[i].name = xstrdup(names[i]);
        r->cols[i].type = types ? types[i] : WH_T_TEXT;
        r->cols[i].type_name = xstrdup(type_spelling(r->cols[i].type));
    }
    return r;
}

void wh_result_add_row(struct wh_result *r, const char *const *cells)
{
    size_t i, base;
    size_t alloc = r->alloc_rows;

    ALLOC_GROW(r->text, (r->nrows + 1) * r->ncols, r->alloc_rows);
    ALLOC_GROW(r->num, (r->nrows + 1) * r->ncols, alloc);
    base = r->nrows * r->ncols;
    for (i = 0; i < r->ncols; i++) {
        char *end;
        r->text[base + i] = cells[i] ? xstrdup(cells[i]) : NULL;
        r->num[base + i] = NAN;
        if (cells[i] && wh_type_is_numeric(r->cols[i].type)) {
            double v = strtod(cells[i], &end);
            if (end != cells[i] && !*end)
                r->num[base + i] = v;
        }
    }
    r->nrows++;
    r->total_rows = r->nrows;
}
