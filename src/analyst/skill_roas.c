/*
 * Campaign return on ad spend: revenue attributed to each campaign (orders whose rows carry
 * its key) over what was spent on it, the spend counted once per campaign row of its own
 * table (never summed over the orders that repeat it).
 *
 * Inputs from roles: a fact table with a money measure and a foreign key to a table that has
 * a spend measure (named spend, else budget); campaigns named by that table's name column.
 */
#include <stdlib.h>
#include <string.h>

#include "analyst/skill_internal.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"
#include "wh/wh.h"

/* The spend measure of table t (spend, else budget: what was planned), or -1. */
static int spend_column(const struct catalog *c, int t)
{
    static const char *const ranked[] = {"spend", "budget", NULL};
    const struct cat_table *tab = &c->tables[t];
    size_t i, r;

    for (r = 0; ranked[r]; r++)
        for (i = 0; i < tab->ncolumns; i++)
            if (sk_is_measure(&tab->columns[i]) && sk_col_word(&tab->columns[i], ranked[r]))
                return (int)i;
    return -1;
}

/* The foreign key of fact t to a table with a spend measure, or -1. */
static int campaign_key(const struct catalog *c, int t)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;

    for (i = 0; i < tab->ncolumns; i++)
        if (tab->columns[i].roles & CAT_ROLE_FOREIGN_KEY && tab->columns[i].ref_table >= 0 &&
            tab->columns[i].ref_table != t && spend_column(c, tab->columns[i].ref_table) >= 0)
            return (int)i;
    return -1;
}

int skill_roas(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct strbuf sql = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT, kept = STRBUF_INIT;
    struct wh_result *r = NULL;
    const struct cat_table *tab, *ct;
    int best = -1, best_rank = -1, fk, ref, key, spend, name, money, g, repeated, ret = -1;
    int ident[4], nident = 0;
    long long reused = 0;
    size_t t, i;

    for (t = 0; t < c->ntables; t++) {
        int rank;
        if ((x->table >= 0 && (int)t != x->table) || sk_money_column(c, (int)t) < 0 ||
            campaign_key(c, (int)t) < 0 || !c->tables[t].rows)
            continue;
        rank = sk_layer_rank(&c->tables[t]) * 2 + (sk_group_key(c, (int)t) >= 0);
        if (rank > best_rank) {
            best = (int)t;
            best_rank = rank;
        }
    }
    if (best < 0) {
        ret = sk_refuse(x,
                        "I can't compute return on ad spend %s: no table with a money "
                        "measure has a foreign key to a table with a spend (or budget) measure",
                        x->table >= 0 ? "from that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[best];
    fk = campaign_key(c, best);
    ref = tab->columns[fk].ref_table;
    ct = &c->tables[ref];
    key = tab->columns[fk].ref_column;
    spend = spend_column(c, ref);
    name = sk_name_column(c, ref);
    money = sk_money_column(c, best);
    g = sk_group_key(c, best);
    repeated = g >= 0 && tab->columns[money].repeated_within == g;
    if (repeated) {
        nident = sk_basket_identity(x, best, g, fk, ident, &reused);
    }

    /* revenue per campaign key: an order's amount once per order and campaign */
    strbuf_addstr(&sql, "WITH o AS (SELECT ");
    if (repeated) {
        sk_identity_select(x, &sql, NULL, best, ident, nident);
        strbuf_addstr(&sql, ", ");
    }
    sk_col(x, &sql, NULL, best, fk);
    strbuf_addstr(&sql, repeated ? " AS k, any_value(" : " AS k, (");
    sk_col(x, &sql, NULL, best, money);
    strbuf_addf(&sql, ") AS v FROM %s WHERE ", tab->relation);
    sk_col(x, &sql, NULL, best, fk);
    strbuf_addstr(&sql, " IS NOT NULL");
    sk_filters(x, best, NULL, &sql, &kept);
    if (repeated) {
        strbuf_addstr(&sql, " GROUP BY ");
        for (i = 0; i < (size_t)nident; i++) {
            sk_col(x, &sql, NULL, best, ident[i]);
            strbuf_addstr(&sql, ", ");
        }
        sk_col(x, &sql, NULL, best, fk);
    }
    strbuf_addstr(&sql, "), rev AS (SELECT k, sum(v) AS revenue, count(*) AS orders FROM o GROUP "
                        "BY k), c AS (SELECT ");
    wh_add_ident(x->wh, &sql, ct->columns[key].name);
    strbuf_addstr(&sql, " AS k, ");
    if (name >= 0) {
        strbuf_addstr(&sql, "coalesce(CAST(");
        wh_add_ident(x->wh, &sql, ct->columns[name].name);
        strbuf_addstr(&sql, " AS VARCHAR), '(none)')");
    } else {
        strbuf_addstr(&sql, "CAST(");
        wh_add_ident(x->wh, &sql, ct->columns[key].name);
        strbuf_addstr(&sql, " AS VARCHAR)");
    }
    strbuf_addstr(&sql, " AS campaign, ");
    wh_add_ident(x->wh, &sql, ct->columns[spend].name);
    /*
     * The total counts an order once even when its lines name several campaigns (each of
     * them is credited with it in its own row)
     */
    strbuf_addf(&sql,
                " AS spend FROM %s), total AS (SELECT sum(v) AS v FROM (SELECT %s(v) AS v FROM o "
                "WHERE k IN (SELECT k FROM c)",
                ct->relation, repeated ? "any_value" : "");
    if (repeated) {
        strbuf_addstr(&sql, " GROUP BY ");
        for (i = 0; i < (size_t)nident; i++)
            strbuf_addf(&sql, "%sb%zu", i ? ", " : "", i);
    }
    strbuf_addf(&sql,
                ")) SELECT campaign, round(sum(spend), 2) AS spend, "
                "round(coalesce(sum(revenue), 0), 2) AS revenue, coalesce(sum(orders), 0) AS "
                "orders, round(sum(revenue) / nullif(sum(spend), 0), 2) AS roas, "
                "round(sum(sum(spend)) OVER (), 2) AS total_spend, round(any_value((SELECT v "
                "FROM total)), 2) AS total_revenue, count(*) OVER () AS campaigns FROM c LEFT "
                "JOIN rev USING (k) GROUP BY campaign ORDER BY revenue DESC, campaign LIMIT %d",
                x->top);
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;
    if (!r->nrows) {
        ret = sk_refuse(x, "%s has no campaigns", ct->relation);
        goto out;
    }
    {
        double ts = sk_num(r, 0, 5, 0), tr = sk_num(r, 0, 6, 0);
        strbuf_addstr(&text, "Return on ad spend is ");
        if (ts > 0)
            strbuf_addf(&text, "%.2f", tr / ts);
        else
            strbuf_addstr(&text, "unknown (no spend)");
        strbuf_addstr(&text, ": ");
        analyst_number(&text, tr, 1);
        strbuf_addf(&text, " of %s%s%s attributed to campaigns over ", tab->columns[money].name,
                    kept.len ? " where " : "", kept.buf);
        analyst_number(&text, ts, 1);
        strbuf_addstr(&text, " spent on ");
        analyst_number(&text, sk_num(r, 0, 7, 0), 0);
        strbuf_addf(&text, " campaigns. The campaign with the most revenue is %s: ",
                    wh_result_text(r, 0, 0));
        analyst_number(&text, sk_num(r, 0, 2, 0), 1);
        strbuf_addstr(&text, " on ");
        analyst_number(&text, sk_num(r, 0, 1, 0), 1);
        if (!wh_result_is_null(r, 0, 4))
            strbuf_addf(&text, " (ROAS %.2f)", sk_num(r, 0, 4, 0));
        strbuf_addch(&text, '.');
    }
    x->a->base.text = strbuf_detach(&text, NULL);
    strbuf_addf(&how, "revenue: %s of %s on rows with a %s", tab->columns[money].name,
                tab->relation, tab->columns[fk].name);
    if (repeated)
        strbuf_addf(&how, " (the same on every line of a %s: once per order and campaign)",
                    tab->columns[g].name);
    strbuf_addf(&how,
                "; spend: %s.%s, once per row of that table; campaigns by %s; ROAS = "
                "revenue / spend",
                ct->relation, ct->columns[spend].name,
                name >= 0 ? ct->columns[name].name : ct->columns[key].name);
    if (kept.len)
        strbuf_addf(&how, "; only rows where %s (named in the question)", kept.buf);
    x->a->interpretation = strbuf_detach(&how, NULL);
    sk_caveat(x, "last-touch attribution as recorded: an order counts for the campaign on its "
                 "rows; orders without one count for none");
    if (ct->columns[spend].null_fraction > 0)
        sk_caveat(x, "%.1f%% of %s values are missing and count as no spend",
                  100 * ct->columns[spend].null_fraction, ct->columns[spend].name);
    sk_evidence(x, &r, CHART_BARS, 0, 2);
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&text);
    strbuf_release(&how);
    strbuf_release(&kept);
    return ret;
}
