/*
 * The libmicrohttpd wrapper (http.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "dash/http.h"
#include "util/error.h"
#include "util/xmalloc.h"

#define MAX_ARGS 32

struct http_server {
    struct MHD_Daemon *daemon;
    http_handler handler;
    void *ctx;
    int port;
};

struct args {
    const char *names[MAX_ARGS], *values[MAX_ARGS];
    size_t n;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct args *a = cls;

    (void)kind;
    if (a->n < MAX_ARGS) {
        a->names[a->n] = key;
        a->values[a->n] = value ? value : "";
        a->n++;
    }
    return MHD_YES;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    struct http_server *s = cls;
    struct http_request req = {0};
    struct http_response resp = {0};
    struct MHD_Response *r;
    struct args a = {0};
    enum MHD_Result ret;

    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    if (!*con_cls) { /* the first call only announces the request */
        *con_cls = s;
        return MHD_YES;
    }
    resp.status = 200;
    resp.content_type = "text/html; charset=utf-8";
    strbuf_init(&resp.body, 0);
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        resp.status = 405;
        resp.content_type = "text/plain; charset=utf-8";
        strbuf_addstr(&resp.body, "only GET and HEAD\n");
    } else {
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &a);
        req.path = url;
        req.arg_names = a.names;
        req.arg_values = a.values;
        req.nargs = a.n;
        s->handler(s->ctx, &req, &resp);
    }
    if (resp.static_body)
        r = MHD_create_response_from_buffer(resp.static_len, (void *)resp.static_body,
                                            MHD_RESPMEM_PERSISTENT);
    else
        r = MHD_create_response_from_buffer(resp.body.len, resp.body.buf, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", resp.content_type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    ret = MHD_queue_response(conn, (unsigned)resp.status, r);
    MHD_destroy_response(r);
    strbuf_release(&resp.body);
    return ret;
}

int http_start(const char *host, int port, http_handler handler, void *ctx,
               struct http_server **out)
{
    struct sockaddr_in addr;
    struct http_server *s;
    const union MHD_DaemonInfo *info;

    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (!strcmp(host, "localhost"))
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        return error("--host '%s' is not an IPv4 address: use 127.0.0.1 (this machine only) or "
                     "0.0.0.0 (every interface)",
                     host);
    s = xcalloc(1, sizeof(*s));
    s->handler = handler;
    s->ctx = ctx;
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t)port, NULL, NULL,
                                 answer, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
    if (!s->daemon) {
        int e = errno;
        free(s);
        return error("cannot listen on %s:%d: %s (is the port in use? try --port 0 for a free "
                     "one)",
                     host, port, strerror(e));
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    *out = s;
    return 0;
}

int http_port(const struct http_server *s)
{
    return s->port;
}

void http_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}
