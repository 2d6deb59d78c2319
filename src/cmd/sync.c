/*
 * mdp sync [--dry-run]: add new source files to sources/sources.yml, drop entries whose file
 * is gone, print the diff.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "render/report.h"
#include "platform/sync.h"
#include "util/fs.h"
#include "util/term.h"

static const char usage[] =
    "usage: mdp sync [--dry-run]\n"
    "\n"
    "Keep sources/sources.yml in step with the files under sources/<system>/ (.csv, .tsv,\n"
    ".csv.gz, .parquet, .json, .ndjson, .jsonl): new files are added as {table, path, system},\n"
    "entries whose file is gone are removed, everything else (order, extra keys, comments at\n"
    "the top) is kept. Prints '+ table (path)' and '- table (path)' for each change.\n"
    "\n"
    "  -n, --dry-run      show the changes without writing sources.yml\n"
    "  -h, --help         this help\n";

int cmd_sync(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {
        {"dry-run", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct sync_options opts = {0};
    struct sync_report report;
    int opt, ret;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "nh", longopts)) != -1) {
        switch (opt) {
        case 'n': opts.dry_run = 1; break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if (optind < argc)
        return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
    /* A folder with sources/ but no manifest yet: sync creates sources.yml here. */
    if (!s->root && !s->project_override && fs_is_dir("sources"))
        s->root = fs_absolute(".");
    if (session_require_root(s) < 0)
        return EXIT_USAGE;
    ret = sync_run(s->root, &opts, &report);
    if (ret == 0 && !term_quiet)
        sync_report_print(stdout, &report);
    ret = cmd_exit_code(ret, report.bad_input);
    sync_report_release(&report);
    return ret;
}
