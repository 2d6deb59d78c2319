/*
 * Small string helpers shared across layers.
 */
#ifndef MDP_STRUTIL_H
#define MDP_STRUTIL_H

#include <stddef.h>

/*
 * Levenshtein distance between a and b, ignoring ASCII case; words longer than 64 bytes get a
 * large distance. Enough for "did you mean 'path'?" on a mistyped key.
 */
size_t str_edit_distance(const char *a, const char *b);
/*
 * The candidate closest to word when it is within max_distance edits, else NULL. Returns a
 * pointer borrowed from candidates.
 */
const char *str_closest(const char *word, const char *const *candidates, size_t n,
                        size_t max_distance);
/*
 * str_closest() over a table of n structs of `size` bytes whose first member is the name
 * (const char *), such as a command table: str_closest_entry(w, cmds, ARRAY_SIZE(cmds),
 * sizeof(cmds[0]), 2). Returns the name, borrowed from the table.
 */
const char *str_closest_entry(const char *word, const void *table, size_t n, size_t size,
                              size_t max_distance);
/*
 * Appends s to the n strings of *v unless an equal one is there; takes ownership of s (freed
 * when it is a duplicate).
 */
void strv_push_unique(char ***v, size_t *n, char *s);
/* Frees each of the n strings in v, then v. */
void strv_free(char **v, size_t n);

#endif
