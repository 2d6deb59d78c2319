/*
 * Checking and running single statements: what `mdp transform` needs to be sure a model's
 * SQL is one query before wrapping it in CREATE ... AS.
 */
#ifndef MDP_WH_STATEMENT_H
#define MDP_WH_STATEMENT_H

struct wh;
struct wh_limits;

/*
 * Checks that sql is exactly one statement and that DuckDB prepares it as a SELECT (WITH,
 * FROM and VALUES queries are SELECTs too). Preparing binds it, so a missing table or a
 * refused file read (on a session without external access) fails here with DuckDB's
 * message. Returns 0, or -1 with error() saying what the SQL holds instead.
 */
int wh_check_single_select(struct wh *wh, const char *sql);

/*
 * Runs sql, which must be exactly one statement, with limits (a cancel flag, a progress
 * callback; NULL for none). Returns 0 or -1 with error().
 */
int wh_exec_single(struct wh *wh, const char *sql, const struct wh_limits *limits);

#endif
