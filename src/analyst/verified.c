/*
 * Verified SQL: semantic/verified.yml pairs a question people ask with the SQL that answers
 * it. A question close to one of them (the same content words, up to a word or two, and the
 * very same numbers, years and quoted values) is answered from that SQL, and says so.
 * `mdp ask --save` adds the last answer there.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/analyst.h"
#include "analyst/plan.h"
#include "catalog/catalog.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* The content of a question: keys of its content words, and its literal values apart. */
struct content {
    char **words, **literals;
    size_t nwords, nliterals;
};

static void push(char ***v, size_t *n, const char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s))
            return;
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = xstrdup(s);
}

static void content_of(const char *question, struct content *out)
{
    struct tokens t;
    size_t i;

    memset(out, 0, sizeof(*out));
    tokens_split(question, &t);
    for (i = 0; i < t.n; i++) {
        const struct token *k = &t.v[i];
        if (k->kind == TOK_PUNCT)
            continue;
        if (k->kind == TOK_WORD && k->key && *k->key && !tok_is_function_word(k->word))
            push(&out->words, &out->nwords, k->key);
        else if (k->kind != TOK_WORD)
            push(&out->literals, &out->nliterals, k->word);
    }
    tokens_release(&t);
}

static void content_release(struct content *c)
{
    strv_free(c->words, c->nwords);
    strv_free(c->literals, c->nliterals);
}

static size_t shared(char *const *a, size_t na, char *const *b, size_t nb)
{
    size_t i, j, n = 0;

    for (i = 0; i < na; i++)
        for (j = 0; j < nb; j++)
            if (!strcmp(a[i], b[j])) {
                n++;
                break;
            }
    return n;
}

int analyst_verified_match(const struct catalog *c, const char *question)
{
    struct content q;
    size_t i;
    int best = -1;
    double best_score = 0;

    content_of(question, &q);
    for (i = 0; i < c->nexamples; i++) {
        const struct cat_example *e = &c->examples[i];
        struct content v;
        double jaccard;
        size_t both;

        if (!e->question)
            continue;
        content_of(e->question, &v);
        both = shared(q.words, q.nwords, v.words, v.nwords);
        jaccard =
            q.nwords + v.nwords - both ? (double)both / (double)(q.nwords + v.nwords - both) : 1;
        /* numbers and names must be the same: "in 2023" is not "in 2024" */
        if (q.nliterals == v.nliterals &&
            shared(q.literals, q.nliterals, v.literals, v.nliterals) == q.nliterals &&
            jaccard >= 0.75 && jaccard > best_score) {
            best_score = jaccard;
            best = (int)i;
        }
        content_release(&v);
    }
    content_release(&q);
    return best;
}

int analyst_save_verified(const char *root, const char *question, const char *sql)
{
    char *dir = fs_join(root, "semantic"), *path = fs_join(dir, "verified.yml");
    struct strbuf text = STRBUF_INIT, name = STRBUF_INIT;
    const char *p;
    int ret = -1, words = 0;

    if (fs_is_file(path) && fs_read_file(&text, path) < 0)
        goto out;
    if (!text.len)
        strbuf_addstr(&text, "# Verified questions and the SQL that answers them (mdp ask "
                             "consults these first).\nqueries:\n");
    else if (text.buf[text.len - 1] != '\n')
        strbuf_addch(&text, '\n');
    /* a name from the question's first words: revenue_last_quarter */
    for (p = question; *p && words < 6; p++) {
        if (isalnum((unsigned char)*p)) {
            strbuf_addch(&name, (char)tolower((unsigned char)*p));
            if (!isalnum((unsigned char)p[1])) {
                words++;
                strbuf_addch(&name, '_');
            }
        }
    }
    strbuf_rtrim(&name);
    while (name.len && name.buf[name.len - 1] == '_')
        strbuf_setlen(&name, name.len - 1);
    strbuf_addf(&text, "  - name: %s\n    question: ", name.len ? name.buf : "saved");
    strbuf_add_sql_string(&text, question); /* single quotes, doubled inside: valid YAML */
    strbuf_addstr(&text, "\n    sql: |\n");
    for (p = sql; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        strbuf_addstr(&text, "      ");
        strbuf_add(&text, p, n);
        strbuf_addch(&text, '\n');
        p += n + (nl ? 1 : 0);
    }
    if (fs_mkdirs(dir, 0755) < 0 || fs_write_atomic(path, text.buf, text.len) < 0)
        goto out;
    ret = 0;
out:
    strbuf_release(&text);
    strbuf_release(&name);
    free(dir);
    free(path);
    return ret;
}
