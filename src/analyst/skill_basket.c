/*
 * Bought together (market basket): which items appear in the same basket most often.
 *
 * A basket is a value of a group key over line rows (an order over its lines), told apart
 * from another basket that reuses the id by the foreign keys and the time constant within it
 * (a customer, a date). An item is a foreign key on the line whose table names it (a product
 * and its name), else a text category of the line that varies within the basket (an item's
 * description); pairs are counted once per basket, by name when the table has one (ids that
 * share a name are one item; the pairs by id are given too when they differ). For every pair:
 * baskets together, support, confidence both ways and lift.
 */
#include <stdlib.h>
#include <string.h>

#include "analyst/skill_internal.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

struct basket_input {
    int t, g;         /* the line table and its group key */
    int item;         /* the item's column on the line table */
    int ref, ref_key; /* the item's table and key, or -1 */
    int name;         /* the column of ref naming the item, or -1 */
    int level_col;    /* --by: a column of t (level_ref 0) or of ref (level_ref 1) */
    int level_ref;
    int ident[4], nident; /* the basket's identity */
    long long reused;
};

/* Is column i of table t a candidate item: a foreign key that is no customer, mostly filled? */
static int item_candidate(const struct catalog *c, int t, int i, int customer)
{
    const struct cat_column *col = &c->tables[t].columns[i];

    return col->roles & CAT_ROLE_FOREIGN_KEY && col->ref_table >= 0 && col->ref_column >= 0 &&
           i != customer && !(col->roles & CAT_ROLE_GROUP_KEY) && col->null_fraction < 0.5;
}

/* The item column of t: a foreign key that is not part of the basket's identity, or -1. */
static int item_guess(const struct catalog *c, int t, int g, const int *ident, int nident)
{
    const struct cat_grouping *gr = sk_grouping(c, t, g);
    int customer = sk_customer_column(c, t), best = -1, best_score = -1;
    size_t i, k;

    for (i = 0; i < c->tables[t].ncolumns; i++) {
        int score, constant = 0;
        if ((int)i == g || !item_candidate(c, t, (int)i, customer))
            continue;
        for (k = 0; gr && k < gr->nconstant; k++)
            constant |= gr->constant[k] == (int)i;
        for (k = 0; k < (size_t)nident; k++)
            constant |= ident[k] == (int)i;
        if (constant)
            continue;
        score = (sk_name_column(c, c->tables[t].columns[i].ref_table) >= 0) * 2 +
                (c->tables[t].columns[i].null_fraction < 0.05);
        if (score > best_score) {
            best = (int)i;
            best_score = score;
        }
    }
    if (best >= 0)
        return best;
    /* no item table: a text category that varies within the basket names the item itself */
    for (i = 0; i < c->tables[t].ncolumns; i++) {
        const struct cat_column *col = &c->tables[t].columns[i];
        int constant = 0;
        if ((int)i == g || col->type != WH_T_TEXT || !(col->roles & CAT_ROLE_DIMENSION) ||
            col->roles & (CAT_ROLE_PII | CAT_ROLE_KEY | CAT_ROLE_GROUP_KEY | CAT_ROLE_FREE_TEXT) ||
            col->distinct < 3 || col->null_fraction >= 0.5)
            continue;
        for (k = 0; gr && k < gr->nconstant; k++)
            constant |= gr->constant[k] == (int)i;
        if (!constant && (best < 0 || col->distinct > c->tables[t].columns[best].distinct))
            best = (int)i;
    }
    return best;
}

static int choose_table(struct skill_ctx *x, struct basket_input *in)
{
    const struct catalog *c = x->c;
    int best = -1, best_rank = -1;
    size_t t;

    for (t = 0; t < c->ntables; t++) {
        int g, rank;
        if (x->table >= 0 && (int)t != x->table)
            continue;
        g = sk_group_key(c, (int)t);
        if (g < 0 || item_guess(c, (int)t, g, NULL, 0) < 0)
            continue;
        rank = sk_layer_rank(&c->tables[t]) * 4 + (sk_money_column(c, (int)t) >= 0) * 2 +
               (sk_time_column(c, (int)t) >= 0);
        if (rank > best_rank) {
            best = (int)t;
            best_rank = rank;
        }
    }
    if (best < 0)
        return -1;
    in->t = best;
    in->g = sk_group_key(c, best);
    return 0;
}

/* The lines CTE: one row per basket and item (an item twice in a basket counts once). */
static void lines_cte(struct skill_ctx *x, const struct basket_input *in, int by_name,
                      struct strbuf *sql)
{
    const struct cat_table *tab = &x->c->tables[in->t];
    int k;

    strbuf_addstr(sql, "WITH l AS (SELECT DISTINCT ");
    sk_identity_select(x, sql, "x", in->t, in->ident, in->nident);
    strbuf_addstr(sql, ", ");
    if (in->level_col >= 0)
        sk_col(x, sql, in->level_ref ? "d" : "x", in->level_ref ? in->ref : in->t, in->level_col);
    else if (by_name)
        sk_col(x, sql, "d", in->ref, in->name);
    else
        sk_col(x, sql, "x", in->t, in->item);
    strbuf_addf(sql, " AS item FROM %s AS x", tab->relation);
    if (in->ref >= 0 && (by_name || (in->level_col >= 0 && in->level_ref))) {
        strbuf_addf(sql, " JOIN %s AS d ON d.", x->c->tables[in->ref].relation);
        wh_add_ident(x->wh, sql, x->c->tables[in->ref].columns[in->ref_key].name);
        strbuf_addstr(sql, " = ");
        sk_col(x, sql, "x", in->t, in->item);
    }
    strbuf_addstr(sql, " WHERE ");
    for (k = 0; k < in->nident; k++) {
        sk_col(x, sql, "x", in->t, in->ident[k]);
        strbuf_addstr(sql, " IS NOT NULL AND ");
    }
    strbuf_addstr(sql, "item IS NOT NULL)");
}

static void pairs_sql(struct skill_ctx *x, const struct basket_input *in, int by_name,
                      struct strbuf *sql)
{
    int k, with_names = !by_name && in->level_col < 0 && in->name >= 0;

    lines_cte(x, in, by_name, sql);
    strbuf_addstr(sql, ", b AS (SELECT count(*) AS k FROM l GROUP BY ");
    for (k = 0; k < in->nident; k++)
        strbuf_addf(sql, "%sb%d", k ? ", " : "", k);
    strbuf_addstr(sql, "), n AS (SELECT count(*) AS baskets, count(*) FILTER (WHERE k > 1) AS "
                       "multi FROM b), i AS (SELECT item, count(*) AS baskets FROM l GROUP BY "
                       "item), p AS (SELECT l1.item AS a, l2.item AS b, count(*) AS together "
                       "FROM l AS l1 JOIN l AS l2 ON ");
    for (k = 0; k < in->nident; k++)
        strbuf_addf(sql, "l1.b%d = l2.b%d AND ", k, k);
    strbuf_addstr(sql, "l1.item < l2.item GROUP BY l1.item, l2.item)");
    if (with_names) {
        strbuf_addstr(sql, ", nm AS (SELECT ");
        wh_add_ident(x->wh, sql, x->c->tables[in->ref].columns[in->ref_key].name);
        strbuf_addstr(sql, " AS item, ");
        wh_add_ident(x->wh, sql, x->c->tables[in->ref].columns[in->name].name);
        strbuf_addf(sql, " AS name FROM %s)", x->c->tables[in->ref].relation);
    }
    strbuf_addstr(sql, " SELECT ");
    if (with_names)
        strbuf_addstr(sql, "concat_ws(' + ', coalesce(na.name, CAST(p.a AS VARCHAR)) || ' (' "
                           "|| p.a || ')', coalesce(nb.name, CAST(p.b AS VARCHAR)) || ' (' || "
                           "p.b || ')') AS pair, p.a AS item_a, na.name AS name_a, p.b AS "
                           "item_b, nb.name AS name_b, ");
    else
        strbuf_addstr(sql, "concat_ws(' + ', CAST(p.a AS VARCHAR), CAST(p.b AS VARCHAR)) AS "
                           "pair, p.a AS item_a, p.b AS item_b, ");
    strbuf_addf(sql,
                "p.together AS baskets_together, round(p.together / n.baskets, 5) AS support, "
                "round(p.together / ia.baskets, 4) AS confidence_a_to_b, round(p.together / "
                "ib.baskets, 4) AS confidence_b_to_a, round(p.together * n.baskets / "
                "(ia.baskets * ib.baskets), 3) AS lift, ia.baskets AS baskets_a, ib.baskets AS "
                "baskets_b, n.baskets AS baskets, n.multi AS multi_item_baskets FROM p JOIN i AS "
                "ia ON ia.item = p.a JOIN i AS ib ON ib.item = p.b CROSS JOIN n%s",
                with_names ? " LEFT JOIN nm AS na ON na.item = p.a LEFT JOIN nm AS nb ON "
                             "nb.item = p.b"
                           : "");
    if (x->opts->by_lift)
        strbuf_addf(sql,
                    " WHERE p.together >= %d ORDER BY lift DESC, p.together DESC, p.a, p.b "
                    "LIMIT %d",
                    SKILL_LIFT_MIN_BASKETS, x->top);
    else
        strbuf_addf(sql, " ORDER BY p.together DESC, lift DESC, p.a, p.b LIMIT %d", x->top);
}

/* The basket and multi-item basket counts when no pair exists (the pairs query is empty). */
static int basket_counts(struct skill_ctx *x, const struct basket_input *in, double *baskets,
                         double *multi)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    int k, ret;

    lines_cte(x, in, 0, &sql);
    strbuf_addstr(&sql, " SELECT count(*), count(*) FILTER (WHERE k > 1) FROM (SELECT count(*) "
                        "AS k FROM l GROUP BY ");
    for (k = 0; k < in->nident; k++)
        strbuf_addf(&sql, "%sb%d", k ? ", " : "", k);
    strbuf_addstr(&sql, ")");
    ret = sk_query(x, sql.buf, &r);
    *baskets = sk_num(r, 0, 0, 0);
    *multi = sk_num(r, 0, 1, 0);
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

static void pct(struct strbuf *sb, double share)
{
    strbuf_addf(sb, share >= 0.1 ? "%.0f%%" : share >= 0.01 ? "%.1f%%" : "%.2f%%", share * 100);
}

/* "A and B" of row i of the pairs result. */
static void pair_words(const struct wh_result *r, size_t i, struct strbuf *sb)
{
    int na = wh_result_col(r, "name_a"), nb = wh_result_col(r, "name_b");
    const char *a = wh_result_text(r, i, (size_t)wh_result_col(r, "item_a"));
    const char *b = wh_result_text(r, i, (size_t)wh_result_col(r, "item_b"));

    if (na >= 0 && wh_result_text(r, i, (size_t)na))
        strbuf_addf(sb, "%s (%s) and %s (%s)", wh_result_text(r, i, (size_t)na), a,
                    wh_result_text(r, i, (size_t)nb) ? wh_result_text(r, i, (size_t)nb) : b, b);
    else
        strbuf_addf(sb, "%s and %s", a ? a : "?", b ? b : "?");
}

int skill_basket(struct skill_ctx *x)
{
    const struct catalog *c = x->c;
    struct basket_input in;
    struct strbuf sql = STRBUF_INIT, text = STRBUF_INIT, how = STRBUF_INIT;
    struct wh_result *r = NULL, *rid = NULL, *cnt = NULL;
    const struct cat_table *tab;
    int ret = -1, by_name;
    double baskets, multi;

    memset(&in, 0, sizeof(in));
    in.level_col = in.name = in.ref = in.ref_key = -1;
    if (choose_table(x, &in) < 0) {
        ret = sk_refuse(x,
                        "I can't find items bought together %s: there is no repeating basket key "
                        "(an id over several line rows) next to a product key (a foreign key to a "
                        "table of items)",
                        x->table >= 0 ? "in that table" : "in this warehouse");
        goto out;
    }
    tab = &c->tables[in.t];
    /*
     * The basket's identity first: a foreign key constant within the group key (a store, a
     * customer) is part of the basket, not an item.
     */
    in.nident = sk_basket_identity(x, in.t, in.g, -1, in.ident, &in.reused);
    in.item = item_guess(c, in.t, in.g, in.ident, in.nident);
    if (in.item < 0) {
        ret = sk_refuse(x,
                        "I can't find items bought together in %s: every foreign key next to "
                        "its group key %s is constant within it (a basket's attribute, not an "
                        "item)",
                        tab->relation, tab->columns[in.g].name);
        goto out;
    }
    if (tab->columns[in.item].roles & CAT_ROLE_FOREIGN_KEY) {
        in.ref = tab->columns[in.item].ref_table;
        in.ref_key = tab->columns[in.item].ref_column;
        in.name = sk_name_column(c, in.ref);
    }
    if (x->opts->by && *x->opts->by) {
        in.level_col = in.ref >= 0 ? catalog_find_column(c, in.ref, x->opts->by) : -1;
        in.level_ref = in.level_col >= 0;
        if (in.level_col < 0 && (in.level_col = sk_find_column(x, in.t, x->opts->by)) < 0) {
            ret = 0;
            goto out;
        }
    }

    /* how the items are named: by name when the item's table has a name column */
    by_name = in.level_col < 0 && in.name >= 0;
    if (by_name) {
        strbuf_addstr(&sql, "SELECT count(DISTINCT d.");
        wh_add_ident(x->wh, &sql, c->tables[in.ref].columns[in.ref_key].name);
        strbuf_addstr(&sql, "), count(DISTINCT d.");
        wh_add_ident(x->wh, &sql, c->tables[in.ref].columns[in.name].name);
        strbuf_addf(&sql, ") FROM %s AS d WHERE d.", c->tables[in.ref].relation);
        wh_add_ident(x->wh, &sql, c->tables[in.ref].columns[in.ref_key].name);
        strbuf_addstr(&sql, " IN (SELECT ");
        sk_col(x, &sql, NULL, in.t, in.item);
        strbuf_addf(&sql, " FROM %s)", tab->relation);
        if (sk_query(x, sql.buf, &cnt) < 0)
            goto out;
        strbuf_reset(&sql);
    }

    pairs_sql(x, &in, by_name, &sql);
    if (sk_query(x, sql.buf, &r) < 0)
        goto out;
    if (by_name && sk_num(cnt, 0, 1, 0) < sk_num(cnt, 0, 0, 0)) {
        strbuf_reset(&sql);
        pairs_sql(x, &in, 0, &sql);
        if (sk_query(x, sql.buf, &rid) < 0)
            goto out;
    }

    /* what was chosen, and why */
    strbuf_addf(&how, "baskets: one per ");
    sk_identity_words(x, &how, in.t, in.ident, in.nident);
    strbuf_addf(&how, " in %s (%s is a group key: an id repeated over line rows", tab->relation,
                tab->columns[in.g].name);
    if (in.nident > 1)
        strbuf_addstr(&how, "; the other columns are constant within it, so they tell apart "
                            "baskets that reuse an id");
    strbuf_addf(&how, "); items: %s", tab->columns[in.item].name);
    if (in.level_col >= 0)
        strbuf_addf(&how, ", counted by %s.%s (asked for)",
                    in.level_ref ? c->tables[in.ref].relation : tab->relation,
                    c->tables[in.level_ref ? in.ref : in.t].columns[in.level_col].name);
    else if (by_name)
        strbuf_addf(&how, " (a foreign key to %s), named by its %s", c->tables[in.ref].relation,
                    c->tables[in.ref].columns[in.name].name);
    strbuf_addstr(&how, "; a pair is counted once per basket that has both items; support = "
                        "baskets with both / all baskets; confidence A→B = baskets with both / "
                        "baskets with A; lift = support / (support of A × support of B), above 1 "
                        "when bought together more often than chance");
    x->a->interpretation = strbuf_detach(&how, NULL);

    if (!r->nrows) {
        if (basket_counts(x, &in, &baskets, &multi) < 0)
            goto out;
        strbuf_addf(&text, "No two items share a basket: ");
        analyst_number(&text, multi, 0);
        strbuf_addstr(&text, " of ");
        analyst_number(&text, baskets, 0);
        strbuf_addstr(&text, " baskets have more than one item.");
        x->a->base.text = strbuf_detach(&text, NULL);
        ret = 0;
        goto out;
    }
    baskets = sk_num(r, 0, (size_t)wh_result_col(r, "baskets"), 0);
    multi = sk_num(r, 0, (size_t)wh_result_col(r, "multi_item_baskets"), 0);
    {
        double together = sk_num(r, 0, (size_t)wh_result_col(r, "baskets_together"), 0);
        double cab = sk_num(r, 0, (size_t)wh_result_col(r, "confidence_a_to_b"), 0);
        double cba = sk_num(r, 0, (size_t)wh_result_col(r, "confidence_b_to_a"), 0);
        double lift = sk_num(r, 0, (size_t)wh_result_col(r, "lift"), 0);
        const char *a = wh_result_text(r, 0, (size_t)wh_result_col(r, "item_a"));
        const char *b = wh_result_text(r, 0, (size_t)wh_result_col(r, "item_b"));

        if (x->opts->by_lift)
            strbuf_addf(&text,
                        "Ranked by lift (pairs in at least %d baskets), the strongest pair is ",
                        SKILL_LIFT_MIN_BASKETS);
        else
            strbuf_addstr(&text, "The pair bought together most often is ");
        pair_words(r, 0, &text);
        strbuf_addstr(&text, ": together in ");
        analyst_number(&text, together, 0);
        strbuf_addstr(&text, " of ");
        analyst_number(&text, baskets, 0);
        strbuf_addstr(&text, " baskets (support ");
        pct(&text, together / baskets);
        strbuf_addstr(&text, "). ");
        pct(&text, cab);
        strbuf_addf(&text, " of baskets with %s also have %s, and ", a, b);
        pct(&text, cba);
        strbuf_addf(&text, " of baskets with %s also have %s; lift %.2f (%s).", b, a, lift,
                    lift > 1.05   ? "more often than if they were bought independently"
                    : lift < 0.95 ? "less often than if they were bought independently"
                                  : "about as often as chance");
        if (!x->opts->by_lift && r->nrows > 1 &&
            sk_num(r, 1, (size_t)wh_result_col(r, "baskets_together"), 0) == together)
            strbuf_addstr(&text, " Other pairs tie with it (see the table; ties are ordered by "
                                 "lift, then by name).");
    }
    if (rid && rid->nrows) {
        const char *a1 = wh_result_text(r, 0, 1), *b1 = wh_result_text(r, 0, 2);
        const char *a2 = wh_result_text(rid, 0, 2), *b2 = wh_result_text(rid, 0, 4);
        int same = a1 && b1 && a2 && b2 &&
                   ((!strcmp(a1, a2) && !strcmp(b1, b2)) || (!strcmp(a1, b2) && !strcmp(b1, a2)));
        strbuf_addf(&text, " Pairs are counted by %s: ", c->tables[in.ref].columns[in.name].name);
        analyst_number(&text, sk_num(cnt, 0, 0, 0), 0);
        strbuf_addf(&text, " %s values share ", tab->columns[in.item].name);
        analyst_number(&text, sk_num(cnt, 0, 1, 0), 0);
        strbuf_addstr(&text, " names. ");
        if (same)
            strbuf_addstr(&text, "By id the top pair is the same");
        else {
            strbuf_addstr(&text, "By id the top pair differs: ");
            pair_words(rid, 0, &text);
        }
        strbuf_addstr(&text, ", in ");
        analyst_number(&text, sk_num(rid, 0, (size_t)wh_result_col(rid, "baskets_together"), 0), 0);
        strbuf_addstr(&text, " baskets.");
        sk_caveat(x,
                  "several %s values share one %s: pairs are counted by name (ids with one name "
                  "are one item); the second query gives the pairs by id",
                  tab->columns[in.item].name, c->tables[in.ref].columns[in.name].name);
    } else if (by_name)
        sk_caveat(x, "every %s has its own %s, so pairs by name and by id are the same",
                  tab->columns[in.item].name, c->tables[in.ref].columns[in.name].name);
    x->a->base.text = strbuf_detach(&text, NULL);

    if (in.reused > 0) {
        struct strbuf w = STRBUF_INIT;
        sk_identity_words(x, &w, in.t, in.ident + 1, in.nident - 1);
        sk_caveat(x,
                  "%lld %s values are reused: each stands for baskets with different %s, "
                  "counted as separate baskets",
                  in.reused, tab->columns[in.g].name, w.buf);
        strbuf_release(&w);
    }
    {
        struct strbuf w = STRBUF_INIT;
        analyst_number(&w, baskets - multi, 0);
        strbuf_addstr(&w, " of ");
        analyst_number(&w, baskets, 0);
        sk_caveat(x,
                  "%s baskets have a single item: they form no pair but count in the support's "
                  "denominator",
                  w.buf);
        strbuf_release(&w);
    }
    sk_caveat(x, "an item appearing on several lines of one basket counts once in it");

    sk_evidence(x, &r, CHART_BARS, 0,
                wh_result_col(r, x->opts->by_lift ? "lift" : "baskets_together"));
    ret = 0;
out:
    wh_result_free(r);
    wh_result_free(rid);
    wh_result_free(cnt);
    strbuf_release(&sql);
    strbuf_release(&text);
    strbuf_release(&how);
    return ret;
}
