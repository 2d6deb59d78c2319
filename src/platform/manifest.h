/*
 * The source manifest, sources/sources.yml: which raw files load into which raw.<table>.
 *
 *   sources:
 *   - table: products
 *     path: sources/postgres/products.csv
 *     system: postgres
 *
 * Paths are relative to the platform root. Keys a user added (to an entry or beside
 * `sources:`) and the comment block at the top of the file are kept when mdp rewrites it.
 * Validation errors name file:line:column, the problem and what to do.
 *
 * Ownership: a struct manifest owns its yaml tree and every string in its sources; release
 * it with manifest_release(). Pointers returned by lookups are borrowed from it.
 */
#ifndef MDP_MANIFEST_H
#define MDP_MANIFEST_H

#include <stddef.h>

struct strbuf;
struct yaml_node;

enum source_format {
    SOURCE_CSV,
    SOURCE_PARQUET,
    SOURCE_JSON,   /* a JSON array or object per file */
    SOURCE_NDJSON, /* one JSON object per line */
    SOURCE_UNKNOWN
};

struct source {
    const char *table;  /* borrowed from node */
    const char *path;   /* relative to the platform root; borrowed from node */
    const char *system; /* NULL when the entry has none; borrowed from node */
    enum source_format format;
    struct yaml_node *node; /* the entry's mapping in the tree (extra keys live here) */
    int line, col;          /* where the entry starts */
};

struct manifest {
    char *file;             /* the path errors name (e.g. "sources/sources.yml") */
    char *header;           /* comment lines above the first key, kept on rewrite; may be "" */
    struct yaml_node *root; /* the whole document, a mapping */
    struct yaml_node *list; /* root's `sources:` sequence */
    struct source *sources;
    size_t n, alloc;
    int exists; /* the file was there when loaded */
};

#define MANIFEST_PATH "sources/sources.yml"

/*
 * Parses manifest text; `name` is the file named in errors. Checks that every entry is a
 * mapping with a `table` and a `path` value, that table names are unique (case-insensitive,
 * as SQL identifiers are) and that each path's file type is one mdp reads. Returns 0, or -1
 * with error("name:line:col: problem; what to do"). Empty text gives an empty manifest.
 */
int manifest_parse(const char *name, const char *text, size_t len, struct manifest *m);
/*
 * Loads <root>/sources/sources.yml. A missing file gives an empty manifest (m->exists = 0)
 * and returns 0. Returns -1 with error() on a read or validation problem.
 */
int manifest_load(const char *root, struct manifest *m);
/* Writes the manifest to <root>/sources/sources.yml atomically. Returns 0 or -1. */
int manifest_save(const struct manifest *m, const char *root);
/* The manifest as the text manifest_save() writes; appended to sb. */
void manifest_format(const struct manifest *m, struct strbuf *sb);
void manifest_release(struct manifest *m);

/* Appends an entry {table, path, system} (copied). */
void manifest_add(struct manifest *m, const char *table, const char *path, const char *system);
/* Removes entry i, keeping the order of the others. */
void manifest_remove(struct manifest *m, size_t i);
/* The entry whose table is `table` (case-insensitive), or NULL. */
struct source *manifest_find(const struct manifest *m, const char *table);

/* The format a path's extension names (.csv, .tsv, .csv.gz, .parquet, .json, .ndjson, .jsonl). */
enum source_format source_format_of(const char *path);
const char *source_format_name(enum source_format f);
/* Length of the file-type suffix of path (".csv.gz" -> 7), 0 when unknown. */
size_t source_suffix_len(const char *path);

#endif
