/*
 * Customer lifetime value (historical): revenue per customer, over the customers who bought
 * (the headline) and over all customers, as average order value x purchase frequency, with the
 * average lifespan between a customer's first and last order.
 *
 * Inputs from roles: a fact table with a money measure and a foreign key to a table of people
 * or accounts; orders are the values of its group key (told apart by the customer and the time
 * when an id is reused), or its rows when it has none. A money amount repeated on every line
 * of an order is taken once per order; a line amount is summed over the order's lines.
 */
#include <stdlib.h>
#include <string.h>

#include "analyst/skill_internal.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"
#include "wh/wh.h"

struct clv_input {
    int t, customer, money, time, g;
    int ref, ref_key;
    int seg, seg_on_ref; /* --by: a column of ref (seg_on_ref) or of t; -1 none */
    int ident[4], nident;
    long long reused;
};

static int choose_table(struct skill_ctx *x, struct clv_input *in)
{
    const struct catalog *c = x->c;
    int best = sk_best_table(x, SK_NEED_MONEY | SK_NEED_CUSTOMER);

    if (best < 0)
        return -1;
    in->t = best;
    in->customer = sk_customer_column(c, best);
    in->money = sk_money_column(c, best);
    in->time = sk_time_column(c, best);
    in->g = sk_group_key(c, best);
    in->ref = c->tables[best].columns[in->customer].ref_table;
    in->ref_key = c->tables[best].columns[in->customer].ref_column;
    return 0;
}

/* A stored lifetime value: a measure of the customer table named so, or -1. */
static int stored_ltv(const struct catalog *c, int ref)
{
    const struct cat_table *tab = &c->tables[ref];
    size_t i;

    for (i = 0; i < tab->ncolumns; i++)
        if (sk_is_measure(&tab->columns[i]) &&
            (sk_col_word(&tab->columns[i], "lifetim") || sk_col_word(&tab->columns[i], "ltv") ||
             sk_col_word(&tab->columns[i], "clv")))
            return (int)i;
    return -1;
}

/* The orders CTE o(customer, amount, at[, segment]) and the customers CTE c. */
static void orders_sql(struct skill_ctx *x, const struct clv_input *in, struct strbuf *sql)
{
    const struct cat_table *tab = &x->c->tables[in->t];
    int repeated = in->g >= 0 && tab->columns[in->money].repeated_within == in->g;

    strbuf_addstr(sql, "WITH o AS (SELECT ");
    if (in->nident > 0) {
        sk_identity_select(x, sql, "x", in->t, in->ident, in->nident);
        strbuf_addstr(sql, ", ");
    }
    sk_col(x, sql, "x", in->t, in->customer);
    strbuf_addf(sql, " AS customer, %s(", in->nident > 0 ? (repeated ? "any_value" : "sum") : "");
    sk_col(x, sql, "x", in->t, in->money);
    strbuf_addstr(sql, ") AS amount, ");
    if (in->time >= 0) {
        strbuf_addstr(sql, in->nident > 0 ? "min(" : "(");
        sk_col(x, sql, "x", in->t, in->time);
        strbuf_addstr(sql, ")");
    } else
        strbuf_addstr(sql, "NULL::TIMESTAMP");
    strbuf_addstr(sql, " AS ordered_at");
    if (in->seg >= 0 && !in->seg_on_ref) {
        strbuf_addstr(sql, in->nident > 0 ? ", any_value(" : ", (");
        sk_col(x, sql, "x", in->t, in->seg);
        strbuf_addstr(sql, ") AS segment");
    }
    strbuf_addf(sql, " FROM %s AS x WHERE ", tab->relation);
    sk_col(x, sql, "x", in->t, in->customer);
    strbuf_addstr(sql, " IS NOT NULL");
    sk_filters(x, in->t, "x", sql, NULL);
    if (in->nident > 0)
        strbuf_addstr(sql, " GROUP BY ALL");
    strbuf_addstr(sql, "), c AS (SELECT customer, sum(amount) AS revenue, count(*) AS orders, "
                       "date_diff('day', min(ordered_at), max(ordered_at)) AS lifespan_days");
    if (in->seg >= 0 && !in->seg_on_ref)
        strbuf_addstr(sql, ", any_value(segment) AS segment");
    strbuf_addstr(sql, " FROM o GROUP BY customer)");
}

static void add_metric(struct wh_result *r, const char *metric, double v, int money,
                       const char *meaning)
{
    struct strbuf sb = STRBUF_INIT;
    const char *cells[3];

    strbuf_addf(&sb, money ? "%.2f" : "%.4g", v);
    cells[0] = metric;
    cells[1] = sb.buf;
    cells[2] = meaning;
    wh_result_add_row(r, cells);
    strbuf_release(&sb);
}

int skill_clv(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct clv_input in;
    struct strbuf sql = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT, kept = STRBUF_INIT;
    struct wh_result *r = NULL, *seg = NULL, *ltv = NULL;
    const struct cat_table *tab;
    const struct cat_column *money;
    int ret = -1, stored;
    size_t i, k;

    memset(&in, 0, sizeof(in));
    in.seg = -1;
    if (choose_table(x, &in) < 0) {
        ret = sk_refuse(x,
                        "I can't compute customer lifetime value %s: no table has both a money "
                        "measure (an amount, total, price or revenue) and a customer key (a "
                        "foreign key to a table of customers, users or accounts)",
                        x->table >= 0 ? "from that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[in.t];
    money = &tab->columns[in.money];
    if (x->opts->by && *x->opts->by) {
        in.seg = catalog_find_column(c, in.ref, x->opts->by);
        in.seg_on_ref = in.seg >= 0;
        if (in.seg < 0 && (in.seg = sk_find_column(x, in.t, x->opts->by)) < 0) {
            ret = 0;
            goto out;
        }
    }
    if (in.g >= 0) {
        in.nident = sk_basket_identity(x, in.t, in.g, -1, in.ident, &in.reused);
    }

    sk_filters(x, in.t, "x", &sql, &kept);
    strbuf_reset(&sql);
    orders_sql(x, &in, &sql);
    {
        struct strbuf all = STRBUF_INIT;
        strbuf_addstr(&all, "(SELECT count(DISTINCT ");
        wh_add_ident(x->wh, &all, c->tables[in.ref].columns[in.ref_key].name);
        strbuf_addf(&all, ") FROM %s)", c->tables[in.ref].relation);
        strbuf_addf(&sql,
                    " SELECT sum(revenue) AS revenue, sum(orders) AS orders, count(*) AS buyers, "
                    "%s AS customers, sum(revenue) / count(*) AS clv_buyers, sum(revenue) / %s "
                    "AS clv_customers, sum(revenue) / sum(orders) AS aov, sum(orders) / count(*) "
                    "AS frequency, avg(lifespan_days) AS lifespan_days FROM c",
                    all.buf, all.buf);
        strbuf_release(&all);
    }
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;
    if (sk_num(r, 0, 2, 0) <= 0) {
        ret = sk_refuse(x, "%s has no row with a %s: no customer has bought", tab->relation,
                        tab->columns[in.customer].name);
        goto out;
    }

    if (in.seg >= 0) {
        strbuf_reset(&sql);
        orders_sql(x, &in, &sql);
        if (in.seg_on_ref) {
            strbuf_addstr(&sql, " SELECT s.");
            wh_add_ident(x->wh, &sql, c->tables[in.ref].columns[in.seg].name);
            strbuf_addstr(&sql, " AS segment");
        } else
            strbuf_addstr(&sql, " SELECT c.segment AS segment");
        strbuf_addstr(&sql, ", round(sum(c.revenue) / count(c.customer), 2) AS clv_buyers, ");
        strbuf_addstr(&sql, in.seg_on_ref ? "round(coalesce(sum(c.revenue), 0) / count(*), 2)"
                                          : "NULL::DOUBLE");
        strbuf_addstr(&sql, " AS clv_customers, round(sum(c.revenue) / sum(c.orders), 2) AS aov, "
                            "round(sum(c.orders) / count(c.customer), 3) AS frequency, "
                            "count(c.customer) AS buyers, ");
        strbuf_addstr(&sql, in.seg_on_ref ? "count(*)" : "count(c.customer)");
        strbuf_addstr(&sql, " AS customers, round(sum(c.revenue), 2) AS revenue");
        if (in.seg_on_ref) {
            strbuf_addf(&sql, " FROM %s AS s LEFT JOIN c ON c.customer = s.",
                        c->tables[in.ref].relation);
            wh_add_ident(x->wh, &sql, c->tables[in.ref].columns[in.ref_key].name);
        } else
            strbuf_addstr(&sql, " FROM c");
        strbuf_addstr(&sql, " GROUP BY 1 ORDER BY clv_buyers DESC NULLS LAST, 1");
        if (sk_query(x, sql.buf, &seg) < 0)
            goto out;
    }

    stored = stored_ltv(c, in.ref);
    if (stored >= 0) {
        strbuf_reset(&sql);
        strbuf_addstr(&sql, "SELECT avg(");
        wh_add_ident(x->wh, &sql, c->tables[in.ref].columns[stored].name);
        strbuf_addf(&sql, "), count(*) FROM %s", c->tables[in.ref].relation);
        if (sk_query(x, sql.buf, &ltv) < 0)
            goto out;
    }

    {
        double revenue = sk_num(r, 0, 0, 0), orders = sk_num(r, 0, 1, 0);
        double buyers = sk_num(r, 0, 2, 0), customers = sk_num(r, 0, 3, 0);
        double clv_b = sk_num(r, 0, 4, 0), clv_c = sk_num(r, 0, 5, 0);
        double aov = sk_num(r, 0, 6, 0), freq = sk_num(r, 0, 7, 0);
        double life = sk_num(r, 0, 8, 0);
        static const char *const names[] = {"metric", "value", "meaning"};
        static const enum wh_type types[] = {WH_T_TEXT, WH_T_FLOAT, WH_T_TEXT};

        strbuf_addstr(&text, "Average customer lifetime value is ");
        analyst_number(&text, clv_b, 1);
        strbuf_addf(&text, " per customer who bought%s%s (",
                    kept.len ? ", counting rows where " : "", kept.buf);
        analyst_number(&text, buyers, 0);
        strbuf_addstr(&text, " buyers), or ");
        analyst_number(&text, clv_c, 1);
        strbuf_addstr(&text, " over all ");
        analyst_number(&text, customers, 0);
        strbuf_addf(&text, " customers in %s. CLV = average order value × purchase frequency = ",
                    c->tables[in.ref].relation);
        analyst_number(&text, aov, 1);
        strbuf_addstr(&text, " × ");
        analyst_number(&text, freq, 0);
        strbuf_addstr(&text, " orders per buyer = ");
        analyst_number(&text, aov * freq, 1);
        strbuf_addstr(&text, " (revenue ");
        analyst_number(&text, revenue, 1);
        strbuf_addstr(&text, " / ");
        analyst_number(&text, buyers, 0);
        strbuf_addstr(&text, " buyers).");
        if (in.time >= 0) {
            strbuf_addstr(&text, " A buyer's first and last orders are ");
            analyst_number(&text, life, 0);
            strbuf_addstr(&text, " days apart on average.");
        }
        if (ltv && !wh_result_is_null(ltv, 0, 0)) {
            strbuf_addf(&text, " The stored %s.%s averages ", c->tables[in.ref].relation,
                        c->tables[in.ref].columns[stored].name);
            analyst_number(&text, sk_num(ltv, 0, 0, 0), 1);
            strbuf_addstr(&text, " per customer.");
        }
        if (seg && seg->nrows) {
            strbuf_addf(&text, " By %s, the highest is %s at ", x->opts->by,
                        wh_result_text(seg, 0, 0) ? wh_result_text(seg, 0, 0) : "(none)");
            analyst_number(&text, sk_num(seg, 0, 1, 0), 1);
            strbuf_addstr(&text, " per buyer.");
        }
        x->a->base.text = strbuf_detach(&text, NULL);

        if (seg) {
            sk_evidence(x, &seg, CHART_BARS, 0, 1);
        } else {
            struct wh_result *m = wh_result_new(3, names, types);
            add_metric(m, "revenue", revenue, 1, "money of every order");
            add_metric(m, "orders", orders, 0, "orders (baskets) with a customer");
            add_metric(m, "buyers", buyers, 0, "customers with at least one order");
            add_metric(m, "customers", customers, 0, "every customer, buyers or not");
            add_metric(m, "average order value", aov, 1, "revenue / orders");
            add_metric(m, "purchase frequency", freq, 0, "orders / buyers");
            add_metric(m, "clv over buyers", clv_b, 1, "revenue / buyers = AOV x frequency");
            add_metric(m, "clv over all customers", clv_c, 1, "revenue / customers");
            if (in.time >= 0)
                add_metric(m, "lifespan (days)", life, 0, "first to last order, per buyer");
            x->a->table = m;
        }
    }

    strbuf_addf(&how, "revenue: %s of %s (%s: a money measure", money->name, tab->relation,
                money->name);
    if (in.g >= 0 && money->repeated_within == in.g)
        strbuf_addf(&how, ", the same on every line of a %s, so taken once per order",
                    tab->columns[in.g].name);
    else if (in.g >= 0)
        strbuf_addf(&how, ", summed over the lines of each order");
    strbuf_addstr(&how, "); orders: ");
    if (in.nident > 0)
        sk_identity_words(x, &how, in.t, in.ident, in.nident);
    else
        strbuf_addstr(&how, "rows");
    strbuf_addf(&how, "; customers: %s (a foreign key to %s)", tab->columns[in.customer].name,
                c->tables[in.ref].relation);
    if (in.time >= 0)
        strbuf_addf(&how, "; time: %s", tab->columns[in.time].name);
    if (kept.len)
        strbuf_addf(&how, "; only rows where %s (named in the question)", kept.buf);
    if (in.seg >= 0)
        strbuf_addf(&how, "; segments: %s.%s",
                    in.seg_on_ref ? c->tables[in.ref].relation : tab->relation, x->opts->by);
    x->a->interpretation = strbuf_detach(&how, NULL);

    sk_caveat(x, "historical value: what customers have spent so far, not a forecast of what "
                 "they will spend");
    if (in.reused > 0)
        sk_caveat(x,
                  "%lld %s values are reused by different orders; orders are told apart by "
                  "the other columns of their identity",
                  in.reused, tab->columns[in.g].name);
    if (money->negative_fraction > 0)
        sk_caveat(x,
                  "%.1f%% of %s values are negative (refunds or errors) and are included as they "
                  "are",
                  money->negative_fraction * 100, money->name);
    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        struct strbuf v = STRBUF_INIT;
        if (!(col->roles & CAT_ROLE_DIMENSION) || sk_filtered(x, in.t, (int)i))
            continue;
        for (k = 0; k < col->nvalues; k++)
            if (strstr(col->values[k].key, "cancel") || strstr(col->values[k].key, "refund") ||
                strstr(col->values[k].key, "return") || strstr(col->values[k].key, "fail"))
                strbuf_addf(&v, "%s'%s'", v.len ? ", " : "", col->values[k].text);
        if (v.len)
            sk_caveat(x,
                      "every %s is counted, including %s: filter it with `mdp ask` to count only "
                      "what was kept",
                      col->name, v.buf);
        strbuf_release(&v);
    }
    if (in.seg >= 0 && !in.seg_on_ref)
        sk_caveat(x,
                  "a buyer's %s is taken from one of their orders; customers who never bought "
                  "are not in any segment",
                  x->opts->by);
    ret = 0;
out:
    wh_result_free(r);
    wh_result_free(seg);
    wh_result_free(ltv);
    strbuf_release(&sql);
    strbuf_release(&text);
    strbuf_release(&how);
    strbuf_release(&kept);
    return ret;
}
