/*
 * Value formats of dashboard components: Excel-style codes ('$#,##0', '#,##0.00', '0.0%',
 * '#,##0.0,,"M"', 'mmm yyyy', 'yyyy-mm-dd') and Evidence's named formats (usd, usd0k, eur2,
 * pct1, num0, num1m, id, mult, shortdate, longdate, mdy, ...). A column named like
 * `revenue_usd` or `share_pct` takes the format its suffix names when no fmt is given.
 *
 * Numbers are formatted in C; charts get the same format as a small descriptor (to_json) that
 * the page's script applies to axis labels and tooltips.
 */
#ifndef MDP_DASH_FORMAT_H
#define MDP_DASH_FORMAT_H

#include <stddef.h>

struct strbuf;
struct json;
struct wh_result;

enum dash_fmt_kind {
    DASH_FMT_AUTO,   /* numbers with separators, dates as yyyy-mm-dd, text as is */
    DASH_FMT_NUMBER, /* prefix, grouping, decimals, percent, units, suffix */
    DASH_FMT_DATE    /* a date pattern */
};

struct dash_fmt {
    enum dash_fmt_kind kind;
    char prefix[16], suffix[16];
    int decimals;   /* -1: as needed (0 for whole numbers, else up to 2) */
    int thousands;  /* group digits with ',' */
    int percent;    /* multiply by 100 */
    double divisor; /* 1, 1e3, 1e6, 1e9 */
    int compact;    /* choose k / M / B by magnitude */
    char date[32];  /* DASH_FMT_DATE: the pattern */
};

/*
 * Reads spec (a named format or an Excel code). Returns 0, or -1 when spec is neither (then *out
 * is the automatic format); the caller turns that into a warning.
 */
int dash_fmt_parse(const char *spec, struct dash_fmt *out);
/* The automatic format, with or without k/M/B units (BigValue uses them, tables do not). */
void dash_fmt_auto(struct dash_fmt *out, int compact);
/* The format a column's name suffix asks for (e.g. "_usd"); 0 and *out when there is one. */
int dash_fmt_from_name(const char *column, struct dash_fmt *out);
/* Appends v formatted by f. */
void dash_fmt_number(const struct dash_fmt *f, double v, struct strbuf *out);
/* Appends a time given as Unix seconds (UTC) with a date pattern such as 'mmm d, yyyy'. */
void dash_fmt_time(const char *pattern, double unix_seconds, struct strbuf *out);
/*
 * Appends cell (row, col) of r formatted by f: numbers and times by the format, text as is, ""
 * for NULL. f NULL means automatic: the column name's suffix format when it has one, else
 * digits grouped, except for whole numbers in a column named like an id or a year.
 */
void dash_fmt_cell(const struct dash_fmt *f, const struct wh_result *r, size_t row, size_t col,
                   struct strbuf *out);
/* The descriptor the page's script formats numbers with: {p, s, d, t, pct, div, c}. */
struct json *dash_fmt_to_json(const struct dash_fmt *f);

#endif
