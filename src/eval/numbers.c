/*
 * The number reader: a single left-to-right scan over bytes. The rules it implements are
 * listed in numbers.h; each helper below handles one part of a token (sign and currency
 * before, digits, scale word or suffix and percent after).
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval/numbers.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

struct scan {
    const char *s;
    size_t len;
};

static int at(const struct scan *sc, size_t i)
{
    return i < sc->len ? (unsigned char)sc->s[i] : 0;
}

static int is_digit_at(const struct scan *sc, size_t i)
{
    return i < sc->len && isdigit(at(sc, i));
}

/* Letters, digits and '_': what makes a word or an identifier (ASCII only). */
static int is_word_at(const struct scan *sc, size_t i)
{
    int c = at(sc, i);
    return i < sc->len && (isalnum(c) || c == '_');
}

static int is_alpha_at(const struct scan *sc, size_t i)
{
    return i < sc->len && isalpha(at(sc, i));
}

/* Length of the currency sign that ends just before `end` ($, €, £, ¥), or 0. */
static size_t currency_before(const struct scan *sc, size_t end)
{
    if (end >= 1 && sc->s[end - 1] == '$')
        return 1;
    if (end >= 3 && !memcmp(sc->s + end - 3, "\xe2\x82\xac", 3)) /* € */
        return 3;
    if (end >= 2 && (!memcmp(sc->s + end - 2, "\xc2\xa3", 2) || /* £ */
                     !memcmp(sc->s + end - 2, "\xc2\xa5", 2)))  /* ¥ */
        return 2;
    return 0;
}

/* Length of a sign ending just before `end` (-, +, U+2212), or 0; *neg set for minus. */
static size_t sign_before(const struct scan *sc, size_t end, int *neg)
{
    if (end >= 1 && (sc->s[end - 1] == '-' || sc->s[end - 1] == '+')) {
        *neg = sc->s[end - 1] == '-';
        return 1;
    }
    if (end >= 3 && !memcmp(sc->s + end - 3, "\xe2\x88\x92", 3)) {
        *neg = 1;
        return 3;
    }
    return 0;
}

/*
 * Where the token really starts, given where its digits start: takes in a glued currency
 * sign and a sign (in either order) when nothing alphanumeric is glued before them.
 */
static size_t token_start(const struct scan *sc, size_t digits, int *neg)
{
    size_t p = digits, cur, sign;
    int sneg = 0;

    *neg = 0;
    cur = currency_before(sc, p);
    p -= cur;
    sign = sign_before(sc, p, &sneg);
    if (sign && !(p - sign > 0 && is_word_at(sc, p - sign - 1))) {
        p -= sign;
        *neg = sneg;
        if (!cur) /* "$-3": the currency stands before the sign */
            p -= currency_before(sc, p);
    }
    return p;
}

struct scale_word {
    const char *word;
    int exp;
};

static const struct scale_word scale_words[] = {
    {"hundred", 2},  {"hundreds", 2}, {"thousand", 3}, {"thousands", 3}, {"million", 6},
    {"millions", 6}, {"billion", 9},  {"billions", 9}, {"trillion", 12}, {"trillions", 12},
};

/* Numbers written as words, 0-19 and the tens (exp holds the value here). */
static const struct scale_word number_words[] = {
    {"zero", 0},     {"one", 1},      {"two", 2},        {"three", 3},     {"four", 4},
    {"five", 5},     {"six", 6},      {"seven", 7},      {"eight", 8},     {"nine", 9},
    {"ten", 10},     {"eleven", 11},  {"twelve", 12},    {"thirteen", 13}, {"fourteen", 14},
    {"fifteen", 15}, {"sixteen", 16}, {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19},
    {"twenty", 20},  {"thirty", 30},  {"forty", 40},     {"fifty", 50},    {"sixty", 60},
    {"seventy", 70}, {"eighty", 80},  {"ninety", 90},
};

/* Letters glued to the digits that scale them (case matters for t/T). */
static const struct scale_word scale_suffixes[] = {
    {"k", 3}, {"K", 3},  {"m", 6},  {"M", 6},  {"mn", 6}, {"MM", 6},  {"b", 9},
    {"B", 9}, {"bn", 9}, {"Bn", 9}, {"BN", 9}, {"T", 12}, {"tn", 12},
};

static int word_is(const struct scan *sc, size_t p, size_t n, const char *w)
{
    return strlen(w) == n && !strncasecmp(sc->s + p, w, n);
}

static size_t alpha_run(const struct scan *sc, size_t p)
{
    size_t n = 0;
    while (is_alpha_at(sc, p + n))
        n++;
    return n;
}

static int number_word(const struct scan *sc, size_t p, size_t n)
{
    size_t k;

    for (k = 0; k < ARRAY_SIZE(number_words); k++)
        if (word_is(sc, p, n, number_words[k].word))
            return number_words[k].exp;
    return -1;
}

/* A scale word after one space ("3 million"): its power of ten, and *end moved past it. */
static int scale_word_after(const struct scan *sc, size_t *end)
{
    size_t k, m;

    if (at(sc, *end) != ' ')
        return 0;
    m = alpha_run(sc, *end + 1);
    for (k = 0; k < ARRAY_SIZE(scale_words); k++) {
        if (word_is(sc, *end + 1, m, scale_words[k].word)) {
            *end += 1 + m;
            return scale_words[k].exp;
        }
    }
    return 0;
}

/* Is there a percent after p (spaces allowed)? Returns the end of it, or 0. */
static size_t percent_after(const struct scan *sc, size_t p)
{
    size_t q = p, n;

    if (at(sc, q) == '%')
        return q + 1;
    while (at(sc, q) == ' ' && q < sc->len)
        q++;
    if (q == p || q - p > 1)
        return 0;
    if (at(sc, q) == '%')
        return q + 1;
    n = alpha_run(sc, q);
    if (word_is(sc, q, n, "percent"))
        return q + n;
    if (word_is(sc, q, n, "per") && at(sc, q + n) == ' ') {
        size_t m = alpha_run(sc, q + n + 1);
        if (word_is(sc, q + n + 1, m, "cent"))
            return q + n + 1 + m;
    }
    return 0;
}

/*
 * Reads the digits of a token at p: integer part with thousands groups, fraction, exponent.
 * Appends the plain digits to `plain`. Returns the end, or 0 when the token is version-like.
 */
static size_t read_digits(const struct scan *sc, size_t p, struct strbuf *plain, int *decimals,
                          int *exp10)
{
    size_t q = p, lead = 0;

    *decimals = 0;
    *exp10 = 0;
    while (is_digit_at(sc, q)) {
        strbuf_addch(plain, sc->s[q++]);
        lead++;
    }
    if (lead && lead <= 3) {
        while (at(sc, q) == ',' && is_digit_at(sc, q + 1) && is_digit_at(sc, q + 2) &&
               is_digit_at(sc, q + 3) && !is_digit_at(sc, q + 4)) {
            strbuf_add(plain, sc->s + q + 1, 3);
            q += 4;
        }
    }
    if (!lead)
        strbuf_addch(plain, '0');
    if (at(sc, q) == '.' && is_digit_at(sc, q + 1)) {
        strbuf_addch(plain, '.');
        q++;
        while (is_digit_at(sc, q)) {
            strbuf_addch(plain, sc->s[q++]);
            (*decimals)++;
        }
        if (at(sc, q) == '.' && is_digit_at(sc, q + 1))
            return 0; /* 1.2.3 */
    }
    if ((at(sc, q) == 'e' || at(sc, q) == 'E')) {
        size_t r = q + 1;
        int neg = 0, e = 0, nd = 0;
        if (at(sc, r) == '-' || at(sc, r) == '+')
            neg = at(sc, r++) == '-';
        while (is_digit_at(sc, r) && nd < 4) {
            e = e * 10 + (at(sc, r++) - '0');
            nd++;
        }
        if (nd && !is_word_at(sc, r)) {
            *exp10 = neg ? -e : e;
            q = r;
        }
    }
    return q;
}

/* Skips a run that cannot hold a number: word characters and dots between them. */
static size_t skip_identifier(const struct scan *sc, size_t p)
{
    while (is_word_at(sc, p) || (at(sc, p) == '.' && is_word_at(sc, p + 1) && p + 1 < sc->len))
        p++;
    return p;
}

static void push(struct number_list *out, double value, double precision, int percent, size_t start,
                 size_t end)
{
    struct prose_number *n;

    ALLOC_GROW(out->v, out->n + 1, out->alloc);
    n = &out->v[out->n++];
    n->value = value;
    n->precision = precision;
    n->percent = percent;
    n->start = start;
    n->end = end;
}

/*
 * A word at p: when it is a number word (twenty, twenty-three, five million, ten percent),
 * appends it. Returns where scanning goes on.
 */
static size_t read_word_number(const struct scan *sc, size_t p, struct number_list *out)
{
    size_t n = alpha_run(sc, p), end = p + n, pct;
    int v, unit, scale;

    if ((p > 0 && is_word_at(sc, p - 1)) || is_word_at(sc, end) || (v = number_word(sc, p, n)) < 0)
        return skip_identifier(sc, p);
    if (v >= 20 && at(sc, end) == '-' && is_alpha_at(sc, end + 1)) {
        size_t m = alpha_run(sc, end + 1);
        unit = number_word(sc, end + 1, m);
        if (unit >= 1 && unit <= 9 && !is_word_at(sc, end + 1 + m)) {
            v += unit;
            end += 1 + m;
        }
    }
    scale = scale_word_after(sc, &end);
    pct = scale ? 0 : percent_after(sc, end);
    push(out, (double)v * pow(10.0, scale), pow(10.0, scale), pct != 0, p, pct ? pct : end);
    return pct ? pct : end;
}

void numbers_extract(const char *text, size_t len, struct number_list *out)
{
    struct scan sc = {text, len};
    struct strbuf plain = STRBUF_INIT;
    size_t i = 0;

    while (i < len) {
        size_t end, start, n;
        int neg, decimals, exp10, scale = 0, percent = 0;
        char *num;
        double value, precision;

        if (is_alpha_at(&sc, i)) {
            i = read_word_number(&sc, i, out);
            continue;
        }
        if (!(is_digit_at(&sc, i) || (at(&sc, i) == '.' && is_digit_at(&sc, i + 1)))) {
            i++;
            continue;
        }
        /* glued to a word before it (Q4, top10, file.2, v1.2): part of an identifier */
        if (i > 0 && (is_word_at(&sc, i - 1) ||
                      (at(&sc, i - 1) == '.' && i > 1 && is_word_at(&sc, i - 2)))) {
            i = skip_identifier(&sc, i);
            continue;
        }
        strbuf_reset(&plain);
        end = read_digits(&sc, i, &plain, &decimals, &exp10);
        if (!end) {
            while (is_digit_at(&sc, i) || (at(&sc, i) == '.' && is_digit_at(&sc, i + 1)))
                i++;
            continue;
        }
        n = alpha_run(&sc, end);
        if (n) {
            size_t k;
            int found = 0;
            for (k = 0; k < ARRAY_SIZE(scale_suffixes); k++)
                if (strlen(scale_suffixes[k].word) == n &&
                    !strncmp(text + end, scale_suffixes[k].word, n))
                    found = scale_suffixes[k].exp;
            for (k = 0; !found && k < ARRAY_SIZE(scale_words); k++)
                if (word_is(&sc, end, n, scale_words[k].word))
                    found = scale_words[k].exp;
            if (!found || is_word_at(&sc, end + n) || is_digit_at(&sc, end + n)) {
                /* 10x, 4GB, 1st, 1990s: not a quantity we can read */
                i = skip_identifier(&sc, end);
                continue;
            }
            scale = found;
            end += n;
        } else if (at(&sc, end) == '_') {
            i = skip_identifier(&sc, end);
            continue;
        } else {
            scale = scale_word_after(&sc, &end);
        }
        if (!scale) {
            size_t p = percent_after(&sc, end);
            if (p) {
                percent = 1;
                end = p;
            }
        }
        start = token_start(&sc, i, &neg);
        num = xstrfmt("%s%se%d", neg ? "-" : "", plain.buf, exp10 + scale);
        value = strtod(num, NULL);
        free(num);
        precision = pow(10.0, (double)(exp10 + scale - decimals));
        /* 1e-3202 or 400 decimals: not a number anyone writes, and not comparable */
        if (isfinite(value) && isnormal(precision) && isfinite(precision))
            push(out, value, precision, percent, start, end);
        i = end;
    }
    strbuf_release(&plain);
}

void number_list_release(struct number_list *list)
{
    free(list->v);
    list->v = NULL;
    list->n = list->alloc = 0;
}
