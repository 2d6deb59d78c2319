/*
 * mdp: the command table, global options and dispatch. Each command lives in src/cmd/NAME.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "platform/locate.h"
#include "session/session.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/term.h"
#include "util/xmalloc.h"

#define MDP_VERSION "0.1.0"

/*
 * What a command needs (like git's RUN_SETUP): a platform folder, a warehouse, write access.
 * main.c locates the platform once into a struct session; the command calls cmd_ready() after
 * parsing its options (usage errors first), which checks these flags (exit 2 when missing).
 * Without a flag the command checks for itself (sync may make a platform of the current
 * folder; eval looks for its case file first).
 */
#define NEED_ROOT      SESSION_NEED_ROOT
#define NEED_WAREHOUSE SESSION_NEED_WAREHOUSE
#define WRITE          SESSION_WRITE

struct command {
    const char *name;
    int (*fn)(int argc, char **argv, struct session *s);
    unsigned flags;
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, 0, "scaffold a platform folder (the sample platform, or --empty)"},
    {"generate", cmd_generate, 0, "write the sample e-commerce sources (--scale, --seed)"},
    {"sync", cmd_sync, 0, "add new source files to sources.yml, drop entries whose file is gone"},
    {"ingest", cmd_ingest, NEED_ROOT | NEED_WAREHOUSE | WRITE,
     "load the manifest's sources into raw.<table>, each atomically"},
    {"seed", cmd_seed, NEED_ROOT | WRITE,
     "load the dbt project's seed CSVs (ref('seed') reads them)"},
    {"transform", cmd_transform, NEED_ROOT | WRITE,
     "build the dbt models in dependency order (--select, --vars)"},
    {"test", cmd_test, NEED_ROOT | NEED_WAREHOUSE,
     "run the dbt tests (column, singular) and source freshness"},
    {"pipeline", cmd_pipeline, NEED_ROOT | WRITE,
     "sync, ingest, seed, transform, test: build the warehouse"},
    {"setup", cmd_setup, WRITE,
     "init and generate when needed, then pipeline: a warehouse from nothing"},
    {"query", cmd_query, NEED_WAREHOUSE, "SQL shell on the warehouse (-c SQL, or interactive)"},
    {"catalog", cmd_catalog, NEED_WAREHOUSE,
     "what mdp inferred about the warehouse: keys, joins, roles, layers"},
    {"ask", cmd_ask, NEED_WAREHOUSE,
     "answer a question about the warehouse in plain English, with the SQL"},
    {"analyze", cmd_analyze, NEED_WAREHOUSE,
     "run an analysis: bought together, lifetime value, anomalies, growth, cohorts, funnel"},
    {"chat", cmd_chat, NEED_WAREHOUSE,
     "questions in a conversation, with follow-ups (alias: agent)"},
    {"agent", cmd_chat, NEED_WAREHOUSE, "the same as chat"},
    {"eval", cmd_eval, 0, "run evaluation cases: ground-truth SQL and assertions on answers"},
    {"dashboard", cmd_dashboard, NEED_WAREHOUSE,
     "build the Evidence-style dashboard pages into a static site"},
    {"serve", cmd_serve, NEED_WAREHOUSE, "serve the dashboards live over HTTP (--port, --host)"},
};

struct global_options {
    const char *project;   /* --project DIR */
    const char *warehouse; /* --warehouse PATH */
};
static struct global_options global;

static const char usage[] =
    "usage: mdp [GLOBAL OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "mdp: a mini data platform in one binary. It builds a DuckDB warehouse from raw files,\n"
    "runs dbt-style models and tests, infers what the data means (keys, joins, measures),\n"
    "and measures answers to questions about the data.\n"
    "\n"
    "Global options (accepted before or after the command):\n"
    "  --project DIR      the platform folder (default: the nearest directory, up to 6\n"
    "                     parents, holding sources/sources.yml or warehouse/data.duckdb)\n"
    "  --warehouse PATH   the warehouse file (default: $MDP_WAREHOUSE, else\n"
    "                     <project>/warehouse/data.duckdb)\n"
    "  --no-color         no colours (also when NO_COLOR is set or output is not a terminal)\n"
    "  -q, --quiet        only errors\n"
    "  -v, --verbose      more detail\n"
    "  -h, --help         this help; `mdp COMMAND --help` for a command's options\n"
    "  --version          print the version\n"
    "\n"
    "Commands:\n";

static void print_usage(FILE *f)
{
    size_t i;

    fputs(usage, f);
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
}

static const struct command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

/* "error: 'quey' is not an mdp command (did you mean 'query'?)", or the usage. */
static int unknown_command(const char *name)
{
    const char *near =
        str_closest_entry(name, commands, ARRAY_SIZE(commands), sizeof(commands[0]), 2);

    if (near) {
        fprintf(stderr, "error: '%s' is not an mdp command (did you mean '%s'?)\n", name, near);
        return EXIT_USAGE;
    }
    fprintf(stderr, "error: '%s' is not an mdp command\n\n", name);
    print_usage(stderr);
    return EXIT_USAGE;
}

/* Makes the session with what the command's flags ask for, and runs the command. */
static int run_command(const struct command *cmd, int argc, char **argv)
{
    struct session s;
    int ret;

    session_init(&s, global.project, global.warehouse);
    s.needs = cmd->flags;
    if (cmd->flags & WRITE)
        s.mode = WH_READ_WRITE;
    ret = cmd->fn(argc, argv, &s);
    session_release(&s);
    return ret;
}

/*
 * Takes the global options out of argv wherever they stand (up to a "--"), so that
 * `mdp --project X query` and `mdp query --project X` both work. Returns the new argc, or -1
 * after a message.
 */
static int take_global_options(int argc, char **argv, int *no_color)
{
    int i, out = 1;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;

        if (!strcmp(a, "--")) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (!strcmp(a, "--project"))
            slot = &global.project;
        else if (!strcmp(a, "--warehouse"))
            slot = &global.warehouse;
        if (slot) {
            if (i + 1 >= argc) {
                fprintf(stderr, "error: option '%s' needs a value\n", a);
                return -1;
            }
            *slot = argv[++i];
            continue;
        }
        if (!strncmp(a, "--project=", 10)) {
            global.project = a + 10;
            continue;
        }
        if (!strncmp(a, "--warehouse=", 12)) {
            global.warehouse = a + 12;
            continue;
        }
        if (!strcmp(a, "--no-color")) {
            *no_color = 1;
            continue;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            term_quiet = 1;
            continue;
        }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            term_verbose = 1;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    return out;
}

int main(int argc, char **argv)
{
    const struct command *cmd;
    int no_color = 0;
    const char *nc = getenv("NO_COLOR");

    argc = take_global_options(argc, argv, &no_color);
    if (argc < 0)
        return EXIT_USAGE;
    error_verbose(term_verbose);
    term_color = !no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
    if (argc < 2) {
        print_usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        if (argc > 2 && (cmd = find_command(argv[2]))) {
            char *args[] = {argv[2], "--help", NULL};
            return run_command(cmd, 2, args);
        }
        print_usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("mdp %s\n", MDP_VERSION);
        return EXIT_OK;
    }
    cmd = find_command(argv[1]);
    if (!cmd)
        return unknown_command(argv[1]);
    /* init, setup and generate write a platform; every other command needs --project to be one. */
    if (strcmp(cmd->name, "init") && strcmp(cmd->name, "setup") && strcmp(cmd->name, "generate") &&
        platform_check_project(global.project) < 0)
        return EXIT_USAGE;
    {
        struct strbuf env = STRBUF_INIT;
        int n = platform_load_env(global.project, &env);
        if (n >= 0 && term_verbose && env.len)
            fprintf(stderr, "read %s (%d setting%s)\n", env.buf, n, n == 1 ? "" : "s");
        strbuf_release(&env);
        if (n < 0)
            return EXIT_USAGE;
    }
    return run_command(cmd, argc - 1, argv + 1);
}
