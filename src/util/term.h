/*
 * The terminal: whether output is interactive, its width, colours and progress lines.
 */
#ifndef MDP_TERM_H
#define MDP_TERM_H

#include <stdio.h>

/* Set once by main from --no-color, NO_COLOR, -q and -v. */
extern int term_color;   /* colours on stdout/stderr */
extern int term_quiet;   /* -q: errors only */
extern int term_verbose; /* -v: more detail */

int term_is_tty(FILE *f);
/* Columns of the terminal on stdout, or $COLUMNS, or 0 when not a terminal. */
int term_width(void);
/* Escape sequences, or "" when colours are off. */
const char *term_bold(void);
const char *term_dim(void);
const char *term_red(void);
const char *term_green(void);
const char *term_yellow(void);
const char *term_reset(void);

/*
 * A progress bar on stderr, redrawn in place; silent when stderr is not a terminal or -q.
 * done and total in any unit; total 0 shows a spinner-free counter.
 */
void term_progress(const char *label, double done, double total);
/* Clears the progress line. */
void term_progress_end(void);

#endif
