/*
 * mdp seed [SEED...] [--select SEED...] [--vars YAML] [--full-refresh]: load the dbt
 * project's seed CSVs into the warehouse, each atomically, and print a summary per seed.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "platform/ingest.h"
#include "platform/seed.h"
#include "render/report.h"
#include "render/results.h"
#include "util/error.h"
#include "util/term.h"

static const char usage[] =
    "usage: mdp seed [SEED...] [--select SEED...] [--vars YAML] [--full-refresh] [--json]\n"
    "\n"
    "Load the CSV files under the dbt project's seed-paths (default dbt_project/seeds/) into\n"
    "the warehouse, so that ref('seed_name') reads them: into the project's schema, or the\n"
    "+schema and +alias of dbt_project.yml's seeds:, with +column_types for the columns it\n"
    "names. Each seed loads like an ingested source (DuckDB's CSV reader, smart typing,\n"
    "atomic swap); seeds whose file and config did not change are skipped.\n"
    "\n"
    "  SEED..., -s, --select SEED  load only these seeds\n"
    "  --vars YAML                 override dbt_project.yml vars\n"
    "  --full-refresh              reload every selected seed, changed or not, and accept a\n"
    "                              seed whose columns changed\n"
    "  --json                      print the results as JSON instead of the report\n"
    "  -h, --help                  this help\n"
    "\n"
    "Exit status: 0 all loaded or unchanged, 1 some seed failed, 2 bad usage or a bad project\n"
    "file.\n";

int cmd_seed(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {SELECT_LIST_LONGOPTS,
                                             {"full-refresh", no_argument, NULL, 'F'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct seed_options o = {0};
    struct ingest_report rep;
    struct select_list sel;
    struct wh *wh;
    int opt, ret, json = 0;

    select_list_init(&sel, argc);
    sel.seen = 1; /* bare names select seeds too: `mdp seed countries` */
    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "s:m:h", longopts)) != -1) {
        switch (opt) {
        case 's':
        case 'm': select_list_add(&sel, optarg); break;
        case 'V': o.vars = optarg; break;
        case 'F': o.full_refresh = 1; break;
        case 'j': json = 1; break;
        case 'h': ret = cmd_help(usage); goto out;
        default: ret = cmd_option_error(usage, longopts); goto out;
        }
    }
    if ((ret = select_list_finish(&sel, usage, argc, argv)) ||
        (ret = cmd_open_wh_results(s, &wh, json ? "seed" : NULL)))
        goto out;
    o.select = sel.v;
    o.nselect = sel.n;
    o.cancel = cmd_catch_sigint();
    ret = seed_run(s->root, wh, &o, &rep);
    if (json)
        cmd_print_results(ret >= 0 ? ingest_report_json("seed", &rep)
                                   : render_results_error("seed", error_last()));
    else if (ret >= 0 && !term_quiet)
        ingest_report_print(stdout, &rep);
    ret = *o.cancel ? EXIT_INTERRUPTED : cmd_exit_code(ret, rep.bad_input);
    ingest_report_release(&rep);
out:
    select_list_release(&sel);
    return ret;
}
