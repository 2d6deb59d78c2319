/*
 * libedit's readline interface, for the interactive shells: history and tab completion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <editline/readline.h>

#include "util/fs.h"
#include "util/lineedit.h"
#include "util/xmalloc.h"

static char *history_path;

void lineedit_open(const char *name)
{
    const char *home = getenv("HOME");

    free(history_path);
    history_path = home ? fs_join(home, name) : NULL;
    if (history_path)
        read_history(history_path);
}

char *lineedit_read(const char *prompt)
{
    char *line = readline(prompt);

    if (line && *line)
        add_history(line);
    return line;
}

void lineedit_close(void)
{
    if (history_path)
        write_history(history_path);
    free(history_path);
    history_path = NULL;
}

static lineedit_complete_fn complete_fn;
static void *complete_ctx;

/*
 * readline's attempted-completion hook: the caller's words as readline wants them, the text
 * that replaces the word (their common prefix) first, then each word.
 */
static char **attempt_completion(const char *word, int start, int end)
{
    char **words, **matches;
    size_t n, i, common;

    (void)word;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    words =
        complete_fn ? complete_fn(rl_line_buffer, (size_t)start, (size_t)end, complete_ctx) : NULL;
    if (!words || !words[0]) {
        free(words);
        return NULL;
    }
    for (n = 0; words[n]; n++)
        ;
    common = strlen(words[0]);
    for (i = 1; i < n; i++) {
        size_t k = 0;
        while (k < common && words[i][k] == words[0][k])
            k++;
        common = k;
    }
    matches = xcalloc(n + 2, sizeof(*matches));
    matches[0] = xstrndup(words[0], common);
    for (i = 0; i < n; i++)
        matches[i + 1] = words[i];
    free(words);
    rl_completion_append_character =
        n == 1 && common && strchr(".(", matches[0][common - 1]) ? '\0' : ' ';
    return matches;
}

void lineedit_set_completion(lineedit_complete_fn complete, void *ctx)
{
    complete_fn = complete;
    complete_ctx = ctx;
    rl_basic_word_break_characters = " \t\n\"'`()<>=;,*+-/%|&";
    rl_attempted_completion_function = attempt_completion;
}
