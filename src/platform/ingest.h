/*
 * mdp ingest: loads the manifest's sources into raw.<table>, each atomically.
 *
 * Each source is read with DuckDB's own readers (read_csv with its sniffer, read_parquet,
 * read_json) into a staging table inside one transaction; smart typing (typing.h) then turns
 * text columns into the numbers and dates they spell; the old raw.<table> is dropped and the
 * staging table renamed in the same transaction. A failure rolls it all back: the previous
 * raw.<table> stays as it was, the error names the file and (for CSV) the line, and the other
 * sources still load unless fail_fast is set. A CSV whose sniffed types break after DuckDB's
 * sample is read again with a whole-file sniff before it counts as failed.
 *
 * Column names are kept exactly as the reader sees them (e.g. "Sales Person"); names that
 * need double quotes in SQL are listed in the notes.
 *
 * A load that would drop or rename the columns of the raw.<table> it replaces, or has no rows
 * where it had some, or a CSV the reader could only read as one column because of a ragged
 * row, is refused and the table kept (see ingest_options.allow_schema_change); a CSV with a
 * ragged row names its line and the reader options that accept it; a .csv holding gzip,
 * Parquet, ZIP, JSON or binary bytes, and a truncated .gz, are refused before reading; so is a
 * CSV whose first line has more than 10,000 fields (other formats: after reading, before typing).
 *
 * An entry may carry `options:`, a mapping passed to the reader as named parameters
 * (e.g. `options: {delim: ';', header: false}`).
 *
 * A source is skipped when its file's size and mtime (or, when those changed, its content
 * hash) and its manifest entry are the same as at its last successful load and raw.<table>
 * exists; the state lives in _mdp.ingest_state.
 *
 * Ownership: a struct ingest_report owns all its strings; release it with
 * ingest_report_release().
 */
#ifndef MDP_INGEST_H
#define MDP_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "util/progress.h"

/* The schema sources load into; _mdp.ingest_state records each table's file. */
#define INGEST_SCHEMA "raw"

struct ingest_options {
    const char *const *tables; /* load only these (NULL/0: all) */
    size_t ntables;
    int full_refresh;      /* reload even unchanged sources */
    int fail_fast;         /* stop at the first failure */
    int no_typing;         /* keep the reader's types */
    progress_fn *progress; /* each source's read, then NULL; may be NULL */
    void *progress_ctx;
    /*
     * Replace raw.<table> even when the load drops or renames its columns or has no rows where
     * it had some (otherwise refused, as is a CSV the reader could only read as one column
     * because of a ragged row). Per source: `allow_schema_change: true` in its entry.
     */
    int allow_schema_change;
    /*
     * Set non-zero (Ctrl-C) to stop: the running load is interrupted and rolled back, the
     * sources after it are not run, and report->interrupted says so. May be NULL.
     */
    volatile sig_atomic_t *cancel;
};

enum ingest_status { INGEST_NOT_RUN, INGEST_LOADED, INGEST_SKIPPED, INGEST_FAILED };

struct ingest_item {
    char *table;
    char *path; /* as in the manifest */
    enum ingest_status status;
    uint64_t rows;
    size_t columns;
    uint64_t bytes; /* file size */
    double seconds;
    char *error;  /* INGEST_FAILED: what went wrong */
    char **notes; /* typing and reader notes */
    size_t nnotes, alloc_notes;
};

struct ingest_report {
    struct ingest_item *items;
    size_t n, alloc;
    size_t loaded, skipped, failed;
    uint64_t rows_loaded, bytes_loaded;
    double seconds;
    int bad_input;     /* the failure was the user's input (manifest, table names) */
    int interrupted;   /* opts->cancel stopped the run: the items NOT_RUN were left as they were */
    const char *stage; /* the summary's name: "ingest" when NULL, "seed" */
};

struct wh;

/*
 * Loads the sources of <root>/sources/sources.yml into wh, open read-write (borrowed: left
 * open). Returns 0 when every selected source loaded or was skipped,
 * 1 when some failed (the others were still loaded unless fail_fast), -1 on a fatal error
 * (invalid manifest, unknown table name: report->bad_input set; or the warehouse failed).
 */
int ingest_run(const char *root, struct wh *wh, const struct ingest_options *opts,
               struct ingest_report *report);
struct manifest;
struct source;

/* Where ingest_load() puts a file other than a raw source (dbt seeds). */
struct ingest_target {
    const char *schema;      /* the table is schema.<s->table> */
    const char *key;         /* its row in _mdp.ingest_state (unique across schemas) */
    const char *const *keep; /* columns smart typing leaves as the reader typed them */
    size_t nkeep;
};

/* Creates schema and _mdp.ingest_state when missing. Returns 0 or -1 with error(). */
int ingest_prepare(struct wh *wh, const char *schema);
/*
 * Loads one manifest entry on an open read-write warehouse exactly as ingest_run() does
 * (reader, smart typing, swap and state in one transaction; skipped when unchanged unless
 * o->full_refresh), into raw.<table>, or target->schema.<table> when target is not NULL.
 * Returns 0 (it->status LOADED or SKIPPED) or -1 (it->error set, the old table kept).
 */
int ingest_load(struct wh *wh, const char *root, const struct manifest *m, const struct source *s,
                const struct ingest_target *target, const struct ingest_options *o,
                struct ingest_item *it);
/* Its load was interrupted (opts->cancel) and rolled back: says so in it and in rep. */
void ingest_item_interrupted(struct ingest_report *rep, struct ingest_item *it, const char *prefix);
void ingest_report_release(struct ingest_report *report);

#endif
