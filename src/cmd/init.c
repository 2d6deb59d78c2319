/*
 * mdp init [DIR] [--empty] [--force]: scaffold a platform folder, by default the sample
 * e-commerce platform (sources.yml, dbt project, eval cases, dashboards), or a bare skeleton.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "render/report.h"
#include "platform/scaffold.h"
#include "util/term.h"

static const char usage[] =
    "usage: mdp init [DIR] [--empty] [--force]\n"
    "\n"
    "Scaffold a platform folder in DIR (default: the current directory): the sample\n"
    "e-commerce platform's sources.yml, dbt project (staging views, marts tables, docs and\n"
    "column tests), eval cases and dashboard pages. Then `mdp generate` writes its data and\n"
    "`mdp pipeline` builds the warehouse. Existing files are never overwritten without --force.\n"
    "\n"
    "  --empty       a bare skeleton instead: sources/sources.yml with no sources, a\n"
    "                dbt_project/ with no models, empty dashboards/ and evals/\n"
    "  --force       scaffold even when DIR is already a platform, overwriting its files\n"
    "  -h, --help    this help\n";

int cmd_init(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {
        {"empty", no_argument, NULL, 'e'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct scaffold_options opts = {0};
    struct scaffold_report report;
    const char *dir = ".";
    int c, ret;

    optind = 1;
    while ((c = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (c) {
        case 'e': opts.empty = 1; break;
        case 'f': opts.force = 1; break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if (optind < argc)
        dir = argv[optind++];
    if (optind < argc)
        return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
    if (s->project_override && dir[0] == '.' && !dir[1])
        dir = s->project_override;

    ret = scaffold_run(dir, &opts, &report);
    if (!term_quiet && (report.nr_written || report.nr_kept)) {
        printf("%s platform in %s\n", opts.empty ? "empty" : "sample", dir);
        scaffold_report_print(stdout, &report);
        if (ret == 0 && !opts.empty)
            printf("next: cd %s && mdp generate && mdp pipeline\n", dir);
    }
    scaffold_report_release(&report);
    return cmd_exit_code(ret, 0);
}
