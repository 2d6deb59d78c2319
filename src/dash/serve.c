/*
 * The dashboard server (serve.h).
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "dash/http.h"
#include "dash/markdown.h"
#include "dash/serve.h"
#include "dash/site.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

#define CACHE_SIZE 64

struct cached {
    char *key;
    char *html;
    size_t len;
};

struct server {
    const struct dash_serve_options *o;
    struct dash_site site;
    double stamp; /* of the site and warehouse the cache holds */
    struct cached cache[CACHE_SIZE];
    size_t ncache, next_slot;
};

/* The newest change of the pages and the warehouse (with its write-ahead log). */
static double current_stamp(struct server *s)
{
    struct strbuf wal = STRBUF_INIT;
    double t = dash_site_mtime(&s->site), w = dash_file_mtime(s->o->warehouse), v;

    strbuf_addf(&wal, "%s.wal", s->o->warehouse);
    v = dash_file_mtime(wal.buf);
    strbuf_release(&wal);
    if (w > t)
        t = w;
    return v > t ? v : t;
}

static void cache_clear(struct server *s)
{
    size_t i;

    for (i = 0; i < s->ncache; i++) {
        free(s->cache[i].key);
        free(s->cache[i].html);
    }
    s->ncache = s->next_slot = 0;
}

static void message_page(struct http_response *resp, int status, const char *title,
                         const char *text)
{
    resp->status = status;
    strbuf_addstr(&resp->body, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                               "<link rel=\"icon\" href=\"data:,\"><title>");
    html_escape(&resp->body, title);
    strbuf_addstr(&resp->body, "</title><link rel=\"stylesheet\" href=\"/_mdp/dash.css\"></head>"
                               "<body><main><h1>");
    html_escape(&resp->body, title);
    strbuf_addstr(&resp->body, "</h1><p class=\"mdp-error\">");
    html_escape(&resp->body, text);
    strbuf_addstr(&resp->body,
                  "</p><p><a href=\"/\">All dashboards</a></p></main></body></html>\n");
}

static void render(struct server *s, const char *name, const struct http_request *req,
                   struct http_response *resp)
{
    struct strbuf key = STRBUF_INIT;
    struct dash_render_report rep;
    struct wh *sb = NULL;
    double stamp;
    size_t i;
    int r;

    /* a page added or removed: find the pages again */
    stamp = current_stamp(s);
    if (stamp != s->stamp) {
        struct dash_site fresh;
        cache_clear(s);
        if (dash_site_load(&fresh, s->o->pages_dir) == 0) {
            dash_site_release(&s->site);
            s->site = fresh;
        } else {
            dash_site_release(&fresh);
        }
        s->stamp = current_stamp(s);
    }
    strbuf_addstr(&key, name);
    for (i = 0; i < req->nargs; i++)
        strbuf_addf(&key, "\n%s=%s", req->arg_names[i], req->arg_values[i]);
    for (i = 0; i < s->ncache; i++)
        if (!strcmp(s->cache[i].key, key.buf)) {
            strbuf_add(&resp->body, s->cache[i].html, s->cache[i].len);
            strbuf_release(&key);
            return;
        }
    for (i = 0; i < s->site.npages; i++)
        if (!strcmp(s->site.pages[i].name, name))
            break;
    if (!strcmp(name, "index") && i == s->site.npages) {
        dash_site_index(&s->site, &resp->body);
        strbuf_release(&key);
        return;
    }
    if (i == s->site.npages) {
        message_page(resp, 404, "No such page", "There is no dashboard by that name.");
        strbuf_release(&key);
        return;
    }
    error_clear();
    if (sandbox_open(s->o->warehouse, NULL, &sb) < 0) {
        message_page(resp, 503, "The warehouse cannot be opened", error_last());
        strbuf_release(&key);
        return;
    }
    r = dash_site_render(&s->site, sb, name, req->arg_names, req->arg_values, req->nargs,
                         &resp->body, &rep);
    wh_close(sb);
    dash_render_report_release(&rep);
    if (r == 0) {
        strbuf_reset(&resp->body);
        message_page(resp, 404, "No such page", "There is no dashboard by that name.");
    } else if (r < 0) {
        strbuf_reset(&resp->body);
        message_page(resp, 400, "Not a choice of this page", error_last());
    } else {
        struct cached *c = &s->cache[s->next_slot];
        if (s->ncache == CACHE_SIZE) {
            free(c->key);
            free(c->html);
        } else {
            s->ncache++;
        }
        c->key = strbuf_detach(&key, NULL);
        c->html = xstrndup(resp->body.buf, resp->body.len);
        c->len = resp->body.len;
        s->next_slot = (s->next_slot + 1) % CACHE_SIZE;
    }
    strbuf_release(&key);
}

static void handle(void *ctx, const struct http_request *req, struct http_response *resp)
{
    struct server *s = ctx;
    const char *path = req->path;
    double t0 = clock_seconds();

    if (!strncmp(path, "/_mdp/", 6)) {
        size_t len;
        const char *type, *data = dash_asset(path + 6, &len, &type);
        if (data) {
            resp->static_body = data;
            resp->static_len = len;
            resp->content_type = type;
        } else {
            message_page(resp, 404, "Not found", "There is no such file.");
        }
    } else if (strstr(path, "..") || strchr(path, '\\')) {
        message_page(resp, 404, "Not found", "There is no such page.");
    } else {
        struct strbuf name = STRBUF_INIT;
        strbuf_addstr(&name, path + (path[0] == '/'));
        while (name.len && name.buf[name.len - 1] == '/')
            strbuf_setlen(&name, name.len - 1);
        if (name.len > 5 && !strcmp(name.buf + name.len - 5, ".html"))
            strbuf_setlen(&name, name.len - 5);
        if (!name.len)
            strbuf_addstr(&name, "index");
        render(s, name.buf, req, resp);
        strbuf_release(&name);
    }
    if (s->o->on_request)
        s->o->on_request(s->o->ctx, path, resp->status, clock_seconds() - t0);
}

int dash_serve(const struct dash_serve_options *o, volatile sig_atomic_t *stop)
{
    struct server s;
    struct http_server *http = NULL;
    struct strbuf url = STRBUF_INIT;
    const char *host = o->host ? o->host : "127.0.0.1";

    memset(&s, 0, sizeof(s));
    s.o = o;
    if (dash_site_load(&s.site, o->pages_dir) < 0)
        return -1;
    s.stamp = current_stamp(&s);
    if (http_start(host, o->port, handle, &s, &http) < 0) {
        dash_site_release(&s.site);
        return -1;
    }
    strbuf_addf(&url, "http://%s:%d/", strcmp(host, "0.0.0.0") ? host : "127.0.0.1",
                http_port(http));
    if (o->on_ready)
        o->on_ready(o->ctx, url.buf);
    while (!*stop)
        usleep(100 * 1000);
    http_stop(http);
    cache_clear(&s);
    dash_site_release(&s.site);
    strbuf_release(&url);
    return 0;
}
