/*
 * Tokens: a question split into words, numbers, quoted strings, years, quarters, months,
 * dates and ordinals, each with its lowercase form and its vocabulary key.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/plan.h"
#include "catalog/vocab.h"
#include "util/xmalloc.h"

static const char *const months[] = {"january",   "february", "march",    "april",
                                     "may",       "june",     "july",     "august",
                                     "september", "october",  "november", "december"};
static const char *const ordinals[] = {"first", "second",  "third",  "fourth", "fifth",
                                       "sixth", "seventh", "eighth", "ninth",  "tenth"};

/*
 * Words that name nothing in a warehouse: articles, pronouns, auxiliaries, prepositions and
 * the verbs questions wrap around what they ask. Content words are everything else.
 */
static const char *const function_words[] = {"a",
                                             "an",
                                             "the",
                                             "of",
                                             "in",
                                             "on",
                                             "at",
                                             "to",
                                             "for",
                                             "from",
                                             "with",
                                             "and",
                                             "or",
                                             "as",
                                             "is",
                                             "are",
                                             "was",
                                             "were",
                                             "be",
                                             "been",
                                             "being",
                                             "am",
                                             "do",
                                             "does",
                                             "did",
                                             "done",
                                             "has",
                                             "have",
                                             "had",
                                             "having",
                                             "we",
                                             "our",
                                             "us",
                                             "i",
                                             "me",
                                             "my",
                                             "you",
                                             "your",
                                             "they",
                                             "their",
                                             "them",
                                             "it",
                                             "its",
                                             "this",
                                             "that",
                                             "these",
                                             "those",
                                             "there",
                                             "here",
                                             "what",
                                             "whats",
                                             "which",
                                             "who",
                                             "whom",
                                             "whose",
                                             "when",
                                             "where",
                                             "how",
                                             "why",
                                             "can",
                                             "could",
                                             "would",
                                             "should",
                                             "will",
                                             "shall",
                                             "may",
                                             "might",
                                             "must",
                                             "please",
                                             "tell",
                                             "show",
                                             "give",
                                             "list",
                                             "me",
                                             "find",
                                             "get",
                                             "got",
                                             "let",
                                             "know",
                                             "see",
                                             "into",
                                             "over",
                                             "under",
                                             "about",
                                             "any",
                                             "some",
                                             "all",
                                             "every",
                                             "so",
                                             "far",
                                             "up",
                                             "out",
                                             "than",
                                             "then",
                                             "just",
                                             "also",
                                             "ever",
                                             "yet",
                                             "still",
                                             "currently",
                                             "now",
                                             "by",
                                             "per",
                                             "each",
                                             "overall",
                                             "altogether",
                                             "whole",
                                             "entire",
                                             "exactly",
                                             "roughly",
                                             "approximately",
                                             "about",
                                             "around",
                                             "being",
                                             "been",
                                             "one",
                                             "ones",
                                             "anything",
                                             "something",
                                             "someone",
                                             "anyone",
                                             "everything",
                                             "everyone",
                                             "thing",
                                             "things",
                                             "stuff",
                                             "record",
                                             "recorded",
                                             "records",
                                             "data",
                                             "database",
                                             "warehouse",
                                             "table",
                                             "tables",
                                             "place",
                                             "placed",
                                             "make",
                                             "made",
                                             "come",
                                             "came",
                                             "bring",
                                             "brought",
                                             "use",
                                             "used",
                                             "using",
                                             "live",
                                             "lives",
                                             "living",
                                             "happen",
                                             "happened",
                                             "registered",
                                             "stored",
                                             "listed",
                                             "kept",
                                             "exist",
                                             "exists",
                                             "existing",
                                             "catalogue",
                                             "catalog",
                                             "actually",
                                             "really",
                                             "like",
                                             "look",
                                             "looks",
                                             "looking",
                                             "during",
                                             "within",
                                             "since",
                                             "until",
                                             "till",
                                             "between",
                                             "before",
                                             "after",
                                             "through",
                                             "throughout",
                                             "across",
                                             "among",
                                             "via",
                                             "per",
                                             "there",
                                             "whether",
                                             "if",
                                             "else",
                                             "give",
                                             "go",
                                             "goes",
                                             "went",
                                             "take",
                                             "took",
                                             "taken",
                                             "say",
                                             "said",
                                             "attributed",
                                             "associated",
                                             "related",
                                             "linked",
                                             "belonging",
                                             "belong",
                                             "belongs",
                                             "new",
                                             "anyone",
                                             "anybody",
                                             "somebody",
                                             "we've",
                                             "we're",
                                             "i've",
                                             "i'm",
                                             "you've",
                                             "they've",
                                             "it's",
                                             "that's",
                                             "what's",
                                             "there's",
                                             "who's",
                                             "right",
                                             "file",
                                             "books",
                                             "sent",
                                             "send",
                                             "filed",
                                             "contacted",
                                             "assigned",
                                             "written",
                                             "down",
                                             "very",
                                             "dollars",
                                             "dollar",
                                             "usd",
                                             "euros",
                                             "euro",
                                             "eur",
                                             "pounds",
                                             "gbp",
                                             "comes",
                                             "come",
                                             "came",
                                             "ahead",
                                             "booked",
                                             "happened",
                                             "gets",
                                             "get",
                                             "counting",
                                             "including",
                                             "include",
                                             "includes",
                                             "regardless",
                                             "irrespective",
                                             "once",
                                             "twice",
                                             "ever",
                                             "single",
                                             "same",
                                             "s",
                                             "t",
                                             "d",
                                             "ll",
                                             "re",
                                             "ve",
                                             NULL};

int tok_is_function_word(const char *word)
{
    size_t i;

    for (i = 0; function_words[i]; i++)
        if (!strcmp(function_words[i], word))
            return 1;
    return 0;
}

int tok_is(const struct tokens *t, size_t i, const char *w)
{
    return i < t->n && t->v[i].word && !strcmp(t->v[i].word, w);
}

int tok_in(const struct tokens *t, size_t i, const char *const *words)
{
    size_t k;

    if (i >= t->n || !t->v[i].word)
        return 0;
    for (k = 0; words[k]; k++)
        if (!strcmp(t->v[i].word, words[k]))
            return 1;
    return 0;
}

static struct token *push(struct tokens *t, size_t *alloc, enum tok_kind kind, const char *s,
                          size_t len)
{
    struct token *tok;
    size_t i;

    ALLOC_GROW(t->v, t->n + 1, *alloc);
    tok = &t->v[t->n++];
    memset(tok, 0, sizeof(*tok));
    tok->kind = kind;
    tok->text = xstrndup(s, len);
    tok->word = xstrndup(s, len);
    for (i = 0; tok->word[i]; i++)
        tok->word[i] = (char)tolower((unsigned char)tok->word[i]);
    tok->key = vocab_key(tok->text);
    return tok;
}

static int is_word_char(int ch)
{
    return isalnum(ch) || ch == '_' || ch == '&' || ch >= 0x80;
}

/* A word: classify years, quarters, months and ordinals. */
static void classify(struct token *tok)
{
    const char *w = tok->word;
    size_t len = strlen(w), i;

    if (len == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4') {
        tok->kind = TOK_QUARTER;
        tok->num = w[1] - '0';
        return;
    }
    for (i = 0; i < 12; i++)
        if (!strcmp(w, months[i]) ||
            (len == 3 && !strncmp(w, months[i], 3) && strcmp(w, "may") && strcmp(w, "mar")) ||
            (!strcmp(w, "sept") && i == 8)) {
            tok->kind = TOK_MONTH;
            tok->num = (double)(i + 1);
            return;
        }
    for (i = 0; i < ARRAY_SIZE(ordinals); i++)
        if (!strcmp(w, ordinals[i])) {
            tok->kind = TOK_ORDINAL;
            tok->num = (double)(i + 1);
            return;
        }
    if (len >= 3 && isdigit((unsigned char)w[0]) &&
        (!strcmp(w + len - 2, "st") || !strcmp(w + len - 2, "nd") || !strcmp(w + len - 2, "rd") ||
         !strcmp(w + len - 2, "th"))) {
        char *end;
        long v = strtol(w, &end, 10);
        if (end == w + len - 2) {
            tok->kind = TOK_ORDINAL;
            tok->num = (double)v;
        }
    }
}

/* "2024-11-05" at s? Returns its length (10) or 0. */
static size_t date_at(const char *s)
{
    int i;

    for (i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (!isdigit((unsigned char)s[i]))
            return 0;
    }
    return isdigit((unsigned char)s[10]) ? 0 : 10;
}

/*
 * A parenthesis that only states a sign convention, "(negative if it fell)", "(negative if
 * fewer)", says how to write the answer, not what to compute: its words are function words.
 */
static void sign_conventions(struct tokens *t)
{
    size_t i, j;

    for (i = 0; i + 1 < t->n; i++) {
        if (!t->v[i].paren || !(tok_is(t, i, "negative") || tok_is(t, i, "positive")) ||
            !tok_is(t, i + 1, "if"))
            continue;
        for (j = i; j < t->n && t->v[j].paren; j++)
            t->v[j].use = TOK_FUNCTION;
    }
}

void tokens_split(const char *q, struct tokens *out)
{
    size_t alloc = 0, n;
    const char *p = q;
    int paren = 0, first = 1;

    memset(out, 0, sizeof(*out));
    while (p && *p) {
        unsigned char ch = (unsigned char)*p;
        struct token *tok;

        if (isspace(ch)) {
            p++;
            continue;
        }
        if (ch == '"' || ch == '\'' ||
            (ch == 0xe2 && (unsigned char)p[1] == 0x80 &&
             ((unsigned char)p[2] == 0x9c || (unsigned char)p[2] == 0x98))) {
            /* a quoted value: "Home & Garden"; an apostrophe inside a word is not a quote */
            size_t skip = ch == 0xe2 ? 3 : 1;
            const char *s = p + skip, *e;
            if (ch == '\'' && p > q && isalpha((unsigned char)p[-1])) {
                p++;
                continue;
            }
            for (e = s; *e && *e != '"' && *e != '\'' &&
                        !((unsigned char)*e == 0xe2 && (unsigned char)e[1] == 0x80 &&
                          ((unsigned char)e[2] == 0x9d || (unsigned char)e[2] == 0x99));
                 e++)
                ;
            if (*e && e > s) {
                tok = push(out, &alloc, TOK_QUOTED, s, (size_t)(e - s));
                tok->paren = paren > 0;
                p = e + ((unsigned char)*e == 0xe2 ? 3 : 1);
                first = 0;
                continue;
            }
            p += skip;
            continue;
        }
        if ((n = date_at(p))) {
            int y = atoi(p), m = atoi(p + 5), d = atoi(p + 8);
            tok = push(out, &alloc, TOK_DATE, p, n);
            tok->num = days_from_civil(y, m, d);
            tok->paren = paren > 0;
            p += n;
            first = 0;
            continue;
        }
        if (isdigit(ch) || (ch == '$' && isdigit((unsigned char)p[1])) ||
            (ch == '-' && isdigit((unsigned char)p[1]) &&
             (p == q || isspace((unsigned char)p[-1])))) {
            /* a number: 1,500  2.5  $40  90%  -3; a word that starts with digits (2nd, q4) */
            const char *s = p;
            char buf[64];
            size_t k = 0;
            if (*p == '$' || *p == '-') {
                if (*p == '-')
                    buf[k++] = '-';
                p++;
            }
            while (*p && k < sizeof(buf) - 1 &&
                   (isdigit((unsigned char)*p) ||
                    ((*p == ',' || *p == '.') && isdigit((unsigned char)p[1])))) {
                if (*p != ',')
                    buf[k++] = *p;
                p++;
            }
            buf[k] = 0;
            if (isalpha((unsigned char)*p)) {
                /* 2nd, 3rd, 10k: a word */
                const char *e = p;
                while (is_word_char((unsigned char)*e))
                    e++;
                if ((e - p == 1 && (*p == 'k' || *p == 'K' || *p == 'm' || *p == 'M'))) {
                    tok = push(out, &alloc, TOK_NUMBER, s, (size_t)(e - s));
                    tok->num = atof(buf) * (tolower((unsigned char)*p) == 'k' ? 1e3 : 1e6);
                } else {
                    tok = push(out, &alloc, TOK_WORD, s, (size_t)(e - s));
                    classify(tok);
                }
                tok->paren = paren > 0;
                p = e;
                first = 0;
                continue;
            }
            tok = push(out, &alloc, TOK_NUMBER, s, (size_t)(p - s));
            tok->num = atof(buf);
            if (*p == '%') {
                tok->pct = 1;
                p++;
            } else if (!strncmp(p, " percent", 8)) {
                tok->pct = 1;
                p += 8;
            }
            if (!tok->pct && k == 4 && tok->num >= 1900 && tok->num <= 2100 && !strchr(buf, '.') &&
                s[0] != '$')
                tok->kind = TOK_YEAR;
            tok->paren = paren > 0;
            first = 0;
            continue;
        }
        if (is_word_char(ch)) {
            const char *s = p;
            while (*p && (is_word_char((unsigned char)*p) ||
                          (*p == '\'' && isalpha((unsigned char)p[1]) && p[1] != 's')))
                p++;
            if (p - s == 1 && *s == '&')
                continue;
            tok = push(out, &alloc, TOK_WORD, s, (size_t)(p - s));
            tok->capital = !first && isupper((unsigned char)*s);
            tok->paren = paren > 0;
            tok->hyphen = s > q + 1 && s[-1] == '-' && isalnum((unsigned char)s[-2]);
            classify(tok);
            first = 0;
            continue;
        }
        if (ch == '(')
            paren++;
        else if (ch == ')' && paren > 0)
            paren--;
        if (ch == ',' || ch == '(' || ch == ')' || ch == '?' || ch == ';' || ch == ':' ||
            ch == '.' || ch == '/' || ch == '+' || ch == '*' || ch == '<' || ch == '>' ||
            ch == '=') {
            size_t len = 1;
            if ((ch == '<' || ch == '>') && p[1] == '=')
                len = 2;
            tok = push(out, &alloc, TOK_PUNCT, p, len);
            tok->paren = paren > 0;
            tok->use = TOK_FUNCTION;
            p += len;
            continue;
        }
        p++; /* other symbols separate words and mean nothing */
    }
    sign_conventions(out);
}

void tokens_release(struct tokens *t)
{
    size_t i;

    for (i = 0; i < t->n; i++) {
        free(t->v[i].text);
        free(t->v[i].word);
        free(t->v[i].key);
    }
    free(t->v);
    memset(t, 0, sizeof(*t));
}

/*
 * Words that say what is asked (how many, average, top, share, vs, not ...) rather than what
 * it is about. The plan reads them; they are never matched against the catalog alone.
 */
static const char *const operator_words[] = {
    "how",        "many",       "much",        "count",     "counts",    "number",     "numbers",
    "total",      "totals",     "sum",         "average",   "averages",  "avg",        "mean",
    "median",     "max",        "maximum",     "min",       "minimum",   "highest",    "lowest",
    "largest",    "smallest",   "biggest",     "greatest",  "most",      "least",      "fewest",
    "top",        "bottom",     "best",        "worst",     "rank",      "ranked",     "ranking",
    "percent",    "percentage", "percentages", "pct",       "share",     "proportion", "fraction",
    "ratio",      "rate",       "distinct",    "different", "unique",    "vs",         "versus",
    "compared",   "compare",    "comparison",  "change",    "changed",   "growth",     "grew",
    "grow",       "increase",   "increased",   "decrease",  "decreased", "difference", "more",
    "less",       "fewer",      "not",         "no",        "without",   "excluding",  "exclude",
    "except",     "never",      "other",       "others",    "missing",   "null",       "empty",
    "blank",      "unknown",    "cheapest",    "priciest",  "expensive", "only",       "breakdown",
    "broken",     "split",      "above",       "below",     "greater",   "higher",     "lower",
    "bigger",     "smaller",    "at",          "least",     "single",    "individual", "typical",
    "typically",  "usually",    "busiest",     "quietest",  "popular",   "common",     "frequent",
    "frequently", "often",      "isn't",       "aren't",    "wasn't",    "weren't",    "don't",
    "doesn't",    "didn't",     "haven't",     "hasn't",    "hadn't",    "nor",        "none",
    "neither",    "leaving",    "leave",       "left",      "ignore",    "ignoring",   "beat",
    "outperform", "equal",      "equals",      "exceed",    "exceeds",   "exceeding",  "over",
    "under",      "yet",        "whose",       "yes",       "lines",     "line",       "items",
    "rows",       "row",        "entries",     "records",   "list",      "name",       "names",
    "excluded",   "aside",      "times",       "minus",     "plus",      "divided",    "multiplied",
    NULL};

/*
 * Verbs and nouns that mean money changing hands (billed, paid, earned, made, worth, money):
 * they ask for an amount, and are never matched against names alone.
 */
int tok_is_money_verb(const char *word)
{
    static const char *const mv[] = {
        "sold",   "sell",    "sells",     "earned",   "earn",    "paid",  "pay",
        "paying", "pays",    "spent",     "grossing", "grossed", "money", "billed",
        "bill",   "billing", "worth",     "charged",  "made",    "make",  "brings",
        "bring",  "brought", "generated", "generate", NULL};
    size_t i;

    for (i = 0; mv[i]; i++)
        if (!strcmp(mv[i], word))
            return 1;
    return 0;
}

int tok_is_operator(const char *word)
{
    size_t i;

    for (i = 0; operator_words[i]; i++)
        if (!strcmp(operator_words[i], word))
            return 1;
    return 0;
}
