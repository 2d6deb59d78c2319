/*
 * Smart typing of text columns after a load (see typing.h): profile the VARCHAR columns with
 * one aggregate query (on a sample, then on the whole table for the columns that look
 * convertible; unpivoted when the table is wide), decide a type per column, and rewrite the
 * table once with the conversions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/typing.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/meta.h"
#include "wh/wh.h"

#define SAMPLE_ROWS 2000

/*
 * Up to this many candidate columns are profiled in one query with a few aggregates per column;
 * wider tables are profiled unpivoted (one row per value, grouped by column), whose query has
 * the same few expressions whatever the width: DuckDB's cost to plan and start a query grows
 * with its expressions, so one with tens of thousands of them took minutes and gigabytes.
 */
#define PROFILE_WIDE 64

/* Up to this many conversions are made in place, one ALTER each; more copy the table once. */
#define REWRITE_ALTERS 64

/* Text patterns, as RE2 expressions matched against the trimmed value. */
#define CURS   "$€£¥"
#define CUR    "[" CURS "]"
#define RE_NUM "[+-]?\\s*" CUR "?\\s*[+-]?(\\d{1,3}(,\\d{3})+|\\d+)(\\.\\d+)?\\s*" CUR "?"
/* in printf formats: %% */
#define RE_PCT       "[+-]?(\\d+(\\.\\d+)?|\\.\\d+)\\s*%%"
#define RE_PCT_PLAIN "[+-]?(\\d+(\\.\\d+)?|\\.\\d+)\\s*%"
#define RE_DATE      "\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{4}"
#define RE_LEAD0     "^[+-]?" CUR "?0\\d"
#define DATE_NORM(x) "regexp_replace(" x ", '[.-]', '/', 'g')"

/* The aggregates computed per column, in this order. */
enum agg {
    A_NONEMPTY, /* non-empty values */
    A_EMPTY,    /* '' values (become NULL when converted) */
    A_NUM,      /* values matching RE_NUM */
    A_NUM_OK,   /* an example that does */
    A_NUM_BAD,  /* an example that does not */
    A_LEAD0,    /* values that start with 0 followed by a digit */
    A_LEAD0_EX,
    A_SYMBOL, /* numeric values with a currency symbol */
    A_COMMA,  /* numeric values with a thousands separator */
    A_SCALE,  /* most digits after the point */
    A_DIGITS, /* most digits before the point */
    A_PCT,
    A_PCT_BAD,
    A_DATE, /* values shaped like d/m/yyyy */
    A_DATE_BAD,
    A_DMY, /* valid read day-first */
    A_MDY, /* valid read month-first */
    A_COUNT
};

enum kind { K_NONE, K_NUMBER, K_PERCENT, K_DATE_DMY, K_DATE_MDY, K_DATE_AMBIGUOUS };

struct column {
    char *name;
    char *type;
    int varchar;
    unsigned kinds;     /* KIND_* to profile; 0: not a candidate */
    char *agg[A_COUNT]; /* profile values as text (NULL: SQL NULL) */
    enum kind kind;
    char *target;   /* the new type */
    char *note;     /* what happened to it, for the report */
    int optimistic; /* decided from the sample; the conversion itself checks every value */
};

static void add_note(struct column *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the column's note (notes are reported in column order). */
static void add_note(struct column *c, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    free(c->note);
    c->note = strbuf_detach(&sb, NULL);
}

void typing_result_release(struct typing_result *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        free(r->notes[i]);
    free(r->notes);
    memset(r, 0, sizeof(*r));
}

static long long agg_num(const struct column *c, enum agg a)
{
    return c->agg[a] ? atoll(c->agg[a]) : 0;
}

static void add_relation(struct strbuf *sb, const char *schema, const char *table)
{
    strbuf_add_sql_ident(sb, schema);
    strbuf_addch(sb, '.');
    strbuf_add_sql_ident(sb, table);
}

/* The kinds of text a column is checked for. */
#define KIND_NUM  1u
#define KIND_PCT  2u
#define KIND_DATE 4u

/*
 * Per-row values for column alias x, computed once per row in a middle query: x is the
 * trimmed text, x_n / x_p / x_d say whether it reads as a number, a percentage or a
 * d/m/yyyy date (only for the kinds asked; the others are constant false), and x_dmy / x_mdy
 * whether the date is valid day-first / month-first.
 */
static void add_row_flags(struct strbuf *sb, const char *x, unsigned kinds)
{
    strbuf_addf(sb, "%s, ", x);
    if (kinds & KIND_NUM)
        strbuf_addf(sb, "regexp_full_match(%s, '" RE_NUM "') AS %s_n, ", x, x);
    else
        strbuf_addf(sb, "false AS %s_n, ", x);
    if (kinds & KIND_PCT)
        strbuf_addf(sb, "regexp_full_match(%s, '" RE_PCT "') AS %s_p, ", x, x);
    else
        strbuf_addf(sb, "false AS %s_p, ", x);
    if (kinds & KIND_DATE) {
        strbuf_addf(sb, "regexp_full_match(%s, '" RE_DATE "') AS %s_d, ", x, x);
        strbuf_addf(sb,
                    "CASE WHEN regexp_full_match(%s, '" RE_DATE "') THEN try_strptime(" DATE_NORM(
                        "%s") ", '%%d/%%m/%%Y') IS NOT NULL END AS %s_dmy, ",
                    x, x, x);
        strbuf_addf(sb,
                    "CASE WHEN regexp_full_match(%s, '" RE_DATE "') THEN try_strptime(" DATE_NORM(
                        "%s") ", '%%m/%%d/%%Y') IS NOT NULL END AS %s_mdy",
                    x, x, x);
    } else {
        strbuf_addf(sb, "false AS %s_d, false AS %s_dmy, false AS %s_mdy", x, x, x);
    }
}

/*
 * Appends the aggregates of enum agg, in order, over the row flags of alias x. Kinds not
 * asked for give constants, so a whole-table pass costs only what the sample made plausible;
 * the example of a value that parses is any one (cheap), the failing examples the least.
 */
static void add_profile(struct strbuf *sb, const char *x, unsigned kinds)
{
    strbuf_addf(sb, "count_if(%s <> ''), ", x);
    strbuf_addf(sb, "count_if(%s = ''), ", x);
    if (kinds & KIND_NUM) {
        strbuf_addf(sb, "count_if(%s_n), ", x);
        strbuf_addf(sb, "any_value(CASE WHEN %s_n THEN %s END), ", x, x);
        strbuf_addf(sb, "min(CASE WHEN %s <> '' AND NOT %s_n THEN %s END), ", x, x, x);
        strbuf_addf(sb, "count_if(%s_n AND regexp_matches(%s, '" RE_LEAD0 "')), ", x, x);
        strbuf_addf(sb, "min(CASE WHEN %s_n AND regexp_matches(%s, '" RE_LEAD0 "') THEN %s END), ",
                    x, x, x);
        strbuf_addf(sb, "count_if(%s_n AND regexp_matches(%s, '" CUR "')), ", x, x);
        strbuf_addf(sb, "count_if(%s_n AND contains(%s, ',')), ", x, x);
        strbuf_addf(sb,
                    "coalesce(max(CASE WHEN %s_n AND contains(%s, '.') THEN "
                    "length(rtrim(%s, ' " CURS "')) - strpos(%s, '.') END), 0), ",
                    x, x, x, x);
        strbuf_addf(sb,
                    "coalesce(max(CASE WHEN %s_n THEN "
                    "length(translate(split_part(%s, '.', 1), ' +-," CURS "', '')) END), 0), ",
                    x, x);
    } else {
        strbuf_addstr(sb, "0, NULL, NULL, 0, NULL, 0, 0, 0, 0, ");
    }
    if (kinds & KIND_PCT) {
        strbuf_addf(sb, "count_if(%s_p), ", x);
        strbuf_addf(sb, "min(CASE WHEN %s <> '' AND NOT %s_p THEN %s END), ", x, x, x);
    } else {
        strbuf_addstr(sb, "0, NULL, ");
    }
    if (kinds & KIND_DATE) {
        strbuf_addf(sb, "count_if(%s_d), ", x);
        strbuf_addf(sb, "min(CASE WHEN %s <> '' AND NOT %s_d THEN %s END), ", x, x, x);
        strbuf_addf(sb, "count_if(%s_dmy), ", x);
        strbuf_addf(sb, "count_if(%s_mdy)", x);
    } else {
        strbuf_addstr(sb, "0, NULL, 0, 0");
    }
}

/* Stores the aggregates of result row `row` (from column `first`) as cols' profile. */
static void store_profile(struct column *c, const struct wh_result *r, size_t row, size_t first)
{
    size_t a;

    for (a = 0; a < A_COUNT; a++) {
        const char *v = wh_result_text(r, row, first + a);
        free(c->agg[a]);
        c->agg[a] = v ? xstrdup(v) : NULL;
    }
}

/* Appends "trim(name) AS c<i>" for the candidate columns of the given kinds (all when 0). */
static size_t add_trimmed(struct strbuf *sb, const struct column *cols, size_t ncols,
                          unsigned kinds)
{
    size_t i, k = 0;

    for (i = 0; i < ncols; i++) {
        if (!cols[i].kinds || (kinds && cols[i].kinds != kinds))
            continue;
        if (k++)
            strbuf_addstr(sb, ", ");
        strbuf_addstr(sb, "trim(");
        strbuf_add_sql_ident(sb, cols[i].name);
        strbuf_addf(sb, ") AS c%zu", i);
    }
    return k;
}

/* The table's rows, or its first SAMPLE_ROWS: " FROM schema.table [LIMIT n]". */
static void add_rows(struct strbuf *sb, const char *schema, const char *table, int sample)
{
    strbuf_addstr(sb, " FROM ");
    add_relation(sb, schema, table);
    if (sample)
        strbuf_addf(sb, " LIMIT %d", SAMPLE_ROWS);
}

/* Profiles the candidate columns (few of them) with one set of aggregates each, in one query. */
static int profile_columns(struct wh *wh, const char *schema, const char *table,
                           struct column *cols, size_t ncols, int sample)
{
    struct strbuf sql = STRBUF_INIT, mid = STRBUF_INIT, inner = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t i, k = 0;
    int ret = -1;

    strbuf_addstr(&sql, "SELECT ");
    for (i = 0; i < ncols; i++) {
        char alias[32];
        if (!cols[i].kinds)
            continue;
        snprintf(alias, sizeof(alias), "c%zu", i);
        if (k++) {
            strbuf_addstr(&sql, ", ");
            strbuf_addstr(&mid, ", ");
        }
        add_profile(&sql, alias, cols[i].kinds);
        add_row_flags(&mid, alias, cols[i].kinds);
    }
    if (!k) {
        ret = 0;
        goto out;
    }
    add_trimmed(&inner, cols, ncols, 0);
    strbuf_addf(&sql, " FROM (SELECT %s FROM (SELECT %s", mid.buf, inner.buf);
    add_rows(&sql, schema, table, sample);
    strbuf_addstr(&sql, "))");
    if (wh_query(wh, sql.buf, NULL, &r) < 0)
        goto out;
    for (i = 0, k = 0; i < ncols; i++)
        if (cols[i].kinds)
            store_profile(&cols[i], r, 0, k++ * A_COUNT);
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&inner);
    strbuf_release(&mid);
    strbuf_release(&sql);
    return ret;
}

/*
 * Profiles the candidate columns whose kinds are `kinds` unpivoted: one (column, value) row
 * per non-NULL value, the aggregates grouped by column. NULLs count in no aggregate, so the
 * profile is the one profile_columns() computes; a column with no row keeps an empty profile.
 */
static int profile_unpivoted(struct wh *wh, const char *schema, const char *table,
                             struct column *cols, size_t ncols, unsigned kinds, int sample)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t i;
    int ret = -1;

    for (i = 0; i < ncols; i++)
        if (cols[i].kinds == kinds)
            for (size_t a = 0; a < A_COUNT; a++) {
                free(cols[i].agg[a]);
                cols[i].agg[a] = NULL;
            }
    strbuf_addstr(&sql, "SELECT k, ");
    add_profile(&sql, "v", kinds);
    strbuf_addstr(&sql, " FROM (SELECT k, ");
    add_row_flags(&sql, "v", kinds);
    strbuf_addstr(&sql, " FROM (UNPIVOT (SELECT ");
    add_trimmed(&sql, cols, ncols, kinds);
    add_rows(&sql, schema, table, sample);
    strbuf_addstr(&sql, ") ON COLUMNS(*) INTO NAME k VALUE v)) GROUP BY k");
    if (wh_query(wh, sql.buf, NULL, &r) < 0)
        goto out;
    for (i = 0; i < r->nrows; i++) {
        const char *k = wh_result_text(r, i, 0);
        size_t c = k && k[0] == 'c' ? strtoul(k + 1, NULL, 10) : ncols;
        if (c >= ncols || cols[c].kinds != kinds)
            BUG("unpivoted profile of an unknown column '%s'", k ? k : "");
        store_profile(&cols[c], r, i, 1);
    }
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

/*
 * Profiles the columns with a non-zero `kinds`: on a sample of the table for every kind, or on
 * the whole table for the kinds the sample made plausible. A table with more than PROFILE_WIDE
 * candidates is profiled unpivoted, one query per set of kinds, so the work grows with the
 * values, not with the square of the columns.
 */
static int profile(struct wh *wh, const char *schema, const char *table, struct column *cols,
                   size_t ncols, int sample)
{
    unsigned kinds;
    size_t i, n = 0;

    for (i = 0; i < ncols; i++)
        if (cols[i].kinds)
            n++;
    if (n <= PROFILE_WIDE)
        return profile_columns(wh, schema, table, cols, ncols, sample);
    for (kinds = 1; kinds <= (KIND_NUM | KIND_PCT | KIND_DATE); kinds++) {
        for (i = 0; i < ncols && cols[i].kinds != kinds; i++)
            ;
        if (i < ncols && profile_unpivoted(wh, schema, table, cols, ncols, kinds, sample) < 0)
            return -1;
    }
    return 0;
}

/* Day-first (1), month-first (2) or no preference (0) from a strptime format. */
static int date_order(const char *fmt)
{
    const char *d, *m, *y;

    if (!fmt)
        return 0;
    d = strstr(fmt, "%d");
    m = strstr(fmt, "%m");
    y = strstr(fmt, "%Y");
    if (!d || !m || (y && (y < d || y < m)))
        return 0;
    return d < m ? 1 : 2;
}

/* The reader's date format, asked of the caller at most once and only when needed. */
struct date_hint {
    const struct typing_hints *hints;
    char *format;
    int asked;
};

static const char *hint_format(struct date_hint *h)
{
    if (!h->asked && h->hints && h->hints->date_format)
        h->format = h->hints->date_format(h->hints->ctx);
    h->asked = 1;
    return h->format;
}

static const char *order_name(int order)
{
    return order == 1 ? "day-first" : "month-first";
}

/* Chooses a kind for a profiled column, or explains why it stays text. */
static void decide(struct column *c)
{
    long long ne = agg_num(c, A_NONEMPTY), num = agg_num(c, A_NUM), pct = agg_num(c, A_PCT);
    long long date = agg_num(c, A_DATE), best;
    const char *what, *bad;

    if (!ne)
        return;
    if (num == ne) {
        long long scale = agg_num(c, A_SCALE), digits = agg_num(c, A_DIGITS);
        if (agg_num(c, A_LEAD0)) {
            add_note(c,
                     "%s: kept VARCHAR, %lld values start with 0 (e.g. '%s') and look like "
                     "codes, not numbers",
                     c->name, agg_num(c, A_LEAD0), c->agg[A_LEAD0_EX]);
            return;
        }
        if (scale > 18)
            scale = 18;
        if (!scale && digits <= 18)
            c->target = xstrdup("BIGINT");
        else if (digits + scale <= 18)
            c->target = xstrfmt("DECIMAL(18,%lld)", scale);
        else if (digits + scale <= 38)
            c->target = xstrfmt("DECIMAL(38,%lld)", scale);
        else
            c->target = xstrdup("DOUBLE");
        c->kind = K_NUMBER;
        return;
    }
    if (pct == ne) {
        c->kind = K_PERCENT;
        c->target = xstrdup("DOUBLE");
        return;
    }
    if (date == ne) {
        int dmy = agg_num(c, A_DMY) == ne, mdy = agg_num(c, A_MDY) == ne;
        if (dmy && mdy)
            c->kind = K_DATE_AMBIGUOUS;
        else if (dmy)
            c->kind = K_DATE_DMY;
        else if (mdy)
            c->kind = K_DATE_MDY;
        else
            add_note(c,
                     "%s: kept VARCHAR, its values look like dates but are not all valid "
                     "dates either day-first or month-first",
                     c->name);
        if (c->kind != K_NONE)
            c->target = xstrdup("DATE");
        return;
    }
    best = num, what = "numbers", bad = c->agg[A_NUM_BAD];
    if (pct > best)
        best = pct, what = "percentages", bad = c->agg[A_PCT_BAD];
    if (date > best)
        best = date, what = "dates", bad = c->agg[A_DATE_BAD];
    if (best * 2 >= ne)
        add_note(c, "%s: kept VARCHAR, %lld value%s do%s not parse as %s, e.g. '%s'", c->name,
                 ne - best, ne - best == 1 ? "" : "s", ne - best == 1 ? "es" : "", what,
                 bad ? bad : "");
}

/* Appends the conversion expression for c. */
/* The pattern a number must match to fit c's type exactly (no leading zeros, scale bound). */
static void add_number_check(struct strbuf *sb, const struct column *c)
{
    long long scale = agg_num(c, A_SCALE);

    strbuf_addstr(sb, "[+-]?\\s*" CUR "?\\s*[+-]?(0|[1-9]\\d{0,2}(,\\d{3})+|[1-9]\\d*)");
    if (strcmp(c->target, "BIGINT"))
        strbuf_addf(sb, "(\\.\\d{1,%lld})?", scale ? scale : 1);
    strbuf_addstr(sb, "\\s*" CUR "?");
}

/*
 * Appends the conversion expression for c. It checks each value and raises an error on one
 * that does not fit, which aborts the conversion: an optimistic column (typed from the sample)
 * is then profiled carefully; a profiled column never trips it.
 */
static void add_conversion(struct strbuf *sb, const struct column *c)
{
    struct strbuf x = STRBUF_INIT, conv = STRBUF_INIT, check = STRBUF_INIT;

    /*
     * The check and the number conversions work on the raw text (the patterns allow spaces
     * around, translate drops them): trimming once per use would cost more than the rest.
     */
    strbuf_add_sql_ident(&x, c->name);
    switch (c->kind) {
    case K_NUMBER:
        strbuf_addf(&conv, "CAST(translate(%s, ' ," CURS "', '') AS %s)", x.buf, c->target);
        add_number_check(&check, c);
        break;
    case K_PERCENT:
        strbuf_addf(&conv, "CAST(regexp_replace(%s, '[%%\\s]', '', 'g') AS DOUBLE) / 100", x.buf);
        strbuf_addstr(&check, RE_PCT_PLAIN);
        break;
    case K_DATE_DMY:
    case K_DATE_MDY:
        strbuf_addf(&conv, "CAST(strptime(" DATE_NORM("trim(%s)") ", '%s') AS DATE)", x.buf,
                    c->kind == K_DATE_DMY ? "%d/%m/%Y" : "%m/%d/%Y");
        strbuf_addstr(&check, RE_DATE);
        break;
    default: BUG("no conversion for column %s", c->name);
    }
    /* Every value is checked; one that does not fit fails the statement (see typing_apply). */
    strbuf_addf(sb,
                "CASE WHEN %s IS NULL THEN NULL WHEN regexp_full_match(%s, '\\s*(%s)\\s*') THEN %s "
                "WHEN trim(%s) = '' THEN NULL ELSE error('mdp typing: a value does not fit') END",
                x.buf, x.buf, check.buf, conv.buf, x.buf);
    strbuf_release(&check);
    strbuf_release(&conv);
    strbuf_release(&x);
}

static void note_conversion(struct column *c, const char *why_order)
{
    long long empty = agg_num(c, A_EMPTY);
    struct strbuf tail = STRBUF_INIT;

    if (empty && !c->optimistic)
        strbuf_addf(&tail, "; %lld empty value%s became NULL", empty, empty == 1 ? "" : "s");
    if (c->kind == K_NUMBER) {
        const char *what = agg_num(c, A_SYMBOL)  ? "currency"
                           : agg_num(c, A_COMMA) ? "thousands separators"
                                                 : "numbers written as text";
        add_note(c, "%s: VARCHAR -> %s (%s, e.g. '%s')%s", c->name, c->target, what,
                 c->agg[A_NUM_OK], tail.buf);
    } else if (c->kind == K_PERCENT) {
        add_note(c, "%s: VARCHAR -> DOUBLE (percentages stored as fractions: '50%%' is 0.5)%s",
                 c->name, tail.buf);
    } else {
        add_note(c, "%s: VARCHAR -> DATE (%s, %s)%s", c->name,
                 c->kind == K_DATE_DMY ? "day-first" : "month-first", why_order, tail.buf);
    }
    strbuf_release(&tail);
}

/* Notes on DATE columns the reader parsed from d/m or m/d text: did any value decide? */
static int note_reader_dates(struct wh *wh, const char *schema, const char *table,
                             struct column *cols, size_t ncols, struct date_hint *hint)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t i, k = 0;
    int ret = -1;

    strbuf_addstr(&sql, "SELECT ");
    for (i = 0; i < ncols; i++) {
        if (strcmp(cols[i].type, "DATE"))
            continue;
        strbuf_addstr(&sql, k++ ? ", max(day(" : "max(day(");
        strbuf_add_sql_ident(&sql, cols[i].name);
        strbuf_addstr(&sql, "))");
    }
    if (!k) {
        ret = 0;
        goto out;
    }
    strbuf_addstr(&sql, " FROM ");
    add_relation(&sql, schema, table);
    if (wh_query(wh, sql.buf, NULL, &r) < 0)
        goto out;
    for (i = 0, k = 0; i < ncols; i++) {
        const char *v, *fmt;
        int order;
        if (strcmp(cols[i].type, "DATE"))
            continue;
        v = wh_result_text(r, 0, k++);
        /* A day above 12 somewhere: the reader's order is the only one that fits. */
        if (!v || atoi(v) > 12)
            continue;
        fmt = hint_format(hint);
        order = date_order(fmt);
        if (order)
            add_note(&cols[i],
                     "%s: DATE, read %s ('%s') by the reader; no value decides between "
                     "day-first and month-first, check it",
                     cols[i].name, order_name(order), fmt);
    }
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

static int load_columns(struct wh *wh, const char *schema, const char *table, struct column **out,
                        size_t *nout)
{
    struct wh_result *r = NULL;
    struct column *cols;
    size_t i;

    if (wh_meta_table_columns(wh, schema, table, &r) < 0)
        return -1;
    cols = xcalloc(r->nrows ? r->nrows : 1, sizeof(*cols));
    for (i = 0; i < r->nrows; i++) {
        cols[i].name = xstrdup(wh_result_text(r, i, 0));
        cols[i].type = xstrdup(wh_result_text(r, i, 1));
        cols[i].varchar = !strcmp(cols[i].type, "VARCHAR");
    }
    *nout = r->nrows;
    *out = cols;
    wh_result_free(r);
    return 0;
}

static void free_columns(struct column *cols, size_t n)
{
    size_t i, a;

    for (i = 0; i < n; i++) {
        free(cols[i].name);
        free(cols[i].type);
        free(cols[i].target);
        free(cols[i].note);
        for (a = 0; a < A_COUNT; a++)
            free(cols[i].agg[a]);
    }
    free(cols);
}

/*
 * Converts the columns: in place, with ALTER ... SET DATA TYPE, which rewrites only the altered
 * columns where a CREATE TABLE AS would copy the whole table. But each ALTER costs DuckDB time
 * in proportion to the table's width, so past REWRITE_ALTERS conversions (a wide table) the
 * table is copied once with every conversion instead.
 */
static int rewrite(struct wh *wh, const char *schema, const char *table, struct column *cols,
                   size_t ncols)
{
    struct strbuf sql = STRBUF_INIT;
    size_t i, n = 0;
    int ret;

    for (i = 0; i < ncols; i++)
        if (cols[i].target)
            n++;
    if (n > REWRITE_ALTERS) {
        char *typed = xstrfmt("%s__mdp_typed", table);
        strbuf_addstr(&sql, "CREATE TABLE ");
        add_relation(&sql, schema, typed);
        strbuf_addstr(&sql, " AS SELECT ");
        for (i = 0; i < ncols; i++) {
            if (i)
                strbuf_addstr(&sql, ", ");
            if (cols[i].target) {
                add_conversion(&sql, &cols[i]);
                strbuf_addstr(&sql, " AS ");
            }
            strbuf_add_sql_ident(&sql, cols[i].name);
        }
        strbuf_addstr(&sql, " FROM ");
        add_relation(&sql, schema, table);
        strbuf_addstr(&sql, "; DROP TABLE ");
        add_relation(&sql, schema, table);
        strbuf_addstr(&sql, "; ALTER TABLE ");
        add_relation(&sql, schema, typed);
        strbuf_addstr(&sql, " RENAME TO ");
        strbuf_add_sql_ident(&sql, table);
        free(typed);
        n = 0;
    }
    for (i = 0; i < ncols && n; i++) {
        if (!cols[i].target)
            continue;
        strbuf_addstr(&sql, "ALTER TABLE ");
        add_relation(&sql, schema, table);
        strbuf_addstr(&sql, " ALTER ");
        strbuf_add_sql_ident(&sql, cols[i].name);
        strbuf_addf(&sql, " SET DATA TYPE %s USING ", cols[i].target);
        add_conversion(&sql, &cols[i]);
        strbuf_addstr(&sql, "; ");
    }
    ret = wh_query(wh, sql.buf, NULL, NULL);
    strbuf_release(&sql);
    return ret;
}

int typing_apply(struct wh *wh, const char *schema, const char *table,
                 const struct typing_hints *hints, struct typing_result *out)
{
    struct column *cols = NULL;
    struct date_hint hint = {hints, NULL, 0};
    size_t ncols = 0, i;
    int ret = -1, order = 0, ambiguous = 0, any = 0;
    const char *why = NULL, *date_format = NULL;
    char *why_buf = NULL;

    memset(out, 0, sizeof(*out));
    if (load_columns(wh, schema, table, &cols, &ncols) < 0)
        goto out;
    for (i = 0; i < ncols; i++) {
        size_t k;
        cols[i].kinds = cols[i].varchar ? KIND_NUM | KIND_PCT | KIND_DATE : 0;
        for (k = 0; hints && k < hints->nkeep; k++)
            if (!strcasecmp(cols[i].name, hints->keep[k]))
                cols[i].kinds = 0;
    }
    if (profile(wh, schema, table, cols, ncols, 1) < 0)
        goto out;
    /*
     * A column whose whole sample reads as one kind is converted straight away, each value
     * checked by the conversion itself (no second pass). The others are profiled in full, for
     * the kinds most of the sample reads as.
     */
    for (i = 0; i < ncols; i++) {
        long long ne = agg_num(&cols[i], A_NONEMPTY);
        unsigned kinds = 0;
        if (!cols[i].kinds)
            continue;
        if (!(hints && hints->careful)) {
            struct column *c = &cols[i];
            decide(c);
            if (c->target && !c->note && c->kind != K_DATE_AMBIGUOUS) {
                c->optimistic = 1;
                c->kinds = 0;
                continue;
            }
            free(c->target);
            free(c->note);
            c->target = c->note = NULL;
            c->kind = K_NONE;
        }
        if (ne && agg_num(&cols[i], A_NUM) * 2 >= ne)
            kinds |= KIND_NUM;
        if (ne && agg_num(&cols[i], A_PCT) * 2 >= ne)
            kinds |= KIND_PCT;
        if (ne && agg_num(&cols[i], A_DATE) * 2 >= ne)
            kinds |= KIND_DATE;
        cols[i].kinds = kinds;
    }
    if (profile(wh, schema, table, cols, ncols, 0) < 0)
        goto out;
    for (i = 0; i < ncols; i++)
        if (cols[i].kinds && !cols[i].optimistic)
            decide(&cols[i]);

    /* Columns where no value decides the date order follow the file's (or the table's). */
    for (i = 0; i < ncols; i++)
        if (cols[i].kind == K_DATE_AMBIGUOUS)
            ambiguous = 1;
    if (ambiguous) {
        date_format = hint_format(&hint);
        order = date_order(date_format);
    }
    for (i = 0; i < ncols; i++) {
        if (!order && (cols[i].kind == K_DATE_DMY || cols[i].kind == K_DATE_MDY)) {
            order = cols[i].kind == K_DATE_DMY ? 1 : 2;
            why_buf =
                xstrfmt("no value decides; read like column %s, where values do", cols[i].name);
        }
    }
    if (ambiguous && date_order(date_format)) {
        free(why_buf);
        why_buf = xstrfmt("no value decides; read like the file's other dates ('%s')", date_format);
    }
    for (i = 0; i < ncols; i++) {
        struct column *c = &cols[i];
        if (c->kind == K_DATE_AMBIGUOUS) {
            if (!order) {
                add_note(c,
                         "%s: kept VARCHAR, its values read as dates both day-first and "
                         "month-first and nothing in the file decides",
                         c->name);
                free(c->target);
                c->target = NULL;
                c->kind = K_NONE;
                continue;
            }
            c->kind = order == 1 ? K_DATE_DMY : K_DATE_MDY;
            why = why_buf;
        } else {
            why = "a part above 12 decides";
        }
        if (c->target) {
            note_conversion(c, why);
            any++;
        }
    }
    if (note_reader_dates(wh, schema, table, cols, ncols, &hint) < 0)
        goto out;
    for (i = 0; i < ncols; i++) {
        if (!cols[i].note)
            continue;
        ALLOC_GROW(out->notes, out->n + 1, out->alloc);
        out->notes[out->n++] = cols[i].note;
        cols[i].note = NULL;
    }
    if (any && rewrite(wh, schema, table, cols, ncols) < 0) {
        for (i = 0; i < ncols; i++)
            if (cols[i].optimistic)
                ret = 1; /* the sample misled: the caller redoes it carefully */
        goto out;
    }
    out->changed = any;
    ret = 0;
out:
    free(why_buf);
    free(hint.format);
    free_columns(cols, ncols);
    if (ret != 0)
        typing_result_release(out);
    return ret;
}
