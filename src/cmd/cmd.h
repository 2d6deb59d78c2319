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

#include "session/session.h"

/* Exit codes (platform-layout.md). */
#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* Prints usage to stdout and returns EXIT_OK (for --help). */
int cmd_help(const char *usage);
/* Prints "error: <msg>" and the usage to stderr; returns EXIT_USAGE. */
int cmd_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * After option parsing: checks what the command's table flags need (session_check()).
 * Returns 0, or EXIT_USAGE after the error.
 */
int cmd_ready(const struct session *s);

int cmd_init(int argc, char **argv, struct session *s);
int cmd_generate(int argc, char **argv, struct session *s);
int cmd_sync(int argc, char **argv, struct session *s);
int cmd_ingest(int argc, char **argv, struct session *s);
int cmd_transform(int argc, char **argv, struct session *s);
int cmd_test(int argc, char **argv, struct session *s);
int cmd_pipeline(int argc, char **argv, struct session *s);
int cmd_setup(int argc, char **argv, struct session *s);
int cmd_query(int argc, char **argv, struct session *s);
int cmd_catalog(int argc, char **argv, struct session *s);
int cmd_eval(int argc, char **argv, struct session *s);

#endif
