/*
 * Allocation wrappers: report and exit on out-of-memory rather than returning NULL.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

static void oom(size_t size)
{
    /* Exit status 1 (the work failed); 127 would read as "command not found". */
    fprintf(stderr,
            "fatal: out of memory allocating %zu bytes; free some memory, or ask for "
            "less (fewer rows or columns)\n",
            size);
    exit(1);
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        oom(size);
    return p;
}

void *xgrow(void *ptr, size_t need, size_t *alloc, size_t size)
{
    size_t n;

    if (need <= *alloc)
        return ptr;
    n = *alloc ? *alloc : 8;
    while (n < need)
        n = n + n / 2 + 8;
    if (n > (size_t)-1 / size)
        oom((size_t)-1);
    *alloc = n;
    return xrealloc(ptr, n * size);
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrfmt(const char *fmt, ...)
{
    va_list ap;
    char *p;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        oom(0);
    p = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
