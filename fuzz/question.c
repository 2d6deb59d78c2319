/*
 * libFuzzer target for the analyst's reading of questions (analyst/tokens.c, timex.c,
 * followup.c): any bytes split into tokens whose text is non-empty and whose kinds hold their
 * invariants (years 1900..2100, quarters 1..4, months 1..12); time expressions give ranges
 * that do not run backwards and at most two of them; a follow-up of any text is a string or
 * nothing.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/analyst.h"
#include "analyst/plan.h"
#include "util/error.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size), *half, *f;
    struct tokens t;
    struct time_expr x;
    size_t i;
    int r;

    tokens_split(text, &t);
    for (i = 0; i < t.n; i++) {
        const struct token *k = &t.v[i];
        if (!k->text || !k->word || !k->key)
            BUG("token %zu has no text", i);
        if (k->kind == TOK_YEAR && (k->num < 1900 || k->num > 2100))
            BUG("year %g", k->num);
        if (k->kind == TOK_QUARTER && (k->num < 1 || k->num > 4))
            BUG("quarter %g", k->num);
        if (k->kind == TOK_MONTH && (k->num < 1 || k->num > 12))
            BUG("month %g", k->num);
    }
    timex_find(&t, days_from_civil(2024, 12, 31), days_from_civil(2026, 12, 6), &x);
    if (x.nranges > 2)
        BUG("%d ranges", x.nranges);
    for (r = 0; r < x.nranges; r++)
        if (x.r[r].from != INT_MIN && x.r[r].to != INT_MAX && x.r[r].from > x.r[r].to)
            BUG("range %s runs backwards", x.r[r].label);
    tokens_release(&t);

    half = xstrndup(text, strlen(text) / 2);
    f = analyst_followup(half, text + strlen(half));
    free(f);
    free(half);
    free(text);
    return 0;
}
