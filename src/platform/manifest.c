/*
 * sources/sources.yml: parsing and validating the source manifest, and writing it back with
 * the user's comments, extra keys and order intact.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "platform/manifest.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

static const struct {
    const char *suffix;
    enum source_format format;
} suffixes[] = {
    {".csv.gz", SOURCE_CSV},    {".tsv.gz", SOURCE_CSV},      {".csv", SOURCE_CSV},
    {".tsv", SOURCE_CSV},       {".parquet", SOURCE_PARQUET}, {".json", SOURCE_JSON},
    {".ndjson", SOURCE_NDJSON}, {".jsonl", SOURCE_NDJSON},
};

static const char supported[] = ".csv, .tsv, .csv.gz, .parquet, .json, .ndjson or .jsonl";

size_t source_suffix_len(const char *path)
{
    size_t i, n = strlen(path);

    for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
        size_t k = strlen(suffixes[i].suffix);
        if (n > k && !strcasecmp(path + n - k, suffixes[i].suffix))
            return k;
    }
    return 0;
}

enum source_format source_format_of(const char *path)
{
    size_t i, n = strlen(path);

    for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
        size_t k = strlen(suffixes[i].suffix);
        if (n > k && !strcasecmp(path + n - k, suffixes[i].suffix))
            return suffixes[i].format;
    }
    return SOURCE_UNKNOWN;
}

const char *source_format_name(enum source_format f)
{
    switch (f) {
    case SOURCE_CSV: return "csv";
    case SOURCE_PARQUET: return "parquet";
    case SOURCE_JSON: return "json";
    case SOURCE_NDJSON: return "ndjson";
    default: return "unknown";
    }
}

static int is_identifier(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* A key of the entry that looks like a typo of `want`, or NULL. */
static const char *near_key(const struct yaml_node *entry, const char *want)
{
    size_t i;

    for (i = 0; i < entry->n; i++) {
        const char *k = entry->keys[i]->value;
        if (strcmp(k, want) && str_edit_distance(k, want) <= 2)
            return k;
    }
    return NULL;
}

/* The scalar at key, checking its type; NULL (and no error) when absent. */
static int entry_str(const struct manifest *m, const struct yaml_node *entry, const char *key,
                     const char **out)
{
    const struct yaml_node *v = yaml_get(entry, key);

    *out = NULL;
    if (!v || yaml_is_null(v))
        return 0;
    if (v->type != YAML_SCALAR)
        return error("%s:%d:%d: '%s' must be a single value, not %s; write e.g. '%s: name'",
                     m->file, v->line, v->col, key, yaml_type_name(v->type), key);
    *out = v->value;
    return 0;
}

static int check_entry(struct manifest *m, struct yaml_node *entry, size_t idx)
{
    struct source s;
    const struct yaml_node *pv;
    size_t i;

    memset(&s, 0, sizeof(s));
    if (entry->type != YAML_MAP)
        return error("%s:%d:%d: source %zu is %s; each source is a mapping with 'table:' and "
                     "'path:' (and optionally 'system:')",
                     m->file, entry->line, entry->col, idx + 1, yaml_type_name(entry->type));
    if (entry_str(m, entry, "table", &s.table) || entry_str(m, entry, "path", &s.path) ||
        entry_str(m, entry, "system", &s.system))
        return -1;
    if (!s.table || !*s.table) {
        const char *typo = near_key(entry, "table");
        if (typo)
            return error("%s:%d:%d: source %zu has no 'table:' (did you mean 'table' instead "
                         "of '%s'?)",
                         m->file, entry->line, entry->col, idx + 1, typo);
        return error("%s:%d:%d: source %zu has no 'table:'; add the raw table name it loads "
                     "into, e.g. 'table: orders'",
                     m->file, entry->line, entry->col, idx + 1);
    }
    if (!s.path || !*s.path) {
        const char *typo = near_key(entry, "path");
        if (typo)
            return error("%s:%d:%d: source '%s' has no 'path:' (did you mean 'path' instead of "
                         "'%s'?)",
                         m->file, entry->line, entry->col, s.table, typo);
        return error("%s:%d:%d: source '%s' has no 'path:'; add the file's path relative to "
                     "the platform folder, e.g. 'path: sources/app/%s.csv'",
                     m->file, entry->line, entry->col, s.table, s.table);
    }
    if (!is_identifier(s.table)) {
        pv = yaml_get(entry, "table");
        return error("%s:%d:%d: table name '%s' is not a plain SQL identifier; use letters, "
                     "digits and '_', starting with a letter or '_'",
                     m->file, pv->line, pv->col, s.table);
    }
    s.format = source_format_of(s.path);
    if (s.format == SOURCE_UNKNOWN) {
        pv = yaml_get(entry, "path");
        return error("%s:%d:%d: unsupported file type for '%s'; mdp reads %s files (convert "
                     "the file or remove the entry)",
                     m->file, pv->line, pv->col, s.path, supported);
    }
    for (i = 0; i < m->n; i++) {
        if (!strcasecmp(m->sources[i].table, s.table)) {
            pv = yaml_get(entry, "table");
            return error("%s:%d:%d: table '%s' is listed twice (also at line %d, for '%s'); "
                         "two sources cannot load into one table: rename one of them",
                         m->file, pv->line, pv->col, s.table, m->sources[i].line,
                         m->sources[i].path);
        }
    }
    s.node = entry;
    s.line = entry->line;
    s.col = entry->col;
    ALLOC_GROW(m->sources, m->n + 1, m->alloc);
    m->sources[m->n++] = s;
    return 0;
}

/* The comment block at the top of the text (comment and blank lines before any content). */
static char *leading_comments(const char *text, size_t len)
{
    size_t pos = 0, end = 0;

    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t next = nl ? (size_t)(nl - text) + 1 : len;
        size_t k = pos;

        while (k < next && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
            k++;
        if (k < next && text[k] != '#' && text[k] != '\n')
            break;
        pos = next;
        end = pos;
    }
    while (end && (text[end - 1] == '\n' || text[end - 1] == '\r'))
        end--;
    if (end && memchr(text, '\0', end))
        return xstrdup("");
    return end ? xstrfmt("%.*s\n\n", (int)end, text) : xstrdup("");
}

/*
 * YAML caps plain keys at 1024 characters (escapes included); a long one could be read but not
 * written back, so it is refused up front.
 */
static int check_keys(const char *name, const struct yaml_node *n)
{
    size_t i;

    for (i = 0; i < n->n; i++) {
        if (n->keys && strlen(n->keys[i]->value) > 500)
            return error("%s:%d:%d: key longer than 500 characters; shorten it", name,
                         n->keys[i]->line, n->keys[i]->col);
        if (check_keys(name, n->items[i]) < 0)
            return -1;
    }
    return 0;
}

int manifest_parse(const char *name, const char *text, size_t len, struct manifest *m)
{
    struct yaml_node *list;
    size_t i;

    memset(m, 0, sizeof(*m));
    m->file = xstrdup(name);
    m->exists = 1;
    if (yaml_parse_string(name, text, len, &m->root) < 0)
        goto fail;
    m->header = leading_comments(text, len);
    if (m->root && check_keys(name, m->root) < 0)
        goto fail;
    if (!m->root)
        m->root = yaml_new(YAML_MAP, NULL);
    if (m->root->type != YAML_MAP) {
        error("%s:%d:%d: expected a mapping with a 'sources:' list, found %s", name, m->root->line,
              m->root->col, yaml_type_name(m->root->type));
        goto fail;
    }
    list = yaml_get(m->root, "sources");
    if (!list || yaml_is_null(list)) {
        list = yaml_new(YAML_SEQ, NULL);
        yaml_map_set(m->root, "sources", list);
    } else if (list->type != YAML_SEQ) {
        error("%s:%d:%d: 'sources' must be a list of entries ('- table: ...'), not %s", name,
              list->line, list->col, yaml_type_name(list->type));
        goto fail;
    }
    m->list = list;
    for (i = 0; i < list->n; i++)
        if (check_entry(m, list->items[i], i) < 0)
            goto fail;
    return 0;
fail:
    manifest_release(m);
    return -1;
}

int manifest_load(const char *root, struct manifest *m)
{
    char *path = fs_join(root, MANIFEST_PATH);
    struct strbuf sb = STRBUF_INIT;
    int ret = -1;

    if (!fs_is_file(path)) {
        memset(m, 0, sizeof(*m));
        m->file = xstrdup(MANIFEST_PATH);
        m->header = xstrdup("");
        m->root = yaml_new(YAML_MAP, NULL);
        m->list = yaml_new(YAML_SEQ, NULL);
        yaml_map_set(m->root, "sources", m->list);
        ret = 0;
        goto out;
    }
    if (fs_read_file(&sb, path) < 0)
        goto out;
    ret = manifest_parse(MANIFEST_PATH, sb.buf, sb.len, m);
out:
    strbuf_release(&sb);
    free(path);
    return ret;
}

void manifest_format(const struct manifest *m, struct strbuf *sb)
{
    strbuf_addstr(sb, m->header ? m->header : "");
    yaml_emit(sb, m->root);
}

int manifest_save(const struct manifest *m, const char *root)
{
    char *path = fs_join(root, MANIFEST_PATH), *dir = fs_dirname(path);
    struct strbuf sb = STRBUF_INIT;
    int ret = -1;

    manifest_format(m, &sb);
    if (fs_mkdirs(dir, 0755) < 0)
        goto out;
    ret = fs_write_atomic(path, sb.buf, sb.len);
out:
    strbuf_release(&sb);
    free(dir);
    free(path);
    return ret;
}

void manifest_release(struct manifest *m)
{
    free(m->file);
    free(m->header);
    yaml_node_free(m->root);
    free(m->sources);
    memset(m, 0, sizeof(*m));
}

/* Re-points the borrowed strings after the tree changed. */
static void refresh(struct source *s)
{
    s->table = yaml_get_str(s->node, "table");
    s->path = yaml_get_str(s->node, "path");
    s->system = yaml_get_str(s->node, "system");
    s->format = source_format_of(s->path);
}

void manifest_add(struct manifest *m, const char *table, const char *path, const char *system)
{
    struct yaml_node *entry = yaml_new(YAML_MAP, NULL);
    struct source s;

    yaml_map_set(entry, "table", yaml_new(YAML_SCALAR, table));
    yaml_map_set(entry, "path", yaml_new(YAML_SCALAR, path));
    if (system)
        yaml_map_set(entry, "system", yaml_new(YAML_SCALAR, system));
    yaml_seq_add(m->list, entry);
    memset(&s, 0, sizeof(s));
    s.node = entry;
    refresh(&s);
    ALLOC_GROW(m->sources, m->n + 1, m->alloc);
    m->sources[m->n++] = s;
}

void manifest_remove(struct manifest *m, size_t i)
{
    size_t k;

    if (i >= m->n)
        return;
    for (k = 0; k < m->list->n; k++) {
        if (m->list->items[k] == m->sources[i].node) {
            yaml_remove(m->list, k);
            break;
        }
    }
    memmove(m->sources + i, m->sources + i + 1, (m->n - i - 1) * sizeof(*m->sources));
    m->n--;
}

struct source *manifest_find(const struct manifest *m, const char *table)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        if (!strcasecmp(m->sources[i].table, table))
            return &m->sources[i];
    return NULL;
}
