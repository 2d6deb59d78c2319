/*
 * What wh.c and sandbox.c share; not for use outside src/wh/.
 */
#ifndef MDP_WH_INTERNAL_H
#define MDP_WH_INTERNAL_H

#include <duckdb.h>

#include "wh/wh.h"

struct wh {
    duckdb_database db;
    duckdb_connection conn;
    char *path;
    int sandboxed;
    struct wh_limits sandbox_limits; /* defaults applied to every sandboxed query */
};

/*
 * Lets duckdb_query_progress() report on c (wh_limits.progress) without DuckDB drawing its own
 * bar. Best effort: a connection whose configuration is locked keeps its settings.
 */
void wh_track_progress(duckdb_connection c);

/* Checks one parsed statement against the sandbox allow-list; -1 with error() if refused. */
int sandbox_check_prepared(duckdb_prepared_statement prep, const char *sql);

#endif
