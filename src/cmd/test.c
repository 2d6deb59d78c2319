/*
 * mdp test [--select SELECTOR...] [--vars YAML]: runs the column tests declared in the dbt
 * project's yml files against the warehouse.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "render/report.h"
#include "render/results.h"
#include "platform/dbt_test.h"
#include "util/strbuf.h"
#include "util/error.h"
#include "util/term.h"
#include "util/xmalloc.h"

static const char usage[] =
    "usage: mdp test [--select SELECTOR...] [--vars YAML] [--json] [--junit FILE]\n"
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
    "  --json                 print the results as JSON (like dbt's run_results.json)\n"
    "                         instead of the report\n"
    "  --junit FILE           also write the results as JUnit XML to FILE (for CI)\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 no test failed, 1 a test failed or errored, 2 bad usage or a bad project\n"
    "file.\n";

int cmd_test(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {SELECT_LIST_LONGOPTS,
                                             {"json", no_argument, NULL, 'j'},
                                             {"junit", required_argument, NULL, 'U'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct select_list sel;
    struct dbt_test_options o = {0};
    struct dbt_test_report rep;
    struct wh *wh;
    const char *junit = NULL;
    int opt, ret, json = 0;

    select_list_init(&sel, argc);
    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "s:m:h", longopts)) != -1) {
        switch (opt) {
        case 's':
        case 'm': select_list_add(&sel, optarg); break;
        case 'V': o.vars = optarg; break;
        case 'j': json = 1; break;
        case 'U': junit = optarg; break;
        case 'h': ret = cmd_help(usage); goto out;
        default: ret = cmd_option_error(usage, longopts); goto out;
        }
    }
    if ((ret = select_list_finish(&sel, usage, argc, argv)) ||
        (ret = cmd_open_wh_results(s, &wh, json ? "test" : NULL)))
        goto out;
    o.select = sel.v;
    o.nselect = sel.n;
    ret = dbt_test_run(s->root, wh, &o, &rep);
    if (json)
        cmd_print_results(ret >= 0 ? dbt_test_report_json(&rep)
                                   : render_results_error("test", error_last()));
    else if (ret >= 0 && (!term_quiet || ret > 0))
        dbt_test_report_print(ret > 0 && term_quiet ? stderr : stdout, &rep);
    if (ret >= 0 && junit) {
        struct strbuf x = STRBUF_INIT;
        dbt_test_report_junit(&x, &rep);
        if (cmd_write_report(junit, &x) < 0)
            ret = -1;
        strbuf_release(&x);
    }
    ret = cmd_exit_code(ret, rep.bad_input);
    dbt_test_report_release(&rep);
out:
    select_list_release(&sel);
    return ret;
}
