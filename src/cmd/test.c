/*
 * mdp test [--select SELECTOR...] [--vars YAML]: runs the column tests declared in the dbt
 * project's yml files against the warehouse.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "render/report.h"
#include "platform/dbt_test.h"
#include "util/term.h"
#include "util/xmalloc.h"

static const char usage[] =
    "usage: mdp test [--select SELECTOR...] [--vars YAML]\n"
    "\n"
    "Run the column tests declared in the dbt project's yml files (unique, not_null,\n"
    "accepted_values, relationships; on models and on sources) in the read-only sandbox.\n"
    "Each test prints PASS, FAIL with its count of failing rows, WARN (config: {severity:\n"
    "warn}), ERROR (the query could not run) or SKIP (a test mdp does not support).\n"
    "\n"
    "  -s, --select SELECTOR  test only these models: NAME, +NAME (with its parents), NAME+\n"
    "                         (with its children); source tests run only without --select\n"
    "  --vars YAML            override dbt_project.yml vars, as for `mdp transform`\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 no test failed, 1 a test failed or errored, 2 bad usage or a bad project\n"
    "file.\n";

int cmd_test(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {
        SELECT_LIST_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct select_list sel;
    struct dbt_test_options o = {0};
    struct dbt_test_report rep;
    struct wh *wh;
    int opt, ret;

    select_list_init(&sel, argc);
    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "s:m:h", longopts)) != -1) {
        switch (opt) {
        case 's':
        case 'm': select_list_add(&sel, optarg); break;
        case 'V': o.vars = optarg; break;
        case 'h': ret = cmd_help(usage); goto out;
        default: ret = cmd_option_error(usage, longopts); goto out;
        }
    }
    if ((ret = select_list_finish(&sel, usage, argc, argv)) || (ret = cmd_open_wh(s, &wh)))
        goto out;
    o.select = sel.v;
    o.nselect = sel.n;
    ret = dbt_test_run(s->root, wh, &o, &rep);
    if (ret >= 0 && (!term_quiet || ret > 0))
        dbt_test_report_print(ret > 0 && term_quiet ? stderr : stdout, &rep);
    ret = cmd_exit_code(ret, rep.bad_input);
    dbt_test_report_release(&rep);
out:
    select_list_release(&sel);
    return ret;
}
