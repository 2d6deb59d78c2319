/*
 * The pipeline's and setup's orchestration (pipeline.h): which stage runs after which, and
 * what stops the run. Drawing the events is the caller's business.
 */
#include <stdlib.h>
#include <string.h>

#include "platform/pipeline.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

static const char *const stage_names[] = {"sync", "ingest", "seed",    "transform",
                                          "test", "init",   "generate"};

static void emit(pipeline_event_fn *fn, void *ctx, struct pipeline_event *ev)
{
    ev->name = stage_names[ev->stage];
    if (fn)
        fn(ev, ctx);
}

/* Announces the stage's start; returns the event to fill for its end. */
static struct pipeline_event stage_start(pipeline_event_fn *fn, void *ctx,
                                         enum pipeline_stage stage)
{
    struct pipeline_event ev;

    memset(&ev, 0, sizeof(ev));
    ev.stage = stage;
    emit(fn, ctx, &ev);
    ev.done = 1;
    return ev;
}

/* A platform without a dbt project is only sources: its warehouse is the raw tables. */
static int has_dbt_project(const char *root)
{
    char *path = fs_join(root, "dbt_project/dbt_project.yml");
    int ret = fs_is_file(path);

    free(path);
    return ret;
}

static int has_sources_dir(const char *root)
{
    char *path = fs_join(root, "sources");
    int ret = fs_is_dir(path);

    free(path);
    return ret;
}

static int cancelled(const struct pipeline_options *o)
{
    return o->cancel && *o->cancel;
}

static enum stage_status end_step(struct pipeline_step *s, int rc, double t0)
{
    s->status = rc < 0 ? STAGE_FATAL : rc ? STAGE_SOME_FAILED : STAGE_OK;
    s->seconds = clock_seconds() - t0;
    return s->status;
}

int pipeline_run(const char *root, const struct pipeline_options *o, struct pipeline_report *rep)
{
    struct sync_options so = {0};
    struct sync_report sr;
    struct ingest_options io = {0};
    struct ingest_report ir;
    struct seed_options seo = {0};
    struct transform_options to = {0};
    struct transform_report tr;
    struct dbt_test_options dto = {0};
    struct dbt_test_report dtr;
    struct pipeline_event ev;
    struct wh *wh;
    double t0, start = clock_seconds();
    char **not_built = NULL, **failed_seeds = NULL;
    size_t k, nnot_built = 0, alloc_not_built = 0, nfailed_seeds = 0, alloc_failed_seeds = 0;
    int i, bad = 0;

    memset(rep, 0, sizeof(*rep));
    for (i = 0; i < PIPELINE_NSTAGES; i++) {
        rep->steps[i].name = stage_names[i];
        rep->steps[i].status = STAGE_NOT_RUN;
    }

    if (!has_sources_dir(root)) { /* only a dbt project: its seeds and sources are the inputs */
        rep->steps[PIPELINE_SYNC].status = rep->steps[PIPELINE_INGEST].status = STAGE_SKIPPED;
        memset(&ev, 0, sizeof(ev));
        ev.stage = PIPELINE_SYNC;
        ev.done = 1;
        ev.status = STAGE_SKIPPED;
        ev.no_sources = 1;
        emit(o->on_event, o->ctx, &ev);
        if (!(wh = o->open_wh(o->ctx)))
            goto out;
        goto dbt;
    }
    ev = stage_start(o->on_event, o->ctx, PIPELINE_SYNC);
    t0 = clock_seconds();
    memset(&sr, 0, sizeof(sr));
    ev.status = end_step(&rep->steps[PIPELINE_SYNC], sync_run(root, &so, &sr), t0);
    ev.sync = &sr;
    emit(o->on_event, o->ctx, &ev);
    sync_report_release(&sr);
    if (ev.status < 0)
        goto out;

    ev = stage_start(o->on_event, o->ctx, PIPELINE_INGEST);
    t0 = clock_seconds();
    memset(&ir, 0, sizeof(ir));
    wh = o->open_wh(o->ctx);
    if (!wh) {
        ev.status = end_step(&rep->steps[PIPELINE_INGEST], -1, t0);
        ev.ingest = &ir;
        emit(o->on_event, o->ctx, &ev);
        goto out;
    }
    io.full_refresh = o->full_refresh;
    io.fail_fast = o->fail_fast;
    io.allow_schema_change = o->allow_schema_change;
    io.progress = o->progress;
    io.cancel = o->cancel;
    i = ingest_run(root, wh, &io, &ir);
    ev.status = end_step(&rep->steps[PIPELINE_INGEST], i, t0);
    ev.ingest = &ir;
    if (i >= 0 && !(i && o->fail_fast) && !has_dbt_project(root))
        ev.no_dbt_project = 1;
    emit(o->on_event, o->ctx, &ev);
    ingest_report_release(&ir);
    if (i < 0 || (i && o->fail_fast) || cancelled(o))
        goto out;

dbt:
    if (!has_dbt_project(root)) {
        for (i = PIPELINE_SEED; i < PIPELINE_NSTAGES; i++)
            rep->steps[i].status = STAGE_SKIPPED;
        goto out;
    }
    /* seeds load before the models that ref them, and before transform locks the session */
    t0 = clock_seconds();
    memset(&ir, 0, sizeof(ir));
    seo.full_refresh = o->full_refresh;
    seo.cancel = o->cancel;
    i = seed_run(root, wh, &seo, &ir);
    for (k = 0; k < ir.n; k++) /* the models that read a failed seed are skipped */
        if (ir.items[k].status == INGEST_FAILED) {
            ALLOC_GROW(failed_seeds, nfailed_seeds + 1, alloc_failed_seeds);
            failed_seeds[nfailed_seeds++] = xstrdup(ir.items[k].table);
        }
    end_step(&rep->steps[PIPELINE_SEED], i, t0);
    if (i < 0 && ir.bad_input) {
        /* the project's files are wrong: transform reports it, with its models */
        rep->steps[PIPELINE_SEED].status = STAGE_SKIPPED;
        i = 0;
    } else if (!ir.n && !i) {
        rep->steps[PIPELINE_SEED].status = STAGE_SKIPPED;
    } else {
        ev = stage_start(o->on_event, o->ctx, PIPELINE_SEED);
        ev.status = rep->steps[PIPELINE_SEED].status;
        ev.ingest = &ir;
        emit(o->on_event, o->ctx, &ev);
    }
    ingest_report_release(&ir);
    if (i < 0 || (i && o->fail_fast) || cancelled(o))
        goto out;

    ev = stage_start(o->on_event, o->ctx, PIPELINE_TRANSFORM);
    t0 = clock_seconds();
    memset(&tr, 0, sizeof(tr));
    to.full_refresh = o->full_refresh;
    to.cancel = o->cancel;
    to.failed_relations = (const char *const *)failed_seeds;
    to.nfailed_relations = nfailed_seeds;
    to.progress = o->progress;
    i = transform_run(root, wh, &to, &tr);
    ev.status = end_step(&rep->steps[PIPELINE_TRANSFORM], i, t0);
    ev.transform = &tr;
    emit(o->on_event, o->ctx, &ev);
    for (k = 0; k < tr.n; k++) /* their relations are stale: their tests do not run */
        if (tr.results[k].status != TRANSFORM_OK) {
            ALLOC_GROW(not_built, nnot_built + 1, alloc_not_built);
            not_built[nnot_built++] = xstrdup(tr.results[k].model);
        }
    transform_report_release(&tr);
    if (i < 0 || (i && o->fail_fast) || cancelled(o))
        goto out;

    ev = stage_start(o->on_event, o->ctx, PIPELINE_TEST);
    t0 = clock_seconds();
    memset(&dtr, 0, sizeof(dtr));
    dto.not_built = (const char *const *)not_built;
    dto.nnot_built = nnot_built;
    i = dbt_test_run(root, wh, &dto, &dtr);
    ev.status = end_step(&rep->steps[PIPELINE_TEST], i, t0);
    ev.test = &dtr;
    emit(o->on_event, o->ctx, &ev);
    dbt_test_report_release(&dtr);

out:
    rep->interrupted = cancelled(o);
    strv_free(not_built, nnot_built);
    strv_free(failed_seeds, nfailed_seeds);
    rep->seconds = clock_seconds() - start;
    for (i = 0; i < PIPELINE_NSTAGES; i++)
        if (rep->steps[i].status == STAGE_FATAL || rep->steps[i].status == STAGE_SOME_FAILED)
            bad = 1;
    return bad;
}

int setup_run(const char *root, const struct setup_options *o)
{
    struct pipeline_event ev;
    int ret = 0;

    if (!scaffold_platform_marker(root)) {
        struct scaffold_options so = {0};
        struct scaffold_report sr;

        ev = stage_start(o->on_event, o->ctx, SETUP_INIT);
        memset(&sr, 0, sizeof(sr));
        if (fs_mkdirs(root, 0755) < 0 || scaffold_run(root, &so, &sr) < 0) {
            scaffold_report_release(&sr);
            return -1;
        }
        ev.scaffold = &sr;
        emit(o->on_event, o->ctx, &ev);
        scaffold_report_release(&sr);
    }
    if (!sync_has_source_files(root)) {
        struct generate_report gr;

        ev = stage_start(o->on_event, o->ctx, SETUP_GENERATE);
        memset(&gr, 0, sizeof(gr));
        if (generate_run(root, &o->generate, &gr) < 0) {
            ret = -1;
        } else {
            ev.generate = &gr;
            emit(o->on_event, o->ctx, &ev);
        }
        generate_report_release(&gr);
    } else if (o->generate.scale || o->generate.seed_set) {
        warning("sources/ already holds data files: --scale and --seed are ignored (run `mdp "
                "generate` to write new sample data)");
    }
    return ret;
}
