/*
 * mdp transform [--select SELECTOR...] [--vars YAML] [--full-refresh] [--threads N]: builds the dbt
 * project's models into the warehouse, in dependency order.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "render/progress.h"
#include "render/report.h"
#include "render/results.h"
#include "platform/transform.h"
#include "util/error.h"
#include "util/term.h"
#include "util/xmalloc.h"

static const char usage[] =
    "usage: mdp transform [--select SELECTOR...] [--vars YAML] [--full-refresh]\n"
    "                     [--threads N] [--json]\n"
    "\n"
    "Build the models of <project>/dbt_project (a dbt-compatible subset) into the warehouse,\n"
    "parents before children. Each model is replaced atomically (CREATE OR REPLACE VIEW or\n"
    "TABLE ... AS); a model that fails keeps its previous version and stops its descendants,\n"
    "not its siblings. Model SQL must be one SELECT and cannot read files.\n"
    "\n"
    "  -s, --select SELECTOR  build only these models: NAME, +NAME (with its parents), NAME+\n"
    "                         (with its children); repeat it, or list several in one argument\n"
    "                         or as further arguments\n"
    "  --vars YAML            override dbt_project.yml vars, e.g. --vars '{start: 2024-01-01}'\n"
    "  --full-refresh         rebuild incremental models in full (views and tables\n"
    "                         always are)\n"
    "  --threads N            build up to N independent models at once (default 4; with 1,\n"
    "                         a progress bar per model on a terminal)\n"
    "  --json                 print the results as JSON (like dbt's run_results.json)\n"
    "                         instead of the report\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 all built, 1 a model failed or was skipped, 2 bad usage or a bad project\n"
    "file (the message names file:line:column).\n";

int cmd_transform(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {SELECT_LIST_LONGOPTS,
                                             {"full-refresh", no_argument, NULL, 'F'},
                                             {"threads", required_argument, NULL, 't'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct transform_options o = {0};
    struct transform_report rep;
    struct wh *wh;
    struct select_list sel;
    int opt, ret, json = 0;

    select_list_init(&sel, argc);
    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "s:m:h", longopts)) != -1) {
        switch (opt) {
        case 's':
        case 'm': select_list_add(&sel, optarg); break;
        case 'V': o.vars = optarg; break;
        case 'F': o.full_refresh = 1; break;
        case 'j': json = 1; break;
        case 't':
            o.threads = atoi(optarg);
            if (o.threads < 1 || o.threads > 64) {
                ret = cmd_usage_error(usage, "--threads needs a number from 1 to 64");
                goto out;
            }
            break;
        case 'h': ret = cmd_help(usage); goto out;
        default: ret = cmd_option_error(usage, longopts); goto out;
        }
    }
    if ((ret = select_list_finish(&sel, usage, argc, argv)) ||
        (ret = cmd_open_wh_results(s, &wh, json ? "transform" : NULL)))
        goto out;
    o.cancel = cmd_catch_sigint();
    o.select = sel.v;
    o.nselect = sel.n;
    o.progress = render_progress;
    ret = transform_run(s->root, wh, &o, &rep);
    if (json)
        cmd_print_results(ret >= 0 ? transform_report_json(&rep)
                                   : render_results_error("transform", error_last()));
    else if (ret >= 0 && !term_quiet)
        transform_report_print(stdout, &rep);
    else if (ret > 0)
        transform_report_print(stderr, &rep);
    ret = *o.cancel ? EXIT_INTERRUPTED : cmd_exit_code(ret, rep.bad_input);
    transform_report_release(&rep);
out:
    select_list_release(&sel);
    return ret;
}
