/*
 * Checking one assertion against an answer text; the matching rules are in assert.h.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/assert.h"
#include "eval/numbers.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"

/* Lists longer than this are shortened in messages. */
#define MAX_LISTED 8

double number_text_precision(const char *text)
{
    const char *dot, *p;
    int decimals = 0;

    if (strpbrk(text, "eE"))
        return 1e-9; /* 1.5e-07: as printed by a database, treat as exact */
    dot = strchr(text, '.');
    if (!dot)
        return 1;
    for (p = dot + 1; isdigit((unsigned char)*p); p++)
        decimals++;
    return pow(10.0, -decimals);
}

static char *why_fmt(const char *what)
{
    return xstrdup(what);
}

int expectation_resolve(const struct assertion *a, const struct wh_result *r,
                        struct expectation *out, char **why)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (a->type == ASSERT_REFUSES)
        return 0;
    if (assertion_is_numeric(a->type)) {
        const char *text;
        char *end;

        if (!a->value_from_sql) {
            out->value = a->value;
            out->precision = a->value_precision ? a->value_precision : 1;
            return 0;
        }
        if (!r || !r->ncols || !r->nrows) {
            *why = why_fmt("verification_sql returned no rows, so there is no value to "
                           "compare (value: from_sql)");
            return -1;
        }
        text = wh_result_text(r, 0, 0);
        if (!text) {
            *why = why_fmt("verification_sql's first cell is NULL (value: from_sql needs a "
                           "number)");
            return -1;
        }
        out->value = strtod(text, &end);
        while (isspace((unsigned char)*end))
            end++;
        if (end == text || *end || !isfinite(out->value)) {
            *why = xstrfmt("verification_sql's first cell '%s' is not a number (value: "
                           "from_sql needs one)",
                           text);
            return -1;
        }
        out->precision = number_text_precision(text);
        return 0;
    }
    if (!a->values_from_sql) {
        out->values = xcalloc(a->nvalues ? a->nvalues : 1, sizeof(*out->values));
        for (i = 0; i < a->nvalues; i++)
            out->values[out->nvalues++] = xstrdup(a->values[i]);
        return 0;
    }
    if (!r || !r->ncols || !r->nrows) {
        *why = why_fmt("verification_sql returned no rows, so there are no values to look "
                       "for (values: from_sql)");
        return -1;
    }
    if (r->truncated) {
        *why = xstrfmt("verification_sql returned %llu rows, more than the %zu kept; "
                       "values: from_sql needs a short list",
                       (unsigned long long)r->total_rows, r->nrows);
        return -1;
    }
    out->values = xcalloc(r->nrows, sizeof(*out->values));
    for (i = 0; i < r->nrows; i++) {
        const char *t = wh_result_text(r, i, 0);
        if (!t || !*t) {
            *why = xstrfmt("row %zu of verification_sql's first column is %s (values: "
                           "from_sql needs strings)",
                           i + 1, t ? "empty" : "NULL");
            expectation_release(out);
            return -1;
        }
        out->values[out->nvalues++] = xstrdup(t);
    }
    return 0;
}

void expectation_release(struct expectation *e)
{
    size_t i;

    for (i = 0; i < e->nvalues; i++)
        free(e->values[i]);
    free(e->values);
    memset(e, 0, sizeof(*e));
}

/* "'a', 'b', 'c'" (shortened after MAX_LISTED). */
static void add_quoted_list(struct strbuf *sb, char *const *v, size_t n)
{
    size_t i;

    for (i = 0; i < n && i < MAX_LISTED; i++)
        strbuf_addf(sb, "%s'%s'", i ? ", " : "", v[i]);
    if (n > MAX_LISTED)
        strbuf_addf(sb, " and %zu more", n - MAX_LISTED);
}

static void add_expected(struct strbuf *sb, const struct assertion *a, const struct expectation *e)
{
    strbuf_addf(sb, "expected %.15g", e->value);
    if (a->type == ASSERT_APPROX_NUMBER) {
        if (a->relative)
            strbuf_addf(sb, " \xc2\xb1%.15g%%", a->tolerance * 100);
        else
            strbuf_addf(sb, " \xc2\xb1%.15g", a->tolerance);
    }
}

/* How far a written number is from the expected value (trying a percent as a fraction too). */
static double gap(const struct prose_number *n, double expected, double *scale)
{
    double d = fabs(n->value - expected);

    *scale = 1;
    if (n->percent && fabs(n->value / 100 - expected) < d) {
        d = fabs(n->value / 100 - expected);
        *scale = 0.01;
    }
    return d;
}

static int check_number(const struct assertion *a, const struct expectation *e, const char *answer,
                        struct strbuf *msg)
{
    struct number_list nums = NUMBER_LIST_INIT;
    const struct prose_number *hit = NULL, *nearest = NULL;
    double best = INFINITY, eps = 1e-9 * fmax(1, fabs(e->value));
    size_t i;

    numbers_extract(answer, strlen(answer), &nums);
    for (i = 0; i < nums.n && !hit; i++) {
        const struct prose_number *n = &nums.v[i];
        double scale, d = gap(n, e->value, &scale), tol;

        if (a->type == ASSERT_APPROX_NUMBER) {
            tol = a->relative ? a->tolerance * fabs(e->value) : a->tolerance;
        } else {
            double pa = fmin(n->precision * scale, 1), pe = fmin(e->precision, 1);
            tol = fmax(pa, pe) / 2;
        }
        if (d <= tol + eps)
            hit = n;
        if (d < best) {
            best = d;
            nearest = n;
        }
    }
    add_expected(msg, a, e);
    if (hit) {
        strbuf_addf(msg, ", answer has %.*s -> pass", (int)(hit->end - hit->start),
                    answer + hit->start);
    } else if (nearest) {
        strbuf_addf(msg, ", answer has no number that matches (nearest: %.*s) -> fail",
                    (int)(nearest->end - nearest->start), answer + nearest->start);
    } else {
        strbuf_addstr(msg, ", answer has no number -> fail");
    }
    number_list_release(&nums);
    return hit != NULL;
}

/* Case-insensitive search in hay from offset `from`; returns the offset or -1. */
static long find_ci(const char *hay, size_t from, const char *needle)
{
    const char *p = strcasestr(hay + from, needle);
    return p ? (long)(p - hay) : -1;
}

static int check_strings(const struct assertion *a, const struct expectation *e, const char *answer,
                         struct strbuf *msg)
{
    size_t i, pos = 0;

    switch (a->type) {
    case ASSERT_CONTAINS_ALL:
        for (i = 0; i < e->nvalues; i++) {
            if (find_ci(answer, 0, e->values[i]) < 0) {
                strbuf_addf(msg, "answer lacks '%s' (needs all of ", e->values[i]);
                add_quoted_list(msg, e->values, e->nvalues);
                strbuf_addstr(msg, ") -> fail");
                return 0;
            }
        }
        strbuf_addstr(msg, "answer contains all of ");
        add_quoted_list(msg, e->values, e->nvalues);
        strbuf_addstr(msg, " -> pass");
        return 1;
    case ASSERT_CONTAINS_ANY:
        for (i = 0; i < e->nvalues; i++) {
            if (find_ci(answer, 0, e->values[i]) >= 0) {
                strbuf_addf(msg, "answer contains '%s' -> pass", e->values[i]);
                return 1;
            }
        }
        strbuf_addstr(msg, "answer contains none of ");
        add_quoted_list(msg, e->values, e->nvalues);
        strbuf_addstr(msg, " -> fail");
        return 0;
    case ASSERT_ORDERED_LIST:
        for (i = 0; i < e->nvalues; i++) {
            long at = find_ci(answer, pos, e->values[i]);
            if (at < 0) {
                if (i && find_ci(answer, 0, e->values[i]) >= 0)
                    strbuf_addf(msg, "'%s' is not after '%s'", e->values[i], e->values[i - 1]);
                else
                    strbuf_addf(msg, "answer lacks '%s'", e->values[i]);
                strbuf_addstr(msg, " (expected in order: ");
                add_quoted_list(msg, e->values, e->nvalues);
                strbuf_addstr(msg, ") -> fail");
                return 0;
            }
            pos = (size_t)at + strlen(e->values[i]);
        }
        strbuf_addstr(msg, "answer lists ");
        add_quoted_list(msg, e->values, e->nvalues);
        strbuf_addstr(msg, " in order -> pass");
        return 1;
    default: break;
    }
    return 0;
}

int assertion_check(const struct assertion *a, const struct expectation *e,
                    const struct answer *answer, char **message)
{
    struct strbuf msg = STRBUF_INIT;
    const char *text = answer->text ? answer->text : "";
    int pass;

    if (a->type == ASSERT_REFUSES) {
        pass = answer->unanswerable != 0;
        strbuf_addstr(&msg, pass ? "the answer is marked unanswerable -> pass"
                                 : "expected the answer to be marked unanswerable, but it "
                                   "answers with confidence -> fail");
    } else if (assertion_is_numeric(a->type)) {
        pass = check_number(a, e, text, &msg);
    } else {
        pass = check_strings(a, e, text, &msg);
    }
    *message = strbuf_detach(&msg, NULL);
    return pass;
}
