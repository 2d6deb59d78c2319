/*
 * Progress bars (progress.h).
 */
#include "render/progress.h"
#include "util/term.h"

void render_progress(const char *label, double done, double total, void *ctx)
{
    (void)ctx;
    if (label)
        term_progress(label, done, total);
    else
        term_progress_end();
}
