/*
 * Line editing with history for interactive shells (libedit, wrapped here and nowhere else):
 * `mdp chat` reads questions with it.
 */
#ifndef MDP_LINEEDIT_H
#define MDP_LINEEDIT_H

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

#endif
