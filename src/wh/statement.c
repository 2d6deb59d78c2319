/*
 * Single statements (see statement.h): DuckDB's statement extraction counts them, a prepared
 * statement tells its type.
 */
#include <inttypes.h>

#include "util/error.h"
#include "wh/statement.h"
#include "wh/wh_internal.h"

static const char *statement_kind(duckdb_statement_type t)
{
    static const char *const names[] = {
        "invalid",     "SELECT",  "INSERT",          "UPDATE",       "EXPLAIN",
        "DELETE",      "PREPARE", "CREATE",          "EXECUTE",      "ALTER",
        "transaction", "COPY",    "ANALYZE",         "SET variable", "CREATE FUNCTION",
        "DROP",        "EXPORT",  "PRAGMA",          "VACUUM",       "CALL",
        "SET",         "LOAD",    "relation",        "extension",    "logical plan",
        "ATTACH",      "DETACH",  "multi-statement",
    };
    return (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* Extracts the statements of sql; exactly one or -1 with error(). */
static int extract_one(struct wh *wh, const char *sql, duckdb_extracted_statements *stmts)
{
    idx_t n = duckdb_extract_statements(wh->conn, sql, stmts);

    if (!n) {
        const char *e = duckdb_extract_statements_error(*stmts);
        return error("%s", e ? e : "no SQL statement found");
    }
    if (n != 1)
        return error("the SQL holds %" PRIu64 " statements; it must be exactly one SELECT (or "
                     "WITH ... SELECT) without a ';' in between",
                     (uint64_t)n);
    return 0;
}

int wh_check_single_select(struct wh *wh, const char *sql)
{
    duckdb_extracted_statements stmts = NULL;
    duckdb_prepared_statement prep = NULL;
    duckdb_statement_type t;
    int ret = -1;

    if (extract_one(wh, sql, &stmts) < 0)
        goto out;
    if (duckdb_prepare_extracted_statement(wh->conn, stmts, 0, &prep) == DuckDBError) {
        const char *e = duckdb_prepare_error(prep);
        error("%s", e ? e : "cannot prepare the statement");
        goto out;
    }
    t = duckdb_prepared_statement_type(prep);
    if (t != DUCKDB_STATEMENT_TYPE_SELECT) {
        error("the SQL is a %s statement; it must be one SELECT (or WITH ... SELECT)",
              statement_kind(t));
        goto out;
    }
    ret = 0;
out:
    duckdb_destroy_prepare(&prep);
    duckdb_destroy_extracted(&stmts);
    return ret;
}

int wh_exec_single(struct wh *wh, const char *sql, const struct wh_limits *limits)
{
    duckdb_extracted_statements stmts = NULL;
    int ret = -1;

    if (extract_one(wh, sql, &stmts) < 0)
        goto out;
    ret = wh_exec_limited(wh, sql, limits);
out:
    duckdb_destroy_extracted(&stmts);
    return ret;
}
