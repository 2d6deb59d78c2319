/*
 * A dashboard page to HTML: queries through the sandbox, components, inputs (render.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dash/format.h"
#include "dash/markdown.h"
#include "dash/render.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

#define MAX_TABLE_ROWS 1000
#define MAX_NESTING    16

struct input {
    char *name, *value, *label;
};

struct render {
    const struct dash_page *page;
    const struct dash_render_options *o;
    struct dash_render_report *rep;
    struct strbuf *html;
    struct dash_cache own_cache;
    struct dash_cache *cache;
    struct input *inputs;
    size_t ninputs, inputs_alloc, dropdowns_alloc;
    int chart_seq;
    int *query_uses_input; /* per query: -1 unknown, 0, 1 */
};

static const char *const components[] = {"BigValue",    "LineChart", "AreaChart", "BarChart",
                                         "ScatterPlot", "DataTable", "Dropdown"};

static const char *const bigvalue_attrs[] = {
    "data",       "value",         "title",           "fmt",
    "comparison", "comparisonFmt", "comparisonTitle", "downIsGood"};
static const char *const chart_attrs[] = {
    "data",   "x",    "y",           "series",     "title", "subtitle", "xFmt",   "yFmt",
    "swapXY", "type", "xAxisTitle",  "yAxisTitle", "yMin",  "yMax",     "labels", "chartAreaHeight",
    "legend", "sort", "tooltipTitle"};
static const char *const datatable_attrs[] = {"data", "rows", "search", "title", "subtitle"};
static const char *const column_attrs[] = {"id", "title", "fmt", "align"};
static const char *const dropdown_attrs[] = {"data",  "name",         "value", "label",
                                             "title", "defaultValue", "order"};
static const char *const option_attrs[] = {"value", "valueLabel"};

void dash_cache_release(struct dash_cache *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        free(c->sql[i]);
        wh_result_free(c->result[i]);
        free(c->error[i]);
    }
    free(c->sql);
    free(c->result);
    free(c->error);
    memset(c, 0, sizeof(*c));
}

void dash_render_report_release(struct dash_render_report *r)
{
    size_t i;

    for (i = 0; i < r->ndropdowns; i++) {
        free(r->dropdowns[i].name);
        strv_free(r->dropdowns[i].values, r->dropdowns[i].nvalues);
    }
    free(r->dropdowns);
    memset(r, 0, sizeof(*r));
}

void dash_url_encode(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || strchr("-_.!~*'()", c))
            strbuf_addch(sb, (char)c);
        else
            strbuf_addf(sb, "%%%02X", c);
    }
}

static void problem(struct render *r, int line, int col, int is_error, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Reports a problem and shows it on the page in a box. */
static void problem(struct render *r, int line, int col, int is_error, const char *fmt, ...)
{
    struct strbuf msg = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&msg, fmt, ap);
    va_end(ap);
    if (is_error)
        r->rep->failed_queries++;
    else
        r->rep->warnings++;
    if (r->o->on_problem)
        r->o->on_problem(r->o->ctx, line, col, is_error, msg.buf);
    strbuf_addf(r->html, "<div class=\"mdp-%s\" role=\"alert\"><strong>%s</strong> ",
                is_error ? "error" : "warning", is_error ? "Error" : "Warning");
    strbuf_addf(r->html, "<span class=\"where\">%s:%d:%d</span> ",
                r->o->source_path ? r->o->source_path : "", line, col);
    html_escape(r->html, msg.buf);
    strbuf_addstr(r->html, "</div>\n");
    strbuf_release(&msg);
}

static struct input *find_input(struct render *r, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < r->ninputs; i++)
        if (strlen(r->inputs[i].name) == len && !strncmp(r->inputs[i].name, name, len))
            return &r->inputs[i];
    return NULL;
}

/*
 * Replaces {inputs.NAME.label}, {inputs.NAME.value} and {inputs.NAME} in text. Unknown inputs
 * are left as written.
 */
static void substitute_text(struct render *r, const char *text, struct strbuf *out)
{
    const char *p = text;

    while (*p) {
        const char *open = strstr(p, "{inputs.");
        const char *close, *name, *dot;
        struct input *in;

        if (!open) {
            strbuf_addstr(out, p);
            return;
        }
        strbuf_add(out, p, (size_t)(open - p));
        name = open + 8;
        close = strchr(name, '}');
        if (!close) {
            strbuf_addstr(out, open);
            return;
        }
        dot = memchr(name, '.', (size_t)(close - name));
        in = find_input(r, name, (size_t)((dot ? dot : close) - name));
        if (!in) {
            strbuf_add(out, open, (size_t)(close + 1 - open));
        } else if (dot && !strncmp(dot, ".label}", 7)) {
            strbuf_addstr(out, in->label ? in->label : in->value);
        } else {
            strbuf_addstr(out, in->value);
        }
        p = close + 1;
    }
}

/* An attribute's value with inputs substituted; the caller frees. NULL when absent. */
static char *attr_text(struct render *r, const struct dash_component *c, const char *name)
{
    const char *v = dash_attr(c, name);
    struct strbuf sb = STRBUF_INIT;

    if (!v)
        return NULL;
    if (dash_attr_find(c, name)->braced && !strncmp(v, "inputs.", 7)) {
        struct strbuf wrapped = STRBUF_INIT;
        strbuf_addf(&wrapped, "{%s}", v);
        substitute_text(r, wrapped.buf, &sb);
        strbuf_release(&wrapped);
    } else {
        substitute_text(r, v, &sb);
    }
    return strbuf_detach(&sb, NULL);
}

static int is_number(const char *s)
{
    char *end;

    if (!*s || isspace((unsigned char)*s))
        return 0;
    strtod(s, &end);
    return !*end;
}

static int find_query(const struct dash_page *p, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < p->nqueries; i++)
        if (strlen(p->queries[i].name) == len && !strncmp(p->queries[i].name, name, len))
            return (int)i;
    return -1;
}

/* The name among the page's first n queries closest to want, or NULL. */
static const char *closest_query(const struct dash_page *p, size_t n, const char *want)
{
    const char **names = xcalloc(n ? n : 1, sizeof(*names));
    const char *best;
    size_t i;

    for (i = 0; i < n; i++)
        names[i] = p->queries[i].name;
    best = str_closest(want, names, n, 3);
    free(names);
    return best;
}

static const struct dash_source *find_source(const struct render *r, const char *s, size_t sl,
                                             const char *t, size_t tl)
{
    size_t i;

    for (i = 0; i < r->o->nsources; i++) {
        const struct dash_source *src = &r->o->sources[i];
        if (strlen(src->source) == sl && !strncasecmp(src->source, s, sl) &&
            strlen(src->table) == tl && !strncasecmp(src->table, t, tl))
            return src;
    }
    return NULL;
}

static int ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/*
 * The SQL of query qi with ${...} references and source tables replaced. Returns 0, or -1 with
 * the reason in err. *uses_input is set when an input was used, directly or through a query.
 */
static int expand_sql(struct render *r, size_t qi, int depth, struct strbuf *out,
                      struct strbuf *err, int *uses_input)
{
    const char *p = r->page->queries[qi].sql;
    char quote = 0;

    if (depth > MAX_NESTING) {
        strbuf_addf(err, "queries reference each other more than %d deep", MAX_NESTING);
        return -1;
    }
    while (*p) {
        char c = *p;

        if (c == '$' && p[1] == '{') {
            const char *name = p + 2, *close = strchr(name, '}');
            size_t len;
            if (!close) {
                strbuf_addstr(err, "'${' has no closing '}'");
                return -1;
            }
            while (name < close && isspace((unsigned char)*name))
                name++;
            len = (size_t)(close - name);
            while (len && isspace((unsigned char)name[len - 1]))
                len--;
            if (len > 7 && !strncmp(name, "inputs.", 7)) {
                const char *in_name = name + 7, *dot = memchr(in_name, '.', len - 7);
                size_t nl = dot ? (size_t)(dot - in_name) : len - 7;
                struct input *in = find_input(r, in_name, nl);
                const char *v;
                if (!in) {
                    strbuf_addf(err, "no input named '%.*s': add a <Dropdown name=%.*s> above",
                                (int)nl, in_name, (int)nl, in_name);
                    return -1;
                }
                if (dot && strncmp(dot, ".value", (size_t)(name + len - dot)) &&
                    strncmp(dot, ".label", (size_t)(name + len - dot))) {
                    strbuf_addf(err, "'%.*s' is not an input value: write ${inputs.%.*s.value}",
                                (int)len, name, (int)nl, in_name);
                    return -1;
                }
                v = dot && !strncmp(dot, ".label", 6) && in->label ? in->label : in->value;
                *uses_input = 1;
                if (quote == '\'') {
                    for (; *v; v++) {
                        if (*v == '\'')
                            strbuf_addch(out, '\'');
                        strbuf_addch(out, *v);
                    }
                } else if (is_number(v)) {
                    strbuf_addstr(out, v);
                } else {
                    strbuf_add_sql_string(out, v);
                }
            } else {
                int k = find_query(r->page, name, len);
                if (k < 0 || (size_t)k >= qi) {
                    char *want = xstrndup(name, len);
                    const char *best = closest_query(r->page, qi, want);
                    if (k >= 0)
                        strbuf_addf(err, "${%s} refers to a query defined later: move it above",
                                    want);
                    else if (best)
                        strbuf_addf(err, "no query named '%s' above (did you mean '%s'?)", want,
                                    best);
                    else
                        strbuf_addf(err, "no query named '%s' above", want);
                    free(want);
                    return -1;
                }
                strbuf_addstr(out, "(\n");
                if (expand_sql(r, (size_t)k, depth + 1, out, err, uses_input) < 0)
                    return -1;
                strbuf_addstr(out, "\n)");
            }
            p = close + 1;
            continue;
        }
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '-' && p[1] == '-') {
            const char *eol = strchrnul(p, '\n');
            strbuf_add(out, p, (size_t)(eol - p));
            p = eol;
            continue;
        } else if (r->o->nsources && ident_char(c) &&
                   (p == r->page->queries[qi].sql || (!ident_char(p[-1]) && p[-1] != '.'))) {
            /* source.table of an Evidence project */
            const char *s = p, *dot, *t, *e;
            const struct dash_source *src;
            while (ident_char(*p))
                p++;
            dot = p;
            if (*dot == '.' && ident_char(dot[1])) {
                t = dot + 1;
                for (e = t; ident_char(*e); e++)
                    ;
                if (*e != '.' && (src = find_source(r, s, (size_t)(dot - s), t, (size_t)(e - t)))) {
                    const char *q = e;
                    while (*q == ' ' || *q == '\t' || *q == '\n')
                        q++;
                    strbuf_addf(out, "(\n%s\n)", src->sql);
                    /* keep the table's name as its alias unless one follows */
                    if (!ident_char(*q) || !strncasecmp(q, "where", 5) ||
                        !strncasecmp(q, "join", 4) || !strncasecmp(q, "left", 4) ||
                        !strncasecmp(q, "inner", 5) || !strncasecmp(q, "group", 5) ||
                        !strncasecmp(q, "order", 5) || !strncasecmp(q, "limit", 5) ||
                        !strncasecmp(q, "on", 2) || !strncasecmp(q, "union", 5) ||
                        !strncasecmp(q, "right", 5) || !strncasecmp(q, "full", 4) ||
                        !strncasecmp(q, "cross", 5) || !strncasecmp(q, "natural", 7) ||
                        !strncasecmp(q, "having", 6) || !strncasecmp(q, "qualify", 7) ||
                        !strncasecmp(q, "window", 6) || !strncasecmp(q, "using", 5))
                        strbuf_addf(out, " AS %s", src->table);
                    p = e;
                    continue;
                }
            }
            strbuf_add(out, s, (size_t)(p - s));
            continue;
        }
        strbuf_addch(out, c);
        p++;
    }
    return 0;
}

/*
 * Runs query qi (through the cache). Returns the result, or NULL with *error set (borrowed
 * from the cache or from msg).
 */
static const struct wh_result *run_query(struct render *r, size_t qi, const char **why,
                                         struct strbuf *msg)
{
    struct strbuf sql = STRBUF_INIT;
    struct dash_cache *c = r->cache;
    struct wh_result *res = NULL;
    int uses = 0, quiet;
    size_t i;

    strbuf_reset(msg);
    *why = NULL;
    if (expand_sql(r, qi, 0, &sql, msg, &uses) < 0) {
        strbuf_release(&sql);
        *why = msg->buf;
        return NULL;
    }
    r->query_uses_input[qi] = uses;
    for (i = 0; i < c->n; i++)
        if (!strcmp(c->sql[i], sql.buf)) {
            strbuf_release(&sql);
            *why = c->error[i];
            return c->result[i];
        }
    quiet = error_quiet(1);
    error_clear();
    if (!r->o->sandbox)
        error("no warehouse to run queries on");
    else
        wh_query(r->o->sandbox, sql.buf, NULL, &res);
    error_quiet(quiet);
    ALLOC_GROW(c->sql, c->n + 1, c->alloc);
    c->result = xrealloc(c->result, c->alloc * sizeof(*c->result));
    c->error = xrealloc(c->error, c->alloc * sizeof(*c->error));
    c->sql[c->n] = strbuf_detach(&sql, NULL);
    c->result[c->n] = res;
    c->error[c->n] = res ? NULL : xstrdup(*error_last() ? error_last() : "the query failed");
    *why = c->error[c->n];
    c->n++;
    return res;
}

/* The result of the query named by attribute data=, or NULL after a box saying why. */
static const struct wh_result *component_data(struct render *r, const struct dash_component *c)
{
    const struct dash_attr *a = dash_attr_find(c, "data");
    struct strbuf msg = STRBUF_INIT;
    const struct wh_result *res;
    const char *error;
    int k;

    if (!a || !*a->value) {
        problem(r, c->line, c->col, 0, "<%s> needs data={QUERY}, the name of a sql block", c->name);
        return NULL;
    }
    k = find_query(r->page, a->value, strlen(a->value));
    if (k < 0) {
        const char *best = closest_query(r->page, r->page->nqueries, a->value);
        if (best)
            problem(r, a->line, a->col, 0, "<%s>: no query named '%s' (did you mean '%s'?)",
                    c->name, a->value, best);
        else
            problem(r, a->line, a->col, 0, "<%s>: no query named '%s' on this page", c->name,
                    a->value);
        return NULL;
    }
    res = run_query(r, (size_t)k, &error, &msg);
    if (!res) {
        strbuf_addstr(r->html, "<div class=\"mdp-error\" role=\"alert\"><strong>Error</strong> "
                               "query &#39;");
        html_escape(r->html, r->page->queries[k].name);
        strbuf_addstr(r->html, "&#39; failed, so &lt;");
        html_escape(r->html, c->name);
        strbuf_addstr(r->html, "&gt; has no data</div>\n");
        (void)error;
    }
    strbuf_release(&msg);
    return res;
}

/* The column's index, or -1 after a warning box naming the columns there are. */
static int column(struct render *r, const struct dash_component *c, const char *attr,
                  const struct wh_result *res, const char *name)
{
    const struct dash_attr *a = dash_attr_find(c, attr);
    const char *names[256];
    const char *best;
    size_t i, n = 0;
    int k = wh_result_col(res, name);

    if (k >= 0)
        return k;
    for (i = 0; i < res->ncols && n < 256; i++)
        names[n++] = res->cols[i].name;
    best = str_closest(name, names, n, 3);
    if (best)
        problem(r, a ? a->line : c->line, a ? a->col : c->col, 0,
                "<%s %s=%s>: the query has no column '%s' (did you mean '%s'?)", c->name, attr,
                name, name, best);
    else
        problem(r, a ? a->line : c->line, a ? a->col : c->col, 0,
                "<%s %s=%s>: the query has no column '%s'", c->name, attr, name, name);
    return -1;
}

/* Warns about attributes the component does not know. */
static void check_attrs(struct render *r, const struct dash_component *c, const char *const *known,
                        size_t n)
{
    size_t i, k;

    for (i = 0; i < c->nattrs; i++) {
        const char *best;
        for (k = 0; k < n; k++)
            if (!strcmp(c->attrs[i].name, known[k]))
                break;
        if (k < n)
            continue;
        best = str_closest(c->attrs[i].name, known, n, 3);
        if (best)
            problem(r, c->attrs[i].line, c->attrs[i].col, 0,
                    "<%s> has no attribute '%s' (did you mean '%s'?)", c->name, c->attrs[i].name,
                    best);
        else
            problem(r, c->attrs[i].line, c->attrs[i].col, 0, "<%s> has no attribute '%s'", c->name,
                    c->attrs[i].name);
    }
}

/* A format attribute, or NULL (with a warning when it is set but unreadable). */
static const struct dash_fmt *fmt_attr(struct render *r, const struct dash_component *c,
                                       const char *attr, struct dash_fmt *f)
{
    const struct dash_attr *a = dash_attr_find(c, attr);

    if (!a)
        return NULL;
    if (dash_fmt_parse(a->value, f) < 0) {
        problem(r, a->line, a->col, 0,
                "<%s %s='%s'>: not a format: use an Excel code such as '#,##0.00' or a named "
                "one such as usd, pct1, num0",
                c->name, attr, a->value);
        return NULL;
    }
    return f;
}

static int truthy(const char *v)
{
    return v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes"));
}

void dash_title_case(struct strbuf *sb, const char *name)
{
    int start = 1;

    for (; *name; name++) {
        if (*name == '_' || *name == '-') {
            strbuf_addch(sb, ' ');
            start = 1;
        } else {
            strbuf_addch(sb, start ? (char)toupper((unsigned char)*name) : *name);
            start = 0;
        }
    }
}

static void render_bigvalue(struct render *r, const struct dash_component *c)
{
    const struct wh_result *res;
    const char *value = dash_attr(c, "value");
    const char *cmp = dash_attr(c, "comparison");
    struct dash_fmt f, cf;
    const struct dash_fmt *fp, *cfp;
    struct strbuf title = STRBUF_INIT;
    char *t;
    int vc, cc = -1;

    check_attrs(r, c, bigvalue_attrs, ARRAY_SIZE(bigvalue_attrs));
    if (!(res = component_data(r, c)))
        return;
    if (!value) {
        problem(r, c->line, c->col, 0, "<BigValue> needs value=COLUMN");
        return;
    }
    if ((vc = column(r, c, "value", res, value)) < 0)
        return;
    if (cmp && (cc = column(r, c, "comparison", res, cmp)) < 0)
        return;
    fp = fmt_attr(r, c, "fmt", &f);
    if (!fp && dash_fmt_from_name(value, &f) < 0)
        dash_fmt_auto(&f, 1);
    fp = &f;
    t = attr_text(r, c, "title");
    if (t)
        strbuf_addstr(&title, t);
    else
        dash_title_case(&title, value);
    strbuf_addstr(r->html, "<div class=\"bigvalue\" data-component=\"BigValue\"><p "
                           "class=\"bv-title\">");
    html_escape(r->html, title.buf);
    strbuf_addstr(r->html, "</p><p class=\"bv-value\">");
    if (res->nrows && !wh_result_is_null(res, 0, (size_t)vc)) {
        struct strbuf v = STRBUF_INIT;
        dash_fmt_cell(fp, res, 0, (size_t)vc, &v);
        html_escape(r->html, v.buf);
        strbuf_release(&v);
    } else {
        strbuf_addstr(r->html, "–");
    }
    strbuf_addstr(r->html, "</p>");
    if (cc >= 0 && res->nrows && !wh_result_is_null(res, 0, (size_t)cc)) {
        struct strbuf v = STRBUF_INIT;
        double d = 0;
        char *ct = attr_text(r, c, "comparisonTitle");
        int down_good = truthy(dash_attr(c, "downIsGood"));
        cfp = fmt_attr(r, c, "comparisonFmt", &cf);
        wh_result_num(res, 0, (size_t)cc, &d);
        dash_fmt_cell(cfp, res, 0, (size_t)cc, &v);
        strbuf_addf(r->html, "<p class=\"bv-cmp %s\">%s ", (d >= 0) != down_good ? "good" : "bad",
                    d >= 0 ? "▲" : "▼");
        html_escape(r->html, v.buf);
        if (ct) {
            strbuf_addch(r->html, ' ');
            html_escape(r->html, ct);
        }
        strbuf_addstr(r->html, "</p>");
        strbuf_release(&v);
        free(ct);
    }
    strbuf_addstr(r->html, "</div>\n");
    strbuf_release(&title);
    free(t);
}

/* The y columns: y=col or y={["a", "b"]} / y={[a, b]}; the caller frees with strv_free. */
static size_t y_columns(const char *y, char ***out)
{
    char **v = NULL;
    size_t n = 0, alloc = 0;
    const char *p = y;

    while (*p) {
        const char *s;
        while (*p && strchr("[], \t\n\"'", *p))
            p++;
        s = p;
        while (*p && !strchr("[],\"'\t\n", *p))
            p++;
        if (p > s) {
            const char *e = p;
            while (e > s && e[-1] == ' ')
                e--;
            ALLOC_GROW(v, n + 1, alloc);
            v[n++] = xstrndup(s, (size_t)(e - s));
        }
    }
    *out = v;
    return n;
}

static size_t index_of(char **v, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return i;
    return n;
}

static void add_json_for_script(struct strbuf *html, const struct json *j)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;

    json_print(&sb, j, 0);
    for (i = 0; i < sb.len; i++) {
        /* "</script>" inside a string would end the element */
        if (sb.buf[i] == '<')
            strbuf_addstr(html, "\\u003c");
        else
            strbuf_addch(html, sb.buf[i]);
    }
    strbuf_release(&sb);
}

static void render_chart(struct render *r, const struct dash_component *c)
{
    const struct wh_result *res;
    const char *kind = c->name;
    const char *x = dash_attr(c, "x"), *y = dash_attr(c, "y"), *series = dash_attr(c, "series");
    int scatter = !strcmp(kind, "ScatterPlot"), bar = !strcmp(kind, "BarChart");
    int area = !strcmp(kind, "AreaChart"), swap = truthy(dash_attr(c, "swapXY"));
    const char *type = dash_attr(c, "type");
    struct dash_fmt xf, yf;
    const struct dash_fmt *xfp, *yfp;
    char **ys = NULL, **cats = NULL, **names = NULL;
    size_t nys = 0, ncats = 0, nnames = 0, cats_alloc = 0, names_alloc = 0, i, k;
    int xc, sc = -1, *ycs = NULL, tc = -1;
    double *grid = NULL;
    char *title = NULL, *subtitle = NULL;
    struct json *opt = NULL, *xaxis, *yaxis, *ser, *fmt;
    int id = ++r->chart_seq;

    check_attrs(r, c, chart_attrs, ARRAY_SIZE(chart_attrs));
    if (!(res = component_data(r, c)))
        return;
    if (!x || !y) {
        problem(r, c->line, c->col, 0, "<%s> needs x=COLUMN and y=COLUMN", kind);
        return;
    }
    if ((xc = column(r, c, "x", res, x)) < 0)
        return;
    if (series && (sc = column(r, c, "series", res, series)) < 0)
        return;
    if (dash_attr(c, "tooltipTitle") &&
        (tc = column(r, c, "tooltipTitle", res, dash_attr(c, "tooltipTitle"))) < 0)
        return;
    nys = y_columns(y, &ys);
    ycs = xcalloc(nys ? nys : 1, sizeof(*ycs));
    for (i = 0; i < nys; i++)
        if ((ycs[i] = column(r, c, "y", res, ys[i])) < 0)
            goto out;
    if (!nys) {
        problem(r, c->line, c->col, 0, "<%s> needs y=COLUMN", kind);
        goto out;
    }
    xfp = fmt_attr(r, c, "xFmt", &xf);
    yfp = fmt_attr(r, c, "yFmt", &yf);
    if (!yfp && dash_fmt_from_name(ys[0], &yf) == 0)
        yfp = &yf;
    if (!yfp) {
        dash_fmt_auto(&yf, 1);
        yfp = &yf;
    }
    title = attr_text(r, c, "title");
    subtitle = attr_text(r, c, "subtitle");

    opt = json_new_object();
    {
        struct json *tt = json_new_object();
        json_set_str(tt, "trigger", scatter ? "item" : "axis");
        json_set(opt, "tooltip", tt);
    }
    {
        struct json *grid_o = json_new_object();
        json_set_bool(grid_o, "containLabel", 1);
        json_set_num(grid_o, "left", 8);
        json_set_num(grid_o, "right", 28);
        json_set_num(grid_o, "top", 36);
        json_set_num(grid_o, "bottom", 8);
        json_set(opt, "grid", grid_o);
    }
    xaxis = json_new_object();
    yaxis = json_new_object();
    ser = json_new_array();
    if (scatter) {
        /* one series per value of series=, points [x, y] */
        for (i = 0; i < res->nrows; i++) {
            struct strbuf s = STRBUF_INIT;
            if (sc >= 0)
                dash_fmt_cell(NULL, res, i, (size_t)sc, &s);
            else
                strbuf_addstr(&s, ys[0]);
            if (index_of(names, nnames, s.buf) == nnames) {
                ALLOC_GROW(names, nnames + 1, names_alloc);
                names[nnames++] = strbuf_detach(&s, NULL);
            }
            strbuf_release(&s);
        }
        for (k = 0; k < nnames; k++) {
            struct json *sj = json_new_object(), *data = json_new_array();
            json_set_str(sj, "type", "scatter");
            json_set_str(sj, "name", names[k]);
            for (i = 0; i < res->nrows; i++) {
                struct strbuf s = STRBUF_INIT;
                double xv, yv;
                struct json *pt;
                if (sc >= 0)
                    dash_fmt_cell(NULL, res, i, (size_t)sc, &s);
                else
                    strbuf_addstr(&s, ys[0]);
                if (strcmp(s.buf, names[k]) || wh_result_num(res, i, (size_t)xc, &xv) ||
                    wh_result_num(res, i, (size_t)ycs[0], &yv)) {
                    strbuf_release(&s);
                    continue;
                }
                pt = json_new_array();
                json_push(pt, json_new_num(xv));
                json_push(pt, json_new_num(yv));
                if (tc >= 0) {
                    strbuf_reset(&s);
                    dash_fmt_cell(NULL, res, i, (size_t)tc, &s);
                    json_push(pt, json_new_str(s.buf));
                }
                json_push(data, pt);
                strbuf_release(&s);
            }
            json_set(sj, "data", data);
            json_set_num(sj, "symbolSize", 9);
            json_push(ser, sj);
        }
        json_set_str(xaxis, "type", "value");
        json_set_bool(xaxis, "scale", 1);
        json_set_str(yaxis, "type", "value");
        json_set_bool(yaxis, "scale", 1);
    } else {
        /* categories: the x values in the query's order; series: y columns or series= values */
        for (i = 0; i < res->nrows; i++) {
            struct strbuf s = STRBUF_INIT;
            dash_fmt_cell(xfp, res, i, (size_t)xc, &s);
            if (index_of(cats, ncats, s.buf) == ncats) {
                ALLOC_GROW(cats, ncats + 1, cats_alloc);
                cats[ncats++] = strbuf_detach(&s, NULL);
            }
            strbuf_release(&s);
            if (sc >= 0) {
                dash_fmt_cell(NULL, res, i, (size_t)sc, &s);
                if (index_of(names, nnames, s.buf) == nnames) {
                    ALLOC_GROW(names, nnames + 1, names_alloc);
                    names[nnames++] = strbuf_detach(&s, NULL);
                }
                strbuf_release(&s);
            }
        }
        if (sc < 0)
            for (k = 0; k < nys; k++) {
                ALLOC_GROW(names, nnames + 1, names_alloc);
                names[nnames++] = xstrdup(ys[k]);
            }
        grid = xmalloc((nnames ? nnames : 1) * (ncats ? ncats : 1) * sizeof(*grid));
        for (i = 0; i < nnames * ncats; i++)
            grid[i] = NAN;
        for (i = 0; i < res->nrows; i++) {
            struct strbuf s = STRBUF_INIT;
            size_t ci, si;
            double v;
            dash_fmt_cell(xfp, res, i, (size_t)xc, &s);
            ci = index_of(cats, ncats, s.buf);
            for (k = 0; k < (sc >= 0 ? 1 : nys); k++) {
                if (sc >= 0) {
                    strbuf_reset(&s);
                    dash_fmt_cell(NULL, res, i, (size_t)sc, &s);
                    si = index_of(names, nnames, s.buf);
                } else {
                    si = k;
                }
                if (wh_result_num(res, i, (size_t)ycs[sc >= 0 ? 0 : k], &v))
                    continue;
                grid[si * ncats + ci] =
                    isnan(grid[si * ncats + ci]) ? v : grid[si * ncats + ci] + v;
            }
            strbuf_release(&s);
        }
        {
            struct json *data = json_new_array();
            for (i = 0; i < ncats; i++)
                json_push(data, json_new_str(cats[i]));
            json_set_str(xaxis, "type", "category");
            json_set(xaxis, "data", data);
        }
        json_set_str(yaxis, "type", "value");
        for (k = 0; k < nnames; k++) {
            struct json *sj = json_new_object(), *data = json_new_array();
            json_set_str(sj, "type", bar ? "bar" : "line");
            json_set_str(sj, "name", sc >= 0 ? names[k] : names[k]);
            for (i = 0; i < ncats; i++) {
                double v = grid[k * ncats + i];
                json_push(data, isnan(v) ? json_new_null() : json_new_num(v));
            }
            json_set(sj, "data", data);
            if (area) {
                json_set(sj, "areaStyle", json_new_object());
                json_set_str(sj, "stack", "total");
            }
            if (bar && (nnames > 1) && !(type && !strcmp(type, "grouped")))
                json_set_str(sj, "stack", "total");
            if (!bar) {
                json_set_bool(sj, "showSymbol", ncats <= 40);
                json_set_bool(sj, "connectNulls", 1);
            }
            json_push(ser, sj);
        }
    }
    if (dash_attr(c, "xAxisTitle"))
        json_set_str(xaxis, "name", dash_attr(c, "xAxisTitle"));
    if (dash_attr(c, "yAxisTitle"))
        json_set_str(yaxis, "name", dash_attr(c, "yAxisTitle"));
    if (dash_attr(c, "yMin") && is_number(dash_attr(c, "yMin")))
        json_set_num(yaxis, "min", atof(dash_attr(c, "yMin")));
    if (dash_attr(c, "yMax") && is_number(dash_attr(c, "yMax")))
        json_set_num(yaxis, "max", atof(dash_attr(c, "yMax")));
    if (swap && !scatter)
        json_set_bool(xaxis, "inverse", 1); /* the first category on top, as it reads */
    json_set(opt, swap ? "yAxis" : "xAxis", xaxis);
    json_set(opt, swap ? "xAxis" : "yAxis", yaxis);
    json_set(opt, "series", ser);
    if (nnames > 1) {
        struct json *legend = json_new_object();
        json_set_num(legend, "top", 0);
        json_set_str(legend, "type", "scroll");
        json_set(opt, "legend", legend);
    }
    fmt = json_new_object();
    json_set(fmt, "value", dash_fmt_to_json(yfp));
    json_set_bool(fmt, "swap", swap);
    if (scatter)
        json_set(fmt, "x", dash_fmt_to_json(xfp ? xfp : yfp));
    json_set(opt, "mdpFmt", fmt);

    strbuf_addf(r->html, "<figure class=\"chart-box\" data-component=\"%s\">", kind);
    if (title || subtitle) {
        strbuf_addstr(r->html, "<figcaption>");
        if (title) {
            strbuf_addstr(r->html, "<span class=\"chart-title\">");
            html_escape(r->html, title);
            strbuf_addstr(r->html, "</span>");
        }
        if (subtitle) {
            strbuf_addstr(r->html, "<span class=\"chart-subtitle\">");
            html_escape(r->html, subtitle);
            strbuf_addstr(r->html, "</span>");
        }
        strbuf_addstr(r->html, "</figcaption>");
    }
    strbuf_addf(r->html,
                "<div class=\"chart\" id=\"chart-%d\" data-points=\"%zu\"></div>"
                "<script type=\"application/json\" class=\"chart-option\" data-for=\"chart-%d\">",
                id, scatter ? res->nrows : ncats * nnames, id);
    add_json_for_script(r->html, opt);
    strbuf_addstr(r->html, "</script></figure>\n");
out:
    json_free(opt);
    strv_free(ys, nys);
    strv_free(cats, ncats);
    strv_free(names, nnames);
    free(ycs);
    free(grid);
    free(title);
    free(subtitle);
}

static void render_datatable(struct render *r, const struct dash_component *c)
{
    const struct wh_result *res;
    const char *rows = dash_attr(c, "rows");
    size_t *cols = NULL, ncols = 0, i, k;
    struct dash_fmt *fmts = NULL;
    int *has_fmt = NULL;
    char **titles = NULL;
    char *title;
    int per_page = rows && is_number(rows) && atoi(rows) > 0 ? atoi(rows) : 10;

    check_attrs(r, c, datatable_attrs, ARRAY_SIZE(datatable_attrs));
    if (!(res = component_data(r, c)))
        return;
    ncols = c->nchildren ? c->nchildren : res->ncols;
    cols = xcalloc(ncols ? ncols : 1, sizeof(*cols));
    fmts = xcalloc(ncols ? ncols : 1, sizeof(*fmts));
    has_fmt = xcalloc(ncols ? ncols : 1, sizeof(*has_fmt));
    titles = xcalloc(ncols ? ncols : 1, sizeof(*titles));
    for (i = 0, k = 0; i < ncols; i++) {
        if (c->nchildren) {
            const struct dash_component *col = &c->children[i];
            const char *id;
            int idx;
            if (strcmp(col->name, "Column")) {
                problem(r, col->line, col->col, 0,
                        "<%s> inside <DataTable> is not known: use <Column id=COLUMN/>", col->name);
                continue;
            }
            check_attrs(r, col, column_attrs, ARRAY_SIZE(column_attrs));
            if (!(id = dash_attr(col, "id"))) {
                problem(r, col->line, col->col, 0, "<Column> needs id=COLUMN");
                continue;
            }
            if ((idx = column(r, col, "id", res, id)) < 0)
                continue;
            cols[k] = (size_t)idx;
            has_fmt[k] = fmt_attr(r, col, "fmt", &fmts[k]) != NULL;
            titles[k] = attr_text(r, col, "title");
        } else {
            cols[k] = i;
        }
        if (!titles[k]) {
            struct strbuf t = STRBUF_INIT;
            dash_title_case(&t, res->cols[cols[k]].name);
            titles[k] = strbuf_detach(&t, NULL);
        }
        k++;
    }
    ncols = k;
    title = attr_text(r, c, "title");
    strbuf_addf(r->html, "<div class=\"datatable\" data-component=\"DataTable\" data-rows=\"%d\">",
                per_page);
    if (title) {
        strbuf_addstr(r->html, "<p class=\"dt-title\">");
        html_escape(r->html, title);
        strbuf_addstr(r->html, "</p>");
    }
    if (truthy(dash_attr(c, "search")))
        strbuf_addstr(r->html, "<input class=\"dt-search\" type=\"search\" placeholder=\"Search\" "
                               "aria-label=\"Search the table\">");
    strbuf_addstr(r->html, "<div class=\"table-wrap\"><table><thead><tr>");
    for (k = 0; k < ncols; k++) {
        int num = wh_type_is_numeric(res->cols[cols[k]].type);
        strbuf_addf(r->html, "<th%s>", num ? " class=\"num\"" : "");
        html_escape(r->html, titles[k]);
        strbuf_addstr(r->html, "</th>");
    }
    strbuf_addstr(r->html, "</tr></thead><tbody>\n");
    for (i = 0; i < res->nrows && i < MAX_TABLE_ROWS; i++) {
        strbuf_addstr(r->html, "<tr>");
        for (k = 0; k < ncols; k++) {
            struct strbuf v = STRBUF_INIT;
            int num = wh_type_is_numeric(res->cols[cols[k]].type);
            dash_fmt_cell(has_fmt[k] ? &fmts[k] : NULL, res, i, cols[k], &v);
            strbuf_addf(r->html, "<td%s>", num ? " class=\"num\"" : "");
            html_escape(r->html, v.buf);
            strbuf_addstr(r->html, "</td>");
            strbuf_release(&v);
        }
        strbuf_addstr(r->html, "</tr>\n");
    }
    strbuf_addstr(r->html, "</tbody></table></div>");
    if (res->nrows > MAX_TABLE_ROWS || res->truncated)
        strbuf_addf(r->html, "<p class=\"dt-note\">first %d of %llu rows</p>",
                    (int)(res->nrows < MAX_TABLE_ROWS ? res->nrows : MAX_TABLE_ROWS),
                    (unsigned long long)res->total_rows);
    strbuf_addstr(r->html, "</div>\n");
    for (k = 0; k < ncols; k++)
        free(titles[k]);
    free(titles);
    free(title);
    free(cols);
    free(fmts);
    free(has_fmt);
}

struct option {
    char *value, *label;
};

static void options_free(struct option *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].value);
        free(v[i].label);
    }
    free(v);
}

/* A dropdown's options: its <DropdownOption>s, then the distinct values of its query. */
static int dropdown_options(struct render *r, const struct dash_component *c, struct option **out,
                            size_t *nout)
{
    struct option *v = NULL;
    size_t n = 0, alloc = 0, i, k;
    const char *value = dash_attr(c, "value"), *label = dash_attr(c, "label");

    for (i = 0; i < c->nchildren; i++) {
        const struct dash_component *o = &c->children[i];
        const char *ov;
        if (strcmp(o->name, "DropdownOption")) {
            problem(r, o->line, o->col, 0,
                    "<%s> inside <Dropdown> is not known: use <DropdownOption value=... />",
                    o->name);
            continue;
        }
        check_attrs(r, o, option_attrs, ARRAY_SIZE(option_attrs));
        if (!(ov = dash_attr(o, "value"))) {
            problem(r, o->line, o->col, 0, "<DropdownOption> needs value=...");
            continue;
        }
        ALLOC_GROW(v, n + 1, alloc);
        v[n].value = xstrdup(ov);
        v[n].label = xstrdup(dash_attr(o, "valueLabel") ? dash_attr(o, "valueLabel") : ov);
        n++;
    }
    if (dash_attr(c, "data")) {
        const struct wh_result *res = component_data(r, c);
        int vc, lc;
        if (!res)
            goto fail;
        if (!value) {
            problem(r, c->line, c->col, 0, "<Dropdown data=...> needs value=COLUMN");
            goto fail;
        }
        if ((vc = column(r, c, "value", res, value)) < 0)
            goto fail;
        lc = label ? column(r, c, "label", res, label) : vc;
        if (lc < 0)
            goto fail;
        for (i = 0; i < res->nrows; i++) {
            struct strbuf sv = STRBUF_INIT, sl = STRBUF_INIT;
            if (wh_result_is_null(res, i, (size_t)vc))
                continue;
            strbuf_addstr(&sv, wh_result_text(res, i, (size_t)vc));
            for (k = 0; k < n; k++)
                if (!strcmp(v[k].value, sv.buf))
                    break;
            if (k < n) {
                strbuf_release(&sv);
                continue;
            }
            dash_fmt_cell(NULL, res, i, (size_t)lc, &sl);
            ALLOC_GROW(v, n + 1, alloc);
            v[n].value = strbuf_detach(&sv, NULL);
            v[n].label = strbuf_detach(&sl, NULL);
            n++;
        }
    }
    *out = v;
    *nout = n;
    return 0;
fail:
    options_free(v, n);
    return -1;
}

static const char *requested(struct render *r, const char *name)
{
    size_t i;

    for (i = 0; i < r->o->ninputs; i++)
        if (!strcmp(r->o->input_names[i], name))
            return r->o->input_values[i];
    return NULL;
}

/*
 * Settles a dropdown's value: the requested one when it is an option, else its defaultValue,
 * else the first option. Returns -1 when the requested value is not an option.
 */
static int settle_dropdown(struct render *r, const struct dash_component *c, int emit)
{
    const char *name = dash_attr(c, "name");
    struct option *opts = NULL;
    size_t nopts = 0, i, chosen = 0;
    const char *want, *def = dash_attr(c, "defaultValue");
    struct input *in;
    char *title;
    int ret = 0;

    if (emit)
        check_attrs(r, c, dropdown_attrs, ARRAY_SIZE(dropdown_attrs));
    if (!name || !*name) {
        if (emit)
            problem(r, c->line, c->col, 0,
                    "<Dropdown> needs name=NAME (used as ${inputs.NAME.value})");
        return 0;
    }
    if (!emit) {
        /* the first pass only needs the options; problems are reported by the second */
        struct strbuf discard = STRBUF_INIT, *keep = r->html;
        struct dash_render_report rep = {0}, *keep_rep = r->rep;
        struct dash_render_options o = *r->o;
        const struct dash_render_options *keep_o = r->o;
        o.on_problem = NULL;
        r->o = &o;
        r->html = &discard;
        r->rep = &rep;
        if (dropdown_options(r, c, &opts, &nopts) < 0)
            nopts = 0;
        r->o = keep_o;
        r->html = keep;
        r->rep = keep_rep;
        strbuf_release(&discard);
    } else if (dropdown_options(r, c, &opts, &nopts) < 0) {
        nopts = 0;
    }
    want = requested(r, name);
    if (want) {
        for (i = 0; i < nopts; i++)
            if (!strcmp(opts[i].value, want))
                break;
        if (i == nopts) {
            r->rep->bad_input = 1;
            error("'%s' is not an option of dropdown '%s'", want, name);
            ret = -1;
            goto out;
        }
        chosen = i;
    } else if (def) {
        for (i = 0; i < nopts; i++)
            if (!strcmp(opts[i].value, def))
                break;
        if (i < nopts)
            chosen = i;
        else if (emit)
            problem(r, c->line, c->col, 0,
                    "<Dropdown name=%s defaultValue=%s>: that is not one of its options", name,
                    def);
    }
    if (!(in = find_input(r, name, strlen(name)))) {
        ALLOC_GROW(r->inputs, r->ninputs + 1, r->inputs_alloc);
        in = &r->inputs[r->ninputs++];
        in->name = xstrdup(name);
        in->value = NULL;
        in->label = NULL;
    }
    free(in->value);
    free(in->label);
    in->value = xstrdup(nopts ? opts[chosen].value : "");
    in->label = xstrdup(nopts ? opts[chosen].label : "");
    if (!emit) {
        struct dash_dropdown *d;
        ALLOC_GROW(r->rep->dropdowns, r->rep->ndropdowns + 1, r->dropdowns_alloc);
        d = &r->rep->dropdowns[r->rep->ndropdowns++];
        d->name = xstrdup(name);
        d->nvalues = nopts;
        d->values = xcalloc(nopts ? nopts : 1, sizeof(char *));
        for (i = 0; i < nopts; i++)
            d->values[i] = xstrdup(opts[i].value);
        goto out;
    }
    title = attr_text(r, c, "title");
    strbuf_addstr(r->html, "<label class=\"dropdown\" data-component=\"Dropdown\">");
    if (title) {
        strbuf_addstr(r->html, "<span>");
        html_escape(r->html, title);
        strbuf_addstr(r->html, "</span>");
    }
    strbuf_addstr(r->html, "<select class=\"mdp-input\" name=\"");
    html_escape(r->html, name);
    strbuf_addstr(r->html, "\">");
    for (i = 0; i < nopts; i++) {
        strbuf_addstr(r->html, "<option value=\"");
        html_escape(r->html, opts[i].value);
        strbuf_addf(r->html, "\"%s>", i == chosen ? " selected" : "");
        html_escape(r->html, opts[i].label);
        strbuf_addstr(r->html, "</option>");
    }
    strbuf_addstr(r->html, "</select></label>\n");
    free(title);
out:
    options_free(opts, nopts);
    return ret;
}

static void render_query_block(struct render *r, size_t qi)
{
    const struct md_query *q = &r->page->queries[qi];
    struct strbuf msg = STRBUF_INIT;
    const struct wh_result *res;
    const char *error;

    res = run_query(r, qi, &error, &msg);
    if (!res) {
        problem(r, q->line, 1, 1, "query '%s' failed: %s", q->name, error);
    } else {
        strbuf_addstr(r->html, "<details class=\"query\"><summary>");
        html_escape(r->html, q->name);
        strbuf_addf(r->html, " <small>%llu row%s</small></summary><pre><code>",
                    (unsigned long long)res->total_rows, res->total_rows == 1 ? "" : "s");
        html_escape(r->html, q->sql);
        strbuf_addstr(r->html, "</code></pre></details>\n");
    }
    strbuf_release(&msg);
}

static void render_component(struct render *r, const struct dash_component *c)
{
    const char *best;

    if (!strcmp(c->name, "BigValue"))
        render_bigvalue(r, c);
    else if (!strcmp(c->name, "LineChart") || !strcmp(c->name, "AreaChart") ||
             !strcmp(c->name, "BarChart") || !strcmp(c->name, "ScatterPlot"))
        render_chart(r, c);
    else if (!strcmp(c->name, "DataTable"))
        render_datatable(r, c);
    else if (!strcmp(c->name, "Dropdown"))
        settle_dropdown(r, c, 1);
    else if ((best = str_closest(c->name, components, ARRAY_SIZE(components), 3)))
        problem(r, c->line, c->col, 0, "unknown component <%s> (did you mean <%s>?)", c->name,
                best);
    else
        problem(r, c->line, c->col, 0,
                "unknown component <%s>: mdp draws BigValue, LineChart, AreaChart, BarChart, "
                "ScatterPlot, DataTable and Dropdown",
                c->name);
}

static void page_head(struct render *r, const char *title, const char *root, int with_h1)
{
    size_t i;

    strbuf_addstr(r->html, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<meta name=\"viewport\" content=\"width=device-width, "
                           "initial-scale=1\"><link rel=\"icon\" href=\"data:,\"><title>");
    html_escape(r->html, title);
    strbuf_addf(r->html,
                "</title><link rel=\"stylesheet\" href=\"%s_mdp/dash.css\">"
                "<script src=\"%s_mdp/echarts.min.js\"></script></head>\n<body>\n"
                "<nav class=\"site-nav\"><a class=\"home\" href=\"%sindex.html\">Dashboards</a>",
                root, root, root);
    for (i = 0; i < r->o->nnav; i++) {
        const struct dash_nav_item *n = &r->o->nav[i];
        int here = r->o->page_name && !strcmp(n->name, r->o->page_name);
        strbuf_addf(r->html, "<a href=\"%s", root);
        html_escape(r->html, n->name);
        strbuf_addf(r->html, ".html\"%s>", here ? " aria-current=\"page\"" : "");
        html_escape(r->html, n->title);
        strbuf_addstr(r->html, "</a>");
    }
    strbuf_addstr(r->html, "</nav>\n<main>\n");
    if (with_h1) {
        strbuf_addstr(r->html, "<h1>");
        html_escape(r->html, title);
        strbuf_addstr(r->html, "</h1>\n");
    }
}

int dash_render_page(const struct dash_page *page, const struct dash_render_options *opts,
                     struct strbuf *html, struct dash_render_report *report)
{
    struct render r = {0};
    struct strbuf root = STRBUF_INIT, scratch = STRBUF_INIT, title = STRBUF_INIT;
    struct markdown_options mo;
    const char *p;
    size_t i;
    int ret = 0, heading_is_title = 0;

    memset(report, 0, sizeof(*report));
    r.page = page;
    r.o = opts;
    r.rep = report;
    r.html = &scratch;
    r.cache = opts->cache ? opts->cache : &r.own_cache;
    r.query_uses_input = xcalloc(page->nqueries ? page->nqueries : 1, sizeof(int));
    for (p = opts->page_name ? opts->page_name : ""; *p; p++)
        if (*p == '/')
            strbuf_addstr(&root, "../");
    mo.root = root.buf;

    /* first pass: the dropdowns, in page order, so that every query sees every input */
    for (i = 0; i < page->nblocks; i++)
        if (page->blocks[i].kind == DASH_BLOCK_COMPONENT &&
            !strcmp(page->blocks[i].component.name, "Dropdown") &&
            settle_dropdown(&r, &page->blocks[i].component, 0) < 0) {
            ret = -1;
            goto out;
        }

    /* the title: the front matter's, else a first "# heading" (shown once), else the name */
    if (page->title) {
        substitute_text(&r, page->title, &title);
    } else if (page->nblocks && page->blocks[0].kind == DASH_BLOCK_MARKDOWN &&
               !strncmp(page->blocks[0].text, "# ", 2)) {
        const char *h = page->blocks[0].text + 2;
        struct strbuf raw = STRBUF_INIT;
        strbuf_add(&raw, h, strcspn(h, "\n"));
        strbuf_trim(&raw);
        substitute_text(&r, raw.buf, &title);
        strbuf_release(&raw);
        heading_is_title = 1;
    } else {
        dash_title_case(&title, fs_basename(opts->page_name ? opts->page_name : "page"));
    }
    r.html = html;
    page_head(&r, title.buf, root.buf, !heading_is_title);
    for (i = 0; i < page->nblocks; i++) {
        const struct dash_block *b = &page->blocks[i];
        switch (b->kind) {
        case DASH_BLOCK_MARKDOWN: {
            struct strbuf text = STRBUF_INIT;
            substitute_text(&r, b->text, &text);
            markdown_to_html(text.buf, &mo, html);
            strbuf_release(&text);
            break;
        }
        case DASH_BLOCK_QUERY: render_query_block(&r, b->query); break;
        case DASH_BLOCK_COMPONENT: render_component(&r, &b->component); break;
        case DASH_BLOCK_PROBLEM: problem(&r, b->line, b->col, 0, "%s", b->text); break;
        }
    }
    for (i = 0; i < page->nqueries; i++)
        report->queries_with_inputs += r.query_uses_input[i] > 0;
    strbuf_addstr(html, "</main>\n<script type=\"application/json\" id=\"mdp-page\">");
    {
        struct json *j = json_new_object();
        struct json *combos = NULL;
        json_set_str(j, "page", opts->page_name ? opts->page_name : "");
        json_set_bool(j, "live", opts->live);
        if (opts->combos_json &&
            (combos = json_parse("combos", opts->combos_json, strlen(opts->combos_json))))
            json_set(j, "combos", combos);
        add_json_for_script(html, j);
        json_free(j);
    }
    strbuf_addf(html, "</script>\n<script src=\"%s_mdp/dash.js\"></script>\n</body></html>\n",
                root.buf);
out:
    for (i = 0; i < r.ninputs; i++) {
        free(r.inputs[i].name);
        free(r.inputs[i].value);
        free(r.inputs[i].label);
    }
    free(r.inputs);
    free(r.query_uses_input);
    dash_cache_release(&r.own_cache);
    strbuf_release(&root);
    strbuf_release(&scratch);
    strbuf_release(&title);
    return ret;
}
