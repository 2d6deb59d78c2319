/*
 * Words: how table names, column names, values and (later) questions become comparable keys.
 *
 * A text is split into words (snake_case, camelCase, Title Case, "Sales Person", digits apart
 * from letters), each word lowercased and stemmed with Snowball's English stemmer (libstemmer
 * is wrapped here and nowhere else), and the words joined with one space: that is its *key*.
 * "Customer_Segments" and "customer segment" have the same key, "custom segment".
 *
 * The thesaurus groups keys that mean the same thing in business questions. It is the data
 * file share/thesaurus.yml, compiled into the binary, extended by a platform's own
 * semantic/synonyms.yml in the same format:
 *
 *   synonyms:                       # words for tables, columns and measures
 *     - [revenue, sales, income, turnover]
 *     - [customer, client, buyer, shopper]
 *   values:                         # other spellings of values found in the data
 *     - [texas, tx]
 *
 * Every phrase in a group is reduced to its key when loaded. A key may be in several groups.
 *
 * Ownership: struct vocab is opaque, made by vocab_load() and released with vocab_free().
 * Functions returning char * or char ** hand ownership to the caller. All functions are
 * thread-safe (the stemmer is shared behind a lock).
 */
#ifndef MDP_VOCAB_H
#define MDP_VOCAB_H

#include <stddef.h>

struct vocab;

enum vocab_kind { VOCAB_SYNONYMS, VOCAB_VALUES };

/*
 * Loads the built-in thesaurus and, when root is not NULL and root/semantic/synonyms.yml
 * exists, that file too. Returns 0 and *out, or -1 with error() naming file:line:col (an
 * unknown top-level key, a group that is not a list of strings).
 */
int vocab_load(const char *root, struct vocab **out);
/* Parses one thesaurus text into v (for tests and the fuzzer); name is used in errors. */
int vocab_add_text(struct vocab *v, const char *name, const char *text, size_t len);
/* An empty vocabulary (no groups), for vocab_add_text(). */
struct vocab *vocab_new(void);
void vocab_free(struct vocab *v);

/*
 * Splits text into lowercase words: "customerSegment" -> customer segment, "Sales Person" ->
 * sales person, "HTTPServer2" -> http server 2, "stg_users" -> stg users, "Home & Garden" ->
 * home garden. Punctuation separates words and is dropped. Returns the number of words and the
 * array in *out (free with strv_free()); 0 and NULL for a text with no words.
 */
size_t vocab_split(const char *text, char ***out);

/* The Snowball English stem of one lowercase word: "categories" -> "categori". */
char *vocab_stem(const char *word);

/* The key of a text: its words, stemmed, joined by one space ("" for no words). */
char *vocab_key(const char *text);

/*
 * The keys that mean the same as key through the thesaurus groups of the given kind, not
 * including key itself, each once. Returns the count and *out (free with strv_free()).
 */
size_t vocab_expand(const struct vocab *v, enum vocab_kind kind, const char *key, char ***out);

/* Number of groups loaded, by kind (for reports and tests). */
size_t vocab_groups(const struct vocab *v, enum vocab_kind kind);

#endif
