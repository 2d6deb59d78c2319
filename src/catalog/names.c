/*
 * The name rules (names.h): what the words of a column or table name say.
 */
#include <string.h>

#include "catalog/names.h"
#include "catalog/vocab.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

int cat_word_in(const char *w, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(w, list[i]))
            return 1;
    return 0;
}

#define WORD_IN(w, list) cat_word_in((w), (list), ARRAY_SIZE(list))

/* Does any word of name belong to list? */
int cat_name_has(const char *name, const char *const *list, size_t n)
{
    char **w;
    size_t nw = vocab_split(name, &w), i;
    int ret = 0;

    for (i = 0; i < nw && !ret; i++)
        ret = cat_word_in(w[i], list, n);
    strv_free(w, nw);
    return ret;
}

#define NAME_HAS(name, list) cat_name_has((name), (list), ARRAY_SIZE(list))

int cat_named_like_year(const char *name)
{
    static const char *const year_words[] = {"year", "yr", "years"};
    return NAME_HAS(name, year_words);
}

int cat_name_is_id(const char *name)
{
    static const char *const id_words[] = {"id",  "key",  "uuid", "guid",
                                           "sku", "isbn", "ean",  "upc"};
    static const char *const number_words[] = {"number", "no", "num", "nr"};
    static const char *const not_ids[] = {"phone", "telephone", "mobile", "fax",
                                          "cell",  "house",     "street", "apartment"};
    char **w;
    size_t n = vocab_split(name, &w);
    int ret = 0;

    if (n) {
        const char *last = w[n - 1];
        ret = WORD_IN(last, id_words) ||
              (WORD_IN(last, number_words) && n > 1 && !WORD_IN(w[0], not_ids));
    }
    strv_free(w, n);
    return ret;
}

int cat_words_have(char *const *keys, size_t n, const char *w)
{
    size_t i, len = strlen(w);

    for (i = 0; i < n; i++) {
        const char *p = keys[i];
        while ((p = strstr(p, w))) {
            if ((p == keys[i] || p[-1] == ' ') && (p[len] == 0 || p[len] == ' '))
                return 1;
            p++;
        }
    }
    return 0;
}
