/*
 * DuckDB's own metadata (duckdb_tables(), duckdb_views(), duckdb_columns(),
 * duckdb_constraints(), pragma_storage_info()): every query mdp asks about what the warehouse
 * holds lives here, so the catalog, ingest, typing and transform share one spelling of each.
 * Results are struct wh_result with the columns listed per function; free with
 * wh_result_free(). Each returns 0, or -1 with error().
 */
#ifndef MDP_WH_META_H
#define MDP_WH_META_H

#include "wh/wh.h"

/*
 * The user's relations in the current database, outside _mdp, information_schema and
 * pg_catalog, by schema then name: schema_name, name, is_view ("0"/"1"), estimated_size
 * (tables), comment, sql (views).
 */
int wh_meta_relations(struct wh *wh, struct wh_result **out);
/* Their columns in order: schema_name, table_name, column_name, data_type, comment. */
int wh_meta_columns(struct wh *wh, struct wh_result **out);
/*
 * Single-column PRIMARY KEY, UNIQUE and FOREIGN KEY constraints: schema_name, table_name,
 * constraint_type, column, referenced_table, referenced_column.
 */
int wh_meta_constraints(struct wh *wh, struct wh_result **out);
/* One table's columns in order: column_name, data_type. */
int wh_meta_table_columns(struct wh *wh, const char *schema, const char *table,
                          struct wh_result **out);
/*
 * What says a table's data changed, for a table nobody vouches for: one row of its exact row
 * count and a digest of its storage (segments, statistics, blocks). relation is quoted SQL.
 */
int wh_meta_storage(struct wh *wh, const char *relation, struct wh_result **out);
/* "table", "view" or NULL: what schema.name is now (the caller frees). */
char *wh_meta_relation_kind(struct wh *wh, const char *schema, const char *name);

#endif
