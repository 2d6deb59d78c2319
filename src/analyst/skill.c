/*
 * The skills' dispatch and what they share: recorded SQL, wording of numbers, and the choice
 * of inputs from catalog roles.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analyst/plan.h"
#include "analyst/skill_internal.h"
#include "catalog/names.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

const char *const skill_names[] = {"basket", "clv",     "anomalies", "quality", "distribution",
                                   "growth", "cohorts", "funnel",    "roas",    NULL};

static const struct {
    const char *name;
    int (*run)(struct skill_ctx *x);
    const char *summary;
} skills[] = {
    {"basket", skill_basket, "items bought together: pairs per basket, support, confidence, lift"},
    {"clv", skill_clv, "customer lifetime value: revenue per customer, AOV x frequency"},
    {"anomalies", skill_anomalies,
     "unusual days of the main measure (robust z, median/MAD) and data-quality findings"},
    {"quality", skill_quality,
     "data quality: negative values, duplicate keys and rows, future dates, NULL spikes"},
    {"distribution", skill_distribution,
     "percentiles and a histogram of a measure, outliers named"},
    {"cohorts", skill_cohorts,
     "customers by the month of their first order, and the share ordering again later"},
    {"funnel", skill_funnel,
     "journeys through the steps of a purchase, in order, and where they drop off"},
    {"roas", skill_roas, "campaign return on ad spend: attributed revenue over spend"},
    {"growth", skill_growth,
     "the latest month against the one before and a year earlier, and what drove the change"},
};

const char *skill_summary(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(skills) / sizeof(skills[0]); i++)
        if (!strcmp(skills[i].name, name))
            return skills[i].summary;
    return NULL;
}

static int today_days(void)
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int run_once(const char *name, const struct catalog *c, struct wh *sandbox,
                    const struct skill_options *opts, struct analyst_answer *out);

int skill_run(const char *name, const struct catalog *c, struct wh *sandbox,
              const struct skill_options *opts, struct analyst_answer *out)
{
    struct skill_options plain;
    int ret = run_once(name, c, sandbox, opts, out);

    /* a dimension read from the question that the skill cannot use is dropped, not refused */
    if (ret == 0 && out->base.unanswerable && opts && opts->by_guessed && opts->by) {
        plain = *opts;
        plain.by = NULL;
        plain.by_guessed = 0;
        analyst_answer_release(out);
        ret = run_once(name, c, sandbox, &plain, out);
    }
    return ret;
}

static int run_once(const char *name, const struct catalog *c, struct wh *sandbox,
                    const struct skill_options *opts, struct analyst_answer *out)
{
    static const struct skill_options none = {0};
    struct skill_ctx x;
    double t0 = clock_seconds();
    size_t i;
    int ret;

    memset(out, 0, sizeof(*out));
    out->base.mode = xstrdup("offline");
    out->label_col = out->value_col = -1;
    if (!opts)
        opts = &none;
    memset(&x, 0, sizeof(x));
    x.c = c;
    x.wh = sandbox;
    x.opts = opts;
    x.a = out;
    x.today = opts->today ? opts->today : today_days();
    x.top = opts->top > 0 ? opts->top : 10;
    x.table = -1;
    for (i = 0; i < sizeof(skills) / sizeof(skills[0]); i++)
        if (name && !strcasecmp(skills[i].name, name))
            break;
    if (i == sizeof(skills) / sizeof(skills[0])) {
        struct strbuf sb = STRBUF_INIT;
        size_t k;
        for (k = 0; skill_names[k]; k++)
            strbuf_addf(&sb, "%s%s", k ? ", " : "", skill_names[k]);
        ret = error("unknown skill '%s' (the skills are %s)", name ? name : "", sb.buf);
        strbuf_release(&sb);
        return ret;
    }
    if (opts->table && *opts->table) {
        x.table = catalog_find_table(c, opts->table);
        if (x.table < 0)
            return sk_refuse(&x, "there is no table '%s' in this warehouse", opts->table);
    }
    ret = skills[i].run(&x);
    out->elapsed_ms = (clock_seconds() - t0) * 1000;
    return ret;
}

/* ---- answers ------------------------------------------------------------------------------ */

int sk_query(struct skill_ctx *x, const char *sql, struct wh_result **out)
{
    double t0 = clock_seconds();
    int ret;

    answer_add_sql(&x->a->base, sql);
    ret = wh_query(x->wh, sql, NULL, out);
    x->a->query_ms += (clock_seconds() - t0) * 1000;
    return ret;
}

int sk_refuse(struct skill_ctx *x, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    free(x->a->base.text);
    x->a->base.text = strbuf_detach(&sb, NULL);
    x->a->base.unanswerable = 1;
    return 0;
}

void sk_evidence(struct skill_ctx *x, struct wh_result **r, enum chart_kind chart, int label_col,
                 int value_col)
{
    wh_result_free(x->a->table);
    x->a->table = *r;
    *r = NULL;
    x->a->chart = chart;
    x->a->label_col = label_col;
    x->a->value_col = value_col;
}

void sk_caveat(struct skill_ctx *x, const char *fmt, ...)
{
    struct analyst_answer *a = x->a;
    struct strbuf sb = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    strv_push_unique(&a->caveats, &a->ncaveats, strbuf_detach(&sb, NULL));
}

void sk_col(struct skill_ctx *x, struct strbuf *sb, const char *alias, int t, int col)
{
    if (alias)
        strbuf_addf(sb, "%s.", alias);
    wh_add_ident(x->wh, sb, x->c->tables[t].columns[col].name);
}

double sk_num(const struct wh_result *r, size_t row, size_t col, double dflt)
{
    double v;

    if (!r || row >= r->nrows || col >= r->ncols || wh_result_num(r, row, col, &v) < 0)
        return dflt;
    return v;
}

void sk_day(struct strbuf *sb, int days)
{
    days_add(sb, days);
}

/* ---- inputs from roles ---------------------------------------------------------------------- */

int sk_col_word(const struct cat_column *col, const char *w)
{
    return cat_words_have(col->words, col->nwords, w);
}

static int col_any_word(const struct cat_column *col, const char *const *words)
{
    size_t i;

    for (i = 0; words[i]; i++)
        if (sk_col_word(col, words[i]))
            return 1;
    return 0;
}

int sk_is_numeric(const struct cat_column *col)
{
    return col->type == WH_T_INT || col->type == WH_T_FLOAT || col->type == WH_T_DECIMAL;
}

int sk_is_datetime(const struct cat_column *col)
{
    return col->type == WH_T_DATE || col->type == WH_T_TIMESTAMP;
}

int sk_is_measure(const struct cat_column *col)
{
    return sk_is_numeric(col) && (col->roles & CAT_ROLE_MEASURE) &&
           !(col->roles & (CAT_ROLE_KEY | CAT_ROLE_FOREIGN_KEY | CAT_ROLE_GROUP_KEY));
}

/* Names of money and of quantities that cannot be negative: language, not any warehouse. */
static const char *const money_words[] = {
    "revenu", "sale",    "amount", "total",  "price",  "cost",   "spend", "fee",  "charg",
    "paid",   "payment", "valu",   "budget", "profit", "margin", "tax",   "ship", "discount",
    "subtot", "incom",   "salari", "wage",   "fare",   "net",    "gross", NULL};
static const char *const count_words[] = {
    "quantiti", "qti",    "count", "unit", "seat", "impress", "click", "durat",
    "age",      "second", "minut", "hour", "view", "visit",   "item",  NULL};
/* Money that may be negative by nature: margins, profits, net changes. */
static const char *const signed_words[] = {"margin", "profit", "net",    "chang",
                                           "delta",  "diff",   "balanc", NULL};

int sk_is_money(const struct cat_column *col)
{
    return sk_is_numeric(col) &&
           (col->pattern == CAT_PAT_MONEY_TEXT || col_any_word(col, money_words));
}

int sk_is_nonnegative_by_name(const struct cat_column *col)
{
    return sk_is_measure(col) && !col_any_word(col, signed_words) &&
           (sk_is_money(col) || col_any_word(col, count_words));
}

int sk_good_dimension(const struct cat_column *col)
{
    return col->roles & CAT_ROLE_DIMENSION &&
           !(col->roles & (CAT_ROLE_PII | CAT_ROLE_KEY | CAT_ROLE_MEASURE)) && col->distinct >= 2 &&
           col->distinct <= 30 && col->null_fraction < 0.2 && !sk_is_datetime(col);
}

int sk_layer_rank(const struct cat_table *t)
{
    switch (t->layer) {
    case CAT_LAYER_MART: return 3;
    case CAT_LAYER_INTERMEDIATE: return 2;
    case CAT_LAYER_STAGING: return 1;
    default: return 0;
    }
}

int sk_money_column(const struct catalog *c, int t)
{
    static const char *const ranked[] = {"revenu", "sale", "amount",  "total",  "net", "gross",
                                         "valu",   "paid", "payment", "subtot", NULL};
    static const char *const not_paid[] = {"tax",   "discount", "cost",  "margin", "profit",
                                           "count", "ship",     "spend", "budget", NULL};
    const struct cat_table *tab = &c->tables[t];
    size_t i, r;

    for (r = 0; ranked[r]; r++)
        for (i = 0; i < tab->ncolumns; i++) {
            const struct cat_column *col = &tab->columns[i];
            if (sk_is_measure(col) && sk_col_word(col, ranked[r]) && !col_any_word(col, not_paid))
                return (int)i;
        }
    return -1;
}

int sk_time_column(const struct catalog *c, int t)
{
    static const char *const stamps[] = {"creat",  "updat", "modifi", "load", "insert",
                                         "ingest", "sync",  "etl",    NULL};
    const struct cat_table *tab = &c->tables[t];
    int best = -1, best_score = -1;
    size_t i;

    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        int score;
        if (!sk_is_datetime(col) || !(col->roles & CAT_ROLE_TIME) || !col->anchor)
            continue;
        score = (col_any_word(col, stamps) ? 0 : 2) + (col->null_fraction < 0.5);
        if (score > best_score) {
            best = (int)i;
            best_score = score;
        }
    }
    return best;
}

int sk_name_column(const struct catalog *c, int t)
{
    static const char *const ranked[] = {"name", "titl", "label", "descript", NULL};
    const struct cat_table *tab = &c->tables[t];
    size_t i, r;
    int best = -1;

    for (r = 0; ranked[r]; r++)
        for (i = 0; i < tab->ncolumns; i++)
            if (tab->columns[i].type == WH_T_TEXT && !(tab->columns[i].roles & CAT_ROLE_PII) &&
                sk_col_word(&tab->columns[i], ranked[r]))
                return (int)i;
    /* else the text dimension with the most distinct values */
    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        if (col->type == WH_T_TEXT && col->roles & CAT_ROLE_DIMENSION &&
            !(col->roles & (CAT_ROLE_PII | CAT_ROLE_KEY)) &&
            (best < 0 || col->distinct > tab->columns[best].distinct))
            best = (int)i;
    }
    return best;
}

int sk_customer_column(const struct catalog *c, int t)
{
    static const char *const people[] = {"custom", "user",    "client",   "account", "member",
                                         "buyer",  "shopper", "subscrib", "patron",  "guest",
                                         "player", "student", "patient",  "borrow",  NULL};
    const struct cat_table *tab = &c->tables[t];
    int best = -1, best_score = 0;
    size_t i, k, j;

    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        const struct cat_table *ref;
        int score = 0, pii = 0;
        if (!(col->roles & CAT_ROLE_FOREIGN_KEY) || col->ref_table < 0)
            continue;
        ref = &c->tables[col->ref_table];
        for (k = 0; people[k]; k++)
            if (sk_col_word(col, people[k]) || cat_words_have(ref->words, ref->nwords, people[k]))
                score = 2;
        for (j = 0; j < ref->ncolumns; j++)
            if (ref->columns[j].roles & (CAT_ROLE_PII | CAT_ROLE_GEOGRAPHY))
                pii = 1;
        score += pii;
        if (score > best_score) {
            best = (int)i;
            best_score = score;
        }
    }
    return best;
}

int sk_preferred(struct skill_ctx *x, int t)
{
    size_t i;

    for (i = 0; i < x->opts->nfilters; i++)
        if (sk_filter_column(x, i, t) >= 0)
            return 2;
    for (i = 0; i < x->opts->nprefer; i++)
        if (x->opts->prefer[i] == t)
            return 1;
    return 0;
}

int sk_best_table(struct skill_ctx *x, unsigned needs)
{
    const struct catalog *c = x->c;
    int best = -1, best_rank = -1;
    size_t t;

    for (t = 0; t < c->ntables; t++) {
        int money = sk_money_column(c, (int)t) >= 0, time = sk_time_column(c, (int)t) >= 0;
        int rank;
        if ((x->table >= 0 && (int)t != x->table) || !c->tables[t].rows)
            continue;
        if ((needs & SK_NEED_MONEY && !money) || (needs & SK_NEED_TIME && !time) ||
            (needs & SK_NEED_CUSTOMER && sk_customer_column(c, (int)t) < 0))
            continue;
        rank = sk_preferred(x, (int)t) * 64 + sk_layer_rank(&c->tables[t]) * 8 + money * 4 +
               time * 2 + (sk_group_key(c, (int)t) >= 0);
        if (rank > best_rank) {
            best = (int)t;
            best_rank = rank;
        }
    }
    return best;
}

const struct cat_grouping *sk_grouping(const struct catalog *c, int t, int g)
{
    size_t i;

    for (i = 0; i < c->tables[t].ngroupings; i++)
        if (c->tables[t].groupings[i].column == g)
            return &c->tables[t].groupings[i];
    return NULL;
}

int sk_group_key(const struct catalog *c, int t)
{
    const struct cat_table *tab = &c->tables[t];
    int best = -1;
    uint64_t most = 0;
    size_t i;

    for (i = 0; i < tab->ngroupings; i++) {
        const struct cat_grouping *g = &tab->groupings[i];
        if (!(tab->columns[g->column].roles & CAT_ROLE_GROUP_KEY) || g->multi == 0)
            continue;
        if (best < 0 || g->multi > most) {
            best = g->column;
            most = g->multi;
        }
    }
    return best;
}

int sk_find_column(struct skill_ctx *x, int t, const char *name)
{
    const struct cat_table *tab = &x->c->tables[t];
    struct strbuf sb = STRBUF_INIT;
    int col = catalog_find_column(x->c, t, name);
    size_t i;

    if (col >= 0)
        return col;
    for (i = 0; i < tab->ncolumns; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", tab->columns[i].name);
    sk_refuse(x, "%s has no column '%s' (its columns: %s)", tab->relation, name, sb.buf);
    strbuf_release(&sb);
    return -1;
}

/* ---- a basket's identity ------------------------------------------------------------------ */

int sk_basket_identity(struct skill_ctx *x, int t, int g, int exclude, int cols[4],
                       long long *reused)
{
    const struct catalog *c = x->c;
    const struct cat_grouping *gr = sk_grouping(c, t, g);
    int n = 1, time_col = sk_time_column(c, t), timed = 0;
    unsigned chosen = 0;
    double multi = 0;
    size_t k, i;

    cols[0] = g;
    *reused = 0;
    if (!gr || !gr->kinds_known)
        return 1; /* the catalog could not look inside the groups: the id alone */
    for (i = 0; i < gr->nkinds; i++)
        multi += (double)gr->kinds[i].multi;
    /*
     * References filled and constant on 90% of the multi-row groups (at most two), then the
     * main time column when the catalog found it constant within g.
     */
    for (k = 0; k < gr->nparts; k++) {
        double same = 0;
        if (gr->parts[k] == exclude ||
            !(c->tables[t].columns[gr->parts[k]].roles & CAT_ROLE_FOREIGN_KEY))
            continue;
        for (i = 0; i < gr->nkinds; i++)
            if (gr->kinds[i].same & (1u << k))
                same += (double)gr->kinds[i].multi;
        if (n < 3 && multi > 0 && same >= 0.9 * multi) {
            cols[n++] = gr->parts[k];
            chosen |= 1u << k;
        }
    }
    for (k = 0; k < gr->nparts && !timed; k++)
        if (gr->parts[k] == time_col && time_col != exclude) {
            cols[n++] = time_col;
            chosen |= 1u << k;
            timed = 1;
        }
    for (i = 0; i < gr->nkinds; i++)
        if (gr->kinds[i].varies & chosen)
            *reused += (long long)gr->kinds[i].groups;
    return n;
}

void sk_identity_select(struct skill_ctx *x, struct strbuf *sb, const char *alias, int t,
                        const int *cols, int n)
{
    int k;

    for (k = 0; k < n; k++) {
        strbuf_addstr(sb, k ? ", " : "");
        sk_col(x, sb, alias, t, cols[k]);
        strbuf_addf(sb, " AS b%d", k);
    }
}

void sk_identity_words(struct skill_ctx *x, struct strbuf *sb, int t, const int *cols, int n)
{
    int k;

    for (k = 0; k < n; k++)
        strbuf_addf(sb, "%s%s",
                    k == 0       ? ""
                    : k == n - 1 ? " and "
                                 : ", ",
                    x->c->tables[t].columns[cols[k]].name);
}

/* ---- the question's filters ----------------------------------------------------------------- */

int sk_filter_column(struct skill_ctx *x, size_t i, int t)
{
    const struct skill_filter *f = &x->opts->filters[i];
    const struct cat_column *col;
    size_t k, v;
    int cn;

    if (f->table == t)
        return f->column;
    cn = catalog_find_column(x->c, t, x->c->tables[f->table].columns[f->column].name);
    if (cn < 0)
        return -1;
    col = &x->c->tables[t].columns[cn];
    for (k = 0; k < f->nvalues; k++)
        for (v = 0; v < col->nvalues; v++)
            if (!strcmp(col->values[v].text, f->values[k]))
                return cn;
    return -1;
}

int sk_filtered(struct skill_ctx *x, int t, int col)
{
    size_t i;

    for (i = 0; i < x->opts->nfilters; i++)
        if (sk_filter_column(x, i, t) == col)
            return 1;
    return 0;
}

int sk_filters(struct skill_ctx *x, int t, const char *alias, struct strbuf *sql,
               struct strbuf *words)
{
    int done[16], ndone = 0, k;
    size_t i, v;

    for (i = 0; i < x->opts->nfilters && ndone < 16; i++) {
        const struct skill_filter *f = &x->opts->filters[i];
        int col = sk_filter_column(x, i, t), seen = 0;
        if (col < 0)
            continue;
        for (k = 0; k < ndone; k++)
            seen |= done[k] == col;
        if (seen)
            continue;
        done[ndone++] = col;
        strbuf_addstr(sql, " AND ");
        if (x->c->tables[t].columns[col].separator) {
            /* a list column ("Comedy, Drama"): the list holds one of the values */
            struct strbuf c = STRBUF_INIT;
            sk_col(x, &c, alias, t, col);
            strbuf_addstr(sql, f->negate ? "NOT coalesce(list_has_any(" : "list_has_any(");
            catalog_list_sql(&x->c->tables[t].columns[col], c.buf, sql);
            strbuf_addstr(sql, ", [");
            for (v = 0; v < f->nvalues; v++) {
                strbuf_addstr(sql, v ? ", " : "");
                strbuf_add_sql_string(sql, f->values[v]);
            }
            strbuf_addstr(sql, f->negate ? "]), false)" : "])");
            strbuf_release(&c);
        } else {
            if (f->negate)
                strbuf_addstr(sql, "(");
            sk_col(x, sql, alias, t, col);
            strbuf_addstr(sql, f->negate ? " NOT IN (" : " IN (");
            for (v = 0; v < f->nvalues; v++) {
                strbuf_addstr(sql, v ? ", " : "");
                strbuf_add_sql_string(sql, f->values[v]);
            }
            strbuf_addstr(sql, ")");
            if (f->negate) {
                strbuf_addstr(sql, " OR ");
                sk_col(x, sql, alias, t, col);
                strbuf_addstr(sql, " IS NULL)");
            }
        }
        if (words) {
            const char *verb = x->c->tables[t].columns[col].separator
                                   ? (f->negate ? "does not include" : "includes")
                                   : (f->negate ? "is not" : "is");
            strbuf_addf(words, "%s%s %s", words->len ? ", " : "", x->c->tables[t].columns[col].name,
                        verb);
            for (v = 0; v < f->nvalues; v++)
                strbuf_addf(words, "%s'%s'", v ? (v + 1 == f->nvalues ? " or " : ", ") : " ",
                            f->values[v]);
        }
    }
    return ndone;
}
