/*
 * The offline analyst's stages, each in its own file and testable alone:
 *
 *   question --tokens.c--> tokens (words, numbers, quoted strings, years, quarters, months)
 *            --timex.c---> a time expression (a range, a grain, a comparison of two ranges)
 *            --link.c----> links: spans of tokens matched against the catalog, with a score
 *                          and the reason
 *            --plan.c----> a plan: a small semantic frame (what is asked, the measure, the
 *                          entity counted, group-bys, filters, time, order and limit) and its
 *                          resolution to a base table and the joins that reach the rest
 *            --sql.c-----> DuckDB SQL, built from the plan (never from the question's text)
 *
 * Every token is accounted for: it fills a slot of the plan, is a known function word, or is
 * reported as not understood, and a content word that is not understood makes the question
 * unanswerable (a confident wrong answer is the worst outcome).
 *
 * Ownership: struct tokens, struct links and struct plan own what they point to, except the
 * catalog (borrowed, and it must outlive them); release them with their *_release().
 */
#ifndef MDP_ANALYST_PLAN_H
#define MDP_ANALYST_PLAN_H

#include <stddef.h>

struct catalog;
struct cat_measure;
struct strbuf;

/* ---- tokens (tokens.c) ------------------------------------------------------------------ */

enum tok_kind {
    TOK_WORD,
    TOK_NUMBER,  /* 50, 1,500, 2.5, 90% (num = 90, pct set) */
    TOK_QUOTED,  /* "Home & Garden", 'x' */
    TOK_YEAR,    /* 1900..2100 written as four digits */
    TOK_QUARTER, /* Q1..Q4 */
    TOK_MONTH,   /* january .. december, jan .. dec (num 1..12) */
    TOK_DATE,    /* 2024-11-05 (num: days since 1970-01-01) */
    TOK_ORDINAL, /* first, 2nd (num) */
    TOK_PUNCT    /* , ( ) ? and other separators */
};

/* How a token was used; TOK_UNUSED words left at the end are "not understood". */
enum tok_use {
    TOK_UNUSED,
    TOK_FUNCTION, /* a known function word: the, how, of, ... */
    TOK_OPERATOR, /* a word that says what is asked: how many, average, top, by, vs ... */
    TOK_TIME,     /* part of a time expression */
    TOK_LINKED    /* matched to the catalog */
};

struct token {
    enum tok_kind kind;
    char *text; /* as written (quotes removed) */
    char *word; /* lowercase */
    char *key;  /* vocab_key(): the stemmed form used for catalog lookups */
    double num;
    int pct;     /* a number written with % */
    int capital; /* starts with a capital letter and is not the question's first word */
    int paren;   /* inside parentheses */
    int hyphen;  /* written joined to the token before it by a hyphen: no-shows */
    enum tok_use use;
};

struct tokens {
    struct token *v;
    size_t n;
};

/* Splits a question into tokens. Never fails; an empty question gives no tokens. */
void tokens_split(const char *question, struct tokens *out);
void tokens_release(struct tokens *t);
/* Is token i the word w (lowercase)? Out of range is no. */
int tok_is(const struct tokens *t, size_t i, const char *w);
/* Is token i one of the words in the NULL-terminated list? */
int tok_in(const struct tokens *t, size_t i, const char *const *words);
/* A word every question may hold that names nothing (the, of, our, do, ...). */
int tok_is_function_word(const char *word);
/* A word that says what is asked (how many, average, top, share, vs, not, ...). */
int tok_is_operator(const char *word);
/* A word of money changing hands: billed, paid, earned, made, worth, money, brings. */
int tok_is_money_verb(const char *word);

/* ---- dates and time expressions (timex.c) ------------------------------------------------- */

/* Days since 1970-01-01 and back. */
int days_from_civil(int y, int m, int d);
void civil_from_days(int days, int *y, int *m, int *d);
/* "2024-12-31 23:58:09" or "2024-12-31" or "2024": days of that date (Jan 1 for a year). */
int days_parse(const char *text, int *out);
/* Appends YYYY-MM-DD. */
void days_add(struct strbuf *sb, int days);

enum time_grain {
    GRAIN_NONE,
    GRAIN_DAY,
    GRAIN_WEEK,
    GRAIN_MONTH,
    GRAIN_QUARTER,
    GRAIN_YEAR,
    /* parts of a date, for "which month of 2024", "busiest weekday" */
    GRAIN_MONTH_OF_YEAR,
    GRAIN_WEEKDAY,
    GRAIN_HOUR
};

struct time_range {
    int from, to; /* days, [from, to) */
    char label[64];
};

/* Sets r's label to text, cut to fit. */
void time_label(struct time_range *r, const char *text);

struct time_expr {
    int nranges;            /* 0, 1, or 2 for a comparison ("2024 vs 2023", "Q4 than Q3") */
    struct time_range r[2]; /* r[0] is the period named first */
    int relative;           /* anchored to the data's latest date ("last quarter") */
    enum time_grain grain;  /* a series ("monthly") or a part ("which month") */
    int future;             /* rows dated after today ("in the future") */
};

/*
 * Finds the time expressions in t, marking their tokens TOK_TIME. anchor is the day relative
 * periods end at (the latest date in the data that is not after today); today is the clock's
 * date, for "in the future". Returns 0, or -1 with error() for a time the question names that
 * cannot be a date (month 13).
 */
int timex_find(struct tokens *t, int anchor, int today, struct time_expr *out);

/* ---- links (link.c) ----------------------------------------------------------------------- */

enum link_kind {
    LINK_TABLE,   /* an entity: a table's name */
    LINK_COLUMN,  /* a column's name */
    LINK_VALUE,   /* a value found in a column */
    LINK_MEASURE, /* a measure people compute in known-good queries */
    LINK_MONEY    /* revenue, sales: the money a table records, when no column is named so */
};

struct link_cand {
    enum link_kind kind;
    int table, column;
    size_t value;    /* LINK_VALUE: index into the column's values */
    int measure;     /* LINK_MEASURE */
    double score;    /* 1 exact; lower through a part of a name or the thesaurus */
    const char *why; /* "table name", "column name", "value in the data", "thesaurus", ... */
};

struct link {
    size_t from, to;     /* tokens [from, to) */
    char *phrase;        /* the words matched */
    struct link_cand *c; /* candidates, best first */
    size_t nc;
    int negated; /* "not", "no", "without", "excluding" before it */
};

/* At most this many links are read from one question (the plan indexes them in arrays). */
#define LINKS_MAX 48

struct links {
    struct link *v;
    size_t n;
};

/* Matches spans of unused content tokens against c, longest first. */
void links_find(const struct catalog *c, struct tokens *t, struct links *out);
/*
 * A measure learned from known-good SQL, as the row expression a plan aggregates its own way:
 * the argument of its sum() when the expression is one sum() over columns named without a
 * qualifier, in a query that reads one known table. Anything else (sum(o.total): an alias of
 * its own query; a sum over a subquery or a CTE, whose rows are not the table's) cannot stand
 * in a plan's SQL, and is not linked: NULL. The caller frees.
 */
char *link_measure_row_expression(const struct cat_measure *m);
void links_release(struct links *l);

/* ---- the plan (plan.c) -------------------------------------------------------------------- */

enum plan_op { OP_COUNT, OP_COUNT_DISTINCT, OP_SUM, OP_AVG, OP_MEDIAN, OP_MIN, OP_MAX };

enum plan_kind {
    PLAN_AGGREGATE, /* one number, or one per group */
    PLAN_SHARE,     /* the part that passes some filters, of the whole */
    PLAN_COMPARE,   /* the same aggregate over two periods, and the change */
    PLAN_PER_GROUP, /* an average (or other) over per-group aggregates: items per order */
    PLAN_RATIO,     /* count of one entity per another: orders per customer */
    PLAN_ABSENT     /* entities with no row in a fact: customers who never ordered */
};

struct plan_col {
    int table, column; /* table -1: none */
};

enum filter_op { F_EQ, F_IN, F_NULL, F_NOT_NULL, F_ZERO, F_CMP, F_CMP_COL };

struct plan_filter {
    struct plan_col col;
    enum filter_op op;
    int negate;    /* F_EQ/F_IN negated: IS DISTINCT FROM / NOT IN (NULL rows kept) */
    char **values; /* F_EQ / F_IN: the values, as found in the data */
    size_t nvalues;
    char cmp[3];           /* F_CMP, F_CMP_COL: < <= > >= */
    double num;            /* F_CMP */
    struct plan_col other; /* F_CMP_COL: col cmp other ("paid after the due date") */
    int share_part;        /* PLAN_SHARE: this filter selects the part, not the whole */
};

/* A measure: columns combined left to right ((a - b) * c), or one column. */
struct plan_measure {
    struct plan_col cols[4];
    char ops[3]; /* + - * / */
    size_t ncols;
    char *label; /* what the answer calls it */
    int money;
    int derived;   /* price x quantity, computed because no amount is stored */
    int repeated;  /* a group-level amount repeated on every row of its group */
    char *learned; /* a measure expression from known-good SQL, used as is (SQL text) */
    /* the time between two columns of a row, in seconds per unit: a day 86400 */
    int span;
    struct plan_col span_from, span_to;
    double span_unit;
    const char *span_unit_name; /* "days", "hours" */
};

#define PLAN_MAX_FILTERS 8
#define PLAN_MAX_GROUPS  3

struct plan {
    enum plan_kind kind;
    enum plan_op op;
    int base; /* the table the query reads first; -1 when none could be chosen */

    int has_measure;
    struct plan_measure measure;

    /* what is counted: rows (entity.table == -1), or distinct values of entity */
    struct plan_col entity;
    struct plan_col identity[4]; /* a group's identity when its id is reused (id + parents) */
    size_t nidentity;
    char *entity_label; /* "orders", "customers" */
    int per_line;       /* the question said lines/items/rows */

    struct plan_col groups[PLAN_MAX_GROUPS];
    size_t ngroups;
    enum time_grain grain; /* group by a time bucket or part of time_col */

    struct plan_filter filters[PLAN_MAX_FILTERS];
    size_t nfilters;

    struct plan_col time_col;
    struct time_expr time;

    int order_desc, order_asc; /* rank the groups */
    int limit;                 /* top N; 0: all */
    int rank_named;            /* the question asked which X (one answer or a ranked list) */

    struct plan_col absent_fk; /* PLAN_ABSENT / PLAN_RATIO: the fact's column that refers to
                                  the entity */
    int absent_fact;

    int joins[8]; /* indexes into catalog->joins, in order of travel from base */
    size_t njoins;

    char **notes; /* assumptions the answer discloses */
    size_t nnotes;
    char **unknown; /* words not understood */
    size_t nunknown;
    char *refusal; /* why it cannot be answered, or NULL */
};

/*
 * Is link l negated: a negation within the three tokens before it ("not", "excluding",
 * "ignoring", "leaving out"), or "excluded", "aside", "don't count" just after it?
 */
int plan_negated(const struct tokens *t, const struct link *l);

/*
 * Builds the plan for question tokens t with links l, over catalog c; today is the clock's
 * date in days. Always fills *out (release with plan_release()); out->refusal says when the
 * question cannot be answered from the data.
 */
void plan_build(const struct catalog *c, struct tokens *t, struct links *l, int today,
                struct plan *out);
void plan_release(struct plan *p);
/* The plan in words: "sum of amount over sales.invoices where status is 'paid' ...". */
void plan_describe(const struct catalog *c, const struct plan *p, struct strbuf *sb);

/* ---- SQL (sql.c) -------------------------------------------------------------------------- */

/*
 * The SQL of plan p. which: 0 the main statement; 1 the once-per-group figure of a repeated
 * measure or the distinct group count over lines (a companion the answer gives as a caveat),
 * which returns -1 when the plan has none. Returns 0 and the SQL in sb.
 */
int plan_sql(const struct catalog *c, const struct plan *p, int which, struct strbuf *sb);

#endif
