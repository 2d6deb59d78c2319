/*
 * Growable strings (see strbuf.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xmalloc.h"

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
    sb->alloc = sb->len = 0;
    sb->buf = strbuf_slopbuf;
    if (hint)
        strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    char *res;

    strbuf_grow(sb, 0);
    res = sb->buf;
    if (len)
        *len = sb->len;
    strbuf_init(sb, 0);
    return res;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
    int fresh = !sb->alloc;

    if (sb->len + extra + 1 <= sb->len)
        xmalloc((size_t)-1);
    if (fresh)
        sb->buf = NULL;
    ALLOC_GROW(sb->buf, sb->len + extra + 1, sb->alloc);
    if (fresh)
        sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
    if (!sb->alloc)
        return;
    sb->len = len;
    sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
    if (!len)
        return;
    strbuf_grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
    strbuf_grow(sb, 1);
    sb->buf[sb->len++] = (char)c;
    sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
    strbuf_grow(sb, n);
    memset(sb->buf + sb->len, c, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    strbuf_grow(sb, 64);
    va_copy(cp, ap);
    n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    if ((size_t)n >= sb->alloc - sb->len) {
        strbuf_grow(sb, (size_t)n);
        n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
    }
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

static void add_quoted(struct strbuf *sb, const char *s, char q)
{
    strbuf_addch(sb, q);
    for (; *s; s++) {
        if (*s == q)
            strbuf_addch(sb, q);
        strbuf_addch(sb, *s);
    }
    strbuf_addch(sb, q);
}

void strbuf_add_sql_string(struct strbuf *sb, const char *s)
{
    add_quoted(sb, s, '\'');
}

void strbuf_add_sql_ident(struct strbuf *sb, const char *s)
{
    add_quoted(sb, s, '"');
}

void strbuf_rtrim(struct strbuf *sb)
{
    while (sb->len && isspace((unsigned char)sb->buf[sb->len - 1]))
        sb->len--;
    strbuf_setlen(sb, sb->len);
}

void strbuf_trim(struct strbuf *sb)
{
    size_t i = 0;

    strbuf_rtrim(sb);
    while (i < sb->len && isspace((unsigned char)sb->buf[i]))
        i++;
    if (i) {
        memmove(sb->buf, sb->buf + i, sb->len - i);
        strbuf_setlen(sb, sb->len - i);
    }
}

void strbuf_add_count(struct strbuf *sb, unsigned long long v)
{
    char digits[32];
    size_t n, i;

    snprintf(digits, sizeof(digits), "%llu", v);
    n = strlen(digits);
    for (i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            strbuf_addch(sb, ',');
        strbuf_addch(sb, digits[i]);
    }
}

void strbuf_add_xml(struct strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&': strbuf_addstr(sb, "&amp;"); break;
        case '<': strbuf_addstr(sb, "&lt;"); break;
        case '>': strbuf_addstr(sb, "&gt;"); break;
        case '"': strbuf_addstr(sb, "&quot;"); break;
        case '\'': strbuf_addstr(sb, "&apos;"); break;
        case '\n': strbuf_addstr(sb, "&#10;"); break;
        case '\t': strbuf_addstr(sb, "&#9;"); break;
        case '\r': strbuf_addstr(sb, "&#13;"); break;
        default:
            if (c >= 0x20)
                strbuf_addch(sb, (char)c);
        }
    }
}
