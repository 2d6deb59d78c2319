/*
 * Reports drawn for people (report.h).
 */
#include <stdio.h>

#include "render/report.h"
#include "util/term.h"

void render_pipeline_event(const struct pipeline_event *ev, void *ctx)
{
    FILE *f = stdout;

    (void)ctx;
    if (!ev->done) {
        if (!term_quiet)
            fprintf(f, "%s== %s%s\n", term_bold(), ev->name, term_reset());
        return;
    }
    switch (ev->stage) {
    case PIPELINE_SYNC:
        if (!term_quiet)
            putc('\n', f);
        if (ev->status >= 0 && !term_quiet)
            sync_report_print(f, ev->sync);
        break;
    case PIPELINE_INGEST:
    case PIPELINE_TRANSFORM:
    case PIPELINE_TEST:
        if (!term_quiet || ev->status) {
            if (ev->ingest)
                ingest_report_print(f, ev->ingest);
            else if (ev->transform)
                transform_report_print(f, ev->transform);
            else if (ev->test)
                dbt_test_report_print(f, ev->test);
        }
        if (!term_quiet)
            putc('\n', f);
        if (ev->no_dbt_project && !term_quiet)
            fprintf(f, "no dbt project (dbt_project/dbt_project.yml): transform and test "
                       "skipped; the raw tables are the warehouse\n");
        break;
    case SETUP_INIT:
        if (!term_quiet && ev->scaffold)
            scaffold_report_print(f, ev->scaffold);
        break;
    case SETUP_GENERATE:
        if (!term_quiet && ev->generate)
            generate_report_print(f, ev->generate);
        putc('\n', f);
        break;
    default: break;
    }
    fflush(f);
}

void render_pipeline_summary(FILE *f, const struct pipeline_report *r)
{
    int i;

    if (term_quiet)
        return;
    fprintf(f, "%spipeline%s:", term_bold(), term_reset());
    for (i = 0; i < PIPELINE_NSTAGES; i++) {
        const struct pipeline_step *s = &r->steps[i];
        const char *what = s->status == STAGE_OK            ? "ok"
                           : s->status == STAGE_SOME_FAILED ? "some failed"
                           : s->status == STAGE_FATAL       ? "FAILED"
                           : s->status == STAGE_SKIPPED     ? "skipped"
                                                            : "not run";
        fprintf(f, " %s %s%s%s (%.2f s)%s", s->name,
                s->status == STAGE_OK ? term_green()
                : s->status < -1      ? term_dim()
                                      : term_red(),
                what, term_reset(), s->seconds, i < PIPELINE_NSTAGES - 1 ? "," : "");
    }
    fprintf(f, "; %.2f s in all\n", r->seconds);
}
