/*
 * Reading a dashboard page: front matter, markdown, query blocks and components (page.h).
 */
#include <ctype.h>
#include <string.h>

#include "catalog/sqlscan.h"
#include "dash/page.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* Deeper nesting of components is read as a problem, so the parser's stack stays small. */
#define MAX_DEPTH 8

struct parser {
    const char *text;
    size_t pos;
    int line;          /* of pos */
    size_t line_start; /* offset of the line pos is on */
    struct dash_page *page;
    size_t blocks_alloc, queries_alloc;
    struct strbuf md;
    int md_line;
};

static void advance(struct parser *ps, size_t n)
{
    while (n-- && ps->text[ps->pos]) {
        if (ps->text[ps->pos] == '\n') {
            ps->line++;
            ps->line_start = ps->pos + 1;
        }
        ps->pos++;
    }
}

static int col_of(const struct parser *ps)
{
    return (int)(ps->pos - ps->line_start) + 1;
}

static struct dash_block *add_block(struct parser *ps, enum dash_block_kind kind, int line, int col)
{
    struct dash_page *pg = ps->page;
    struct dash_block *b;

    ALLOC_GROW(pg->blocks, pg->nblocks + 1, ps->blocks_alloc);
    b = &pg->blocks[pg->nblocks++];
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    b->line = line;
    b->col = col;
    return b;
}

static void problem(struct parser *ps, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void problem(struct parser *ps, int line, int col, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    add_block(ps, DASH_BLOCK_PROBLEM, line, col)->text = strbuf_detach(&sb, NULL);
}

static void flush_markdown(struct parser *ps)
{
    size_t i;

    for (i = 0; i < ps->md.len; i++)
        if (!isspace((unsigned char)ps->md.buf[i]))
            break;
    if (i < ps->md.len)
        add_block(ps, DASH_BLOCK_MARKDOWN, ps->md_line, 1)->text = strbuf_detach(&ps->md, NULL);
    strbuf_reset(&ps->md);
}

static void add_markdown_line(struct parser *ps, const char *p, size_t len)
{
    if (!ps->md.len)
        ps->md_line = ps->line;
    strbuf_add(&ps->md, p, len);
    strbuf_addch(&ps->md, '\n');
}

/* Length of the current line without its end; *next is where the next line starts. */
static size_t line_len(const struct parser *ps, size_t *next)
{
    const char *p = ps->text + ps->pos, *eol = strchrnul(p, '\n');
    size_t len = (size_t)(eol - p);

    *next = (size_t)(eol - ps->text) + (*eol ? 1 : 0);
    if (len && p[len - 1] == '\r')
        len--;
    return len;
}

/* The offset after "```" when the line is a fence (up to three spaces before it), else 0. */
static size_t fence(const char *p, size_t len)
{
    size_t i = 0;

    while (i < 3 && i < len && p[i] == ' ')
        i++;
    return len - i >= 3 && !strncmp(p + i, "```", 3) ? i + 3 : 0;
}

static void skip_line(struct parser *ps)
{
    size_t next;

    line_len(ps, &next);
    advance(ps, next - ps->pos);
}

static void front_matter(struct parser *ps)
{
    const char *t = ps->text;
    size_t next, len;

    if (strncmp(t, "---\n", 4) && strncmp(t, "---\r\n", 5))
        return;
    skip_line(ps);
    while (t[ps->pos]) {
        const char *p = t + ps->pos;
        len = line_len(ps, &next);
        if (len >= 3 && !strncmp(p, "---", 3) && len == 3) {
            advance(ps, next - ps->pos);
            return;
        }
        if (len > 6 && !strncmp(p, "title:", 6)) {
            const char *v = p + 6, *end = p + len;
            while (v < end && isspace((unsigned char)*v))
                v++;
            while (end > v && isspace((unsigned char)end[-1]))
                end--;
            if (end - v >= 2 && (*v == '"' || *v == '\'') && end[-1] == *v) {
                v++;
                end--;
            }
            free(ps->page->title);
            ps->page->title = xstrndup(v, (size_t)(end - v));
        }
        advance(ps, next - ps->pos);
    }
}

static int is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' || c == ':';
}

static void skip_space(struct parser *ps)
{
    while (ps->text[ps->pos] && isspace((unsigned char)ps->text[ps->pos]))
        advance(ps, 1);
}

/* Reads {...} at pos (balanced, quotes respected) into value without the outer braces. */
static int read_braced(struct parser *ps, struct strbuf *value)
{
    int depth = 0;
    char quote = 0;

    for (;;) {
        char c = ps->text[ps->pos];
        if (!c)
            return -1;
        advance(ps, 1);
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'' || c == '`') {
            quote = c;
        } else if (c == '{') {
            if (depth++ == 0)
                continue;
        } else if (c == '}') {
            if (--depth == 0)
                return 0;
        }
        strbuf_addch(value, c);
    }
}

static void component_release(struct dash_component *c)
{
    size_t i;

    for (i = 0; i < c->nattrs; i++) {
        free(c->attrs[i].name);
        free(c->attrs[i].value);
    }
    free(c->attrs);
    for (i = 0; i < c->nchildren; i++)
        component_release(&c->children[i]);
    free(c->children);
    free(c->name);
    memset(c, 0, sizeof(*c));
}

/*
 * Reads a tag at pos ('<' and a name). Returns 1 when it closed with "/>", 0 when with ">"
 * (content follows), -1 after a problem (pos then is past what was read).
 */
static int read_tag(struct parser *ps, struct dash_component *c)
{
    size_t attrs_alloc = 0, start;
    int line = ps->line, col = col_of(ps);

    memset(c, 0, sizeof(*c));
    c->line = line;
    c->col = col;
    advance(ps, 1);
    start = ps->pos;
    while (is_name_char(ps->text[ps->pos]))
        advance(ps, 1);
    c->name = xstrndup(ps->text + start, ps->pos - start);
    for (;;) {
        struct strbuf value = STRBUF_INIT;
        struct dash_attr *a;
        char ch;

        skip_space(ps);
        ch = ps->text[ps->pos];
        if (!ch) {
            problem(ps, line, col, "<%s> is not closed: end it with /> or >", c->name);
            return -1;
        }
        if (ch == '/' && ps->text[ps->pos + 1] == '>') {
            advance(ps, 2);
            return 1;
        }
        if (ch == '>') {
            advance(ps, 1);
            return 0;
        }
        if (!is_name_char(ch)) {
            problem(ps, ps->line, col_of(ps),
                    "unexpected '%c' in <%s>: attributes are name=value, name=\"text\" or "
                    "name={query}",
                    ch, c->name);
            /* resynchronise at the end of the tag */
            while (ps->text[ps->pos] && ps->text[ps->pos] != '>')
                advance(ps, 1);
            advance(ps, 1);
            return -1;
        }
        ALLOC_GROW(c->attrs, c->nattrs + 1, attrs_alloc);
        a = &c->attrs[c->nattrs++];
        memset(a, 0, sizeof(*a));
        a->line = ps->line;
        a->col = col_of(ps);
        start = ps->pos;
        while (is_name_char(ps->text[ps->pos]))
            advance(ps, 1);
        a->name = xstrndup(ps->text + start, ps->pos - start);
        skip_space(ps);
        if (ps->text[ps->pos] != '=') {
            a->value = xstrdup("true");
            continue;
        }
        advance(ps, 1);
        skip_space(ps);
        ch = ps->text[ps->pos];
        if (ch == '"' || ch == '\'') {
            advance(ps, 1);
            while (ps->text[ps->pos] && ps->text[ps->pos] != ch) {
                strbuf_addch(&value, ps->text[ps->pos]);
                advance(ps, 1);
            }
            if (!ps->text[ps->pos]) {
                strbuf_release(&value);
                a->value = xstrdup("");
                problem(ps, a->line, a->col, "the value of %s in <%s> has no closing %c", a->name,
                        c->name, ch);
                return -1;
            }
            advance(ps, 1);
        } else if (ch == '{') {
            a->braced = 1;
            if (read_braced(ps, &value) < 0) {
                strbuf_release(&value);
                a->value = xstrdup("");
                problem(ps, a->line, a->col, "the value of %s in <%s> has no closing }", a->name,
                        c->name);
                return -1;
            }
            strbuf_trim(&value);
        } else {
            while (ps->text[ps->pos] && !isspace((unsigned char)ps->text[ps->pos]) &&
                   ps->text[ps->pos] != '>' &&
                   !(ps->text[ps->pos] == '/' && ps->text[ps->pos + 1] == '>')) {
                strbuf_addch(&value, ps->text[ps->pos]);
                advance(ps, 1);
            }
        }
        a->value = strbuf_detach(&value, NULL);
    }
}

/* Reads a component at pos, with its children when it is not self-closing. 0 or -1. */
static int read_component(struct parser *ps, struct dash_component *c, int depth)
{
    size_t children_alloc = 0;
    int r = read_tag(ps, c);

    if (r != 0)
        return r < 0 ? -1 : 0;
    for (;;) {
        const char *p;

        skip_space(ps);
        p = ps->text + ps->pos;
        if (!*p) {
            problem(ps, c->line, c->col, "<%s> has no closing </%s>", c->name, c->name);
            return -1;
        }
        if (!strncmp(p, "</", 2)) {
            size_t n = strcspn(p + 2, ">");
            int ok = n == strlen(c->name) && !strncmp(p + 2, c->name, n);
            int line = ps->line, col = col_of(ps);
            advance(ps, n + 3);
            if (!ok) {
                problem(ps, line, col, "</%.*s> closes <%s> (line %d): write </%s>", (int)n, p + 2,
                        c->name, c->line, c->name);
                return -1;
            }
            return 0;
        }
        if (*p == '<' && isupper((unsigned char)p[1]) && depth < MAX_DEPTH) {
            struct dash_component child;
            if (read_component(ps, &child, depth + 1) < 0) {
                component_release(&child);
                return -1;
            }
            ALLOC_GROW(c->children, c->nchildren + 1, children_alloc);
            c->children[c->nchildren++] = child;
            continue;
        }
        {
            int line = ps->line, col = col_of(ps);
            size_t n = strcspn(p, "<\n");
            problem(ps, line, col, "text inside <%s> is ignored: '%.*s'", c->name,
                    (int)(n > 40 ? 40 : n), p);
            advance(ps, n ? n : 1);
        }
    }
}

static char *query_sql(const char *sql)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_addstr(&sb, sql ? sql : "");
    strbuf_rtrim(&sb);
    while (sb.len && sb.buf[sb.len - 1] == ';') {
        strbuf_setlen(&sb, sb.len - 1);
        strbuf_rtrim(&sb);
    }
    return strbuf_detach(&sb, NULL);
}

void dash_page_parse(const char *text, struct dash_page *out)
{
    struct parser ps = {0};
    struct md_query *q;
    size_t nq, qi = 0, next, len;
    int in_code = 0;

    memset(out, 0, sizeof(*out));
    if (!text)
        text = "";
    ps.text = text;
    ps.line = 1;
    ps.page = out;
    strbuf_init(&ps.md, 0);
    nq = md_sql_blocks(text, &q);
    front_matter(&ps);
    while (text[ps.pos]) {
        const char *p = text + ps.pos;
        size_t f, i;

        len = line_len(&ps, &next);
        f = fence(p, len);
        while (qi < nq && q[qi].line < ps.line)
            qi++;
        if (in_code) {
            add_markdown_line(&ps, p, len);
            for (i = f; f && i < len && isspace((unsigned char)p[i]); i++)
                ;
            if (f && i == len)
                in_code = 0;
            advance(&ps, next - ps.pos);
            continue;
        }
        if (f && qi < nq && q[qi].line == ps.line) {
            flush_markdown(&ps);
            if (q[qi].name) {
                struct md_query *dq;
                ALLOC_GROW(out->queries, out->nqueries + 1, ps.queries_alloc);
                dq = &out->queries[out->nqueries];
                dq->name = xstrdup(q[qi].name);
                dq->sql = query_sql(q[qi].sql);
                dq->line = q[qi].line;
                add_block(&ps, DASH_BLOCK_QUERY, ps.line, 1)->query = out->nqueries++;
            } else {
                problem(&ps, ps.line, 1,
                        "this sql block has no name: write ```sql NAME so components can use "
                        "it as data={NAME}");
            }
            /* to the closing fence (md_sql_blocks() ends the block at the next fence) */
            advance(&ps, next - ps.pos);
            while (text[ps.pos]) {
                len = line_len(&ps, &next);
                f = fence(text + ps.pos, len);
                advance(&ps, next - ps.pos);
                if (f)
                    break;
            }
            qi++;
            continue;
        }
        if (f) {
            in_code = 1;
            add_markdown_line(&ps, p, len);
            advance(&ps, next - ps.pos);
            continue;
        }
        for (i = 0; i < 3 && i < len && p[i] == ' '; i++)
            ;
        if (p[i] == '<' && isupper((unsigned char)p[i + 1])) {
            struct dash_component c;
            int line = ps.line, col;
            flush_markdown(&ps);
            advance(&ps, i);
            col = col_of(&ps);
            if (read_component(&ps, &c, 0) == 0) {
                struct dash_block *b = add_block(&ps, DASH_BLOCK_COMPONENT, line, col);
                b->component = c;
            } else {
                component_release(&c);
            }
            /* the rest of the tag's last line is markdown when it holds anything */
            len = line_len(&ps, &next);
            for (i = 0; i < len && isspace((unsigned char)text[ps.pos + i]); i++)
                ;
            if (i == len)
                advance(&ps, next - ps.pos);
            else if (ps.pos != ps.line_start) {
                add_markdown_line(&ps, text + ps.pos, len);
                advance(&ps, next - ps.pos);
            }
            continue;
        }
        if (i + 1 < len && p[i] == '<' && p[i + 1] == '/' && isupper((unsigned char)p[i + 2])) {
            flush_markdown(&ps);
            problem(&ps, ps.line, (int)i + 1, "'%.*s' closes no open component", (int)(len - i),
                    p + i);
            advance(&ps, next - ps.pos);
            continue;
        }
        add_markdown_line(&ps, p, len);
        advance(&ps, next - ps.pos);
    }
    flush_markdown(&ps);
    strbuf_release(&ps.md);
    md_queries_free(q, nq);
}

void dash_page_release(struct dash_page *p)
{
    size_t i;

    for (i = 0; i < p->nblocks; i++) {
        free(p->blocks[i].text);
        component_release(&p->blocks[i].component);
    }
    free(p->blocks);
    md_queries_free(p->queries, p->nqueries);
    free(p->title);
    memset(p, 0, sizeof(*p));
}

const struct dash_attr *dash_attr_find(const struct dash_component *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->nattrs; i++)
        if (!strcmp(c->attrs[i].name, name))
            return &c->attrs[i];
    return NULL;
}

const char *dash_attr(const struct dash_component *c, const char *name)
{
    const struct dash_attr *a = dash_attr_find(c, name);

    return a ? a->value : NULL;
}
