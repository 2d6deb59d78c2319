/*
 * mdp seed [SEED...] [--select SEED...] [--vars YAML] [--full-refresh]: load the dbt
 * project's seed CSVs into the warehouse, each atomically, and print a summary per seed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "platform/ingest.h"
#include "platform/seed.h"
#include "util/term.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

static const char usage[] =
    "usage: mdp seed [SEED...] [--select SEED...] [--vars YAML] [--full-refresh]\n"
    "\n"
    "Load the CSV files under the dbt project's seed-paths (default dbt_project/seeds/) into\n"
    "the warehouse, so that ref('seed_name') reads them: into the project's schema, or the\n"
    "+schema and +alias of dbt_project.yml's seeds:, with +column_types for the columns it\n"
    "names. Each seed loads like an ingested source (DuckDB's CSV reader, smart typing,\n"
    "atomic swap); seeds whose file and config did not change are skipped.\n"
    "\n"
    "  SEED..., -s, --select SEED  load only these seeds\n"
    "  --vars YAML                 override dbt_project.yml vars\n"
    "  --full-refresh              reload every selected seed, changed or not\n"
    "  -h, --help                  this help\n"
    "\n"
    "Exit status: 0 all loaded or unchanged, 1 some seed failed, 2 bad usage or a bad project\n"
    "file.\n";

int cmd_seed(int argc, char **argv)
{
    static const struct option longopts[] = {{"select", required_argument, NULL, 's'},
                                             {"vars", required_argument, NULL, 'V'},
                                             {"full-refresh", no_argument, NULL, 'F'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct seed_options o = {0};
    struct ingest_report rep;
    struct platform_paths paths;
    struct wh *wh = NULL;
    const char **select = xcalloc((size_t)argc + 1, sizeof(*select));
    int opt, ret;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "s:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 's': select[o.nselect++] = optarg; break;
        case 'V': o.vars = optarg; break;
        case 'F': o.full_refresh = 1; break;
        case 'h': free(select); return cmd_help(usage);
        default: free(select); return cmd_usage_error(usage, "unknown option");
        }
    }
    while (optind < argc)
        select[o.nselect++] = argv[optind++];
    o.select = select;
    cmd_locate(&paths);
    if (platform_require_root(&paths) < 0 || platform_require_warehouse(&paths) < 0) {
        platform_paths_release(&paths);
        free(select);
        return EXIT_USAGE;
    }
    if (wh_open(paths.warehouse, WH_READ_WRITE, &wh) < 0) {
        platform_paths_release(&paths);
        free(select);
        return EXIT_FAIL;
    }
    ret = seed_run(paths.root, wh, &o, &rep);
    wh_close(wh);
    if (ret >= 0 && !term_quiet)
        ingest_report_print(stdout, &rep);
    ret = ret == 0 ? EXIT_OK : ret > 0 ? EXIT_FAIL : rep.bad_input ? EXIT_USAGE : EXIT_FAIL;
    ingest_report_release(&rep);
    platform_paths_release(&paths);
    free(select);
    return ret;
}
