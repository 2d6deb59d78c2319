/*
 * Helpers shared by the command files.
 */
#include <stdarg.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "render/results.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

volatile sig_atomic_t *cmd_catch_sigint(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C kills as usual */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    return &interrupted;
}

void cmd_print_results(struct json *doc)
{
    render_results_print(stdout, doc);
    json_free(doc);
}

/* --json results of a command that failed before its results, with error_last(). */
static void print_error_results(const char *command)
{
    cmd_print_results(render_results_error(command, error_last()));
}

int cmd_open_wh_results(struct session *s, struct wh **wh, const char *json_command)
{
    int ret = cmd_open_wh(s, wh);

    if (ret && json_command)
        print_error_results(json_command);
    return ret;
}

int cmd_write_report(const char *path, const struct strbuf *sb)
{
    char *dir = fs_dirname(path);
    int bad = fs_mkdirs(dir, 0777);

    free(dir);
    return bad < 0 || fs_write_atomic(path, sb->buf, sb->len) < 0 ? -1 : 0;
}

int cmd_help(const char *usage)
{
    fputs(usage, stdout);
    return EXIT_OK;
}

int cmd_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

/* What the last '?' of cmd_getopt() was about. */
static struct {
    int missing_value; /* the option needs a value and got none */
    char name[64];     /* "--scale", "-c" */
} bad_option;

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
    struct strbuf opts = STRBUF_INIT;
    int opt;

    /* A leading ':' makes getopt tell a missing value (':') from an unknown option ('?'). */
    strbuf_addch(&opts, ':');
    strbuf_addstr(&opts, shortopts);
    opterr = 0;
    opt = getopt_long(argc, argv, opts.buf, longopts, NULL);
    strbuf_release(&opts);
    if (opt != ':' && opt != '?')
        return opt;
    bad_option.missing_value = opt == ':';
    /*
     * A long option is the argument just passed; a short one is optopt (for a long option
     * without its value, optopt is the option's val, so look at the argument first).
     */
    if (optind > 0 && optind <= argc && !strncmp(argv[optind - 1], "--", 2) &&
        (!optopt || bad_option.missing_value))
        snprintf(bad_option.name, sizeof(bad_option.name), "%.*s",
                 (int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
    else
        snprintf(bad_option.name, sizeof(bad_option.name), "-%c", optopt ? optopt : '?');
    return '?';
}

int cmd_option_error(const char *usage, const struct option *longopts)
{
    const char *near = NULL;
    size_t n;

    if (bad_option.missing_value)
        return cmd_usage_error(usage, "option '%s' needs a value", bad_option.name);
    for (n = 0; longopts[n].name; n++)
        ;
    /* struct option's first member is its name, without the "--" */
    if (!strncmp(bad_option.name, "--", 2))
        near = str_closest_entry(bad_option.name + 2, longopts, n, sizeof(*longopts), 2);
    if (near)
        return cmd_usage_error(usage, "unknown option '%s' (did you mean '--%s'?)", bad_option.name,
                               near);
    return cmd_usage_error(usage, "unknown option '%s'", bad_option.name);
}

int cmd_ready(const struct session *s)
{
    return session_check(s) < 0 ? EXIT_USAGE : 0;
}

int cmd_exit_code(int rc, int bad_input)
{
    if (rc == 0)
        return EXIT_OK;
    return rc < 0 && bad_input ? EXIT_USAGE : EXIT_FAIL;
}

void select_list_init(struct select_list *l, int argc)
{
    l->v = xcalloc((size_t)argc + 1, sizeof(*l->v));
    l->n = 0;
    l->seen = 0;
}

void select_list_add(struct select_list *l, const char *selector)
{
    l->v[l->n++] = selector;
    l->seen = 1;
}

int select_list_finish(struct select_list *l, const char *usage, int argc, char **argv)
{
    if (optind < argc && !l->seen)
        return cmd_usage_error(usage, "unexpected argument '%s' (select models with --select)",
                               argv[optind]);
    while (optind < argc)
        l->v[l->n++] = argv[optind++];
    return 0;
}

void select_list_release(struct select_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int cmd_open_wh(struct session *s, struct wh **wh)
{
    if (cmd_ready(s))
        return EXIT_USAGE;
    *wh = session_wh(s);
    return *wh ? 0 : EXIT_FAIL;
}
