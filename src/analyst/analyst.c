/*
 * The offline analyst's orchestration: tokens, time, links, plan, SQL, the sandbox, and the
 * answer in words, with the interpretation, the caveats and every stage for --explain.
 */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analyst/analyst.h"
#include "analyst/plan.h"
#include "analyst/skills.h"
#include "catalog/catalog.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

/* "in 2024", "in November 2024", but "last quarter", "since 2023", "the last 90 days" */
static int needs_in(const char *label)
{
    static const char *const bare[] = {
        "last",     "this",         "since",     "before",       "after",
        "year to",  "quarter to",   "month to",  "week to",      "ytd",
        "mtd",      "qtd",          "today",     "yesterday",    "the last",
        "the past", "the previous", "the prior", "the trailing", "the recent",
        "past",     "previous",     "prior",     "current",      NULL};
    size_t i;

    for (i = 0; bare[i]; i++)
        if (!strncmp(label, bare[i], strlen(bare[i])))
            return 0;
    return 1;
}

static void strbuf_insert_str(struct strbuf *sb, const char *s)
{
    char *old = strbuf_detach(sb, NULL);

    strbuf_addstr(sb, s);
    strbuf_addstr(sb, old);
    free(old);
}

static void caveat(struct analyst_answer *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void caveat(struct analyst_answer *a, const char *fmt, ...)
{
    va_list ap;
    struct strbuf sb = STRBUF_INIT;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    strv_push_unique(&a->caveats, &a->ncaveats, strbuf_detach(&sb, NULL));
}

void analyst_number(struct strbuf *sb, double v, int money)
{
    double a = fabs(v);
    char buf[64], *dot;
    int whole = fabs(a - floor(a + 0.5)) < 1e-9 && !money;
    size_t intlen, i;

    if (v < 0 && a >= 0.005)
        strbuf_addch(sb, '-');
    if (money)
        strbuf_addch(sb, '$');
    if (a >= 1e15) {
        strbuf_addf(sb, "%.6g", a);
        return;
    }
    snprintf(buf, sizeof(buf), "%.*f", whole ? 0 : (a >= 1 || money) ? 2 : 4, a);
    dot = strchr(buf, '.');
    intlen = dot ? (size_t)(dot - buf) : strlen(buf);
    for (i = 0; i < intlen; i++) {
        if (i && (intlen - i) % 3 == 0)
            strbuf_addch(sb, ',');
        strbuf_addch(sb, buf[i]);
    }
    if (dot)
        strbuf_addstr(sb, dot);
}

static int is_money_col(const struct analyst_answer *a, const struct plan *p)
{
    (void)a;
    return p->has_measure && p->measure.money &&
           (p->op == OP_SUM || p->op == OP_AVG || p->op == OP_MEDIAN || p->op == OP_MIN ||
            p->op == OP_MAX);
}

/* Is the plan's measure a date or time (ranked as first and latest, not lowest and highest)? */
static int dated(const struct catalog *c, const struct plan *p)
{
    const struct cat_column *m;

    if (!p->has_measure || p->measure.learned || p->measure.span || p->measure.ncols != 1 ||
        p->measure.cols[0].table < 0)
        return 0;
    m = &c->tables[p->measure.cols[0].table].columns[p->measure.cols[0].column];
    return m->type == WH_T_DATE || m->type == WH_T_TIMESTAMP;
}

static const char *op_words(const struct catalog *c, const struct plan *p)
{
    switch (p->op) {
    case OP_COUNT: return "number of";
    case OP_COUNT_DISTINCT: return "number of distinct";
    case OP_SUM: return "total";
    case OP_AVG: return "average";
    case OP_MEDIAN: return "median";
    case OP_MIN: return dated(c, p) ? "earliest" : "lowest";
    case OP_MAX: return dated(c, p) ? "latest" : "highest";
    }
    return "";
}

/* A cell as the answer writes it: numbers formatted, months named, NULL as "(none)". */
static void add_cell(struct strbuf *sb, const struct wh_result *r, size_t row, size_t col,
                     int money, enum time_grain grain)
{
    const char *txt = wh_result_text(r, row, col);
    double v;

    if (!txt) {
        strbuf_addstr(sb, "(none)");
        return;
    }
    if (r->cols[col].type == WH_T_DATE &&
        (grain == GRAIN_MONTH || grain == GRAIN_QUARTER || grain == GRAIN_YEAR)) {
        static const char *const mn[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
        int y, m, d;
        if (sscanf(txt, "%d-%d-%d", &y, &m, &d) == 3 && m >= 1 && m <= 12) {
            if (grain == GRAIN_MONTH)
                strbuf_addf(sb, "%s %d", mn[m - 1], y);
            else if (grain == GRAIN_QUARTER)
                strbuf_addf(sb, "Q%d %d", (m - 1) / 3 + 1, y);
            else
                strbuf_addf(sb, "%d", y);
            return;
        }
    }
    if (wh_type_is_numeric(r->cols[col].type) && wh_result_num(r, row, col, &v) == 0 &&
        r->cols[col].type != WH_T_BOOL) {
        analyst_number(sb, v, money);
        return;
    }
    strbuf_addstr(sb, txt);
}

/* What the groups are called: "brand", "category, month". */
static const char *group_name(const struct catalog *c, const struct plan *p)
{
    if (p->ngroups)
        return c->tables[p->groups[0].table].columns[p->groups[0].column].name;
    return p->grain == GRAIN_WEEKDAY ? "weekday" : "period";
}

static void describe_filters(const struct catalog *c, const struct plan *p, struct strbuf *sb,
                             int part)
{
    size_t i, k;
    int n = 0;

    for (i = 0; i < p->nfilters; i++) {
        const struct plan_filter *f = &p->filters[i];
        const char *name = c->tables[f->col.table].columns[f->col.column].name;
        if (f->share_part != part)
            continue;
        strbuf_addstr(sb, n++ ? " and " : "");
        switch (f->op) {
        case F_EQ:
        case F_IN:
            if (c->tables[f->col.table].columns[f->col.column].separator)
                strbuf_addf(sb, "%s %s ", name,
                            f->negate        ? "does not include"
                            : f->nvalues > 1 ? "includes one of"
                                             : "includes");
            else
                strbuf_addf(sb, "%s %s ", name,
                            f->negate        ? "is not"
                            : f->nvalues > 1 ? "is one of"
                                             : "is");
            for (k = 0; k < f->nvalues; k++)
                strbuf_addf(sb, "%s'%s'", k ? ", " : "", f->values[k]);
            break;
        case F_NULL: strbuf_addf(sb, "%s is missing", name); break;
        case F_NOT_NULL: strbuf_addf(sb, "%s is known", name); break;
        case F_ZERO:
            strbuf_addf(sb, f->negate ? "%s is not zero" : "%s is zero or missing", name);
            break;
        case F_CMP: strbuf_addf(sb, "%s %s %.15g", name, f->cmp, f->num); break;
        case F_CMP_COL:
            strbuf_addf(sb, "%s is %s %s", name, f->cmp[0] == '>' ? "after" : "before",
                        c->tables[f->other.table].columns[f->other.column].name);
            break;
        }
    }
}

void plan_describe(const struct catalog *c, const struct plan *p, struct strbuf *sb)
{
    size_t i;

    if (p->base < 0) {
        strbuf_addstr(sb, "(no plan)");
        return;
    }
    switch (p->kind) {
    case PLAN_SHARE: strbuf_addstr(sb, "share of "); break;
    case PLAN_COMPARE: strbuf_addstr(sb, "comparison of "); break;
    case PLAN_PER_GROUP: strbuf_addstr(sb, "average rows per group of "); break;
    case PLAN_RATIO: strbuf_addstr(sb, "ratio of "); break;
    case PLAN_ABSENT: strbuf_addstr(sb, "count of rows with no match of "); break;
    default: break;
    }
    if (p->kind != PLAN_PER_GROUP && p->kind != PLAN_ABSENT) {
        strbuf_addf(sb, "%s ", op_words(c, p));
        if (p->op == OP_COUNT)
            strbuf_addstr(sb, "rows");
        else if (p->op == OP_COUNT_DISTINCT) {
            if (p->nidentity > 1) {
                strbuf_addch(sb, '(');
                for (i = 0; i < p->nidentity; i++)
                    strbuf_addf(
                        sb, "%s%s", i ? ", " : "",
                        c->tables[p->identity[i].table].columns[p->identity[i].column].name);
                strbuf_addch(sb, ')');
            } else
                strbuf_addstr(sb, c->tables[p->entity.table].columns[p->entity.column].name);
        } else
            strbuf_addstr(sb, p->measure.label ? p->measure.label : "?");
    } else if (p->kind == PLAN_ABSENT)
        strbuf_addstr(sb, c->tables[p->absent_fk.table].relation);
    else
        for (i = 0; i < p->nidentity; i++)
            strbuf_addf(sb, "%s%s", i ? ", " : "",
                        c->tables[p->identity[i].table].columns[p->identity[i].column].name);
    strbuf_addf(sb, " over %s", c->tables[p->base].relation);
    for (i = 0; i < p->njoins; i++)
        strbuf_addf(sb, " joined to %s", c->tables[c->joins[p->joins[i]].to_table].relation);
    if (p->nfilters) {
        size_t before = sb->len;
        strbuf_addstr(sb, " where ");
        describe_filters(c, p, sb, 0);
        if (sb->len == before + 7)
            strbuf_setlen(sb, before);
    }
    if (p->kind == PLAN_SHARE) {
        strbuf_addstr(sb, ", the part where ");
        describe_filters(c, p, sb, 1);
    }
    if (p->time.nranges && p->time_col.table >= 0) {
        const char *tc = c->tables[p->time_col.table].columns[p->time_col.column].name;
        for (i = 0; i < (size_t)p->time.nranges; i++) {
            strbuf_addf(sb, "%s%s in %s (", i ? " vs " : ", ", tc, p->time.r[i].label);
            if (p->time.r[i].from != INT_MIN)
                days_add(sb, p->time.r[i].from);
            strbuf_addstr(sb, " .. ");
            if (p->time.r[i].to != INT_MAX)
                days_add(sb, p->time.r[i].to - 1);
            strbuf_addch(sb, ')');
        }
    }
    if (p->time.future)
        strbuf_addstr(sb, ", dated after today");
    if (p->ngroups || p->grain) {
        strbuf_addstr(sb, ", by ");
        for (i = 0; i < p->ngroups; i++)
            strbuf_addf(sb, "%s%s", i ? ", " : "",
                        c->tables[p->groups[i].table].columns[p->groups[i].column].name);
        if (p->grain)
            strbuf_addf(sb, "%s%s", p->ngroups ? ", " : "",
                        p->grain == GRAIN_DAY       ? "day"
                        : p->grain == GRAIN_WEEK    ? "week"
                        : p->grain == GRAIN_MONTH   ? "month"
                        : p->grain == GRAIN_QUARTER ? "quarter"
                        : p->grain == GRAIN_YEAR    ? "year"
                        : p->grain == GRAIN_WEEKDAY ? "weekday"
                        : p->grain == GRAIN_HOUR    ? "hour"
                                                    : "month of the year");
        if (p->order_desc || p->order_asc)
            strbuf_addf(sb, ", %s first", p->order_desc ? "highest" : "lowest");
        if (p->limit)
            strbuf_addf(sb, ", top %d", p->limit);
    }
}

/* Words the warehouse does have that look like w: names of tables and columns. */
static void suggest(const struct catalog *c, const char *w, struct strbuf *sb)
{
    const char *best[5] = {0};
    size_t bestd[5], nb = 0, i, j, k;

    for (i = 0; i < c->ntables; i++)
        for (j = 0; j < c->tables[i].ncolumns; j++) {
            const char *name = c->tables[i].columns[j].name;
            size_t d = str_edit_distance(w, name), seen = 0;
            if (d > strlen(name) / 2 + 1 && !strstr(name, w))
                continue;
            if (strstr(name, w))
                d = 1;
            for (k = 0; k < nb; k++)
                seen |= !strcasecmp(best[k], name);
            if (seen)
                continue;
            if (nb < 5) {
                best[nb] = name;
                bestd[nb++] = d;
            } else {
                size_t worst = 0;
                for (k = 1; k < nb; k++)
                    if (bestd[k] > bestd[worst])
                        worst = k;
                if (d < bestd[worst]) {
                    best[worst] = name;
                    bestd[worst] = d;
                }
            }
        }
    for (k = 0; k < nb; k++)
        strbuf_addf(sb, "%s%s", k ? ", " : "", best[k]);
}

/* What the warehouse has, for a refusal: its larger tables and their measures. */
static void overview(const struct catalog *c, struct strbuf *sb)
{
    size_t i, n = 0;

    for (i = 0; i < c->ntables && n < 6; i++) {
        if (c->tables[i].layer == CAT_LAYER_STAGING)
            continue;
        strbuf_addf(sb, "%s%s", n++ ? ", " : "", c->tables[i].relation);
    }
}

static int run(struct wh *sandbox, const char *sql, const struct analyst_options *o,
               struct wh_result **out, double *ms)
{
    double t0 = clock_seconds();
    struct wh_limits lim;
    int ret;

    memset(&lim, 0, sizeof(lim));
    lim.cancel = o ? o->cancel : NULL;
    ret = wh_query(sandbox, sql, &lim, out);

    *ms += (clock_seconds() - t0) * 1000;
    return ret;
}

static void explain_stages(const struct catalog *c, const struct tokens *t, const struct links *l,
                           const struct plan *p, struct strbuf *sb)
{
    static const char *const uses[] = {"?", "function", "operator", "time", "linked"};
    size_t i, k;

    strbuf_addstr(sb, "tokens:\n");
    for (i = 0; i < t->n; i++)
        strbuf_addf(sb, "  %-16s %s\n", t->v[i].text, uses[t->v[i].use]);
    strbuf_addstr(sb, "links:\n");
    for (i = 0; i < l->n; i++) {
        strbuf_addf(sb, "  \"%s\"\n", l->v[i].phrase);
        for (k = 0; k < l->v[i].nc && k < 6; k++) {
            const struct link_cand *lc = &l->v[i].c[k];
            strbuf_addf(sb, "    %.2f %-22s ", lc->score, lc->why);
            if (lc->kind == LINK_TABLE)
                strbuf_addstr(sb, c->tables[lc->table].relation);
            else if (lc->kind == LINK_MEASURE)
                strbuf_addstr(sb, c->measures[lc->measure].expression);
            else {
                strbuf_addf(sb, "%s.%s", c->tables[lc->table].relation,
                            c->tables[lc->table].columns[lc->column].name);
                if (lc->kind == LINK_VALUE)
                    strbuf_addf(sb, " = '%s'",
                                c->tables[lc->table].columns[lc->column].values[lc->value].text);
            }
            strbuf_addch(sb, '\n');
        }
        if (l->v[i].nc > 6)
            strbuf_addf(sb, "    (%zu more)\n", l->v[i].nc - 6);
    }
    strbuf_addstr(sb, "plan:\n  ");
    plan_describe(c, p, sb);
    strbuf_addch(sb, '\n');
    if (p->refusal)
        strbuf_addf(sb, "refused: %s\n", p->refusal);
}

static int today_days(void)
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The first cell of a one-row result as a number. */
static int cell(const struct wh_result *r, size_t row, size_t col, double *v)
{
    return r && row < r->nrows && col < r->ncols ? wh_result_num(r, row, col, v) : -1;
}

static void compose(const struct catalog *c, const struct plan *p, struct wh_result *r,
                    struct wh_result *r2, struct analyst_answer *a, struct strbuf *text)
{
    int money = is_money_col(a, p);
    const char *what = p->has_measure && p->op != OP_COUNT && p->op != OP_COUNT_DISTINCT
                           ? p->measure.label
                           : p->entity_label;
    struct strbuf scope = STRBUF_INIT;
    double v, v2;
    size_t i;

    /* "where status is 'completed', in 2024" / "in 2024" */
    if (p->nfilters) {
        describe_filters(c, p, &scope, 0);
        if (scope.len) {
            strbuf_insert_str(&scope, "where ");
        }
    }
    if (p->time.nranges == 1)
        strbuf_addf(&scope, "%s%s%s", scope.len ? ", " : "",
                    needs_in(p->time.r[0].label) ? "in " : "", p->time.r[0].label);
    switch (p->kind) {
    case PLAN_AGGREGATE:
        if (!p->ngroups && !p->grain) {
            if (cell(r, 0, 0, &v) < 0) {
                strbuf_addf(text, "There is no %s%s%s: no rows match.", what, scope.len ? " " : "",
                            scope.buf);
                break;
            }
            if (p->op == OP_COUNT || p->op == OP_COUNT_DISTINCT) {
                strbuf_addstr(text, "There are ");
                analyst_number(text, v, 0);
                strbuf_addf(text, " %s%s%s.", p->per_line ? "rows of " : "", what,
                            scope.len ? "" : "");
                if (scope.len) {
                    strbuf_setlen(text, text->len - 1);
                    strbuf_addf(text, " %s.", scope.buf);
                }
            } else {
                strbuf_addf(text, "The %s %s%s%s is ", op_words(c, p), what, scope.len ? " " : "",
                            scope.buf);
                if (wh_type_is_temporal(r->cols[0].type))
                    strbuf_addstr(text, wh_result_text(r, 0, 0)); /* a date, as written */
                else
                    analyst_number(text, v, money);
                if (p->measure.span)
                    strbuf_addf(text, " %s", p->measure.span_unit_name);
                strbuf_addch(text, '.');
            }
            a->chart = CHART_NONE;
        } else {
            size_t shown = r->nrows < 10 ? r->nrows : 10, vc = r->ncols - 1;
            int ranked = p->rank_named || p->order_desc || p->order_asc;
            a->label_col = 0;
            a->value_col = (int)vc;
            a->chart = p->grain && !ranked ? CHART_SERIES : CHART_BARS;
            if (!r->nrows) {
                strbuf_addf(text, "No rows match%s%s.", scope.len ? ": " : "", scope.buf);
                break;
            }
            if (ranked && p->rank_named && !p->limit) {
                /* the answer to "which X": the first, and any tied with it */
                size_t ties = 1;
                strbuf_addstr(text, "");
                for (i = 0; i < r->ncols - 1; i++) {
                    if (i)
                        strbuf_addstr(text, ", ");
                    add_cell(text, r, 0, i, 0, p->grain);
                }
                {
                    /* "the lowest price", not "the lowest lowest price" */
                    int extreme = p->op == OP_MIN || p->op == OP_MAX;
                    strbuf_addf(text, " has the %s %s%s%s: ",
                                dated(c, p) ? (p->order_asc ? "earliest" : "latest")
                                            : (p->order_asc ? "lowest" : "highest"),
                                p->op == OP_COUNT || p->op == OP_COUNT_DISTINCT ? "number of"
                                : extreme                                       ? ""
                                                                                : op_words(c, p),
                                extreme ? "" : " ", what);
                }
                add_cell(text, r, 0, vc, money, GRAIN_NONE);
                while (ties < r->nrows && wh_result_text(r, ties, vc) && wh_result_text(r, 0, vc) &&
                       !strcmp(wh_result_text(r, ties, vc), wh_result_text(r, 0, vc)))
                    ties++;
                if (ties > 1) {
                    strbuf_addstr(text, ", tied with ");
                    for (i = 1; i < ties && i < 10; i++) {
                        if (i > 1)
                            strbuf_addstr(text, ", ");
                        add_cell(text, r, i, 0, 0, p->grain);
                    }
                }
                strbuf_addch(text, '.');
                if (scope.len)
                    strbuf_addf(text, " (%s)", scope.buf);
                if (r->nrows > 1)
                    strbuf_addstr(text, " Next:");
                for (i = ties; i < shown && i < ties + 4; i++) {
                    strbuf_addstr(text, i > ties ? "; " : " ");
                    add_cell(text, r, i, 0, 0, p->grain);
                    strbuf_addstr(text, " ");
                    add_cell(text, r, i, vc, money, GRAIN_NONE);
                }
                if (r->nrows > 1)
                    strbuf_addch(text, '.');
            } else {
                strbuf_addf(text, "%s%s %s", p->limit ? "Top " : "",
                            p->op == OP_COUNT || p->op == OP_COUNT_DISTINCT ? "Number of"
                                                                            : op_words(c, p),
                            what);
                if (p->limit == 1 && dated(c, p)) {
                    /* "the first company_name by signup_date" */
                    strbuf_reset(text);
                    strbuf_addf(text, "The %s %s by %s", p->order_asc ? "first" : "latest",
                                group_name(c, p), what);
                } else if (p->limit) {
                    strbuf_reset(text);
                    strbuf_addf(text, "%s %d %s by %s %s",
                                dated(c, p)    ? (p->order_asc ? "First" : "Latest")
                                : p->order_asc ? "Bottom"
                                               : "Top",
                                p->limit, group_name(c, p),
                                p->op == OP_COUNT || p->op == OP_COUNT_DISTINCT ? "number of"
                                                                                : op_words(c, p),
                                what);
                }
                if (text->buf[0] >= 'a' && text->buf[0] <= 'z')
                    text->buf[0] = (char)(text->buf[0] - 32);
                if (scope.len)
                    strbuf_addf(text, " (%s)", scope.buf);
                strbuf_addstr(text, ":");
                for (i = 0; i < shown; i++) {
                    size_t k;
                    strbuf_addf(text, "%s", i ? "; " : " ");
                    if (ranked)
                        strbuf_addf(text, "%zu. ", i + 1);
                    for (k = 0; k < r->ncols - 1; k++) {
                        if (k)
                            strbuf_addstr(text, ", ");
                        add_cell(text, r, i, k, 0, p->grain);
                    }
                    strbuf_addstr(text, " ");
                    add_cell(text, r, i, vc, money, GRAIN_NONE);
                }
                if (r->nrows > shown)
                    strbuf_addf(text, "; and %zu more", r->nrows - shown);
                strbuf_addch(text, '.');
            }
        }
        break;
    case PLAN_COMPARE:
        if (cell(r, 0, 0, &v) < 0 || cell(r, 0, 1, &v2) < 0) {
            strbuf_addf(text, "There is no %s in one of the periods (%s, %s).", what,
                        p->time.r[0].label, p->time.r[1].label);
            break;
        }
        {
            /* "from A to B": B against A; "A vs B", "A than B": A against B */
            int from_first = 0;
            double newer, older;
            const char *ln, *lo;
            for (i = 0; i < a->ncaveats; i++)
                ;
            from_first = p->order_asc; /* set by the caller when "from ... to" */
            newer = from_first ? v2 : v;
            older = from_first ? v : v2;
            ln = from_first ? p->time.r[1].label : p->time.r[0].label;
            lo = from_first ? p->time.r[0].label : p->time.r[1].label;
            strbuf_addf(text, "%s %s: ", op_words(c, p), what);
            text->buf[0] = (char)(text->buf[0] >= 'a' && text->buf[0] <= 'z' ? text->buf[0] - 32
                                                                             : text->buf[0]);
            strbuf_addf(text, "%s ", ln);
            analyst_number(text, newer, money);
            strbuf_addf(text, " against %s ", lo);
            analyst_number(text, older, money);
            strbuf_addstr(text, "; a difference of ");
            analyst_number(text, newer - older, money);
            if (older != 0) {
                strbuf_addstr(text, " (");
                analyst_number(text, 100.0 * (newer - older) / fabs(older), 0);
                strbuf_addstr(text, "%)");
            }
            strbuf_addch(text, '.');
            if (scope.len)
                strbuf_addf(text, " (%s)", scope.buf);
        }
        break;
    case PLAN_SHARE:
        if (cell(r, 0, 2, &v) < 0) {
            strbuf_addstr(text, "There is nothing to take a share of: no rows match.");
            break;
        }
        analyst_number(text, v, 0);
        strbuf_addf(text, "%% of %s%s%s is where ",
                    p->op == OP_SUM || p->op == OP_AVG ? op_words(c, p) : "",
                    p->op == OP_SUM || p->op == OP_AVG ? " " : "", what);
        {
            struct strbuf part = STRBUF_INIT;
            describe_filters(c, p, &part, 1);
            strbuf_add(text, part.buf, part.len);
            strbuf_release(&part);
        }
        strbuf_addstr(text, " (");
        cell(r, 0, 0, &v);
        analyst_number(text, v, money);
        strbuf_addstr(text, " of ");
        cell(r, 0, 1, &v);
        analyst_number(text, v, money);
        strbuf_addch(text, ')');
        if (scope.len) /* scope says "where ..." itself */
            strbuf_addf(text, ", %s", scope.buf);
        strbuf_addch(text, '.');
        break;
    case PLAN_PER_GROUP:
        if (cell(r, 0, 0, &v) < 0)
            break;
        strbuf_addstr(text, "On average ");
        analyst_number(text, v, p->has_measure && p->measure.money);
        if (p->has_measure)
            strbuf_addf(text, " of %s per %s", p->measure.label, p->entity_label);
        else
            strbuf_addf(text, " rows per %s", p->entity_label);
        if (cell(r, 0, 1, &v) == 0) {
            strbuf_addstr(text, " (median ");
            analyst_number(text, v, p->has_measure && p->measure.money);
            cell(r, 0, 2, &v);
            strbuf_addstr(text, ", most ");
            analyst_number(text, v, p->has_measure && p->measure.money);
            strbuf_addch(text, ')');
        }
        strbuf_addch(text, '.');
        break;
    case PLAN_RATIO:
        if (cell(r, 0, 2, &v) < 0)
            break;
        strbuf_addstr(text, "On average ");
        analyst_number(text, v, 0);
        strbuf_addf(text, " %s each (", p->entity_label);
        cell(r, 0, 0, &v);
        analyst_number(text, v, 0);
        strbuf_addf(text, " %s over ", p->entity_label);
        cell(r, 0, 1, &v);
        analyst_number(text, v, 0);
        strbuf_addf(text, " distinct %s).",
                    c->tables[p->absent_fk.table].columns[p->absent_fk.column].name);
        break;
    case PLAN_ABSENT:
        if (cell(r, 0, 0, &v) < 0)
            break;
        strbuf_addstr(text, "There are ");
        analyst_number(text, v, 0);
        strbuf_addf(text, " %s with no row in %s.", p->entity_label,
                    c->tables[p->absent_fk.table].relation);
        break;
    }
    /* the companion figure */
    if (r2 && r2->nrows) {
        if (p->has_measure && p->measure.repeated &&
            (p->op == OP_SUM || p->op == OP_AVG || p->op == OP_MEDIAN)) {
            const char *gk = c->tables[p->identity[0].table].columns[p->identity[0].column].name;
            strbuf_addf(text, " Taken once per %s instead of summed over its rows: ", gk);
            if (r2->ncols == 1 || p->kind == PLAN_SHARE || p->kind == PLAN_COMPARE) {
                if (p->kind == PLAN_COMPARE && cell(r2, 0, 0, &v) == 0 &&
                    cell(r2, 0, 1, &v2) == 0) {
                    int ff = p->order_asc;
                    double newer = ff ? v2 : v, older = ff ? v : v2;
                    analyst_number(text, newer, money);
                    strbuf_addstr(text, " against ");
                    analyst_number(text, older, money);
                    strbuf_addstr(text, ", a difference of ");
                    analyst_number(text, newer - older, money);
                    if (older != 0) {
                        strbuf_addstr(text, " (");
                        analyst_number(text, 100.0 * (newer - older) / fabs(older), 0);
                        strbuf_addstr(text, "%)");
                    }
                } else if (p->kind == PLAN_SHARE && cell(r2, 0, 2, &v) == 0) {
                    analyst_number(text, v, 0);
                    strbuf_addch(text, '%');
                } else if (cell(r2, 0, 0, &v) == 0)
                    analyst_number(text, v, money);
            } else {
                size_t n2 = r2->nrows < 10 ? r2->nrows : 10;
                for (i = 0; i < n2; i++) {
                    size_t k;
                    strbuf_addstr(text, i ? "; " : "");
                    for (k = 0; k + 1 < r2->ncols; k++) {
                        add_cell(text, r2, i, k, 0, p->grain);
                        strbuf_addch(text, ' ');
                    }
                    add_cell(text, r2, i, r2->ncols - 1, money, GRAIN_NONE);
                }
            }
            strbuf_addch(text, '.');
        } else if (cell(r2, 0, 0, &v) == 0) {
            strbuf_addstr(text, " Those are ");
            analyst_number(text, v, 0);
            strbuf_addstr(text, " rows.");
        }
    }
    strbuf_release(&scope);
}

/* Caveats from the catalog that bear on what the plan reads. */
static void plan_caveats(const struct catalog *c, const struct plan *p, struct analyst_answer *a)
{
    size_t i;

    for (i = 0; i < p->nnotes; i++)
        caveat(a, "%s", p->notes[i]);
    if (p->has_measure && p->measure.repeated && p->nidentity) {
        const struct cat_column *m = &c->tables[p->base].columns[p->measure.cols[0].column];
        struct strbuf id = STRBUF_INIT;
        for (i = 0; i < p->nidentity; i++)
            strbuf_addf(&id, "%s%s", i ? ", " : "",
                        c->tables[p->identity[i].table].columns[p->identity[i].column].name);
        caveat(a,
               "%s is the same on every row of one %s: the headline sums it over rows as stored, "
               "as the platform's models do; the figure once per (%s) is given too",
               m->name, c->tables[p->base].columns[p->identity[0].column].name, id.buf);
        strbuf_release(&id);
    }
    if (p->op == OP_COUNT_DISTINCT && p->nidentity > 1)
        caveat(a,
               "%s are told apart by %s together with the columns that stay the same "
               "over their rows, since an id can be reused",
               p->entity_label ? p->entity_label : "group",
               c->tables[p->identity[0].table].columns[p->identity[0].column].name);
    if (p->time.relative && p->time_col.table >= 0) {
        const struct cat_column *tc = &c->tables[p->time_col.table].columns[p->time_col.column];
        caveat(a, "'%s' is anchored to the latest %s in the data (%s), not to today",
               p->time.r[0].label, tc->name, tc->anchor ? tc->anchor : "?");
    }
    if (p->time_col.table >= 0 && (p->time.nranges || p->grain)) {
        const struct cat_column *tc = &c->tables[p->time_col.table].columns[p->time_col.column];
        if (tc->future_rows)
            caveat(a, "%llu rows have a %s after today", (unsigned long long)tc->future_rows,
                   tc->name);
    }
    for (i = 0; i < p->nfilters; i++) {
        const struct plan_filter *f = &p->filters[i];
        const struct cat_column *col = &c->tables[f->col.table].columns[f->col.column];
        if (f->negate && col->null_fraction > 0 && (f->op == F_EQ || f->op == F_IN))
            caveat(a, "rows with no %s count as not '%s'", col->name, f->values[0]);
    }
    if (p->rank_named)
        for (i = 0; i < p->ngroups; i++) {
            const struct cat_column *col =
                &c->tables[p->groups[i].table].columns[p->groups[i].column];
            if (col->null_fraction > 0)
                caveat(a, "rows with no %s are left out of the ranking", col->name);
        }
}

/*
 * The analysis a question asks for, when it is not one aggregate: words of the question that
 * name a kind of analysis (language, not any warehouse's names). NULL for none.
 */
static const char *skill_for(const char *question)
{
    static const struct {
        const char *phrase, *skill;
    } routes[] = {{"bought together", "basket"},
                  {"purchased together", "basket"},
                  {"ordered together", "basket"},
                  {"sold together", "basket"},
                  {"go together", "basket"},
                  {"together in the same", "basket"},
                  {"together on the same", "basket"},
                  {"billed together", "basket"},
                  {"appear together", "basket"},
                  {"often together", "basket"},
                  {"market basket", "basket"},
                  {"basket analysis", "basket"},
                  {"cross-sell", "basket"},
                  {"cross sell", "basket"},
                  {"lifetime value", "clv"},
                  {"life time value", "clv"},
                  {" clv", "clv"},
                  {" ltv", "clv"},
                  {"cltv", "clv"},
                  {"anomal", "anomalies"},
                  {"unusual", "anomalies"},
                  {"abnormal", "anomalies"},
                  {"spikes", "anomalies"},
                  {"data quality", "quality"},
                  {"data issues", "quality"},
                  {"data problems", "quality"},
                  {"distribution of", "distribution"},
                  {"percentiles", "distribution"},
                  {"histogram", "distribution"},
                  {"outliers", "distribution"},
                  {"what drove", "growth"},
                  {"drivers of", "growth"},
                  {"growth drivers", "growth"},
                  {"what drives", "growth"},
                  {"cohort", "cohorts"},
                  {"retention", "cohorts"},
                  {"funnel", "funnel"},
                  {"drop off", "funnel"},
                  {"drop-off", "funnel"},
                  {"roas", "roas"},
                  {"return on ad spend", "roas"},
                  {"return on advertising", "roas"},
                  {NULL, NULL}};
    char *q = xstrfmt(" %s", question);
    const char *found = NULL;
    size_t i;

    for (i = 0; q[i]; i++)
        q[i] = (char)tolower((unsigned char)q[i]);
    for (i = 0; routes[i].phrase && !found; i++)
        if (strstr(q, routes[i].phrase))
            found = routes[i].skill;
    free(q);
    return found;
}

/* The first word of the link at token i, or NULL. */
static const struct link *link_at(const struct links *l, size_t i)
{
    size_t k;

    for (k = 0; k < l->n; k++)
        if (l->v[k].from == i)
            return &l->v[k];
    return NULL;
}

/*
 * The dimension a question splits a skill's result by: the column linked right after "by",
 * "per" or "for each" ("by customer segment"), or for the basket, a category the question
 * asks pairs of ("which two product categories"): a column with the dimension role that is
 * no key. NULL for none.
 */
static const char *skill_dimension(const struct catalog *c, const struct tokens *t,
                                   const struct links *l, const char *skill)
{
    size_t i, k, q;

    for (i = 0; i + 1 < t->n; i++) {
        const struct link *lk;
        size_t at = i + 1;
        if (tok_is(t, i, "each") && i > 0 && tok_is(t, i - 1, "for"))
            ;
        else if (!tok_is(t, i, "by") && !tok_is(t, i, "per"))
            continue;
        if (at < t->n && (tok_is(t, at, "the") || tok_is(t, at, "their") || tok_is(t, at, "each")))
            at++;
        if (!(lk = link_at(l, at)))
            continue;
        for (q = 0; q < lk->nc; q++) {
            const struct cat_column *col;
            if (lk->c[q].kind != LINK_COLUMN || lk->c[q].score < 0.99)
                continue;
            col = &c->tables[lk->c[q].table].columns[lk->c[q].column];
            if (col->roles & CAT_ROLE_DIMENSION &&
                !(col->roles & (CAT_ROLE_KEY | CAT_ROLE_TIME | CAT_ROLE_PII)))
                return col->name;
        }
    }
    if (!strcmp(skill, "distribution")) {
        /* the distribution of what: the first number the question names */
        for (k = 0; k < l->n; k++) {
            const struct link_cand *lc = l->v[k].nc ? &l->v[k].c[0] : NULL;
            const struct cat_column *col;
            if (!lc || lc->kind != LINK_COLUMN || lc->score < 0.9)
                continue;
            col = &c->tables[lc->table].columns[lc->column];
            if (col->roles & CAT_ROLE_MEASURE &&
                !(col->roles & (CAT_ROLE_KEY | CAT_ROLE_FOREIGN_KEY | CAT_ROLE_GROUP_KEY)) &&
                (col->type == WH_T_INT || col->type == WH_T_FLOAT || col->type == WH_T_DECIMAL))
                return col->name;
        }
        return NULL;
    }
    if (strcmp(skill, "basket"))
        return NULL;
    /* pairs of what: a category column named as the thing bought together (not a table) */
    for (k = 0; k < l->n; k++)
        for (q = 0; q < l->v[k].nc; q++) {
            const struct link_cand *lc = &l->v[k].c[q];
            const struct cat_column *col;
            if (lc->kind == LINK_VALUE || lc->kind == LINK_TABLE)
                break; /* a value filters the items, a table is the items themselves */
            if (lc->kind != LINK_COLUMN || lc->score < 0.99)
                continue;
            col = &c->tables[lc->table].columns[lc->column];
            if (col->roles & CAT_ROLE_DIMENSION && col->type == WH_T_TEXT &&
                !(col->roles & (CAT_ROLE_KEY | CAT_ROLE_PII | CAT_ROLE_MEASURE)) &&
                col->distinct >= 2 && col->distinct <= 30)
                return col->name;
        }
    return NULL;
}

#define SKILL_MAX_FILTERS 16
#define SKILL_MAX_VALUES  8

/* Room for the filters and tables a question gives a skill. */
struct skill_filters {
    struct skill_filter v[SKILL_MAX_FILTERS];
    const char *values[SKILL_MAX_FILTERS][SKILL_MAX_VALUES];
    int prefer[SKILL_MAX_FILTERS * 2];
};

static void prefer_table(struct skill_options *so, struct skill_filters *f, int t)
{
    size_t i;

    for (i = 0; i < so->nprefer; i++)
        if (f->prefer[i] == t)
            return;
    if (so->nprefer < sizeof(f->prefer) / sizeof(f->prefer[0]))
        f->prefer[so->nprefer++] = t;
}

/*
 * A skill's options from the question: the values it names exactly (filters on every column
 * holding them, for the skill to apply to the table it analyses), the dimension it asks by,
 * the percentiles it names ("p90", "90th percentile") and the calendar months it names. The
 * options borrow from c and f.
 */
static void skill_options_from(const struct catalog *c, const struct tokens *t,
                               const struct links *l, const char *skill, struct skill_options *so,
                               struct skill_filters *f)
{
    size_t i, k, q;
    int negated;

    so->prefer = f->prefer;
    for (k = 0; k < l->n; k++) {
        const struct link *lk = &l->v[k];
        /* the tables the question names exactly */
        for (q = 0; q < lk->nc && lk->c[0].kind == LINK_TABLE; q++)
            if (lk->c[q].kind == LINK_TABLE && lk->c[q].score >= 0.99)
                prefer_table(so, f, lk->c[q].table);
        if (!lk->nc || lk->c[0].kind != LINK_VALUE || lk->c[0].score < 0.99)
            continue;
        negated = plan_negated(t, lk);
        for (q = 0; q < lk->nc; q++) {
            const struct link_cand *lc = &lk->c[q];
            struct skill_filter *sf = NULL;
            if (lc->kind != LINK_VALUE || lc->score < 0.99)
                continue;
            for (i = 0; i < so->nfilters && !sf; i++)
                if (f->v[i].table == lc->table && f->v[i].column == lc->column &&
                    f->v[i].negate == negated)
                    sf = &f->v[i];
            if (!sf && so->nfilters < SKILL_MAX_FILTERS) {
                sf = &f->v[so->nfilters];
                sf->table = lc->table;
                sf->column = lc->column;
                sf->negate = negated;
                sf->values = f->values[so->nfilters];
                sf->nvalues = 0;
                so->nfilters++;
            }
            for (i = 0; sf && i < sf->nvalues; i++)
                if (!strcmp(sf->values[i],
                            c->tables[lc->table].columns[lc->column].values[lc->value].text))
                    sf = NULL;
            if (sf && sf->nvalues < SKILL_MAX_VALUES)
                f->values[sf - f->v][sf->nvalues++] =
                    c->tables[lc->table].columns[lc->column].values[lc->value].text;
        }
    }
    so->filters = f->v;
    so->by = skill_dimension(c, t, l, skill);
    so->by_guessed = so->by != NULL;
    /* "the highest lift", "strongest affinity": pairs ranked by lift, not by count */
    for (i = 0; i < t->n && !strcmp(skill, "basket"); i++)
        if (tok_is(t, i, "lift") || tok_is(t, i, "affinity") || tok_is(t, i, "strongest") ||
            tok_is(t, i, "strongly"))
            so->by_lift = 1;
    for (i = 0; i < t->n; i++) {
        const struct token *tk = &t->v[i];
        double v = -1;
        if (tk->kind == TOK_WORD && tk->word[0] == 'p' && strlen(tk->word) <= 3 &&
            isdigit((unsigned char)tk->word[1]) &&
            (!tk->word[2] || isdigit((unsigned char)tk->word[2])))
            v = atoi(tk->word + 1);
        else if ((tk->kind == TOK_ORDINAL || tk->kind == TOK_NUMBER) && i + 1 < t->n &&
                 (tok_is(t, i + 1, "percentile") || tok_is(t, i + 1, "percentiles")))
            v = tk->num;
        if (v > 0 && v < 100 && so->npercentiles < SKILL_MAX_PERCENTILES)
            so->percentiles[so->npercentiles++] = v / 100;
        if (tk->kind == TOK_MONTH && i + 1 < t->n && t->v[i + 1].kind == TOK_YEAR &&
            so->nmonths < 2)
            so->months[so->nmonths++] = days_from_civil((int)t->v[i + 1].num, (int)tk->num, 1);
    }
}

/* What the question told the skill, for --explain. */
static void skill_explain(const struct catalog *c, const char *skill,
                          const struct skill_options *so, struct strbuf *ex)
{
    size_t i, k;

    strbuf_addf(ex, "skill: %s\n", skill);
    for (i = 0; i < so->nfilters; i++) {
        const struct skill_filter *f = &so->filters[i];
        strbuf_addf(ex, "  filter: %s.%s %sin (", c->tables[f->table].relation,
                    c->tables[f->table].columns[f->column].name, f->negate ? "not " : "");
        for (k = 0; k < f->nvalues; k++)
            strbuf_addf(ex, "%s'%s'", k ? ", " : "", f->values[k]);
        strbuf_addstr(ex, ")\n");
    }
    if (so->by)
        strbuf_addf(ex, "  by: %s\n", so->by);
    if (so->by_lift)
        strbuf_addstr(ex, "  pairs ranked by lift\n");
    for (i = 0; i < so->nprefer; i++)
        strbuf_addf(ex, "  named: %s\n", c->tables[so->prefer[i]].relation);
    for (i = 0; i < so->npercentiles; i++)
        strbuf_addf(ex, "  percentile: %g\n", so->percentiles[i] * 100);
    for (i = 0; i < so->nmonths; i++) {
        strbuf_addstr(ex, "  month: ");
        days_add(ex, so->months[i]);
        strbuf_addch(ex, '\n');
    }
}

/* The answer from a verified query's SQL, run as it is written. */
static int answer_verified(const struct catalog *c, struct wh *sandbox,
                           const struct analyst_options *opts, const struct cat_example *e,
                           struct analyst_answer *a, double t0)
{
    struct wh_result *r = NULL;
    struct strbuf text = STRBUF_INIT;
    size_t i, j, n;
    double v;

    (void)c;
    answer_add_sql(&a->base, e->sql);
    a->interpretation = xstrfmt("the verified query %s%s%s (%s): \"%s\"", e->name ? "'" : "",
                                e->name ? e->name : "", e->name ? "'" : "", e->source, e->question);
    if (run(sandbox, e->sql, opts, &r, &a->query_ms) < 0) {
        a->base.error = xstrfmt("the verified query at %s failed: %s", e->source,
                                error_last() ? error_last() : "?");
        a->elapsed_ms = (clock_seconds() - t0) * 1000;
        return -1;
    }
    strbuf_addf(&text, "From verified SQL (%s): ", e->source);
    if (r->nrows == 1 && r->ncols == 1) {
        if (wh_type_is_numeric(r->cols[0].type) && wh_result_num(r, 0, 0, &v) == 0)
            analyst_number(&text, v, 0);
        else
            strbuf_addstr(&text, wh_result_text(r, 0, 0) ? wh_result_text(r, 0, 0) : "(none)");
    } else {
        n = r->nrows < 10 ? r->nrows : 10;
        for (i = 0; i < n; i++) {
            strbuf_addstr(&text, i ? "; " : "");
            for (j = 0; j < r->ncols; j++) {
                if (j)
                    strbuf_addch(&text, ' ');
                add_cell(&text, r, i, j, 0, GRAIN_NONE);
            }
        }
        if (r->nrows > n)
            strbuf_addf(&text, "; and %zu more", r->nrows - n);
        if (!r->nrows)
            strbuf_addstr(&text, "no rows");
    }
    strbuf_addch(&text, '.');
    caveat(a, "answered from the verified query at %s, not read from the question", e->source);
    a->base.text = strbuf_detach(&text, NULL);
    a->table = r;
    a->chart = r->nrows > 1 && r->ncols == 2 ? CHART_BARS : CHART_NONE;
    a->label_col = 0;
    a->value_col = (int)r->ncols - 1;
    a->elapsed_ms = (clock_seconds() - t0) * 1000;
    return 0;
}

int analyst_ask(const struct catalog *c, struct wh *sandbox, const char *question,
                const struct analyst_options *opts, struct analyst_answer *a)
{
    struct tokens t;
    struct links l;
    struct plan p;
    struct time_expr tx;
    struct strbuf sql = STRBUF_INIT, sql2 = STRBUF_INIT, text = STRBUF_INIT, ex = STRBUF_INIT;
    struct wh_result *r = NULL, *r2 = NULL;
    double t0 = clock_seconds();
    int today = opts && opts->today ? opts->today : today_days(), ret = -1;
    const char *skill;
    size_t i;

    memset(a, 0, sizeof(*a));
    a->base.mode = xstrdup("offline");
    a->label_col = a->value_col = -1;
    if (!(opts && opts->no_verified) &&
        (i = (size_t)analyst_verified_match(c, question)) != (size_t)-1)
        return answer_verified(c, sandbox, opts, &c->examples[i], a, t0);
    skill = skill_for(question);
    tokens_split(question, &t);
    timex_find(&t, today, today, &tx);
    links_find(c, &t, &l);
    plan_build(c, &t, &l, today, &p);
    if (opts && opts->explain) {
        explain_stages(c, &t, &l, &p, &ex);
    }
    if (skill) {
        struct skill_options so = {0};
        struct skill_filters filters;
        so.today = opts ? opts->today : 0;
        skill_options_from(c, &t, &l, skill, &so, &filters);
        if (ex.len)
            skill_explain(c, skill, &so, &ex);
        free(a->base.mode); /* skill_run() fills *a afresh */
        ret = skill_run(skill, c, sandbox, &so, a);
        goto done;
    }

    if (!t.n) {
        free(p.refusal);
        p.refusal = xstrdup("the question is empty");
    }
    if (p.refusal) {
        a->base.unanswerable = 1;
        strbuf_addf(&text, "I can't answer that from this warehouse: %s.", p.refusal);
        for (i = 0; i < p.nunknown; i++) {
            struct strbuf s = STRBUF_INIT;
            suggest(c, p.unknown[i], &s);
            if (s.len)
                strbuf_addf(&text, " Closest to '%s': %s.", p.unknown[i], s.buf);
            strbuf_release(&s);
        }
        strbuf_addstr(&text, " The warehouse has: ");
        overview(c, &text);
        strbuf_addch(&text, '.');
        ret = 0;
        goto done;
    }

    {
        struct strbuf d = STRBUF_INIT;
        plan_describe(c, &p, &d);
        a->interpretation = strbuf_detach(&d, NULL);
    }
    plan_sql(c, &p, 0, &sql);
    if (ex.len)
        strbuf_addf(&ex, "sql:\n%s\n", sql.buf);
    answer_add_sql(&a->base, sql.buf);
    if (run(sandbox, sql.buf, opts, &r, &a->query_ms) < 0)
        goto done;
    if (plan_sql(c, &p, 1, &sql2) == 0) {
        answer_add_sql(&a->base, sql2.buf);
        if (ex.len)
            strbuf_addf(&ex, "sql (companion):\n%s\n", sql2.buf);
        if (run(sandbox, sql2.buf, opts, &r2, &a->query_ms) < 0) {
            r2 = NULL;
            error_clear();
        }
    }
    {
        /* "from 2023 to 2024" compares the second period against the first */
        int from_first = 0;
        for (i = 0; i + 1 < t.n; i++)
            if (tok_is(&t, i, "from") && t.v[i + 1].use == TOK_TIME)
                from_first = 1;
        if (p.kind == PLAN_COMPARE)
            p.order_asc = from_first;
    }
    plan_caveats(c, &p, a);
    compose(c, &p, r, r2, a, &text);
    a->table = r;
    r = NULL;
    ret = 0;
done:
    if (text.len)
        a->base.text = strbuf_detach(&text, NULL);
    if (ex.len)
        a->explain = strbuf_detach(&ex, NULL);
    wh_result_free(r);
    wh_result_free(r2);
    strbuf_release(&sql);
    strbuf_release(&sql2);
    strbuf_release(&text);
    strbuf_release(&ex);
    plan_release(&p);
    links_release(&l);
    tokens_release(&t);
    a->elapsed_ms = (clock_seconds() - t0) * 1000;
    if (ret < 0 && !a->base.error)
        a->base.error = xstrdup(error_last() ? error_last() : "the query failed");
    return ret;
}

void analyst_answer_release(struct analyst_answer *a)
{
    answer_release(&a->base);
    free(a->interpretation);
    strv_free(a->caveats, a->ncaveats);
    wh_result_free(a->table);
    free(a->explain);
    memset(a, 0, sizeof(*a));
}

/* ---- the answerer for mdp eval ------------------------------------------------------------ */

struct offline_state {
    const struct catalog *c;
    struct wh *sandbox;
    int with_verified;
};

static int offline_ask(struct answerer *self, const struct question *q, struct answer *out)
{
    struct offline_state *s = self->state;
    struct analyst_answer a;
    struct analyst_options o = {0};
    struct strbuf text = STRBUF_INIT;
    size_t i;

    o.no_verified = !s->with_verified;
    if (analyst_ask(s->c, s->sandbox, q->text, &o, &a) < 0) {
        out->error = xstrdup(a.base.error ? a.base.error : "the query failed");
        analyst_answer_release(&a);
        return -1;
    }
    strbuf_addstr(&text, a.base.text ? a.base.text : "");
    for (i = 0; i < a.ncaveats; i++)
        strbuf_addf(&text, "\nNote: %s.", a.caveats[i]);
    out->text = strbuf_detach(&text, NULL);
    out->sql = a.base.sql;
    out->nsql = a.base.nsql;
    a.base.sql = NULL;
    a.base.nsql = 0;
    out->mode = xstrdup("offline");
    out->unanswerable = a.base.unanswerable;
    analyst_answer_release(&a);
    return 0;
}

static void offline_release(struct answerer *self)
{
    free(self->state);
    self->state = NULL;
}

void answerer_offline_init(struct answerer *a, const struct catalog *c, struct wh *sandbox,
                           int with_verified)
{
    struct offline_state *s = xcalloc(1, sizeof(*s));

    s->c = c;
    s->sandbox = sandbox;
    s->with_verified = with_verified;
    memset(a, 0, sizeof(*a));
    a->name = "offline";
    a->ask = offline_ask;
    a->release = offline_release;
    a->state = s;
    a->concurrent = 0;
}
