/*
 * What every command shares: the global options, its entry point's signature and helpers for
 * usage errors. One file per command in src/cmd/, registered in src/main.c's table.
 *
 * Adding a command: src/cmd/NAME.c with `int cmd_NAME(int argc, char **argv, struct session *s)`
 * (argv[0] is the command's name; print usage on --help, exit 2 on bad usage; the session has
 * the platform root and warehouse, checked by main.c as the table's flags say), its line in
 * the table in main.c, a usage string that lists every option, the README, and an end-to-end test.
 */
#ifndef MDP_CMD_H
#define MDP_CMD_H

#include <signal.h>

#include "session/session.h"

/* Exit codes (platform-layout.md). */
#define EXIT_OK          0
#define EXIT_FAIL        1
#define EXIT_USAGE       2
#define EXIT_INTERRUPTED 130 /* stopped by Ctrl-C, as shells report SIGINT */

/*
 * Catches Ctrl-C for long work that stops cleanly: the flag returned turns non-zero, the work
 * rolls back what it was doing and reports; a second Ctrl-C kills as usual.
 */
volatile sig_atomic_t *cmd_catch_sigint(void);

struct json;
/* Prints a --json document (render/results.h) on stdout and frees it. */
void cmd_print_results(struct json *doc);
/* cmd_open_wh(), and the failure as --json results when json_command is not NULL. */
int cmd_open_wh_results(struct session *s, struct wh **wh, const char *json_command);
struct strbuf;
/* Writes a report file (--junit FILE), making its folder: 0, or -1 after error(). */
int cmd_write_report(const char *path, const struct strbuf *sb);

/* Prints usage to stdout and returns EXIT_OK (for --help). */
int cmd_help(const char *usage);
/* Prints "error: <msg>" and the usage to stderr; returns EXIT_USAGE. */
int cmd_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * getopt_long() for the commands, silent (getopt prints nothing of its own): returns the next
 * option, -1 at the end, or '?' for an unknown option or one given without its value; then
 * cmd_option_error() says which, once. Set optind = 1 before the first call.
 */
struct option;
int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);
/*
 * The usage error for the '?' cmd_getopt() just returned: "option '--scale' needs a value" or
 * "unknown option '--sacle' (did you mean '--scale'?)", then the usage. Returns EXIT_USAGE.
 */
int cmd_option_error(const char *usage, const struct option *longopts);

/*
 * After option parsing: checks what the command's table flags need (session_check()).
 * Returns 0, or EXIT_USAGE after the error.
 */
int cmd_ready(const struct session *s);
/* cmd_ready(), then the session's warehouse in *wh: 0, EXIT_USAGE or EXIT_FAIL after error. */
int cmd_open_wh(struct session *s, struct wh **wh);

/*
 * The exit code for a library's result: 0 -> EXIT_OK, > 0 (some items failed) -> EXIT_FAIL,
 * < 0 -> EXIT_USAGE when the input was bad (bad_input), else EXIT_FAIL.
 */
int cmd_exit_code(int rc, int bad_input);

/*
 * dbt selectors from -s/--select/-m/--models, as dbt takes them: repeated, or several after
 * one --select (`-s a b+`). Add each option's value with select_list_add(), then
 * select_list_finish() takes the remaining arguments (refused without a --select).
 */
struct select_list {
    const char **v; /* borrowed from argv */
    size_t n;
    int seen;
};
/* The options test and transform share (getopt_long entries): --select, --models, --vars. */
#define SELECT_LIST_LONGOPTS                                                                       \
    {"select", required_argument, NULL, 's'}, {"models", required_argument, NULL, 's'},            \
    {                                                                                              \
        "vars", required_argument, NULL, 'V'                                                       \
    }
void select_list_init(struct select_list *l, int argc);
void select_list_add(struct select_list *l, const char *selector);
/* Returns 0, or EXIT_USAGE after the usage error. */
int select_list_finish(struct select_list *l, const char *usage, int argc, char **argv);
void select_list_release(struct select_list *l);

int cmd_init(int argc, char **argv, struct session *s);
int cmd_generate(int argc, char **argv, struct session *s);
int cmd_sync(int argc, char **argv, struct session *s);
int cmd_ingest(int argc, char **argv, struct session *s);
int cmd_seed(int argc, char **argv, struct session *s);
int cmd_transform(int argc, char **argv, struct session *s);
int cmd_test(int argc, char **argv, struct session *s);
int cmd_pipeline(int argc, char **argv, struct session *s);
int cmd_setup(int argc, char **argv, struct session *s);
int cmd_query(int argc, char **argv, struct session *s);
int cmd_catalog(int argc, char **argv, struct session *s);
int cmd_eval(int argc, char **argv, struct session *s);
int cmd_ask(int argc, char **argv, struct session *s);
int cmd_analyze(int argc, char **argv, struct session *s);
int cmd_chat(int argc, char **argv, struct session *s);
int cmd_dashboard(int argc, char **argv, struct session *s);
int cmd_serve(int argc, char **argv, struct session *s);

/*
 * After getopt, for the dashboard commands: at most one PAGES_DIR, cmd_ready(), and *pages =
 * PAGES_DIR, else <root>/dashboards, else <root> when it is an Evidence project
 * (evidence/pages). Returns EXIT_OK (the caller frees *pages), or an exit code after a message.
 */
int cmd_dashboard_pages(int argc, char **argv, const char *usage_text, struct session *s,
                        char **pages);

#endif
