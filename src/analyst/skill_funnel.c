/*
 * Funnels and conversion: where event rows carry a step (page types, stages), the share of
 * journeys (sessions, else customers) that reach each step after the ones before it, in time
 * order, and where they drop off.
 *
 * The steps and their order come from language, not from any warehouse: a category column of
 * an event table whose values name the usual stages of a purchase (home or landing; search,
 * category or browse; product or item; cart or basket; checkout; payment; purchase, order or
 * confirmation). Values of one stage (search and category) are one step; values that are no
 * stage (account) are left out and named.
 */
#include <stdlib.h>
#include <string.h>

#include "analyst/skill_internal.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"
#include "wh/wh.h"

#define STAGES 7

/* The stage of a value (vocabulary key) of a step column, or -1. */
static int stage_of(const char *key)
{
    static const char *const words[STAGES][6] = {
        {"home", "land", "homepag", "index", NULL},
        {"search", "categori", "brows", "list", "collect", NULL},
        {"product", "item", "detail", "pdp", NULL},
        {"cart", "basket", "bag", NULL},
        {"checkout", NULL},
        {"payment", "pay", "billing", NULL},
        {"purchas", "order", "confirm", "success", "thank", "complet"},
    };
    int s, k;

    for (s = STAGES - 1; s >= 0; s--)
        for (k = 0; k < 6 && words[s][k]; k++) {
            const char *p = strstr(key, words[s][k]);
            size_t n = strlen(words[s][k]);
            if (p && (p == key || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
                return s;
        }
    return -1;
}

/* How many stages the values of column col name (0 when it is no step column). */
static int stages_named(const struct cat_column *col)
{
    int seen[STAGES] = {0}, n = 0, s;
    size_t i;

    if (col->type != WH_T_TEXT || !(col->roles & CAT_ROLE_DIMENSION) || !col->values_complete)
        return 0;
    for (i = 0; i < col->nvalues; i++)
        if ((s = stage_of(col->values[i].key)) >= 0 && !seen[s]) {
            seen[s] = 1;
            n++;
        }
    return n;
}

int skill_funnel(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct strbuf sql = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT, left = STRBUF_INIT;
    struct strbuf label[STAGES];
    struct wh_result *r = NULL;
    const struct cat_table *tab;
    const struct cat_column *stepc;
    int best = -1, best_rank = -1, step = -1, journey, tc, order[STAGES], nsteps = 0, ret = -1;
    int s, k;
    size_t t, i;

    for (s = 0; s < STAGES; s++)
        strbuf_init(&label[s], 0);
    for (t = 0; t < c->ntables; t++) {
        const struct cat_table *ct = &c->tables[t];
        int tcol = sk_time_column(c, (int)t), rank;
        if ((x->table >= 0 && (int)t != x->table) || tcol < 0 || !ct->rows)
            continue;
        for (i = 0; i < ct->ncolumns; i++) {
            int named = stages_named(&ct->columns[i]);
            if (x->opts->by && *x->opts->by && strcasecmp(ct->columns[i].name, x->opts->by))
                continue;
            if (named < 3)
                continue;
            rank = named * 8 + sk_layer_rank(ct) * 2 + (sk_group_key(c, (int)t) >= 0);
            if (rank > best_rank) {
                best = (int)t;
                best_rank = rank;
                step = (int)i;
            }
        }
    }
    if (best < 0) {
        ret = sk_refuse(x,
                        "I can't build a funnel %s: no dated table has a column whose values "
                        "name three or more steps of a purchase (home, search or category, "
                        "product, cart, checkout, payment, purchase)",
                        x->table >= 0 ? "from that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[best];
    stepc = &tab->columns[step];
    tc = sk_time_column(c, best);
    journey = sk_group_key(c, best);
    if (journey < 0)
        journey = sk_customer_column(c, best);
    if (journey < 0) {
        ret = sk_refuse(x,
                        "%s has steps in %s but no session or customer to follow through "
                        "them (a repeating id or a customer key)",
                        tab->relation, stepc->name);
        goto out;
    }

    /* the steps: the stages named, in order, each with its values */
    for (i = 0; i < stepc->nvalues; i++) {
        s = stage_of(stepc->values[i].key);
        if (s < 0) {
            strbuf_addf(&left, "%s'%s'", left.len ? ", " : "", stepc->values[i].text);
            continue;
        }
        strbuf_addf(&label[s], "%s%s", label[s].len ? " / " : "", stepc->values[i].text);
    }
    for (s = 0; s < STAGES; s++)
        if (label[s].len)
            order[nsteps++] = s;

    strbuf_addstr(&sql, "WITH e AS (SELECT ");
    sk_col(x, &sql, NULL, best, journey);
    strbuf_addstr(&sql, " AS j, CASE");
    for (k = 0; k < nsteps; k++) {
        strbuf_addstr(&sql, " WHEN ");
        sk_col(x, &sql, NULL, best, step);
        strbuf_addstr(&sql, " IN (");
        for (i = 0; i < stepc->nvalues; i++)
            if (stage_of(stepc->values[i].key) == order[k]) {
                strbuf_addstr(&sql, sql.buf[sql.len - 1] == '(' ? "" : ", ");
                strbuf_add_sql_string(&sql, stepc->values[i].text);
            }
        strbuf_addf(&sql, ") THEN %d", k + 1);
    }
    strbuf_addstr(&sql, " END AS step, min(");
    sk_col(x, &sql, NULL, best, tc);
    strbuf_addf(&sql, ") AS t FROM %s WHERE ", tab->relation);
    sk_col(x, &sql, NULL, best, journey);
    strbuf_addstr(&sql, " IS NOT NULL AND ");
    sk_col(x, &sql, NULL, best, tc);
    strbuf_addf(&sql, " <= CAST('%s' AS TIMESTAMP) GROUP BY 1, 2), p AS (SELECT j",
                stepc->anchor ? stepc->anchor : tab->columns[tc].anchor);
    for (k = 1; k <= nsteps; k++)
        strbuf_addf(&sql, ", min(t) FILTER (WHERE step = %d) AS t%d", k, k);
    strbuf_addstr(&sql, " FROM e GROUP BY j), f AS (SELECT count(*) AS journeys");
    for (k = 1; k <= nsteps; k++) {
        int q;
        strbuf_addf(&sql, ", count(*) FILTER (WHERE t1 IS NOT NULL");
        for (q = 2; q <= k; q++)
            strbuf_addf(&sql, " AND t%d >= t%d", q, q - 1);
        strbuf_addf(&sql, ") AS r%d, count(t%d) AS any%d", k, k, k);
    }
    strbuf_addstr(&sql, " FROM p) SELECT * FROM (");
    for (k = 1; k <= nsteps; k++) {
        strbuf_addf(&sql, "%sSELECT %d AS position, ", k > 1 ? " UNION ALL " : "", k);
        strbuf_add_sql_string(&sql, label[order[k - 1]].buf);
        strbuf_addf(&sql,
                    " AS step, r%d AS reached, round(100.0 * r%d / nullif(r1, 0), 1) AS "
                    "pct_of_first, round(100.0 * r%d / nullif(r%d, 0), 1) AS pct_of_previous, "
                    "any%d AS with_step, journeys FROM f",
                    k, k, k, k > 1 ? k - 1 : 1, k);
    }
    strbuf_addstr(&sql, ") ORDER BY position");
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;

    {
        double first = sk_num(r, 0, 2, 0), lastv = sk_num(r, r->nrows - 1, 2, 0);
        size_t worst = 1;
        double worst_pct = 101;
        for (i = 1; i < r->nrows; i++)
            if (!wh_result_is_null(r, i, 4) && sk_num(r, i, 4, 0) < worst_pct) {
                worst_pct = sk_num(r, i, 4, 0);
                worst = i;
            }
        analyst_number(&text, first, 0);
        strbuf_addf(&text, " %s reached '%s'; ", tab->columns[journey].name,
                    wh_result_text(r, 0, 1));
        analyst_number(&text, lastv, 0);
        strbuf_addf(&text, " (%.1f%%) went on through every step to '%s', in order.",
                    first > 0 ? 100 * lastv / first : 0, wh_result_text(r, r->nrows - 1, 1));
        if (r->nrows > 1)
            strbuf_addf(&text, " The biggest drop is from '%s' to '%s': only %.1f%% continue.",
                        wh_result_text(r, worst - 1, 1), wh_result_text(r, worst, 1), worst_pct);
    }
    x->a->base.text = strbuf_detach(&text, NULL);
    strbuf_addf(&how,
                "steps: the values of %s.%s that name stages of a purchase, in the usual "
                "order; journeys: %s (%s); a journey reaches a step when it has every "
                "earlier step at or before its first time there (%s)",
                tab->relation, stepc->name, tab->columns[journey].name,
                journey == sk_group_key(c, best) ? "a repeating id" : "a customer key",
                tab->columns[tc].name);
    x->a->interpretation = strbuf_detach(&how, NULL);
    if (left.len)
        sk_caveat(x, "values of %s that are no purchase stage are left out: %s", stepc->name,
                  left.buf);
    sk_caveat(x, "with_step counts journeys with the step at all, in any order");
    if (tab->columns[tc].future_rows)
        sk_caveat(x, "%llu rows dated after today are left out",
                  (unsigned long long)tab->columns[tc].future_rows);
    sk_evidence(x, &r, CHART_BARS, 1, 2);
    ret = 0;
out:
    for (s = 0; s < STAGES; s++)
        strbuf_release(&label[s]);
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&text);
    strbuf_release(&how);
    strbuf_release(&left);
    return ret;
}
