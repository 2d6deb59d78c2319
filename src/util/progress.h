/*
 * The progress callback libraries take (generate, ingest, transform): the library says how far
 * it is, the caller draws it (render/progress.h draws a bar on a terminal).
 */
#ifndef MDP_PROGRESS_H
#define MDP_PROGRESS_H

/*
 * done of total in any unit under label (borrowed for the call); total 0: a count without a
 * total. label NULL: finished, clear whatever was drawn.
 */
typedef void progress_fn(const char *label, double done, double total, void *ctx);

#endif
