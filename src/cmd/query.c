/*
 * mdp query [-c SQL | -f FILE] [--format F] [--sandbox | --write]: an SQL shell on the
 * warehouse. Without -c/-f it reads statements from a terminal with line editing, history
 * (~/.mdp_history) and Tab completion, or from standard input when that is not a terminal.
 * -c, -f and standard input are scripts: statements and dot commands run in order, each
 * statement's result shown, up to the first failure.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "render/table.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/lineedit.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/term.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

static const char usage[] =
    "usage: mdp query [-c SQL | -f FILE] [--format table|csv|json|markdown]\n"
    "                 [--sandbox | --write] [--max-rows N] [--timeout MS]\n"
    "\n"
    "Run SQL on the warehouse. With no -c or -f, an interactive shell (line editing, history in\n"
    "~/.mdp_history; end a statement with ';'; Ctrl-C cancels the running query; .help lists\n"
    "the dot commands), or the statements on standard input when it is not a terminal. A\n"
    "script stops at the first statement that fails (exit 1).\n"
    "\n"
    "  -c, --command SQL  run SQL and exit: each statement's result is shown, in order; lines\n"
    "                     that start with '.' are dot commands (.tables, .schema T, ...)\n"
    "  -f, --file FILE    run the SQL and dot commands in FILE and exit (as -c)\n"
    "  --format FORMAT    table (default), csv, json or markdown\n"
    "  --sandbox          run in the sandboxed session used for questions: read-only, no file\n"
    "                     access, one SELECT-like statement at a time, timeout and row cap\n"
    "  --write            open the warehouse read-write (default: read-only)\n"
    "  --max-rows N       show at most N rows (default: all; 10000 in the sandbox, which\n"
    "                     --max-rows can only lower); a cut result says so on stderr\n"
    "  --timeout MS       interrupt a query after MS milliseconds (default: none; 30000 in\n"
    "                     the sandbox)\n"
    "  -h, --help         this help\n";

static volatile sig_atomic_t cancel_flag;

static void on_sigint(int sig)
{
    (void)sig;
    cancel_flag = 1;
}

struct shell {
    struct wh *wh;
    const char *mode; /* "read-only", "read-write" or "sandbox" */
    enum render_format fmt;
    struct wh_limits lim;
    int timer;
    struct timespec t0;  /* when the statement being run started */
    struct strbuf *stmt; /* the shell's statement so far (its lines before this one) */
};

static double elapsed_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* wh_query_each()'s callback: prints one statement's result. */
static int show_result(const struct wh_result *r, void *ctx)
{
    struct shell *sh = ctx;
    struct strbuf out = STRBUF_INIT;
    struct render_options ro = {0};

    ro.width = term_width();
    ro.color = term_color;
    ro.footer = 1;
    /* as the duckdb CLI: rows of queries only, not the count of an INSERT or CREATE */
    if (r->ncols && !r->changed_rows)
        render_result(&out, r, sh->fmt, &ro);
    fwrite(out.buf, 1, out.len, stdout);
    if (r->truncated && !term_quiet) {
        /* the rows cut are never silent, in any format */
        fflush(stdout);
        if (sh->lim.max_rows && r->nrows >= sh->lim.max_rows)
            inform("note: result cut at %zu of %llu rows (--max-rows %zu)", r->nrows,
                   (unsigned long long)r->total_rows, sh->lim.max_rows);
        else
            inform("note: result cut at %zu of %llu rows (the sandbox's limit); add a LIMIT or "
                   "aggregate, or run without --sandbox to get every row",
                   r->nrows, (unsigned long long)r->total_rows);
    }
    if (sh->timer)
        printf("%sRun Time: %.3f s%s\n", term_dim(), elapsed_since(&sh->t0), term_reset());
    fflush(stdout);
    strbuf_release(&out);
    clock_gettime(CLOCK_MONOTONIC, &sh->t0);
    return 0;
}

/* Runs the statements of sql in order, showing each one's result. Returns 0, or -1 after error. */
static int run(struct shell *sh, const char *sql)
{
    cancel_flag = 0;
    clock_gettime(CLOCK_MONOTONIC, &sh->t0);
    return wh_query_each(sh->wh, sql, &sh->lim, show_result, sh);
}

/* The dot commands, for .help, "did you mean" and completion. */
static const struct dot_command {
    const char *name;
    const char *args;
    const char *help;
} dot_commands[] = {
    {".help", "", "this list"},
    {".tables", "", "tables and views"},
    {".schema", "[TABLE]", "the columns of TABLE (of every table without one)"},
    {".format", "FORMAT", "table, csv, json or markdown (also .mode)"},
    {".mode", "FORMAT", "the same as .format"},
    {".timer", "on|off", "show how long each statement took"},
    {".quit", "", "leave (also .exit, or Ctrl-D in the shell)"},
    {".exit", "", "the same as .quit"},
};

static void dot_help(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(dot_commands); i++) {
        char head[32];
        snprintf(head, sizeof(head), "%s %s", dot_commands[i].name, dot_commands[i].args);
        printf("%-20s%s\n", head, dot_commands[i].help);
    }
}

/* "unknown command '.tabels' (did you mean '.tables'?)"; returns -1. */
static int dot_unknown(const char *name)
{
    const char *near =
        str_closest_entry(name, dot_commands, ARRAY_SIZE(dot_commands), sizeof(dot_commands[0]), 2);

    if (near)
        return error("unknown command '%s' (did you mean '%s'?); .help lists them", name, near);
    return error("unknown command '%s'; .help lists them", name);
}

/*
 * Runs one dot command line (".schema t"). Returns 1 to quit, 0 to go on, -1 after an error
 * (a failing query, an unknown command or a missing argument).
 */
static int dot_command(struct shell *sh, const char *text)
{
    char *line = xstrdup(text), *arg;
    size_t len = strlen(line);
    int ret = 0;

    while (len && isspace((unsigned char)line[len - 1]))
        line[--len] = '\0';
    arg = line + strcspn(line, " \t");
    if (*arg) {
        *arg++ = '\0';
        arg += strspn(arg, " \t");
    }
    if (!strcmp(line, ".quit") || !strcmp(line, ".exit") || !strcmp(line, ".q")) {
        ret = 1;
    } else if (!strcmp(line, ".help")) {
        dot_help();
    } else if (!strcmp(line, ".tables")) {
        ret = run(sh, "SELECT schema_name || '.' || table_name AS name, 'table' AS kind FROM "
                      "duckdb_tables() WHERE NOT internal UNION ALL SELECT schema_name || '.' || "
                      "view_name, 'view' FROM duckdb_views() WHERE NOT internal ORDER BY 1");
    } else if (!strcmp(line, ".schema")) {
        char *sql = *arg ? xstrfmt("DESCRIBE %s", arg)
                         : xstrdup("SELECT schema_name || '.' || table_name AS \"table\", "
                                   "column_name AS \"column\", data_type AS type FROM "
                                   "duckdb_columns() WHERE NOT internal ORDER BY schema_name, "
                                   "table_name, column_index");
        ret = run(sh, sql);
        free(sql);
    } else if (!strcmp(line, ".format") || !strcmp(line, ".mode")) {
        if (render_format_parse(arg, &sh->fmt) < 0)
            ret = error("%s needs a format: table, csv, json or markdown", line);
    } else if (!strcmp(line, ".timer")) {
        if (strcmp(arg, "on") && strcmp(arg, "off"))
            ret = error(".timer needs on or off");
        sh->timer = !strcmp(arg, "on");
    } else {
        ret = dot_unknown(line);
    }
    free(line);
    return ret;
}

/* Does the line start (after blanks) a dot command: '.' and a letter? */
static const char *dot_line(const char *line)
{
    line += strspn(line, " \t");
    return line[0] == '.' && isalpha((unsigned char)line[1]) ? line : NULL;
}

/*
 * Runs a script (-c, -f or standard input): its SQL statements and dot commands (lines that
 * start with '.') in order, each statement's result shown. Returns 0, or -1 at the first
 * failure; .quit ends it early.
 */
static int run_script(struct shell *sh, const char *text)
{
    struct strbuf sql = STRBUF_INIT;
    const char *p = text;
    int ret = 0;

    while (*p && !ret) {
        const char *eol = strchrnul(p, '\n'), *dot;
        char *line = xstrndup(p, (size_t)(eol - p));

        if ((dot = dot_line(line))) {
            if (sql.len)
                ret = run(sh, sql.buf);
            strbuf_reset(&sql);
            if (!ret)
                ret = dot_command(sh, dot);
        } else {
            strbuf_addstr(&sql, line);
            strbuf_addch(&sql, '\n');
        }
        free(line);
        p = *eol ? eol + 1 : eol;
    }
    if (!ret && sql.len)
        ret = run(sh, sql.buf);
    strbuf_release(&sql);
    return ret < 0 ? -1 : 0;
}

static int ends_statement(const struct strbuf *sb)
{
    size_t n = sb->len;
    while (n && (sb->buf[n - 1] == ' ' || sb->buf[n - 1] == '\n' || sb->buf[n - 1] == '\t'))
        n--;
    return n && sb->buf[n - 1] == ';';
}

/* Adds cand (taken) to the candidates when it starts with word (any case), once. */
static void add_candidate(char ***v, size_t *n, const char *word, size_t wlen, char *cand)
{
    if (strncasecmp(cand, word, wlen)) {
        free(cand);
        return;
    }
    strv_push_unique(v, n, cand);
}

/* The first column of sql's rows that start with word, as candidates. */
static void add_query_candidates(struct shell *sh, const char *sql, char ***v, size_t *n,
                                 const char *word, size_t wlen)
{
    struct wh_result *r = NULL;
    size_t i;
    int quiet = error_quiet(1);

    if (wh_query(sh->wh, sql, NULL, &r) == 0)
        for (i = 0; i < r->nrows; i++)
            if (wh_result_text(r, i, 0))
                add_candidate(v, n, word, wlen, xstrdup(wh_result_text(r, i, 0)));
    error_quiet(quiet);
    wh_result_free(r);
}

/* A keyword in the case of the word typed: "sel" gets "select", "SEL" "SELECT". */
static char *keyword_case(const char *suggestion, const char *word, size_t wlen)
{
    char *s = xstrdup(suggestion);
    size_t i, lower = 0, upper = 0;

    for (i = 0; i < wlen; i++) {
        lower += islower((unsigned char)word[i]) != 0;
        upper += isupper((unsigned char)word[i]) != 0;
    }
    for (i = 0; s[i]; i++)
        if (islower((unsigned char)s[i]))
            return s; /* a name, not a keyword: as it is */
    if (lower && !upper)
        for (i = 0; s[i]; i++)
            s[i] = (char)tolower((unsigned char)s[i]);
    return s;
}

/*
 * SQL candidates from DuckDB's sql_auto_complete() on the statement so far (keywords, tables,
 * columns, functions). A suggestion replaces the text from its suggestion_start, which may
 * begin before or after the word libedit cut (e.g. after "main."), so it is shifted to start
 * where the word does.
 */
static void add_sql_candidates(struct shell *sh, const char *line, size_t start, size_t end,
                               char ***v, size_t *n)
{
    struct strbuf text = STRBUF_INIT, sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    size_t offset = 0, i;
    int quiet;

    if (sh->stmt->len) {
        strbuf_addstr(&text, sh->stmt->buf);
        strbuf_addch(&text, '\n');
        offset = text.len;
    }
    strbuf_add(&text, line, end);
    strbuf_addstr(&sql, "SELECT suggestion, suggestion_start FROM sql_auto_complete(");
    strbuf_add_sql_string(&sql, text.buf);
    strbuf_addstr(&sql, ")");
    quiet = error_quiet(1);
    if (wh_query(sh->wh, sql.buf, NULL, &r) == 0) {
        for (i = 0; i < r->nrows; i++) {
            const char *sug = wh_result_text(r, i, 0);
            double at;
            size_t pos, len;
            struct strbuf cand = STRBUF_INIT;
            char *word;

            if (!sug || wh_result_num(r, i, 1, &at) < 0 || at < (double)offset)
                continue;
            pos = (size_t)at - offset;
            if (pos > end)
                continue;
            if (pos < start) {
                /* the suggestion covers text before the word: it must agree with it */
                if (strncasecmp(sug, line + pos, start - pos))
                    continue;
                sug += start - pos;
            } else {
                strbuf_add(&cand, line + start, pos - start);
            }
            strbuf_addstr(&cand, sug);
            len = cand.len;
            while (len && cand.buf[len - 1] == ' ')
                len--;
            strbuf_setlen(&cand, len);
            if (cand.len) {
                word = keyword_case(cand.buf, line + start, end - start);
                add_candidate(v, n, line + start, end - start, word);
            }
            strbuf_release(&cand);
        }
    }
    error_quiet(quiet);
    wh_result_free(r);
    strbuf_release(&sql);
    strbuf_release(&text);
}

/*
 * Tab completion (a lineedit_complete_fn): dot command names, their arguments (tables for
 * .schema, formats, on/off), and SQL words from DuckDB.
 */
static char **complete(const char *line, size_t start, size_t end, void *ctx)
{
    static const char *const formats[] = {"table", "csv", "json", "markdown"};
    struct shell *sh = ctx;
    const char *lead = line + strspn(line, " \t");
    const char *dot = !sh->stmt->len && *lead == '.' ? lead : NULL; /* also a lone '.' */
    const char *word = line + start;
    size_t wlen = end - start, n = 0, i;
    char **v = NULL;

    if (dot && start == (size_t)(dot - line)) {
        for (i = 0; i < ARRAY_SIZE(dot_commands); i++)
            add_candidate(&v, &n, word, wlen, xstrdup(dot_commands[i].name));
    } else if (dot) {
        size_t cmd = strcspn(dot, " \t");
        if ((cmd == 7 && !strncmp(dot, ".schema", 7)))
            add_query_candidates(sh,
                                 "SELECT CASE WHEN schema_name = 'main' THEN table_name ELSE "
                                 "schema_name || '.' || table_name END FROM duckdb_tables() WHERE "
                                 "NOT internal UNION ALL SELECT CASE WHEN schema_name = 'main' "
                                 "THEN view_name ELSE schema_name || '.' || view_name END FROM "
                                 "duckdb_views() WHERE NOT internal ORDER BY 1",
                                 &v, &n, word, wlen);
        else if ((cmd == 7 && !strncmp(dot, ".format", 7)) ||
                 (cmd == 5 && !strncmp(dot, ".mode", 5)))
            for (i = 0; i < ARRAY_SIZE(formats); i++)
                add_candidate(&v, &n, word, wlen, xstrdup(formats[i]));
        else if (cmd == 6 && !strncmp(dot, ".timer", 6))
            for (i = 0; i < 2; i++)
                add_candidate(&v, &n, word, wlen, xstrdup(i ? "off" : "on"));
    } else {
        add_sql_candidates(sh, line, start, end, &v, &n);
    }
    if (!n) {
        free(v);
        return NULL;
    }
    v = xrealloc(v, (n + 1) * sizeof(*v));
    v[n] = NULL;
    return v;
}

static int interactive(struct shell *sh)
{
    struct strbuf stmt = STRBUF_INIT;

    sh->stmt = &stmt;
    lineedit_open(".mdp_history");
    lineedit_set_completion(complete, sh);
    printf("mdp query on %s (%s). End statements with ';', .help for commands, Tab completes.\n",
           wh_path(sh->wh), sh->mode);
    for (;;) {
        char *line, *lead;

        cancel_flag = 0;
        line = lineedit_read(stmt.len ? "   ...> " : "mdp> ");
        if (!line) {
            if (cancel_flag) {
                strbuf_reset(&stmt);
                putchar('\n');
                continue;
            }
            putchar('\n');
            break;
        }
        lead = line + strspn(line, " \t");
        if (!stmt.len && *lead == '.') {
            int quit = dot_command(sh, lead) == 1;
            free(line);
            if (quit)
                break;
            continue;
        }
        if (*line) {
            if (stmt.len)
                strbuf_addch(&stmt, '\n');
            strbuf_addstr(&stmt, line);
        }
        free(line);
        if (ends_statement(&stmt)) {
            run(sh, stmt.buf);
            strbuf_reset(&stmt);
        }
    }
    lineedit_set_completion(NULL, NULL);
    lineedit_close();
    sh->stmt = NULL;
    strbuf_release(&stmt);
    return EXIT_OK;
}

int cmd_query(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"command", required_argument, NULL, 'c'},
                                             {"file", required_argument, NULL, 'f'},
                                             {"format", required_argument, NULL, 'F'},
                                             {"sandbox", no_argument, NULL, 'S'},
                                             {"write", no_argument, NULL, 'W'},
                                             {"max-rows", required_argument, NULL, 'm'},
                                             {"timeout", required_argument, NULL, 't'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *sql = NULL, *file = NULL;
    int sandbox = 0, write = 0, opt, ret = EXIT_FAIL;
    struct shell sh;
    struct strbuf text = STRBUF_INIT;
    struct sigaction sa;

    memset(&sh, 0, sizeof(sh));
    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "c:f:h", longopts)) != -1) {
        switch (opt) {
        case 'c': sql = optarg; break;
        case 'f': file = optarg; break;
        case 'F':
            if (render_format_parse(optarg, &sh.fmt) < 0)
                return cmd_usage_error(usage, "unknown format '%s' (table, csv, json, markdown)",
                                       optarg);
            break;
        case 'S': sandbox = 1; break;
        case 'W': write = 1; break;
        case 'm':
            if (atol(optarg) <= 0)
                return cmd_usage_error(usage, "--max-rows needs a positive number");
            sh.lim.max_rows = (size_t)atol(optarg);
            break;
        case 't':
            if (atoi(optarg) <= 0)
                return cmd_usage_error(usage, "--timeout needs milliseconds > 0");
            sh.lim.timeout_ms = atoi(optarg);
            break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if (optind < argc)
        return cmd_usage_error(usage,
                               "unexpected argument '%s' (quote the SQL and pass it "
                               "with -c)",
                               argv[optind]);
    if (sql && file)
        return cmd_usage_error(usage, "-c and -f cannot be used together");
    if (sandbox && write)
        return cmd_usage_error(usage, "--sandbox and --write cannot be used together");

    if (cmd_ready(s))
        return EXIT_USAGE;
    sh.mode = sandbox ? "sandbox" : write ? "read-write" : "read-only";
    s->mode = write ? WH_READ_WRITE : WH_READ_ONLY;
    sh.wh = sandbox ? session_sandbox(s) : session_wh(s);
    if (!sh.wh)
        return EXIT_FAIL;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sh.lim.cancel = &cancel_flag;

    if (file && fs_read_file(&text, file) < 0) {
        ret = EXIT_USAGE;
    } else if (sql || file) {
        ret = run_script(&sh, sql ? sql : text.buf) < 0 ? EXIT_FAIL : EXIT_OK;
    } else if (isatty(STDIN_FILENO)) {
        ret = interactive(&sh);
    } else {
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
            strbuf_add(&text, buf, n);
        ret = run_script(&sh, text.buf) < 0 ? EXIT_FAIL : EXIT_OK;
    }
    strbuf_release(&text);
    return ret;
}
