/*
 * mdp pipeline: sync, ingest, seed, transform, test, with a summary of rows and timings.
 * mdp setup: init (when the folder is not a platform yet), generate (when sources/ has no data
 * files), then pipeline: a working warehouse from nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "platform/pipeline.h"
#include "render/progress.h"
#include "render/report.h"
#include "render/results.h"
#include "util/json.h"
#include "util/xmalloc.h"

static const char pipeline_usage[] =
    "usage: mdp pipeline [--full-refresh] [--fail-fast] [--allow-schema-change] [--json]\n"
    "\n"
    "Build the warehouse: sync the source manifest, ingest changed sources into raw, load the\n"
    "dbt project's changed seeds, build its models in dependency order, and run its tests. A\n"
    "failed source, seed or model leaves the previous table in place; the run goes on with\n"
    "what does not depend on it. A folder without sources/ (only a dbt project) skips sync\n"
    "and ingest. Ctrl-C stops after rolling back the step under way (exit 130).\n"
    "\n"
    "  --full-refresh   reload every source and seed, changed or not, and rebuild incremental\n"
    "                   models in full\n"
    "  --fail-fast      stop at the first failure\n"
    "  --allow-schema-change\n"
    "                   let a source replace its table even when the load drops or renames\n"
    "                   columns or has no rows (otherwise refused, the table kept)\n"
    "  --json           print each step's results as JSON (like dbt's run_results.json)\n"
    "                   instead of the reports\n"
    "  -h, --help       this help\n";

static const char setup_usage[] =
    "usage: mdp setup [--scale N] [--seed S]\n"
    "\n"
    "A working warehouse from nothing: writes the sample platform when the folder (the current\n"
    "one, or --project DIR) is not a platform yet, generates the sample sources when sources/\n"
    "holds no data files, then runs `mdp pipeline`.\n"
    "\n"
    "  --scale N    size of the generated sample data (default 1: ~36,000 order lines)\n"
    "  --seed S     seed of the generated sample data (default: fixed)\n"
    "  -h, --help   this help\n";

struct run {
    struct session *s;
    struct json *doc; /* --json: the results so far */
};

static struct wh *open_wh(void *ctx)
{
    return session_wh(((struct run *)ctx)->s);
}

static void json_event(const struct pipeline_event *ev, void *ctx)
{
    render_results_pipeline_event(ev, ((struct run *)ctx)->doc);
}

/* Runs the stages on the session's platform; returns the exit code. */
static int run_pipeline(struct session *s, int full_refresh, int fail_fast, int allow, int json)
{
    struct pipeline_options o = {0};
    struct pipeline_report r;
    struct run run = {s, json ? render_results_pipeline_new() : NULL};
    int rc;

    s->mode = WH_READ_WRITE;
    o.full_refresh = full_refresh;
    o.fail_fast = fail_fast;
    o.allow_schema_change = allow;
    o.open_wh = open_wh;
    o.on_event = json ? json_event : render_pipeline_event;
    o.progress = render_progress;
    o.cancel = cmd_catch_sigint();
    o.ctx = &run;
    rc = pipeline_run(s->root, &o, &r);
    if (run.doc) {
        render_results_pipeline_done(run.doc, &r);
        render_results_print(stdout, run.doc);
        json_free(run.doc);
    } else {
        render_pipeline_summary(stdout, &r);
    }
    return r.interrupted ? EXIT_INTERRUPTED : cmd_exit_code(rc, 0);
}

int cmd_pipeline(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"allow-schema-change", no_argument, NULL, 'A'},
                                             {"full-refresh", no_argument, NULL, 'F'},
                                             {"fail-fast", no_argument, NULL, 'x'},
                                             {"json", no_argument, NULL, 'j'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int opt, full_refresh = 0, fail_fast = 0, allow = 0, json = 0;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (opt) {
        case 'F': full_refresh = 1; break;
        case 'A': allow = 1; break;
        case 'x': fail_fast = 1; break;
        case 'j': json = 1; break;
        case 'h': return cmd_help(pipeline_usage);
        default: return cmd_option_error(pipeline_usage, longopts);
        }
    }
    if (optind < argc)
        return cmd_usage_error(pipeline_usage, "unexpected argument '%s'", argv[optind]);
    if (cmd_ready(s))
        return EXIT_USAGE;
    return run_pipeline(s, full_refresh, fail_fast, allow, json);
}

int cmd_setup(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"scale", required_argument, NULL, 's'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct generate_options go = {0};
    struct setup_options so = {0};
    char *root = NULL, *end;
    int opt, ret = EXIT_FAIL;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (opt) {
        case 's':
            go.scale = strtod(optarg, &end);
            if (*end || go.scale <= 0)
                return cmd_usage_error(setup_usage, "--scale needs a number > 0, not '%s'", optarg);
            break;
        case 'S':
            go.seed = strtoull(optarg, &end, 10);
            if (*end || !*optarg)
                return cmd_usage_error(setup_usage, "--seed needs a whole number, not '%s'",
                                       optarg);
            go.seed_set = 1;
            break;
        case 'h': return cmd_help(setup_usage);
        default: return cmd_option_error(setup_usage, longopts);
        }
    }
    if (optind < argc)
        return cmd_usage_error(setup_usage, "unexpected argument '%s'", argv[optind]);

    root = xstrdup(s->root ? s->root : ".");
    so.generate = go;
    so.generate.progress = render_progress;
    so.on_event = render_pipeline_event;
    if (setup_run(root, &so) < 0)
        goto out;
    /* Now a platform: locate again so the warehouse path follows the usual rules. */
    session_relocate(s, root);
    ret = run_pipeline(s, 0, 0, 0, 0);
out:
    free(root);
    return ret;
}
