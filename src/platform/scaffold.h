/*
 * `mdp init`'s library: scaffolding a platform folder (spec/platform-layout.md). Either the
 * sample e-commerce platform, i.e. every file embedded under share/sample-platform/ (sources.yml,
 * the dbt project, eval cases, dashboard pages: whatever is there at build time), or a bare
 * skeleton. Existing files are never overwritten unless forced.
 */
#ifndef MDP_SCAFFOLD_H
#define MDP_SCAFFOLD_H

#include <stdio.h>

struct scaffold_options {
    int empty; /* a bare skeleton instead of the sample platform */
    int force; /* overwrite existing files, and scaffold over an existing platform */
};

struct scaffold_report {
    char **written; /* paths relative to the directory, in order; owned */
    size_t nr_written, alloc_written;
    char **kept; /* existing files left alone (not forced); owned */
    size_t nr_kept, alloc_kept;
};

/*
 * What makes dir a platform folder already: the relative path of the first marker found
 * (sources/sources.yml, dbt_project/dbt_project.yml, warehouse/data.duckdb; static), or NULL.
 */
const char *scaffold_platform_marker(const char *dir);

/*
 * Writes the platform into dir (created if missing). Refuses, with an error naming the marker,
 * when dir is a platform already and opts->force is off. Each file is written atomically.
 * Fills *report (release with scaffold_report_release(), also after a failure). Returns 0, or
 * -1 with error().
 */
int scaffold_run(const char *dir, const struct scaffold_options *opts,
                 struct scaffold_report *report);
void scaffold_report_release(struct scaffold_report *report);

#endif
