/*
 * Profiling one table in a few passes of SQL: statistics for every column in one query, text
 * patterns on a small sample, every value of the columns that have few, exact uniqueness of the
 * columns that might be keys, and for each repeating id which columns are constant within it.
 * Large tables are profiled on a sample, except where a sample would give a wrong answer
 * (uniqueness, repeated values, time anchors).
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"
#include "catalog/vocab.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

static int is_number(enum wh_type t)
{
    return t == WH_T_INT || t == WH_T_FLOAT || t == WH_T_DECIMAL;
}

static int is_date_like(enum wh_type t)
{
    return t == WH_T_DATE || t == WH_T_TIMESTAMP;
}

/* Types that compare, sort and hash as plain values. */
static int is_plain(enum wh_type t)
{
    return t != WH_T_NESTED && t != WH_T_BLOB && t != WH_T_OTHER && t != WH_T_NULL;
}

/* An integer column named like a year: its anchor and future rows are years, not dates. */
static int is_year_column(const struct cat_column *col)
{
    return col->type == WH_T_INT && cat_named_like_year(col->name);
}

static void add_ident(struct strbuf *sb, const char *name)
{
    strbuf_add_sql_ident(sb, name);
}

/* FROM clause for the statistics pass: the relation, or a sample of it. */
static void add_source(struct strbuf *sb, const struct cat_build *b, const struct cat_table *t,
                       uint64_t sample_rows, int *sampled)
{
    cat_add_sql_relation(sb, b, t);
    *sampled = 0;
    if (t->rows > sample_rows) {
        /* whole vectors at random: it skips reading, where a row sample reads every row */
        strbuf_addf(sb, " USING SAMPLE %.4f PERCENT (system, 42)",
                    100.0 * (double)sample_rows / (double)t->rows);
        *sampled = 1;
    }
}

/*
 * Appends ", <the latest value not after today>, <how many values are after it>" for a date,
 * timestamp or year column whose quoted name is id.
 */
static void add_anchor_sql(struct strbuf *sb, const struct cat_build *b, const struct cat_column *c,
                           const char *id)
{
    if (is_date_like(c->type))
        strbuf_addf(sb,
                    ", max(%s) FILTER (WHERE CAST(%s AS DATE) <= DATE '%s')::VARCHAR, "
                    "count(*) FILTER (WHERE CAST(%s AS DATE) > DATE '%s')",
                    id, id, b->today, id, b->today);
    else
        strbuf_addf(sb,
                    ", max(%s) FILTER (WHERE %s <= year(DATE '%s'))::VARCHAR, "
                    "count(*) FILTER (WHERE %s > year(DATE '%s'))",
                    id, id, b->today, id, b->today);
}

static double num_or(const struct wh_result *r, size_t col, double dflt)
{
    double v;
    return wh_result_num(r, 0, col, &v) == 0 ? v : dflt;
}

static char *text_or_null(const struct wh_result *r, size_t col)
{
    const char *s = wh_result_text(r, 0, col);
    return s ? xstrdup(s) : NULL;
}

/* Sets t->rows to the exact count. */
static int count_rows(struct cat_build *b, struct cat_table *t)
{
    struct strbuf sql = STRBUF_INIT;
    char *n;

    strbuf_addstr(&sql, "SELECT count(*) FROM ");
    cat_add_sql_relation(&sql, b, t);
    n = wh_query_value(b->wh, sql.buf);
    strbuf_release(&sql);
    if (!n)
        return -1;
    t->rows = strtoull(n, NULL, 10);
    free(n);
    return 0;
}

/* Pass 1: counts, distinct counts, ranges, means, negatives, lengths, time anchors. */
static int profile_stats(struct cat_build *b, struct cat_table *t, uint64_t sample_rows)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t i, k;
    int ret = -1;

    strbuf_addstr(&sql, "SELECT count(*)");
    for (i = 0; i < t->ncolumns; i++) {
        const struct cat_column *c = &t->columns[i];
        struct strbuf id = STRBUF_INIT;

        add_ident(&id, c->name);
        strbuf_addf(&sql, ", count(%s)", id.buf);
        if (is_plain(c->type)) {
            strbuf_addf(&sql, ", approx_count_distinct(%s), min(%s)::VARCHAR, max(%s)::VARCHAR",
                        id.buf, id.buf, id.buf);
        }
        if (is_number(c->type))
            strbuf_addf(&sql,
                        ", avg(%s::DOUBLE), min(%s)::DOUBLE, max(%s)::DOUBLE, "
                        "count(*) FILTER (WHERE %s < 0)",
                        id.buf, id.buf, id.buf, id.buf);
        if (c->type == WH_T_TEXT)
            strbuf_addf(&sql, ", avg(length(%s))::DOUBLE", id.buf);
        if (is_date_like(c->type) || is_year_column(c))
            add_anchor_sql(&sql, b, c, id.buf);
        strbuf_release(&id);
    }
    /*
     * A view's size is a guess (the largest table it reads) until it runs: one that may be
     * large is counted first, since a sample sized by the guess could drop all but a few of
     * its rows (an aggregate over a large table has a handful).
     */
    if (t->is_view && t->rows > sample_rows && count_rows(b, t) < 0)
        goto out;
    strbuf_addstr(&sql, " FROM ");
    add_source(&sql, b, t, sample_rows, &t->sampled);
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0 || r->nrows != 1)
        goto out;

    k = 0;
    t->profiled_rows = (uint64_t)num_or(r, k++, 0);
    if (!t->sampled || !t->rows)
        t->rows = t->profiled_rows;
    for (i = 0; i < t->ncolumns; i++) {
        struct cat_column *c = &t->columns[i];
        double n = num_or(r, 0, 0), nonnull = num_or(r, k++, 0);

        c->null_fraction = n > 0 ? 1.0 - nonnull / n : 0;
        if (is_plain(c->type)) {
            c->distinct = (uint64_t)num_or(r, k++, 0);
            if (c->distinct > (uint64_t)nonnull)
                c->distinct = (uint64_t)nonnull;
            c->min_text = text_or_null(r, k++);
            c->max_text = text_or_null(r, k++);
        }
        if (is_number(c->type)) {
            c->mean = num_or(r, k++, NAN);
            c->min = num_or(r, k++, NAN);
            c->max = num_or(r, k++, NAN);
            /* infinities and NaN in a DOUBLE column make no range (and no valid JSON) */
            c->has_range = isfinite(c->min) && isfinite(c->max);
            if (!isfinite(c->mean))
                c->mean = NAN;
            c->negative_fraction = nonnull > 0 ? num_or(r, k, 0) / nonnull : 0;
            k++;
        }
        if (c->type == WH_T_TEXT)
            c->avg_length = num_or(r, k++, 0);
        if (is_date_like(c->type) || is_year_column(c)) {
            c->anchor = text_or_null(r, k++);
            c->future_rows = (uint64_t)num_or(r, k++, 0);
        }
    }
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

/*
 * Time anchors of a sampled table come from the whole table: the latest date decides what
 * "last quarter" means, and a sample may miss it.
 */
static int exact_time_anchors(struct cat_build *b, struct cat_table *t)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t i, k = 0, n = 0;
    int ret = -1;

    strbuf_addstr(&sql, "SELECT 0");
    for (i = 0; i < t->ncolumns; i++) {
        struct strbuf id = STRBUF_INIT;
        if (!t->columns[i].anchor && !t->columns[i].future_rows &&
            !is_date_like(t->columns[i].type))
            continue;
        add_ident(&id, t->columns[i].name);
        add_anchor_sql(&sql, b, &t->columns[i], id.buf);
        strbuf_release(&id);
        n++;
    }
    if (!n) {
        ret = 0;
        goto out;
    }
    strbuf_addstr(&sql, " FROM ");
    cat_add_sql_relation(&sql, b, t);
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0)
        goto out;
    k = 1;
    for (i = 0; i < t->ncolumns; i++) {
        struct cat_column *c = &t->columns[i];
        if (!c->anchor && !c->future_rows && !is_date_like(c->type))
            continue;
        free(c->anchor);
        c->anchor = text_or_null(r, k++);
        c->future_rows = (uint64_t)num_or(r, k++, 0);
    }
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

/*
 * Text patterns (POSIX extended regular expressions, matched against the whole value), in the
 * order they are tried; the first that 85% of a column's values match wins. Multi-byte
 * currency signs are alternatives, not bracket members, so that they match byte for byte.
 */
static const struct {
    enum cat_pattern pattern;
    const char *re;
} patterns[] = {
    {CAT_PAT_EMAIL, "^[^@[:space:]]+@[^@[:space:]]+\\.[A-Za-z]{2,}$"},
    {CAT_PAT_URL, "^(https?://|www\\.)[^[:space:]]+$"},
    {CAT_PAT_MONEY_TEXT, "^[-+(]?[[:space:]]*(\\$|€|£|¥)[[:space:]]*[0-9][0-9,]*(\\.[0-9]+)?\\)?$|"
                         "^[-+]?[0-9][0-9,]*(\\.[0-9]+)?[[:space:]]*(\\$|€|£|¥)$"},
    {CAT_PAT_PERCENT_TEXT, "^[-+]?[0-9]+([.,][0-9]+)?[[:space:]]*%$"},
    {CAT_PAT_DATE_TEXT,
     "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T][0-9]{1,2}:[0-9]{2}.*)?$|"
     "^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}$|^[0-9]{4}/[0-9]{1,2}/[0-9]{1,2}$"},
    {CAT_PAT_NUMBER_TEXT, "^[-+]?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\\.[0-9]+)?$"},
    {CAT_PAT_PHONE,
     "^\\+[0-9][0-9 ().-]{6,18}[0-9]$|^\\(?[0-9]{2,4}\\)?[ .-][0-9][0-9 .-]{4,13}[0-9]$"},
    {CAT_PAT_CODE, "^[A-Z0-9]{1,12}([_-][A-Z0-9]{1,12}){0,3}$"},
    {CAT_PAT_PERSON_NAME, "^[A-Z][a-z]+(['-][A-Z][a-z]+)?( [A-Z][a-z]+(['-][A-Z][a-z]+)?)+$"},
};

static regex_t compiled[ARRAY_SIZE(patterns)];
static pthread_once_t compiled_once = PTHREAD_ONCE_INIT;

static void compile_patterns(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(patterns); i++)
        if (regcomp(&compiled[i], patterns[i].re, REG_EXTENDED | REG_NOSUB))
            BUG("pattern %zu does not compile", i);
}

/* Words in a column name that say its values are people's names. */
static int names_people(const char *name)
{
    static const char *const words[] = {
        "name",    "person",  "author",  "customer", "employee", "contact", "member",
        "owner",   "manager", "rep",     "agent",    "seller",   "buyer",   "student",
        "teacher", "doctor",  "patient", "driver",   "director", "actor",   "user"};
    return cat_name_has(name, words, ARRAY_SIZE(words));
}

/* Copies s without surrounding blanks into buf (truncated to n - 1 bytes). */
static const char *trimmed(const char *s, char *buf, size_t n)
{
    size_t len;

    while (*s == ' ' || *s == '\t')
        s++;
    len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}

/*
 * The pattern of a column from a list of its values. A pattern stops being tried once more
 * than 15% of the values have missed it, so most columns cost a few dozen matches.
 */
static enum cat_pattern classify(const struct cat_column *c, const char *const *values, size_t n)
{
    char buf[256];
    size_t p, i;

    if (!n)
        return CAT_PAT_NONE;
    pthread_once(&compiled_once, compile_patterns);
    for (p = 0; p < ARRAY_SIZE(patterns); p++) {
        size_t misses = 0, allowed = n * 15 / 100;
        if (patterns[p].pattern == CAT_PAT_PERSON_NAME && !names_people(c->name))
            continue;
        for (i = 0; i < n && misses <= allowed; i++)
            misses += regexec(&compiled[p], trimmed(values[i], buf, sizeof(buf)), 0, NULL, 0) != 0;
        if (misses <= allowed)
            return patterns[p].pattern;
    }
    return CAT_PAT_NONE;
}

/*
 * Patterns of the text columns: from the value index when it holds every value, else from
 * the distinct values among the first rows (reading stops there, even in a view).
 */
static int profile_patterns(struct cat_build *b, struct cat_table *t)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    const char **v = NULL;
    size_t i, k, n = 0, alloc = 0;
    int ret = -1;

    for (i = 0; i < t->ncolumns; i++) {
        struct cat_column *c = &t->columns[i];
        if (c->type != WH_T_TEXT || c->null_fraction >= 1)
            continue;
        if (c->values_complete) {
            ALLOC_GROW(v, c->nvalues, alloc);
            for (k = 0; k < c->nvalues; k++)
                v[k] = c->values[k].text;
            c->pattern = classify(c, v, c->nvalues);
            continue;
        }
        strbuf_addstr(&sql, n++ ? ", " : "SELECT ");
        add_ident(&sql, c->name);
    }
    if (!n) {
        ret = 0;
        goto out;
    }
    strbuf_addstr(&sql, " FROM ");
    cat_add_sql_relation(&sql, b, t);
    strbuf_addf(&sql, " LIMIT %d", CATALOG_PATTERN_ROWS);
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0)
        goto out;
    for (i = 0, k = 0; i < t->ncolumns; i++) {
        struct cat_column *c = &t->columns[i];
        size_t row, m = 0;
        if (c->type != WH_T_TEXT || c->null_fraction >= 1 || c->values_complete)
            continue;
        ALLOC_GROW(v, r->nrows, alloc);
        for (row = 0; row < r->nrows; row++)
            if (wh_result_text(r, row, k))
                v[m++] = wh_result_text(r, row, k);
        c->pattern = classify(c, v, m);
        k++;
    }
    ret = 0;
out:
    free(v);
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

/* Columns whose every value goes in the value index: text and flags with few values. */
static int wants_values(const struct cat_column *c)
{
    return (c->type == WH_T_TEXT || c->type == WH_T_BOOL) && c->distinct > 0 &&
           c->distinct <= CATALOG_MAX_VALUES + CATALOG_MAX_VALUES / 10;
}

static int profile_values(struct cat_build *b, struct cat_table *t, uint64_t sample_rows)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t i, n = 0, *alloc = NULL;
    int ret = -1, sampled;

    strbuf_addstr(&sql, "SELECT k, v, count(*) AS n FROM (UNPIVOT (SELECT ");
    for (i = 0; i < t->ncolumns; i++) {
        if (!wants_values(&t->columns[i]))
            continue;
        strbuf_addf(&sql, "%s", n ? ", " : "");
        add_ident(&sql, t->columns[i].name);
        strbuf_addf(&sql, "::VARCHAR AS \"%zu\"", i);
        n++;
    }
    if (!n) {
        ret = 0;
        goto out;
    }
    strbuf_addstr(&sql, " FROM ");
    add_source(&sql, b, t, sample_rows, &sampled);
    strbuf_addstr(&sql, ") ON COLUMNS(*) INTO NAME k VALUE v) GROUP BY k, v "
                        "ORDER BY k, n DESC, v");
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0)
        goto out;
    alloc = xcalloc(t->ncolumns, sizeof(*alloc));
    /* a sample may miss rare values: only a whole table's list is complete */
    for (i = 0; i < t->ncolumns; i++)
        t->columns[i].values_complete = !sampled && wants_values(&t->columns[i]);
    for (i = 0; i < r->nrows; i++) {
        size_t col = strtoul(wh_result_text(r, i, 0), NULL, 10);
        struct cat_column *c;
        double count;

        if (col >= t->ncolumns)
            continue;
        c = &t->columns[col];
        if (c->nvalues >= CATALOG_MAX_VALUES) {
            c->values_complete = 0;
            continue;
        }
        ALLOC_GROW(c->values, c->nvalues + 1, alloc[col]);
        c->values[c->nvalues].text = xstrdup(wh_result_text(r, i, 1));
        c->values[c->nvalues].count = wh_result_num(r, i, 2, &count) == 0 ? (uint64_t)count : 0;
        c->values[c->nvalues].key = vocab_key(c->values[c->nvalues].text);
        c->nvalues++;
    }
    for (i = 0; i < t->ncolumns; i++)
        if (t->columns[i].values_complete)
            t->columns[i].distinct = t->columns[i].nvalues;
    ret = 0;
out:
    free(alloc);
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

void catalog_list_sql(const struct cat_column *col, const char *expr, struct strbuf *sb)
{
    strbuf_addf(sb,
                "list_filter(regexp_split_to_array(trim(%s), '\\s*%s%c\\s*'), lambda e: e <> '')",
                expr, col->separator == '|' ? "\\" : "", col->separator);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Does text column col hold lists joined by sep ("Comedy, Drama", "tag1|tag2")? A fifth of its
 * rows or more have the separator, the lists have varying lengths (a "City, ST" always has
 * two parts), and the elements repeat: each is in two of the lists on average, or more, and
 * most are in more than one (the street of "12 Oak St, Springfield, IL" is in one).
 */
static int holds_lists(const struct cat_column *col, char sep)
{
    char **elems = NULL;
    size_t nelems = 0, alloc = 0, i, distinct = 0, once = 0;
    uint64_t rows = 0, with = 0;
    int min_parts = INT_MAX, max_parts = 0, yes;

    for (i = 0; i < col->nvalues; i++) {
        const char *v = col->values[i].text, *p = v;
        int parts = 1;
        rows += col->values[i].count;
        if (strchr(v, sep))
            with += col->values[i].count;
        for (;;) {
            const char *e = strchr(p, sep), *end = e ? e : p + strlen(p);
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
            ALLOC_GROW(elems, nelems + 1, alloc);
            elems[nelems++] = xstrndup(p, (size_t)(end - p));
            if (!e)
                break;
            p = e + 1;
            parts++;
        }
        if (parts > 1) { /* a list of one says nothing of the lengths */
            min_parts = parts < min_parts ? parts : min_parts;
            max_parts = parts > max_parts ? parts : max_parts;
        }
    }
    qsort(elems, nelems, sizeof(*elems), cmp_str);
    for (i = 0; i < nelems; i++) {
        int first = !i || strcmp(elems[i], elems[i - 1]);
        distinct += first;
        /* an element in one list only: a street of an address, not a genre */
        once += first && (i + 1 == nelems || strcmp(elems[i], elems[i + 1]));
    }
    yes = rows && with * 5 >= rows && min_parts < max_parts && distinct * 2 <= nelems &&
          once * 2 < distinct;
    for (i = 0; i < nelems; i++)
        free(elems[i]);
    free(elems);
    return yes;
}

/*
 * Text columns that hold lists: their values become the elements, counted over the rows (a
 * movie of "Comedy, Drama" counts once for each), so "comedies" finds 'Comedy'.
 */
static int profile_lists(struct cat_build *b, struct cat_table *t, uint64_t sample_rows)
{
    static const char seps[] = {',', ';', '|'};
    size_t i, k, row;
    int sampled;

    for (i = 0; i < t->ncolumns; i++) {
        struct cat_column *c = &t->columns[i];
        struct strbuf sql = STRBUF_INIT, id = STRBUF_INIT;
        struct wh_result *r = NULL;

        c->separator = 0;
        if (c->type != WH_T_TEXT || c->nvalues < 2 || c->pattern == CAT_PAT_MONEY_TEXT ||
            c->pattern == CAT_PAT_NUMBER_TEXT || c->pattern == CAT_PAT_PERCENT_TEXT)
            continue;
        for (k = 0; k < sizeof(seps) && !c->separator; k++)
            if (holds_lists(c, seps[k]))
                c->separator = seps[k];
        if (!c->separator)
            continue;
        add_ident(&id, c->name);
        strbuf_addstr(&sql, "SELECT e, count(*) AS n FROM (SELECT unnest(");
        catalog_list_sql(c, id.buf, &sql);
        strbuf_addstr(&sql, ") AS e FROM ");
        add_source(&sql, b, t, sample_rows, &sampled);
        strbuf_addf(&sql, ") GROUP BY e ORDER BY n DESC, e LIMIT %d", CATALOG_MAX_VALUES + 1);
        strbuf_release(&id);
        if (wh_query(b->wh, sql.buf, NULL, &r) < 0) {
            strbuf_release(&sql);
            return -1;
        }
        strbuf_release(&sql);
        for (k = 0; k < c->nvalues; k++) {
            free(c->values[k].text);
            free(c->values[k].key);
        }
        c->nvalues = 0;
        c->values = xrealloc(c->values, (r->nrows ? r->nrows : 1) * sizeof(*c->values));
        for (row = 0; row < r->nrows && row < CATALOG_MAX_VALUES; row++) {
            double n;
            c->values[c->nvalues].text = xstrdup(wh_result_text(r, row, 0));
            c->values[c->nvalues].count = wh_result_num(r, row, 1, &n) == 0 ? (uint64_t)n : 0;
            c->values[c->nvalues].key = vocab_key(c->values[c->nvalues].text);
            c->nvalues++;
        }
        c->values_complete = !sampled && r->nrows <= CATALOG_MAX_VALUES;
        if (c->values_complete)
            c->distinct = c->nvalues;
        wh_result_free(r);
    }
    return 0;
}

/*
 * Could the column be a key? No NULLs, and about as many distinct values as rows (the
 * approximate count can be 10% or more off; the exact count decides).
 */
static int maybe_unique(const struct cat_table *t, const struct cat_column *c)
{
    return t->profiled_rows > 0 && c->null_fraction == 0 && is_plain(c->type) &&
           c->type != WH_T_FLOAT && c->type != WH_T_BOOL &&
           (double)c->distinct >= 0.7 * (double)t->profiled_rows;
}

/*
 * Is the approximate distinct count of this column worth making exact? For ids (how many
 * orders) and text with many values (how many emails); small columns are exact from the value
 * index already, and numbers' counts matter less. A sampled table keeps the estimate.
 */
static int wants_exact_distinct(const struct cat_table *t, const struct cat_column *c)
{
    return !t->sampled && c->distinct > 0 && is_plain(c->type) &&
           (cat_name_is_id(c->name) || (c->type == WH_T_TEXT && !c->values_complete));
}

/* Exact distinct counts: whether the candidate keys are unique, and the counts that matter. */
static int profile_distinct(struct cat_build *b, struct cat_table *t)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t i, k, n = 0;
    int ret = -1;

#define COUNTED(c) (maybe_unique(t, (c)) || wants_exact_distinct(t, (c)))
    strbuf_addstr(&sql, "SELECT count(*)");
    for (i = 0; i < t->ncolumns; i++) {
        if (!COUNTED(&t->columns[i]))
            continue;
        strbuf_addstr(&sql, ", count(DISTINCT ");
        add_ident(&sql, t->columns[i].name);
        strbuf_addstr(&sql, ")");
        n++;
    }
    if (!n) {
        ret = 0;
        goto out;
    }
    strbuf_addstr(&sql, " FROM ");
    cat_add_sql_relation(&sql, b, t);
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0 || r->nrows != 1)
        goto out;
    t->rows = (uint64_t)num_or(r, 0, 0);
    for (i = 0, k = 1; i < t->ncolumns; i++) {
        struct cat_column *c = &t->columns[i];
        uint64_t d;
        if (!COUNTED(c))
            continue;
        d = (uint64_t)num_or(r, k++, 0);
        c->unique = t->rows > 0 && c->null_fraction == 0 && d == t->rows;
        c->distinct = d;
    }
    ret = 0;
#undef COUNTED
out:
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

/* A column that could group rows: an id that repeats, and is rarely NULL. */
int cat_maybe_group_key(const struct cat_table *t, const struct cat_column *c)
{
    return !c->unique && is_plain(c->type) && c->type != WH_T_FLOAT && c->null_fraction <= 0.1 &&
           c->distinct >= 2 && (double)t->rows >= 1.05 * (double)c->distinct &&
           cat_name_is_id(c->name);
}

/*
 * Is it worth asking whether this column is constant within groups? Measures (an order total
 * on every line is the trap), times and small categories (an order's status) are; keys,
 * whole-table constants, names and free text are not.
 */
static int groupable(const struct cat_column *c)
{
    if (!is_plain(c->type) || c->unique || c->distinct < 2 || c->roles & CAT_ROLE_PII)
        return 0;
    /* a reference to a party (an order's customer) tells a reused group id apart */
    return c->roles & (CAT_ROLE_MEASURE | CAT_ROLE_TIME | CAT_ROLE_FLAG) ||
           (c->roles & CAT_ROLE_DIMENSION && c->distinct <= 50) ||
           (cat_name_is_id(c->name) && c->type != WH_T_FLOAT);
}

/*
 * Which columns keep one value within each value of column g, in *out (the caller frees
 * out->constant). Only groups where a column has two values or more (not NULL) say
 * anything about it: a column filled on one line of an order is not an order-level value.
 * only_roles, when not 0, limits the columns asked about to those with one of these roles.
 */
int cat_profile_grouping(struct cat_build *b, struct cat_table *t, int g, unsigned only_roles,
                         struct cat_grouping *out)
{
    struct strbuf sql = STRBUF_INIT, inner = STRBUF_INIT;
    struct wh_result *r = NULL;
    uint64_t limit = b->opts && b->opts->sample_rows ? b->opts->sample_rows : CATALOG_SAMPLE_ROWS;
    uint64_t every = t->rows > limit ? (t->rows + limit - 1) / limit : 1;
    size_t i, k, alloc = 0;
    int ret = -1;

#define ASKED(col) (groupable(col) && (!only_roles || (col)->roles & only_roles))
    memset(out, 0, sizeof(*out));
    strbuf_addstr(&sql, "SELECT count(*), count(*) FILTER (WHERE n > 1)");
    strbuf_addstr(&inner, "SELECT count(*) AS n");
    for (i = 0; i < t->ncolumns; i++) {
        struct strbuf id = STRBUF_INIT;
        if ((int)i == g || !ASKED(&t->columns[i]))
            continue;
        add_ident(&id, t->columns[i].name);
        strbuf_addf(&inner, ", count(%s) AS n%zu, min(%s) = max(%s) AS c%zu", id.buf, i, id.buf,
                    id.buf, i);
        strbuf_addf(&sql,
                    ", count(*) FILTER (WHERE n%zu > 1), count(*) FILTER (WHERE n%zu > 1 AND "
                    "c%zu)",
                    i, i, i);
        strbuf_release(&id);
    }
    strbuf_addf(&sql, " FROM (%s FROM ", inner.buf);
    cat_add_sql_relation(&sql, b, t);
    strbuf_addstr(&sql, " WHERE ");
    add_ident(&sql, t->columns[g].name);
    strbuf_addstr(&sql, " IS NOT NULL");
    if (every > 1) {
        /* a sample of whole groups, not of rows: a row sample would split them */
        strbuf_addstr(&sql, " AND hash(");
        add_ident(&sql, t->columns[g].name);
        strbuf_addf(&sql, ") %% %llu = 0", (unsigned long long)every);
    }
    strbuf_addstr(&sql, " GROUP BY ");
    add_ident(&sql, t->columns[g].name);
    strbuf_addstr(&sql, ")");
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0 || r->nrows != 1)
        goto out;

    out->column = g;
    out->groups = (uint64_t)num_or(r, 0, 0) * every;
    out->multi = (uint64_t)num_or(r, 1, 0) * every;
    out->sampled = every > 1;
    for (i = 0, k = 2; i < t->ncolumns; i++) {
        double filled, same;
        if ((int)i == g || !ASKED(&t->columns[i]))
            continue;
        filled = num_or(r, k++, 0);
        same = num_or(r, k++, 0);
        /* 90%, not all: a reused id merges a few groups that are really two */
        if (filled >= 3 && same >= 0.9 * filled) {
            ALLOC_GROW(out->constant, out->nconstant + 1, alloc);
            out->constant[out->nconstant++] = (int)i;
        }
    }
    ret = 0;
#undef ASKED
out:
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&inner);
    return ret;
}

size_t cat_group_parts(const struct cat_table *t, const struct cat_grouping *gr,
                       int parts[CAT_GROUP_PARTS])
{
    size_t i, n = 0;

    for (i = 0; i < t->ncolumns && n < CAT_GROUP_PARTS - 4; i++) {
        const struct cat_column *c = &t->columns[i];
        if ((int)i != gr->column && c->roles & CAT_ROLE_FOREIGN_KEY &&
            !(c->roles & CAT_ROLE_GROUP_KEY) && c->null_fraction < 0.05)
            parts[n++] = (int)i;
    }
    for (i = 0; i < gr->nconstant && n < CAT_GROUP_PARTS; i++) {
        const struct cat_column *c = &t->columns[gr->constant[i]];
        if (c->roles & CAT_ROLE_TIME && is_date_like(c->type))
            parts[n++] = gr->constant[i];
    }
    return n;
}

/*
 * One pass over the groups, exact: for each, which parts are filled and constant (same) and
 * which take several values (varies), counted by kind. min = max says "one value" without
 * count(DISTINCT)'s hash table per group.
 */
int cat_profile_group_kinds(struct cat_build *b, struct cat_table *t, struct cat_grouping *gr)
{
    struct strbuf sql = STRBUF_INIT, id = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t k, row;
    int ret = -1;

    free(gr->kinds);
    gr->kinds = NULL;
    gr->nkinds = 0;
    gr->kinds_known = 0;
    gr->nparts = cat_group_parts(t, gr, gr->parts);
    if (!gr->nparts) {
        gr->kinds_known = 1;
        return 0;
    }
    strbuf_addstr(&sql, "SELECT same, varies, count(*), count(*) FILTER (WHERE n > 1) FROM "
                        "(SELECT count(*) AS n, 0");
    for (k = 0; k < gr->nparts; k++) {
        strbuf_reset(&id);
        add_ident(&id, t->columns[gr->parts[k]].name);
        strbuf_addf(&sql,
                    " + CASE WHEN min(%s) = max(%s) AND count(%s) = count(*) THEN %u ELSE 0 END",
                    id.buf, id.buf, id.buf, 1u << k);
    }
    strbuf_addstr(&sql, " AS same, 0");
    for (k = 0; k < gr->nparts; k++) {
        strbuf_reset(&id);
        add_ident(&id, t->columns[gr->parts[k]].name);
        strbuf_addf(&sql, " + CASE WHEN min(%s) <> max(%s) THEN %u ELSE 0 END", id.buf, id.buf,
                    1u << k);
    }
    strbuf_reset(&id);
    add_ident(&id, t->columns[gr->column].name);
    strbuf_addstr(&sql, " AS varies FROM ");
    cat_add_sql_relation(&sql, b, t);
    strbuf_addf(&sql, " WHERE %s IS NOT NULL GROUP BY %s) GROUP BY ALL ORDER BY 1, 2", id.buf,
                id.buf);
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0)
        goto out;
    gr->kinds = xcalloc(r->nrows ? r->nrows : 1, sizeof(*gr->kinds));
    for (row = 0; row < r->nrows; row++) {
        struct cat_group_kind *kd = &gr->kinds[gr->nkinds++];
        double v;
        kd->same = wh_result_num(r, row, 0, &v) == 0 ? (unsigned)v : 0;
        kd->varies = wh_result_num(r, row, 1, &v) == 0 ? (unsigned)v : 0;
        kd->groups = wh_result_num(r, row, 2, &v) == 0 ? (uint64_t)v : 0;
        kd->multi = wh_result_num(r, row, 3, &v) == 0 ? (uint64_t)v : 0;
    }
    gr->kinds_known = 1;
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&id);
    return ret;
}

/*
 * Without a one-column key, two id columns may identify a row together (an order line by
 * order and product). Tries pairs of id columns without NULLs.
 */
static int profile_composite_grain(struct cat_build *b, struct cat_table *t)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    int ids[6];
    size_t i, j, n = 0, k;
    int ret = -1;

    for (i = 0; i < t->ncolumns; i++) {
        if (t->columns[i].unique)
            return 0;
        if (n < ARRAY_SIZE(ids) && t->columns[i].null_fraction == 0 &&
            is_plain(t->columns[i].type) && cat_name_is_id(t->columns[i].name))
            ids[n++] = (int)i;
    }
    if (n < 2 || !t->rows)
        return 0;
    strbuf_addstr(&sql, "SELECT count(*)");
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) {
            strbuf_addstr(&sql, ", count(DISTINCT (");
            add_ident(&sql, t->columns[ids[i]].name);
            strbuf_addstr(&sql, ", ");
            add_ident(&sql, t->columns[ids[j]].name);
            strbuf_addstr(&sql, "))");
        }
    strbuf_addstr(&sql, " FROM ");
    cat_add_sql_relation(&sql, b, t);
    if (wh_query(b->wh, sql.buf, NULL, &r) < 0 || r->nrows != 1)
        goto out;
    for (i = 0, k = 1; i < n && !t->ngrain; i++)
        for (j = i + 1; j < n && !t->ngrain; j++, k++)
            if (num_or(r, k, -1) == num_or(r, 0, -2)) {
                cat_strv_push(&t->grain, &t->ngrain, t->columns[ids[i]].name);
                cat_strv_push(&t->grain, &t->ngrain, t->columns[ids[j]].name);
            }
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&sql);
    return ret;
}

/*
 * A row's hash stands for the row: 64 bits make a false match unlikely at any size. Copies
 * share every column, so when a column is nearly unique only the rows whose value of it
 * repeats (or is NULL) need hashing.
 */
void catalog_copies_sql(const struct cat_table *t, const char *relation, struct strbuf *sb)
{
    const struct cat_column *part = NULL;
    struct strbuf id = STRBUF_INIT;
    size_t i;

    for (i = 0; i < t->ncolumns; i++) {
        const struct cat_column *c = &t->columns[i];
        if ((double)c->distinct >= 0.9 * (double)t->rows && t->rows && is_plain(c->type) &&
            (!part || c->distinct > part->distinct))
            part = c;
    }
    /* the row's alias is a name no column is likely to have: hash(x) of a column x is not the row
     */
    if (!part) {
        strbuf_addf(sb, "SELECT count(*) - count(DISTINCT hash(_mdp_row)) FROM %s AS _mdp_row",
                    relation);
        return;
    }
    add_ident(&id, part->name);
    strbuf_addf(sb,
                "SELECT count(*) - count(DISTINCT hash(_mdp_row)) FROM %s AS _mdp_row WHERE "
                "_mdp_row.%s IS NULL OR _mdp_row.%s IN (SELECT %s FROM %s GROUP BY ALL HAVING "
                "count(*) > 1)",
                relation, id.buf, id.buf, id.buf, relation);
    strbuf_release(&id);
}

/*
 * Rows that are exact copies of another row, over all rows of a table (a view would be
 * computed again: it stays -1, as does a table too wide to hash). A unique column leaves none.
 */
static int profile_copies(struct cat_build *b, struct cat_table *t)
{
    struct strbuf sql = STRBUF_INIT, rel = STRBUF_INIT;
    size_t i;
    char *n;

    t->copies = -1;
    if (t->is_view || t->ncolumns > CATALOG_MAX_HASHED_COLUMNS)
        return 0;
    for (i = 0; i < t->ncolumns; i++)
        if (t->columns[i].unique || !t->rows) {
            t->copies = 0;
            return 0;
        }
    cat_add_sql_relation(&rel, b, t);
    catalog_copies_sql(t, rel.buf, &sql);
    n = wh_query_value(b->wh, sql.buf);
    strbuf_release(&sql);
    strbuf_release(&rel);
    if (!n)
        return -1;
    t->copies = strtoll(n, NULL, 10);
    free(n);
    return 0;
}

int cat_profile_table(struct cat_build *b, struct cat_table *t)
{
    uint64_t sample_rows =
        b->opts && b->opts->sample_rows ? b->opts->sample_rows : CATALOG_SAMPLE_ROWS;
    double t0 = clock_seconds(), t1, t2, t3, t4, t5;

    if (profile_stats(b, t, sample_rows) < 0)
        return -1;
    if (t->sampled && exact_time_anchors(b, t) < 0)
        return -1;
    t1 = clock_seconds();
    if (profile_values(b, t, sample_rows) < 0)
        return -1;
    t2 = clock_seconds();
    if (profile_patterns(b, t) < 0 || profile_lists(b, t, sample_rows) < 0)
        return -1;
    t3 = clock_seconds();
    if (profile_distinct(b, t) < 0)
        return -1;
    t4 = clock_seconds();
    if (profile_composite_grain(b, t) < 0)
        return -1;
    t5 = clock_seconds();
    if (profile_copies(b, t) < 0)
        return -1;
    trace("catalog: %s: stats %.0f ms, values %.0f ms, patterns %.0f ms, keys %.0f ms, "
          "grain %.0f ms, copies %.0f ms",
          t->relation, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, (t4 - t3) * 1e3,
          (t5 - t4) * 1e3, (clock_seconds() - t5) * 1e3);
    return 0;
}

double cat_profile_containment(struct cat_build *b, int ft, int fc, int tt, int tc)
{
    const struct cat_table *from = &b->c->tables[ft], *to = &b->c->tables[tt];
    const struct cat_column *f = &from->columns[fc], *k = &to->columns[tc];
    char *key = xstrfmt("%s|%s|%s|%s", from->fingerprint, f->name, to->fingerprint, k->name);
    int cast = (f->type == WH_T_TEXT) != (k->type == WH_T_TEXT) || f->type == WH_T_UUID ||
               k->type == WH_T_UUID;
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    double n, hit, ret = -1;
    size_t i, alloc = b->alloc_checks;
    int quiet;

    for (i = 0; i < b->nchecks; i++)
        if (!strcmp(b->checks[i].key, key)) {
            free(key);
            b->checks[i].used = 1;
            return b->checks[i].containment;
        }
    if (!b->wh) { /* a catalog built by hand (tests): nothing to measure */
        free(key);
        return -1;
    }
    strbuf_addstr(&sql, "SELECT count(*), count(k.v) FROM (SELECT DISTINCT ");
    strbuf_addstr(&sql, cast ? "CAST(" : "");
    strbuf_add_sql_ident(&sql, f->name);
    strbuf_addstr(&sql, cast ? " AS VARCHAR)" : "");
    strbuf_addstr(&sql, " AS v FROM ");
    cat_add_sql_relation(&sql, b, from);
    strbuf_addstr(&sql, " WHERE ");
    strbuf_add_sql_ident(&sql, f->name);
    strbuf_addstr(&sql, " IS NOT NULL) s LEFT JOIN (SELECT DISTINCT ");
    strbuf_addstr(&sql, cast ? "CAST(" : "");
    strbuf_add_sql_ident(&sql, k->name);
    strbuf_addstr(&sql, cast ? " AS VARCHAR)" : "");
    strbuf_addstr(&sql, " AS v FROM ");
    cat_add_sql_relation(&sql, b, to);
    strbuf_addstr(&sql, ") k ON s.v = k.v");
    quiet = error_quiet(1);
    if (wh_query(b->wh, sql.buf, NULL, &r) == 0 && r->nrows == 1 &&
        wh_result_num(r, 0, 0, &n) == 0 && wh_result_num(r, 0, 1, &hit) == 0 && n > 0)
        ret = hit / n;
    error_quiet(quiet);
    wh_result_free(r);
    strbuf_release(&sql);
    ALLOC_GROW(b->checks, b->nchecks + 1, alloc);
    b->alloc_checks = alloc;
    b->checks[b->nchecks].key = key;
    b->checks[b->nchecks].containment = ret;
    b->checks[b->nchecks].used = 1;
    b->nchecks++;
    return ret;
}
