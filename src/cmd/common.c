/*
 * Helpers shared by the command files.
 */
#include <stdarg.h>
#include <stdio.h>

#include "cmd/cmd.h"

int cmd_help(const char *usage)
{
    fputs(usage, stdout);
    return EXIT_OK;
}

int cmd_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

int cmd_ready(const struct session *s)
{
    return session_check(s) < 0 ? EXIT_USAGE : 0;
}
