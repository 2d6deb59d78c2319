/*
 * Anomalies: (a) over time, the main measure per day, each day scored against a robust
 * baseline, z = 0.6745 * (x - median) / MAD (the median absolute deviation), per weekday when
 * the history is 8 weeks or longer so that a quiet Sunday is not an anomaly, |z| > 3.5
 * flagged (Iglewicz and Hoaglin); (b) data quality, every table: negative values of amounts
 * and counts, duplicate keys, exact duplicate rows, dates after today, NULL spikes (a column
 * missing far more in one month than overall), ranked, each with the SQL to see it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/plan.h"
#include "analyst/skill_internal.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"
#include "wh/wh.h"

/* ---- data quality ------------------------------------------------------------------------- */

struct finding {
    const char *kind;
    int table, column; /* column -1: the whole row */
    double rows, share, weight;
    char *text, *see;
};

struct findings {
    struct finding *v;
    size_t n, alloc;
};

static void add_finding(struct findings *f, const char *kind, int t, int col, double rows,
                        double share, double weight, char *text, char *see)
{
    ALLOC_GROW(f->v, f->n + 1, f->alloc);
    f->v[f->n++] = (struct finding){kind, t, col, rows, share, weight, text, see};
}

static int by_score(const void *a, const void *b)
{
    const struct finding *x = a, *y = b;
    double sx = x->weight * (0.05 + x->share), sy = y->weight * (0.05 + y->share);

    if (sx != sy)
        return sx > sy ? -1 : 1;
    if (x->table != y->table)
        return x->table - y->table;
    return x->column - y->column;
}

/* An id that should identify a row: the key, a declared key, or an almost unique id. */
static int key_like(const struct cat_table *tab, const struct cat_column *col)
{
    if (col->roles & (CAT_ROLE_GROUP_KEY | CAT_ROLE_FOREIGN_KEY) || col->type == WH_T_FLOAT)
        return 0;
    if (col->roles & CAT_ROLE_KEY || col->declared_key)
        return 1;
    return sk_col_word(col, "id") && tab->rows > 0 && col->distinct >= 0.9 * (double)tab->rows;
}

static char *see_sql(struct skill_ctx *x, int t, const char *where_fmt_col, int col)
{
    struct strbuf sb = STRBUF_INIT, id = STRBUF_INIT;

    if (col >= 0)
        sk_col(x, &id, NULL, t, col);
    strbuf_addf(&sb, "SELECT * FROM %s WHERE ", x->c->tables[t].relation);
    strbuf_addf(&sb, where_fmt_col, id.buf, id.buf);
    strbuf_addstr(&sb, " LIMIT 100");
    strbuf_release(&id);
    return strbuf_detach(&sb, NULL);
}

/* Negative values, duplicate keys and rows, future dates of table t. */
static int check_table(struct skill_ctx *x, int t, struct findings *f)
{
    const struct cat_table *tab = &x->c->tables[t];
    struct strbuf sql = STRBUF_INIT, today = STRBUF_INIT;
    struct wh_result *r = NULL;
    int kinds[64], cols[64];
    size_t n = 0, i;
    double rows;
    int ret = -1;

    sk_day(&today, x->today);
    /* exact copies: counted by the catalog, which profiles a table again when it changes */
    if (tab->copies >= 0) {
        strbuf_addf(&sql, "SELECT count(*), %lld /* exact copies, counted by the catalog */",
                    (long long)tab->copies);
    } else {
        strbuf_addstr(&sql, "SELECT count(*), (");
        catalog_copies_sql(tab, tab->relation, &sql);
        strbuf_addch(&sql, ')');
    }
    for (i = 0; i < tab->ncolumns && n < 64; i++) {
        const struct cat_column *col = &tab->columns[i];
        struct strbuf id = STRBUF_INIT;
        sk_col(x, &id, NULL, t, (int)i);
        if (sk_is_nonnegative_by_name(col) && (!col->has_range || col->min < 0)) {
            strbuf_addf(&sql, ", count(*) FILTER (WHERE %s < 0)", id.buf);
            kinds[n] = 0, cols[n++] = (int)i;
        } else if (key_like(tab, col) && !col->unique) { /* a unique one repeats no value */
            strbuf_addf(&sql, ", count(%s) - count(DISTINCT %s)", id.buf, id.buf);
            kinds[n] = 1, cols[n++] = (int)i;
        } else if (sk_is_datetime(col) && col->roles & CAT_ROLE_TIME) {
            strbuf_addf(&sql, ", count(*) FILTER (WHERE CAST(%s AS DATE) > DATE '%s')", id.buf,
                        today.buf);
            kinds[n] = 2, cols[n++] = (int)i;
        }
        strbuf_release(&id);
    }
    strbuf_addf(&sql, " FROM %s AS x", tab->relation);
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;
    rows = sk_num(r, 0, 0, 0);
    if (rows <= 0) {
        ret = 0;
        goto out;
    }
    if (sk_num(r, 0, 1, 0) > 0) {
        double d = sk_num(r, 0, 1, 0);
        struct strbuf w = STRBUF_INIT, s = STRBUF_INIT;
        analyst_number(&w, d, 0);
        strbuf_addf(&w, " rows of %s are exact copies of another row (%.1f%%)", tab->relation,
                    100 * d / rows);
        strbuf_addf(&s,
                    "SELECT *, count(*) AS copies FROM %s GROUP BY ALL HAVING count(*) > 1 "
                    "ORDER BY copies DESC LIMIT 100",
                    tab->relation);
        add_finding(f, "duplicate rows", t, -1, d, d / rows, 0.9, strbuf_detach(&w, NULL),
                    strbuf_detach(&s, NULL));
    }
    for (i = 0; i < n; i++) {
        double v = sk_num(r, 0, i + 2, 0);
        const char *name = tab->columns[cols[i]].name;
        struct strbuf w = STRBUF_INIT;
        if (v <= 0)
            continue;
        analyst_number(&w, v, 0);
        switch (kinds[i]) {
        case 0:
            strbuf_addf(&w, " %s values of %s are negative (%.1f%%): an amount or count cannot be",
                        name, tab->relation, 100 * v / rows);
            add_finding(f, "negative values", t, cols[i], v, v / rows, 0.8, strbuf_detach(&w, NULL),
                        see_sql(x, t, "%s < 0", cols[i]));
            break;
        case 1:
            strbuf_addf(&w, " extra rows of %s repeat a %s that should identify one row",
                        tab->relation, name);
            {
                struct strbuf s = STRBUF_INIT, id = STRBUF_INIT;
                sk_col(x, &id, NULL, t, cols[i]);
                strbuf_addf(&s,
                            "SELECT * FROM %s WHERE %s IN (SELECT %s FROM %s GROUP BY %s "
                            "HAVING count(*) > 1) ORDER BY %s LIMIT 100",
                            tab->relation, id.buf, id.buf, tab->relation, id.buf, id.buf);
                add_finding(f, "duplicate key", t, cols[i], v, v / rows, 1.0,
                            strbuf_detach(&w, NULL), strbuf_detach(&s, NULL));
                strbuf_release(&id);
            }
            break;
        default:
            strbuf_addf(&w, " %s values of %s are after today, %s (%.1f%%)", name, tab->relation,
                        today.buf, 100 * v / rows);
            {
                struct strbuf cond = STRBUF_INIT;
                strbuf_addf(&cond, "CAST(%%s AS DATE) > DATE '%s' ORDER BY %%s DESC", today.buf);
                add_finding(f, "future dates", t, cols[i], v, v / rows, 0.7,
                            strbuf_detach(&w, NULL), see_sql(x, t, cond.buf, cols[i]));
                strbuf_release(&cond);
            }
            break;
        }
    }
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&today);
    return ret;
}

/* A month where a column is missing far more often than over the whole table. */
static int check_null_spikes(struct skill_ctx *x, int t, struct findings *f)
{
    const struct cat_table *tab = &x->c->tables[t];
    int time_col = sk_time_column(x->c, t), cols[48];
    struct strbuf sql = STRBUF_INIT, id = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t n = 0, i, m;
    int ret = -1;

    if (time_col < 0) {
        ret = 0;
        goto out;
    }
    sk_col(x, &id, NULL, t, time_col);
    strbuf_addf(&sql, "SELECT date_trunc('month', %s) AS month, count(*) AS n", id.buf);
    for (i = 0; i < tab->ncolumns && n < 48; i++)
        if ((int)i != time_col && !(tab->columns[i].roles & CAT_ROLE_KEY) &&
            tab->columns[i].null_fraction < 0.5) {
            strbuf_addstr(&sql, ", count(");
            sk_col(x, &sql, NULL, t, (int)i);
            strbuf_addstr(&sql, ")");
            cols[n++] = (int)i;
        }
    if (!n) {
        ret = 0;
        goto out;
    }
    strbuf_addf(&sql, " FROM %s WHERE %s IS NOT NULL GROUP BY 1 ORDER BY 1", tab->relation, id.buf);
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;
    for (i = 0; i < n; i++) {
        double total = 0, filled = 0, overall, worst = 0, worst_n = 0;
        size_t worst_m = 0;
        for (m = 0; m < r->nrows; m++) {
            total += sk_num(r, m, 1, 0);
            filled += sk_num(r, m, i + 2, 0);
        }
        if (total <= 0)
            continue;
        overall = 1 - filled / total;
        for (m = 0; m < r->nrows; m++) {
            double rows = sk_num(r, m, 1, 0), share;
            if (rows < 20)
                continue;
            share = 1 - sk_num(r, m, i + 2, 0) / rows;
            if (share > worst) {
                worst = share;
                worst_m = m;
                worst_n = rows - sk_num(r, m, i + 2, 0);
            }
        }
        if (worst >= 0.2 && worst >= 3 * overall + 0.1) {
            struct strbuf w = STRBUF_INIT, s = STRBUF_INIT, c2 = STRBUF_INIT;
            char month[8] = "";
            const char *mt = wh_result_text(r, worst_m, 0);
            if (mt)
                snprintf(month, sizeof(month), "%.7s", mt);
            sk_col(x, &c2, NULL, t, cols[i]);
            strbuf_addf(
                &w, "%s of %s is missing on %.0f%% of the rows of %s against %.1f%% overall",
                tab->columns[cols[i]].name, tab->relation, worst * 100, month, overall * 100);
            strbuf_addf(&s,
                        "SELECT date_trunc('month', %s) AS month, count(*) AS rows, "
                        "round(1 - count(%s) / count(*), 3) AS missing FROM %s GROUP BY 1 "
                        "ORDER BY 1",
                        id.buf, c2.buf, tab->relation);
            add_finding(f, "NULL spike", t, cols[i], worst_n, worst_n / total, 0.5,
                        strbuf_detach(&w, NULL), strbuf_detach(&s, NULL));
            strbuf_release(&c2);
        }
    }
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&id);
    return ret;
}

int sk_quality_findings(struct skill_ctx *x, int only, struct wh_result **out)
{
    static const char *const names[] = {"kind",  "relation", "column", "rows",
                                        "share", "finding",  "see_sql"};
    static const enum wh_type types[] = {WH_T_TEXT,  WH_T_TEXT, WH_T_TEXT, WH_T_INT,
                                         WH_T_FLOAT, WH_T_TEXT, WH_T_TEXT};
    struct findings f = {0};
    size_t t, i;
    int ret = -1;

    for (t = 0; t < x->c->ntables; t++) {
        if (only >= 0 ? (int)t != only : x->c->tables[t].is_view)
            continue;
        if (check_table(x, (int)t, &f) < 0 || check_null_spikes(x, (int)t, &f) < 0)
            goto out;
    }
    if (f.n)
        qsort(f.v, f.n, sizeof(*f.v), by_score);
    *out = wh_result_new(7, names, types);
    for (i = 0; i < f.n; i++) {
        char rows[32], share[32];
        const char *cells[7];
        snprintf(rows, sizeof(rows), "%.0f", f.v[i].rows);
        snprintf(share, sizeof(share), "%.4f", f.v[i].share);
        cells[0] = f.v[i].kind;
        cells[1] = x->c->tables[f.v[i].table].relation;
        cells[2] =
            f.v[i].column >= 0 ? x->c->tables[f.v[i].table].columns[f.v[i].column].name : NULL;
        cells[3] = rows;
        cells[4] = share;
        cells[5] = f.v[i].text;
        cells[6] = f.v[i].see;
        wh_result_add_row(*out, cells);
    }
    ret = 0;
out:
    for (i = 0; i < f.n; i++) {
        free(f.v[i].text);
        free(f.v[i].see);
    }
    free(f.v);
    return ret;
}

/* Appends the findings, numbered, with the SQL to see each (at most `max`). */
static void findings_words(const struct wh_result *r, size_t max, struct strbuf *sb)
{
    size_t i;

    for (i = 0; i < r->nrows && i < max; i++)
        strbuf_addf(sb, "\n%zu. %s.\n   see: %s", i + 1, wh_result_text(r, i, 5),
                    wh_result_text(r, i, 6));
    if (r->nrows > max)
        strbuf_addf(sb, "\n(%zu more: mdp analyze quality)", r->nrows - max);
}

int skill_quality(struct skill_ctx *x)
{
    struct wh_result *r = NULL;
    struct strbuf text = STRBUF_INIT;

    if (sk_quality_findings(x, x->table, &r) < 0)
        return -1;
    if (!r->nrows)
        strbuf_addf(&text, "No data-quality problem found in %s.",
                    x->table >= 0 ? x->c->tables[x->table].relation : "this warehouse");
    else {
        strbuf_addf(&text, "%zu data-quality finding%s, the most serious first:", r->nrows,
                    r->nrows == 1 ? "" : "s");
        findings_words(r, (size_t)x->top, &text);
    }
    x->a->base.text = strbuf_detach(&text, NULL);
    x->a->interpretation = xstrdup(
        "checked in every table (views only when named with --table: they show what their "
        "tables hold): negative values of amounts and counts (named so), duplicate "
        "values of keys, exact duplicate rows, dates after today, and months where a column is "
        "missing far more often than overall (a NULL spike); ranked by kind (duplicate keys, "
        "duplicate rows, negative values, future dates, NULL spikes) and share of rows");
    sk_caveat(x, "a negative value is flagged only for columns whose name says an amount or a "
                 "count; margins, profits and changes may be negative");
    x->a->table = r;
    return 0;
}

/* ---- over time ---------------------------------------------------------------------------- */

struct series_input {
    int t, measure, time, g;
    int ident[4], nident;
    long long reused;
};

static int choose_series(struct skill_ctx *x, struct series_input *in)
{
    const struct catalog *c = x->c;
    int best = sk_best_table(x, SK_NEED_TIME);

    if (best < 0)
        return -1;
    in->t = best;
    in->time = sk_time_column(c, best);
    in->measure = sk_money_column(c, best);
    in->g = sk_group_key(c, best);
    return 0;
}

/*
 * The main dimension to score the series of its top values too: a category of table t with
 * 2..30 values that the question does not filter on (constant within group key g when the
 * measure is taken once per group), a category before a yes/no flag, then the one with the
 * fewest values; -1 when none.
 */
static int series_dimension(struct skill_ctx *x, int t, int g)
{
    const struct catalog *c = x->c;
    const struct cat_table *tab = &c->tables[t];
    const struct cat_grouping *gr = g >= 0 ? sk_grouping(c, t, g) : NULL;
    int best = -1;
    size_t i, k;

    for (i = 0; i < tab->ncolumns; i++) {
        int constant = g < 0;
        if (!sk_good_dimension(&tab->columns[i]) || !tab->columns[i].nvalues ||
            sk_filtered(x, t, (int)i))
            continue;
        for (k = 0; gr && k < gr->nconstant; k++)
            constant |= gr->constant[k] == (int)i;
        /* a category before a yes/no flag, then the fewest values */
        if (constant && (best < 0 || (!(tab->columns[i].roles & CAT_ROLE_FLAG) &&
                                      (tab->columns[best].roles & CAT_ROLE_FLAG ||
                                       tab->columns[i].distinct < tab->columns[best].distinct))))
            best = (int)i;
    }
    return best;
}

int skill_anomalies(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct series_input in;
    struct strbuf sql = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT, what = STRBUF_INIT;
    struct strbuf kept = STRBUF_INIT;
    struct wh_result *r = NULL, *q = NULL;
    const struct cat_table *tab;
    const struct cat_column *tcol;
    int ret = -1, repeated, money, dim;
    const char *grain = "day";
    size_t k, nseg;

    memset(&in, 0, sizeof(in));
    if (choose_series(x, &in) < 0) {
        ret = sk_refuse(x,
                        "I can't look for anomalies over time %s: no table has a date or "
                        "timestamp column",
                        x->table >= 0 ? "in that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[in.t];
    tcol = &tab->columns[in.time];
    if (x->opts->by && *x->opts->by) {
        in.measure = sk_find_column(x, in.t, x->opts->by);
        if (in.measure < 0) {
            ret = 0;
            goto out;
        }
        if (!sk_is_numeric(&tab->columns[in.measure])) {
            ret =
                sk_refuse(x, "%s.%s is not a number to add up per day", tab->relation, x->opts->by);
            goto out;
        }
    }
    repeated = in.measure >= 0 && in.g >= 0 && tab->columns[in.measure].repeated_within == in.g;
    money = in.measure >= 0 && sk_is_money(&tab->columns[in.measure]);
    if (repeated) {
        in.nident = sk_basket_identity(x, in.t, in.g, -1, in.ident, &in.reused);
    }

    /*
     * The series per day (per week or month when a day holds too few rows for a typical day
     * to mean anything); periods without rows count as 0; a baseline and a robust z each.
     */
    {
        int from, to;
        double span = 0;
        if (tcol->min_text && days_parse(tcol->min_text, &from) == 0 &&
            days_parse(tcol->anchor, &to) == 0)
            span = to - from + 1;
        if (span > 0 && (double)tab->rows / span < 5)
            grain = (double)tab->rows / span * 7 < 5 ? "month" : "week";
    }
    dim = series_dimension(x, in.t, repeated ? in.g : -1);
    strbuf_addstr(&sql, "WITH src AS (SELECT ");
    if (repeated) {
        sk_identity_select(x, &sql, NULL, in.t, in.ident, in.nident);
        strbuf_addf(&sql, ", min(CAST(date_trunc('%s', ", grain);
        sk_col(x, &sql, NULL, in.t, in.time);
        strbuf_addstr(&sql, ") AS DATE)) AS day, any_value(");
        sk_col(x, &sql, NULL, in.t, in.measure);
        strbuf_addstr(&sql, ") AS v, count(*) AS n");
    } else {
        strbuf_addf(&sql, "CAST(date_trunc('%s', ", grain);
        sk_col(x, &sql, NULL, in.t, in.time);
        strbuf_addstr(&sql, ") AS DATE) AS day, ");
        if (in.measure >= 0)
            sk_col(x, &sql, NULL, in.t, in.measure);
        else
            strbuf_addstr(&sql, "1");
        strbuf_addstr(&sql, " AS v, 1 AS n");
    }
    strbuf_addf(&sql, ", %s(CAST(", repeated ? "any_value" : "");
    if (dim >= 0)
        sk_col(x, &sql, NULL, in.t, dim);
    else
        strbuf_addstr(&sql, "NULL");
    strbuf_addf(&sql, " AS VARCHAR)) AS dv FROM %s WHERE ", tab->relation);
    sk_col(x, &sql, NULL, in.t, in.time);
    strbuf_addf(&sql, " <= CAST('%s' AS TIMESTAMP)", tcol->anchor);
    sk_filters(x, in.t, NULL, &sql, &kept);
    if (repeated)
        strbuf_addstr(&sql, " GROUP BY ALL");
    /* the whole series, and one per top value of the main dimension */
    strbuf_addstr(&sql, "), u AS (SELECT day, v, n, '(all)' AS seg FROM src");
    if (dim >= 0) {
        const struct cat_column *dc = &tab->columns[dim];
        strbuf_addstr(&sql, " UNION ALL SELECT day, v, n, ");
        strbuf_add_sql_string(&sql, dc->name);
        strbuf_addstr(&sql, " || ' = ' || dv FROM src WHERE dv IN (");
        for (k = 0; k < dc->nvalues && k < 3; k++) {
            strbuf_addstr(&sql, k ? ", " : "");
            strbuf_add_sql_string(&sql, dc->values[k].text);
        }
        strbuf_addstr(&sql, ")");
    }
    strbuf_addf(
        &sql,
        "), s AS (SELECT seg, day, sum(v) AS value, sum(n) AS n FROM u WHERE day IS NOT NULL "
        "GROUP BY seg, day), d AS (SELECT CAST(range AS DATE) AS day FROM range((SELECT min(day) "
        "FROM s), (SELECT max(day) FROM s) + INTERVAL 1 DAY, INTERVAL 1 %s)), f AS (SELECT "
        "g.seg, d.day, coalesce(s.value, 0) AS value, coalesce(s.n, 0) AS n, CASE WHEN %s AND "
        "count(*) OVER (PARTITION BY g.seg) >= 56 THEN dayofweek(d.day) ELSE -1 END AS season "
        "FROM (SELECT DISTINCT seg FROM s) AS g CROSS JOIN d LEFT JOIN s ON s.seg = g.seg AND "
        "s.day = d.day), b AS (SELECT f.*, median(value) OVER w AS med FROM f WINDOW w AS "
        "(PARTITION BY seg, season ORDER BY day ROWS BETWEEN 6 PRECEDING AND 6 FOLLOWING)), e "
        "AS (SELECT b.*, abs(value - med) AS dev FROM b), m AS (SELECT e.*, median(dev) OVER w "
        "AS mad, avg(dev) OVER w AS meanad FROM e WINDOW w AS (PARTITION BY seg, season ORDER "
        "BY day ROWS BETWEEN 6 PRECEDING AND 6 FOLLOWING)), z AS (SELECT day AS %s, "
        "strftime(day, '%%A') AS weekday, round(value, 2) AS value, round(med, 2) AS baseline, "
        "round(CASE WHEN mad > 0 THEN 0.6745 * (value - med) / mad WHEN meanad > 0 THEN (value "
        "- med) / (1.2533 * meanad) END, 2) AS robust_z, n AS rows, season >= 0 AS weekly, seg "
        "AS series FROM m), ranked AS (SELECT *, count(*) OVER (PARTITION BY series) AS days, "
        "count(*) FILTER (WHERE abs(robust_z) > 3.5) OVER (PARTITION BY series) AS flagged, "
        "count(*) FILTER (WHERE robust_z > 3.5) OVER (PARTITION BY series) AS high, "
        "row_number() OVER (PARTITION BY series ORDER BY abs(robust_z) DESC NULLS LAST, 1) "
        "AS rk, first_value(%s) OVER (PARTITION BY series ORDER BY value DESC, 1) AS peak_at, "
        "max(value) OVER (PARTITION BY series) AS peak FROM z) SELECT * EXCLUDE (rk) FROM ranked "
        "WHERE (series = '(all)' AND rk <= %d) "
        "OR (series <> '(all)' AND rk = 1) ORDER BY series <> '(all)', rk, series",
        grain, strcmp(grain, "day") ? "false" : "true", grain, grain, x->top);
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;
    if (sk_quality_findings(x, in.t, &q) < 0)
        goto out;

    if (in.measure >= 0)
        strbuf_addf(&what, "%s (sum per %s)", tab->columns[in.measure].name, grain);
    else
        strbuf_addf(&what, "rows (count per %s)", grain);
    if (!r->nrows) {
        strbuf_addf(&text, "%s has no dated rows to score.", tab->relation);
    } else {
        double days = sk_num(r, 0, (size_t)wh_result_col(r, "days"), 0);
        double flagged = sk_num(r, 0, (size_t)wh_result_col(r, "flagged"), 0);
        double high = sk_num(r, 0, (size_t)wh_result_col(r, "high"), 0);
        double z = sk_num(r, 0, (size_t)wh_result_col(r, "robust_z"), 0);
        int weekly = sk_num(r, 0, (size_t)wh_result_col(r, "weekly"), 0) != 0;
        strbuf_addf(&text, "Of ");
        analyst_number(&text, days, 0);
        strbuf_addf(&text, " %ss of %s in %s, ", grain, what.buf, tab->relation);
        analyst_number(&text, flagged, 0);
        strbuf_addf(&text, " %s unusual (|robust z| > 3.5", flagged == 1 ? "is" : "are");
        if (flagged > 0) {
            strbuf_addstr(&text, ": ");
            analyst_number(&text, high, 0);
            strbuf_addstr(&text, " high, ");
            analyst_number(&text, flagged - high, 0);
            strbuf_addstr(&text, " low");
        }
        if (!strcmp(grain, "day"))
            strbuf_addf(&text, "). The most unusual day is %s (a %s): ", wh_result_text(r, 0, 0),
                        wh_result_text(r, 0, 1));
        else
            strbuf_addf(&text, "). The most unusual %s is the one starting %s: ", grain,
                        wh_result_text(r, 0, 0));
        analyst_number(&text, sk_num(r, 0, 2, 0), money);
        strbuf_addstr(&text, " against a typical ");
        analyst_number(&text, sk_num(r, 0, 3, 0), money);
        strbuf_addf(&text, "%s (robust z %.1f).", weekly ? " for that weekday" : "", z);
        if (!wh_result_is_null(r, 0, 4) && fabs(z) <= 3.5)
            strbuf_addf(&text, " No %s stands out.", grain);
        /* the largest period, which a question about the biggest spike may mean */
        k = (size_t)wh_result_col(r, "peak_at");
        if (wh_result_text(r, 0, k) && (!wh_result_text(r, 0, 0) ||
                                        strcmp(wh_result_text(r, 0, k), wh_result_text(r, 0, 0)))) {
            strbuf_addf(&text, " The largest %s is %s: ", grain, wh_result_text(r, 0, k));
            analyst_number(&text, sk_num(r, 0, k + 1, 0), money);
            strbuf_addch(&text, '.');
        }
        for (k = 0, nseg = 0; k < r->nrows; k++) {
            const char *series = wh_result_text(r, k, 7);
            if (!series || !strcmp(series, "(all)"))
                continue;
            strbuf_addf(&text, "%s %s: %s (robust z %.1f)", nseg++ ? ";" : " Most unusual for",
                        series, wh_result_text(r, k, 0), sk_num(r, k, 4, 0));
        }
        if (nseg)
            strbuf_addch(&text, '.');
        strbuf_addf(&how,
                    "series: %s, by %s of %s (the main time column; rows up to its latest "
                    "date not in the future, %s",
                    what.buf, grain, tcol->name, tcol->anchor);
        if (strcmp(grain, "day"))
            strbuf_addf(&how, "; by %s because a day holds under 5 rows on average", grain);
        strbuf_addstr(&how, "); ");
        if (kept.len)
            strbuf_addf(&how, "only rows where %s (named in the question); ", kept.buf);
        if (repeated) {
            strbuf_addf(&how, "%s is the same on every line of a %s, so it is taken once per ",
                        tab->columns[in.measure].name, tab->columns[in.g].name);
            sk_identity_words(x, &how, in.t, in.ident, in.nident);
            strbuf_addstr(&how, "; ");
        }
        strbuf_addf(&how, "%ss without rows count as 0; baseline: the median ", grain);
        if (weekly)
            strbuf_addstr(&how, "of the same weekday over the 13 weeks around the day (8 weeks "
                                "of history or more: weekly seasonality)");
        else
            strbuf_addf(&how, "of the 13 %ss around it%s", grain,
                        strcmp(grain, "day") ? ""
                                             : " (under 8 weeks of history: no weekly "
                                               "seasonality)");
        strbuf_addstr(&how, ", spread: the median absolute deviation (MAD) over the same "
                            "periods; robust z = 0.6745 × (value − median) / MAD; flagged when "
                            "|z| > 3.5");
        if (dim >= 0)
            strbuf_addf(&how,
                        "; the same for the series of the %s most frequent values of %s "
                        "(series in the table)",
                        tab->columns[dim].nvalues < 3 ? "two" : "three", tab->columns[dim].name);
        sk_caveat(x, "yearly seasonality (holidays, a December peak) is not modelled: a "
                     "flagged period in a season that is always busy may be expected");
        if (tcol->future_rows)
            sk_caveat(x, "%llu rows dated after today are left out of the series",
                      (unsigned long long)tcol->future_rows);
        sk_caveat(x, "the first and last %ss may be partial", grain);
    }
    if (q->nrows) {
        strbuf_addf(&text,
                    "\n\nData quality of %s: %zu finding%s, the most serious first:", tab->relation,
                    q->nrows, q->nrows == 1 ? "" : "s");
        findings_words(q, 5, &text);
    } else
        strbuf_addf(&text,
                    "\n\nData quality of %s: no problem found (`mdp analyze quality` checks "
                    "every table).",
                    tab->relation);
    x->a->base.text = strbuf_detach(&text, NULL);
    x->a->interpretation = strbuf_detach(&how, NULL);
    sk_evidence(x, &r, CHART_BARS, 0, 2);
    ret = 0;
out:
    wh_result_free(r);
    wh_result_free(q);
    strbuf_release(&sql);
    strbuf_release(&text);
    strbuf_release(&how);
    strbuf_release(&what);
    strbuf_release(&kept);
    return ret;
}
