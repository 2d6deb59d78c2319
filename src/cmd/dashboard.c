/*
 * mdp dashboard build [PAGES_DIR] [-o DIR] [--max-queries N]: Evidence-style pages to a static
 * site (src/dash/site.h).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "dash/site.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/term.h"
#include "util/xmalloc.h"

static const char usage[] =
    "usage: mdp dashboard build [PAGES_DIR] [-o DIR] [--max-queries N]\n"
    "\n"
    "Render Evidence-style markdown pages (sql blocks, <BigValue>, <LineChart>, <BarChart>,\n"
    "<AreaChart>, <ScatterPlot>, <DataTable>, <Dropdown>) into a static site with navigation and\n"
    "charts that works offline. Queries run on the warehouse in the read-only sandbox. Pages\n"
    "with problems still build, with the problem shown on the page; a failed query makes the\n"
    "command exit 1.\n"
    "\n"
    "  PAGES_DIR          the pages: *.md, or an Evidence project (evidence/pages/ at any depth, "
    "with\n"
    "                     evidence/sources/SOURCE/TABLE.sql) (default: <project>/dashboards, else\n"
    "                     <project> when it holds evidence/pages)\n"
    "  -o, --output DIR   where the site goes (default: <project>/site)\n"
    "  --max-queries N    precompute every dropdown combination of a page when that takes at\n"
    "                     most N queries (default: 200); other choices need `mdp serve`\n"
    "  -h, --help         this help\n";

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A line on stdout unless -q. */
static void say(const char *fmt, ...)
{
    va_list ap;

    if (term_quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void on_problem(void *ctx, const char *file, int line, int col, int is_error,
                       const char *msg)
{
    (void)ctx;
    if (is_error)
        error("%s:%d:%d: %s", file, line, col, msg);
    else
        warning("%s:%d:%d: %s", file, line, col, msg);
}

static void on_page(void *ctx, const char *name, size_t files, double seconds)
{
    (void)ctx;
    if (files > 1)
        say("built %s (%zu files, one per dropdown choice) in %.2f s", name, files, seconds);
    else
        say("built %s in %.2f s", name, seconds);
}

int cmd_dashboard_pages(int argc, char **argv, const char *usage_text, struct session *s,
                        char **pages)
{
    const char *arg = optind < argc ? argv[optind++] : NULL;
    char *ev;

    *pages = NULL;
    if (optind < argc)
        return cmd_usage_error(usage_text, "unexpected argument '%s' (one PAGES_DIR at most)",
                               argv[optind]);
    if (cmd_ready(s))
        return EXIT_USAGE;
    if (arg) {
        *pages = xstrdup(arg);
        return EXIT_OK;
    }
    if (!s->root) {
        error("no pages folder: name one, or run inside a platform folder");
        return EXIT_USAGE;
    }
    *pages = fs_join(s->root, "dashboards");
    ev = fs_join(s->root, "evidence/pages");
    if (!fs_is_dir(*pages) && fs_is_dir(ev)) {
        free(*pages);
        *pages = xstrdup(s->root);
    }
    free(ev);
    return EXIT_OK;
}

int cmd_dashboard(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"max-queries", required_argument, NULL, 'm'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct dash_site site;
    struct dash_build_options bo = {0};
    struct dash_build_report rep;
    const char *out = NULL;
    char *pages = NULL, *out_dir = NULL, *end;
    int opt, ret = EXIT_FAIL;

    if (argc < 2)
        return cmd_usage_error(usage, "which subcommand? `mdp dashboard build`");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
        return cmd_help(usage);
    if (strcmp(argv[1], "build"))
        return cmd_usage_error(usage, "unknown subcommand '%s' (did you mean 'build'?)", argv[1]);
    argc--;
    argv++;
    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "ho:", longopts)) != -1) {
        switch (opt) {
        case 'o': out = optarg; break;
        case 'm':
            bo.max_queries = strtoul(optarg, &end, 10);
            if (*end || !*optarg || !bo.max_queries)
                return cmd_usage_error(usage, "--max-queries needs a positive number, not '%s'",
                                       optarg);
            break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if ((ret = cmd_dashboard_pages(argc, argv, usage, s, &pages)) != EXIT_OK)
        return ret;
    ret = EXIT_FAIL;
    if (dash_site_load(&site, pages) < 0) {
        ret = EXIT_USAGE;
        goto out;
    }
    if (!(bo.sandbox = session_sandbox(s))) {
        dash_site_release(&site);
        goto out;
    }
    out_dir = out ? xstrdup(out) : fs_join(s->root ? s->root : ".", "site");
    bo.out_dir = out_dir;
    bo.on_problem = on_problem;
    bo.on_page = on_page;
    if (dash_site_build(&site, &bo, &rep) < 0) {
        dash_site_release(&site);
        goto out;
    }
    say("site: %zu page%s, %zu file%s in %s%s%s", rep.pages, rep.pages == 1 ? "" : "s", rep.files,
        rep.files == 1 ? "" : "s", out_dir, rep.failed_queries ? "; failed queries: " : "",
        rep.failed_queries ? "see above" : "");
    if (rep.skipped_combinations)
        say("%zu page%s with too many dropdown choices to precompute: `mdp serve` answers "
            "every choice",
            rep.skipped_combinations, rep.skipped_combinations == 1 ? "" : "s");
    dash_site_release(&site);
    ret = rep.failed_queries ? EXIT_FAIL : EXIT_OK;
out:
    free(pages);
    free(out_dir);
    return ret;
}
