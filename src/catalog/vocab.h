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
 * Every phrase in a group is reduced to its key when loaded. A key may be in several groups;
 * expansion is not transitive (a key means the other keys of its own groups only).
 *
 * Ownership: struct vocab is opaque, made by vocab_load() or vocab_new() and released with
 * vocab_free(). Functions returning char * or char ** hand ownership to the caller.
 *
 * Threads: every function may be called from any thread (the stemmer is shared behind a lock).
 * A loaded struct vocab is read-only: any number of threads may expand with it at once, as long
 * as none is running vocab_add_text() or vocab_free() on it.
 */
#ifndef MDP_VOCAB_H
#define MDP_VOCAB_H

#include <stddef.h>

struct vocab;

enum vocab_kind { VOCAB_SYNONYMS, VOCAB_VALUES };

/*
 * Loads the built-in thesaurus and, when root is not NULL and root/semantic/synonyms.yml
 * exists, that file too. Returns 0 and *out (the caller's, free with vocab_free()), or -1 with
 * *out NULL and error() naming file:line:col ("semantic/synonyms.yml:3:5: group 2 is not a
 * list of words"): malformed YAML, an unknown top-level key, a group that is not a list of at
 * least two strings, a phrase without letters or digits.
 */
int vocab_load(const char *root, struct vocab **out);
/*
 * Parses one thesaurus text into v (for tests and the fuzzer); name is used in errors. An
 * empty text adds nothing. All or nothing: on -1 (error() as for vocab_load) v is unchanged.
 */
int vocab_add_text(struct vocab *v, const char *name, const char *text, size_t len);
/* An empty vocabulary (no groups), for vocab_add_text(). */
struct vocab *vocab_new(void);
/* Frees v and everything in it; NULL is fine. */
void vocab_free(struct vocab *v);

/*
 * Splits text into lowercase words: "customerSegment" -> customer segment, "Sales Person" ->
 * sales person, "HTTPServer2" -> http server 2, "stg_users" -> stg users, "Home & Garden" ->
 * home garden. Punctuation separates words and is dropped, as are Unicode spaces, dashes,
 * quotes and other general punctuation; an apostrophe between letters is dropped without
 * splitting ("customer's" -> customers). A plural s after capitals stays ("URLs" -> urls).
 * ASCII and Latin-1 letters are lowercased (É -> é); other non-ASCII bytes are kept inside
 * words as they are. Returns the number of words and the array in *out (the caller's, free
 * with strv_free()); 0 and NULL for a text with no words or a NULL text.
 */
size_t vocab_split(const char *text, char ***out);

/*
 * The Snowball English stem of one word, lowercased first as vocab_split() does: "categories"
 * -> "categori", "Orders" -> "order". Numbers, words longer than 64 bytes and bytes that are
 * not UTF-8 are returned lowercased but unstemmed. The caller frees the result.
 */
char *vocab_stem(const char *word);

/*
 * The key of a text: its words, stemmed, joined by one space ("" for no words or NULL). The
 * caller frees it. vocab_key("Customer_Segments") is "custom segment".
 */
char *vocab_key(const char *text);

/*
 * The keys that mean the same as key (a key, as vocab_key() gives) through the thesaurus groups
 * of the given kind, not including key itself, each once, in the order of the groups. Returns
 * the count and *out (the caller's, free with strv_free()); 0 and NULL when key is in no group.
 * One hash lookup: cheap enough to call for every name and value of a warehouse.
 */
size_t vocab_expand(const struct vocab *v, enum vocab_kind kind, const char *key, char ***out);

/* Number of groups loaded, by kind (for reports and tests). */
size_t vocab_groups(const struct vocab *v, enum vocab_kind kind);

#endif
