/*
 * Links: spans of a question's content words matched against the catalog (tables, columns,
 * values from the value index, measures learned from known-good SQL, and the thesaurus),
 * longest span first, each with its candidates, scores and the reason they matched.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyst/plan.h"
#include "catalog/catalog.h"
#include "catalog/names.h"
#include "catalog/sqlscan.h"
#include "catalog/vocab.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define MAX_SPAN 4

static int linkable(const struct token *k)
{
    return k->use == TOK_UNUSED &&
           (k->kind == TOK_QUOTED || (k->kind == TOK_WORD && !tok_is_money_verb(k->word)));
}

/* May a span start or end at token k? Not on a function or operator word. */
static int edge_ok(const struct token *k)
{
    return k->kind == TOK_QUOTED || (!tok_is_function_word(k->word) && !tok_is_operator(k->word));
}

/* A span may end on a verb's particle: "signed up", "checked out". */
static int end_ok(const struct token *k)
{
    return edge_ok(k) || !strcmp(k->word, "up") || !strcmp(k->word, "out");
}

static const char *why_of(const struct cat_hit *h)
{
    int thesaurus = h->score < 0.99 && h->score != 0.5;

    switch (h->kind) {
    case CAT_HIT_TABLE: return thesaurus ? "table name (thesaurus)" : "table name";
    case CAT_HIT_COLUMN:
        return h->score <= 0.5 ? "word of a column name"
               : thesaurus     ? "column name (thesaurus)"
                               : "column name";
    case CAT_HIT_VALUE:
        return thesaurus ? "value in the data (other spelling)" : "value in the data";
    case CAT_HIT_MEASURE: return "measure in known-good SQL";
    }
    return "";
}

char *link_measure_row_expression(const struct cat_measure *m)
{
    struct sql_facts f;
    struct strbuf sql = STRBUF_INIT;
    const char *e = m->expression;
    size_t n = strlen(e);
    char *out = NULL;

    if (m->table < 0 || n < 6 || strncasecmp(e, "sum(", 4) || e[n - 1] != ')')
        return NULL;
    strbuf_addf(&sql, "SELECT %s", e);
    sql_scan(sql.buf, &f);
    if (f.naggregates == 1 && !f.aggregates[0].distinct && f.nitems == 1 &&
        !strcmp(f.aggregates[0].func, "sum") && !strchr(f.aggregates[0].arg, '.') &&
        strlen(f.aggregates[0].arg) + 5 == strlen(f.items[0].expr))
        out = xstrdup(f.aggregates[0].arg);
    sql_facts_release(&f);
    strbuf_release(&sql);
    return out;
}

/*
 * Keeps the hits a span of n tokens may stand for: a span of several words must be a whole
 * name, value or synonym (not one word of a longer name); values must be whole values.
 */
static size_t keep_hits(const struct catalog *cat, const struct cat_hit *h, size_t nh, size_t n,
                        int quoted, struct link_cand **out)
{
    struct link_cand *c = NULL;
    size_t i, nc = 0, alloc = 0;

    for (i = 0; i < nh; i++) {
        if (h[i].kind == CAT_HIT_MEASURE) {
            /*
             * a learned measure is named whole ("line revenue", not "revenue" alone), and one
             * the plan cannot use must not hide the columns it could
             */
            char *row =
                h[i].score < 0.6 ? NULL : link_measure_row_expression(&cat->measures[h[i].measure]);
            free(row);
            if (!row)
                continue;
        }
        /* several words must be a whole name, or a phrase of the thesaurus ("signed up") */
        if (n > 1 && h[i].score < 0.6 && !(h[i].kind == CAT_HIT_COLUMN && h[i].score >= 0.39))
            continue;
        if (h[i].kind == CAT_HIT_VALUE && h[i].score < 0.6)
            continue;
        if (quoted && h[i].kind != CAT_HIT_VALUE)
            continue;
        ALLOC_GROW(c, nc + 1, alloc);
        c[nc].kind = h[i].kind == CAT_HIT_TABLE    ? LINK_TABLE
                     : h[i].kind == CAT_HIT_COLUMN ? LINK_COLUMN
                     : h[i].kind == CAT_HIT_VALUE  ? LINK_VALUE
                                                   : LINK_MEASURE;
        c[nc].table = h[i].table;
        c[nc].column = h[i].column;
        c[nc].value = h[i].value;
        c[nc].measure = h[i].measure;
        c[nc].score = h[i].score;
        c[nc].why = why_of(&h[i]);
        nc++;
    }
    *out = c;
    return nc;
}

/* Appends a link over tokens [from, to) with its candidates (both now the links'). */
static void add_link(struct links *out, size_t *alloc, size_t from, size_t to, char *phrase,
                     struct link_cand *c, size_t nc, int negated)
{
    ALLOC_GROW(out->v, out->n + 1, *alloc);
    out->v[out->n].from = from;
    out->v[out->n].to = to;
    out->v[out->n].phrase = phrase;
    out->v[out->n].c = c;
    out->v[out->n].nc = nc;
    out->v[out->n].negated = negated;
    out->n++;
}

/*
 * Links token i alone when the catalog has exactly its name as a candidate of kind (a value,
 * a column): for words that are otherwise function or operator words.
 */
static void link_exact(const struct catalog *c, struct tokens *t, size_t i, enum link_kind kind,
                       struct links *out, size_t *alloc)
{
    struct token *k = &t->v[i];
    struct cat_hit *hits = NULL;
    struct link_cand *cands;
    size_t nh = catalog_lookup(c, k->text, &hits), nc, q, keep = 0;

    nc = keep_hits(c, hits, nh, 1, 0, &cands);
    free(hits);
    for (q = 0; q < nc; q++)
        if (cands[q].kind == kind && cands[q].score >= 0.99)
            cands[keep++] = cands[q];
    if (!keep || out->n >= LINKS_MAX) {
        free(cands);
        return;
    }
    add_link(out, alloc, i, i + 1, xstrdup(k->text), cands, keep, 0);
    k->use = TOK_LINKED;
}

/*
 * A column named by words that usually say what is asked or when ("daily rate", "average
 * price", "monthly fee", "billing period"): the whole name, written out in the question,
 * names the column, and its words are not read as an operator, a money verb or a time grain. Spans
 * of two words or more whose every hit is not exactly a column are left to the usual reading.
 */
static void link_column_phrases(const struct catalog *c, struct tokens *t, struct links *out,
                                size_t *alloc)
{
    size_t len, i, j;

    for (len = MAX_SPAN; len >= 2; len--)
        for (i = 0; i + len <= t->n; i++) {
            struct strbuf phrase = STRBUF_INIT;
            struct cat_hit *hits = NULL;
            struct link_cand *cands;
            size_t nh, nc, q, keep = 0;
            int ok = 1, claimed = 0;

            for (j = i; j < i + len && ok; j++) {
                ok = t->v[j].kind == TOK_WORD && t->v[j].use != TOK_LINKED;
                claimed |= t->v[j].use == TOK_TIME || tok_is_operator(t->v[j].word) ||
                           tok_is_money_verb(t->v[j].word);
            }
            if (!ok || !claimed || tok_is_function_word(t->v[i].word) ||
                tok_is_function_word(t->v[i + len - 1].word))
                continue;
            for (j = i; j < i + len; j++)
                strbuf_addf(&phrase, "%s%s", j > i ? " " : "", t->v[j].text);
            nh = catalog_lookup(c, phrase.buf, &hits);
            nc = keep_hits(c, hits, nh, len, 0, &cands);
            free(hits);
            for (q = 0; q < nc; q++)
                if (cands[q].kind == LINK_COLUMN && cands[q].score >= 0.99)
                    cands[keep++] = cands[q];
            if (!keep || out->n >= LINKS_MAX) {
                free(cands);
                strbuf_release(&phrase);
                continue;
            }
            add_link(out, alloc, i, i + len, strbuf_detach(&phrase, NULL), cands, keep, 0);
            for (j = i; j < i + len; j++)
                t->v[j].use = TOK_LINKED;
        }
}

/* Does the word name a column col of table tab, whole or as one word of its name? */
static int names_column(const struct catalog *c, const char *word, int tab, int col)
{
    struct cat_hit *hits = NULL;
    size_t nh = catalog_lookup(c, word, &hits), i;
    int yes = 0;

    for (i = 0; i < nh && !yes; i++)
        yes = hits[i].kind == CAT_HIT_COLUMN && hits[i].table == tab && hits[i].column == col &&
              hits[i].score >= 0.39;
    free(hits);
    return yes;
}

/*
 * A value beside its column's name ("annual billing" when billing_period holds 'annual'):
 * the pair is that value, even when the value's word usually says when or what is asked.
 */
static void link_value_by_its_column(const struct catalog *c, struct tokens *t, struct links *out,
                                     size_t *alloc)
{
    size_t i, side;

    for (i = 0; i + 1 < t->n; i++)
        for (side = 0; side < 2; side++) {
            struct token *v = &t->v[i + side], *name = &t->v[i + 1 - side];
            struct cat_hit *hits = NULL;
            struct link_cand *cands;
            size_t nh, nc, q, keep = 0;

            if (v->kind != TOK_WORD || name->kind != TOK_WORD || v->use == TOK_LINKED ||
                name->use == TOK_LINKED ||
                !(v->use == TOK_TIME || tok_is_operator(v->word) || tok_is_operator(name->word)) ||
                tok_is_function_word(name->word))
                continue;
            nh = catalog_lookup(c, v->text, &hits);
            nc = keep_hits(c, hits, nh, 1, 0, &cands);
            free(hits);
            for (q = 0; q < nc; q++)
                if (cands[q].kind == LINK_VALUE && cands[q].score >= 0.99 &&
                    names_column(c, name->text, cands[q].table, cands[q].column))
                    cands[keep++] = cands[q];
            if (!keep || out->n >= LINKS_MAX) {
                free(cands);
                continue;
            }
            add_link(out, alloc, i, i + 2, xstrfmt("%s %s", t->v[i].text, t->v[i + 1].text), cands,
                     keep, 0);
            v->use = name->use = TOK_LINKED;
            break;
        }
}

/* Rows of people reached by email or phone, with their names, that other tables point to. */
static int people_table(const struct catalog *c, size_t t)
{
    const struct cat_table *tab = &c->tables[t];
    int contact = 0, named = 0, pointed = 0;
    size_t i;

    if (tab->key < 0)
        return 0;
    for (i = 0; i < tab->ncolumns; i++) {
        const struct cat_column *col = &tab->columns[i];
        contact |= col->pattern == CAT_PAT_EMAIL || col->pattern == CAT_PAT_PHONE;
        named |= col->pattern == CAT_PAT_PERSON_NAME ||
                 (col->roles & CAT_ROLE_PII && col->type == WH_T_TEXT &&
                  (cat_words_have(col->words, col->nwords, "first") ||
                   cat_words_have(col->words, col->nwords, "last")));
    }
    for (i = 0; i < c->njoins; i++)
        pointed |= c->joins[i].to_table == (int)t && c->joins[i].from_table != (int)t;
    return contact && named && pointed;
}

/*
 * "clients", "customers", "buyers" when no table is named so: the people the business serves
 * are the one kind of person table the warehouse has (its copies in several layers share a
 * key's name). Two kinds (customers and employees) leave the word unread.
 */
static void link_customers(const struct catalog *c, struct tokens *t, struct links *out,
                           size_t *alloc)
{
    static const char *const words[] = {"customer", "customers", "client",  "clients",
                                        "buyer",    "buyers",    "shopper", "shoppers",
                                        "patron",   "patrons",   NULL};
    struct link_cand *cands = NULL;
    size_t i, k, nc = 0, alloc_c = 0;
    const char *key = NULL;

    for (i = 0; i < t->n; i++)
        if (t->v[i].use == TOK_UNUSED && tok_in(t, i, words))
            break;
    if (i == t->n || out->n >= LINKS_MAX)
        return;
    for (k = 0; k < c->ntables; k++) {
        const struct cat_table *tab = &c->tables[k];
        if (!people_table(c, k))
            continue;
        if (key && strcmp(key, tab->columns[tab->key].name)) {
            free(cands);
            return; /* two kinds of people */
        }
        key = tab->columns[tab->key].name;
        ALLOC_GROW(cands, nc + 1, alloc_c);
        memset(&cands[nc], 0, sizeof(cands[nc]));
        cands[nc].kind = LINK_TABLE;
        cands[nc].table = (int)k;
        cands[nc].column = -1;
        cands[nc].score = 0.6;
        cands[nc].why = "the people it serves (names, email or phone)";
        nc++;
    }
    if (!nc)
        return;
    add_link(out, alloc, i, i + 1, xstrdup(t->v[i].text), cands, nc, 0);
    t->v[i].use = TOK_LINKED;
}

/*
 * "unpaid", "unshipped", "unresolved": un- before a whole value of the data is that value,
 * negated.
 */
static void link_negated_values(const struct catalog *c, struct tokens *t, struct links *out,
                                size_t *alloc)
{
    size_t i, q, keep;

    for (i = 0; i < t->n && out->n < LINKS_MAX; i++) {
        struct token *k = &t->v[i];
        struct cat_hit *hits = NULL;
        struct link_cand *cands;
        size_t nh, nc;

        if (k->use != TOK_UNUSED || k->kind != TOK_WORD || strncmp(k->word, "un", 2) ||
            strlen(k->word) < 6)
            continue;
        nh = catalog_lookup(c, k->word + 2, &hits);
        nc = keep_hits(c, hits, nh, 1, 0, &cands);
        free(hits);
        for (q = keep = 0; q < nc; q++)
            if (cands[q].kind == LINK_VALUE && cands[q].score >= 0.99)
                cands[keep++] = cands[q];
        if (!keep) {
            free(cands);
            continue;
        }
        add_link(out, alloc, i, i + 1, xstrdup(k->text), cands, keep, 1);
        k->use = TOK_LINKED;
    }
}

/* How many words the key (stems joined by spaces) has. */
static size_t key_words(const char *key)
{
    size_t n = *key ? 1 : 0;

    for (; *key; key++)
        n += *key == ' ';
    return n;
}

/* Does the link name a table or a value (as "customers" or "Books" do)? */
static int names_thing(const struct link *lk)
{
    size_t q;

    for (q = 0; q < lk->nc; q++)
        if ((lk->c[q].kind == LINK_TABLE && lk->c[q].score >= 0.8) ||
            (lk->c[q].kind == LINK_VALUE && lk->c[q].score >= 0.99))
            return 1;
    return 0;
}

/* Does link j say the same word as link i, or as mine[1] .. mine[n - 1]? */
static int same_word(const struct links *l, size_t i, const size_t *mine, size_t n, size_t j)
{
    char *kj = vocab_key(l->v[j].phrase), *k = vocab_key(l->v[i].phrase);
    size_t m;
    int same = !strcmp(k, kj);

    free(k);
    for (m = 1; m < n && !same; m++) {
        k = vocab_key(l->v[mine[m]].phrase);
        same = !strcmp(k, kj);
        free(k);
    }
    free(kj);
    return same;
}

/* Is the link's phrase, as written (no synonym), one word of the column's name? */
static int a_word_of(const struct link *lk, const struct cat_column *col)
{
    char *key = vocab_key(lk->phrase);
    int yes = *key && !strchr(key, ' ') && col->nwords && cat_words_have(col->words, 1, key);

    free(key);
    return yes;
}

static int link_has_column(const struct link *lk, int table, int column)
{
    size_t q;

    for (q = 0; q < lk->nc; q++)
        if (lk->c[q].kind == LINK_COLUMN && lk->c[q].table == table && lk->c[q].column == column)
            return 1;
    return 0;
}

/*
 * A column whose name's words are spread over the question ("which product shipped the
 * fewest boxes" for Boxes Shipped): when each word of its name is a link of its own, a few
 * words apart, the first of them is that column, named whole, and the others go with it.
 * Words that name a table or a value ("customers ... city") keep their own reading.
 */
static void link_spread_names(const struct catalog *c, struct links *l)
{
    size_t i, q, j, k;

    for (i = 0; i < l->n; i++)
        for (q = 0; q < l->v[i].nc; q++) {
            const struct link_cand *cd = &l->v[i].c[q];
            const struct cat_column *col;
            size_t want, got = 1, mine[4]; /* mine[1 .. got - 1]: the other words' links */
            if (cd->kind != LINK_COLUMN || cd->score >= 0.99 || names_thing(&l->v[i]))
                continue;
            col = &c->tables[cd->table].columns[cd->column];
            want = col->nwords ? key_words(col->words[0]) : 0;
            if (want < 2 || want > 4 || !a_word_of(&l->v[i], col))
                continue;
            for (j = i + 1; j < l->n && got < want && l->v[j].from <= l->v[j - 1].to + 3; j++)
                if (l->v[j].to - l->v[j].from == 1 && !names_thing(&l->v[j]) &&
                    link_has_column(&l->v[j], cd->table, cd->column) && a_word_of(&l->v[j], col) &&
                    !same_word(l, i, mine, got, j))
                    mine[got++] = j;
            if (got < want)
                continue;
            l->v[i].c[0] = *cd;
            l->v[i].c[0].score = 1;
            l->v[i].c[0].why = "column name (its words apart)";
            l->v[i].nc = 1;
            for (k = got; k-- > 1;) { /* the others are read with it */
                free(l->v[mine[k]].phrase);
                free(l->v[mine[k]].c);
                memmove(&l->v[mine[k]], &l->v[mine[k] + 1], (l->n - mine[k] - 1) * sizeof(*l->v));
                l->n--;
            }
            break;
        }
}

void links_find(const struct catalog *c, struct tokens *t, struct links *out)
{
    size_t len, i, j, alloc = 0;

    memset(out, 0, sizeof(*out));
    link_column_phrases(c, t, out, &alloc);
    link_value_by_its_column(c, t, out, &alloc);
    for (len = MAX_SPAN; len >= 1; len--) {
        for (i = 0; i + len <= t->n; i++) {
            struct strbuf phrase = STRBUF_INIT;
            struct cat_hit *hits = NULL;
            struct link_cand *cands;
            size_t nh, nc;
            int ok = 1;

            for (j = i; j < i + len && ok; j++)
                ok = linkable(&t->v[j]) && (len == 1 || t->v[j].kind != TOK_QUOTED);
            /* "no-shows": words joined by hyphens are one phrase, whatever they are */
            if (ok && len > 1 && t->v[i + 1].hyphen) {
                for (j = i + 1; j < i + len && ok; j++)
                    ok = t->v[j].hyphen;
            } else if (!ok || !edge_ok(&t->v[i]) ||
                       !(len > 1 ? end_ok : edge_ok)(&t->v[i + len - 1]))
                ok = 0;
            if (!ok)
                continue;
            for (j = i; j < i + len; j++) {
                if (j > i)
                    strbuf_addch(&phrase, ' ');
                strbuf_addstr(&phrase, t->v[j].text);
            }
            nh = catalog_lookup(c, phrase.buf, &hits);
            if (!nh && len == 1 && t->v[i].kind == TOK_WORD) {
                /* "GitHub" is the value 'github', not the words "git hub" */
                nh = catalog_lookup(c, t->v[i].word, &hits);
                if (!nh) {
                    free(hits);
                    hits = NULL;
                }
            }
            nc = keep_hits(c, hits, nh, len, t->v[i].kind == TOK_QUOTED, &cands);
            free(hits);
            if (!nc) {
                strbuf_release(&phrase);
                continue;
            }
            if (out->n >= LINKS_MAX) { /* a question is not a document: the rest is unread */
                free(cands);
                strbuf_release(&phrase);
                continue;
            }
            add_link(out, &alloc, i, i + len, strbuf_detach(&phrase, NULL), cands, nc, 0);
            for (j = i; j < i + len; j++)
                t->v[j].use = TOK_LINKED;
        }
        if (len == 1)
            break;
    }
    /*
     * A verb or adverb that usually names nothing may be a value of the data: "visits that
     * were not done" when a status is 'done', "the amount paid" when a status is 'paid'. Only
     * a whole value, never part of a name.
     */
    for (i = 0; i < t->n; i++) {
        static const char *const core[] = {
            "a",     "an",   "the",  "of",   "in",    "on",    "at",  "to",   "for",  "from",
            "with",  "and",  "or",   "as",   "is",    "are",   "was", "were", "be",   "it",
            "its",   "we",   "our",  "us",   "i",     "me",    "my",  "you",  "your", "they",
            "their", "this", "that", "what", "which", "who",   "how", "do",   "does", "did",
            "by",    "per",  "each", "all",  "any",   "there", "s",   "t",    NULL};
        struct token *k = &t->v[i];
        if (k->use != TOK_UNUSED || k->kind != TOK_WORD ||
            !(tok_is_function_word(k->word) || tok_is_money_verb(k->word)) || tok_in(t, i, core))
            continue;
        link_exact(c, t, i, LINK_VALUE, out, &alloc);
    }
    /*
     * A word that usually says what is asked may end a noun phrase as a column's name: "the
     * largest single order total", or follow the aggregate taken of it: "the average total by
     * status". It links when a column is named exactly so.
     */
    for (i = 1; i < t->n; i++) {
        static const char *const aggregates[] = {"average", "avg",     "mean",    "median",
                                                 "sum",     "maximum", "minimum", NULL};
        struct token *k = &t->v[i];
        if (k->use != TOK_UNUSED || k->kind != TOK_WORD || !tok_is_operator(k->word) ||
            t->v[i - 1].kind != TOK_WORD || tok_is_function_word(t->v[i - 1].word) ||
            (i + 1 < t->n && t->v[i + 1].kind != TOK_PUNCT && !tok_in(t, i - 1, aggregates)))
            continue;
        link_exact(c, t, i, LINK_COLUMN, out, &alloc);
    }
    link_customers(c, t, out, &alloc);
    link_negated_values(c, t, out, &alloc);
    /* in question order */
    for (i = 1; i < out->n; i++)
        for (j = i; j > 0 && out->v[j - 1].from > out->v[j].from; j--) {
            struct link tmp = out->v[j];
            out->v[j] = out->v[j - 1];
            out->v[j - 1] = tmp;
        }
    link_spread_names(c, out);
}

void links_release(struct links *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->v[i].phrase);
        free(l->v[i].c);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}
