/*
 * `mdp pipeline` and `mdp setup` as a library: the order of the stages and what stops them.
 *
 *   pipeline_run()  sync, ingest, seed, transform, test. The warehouse is opened once, after
 *                   sync succeeded, through the caller's open_wh(); a failed source, seed or
 *                   model leaves the rest going unless fail_fast; without
 *                   dbt_project/dbt_project.yml the raw tables are the warehouse and seed,
 *                   transform and test are skipped; without a sources/ folder (a folder
 *                   holding only a dbt project) sync and ingest are; the seed stage reports
 *                   only when the project has seeds.
 *   setup_run()     scaffold the sample platform when the folder is not one yet, generate the
 *                   sample sources when sources/ holds no data file (any of the manifest's
 *                   formats); then the caller runs the pipeline.
 *
 * Nothing is printed here: each stage's start and end (with its report) reach the caller's
 * on_event(); render/report.h draws them.
 */
#ifndef MDP_PIPELINE_H
#define MDP_PIPELINE_H

#include "platform/dbt_test.h"
#include "platform/generate.h"
#include "platform/ingest.h"
#include "platform/scaffold.h"
#include "platform/seed.h"
#include "platform/sync.h"
#include "platform/transform.h"

struct wh;

enum pipeline_stage {
    PIPELINE_SYNC,
    PIPELINE_INGEST,
    PIPELINE_SEED,
    PIPELINE_TRANSFORM,
    PIPELINE_TEST,
    PIPELINE_NSTAGES,
    SETUP_INIT = PIPELINE_NSTAGES, /* setup_run()'s own stages */
    SETUP_GENERATE,
};

enum stage_status {
    STAGE_OK = 0,
    STAGE_SOME_FAILED = 1, /* some items failed, the others were done */
    STAGE_FATAL = -1,
    STAGE_NOT_RUN = -2,
    STAGE_SKIPPED = -3, /* no sources/, no dbt project, or no seeds */
};

/* One call at a stage's start (done = 0) and one at its end (done = 1, with its report). */
struct pipeline_event {
    enum pipeline_stage stage;
    const char *name; /* "sync", "ingest", ..., "init", "generate" */
    int done;
    enum stage_status status; /* when done */
    int no_sources;     /* done with PIPELINE_SYNC: no sources/ folder, sync and ingest skipped */
    int no_dbt_project; /* done with PIPELINE_INGEST: seed, transform and test are skipped */
    const struct sync_report *sync;     /* when done, the stage's report; NULL for the others */
    const struct ingest_report *ingest; /* ingest's, or seed's */
    const struct transform_report *transform;
    const struct dbt_test_report *test;
    const struct scaffold_report *scaffold;
    const struct generate_report *generate;
};

typedef void pipeline_event_fn(const struct pipeline_event *ev, void *ctx);

struct pipeline_options {
    int full_refresh, fail_fast;
    int allow_schema_change;          /* ingest_options.allow_schema_change */
    struct wh *(*open_wh)(void *ctx); /* the warehouse, read-write; NULL after error() */
    pipeline_event_fn *on_event;      /* may be NULL */
    void *ctx;                        /* for open_wh and on_event */
    progress_fn *progress;            /* ingest's and transform's progress; may be NULL */
    volatile sig_atomic_t *cancel;    /* Ctrl-C: stop after rolling back the running step */
};

struct pipeline_step {
    const char *name;
    enum stage_status status;
    double seconds;
};

struct pipeline_report {
    struct pipeline_step steps[PIPELINE_NSTAGES];
    double seconds;
    int interrupted; /* opts->cancel stopped it */
};

/*
 * Runs the stages on the platform at root. Fills *report (plain data). Returns 0 when every
 * stage was ok or skipped, 1 otherwise.
 */
int pipeline_run(const char *root, const struct pipeline_options *opts,
                 struct pipeline_report *report);

struct setup_options {
    struct generate_options generate; /* for the sample sources, when they are written */
    pipeline_event_fn *on_event;      /* may be NULL */
    void *ctx;
};

/*
 * Makes root a platform with data (see above); warns when sources/ already had data files and
 * a scale or seed was given. Returns 0, or -1 after error().
 */
int setup_run(const char *root, const struct setup_options *opts);

#endif
