/*
 * Reporting problems (after git's usage.c). Libraries call error() and return its -1; only
 * commands decide to exit. Messages are lowercase, the problem first, the subject quoted, with
 * file:line where known, and what to do.
 *
 * Every message also lands in a per-thread "last error" that callers can read back with
 * error_last() (for JSON output and tests). error_quiet(1) stops printing on this thread
 * while still recording.
 */
#ifndef MDP_ERROR_H
#define MDP_ERROR_H

/* Prints "error: ...", records it, returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "warning: ..."; returns 0. */
int warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A message on stderr as it is, not recorded, not an error: something the user waits on
 * (e.g. "waiting for 'w.duckdb': another process is using it"). Silenced by error_quiet().
 */
void inform(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Detail for -v (timings of a step, a cache that could not be written): printed as it is on
 * stderr when error_verbose(1) is on, else dropped.
 */
void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Turns trace() on or off for the process (main, from -v); returns the old state. */
int error_verbose(int on);
/* Is trace() on? */
int error_is_verbose(void);
/* Prints "fatal: ..." and exits with 128; for commands, never libraries. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* A broken invariant: prints where and aborts. */
#define BUG(...) bug_fl(__FILE__, __LINE__, __VA_ARGS__)
void bug_fl(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* The last message error() recorded on this thread ("" if none); borrowed. */
const char *error_last(void);
void error_clear(void);
/* While on, error() and warning() on this thread record but do not print. Returns old state. */
int error_quiet(int on);

#endif
