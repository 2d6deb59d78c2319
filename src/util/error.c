/*
 * error(), warning(), die() and the per-thread last-error record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/error.h"
#include "util/xmalloc.h"

static _Thread_local char last[1024];
static _Thread_local int quiet;

static void report(const char *prefix, const char *fmt, va_list ap, int record)
{
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (record)
        snprintf(last, sizeof(last), "%s", msg);
    if (!quiet || !record)
        fprintf(stderr, "%s%s\n", prefix, msg);
}

int error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("error: ", fmt, ap, 1);
    va_end(ap);
    return -1;
}

int warning(const char *fmt, ...)
{
    va_list ap;

    if (quiet)
        return 0;
    va_start(ap, fmt);
    report("warning: ", fmt, ap, 0);
    va_end(ap);
    return 0;
}

static int verbose;

void inform(const char *fmt, ...)
{
    va_list ap;

    if (quiet)
        return;
    va_start(ap, fmt);
    report("", fmt, ap, 0);
    va_end(ap);
}

void trace(const char *fmt, ...)
{
    va_list ap;

    if (!verbose)
        return;
    va_start(ap, fmt);
    report("", fmt, ap, 0);
    va_end(ap);
}

int error_verbose(int on)
{
    int old = verbose;

    verbose = on;
    return old;
}

int error_is_verbose(void)
{
    return verbose;
}

void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    quiet = 0;
    report("fatal: ", fmt, ap, 1);
    va_end(ap);
    exit(128);
}

void bug_fl(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

const char *error_last(void)
{
    return last;
}

void error_clear(void)
{
    last[0] = '\0';
}

int error_quiet(int on)
{
    int old = quiet;

    quiet = on;
    return old;
}
