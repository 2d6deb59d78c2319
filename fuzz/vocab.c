/*
 * libFuzzer target for catalog/vocab: any bytes must load as a thesaurus or fail cleanly, and
 * split into words and a key that agree: as many words as the key has, none empty, none with
 * a space or an ASCII capital; each word splits again into itself and its key is its stem; no
 * key expands to itself or to one key twice.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/vocab.h"
#include "util/error.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_expand(const struct vocab *v, enum vocab_kind kind, const char *key)
{
    char **out;
    size_t n = vocab_expand(v, kind, key, &out), i, j;

    for (i = 0; i < n; i++) {
        if (!strcmp(out[i], key))
            BUG("'%s' expands to itself", key);
        for (j = 0; j < i; j++)
            if (!strcmp(out[i], out[j]))
                BUG("'%s' expands to '%s' twice", key, out[i]);
    }
    strv_free(out, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vocab *v = vocab_new();
    char *text = xstrndup((const char *)data, size), *key, **words;
    size_t n, i, spaces = 0;
    const char *p;

    error_quiet(1);
    vocab_add_text(v, "fuzz.yml", (const char *)data, size);

    n = vocab_split(text, &words);
    key = vocab_key(text);
    for (i = 0; i < n; i++) {
        if (!*words[i] || strchr(words[i], ' '))
            BUG("word %zu of the split is empty or has a space", i);
        for (p = words[i]; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                BUG("word '%s' is not lowercase", words[i]);
    }
    for (p = key; *p; p++)
        spaces += *p == ' ';
    if ((n == 0) != (*key == 0) || (n && spaces != n - 1))
        BUG("%zu words but key '%s'", n, key);
    if (key[0] == ' ' || (*key && key[strlen(key) - 1] == ' ') || strstr(key, "  "))
        BUG("key '%s' has stray spaces", key);
    check_expand(v, VOCAB_SYNONYMS, key);
    check_expand(v, VOCAB_VALUES, key);
    for (i = 0; i < n; i++) {
        char *stem = vocab_stem(words[i]), *word_key = vocab_key(words[i]), **again;
        size_t m = vocab_split(words[i], &again);

        if (m != 1 || strcmp(again[0], words[i]))
            BUG("word '%s' splits again into %zu words", words[i], m);
        if (strcmp(stem, word_key))
            BUG("word '%s' has stem '%s' but key '%s'", words[i], stem, word_key);
        check_expand(v, VOCAB_SYNONYMS, stem);
        check_expand(v, VOCAB_VALUES, stem);
        strv_free(again, m);
        free(word_key);
        free(stem);
    }

    strv_free(words, n);
    free(key);
    free(text);
    vocab_free(v);
    return 0;
}
