/*
 * Growth and drivers: the main money measure in the latest complete month against the month
 * before (period over period) and the same month a year earlier (year over year), absolute
 * and % change, and which values of the main dimensions drove the change from the month
 * before (each value's change and its share of the total change).
 *
 * Dimensions: low-cardinality categories of the fact table, and of the tables its foreign
 * keys reach (a product's category, a store's name). When the measure is an order amount
 * repeated on its lines, only dimensions constant within the order qualify, and the amount
 * is taken once per order.
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

#define MAX_DIMS 3

struct dim {
    int table, column; /* the column; table is the fact or a table one foreign key away */
    int via;           /* the fact's foreign key reaching table, or -1 */
};

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

static void month_words(struct strbuf *sb, int days)
{
    int y, m, d;

    civil_from_days(days, &y, &m, &d);
    strbuf_addf(sb, "%s %d", month_names[m - 1], y);
}

static int add_months(int days, int n)
{
    int y, m, d, k = 0;

    civil_from_days(days, &y, &m, &d);
    k = y * 12 + (m - 1) + n;
    return days_from_civil(k / 12, k % 12 + 1, 1);
}

static int in_list(const int *v, size_t n, int x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

/* The dimensions to split the change by (--by, or up to MAX_DIMS chosen). */
static size_t choose_dims(struct skill_ctx *x, int t, int repeated, const int *constant,
                          size_t nconstant, struct dim *out)
{
    const struct catalog *c = x->c;
    const struct cat_table *tab = &c->tables[t];
    size_t n = 0, i, j;

    if (x->opts->by && *x->opts->by) {
        int col = catalog_find_column(c, t, x->opts->by);
        if (col >= 0) {
            out[0] = (struct dim){t, col, -1};
            return 1;
        }
        for (i = 0; i < tab->ncolumns; i++) {
            const struct cat_column *fk = &tab->columns[i];
            if (!(fk->roles & CAT_ROLE_FOREIGN_KEY) || fk->ref_table < 0)
                continue;
            col = catalog_find_column(c, fk->ref_table, x->opts->by);
            if (col >= 0) {
                out[0] = (struct dim){fk->ref_table, col, (int)i};
                return 1;
            }
        }
        return 0;
    }
    for (i = 0; i < tab->ncolumns && n < MAX_DIMS; i++)
        if (sk_good_dimension(&tab->columns[i]) && !sk_filtered(x, t, (int)i) &&
            (!repeated || in_list(constant, nconstant, (int)i)))
            out[n++] = (struct dim){t, (int)i, -1};
    for (i = 0; i < tab->ncolumns && n < MAX_DIMS; i++) {
        const struct cat_column *fk = &tab->columns[i];
        const struct cat_table *ref;
        if (!(fk->roles & CAT_ROLE_FOREIGN_KEY) || fk->ref_table < 0 || fk->ref_table == t ||
            fk->null_fraction > 0.5 || (repeated && !in_list(constant, nconstant, (int)i)))
            continue;
        ref = &c->tables[fk->ref_table];
        /* the first category of each table reached, for variety */
        for (j = 0; j < ref->ncolumns; j++) {
            size_t k;
            int dup = 0;
            if (!sk_good_dimension(&ref->columns[j]) || sk_filtered(x, fk->ref_table, (int)j))
                continue;
            /* a denormalised copy on the fact already stands for it */
            for (k = 0; k < n; k++)
                dup |= !strcmp(c->tables[out[k].table].columns[out[k].column].name,
                               ref->columns[j].name);
            if (!dup) {
                out[n++] = (struct dim){fk->ref_table, (int)j, (int)i};
                break;
            }
        }
    }
    return n;
}

int skill_growth(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct strbuf sql = STRBUF_INIT, src = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT;
    struct strbuf range = STRBUF_INIT, kept = STRBUF_INIT;
    struct wh_result *tot = NULL, *drv = NULL;
    struct dim dims[MAX_DIMS];
    const struct cat_table *tab;
    int t, m, tc, g, repeated, ident[4], nident = 0, ret = -1, anchor, cur, prev, yago;
    int constant[68];
    size_t ndims, i, nconstant = 0;
    long long reused = 0;
    double vcur, vprev, vyago;

    t = sk_best_table(x, SK_NEED_MONEY | SK_NEED_TIME);
    if (t < 0) {
        ret = sk_refuse(x,
                        "I can't measure growth %s: no table has both a money measure (an "
                        "amount, total, price or revenue) and a date",
                        x->table >= 0 ? "in that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[t];
    m = sk_money_column(c, t);
    tc = sk_time_column(c, t);
    g = sk_group_key(c, t);
    repeated = g >= 0 && tab->columns[m].repeated_within == g;
    if (repeated) {
        const struct cat_grouping *gr = sk_grouping(c, t, g);
        nident = sk_basket_identity(x, t, g, -1, ident, &reused);
        for (i = 0; i < (size_t)nident; i++)
            constant[nconstant++] = ident[i];
        for (i = 0; gr && i < gr->nconstant && nconstant < 64; i++)
            constant[nconstant++] = gr->constant[i];
    }
    ndims = choose_dims(x, t, repeated, constant, nconstant, dims);
    if (x->opts->by && *x->opts->by && !ndims) {
        ret = sk_refuse(x, "neither %s nor a table its foreign keys reach has a column '%s'",
                        tab->relation, x->opts->by);
        goto out;
    }

    /* the latest complete month, the month before, and the same month a year earlier */
    if (days_parse(tab->columns[tc].anchor, &anchor) < 0) {
        ret = sk_refuse(x, "%s.%s has no dates", tab->relation, tab->columns[tc].name);
        goto out;
    }
    cur = add_months(anchor + 1, -1);
    prev = add_months(cur, -1);
    yago = add_months(cur, -12);

    /* one value per order (or row), its time and its dimensions */
    strbuf_addstr(&src, "SELECT ");
    strbuf_addstr(&src, repeated ? "min(" : "(");
    sk_col(x, &src, "x", t, tc);
    strbuf_addstr(&src, repeated ? ") AS t, any_value(" : ") AS t, (");
    sk_col(x, &src, "x", t, m);
    strbuf_addstr(&src, ") AS v");
    for (i = 0; i < ndims; i++) {
        strbuf_addf(&src, ", %s(CAST(", repeated ? "any_value" : "");
        if (dims[i].via >= 0)
            strbuf_addf(&src, "r%zu.", i);
        else
            strbuf_addstr(&src, "x.");
        wh_add_ident(x->wh, &src, c->tables[dims[i].table].columns[dims[i].column].name);
        strbuf_addf(&src, " AS VARCHAR)) AS d%zu", i);
    }
    strbuf_addf(&src, " FROM %s AS x", tab->relation);
    for (i = 0; i < ndims; i++)
        if (dims[i].via >= 0) {
            const struct cat_column *fk = &tab->columns[dims[i].via];
            strbuf_addf(&src, " LEFT JOIN %s AS r%zu ON r%zu.", c->tables[fk->ref_table].relation,
                        i, i);
            wh_add_ident(x->wh, &src, c->tables[fk->ref_table].columns[fk->ref_column].name);
            strbuf_addstr(&src, " = ");
            sk_col(x, &src, "x", t, dims[i].via);
        }
    strbuf_addstr(&src, " WHERE true");
    sk_filters(x, t, "x", &src, &kept);
    if (repeated) {
        strbuf_addstr(&src, " GROUP BY ");
        for (i = 0; i < (size_t)nident; i++) {
            strbuf_addstr(&src, i ? ", " : "");
            sk_col(x, &src, "x", t, ident[i]);
        }
    }
#define IN_MONTH(sb, start)                                                                        \
    do {                                                                                           \
        strbuf_addstr(sb, "t >= DATE '");                                                          \
        sk_day(sb, start);                                                                         \
        strbuf_addstr(sb, "' AND t < DATE '");                                                     \
        sk_day(sb, add_months(start, 1));                                                          \
        strbuf_addstr(sb, "'");                                                                    \
    } while (0)
    strbuf_addf(&sql, "WITH s AS (%s) SELECT sum(v) FILTER (WHERE ", src.buf);
    IN_MONTH(&sql, cur);
    strbuf_addstr(&sql, ") AS current, sum(v) FILTER (WHERE ");
    IN_MONTH(&sql, prev);
    strbuf_addstr(&sql, ") AS previous, sum(v) FILTER (WHERE ");
    IN_MONTH(&sql, yago);
    strbuf_addstr(&sql, ") AS year_ago FROM s");
    if (sk_query(x, sql.buf, &tot) < 0)
        goto out;
    vcur = sk_num(tot, 0, 0, 0);
    vprev = sk_num(tot, 0, 1, 0);
    vyago = sk_num(tot, 0, 2, 0);

    if (ndims) {
        strbuf_reset(&sql);
        strbuf_addf(&sql, "WITH s AS (%s), d AS (", src.buf);
        for (i = 0; i < ndims; i++) {
            strbuf_addf(&sql, "%sSELECT '%s' AS dimension, coalesce(d%zu, '(none)') AS value, ",
                        i ? " UNION ALL " : "",
                        c->tables[dims[i].table].columns[dims[i].column].name, i);
            strbuf_addstr(&sql, "coalesce(sum(v) FILTER (WHERE ");
            IN_MONTH(&sql, prev);
            strbuf_addstr(&sql, "), 0) AS previous, coalesce(sum(v) FILTER (WHERE ");
            IN_MONTH(&sql, cur);
            strbuf_addf(&sql, "), 0) AS current FROM s GROUP BY 1, 2");
        }
        strbuf_addf(&sql,
                    ") SELECT dimension, value, round(previous, 2) AS previous, round(current, "
                    "2) AS current, round(current - previous, 2) AS change, round(100 * "
                    "(current - previous) / nullif(previous, 0), 1) AS pct_change, round(100 * "
                    "(current - previous) / nullif(%.17g, 0), 1) AS share_of_change FROM d "
                    "ORDER BY (current - previous) * %d DESC, dimension, value LIMIT %d",
                    vcur - vprev, vcur >= vprev ? 1 : -1, x->top);
        if (sk_query(x, sql.buf, &drv) < 0)
            goto out;
    }
#undef IN_MONTH

    {
        int money = 1;
        strbuf_addf(&text, "%s in ", tab->columns[m].name);
        month_words(&text, cur);
        strbuf_addstr(&text, " was ");
        analyst_number(&text, vcur, money);
        strbuf_addf(&text, ", %s ", vcur >= vprev ? "up" : "down");
        if (vprev != 0)
            strbuf_addf(&text, "%.1f%% (", fabs(100 * (vcur - vprev) / vprev));
        strbuf_addstr(&text, vcur >= vprev ? "+" : "");
        analyst_number(&text, vcur - vprev, money);
        strbuf_addstr(&text, vprev != 0 ? ") from " : " from ");
        month_words(&text, prev);
        strbuf_addstr(&text, " (");
        analyst_number(&text, vprev, money);
        strbuf_addstr(&text, ")");
        if (!wh_result_is_null(tot, 0, 2)) {
            strbuf_addf(&text, ", and %s ", vcur >= vyago ? "up" : "down");
            if (vyago != 0)
                strbuf_addf(&text, "%.1f%% ", fabs(100 * (vcur - vyago) / vyago));
            strbuf_addstr(&text, "from ");
            month_words(&text, yago);
            strbuf_addstr(&text, " (");
            analyst_number(&text, vyago, money);
            strbuf_addstr(&text, ")");
        } else
            strbuf_addstr(&text, "; there is no data a year earlier");
        strbuf_addch(&text, '.');
        if (drv && drv->nrows) {
            strbuf_addf(&text, " The biggest driver: %s = %s, ", wh_result_text(drv, 0, 0),
                        wh_result_text(drv, 0, 1));
            strbuf_addstr(&text, sk_num(drv, 0, 4, 0) >= 0 ? "+" : "");
            analyst_number(&text, sk_num(drv, 0, 4, 0), money);
            if (!wh_result_is_null(drv, 0, 6))
                strbuf_addf(&text, " (%.0f%% of the change)", sk_num(drv, 0, 6, 0));
            strbuf_addch(&text, '.');
        }
    }
    x->a->base.text = strbuf_detach(&text, NULL);

    month_words(&range, cur);
    strbuf_addf(&how, "measure: sum of %s in %s (its money measure)", tab->columns[m].name,
                tab->relation);
    if (repeated) {
        strbuf_addf(&how, ", the same on every line of a %s, so taken once per ",
                    tab->columns[g].name);
        sk_identity_words(x, &how, t, ident, nident);
    }
    strbuf_addf(&how,
                "; periods by %s: %s is the latest complete month before the data's "
                "latest date (%s), against the month before and the same month a year "
                "earlier",
                tab->columns[tc].name, range.buf, tab->columns[tc].anchor);
    if (ndims) {
        strbuf_addstr(&how, "; drivers: the change from the month before split by ");
        for (i = 0; i < ndims; i++) {
            strbuf_addf(&how, "%s%s.%s", i ? ", " : "", c->tables[dims[i].table].relation,
                        c->tables[dims[i].table].columns[dims[i].column].name);
            if (dims[i].via >= 0)
                strbuf_addf(&how, " (through %s)", tab->columns[dims[i].via].name);
        }
        strbuf_addstr(&how, ", the values that moved most in the direction of the total change "
                            "first; share_of_change is the value's change as "
                            "a % of the total change (the values of one dimension add up to "
                            "100%)");
    }
    if (kept.len)
        strbuf_addf(&how, "; only rows where %s (named in the question)", kept.buf);
    x->a->interpretation = strbuf_detach(&how, NULL);
    if (!kept.len)
        sk_caveat(x, "every row counts, whatever its status; filter with `mdp ask` for a "
                     "narrower definition of sales");
    if (reused > 0)
        sk_caveat(x,
                  "%lld %s values are reused; orders are told apart by the other columns of "
                  "their identity",
                  reused, tab->columns[g].name);
    if (drv) {
        sk_evidence(x, &drv, CHART_BARS, 1, 4);
    }
    ret = 0;
out:
    wh_result_free(tot);
    wh_result_free(drv);
    strbuf_release(&sql);
    strbuf_release(&src);
    strbuf_release(&text);
    strbuf_release(&how);
    strbuf_release(&range);
    strbuf_release(&kept);
    return ret;
}
