/*
 * The sandboxed session: where SQL that comes from a question, an eval case or a model runs.
 *
 * It is the warehouse opened read-only with enable_external_access=false (no files, no
 * ATTACH, no INSTALL/LOAD), lock_configuration=true, a memory limit, and for every query a
 * statement allow-list (one SELECT / WITH / FROM / VALUES / TABLE / EXPLAIN / DESCRIBE / SHOW /
 * SUMMARIZE, or a read-only PRAGMA such as table_info), a wall-clock timeout that interrupts
 * the query and the reading of its result, a row cap that still reports the true row count,
 * and a cap on the bytes of a result's text. Every refusal says why.
 */
#ifndef MDP_SANDBOX_H
#define MDP_SANDBOX_H

#include <stddef.h>

struct wh;

struct sandbox_options {
    int timeout_ms;           /* default 30000 */
    size_t max_rows;          /* default 10000 */
    size_t max_bytes;         /* text of one result; default 64 MB */
    const char *memory_limit; /* default "2GB" */
    int threads;              /* 0: DuckDB's default */
};

/* Opens path as a sandbox; opts may be NULL for the defaults. Close with wh_close(). */
int sandbox_open(const char *path, const struct sandbox_options *opts, struct wh **out);

/*
 * A sandboxed connection to a warehouse that is already open (e.g. read-write by `mdp
 * pipeline`), so that it is not opened a second time: wh is locked down first (wh_lock_down()),
 * then *out gets its own connection with the sandbox's allow-list and limits; opts may be
 * NULL. Read-only is then the allow-list's doing, not the file's mode. Close *out with
 * wh_close() before wh. Returns 0, or -1 with error().
 */
int sandbox_connect(struct wh *wh, const struct sandbox_options *opts, struct wh **out);

/*
 * The allow-list on the text of one statement: its first keyword, and for PRAGMA the name.
 * Returns 0, or -1 with error("refused: ...") naming the keyword and what is allowed.
 */
int sandbox_check_text(const char *sql);

#endif
