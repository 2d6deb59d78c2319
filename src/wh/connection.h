/*
 * More connections to an open warehouse, for running independent statements in parallel
 * (e.g. `mdp transform` building models whose parents are done). Each connection has its own
 * transactions; all share the database and the settings it was opened with.
 */
#ifndef MDP_WH_CONNECTION_H
#define MDP_WH_CONNECTION_H

struct wh;

/*
 * A new connection to wh's database in *out, usable with every wh_* function. Close it with
 * wh_close(), which then leaves the database open; wh must stay open until every connection
 * made from it is closed. Returns 0, or -1 with error().
 */
int wh_connect_more(struct wh *wh, struct wh **out);

#endif
