/*
 * mdp analyze SKILL [--table T] [--by COL] [--top N] [--lift] [--json]: run one analysis skill
 * (analyst/skills.h) on the warehouse and print its finding, evidence, assumptions and SQL.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/skills.h"
#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "render/answer.h"
#include "util/strbuf.h"
#include "util/term.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

static const char usage[] =
    "usage: mdp analyze SKILL [--table T] [--by COL] [--top N] [--lift] [--json]\n"
    "\n"
    "Run an analysis on the warehouse: the finding in words with its numbers, the evidence\n"
    "table, a chart where one helps, which columns were chosen and why, the assumptions, and\n"
    "every SQL statement it ran (in the sandbox). Inputs come from what `mdp catalog` inferred\n"
    "(group keys, foreign keys, measures, time columns); a warehouse that lacks them is\n"
    "refused, saying what is missing (exit 1).\n"
    "\n"
    "Skills:\n"
    "  basket        items bought together: pairs per basket, support, confidence, lift\n"
    "  clv           customer lifetime value: revenue per customer, AOV x frequency\n"
    "  anomalies     unusual days of the main measure (robust z over median/MAD) and the\n"
    "                data-quality findings\n"
    "  quality       data quality alone: negative values, duplicate keys and rows, future\n"
    "                dates, NULL spikes, ranked, each with the SQL to see it\n"
    "  distribution  percentiles and a histogram of a measure, outliers named\n"
    "  growth        the latest complete month against the month before and a year earlier,\n"
    "                and which values of the main dimensions drove the change\n"
    "  cohorts       customers by the month of their first order, and the share of each\n"
    "                cohort ordering again 1..12 months later (a retention matrix)\n"
    "  funnel        journeys (sessions) through the steps of a purchase named in event rows,\n"
    "                in order, and where they drop off\n"
    "  roas          campaign return on ad spend: revenue attributed to each campaign over\n"
    "                its spend (counted once per campaign)\n"
    "\n"
    "  --table T     analyse table T (schema.name or name) instead of the one chosen\n"
    "  --by COL      basket: the item level (e.g. a category column of the item's table);\n"
    "                clv: a segment column; anomalies, distribution: the measure;\n"
    "                growth: the dimension to split the change by; funnel: the step column\n"
    "  --top N       rows of evidence (default 10)\n"
    "  --lift        basket: rank the pairs by lift (pairs in at least 5 baskets), not by\n"
    "                how often they are bought together\n"
    "  --json        print one JSON object (the `mdp ask --json` contract)\n"
    "  -h, --help    this help\n"
    "\n"
    "Exit status: 0 answered, 1 the warehouse lacks the inputs or a query failed, 2 bad usage.\n";

int cmd_analyze(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"table", required_argument, NULL, 't'},
                                             {"by", required_argument, NULL, 'b'},
                                             {"top", required_argument, NULL, 'n'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {"lift", no_argument, NULL, 'l'},
                                             {NULL, 0, NULL, 0}};
    struct skill_options so = {0};
    struct analyst_answer a;
    struct catalog *c = NULL;
    struct wh *sandbox;
    struct strbuf out = STRBUF_INIT, q = STRBUF_INIT;
    const char *skill;
    int opt, json = 0, ret = EXIT_FAIL, have = 0;
    char *end;
    size_t i;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (opt) {
        case 't': so.table = optarg; break;
        case 'b': so.by = optarg; break;
        case 'n':
            so.top = (int)strtol(optarg, &end, 10);
            if (*end || so.top < 1 || so.top > 10000)
                return cmd_usage_error(usage, "--top wants a number from 1 to 10000, not '%s'",
                                       optarg);
            break;
        case 'j': json = 1; break;
        case 'l': so.by_lift = 1; break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if (optind >= argc)
        return cmd_usage_error(usage, "which analysis? name a skill");
    skill = argv[optind++];
    if (optind < argc)
        return cmd_usage_error(usage, "unexpected argument '%s'", argv[optind]);
    for (i = 0; skill_names[i] && strcmp(skill_names[i], skill); i++)
        ;
    if (!skill_names[i])
        return cmd_usage_error(usage, "unknown skill '%s'", skill);

    if (cmd_ready(s)) {
        ret = EXIT_USAGE;
        goto out;
    }
    if (session_catalog(s, &c) < 0 || !(sandbox = session_sandbox(s)))
        goto out;
    have = 1;
    if (skill_run(skill, c, sandbox, &so, &a) < 0)
        goto out;
    strbuf_addf(&q, "analyze %s", skill);
    if (json)
        render_answer_json(&out, q.buf, &a);
    else
        render_answer(&out, &a, term_color, term_width());
    fputs(out.buf, stdout);
    ret = a.base.unanswerable ? EXIT_FAIL : EXIT_OK;
out:
    if (have)
        analyst_answer_release(&a);
    strbuf_release(&out);
    strbuf_release(&q);
    return ret;
}
