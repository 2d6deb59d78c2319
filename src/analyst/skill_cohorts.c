/*
 * Cohorts and retention: customers grouped by the month of their first order (their cohort),
 * and the share of each cohort that ordered again 1, 2, ... 12 months later. Periods after
 * the data's latest date are unknown (NULL), not 0.
 *
 * Inputs from roles: a fact table with a foreign key to a table of customers and a time
 * column; nothing is read from the customer table itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/plan.h"
#include "analyst/skill_internal.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"
#include "wh/wh.h"

#define MONTHS 12

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/*
 * The cohort the question names (its first calendar month) followed to the second month it
 * names, or to the month after: "Of the 37 customers whose first order was in November 2024,
 * 59.5% ordered again in December 2024." Nothing when that cohort is not among the rows.
 */
static void named_cohort(struct skill_ctx *x, const struct wh_result *r, struct strbuf *text)
{
    int y, m, d, y2, m2, k = 1;
    char key[16];
    size_t i;

    if (!x->opts->nmonths)
        return;
    civil_from_days(x->opts->months[0], &y, &m, &d);
    snprintf(key, sizeof(key), "%04d-%02d", y, m);
    if (x->opts->nmonths > 1) {
        civil_from_days(x->opts->months[1], &y2, &m2, &d);
        k = (y2 * 12 + m2) - (y * 12 + m);
    }
    if (k < 1 || k > MONTHS)
        return;
    y2 = (y * 12 + m - 1 + k) / 12;
    m2 = (y * 12 + m - 1 + k) % 12 + 1;
    for (i = 0; i < r->nrows; i++)
        if (wh_result_text(r, i, 0) && !strcmp(wh_result_text(r, i, 0), key))
            break;
    if (i == r->nrows)
        return;
    strbuf_addstr(text, "Of the ");
    analyst_number(text, sk_num(r, i, 1, 0), 0);
    strbuf_addf(text, " customers whose first order was in %s %d, ", month_names[m - 1], y);
    if (wh_result_is_null(r, i, (size_t)k + 1))
        strbuf_addf(text,
                    "it is too early to tell how many ordered again in %s %d (after the "
                    "data's latest date). ",
                    month_names[m2 - 1], y2);
    else
        strbuf_addf(text, "%.1f%% ordered again in %s %d (%d month%s later). ",
                    sk_num(r, i, (size_t)k + 1, 0), month_names[m2 - 1], y2, k, k == 1 ? "" : "s");
}

int skill_cohorts(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct strbuf sql = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT, kept = STRBUF_INIT;
    struct wh_result *r = NULL;
    const struct cat_table *tab;
    int t, cust, tc, k, ret = -1;
    size_t i;
    double w[MONTHS + 1] = {0}, sum[MONTHS + 1] = {0};

    t = sk_best_table(x, SK_NEED_CUSTOMER | SK_NEED_TIME);
    if (t < 0) {
        ret = sk_refuse(x,
                        "I can't build cohorts %s: no table has both a customer key (a "
                        "foreign key to a table of customers, users or accounts) and a date",
                        x->table >= 0 ? "from that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[t];
    cust = sk_customer_column(c, t);
    tc = sk_time_column(c, t);

    strbuf_addstr(&sql, "WITH a AS (SELECT DISTINCT ");
    sk_col(x, &sql, NULL, t, cust);
    strbuf_addstr(&sql, " AS customer, CAST(date_trunc('month', ");
    sk_col(x, &sql, NULL, t, tc);
    strbuf_addf(&sql, ") AS DATE) AS month FROM %s WHERE ", tab->relation);
    sk_col(x, &sql, NULL, t, cust);
    strbuf_addstr(&sql, " IS NOT NULL");
    sk_filters(x, t, NULL, &sql, &kept);
    strbuf_addstr(&sql, " AND ");
    sk_col(x, &sql, NULL, t, tc);
    strbuf_addf(&sql,
                " <= CAST('%s' AS TIMESTAMP)), f AS (SELECT customer, min(month) AS cohort FROM "
                "a GROUP BY customer), r AS (SELECT f.cohort, date_diff('month', f.cohort, "
                "a.month) AS k, count(*) AS n FROM a JOIN f USING (customer) GROUP BY ALL), last "
                "AS (SELECT CAST(date_trunc('month', CAST('%s' AS TIMESTAMP)) AS DATE) AS m) "
                "SELECT strftime(cohort, '%%Y-%%m') AS cohort, max(n) FILTER (WHERE k = 0) AS "
                "customers",
                tab->columns[tc].anchor, tab->columns[tc].anchor);
    for (k = 1; k <= MONTHS; k++)
        strbuf_addf(&sql,
                    ", CASE WHEN cohort + INTERVAL %d MONTH <= (SELECT m FROM last) THEN "
                    "round(100.0 * coalesce(max(n) FILTER (WHERE k = %d), 0) / max(n) FILTER "
                    "(WHERE k = 0), 1) END AS m%d",
                    k, k, k);
    strbuf_addf(&sql, " FROM r GROUP BY cohort ORDER BY cohort DESC LIMIT %d", x->top);
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;
    if (!r->nrows) {
        ret = sk_refuse(x, "%s has no dated row with a %s", tab->relation, tab->columns[cust].name);
        goto out;
    }

    /* retention averaged over the cohorts shown, weighted by their size */
    for (i = 0; i < r->nrows; i++)
        for (k = 1; k <= MONTHS; k++)
            if (!wh_result_is_null(r, i, (size_t)k + 1)) {
                w[k] += sk_num(r, i, 1, 0);
                sum[k] += sk_num(r, i, 1, 0) * sk_num(r, i, (size_t)k + 1, 0);
            }
    named_cohort(x, r, &text);
    strbuf_addf(&text,
                "Of the %zu most recent monthly cohorts (customers by the month of their "
                "first order in %s), ",
                r->nrows, tab->relation);
    if (w[1] > 0) {
        strbuf_addf(&text, "%.1f%% ordered again the month after their first", sum[1] / w[1]);
        if (w[3] > 0)
            strbuf_addf(&text, ", %.1f%% in the third month", sum[3] / w[3]);
        if (w[MONTHS] > 0)
            strbuf_addf(&text, " and %.1f%% in the twelfth", sum[MONTHS] / w[MONTHS]);
        strbuf_addstr(&text, " (averages weighted by cohort size).");
    } else
        strbuf_addstr(&text, "none has a month after its first yet.");
    strbuf_addf(&text, " The newest cohort, %s, has ", wh_result_text(r, 0, 0));
    analyst_number(&text, sk_num(r, 0, 1, 0), 0);
    strbuf_addstr(&text, " customers.");
    x->a->base.text = strbuf_detach(&text, NULL);

    strbuf_addf(&how,
                "customers: %s of %s (a foreign key to %s); time: %s; a cohort is the "
                "month of a customer's first row; mN is the %% of the cohort with a row "
                "N months later; empty when that month is after the data's latest date "
                "(%s)",
                tab->columns[cust].name, tab->relation,
                c->tables[tab->columns[cust].ref_table].relation, tab->columns[tc].name,
                tab->columns[tc].anchor);
    x->a->interpretation = strbuf_detach(&how, NULL);
    sk_caveat(x, "customers who never ordered are in no cohort; a signup date would make "
                 "cohorts of all customers");
    if (kept.len)
        sk_caveat(x, "only rows where %s count as activity (named in the question)", kept.buf);
    else
        sk_caveat(x, "every row counts as activity, whatever its status");
    sk_evidence(x, &r, CHART_HEATMAP, 0, 2);
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&text);
    strbuf_release(&how);
    strbuf_release(&kept);
    return ret;
}
