/*
 * libedit's readline interface, for the interactive shells.
 */
#include <stdio.h>
#include <stdlib.h>

#include <editline/readline.h>

#include "util/fs.h"
#include "util/lineedit.h"

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
