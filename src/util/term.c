/*
 * Terminal detection, colours and the progress line.
 */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/term.h"

int term_color = 0;
int term_quiet = 0;
int term_verbose = 0;
static int progress_shown;

int term_is_tty(FILE *f)
{
    return isatty(fileno(f));
}

int term_width(void)
{
    struct winsize ws;
    const char *env = getenv("COLUMNS");

    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
        return ws.ws_col;
    if (env && atoi(env) > 0)
        return atoi(env);
    return 0;
}

#define ESC(name, seq)                                                                             \
    const char *term_##name(void)                                                                  \
    {                                                                                              \
        return term_color ? seq : "";                                                              \
    }
ESC(bold, "\033[1m")
ESC(dim, "\033[2m")
ESC(red, "\033[31m")
ESC(green, "\033[32m")
ESC(yellow, "\033[33m")
ESC(reset, "\033[0m")

void term_progress(const char *label, double done, double total)
{
    int width = 30, fill, i;

    if (term_quiet || !isatty(STDERR_FILENO))
        return;
    if (total > 0) {
        double f = done / total;
        if (f > 1)
            f = 1;
        fill = (int)(f * width);
        fprintf(stderr, "\r%-24.24s [", label);
        for (i = 0; i < width; i++)
            fputc(i < fill ? '#' : '.', stderr);
        fprintf(stderr, "] %5.1f%%", f * 100);
    } else {
        fprintf(stderr, "\r%-24.24s %.0f", label, done);
    }
    fflush(stderr);
    progress_shown = 1;
}

void term_progress_end(void)
{
    if (!progress_shown)
        return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    progress_shown = 0;
}
