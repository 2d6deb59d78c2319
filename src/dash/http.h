/*
 * A small HTTP server for `mdp serve` (libmicrohttpd is wrapped here and nowhere else).
 *
 * One thread answers the requests one after the other through the handler, which sees the
 * method, the decoded path and the query arguments and fills a response. Only GET and HEAD
 * are answered; anything else gets 405 without calling the handler.
 */
#ifndef MDP_DASH_HTTP_H
#define MDP_DASH_HTTP_H

#include <signal.h>
#include <stddef.h>

#include "util/strbuf.h"

struct http_request {
    const char *path;                     /* decoded, e.g. "/sales.html" */
    const char **arg_names, **arg_values; /* the query string's arguments, decoded */
    size_t nargs;
};

struct http_response {
    int status;               /* default 200 */
    const char *content_type; /* static string; default text/html */
    struct strbuf body;       /* owned by the server */
    const char *static_body;  /* instead of body: static data of static_len bytes */
    size_t static_len;
};

typedef void (*http_handler)(void *ctx, const struct http_request *req, struct http_response *resp);

struct http_server;

/*
 * Listens on host:port (an IPv4 address or "localhost"; port 0 picks a free one). Returns 0 and
 * *out, or -1 with error() (address in use, bad host). Stop with http_stop().
 */
int http_start(const char *host, int port, http_handler handler, void *ctx,
               struct http_server **out);
/* The port listened on. */
int http_port(const struct http_server *s);
void http_stop(struct http_server *s);

#endif
