/*
 * Rendering one parsed dashboard page to HTML for one choice of its inputs.
 *
 * Queries run in the sandbox the caller opened (read-only, one statement, timeout, row cap).
 * Before a query runs, ${name} of an earlier query becomes that query's SQL as a subquery,
 * ${inputs.NAME.value} the value chosen in dropdown NAME, and, for an Evidence project,
 * `source.table` the source query evidence/sources/source/table.sql. An input value is one of
 * its dropdown's options (a requested value that is not one is refused, see bad_input), and it
 * enters SQL escaped as a string literal's content inside quotes, as a literal otherwise.
 *
 * Components draw from query results: BigValue and DataTable are formatted here, charts become
 * ECharts options (JSON) that the page's script draws, a Dropdown a <select> whose change loads
 * the page for the new choice (a precomputed file of a static build, or ?NAME=VALUE from
 * `mdp serve`). What is wrong on a page is shown on it in a box and reported through on_problem.
 */
#ifndef MDP_DASH_RENDER_H
#define MDP_DASH_RENDER_H

#include <stddef.h>

#include "dash/page.h"

struct strbuf;
struct wh;
struct wh_result;

/* Evidence source queries: `source.table` in page SQL reads (sql). */
struct dash_source {
    char *source, *table, *sql;
    char *path; /* the .sql file */
};

/* A link in the navigation. */
struct dash_nav_item {
    const char *name;  /* the page's path without .md: "sales", "reports/daily" */
    const char *title; /* the page's title */
};

/* Query results by SQL text, shared by the renders of one build (the same SQL runs once). */
struct dash_cache {
    char **sql;
    struct wh_result **result;
    char **error; /* non-NULL: the query failed with this message */
    size_t n, alloc;
};
void dash_cache_release(struct dash_cache *c);

/* A dropdown as the render found it: its name and option values (borrowed by the report). */
struct dash_dropdown {
    char *name;
    char **values;
    size_t nvalues;
};

struct dash_render_options {
    struct wh *sandbox;
    const struct dash_source *sources; /* NULL or nsources entries */
    size_t nsources;
    const char *page_name;   /* "sales" */
    const char *source_path; /* "sales.md", shown in the page's problem boxes */
    const struct dash_nav_item *nav;
    size_t nnav;
    /* requested input values (from a URL or a precomputed combination); others default */
    const char *const *input_names;
    const char *const *input_values;
    size_t ninputs;
    int live;                 /* served: a dropdown change asks the server with ?NAME=VALUE */
    const char *combos_json;  /* static: {"NAME=VALUE&...": "file.html"} for the script */
    struct dash_cache *cache; /* may be NULL */
    /* a problem at line:col of the page; error = 1 for failed queries, 0 for warnings */
    void (*on_problem)(void *ctx, int line, int col, int error, const char *msg);
    void *ctx;
};

struct dash_render_report {
    size_t failed_queries;
    size_t warnings;
    size_t queries_with_inputs; /* queries whose SQL uses an input */
    int bad_input; /* a requested value is not an option of its dropdown (nothing rendered) */
    struct dash_dropdown *dropdowns;
    size_t ndropdowns;
};
void dash_render_report_release(struct dash_render_report *r);

/*
 * Appends the page's HTML to html and fills *report. Returns 0 (problems on the page are in
 * the report), or -1 when a requested input value is refused (report->bad_input, error()).
 */
int dash_render_page(const struct dash_page *page, const struct dash_render_options *opts,
                     struct strbuf *html, struct dash_render_report *report);

/* Appends a title made from a name: order_count and order-count -> Order Count. */
void dash_title_case(struct strbuf *sb, const char *name);
/* Appends s URL-encoded as JavaScript's encodeURIComponent does. */
void dash_url_encode(struct strbuf *sb, const char *s);

#endif
