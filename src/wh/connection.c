/*
 * Extra connections (see connection.h): a struct wh with its own duckdb_connection and no
 * database handle of its own, so wh_close() only disconnects it.
 */
#include <string.h>

#include "util/error.h"
#include "util/xmalloc.h"
#include "wh/connection.h"
#include "wh/wh_internal.h"

int wh_connect_more(struct wh *wh, struct wh **out)
{
    struct wh *c = xcalloc(1, sizeof(*c));

    *out = NULL;
    if (duckdb_connect(wh->db, &c->conn) == DuckDBError) {
        free(c);
        return error("cannot open another connection to warehouse '%s'", wh->path);
    }
    wh_track_progress(c->conn);
    c->path = xstrdup(wh->path);
    c->sandboxed = wh->sandboxed;
    c->sandbox_limits = wh->sandbox_limits;
    *out = c;
    return 0;
}
