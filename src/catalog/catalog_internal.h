/*
 * What the catalog's files share while a catalog is built, cached and read. Not for other
 * layers: they use catalog.h.
 *
 *   introspect.c  relations, columns, constraints, comments, the pipeline's model records
 *   profile.c     one table's statistics, patterns, values, uniqueness, repeated values
 *   infer.c       roles, keys, joins, grain, layers, lineage, derived columns, caveats
 *   semantic.c    known-good queries: dashboard pages and semantic/verified.yml
 *   cache.c       the catalog as JSON, and back
 *   index.c       the word index and the lookups
 *   catalog.c     catalog_load(): the order of the steps, the cache, the fingerprints
 *   report.c      the readable report
 */
#ifndef MDP_CATALOG_INTERNAL_H
#define MDP_CATALOG_INTERNAL_H

#include <stdint.h>

#include "catalog/catalog.h"
#include "catalog/names.h"
#include "util/strbuf.h"

struct wh;
struct json;

/* Bumped when what is inferred changes, so older caches are rebuilt. */
#define CATALOG_VERSION 5

/* Tables above this many rows are profiled on a sample of this size. */
#define CATALOG_SAMPLE_ROWS 1000000
/* Columns with at most this many distinct values keep every value in the value index. */
#define CATALOG_MAX_VALUES 1000
/* Tables wider than this are not hashed row by row to count exact copies. */
#define CATALOG_MAX_HASHED_COLUMNS 500
/* Rows read to recognise the patterns of text columns with many values. */
#define CATALOG_PATTERN_ROWS 500

/* A containment check already made: "from fingerprint|column|to fingerprint|column". */
struct cat_check {
    char *key;
    double containment; /* share of from's distinct values found in to; -1: not comparable */
    int used;           /* made or needed in this build: kept in the cache */
};

/* State of one catalog_load(). */
struct cat_build {
    struct catalog *c;
    struct wh *wh;
    const struct catalog_options *opts;
    const struct catalog *cached; /* the previous catalog, or NULL */
    struct cat_check *checks;     /* made or reused in this build */
    size_t nchecks, alloc_checks;
    char *today;    /* YYYY-MM-DD, the date "future" is measured against */
    char *database; /* the warehouse's catalog name in DuckDB ("data" for data.duckdb) */
};

/* introspect.c: fills c->tables with relations and columns (no profile yet). */
int cat_introspect(struct cat_build *b);

/* profile.c: profiles table t (statistics, patterns, values, uniqueness, composite grain). */
int cat_profile_table(struct cat_build *b, struct cat_table *t);
/* Could column c of t be a group key (an id repeated over rows)? */
/*
 * profile.c: the share of from's distinct non-NULL values in ft.fc found in tt.tc (0..1),
 * measured once per pair of fingerprints (b->checks); -1 when it cannot be measured (no
 * warehouse: a catalog built by hand).
 */
double cat_profile_containment(struct cat_build *b, int ft, int fc, int tt, int tc);
int cat_maybe_group_key(const struct cat_table *t, const struct cat_column *c);
/*
 * Which columns of t are constant within column g (only those with one of only_roles, when
 * not 0), in *out; its `constant` array is the caller's to free.
 */
int cat_profile_grouping(struct cat_build *b, struct cat_table *t, int g, unsigned only_roles,
                         struct cat_grouping *out);

/*
 * The parts of gr worth measuring within its groups (references without NULLs, then the times
 * constant within it), in parts; returns how many.
 */
size_t cat_group_parts(const struct cat_table *t, const struct cat_grouping *gr,
                       int parts[CAT_GROUP_PARTS]);
/* Measures gr's kinds of groups (gr->parts, gr->kinds) over all of t's rows. */
int cat_profile_group_kinds(struct cat_build *b, struct cat_table *t, struct cat_grouping *gr);

/* infer.c */
void cat_infer_layers(struct catalog *c);
void cat_infer_derived(struct catalog *c);
void cat_infer_roles(struct catalog *c, const struct vocab *v);
int cat_infer_joins(struct cat_build *b);
/* Group keys (profiling the ones not profiled yet) and the columns repeated within them. */
int cat_infer_group_keys(struct cat_build *b);
/* The kinds of groups of each group key, kept from the cache when its parts are unchanged. */
int cat_infer_group_kinds(struct cat_build *b);
void cat_infer_grain_and_caveats(struct catalog *c);
void cat_infer_words(struct catalog *c);

/* semantic.c: reads dashboards and semantic/verified.yml under root into c. */
int cat_read_semantic(struct catalog *c, const char *root);

/*
 * cache.c: the catalog as a JSON tree the caller frees with json_free(); with b, the cache's
 * form (values with their keys, the containment checks of this build).
 */
struct json *cat_to_json(const struct catalog *c, int with_values, const struct cat_build *b);
/*
 * Rebuilds a catalog from cat_to_json()'s output (the caller frees it with catalog_free()), and
 * appends the cached checks to *checks (the caller frees each key and the array); NULL, with
 * no error, when the document does not fit.
 */
struct catalog *cat_from_json(const struct json *j, struct cat_check **checks, size_t *nchecks);
/*
 * The stamp a cache file is valid for: the files of the warehouse and of the platform's
 * semantic folders (sizes and times), the day, the catalog's version. The caller frees it.
 */
char *cat_file_stamp(const char *warehouse, const char *root, const char *today);

/* index.c: builds c->index from the words of everything in c (catalog_load() does). */
void cat_index_build(struct catalog *c);
void cat_index_free(struct cat_index *ix);

/* catalog.c helpers shared by the files above */
struct cat_table *cat_table_new(struct catalog *c);
void cat_table_release(struct cat_table *t);
void cat_column_release(struct cat_column *col);
void cat_add_caveat(struct cat_table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds a problem met while building the catalog that did not stop it (c->notes). */
void cat_add_note(struct catalog *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 64-bit FNV-1a, for fingerprints (not security). */
uint64_t cat_hash(uint64_t h, const void *data, size_t len);
uint64_t cat_hash_str(uint64_t h, const char *s);
#define CAT_HASH_INIT 1469598103934665603ULL
/*
 * Appends "database"."schema"."name" for the catalog's own queries, which must not be
 * ambiguous when a schema has the name of the database (a marts.duckdb with a marts schema).
 */
void cat_add_sql_relation(struct strbuf *sb, const struct cat_build *b, const struct cat_table *t);
/* Adds a join unless the same edge is there already. */
void cat_add_join(struct catalog *c, int from_table, int from_column, int to_table, int to_column,
                  double containment, enum cat_join_source source);
/* Appends a copy of s to the array *v of *n strings. */
void cat_strv_push(char ***v, size_t *n, const char *s);
int cat_strv_has(char *const *v, size_t n, const char *s);
/* Rank of a layer when choosing between tables: marts first, raw last. */
int cat_layer_rank(enum cat_layer l);

#endif
