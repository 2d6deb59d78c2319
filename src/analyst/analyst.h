/*
 * The offline analyst: answers a plain-English question about any warehouse from its catalog,
 * with no LLM. The stages (plan.h) read the question into a plan, the plan becomes SQL, the
 * SQL runs in the sandbox, and the result becomes an answer a person reads: a sentence with
 * formatted numbers, the result table, the interpretation in words, caveats and the SQL.
 *
 * Deterministic: the same question on the same catalog gives the same plan, SQL and wording
 * (relative periods are anchored to the data's latest date, not the clock).
 *
 * Ownership: struct analyst_answer owns everything it points to (analyst_answer_release()).
 * The catalog and the sandbox are borrowed.
 */
#ifndef MDP_ANALYST_H
#define MDP_ANALYST_H

#include <signal.h>
#include <stddef.h>

#include "analyst/answer.h"

struct catalog;
struct strbuf;
struct wh;
struct wh_result;

/* CHART_HEATMAP: a matrix, rows labelled by label_col, its cells value_col to the last. */
enum chart_kind { CHART_NONE, CHART_BARS, CHART_SERIES, CHART_HEATMAP };

struct analyst_answer {
    struct answer base;   /* text, sql, mode ("offline"), unanswerable */
    char *interpretation; /* "sum of amount over sales.invoices where ..." */
    char **caveats;
    size_t ncaveats;
    struct wh_result *table;  /* the main result, or NULL */
    enum chart_kind chart;    /* how the table is best drawn */
    int label_col, value_col; /* for the chart */
    char *explain;            /* every stage, when asked for */
    double elapsed_ms;
    double query_ms; /* of which running the SQL */
};

struct analyst_options {
    int explain;                   /* fill answer->explain */
    int today;                     /* days since 1970-01-01; 0: the clock's date */
    volatile sig_atomic_t *cancel; /* set non-zero (from SIGINT) to interrupt the query */
    int no_verified; /* do not answer from semantic/verified.yml (mdp eval measures reading) */
};

/*
 * Answers question over catalog c, running SQL on sandbox. Returns 0 with *out filled
 * (out->base.unanswerable set when the data cannot answer it, the text saying why), or -1
 * with error() when a query failed. *out is always initialised; release it.
 */
int analyst_ask(const struct catalog *c, struct wh *sandbox, const char *question,
                const struct analyst_options *opts, struct analyst_answer *out);
void analyst_answer_release(struct analyst_answer *a);

/*
 * A number as answers write it: thousands separators, whole numbers without decimals, two
 * decimals for money (with $) and four below 1: 1234567.891 -> "1,234,567.89".
 */
void analyst_number(struct strbuf *sb, double v, int money);

/*
 * A follow-up in a conversation ("and in 2023?", "break that down by category", "only
 * Electronics", "top 10 instead") read against the previous question: returns the question it
 * stands for (the caller frees it), or NULL when text is a question of its own.
 */
char *analyst_followup(const char *previous, const char *text);

/*
 * The offline analyst as an answerer for `mdp eval`: it borrows the catalog and the sandbox,
 * which must outlive it. Fills *a (a->release(a) frees its state).
 */
void answerer_offline_init(struct answerer *a, const struct catalog *c, struct wh *sandbox,
                           int with_verified);

/*
 * The verified query (an index into c->examples) whose question reads like question: the same
 * content words up to one in four, and the same numbers, dates and quoted values; or -1.
 */
int analyst_verified_match(const struct catalog *c, const char *question);

/*
 * Appends question and its SQL to <root>/semantic/verified.yml (made when missing), so the
 * next time the question is asked it is answered from this SQL. Returns 0, or -1 with error().
 */
int analyst_save_verified(const char *root, const char *question, const char *sql);

#endif
