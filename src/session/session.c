/*
 * The session (session.h): locating the platform once, and opening the warehouse, the sandbox
 * and the catalog at most once each.
 */
#include <stdlib.h>
#include <string.h>

#include "platform/locate.h"
#include "session/session.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"

static void close_all(struct session *s)
{
    catalog_free(s->catalog);
    s->catalog = NULL;
    wh_close(s->sandbox);
    s->sandbox = NULL;
    wh_close(s->wh);
    s->wh = NULL;
}

void session_init(struct session *s, const char *project, const char *warehouse)
{
    struct platform_paths p;

    memset(s, 0, sizeof(*s));
    s->project_override = project;
    s->mode = WH_READ_ONLY;
    platform_locate(project, warehouse, &p);
    s->root = p.root;
    s->warehouse = p.warehouse;
}

void session_relocate(struct session *s, const char *project)
{
    struct platform_paths p;

    close_all(s);
    platform_locate(project, NULL, &p);
    free(s->root);
    free(s->warehouse);
    s->root = p.root;
    s->warehouse = p.warehouse;
}

void session_release(struct session *s)
{
    close_all(s);
    free(s->root);
    free(s->warehouse);
    s->root = s->warehouse = NULL;
}

int session_require_root(const struct session *s)
{
    struct platform_paths p = {s->root, s->warehouse};
    return platform_require_root(&p);
}

int session_require_warehouse(const struct session *s)
{
    struct platform_paths p = {s->root, s->warehouse};
    return platform_require_warehouse(&p);
}

int session_check(const struct session *s)
{
    if ((s->needs & SESSION_NEED_ROOT) && session_require_root(s) < 0)
        return -1;
    if ((s->needs & SESSION_NEED_WAREHOUSE) && session_require_warehouse(s) < 0)
        return -1;
    return 0;
}

struct wh *session_wh(struct session *s)
{
    if (!s->wh && session_require_warehouse(s) == 0 && wh_open(s->warehouse, s->mode, &s->wh) < 0)
        s->wh = NULL;
    return s->wh;
}

struct wh *session_sandbox(struct session *s)
{
    if (s->sandbox)
        return s->sandbox;
    if (s->wh) {
        if (sandbox_connect(s->wh, NULL, &s->sandbox) < 0)
            s->sandbox = NULL;
    } else if (session_require_warehouse(s) == 0 &&
               sandbox_open(s->warehouse, NULL, &s->sandbox) < 0) {
        s->sandbox = NULL;
    }
    return s->sandbox;
}

int session_catalog(struct session *s, struct catalog **out)
{
    struct catalog_options o = s->catalog_opts;
    int rc;

    *out = NULL;
    if (!s->catalog) {
        if (session_require_warehouse(s) < 0)
            return -1;
        if (!o.root)
            o.root = s->root;
        rc = catalog_load(s->warehouse, &o, &s->catalog);
        if (rc < 0)
            return rc;
    }
    *out = s->catalog;
    return 0;
}
