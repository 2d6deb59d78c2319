/*
 * mdp generate [--scale N] [--seed S] [--json]: write the sample e-commerce sources
 * (spec/ecommerce-data.md) under the platform's sources/ folder.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "render/progress.h"
#include "render/report.h"
#include "platform/generate.h"
#include "util/term.h"

static const char usage[] =
    "usage: mdp generate [--scale N] [--seed S] [--json]\n"
    "\n"
    "Write the sample e-commerce sources under <project>/sources/: postgres/products.csv,\n"
    "postgres/users.csv, postgres/transactions.csv, salesforce/campaigns.csv and\n"
    "analytics/pageviews.csv, with their deliberate data-quality faults. The same seed and\n"
    "scale always give byte-identical files. sources.yml is left alone (`mdp sync` adds them).\n"
    "The project is --project DIR, else the nearest platform folder, else the current\n"
    "directory.\n"
    "\n"
    "  --scale N     size factor (default 1: 5,000 users, 50,000 pageviews, ~36,000\n"
    "                transaction lines); fractional values such as 0.1 are fine\n"
    "  --seed S      PRNG seed, an unsigned integer (default 42)\n"
    "  --json        print the summary as one JSON object\n"
    "  -h, --help    this help\n";

int cmd_generate(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {
        {"scale", required_argument, NULL, 's'},
        {"seed", required_argument, NULL, 'S'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct generate_options opts = {0};
    struct generate_report report;
    int c, json = 0, ret;
    char *end;

    optind = 1;
    while ((c = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (c) {
        case 's':
            errno = 0;
            opts.scale = strtod(optarg, &end);
            if (errno || end == optarg || *end || !isfinite(opts.scale) || opts.scale <= 0 ||
                opts.scale > 100000)
                return cmd_usage_error(usage, "--scale wants a number in (0, 100000], not '%s'",
                                       optarg);
            break;
        case 'S':
            errno = 0;
            opts.seed = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-')
                return cmd_usage_error(usage, "--seed wants an unsigned integer, not '%s'", optarg);
            opts.seed_set = 1;
            break;
        case 'j': json = 1; break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if (optind < argc)
        return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);

    opts.progress = json ? NULL : render_progress;
    ret = generate_run(s->root ? s->root : ".", &opts, &report);
    if (ret == 0 && !term_quiet) {
        if (json)
            generate_report_print_json(stdout, &report);
        else
            generate_report_print(stdout, &report);
    }
    generate_report_release(&report);
    return cmd_exit_code(ret, 0);
}
