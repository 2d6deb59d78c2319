/*
 * A small markdown renderer for dashboard pages (markdown.h). Line-based: each block kind is
 * recognised by its first line, inline markup by a left-to-right scan.
 */
#include <ctype.h>
#include <string.h>

#include "dash/markdown.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

void html_escape_n(struct strbuf *html, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n && s[i]; i++) {
        switch (s[i]) {
        case '&': strbuf_addstr(html, "&amp;"); break;
        case '<': strbuf_addstr(html, "&lt;"); break;
        case '>': strbuf_addstr(html, "&gt;"); break;
        case '"': strbuf_addstr(html, "&quot;"); break;
        case '\'': strbuf_addstr(html, "&#39;"); break;
        default: strbuf_addch(html, s[i]);
        }
    }
}

void html_escape(struct strbuf *html, const char *s)
{
    html_escape_n(html, s, s ? strlen(s) : 0);
}

/* Appends an href or src: site links rewritten, script URLs dropped. */
static void add_url(struct strbuf *html, const char *u, size_t n, const char *root)
{
    struct strbuf url = STRBUF_INIT;
    size_t i;

    strbuf_add(&url, u, n);
    strbuf_trim(&url);
    for (i = 0; i < url.len && url.buf[i] != ':' && url.buf[i] != '/'; i++)
        ;
    if (i < url.len && url.buf[i] == ':' && strncasecmp(url.buf, "http", 4) &&
        strncasecmp(url.buf, "mailto", 6)) {
        strbuf_release(&url);
        strbuf_addch(html, '#');
        return;
    }
    if (url.buf[0] == '/' && url.buf[1] != '/') {
        size_t path_len = strcspn(url.buf, "?#");
        const char *last = url.buf;
        for (i = 0; i < path_len; i++)
            if (url.buf[i] == '/')
                last = url.buf + i + 1;
        html_escape(html, root);
        while (path_len > 1 && url.buf[path_len - 1] == '/')
            path_len--;
        if (path_len <= 1)
            strbuf_addstr(html, "index.html");
        else if (!memchr(last, '.', (size_t)(url.buf + path_len - last))) {
            html_escape_n(html, url.buf + 1, path_len - 1);
            strbuf_addstr(html, ".html");
        } else
            html_escape_n(html, url.buf + 1, path_len - 1);
        html_escape(html, url.buf + strcspn(url.buf, "?#"));
    } else {
        html_escape(html, url.buf);
    }
    strbuf_release(&url);
}

/* The offset of the closing delimiter d (length dn) in s[0..n), or n. */
static size_t find(const char *s, size_t n, const char *d, size_t dn)
{
    size_t i;

    for (i = 0; i + dn <= n; i++)
        if (!strncmp(s + i, d, dn))
            return i;
    return n;
}

static void inline_html(struct strbuf *html, const char *s, size_t n, const char *root, int depth)
{
    size_t i = 0;

    while (i < n) {
        char c = s[i];
        size_t end;

        if (c == '\\' && i + 1 < n && ispunct((unsigned char)s[i + 1])) {
            html_escape_n(html, s + i + 1, 1);
            i += 2;
            continue;
        }
        if (c == '`') {
            end = find(s + i + 1, n - i - 1, "`", 1);
            if (end < n - i - 1) {
                strbuf_addstr(html, "<code>");
                html_escape_n(html, s + i + 1, end);
                strbuf_addstr(html, "</code>");
                i += end + 2;
                continue;
            }
        }
        if (depth < 8 && (c == '*' || c == '_') && i + 1 < n && s[i + 1] == c) {
            char d[2] = {c, c};
            end = find(s + i + 2, n - i - 2, d, 2);
            if (end && end < n - i - 2) {
                strbuf_addstr(html, "<strong>");
                inline_html(html, s + i + 2, end, root, depth + 1);
                strbuf_addstr(html, "</strong>");
                i += end + 4;
                continue;
            }
        }
        if (depth < 8 && c == '*' && i + 1 < n && !isspace((unsigned char)s[i + 1])) {
            end = find(s + i + 1, n - i - 1, "*", 1);
            if (end && end < n - i - 1) {
                strbuf_addstr(html, "<em>");
                inline_html(html, s + i + 1, end, root, depth + 1);
                strbuf_addstr(html, "</em>");
                i += end + 2;
                continue;
            }
        }
        if (depth < 8 && (c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '['))) {
            size_t open = c == '!' ? i + 1 : i;
            size_t close = open + 1 + find(s + open + 1, n - open - 1, "]", 1);
            if (close + 1 < n && s[close + 1] == '(') {
                size_t paren = close + 2 + find(s + close + 2, n - close - 2, ")", 1);
                if (paren < n) {
                    if (c == '!') {
                        strbuf_addstr(html, "<img src=\"");
                        add_url(html, s + close + 2, paren - close - 2, root);
                        strbuf_addstr(html, "\" alt=\"");
                        html_escape_n(html, s + open + 1, close - open - 1);
                        strbuf_addstr(html, "\">");
                    } else {
                        strbuf_addstr(html, "<a href=\"");
                        add_url(html, s + close + 2, paren - close - 2, root);
                        strbuf_addstr(html, "\">");
                        inline_html(html, s + open + 1, close - open - 1, root, depth + 1);
                        strbuf_addstr(html, "</a>");
                    }
                    i = paren + 1;
                    continue;
                }
            }
        }
        html_escape_n(html, s + i, 1);
        i++;
    }
}

struct line {
    const char *s;
    size_t len;
};

static size_t indent_of(const struct line *l)
{
    size_t i = 0;

    while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
        i++;
    return i;
}

static int is_blank(const struct line *l)
{
    return indent_of(l) == l->len;
}

/* The length of a list marker ("- ", "1. ") at the line's start after indentation, else 0. */
static size_t list_marker(const struct line *l, int *ordered)
{
    size_t i = indent_of(l), j = i;

    if (i + 1 < l->len && strchr("-*+", l->s[i]) && l->s[i + 1] == ' ') {
        *ordered = 0;
        return i + 2;
    }
    while (j < l->len && isdigit((unsigned char)l->s[j]) && j - i < 9)
        j++;
    if (j > i && j + 1 < l->len && (l->s[j] == '.' || l->s[j] == ')') && l->s[j + 1] == ' ') {
        *ordered = 1;
        return j + 2;
    }
    return 0;
}

static int is_rule(const struct line *l)
{
    size_t i = indent_of(l), n = 0;
    char c = i < l->len ? l->s[i] : 0;

    if (c != '-' && c != '*' && c != '_')
        return 0;
    for (; i < l->len; i++) {
        if (l->s[i] == c)
            n++;
        else if (l->s[i] != ' ')
            return 0;
    }
    return n >= 3;
}

static size_t heading_level(const struct line *l)
{
    size_t i = indent_of(l), n = 0;

    while (i + n < l->len && l->s[i + n] == '#')
        n++;
    if (n < 1 || n > 6 || (i + n < l->len && l->s[i + n] != ' '))
        return 0;
    return n;
}

static int is_fence(const struct line *l)
{
    size_t i = indent_of(l);

    return i <= 3 && l->len - i >= 3 && !strncmp(l->s + i, "```", 3);
}

static int is_table_row(const struct line *l)
{
    size_t i = indent_of(l);

    return i < l->len && l->s[i] == '|';
}

static int is_table_separator(const struct line *l)
{
    size_t i;
    int dash = 0;

    if (!is_table_row(l))
        return 0;
    for (i = 0; i < l->len; i++) {
        if (l->s[i] == '-')
            dash = 1;
        else if (!strchr("|: \t", l->s[i]))
            return 0;
    }
    return dash;
}

/* Appends the cells of a pipe-table row as <th> or <td>. */
static void table_row(struct strbuf *html, const struct line *l, const char *tag, const char *root)
{
    const char *p = l->s + indent_of(l), *end = l->s + l->len;

    if (p < end && *p == '|')
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (end > p && end[-1] == '|')
        end--;
    strbuf_addstr(html, "<tr>");
    while (p <= end) {
        const char *bar = p;
        while (bar < end && !(*bar == '|' && (bar == p || bar[-1] != '\\')))
            bar++;
        {
            const char *a = p, *b = bar;
            while (a < b && isspace((unsigned char)*a))
                a++;
            while (b > a && isspace((unsigned char)b[-1]))
                b--;
            strbuf_addf(html, "<%s>", tag);
            inline_html(html, a, (size_t)(b - a), root, 0);
            strbuf_addf(html, "</%s>", tag);
        }
        if (bar >= end)
            break;
        p = bar + 1;
    }
    strbuf_addstr(html, "</tr>\n");
}

/* Paragraph text: the lines joined with spaces, inline markup applied. */
static void paragraph(struct strbuf *html, const struct line *lines, size_t n, const char *root)
{
    struct strbuf text = STRBUF_INIT;
    size_t i;

    for (i = 0; i < n; i++) {
        struct line l = lines[i];
        size_t ind = indent_of(&l);
        if (text.len)
            strbuf_addch(&text, ' ');
        strbuf_add(&text, l.s + ind, l.len - ind);
    }
    strbuf_rtrim(&text);
    inline_html(html, text.buf, text.len, root, 0);
    strbuf_release(&text);
}

void markdown_to_html(const char *text, const struct markdown_options *opts, struct strbuf *html)
{
    const char *root = opts && opts->root ? opts->root : "";
    struct line *lines = NULL;
    size_t n = 0, alloc = 0, i = 0, j;
    const char *p = text ? text : "";

    while (*p) {
        const char *eol = strchrnul(p, '\n');
        size_t len = (size_t)(eol - p);
        if (len && p[len - 1] == '\r')
            len--;
        ALLOC_GROW(lines, n + 1, alloc);
        lines[n].s = p;
        lines[n].len = len;
        n++;
        p = *eol ? eol + 1 : eol;
    }
    while (i < n) {
        struct line *l = &lines[i];
        size_t level, ind;
        int ordered;

        if (is_blank(l)) {
            i++;
            continue;
        }
        ind = indent_of(l);
        if (is_fence(l)) {
            const char *lang = l->s + ind + 3;
            size_t lang_len = l->len - ind - 3;
            while (lang_len && *lang == ' ') {
                lang++;
                lang_len--;
            }
            strbuf_addstr(html, "<pre><code");
            if (lang_len) {
                strbuf_addstr(html, " class=\"language-");
                html_escape_n(html, lang,
                              strcspn(lang, " \t") < lang_len ? strcspn(lang, " \t") : lang_len);
                strbuf_addch(html, '"');
            }
            strbuf_addch(html, '>');
            for (i++; i < n && !is_fence(&lines[i]); i++) {
                html_escape_n(html, lines[i].s, lines[i].len);
                strbuf_addch(html, '\n');
            }
            strbuf_addstr(html, "</code></pre>\n");
            i++;
            continue;
        }
        if ((level = heading_level(l))) {
            const char *h = l->s + ind + level;
            size_t hl = l->len - ind - level;
            while (hl && *h == ' ') {
                h++;
                hl--;
            }
            while (hl && (h[hl - 1] == '#' || h[hl - 1] == ' '))
                hl--;
            strbuf_addf(html, "<h%zu>", level);
            inline_html(html, h, hl, root, 0);
            strbuf_addf(html, "</h%zu>\n", level);
            i++;
            continue;
        }
        if (is_rule(l)) {
            strbuf_addstr(html, "<hr>\n");
            i++;
            continue;
        }
        if (is_table_row(l) && i + 1 < n && is_table_separator(&lines[i + 1])) {
            strbuf_addstr(html, "<div class=\"table-wrap\"><table class=\"md\">\n<thead>");
            table_row(html, l, "th", root);
            strbuf_addstr(html, "</thead>\n<tbody>\n");
            for (i += 2; i < n && is_table_row(&lines[i]); i++)
                table_row(html, &lines[i], "td", root);
            strbuf_addstr(html, "</tbody></table></div>\n");
            continue;
        }
        if (l->s[ind] == '>') {
            struct line *q = NULL;
            size_t nq = 0, qa = 0;
            for (; i < n && !is_blank(&lines[i]) && lines[i].s[indent_of(&lines[i])] == '>'; i++) {
                size_t k = indent_of(&lines[i]) + 1;
                ALLOC_GROW(q, nq + 1, qa);
                if (k < lines[i].len && lines[i].s[k] == ' ')
                    k++;
                q[nq].s = lines[i].s + k;
                q[nq].len = lines[i].len - k;
                nq++;
            }
            strbuf_addstr(html, "<blockquote><p>");
            paragraph(html, q, nq, root);
            strbuf_addstr(html, "</p></blockquote>\n");
            free(q);
            continue;
        }
        if (list_marker(l, &ordered)) {
            int kind = ordered;
            strbuf_addstr(html, ordered ? "<ol>\n" : "<ul>\n");
            while (i < n && (j = list_marker(&lines[i], &ordered)) && ordered == kind) {
                struct line first = {lines[i].s + j, lines[i].len - j};
                size_t k = i + 1;
                /* continuation lines: indented, not a new item */
                while (k < n && !is_blank(&lines[k]) && indent_of(&lines[k]) > 0 &&
                       !list_marker(&lines[k], &ordered))
                    k++;
                strbuf_addstr(html, "<li>");
                paragraph(html, &first, 1, root);
                if (k > i + 1) {
                    strbuf_addch(html, ' ');
                    paragraph(html, &lines[i + 1], k - i - 1, root);
                }
                strbuf_addstr(html, "</li>\n");
                i = k;
                while (i < n && is_blank(&lines[i]) && i + 1 < n &&
                       list_marker(&lines[i + 1], &ordered) && ordered == kind)
                    i++;
            }
            strbuf_addstr(html, kind ? "</ol>\n" : "</ul>\n");
            continue;
        }
        for (j = i + 1; j < n; j++) {
            struct line *m = &lines[j];
            if (is_blank(m) || heading_level(m) || is_fence(m) || is_rule(m) ||
                list_marker(m, &ordered) || m->s[indent_of(m)] == '>' ||
                (is_table_row(m) && j + 1 < n && is_table_separator(&lines[j + 1])))
                break;
        }
        strbuf_addstr(html, "<p>");
        paragraph(html, l, j - i, root);
        strbuf_addstr(html, "</p>\n");
        i = j;
    }
    free(lines);
}
