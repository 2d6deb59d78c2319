/*
 * Queries on DuckDB's metadata functions (meta.h).
 */
#include <stdlib.h>

#include "util/strbuf.h"
#include "wh/meta.h"

static const char relations_sql[] =
    "SELECT schema_name, table_name, 0 AS is_view, estimated_size, comment, NULL::VARCHAR "
    "FROM duckdb_tables() WHERE database_name = current_database() AND NOT internal "
    "AND NOT temporary AND schema_name NOT IN ('_mdp', 'information_schema', 'pg_catalog') "
    "UNION ALL "
    "SELECT schema_name, view_name, 1, NULL, comment, sql FROM duckdb_views() "
    "WHERE database_name = current_database() AND NOT internal AND NOT temporary "
    "AND schema_name NOT IN ('_mdp', 'information_schema', 'pg_catalog') "
    "ORDER BY 1, 2";

static const char columns_sql[] =
    "SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() "
    "WHERE database_name = current_database() AND NOT internal "
    "AND schema_name NOT IN ('_mdp', 'information_schema', 'pg_catalog') "
    "ORDER BY schema_name, table_name, column_index";

static const char constraints_sql[] =
    "SELECT schema_name, table_name, constraint_type, constraint_column_names[1], "
    "referenced_table, referenced_column_names[1] FROM duckdb_constraints() "
    "WHERE database_name = current_database() AND len(constraint_column_names) = 1 "
    "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')";

int wh_meta_relations(struct wh *wh, struct wh_result **out)
{
    return wh_query(wh, relations_sql, NULL, out);
}

int wh_meta_columns(struct wh *wh, struct wh_result **out)
{
    return wh_query(wh, columns_sql, NULL, out);
}

int wh_meta_constraints(struct wh *wh, struct wh_result **out)
{
    return wh_query(wh, constraints_sql, NULL, out);
}

int wh_meta_table_columns(struct wh *wh, const char *schema, const char *table,
                          struct wh_result **out)
{
    struct strbuf sql = STRBUF_INIT;
    int ret;

    strbuf_addstr(&sql, "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ");
    strbuf_add_sql_string(&sql, schema);
    strbuf_addstr(&sql, " AND table_name = ");
    strbuf_add_sql_string(&sql, table);
    strbuf_addstr(&sql, " ORDER BY column_index");
    ret = wh_query(wh, sql.buf, NULL, out);
    strbuf_release(&sql);
    return ret;
}

int wh_meta_storage(struct wh *wh, const char *relation, struct wh_result **out)
{
    struct strbuf sql = STRBUF_INIT;
    int ret;

    strbuf_addstr(&sql, "SELECT (SELECT count(*) FROM ");
    strbuf_addstr(&sql, relation);
    strbuf_addstr(&sql, "), (SELECT string_agg(concat_ws(',', row_group_id, column_id, "
                        "segment_id, start, count, stats, has_updates, persistent, block_id, "
                        "block_offset), ';' ORDER BY row_group_id, column_id, segment_id) "
                        "FROM pragma_storage_info(");
    strbuf_add_sql_string(&sql, relation);
    strbuf_addstr(&sql, "))");
    ret = wh_query(wh, sql.buf, NULL, out);
    strbuf_release(&sql);
    return ret;
}

char *wh_meta_relation_kind(struct wh *wh, const char *schema, const char *name)
{
    struct strbuf sql = STRBUF_INIT;
    char *kind;

    strbuf_addstr(&sql, "SELECT 'table' FROM duckdb_tables() WHERE schema_name = ");
    strbuf_add_sql_string(&sql, schema);
    strbuf_addstr(&sql, " AND table_name = ");
    strbuf_add_sql_string(&sql, name);
    strbuf_addstr(&sql, " AND database_name = current_database() UNION ALL SELECT 'view' FROM "
                        "duckdb_views() WHERE schema_name = ");
    strbuf_add_sql_string(&sql, schema);
    strbuf_addstr(&sql, " AND view_name = ");
    strbuf_add_sql_string(&sql, name);
    strbuf_addstr(&sql, " AND database_name = current_database() AND NOT internal");
    kind = wh_query_value(wh, sql.buf);
    strbuf_release(&sql);
    return kind;
}
