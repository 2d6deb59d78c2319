/*
 * What the skills share (skill_*.c only): the session of one run, SQL that is recorded as it
 * runs, wording of numbers, and the choice of inputs from catalog roles (a money measure, the
 * main time column, a customer key, the column that names an item, a basket's identity).
 */
#ifndef MDP_ANALYST_SKILL_INTERNAL_H
#define MDP_ANALYST_SKILL_INTERNAL_H

#include <stddef.h>

#include "analyst/skills.h"
#include "catalog/catalog.h"

struct strbuf;
struct wh_result;

struct skill_ctx {
    const struct catalog *c;
    struct wh *wh;
    const struct skill_options *opts;
    struct analyst_answer *a;
    int today; /* days since 1970-01-01 */
    int top;
    int table; /* opts->table resolved, or -1 */
};

/* Runs sql in the sandbox, recording it in the answer; 0 and *out, or -1 with error(). */
int sk_query(struct skill_ctx *x, const char *sql, struct wh_result **out);
/* Sets the answer unanswerable with the formatted text; returns 0. */
int sk_refuse(struct skill_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sk_caveat(struct skill_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands *r to the answer as its evidence (*r becomes NULL), drawn as chart of value_col by
   label_col. */
void sk_evidence(struct skill_ctx *x, struct wh_result **r, enum chart_kind chart, int label_col,
                 int value_col);
/* Appends [alias.]column of table t, quoted where SQL needs it. */
void sk_col(struct skill_ctx *x, struct strbuf *sb, const char *alias, int t, int col);
/* The number in row, col of r, or dflt when NULL. */
double sk_num(const struct wh_result *r, size_t row, size_t col, double dflt);

/* Does the column's name have word w (a vocabulary key such as "revenu", "quantiti")? */
int sk_col_word(const struct cat_column *col, const char *w);
int sk_is_numeric(const struct cat_column *col);
int sk_is_datetime(const struct cat_column *col);
/* A number to add up: a measure that is no key. */
int sk_is_measure(const struct cat_column *col);
/* A measure named like money (revenue, amount, total, price, ...). */
int sk_is_money(const struct cat_column *col);
/* A quantity that cannot be negative by its name (money, counts, durations, ages). */
int sk_is_nonnegative_by_name(const struct cat_column *col);

/* A category worth splitting by: 2..30 values, mostly filled, no measure, not personal. */
int sk_good_dimension(const struct cat_column *col);
/* How much a table is meant to be queried: mart 3, intermediate 2, staging 1, raw/other 0. */
int sk_layer_rank(const struct cat_table *t);
/* The column that says what was paid (revenue, sales, amount, total, ...), or -1. */
int sk_money_column(const struct catalog *c, int t);
/* The main time column (a date or timestamp with an anchor, not a load/update stamp), or -1. */
int sk_time_column(const struct catalog *c, int t);
/* The column naming the rows of table t (a name, title, label or description), or -1. */
int sk_name_column(const struct catalog *c, int t);
/* A foreign key of t to a table of people or accounts (customers, users, clients), or -1. */
int sk_customer_column(const struct catalog *c, int t);
enum sk_need {
    SK_NEED_MONEY = 1 << 0,    /* a money measure (sk_money_column) */
    SK_NEED_TIME = 1 << 1,     /* a main time column (sk_time_column) */
    SK_NEED_CUSTOMER = 1 << 2, /* a customer key (sk_customer_column) */
};
/* Does the question name values of table t (2: its filters apply to t), or t itself (1)? */
int sk_preferred(struct skill_ctx *x, int t);
/*
 * The table to analyse: x->table when given (if it has what is needed), else the one with
 * everything in `needs` that the question names (sk_preferred), then is most meant to be
 * queried (marts first), then has money, a time column and a group key. -1 when none has it.
 */
int sk_best_table(struct skill_ctx *x, unsigned needs);
/* The grouping of t on column g, or NULL. */
const struct cat_grouping *sk_grouping(const struct catalog *c, int t, int g);
/* The main group key of t (a GROUP_KEY with the most multi-row groups), or -1. */
int sk_group_key(const struct catalog *c, int t);
/* Column `name` of table t, or -1 with an error naming the table's columns. */
int sk_find_column(struct skill_ctx *x, int t, const char *name);

/*
 * A basket's identity in table t: the group key g, plus the foreign keys (other than
 * `exclude`) filled and constant within it on at least 90% of its multi-row values, plus the
 * main time column when the catalog found it constant within g, from what the catalog
 * measured inside g's groups (no query). Fills cols (g first; at most 4) and returns the
 * count. *reused is set to the number of values of g that stand for more than one basket (the
 * id was reused) when the identity has more than g.
 */
int sk_basket_identity(struct skill_ctx *x, int t, int g, int exclude, int cols[4],
                       long long *reused);
/* Appends the identity's columns, comma-separated, each as [alias.]col AS b<i>. */
void sk_identity_select(struct skill_ctx *x, struct strbuf *sb, const char *alias, int t,
                        const int *cols, int n);
/* Appends "col, col (of the identity)" in words. */
void sk_identity_words(struct skill_ctx *x, struct strbuf *sb, int t, const int *cols, int n);

/*
 * The question's filters (opts->filters) on table t: the column of t each applies to (its own
 * column, or a column of t with the same name that holds one of its values), or -1.
 */
int sk_filter_column(struct skill_ctx *x, size_t i, int t);
/* Does a question filter apply to column col of t? */
int sk_filtered(struct skill_ctx *x, int t, int col);
/*
 * Appends " AND [alias.]col IN ('v', ...)" for each question filter that applies to table t
 * (NOT IN, NULL rows kept, when negated), and "col is 'v'" in words to *words (when not NULL),
 * comma-separated. Returns how many applied.
 */
int sk_filters(struct skill_ctx *x, int t, const char *alias, struct strbuf *sql,
               struct strbuf *words);

/* Appends YYYY-MM-DD of days since 1970-01-01. */
void sk_day(struct strbuf *sb, int days);

int skill_basket(struct skill_ctx *x);
int skill_clv(struct skill_ctx *x);
int skill_anomalies(struct skill_ctx *x);
int skill_quality(struct skill_ctx *x);
int skill_distribution(struct skill_ctx *x);
int skill_growth(struct skill_ctx *x);
int skill_cohorts(struct skill_ctx *x);
int skill_funnel(struct skill_ctx *x);
int skill_roas(struct skill_ctx *x);

/*
 * The data-quality findings of table `only` (-1: every table that is not a view) as a ranked
 * table (kind, relation, column, rows, share, finding, see_sql) in *out; 0, or -1 when a
 * query failed.
 */
int sk_quality_findings(struct skill_ctx *x, int only, struct wh_result **out);

#endif
