/*
 * mdp pipeline: sync, ingest, transform, test, with a summary of rows and timings.
 * mdp setup: init (when the folder is not a platform yet), generate (when sources/ has no data
 * files), then pipeline: a working warehouse from nothing.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "platform/dbt_test.h"
#include "platform/generate.h"
#include "platform/ingest.h"
#include "platform/scaffold.h"
#include "platform/sync.h"
#include "platform/transform.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/term.h"
#include "util/xmalloc.h"

static const char pipeline_usage[] =
    "usage: mdp pipeline [--full-refresh] [--fail-fast] [--allow-schema-change]\n"
    "\n"
    "Build the warehouse: sync the source manifest, ingest changed sources into raw, build the\n"
    "dbt models in dependency order, and run the column tests. A failed source or model leaves\n"
    "the previous table in place; the run goes on with what does not depend on it.\n"
    "\n"
    "  --full-refresh   reload every source, changed or not\n"
    "  --fail-fast      stop at the first failure\n"
    "  --allow-schema-change\n"
    "                   let a source replace its table even when the load drops or renames\n"
    "                   columns or has no rows (otherwise refused, the table kept)\n"
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

struct step {
    const char *name;
    int status; /* 0 ok, 1 some items failed, -1 fatal, -2 not run, -3 skipped */
    double seconds;
};

static void step_header(const char *name)
{
    if (!term_quiet)
        printf("%s== %s%s\n", term_bold(), name, term_reset());
}

static int step_end(struct step *s, int status, double t0)
{
    s->status = status;
    s->seconds = clock_seconds() - t0;
    if (!term_quiet)
        putchar('\n');
    fflush(stdout);
    return status;
}

/* Runs the four stages; returns the exit code. */
/* A platform without a dbt project is only sources: its warehouse is the raw tables. */
static int has_dbt_project(const char *root)
{
    char *path = fs_join(root, "dbt_project/dbt_project.yml");
    int ret = fs_is_file(path);

    free(path);
    return ret;
}

static int run_pipeline(const char *root, const char *warehouse, int full_refresh, int fail_fast,
                        int allow_schema_change)
{
    struct step steps[4] = {
        {"sync", -2, 0}, {"ingest", -2, 0}, {"transform", -2, 0}, {"test", -2, 0}};
    struct sync_options so = {0};
    struct sync_report sr;
    struct ingest_options io = {0};
    struct ingest_report ir;
    struct transform_options to = {0};
    struct transform_report tr;
    struct dbt_test_options dto = {0};
    struct dbt_test_report dtr;
    double t0, start = clock_seconds();
    char **not_built = NULL;
    size_t k, nnot_built = 0, alloc_not_built = 0;
    int failed = 0, fatal = 0, i;

    step_header("sync");
    t0 = clock_seconds();
    memset(&sr, 0, sizeof(sr));
    if (step_end(&steps[0], sync_run(root, &so, &sr), t0) >= 0 && !term_quiet)
        sync_report_print(stdout, &sr);
    sync_report_release(&sr);
    if (steps[0].status < 0)
        goto summary;

    step_header("ingest");
    io.full_refresh = full_refresh;
    io.fail_fast = fail_fast;
    io.allow_schema_change = allow_schema_change;
    memset(&ir, 0, sizeof(ir));
    t0 = clock_seconds();
    i = ingest_run(root, warehouse, &io, &ir);
    if (!term_quiet || i)
        ingest_report_print(stdout, &ir);
    ingest_report_release(&ir);
    step_end(&steps[1], i, t0);
    if (i < 0 || (i && fail_fast))
        goto summary;

    if (!has_dbt_project(root)) {
        if (!term_quiet)
            printf("no dbt project (dbt_project/dbt_project.yml): transform and test skipped; "
                   "the raw tables are the warehouse\n");
        steps[2].status = steps[3].status = -3;
        goto summary;
    }

    step_header("transform");
    memset(&tr, 0, sizeof(tr));
    t0 = clock_seconds();
    i = transform_run(root, warehouse, &to, &tr);
    if (!term_quiet || i)
        transform_report_print(stdout, &tr);
    for (k = 0; k < tr.n; k++) /* their relations are stale: their tests do not run */
        if (tr.results[k].status != TRANSFORM_OK) {
            ALLOC_GROW(not_built, nnot_built + 1, alloc_not_built);
            not_built[nnot_built++] = xstrdup(tr.results[k].model);
        }
    transform_report_release(&tr);
    step_end(&steps[2], i, t0);
    if (i < 0 || (i && fail_fast))
        goto summary;

    step_header("test");
    memset(&dtr, 0, sizeof(dtr));
    t0 = clock_seconds();
    dto.not_built = (const char *const *)not_built;
    dto.nnot_built = nnot_built;
    i = dbt_test_run(root, warehouse, &dto, &dtr);
    if (!term_quiet || i)
        dbt_test_report_print(stdout, &dtr);
    dbt_test_report_release(&dtr);
    step_end(&steps[3], i, t0);

summary:
    if (!term_quiet)
        printf("%spipeline%s:", term_bold(), term_reset());
    for (i = 0; i < 4; i++) {
        const char *what = steps[i].status == 0    ? "ok"
                           : steps[i].status == 1  ? "some failed"
                           : steps[i].status == -1 ? "FAILED"
                           : steps[i].status == -3 ? "skipped"
                                                   : "not run";
        if (steps[i].status == 1)
            failed = 1;
        if (steps[i].status == -1)
            fatal = 1;
        if (!term_quiet)
            printf(" %s %s%s%s (%.2f s)%s", steps[i].name,
                   steps[i].status == 0   ? term_green()
                   : steps[i].status < -1 ? term_dim()
                                          : term_red(),
                   what, term_reset(), steps[i].seconds, i < 3 ? "," : "");
    }
    if (!term_quiet)
        printf("; %.2f s in all\n", clock_seconds() - start);
    for (k = 0; k < nnot_built; k++)
        free(not_built[k]);
    free(not_built);
    return fatal || failed ? EXIT_FAIL : EXIT_OK;
}

int cmd_pipeline(int argc, char **argv)
{
    static const struct option longopts[] = {{"full-refresh", no_argument, NULL, 'F'},
                                             {"fail-fast", no_argument, NULL, 'x'},
                                             {"allow-schema-change", no_argument, NULL, 'A'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct platform_paths paths;
    int opt, full_refresh = 0, fail_fast = 0, allow = 0, ret;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'F': full_refresh = 1; break;
        case 'x': fail_fast = 1; break;
        case 'A': allow = 1; break;
        case 'h': return cmd_help(pipeline_usage);
        default: return cmd_usage_error(pipeline_usage, "unknown option");
        }
    }
    if (optind < argc)
        return cmd_usage_error(pipeline_usage, "unexpected argument '%s'", argv[optind]);
    cmd_locate(&paths);
    if (platform_require_root(&paths) < 0) {
        platform_paths_release(&paths);
        return EXIT_USAGE;
    }
    ret = run_pipeline(paths.root, paths.warehouse, full_refresh, fail_fast, allow);
    platform_paths_release(&paths);
    return ret;
}

/* Does dir/sources hold any data file (csv, parquet, json, ndjson) in a system folder? */
static int has_source_files(const char *root)
{
    static const char *const exts[] = {".csv", ".parquet", ".json", ".ndjson"};
    char *dir = fs_join(root, "sources");
    DIR *d = opendir(dir), *sub;
    struct dirent *e, *f;
    int found = 0;
    size_t i;

    while (d && !found && (e = readdir(d))) {
        char *sys;
        if (e->d_name[0] == '.')
            continue;
        sys = fs_join(dir, e->d_name);
        sub = opendir(sys);
        while (sub && !found && (f = readdir(sub))) {
            size_t n = strlen(f->d_name);
            for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
                size_t m = strlen(exts[i]);
                if (n > m && !strcmp(f->d_name + n - m, exts[i]))
                    found = 1;
            }
        }
        if (sub)
            closedir(sub);
        free(sys);
    }
    if (d)
        closedir(d);
    free(dir);
    return found;
}

int cmd_setup(int argc, char **argv)
{
    static const struct option longopts[] = {{"scale", required_argument, NULL, 's'},
                                             {"seed", required_argument, NULL, 'S'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct generate_options go = {0};
    struct platform_paths paths;
    char *root = NULL, *end;
    int opt, ret = EXIT_FAIL;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
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
        default: return cmd_usage_error(setup_usage, "unknown option");
        }
    }
    if (optind < argc)
        return cmd_usage_error(setup_usage, "unexpected argument '%s'", argv[optind]);

    cmd_locate(&paths);
    root = xstrdup(paths.root ? paths.root : ".");
    platform_paths_release(&paths);
    if (!scaffold_platform_marker(root)) {
        struct scaffold_options so = {0};
        struct scaffold_report sr;
        step_header("init");
        memset(&sr, 0, sizeof(sr));
        if (fs_mkdirs(root, 0755) < 0 || scaffold_run(root, &so, &sr) < 0) {
            scaffold_report_release(&sr);
            goto out;
        }
        if (!term_quiet)
            scaffold_report_print(stdout, &sr);
        scaffold_report_release(&sr);
    }
    if (!has_source_files(root)) {
        struct generate_report gr;
        step_header("generate");
        memset(&gr, 0, sizeof(gr));
        go.progress = 1;
        if (generate_run(root, &go, &gr) < 0) {
            generate_report_release(&gr);
            goto out;
        }
        if (!term_quiet)
            generate_report_print(stdout, &gr);
        generate_report_release(&gr);
        putchar('\n');
    } else if (go.scale || go.seed_set) {
        warning("sources/ already holds data files: --scale and --seed are ignored (run `mdp "
                "generate` to write new sample data)");
    }
    /* Now a platform: locate again so the warehouse path follows the usual rules. */
    global.project = root;
    cmd_locate(&paths);
    ret = run_pipeline(paths.root, paths.warehouse, 0, 0, 0);
    platform_paths_release(&paths);
out:
    free(root);
    return ret;
}
