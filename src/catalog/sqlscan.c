/*
 * The light SQL reader of sqlscan.h.
 *
 * A tokenizer turns the text into words, quoted names, strings, numbers, templates and
 * punctuation, and pairs every bracket with its partner: an unclosed bracket is closed at the
 * end, a stray closing one is mere punctuation. Every group is then a range the walker skips in
 * one step or reads with one recursive call, and nothing it does can run past the tokens.
 *
 * The walker follows the clauses of a query (WITH, SELECT, FROM with its joins, WHERE) and
 * reads every other token as an expression, where it finds aggregate calls and subqueries.
 * Recursion goes one level per bracket pair and stops at MAX_DEPTH, so the stack is bounded
 * whatever the input, and each token is looked at a bounded number of times.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "catalog/sqlscan.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Groups nested deeper are skipped unread: real queries nest far less, the stack stays small. */
#define MAX_DEPTH 40
/* The names one FROM or one WITH makes visible: bounds every lookup on hostile input. */
#define MAX_NAMES 256
/* Text past 1 GiB is not read, so that token offsets fit 32 bits. */
#define MAX_TEXT (1u << 30)
#define NONE     ((size_t)-1)

/* Tokens */

enum tok_kind {
    T_WORD,     /* an unquoted identifier or keyword */
    T_QIDENT,   /* "a quoted identifier" */
    T_STRING,   /* 'text', E'text', $$text$$, $tag$text$tag$ */
    T_NUMBER,   /* 42, 1.5e-3, 0xff, 1_000 */
    T_PARAM,    /* $1, $name */
    T_TEMPLATE, /* ${...} and {{ ... }}: a value whose text we cannot see into */
    T_OPEN,     /* ( [ { */
    T_CLOSE,    /* ) ] }, or a zero-length one closing an unclosed group at the end */
    T_COMMA,
    T_DOT,
    T_SEMI,
    T_OP, /* operators, a stray closing bracket, any other byte */
};

/*
 * How a keyword may be used: a soft one can also name a table, a column or an alias
 * (`filter`, `sample`), a value one ends an operand (NULL, END, CURRENT_DATE) but names
 * nothing, a reserved one is syntax only.
 */
enum kw_class { KC_NONE, KC_SOFT, KC_VALUE, KC_RESERVED };

enum kw {
    KW_NONE,
    KW_OTHER, /* a keyword that matters only by its class */
    KW_ALL,
    KW_AND,
    KW_ANTI,
    KW_AS,
    KW_ASOF,
    KW_BY,
    KW_CASE,
    KW_COLUMNS,
    KW_CREATE,
    KW_CROSS,
    KW_DISTINCT,
    KW_END,
    KW_EXCEPT,
    KW_EXPLAIN,
    KW_FETCH,
    KW_FROM,
    KW_FULL,
    KW_GROUP,
    KW_HAVING,
    KW_INNER,
    KW_INSERT,
    KW_INTERSECT,
    KW_INTERVAL,
    KW_JOIN,
    KW_LATERAL,
    KW_LEFT,
    KW_LIMIT,
    KW_MATERIALIZED,
    KW_NATURAL,
    KW_NOT,
    KW_OFFSET,
    KW_ON,
    KW_OR,
    KW_ORDER,
    KW_OUTER,
    KW_POSITIONAL,
    KW_QUALIFY,
    KW_RECURSIVE,
    KW_RETURNING,
    KW_RIGHT,
    KW_SELECT,
    KW_SEMI,
    KW_TABLE,
    KW_UNION,
    KW_USING,
    KW_VALUES,
    KW_WHERE,
    KW_WINDOW,
    KW_WITH,
};

struct keyword {
    const char *name; /* lowercase */
    unsigned char kw, cls;
};

static const struct keyword keywords[] = {
    {"all", KW_ALL, KC_RESERVED},
    {"and", KW_AND, KC_RESERVED},
    {"anti", KW_ANTI, KC_RESERVED},
    {"any", KW_OTHER, KC_RESERVED},
    {"as", KW_AS, KC_RESERVED},
    {"asof", KW_ASOF, KC_RESERVED},
    {"at", KW_OTHER, KC_RESERVED},
    {"between", KW_OTHER, KC_RESERVED},
    {"by", KW_BY, KC_RESERVED},
    {"case", KW_CASE, KC_RESERVED},
    {"collate", KW_OTHER, KC_RESERVED},
    {"columns", KW_COLUMNS, KC_SOFT},
    {"create", KW_CREATE, KC_RESERVED},
    {"cross", KW_CROSS, KC_RESERVED},
    {"current_date", KW_OTHER, KC_VALUE},
    {"current_time", KW_OTHER, KC_VALUE},
    {"current_timestamp", KW_OTHER, KC_VALUE},
    {"distinct", KW_DISTINCT, KC_RESERVED},
    {"else", KW_OTHER, KC_RESERVED},
    {"end", KW_END, KC_VALUE},
    {"escape", KW_OTHER, KC_RESERVED},
    {"except", KW_EXCEPT, KC_RESERVED},
    {"exclude", KW_OTHER, KC_SOFT},
    {"exists", KW_OTHER, KC_RESERVED},
    {"explain", KW_EXPLAIN, KC_SOFT},
    {"false", KW_OTHER, KC_VALUE},
    {"fetch", KW_FETCH, KC_RESERVED},
    {"filter", KW_OTHER, KC_SOFT},
    {"from", KW_FROM, KC_RESERVED},
    {"full", KW_FULL, KC_RESERVED},
    {"glob", KW_OTHER, KC_RESERVED},
    {"group", KW_GROUP, KC_RESERVED},
    {"having", KW_HAVING, KC_RESERVED},
    {"ilike", KW_OTHER, KC_RESERVED},
    {"in", KW_OTHER, KC_RESERVED},
    {"inner", KW_INNER, KC_RESERVED},
    {"insert", KW_INSERT, KC_SOFT},
    {"intersect", KW_INTERSECT, KC_RESERVED},
    {"interval", KW_INTERVAL, KC_RESERVED},
    {"into", KW_OTHER, KC_RESERVED},
    {"is", KW_OTHER, KC_RESERVED},
    {"isnull", KW_OTHER, KC_RESERVED},
    {"join", KW_JOIN, KC_RESERVED},
    {"lateral", KW_LATERAL, KC_RESERVED},
    {"left", KW_LEFT, KC_RESERVED},
    {"like", KW_OTHER, KC_RESERVED},
    {"limit", KW_LIMIT, KC_RESERVED},
    {"localtime", KW_OTHER, KC_VALUE},
    {"localtimestamp", KW_OTHER, KC_VALUE},
    {"materialized", KW_MATERIALIZED, KC_SOFT},
    {"natural", KW_NATURAL, KC_RESERVED},
    {"not", KW_NOT, KC_RESERVED},
    {"notnull", KW_OTHER, KC_RESERVED},
    {"null", KW_OTHER, KC_VALUE},
    {"offset", KW_OFFSET, KC_RESERVED},
    {"on", KW_ON, KC_RESERVED},
    {"or", KW_OR, KC_RESERVED},
    {"order", KW_ORDER, KC_RESERVED},
    {"outer", KW_OUTER, KC_RESERVED},
    {"over", KW_OTHER, KC_RESERVED},
    {"pivot", KW_OTHER, KC_RESERVED},
    {"positional", KW_POSITIONAL, KC_RESERVED},
    {"qualify", KW_QUALIFY, KC_RESERVED},
    {"recursive", KW_RECURSIVE, KC_SOFT},
    {"rename", KW_OTHER, KC_SOFT},
    {"replace", KW_OTHER, KC_SOFT},
    {"returning", KW_RETURNING, KC_RESERVED},
    {"right", KW_RIGHT, KC_RESERVED},
    {"sample", KW_OTHER, KC_SOFT},
    {"select", KW_SELECT, KC_RESERVED},
    {"semi", KW_SEMI, KC_RESERVED},
    {"similar", KW_OTHER, KC_RESERVED},
    {"some", KW_OTHER, KC_RESERVED},
    {"table", KW_TABLE, KC_RESERVED},
    {"tablesample", KW_OTHER, KC_RESERVED},
    {"then", KW_OTHER, KC_RESERVED},
    {"true", KW_OTHER, KC_VALUE},
    {"union", KW_UNION, KC_RESERVED},
    {"unpivot", KW_OTHER, KC_RESERVED},
    {"using", KW_USING, KC_RESERVED},
    {"values", KW_VALUES, KC_RESERVED},
    {"view", KW_OTHER, KC_SOFT},
    {"when", KW_OTHER, KC_RESERVED},
    {"where", KW_WHERE, KC_RESERVED},
    {"window", KW_WINDOW, KC_RESERVED},
    {"with", KW_WITH, KC_RESERVED},
    {"within", KW_OTHER, KC_SOFT},
};

/* Aggregate functions of DuckDB (and a few common spellings of other engines). */
static const char aggregates[] =
    " any_value approx_count_distinct approx_quantile arbitrary arg_max arg_max_null "
    "arg_min arg_min_null argmax argmin array_agg avg bit_and bit_or bit_xor bool_and "
    "bool_or corr count count_if count_star countif covar_pop covar_samp entropy favg "
    "first fsum geomean geometric_mean group_concat histogram kahan_sum kurtosis "
    "kurtosis_pop last list listagg mad max max_by mean median min min_by mode "
    "percentile_cont percentile_disc product quantile quantile_cont quantile_disc "
    "regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope regr_sxx regr_sxy "
    "regr_syy reservoir_quantile sem skewness stddev stddev_pop stddev_samp string_agg "
    "sum sum_if sumif sum_no_overflow sumkahan var_pop var_samp variance weighted_avg ";

/* 16 bytes: a megabyte of punctuation makes a million of them. */
struct tok {
    unsigned char kind;
    unsigned char space; /* blanks, a comment or a Jinja statement come before it */
    unsigned char kw, cls;
    uint32_t start, len;
    uint32_t match; /* T_OPEN, T_CLOSE: the index of the partner */
};

/* A name a FROM clause makes visible, for resolving `alias.column` in ON and WHERE. */
struct scope_entry {
    size_t rel;  /* index into facts.relations; NONE for a subquery, a function, a CTE */
    char *alias; /* NULL when none */
    char *name;  /* NULL for a subquery or a function */
};

struct scope {
    struct scope_entry *v;
    size_t n, alloc;
    struct scope *parent; /* the enclosing query's FROM, for correlated subqueries */
};

struct cte {
    char *name;
    size_t rel; /* the relation a `SELECT * FROM relation` CTE passes through, else NONE */
};

struct scan {
    const char *src;
    size_t len;
    struct tok *tok;
    size_t ntok, tok_alloc;
    struct sql_facts *f;
    size_t rel_alloc, join_alloc, item_alloc, agg_alloc;
    struct cte *ctes; /* the CTEs visible where the walker is, innermost last */
    size_t nctes, cte_alloc;
    struct scope *scope;
    const char *alias; /* alias of the final SELECT item being read (borrowed), or NULL */
    int depth;
    int items_given;   /* an earlier statement gave the items */
    size_t stmt_aggs;  /* naggregates when the current statement began */
    size_t alias_aggs; /* aggregates before this one have no alias */
};

static int is_word_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static int is_word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static void lookup_keyword(const char *w, size_t n, struct tok *t)
{
    size_t k;

    for (k = 0; k < ARRAY_SIZE(keywords); k++) {
        const char *name = keywords[k].name;
        if (*name == tolower((unsigned char)*w) && !strncasecmp(w, name, n) && !name[n]) {
            t->kw = keywords[k].kw;
            t->cls = keywords[k].cls;
            return;
        }
    }
}

static void add_tok(struct scan *s, enum tok_kind kind, size_t start, size_t end, int *space)
{
    struct tok *t;

    ALLOC_GROW(s->tok, s->ntok + 1, s->tok_alloc);
    t = &s->tok[s->ntok++];
    memset(t, 0, sizeof(*t));
    t->kind = kind;
    t->space = (unsigned char)*space;
    t->start = (uint32_t)start;
    t->len = (uint32_t)(end - start);
    *space = 0;
    if (kind == T_WORD)
        lookup_keyword(s->src + start, t->len, t);
}

/* After a quoted run opened at p: a doubled quote stays inside, so does \x when backslash. */
static size_t skip_quoted(const char *src, size_t p, char quote, int backslash)
{
    for (p++; src[p]; p++) {
        if (backslash && src[p] == '\\' && src[p + 1]) {
            p++;
        } else if (src[p] == quote) {
            if (src[p + 1] != quote)
                return p + 1;
            p++;
        }
    }
    return p;
}

/* Block comments nest in DuckDB (as in PostgreSQL). */
static size_t skip_block_comment(const char *src, size_t p)
{
    size_t depth = 0;

    while (src[p]) {
        if (src[p] == '/' && src[p + 1] == '*') {
            depth++;
            p += 2;
        } else if (src[p] == '*' && src[p + 1] == '/') {
            p += 2;
            if (--depth == 0)
                return p;
        } else {
            p++;
        }
    }
    return p;
}

static size_t skip_past(const struct scan *s, size_t p, const char *delim)
{
    const char *q = strstr(s->src + p, delim);
    return q ? (size_t)(q - s->src) + strlen(delim) : s->len;
}

/* An Evidence ${...}: p is at '{'; braces inside it nest. */
static size_t skip_braces(const char *src, size_t p)
{
    size_t depth = 0;

    for (; src[p]; p++) {
        if (src[p] == '{')
            depth++;
        else if (src[p] == '}' && --depth == 0)
            return p + 1;
    }
    return p;
}

/* At '$': a dollar-quoted string $tag$...$tag$, a parameter $1 or $name, or an operator. */
static size_t scan_dollar(const struct scan *s, size_t p, enum tok_kind *kind)
{
    const char *src = s->src, *end;
    size_t q = p + 1, dlen;

    if (isalpha((unsigned char)src[q]) || src[q] == '_')
        while (isalnum((unsigned char)src[q]) || src[q] == '_')
            q++;
    if (src[q] == '$') {
        dlen = q - p + 1;
        end = memmem(src + q + 1, s->len - (q + 1), src + p, dlen);
        *kind = T_STRING;
        return end ? (size_t)(end - src) + dlen : s->len;
    }
    if (q == p + 1)
        while (isdigit((unsigned char)src[q]))
            q++;
    *kind = q > p + 1 ? T_PARAM : T_OP;
    return q;
}

static size_t scan_number(const char *src, size_t p)
{
    int hex = src[p] == '0' && (src[p + 1] == 'x' || src[p + 1] == 'X');
    size_t q = p;

    for (;;) {
        unsigned char c = src[q];
        if (isalnum(c) || c == '_' || c == '.')
            q++;
        else if ((c == '+' || c == '-') && !hex && (src[q - 1] == 'e' || src[q - 1] == 'E') &&
                 isdigit((unsigned char)src[q + 1]))
            q++;
        else
            return q;
    }
}

static size_t op_len(const char *p)
{
    static const char *const ops[] = {"->>", "::", "<=", ">=", "<>", "!=", "==", "=>", ":=", "->",
                                      "||",  "**", "<<", ">>", "!~", "~~", "^@", "@>", "<@", "&&"};
    size_t k, n;

    for (k = 0; k < ARRAY_SIZE(ops); k++) {
        n = strlen(ops[k]);
        if (!strncmp(p, ops[k], n))
            return n;
    }
    return 1;
}

static void pair(struct scan *s, size_t open, size_t close)
{
    s->tok[open].match = (uint32_t)close;
    s->tok[close].match = (uint32_t)open;
}

static void tokenize(struct scan *s)
{
    const char *src = s->src;
    size_t p = 0, q, *stack = NULL, nstack = 0, stack_alloc = 0;
    int space = 0;
    enum tok_kind kind;

    while (src[p]) {
        unsigned char c = src[p], d = src[p + 1];

        if (isspace(c)) {
            space = 1;
            p++;
            continue;
        }
        if ((c == '-' && d == '-') || (c == '/' && d == '*') || (c == '{' && d == '#') ||
            (c == '{' && d == '%')) {
            /* comments and Jinja statements separate tokens like blanks */
            if (c == '-')
                p = skip_past(s, p, "\n");
            else if (c == '/')
                p = skip_block_comment(src, p);
            else
                p = skip_past(s, p + 2, d == '#' ? "#}" : "%}");
            space = 1;
            continue;
        }
        q = p + 1;
        kind = T_OP;
        if (c == '{' && d == '{') {
            q = skip_past(s, p + 2, "}}");
            kind = T_TEMPLATE;
        } else if (c == '$' && d == '{') {
            q = skip_braces(src, p + 1);
            kind = T_TEMPLATE;
        } else if (c == '$') {
            q = scan_dollar(s, p, &kind);
        } else if (c == '\'') {
            q = skip_quoted(src, p, '\'', 0);
            kind = T_STRING;
        } else if ((c == 'e' || c == 'E') && d == '\'') {
            q = skip_quoted(src, p + 1, '\'', 1);
            kind = T_STRING;
        } else if (c == '"') {
            q = skip_quoted(src, p, '"', 0);
            kind = T_QIDENT;
        } else if (isdigit(c) || (c == '.' && isdigit(d))) {
            q = scan_number(src, p);
            kind = T_NUMBER;
        } else if (is_word_start(c)) {
            while (is_word_char((unsigned char)src[q]))
                q++;
            kind = T_WORD;
        } else if (c == '(' || c == '[' || c == '{') {
            kind = T_OPEN;
        } else if (c == ')' || c == ']' || c == '}') {
            kind = nstack ? T_CLOSE : T_OP;
        } else if (c == ',') {
            kind = T_COMMA;
        } else if (c == '.') {
            kind = T_DOT;
        } else if (c == ';') {
            kind = T_SEMI;
        } else {
            q = p + op_len(src + p);
        }
        add_tok(s, kind, p, q, &space);
        if (kind == T_OPEN) {
            ALLOC_GROW(stack, nstack + 1, stack_alloc);
            stack[nstack++] = s->ntok - 1;
        } else if (kind == T_CLOSE) {
            /* any closing bracket closes the innermost group: groups always nest */
            pair(s, stack[--nstack], s->ntok - 1);
        }
        p = q;
    }
    while (nstack) {
        add_tok(s, T_CLOSE, s->len, s->len, &space);
        pair(s, stack[--nstack], s->ntok - 1);
    }
    free(stack);
}

/* Token tests; each is false past the end e of the range being read. */

static int kw_at(const struct scan *s, size_t i, size_t e)
{
    return i < e && s->tok[i].kind == T_WORD ? s->tok[i].kw : KW_NONE;
}

static int is_kind(const struct scan *s, size_t i, size_t e, enum tok_kind kind)
{
    return i < e && s->tok[i].kind == kind;
}

static int is_op(const struct scan *s, size_t i, size_t e, const char *op)
{
    size_t n = strlen(op);

    return is_kind(s, i, e, T_OP) && s->tok[i].len == n && !memcmp(s->src + s->tok[i].start, op, n);
}

static int is_paren(const struct scan *s, size_t i, size_t e)
{
    return is_kind(s, i, e, T_OPEN) && s->src[s->tok[i].start] == '(';
}

/* Any identifier, even a keyword: what may follow a dot or an explicit AS. */
static int is_ident(const struct scan *s, size_t i, size_t e)
{
    return is_kind(s, i, e, T_QIDENT) || is_kind(s, i, e, T_WORD);
}

/* An identifier that can stand alone: a quoted one or a word that is not syntax. */
static int is_name(const struct scan *s, size_t i, size_t e)
{
    if (is_kind(s, i, e, T_QIDENT))
        return 1;
    return is_kind(s, i, e, T_WORD) && (s->tok[i].cls == KC_NONE || s->tok[i].cls == KC_SOFT);
}

/* The token can end an operand, so that a name after it is an alias. */
static int ends_operand(const struct scan *s, size_t i, size_t e)
{
    if (i >= e)
        return 0;
    switch (s->tok[i].kind) {
    case T_QIDENT:
    case T_STRING:
    case T_NUMBER:
    case T_PARAM:
    case T_TEMPLATE:
    case T_CLOSE: return 1;
    case T_WORD: return s->tok[i].cls != KC_RESERVED;
    default: return 0;
    }
}

/* The next token at the same nesting level. */
static size_t next(const struct scan *s, size_t i)
{
    return s->tok[i].kind == T_OPEN ? s->tok[i].match + 1 : i + 1;
}

static int word_is(const struct scan *s, size_t i, size_t e, const char *w)
{
    size_t n = strlen(w);

    return is_kind(s, i, e, T_WORD) && s->tok[i].len == n &&
           !strncasecmp(s->src + s->tok[i].start, w, n);
}

/*
 * Is the group opened at `open` a query? After a function name (call), only SELECT, WITH and
 * VALUES start one: trim(FROM x) is not a query.
 */
static int is_query(const struct scan *s, size_t open, int call)
{
    size_t k = open + 1, end = s->tok[open].match;
    int n = 0;

    if (s->src[s->tok[open].start] != '(')
        return 0;
    while (n++ < 8 && is_paren(s, k, end))
        k++;
    switch (kw_at(s, k, end)) {
    case KW_SELECT:
    case KW_WITH:
    case KW_VALUES: return 1;
    case KW_FROM:
    case KW_TABLE: return !call;
    default: return 0;
    }
}

/* Names and text */

/* A name without its quotes ("a ""b""" -> a "b"); a word as written. */
static char *tok_name(const struct scan *s, size_t i)
{
    const struct tok *t = &s->tok[i];
    const char *p = s->src + t->start;
    size_t n = t->len, k;
    struct strbuf sb = STRBUF_INIT;
    char quote;

    if (!n || (t->kind != T_QIDENT && !(t->kind == T_STRING && *p == '\'')))
        return xstrndup(p, n);
    quote = *p++;
    n--;
    if (n && p[n - 1] == quote)
        n--;
    for (k = 0; k < n; k++) {
        strbuf_addch(&sb, p[k]);
        if (p[k] == quote && k + 1 < n && p[k + 1] == quote)
            k++;
    }
    return strbuf_detach(&sb, NULL);
}

/* Tokens i..e as written, with one space wherever the source had blanks or comments. */
static void add_text(const struct scan *s, struct strbuf *sb, size_t i, size_t e)
{
    size_t k, j;

    for (k = i; k < e; k++) {
        const struct tok *t = &s->tok[k];
        const char *p = s->src + t->start;

        if (k > i && t->space && t->len)
            strbuf_addch(sb, ' ');
        if (t->kind != T_TEMPLATE) {
            strbuf_add(sb, p, t->len);
            continue;
        }
        for (j = 0; j < t->len; j++) {
            if (!isspace((unsigned char)p[j]))
                strbuf_addch(sb, p[j]);
            else if (j == 0 || !isspace((unsigned char)p[j - 1]))
                strbuf_addch(sb, ' ');
        }
    }
}

static int has_comma(const struct scan *s, size_t i, size_t e)
{
    for (; i < e; i = next(s, i))
        if (s->tok[i].kind == T_COMMA)
            return 1;
    return 0;
}

/*
 * Drops parentheses around all of tokens *i..*e: DuckDB stores sum((a * b)) for sum(a * b),
 * and both should read the same. A subquery or a row (a, b) keeps them.
 */
static void strip_parens(const struct scan *s, size_t *i, size_t *e)
{
    while (*i + 1 < *e && is_paren(s, *i, *e) && s->tok[*i].match == *e - 1 &&
           !is_query(s, *i, 0) && !has_comma(s, *i + 1, *e - 1)) {
        (*i)++;
        (*e)--;
    }
}

static char *text_of(const struct scan *s, size_t i, size_t e)
{
    struct strbuf sb = STRBUF_INIT;

    strip_parens(s, &i, &e);
    add_text(s, &sb, i, e);
    return strbuf_detach(&sb, NULL);
}

/* Facts */

static size_t add_relation(struct scan *s, char *schema, char *name)
{
    struct sql_relation *r;

    ALLOC_GROW(s->f->relations, s->f->nrelations + 1, s->rel_alloc);
    r = &s->f->relations[s->f->nrelations];
    r->schema = schema;
    r->name = name;
    r->alias = NULL;
    return s->f->nrelations++;
}

static void add_join(struct scan *s, size_t left, size_t right, char *lcol, char *rcol)
{
    struct sql_join *j;

    ALLOC_GROW(s->f->joins, s->f->njoins + 1, s->join_alloc);
    j = &s->f->joins[s->f->njoins++];
    j->left = left;
    j->right = right;
    j->left_column = lcol;
    j->right_column = rcol;
}

static int is_aggregate(const char *w, size_t n)
{
    char key[40];
    size_t k;

    if (n + 3 > sizeof(key))
        return 0;
    key[0] = ' ';
    for (k = 0; k < n; k++)
        key[k + 1] = (char)tolower((unsigned char)w[k]);
    key[n + 1] = ' ';
    key[n + 2] = '\0';
    return strstr(aggregates, key) != NULL;
}

/* Records name(...) when name is an aggregate function. */
static void add_aggregate(struct scan *s, size_t name, size_t open)
{
    const struct tok *t = &s->tok[name];
    size_t i = open + 1, e = s->tok[open].match, k;
    struct sql_aggregate *a;

    if (!is_aggregate(s->src + t->start, t->len))
        return;
    ALLOC_GROW(s->f->aggregates, s->f->naggregates + 1, s->agg_alloc);
    a = &s->f->aggregates[s->f->naggregates++];
    a->func = xstrndup(s->src + t->start, t->len);
    for (k = 0; a->func[k]; k++)
        a->func[k] = (char)tolower((unsigned char)a->func[k]);
    a->distinct = 0;
    if (kw_at(s, i, e) == KW_DISTINCT) {
        a->distinct = 1;
        i++;
    } else if (kw_at(s, i, e) == KW_ALL) {
        i++;
    }
    if (i < e)
        a->arg = text_of(s, i, e);
    else
        a->arg = xstrdup(strcmp(a->func, "count") ? "" : "*");
    a->alias = s->alias ? xstrdup(s->alias) : NULL;
}

static void item_release(struct sql_item *it)
{
    free(it->expr);
    free(it->alias);
    free(it->column);
}

/*
 * The items come from the last statement that has a final SELECT: the one a script ends with
 * (`CREATE TEMP TABLE x AS ...; SELECT ... FROM x`). Earlier items and aliases give way.
 */
static void claim_items(struct scan *s)
{
    size_t k;

    if (s->items_given) {
        for (k = 0; k < s->f->nitems; k++)
            item_release(&s->f->items[k]);
        s->f->nitems = 0;
        for (k = s->alias_aggs; k < s->stmt_aggs; k++) {
            free(s->f->aggregates[k].alias);
            s->f->aggregates[k].alias = NULL;
        }
    }
    s->alias_aggs = s->stmt_aggs;
    s->items_given = 1;
}

static struct sql_item *new_item(struct scan *s)
{
    struct sql_item *it;

    ALLOC_GROW(s->f->items, s->f->nitems + 1, s->item_alloc);
    it = &s->f->items[s->f->nitems++];
    memset(it, 0, sizeof(*it));
    return it;
}

/* Names in scope */

static void scope_add(struct scope *sc, size_t rel, char *alias, char *name)
{
    if (sc->n >= MAX_NAMES) {
        free(alias);
        free(name);
        return;
    }
    ALLOC_GROW(sc->v, sc->n + 1, sc->alloc);
    sc->v[sc->n].rel = rel;
    sc->v[sc->n].alias = alias;
    sc->v[sc->n].name = name;
    sc->n++;
}

static void scope_release(struct scope *sc)
{
    size_t k;

    for (k = 0; k < sc->n; k++) {
        free(sc->v[k].alias);
        free(sc->v[k].name);
    }
    free(sc->v);
}

/*
 * The relation a qualifier names: an alias first, then a table name (ambiguous when two
 * relations share it), in this FROM and then the enclosing ones. NONE when it names nothing
 * known or a subquery.
 */
static size_t resolve(const struct scan *s, const struct scope *sc, size_t qualifier)
{
    char *q = tok_name(s, qualifier);
    size_t k, rel = NONE, hits;

    for (; sc; sc = sc->parent) {
        for (k = 0; k < sc->n; k++)
            if (sc->v[k].alias && !strcasecmp(sc->v[k].alias, q))
                break;
        if (k < sc->n) {
            rel = sc->v[k].rel;
            break;
        }
        for (hits = 0, k = 0; k < sc->n; k++) {
            if (sc->v[k].name && !strcasecmp(sc->v[k].name, q)) {
                rel = hits++ ? NONE : sc->v[k].rel;
            }
        }
        if (hits)
            break;
    }
    free(q);
    return rel;
}

static struct cte *cte_find(struct scan *s, const char *name)
{
    size_t k = s->nctes;

    while (k--)
        if (!strcasecmp(s->ctes[k].name, name))
            return &s->ctes[k];
    return NULL;
}

static void cte_push(struct scan *s, char *name, size_t rel)
{
    if (s->nctes >= MAX_NAMES) {
        free(name);
        return;
    }
    ALLOC_GROW(s->ctes, s->nctes + 1, s->cte_alloc);
    s->ctes[s->nctes].name = name;
    s->ctes[s->nctes].rel = rel;
    s->nctes++;
}

static void ctes_pop(struct scan *s, size_t mark)
{
    while (s->nctes > mark)
        free(s->ctes[--s->nctes].name);
}

/* The walker */

static void scan_query(struct scan *s, size_t i, size_t e, int final);
static void from_list(struct scan *s, size_t i, size_t e, struct scope *sc);
static void scan_expr(struct scan *s, size_t i, size_t e);

static void scan_subquery(struct scan *s, size_t open, int final)
{
    const char *alias = s->alias;

    if (s->depth >= MAX_DEPTH)
        return;
    s->depth++;
    s->alias = NULL;
    scan_query(s, open + 1, s->tok[open].match, final);
    s->alias = alias;
    s->depth--;
}

static void scan_group(struct scan *s, size_t open, int call)
{
    if (is_query(s, open, call)) {
        scan_subquery(s, open, 0);
        return;
    }
    if (s->depth >= MAX_DEPTH)
        return;
    s->depth++;
    scan_expr(s, open + 1, s->tok[open].match);
    s->depth--;
}

/* Reads one token, or one call or group, of an expression; returns the next index. */
static size_t expr_step(struct scan *s, size_t i, size_t e)
{
    const struct tok *t = &s->tok[i];

    if (t->kind == T_OPEN) {
        scan_group(s, i, 0);
        return t->match + 1;
    }
    if ((t->kind == T_WORD || t->kind == T_QIDENT) && is_paren(s, i + 1, e)) {
        int call = t->kind == T_QIDENT || t->cls == KC_NONE || t->cls == KC_SOFT;
        if (t->kind == T_WORD && !(i > 0 && s->tok[i - 1].kind == T_DOT))
            add_aggregate(s, i, i + 1);
        scan_group(s, i + 1, call);
        return s->tok[i + 1].match + 1;
    }
    return i + 1;
}

static void scan_expr(struct scan *s, size_t i, size_t e)
{
    while (i < e)
        i = expr_step(s, i, e);
}

static int after_star(const struct scan *s, size_t i)
{
    return i > 0 && is_op(s, i - 1, i, "*");
}

/*
 * Where the clause starting at i ends: at the next clause keyword of this level. Not inside
 * CASE ... END, nor at `IS DISTINCT FROM`, `WITHIN GROUP (...)` or `* EXCEPT (...)`.
 */
static size_t clause_end(const struct scan *s, size_t i, size_t e)
{
    size_t cases = 0;

    for (; i < e; i = next(s, i)) {
        if (s->tok[i].kind == T_SEMI)
            return i;
        switch (kw_at(s, i, e)) {
        case KW_CASE: cases++; break;
        case KW_END:
            if (cases)
                cases--;
            break;
        case KW_FROM:
            if (!cases && !(i > 0 && kw_at(s, i - 1, i) == KW_DISTINCT))
                return i;
            break;
        case KW_GROUP:
        case KW_ORDER:
            if (!cases && kw_at(s, i + 1, e) == KW_BY)
                return i;
            break;
        case KW_EXCEPT:
            if (!cases && !after_star(s, i))
                return i;
            break;
        case KW_SELECT:
        case KW_WHERE:
        case KW_HAVING:
        case KW_QUALIFY:
        case KW_WINDOW:
        case KW_LIMIT:
        case KW_OFFSET:
        case KW_FETCH:
        case KW_UNION:
        case KW_INTERSECT:
        case KW_RETURNING:
            if (!cases)
                return i;
            break;
        }
    }
    return e;
}

/* A join between the qualified column references around the '=' at k, when they resolve. */
static void equality(struct scan *s, size_t i, size_t e, size_t k, const struct scope *sc)
{
    size_t lq, lc, rq, rc, l, r, n;

    if (k < i + 3)
        return;
    lc = k - 1;
    lq = k - 3;
    if (!is_ident(s, lc, e) || s->tok[k - 2].kind != T_DOT || !is_ident(s, lq, e))
        return;
    for (l = lq, n = 0; n < 4 && l >= i + 2 && s->tok[l - 1].kind == T_DOT && is_ident(s, l - 2, e);
         n++)
        l -= 2;
    if (l > i && s->tok[l - 1].kind != T_OPEN && kw_at(s, l - 1, e) != KW_AND &&
        kw_at(s, l - 1, e) != KW_OR)
        return;
    rq = k + 1;
    rc = k + 3;
    if (!is_ident(s, rq, e) || !is_kind(s, k + 2, e, T_DOT) || !is_ident(s, rc, e))
        return;
    for (n = 0; n < 4 && is_kind(s, rc + 1, e, T_DOT) && is_ident(s, rc + 2, e); n++) {
        rq = rc;
        rc += 2;
    }
    if (rc + 1 < e && s->tok[rc + 1].kind != T_CLOSE && kw_at(s, rc + 1, e) != KW_AND &&
        kw_at(s, rc + 1, e) != KW_OR)
        return;
    l = resolve(s, sc, lq);
    r = resolve(s, sc, rq);
    if (l == NONE || r == NONE || l == r)
        return;
    add_join(s, l, r, tok_name(s, lc), tok_name(s, rc));
}

/* Every `a.x = b.y` of a condition, inside parentheses too, but not inside subqueries. */
static void find_equalities(struct scan *s, size_t i, size_t e, const struct scope *sc)
{
    size_t k;

    for (k = i; k < e; k++) {
        if (s->tok[k].kind == T_OPEN && is_query(s, k, 0))
            k = s->tok[k].match;
        else if (is_op(s, k, e, "=") || is_op(s, k, e, "=="))
            equality(s, i, e, k, sc);
    }
}

/* USING (a, b): the relation before the join and the joined one share each column. */
static void using_joins(struct scan *s, size_t open, size_t prev, size_t cur)
{
    size_t i, e = s->tok[open].match;

    if (prev == NONE || cur == NONE || prev == cur)
        return;
    for (i = open + 1; i < e; i = next(s, i)) {
        if (is_ident(s, i, e) && (i == open + 1 || s->tok[i - 1].kind == T_COMMA) &&
            (i + 1 == e || s->tok[i + 1].kind == T_COMMA))
            add_join(s, prev, cur, tok_name(s, i), tok_name(s, i));
    }
}

static int join_start(const struct scan *s, size_t i, size_t e)
{
    switch (kw_at(s, i, e)) {
    case KW_JOIN:
    case KW_NATURAL:
    case KW_ASOF:
    case KW_FULL:
    case KW_INNER:
    case KW_OUTER:
    case KW_CROSS:
    case KW_SEMI:
    case KW_ANTI:
    case KW_POSITIONAL: return 1;
    case KW_LEFT:
    case KW_RIGHT: return !is_paren(s, i + 1, e); /* not left(s, 3) */
    default: return 0;
    }
}

/* Where a table reference ends: its sample clause, PIVOT and the like belong to it. */
static int ends_table_ref(const struct scan *s, size_t i, size_t e)
{
    return s->tok[i].kind == T_COMMA || join_start(s, i, e) || kw_at(s, i, e) == KW_ON ||
           (kw_at(s, i, e) == KW_USING && is_paren(s, i + 1, e));
}

/*
 * One table reference of a FROM clause: a relation, a CTE, a subquery, a table function or a
 * parenthesized join, with its alias. Returns the relation it reads (NONE when none).
 */
static size_t table_ref(struct scan *s, size_t *pi, size_t e, struct scope *sc)
{
    size_t i = *pi, rel = NONE, last;
    char *name = NULL, *alias = NULL;
    int created = 0;

    if (kw_at(s, i, e) == KW_LATERAL)
        i++;
    if (is_kind(s, i, e, T_OPEN)) {
        if (is_query(s, i, 0)) {
            scan_subquery(s, i, 0);
        } else if (s->depth < MAX_DEPTH) {
            s->depth++;
            from_list(s, i + 1, s->tok[i].match, sc);
            s->depth--;
        }
        i = s->tok[i].match + 1;
    } else if (is_name(s, i, e)) {
        last = i++;
        while (is_kind(s, i, e, T_DOT) && is_ident(s, i + 1, e)) {
            last = i + 1;
            i += 2;
        }
        if (is_paren(s, i, e)) {
            scan_group(s, i, 1);
            i = s->tok[i].match + 1;
        } else {
            struct cte *c;
            name = tok_name(s, last);
            if (last == *pi && (c = cte_find(s, name))) {
                rel = c->rel;
            } else {
                rel = add_relation(s, last > *pi ? tok_name(s, last - 2) : NULL, xstrdup(name));
                created = 1;
            }
        }
    } else if (is_kind(s, i, e, T_TEMPLATE) || is_kind(s, i, e, T_STRING) ||
               is_kind(s, i, e, T_PARAM)) {
        i++;
    }
    if (kw_at(s, i, e) == KW_AS) {
        i++;
        if (is_ident(s, i, e) || is_kind(s, i, e, T_STRING))
            alias = tok_name(s, i++);
    } else if (is_name(s, i, e)) {
        alias = tok_name(s, i++);
    }
    if (alias && is_paren(s, i, e))
        i = s->tok[i].match + 1;
    if (created && alias)
        s->f->relations[rel].alias = xstrdup(alias);
    if (rel != NONE || alias || name)
        scope_add(sc, rel, alias, name);
    while (i < e && !ends_table_ref(s, i, e))
        i = expr_step(s, i, e);
    *pi = i;
    return rel;
}

/* The table references of a FROM clause, with their joins, in tokens i..e. */
static void from_list(struct scan *s, size_t i, size_t e, struct scope *sc)
{
    size_t prev = NONE, cur, start, end;

    while (i < e) {
        start = i;
        if (s->tok[i].kind == T_COMMA) {
            prev = NONE;
            i++;
            continue;
        }
        if (!join_start(s, i, e)) {
            prev = table_ref(s, &i, e, sc);
            if (i == start)
                i++;
            continue;
        }
        while (join_start(s, i, e) && kw_at(s, i, e) != KW_JOIN)
            i++;
        if (kw_at(s, i, e) == KW_JOIN)
            i++;
        cur = table_ref(s, &i, e, sc);
        if (kw_at(s, i, e) == KW_ON) {
            for (end = ++i; end < e && s->tok[end].kind != T_COMMA && !join_start(s, end, e);)
                end = next(s, end);
            find_equalities(s, i, end, sc);
            scan_expr(s, i, end);
            i = end;
        } else if (kw_at(s, i, e) == KW_USING && is_paren(s, i + 1, e)) {
            using_joins(s, i + 1, prev, cur);
            i = s->tok[i + 1].match + 1;
        }
        prev = cur;
        if (i == start)
            i++;
    }
}

/* One final SELECT item, tokens a..b (a < b): its alias, bare column, star and aggregates. */
static void select_item(struct scan *s, size_t a, size_t b)
{
    struct sql_item *it = new_item(s);
    size_t start = a, end = b, k = a;
    char *alias = NULL;

    while (is_ident(s, k, b) && is_kind(s, k + 1, b, T_DOT))
        k += 2;
    if (is_op(s, k, b, "*") || (kw_at(s, a, b) == KW_COLUMNS && is_paren(s, a + 1, b))) {
        it->star = 1;
        it->expr = text_of(s, a, b);
        scan_expr(s, a, b);
        return;
    }
    if (b - a >= 3 && is_ident(s, a, b) && is_op(s, a + 1, b, ":")) {
        /* DuckDB's prefix alias, `margin: price - cost` */
        alias = tok_name(s, a);
        start = a + 2;
    } else if (b - a >= 3 && kw_at(s, b - 2, b) == KW_AS &&
               (is_ident(s, b - 1, b) || is_kind(s, b - 1, b, T_STRING))) {
        alias = tok_name(s, b - 1);
        end = b - 2;
    } else if (b - a >= 2 && is_name(s, b - 1, b) && ends_operand(s, b - 2, b)) {
        /* a bare alias, unless the name ends INTERVAL 1 DAY or TIMESTAMP WITH TIME ZONE */
        k = s->tok[b - 2].kind == T_CLOSE ? s->tok[b - 2].match : b - 2;
        if (!(k > a && kw_at(s, k - 1, b) == KW_INTERVAL) &&
            !(word_is(s, b - 2, b, "time") && word_is(s, b - 1, b, "zone"))) {
            alias = tok_name(s, b - 1);
            end = b - 1;
        }
    }
    it->alias = alias;
    it->expr = text_of(s, start, end);
    a = start;
    b = end;
    strip_parens(s, &a, &b);
    if (is_name(s, a, b)) {
        for (k = a; is_kind(s, k + 1, b, T_DOT) && is_ident(s, k + 2, b);)
            k += 2;
        if (k + 1 == b)
            it->column = tok_name(s, k);
    }
    /* `it` may move when items grow, the alias string does not */
    s->alias = alias;
    scan_expr(s, start, end);
    s->alias = NULL;
}

/*
 * The SELECT list from i (after SELECT) and the FROM clause after it, which is read first so
 * that correlated subqueries in the list see its names. Returns where they end.
 */
static size_t select_list(struct scan *s, size_t i, size_t e, int final, struct scope *sc)
{
    size_t end, k, a, cases = 0, ret;

    if (kw_at(s, i, e) == KW_DISTINCT) {
        i++;
        if (kw_at(s, i, e) == KW_ON && is_paren(s, i + 1, e))
            i = s->tok[i + 1].match + 1;
    } else if (kw_at(s, i, e) == KW_ALL) {
        i++;
    }
    ret = end = clause_end(s, i, e);
    if (kw_at(s, end, e) == KW_FROM) {
        ret = clause_end(s, end + 1, e);
        from_list(s, end + 1, ret, sc);
    }
    if (final)
        claim_items(s);
    for (a = k = i;; k = next(s, k)) {
        if (k >= end || (s->tok[k].kind == T_COMMA && !cases)) {
            if (a < k && final)
                select_item(s, a, k);
            else if (a < k)
                scan_expr(s, a, k);
            if (k >= end)
                break;
            a = k + 1;
        } else if (kw_at(s, k, end) == KW_CASE) {
            cases++;
        } else if (kw_at(s, k, end) == KW_END && cases) {
            cases--;
        }
    }
    return ret;
}

/*
 * One SELECT (or DuckDB's FROM-first form, VALUES, TABLE) up to a set operation or the end of
 * the range. With final, its SELECT list gives the items.
 */
static size_t select_core(struct scan *s, size_t i, size_t e, int final)
{
    struct scope sc;
    size_t end;
    int selected = 0, from_first = kw_at(s, i, e) == KW_FROM, k;

    memset(&sc, 0, sizeof(sc));
    sc.parent = s->scope;
    s->scope = &sc;
    if (kw_at(s, i, e) == KW_TABLE) {
        i++;
        table_ref(s, &i, e, &sc);
    }
    while (i < e) {
        k = kw_at(s, i, e);
        if (s->tok[i].kind == T_SEMI || k == KW_UNION || k == KW_INTERSECT ||
            (k == KW_EXCEPT && !after_star(s, i)))
            break;
        if (k == KW_SELECT) {
            if (selected)
                break;
            selected = 1;
            i = select_list(s, i + 1, e, final, &sc);
        } else if (k == KW_FROM) {
            end = clause_end(s, i + 1, e);
            from_list(s, i + 1, end, &sc);
            i = end;
        } else if (k == KW_WHERE) {
            /* comma joins put their conditions here */
            end = clause_end(s, i + 1, e);
            find_equalities(s, i + 1, end, &sc);
            scan_expr(s, i + 1, end);
            i = end;
        } else {
            i = expr_step(s, i, e);
        }
    }
    if (final && from_first && !selected) {
        claim_items(s);
        new_item(s)->expr = xstrdup("*");
        s->f->items[s->f->nitems - 1].star = 1;
    }
    s->scope = sc.parent;
    scope_release(&sc);
    return i;
}

/*
 * A CTE that is `SELECT * FROM relation` (dbt's import CTEs) stands for that relation, so
 * joins written on the CTE name are joins of the relation. Returns it, or NONE.
 */
static size_t cte_source(struct scan *s, size_t open, size_t rel_before)
{
    size_t i = open + 1, e = s->tok[open].match, first, last, rel = NONE;
    struct cte *c;
    char *name;
    int k;

    if (kw_at(s, i, e) == KW_SELECT && is_op(s, i + 1, e, "*") && kw_at(s, i + 2, e) == KW_FROM)
        i += 3;
    else if (kw_at(s, i, e) == KW_FROM)
        i++;
    else
        return NONE;
    if (!is_name(s, i, e))
        return NONE;
    first = last = i++;
    while (is_kind(s, i, e, T_DOT) && is_ident(s, i + 1, e)) {
        last = i + 1;
        i += 2;
    }
    if (is_paren(s, i, e))
        return NONE;
    if (kw_at(s, i, e) == KW_AS)
        i++;
    if (is_name(s, i, e))
        i++;
    k = kw_at(s, i, e);
    if (i < e && k != KW_WHERE && k != KW_ORDER && k != KW_LIMIT && k != KW_QUALIFY)
        return NONE;
    name = tok_name(s, last);
    if (first == last && (c = cte_find(s, name)))
        rel = c->rel;
    else if (s->f->nrelations > rel_before && !strcmp(s->f->relations[rel_before].name, name))
        rel = rel_before;
    free(name);
    return rel;
}

/* The CTEs after WITH (i is past it); returns where the query body starts. */
static size_t with_clause(struct scan *s, size_t i, size_t e)
{
    int recursive = 0;
    size_t body, rel_before;
    char *name;

    if (kw_at(s, i, e) == KW_RECURSIVE) {
        recursive = 1;
        i++;
    }
    while (is_name(s, i, e)) {
        name = tok_name(s, i++);
        for (;;) {
            /* column names, AS, [NOT] MATERIALIZED, USING KEY (...) */
            int k = kw_at(s, i, e);
            if (is_kind(s, i, e, T_OPEN) && !is_query(s, i, 0))
                i = s->tok[i].match + 1;
            else if (k == KW_AS || k == KW_NOT || k == KW_MATERIALIZED || k == KW_USING ||
                     word_is(s, i, e, "key"))
                i++;
            else
                break;
        }
        if (!is_kind(s, i, e, T_OPEN)) {
            free(name);
            break;
        }
        body = i;
        rel_before = s->f->nrelations;
        if (recursive) {
            cte_push(s, name, NONE);
            scan_group(s, body, 0);
        } else {
            scan_group(s, body, 0);
            cte_push(s, name, cte_source(s, body, rel_before));
        }
        i = s->tok[body].match + 1;
        if (!is_kind(s, i, e, T_COMMA))
            break;
        i++;
    }
    return i;
}

/*
 * A query: WITH, then SELECTs joined by set operations, ORDER BY, LIMIT. With final, the first
 * SELECT after the CTEs gives the items.
 */
static void scan_query(struct scan *s, size_t i, size_t e, int final)
{
    size_t mark = s->nctes;
    int first = 1, k;

    if (kw_at(s, i, e) == KW_WITH)
        i = with_clause(s, i + 1, e);
    while (i < e) {
        k = kw_at(s, i, e);
        if (is_kind(s, i, e, T_OPEN) && is_query(s, i, 0)) {
            scan_subquery(s, i, final && first);
            first = 0;
            i = s->tok[i].match + 1;
        } else if (k == KW_SELECT || k == KW_FROM || k == KW_VALUES || k == KW_TABLE) {
            i = select_core(s, i, e, final && first);
            first = 0;
        } else {
            i = expr_step(s, i, e);
        }
    }
    ctes_pop(s, mark);
}

static int starts_query(const struct scan *s, size_t i, size_t e)
{
    switch (kw_at(s, i, e)) {
    case KW_WITH:
    case KW_SELECT:
    case KW_FROM:
    case KW_VALUES:
    case KW_TABLE: return 1;
    default: return is_kind(s, i, e, T_OPEN) && is_query(s, i, 0);
    }
}

/*
 * One statement. CREATE ... AS reads the query after AS (a view's definition), INSERT the
 * query it inserts; other statements give relations and aggregates but no items.
 */
static void scan_statement(struct scan *s, size_t i, size_t e)
{
    s->stmt_aggs = s->f->naggregates;
    while (is_kind(s, i, e, T_TEMPLATE))
        i++;
    if (kw_at(s, i, e) == KW_EXPLAIN) {
        i++;
        if (word_is(s, i, e, "analyze") || word_is(s, i, e, "analyse"))
            i++;
    }
    if (kw_at(s, i, e) == KW_CREATE) {
        while (i < e && kw_at(s, i, e) != KW_AS)
            i = next(s, i);
        if (i++ >= e)
            return;
        if (kw_at(s, i, e) == KW_TABLE && starts_query(s, i + 1, e))
            i++;
    } else if (kw_at(s, i, e) == KW_INSERT) {
        while (i < e && !starts_query(s, i, e))
            i = next(s, i);
    }
    scan_query(s, i, e, starts_query(s, i, e));
}

void sql_scan(const char *sql, struct sql_facts *out)
{
    struct scan s;
    size_t i = 0, e;
    char *copy = NULL;

    memset(out, 0, sizeof(*out));
    if (!sql)
        return;
    memset(&s, 0, sizeof(s));
    s.len = strnlen(sql, MAX_TEXT);
    if (sql[s.len])
        sql = copy = xstrndup(sql, s.len);
    s.src = sql;
    s.f = out;
    tokenize(&s);
    while (i < s.ntok) {
        for (e = i; e < s.ntok && s.tok[e].kind != T_SEMI;)
            e = next(&s, e);
        scan_statement(&s, i, e);
        i = e + 1;
    }
    ctes_pop(&s, 0);
    free(s.ctes);
    free(s.tok);
    free(copy);
}

void sql_facts_release(struct sql_facts *f)
{
    size_t k;

    if (!f)
        return;
    for (k = 0; k < f->nrelations; k++) {
        free(f->relations[k].schema);
        free(f->relations[k].name);
        free(f->relations[k].alias);
    }
    for (k = 0; k < f->njoins; k++) {
        free(f->joins[k].left_column);
        free(f->joins[k].right_column);
    }
    for (k = 0; k < f->nitems; k++)
        item_release(&f->items[k]);
    for (k = 0; k < f->naggregates; k++) {
        free(f->aggregates[k].func);
        free(f->aggregates[k].arg);
        free(f->aggregates[k].alias);
    }
    free(f->relations);
    free(f->joins);
    free(f->items);
    free(f->aggregates);
    memset(f, 0, sizeof(*f));
}

/* Markdown */

/* After up to three spaces, ``` opens or closes a fence: returns the offset after it, or 0. */
static size_t fence(const char *p, size_t n)
{
    size_t k = 0;

    while (k < n && k < 3 && p[k] == ' ')
        k++;
    return n - k >= 3 && !strncmp(p + k, "```", 3) ? k + 3 : 0;
}

static int is_blank(const char *p, size_t n)
{
    while (n && isspace((unsigned char)*p)) {
        p++;
        n--;
    }
    return !n;
}

static void end_block(struct md_query *q, struct strbuf *sb)
{
    if (sb->len && sb->buf[sb->len - 1] == '\n')
        strbuf_setlen(sb, sb->len - 1);
    q->sql = strbuf_detach(sb, NULL);
}

size_t md_sql_blocks(const char *text, struct md_query **out)
{
    struct md_query *v = NULL;
    struct strbuf sb = STRBUF_INIT;
    size_t n = 0, alloc = 0, len, info, k;
    enum { OUTSIDE, IN_SQL, IN_OTHER } state = OUTSIDE;
    const char *p = text, *eol;
    int line = 1;

    *out = NULL;
    if (!text)
        return 0;
    for (; *p; p = *eol ? eol + 1 : eol, line++) {
        eol = strchrnul(p, '\n');
        len = (size_t)(eol - p);
        if (len && p[len - 1] == '\r')
            len--;
        info = fence(p, len);
        if (state == IN_SQL) {
            if (info) {
                end_block(&v[n - 1], &sb);
                state = OUTSIDE;
            } else {
                strbuf_add(&sb, p, len);
                strbuf_addch(&sb, '\n');
            }
        } else if (state == IN_OTHER) {
            /* only a bare fence closes it: ```sql inside a ```python block is its text */
            if (info && is_blank(p + info, len - info))
                state = OUTSIDE;
        } else if (info) {
            const char *w = p + info, *end = p + len;
            while (w < end && (*w == ' ' || *w == '\t'))
                w++;
            if (end - w < 3 || strncasecmp(w, "sql", 3) ||
                (end - w > 3 && !isspace((unsigned char)w[3]))) {
                state = IN_OTHER;
                continue;
            }
            for (w += 3; w < end && isspace((unsigned char)*w); w++)
                ;
            for (k = 0; w + k < end && !isspace((unsigned char)w[k]); k++)
                ;
            ALLOC_GROW(v, n + 1, alloc);
            v[n].name = k ? xstrndup(w, k) : NULL;
            v[n].sql = NULL;
            v[n].line = line;
            n++;
            strbuf_reset(&sb);
            state = IN_SQL;
        }
    }
    if (state == IN_SQL)
        end_block(&v[n - 1], &sb);
    strbuf_release(&sb);
    *out = v;
    return n;
}

void md_queries_free(struct md_query *q, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++) {
        free(q[k].name);
        free(q[k].sql);
    }
    free(q);
}
