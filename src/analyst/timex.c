/*
 * Time expressions: years, quarters, halves, months and dates; relative periods ("last
 * quarter", "last 90 days", "year to date") anchored to the latest date in the data; open
 * ranges ("since 2023", "before 2024"); two periods compared ("2024 vs 2023"); and grains
 * ("monthly", "per year", "which month", "busiest weekday").
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/plan.h"
#include "util/error.h"
#include "util/strbuf.h"

/* Howard Hinnant's civil-date algorithms (days since 1970-01-01, proleptic Gregorian). */
int days_from_civil(int y, int m, int d)
{
    int era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int z, int *y, int *m, int *d)
{
    int era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

int days_parse(const char *text, int *out)
{
    int y = 0, m = 1, d = 1;

    if (!text || sscanf(text, "%d-%d-%d", &y, &m, &d) < 1 || y < 1 || m < 1 || m > 12 || d < 1 ||
        d > 31)
        return -1;
    *out = days_from_civil(y, m, d);
    return 0;
}

void days_add(struct strbuf *sb, int days)
{
    int y, m, d;

    civil_from_days(days, &y, &m, &d);
    strbuf_addf(sb, "%04d-%02d-%02d", y, m, d);
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

static int month_start(int y, int m)
{
    while (m > 12) {
        m -= 12;
        y++;
    }
    while (m < 1) {
        m += 12;
        y--;
    }
    return days_from_civil(y, m, 1);
}

void time_label(struct time_range *r, const char *label)
{
    size_t n = strlen(label);

    if (n >= sizeof(r->label))
        n = sizeof(r->label) - 1;
    memcpy(r->label, label, n);
    r->label[n] = 0;
}

static void set_range(struct time_range *r, int from, int to, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void set_range(struct time_range *r, int from, int to, const char *fmt, ...)
{
    va_list ap;

    r->from = from;
    r->to = to;
    va_start(ap, fmt);
    vsnprintf(r->label, sizeof(r->label), fmt, ap);
    va_end(ap);
}

static void year_range(struct time_range *r, int y)
{
    set_range(r, days_from_civil(y, 1, 1), days_from_civil(y + 1, 1, 1), "%d", y);
}

static void quarter_range(struct time_range *r, int y, int q)
{
    set_range(r, month_start(y, 3 * q - 2), month_start(y, 3 * q + 1), "Q%d %d", q, y);
}

static void month_range(struct time_range *r, int y, int m)
{
    set_range(r, month_start(y, m), month_start(y, m + 1), "%s %d", month_names[m - 1], y);
}

static void half_range(struct time_range *r, int y, int h)
{
    set_range(r, month_start(y, h == 1 ? 1 : 7), month_start(y, h == 1 ? 7 : 13),
              "the %s half of %d", h == 1 ? "first" : "second", y);
}

enum unit { U_NONE, U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR };

static enum unit unit_of(const struct tokens *t, size_t i)
{
    static const char *const days[] = {"day", "days", NULL};
    static const char *const weeks[] = {"week", "weeks", NULL};
    static const char *const mons[] = {"month", "months", NULL};
    static const char *const quarters[] = {"quarter", "quarters", NULL};
    static const char *const years[] = {"year", "years", NULL};

    if (tok_in(t, i, days))
        return U_DAY;
    if (tok_in(t, i, weeks))
        return U_WEEK;
    if (tok_in(t, i, mons))
        return U_MONTH;
    if (tok_in(t, i, quarters))
        return U_QUARTER;
    if (tok_in(t, i, years))
        return U_YEAR;
    return U_NONE;
}

static void mark(struct tokens *t, size_t from, size_t to)
{
    for (; from < to && from < t->n; from++)
        t->v[from].use = TOK_TIME;
}

/* The period of unit u holding day a (the anchor). */
static void period_holding(struct time_range *r, enum unit u, int a, const char *how)
{
    int y, m, d, q, wd;

    civil_from_days(a, &y, &m, &d);
    q = (m - 1) / 3 + 1;
    switch (u) {
    case U_DAY: set_range(r, a, a + 1, "%s", how); break;
    case U_WEEK:
        wd = ((a % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday; Monday is 0 */
        set_range(r, a - wd, a - wd + 7, "%s", how);
        break;
    case U_MONTH: month_range(r, y, m); break;
    case U_QUARTER: quarter_range(r, y, q); break;
    case U_YEAR:
    default: year_range(r, y); break;
    }
    if (u != U_DAY && u != U_WEEK) {
        char label[160];
        snprintf(label, sizeof(label), "%s (%s)", how, r->label);
        time_label(r, label);
    }
}

/* The N units up to and including day a. */
static void last_n(struct time_range *r, enum unit u, int n, int a, const char *word)
{
    int y, m, d, from = a + 1;

    civil_from_days(a + 1, &y, &m, &d);
    switch (u) {
    case U_DAY: from = a + 1 - n; break;
    case U_WEEK: from = a + 1 - 7 * n; break;
    case U_MONTH: from = month_start(y, m - n) + d - 1; break;
    case U_QUARTER: from = month_start(y, m - 3 * n) + d - 1; break;
    case U_YEAR:
    default: from = days_from_civil(y - n, m, d); break;
    }
    set_range(r, from, a + 1, "the %s %d %s", word, n,
              u == U_DAY       ? "days"
              : u == U_WEEK    ? "weeks"
              : u == U_MONTH   ? "months"
              : u == U_QUARTER ? "quarters"
                               : "years");
}

static enum time_grain grain_of_unit(enum unit u)
{
    switch (u) {
    case U_DAY: return GRAIN_DAY;
    case U_WEEK: return GRAIN_WEEK;
    case U_MONTH: return GRAIN_MONTH;
    case U_QUARTER: return GRAIN_QUARTER;
    case U_YEAR: return GRAIN_YEAR;
    default: return GRAIN_NONE;
    }
}

static int add_range(struct time_expr *x, const struct time_range *r)
{
    if (x->nranges >= 2)
        return 0;
    x->r[x->nranges++] = *r;
    return 1;
}

/* The year the question names when a period leaves it out ("the first half"), else -1. */
static int named_year(const struct tokens *t)
{
    size_t i;
    int y = -1;

    for (i = 0; i < t->n; i++)
        if (t->v[i].kind == TOK_YEAR) {
            if (y >= 0 && y != (int)t->v[i].num)
                return -1;
            y = (int)t->v[i].num;
        }
    return y;
}

int timex_find(struct tokens *t, int anchor, int today, struct time_expr *x)
{
    static const char *const lastw[] = {"last",     "past",   "previous", "prior",
                                        "trailing", "recent", NULL};
    static const char *const thisw[] = {"this", "current", NULL};
    static const char *const grain_words[] = {"daily",  "weekly",   "monthly", "quarterly",
                                              "yearly", "annually", "annual",  NULL};
    int ay, am, ad, dy = named_year(t);
    size_t i;

    memset(x, 0, sizeof(*x));
    civil_from_days(anchor, &ay, &am, &ad);
    if (dy < 0)
        dy = ay;
    for (i = 0; i < t->n; i++) {
        struct token *k = &t->v[i];
        struct time_range r;
        enum unit u;

        /* a word of a column's name ("daily rate") is not a time */
        if (k->use == TOK_TIME || k->use == TOK_LINKED)
            continue;
        /* open ranges: since X, before X, after X, until X */
        if (k->kind == TOK_DATE) {
            set_range(&r, (int)k->num, (int)k->num + 1, "%s", k->text);
            if (tok_is(t, i + 1, "and") && i + 2 < t->n && t->v[i + 2].kind == TOK_DATE) {
                set_range(&r, (int)k->num, (int)t->v[i + 2].num + 1, "%s to %s", k->text,
                          t->v[i + 2].text);
                mark(t, i, i + 3);
            } else
                mark(t, i, i + 1);
            add_range(x, &r);
            continue;
        }
        if (k->kind == TOK_QUARTER) {
            int y = dy;
            size_t e = i + 1;
            if ((tok_is(t, e, "of") || tok_is(t, e, "in")) && e + 1 < t->n &&
                t->v[e + 1].kind == TOK_YEAR)
                e++;
            if (e < t->n && t->v[e].kind == TOK_YEAR) {
                y = (int)t->v[e].num;
                e++;
            } else if (named_year(t) < 0 && month_start(ay, 3 * (int)k->num - 2) > anchor)
                y = ay - 1;
            quarter_range(&r, y, (int)k->num);
            add_range(x, &r);
            mark(t, i, e);
            continue;
        }
        if (k->kind == TOK_ORDINAL && k->num <= 4 &&
            (tok_is(t, i + 1, "quarter") || (k->num <= 2 && tok_is(t, i + 1, "half")))) {
            int y = dy, half = tok_is(t, i + 1, "half");
            size_t e = i + 2;
            if ((tok_is(t, e, "of") || tok_is(t, e, "in")) && e + 1 < t->n &&
                t->v[e + 1].kind == TOK_YEAR)
                e++;
            if (e < t->n && t->v[e].kind == TOK_YEAR) {
                y = (int)t->v[e].num;
                e++;
            }
            if (half)
                half_range(&r, y, (int)k->num);
            else
                quarter_range(&r, y, (int)k->num);
            add_range(x, &r);
            mark(t, i, e);
            if (i > 0 && tok_is(t, i - 1, "the"))
                t->v[i - 1].use = TOK_TIME;
            continue;
        }
        if (k->kind == TOK_MONTH && !(i > 0 && tok_is(t, i - 1, "which"))) {
            int y = dy, explicit_year = 0;
            size_t e = i + 1;
            if ((tok_is(t, e, "of") || tok_is(t, e, ",")) && e + 1 < t->n &&
                t->v[e + 1].kind == TOK_YEAR)
                e++;
            if (e < t->n && t->v[e].kind == TOK_YEAR) {
                y = (int)t->v[e].num;
                e++;
                explicit_year = 1;
            }
            if (!explicit_year && named_year(t) < 0 && month_start(ay, (int)k->num) > anchor)
                y = ay - 1;
            month_range(&r, y, (int)k->num);
            add_range(x, &r);
            mark(t, i, e);
            continue;
        }
        if (k->kind == TOK_YEAR) {
            year_range(&r, (int)k->num);
            if (i > 0 && (tok_is(t, i - 1, "since") || tok_is(t, i - 1, "after"))) {
                if (tok_is(t, i - 1, "after"))
                    r.from = r.to;
                set_range(&r, r.from, INT_MAX, "%s %d", t->v[i - 1].word, (int)k->num);
                t->v[i - 1].use = TOK_TIME;
            } else if (i > 0 && (tok_is(t, i - 1, "before") || tok_is(t, i - 1, "until"))) {
                set_range(&r, INT_MIN, r.from, "before %d", (int)k->num);
                t->v[i - 1].use = TOK_TIME;
            }
            add_range(x, &r);
            mark(t, i, i + 1);
            continue;
        }
        /* year to date, ytd, month to date */
        if ((u = unit_of(t, i)) != U_NONE && tok_is(t, i + 1, "to") && tok_is(t, i + 2, "date")) {
            int from = u == U_YEAR      ? days_from_civil(ay, 1, 1)
                       : u == U_QUARTER ? month_start(ay, (am - 1) / 3 * 3 + 1)
                       : u == U_MONTH   ? month_start(ay, am)
                                        : anchor;
            set_range(&r, from, anchor + 1, "%s to date", t->v[i].word);
            add_range(x, &r);
            x->relative = 1;
            mark(t, i, i + 3);
            continue;
        }
        if (tok_is(t, i, "ytd") || tok_is(t, i, "mtd") || tok_is(t, i, "qtd")) {
            int from = k->word[0] == 'y'   ? days_from_civil(ay, 1, 1)
                       : k->word[0] == 'q' ? month_start(ay, (am - 1) / 3 * 3 + 1)
                                           : month_start(ay, am);
            set_range(&r, from, anchor + 1, "%s", k->word);
            add_range(x, &r);
            x->relative = 1;
            mark(t, i, i + 1);
            continue;
        }
        /* last quarter, last 90 days, this year, the past 3 months */
        if (tok_in(t, i, lastw) || tok_in(t, i, thisw)) {
            size_t e = i + 1;
            int n = 0;
            if (e < t->n && t->v[e].kind == TOK_NUMBER && t->v[e].num >= 1 &&
                t->v[e].num < 100000) {
                n = (int)t->v[e].num;
                e++;
            }
            if ((u = unit_of(t, e)) != U_NONE) {
                if (n)
                    last_n(&r, u, n, anchor, t->v[i].word);
                else
                    period_holding(&r, u, anchor,
                                   tok_in(t, i, thisw) ? "this period" : "the latest period");
                if (!n) {
                    /* say which period it is, and that it is the latest in the data */
                    char label[160];
                    snprintf(label, sizeof(label), "%s %s", t->v[i].word, t->v[e].word);
                    if (u == U_QUARTER || u == U_MONTH || u == U_YEAR) {
                        struct time_range p;
                        period_holding(&p, u, anchor, label);
                        r = p;
                    } else
                        time_label(&r, label);
                }
                add_range(x, &r);
                x->relative = 1;
                mark(t, i, e + 1);
                if (i > 0 && tok_is(t, i - 1, "the"))
                    t->v[i - 1].use = TOK_TIME;
                continue;
            }
        }
        if (tok_is(t, i, "today") || tok_is(t, i, "yesterday")) {
            int d = tok_is(t, i, "today") ? anchor : anchor - 1;
            set_range(&r, d, d + 1, "%s", k->word);
            add_range(x, &r);
            x->relative = 1;
            mark(t, i, i + 1);
            continue;
        }
        if (tok_is(t, i, "upcoming") || tok_is(t, i, "ahead") ||
            (tok_is(t, i, "happened") && tok_is(t, i + 1, "yet"))) {
            /* "upcoming visits", "booked ahead", "haven't happened yet" */
            x->future = 1;
            mark(t, i, tok_is(t, i, "happened") ? i + 2 : i + 1);
            continue;
        }
        if (tok_is(t, i, "future")) {
            x->future = 1;
            mark(t, i, i + 1);
            if (i > 0 && tok_is(t, i - 1, "the"))
                t->v[i - 1].use = TOK_TIME;
            if (i > 1 && tok_is(t, i - 2, "in"))
                t->v[i - 2].use = TOK_TIME;
            (void)today;
            continue;
        }
        /* grains: monthly, per month, by year, each week, over time */
        if (tok_in(t, i, grain_words)) {
            x->grain = k->word[0] == 'd'   ? GRAIN_DAY
                       : k->word[0] == 'w' ? GRAIN_WEEK
                       : k->word[0] == 'm' ? GRAIN_MONTH
                       : k->word[0] == 'q' ? GRAIN_QUARTER
                                           : GRAIN_YEAR;
            mark(t, i, i + 1);
            continue;
        }
        if ((tok_is(t, i, "per") || tok_is(t, i, "by") || tok_is(t, i, "each") ||
             tok_is(t, i, "every")) &&
            (u = unit_of(t, i + 1)) != U_NONE) {
            x->grain = grain_of_unit(u);
            mark(t, i, i + 2);
            continue;
        }
        if ((u = unit_of(t, i)) != U_NONE && (tok_is(t, i + 1, "over") || tok_is(t, i + 1, "by")) &&
            unit_of(t, i + 2) == u) {
            x->grain = grain_of_unit(u);
            mark(t, i, i + 3);
            continue;
        }
        if (tok_is(t, i, "all") && tok_is(t, i + 1, "time")) {
            /* "over all time", "of all time": no range */
            mark(t, i, i + 2);
            if (i > 0 && (tok_is(t, i - 1, "over") || tok_is(t, i - 1, "of")))
                t->v[i - 1].use = TOK_TIME;
            continue;
        }
        if (tok_is(t, i, "over") && tok_is(t, i + 1, "time")) {
            x->grain = GRAIN_MONTH;
            mark(t, i, i + 2);
            continue;
        }
        if (tok_is(t, i, "trend") || tok_is(t, i, "trends")) {
            if (!x->grain)
                x->grain = GRAIN_MONTH;
            mark(t, i, i + 1);
            continue;
        }
        /* parts: which month, what weekday, busiest day of the week */
        if (tok_is(t, i, "weekday") || tok_is(t, i, "weekdays") ||
            (tok_is(t, i, "day") && tok_is(t, i + 1, "of") &&
             (tok_is(t, i + 2, "week") || (tok_is(t, i + 2, "the") && tok_is(t, i + 3, "week"))))) {
            x->grain = GRAIN_WEEKDAY;
            mark(t, i, tok_is(t, i, "day") ? (tok_is(t, i + 2, "the") ? i + 4 : i + 3) : i + 1);
            continue;
        }
        if (tok_is(t, i, "hour") && (i == 0 || !tok_is(t, i - 1, "per"))) {
            x->grain = GRAIN_HOUR;
            mark(t, i, i + 1);
            continue;
        }
        if (i > 0 && (u = unit_of(t, i)) != U_NONE &&
            (tok_is(t, i - 1, "which") || tok_is(t, i - 1, "what") || tok_is(t, i - 1, "busiest") ||
             tok_is(t, i - 1, "best") || tok_is(t, i - 1, "worst") || tok_is(t, i - 1, "slowest") ||
             tok_is(t, i - 1, "quietest"))) {
            x->grain = grain_of_unit(u);
            mark(t, i, i + 1);
            if (tok_is(t, i + 1, "of") && tok_is(t, i + 2, "the") && tok_is(t, i + 3, "year") &&
                u == U_MONTH) {
                x->grain = GRAIN_MONTH_OF_YEAR;
                mark(t, i + 1, i + 4);
            }
            continue;
        }
        /* "the latest invoice", "the earliest order": words of time; the plan ranks by them */
        if (tok_is(t, i, "latest") || tok_is(t, i, "newest") ||
            (tok_is(t, i, "most") && tok_is(t, i + 1, "recent"))) {
            mark(t, i, tok_is(t, i, "most") ? i + 2 : i + 1);
            continue;
        }
        if (tok_is(t, i, "earliest") || tok_is(t, i, "oldest")) {
            mark(t, i, i + 1);
            continue;
        }
    }
    /* "from 2023 to 2024", "between 2023 and 2024": the joining word is part of the time */
    for (i = 1; i + 1 < t->n; i++)
        if ((tok_is(t, i, "to") || tok_is(t, i, "and") || tok_is(t, i, "through") ||
             tok_is(t, i, "until") || tok_is(t, i, "vs") || tok_is(t, i, "versus")) &&
            t->v[i - 1].use == TOK_TIME && t->v[i + 1].use == TOK_TIME)
            t->v[i].use = TOK_TIME;
    return 0;
}
