/*
 * Name rules: what the words of a name (vocab_split(): "orderId", "Order No", "user_id") say
 * about a column, in any warehouse. Beside vocab.h (words, stems, the thesaurus), used by
 * profiling and inference. Pure functions of the name: no warehouse, no catalog.
 */
#ifndef MDP_CATALOG_NAMES_H
#define MDP_CATALOG_NAMES_H

#include <stddef.h>

/* Is w one of list's n words? */
int cat_word_in(const char *w, const char *const *list, size_t n);
/* Is one of the words of name (vocab_split) in list? */
int cat_name_has(const char *name, const char *const *list, size_t n);
/*
 * Is stem w a whole word of one of the n keys (vocab_key: stems joined by spaces, as a
 * table's or column's `words` hold)? "custom" is in "custom segment", not in "customs".
 */
int cat_words_have(char *const *keys, size_t n, const char *w);
/* Is this column name an identifier's (user_id, orderId, isbn, "Order No")? */
int cat_name_is_id(const char *name);
/* Does the name say "year" (release_year, yr)? The values decide whether it is a time. */
int cat_named_like_year(const char *name);

#endif
