/*
 * The warehouse: a DuckDB database file and one connection to it. DuckDB is wrapped here and
 * in the other src/wh/ files, nowhere else.
 *
 * Three ways in:
 *   - wh_open(path, WH_READ_WRITE)  the pipeline: creates, loads and replaces tables;
 *   - wh_open(path, WH_READ_ONLY)   commands that only read (query, catalog);
 *   - sandbox_open() (sandbox.h)    SQL that comes from a question, an eval case or a model:
 *                                   read-only, no file or network access, one allowed
 *                                   statement at a time, a timeout, a memory limit, a row cap.
 *
 * When another process holds the file (DuckDB allows one writer and no readers beside it, or
 * many readers), opening waits up to the lock timeout with a message on stderr, then fails
 * with an error that says who holds it.
 */
#ifndef MDP_WH_H
#define MDP_WH_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "wh/result.h"

struct strbuf;

enum wh_mode { WH_READ_WRITE, WH_READ_ONLY };

struct wh_options {
    enum wh_mode mode;
    int lock_wait_ms;         /* how long to wait for another process's lock; 0: default */
    int no_external_access;   /* enable_external_access=false: no files, ATTACH, INSTALL */
    int lock_configuration;   /* lock_configuration=true: SET and PRAGMA cannot loosen it */
    const char *memory_limit; /* e.g. "2GB"; NULL: DuckDB's default */
    int threads;              /* 0: DuckDB's default */
};

struct wh; /* opaque */

/*
 * Opens the warehouse at path ("" or ":memory:" for an in-memory database). Read-only opening
 * of a missing file fails with a message saying to build the warehouse first. Read-write
 * opening creates the file and its parent directory. Returns 0 and *out (close it with
 * wh_close()), or -1 with error().
 */
int wh_open(const char *path, enum wh_mode mode, struct wh **out);
int wh_open_ext(const char *path, const struct wh_options *opts, struct wh **out);
void wh_close(struct wh *wh);
/*
 * Locks an open warehouse down for code that runs SQL it did not write (model SQL, questions):
 * external access off (no files, ATTACH, INSTALL) and the configuration locked, for the whole
 * database and every connection to it, until it is closed. A no-op when already locked.
 * Returns 0, or -1 with error().
 */
int wh_lock_down(struct wh *wh);
/* The path the warehouse was opened with; borrowed. */
const char *wh_path(const struct wh *wh);
int wh_is_sandboxed(const struct wh *wh);

/*
 * Runs one or more statements, discarding results. Refused on a sandboxed warehouse. Returns 0
 * or -1 with error() carrying DuckDB's message.
 */
int wh_exec(struct wh *wh, const char *sql);
int wh_execf(struct wh *wh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Limits for one query; zero fields mean "none" (or the sandbox's defaults). */
struct wh_limits {
    int timeout_ms;   /* interrupt the query after this long */
    size_t max_rows;  /* keep at most this many rows (the true count is kept) */
    size_t max_bytes; /* fail ("refused: the result is larger than ...") past this much text */
    size_t max_rss;   /* interrupt when the process's resident memory passes this */
    /*
     * When the query does not stop within 3 s of being interrupted (timeout, cancel, memory),
     * or memory passes twice max_rss, print why and _exit(1): the last resort for one DuckDB
     * function call that ignores interrupts. The sandbox sets it.
     */
    int hard_stop;
    volatile sig_atomic_t *cancel;               /* set non-zero (e.g. from SIGINT) to interrupt */
    void (*progress)(double percent, void *ctx); /* called every ~100 ms while running */
    void *progress_ctx;
};

/*
 * Runs one statement and returns its rows in *out (free with wh_result_free()). On a sandboxed
 * warehouse the statement must pass sandbox_check() and the sandbox's limits apply where
 * `limits` does not set tighter ones. Returns 0, or -1 with error() (DuckDB's message, or why
 * the statement was refused, or "query interrupted: timeout of N ms"). The timeout and cancel
 * flag also cover reading the result into *out, and max_bytes bounds its text.
 */
int wh_query(struct wh *wh, const char *sql, const struct wh_limits *limits,
             struct wh_result **out);
/*
 * Runs every statement of sql in order, as the duckdb CLI does, and hands each one's result to
 * each_result (borrowed: freed when the callback returns; a statement that returns nothing,
 * such as CREATE, gives a result without columns or with DuckDB's "Count"). Stops at the first
 * statement that fails, after the results of those before it, or when each_result returns -1.
 * SQL of only blanks and comments runs nothing. A sandboxed warehouse still runs exactly one
 * statement. Returns 0, or -1 with error() as wh_query().
 */
int wh_query_each(struct wh *wh, const char *sql, const struct wh_limits *limits,
                  int (*each_result)(const struct wh_result *r, void *ctx), void *ctx);
/* Like wh_query() with no limits, formatted. */
int wh_queryf(struct wh *wh, struct wh_result **out, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Runs one statement (any kind, not on a sandbox) with limits, e.g. an ingest with a progress
 * callback. Returns 0 or -1 with error().
 */
int wh_exec_limited(struct wh *wh, const char *sql, const struct wh_limits *limits);

/* The first cell of the first row of sql as text, or NULL (the caller frees). */
char *wh_query_value(struct wh *wh, const char *sql);

/* Interrupts the running query; safe from another thread. */
void wh_interrupt(struct wh *wh);

/* Begin/commit/rollback helpers for atomic replacement. */
int wh_begin(struct wh *wh);
int wh_commit(struct wh *wh);
void wh_rollback(struct wh *wh);

/* Does schema.name exist as a table or view? */
int wh_relation_exists(struct wh *wh, const char *schema, const char *name);

/*
 * Does name need double quotes in SQL? It does unless it is a letter or underscore followed by
 * letters, digits and underscores, and not one of DuckDB's reserved keywords (read once from
 * duckdb_keywords() through wh). Case does not matter: DuckDB folds unquoted names.
 */
int wh_needs_quotes(struct wh *wh, const char *name);
/* Appends name to sb, in double quotes only when wh_needs_quotes() says so. */
void wh_add_ident(struct wh *wh, struct strbuf *sb, const char *name);

#endif
