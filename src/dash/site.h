/*
 * A dashboard site: the pages of a folder rendered to HTML with navigation, the stylesheet, the
 * page script and ECharts (all embedded in the binary), written as static files by
 * dash_site_build() or rendered on request by `mdp serve` through dash_site_render().
 *
 * Pages: every *.md under the pages folder (sub-folders too: reports/daily.md is the page
 * "reports/daily"), or for an Evidence project (a folder holding evidence/pages, or pages/ and
 * sources/ themselves) its pages (any depth), with evidence/sources/SOURCE/TABLE.sql as the source
 * queries `SOURCE.TABLE` in page SQL reads. The navigation lists the pages by title; index.md,
 * when there is one, is the home page, else the site's index.html lists the pages.
 *
 * Inputs: a static build writes the page for its default choices (NAME.html) and, when the page
 * has dropdowns and their combinations need at most max_queries queries, a file per combination
 * (NAME.K.html) that the page's script opens on a change. `mdp serve` renders any choice.
 */
#ifndef MDP_DASH_SITE_H
#define MDP_DASH_SITE_H

#include <stddef.h>

#include "dash/render.h"

struct strbuf;
struct wh;

struct dash_site_page {
    char *name;  /* "sales", "reports/daily" */
    char *path;  /* the .md file */
    char *title; /* front matter title, else from the name */
};

struct dash_site {
    char *pages_dir;
    struct dash_site_page *pages;
    size_t npages;
    struct dash_source *sources;
    size_t nsources;
    struct dash_nav_item *nav;
};

/*
 * Finds the pages (and Evidence sources) under dir. Returns 0, or -1 with error() when dir is
 * missing or holds no page. Release with dash_site_release().
 */
int dash_site_load(struct dash_site *site, const char *dir);
void dash_site_release(struct dash_site *site);
/*
 * The newest modification time of the pages, their folder and the source queries, in seconds
 * with nanoseconds.
 */
double dash_site_mtime(const struct dash_site *site);
/* A file's modification time in seconds with nanoseconds; 0 when it is missing. */
double dash_file_mtime(const char *path);

struct dash_build_options {
    const char *out_dir;
    struct wh *sandbox; /* where the pages' SQL runs (sandbox.h); borrowed */
    size_t max_queries; /* per page for precomputed combinations; 0: 200 */
    /* a problem on a page (file is the .md); error = 1 for a failed query */
    void (*on_problem)(void *ctx, const char *file, int line, int col, int error, const char *msg);
    /* a page written: its name, files written for it, seconds taken */
    void (*on_page)(void *ctx, const char *name, size_t files, double seconds);
    void *ctx;
};

struct dash_build_report {
    size_t pages, files, failed_queries, warnings;
    size_t skipped_combinations; /* pages whose combinations were too many to precompute */
};

/*
 * Builds the site. Returns 0, or -1 with error() when a file could not be written. Failed
 * queries do not stop it: they are in the report.
 */
int dash_site_build(const struct dash_site *site, const struct dash_build_options *opts,
                    struct dash_build_report *report);

/*
 * Renders page `name` for the requested inputs, live (dropdowns ask the server). Returns 1 and
 * html, 0 when there is no such page (or its file is gone), -1 when an input value is refused
 * (error()).
 */
int dash_site_render(const struct dash_site *site, struct wh *sandbox, const char *name,
                     const char *const *input_names, const char *const *input_values,
                     size_t ninputs, struct strbuf *html, struct dash_render_report *report);
/* The site's index.html when no page is index: a list of the pages. */
void dash_site_index(const struct dash_site *site, struct strbuf *html);

/* An embedded asset by file name (dash.css, dash.js, echarts.min.js), or NULL. */
const char *dash_asset(const char *name, size_t *len, const char **content_type);

#endif
