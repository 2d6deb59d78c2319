/*
 * A growable string, after git's strbuf: `buf` is never NULL and always NUL-terminated.
 *
 *   struct strbuf sb = STRBUF_INIT;
 *   strbuf_addf(&sb, "%d rows", n);
 *   char *s = strbuf_detach(&sb, NULL);   // the caller owns s
 */
#ifndef MDP_STRBUF_H
#define MDP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    size_t alloc;
    size_t len;
    char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT                                                                                \
    {                                                                                              \
        0, 0, strbuf_slopbuf                                                                       \
    }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the contents; the strbuf is empty and usable again. */
void strbuf_release(struct strbuf *sb);
/* Hands the string to the caller (free() it); the strbuf is reset. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends v with thousands separators: 35737 -> "35,737". */
void strbuf_add_count(struct strbuf *sb, unsigned long long v);
/* Appends s with SQL single quotes ('it''s'). */
void strbuf_add_sql_string(struct strbuf *sb, const char *s);
/* Appends s as a double-quoted SQL identifier ("my ""col"""). */
void strbuf_add_sql_ident(struct strbuf *sb, const char *s);
void strbuf_trim(struct strbuf *sb);
void strbuf_rtrim(struct strbuf *sb);

/* XML text or attribute value (NULL: nothing): escapes markup, drops what XML 1.0 forbids. */
void strbuf_add_xml(struct strbuf *sb, const char *s);

#endif
