/*
 * Line editing with history and tab completion for interactive shells (libedit, wrapped here
 * and nowhere else): `mdp chat` reads questions with it, `mdp query` SQL.
 */
#ifndef MDP_LINEEDIT_H
#define MDP_LINEEDIT_H

#include <stddef.h>

/*
 * Loads the history from ~/NAME (e.g. ".mdp_chat_history") when HOME is set. Call once before
 * lineedit_read(); lineedit_close() saves the history back.
 */
void lineedit_open(const char *name);
/*
 * Reads one line with prompt. Returns it (the caller frees it), or NULL at end of input
 * (Ctrl-D). The line is added to the history when not empty.
 */
char *lineedit_read(const char *prompt);
void lineedit_close(void);

/*
 * What Tab offers: complete(line, start, end, ctx) gets the line so far and the word being
 * completed, line[start..end) (words end at blanks and at "'`()<>=;,*+-/%|&), and returns the
 * words that may replace it, best first: a NULL-terminated array of malloc'd strings, which
 * lineedit takes (frees), or NULL for none. One match is inserted with a space after it
 * (none after '.' or '('), several are completed to their common prefix and listed on a
 * second Tab. Set once, before lineedit_read(); NULL turns completion off (no file names).
 */
typedef char **(*lineedit_complete_fn)(const char *line, size_t start, size_t end, void *ctx);
void lineedit_set_completion(lineedit_complete_fn complete, void *ctx);

#endif
