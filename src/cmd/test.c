/*
 * mdp test [--select SELECTOR...] [--vars YAML]: runs the column tests declared in the dbt
 * project's yml files against the warehouse.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "platform/dbt_test.h"
#include "util/term.h"
#include "util/xmalloc.h"

static const char usage[] =
    "usage: mdp test [--select SELECTOR...] [--vars YAML]\n"
    "\n"
    "Run the dbt project's tests in the read-only sandbox: the column tests declared in its\n"
    "yml files (unique, not_null, accepted_values, relationships; on models, seeds and\n"
    "sources), the singular tests (.sql files under test-paths: a query returning the failing\n"
    "rows) and the freshness of sources with loaded_at_field and freshness:. Each test prints\n"
    "PASS, FAIL with its count of failing rows, WARN (severity: warn, or a source older than\n"
    "warn_after), ERROR (the query could not run) or SKIP (a test mdp does not support).\n"
    "\n"
    "  -s, --select SELECTOR  test only these models: NAME, +NAME (with its parents), NAME+\n"
    "                         (with its children); source tests run only without --select\n"
    "  --vars YAML            override dbt_project.yml vars, as for `mdp transform`\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 no test failed, 1 a test failed or errored, 2 bad usage or a bad project\n"
    "file.\n";

int cmd_test(int argc, char **argv)
{
    static const struct option longopts[] = {{"select", required_argument, NULL, 's'},
                                             {"models", required_argument, NULL, 's'},
                                             {"vars", required_argument, NULL, 'V'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct dbt_test_options o = {0};
    struct dbt_test_report rep;
    struct platform_paths paths;
    const char **select = xcalloc((size_t)argc + 1, sizeof(*select));
    size_t nselect = 0;
    int opt, ret, saw_select = 0;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "s:m:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 's':
        case 'm':
            select[nselect++] = optarg;
            saw_select = 1;
            break;
        case 'V': o.vars = optarg; break;
        case 'h': free(select); return cmd_help(usage);
        default: free(select); return cmd_usage_error(usage, "unknown option");
        }
    }
    if (optind < argc && !saw_select) {
        ret = cmd_usage_error(usage, "unexpected argument '%s' (select models with --select)",
                              argv[optind]);
        free(select);
        return ret;
    }
    while (optind < argc)
        select[nselect++] = argv[optind++];
    o.select = select;
    o.nselect = nselect;

    cmd_locate(&paths);
    if (platform_require_root(&paths) < 0 || platform_require_warehouse(&paths) < 0) {
        platform_paths_release(&paths);
        free(select);
        return EXIT_USAGE;
    }
    ret = dbt_test_run(paths.root, paths.warehouse, &o, &rep);
    if (ret >= 0 && (!term_quiet || ret > 0))
        dbt_test_report_print(ret > 0 && term_quiet ? stderr : stdout, &rep);
    ret = ret == 0 ? EXIT_OK : ret > 0 ? EXIT_FAIL : rep.bad_input ? EXIT_USAGE : EXIT_FAIL;
    dbt_test_report_release(&rep);
    platform_paths_release(&paths);
    free(select);
    return ret;
}
