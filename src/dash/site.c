/*
 * Building and serving a dashboard site (site.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dash/markdown.h"
#include "dash/page.h"
#include "dash/site.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/share.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

#define MAX_DIR_DEPTH 8

/* ECharts, embedded by scripts/embed-asset. */
extern const char dash_echarts_js[], dash_echarts_js_end[];

const char *dash_asset(const char *name, size_t *len, const char **content_type)
{
    const struct share_file *f;
    struct strbuf path = STRBUF_INIT;

    if (!strcmp(name, "echarts.min.js")) {
        *len = (size_t)(dash_echarts_js_end - dash_echarts_js) - 1;
        *content_type = "text/javascript; charset=utf-8";
        return dash_echarts_js;
    }
    strbuf_addf(&path, "dash/%s", name);
    f = strchr(name, '/') ? NULL : share_find(path.buf);
    strbuf_release(&path);
    if (!f)
        return NULL;
    *len = f->len;
    *content_type =
        strstr(name, ".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    return f->data;
}

static int cmp_pages(const void *a, const void *b)
{
    const struct dash_site_page *x = a, *y = b;
    /* index first, then by name */
    if (!strcmp(x->name, "index") != !strcmp(y->name, "index"))
        return !strcmp(x->name, "index") ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Adds the *.md files under dir (prefix: their names' folder part). */
static void find_pages(struct dash_site *s, const char *dir, const char *prefix, int depth,
                       size_t *alloc)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d || depth > MAX_DIR_DEPTH) {
        if (d)
            closedir(d);
        return;
    }
    while ((e = readdir(d))) {
        char *path;
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        path = fs_join(dir, e->d_name);
        if (fs_is_dir(path)) {
            struct strbuf sub = STRBUF_INIT;
            strbuf_addf(&sub, "%s%s/", prefix, e->d_name);
            find_pages(s, path, sub.buf, depth + 1, alloc);
            strbuf_release(&sub);
        } else if (len > 3 && !strcmp(e->d_name + len - 3, ".md")) {
            struct dash_site_page *p;
            struct strbuf name = STRBUF_INIT;
            strbuf_addf(&name, "%s%.*s", prefix, (int)(len - 3), e->d_name);
            ALLOC_GROW(s->pages, s->npages + 1, *alloc);
            p = &s->pages[s->npages++];
            p->name = strbuf_detach(&name, NULL);
            p->path = path;
            p->title = NULL;
            continue;
        }
        free(path);
    }
    closedir(d);
}

/* evidence/sources/SOURCE/TABLE.sql */
static void find_sources(struct dash_site *s, const char *dir)
{
    DIR *d = opendir(dir), *sd;
    struct dirent *e, *f;
    size_t alloc = 0;

    if (!d)
        return;
    while ((e = readdir(d))) {
        char *sub;
        if (e->d_name[0] == '.')
            continue;
        sub = fs_join(dir, e->d_name);
        if ((sd = opendir(sub))) {
            while ((f = readdir(sd))) {
                size_t len = strlen(f->d_name);
                struct strbuf sql = STRBUF_INIT;
                char *path;
                if (len <= 4 || strcmp(f->d_name + len - 4, ".sql"))
                    continue;
                path = fs_join(sub, f->d_name);
                if (fs_read_file(&sql, path) == 0) {
                    struct dash_source *src;
                    strbuf_rtrim(&sql);
                    while (sql.len && sql.buf[sql.len - 1] == ';') {
                        strbuf_setlen(&sql, sql.len - 1);
                        strbuf_rtrim(&sql);
                    }
                    ALLOC_GROW(s->sources, s->nsources + 1, alloc);
                    src = &s->sources[s->nsources++];
                    src->source = xstrdup(e->d_name);
                    src->table = xstrndup(f->d_name, len - 4);
                    src->sql = strbuf_detach(&sql, NULL);
                    src->path = path;
                    path = NULL;
                }
                strbuf_release(&sql);
                free(path);
            }
            closedir(sd);
        }
        free(sub);
    }
    closedir(d);
}

int dash_site_load(struct dash_site *s, const char *dir)
{
    char *ev = fs_join(dir, "evidence/pages"), *pages_dir = NULL, *sources_dir = NULL;
    size_t alloc = 0, i;

    memset(s, 0, sizeof(*s));
    if (!fs_is_dir(dir)) {
        free(ev);
        return error("no dashboards folder '%s': write pages there as NAME.md, or name the "
                     "folder that holds them",
                     dir);
    }
    if (fs_is_dir(ev)) {
        pages_dir = ev;
        sources_dir = fs_join(dir, "evidence/sources");
    } else {
        char *p = fs_join(dir, "pages"), *src = fs_join(dir, "sources");
        free(ev);
        if (fs_is_dir(p) && fs_is_dir(src)) {
            pages_dir = p;
            sources_dir = src;
        } else {
            free(p);
            free(src);
            pages_dir = xstrdup(dir);
        }
    }
    s->pages_dir = pages_dir;
    find_pages(s, pages_dir, "", 0, &alloc);
    if (sources_dir)
        find_sources(s, sources_dir);
    free(sources_dir);
    if (!s->npages)
        return error("no pages in '%s': write a dashboard as NAME.md there", pages_dir);
    qsort(s->pages, s->npages, sizeof(*s->pages), cmp_pages);
    s->nav = xcalloc(s->npages, sizeof(*s->nav));
    for (i = 0; i < s->npages; i++) {
        struct strbuf text = STRBUF_INIT;
        struct dash_page pg;
        if (fs_read_file(&text, s->pages[i].path) == 0) {
            dash_page_parse(text.buf, &pg);
            s->pages[i].title = pg.title ? xstrdup(pg.title) : NULL;
            dash_page_release(&pg);
        }
        if (!s->pages[i].title) {
            struct strbuf t = STRBUF_INIT;
            dash_title_case(&t, fs_basename(s->pages[i].name));
            s->pages[i].title = strbuf_detach(&t, NULL);
        }
        s->nav[i].name = s->pages[i].name;
        s->nav[i].title = s->pages[i].title;
        strbuf_release(&text);
    }
    return 0;
}

void dash_site_release(struct dash_site *s)
{
    size_t i;

    for (i = 0; i < s->npages; i++) {
        free(s->pages[i].name);
        free(s->pages[i].path);
        free(s->pages[i].title);
    }
    free(s->pages);
    for (i = 0; i < s->nsources; i++) {
        free(s->sources[i].source);
        free(s->sources[i].table);
        free(s->sources[i].sql);
        free(s->sources[i].path);
    }
    free(s->sources);
    free(s->nav);
    free(s->pages_dir);
    memset(s, 0, sizeof(*s));
}

double dash_file_mtime(const char *path)
{
    struct stat st;

    return stat(path, &st) ? 0 : (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
}

double dash_site_mtime(const struct dash_site *s)
{
    double newest = dash_file_mtime(s->pages_dir), t;
    size_t i;

    for (i = 0; i < s->npages; i++)
        if ((t = dash_file_mtime(s->pages[i].path)) > newest)
            newest = t;
    for (i = 0; i < s->nsources; i++)
        if ((t = dash_file_mtime(s->sources[i].path)) > newest)
            newest = t;
    return newest;
}

static void page_link(struct strbuf *html, const struct dash_site_page *p)
{
    strbuf_addstr(html, "<a href=\"");
    html_escape(html, p->name);
    strbuf_addstr(html, ".html\">");
    html_escape(html, p->title);
    strbuf_addstr(html, "</a>");
}

void dash_site_index(const struct dash_site *s, struct strbuf *html)
{
    size_t i;

    strbuf_addstr(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<link rel=\"icon\" href=\"data:,\"><title>Dashboards</title><link rel=\"stylesheet\" "
        "href=\"_mdp/dash.css\"></head>\n<body>\n<nav class=\"site-nav\"><a "
        "class=\"home\" href=\"index.html\" aria-current=\"page\">Dashboards</a>");
    for (i = 0; i < s->npages; i++)
        page_link(html, &s->pages[i]);
    strbuf_addstr(html, "</nav>\n<main>\n<h1>Dashboards</h1>\n<ul class=\"pages\">\n");
    for (i = 0; i < s->npages; i++) {
        strbuf_addstr(html, "<li>");
        page_link(html, &s->pages[i]);
        strbuf_addstr(html, "</li>\n");
    }
    strbuf_addstr(html, "</ul>\n</main>\n</body></html>\n");
}

struct problem_ctx {
    const struct dash_build_options *o;
    const char *file;
};

static void forward_problem(void *ctx, int line, int col, int is_error, const char *msg)
{
    struct problem_ctx *pc = ctx;

    if (pc->o->on_problem)
        pc->o->on_problem(pc->o->ctx, pc->file, line, col, is_error, msg);
}

static int write_file(const char *dir, const char *rel, const char *data, size_t len)
{
    char *path = fs_join(dir, rel), *parent = fs_dirname(path);
    int ret = fs_mkdirs(parent, 0755) < 0 ? -1 : fs_write_atomic(path, data, len);

    free(path);
    free(parent);
    return ret;
}

/* The key the page script builds for a choice: NAME=VALUE&... in the dropdowns' order. */
static void combo_key(struct strbuf *key, const struct dash_render_report *rep, const size_t *pick)
{
    size_t d;

    for (d = 0; d < rep->ndropdowns; d++) {
        if (d)
            strbuf_addch(key, '&');
        dash_url_encode(key, rep->dropdowns[d].name);
        strbuf_addch(key, '=');
        dash_url_encode(key, rep->dropdowns[d].values[pick[d]]);
    }
}

/* Advances the odometer pick over the dropdowns' options; 0 when it wrapped around. */
static int next_combo(const struct dash_render_report *rep, size_t *pick)
{
    size_t d;

    for (d = rep->ndropdowns; d-- > 0;) {
        if (++pick[d] < rep->dropdowns[d].nvalues)
            return 1;
        pick[d] = 0;
    }
    return 0;
}

static int build_page(const struct dash_site *s, size_t pi, struct wh *sb, struct dash_cache *cache,
                      const struct dash_build_options *o, struct dash_build_report *rep)
{
    const struct dash_site_page *sp = &s->pages[pi];
    struct strbuf text = STRBUF_INIT, html = STRBUF_INIT, file = STRBUF_INIT, rel = STRBUF_INIT;
    struct strbuf combos = STRBUF_INIT, key = STRBUF_INIT;
    struct dash_page page;
    struct dash_render_options ro = {0};
    struct dash_render_report first = {0}, rr = {0};
    struct problem_ctx pc = {o, sp->path};
    size_t *pick = NULL, ncombos = 1, files = 0, d, k;
    const char **names = NULL, **values = NULL;
    double t0 = clock_seconds();
    int ret = -1;

    if (fs_read_file(&text, sp->path) < 0)
        return -1;
    dash_page_parse(text.buf, &page);
    ro.sandbox = sb;
    ro.sources = s->sources;
    ro.nsources = s->nsources;
    ro.page_name = sp->name;
    strbuf_addf(&rel, "%s.md", sp->name);
    ro.source_path = rel.buf;
    ro.nav = s->nav;
    ro.nnav = s->npages;
    ro.cache = cache;
    ro.ctx = &pc;

    /* a first render finds the dropdowns and their options (its problems are not reported) */
    if (dash_render_page(&page, &ro, &html, &first) < 0)
        goto out;
    for (d = 0; d < first.ndropdowns; d++)
        ncombos *= first.dropdowns[d].nvalues ? first.dropdowns[d].nvalues : 1;
    pick = xcalloc(first.ndropdowns + 1, sizeof(*pick));
    names = xcalloc(first.ndropdowns + 1, sizeof(*names));
    values = xcalloc(first.ndropdowns + 1, sizeof(*values));
    for (d = 0; d < first.ndropdowns; d++)
        names[d] = first.dropdowns[d].name;
    for (d = 0; d < first.ndropdowns; d++)
        if (!first.dropdowns[d].nvalues)
            ncombos = 0;
    if (first.ndropdowns && ncombos > 1 &&
        ncombos * (first.queries_with_inputs ? first.queries_with_inputs : 1) <=
            (o->max_queries ? o->max_queries : 200)) {
        strbuf_addch(&combos, '{');
        k = 0;
        do {
            strbuf_reset(&key);
            combo_key(&key, &first, pick);
            if (k)
                strbuf_addch(&combos, ',');
            json_add_string(&combos, key.buf);
            strbuf_addch(&combos, ':');
            strbuf_reset(&file);
            strbuf_addf(&file, "%s.%zu.html", fs_basename(sp->name), k);
            json_add_string(&combos, file.buf);
            k++;
        } while (next_combo(&first, pick));
        strbuf_addch(&combos, '}');
        ro.combos_json = combos.buf;
    } else if (first.ndropdowns && ncombos > 1) {
        rep->skipped_combinations++;
    }
    /* the page for its default choices, with its problems reported */
    strbuf_reset(&html);
    ro.on_problem = forward_problem;
    if (dash_render_page(&page, &ro, &html, &rr) < 0)
        goto out;
    rep->failed_queries += rr.failed_queries;
    rep->warnings += rr.warnings;
    dash_render_report_release(&rr);
    strbuf_reset(&file);
    strbuf_addf(&file, "%s.html", sp->name);
    if (write_file(o->out_dir, file.buf, html.buf, html.len) < 0)
        goto out;
    files++;
    /* then every combination */
    memset(pick, 0, (first.ndropdowns + 1) * sizeof(*pick));
    ro.on_problem = NULL;
    ro.input_names = names;
    ro.input_values = values;
    ro.ninputs = first.ndropdowns;
    for (k = 0; ro.combos_json; k++) {
        for (d = 0; d < first.ndropdowns; d++)
            values[d] = first.dropdowns[d].values[pick[d]];
        strbuf_reset(&html);
        if (dash_render_page(&page, &ro, &html, &rr) < 0) {
            dash_render_report_release(&rr);
            goto out;
        }
        dash_render_report_release(&rr);
        strbuf_reset(&file);
        strbuf_addf(&file, "%s.%zu.html", sp->name, k);
        if (write_file(o->out_dir, file.buf, html.buf, html.len) < 0)
            goto out;
        files++;
        if (!next_combo(&first, pick))
            break;
    }
    rep->files += files;
    rep->pages++;
    if (o->on_page)
        o->on_page(o->ctx, sp->name, files, clock_seconds() - t0);
    ret = 0;
out:
    dash_render_report_release(&first);
    dash_page_release(&page);
    free(pick);
    free(names);
    free(values);
    strbuf_release(&text);
    strbuf_release(&rel);
    strbuf_release(&html);
    strbuf_release(&file);
    strbuf_release(&combos);
    strbuf_release(&key);
    return ret;
}

int dash_site_build(const struct dash_site *s, const struct dash_build_options *o,
                    struct dash_build_report *rep)
{
    static const char *const assets[] = {"dash.css", "dash.js", "echarts.min.js"};
    struct dash_cache cache = {0};
    size_t i;
    int ret = -1, has_index = 0;

    memset(rep, 0, sizeof(*rep));
    if (fs_mkdirs(o->out_dir, 0755) < 0)
        goto out;
    for (i = 0; i < ARRAY_SIZE(assets); i++) {
        struct strbuf rel = STRBUF_INIT;
        const char *type, *data;
        size_t len;
        data = dash_asset(assets[i], &len, &type);
        strbuf_addf(&rel, "_mdp/%s", assets[i]);
        if (!data || write_file(o->out_dir, rel.buf, data, len) < 0) {
            strbuf_release(&rel);
            goto out;
        }
        strbuf_release(&rel);
    }
    for (i = 0; i < s->npages; i++) {
        if (!strcmp(s->pages[i].name, "index"))
            has_index = 1;
        if (build_page(s, i, o->sandbox, &cache, o, rep) < 0)
            goto out;
    }
    if (!has_index) {
        struct strbuf html = STRBUF_INIT;
        int w;
        dash_site_index(s, &html);
        w = write_file(o->out_dir, "index.html", html.buf, html.len);
        strbuf_release(&html);
        if (w < 0)
            goto out;
    }
    ret = 0;
out:
    dash_cache_release(&cache);
    return ret;
}

int dash_site_render(const struct dash_site *s, struct wh *sandbox, const char *name,
                     const char *const *input_names, const char *const *input_values,
                     size_t ninputs, struct strbuf *html, struct dash_render_report *report)
{
    struct strbuf text = STRBUF_INIT, rel = STRBUF_INIT;
    struct dash_render_options ro = {0};
    struct dash_page page;
    size_t i;
    int ret;

    memset(report, 0, sizeof(*report));
    for (i = 0; i < s->npages; i++)
        if (!strcmp(s->pages[i].name, name))
            break;
    if (i == s->npages)
        return 0;
    if (fs_read_file(&text, s->pages[i].path) < 0) { /* removed since the site was loaded */
        strbuf_release(&text);
        return 0;
    }
    dash_page_parse(text.buf, &page);
    ro.sandbox = sandbox;
    ro.sources = s->sources;
    ro.nsources = s->nsources;
    ro.page_name = s->pages[i].name;
    strbuf_addf(&rel, "%s.md", s->pages[i].name);
    ro.source_path = rel.buf;
    ro.nav = s->nav;
    ro.nnav = s->npages;
    ro.input_names = input_names;
    ro.input_values = input_values;
    ro.ninputs = ninputs;
    ro.live = 1;
    ret = dash_render_page(&page, &ro, html, report) < 0 ? -1 : 1;
    dash_page_release(&page);
    strbuf_release(&text);
    strbuf_release(&rel);
    return ret;
}
