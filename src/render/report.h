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

/* Each library's report (plain data from src/platform/), drawn on f. */
/* Prints "+ table (path)" / "- table (path)" lines and a one-line summary. */
void sync_report_print(FILE *f, const struct sync_report *report);
/* Prints one line per source (status, rows, columns, size, time), its notes, and a total. */
void ingest_report_print(FILE *f, const struct ingest_report *report);
/* One line per model (status, materialization, relation, rows, seconds, message) and totals. */
void transform_report_print(FILE *f, const struct transform_report *report);
/* One PASS/WARN/FAIL/ERROR/SKIP line per test and a summary line. */
void dbt_test_report_print(FILE *f, const struct dbt_test_report *report);
/* "  wrote PATH" per file, "  kept PATH (exists)" per file left alone. */
void scaffold_report_print(FILE *f, const struct scaffold_report *report);
/* The human summary: one line per file, then rows/s, MB/s and peak RSS. */
void generate_report_print(FILE *f, const struct generate_report *report);
/* The same as one JSON object (for benchmarks). */
void generate_report_print_json(FILE *f, const struct generate_report *report);

#endif
