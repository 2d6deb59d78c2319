/*
 * Helpers for tests: temporary directories and running the built binary ($MDP_BIN) through
 * the shell, capturing stdout, stderr and the exit code.
 */
#ifndef MDP_TESTLIB_H
#define MDP_TESTLIB_H

#include "util/strbuf.h"

struct tl_run {
    int code;          /* exit code, or 128+signal */
    struct strbuf out; /* stdout */
    struct strbuf err; /* stderr */
};

/* A new empty directory under $TMPDIR (or /tmp); the caller frees the path. */
char *tl_tmpdir(void);
/* rm -rf dir. */
void tl_rmdir(const char *dir);
/*
 * Runs a shell command line (printf-formatted). $MDP_BIN is the binary under test, $MDP_SRC the
 * source tree. Fills *r (release with tl_run_release()) and returns its exit code.
 */
int tl_sh(struct tl_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tl_run_release(struct tl_run *r);
/* Runs `$MDP_BIN --no-color ARGS` in folder dir (fmt gives the arguments), as tl_sh(). */
int tl_mdp(struct tl_run *r, const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Writes text to dir/name, creating parent directories. */
void tl_write(const char *dir, const char *name, const char *text);
/* The source tree ($MDP_SRC, else "."). */
const char *tl_src(void);
/*
 * The seed platform made outside this project: $MDP_SEED_PLATFORM, else
 * <source tree>/../shared/seed-platform, else /work/shared/seed-platform; NULL when none is
 * there. The caller frees it.
 */
char *tl_seed_platform(void);

/*
 * A digest of a table's types and contents in dir's warehouse: md5 of `DESCRIBE` and of every
 * row (sorted) as `mdp query --format csv` prints them. Equal digests mean the table is byte
 * for byte the same. The caller frees it; aborts the test when the query fails.
 */
char *tl_table_digest(const char *dir, const char *table);

/*
 * The first value `mdp query --format csv` prints for sql in the platform at dir (CSV quoting
 * undone); fails the test when the query fails. The caller frees it.
 */
char *tl_value(const char *dir, const char *sql);
/* Fails the test unless tl_value(dir, sql) is want. */
void tl_expect_value(const char *dir, const char *sql, const char *want);

#endif
