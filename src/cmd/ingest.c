/*
 * mdp ingest [TABLE...] [--full-refresh] [--fail-fast] [--no-typing] [--allow-schema-change]: load
 * the manifest's sources into raw.<table>, each atomically, and print a summary per source.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "render/progress.h"
#include "render/report.h"
#include "render/results.h"
#include "platform/ingest.h"
#include "util/error.h"
#include "util/term.h"

static const char usage[] =
    "usage: mdp ingest [TABLE...] [--full-refresh] [--fail-fast] [--no-typing]\n"
    "                  [--allow-schema-change] [--json]\n"
    "\n"
    "Load each source listed in sources/sources.yml into raw.<table> with DuckDB's readers\n"
    "(CSV with type sniffing, Parquet, JSON, NDJSON), atomically: a file that fails leaves the\n"
    "previous raw.<table> as it was. Text columns holding currency (\"$5,320.00\"), thousands\n"
    "(\"1,234\"), percentages or day/month dates become numbers and dates when every value\n"
    "parses; the summary says what changed and what stayed text and why. Sources whose file\n"
    "and manifest entry did not change since their last load are skipped.\n"
    "\n"
    "  TABLE...           load only these tables (names from sources.yml)\n"
    "  --full-refresh     reload every selected source, changed or not\n"
    "  --fail-fast        stop at the first source that fails\n"
    "  --no-typing        keep the types DuckDB's readers chose (no smart typing)\n"
    "  --allow-schema-change\n"
    "                     replace a table even when the load drops or renames columns or has\n"
    "                     no rows (otherwise refused, the table kept; per source:\n"
    "                     `allow_schema_change: true` in sources.yml)\n"
    "  --json             print the results as JSON (status, rows, columns, bytes, time,\n"
    "                     message and notes per source) instead of the report\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 all loaded or skipped, 1 some source failed, 2 bad input (invalid\n"
    "sources.yml, unknown table).\n";

int cmd_ingest(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"full-refresh", no_argument, NULL, 'F'},
                                             {"fail-fast", no_argument, NULL, 'x'},
                                             {"no-typing", no_argument, NULL, 'T'},
                                             {"allow-schema-change", no_argument, NULL, 'A'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct ingest_options opts = {0};
    struct ingest_report report;
    struct wh *wh;
    int opt, ret, json = 0;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (opt) {
        case 'F': opts.full_refresh = 1; break;
        case 'x': opts.fail_fast = 1; break;
        case 'T': opts.no_typing = 1; break;
        case 'A': opts.allow_schema_change = 1; break;
        case 'j': json = 1; break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    opts.progress = render_progress;
    opts.cancel = cmd_catch_sigint();
    opts.tables = (const char *const *)argv + optind;
    opts.ntables = (size_t)(argc - optind);
    if ((ret = cmd_open_wh_results(s, &wh, json ? "ingest" : NULL)))
        return ret;
    ret = ingest_run(s->root, wh, &opts, &report);
    if (json)
        cmd_print_results(ret >= 0 ? ingest_report_json("ingest", &report)
                                   : render_results_error("ingest", error_last()));
    else if (ret >= 0 && !term_quiet)
        ingest_report_print(stdout, &report);
    ret = report.interrupted ? EXIT_INTERRUPTED : cmd_exit_code(ret, report.bad_input);
    ingest_report_release(&report);
    return ret;
}
