/*
 * Allocation that dies on out-of-memory, so call sites stay simple (after tmux's xmalloc.c).
 * Every pointer returned here is owned by the caller and released with free().
 */
#ifndef MDP_XMALLOC_H
#define MDP_XMALLOC_H

#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows *ptr (an array of *alloc elements of `size` bytes) to hold at least `need`. */
void *xgrow(void *ptr, size_t need, size_t *alloc, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A freshly allocated formatted string. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow array `a` (with `alloc` capacity) to hold `n` elements. */
#define ALLOC_GROW(a, n, alloc) ((a) = xgrow((a), (n), &(alloc), sizeof(*(a))))
#define ARRAY_SIZE(x)           (sizeof(x) / sizeof((x)[0]))

#include "util/banned.h"

#endif
