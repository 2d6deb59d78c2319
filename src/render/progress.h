/*
 * Progress drawn for people: a bar on stderr, redrawn in place (term_progress()), silent when
 * stderr is not a terminal or with -q.
 */
#ifndef MDP_RENDER_PROGRESS_H
#define MDP_RENDER_PROGRESS_H

#include "util/progress.h"

/* A progress_fn (util/progress.h) that draws the bar; ctx unused. */
void render_progress(const char *label, double done, double total, void *ctx);

#endif
