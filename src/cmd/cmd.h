/*
 * What every command shares: the global options, its entry point's signature and helpers for
 * usage errors. One file per command in src/cmd/, registered in src/main.c's table.
 *
 * Adding a command: src/cmd/NAME.c with `int cmd_NAME(int argc, char **argv)` (argv[0] is the
 * command's name; print usage on --help, exit 2 on bad usage), its line in the table in
 * main.c, a usage string that lists every option, the README, and an end-to-end test.
 */
#ifndef MDP_CMD_H
#define MDP_CMD_H

#include "platform/locate.h"

struct global_options {
    const char *project;   /* --project DIR */
    const char *warehouse; /* --warehouse PATH */
};
extern struct global_options global;

/* Exit codes (platform-layout.md). */
#define EXIT_OK    0
#define EXIT_FAIL  1
#define EXIT_USAGE 2

/* Prints usage to stdout and returns EXIT_OK (for --help). */
int cmd_help(const char *usage);
/* Prints "error: <msg>" and the usage to stderr; returns EXIT_USAGE. */
int cmd_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The platform paths from the global options (release with platform_paths_release()). */
void cmd_locate(struct platform_paths *out);

int cmd_init(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_transform(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_pipeline(int argc, char **argv);
int cmd_setup(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_ask(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_chat(int argc, char **argv);

#endif
