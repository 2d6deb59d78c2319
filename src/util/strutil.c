/*
 * String helpers (see strutil.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/strutil.h"
#include "util/xmalloc.h"

#define MAX_WORD 64

size_t str_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t row[MAX_WORD + 1];

    if (la > MAX_WORD || lb > MAX_WORD)
        return (size_t)-1 / 2;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best =
                diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

const char *str_closest(const char *word, const char *const *candidates, size_t n,
                        size_t max_distance)
{
    const char *best = NULL;
    size_t i, best_d = max_distance + 1;

    for (i = 0; i < n; i++) {
        size_t d = str_edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

const char *str_closest_entry(const char *word, const void *table, size_t n, size_t size,
                              size_t max_distance)
{
    const char **names = xcalloc(n ? n : 1, sizeof(*names));
    const char *best;
    size_t i;

    for (i = 0; i < n; i++)
        names[i] = *(const char *const *)((const char *)table + i * size);
    best = str_closest(word, names, n, max_distance);
    free(names);
    return best;
}

void strv_free(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void strv_push_unique(char ***v, size_t *n, char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (!strcmp((*v)[i], s)) {
            free(s);
            return;
        }
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = s;
}
