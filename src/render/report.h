/*
 * Drawing the libraries' reports for people: the pipeline's stages and summary (and, one per
 * library, the reports of sync, ingest, transform, test, scaffold and generate). Quiet mode
 * (term_quiet) and colours (term_color) are honoured here, not in the libraries.
 */
#ifndef MDP_RENDER_REPORT_H
#define MDP_RENDER_REPORT_H

#include <stdio.h>

#include "platform/pipeline.h"

/* A pipeline or setup event (pipeline.h): the stage's header, then its report. ctx: unused. */
void render_pipeline_event(const struct pipeline_event *ev, void *ctx);
/* "pipeline: sync ok (0.01 s), ingest ...; 1.23 s in all" (nothing when quiet). */
void render_pipeline_summary(FILE *f, const struct pipeline_report *r);

#endif
