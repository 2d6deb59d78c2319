/*
 * A query result as a small typed table, shared by the renderers, the analyst and JSON output.
 * Cells are kept both as text (DuckDB's own formatting) and, for numeric and temporal types, as
 * numbers.
 *
 * Ownership: a struct wh_result is owned by whoever received it from wh_query(); release it
 * with wh_result_free(). Every pointer returned by the accessors is borrowed from it.
 */
#ifndef MDP_WH_RESULT_H
#define MDP_WH_RESULT_H

#include <stddef.h>
#include <stdint.h>

enum wh_type {
    WH_T_NULL,
    WH_T_BOOL,
    WH_T_INT,   /* all integer widths */
    WH_T_FLOAT, /* float, double */
    WH_T_DECIMAL,
    WH_T_TEXT, /* varchar, enum */
    WH_T_DATE,
    WH_T_TIME,
    WH_T_TIMESTAMP, /* all timestamp kinds */
    WH_T_INTERVAL,
    WH_T_UUID,
    WH_T_BLOB,
    WH_T_NESTED, /* list, struct, map, array, union */
    WH_T_OTHER
};

struct wh_column {
    char *name;
    enum wh_type type;
    char *type_name; /* DuckDB's spelling, e.g. "DECIMAL(18,2)", "VARCHAR[]" */
};

struct wh_result {
    size_t ncols;
    size_t nrows;        /* rows kept */
    uint64_t total_rows; /* rows the statement produced (>= nrows when capped) */
    int truncated;       /* nrows < total_rows */
    int changed_rows;    /* not a query (INSERT, CREATE, SET ...): its rows are DuckDB's count */
    struct wh_column *cols;
    char **text; /* nrows * ncols, row-major; NULL for SQL NULL */
    double *num; /* nrows * ncols: numbers; dates/timestamps as Unix seconds */
    char **json; /* nrows * ncols, or NULL: nested cells (WH_T_NESTED) as JSON text */
    size_t alloc_rows;
};

void wh_result_free(struct wh_result *r);
/* The text of a cell, or NULL for SQL NULL. */
const char *wh_result_text(const struct wh_result *r, size_t row, size_t col);
/*
 * A nested cell (list, struct, map, array, union) as JSON text: lists as arrays, structs and
 * maps as objects, numbers as numbers. NULL for other columns, SQL NULL and built results.
 */
const char *wh_result_json(const struct wh_result *r, size_t row, size_t col);
int wh_result_is_null(const struct wh_result *r, size_t row, size_t col);
/* 0 and *out for a non-NULL cell of a numeric, boolean or temporal column; else -1. */
int wh_result_num(const struct wh_result *r, size_t row, size_t col, double *out);
/* The column's index by name (case-insensitive), or -1. */
int wh_result_col(const struct wh_result *r, const char *name);
int wh_type_is_numeric(enum wh_type t);
int wh_type_is_temporal(enum wh_type t);
/*
 * The type of a DuckDB type name as duckdb_columns() spells it: "BIGINT", "DECIMAL(18,2)",
 * "TIMESTAMP WITH TIME ZONE", "VARCHAR[]", "STRUCT(a INTEGER)", ... WH_T_OTHER when unknown.
 */
enum wh_type wh_type_parse(const char *type_name);

/* Building results (for code that assembles a table itself, and for tests). */
struct wh_result *wh_result_new(size_t ncols, const char *const *names, const enum wh_type *types);
/* Appends a row; cells[i] NULL means SQL NULL. Numeric cells are parsed from text. */
void wh_result_add_row(struct wh_result *r, const char *const *cells);

#endif
