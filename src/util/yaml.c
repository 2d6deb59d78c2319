/*
 * libyaml's event parser turned into a tree, and a block-style emitter for files we write back
 * (sources.yml), keeping the order of keys and items.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

struct yaml_node *yaml_new(enum yaml_type type, const char *value)
{
    struct yaml_node *n = xcalloc(1, sizeof(*n));

    n->type = type;
    if (value)
        n->value = xstrdup(value);
    return n;
}

static void add_child(struct yaml_node *parent, struct yaml_node *key, struct yaml_node *item)
{
    size_t a = parent->alloc;

    ALLOC_GROW(parent->items, parent->n + 1, parent->alloc);
    if (parent->type == YAML_MAP)
        ALLOC_GROW(parent->keys, parent->n + 1, a);
    if (parent->type == YAML_MAP)
        parent->keys[parent->n] = key;
    parent->items[parent->n++] = item;
}

void yaml_seq_add(struct yaml_node *seq, struct yaml_node *item)
{
    add_child(seq, NULL, item);
}

void yaml_map_set(struct yaml_node *map, const char *key, struct yaml_node *value)
{
    size_t i;

    for (i = 0; i < map->n; i++) {
        if (!strcmp(map->keys[i]->value, key)) {
            yaml_node_free(map->items[i]);
            map->items[i] = value;
            return;
        }
    }
    add_child(map, yaml_new(YAML_SCALAR, key), value);
}

void yaml_remove(struct yaml_node *node, size_t i)
{
    if (i >= node->n)
        return;
    yaml_node_free(node->items[i]);
    if (node->keys)
        yaml_node_free(node->keys[i]);
    memmove(node->items + i, node->items + i + 1, (node->n - i - 1) * sizeof(*node->items));
    if (node->keys)
        memmove(node->keys + i, node->keys + i + 1, (node->n - i - 1) * sizeof(*node->keys));
    node->n--;
}

void yaml_node_free(struct yaml_node *node)
{
    size_t i;

    if (!node)
        return;
    for (i = 0; i < node->n; i++) {
        if (node->keys)
            yaml_node_free(node->keys[i]);
        yaml_node_free(node->items[i]);
    }
    free(node->keys);
    free(node->items);
    free(node->value);
    free(node);
}

/* Parse state: a stack of open collections and a pending map key. */
struct parse {
    const char *name;
    yaml_parser_t parser;
    struct yaml_node **stack;
    size_t depth, alloc;
    struct yaml_node *root;
    struct yaml_node **pending_key; /* per depth: key waiting for its value */
    size_t pk_alloc;
};

static int attach(struct parse *p, struct yaml_node *n)
{
    struct yaml_node *top;

    if (!p->depth) {
        if (p->root) {
            yaml_node_free(n);
            return 0;
        }
        p->root = n;
        return 0;
    }
    top = p->stack[p->depth - 1];
    if (top->type == YAML_SEQ) {
        add_child(top, NULL, n);
        return 0;
    }
    if (!p->pending_key[p->depth - 1]) {
        if (n->type != YAML_SCALAR) {
            int ret =
                error("%s:%d:%d: a mapping key must be a plain value", p->name, n->line, n->col);
            yaml_node_free(n);
            return ret;
        }
        p->pending_key[p->depth - 1] = n;
        return 0;
    }
    add_child(top, p->pending_key[p->depth - 1], n);
    p->pending_key[p->depth - 1] = NULL;
    return 0;
}

static struct yaml_node *node_at(enum yaml_type t, const yaml_event_t *ev)
{
    struct yaml_node *n = yaml_new(t, NULL);
    n->line = (int)ev->start_mark.line + 1;
    n->col = (int)ev->start_mark.column + 1;
    return n;
}

int yaml_parse_string(const char *name, const char *text, size_t len, struct yaml_node **out)
{
    struct parse p;
    yaml_event_t ev;
    int ret = -1, done = 0;

    memset(&p, 0, sizeof(p));
    p.name = name;
    *out = NULL;
    if (!yaml_parser_initialize(&p.parser))
        return error("%s: cannot initialise the YAML parser", name);
    yaml_parser_set_input_string(&p.parser, (const unsigned char *)text, len);
    while (!done) {
        struct yaml_node *n;

        if (!yaml_parser_parse(&p.parser, &ev)) {
            size_t line = p.parser.problem_mark.line + 1, col = p.parser.problem_mark.column + 1;
            if (p.parser.error == YAML_READER_ERROR) {
                /* a reader error has an offset, not a mark */
                size_t i, off = p.parser.problem_offset < len ? p.parser.problem_offset : len;
                line = col = 1;
                for (i = 0; i < off; i++) {
                    if (text[i] == '\n') {
                        line++;
                        col = 1;
                    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                        col++;
                    }
                }
                error("%s:%zu:%zu: %s (byte 0x%02X); write it escaped in double quotes, e.g. "
                      "\"\\x%02X\"",
                      name, line, col, p.parser.problem ? p.parser.problem : "invalid character",
                      (unsigned)p.parser.problem_value & 0xff,
                      (unsigned)p.parser.problem_value & 0xff);
                goto out;
            }
            error("%s:%zu:%zu: %s%s%s", name, line, col,
                  p.parser.problem ? p.parser.problem : "invalid YAML", p.parser.context ? " " : "",
                  p.parser.context ? p.parser.context : "");
            goto out;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
        case YAML_DOCUMENT_END_EVENT: done = ev.type == YAML_STREAM_END_EVENT || p.root; break;
        case YAML_ALIAS_EVENT:
            error("%s:%zu:%zu: YAML aliases (*name) are not supported", name,
                  ev.start_mark.line + 1, ev.start_mark.column + 1);
            yaml_event_delete(&ev);
            goto out;
        case YAML_SCALAR_EVENT:
            n = node_at(YAML_SCALAR, &ev);
            n->value = xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
            if (attach(&p, n) < 0) {
                yaml_event_delete(&ev);
                goto out;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            n = node_at(ev.type == YAML_SEQUENCE_START_EVENT ? YAML_SEQ : YAML_MAP, &ev);
            if (attach(&p, n) < 0) {
                yaml_event_delete(&ev);
                goto out;
            }
            ALLOC_GROW(p.stack, p.depth + 1, p.alloc);
            ALLOC_GROW(p.pending_key, p.depth + 1, p.pk_alloc);
            p.stack[p.depth] = n;
            p.pending_key[p.depth] = NULL;
            p.depth++;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (p.depth) {
                p.depth--;
                yaml_node_free(p.pending_key[p.depth]);
                p.pending_key[p.depth] = NULL;
            }
            break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    *out = p.root;
    p.root = NULL;
    ret = 0;
out:
    while (p.depth) {
        p.depth--;
        yaml_node_free(p.pending_key[p.depth]);
    }
    yaml_node_free(p.root);
    free(p.stack);
    free(p.pending_key);
    yaml_parser_delete(&p.parser);
    return ret;
}

int yaml_parse_file(const char *path, struct yaml_node **out)
{
    struct strbuf sb = STRBUF_INIT;
    int ret;

    *out = NULL;
    if (fs_read_file(&sb, path) < 0)
        return -1;
    ret = yaml_parse_string(path, sb.buf, sb.len, out);
    strbuf_release(&sb);
    return ret;
}

int yaml_error_at(const char *name, const struct yaml_node *n, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    error("%s:%d:%d: %s", name, n ? n->line : 1, n ? n->col : 1, sb.buf);
    strbuf_release(&sb);
    return -1;
}

int yaml_check_keys(const char *name, const struct yaml_node *map, const char *const *known,
                    size_t n)
{
    size_t i, j;

    for (i = 0; map && map->type == YAML_MAP && i < map->n; i++) {
        const char *k = map->keys[i]->value, *near;
        struct strbuf list = STRBUF_INIT;
        int ok = 0;

        for (j = 0; j < n && !ok; j++)
            ok = !strcmp(k, known[j]);
        if (ok)
            continue;
        near = str_closest(k, known, n, 2);
        if (near)
            return yaml_error_at(name, map->keys[i], "unknown key '%s' (did you mean '%s'?)", k,
                                 near);
        for (j = 0; j < n; j++)
            strbuf_addf(&list, "%s%s", j ? ", " : "", known[j]);
        yaml_error_at(name, map->keys[i], "unknown key '%s' (known: %s)", k, list.buf);
        strbuf_release(&list);
        return -1;
    }
    return 0;
}

struct yaml_node *yaml_get(const struct yaml_node *map, const char *key)
{
    size_t i;

    if (!map || map->type != YAML_MAP)
        return NULL;
    for (i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i]->value, key))
            return map->items[i];
    return NULL;
}

const char *yaml_get_str(const struct yaml_node *map, const char *key)
{
    struct yaml_node *n = yaml_get(map, key);
    return n && n->type == YAML_SCALAR ? n->value : NULL;
}

int yaml_is_null(const struct yaml_node *n)
{
    if (!n)
        return 1;
    if (n->type != YAML_SCALAR || n->quoted)
        return 0;
    return !*n->value || !strcmp(n->value, "~") || !strcasecmp(n->value, "null");
}

int yaml_bool(const struct yaml_node *n)
{
    static const char *yes[] = {"true", "yes", "on"}, *no[] = {"false", "no", "off"};
    size_t i;

    if (!n || n->type != YAML_SCALAR)
        return -1;
    for (i = 0; i < 3; i++) {
        if (!strcasecmp(n->value, yes[i]))
            return 1;
        if (!strcasecmp(n->value, no[i]))
            return 0;
    }
    return -1;
}

const char *yaml_type_name(enum yaml_type t)
{
    return t == YAML_SCALAR ? "a value" : t == YAML_SEQ ? "a list" : "a mapping";
}

static int needs_quotes(const char *s)
{
    static const char *special = "-?:,[]{}#&*!|>'\"%@`";
    const char *p;

    if (!*s || isspace((unsigned char)*s) || strchr(special, *s))
        return 1;
    if (isspace((unsigned char)s[strlen(s) - 1]))
        return 1;
    for (p = s; *p; p++) {
        if ((*p == ':' && (p[1] == ' ' || !p[1])) || (*p == '#' && p > s && p[-1] == ' '))
            return 1;
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 1;
    }
    return 0;
}

static void emit_scalar(struct strbuf *sb, const struct yaml_node *n)
{
    const char *p;

    if (!n->quoted && !needs_quotes(n->value)) {
        strbuf_addstr(sb, n->value);
        return;
    }
    strbuf_addch(sb, '"');
    for (p = n->value; *p; p++) {
        if (*p == '"' || *p == '\\')
            strbuf_addch(sb, '\\');
        if (*p == '\n')
            strbuf_addstr(sb, "\\n");
        else if (*p == '\t')
            strbuf_addstr(sb, "\\t");
        else if ((unsigned char)*p < 0x20 || *p == 0x7f) /* YAML allows them only escaped */
            strbuf_addf(sb, "\\x%02X", (unsigned char)*p);
        else
            strbuf_addch(sb, *p);
    }
    strbuf_addch(sb, '"');
}

static void emit(struct strbuf *sb, const struct yaml_node *n, int indent, int inline_first)
{
    size_t i;

    if (n->type == YAML_SCALAR) {
        emit_scalar(sb, n);
        strbuf_addch(sb, '\n');
        return;
    }
    if (!n->n) {
        strbuf_addstr(sb, n->type == YAML_SEQ ? "[]\n" : "{}\n");
        return;
    }
    for (i = 0; i < n->n; i++) {
        const struct yaml_node *v = n->items[i];
        if (i || !inline_first)
            strbuf_addchars(sb, ' ', (size_t)indent);
        if (n->type == YAML_SEQ) {
            strbuf_addstr(sb, "- ");
            if (v->type == YAML_SCALAR || !v->n)
                emit(sb, v, 0, 0);
            else if (v->type == YAML_MAP)
                emit(sb, v, indent + 2, 1);
            else {
                strbuf_addch(sb, '\n');
                emit(sb, v, indent + 2, 0);
            }
            continue;
        }
        emit_scalar(sb, n->keys[i]);
        strbuf_addch(sb, ':');
        if (v->type == YAML_SCALAR || !v->n) {
            strbuf_addch(sb, ' ');
            emit(sb, v, 0, 0);
        } else {
            strbuf_addch(sb, '\n');
            emit(sb, v, v->type == YAML_SEQ ? indent : indent + 2, 0);
        }
    }
}

void yaml_emit(struct strbuf *sb, const struct yaml_node *node)
{
    if (node)
        emit(sb, node, 0, 0);
}
