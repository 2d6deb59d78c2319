/*
 * mdp's own records in the warehouse, schema _mdp: what ingest and transform write and the
 * catalog reads back. This file owns their DDL and column order, and the typed readers;
 * nothing else spells a SELECT on _mdp.
 *
 *   _mdp.ingest_state   one row per loaded source (ingest.c): table_name, path, file_size,
 *                       file_mtime_ns, content_hash, options_hash, row_count, column_count,
 *                       loaded_at, seconds, notes
 *   _mdp.models         one row per built model (transform.c): name, schema_name, relation,
 *                       materialized, path, description, raw_sql, compiled_sql, depends_on,
 *                       built_at
 *   _mdp.model_columns  one row per documented model column: model, column_name, description,
 *                       tests (a JSON array of dbt test entries)
 *   _mdp.model_failures one row per model the last transform that selected it did not build
 *                       (failed, or stopped by a failed parent): name, failed_at, message;
 *                       its relation is stale, so `mdp test` does not run its tests
 *
 * Ownership: the readers fill arrays the caller frees with the matching *_free().
 */
#ifndef MDP_RECORDS_H
#define MDP_RECORDS_H

#include <stddef.h>
#include <stdint.h>

struct wh;

/* Creates _mdp and _mdp.ingest_state when missing. Returns 0 or -1 with error(). */
int records_create_ingest_state(struct wh *wh);
/* Creates _mdp, _mdp.models, _mdp.model_columns and _mdp.model_failures when missing. */
int records_create_models(struct wh *wh);

/* A source's recorded state (what says its file changed since the last load). */
struct ingest_state_record {
    uint64_t size;
    int64_t mtime_ns;
    char content[17]; /* content hash, hex */
    char options[17]; /* hash of the manifest entry */
    uint64_t rows;
    size_t columns;
};
/* The state of table: 1 and *out when recorded, 0 when not, -1 on error. */
int records_read_ingest_state(struct wh *wh, const char *table, struct ingest_state_record *out);

/* Each loaded table and "content_hash/options_hash": what vouches for its data. */
struct ingest_fingerprint {
    char *table;
    char *fingerprint;
};
/* Every row of _mdp.ingest_state (none when the table does not exist). 0 or -1. */
int records_read_ingest_fingerprints(struct wh *wh, struct ingest_fingerprint **out, size_t *n);
void records_ingest_fingerprints_free(struct ingest_fingerprint *v, size_t n);

struct model_record {
    char *name, *schema, *relation;   /* relation: schema.alias */
    char *description, *compiled_sql; /* NULL when none */
    char *built_at;                   /* as text; "" when unknown */
};
/* Every row of _mdp.models (none when the table does not exist). 0 or -1 with error(). */
int records_read_models(struct wh *wh, struct model_record **out, size_t *n);
void records_models_free(struct model_record *v, size_t n);

struct model_column_record {
    char *model, *column;
    char *description; /* NULL when none */
    char *tests;       /* JSON array text, or NULL */
};
/* Every row of _mdp.model_columns (none when the table does not exist). 0 or -1. */
int records_read_model_columns(struct wh *wh, struct model_column_record **out, size_t *n);
void records_model_columns_free(struct model_column_record *v, size_t n);

struct strbuf;
/* Appends the statements that clear model's failure row, then record message (unless NULL). */
void records_model_failure_sql(struct strbuf *sb, const char *model, const char *message);

struct model_failure_record {
    char *name;
    char *failed_at; /* "YYYY-MM-DD HH:MM:SS" */
    char *message;   /* NULL when none */
};
/* Every row of _mdp.model_failures (none when the table does not exist). 0 or -1. */
int records_read_model_failures(struct wh *wh, struct model_failure_record **out, size_t *n);
void records_model_failures_free(struct model_failure_record *v, size_t n);

#endif
