/*
 * Distributions: percentiles of a measure, a histogram of the values inside Tukey's fences
 * (Q1 - 1.5 IQR .. Q3 + 1.5 IQR), and the outliers beyond them, the largest named by their
 * row's key. A measure repeated on every line of a group (an order total) is taken once per
 * group, so the distribution is of orders, not of lines.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/skill_internal.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"
#include "wh/wh.h"

#define BINS 12

static int choose(struct skill_ctx *x, int *table, int *measure)
{
    const struct catalog *c = x->c;
    int best = -1, best_rank = -1;
    size_t t;

    for (t = 0; t < c->ntables; t++) {
        int rank;
        if (x->table >= 0 && (int)t != x->table)
            continue;
        if (x->opts->by && *x->opts->by) {
            int col = catalog_find_column(c, (int)t, x->opts->by);
            if (col < 0 || !sk_is_numeric(&c->tables[t].columns[col]))
                continue;
            rank = sk_preferred(x, (int)t) * 16 + sk_layer_rank(&c->tables[t]);
        } else {
            if (sk_money_column(c, (int)t) < 0)
                continue;
            rank = sk_preferred(x, (int)t) * 16 + sk_layer_rank(&c->tables[t]) * 2 +
                   (sk_group_key(c, (int)t) >= 0);
        }
        if (rank > best_rank) {
            best = (int)t;
            best_rank = rank;
        }
    }
    if (best < 0)
        return -1;
    *table = best;
    *measure = x->opts->by && *x->opts->by ? catalog_find_column(c, best, x->opts->by)
                                           : sk_money_column(c, best);
    return 0;
}

/* "th" of 90th, "st" of 1st and 21st, "nd" of 2nd, "rd" of 3rd (whole numbers; else "th"). */
static const char *ordinal_suffix(double n)
{
    long k = (long)n;

    if ((double)k != n || (k % 100 >= 11 && k % 100 <= 13))
        return "th";
    return k % 10 == 1 ? "st" : k % 10 == 2 ? "nd" : k % 10 == 3 ? "rd" : "th";
}

int skill_distribution(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct strbuf src = STRBUF_INIT, sql = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT;
    struct strbuf kept = STRBUF_INIT;
    struct wh_result *st = NULL, *h = NULL, *o = NULL;
    const struct cat_table *tab;
    int t, m, g, ident[4], nident = 0, money, ret = -1, label;
    long long reused = 0;
    double lo, hi, q1, q3, iqr, n;
    size_t i;

    if (choose(x, &t, &m) < 0) {
        if (x->opts->by && *x->opts->by)
            ret = sk_refuse(x, "no table %shas a numeric column '%s'",
                            x->table >= 0 ? "chosen " : "", x->opts->by);
        else
            ret = sk_refuse(x,
                            "I can't find a money measure (an amount, total, price or "
                            "revenue) %s; name a numeric column with --by",
                            x->table >= 0 ? "in that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[t];
    g = sk_group_key(c, t);
    money = sk_is_money(&tab->columns[m]);
    label = tab->key >= 0 ? tab->key : g;

    /* the values: one per row, or one per group when the value repeats within it */
    if (g >= 0 && tab->columns[m].repeated_within == g) {
        nident = sk_basket_identity(x, t, g, -1, ident, &reused);
        strbuf_addstr(&src, "SELECT ");
        sk_col(x, &src, NULL, t, g);
        strbuf_addstr(&src, " AS label, CAST(any_value(");
        sk_col(x, &src, NULL, t, m);
        strbuf_addf(&src, ") AS DOUBLE) AS v FROM %s WHERE true", tab->relation);
        sk_filters(x, t, NULL, &src, &kept);
        strbuf_addstr(&src, " GROUP BY ");
        for (i = 0; i < (size_t)nident; i++) {
            strbuf_addstr(&src, i ? ", " : "");
            sk_col(x, &src, NULL, t, ident[i]);
        }
        label = g;
    } else {
        strbuf_addstr(&src, "SELECT ");
        if (label >= 0)
            sk_col(x, &src, NULL, t, label);
        else
            strbuf_addstr(&src, "NULL");
        strbuf_addstr(&src, " AS label, CAST(");
        sk_col(x, &src, NULL, t, m);
        strbuf_addf(&src, " AS DOUBLE) AS v FROM %s WHERE true", tab->relation);
        sk_filters(x, t, NULL, &src, &kept);
    }

    strbuf_addf(&sql,
                "WITH s AS (%s) SELECT count(v) AS n, count(*) - count(v) AS missing, min(v) AS "
                "min, quantile_cont(v, 0.01) AS p1, quantile_cont(v, 0.05) AS p5, "
                "quantile_cont(v, 0.25) AS p25, quantile_cont(v, 0.5) AS p50, quantile_cont(v, "
                "0.75) AS p75, quantile_cont(v, 0.95) AS p95, quantile_cont(v, 0.99) AS p99, "
                "max(v) AS max, avg(v) AS mean, stddev_samp(v) AS sd",
                src.buf);
    for (i = 0; i < x->opts->npercentiles; i++)
        strbuf_addf(&sql, ", quantile_cont(v, %.17g) AS asked%zu", x->opts->percentiles[i], i);
    strbuf_addstr(&sql, " FROM s");
    if (sk_query(x, sql.buf, &st) < 0)
        goto out;
    n = sk_num(st, 0, 0, 0);
    if (n <= 0) {
        ret = sk_refuse(x, "%s.%s has no values", tab->relation, tab->columns[m].name);
        goto out;
    }
    q1 = sk_num(st, 0, 5, 0);
    q3 = sk_num(st, 0, 7, 0);
    iqr = q3 - q1;
    lo = fmax(sk_num(st, 0, 2, 0), q1 - 1.5 * iqr);
    hi = fmin(sk_num(st, 0, 10, 0), q3 + 1.5 * iqr);
    if (hi <= lo)
        hi = lo + 1;

    strbuf_reset(&sql);
    strbuf_addf(
        &sql,
        "WITH s AS (%s), b AS (SELECT least(%d - 1, CAST(floor((v - %.17g) / (%.17g / "
        "%d)) AS INTEGER)) AS bin FROM s WHERE v >= %.17g AND v <= %.17g) SELECT "
        "printf('%%.2f .. %%.2f', %.17g + bin * %.17g / %d, %.17g + (bin + 1) * %.17g / "
        "%d) AS range, count(b.bin) AS rows FROM range(0, %d) r(bin) LEFT JOIN b USING (bin) "
        "GROUP BY bin ORDER BY bin",
        src.buf, BINS, lo, hi - lo, BINS, lo, hi, lo, hi - lo, BINS, lo, hi - lo, BINS, BINS);
    if (sk_query(x, sql.buf, &h) < 0)
        goto out;

    strbuf_reset(&sql);
    strbuf_addf(&sql,
                "WITH s AS (%s) SELECT CAST(label AS VARCHAR) AS label, v, count(*) OVER () AS "
                "outliers, count(*) FILTER (WHERE v > %.17g) OVER () AS high FROM s WHERE v < "
                "%.17g OR v > %.17g ORDER BY abs(v - %.17g) DESC, label LIMIT 5",
                src.buf, q3 + 1.5 * iqr, q1 - 1.5 * iqr, q3 + 1.5 * iqr, sk_num(st, 0, 6, 0));
    if (sk_query(x, sql.buf, &o) < 0)
        goto out;

    strbuf_addf(&text, "%s %s of %s (", tab->columns[m].name, nident ? "per order" : "per row",
                tab->relation);
    analyst_number(&text, n, 0);
    strbuf_addstr(&text, " values): median ");
    analyst_number(&text, sk_num(st, 0, 6, 0), money);
    strbuf_addstr(&text, ", middle half ");
    analyst_number(&text, q1, money);
    strbuf_addstr(&text, " to ");
    analyst_number(&text, q3, money);
    strbuf_addstr(&text, ", 5th to 95th percentile ");
    analyst_number(&text, sk_num(st, 0, 4, 0), money);
    strbuf_addstr(&text, " to ");
    analyst_number(&text, sk_num(st, 0, 8, 0), money);
    strbuf_addstr(&text, ", mean ");
    analyst_number(&text, sk_num(st, 0, 11, 0), money);
    strbuf_addstr(&text, ", range ");
    analyst_number(&text, sk_num(st, 0, 2, 0), money);
    strbuf_addstr(&text, " to ");
    analyst_number(&text, sk_num(st, 0, 10, 0), money);
    for (i = 0; i < x->opts->npercentiles; i++) {
        double pct = x->opts->percentiles[i] * 100;
        strbuf_addf(&text, "%s%g%s percentile ", i ? ", " : "; the ", pct, ordinal_suffix(pct));
        analyst_number(&text, sk_num(st, 0, 13 + i, 0), money);
    }
    strbuf_addstr(&text, ". ");
    if (o->nrows) {
        double out_n = sk_num(o, 0, 2, 0), high = sk_num(o, 0, 3, 0);
        analyst_number(&text, out_n, 0);
        strbuf_addstr(&text, " outliers beyond Q1 − 1.5 IQR and Q3 + 1.5 IQR (");
        analyst_number(&text, high, 0);
        strbuf_addstr(&text, " high, ");
        analyst_number(&text, out_n - high, 0);
        strbuf_addstr(&text, " low); the most extreme: ");
        for (i = 0; i < o->nrows; i++) {
            strbuf_addstr(&text, i ? ", " : "");
            analyst_number(&text, sk_num(o, i, 1, 0), money);
            if (label >= 0 && wh_result_text(o, i, 0))
                strbuf_addf(&text, " (%s %s)", tab->columns[label].name, wh_result_text(o, i, 0));
        }
        strbuf_addch(&text, '.');
    } else
        strbuf_addstr(&text, "No outliers beyond Q1 − 1.5 IQR and Q3 + 1.5 IQR.");
    x->a->base.text = strbuf_detach(&text, NULL);

    strbuf_addf(&how, "%s of %s (%s)", tab->columns[m].name, tab->relation,
                x->opts->by && *x->opts->by ? "asked for" : "its money measure");
    if (nident) {
        strbuf_addf(&how, ", the same on every line of a %s, so taken once per ",
                    tab->columns[g].name);
        sk_identity_words(x, &how, t, ident, nident);
    }
    if (kept.len)
        strbuf_addf(&how, "; only rows where %s (named in the question)", kept.buf);
    strbuf_addf(&how,
                "; percentiles by linear interpolation; the histogram has %d equal bins "
                "between the fences (or the range, when narrower); outliers lie beyond "
                "them",
                BINS);
    x->a->interpretation = strbuf_detach(&how, NULL);
    if (sk_num(st, 0, 1, 0) > 0)
        sk_caveat(x, "%.0f rows without a value are left out", sk_num(st, 0, 1, 0));
    if (reused > 0)
        sk_caveat(x,
                  "%lld %s values are reused; the orders are told apart by the other columns "
                  "of their identity",
                  reused, tab->columns[g].name);
    sk_evidence(x, &h, CHART_BARS, 0, 1);
    ret = 0;
out:
    wh_result_free(st);
    wh_result_free(h);
    wh_result_free(o);
    strbuf_release(&src);
    strbuf_release(&sql);
    strbuf_release(&text);
    strbuf_release(&how);
    strbuf_release(&kept);
    return ret;
}
