/*
 * mdp sync: keeps sources/sources.yml in step with the files under sources/<system>/.
 *
 * New files (.csv, .tsv, .csv.gz, .parquet, .json, .ndjson, .jsonl directly inside a folder
 * under sources/) are appended as {table, path, system}; entries whose file is gone are
 * removed; every other entry keeps its place, its keys and its table name. A new file's table
 * name comes from its file name: lowercased, every run of other characters than letters and
 * digits turned into '_', a leading digit or an SQL reserved word prefixed; when that name is
 * taken, the system name is prefixed (or a number appended) and a warning says so.
 *
 * Ownership: a struct sync_report owns its strings; release it with sync_report_release().
 */
#ifndef MDP_SYNC_H
#define MDP_SYNC_H

#include <stddef.h>
#include <stdio.h>

struct sync_options {
    int dry_run; /* compute and report the changes, write nothing */
};

struct sync_change {
    char op; /* '+' added, '-' removed */
    char *table;
    char *path;
};

struct sync_report {
    struct sync_change *changes;
    size_t n, alloc;
    size_t total; /* entries in the manifest after the sync */
    int written;  /* sources.yml was (re)written */
    int created;  /* there was no sources.yml: it is written, even with no sources */
    int dry_run;
    int bad_input; /* the failure was the user's input (invalid manifest): exit 2 */
};

/*
 * Syncs <root>/sources/sources.yml with the files on disk. Returns 0 (with or without
 * changes), or -1 with error() (report->bad_input set when the manifest itself is invalid).
 */
int sync_run(const char *root, const struct sync_options *opts, struct sync_report *report);
void sync_report_release(struct sync_report *report);

/*
 * Does <root>/sources/<system>/ hold any file sync would list (the manifest's formats, any
 * case: .csv, .tsv, .csv.gz, .parquet, .json, .ndjson, .jsonl)? 1 or 0.
 */
int sync_has_source_files(const char *root);

/*
 * The table name for a file name (its stem, sanitised as described above); the caller frees.
 * Exposed for tests.
 */
char *sync_table_name(const char *file_name);

#endif
