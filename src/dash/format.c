/*
 * Excel-style and Evidence named value formats (see format.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dash/format.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/result.h"

struct currency {
    const char *code, *symbol;
};

static const struct currency currencies[] = {
    {"usd", "$"}, {"aud", "A$"}, {"brl", "R$"}, {"cad", "C$"}, {"cny", "¥"}, {"eur", "€"},
    {"gbp", "£"}, {"jpy", "¥"},  {"inr", "₹"},  {"krw", "₩"},  {"ngn", "₦"}, {"sek", "kr "},
};

struct named_date {
    const char *name, *pattern;
};

static const struct named_date named_dates[] = {
    {"ddd", "ddd"},
    {"dddd", "dddd"},
    {"mmm", "mmm"},
    {"mmmm", "mmmm"},
    {"yyyy", "yyyy"},
    {"shortdate", "mmm d/yy"},
    {"longdate", "mmmm d, yyyy"},
    {"fulldate", "dddd mmmm d, yyyy"},
    {"mdy", "m/d/yy"},
    {"dmy", "d/m/yy"},
    {"hms", "h:mm:ss AM/PM"},
};

void dash_fmt_auto(struct dash_fmt *out, int compact)
{
    memset(out, 0, sizeof(*out));
    out->kind = DASH_FMT_AUTO;
    out->decimals = -1;
    out->thousands = 1;
    out->divisor = 1;
    out->compact = compact;
}

static void set_affix(char *dst, size_t size, const char *src, size_t len)
{
    if (len >= size)
        len = size - 1;
    memcpy(dst, src, len);
    dst[len] = 0;
}

/* "usd", "usd1", "usd2k", "num0m", "pct1", "mult0", "id": 0 when name is one. */
static int parse_named(const char *spec, struct dash_fmt *f)
{
    const char *rest = NULL;
    size_t i;

    for (i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
        if (!strncmp(spec, currencies[i].code, 3)) {
            set_affix(f->prefix, sizeof(f->prefix), currencies[i].symbol,
                      strlen(currencies[i].symbol));
            rest = spec + 3;
            break;
        }
    if (!rest && !strncmp(spec, "num", 3))
        rest = spec + 3;
    if (!rest && !strncmp(spec, "pct", 3)) {
        f->percent = 1;
        f->suffix[0] = '%';
        f->suffix[1] = 0;
        rest = spec + 3;
    }
    if (!rest && !strncmp(spec, "mult", 4)) {
        f->suffix[0] = 'x';
        f->suffix[1] = 0;
        rest = spec + 4;
    }
    if (!rest && !strcmp(spec, "id")) {
        f->kind = DASH_FMT_NUMBER;
        f->thousands = 0;
        f->decimals = 0;
        return 0;
    }
    if (!rest)
        return -1;
    f->kind = DASH_FMT_NUMBER;
    if (!*rest) {
        /* usd, num: units by magnitude; pct: one decimal; mult: one decimal */
        if (f->percent || f->suffix[0] == 'x')
            f->decimals = 1;
        else
            f->compact = 1;
        return 0;
    }
    if (!isdigit((unsigned char)*rest) || rest[0] > '4')
        return -1;
    f->decimals = *rest++ - '0';
    switch (*rest) {
    case 0: return 0;
    case 'k': f->divisor = 1e3; break;
    case 'm': f->divisor = 1e6; break;
    case 'b': f->divisor = 1e9; break;
    default: return -1;
    }
    if (rest[1])
        return -1;
    f->suffix[0] = rest[0] == 'k' ? 'k' : rest[0] == 'm' ? 'M' : 'B';
    f->suffix[1] = 0;
    return 0;
}

/* Appends the literal part of an Excel code (quoted text, \x escapes, other characters). */
static size_t take_literal(const char *s, size_t i, struct strbuf *lit)
{
    if (s[i] == '"') {
        i++;
        while (s[i] && s[i] != '"')
            strbuf_addch(lit, s[i++]);
        return s[i] ? i + 1 : i;
    }
    if (s[i] == '\\' && s[i + 1]) {
        strbuf_addch(lit, s[i + 1]);
        return i + 2;
    }
    if (s[i] == '_' && s[i + 1]) /* padding the width of the next character */
        return i + 2;
    if (s[i] == '[') { /* [Red], [$€-407]: take the symbol of a [$...] */
        size_t j = i + 1;
        if (s[j] == '$')
            for (j++; s[j] && s[j] != ']' && s[j] != '-'; j++)
                strbuf_addch(lit, s[j]);
        while (s[j] && s[j] != ']')
            j++;
        return s[j] ? j + 1 : j;
    }
    strbuf_addch(lit, s[i]);
    return i + 1;
}

/* Only date letters (y m d h s, AM/PM) besides separators and quoted text. */
static int is_date_code(const char *s)
{
    int letters = 0;

    for (; *s; s++) {
        if (*s == '"') {
            const char *q = strchr(s + 1, '"');
            if (!q)
                return 0;
            s = q;
            continue;
        }
        if (!strncmp(s, "AM/PM", 5) || !strncmp(s, "am/pm", 5)) {
            s += 4;
            continue;
        }
        if (*s == '#' || *s == '0' || *s == '?')
            return 0;
        if (isalpha((unsigned char)*s)) {
            if (!strchr("ymdhsYMDHS", *s))
                return 0;
            letters = 1;
        }
    }
    return letters;
}

static int parse_excel(const char *spec, struct dash_fmt *f)
{
    struct strbuf pre = STRBUF_INIT, suf = STRBUF_INIT;
    size_t i = 0, end = strcspn(spec, ";");
    int digits = 0, after_point = 0, ret = -1;
    char *code = xstrndup(spec, end);

    if (is_date_code(code)) {
        f->kind = DASH_FMT_DATE;
        set_affix(f->date, sizeof(f->date), code, strlen(code));
        free(code);
        return 0;
    }
    while (code[i] && !strchr("#0?.,", code[i]))
        i = take_literal(code, i, &pre);
    f->decimals = 0;
    f->thousands = 0;
    for (; code[i] && strchr("#0?.,", code[i]); i++) {
        if (code[i] == '.')
            after_point = 1;
        else if (code[i] == ',') {
            /* a comma between placeholders groups; commas at the end divide by 1000 */
            if (code[i + 1] && strchr("#0?", code[i + 1]) && !after_point)
                f->thousands = 1;
            else if (!code[i + 1] || !strchr("#0?.", code[i + 1]))
                f->divisor *= 1e3;
        } else {
            digits = 1;
            if (after_point && code[i] != '#')
                f->decimals++;
        }
    }
    while (code[i]) {
        if (code[i] == '%') {
            f->percent = 1;
            strbuf_addch(&suf, '%');
            i++;
        } else
            i = take_literal(code, i, &suf);
    }
    if (digits) {
        f->kind = DASH_FMT_NUMBER;
        set_affix(f->prefix, sizeof(f->prefix), pre.buf, pre.len);
        set_affix(f->suffix, sizeof(f->suffix), suf.buf, suf.len);
        ret = 0;
    }
    strbuf_release(&pre);
    strbuf_release(&suf);
    free(code);
    return ret;
}

int dash_fmt_parse(const char *spec, struct dash_fmt *out)
{
    size_t i;

    dash_fmt_auto(out, 0);
    if (!spec || !*spec)
        return -1;
    for (i = 0; i < sizeof(named_dates) / sizeof(named_dates[0]); i++)
        if (!strcmp(spec, named_dates[i].name)) {
            out->kind = DASH_FMT_DATE;
            set_affix(out->date, sizeof(out->date), named_dates[i].pattern,
                      strlen(named_dates[i].pattern));
            return 0;
        }
    if (!parse_named(spec, out))
        return 0;
    dash_fmt_auto(out, 0);
    if (!parse_excel(spec, out))
        return 0;
    dash_fmt_auto(out, 0);
    return -1;
}

int dash_fmt_from_name(const char *column, struct dash_fmt *out)
{
    const char *us = column ? strrchr(column, '_') : NULL;
    char lower[16];
    size_t i;

    if (!us || strlen(us + 1) >= sizeof(lower) || !us[1])
        return -1;
    for (i = 0; us[1 + i]; i++)
        lower[i] = (char)tolower((unsigned char)us[1 + i]);
    lower[i] = 0;
    if (!strcmp(lower, "id"))
        return -1; /* customer_id is a key, not a format request */
    return dash_fmt_parse(lower, out);
}

/* Appends the digits of a non-negative number with grouping. */
static void add_grouped(struct strbuf *out, const char *digits, int thousands)
{
    size_t n = strcspn(digits, "."), i;

    for (i = 0; i < n; i++) {
        strbuf_addch(out, digits[i]);
        if (thousands && i + 1 < n && (n - i - 1) % 3 == 0)
            strbuf_addch(out, ',');
    }
    strbuf_addstr(out, digits + n);
}

void dash_fmt_number(const struct dash_fmt *f, double v, struct strbuf *out)
{
    char digits[400];
    const char *unit = "";
    int decimals = f->decimals;

    if (isnan(v) || isinf(v)) {
        strbuf_addstr(out, isnan(v) ? "NaN" : v < 0 ? "-∞" : "∞");
        return;
    }
    if (f->percent)
        v *= 100;
    v /= f->divisor ? f->divisor : 1;
    if (f->compact) {
        double a = fabs(v);
        if (a >= 1e9) {
            v /= 1e9;
            unit = "B";
        } else if (a >= 1e6) {
            v /= 1e6;
            unit = "M";
        } else if (a >= 1e3) {
            v /= 1e3;
            unit = "k";
        }
        if (*unit && decimals < 0)
            decimals = fabs(v) < 10 ? 2 : fabs(v) < 100 ? 1 : 0;
    }
    if (decimals < 0)
        decimals = fabs(v - round(v)) < 1e-9 ? 0 : 2;
    if (decimals > 12)
        decimals = 12;
    {
        /* half away from zero, as spreadsheets round, not printf's half to even */
        double scale = pow(10, decimals), a = fabs(v) * scale;
        snprintf(digits, sizeof(digits), "%.*f", decimals, a < 1e15 ? round(a) / scale : fabs(v));
    }
    if (v < 0 && strspn(digits, "0.") != strlen(digits))
        strbuf_addch(out, '-');
    strbuf_addstr(out, f->prefix);
    add_grouped(out, digits, f->thousands);
    strbuf_addstr(out, unit);
    strbuf_addstr(out, f->suffix);
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};

/* The length of the run of character c at s (case-insensitive). */
static size_t run_of(const char *s, char c)
{
    size_t n = 0;

    while (tolower((unsigned char)s[n]) == c)
        n++;
    return n;
}

void dash_fmt_time(const char *pattern, double unix_seconds, struct strbuf *out)
{
    time_t t = (time_t)floor(unix_seconds);
    struct tm tm;
    const char *p = pattern;
    int after_hour = 0;

    if (!gmtime_r(&t, &tm)) {
        strbuf_addf(out, "%.0f", unix_seconds);
        return;
    }
    while (*p) {
        char c = (char)tolower((unsigned char)*p);
        size_t n = run_of(p, c);

        if (!strncmp(p, "AM/PM", 5) || !strncmp(p, "am/pm", 5)) {
            strbuf_addstr(out, tm.tm_hour < 12 ? "AM" : "PM");
            p += 5;
            continue;
        }
        if (c == 'y') {
            if (n >= 3)
                strbuf_addf(out, "%04d", tm.tm_year + 1900);
            else
                strbuf_addf(out, "%02d", (tm.tm_year + 1900) % 100);
        } else if (c == 'm' && after_hour && n <= 2) {
            strbuf_addf(out, n == 2 ? "%02d" : "%d", tm.tm_min);
        } else if (c == 'm') {
            if (n >= 4)
                strbuf_addstr(out, month_names[tm.tm_mon]);
            else if (n == 3)
                strbuf_add(out, month_names[tm.tm_mon], 3);
            else
                strbuf_addf(out, n == 2 ? "%02d" : "%d", tm.tm_mon + 1);
        } else if (c == 'd') {
            if (n >= 4)
                strbuf_addstr(out, day_names[tm.tm_wday]);
            else if (n == 3)
                strbuf_add(out, day_names[tm.tm_wday], 3);
            else
                strbuf_addf(out, n == 2 ? "%02d" : "%d", tm.tm_mday);
        } else if (c == 'h') {
            int h = tm.tm_hour;
            if (strstr(pattern, "AM/PM") || strstr(pattern, "am/pm"))
                h = h % 12 ? h % 12 : 12;
            strbuf_addf(out, n >= 2 ? "%02d" : "%d", h);
            after_hour = 1;
        } else if (c == 's') {
            strbuf_addf(out, n >= 2 ? "%02d" : "%d", tm.tm_sec);
        } else {
            strbuf_add(out, p, n ? n : 1);
            p += n ? n : 1;
            continue;
        }
        p += n;
    }
}

/* A column name that says its whole numbers are codes: ..._id, ...id, year, ..._year. */
static int is_code_name(const char *name)
{
    size_t n = strlen(name);

    return (n >= 2 && !strcasecmp(name + n - 2, "id")) ||
           (n >= 4 && !strcasecmp(name + n - 4, "year")) || !strcasecmp(name, "yr");
}

void dash_fmt_cell(const struct dash_fmt *f, const struct wh_result *r, size_t row, size_t col,
                   struct strbuf *out)
{
    struct dash_fmt by_name;
    enum wh_type t = r->cols[col].type;
    const char *text = wh_result_text(r, row, col);
    double v;

    if (!text)
        return;
    if (!f && !dash_fmt_from_name(r->cols[col].name, &by_name))
        f = &by_name;
    if (wh_type_is_temporal(t) && t != WH_T_TIME && t != WH_T_INTERVAL &&
        !wh_result_num(r, row, col, &v)) {
        if (f && f->kind == DASH_FMT_DATE)
            dash_fmt_time(f->date, v, out);
        else if (t == WH_T_DATE || fmod(v, 86400) == 0)
            dash_fmt_time("yyyy-mm-dd", v, out);
        else
            dash_fmt_time("yyyy-mm-dd hh:mm", v, out);
        return;
    }
    if (wh_type_is_numeric(t) && t != WH_T_BOOL && !wh_result_num(r, row, col, &v)) {
        struct dash_fmt a;
        if (!f || f->kind == DASH_FMT_DATE) {
            dash_fmt_auto(&a, 0);
            /* identifiers and years read as written: order 17567, 2024, not 17,567 */
            a.thousands = !(t == WH_T_INT && is_code_name(r->cols[col].name));
            f = &a;
        }
        dash_fmt_number(f, v, out);
        return;
    }
    strbuf_addstr(out, text);
}

struct json *dash_fmt_to_json(const struct dash_fmt *f)
{
    struct json *j = json_new_object();

    json_set_str(j, "p", f->prefix);
    json_set_str(j, "s", f->suffix);
    json_set_num(j, "d", f->decimals);
    json_set_bool(j, "t", f->thousands);
    json_set_bool(j, "pct", f->percent);
    json_set_num(j, "div", f->divisor ? f->divisor : 1);
    json_set_bool(j, "c", f->compact);
    return j;
}
