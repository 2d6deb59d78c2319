/*
 * Follow-ups in a conversation: "and in 2023?", "break that down by category", "only
 * Electronics", "top 10 instead" are read against the previous question, which keeps what the
 * follow-up does not change.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/analyst.h"
#include "analyst/plan.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Words a follow-up opens with. */
static const char *const starters[] = {
    "and",    "what",    "how",     "now",   "also",   "only", "just", "but", "excluding",
    "except", "without", "break",   "split", "broken", "by",   "per",  "for", "top",
    "bottom", "same",    "instead", "in",    "during", "then", NULL};

/* Words that only point back at the previous question. */
static const char *const fillers[] = {
    "and",   "what",   "how",  "about", "now",  "also",  "but",  "break", "broken",
    "split", "down",   "that", "this",  "it",   "those", "them", "these", "instead",
    "same",  "please", "then", "again", "only", "just",  "one",  "ones",  NULL};

static int in_list(const char *w, const char *const *list)
{
    size_t i;

    for (i = 0; list[i]; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

static void add_token(struct strbuf *sb, const struct token *k)
{
    if (sb->len)
        strbuf_addch(sb, ' ');
    if (k->kind == TOK_QUOTED) {
        strbuf_addch(sb, '"');
        strbuf_addstr(sb, k->text);
        strbuf_addch(sb, '"');
    } else
        strbuf_addstr(sb, k->text);
}

static int has_rank(const struct tokens *t)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (tok_is(t, i, "top") || tok_is(t, i, "bottom"))
            return 1;
    return 0;
}

char *analyst_followup(const char *previous, const char *text)
{
    struct tokens prev, next;
    struct time_expr px, nx;
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    int new_time, new_rank, refers = 0;

    if (!previous || !*previous || !text)
        return NULL;
    tokens_split(text, &next);
    if (!next.n || next.v[0].kind == TOK_PUNCT) {
        tokens_release(&next);
        return NULL;
    }
    for (i = 0; i < next.n; i++)
        refers |= tok_is(&next, i, "that") || tok_is(&next, i, "instead") ||
                  tok_is(&next, i, "those") || tok_is(&next, i, "same");
    if (!in_list(next.v[0].word, starters) && !refers) {
        tokens_release(&next);
        return NULL;
    }
    /* "what about X", "how about X"; a question of its own ("what is ...") is not a follow-up */
    if ((tok_is(&next, 0, "what") || tok_is(&next, 0, "how")) && !tok_is(&next, 1, "about")) {
        tokens_release(&next);
        return NULL;
    }
    tokens_split(previous, &prev);
    timex_find(&prev, 0, 0, &px);
    timex_find(&next, 0, 0, &nx);
    new_time = nx.nranges > 0 || nx.grain != GRAIN_NONE;
    new_rank = has_rank(&next);

    for (i = 0; i < prev.n; i++) {
        const struct token *k = &prev.v[i];
        if (k->kind == TOK_PUNCT && (!strcmp(k->word, "?") || !strcmp(k->word, ".")))
            continue;
        if (new_time && k->use == TOK_TIME)
            continue;
        /* "in" or "during" before a period the follow-up replaces */
        if (new_time && (tok_is(&prev, i, "in") || tok_is(&prev, i, "during")) && i + 1 < prev.n &&
            prev.v[i + 1].use == TOK_TIME)
            continue;
        if (new_rank && (tok_is(&prev, i, "top") || tok_is(&prev, i, "bottom"))) {
            if (i + 1 < prev.n && prev.v[i + 1].kind == TOK_NUMBER)
                i++;
            continue;
        }
        add_token(&sb, k);
    }
    for (i = 0; i < next.n; i++) {
        const struct token *k = &next.v[i];
        if (k->kind == TOK_PUNCT)
            continue;
        if (k->kind == TOK_WORD && in_list(k->word, fillers) && k->use != TOK_TIME)
            continue;
        add_token(&sb, k);
    }
    tokens_release(&prev);
    tokens_release(&next);
    return strbuf_detach(&sb, NULL);
}
