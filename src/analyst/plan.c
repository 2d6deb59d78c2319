/*
 * The plan: what a question asks, read from its operator words, its time expression and its
 * links, and resolved to a base table and the many-to-one joins that reach the rest.
 *
 * The rules are about language (how many, average, top N, by, vs, not, missing), data types
 * and the roles the catalog inferred (key, group key, foreign key, measure, dimension, time),
 * never about particular tables or columns.
 */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyst/plan.h"
#include "catalog/catalog.h"
#include "catalog/names.h"
#include "catalog/vocab.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* ---- small helpers ------------------------------------------------------------------------ */

static void add_note(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct plan *p, const char *fmt, ...)
{
    va_list ap;
    struct strbuf sb = STRBUF_INIT;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    strv_push_unique(&p->notes, &p->nnotes, strbuf_detach(&sb, NULL));
}

static void refuse(struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(struct plan *p, const char *fmt, ...)
{
    va_list ap;
    struct strbuf sb = STRBUF_INIT;

    if (p->refusal)
        return;
    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    p->refusal = strbuf_detach(&sb, NULL);
}

static const struct cat_column *col_of(const struct catalog *c, struct plan_col pc)
{
    return pc.table >= 0 ? &c->tables[pc.table].columns[pc.column] : NULL;
}

/* Does the column's name have word w (a stem, as vocab_key gives)? */
static int col_word(const struct cat_column *col, const char *w)
{
    return cat_words_have(col->words, col->nwords, w);
}

static int is_numeric(const struct cat_column *col)
{
    return col->type == WH_T_INT || col->type == WH_T_FLOAT || col->type == WH_T_DECIMAL;
}

static int is_flag(const struct cat_column *col)
{
    return col->type == WH_T_BOOL;
}

static int is_time(const struct cat_column *col)
{
    return col->type == WH_T_DATE || col->type == WH_T_TIMESTAMP;
}

/* A number people add up or average: a measure, not a key, code, flag or year. */
static int is_measure(const struct cat_column *col)
{
    return is_numeric(col) && (col->roles & CAT_ROLE_MEASURE) &&
           !(col->roles & (CAT_ROLE_KEY | CAT_ROLE_FOREIGN_KEY | CAT_ROLE_GROUP_KEY));
}

/* Names of money: language, not any warehouse's columns. */
static const char *const money_words[] = {
    "revenu", "sale",    "amount", "total",  "price",  "cost",   "spend", "fee",  "charg",
    "paid",   "payment", "valu",   "budget", "profit", "margin", "tax",   "ship", "discount",
    "subtot", "incom",   "salari", "wage",   "fare",   "net",    "gross", NULL};

/* Words that name money even on whole numbers (a price in cents is still a price). */
static const char *const strong_money_words[] = {"revenu", "price", "cost",  "amount", "salari",
                                                 "wage",   "fee",   "spend", "budget", "paid",
                                                 "fare",   "incom", NULL};

static int is_money(const struct cat_column *col)
{
    size_t i;

    if (!is_numeric(col))
        return 0;
    if (col->pattern == CAT_PAT_MONEY_TEXT)
        return 1;
    for (i = 0; strong_money_words[i]; i++)
        if (col_word(col, strong_money_words[i]))
            return 1;
    if (col->type == WH_T_INT)
        return 0; /* "boxes shipped", "tax year": a count or a code */
    for (i = 0; money_words[i]; i++)
        if (col_word(col, money_words[i]))
            return 1;
    return 0;
}

/* ---- table relations ---------------------------------------------------------------------- */

/*
 * The many-to-one path from table `from` to table `to`: every join walked from its many side
 * (a fact to a dimension), at most two hops. Returns the number of joins (0 when from == to)
 * and fills path, or -1.
 */
static int forward_path(const struct catalog *c, int from, int to, int path[2])
{
    size_t i, j;

    if (from == to)
        return 0;
    for (i = 0; i < c->njoins; i++)
        if (c->joins[i].from_table == from && c->joins[i].to_table == to) {
            path[0] = (int)i;
            return 1;
        }
    for (i = 0; i < c->njoins; i++) {
        if (c->joins[i].from_table != from)
            continue;
        for (j = 0; j < c->njoins; j++)
            if (c->joins[j].from_table == c->joins[i].to_table && c->joins[j].to_table == to) {
                path[0] = (int)i;
                path[1] = (int)j;
                return 2;
            }
    }
    return -1;
}

/* The column of table t with the same name key as col, or -1. */
static int same_column(const struct catalog *c, int t, const struct cat_column *col)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;

    for (i = 0; i < tab->ncolumns; i++)
        if (!strcasecmp(tab->columns[i].name, col->name))
            return (int)i;
    return -1;
}

/* The join of fact f whose column refers to table e's key, or -1. */
static int fk_to(const struct catalog *c, int f, int e)
{
    size_t i;

    for (i = 0; i < c->njoins; i++)
        if (c->joins[i].from_table == f && c->joins[i].to_table == e)
            return (int)i;
    return -1;
}

/* A table's label for answers: its name without the layer prefix, as words. */
static char *table_label(const struct catalog *c, int t)
{
    const char *name = c->tables[t].name;
    char **w;
    size_t n = vocab_split(name, &w), i, start = 0;
    struct strbuf sb = STRBUF_INIT;

    if (n > 1 && (!strcmp(w[0], "dim") || !strcmp(w[0], "fct") || !strcmp(w[0], "fact") ||
                  !strcmp(w[0], "stg") || !strcmp(w[0], "int") || !strcmp(w[0], "raw") ||
                  !strcmp(w[0], "mart") || !strcmp(w[0], "src") || !strcmp(w[0], "base")))
        start = 1;
    for (i = start; i < n; i++) {
        if (sb.len)
            strbuf_addch(&sb, ' ');
        strbuf_addstr(&sb, w[i]);
    }
    strv_free(w, n);
    return strbuf_detach(&sb, NULL);
}

/* ---- what is asked ------------------------------------------------------------------------ */

struct intent {
    int count, distinct, how_much, sum, avg, median, max, min, share, compare, rank_desc, rank_asc,
        limit, per, on_average, negated_any, cheapest, priciest, first_listed;
    size_t count_at; /* token after "how many" / "number of" */
    size_t share_at;
    size_t verb_at; /* the clause's verb after the subject, for shares */
    size_t by_at[PLAN_MAX_GROUPS];
    int by_weak[PLAN_MAX_GROUPS]; /* "what X": a group only when X is a category */
    size_t nby;
    int from_first; /* "from 2023 to 2024": the first period is the earlier one */
};

static void op_mark(struct tokens *t, size_t i)
{
    if (i < t->n && (t->v[i].use == TOK_UNUSED || t->v[i].use == TOK_FUNCTION))
        t->v[i].use = TOK_OPERATOR;
}

static int is_negation(const struct tokens *t, size_t i)
{
    static const char *const neg[] = {"not",    "no",      "without", "never",   "excluding",
                                      "except", "isn't",   "aren't",  "wasn't",  "weren't",
                                      "don't",  "doesn't", "didn't",  "haven't", "hasn't",
                                      "hadn't", "none",    "nor",     "exclude", NULL};
    return tok_in(t, i, neg) || (tok_is(t, i, "other") && tok_is(t, i + 1, "than"));
}

static void read_intent(struct tokens *t, struct intent *in)
{
    size_t i;

    memset(in, 0, sizeof(*in));
    in->count_at = in->share_at = in->verb_at = SIZE_MAX;
    for (i = 0; i < t->n; i++) {
        if (t->v[i].use == TOK_TIME &&
            (tok_is(t, i, "vs") || tok_is(t, i, "versus") || tok_is(t, i, "than")))
            in->compare = 1;
        if (t->v[i].use == TOK_TIME || t->v[i].use == TOK_LINKED)
            continue;
        if (tok_is(t, i, "how") && (tok_is(t, i + 1, "many") || tok_is(t, i + 1, "much"))) {
            if (tok_is(t, i + 1, "many")) {
                in->count = 1;
                in->count_at = i + 2;
            } else
                in->how_much = 1;
            op_mark(t, i);
            op_mark(t, i + 1);
            i++;
            continue;
        }
        if ((tok_is(t, i, "number") || tok_is(t, i, "count") || tok_is(t, i, "numbers")) &&
            tok_is(t, i + 1, "of")) {
            in->count = 1;
            in->count_at = i + 2;
            op_mark(t, i);
            op_mark(t, i + 1);
            i++;
            continue;
        }
        if (tok_is(t, i, "count") && i == 0) {
            in->count = 1;
            in->count_at = i + 1;
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "different") || tok_is(t, i, "distinct") || tok_is(t, i, "unique")) {
            in->distinct = 1;
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "on") && tok_is(t, i + 1, "average")) {
            in->avg = in->on_average = 1;
            op_mark(t, i);
            op_mark(t, i + 1);
            i++;
            continue;
        }
        if (tok_is(t, i, "average") || tok_is(t, i, "avg") || tok_is(t, i, "mean") ||
            tok_is(t, i, "typical") || tok_is(t, i, "typically")) {
            in->avg = 1;
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "median")) {
            in->median = 1;
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "sum") ||
            (tok_is(t, i, "total") && i + 1 < t->n && t->v[i + 1].kind == TOK_WORD &&
             !tok_is_function_word(t->v[i + 1].word) && !tok_is(t, i + 1, "number"))) {
            in->sum = 1;
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "total") &&
            (tok_is(t, i + 1, "number") || i + 1 >= t->n || t->v[i + 1].kind == TOK_PUNCT ||
             tok_is(t, i - 1, "in") || tok_is(t, i - 1, "a"))) {
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "top") || tok_is(t, i, "bottom")) {
            int top = tok_is(t, i, "top");
            op_mark(t, i);
            if (i + 1 < t->n && t->v[i + 1].kind == TOK_NUMBER) {
                in->limit = (int)t->v[i + 1].num;
                op_mark(t, i + 1);
                t->v[i + 1].use = TOK_OPERATOR;
            } else {
                /* "the top seller": one; "top sellers": ten */
                size_t k = i + 1;
                while (k + 1 < t->n && t->v[k + 1].kind == TOK_WORD &&
                       !tok_is_function_word(t->v[k + 1].word) &&
                       !tok_is_operator(t->v[k + 1].word))
                    k++;
                in->limit = k < t->n && t->v[k].kind == TOK_WORD &&
                                    t->v[k].word[strlen(t->v[k].word) - 1] != 's'
                                ? 1
                                : 10;
            }
            if (top)
                in->rank_desc = 1;
            else
                in->rank_asc = 1;
            continue;
        }
        if (tok_is(t, i, "most") || tok_is(t, i, "highest") || tok_is(t, i, "largest") ||
            tok_is(t, i, "biggest") || tok_is(t, i, "greatest") || tok_is(t, i, "best") ||
            tok_is(t, i, "busiest") || tok_is(t, i, "max") || tok_is(t, i, "maximum") ||
            tok_is(t, i, "popular") || tok_is(t, i, "longest") || tok_is(t, i, "higher")) {
            if (tok_is(t, i + 1, "first") || tok_is(t, i + 1, "last")) {
                /* "highest first": an order, not a maximum */
                in->rank_desc = !tok_is(t, i + 1, "last");
                in->rank_asc = tok_is(t, i + 1, "last");
                op_mark(t, i);
                op_mark(t, i + 1);
                i++;
                continue;
            }
            if (tok_is(t, i, "most") &&
                (tok_is(t, i + 1, "expensive") || tok_is(t, i + 1, "costly"))) {
                in->priciest = 1;
                op_mark(t, i + 1);
            } else if (tok_is(t, i, "most") &&
                       (tok_is(t, i + 1, "often") || tok_is(t, i + 1, "frequently") ||
                        tok_is(t, i + 1, "common") || tok_is(t, i + 1, "used") ||
                        tok_is(t, i + 1, "popular"))) {
                in->rank_desc = 1;
                op_mark(t, i + 1);
            } else
                in->max = in->rank_desc = 1;
            op_mark(t, i);
            if (tok_is(t, i, "most") || tok_is(t, i, "busiest") || tok_is(t, i, "popular"))
                in->max = 0; /* "the most orders": a count ranked, not a maximum */
            continue;
        }
        if (tok_is(t, i, "least") || tok_is(t, i, "lowest") || tok_is(t, i, "smallest") ||
            tok_is(t, i, "fewest") || tok_is(t, i, "worst") || tok_is(t, i, "min") ||
            tok_is(t, i, "minimum") || tok_is(t, i, "quietest") || tok_is(t, i, "shortest")) {
            if (tok_is(t, i - 1, "at")) { /* "at least": a comparison, read with the number */
                continue;
            }
            in->rank_asc = 1;
            if (!tok_is(t, i, "least") && !tok_is(t, i, "fewest") && !tok_is(t, i, "quietest") &&
                !tok_is(t, i, "worst"))
                in->min = 1;
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "cheapest") || (tok_is(t, i, "least") && tok_is(t, i + 1, "expensive"))) {
            in->cheapest = 1;
            op_mark(t, i);
            op_mark(t, i + 1);
            continue;
        }
        if (tok_is(t, i, "priciest") || tok_is(t, i, "expensive")) {
            in->priciest = 1;
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "percent") || tok_is(t, i, "percentage") || tok_is(t, i, "share") ||
            tok_is(t, i, "proportion") || tok_is(t, i, "fraction") || tok_is(t, i, "pct") ||
            (tok_is(t, i, "rate") && !in->compare)) {
            if (!in->compare && !(tok_is(t, i, "percentage") && tok_is(t, i - 1, "what") &&
                                  tok_is(t, i - 2, "by"))) {
                in->share = 1;
                in->share_at = i;
            }
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "vs") || tok_is(t, i, "versus") || tok_is(t, i, "compared") ||
            tok_is(t, i, "compare") || tok_is(t, i, "than") || tok_is(t, i, "change") ||
            tok_is(t, i, "changed") || tok_is(t, i, "growth") || tok_is(t, i, "grow") ||
            tok_is(t, i, "grew") || tok_is(t, i, "increase") || tok_is(t, i, "decrease") ||
            tok_is(t, i, "increased") || tok_is(t, i, "decreased") || tok_is(t, i, "difference") ||
            tok_is(t, i, "beat")) {
            in->compare = 1;
            if (in->share && tok_is(t, in->share_at - 1, "what"))
                in->share = 0; /* "by what percentage did X change": a growth rate */
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "from") && i + 1 < t->n && t->v[i + 1].use == TOK_TIME)
            in->from_first = 1;
        if (tok_is(t, i, "rank") || tok_is(t, i, "ranked") || tok_is(t, i, "ranking")) {
            size_t at = i + 1;
            if (!in->rank_asc)
                in->rank_desc = 1;
            op_mark(t, i);
            /* "rank the categories by revenue": what is ranked is grouped */
            while (at < t->n && t->v[at].kind == TOK_WORD && tok_is_function_word(t->v[at].word))
                at++;
            if (tok_is(t, i, "rank") && at < t->n && in->nby < PLAN_MAX_GROUPS)
                in->by_at[in->nby++] = at;
            continue;
        }
        if ((tok_is(t, i, "first") || tok_is(t, i, "last")) && i > 0 &&
            (tok_is(t, i - 1, "largest") || tok_is(t, i - 1, "highest") ||
             tok_is(t, i - 1, "biggest") || tok_is(t, i - 1, "smallest") ||
             tok_is(t, i - 1, "lowest"))) {
            op_mark(t, i);
            continue;
        }
        if (tok_is(t, i, "by") || tok_is(t, i, "per") || tok_is(t, i, "across") ||
            (tok_is(t, i, "each") && i > 0) || (tok_is(t, i, "for") && tok_is(t, i + 1, "each"))) {
            size_t at = tok_is(t, i, "for") ? i + 2 : i + 1;
            if (tok_is(t, at, "each") || tok_is(t, at, "every"))
                at++;
            if (tok_is(t, i, "by") && (tok_is(t, at, "what") || tok_is(t, at, "how")))
                continue;
            if (in->nby < PLAN_MAX_GROUPS)
                in->by_at[in->nby++] = at;
            op_mark(t, i);
            if (tok_is(t, i, "for"))
                op_mark(t, i + 1);
            continue;
        }
        if ((tok_is(t, i, "which") || tok_is(t, i, "what")) && i + 1 < t->n &&
            (t->v[i + 1].use == TOK_UNUSED || t->v[i + 1].use == TOK_LINKED) &&
            t->v[i + 1].kind == TOK_WORD && !tok_is_function_word(t->v[i + 1].word) &&
            !tok_is_operator(t->v[i + 1].word)) {
            in->first_listed = 1;
            if (in->nby < PLAN_MAX_GROUPS) {
                in->by_weak[in->nby] = tok_is(t, i, "what");
                in->by_at[in->nby++] = i + 1;
            }
            continue;
        }
        if (is_negation(t, i))
            in->negated_any = 1;
    }
    /* the clause's verb: "what share of orders WERE completed" */
    if (in->share) {
        static const char *const verbs[] = {"were", "was",   "is",   "are",   "had",  "has",
                                            "have", "came",  "come", "comes", "did",  "got",
                                            "went", "ended", "used", "paid",  "made", NULL};
        for (i = in->share_at + 1; i < t->n; i++)
            if (tok_in(t, i, verbs)) {
                in->verb_at = i;
                break;
            }
    }
}

/* ---- linking roles ------------------------------------------------------------------------ */

/* The best candidate of link l of kind k (and, for columns, passing ok()), or NULL. */
static const struct link_cand *cand_of(const struct link *l, enum link_kind k)
{
    size_t i;

    /* a candidate far weaker than the best is no reading of the words */
    for (i = 0; i < l->nc; i++)
        if (l->c[i].kind == k && l->c[i].score >= 0.6 * l->c[0].score)
            return &l->c[i];
    return NULL;
}

int plan_negated(const struct tokens *t, const struct link *l)
{
    size_t i, lo = l->from > 3 ? l->from - 3 : 0;

    if (l->negated) /* "unpaid" */
        return 1;
    for (i = l->from; i-- > lo;) {
        if (t->v[i].kind == TOK_PUNCT && strcmp(t->v[i].word, "("))
            break;
        if (is_negation(t, i) || tok_is(t, i, "ignoring") ||
            (tok_is(t, i, "leaving") && tok_is(t, i + 1, "out")))
            return 1;
    }
    /* after it: "void ones excluded", "(upgrades don't count)" */
    for (i = l->to; i < t->n && i < l->to + 4; i++) {
        if (t->v[i].kind == TOK_PUNCT && strcmp(t->v[i].word, ")"))
            break;
        if (tok_is(t, i, "excluded") || tok_is(t, i, "aside") ||
            ((tok_is(t, i, "don't") || tok_is(t, i, "doesn't") || tok_is(t, i, "not")) &&
             (tok_is(t, i + 1, "count") || tok_is(t, i + 1, "counted") ||
              tok_is(t, i + 1, "included"))))
            return 1;
    }
    return 0;
}

static int null_word_near(const struct tokens *t, const struct link *l)
{
    /* "out of stock": none left */
    if (l->from >= 2 && tok_is(t, l->from - 2, "out") && tok_is(t, l->from - 1, "of"))
        return 1;
    /* "don't have an account manager", "never got a rating" */
    if (plan_negated(t, l)) {
        size_t k, lo2 = l->from > 4 ? l->from - 4 : 0;
        for (k = lo2; k < l->from; k++)
            if (tok_is(t, k, "have") || tok_is(t, k, "has") || tok_is(t, k, "had") ||
                tok_is(t, k, "got") || tok_is(t, k, "get") || tok_is(t, k, "gave") ||
                tok_is(t, k, "given"))
                return 1;
    }
    static const char *const before[] = {"no",    "without", "missing", "unknown", "null", "blank",
                                         "empty", "lacking", "lack",    "lacks",   NULL};
    static const char *const after[] = {"missing", "null",     "blank", "empty",
                                        "unknown", "recorded", "set",   "given",
                                        "filled",  "provided", NULL};
    size_t i, lo = l->from > 3 ? l->from - 3 : 0;

    for (i = l->from; i-- > lo;) {
        if (t->v[i].kind == TOK_PUNCT)
            break;
        if (tok_in(t, i, before))
            return 1;
        if (t->v[i].use == TOK_LINKED)
            break;
    }
    if (l->to < t->n && tok_in(t, l->to, after) &&
        (tok_in(t, l->to, before) || plan_negated(t, l) || tok_is(t, l->to, "missing")))
        return 1;
    if (tok_is(t, l->to, "is") && tok_in(t, l->to + 1, before))
        return 1;
    return 0;
}

/* Does link i name the column link `other` names ("how heavy is the heaviest dog")? */
static int same_column_used(const struct links *l, size_t i, int other)
{
    const struct link_cand *a, *b;

    if (other < 0 || (size_t)other == i)
        return 0;
    a = cand_of(&l->v[i], LINK_COLUMN);
    b = cand_of(&l->v[other], LINK_COLUMN);
    return a && b && a->table == b->table && a->column == b->column;
}

/* Does the question name a period, a grain or first/last? */
static int has_time_words(const struct tokens *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (t->v[i].use == TOK_TIME)
            return 1;
    return 0;
}

/* Is every word of phrase a word of col's name ("plan" for plan_name)? */
static int phrase_names(const struct cat_column *col, const char *phrase)
{
    char *key = vocab_key(phrase), *p, *sp;
    int ok = *key != 0;

    for (p = key; ok && *p; p = sp ? sp + 1 : p + strlen(p)) {
        sp = strchr(p, ' ');
        if (sp)
            *sp = 0;
        ok = col_word(col, p);
    }
    free(key);
    return ok;
}

/* Is a value link beside link i (within one word) whose column has the same name? */
static int value_beside(const struct catalog *c, const struct links *l, size_t i)
{
    const struct link *lk = &l->v[i];
    size_t k, q, r;

    for (k = i > 0 ? i - 1 : 0; k <= i + 1 && k < l->n; k++) {
        const struct link *o = &l->v[k];
        if (k == i || !cand_of(o, LINK_VALUE))
            continue;
        if (!(o->to + 1 >= lk->from && lk->to + 1 >= o->from))
            continue;
        for (q = 0; q < o->nc; q++)
            for (r = 0; r < lk->nc; r++)
                if (o->c[q].kind == LINK_VALUE && lk->c[r].kind == LINK_COLUMN &&
                    (!strcasecmp(c->tables[o->c[q].table].columns[o->c[q].column].name,
                                 c->tables[lk->c[r].table].columns[lk->c[r].column].name) ||
                     phrase_names(&c->tables[o->c[q].table].columns[o->c[q].column], lk->phrase)))
                    return 1;
    }
    return 0;
}

static int is_money_word(const char *w)
{
    static const char *const mw[] = {"revenue", "revenues", "sales",    "sale", "turnover",
                                     "income",  "gross",    "grossing", NULL};
    size_t i;

    for (i = 0; mw[i]; i++)
        if (!strcmp(mw[i], w))
            return 1;
    return 0;
}

/* Is table t named for money (sales, revenue)? */
static int table_says_money(const struct catalog *c, int t)
{
    const struct cat_table *tab = &c->tables[t];

    return cat_words_have(tab->words, tab->nwords, "sale") ||
           cat_words_have(tab->words, tab->nwords, "revenu");
}

/* Does the question use a money word (revenue, sales) no link took? */
static int money_link_pending(const struct tokens *t)
{
    static const char *const mw[] = {"revenue", "revenues", "sales", "sale", "turnover", NULL};
    size_t i;

    for (i = 0; i < t->n; i++)
        if (t->v[i].use == TOK_UNUSED && tok_in(t, i, mw))
            return 1;
    return 0;
}

/* ---- choosing the base table -------------------------------------------------------------- */

/*
 * A need: something the question mentions that the base table must reach, as the candidate
 * columns (or tables) that could stand for it.
 */
struct need {
    struct plan_col cols[16];
    size_t n;
};

static void need_add(struct need *nd, int t, int col)
{
    size_t i;

    for (i = 0; i < nd->n; i++)
        if (nd->cols[i].table == t && nd->cols[i].column == col)
            return;
    if (nd->n < ARRAY_SIZE(nd->cols)) {
        nd->cols[nd->n].table = t;
        nd->cols[nd->n].column = col;
        nd->n++;
    }
}

/* The columns link lk may stand for, as a need. */
static void column_need(const struct link *lk, struct need *nd)
{
    size_t q;

    for (q = 0; q < lk->nc; q++)
        if (lk->c[q].kind == LINK_COLUMN)
            need_add(nd, lk->c[q].table, lk->c[q].column);
}

/* How table t reaches need nd: 3 in itself, 2 by one join, 1 by two, 0 not. *out the column. */
static int reach(const struct catalog *c, int t, const struct need *nd, struct plan_col *out)
{
    size_t i;
    int best = 0, path[2], hops;

    for (i = 0; i < nd->n; i++) {
        int score;
        struct plan_col pc = nd->cols[i];
        if (pc.table == t)
            score = 3;
        else if ((hops = forward_path(c, t, pc.table, path)) > 0)
            score = 3 - hops;
        else
            continue;
        if (score > best) {
            best = score;
            *out = pc;
        }
    }
    return best;
}

/* ---- the measure ---------------------------------------------------------------------------- */

/*
 * The money column of table t that answers "revenue" or "sales": one named so, else the
 * amount or total of what was paid, else a net or gross value. line: the question wants a
 * line-level figure, so an amount repeated over a group does not qualify.
 */
static int money_column(const struct catalog *c, int t, int line)
{
    const struct cat_table *tab = &c->tables[t];
    static const char *const ranked[] = {"revenu", "sale", "amount",  "total",  "net", "gross",
                                         "valu",   "paid", "payment", "subtot", NULL};
    size_t i, r;

    for (r = 0; ranked[r]; r++)
        for (i = 0; i < tab->ncolumns; i++) {
            const struct cat_column *col = &tab->columns[i];
            if (!is_measure(col) || !col_word(col, ranked[r]))
                continue;
            if (col_word(col, "tax") || col_word(col, "discount") || col_word(col, "cost") ||
                col_word(col, "margin") || col_word(col, "profit") || col_word(col, "count") ||
                col_word(col, "ship") || col_word(col, "spend") || col_word(col, "budget"))
                continue;
            if (line && col->repeated_within >= 0)
                continue;
            return (int)i;
        }
    return -1;
}

/* A column of t whose name has word w and that is a measure (price, quantity, discount). */
static int measure_named(const struct catalog *c, int t, const char *w, int not_repeated)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;

    /* a quantity with few values is profiled as a category; it is still a number to multiply */
    for (i = 0; i < tab->ncolumns; i++)
        if (is_numeric(&tab->columns[i]) &&
            !(tab->columns[i].roles & (CAT_ROLE_KEY | CAT_ROLE_FOREIGN_KEY | CAT_ROLE_GROUP_KEY)) &&
            col_word(&tab->columns[i], w) && (!not_repeated || tab->columns[i].repeated_within < 0))
            return (int)i;
    return -1;
}

/* revenue = price x quantity (x (1 - discount) when a 0..1 discount sits on the line). */
static int derive_revenue(const struct catalog *c, int t, struct plan_measure *m)
{
    int price = measure_named(c, t, "price", 1), qty = measure_named(c, t, "quantiti", 1);
    const struct cat_table *tab = &c->tables[t];
    size_t i;

    if (qty < 0)
        qty = measure_named(c, t, "qti", 1);
    if (qty < 0)
        qty = measure_named(c, t, "unit", 1);
    if (price < 0 || qty < 0 || price == qty)
        return -1;
    m->cols[0] = (struct plan_col){t, price};
    m->cols[1] = (struct plan_col){t, qty};
    m->ops[0] = '*';
    m->ncols = 2;
    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        /* a rate multiplies each line whether or not it repeats over a group */
        if (is_numeric(col) && col_word(col, "discount") && col->has_range && col->min >= 0 &&
            col->max <= 100 &&
            (col->max <= 1 || col->type != WH_T_DECIMAL || col_word(col, "pct") ||
             col_word(col, "percent"))) {
            m->cols[2] = (struct plan_col){t, (int)i};
            /* times (1 - discount), a fraction 0..1 or a percentage 0..100 */
            m->ops[1] = col->max <= 1 ? '%' : '&';
            m->ncols = 3;
        }
    }
    m->derived = 1;
    m->money = 1;
    return 0;
}

/* ---- adjectives, ends of events, time between two events --------------------------------- */

/*
 * Adjectives that ask about a measure named otherwise: "how heavy", "the oldest", "the
 * longest". Each maps to the noun of the measure and, for superlatives, to max or min.
 */
static const struct adjective {
    const char *word, *noun;
    int dir; /* 1 max, -1 min, 0 neither */
} adjectives[] = {{"heavy", "weight", 0},
                  {"heavier", "weight", 1},
                  {"heaviest", "weight", 1},
                  {"lighter", "weight", -1},
                  {"lightest", "weight", -1},
                  {"weigh", "weight", 0},
                  {"weighs", "weight", 0},
                  {"old", "age", 0},
                  {"older", "age", 1},
                  {"oldest", "age", 1},
                  {"young", "age", 0},
                  {"younger", "age", -1},
                  {"youngest", "age", -1},
                  {"tall", "height", 0},
                  {"taller", "height", 1},
                  {"tallest", "height", 1},
                  {"long", "duration", 0},
                  {"longer", "duration", 1},
                  {"longest", "duration", 1},
                  {"shortest", "duration", -1},
                  {"happy", "satisfaction", 0},
                  {"happier", "satisfaction", 1},
                  {"happiest", "satisfaction", 1},
                  {"satisfied", "satisfaction", 0},
                  {NULL, NULL, 0}};

/*
 * Names of the end of an event: a column named so that is NULL has not ended yet ("tickets
 * still open", "pets still in hospital").
 */
/*
 * The time column of table t that dates the event a verb names ("paid" -> paid_on, "shipped"
 * -> shipped_at), other than column `other`; -1 when none is named like it.
 */
static int event_column(const struct catalog *c, int t, const char *verb, int other)
{
    const struct cat_table *tab = &c->tables[t];
    char *stem = vocab_key(verb);
    int found = -1;
    size_t k;

    for (k = 0; k < tab->ncolumns && found < 0 && *stem; k++)
        if ((int)k != other && is_time(&tab->columns[k]) && col_word(&tab->columns[k], stem))
            found = (int)k;
    free(stem);
    return found;
}

/* Is table t one of the link's candidates? */
static int link_has_table(const struct link *lk, int t)
{
    size_t q;

    for (q = 0; q < lk->nc; q++)
        if (lk->c[q].table == t)
            return 1;
    return 0;
}

/* Is token i inside a link whose best candidate is named whole? */
static int strong_link_at(const struct links *l, size_t i)
{
    size_t k;

    for (k = 0; k < l->n; k++)
        if (i >= l->v[k].from && i < l->v[k].to && l->v[k].nc && l->v[k].c[0].score >= 0.99)
            return 1;
    return 0;
}

/* Stems (Snowball) of the words that end an event, in column names and in questions. */
static const char *const end_stems[] = {"discharg", "close",  "end",      "resolv", "finish",
                                        "complet",  "return", "cancel",   "churn",  "leav",
                                        "left",     "exit",   "deliv",    "settl",  "termin",
                                        "stop",     "paid",   "checkout", "expir",  NULL};

static int end_like(const struct cat_column *col)
{
    size_t i;

    for (i = 0; end_stems[i]; i++)
        if (col_word(col, end_stems[i]))
            return 1;
    return 0;
}

/* The end date of a table's events that some rows do not have yet (not ended), or -1. */
static int open_end(const struct cat_table *tab)
{
    size_t k;

    for (k = 0; k < tab->ncolumns; k++)
        if (is_time(&tab->columns[k]) && end_like(&tab->columns[k]) &&
            tab->columns[k].null_fraction > 0 && tab->columns[k].null_fraction < 1)
            return (int)k;
    return -1;
}

/*
 * The end stem an inflected word of a question says ("cancelled", "cancellations", "closed"),
 * or NULL; a bare word ("end", "paid") or another one ("closest") says none.
 */
static const char *ending_stem(const char *word)
{
    char *stem = vocab_stem(word);
    const char *found = NULL;
    size_t i;

    for (i = 0; end_stems[i] && strcmp(stem, word); i++)
        if (!strcmp(stem, end_stems[i]))
            found = end_stems[i];
    free(stem);
    return found;
}

/*
 * The time column of table t an ending verb of the question dates ("cancelled", "churned",
 * "closed", "cancellations"): an end-like date of t that is empty on some rows (the ones not
 * ended), the one sharing the verb's stem, else a general end (ended_on, closed_at); -1 when
 * there is none or the question has no such verb.
 */
static int ending_time(const struct catalog *c, int t, const struct tokens *q)
{
    const struct cat_table *tab = &c->tables[t];
    const char *stem = NULL;
    int best = -1;
    size_t i, k;

    for (i = 0; i < q->n && !stem; i++)
        if (q->v[i].kind == TOK_WORD)
            stem = ending_stem(q->v[i].word);
    for (k = 0; stem && k < tab->ncolumns; k++) {
        const struct cat_column *col = &tab->columns[k];
        if (!is_time(col) || !end_like(col) || col->null_fraction <= 0)
            continue;
        if (col_word(col, stem))
            return (int)k;
        /* otherwise an end in general (ended_on), not another event (paid_on) */
        if (best < 0 &&
            (col_word(col, "end") || col_word(col, "close") || col_word(col, "finish") ||
             col_word(col, "stop") || col_word(col, "termin") || col_word(col, "exit")))
            best = (int)k;
    }
    return best;
}

static int start_like(const struct cat_column *col)
{
    static const char *const starts[] = {
        "admit",  "admiss", "open",   "creat",  "start", "sign",   "issu", "order",   "book",
        "regist", "begin",  "submit", "receiv", "join",  "report", "log",  "request", NULL};
    size_t i;

    for (i = 0; starts[i]; i++)
        if (col_word(col, starts[i]))
            return 1;
    return 0;
}

/* The time columns of table t that mark when an event ended (or -1) and began (or -1). */
static void event_span(const struct catalog *c, int t, int *from, int *to)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;

    *from = *to = -1;
    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        if (!is_time(col))
            continue;
        if (*to < 0 && end_like(col))
            *to = (int)i;
        else if (*from < 0 && start_like(col))
            *from = (int)i;
    }
    if (*from < 0 && *to >= 0)
        for (i = 0; i < tab->ncolumns; i++)
            if (is_time(&tab->columns[i]) && (int)i != *to && *from < 0)
                *from = (int)i;
}

/* ---- the plan ------------------------------------------------------------------------------ */

static int link_index_at(const struct links *l, size_t tok)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        if (tok >= l->v[i].from && tok < l->v[i].to)
            return (int)i;
    return -1;
}

/* The name column of table t: a dimension named like the table's entity and "name"/"title". */
static int name_column(const struct catalog *c, int t, const char *entity_stem)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;
    int fallback = -1;

    int person = -1;

    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        if (col->type != WH_T_TEXT)
            continue;
        if (col_word(col, "name") || col_word(col, "titl") || col_word(col, "label")) {
            if (entity_stem && col_word(col, entity_stem))
                return (int)i;
            if (fallback < 0 && !(col->roles & CAT_ROLE_PII))
                fallback = (int)i;
            if (person < 0)
                person = (int)i; /* a person's or company's name: still its name */
        }
    }
    return fallback >= 0 ? fallback : person;
}

/* Which grouping of table t counts the entity: the group key with the most constant columns. */
static int group_of(const struct catalog *c, int t)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;
    int best = -1;

    for (i = 0; i < tab->ngroupings; i++)
        if (best < 0 || tab->groupings[i].nconstant > tab->groupings[best].nconstant)
            best = (int)i;
    return best;
}

/*
 * A group's identity: its id, and the foreign keys and times that stay the same over its rows
 * (an order is one id, customer and date; when an id is reused they tell orders apart).
 */
static void set_identity(const struct catalog *c, struct plan *p, int t, int g)
{
    const struct cat_table *tab = &c->tables[t];
    const struct cat_grouping *gr = &tab->groupings[g];
    size_t i;
    int time = -1;

    p->nidentity = 0;
    p->identity[p->nidentity++] = (struct plan_col){t, gr->column};
    for (i = 0; i < gr->nconstant && p->nidentity < 4; i++) {
        const struct cat_column *col = &tab->columns[gr->constant[i]];
        if (col->roles & CAT_ROLE_FOREIGN_KEY)
            p->identity[p->nidentity++] = (struct plan_col){t, gr->constant[i]};
        else if (is_time(col) && time < 0)
            time = gr->constant[i];
    }
    for (i = 0; i < tab->ncolumns && p->nidentity < 4; i++) {
        const struct cat_column *col = &tab->columns[i];
        /* a reference to a party (a customer) repeated with the group */
        if ((int)i != gr->column && (col->roles & CAT_ROLE_FOREIGN_KEY) &&
            col->repeated_within == gr->column) {
            size_t k;
            int seen = 0;
            for (k = 0; k < p->nidentity; k++)
                seen |= p->identity[k].column == (int)i;
            if (!seen)
                p->identity[p->nidentity++] = (struct plan_col){t, (int)i};
        }
    }
    if (time >= 0 && p->nidentity < 4)
        p->identity[p->nidentity++] = (struct plan_col){t, time};
}

/* The main time column of table t: dated events over created/updated stamps. */
static int main_time(const struct catalog *c, int t)
{
    const struct cat_table *tab = &c->tables[t];
    size_t i;
    int best = -1, best_score = -100, entity = tab->key >= 0 && !tab->ngroupings;

    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        int score = 0;
        if (!is_time(col) || !col->anchor)
            continue;
        /* a row of an entity (a customer) is dated by when it began: created, signed up */
        if (entity && (col_word(col, "creat") || col_word(col, "sign") || col_word(col, "signup") ||
                       col_word(col, "regist") || col_word(col, "join")))
            score += 3;
        else if (col_word(col, "creat") || col_word(col, "updat") || col_word(col, "modifi") ||
                 col_word(col, "load") || col_word(col, "ingest") || col_word(col, "delet") ||
                 col_word(col, "sync") || col_word(col, "insert"))
            score -= 5;
        if (col_word(col, "date") || col_word(col, "time") || col_word(col, "day"))
            score += 2;
        if (col->null_fraction > 0.2)
            score -= 2;
        if (score > best_score) {
            best_score = score;
            best = (int)i;
        }
    }
    return best;
}

static void filter_add(struct plan *p, struct plan_col col, enum filter_op op, int negate,
                       const char *value)
{
    struct plan_filter *f;
    size_t i;

    for (i = 0; i < p->nfilters; i++) {
        f = &p->filters[i];
        if (f->col.table == col.table && f->col.column == col.column && f->op == op &&
            f->negate == negate && (op == F_EQ || op == F_IN) && value) {
            size_t k;
            for (k = 0; k < f->nvalues; k++)
                if (!strcmp(f->values[k], value))
                    return;
            f->values = xrealloc(f->values, (f->nvalues + 1) * sizeof(*f->values));
            f->values[f->nvalues++] = xstrdup(value);
            f->op = F_IN;
            return;
        }
    }
    if (p->nfilters >= PLAN_MAX_FILTERS)
        return;
    f = &p->filters[p->nfilters++];
    memset(f, 0, sizeof(*f));
    f->col = col;
    f->op = op;
    f->negate = negate;
    if (value) {
        f->values = xcalloc(1, sizeof(*f->values));
        f->values[0] = xstrdup(value);
        f->nvalues = 1;
    }
}

/* Keeps path joins in p->joins (each once). */
static void use_path(const struct catalog *c, struct plan *p, int from, int to)
{
    int path[2], n = forward_path(c, from, to, path), i;
    size_t k;

    for (i = 0; i < n; i++) {
        int seen = 0;
        for (k = 0; k < p->njoins; k++)
            seen |= p->joins[k] == path[i];
        if (!seen && p->njoins < ARRAY_SIZE(p->joins))
            p->joins[p->njoins++] = path[i];
    }
}

/* The column of `want` as reached from base: itself when in base, else the same-named column
 * of base, else keep it and record the join. */
static struct plan_col place(const struct catalog *c, struct plan *p, struct plan_col want)
{
    int same;

    if (want.table < 0 || want.table == p->base)
        return want;
    same = same_column(c, p->base, col_of(c, want));
    if (same >= 0 && c->tables[want.table].layer <= c->tables[p->base].layer &&
        forward_path(c, p->base, want.table, (int[2]){0, 0}) < 0)
        return (struct plan_col){p->base, same};
    use_path(c, p, p->base, want.table);
    return want;
}

static int layer_rank(enum cat_layer l)
{
    return l == CAT_LAYER_MART           ? 3
           : l == CAT_LAYER_INTERMEDIATE ? 2
           : l == CAT_LAYER_STAGING      ? 1
                                         : 0;
}

/* Scores a candidate base table against the needs. Higher is better; -1 cannot serve. */
static double base_score(const struct catalog *c, int t, const struct need *needs, size_t nneeds,
                         int entity)
{
    double s = 0;
    size_t i;
    struct plan_col pc;

    for (i = 0; i < nneeds; i++) {
        int r = reach(c, t, &needs[i], &pc);
        if (!r)
            return -1;
        s += r;
    }
    if (entity >= 0 && t == entity)
        s += 2;
    s += 0.5 * layer_rank(c->tables[t].layer);
    s += 0.01 * c->tables[t].depth;
    return s;
}

void plan_build(const struct catalog *c, struct tokens *t, struct links *l, int today,
                struct plan *p)
{
    struct intent in;
    struct need needs[16];
    size_t nneeds = 0, i, j;
    int entity_table = -1, entity_link = -1, fact_link = -1, measure_link = -1, money_link = -1;
    int entity_col_link = -1;
    int expr_links[4], nexpr = 0;
    char expr_ops[3], *learned = NULL;
    int group_links[PLAN_MAX_GROUPS], ngroup_links = 0;
    int cmp_link = -1, when_link = -1, when_verb = -1,
        when_tail = -1; /* "paid after its due date" */
    char when_op[3] = "";
    char cmp_op[3] = "";
    double cmp_num = 0;
    int null_links[8], nnull = 0;
    int value_links[8], nvalue = 0;
    int time_link = -1;
    int qualifier[LINKS_MAX + 1] = {0};
    const struct link *roleless_link = NULL;
    size_t cmp_skip_from = 0, cmp_skip_to = 0;
    int nonzero_links[4], nnonzero = 0;
    int flag_links[4], nflag = 0;
    int measure_need = -1, attempt, count_sum = 0, when_q = 0, still_at = -1, now_at = -1;
    int chrono = 0, chrono_to = -1, ending_at = -1, value_entity = -1;
    double span_unit = 0;
    const char *span_unit_name = "days";

    memset(p, 0, sizeof(*p));
    p->base = -1;
    p->entity.table = p->time_col.table = p->absent_fk.table = -1;
    p->absent_fact = -1;
    read_intent(t, &in);

    /* lines / items / rows: count rows, not groups */
    for (i = 0; i < t->n; i++)
        if ((tok_is(t, i, "lines") || tok_is(t, i, "line") || tok_is(t, i, "items") ||
             tok_is(t, i, "rows") || tok_is(t, i, "entries") || tok_is(t, i, "records")) &&
            t->v[i].use != TOK_LINKED) {
            p->per_line = 1;
            t->v[i].use = TOK_OPERATOR;
        }

    /* the time between two events: "how long", "how many days", "time to close, in hours" */
    for (i = 0; i < t->n; i++) {
        static const char *const units[] = {"minutes", "hours", "days", "weeks", NULL};
        static const double secs[] = {60, 3600, 86400, 604800};
        size_t u;
        if (tok_is(t, i, "how") && tok_is(t, i + 1, "long")) {
            if (!span_unit)
                span_unit = 86400;
            t->v[i].use = t->v[i + 1].use = TOK_OPERATOR;
            in.count = 0;
        }
        if (tok_is(t, i, "time") && tok_is(t, i + 1, "to") && t->v[i].use == TOK_UNUSED) {
            if (!span_unit)
                span_unit = 86400;
            t->v[i].use = t->v[i + 1].use = TOK_OPERATOR;
        }
        for (u = 0; units[u]; u++)
            if (tok_is(t, i, units[u]) && t->v[i].use != TOK_TIME &&
                (in.count_at == i || tok_is(t, i - 1, "in") || tok_is(t, i - 1, "average") ||
                 tok_is(t, i - 1, "avg") || tok_is(t, i - 1, "median") || span_unit)) {
                span_unit = secs[u];
                span_unit_name = units[u];
                t->v[i].use = TOK_OPERATOR;
                if (in.count_at == i)
                    in.count = 0;
            }
    }
    if (span_unit && !in.median && !in.max && !in.min)
        in.avg = 1;
    /* "when did ...", "what date was ...": the answer is a date */
    when_q = tok_is(t, 0, "when") || ((tok_is(t, 0, "what") || tok_is(t, 0, "which")) &&
                                      (tok_is(t, 1, "date") || tok_is(t, 1, "day")));
    /* "still open", "still in hospital": an event not ended */
    for (i = 0; i < t->n; i++)
        if (tok_is(t, i, "still")) {
            still_at = (int)i;
            t->v[i].use = TOK_OPERATOR;
            /* "still outstanding", "still pending": the adjective is the state itself */
            if (i + 1 < t->n && t->v[i + 1].kind == TOK_WORD && t->v[i + 1].use == TOK_UNUSED &&
                !tok_is_function_word(t->v[i + 1].word))
                t->v[i + 1].use = TOK_OPERATOR;
        }
    /*
     * "our very first customer", "the latest order", "the most recent signup": a noun named
     * right after is ranked by its own date (chrono_to: the token the noun starts at)
     */
    for (i = 0; i < t->n && !chrono; i++) {
        size_t k = i + 1;
        int dir = tok_is(t, i, "first") || tok_is(t, i, "earliest") ? -1
                  : tok_is(t, i, "latest") || tok_is(t, i, "newest") ||
                          (tok_is(t, i, "last") && t->v[i].use != TOK_TIME) ||
                          (tok_is(t, i, "recent") && tok_is(t, i - 1, "most"))
                      ? 1
                      : 0;
        /* "first quarter", "last month" are periods; "latest" alone is read here */
        if (!dir || t->v[i].use == TOK_LINKED ||
            (t->v[i].use == TOK_TIME && (tok_is(t, i, "first") || tok_is(t, i, "last"))))
            continue; /* "first name" is a column's name */
        if (tok_is(t, k, "very"))
            k++;
        if (k < t->n && t->v[k].use == TOK_LINKED) {
            chrono = dir;
            chrono_to = (int)k;
            t->v[i].use = TOK_OPERATOR;
            if (tok_is(t, i, "recent"))
                t->v[i - 1].use = TOK_OPERATOR;
            if (k > i + 1)
                t->v[i + 1].use = TOK_OPERATOR;
        }
    }
    /* "right now", "currently", "our current MRR": what is in effect, an event not ended */
    for (i = 0; i < t->n; i++)
        if (t->v[i].use != TOK_TIME &&
            (tok_is(t, i, "now") || tok_is(t, i, "currently") || tok_is(t, i, "ongoing") ||
             (tok_is(t, i, "current") && !strong_link_at(l, i)))) {
            now_at = (int)i;
            t->v[i].use = TOK_OPERATOR;
        }

    /* an explicit expression: "unit price times quantity", "(price minus cost)" */
    for (i = 0; i < l->n; i++) {
        size_t after = l->v[i].to, k;
        static const char *const opw[] = {"times",      "minus", "plus", "divided",
                                          "multiplied", "over",  "less", NULL};
        char op = 0;
        k = after;
        while (k < t->n && t->v[k].kind == TOK_PUNCT && !strcmp(t->v[k].word, ","))
            k++;
        if (!tok_in(t, k, opw) || !(k + 1 < t->n))
            continue;
        op = tok_is(t, k, "times") || tok_is(t, k, "multiplied") ? '*'
             : tok_is(t, k, "minus") || tok_is(t, k, "less")     ? '-'
             : tok_is(t, k, "plus")                              ? '+'
                                                                 : '/';
        {
            size_t nk = k + 1;
            int nl;
            if (tok_is(t, nk, "by"))
                nk++;
            nl = link_index_at(l, nk);
            if (nl < 0 || !cand_of(&l->v[nl], LINK_COLUMN))
                continue;
            if (!nexpr)
                expr_links[nexpr++] = (int)i;
            if (expr_links[nexpr - 1] != (int)i)
                continue;
            if (nexpr < 4) {
                expr_ops[nexpr - 1] = op;
                expr_links[nexpr++] = nl;
            }
            for (; k < nk; k++)
                t->v[k].use = TOK_OPERATOR;
        }
    }

    /* comparisons with a number: fewer than 50 units, price above 100, at least 3 */
    for (i = 0; i < t->n; i++) {
        const char *op = NULL;
        size_t numat = 0;
        if (tok_is(t, i, "fewer") || tok_is(t, i, "less") || tok_is(t, i, "below") ||
            tok_is(t, i, "under") || tok_is(t, i, "lower") || tok_is(t, i, "smaller"))
            op = "<";
        else if (tok_is(t, i, "more") || tok_is(t, i, "greater") || tok_is(t, i, "above") ||
                 tok_is(t, i, "over") || tok_is(t, i, "higher") || tok_is(t, i, "bigger") ||
                 tok_is(t, i, "exceeding") || tok_is(t, i, "exceeds"))
            op = ">";
        else if (tok_is(t, i, "at") && (tok_is(t, i + 1, "least") || tok_is(t, i + 1, "most")))
            op = tok_is(t, i + 1, "least") ? ">=" : "<=";
        if (!op)
            continue;
        numat = i + 1;
        if (tok_is(t, numat, "than") || tok_is(t, numat, "least") || tok_is(t, numat, "most"))
            numat++;
        if (numat < t->n && t->v[numat].kind == TOK_NUMBER) {
            int best = -1;
            size_t d, bestd = 99;
            double bestw = -1e9;
            for (j = 0; j < l->n; j++) {
                const struct link_cand *cc = cand_of(&l->v[j], LINK_COLUMN);
                double w;
                if (!cc || !is_numeric(&c->tables[cc->table].columns[cc->column]))
                    continue;
                d = l->v[j].from > numat ? l->v[j].from - numat : i - l->v[j].to + 1;
                if (l->v[j].from < i && l->v[j].to > i)
                    continue;
                /* the best named column near the number: "fewer than 50 units in stock" */
                w = cc->score * 10 - (double)d;
                if (d <= 4 && w > bestw) {
                    bestw = w;
                    bestd = d;
                    best = (int)j;
                }
            }
            if (best >= 0 && bestd <= 4) {
                cmp_link = best;
                snprintf(cmp_op, sizeof(cmp_op), "%s", op);
                cmp_num = t->v[numat].num;
                for (j = i; j <= numat; j++)
                    t->v[j].use = TOK_OPERATOR;
                if (l->v[best].from > numat) {
                    cmp_skip_from = numat + 1;
                    cmp_skip_to = l->v[best].from;
                }
            }
        }
    }

    /*
     * "paid after their due date", "shipped before the promised date": the date of the verb's
     * event (a time column named like the verb) compared with the date named after it
     */
    for (i = 1; i + 1 < t->n && when_link < 0; i++) {
        size_t k = i + 1, v;
        if (!tok_is(t, i, "after") && !tok_is(t, i, "before"))
            continue;
        while (k < t->n && (tok_is(t, k, "the") || tok_is(t, k, "their") || tok_is(t, k, "its") ||
                            tok_is(t, k, "his") || tok_is(t, k, "her")))
            k++;
        for (j = 0; j < l->n; j++) {
            const struct link_cand *cc = cand_of(&l->v[j], LINK_COLUMN);
            if (l->v[j].from == k && cc && cc->score >= 0.5 &&
                is_time(&c->tables[cc->table].columns[cc->column]))
                break;
        }
        if (j == l->n)
            continue;
        for (v = i; v-- > 0 && v + 3 >= i;) {
            const struct link_cand *cc = cand_of(&l->v[j], LINK_COLUMN);
            if (t->v[v].kind == TOK_WORD &&
                event_column(c, cc->table, t->v[v].word, cc->column) >= 0)
                break;
        }
        if (v == (size_t)-1 || v + 3 < i)
            continue;
        when_link = (int)j;
        when_verb = (int)v;
        /* "due date": the generic noun closing the date's name is part of it */
        if (j + 1 < l->n && l->v[j + 1].from == l->v[j].to &&
            (tok_is(t, l->v[j].to, "date") || tok_is(t, l->v[j].to, "day") ||
             tok_is(t, l->v[j].to, "time")))
            when_tail = (int)j + 1;
        if (l->v[j].to < t->n && t->v[l->v[j].to].use == TOK_UNUSED &&
            (tok_is(t, l->v[j].to, "date") || tok_is(t, l->v[j].to, "day") ||
             tok_is(t, l->v[j].to, "time")))
            t->v[l->v[j].to].use = TOK_OPERATOR;
        snprintf(when_op, sizeof(when_op), "%s", tok_is(t, i, "after") ? ">" : "<");
        t->v[i].use = TOK_OPERATOR;
        for (k = i + 1; k < l->v[j].from; k++)
            t->v[k].use = TOK_OPERATOR;
    }

    /*
     * "product category", "customer city": a table's name qualifying the column after it is
     * that table's column; the group-by or entity position moves to the column.
     */
    for (i = 0; i + 1 < l->n; i++) {
        const struct link_cand *tc = cand_of(&l->v[i], LINK_TABLE);
        const struct link *nx = &l->v[i + 1];
        size_t q, r;
        int match = 0;
        if (!tc || !cand_of(nx, LINK_COLUMN) || l->v[i].to != nx->from)
            continue;
        for (q = 0; q < l->v[i].nc && !match; q++)
            for (r = 0; r < nx->nc && !match; r++)
                match = l->v[i].c[q].kind == LINK_TABLE && nx->c[r].kind == LINK_COLUMN &&
                        l->v[i].c[q].table == nx->c[r].table && nx->c[r].score >= 0.5;
        if (!match)
            continue;
        qualifier[i] = 1;
        {
            /* the column is that table's: keep its candidates in the qualifying tables */
            struct link *col = &l->v[i + 1];
            size_t keep = 0;
            for (r = 0; r < col->nc; r++) {
                int own = 0;
                for (q = 0; q < l->v[i].nc && !own; q++)
                    own = l->v[i].c[q].kind == LINK_TABLE && l->v[i].c[q].table == col->c[r].table;
                if (own || col->c[r].kind != LINK_COLUMN)
                    col->c[keep++] = col->c[r];
            }
            col->nc = keep;
        }
        for (j = 0; j < in.nby; j++)
            if (in.by_at[j] == l->v[i].from)
                in.by_at[j] = nx->from;
        if (in.count_at == l->v[i].from)
            in.count_at = nx->from;
    }

    /*
     * "boxes ... shipped": two words that are each only part of one column's name, close
     * together, are that column.
     */
    for (i = 0; i < l->n; i++) {
        struct link *a = &l->v[i];
        if (qualifier[i] || !cand_of(a, LINK_COLUMN) || a->c[0].score > 0.5)
            continue;
        for (j = i + 1; j < l->n; j++) {
            struct link *b = &l->v[j];
            size_t q, r, keep = 0;
            if (b->from > a->to + 2 || !cand_of(b, LINK_COLUMN) || b->c[0].score > 0.5)
                continue;
            for (q = 0; q < a->nc; q++) {
                int shared = 0;
                for (r = 0; r < b->nc && !shared; r++)
                    shared = a->c[q].kind == LINK_COLUMN && b->c[r].kind == LINK_COLUMN &&
                             a->c[q].table == b->c[r].table && a->c[q].column == b->c[r].column;
                if (shared) {
                    a->c[keep] = a->c[q];
                    a->c[keep++].score = 0.9;
                }
            }
            if (keep) {
                a->nc = keep;
                qualifier[j] = 1;
                break;
            }
        }
    }

    /* adjectives that ask about a measure: "how heavy", "the oldest" */
    for (i = 0; i < t->n; i++) {
        size_t a;
        if (t->v[i].use != TOK_UNUSED || t->v[i].kind != TOK_WORD)
            continue;
        for (a = 0; adjectives[a].word; a++) {
            struct cat_hit *hits = NULL;
            size_t nh, q;
            struct link lk;
            if (strcmp(adjectives[a].word, t->v[i].word))
                continue;
            nh = catalog_lookup(c, adjectives[a].noun, &hits);
            memset(&lk, 0, sizeof(lk));
            for (q = 0; q < nh; q++)
                if (hits[q].kind == CAT_HIT_COLUMN &&
                    is_numeric(&c->tables[hits[q].table].columns[hits[q].column])) {
                    lk.c = xrealloc(lk.c, (lk.nc + 1) * sizeof(*lk.c));
                    lk.c[lk.nc].kind = LINK_COLUMN;
                    lk.c[lk.nc].table = hits[q].table;
                    lk.c[lk.nc].column = hits[q].column;
                    lk.c[lk.nc].measure = -1;
                    lk.c[lk.nc].value = 0;
                    lk.c[lk.nc].score = hits[q].score;
                    lk.c[lk.nc].why = "adjective of a measure";
                    lk.nc++;
                }
            free(hits);
            if (!lk.nc || l->n >= LINKS_MAX) {
                free(lk.c);
                break;
            }
            lk.from = i;
            lk.to = i + 1;
            lk.phrase = xstrdup(t->v[i].text);
            l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
            l->v[l->n++] = lk;
            t->v[i].use = TOK_LINKED;
            if (adjectives[a].dir > 0)
                in.max = 1;
            else if (adjectives[a].dir < 0)
                in.min = 1;
            break;
        }
    }

    /* what each link is: entity, measure, value filter, null filter, group-by, time */
    for (i = 0; i < l->n; i++) {
        const struct link *lk = &l->v[i];
        const struct link_cand *tc = cand_of(lk, LINK_TABLE), *cc = cand_of(lk, LINK_COLUMN),
                               *vc = cand_of(lk, LINK_VALUE), *mc = cand_of(lk, LINK_MEASURE);
        int in_expr = 0, is_group = 0;
        for (j = 0; j < (size_t)nexpr; j++)
            in_expr |= expr_links[j] == (int)i;
        for (j = 0; j < in.nby; j++)
            if (in.by_at[j] >= lk->from && in.by_at[j] < lk->to)
                is_group |=
                    !in.by_weak[j] || !cc || !is_numeric(&c->tables[cc->table].columns[cc->column]);
        if (still_at >= 0 && lk->from > (size_t)still_at && lk->from <= (size_t)still_at + 3 &&
            vc && !cc && !tc) {
            /* "still open": the state is read from the end of the event, below */
            continue;
        }
        if (now_at >= 0 && lk->from == (size_t)now_at && lk->to == lk->from + 1)
            continue; /* "current": read as a state below, not as a word of a name */
        if ((int)i == when_link || (int)i == when_tail ||
            (when_verb >= 0 && lk->from == (size_t)when_verb))
            continue; /* read as a comparison of dates, above */
        if (in_expr || (int)i == cmp_link || qualifier[i] ||
            (lk->from >= cmp_skip_from && lk->to <= cmp_skip_to))
            continue;
        /* a lowercase word naming a column exactly is the column, not a value spelled alike */
        if (vc && cc && cc->score >= 0.99 && !t->v[lk->from].capital &&
            t->v[lk->from].kind != TOK_QUOTED)
            vc = NULL;
        /* a column named beside a value of it: "the Books category", "status completed" */
        if (cc && !vc && value_beside(c, l, i))
            continue;
        /* a table named right after a value found in it: "an Enterprise plan" */
        if (tc && !vc && i > 0 && l->v[i - 1].to == lk->from && cand_of(&l->v[i - 1], LINK_VALUE)) {
            size_t q, r;
            int in_table = 0;
            for (q = 0; q < l->v[i - 1].nc && !in_table; q++)
                for (r = 0; r < lk->nc && !in_table; r++)
                    in_table = l->v[i - 1].c[q].kind == LINK_VALUE && lk->c[r].kind == LINK_TABLE &&
                               l->v[i - 1].c[q].table == lk->c[r].table;
            if (in_table)
                continue;
        }
        if (is_group && cc && !tc && measure_link < 0 &&
            is_measure(&c->tables[cc->table].columns[cc->column]) &&
            (in.rank_desc || in.rank_asc || in.limit) && lk->from > 0 &&
            tok_is(t, lk->from - 1, "by")) {
            /* "top movies by revenue": ranked by the amount, not grouped by it */
            measure_link = (int)i;
            continue;
        }
        if (is_group && (cc || tc)) {
            if (ngroup_links < PLAN_MAX_GROUPS)
                group_links[ngroup_links++] = (int)i;
            continue;
        }
        /* "opened in the last 30 days": a date column named by the verb, not a status value */
        if (vc && lk->to < t->n &&
            (t->v[lk->to].use == TOK_TIME ||
             ((tok_is(t, lk->to, "in") || tok_is(t, lk->to, "during") || tok_is(t, lk->to, "on") ||
               tok_is(t, lk->to, "since")) &&
              lk->to + 1 < t->n && t->v[lk->to + 1].use == TOK_TIME))) {
            struct cat_hit *hits = NULL;
            size_t nh = catalog_lookup(c, lk->phrase, &hits), q;
            int found = 0;
            for (q = 0; q < nh && !found; q++)
                found = hits[q].kind == CAT_HIT_COLUMN && hits[q].score >= 0.5 &&
                        is_time(&c->tables[hits[q].table].columns[hits[q].column]);
            free(hits);
            if (found) {
                struct link *ml = &l->v[i];
                size_t keep = 0;
                nh = catalog_lookup(c, lk->phrase, &hits);
                for (q = 0; q < nh && keep < 16; q++)
                    if (hits[q].kind == CAT_HIT_COLUMN &&
                        is_time(&c->tables[hits[q].table].columns[hits[q].column])) {
                        ml->c = xrealloc(ml->c, (keep + 1) * sizeof(*ml->c));
                        ml->c[keep].kind = LINK_COLUMN;
                        ml->c[keep].table = hits[q].table;
                        ml->c[keep].column = hits[q].column;
                        ml->c[keep].value = 0;
                        ml->c[keep].measure = -1;
                        ml->c[keep].score = hits[q].score;
                        ml->c[keep].why = "date column named by the verb";
                        keep++;
                    }
                free(hits);
                ml->nc = keep;
                time_link = (int)i;
                continue;
            }
        }
        /* a value is a filter, unless the words name a column or table as well as it does */
        if (vc && (!cc || vc->score >= cc->score) &&
            (!tc || vc->score > tc->score || t->v[lk->from].capital ||
             t->v[lk->from].kind == TOK_QUOTED)) {
            if (nvalue < 8)
                value_links[nvalue++] = (int)i;
            /* "how many (different) reptiles": the value's rows are what is counted */
            if (in.count && in.count_at != SIZE_MAX && lk->from >= in.count_at &&
                lk->from <= in.count_at + 1 && entity_link < 0 && value_entity < 0 &&
                c->tables[vc->table].key >= 0)
                value_entity = vc->table;
            continue;
        }
        if (cc && !vc && is_flag(&c->tables[cc->table].columns[cc->column])) {
            /* "students with learning disabilities": the flag is true (false when negated) */
            if (nflag < 4)
                flag_links[nflag++] = (int)i;
            continue;
        }
        if (cc && null_word_near(t, lk)) {
            if (nnull < 8)
                null_links[nnull++] = (int)i;
            continue;
        }
        if (cc && is_time(&c->tables[cc->table].columns[cc->column]) && !tc) {
            time_link = (int)i;
            continue;
        }
        if (tc && (!cc || tc->score >= cc->score)) {
            if (entity_link < 0 && value_entity >= 0 && !link_has_table(lk, value_entity)) {
                /* "reptiles (pets) that came in for a visit": the visits are where */
                if (fact_link < 0)
                    fact_link = (int)i;
                continue;
            }
            if (entity_link < 0 &&
                (in.count_at == SIZE_MAX || lk->from >= in.count_at || !in.count)) {
                entity_link = (int)i;
                entity_table = tc->table;
            } else if (fact_link < 0)
                fact_link = (int)i;
            continue;
        }
        if (mc && measure_link < 0) {
            measure_link = (int)i;
            continue;
        }
        if (cc) {
            const struct cat_column *col = &c->tables[cc->table].columns[cc->column];
            if (in.count && !in.how_much && lk->from <= in.count_at + 1 && measure_link < 0 &&
                is_measure(col) && col->agg == CAT_AGG_SUM && !tc) {
                /* "how many boxes were shipped": a quantity is summed */
                measure_link = (int)i;
                count_sum = 1;
                continue;
            }
            if (is_numeric(col) && !(col->roles & (CAT_ROLE_KEY | CAT_ROLE_FOREIGN_KEY)) &&
                !(col->roles & CAT_ROLE_GROUP_KEY) && measure_link < 0 &&
                !(in.share && in.verb_at != SIZE_MAX && lk->from > in.verb_at) &&
                !(in.count && !in.how_much && lk->from == in.count_at)) {
                measure_link = (int)i;
                continue;
            }
            /* "counting every status": a column over all its values is no filter */
            if (lk->from > 0 &&
                (tok_is(t, lk->from - 1, "every") || tok_is(t, lk->from - 1, "all") ||
                 tok_is(t, lk->from - 1, "any") || tok_is(t, lk->from - 1, "each")))
                continue;
            /* the counted column: "how many cities", "how many distinct emails"; not a word
               after a counted table ("how many customers cancelled") */
            if (entity_col_link < 0 && (in.count || in.distinct) &&
                (in.count_at == SIZE_MAX ||
                 (lk->from >= in.count_at && lk->from <= in.count_at + 1)) &&
                !(entity_link >= 0 && l->v[entity_link].to == lk->from && cc->score < 0.99)) {
                entity_col_link = (int)i;
                continue;
            }
            if (in.share && in.verb_at != SIZE_MAX && lk->from > in.verb_at && is_numeric(col)) {
                /* "what share of orders had a discount": a non-zero amount is the part */
                if (nnonzero < 4)
                    nonzero_links[nnonzero++] = (int)i;
                continue;
            }
            if (measure_link < 0 && is_numeric(col)) {
                measure_link = (int)i;
                continue;
            }
            /* "top 3 brands by revenue": a category ranked is the group */
            if ((in.rank_desc || in.rank_asc || in.limit) && !is_numeric(col) &&
                ngroup_links < PLAN_MAX_GROUPS) {
                group_links[ngroup_links++] = (int)i;
                continue;
            }
            /*
             * A column the question names with no role the plan can give it ("products out of
             * stock" read without the stock): dropping it would answer another question.
             */
            if (!roleless_link && cc->score >= 0.8 && !same_column_used(l, i, measure_link))
                roleless_link = lk;
            continue;
        }
        if (lk->nc && lk->c[0].kind == LINK_COLUMN && measure_link < 0) {
            measure_link = (int)i;
            continue;
        }
    }
    if (entity_link < 0 && value_entity >= 0)
        entity_table = value_entity;
    /* "top 5 products by revenue": the ranked entity is the group */
    if (!ngroup_links && entity_link >= 0 && (in.rank_desc || in.rank_asc || in.limit) &&
        cand_of(&l->v[entity_link], LINK_TABLE)->score >= 0.8 &&
        (money_link_pending(t) || measure_link >= 0 || nexpr)) {
        group_links[ngroup_links++] = entity_link;
        entity_link = -1;
        entity_table = -1;
    }
    /* money words with no column of their own: revenue, sales */
    for (i = 0; i < t->n; i++) {
        static const char *const mw[] = {"revenue", "revenues", "sales",  "sale",     "turnover",
                                         "sold",    "sell",     "earned", "earn",     "earnings",
                                         "paid",    "pay",      "spent",  "grossing", "grossed",
                                         "money",   "billed",   "bill",   "billing",  "worth",
                                         "charged", "income",   "made",   "make",     NULL};
        if (t->v[i].use == TOK_UNUSED && (tok_in(t, i, mw) || tok_is_money_verb(t->v[i].word))) {
            /* "what share of invoices were paid by card": a verb after the clause's verb is
               no amount to share; "how many customers are paying us": a verb of the counted
               noun asks for no amount either */
            if (money_link < 0 && !(in.share && in.verb_at != SIZE_MAX && i >= in.verb_at) &&
                !(in.count && !in.how_much && i > in.count_at + 1))
                money_link = (int)i;
            t->v[i].use = TOK_OPERATOR;
        }
        if (t->v[i].use == TOK_UNUSED && tok_is(t, i, "value") && i > 0 &&
            t->v[i - 1].use == TOK_LINKED) {
            if (money_link < 0)
                money_link = (int)i;
            t->v[i].use = TOK_OPERATOR;
        }
    }
    /* "did we invoice more", "what did we bill": a table's name used as a verb is its money */
    if (entity_link >= 0 && money_link < 0 && measure_link < 0 && !nexpr && !in.count &&
        l->v[entity_link].from > 0 &&
        (tok_is(t, l->v[entity_link].from - 1, "we") ||
         tok_is(t, l->v[entity_link].from - 1, "you") ||
         tok_is(t, l->v[entity_link].from - 1, "they")) &&
        money_column(c, cand_of(&l->v[entity_link], LINK_TABLE)->table, 0) >= 0)
        money_link = (int)l->v[entity_link].from;
    /* a verb of buying: a fact table of purchases is the one the entity acts in */
    for (i = 0; i < t->n; i++) {
        static const char *const buy[] = {"bought",   "buy",       "buys",    "purchased",
                                          "purchase", "purchases", "ordered", "shopped",
                                          "spent",    "spend",     NULL};
        if (t->v[i].use == TOK_UNUSED && tok_in(t, i, buy) && fact_link < 0) {
            struct cat_hit *hits = NULL;
            size_t nh = catalog_lookup(c, "order", &hits), k;
            for (k = 0; k < nh; k++)
                if (hits[k].kind == CAT_HIT_TABLE && fact_link < 0) {
                    /* a pseudo-link index: keep the table in needs below */
                    fact_link = -2 - hits[k].table;
                }
            free(hits);
            t->v[i].use = TOK_OPERATOR;
        }
    }

    /* ---- words not understood ---- */
    for (i = 0; i < t->n; i++) {
        struct token *k = &t->v[i];
        if (k->use != TOK_UNUSED)
            continue;
        if (k->kind == TOK_PUNCT || k->kind == TOK_ORDINAL)
            continue;
        if (k->kind == TOK_NUMBER) {
            /* a bare number nothing reads: say so rather than ignore it */
            if (!(in.limit && (int)k->num == in.limit)) {
                p->unknown = xrealloc(p->unknown, (p->nunknown + 1) * sizeof(*p->unknown));
                p->unknown[p->nunknown++] = xstrdup(k->text);
            }
            continue;
        }
        if (tok_is_function_word(k->word) || tok_is_operator(k->word))
            continue;
        /* "cancelled in 2024": the end of an event, dated by an end column (checked below) */
        if (ending_stem(k->word) && has_time_words(t)) {
            k->use = TOK_OPERATOR;
            ending_at = (int)i;
            continue;
        }
        /* a generic noun closing a named column: "satisfaction rating", "quality score" */
        if (i > 0 && t->v[i - 1].use == TOK_LINKED &&
            (tok_is(t, i, "rating") || tok_is(t, i, "ratings") || tok_is(t, i, "score") ||
             tok_is(t, i, "scores") || tok_is(t, i, "level") || tok_is(t, i, "levels") ||
             tok_is(t, i, "figure") || tok_is(t, i, "figures") || tok_is(t, i, "info") ||
             tok_is(t, i, "information") || tok_is(t, i, "details") || tok_is(t, i, "field")))
            continue;
        p->unknown = xrealloc(p->unknown, (p->nunknown + 1) * sizeof(*p->unknown));
        p->unknown[p->nunknown++] = xstrdup(k->text);
    }

    /* ---- needs: what the base table must reach ---- */
#define NEED_FROM_LINK(li, K)                                                                      \
    do {                                                                                           \
        const struct link *lk_ = &l->v[li];                                                        \
        size_t q_;                                                                                 \
        struct need *nd_ = &needs[nneeds];                                                         \
        nd_->n = 0;                                                                                \
        for (q_ = 0; q_ < lk_->nc; q_++)                                                           \
            if (lk_->c[q_].kind == (K) && lk_->c[q_].score >= lk_->c[0].score * 0.6)               \
                need_add(nd_, lk_->c[q_].table, lk_->c[q_].column);                                \
        if (nd_->n && nneeds < ARRAY_SIZE(needs))                                                  \
            nneeds++;                                                                              \
    } while (0)

    for (i = 0; i < (size_t)nvalue; i++)
        NEED_FROM_LINK(value_links[i], LINK_VALUE);
    for (i = 0; i < (size_t)nnull; i++)
        NEED_FROM_LINK(null_links[i], LINK_COLUMN);
    for (i = 0; i < (size_t)nnonzero; i++)
        NEED_FROM_LINK(nonzero_links[i], LINK_COLUMN);
    for (i = 0; i < (size_t)nflag; i++)
        NEED_FROM_LINK(flag_links[i], LINK_COLUMN);
    for (i = 0; i < (size_t)nexpr; i++)
        NEED_FROM_LINK(expr_links[i], LINK_COLUMN);
    if (cmp_link >= 0)
        NEED_FROM_LINK(cmp_link, LINK_COLUMN);
    if (when_link >= 0)
        NEED_FROM_LINK(when_link, LINK_COLUMN);
    if (measure_link >= 0) {
        if (cand_of(&l->v[measure_link], LINK_COLUMN)) {
            measure_need = (int)nneeds;
            NEED_FROM_LINK(measure_link, LINK_COLUMN);
            if ((size_t)measure_need == nneeds)
                measure_need = -1;
        }
    }
    for (i = 0; i < (size_t)ngroup_links; i++) {
        const struct link *lk = &l->v[group_links[i]];
        /* by a column, or by an entity (its table, reached by a join): whichever reaches */
        struct need *nd = &needs[nneeds];
        size_t q;
        nd->n = 0;
        for (q = 0; q < lk->nc; q++)
            if ((lk->c[q].kind == LINK_TABLE && lk->c[q].score >= 0.6 * lk->c[0].score) ||
                (lk->c[q].kind == LINK_COLUMN && lk->c[q].score >= 0.4))
                need_add(nd, lk->c[q].table, lk->c[q].kind == LINK_TABLE ? -1 : lk->c[q].column);
        if (nd->n && nneeds < ARRAY_SIZE(needs))
            nneeds++;
    }
    if (entity_col_link >= 0)
        NEED_FROM_LINK(entity_col_link, LINK_COLUMN);
    if (time_link >= 0)
        NEED_FROM_LINK(time_link, LINK_COLUMN);

    /* ---- the base table ---- */
    for (attempt = 0; attempt < 2 && p->base < 0; attempt++) {
        double best = -1;
        int fact = fact_link >= 0   ? cand_of(&l->v[fact_link], LINK_TABLE)->table
                   : fact_link < -1 ? -2 - fact_link
                                    : -1;
        int want_fact = fact >= 0 && entity_table >= 0 && fact != entity_table &&
                        fk_to(c, fact, entity_table) >= 0;
        int money_needed = money_link >= 0 && measure_link < 0 && nexpr == 0;

        for (i = 0; i < c->ntables; i++) {
            double s = base_score(c, (int)i, needs, nneeds, entity_table);
            if (s < 0)
                continue;
            if (want_fact && (int)i != fact)
                continue;
            if (fact >= 0 && !want_fact && (int)i == fact)
                s += 1;
            if (money_needed && money_column(c, (int)i, 0) < 0) {
                struct plan_measure m;
                memset(&m, 0, sizeof(m));
                if (derive_revenue(c, (int)i, &m) < 0)
                    continue;
                s -= 0.5;
            }
            if (in.count && entity_table < 0 && !nneeds && fact < 0)
                continue;
            /* with no entity and no amount, the table a value is at home in: one with a key */
            if (entity_table < 0 && !money_needed && measure_link < 0 && !nexpr &&
                c->tables[i].key >= 0)
                s += 1;
            if (entity_table >= 0 && (int)i != entity_table && !want_fact &&
                fk_to(c, (int)i, entity_table) < 0 && !nneeds)
                continue;
            if (s > best) {
                best = s;
                p->base = (int)i;
            }
        }
        if (p->base < 0) {
            if (entity_table >= 0 && !nneeds)
                p->base = entity_table;
        }
        if (want_fact)
            p->absent_fact = fact;
        /*
         * "revenue" named a column no table of the rest reaches (a film's revenue, asked of
         * transactions): read it as money of the table that holds the rest.
         */
        /* ... or one outside the table the question is about ("the bakery's revenue", when a film
         * table has the revenue column) */
        if (attempt == 0 && measure_need >= 0 &&
            is_money_word(t->v[l->v[measure_link].from].word) &&
            (p->base < 0 ||
             (entity_table >= 0 && p->base != entity_table &&
              (money_column(c, entity_table, 0) >= 0 || table_says_money(c, entity_table))))) {
            p->base = -1;
            memmove(&needs[measure_need], &needs[measure_need + 1],
                    (nneeds - (size_t)measure_need - 1) * sizeof(*needs));
            nneeds--;
            money_link = (int)l->v[measure_link].from;
            measure_link = -1;
            continue;
        }
        break;
    }
    if (p->base < 0) {
        if (!l->n)
            refuse(p, "no word of the question names a table, column or value of this warehouse");
        else
            refuse(p, "no table holds everything the question mentions together");
    }
    if (p->nunknown) {
        struct strbuf sb = STRBUF_INIT;
        for (i = 0; i < p->nunknown; i++)
            strbuf_addf(&sb, "%s'%s'", i ? ", " : "", p->unknown[i]);
        free(p->refusal);
        p->refusal = NULL;
        refuse(p, "%s %s not match anything in this warehouse", sb.buf,
               p->nunknown > 1 ? "do" : "does");
        strbuf_release(&sb);
    }
    if (!p->refusal && roleless_link) {
        const struct link_cand *rc = cand_of(roleless_link, LINK_COLUMN);
        refuse(p,
               "'%s' names %s.%s, but the question does not say what to do with it (filter "
               "it, group by it or add it up); ask again with that",
               roleless_link->phrase, c->tables[rc->table].relation,
               c->tables[rc->table].columns[rc->column].name);
    }
    if (p->refusal)
        return;

    /* ---- filling the frame against the base ---- */
    {
        const struct cat_table *base = &c->tables[p->base];
        struct plan_col pc;

        /* values -> filters; share: values after the clause's verb are the part */
        for (i = 0; i < (size_t)nvalue; i++) {
            const struct link *lk = &l->v[value_links[i]];
            const struct link_cand *best = NULL;
            int best_reach = 0;
            size_t q;
            for (q = 0; q < lk->nc; q++) {
                struct need one = {{{lk->c[q].table, lk->c[q].column}}, 1};
                int r;
                if (lk->c[q].kind != LINK_VALUE)
                    continue;
                r = reach(c, p->base, &one, &pc);
                if (r > best_reach ||
                    (r == best_reach && best && r &&
                     (c->tables[lk->c[q].table].columns[lk->c[q].column].roles &
                      CAT_ROLE_DIMENSION) &&
                     !(c->tables[best->table].columns[best->column].roles & CAT_ROLE_DIMENSION))) {
                    best_reach = r;
                    best = &lk->c[q];
                }
            }
            if (!best)
                continue;
            pc = place(c, p, (struct plan_col){best->table, best->column});
            filter_add(p, pc, F_EQ, plan_negated(t, lk),
                       c->tables[best->table].columns[best->column].values[best->value].text);
            if (in.share && lk->from > in.verb_at && in.verb_at != SIZE_MAX)
                p->filters[p->nfilters - 1].share_part = 1;
        }
        /* missing X -> IS NULL (zero or NULL for an amount); "without unknown X" -> NOT NULL */
        for (i = 0; i < (size_t)nnull; i++) {
            const struct link *lk = &l->v[null_links[i]];
            struct need nd = {{{0, 0}}, 0};
            size_t q;
            int neg = 0;
            column_need(lk, &nd);
            if (!reach(c, p->base, &nd, &pc))
                continue;
            pc = place(c, p, pc);
            for (q = lk->from > 4 ? lk->from - 4 : 0; q < lk->from; q++)
                if (tok_is(t, q, "leaving") || tok_is(t, q, "excluding") ||
                    tok_is(t, q, "ignoring") || tok_is(t, q, "exclude") ||
                    tok_is(t, q, "without") || tok_is(t, q, "except"))
                    neg = tok_is(t, q + 1, "out") || tok_is(t, q, "excluding") ||
                          tok_is(t, q, "ignoring") || tok_is(t, q, "exclude") ||
                          tok_is(t, q, "except") ||
                          (tok_is(t, q, "without") &&
                           (tok_is(t, q + 1, "unknown") || tok_is(t, q + 1, "missing")));
            if (is_numeric(col_of(c, pc)) && !neg)
                filter_add(p, pc, F_ZERO, 0, NULL);
            else
                filter_add(p, pc, neg ? F_NOT_NULL : F_NULL, 0, NULL);
            if (in.share && lk->from > in.verb_at && in.verb_at != SIZE_MAX)
                p->filters[p->nfilters - 1].share_part = 1;
        }
        for (i = 0; i < (size_t)nflag; i++) {
            struct need nd = {{{0, 0}}, 0};
            const struct link *lk = &l->v[flag_links[i]];
            column_need(lk, &nd);
            if (reach(c, p->base, &nd, &pc)) {
                pc = place(c, p, pc);
                filter_add(p, pc, F_EQ, 0,
                           plan_negated(t, lk) || null_word_near(t, lk) ? "false" : "true");
                if (in.share && lk->from > in.verb_at && in.verb_at != SIZE_MAX)
                    p->filters[p->nfilters - 1].share_part = 1;
            }
        }
        for (i = 0; i < (size_t)nnonzero; i++) {
            struct need nd = {{{0, 0}}, 0};
            const struct link *lk = &l->v[nonzero_links[i]];
            column_need(lk, &nd);
            if (reach(c, p->base, &nd, &pc)) {
                pc = place(c, p, pc);
                filter_add(p, pc, F_ZERO, !null_word_near(t, lk), NULL);
                p->filters[p->nfilters - 1].share_part = 1;
            }
        }
        if (when_link >= 0) {
            struct need nd = {{{0, 0}}, 0};
            int ev;
            column_need(&l->v[when_link], &nd);
            if (reach(c, p->base, &nd, &pc) &&
                (ev = event_column(c, pc.table, t->v[when_verb].word, pc.column)) >= 0) {
                pc = place(c, p, pc);
                filter_add(p, (struct plan_col){pc.table, ev}, F_CMP_COL, 0, NULL);
                snprintf(p->filters[p->nfilters - 1].cmp, 3, "%s", when_op);
                p->filters[p->nfilters - 1].other = pc;
                if (in.share)
                    p->filters[p->nfilters - 1].share_part = 1;
            }
        }
        if (cmp_link >= 0) {
            struct need nd = {{{0, 0}}, 0};
            const struct link *lk = &l->v[cmp_link];
            column_need(lk, &nd);
            if (reach(c, p->base, &nd, &pc)) {
                pc = place(c, p, pc);
                filter_add(p, pc, F_CMP, 0, NULL);
                snprintf(p->filters[p->nfilters - 1].cmp, 3, "%s", cmp_op);
                p->filters[p->nfilters - 1].num = cmp_num;
            }
        }

        /* the measure */
        if (nexpr >= 2) {
            for (i = 0; i < (size_t)nexpr; i++) {
                const struct link *lk = &l->v[expr_links[i]];
                struct need nd = {{{0, 0}}, 0};
                column_need(lk, &nd);
                if (!reach(c, p->base, &nd, &pc)) {
                    refuse(p, "'%s' is not in a table joined to %s", lk->phrase, base->relation);
                    return;
                }
                p->measure.cols[i] = place(c, p, pc);
                if (i)
                    p->measure.ops[i - 1] = expr_ops[i - 1];
            }
            p->measure.ncols = (size_t)nexpr;
            p->has_measure = 1;
            p->measure.money = is_money(col_of(c, p->measure.cols[0]));
        } else if (measure_link >= 0 && cand_of(&l->v[measure_link], LINK_MEASURE) &&
                   !cand_of(&l->v[measure_link], LINK_COLUMN) &&
                   (learned = link_measure_row_expression(
                        &c->measures[cand_of(&l->v[measure_link], LINK_MEASURE)->measure]))) {
            p->measure.learned = learned;
            p->has_measure = 1;
        } else if (measure_link >= 0) {
            const struct link *lk = &l->v[measure_link];
            struct need nd = {{{0, 0}}, 0};
            column_need(lk, &nd);
            if (reach(c, p->base, &nd, &pc)) {
                p->measure.cols[0] = place(c, p, pc);
                p->measure.ncols = 1;
                p->has_measure = 1;
                p->measure.money = is_money(col_of(c, pc));
            }
        } else if (!in.count && !in.distinct && !in.share && !when_q && entity_table == p->base &&
                   table_says_money(c, p->base) && money_column(c, p->base, 0) >= 0) {
            /* "total widget sales": the table is named for the money it records */
            p->measure.cols[0] = (struct plan_col){p->base, money_column(c, p->base, 0)};
            p->measure.ncols = 1;
            p->measure.money = 1;
            p->has_measure = 1;
        } else if (money_link >= 0 || in.cheapest || in.priciest ||
                   (in.how_much && !in.count && !count_sum && !span_unit) ||
                   ((in.max || in.min) && !in.count && !span_unit && !when_q &&
                    entity_table == p->base && money_column(c, p->base, 0) >= 0)) {
            int col = -1;
            if (in.cheapest || in.priciest) {
                col = measure_named(c, p->base, "price", 0);
                if (col < 0)
                    col = measure_named(c, p->base, "cost", 0);
            } else
                col = money_column(c, p->base, p->per_line);
            if (col >= 0) {
                p->measure.cols[0] = (struct plan_col){p->base, col};
                p->measure.ncols = 1;
                p->measure.money = 1;
                p->has_measure = 1;
            } else if (derive_revenue(c, p->base, &p->measure) == 0) {
                p->has_measure = 1;
                add_note(p, "no amount is stored, so revenue is %s x %s%s, computed per row",
                         col_of(c, p->measure.cols[0])->name, col_of(c, p->measure.cols[1])->name,
                         p->measure.ncols > 2 ? p->measure.ops[1] == '&' ? " x (1 - discount / 100)"
                                                                         : " x (1 - discount)"
                                              : "");
            } else {
                refuse(p, "%s has no amount, price or quantity to add up as revenue",
                       base->relation);
                return;
            }
        }
        if (p->has_measure && !p->measure.learned) {
            const struct cat_column *m0 = col_of(c, p->measure.cols[0]);
            struct strbuf lab = STRBUF_INIT;
            p->measure.repeated = p->measure.ncols == 1 && m0->repeated_within >= 0 &&
                                  p->measure.cols[0].table == p->base;
            for (i = 0; i < p->measure.ncols; i++) {
                if (i)
                    strbuf_addstr(&lab, p->measure.ops[i - 1] == '*'   ? " x "
                                        : p->measure.ops[i - 1] == '-' ? " - "
                                        : p->measure.ops[i - 1] == '+' ? " + "
                                        : p->measure.ops[i - 1] == '/' ? " / "
                                                                       : " x (1 - ");
                strbuf_addstr(&lab, col_of(c, p->measure.cols[i])->name);
                if (i && p->measure.ops[i - 1] == '%')
                    strbuf_addch(&lab, ')');
            }
            if (money_link >= 0 && measure_link < 0 && nexpr < 2 &&
                (t->v[money_link].word[0] == 'r' || t->v[money_link].word[0] == 's' ||
                 t->v[money_link].word[0] == 't')) {
                /* say the word the question used, and what it was read as */
                char *w = xstrfmt("%s (%s)", t->v[money_link].word, lab.buf);
                strbuf_release(&lab);
                p->measure.label = w;
            } else
                p->measure.label = strbuf_detach(&lab, NULL);
        } else if (p->has_measure)
            p->measure.label = xstrdup(p->measure.learned);

        /* time: the range applies to the base's main time column, or the one named */
        if (time_link >= 0) {
            struct need nd = {{{0, 0}}, 0};
            const struct link *lk = &l->v[time_link];
            column_need(lk, &nd);
            if (reach(c, p->base, &nd, &pc))
                p->time_col = place(c, p, pc);
            /* "not closed yet": an event that has not happened is a NULL time */
            if (plan_negated(t, lk) || (lk->to < t->n && tok_is(t, lk->to, "yet"))) {
                filter_add(p, p->time_col, F_NULL, 0, NULL);
                p->time_col.table = -1;
            } else if (!has_time_words(t) && !when_q && !span_unit && p->time_col.table >= 0 &&
                       col_of(c, p->time_col)->null_fraction > 0) {
                /* "ended subscriptions": the event happened, its date is set */
                filter_add(p, p->time_col, F_NOT_NULL, 0, NULL);
                p->time_col.table = -1;
            }
        }
        if (p->time_col.table < 0 && has_time_words(t)) {
            /* "customers who cancelled in 2024": the period is of the ending, not the start */
            int tc = ending_time(c, p->base, t);
            if (tc >= 0)
                p->time_col = (struct plan_col){p->base, tc};
            else if (ending_at >= 0) {
                refuse(p, "'%s' does not match anything in %s: it records no end date",
                       t->v[ending_at].text, base->relation);
                return;
            }
        }
        if (p->time_col.table < 0) {
            int tc = main_time(c, p->base);
            if (tc >= 0)
                p->time_col = (struct plan_col){p->base, tc};
        }

        /* the time between two events of a row: from its start to its end */
        if (span_unit && !p->has_measure) {
            int from, to;
            event_span(c, p->base, &from, &to);
            if (p->time_col.table == p->base && time_link >= 0) {
                const struct cat_column *named = &base->columns[p->time_col.column];
                if (end_like(named) || !start_like(named))
                    to = p->time_col.column;
                else
                    from = p->time_col.column;
            }
            if (from < 0 || to < 0 || from == to) {
                refuse(p, "%s has no two dates to measure the time between", base->relation);
                return;
            }
            p->measure.span = 1;
            p->measure.span_from = (struct plan_col){p->base, from};
            p->measure.span_to = (struct plan_col){p->base, to};
            p->measure.span_unit = span_unit;
            p->measure.span_unit_name = span_unit_name;
            p->measure.cols[0] = p->measure.span_to;
            p->measure.ncols = 1;
            p->has_measure = 1;
            p->time_col = p->measure.span_from;
            filter_add(p, p->measure.span_to, F_NOT_NULL, 0, NULL);
            free(p->measure.label);
            p->measure.label = xstrfmt("%s from %s to %s", span_unit_name, base->columns[from].name,
                                       base->columns[to].name);
        }
        /* "when did ...": the earliest or latest date */
        if (when_q && !p->has_measure && p->time_col.table >= 0) {
            p->measure.cols[0] = p->time_col;
            p->measure.ncols = 1;
            p->has_measure = 1;
            for (i = 0; i < t->n; i++)
                if (tok_is(t, i, "first") || tok_is(t, i, "earliest") || tok_is(t, i, "oldest")) {
                    in.min = 1;
                    t->v[i].use = TOK_OPERATOR;
                }
            if (!in.min)
                in.max = 1;
            in.count = 0;
            free(p->measure.label);
            p->measure.label = xstrdup(col_of(c, p->time_col)->name);
        }
        /*
         * "still open", "right now", "current": rows whose end is not recorded yet; "still"
         * is refused when the table records no end, "now" then says nothing
         */
        if (still_at >= 0 || now_at >= 0) {
            int end = open_end(base);
            if (end >= 0) {
                filter_add(p, (struct plan_col){p->base, end}, F_NULL, 0, NULL);
                if (still_at < 0)
                    add_note(p, "'%s' is read as %s not set yet: what is still in effect",
                             t->v[now_at].text, base->columns[end].name);
            } else if (still_at >= 0) {
                refuse(p, "%s records no end of its events to tell what is still going on",
                       base->relation);
                return;
            }
        }

        /* the entity counted */
        if (entity_col_link >= 0) {
            struct need nd = {{{0, 0}}, 0};
            const struct link *lk = &l->v[entity_col_link];
            column_need(lk, &nd);
            if (reach(c, p->base, &nd, &pc)) {
                p->entity = place(c, p, pc);
                p->entity_label = xstrdup(lk->phrase);
            }
        } else if (p->absent_fact >= 0) {
            int j0 = fk_to(c, p->absent_fact, entity_table);
            p->entity_label = table_label(c, entity_table);
            if (in.negated_any) {
                p->kind = PLAN_ABSENT;
                p->absent_fk = (struct plan_col){p->absent_fact, c->joins[j0].from_column};
                p->base = entity_table;
                if (p->time_col.table >= 0 && p->time_col.table != entity_table) {
                    p->time_col.table = -1;
                }
            } else {
                p->entity = (struct plan_col){p->absent_fact, c->joins[j0].from_column};
                if (!in.on_average)
                    in.distinct = 1;
            }
        } else if (entity_table >= 0) {
            p->entity_label = table_label(c, entity_table);
            if (entity_table != p->base) {
                int j0 = fk_to(c, p->base, entity_table);
                if (j0 >= 0)
                    p->entity = (struct plan_col){p->base, c->joins[j0].from_column};
            } else if (base->key < 0 && !p->per_line) {
                int g = group_of(c, p->base);
                if (g >= 0) {
                    set_identity(c, p, p->base, g);
                    p->entity = p->identity[0];
                }
            }
        }
        if (!p->entity_label)
            p->entity_label = table_label(c, p->base);

        /* group-bys */
        for (i = 0; i < (size_t)ngroup_links && p->ngroups < PLAN_MAX_GROUPS; i++) {
            const struct link *lk = &l->v[group_links[i]];
            const struct link_cand *tc = cand_of(lk, LINK_TABLE), *cc = cand_of(lk, LINK_COLUMN);
            struct need nd = {{{0, 0}}, 0};
            size_t q;
            struct need tn = {{{0, 0}}, 0};
            int rc = 0, rt = 0;
            struct plan_col tpc = {-1, -1};
            for (q = 0; q < lk->nc; q++) {
                if (lk->c[q].score < (lk->c[q].kind == LINK_COLUMN ? 0.4 : 0.6 * lk->c[0].score))
                    continue;
                if (lk->c[q].kind == LINK_COLUMN)
                    need_add(&nd, lk->c[q].table, lk->c[q].column);
                else if (lk->c[q].kind == LINK_TABLE)
                    need_add(&tn, lk->c[q].table, -1);
            }
            rc = nd.n ? reach(c, p->base, &nd, &pc) : 0;
            rt = tn.n ? reach(c, p->base, &tn, &tpc) : 0;
            /* the table when it reaches better, or as well and its name is the better match */
            if (rt > rc || (rt && rt == rc && tc && (!cc || tc->score > cc->score))) {
                cc = NULL;
                if (!tc)
                    tc = cand_of(lk, LINK_TABLE);
            } else
                tc = NULL;
            if (rc && !tc) {
                struct plan_col g = place(c, p, pc);
                const struct cat_column *gc = col_of(c, g);
                /* by an id: the name it stands for, fetched through the join */
                if (gc->ref_table >= 0 && (gc->roles & (CAT_ROLE_FOREIGN_KEY | CAT_ROLE_KEY))) {
                    int nm = name_column(c, gc->ref_table, NULL);
                    if (nm >= 0 && forward_path(c, g.table, gc->ref_table, (int[2]){0, 0}) > 0) {
                        use_path(c, p, g.table == p->base ? p->base : g.table, gc->ref_table);
                        g = (struct plan_col){gc->ref_table, nm};
                    }
                }
                p->groups[p->ngroups++] = g;
            } else if (tc) {
                /* by an entity: its name, on the base when the base carries it */
                char *stem = vocab_key(lk->phrase);
                int nc = name_column(c, p->base, stem);
                if (nc >= 0 && col_word(&base->columns[nc], stem))
                    p->groups[p->ngroups++] = (struct plan_col){p->base, nc};
                else {
                    for (q = 0; q < lk->nc; q++) {
                        int e = lk->c[q].table, n2;
                        if (lk->c[q].kind != LINK_TABLE ||
                            forward_path(c, p->base, e, (int[2]){0, 0}) < 0)
                            continue;
                        n2 = name_column(c, e, stem);
                        if (n2 < 0)
                            n2 = c->tables[e].key;
                        if (n2 >= 0) {
                            use_path(c, p, p->base, e);
                            p->groups[p->ngroups++] = (struct plan_col){e, n2};
                            break;
                        }
                    }
                }
                free(stem);
            }
        }
        /* "who was our first customer": the entity's rows ranked by the date they began */
        if (chrono && !p->has_measure && !in.count && !when_q && !p->ngroups && entity_link >= 0 &&
            (int)l->v[entity_link].from == chrono_to && entity_table >= 0 &&
            entity_table == p->base && c->tables[p->base].key >= 0 && main_time(c, p->base) >= 0) {
            p->measure.cols[0] = (struct plan_col){p->base, main_time(c, p->base)};
            p->measure.ncols = 1;
            p->has_measure = 1;
            free(p->measure.label);
            p->measure.label = xstrdup(col_of(c, p->measure.cols[0])->name);
            in.min = in.rank_asc = chrono < 0;
            in.max = in.rank_desc = chrono > 0;
            if (!in.limit) { /* "our first customer": one; "our newest customers": ten */
                const char *w = t->v[chrono_to].word;
                size_t n = strlen(w);
                in.limit = n > 2 && w[n - 1] == 's' && w[n - 2] != 's' ? 10 : 1;
            }
        }
        /* "the cheapest product", "the highest grossing movie": rank the entity's rows */
        if ((in.cheapest || in.priciest || ((in.max || in.min) && p->has_measure)) && !p->ngroups &&
            entity_table >= 0 && entity_table == p->base && c->tables[p->base].key >= 0 &&
            !in.count && !when_q) {
            char *stem = table_label(c, entity_table), *key = vocab_key(stem);
            int nc = name_column(c, p->base, key);
            if (nc >= 0)
                p->groups[p->ngroups++] = (struct plan_col){p->base, nc};
            free(stem);
            free(key);
        }
    }

    /* relative periods end at the latest date of the time column the plan reads */
    {
        struct plan_col tc = p->time_col;
        int anchor = today;
        if (tc.table >= 0 && col_of(c, tc)->anchor)
            days_parse(col_of(c, tc)->anchor, &anchor);
        for (i = 0; i < t->n; i++)
            if (t->v[i].use == TOK_TIME)
                t->v[i].use = TOK_UNUSED;
        timex_find(t, anchor, today, &p->time);
    }
    if (p->time.grain)
        p->grain = p->time.grain;
    if ((p->time.nranges || p->grain || p->time.future) && p->time_col.table < 0) {
        refuse(p, "%s has no date or time column for the period the question names",
               c->tables[p->base].relation);
        return;
    }
    if (p->time.nranges == 2 && !in.compare) {
        /* "from 2023 to 2024", "between March and May": one span */
        struct time_range r = p->time.r[0];
        r.to = p->time.r[1].to > r.to ? p->time.r[1].to : r.to;
        char label[160];
        snprintf(label, sizeof(label), "%s to %s", p->time.r[0].label, p->time.r[1].label);
        time_label(&r, label);
        p->time.r[0] = r;
        p->time.nranges = 1;
    }

    /* what is computed */
    if (count_sum) {
        in.count = 0;
        in.sum = 1;
    }
    if (in.median)
        p->op = OP_MEDIAN;
    else if (in.avg && !in.count)
        p->op = OP_AVG;
    else if (in.max && p->has_measure && !in.count && !p->ngroups && !p->grain)
        p->op = OP_MAX;
    else if (in.min && p->has_measure && !in.count && !p->ngroups && !p->grain)
        p->op = OP_MIN;
    else if (p->has_measure && !in.count) {
        const struct cat_column *m0 = p->measure.learned ? NULL : col_of(c, p->measure.cols[0]);
        p->op = OP_SUM;
        if (m0 && p->measure.ncols == 1 && m0->agg == CAT_AGG_AVG && !in.sum && !in.how_much &&
            money_link < 0)
            p->op = OP_AVG;
        if (in.cheapest)
            p->op = OP_MIN;
        if (in.priciest)
            p->op = OP_MAX;
    } else if (p->entity.table >= 0 && (in.distinct || p->nidentity || in.count || 1))
        p->op = OP_COUNT_DISTINCT;
    else
        p->op = OP_COUNT;
    if (p->entity.table >= 0 && p->entity.table == p->base && !in.distinct && !p->nidentity &&
        c->tables[p->base].key == p->entity.column)
        p->op = OP_COUNT;
    if (p->op == OP_COUNT_DISTINCT && p->entity.table < 0)
        p->op = OP_COUNT;
    /* an average or a median of what? Never of a column the question does not name */
    if (!p->has_measure && (p->op == OP_AVG || p->op == OP_MEDIAN) && !in.count) {
        const struct cat_table *bt = &c->tables[p->base];
        struct strbuf why = STRBUF_INIT;
        size_t n = 0;
        strbuf_addf(&why, "the question asks for %s but names no number to take it of",
                    p->op == OP_AVG ? "an average" : "a median");
        for (i = 0; i < bt->ncolumns && n < 4; i++)
            if (bt->columns[i].roles & CAT_ROLE_MEASURE)
                strbuf_addf(&why, "%s%s", n++ ? ", " : " (", bt->columns[i].name);
        if (n)
            strbuf_addf(&why, " in %s)", bt->relation);
        refuse(p, "%s", why.buf);
        strbuf_release(&why);
        return;
    }
    /* a date is never added up: the latest one (the earliest when asked) */
    if (p->has_measure && !p->measure.learned && !p->measure.span &&
        is_time(col_of(c, p->measure.cols[0])) &&
        (p->op == OP_SUM || p->op == OP_AVG || p->op == OP_MEDIAN))
        p->op = in.min ? OP_MIN : OP_MAX;

    p->kind = p->kind == PLAN_ABSENT ? PLAN_ABSENT : PLAN_AGGREGATE;
    if (p->kind != PLAN_ABSENT) {
        if (in.compare && p->time.nranges == 2)
            p->kind = PLAN_COMPARE;
        else if (in.share) {
            int part = 0;
            for (i = 0; i < p->nfilters; i++)
                part |= p->filters[i].share_part;
            if (!part && p->nfilters)
                p->filters[p->nfilters - 1].share_part = 1;
            if (p->nfilters)
                p->kind = PLAN_SHARE;
        } else if (in.avg && in.count) {
            /* "how many items does an order have on average", "orders per customer" */
            int other = fact_link >= 0 ? cand_of(&l->v[fact_link], LINK_TABLE)->table : -1;
            int j0 = other >= 0 ? fk_to(c, p->base, other) : -1;
            if (j0 >= 0 && p->entity.table >= 0) {
                p->kind = PLAN_RATIO;
                p->absent_fk = (struct plan_col){p->base, c->joins[j0].from_column};
                free(p->entity_label);
                p->entity_label = table_label(c, entity_table >= 0 ? entity_table : p->base);
            } else {
                int g = group_of(c, p->base);
                if (g >= 0) {
                    p->kind = PLAN_PER_GROUP;
                    set_identity(c, p, p->base, g);
                    p->per_line = 1;
                }
            }
        }
    }
    /* "the average invoice worth": an amount summed per invoice, then averaged */
    if (p->kind == PLAN_AGGREGATE && p->op == OP_AVG && p->has_measure && !p->measure.repeated &&
        !p->measure.span && entity_table == p->base && c->tables[p->base].key < 0 && !p->ngroups &&
        !p->grain && !p->per_line && group_of(c, p->base) >= 0) {
        p->kind = PLAN_PER_GROUP;
        set_identity(c, p, p->base, group_of(c, p->base));
    }
    if (p->kind == PLAN_AGGREGATE && (p->ngroups || p->grain)) {
        p->order_desc = in.rank_desc;
        p->order_asc = in.rank_asc && !in.rank_desc;
        p->limit = in.limit;
        p->rank_named = in.first_listed || in.rank_desc || in.rank_asc;
        if (in.cheapest || in.priciest) {
            p->order_asc = in.cheapest;
            p->order_desc = in.priciest;
            p->rank_named = 1;
        }
    }
    if (p->has_measure && p->measure.repeated && !p->nidentity) {
        const struct cat_table *bt = &c->tables[p->base];
        int rw = bt->columns[p->measure.cols[0].column].repeated_within;
        for (i = 0; i < bt->ngroupings; i++)
            if (bt->groupings[i].column == rw)
                set_identity(c, p, p->base, (int)i);
    }
    if (in.count && p->per_line && p->kind == PLAN_AGGREGATE && p->op == OP_COUNT_DISTINCT &&
        p->nidentity) {
        p->op = OP_COUNT;
        p->entity.table = -1;
        p->nidentity = 0;
    }
}

void plan_release(struct plan *p)
{
    size_t i;

    for (i = 0; i < p->nfilters; i++)
        strv_free(p->filters[i].values, p->filters[i].nvalues);
    free(p->measure.label);
    free(p->measure.learned);
    free(p->entity_label);
    strv_free(p->notes, p->nnotes);
    strv_free(p->unknown, p->nunknown);
    free(p->refusal);
    memset(p, 0, sizeof(*p));
}
