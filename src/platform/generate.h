/*
 * The sample e-commerce data (spec/ecommerce-data.md): five CSV sources written under
 * <root>/sources/<system>/<name>.csv from one seeded PRNG, so the same seed and scale give
 * byte-identical files. Streaming: memory holds only the dimension sets (products, users,
 * campaigns); pageviews and transactions go straight to a large output buffer with hand-written
 * number and date formatting. Each file is written to a temporary name beside it and renamed
 * into place, so an interrupted run never leaves a partial file under the final name.
 *
 * Nothing else is written: sources.yml is `mdp sync`'s business.
 */
#ifndef MDP_GENERATE_H
#define MDP_GENERATE_H

#include <stdint.h>
#include <stdio.h>

#include "util/progress.h"

#define GENERATE_DEFAULT_SEED 42

struct generate_options {
    double scale;          /* > 0; 0 means 1 */
    uint64_t seed;         /* used when seed_set */
    int seed_set;          /* 0: GENERATE_DEFAULT_SEED */
    progress_fn *progress; /* called while writing, and with NULL at the end; may be NULL */
    void *progress_ctx;
};

struct generate_file {
    char *path;    /* relative to the root, e.g. "sources/postgres/users.csv"; owned */
    uint64_t rows; /* data rows, without the header */
    uint64_t bytes;
    double seconds;
};

struct generate_report {
    struct generate_file files[5];
    size_t nr; /* files written */
    uint64_t rows, bytes;
    double seconds;   /* wall clock for the whole run */
    long peak_rss_kb; /* getrusage() maximum resident set size of the process */
    double scale;
    uint64_t seed;
};

/*
 * Writes the five sources under root (creating sources/<system>/ as needed). Zero-initialised
 * options are the defaults. Fills *report (release with generate_report_release(); it may be
 * partly filled on failure). Returns 0, or -1 with error() naming the file.
 */
int generate_run(const char *root, const struct generate_options *opts,
                 struct generate_report *report);
void generate_report_release(struct generate_report *report);

#endif
