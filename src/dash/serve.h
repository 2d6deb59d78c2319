/*
 * `mdp serve`: the dashboard site over HTTP. Pages are rendered when asked for, with the
 * dropdown choices of the query string (?year=2024, each checked against the dropdown's
 * options: anything else is 400), through a sandbox opened for the render and closed after, so
 * the pipeline can still write the warehouse between requests. A rendered page is kept until
 * a page file, the pages folder or the warehouse changes.
 *
 * Routes: / (index.md, else a list of the pages), /NAME and /NAME.html, /_mdp/ASSET.
 */
#ifndef MDP_DASH_SERVE_H
#define MDP_DASH_SERVE_H

#include <signal.h>

struct dash_serve_options {
    const char *pages_dir;
    const char *warehouse;
    const char *host; /* default 127.0.0.1 */
    int port;         /* 0: a free port */
    /* called once listening, with the URL to open */
    void (*on_ready)(void *ctx, const char *url);
    /* called after each request: path, status, seconds */
    void (*on_request)(void *ctx, const char *path, int status, double seconds);
    void *ctx;
};

/* Serves until *stop is set (by a signal handler). Returns 0, or -1 with error(). */
int dash_serve(const struct dash_serve_options *opts, volatile sig_atomic_t *stop);

#endif
