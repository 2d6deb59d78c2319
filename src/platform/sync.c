/*
 * mdp sync: discovering source files under sources/<system>/ and reconciling the manifest
 * with them (see sync.h for the rules).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/manifest.h"
#include "platform/sync.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* DuckDB's reserved keywords: a table named like one would need quoting everywhere. */
static const char *const reserved[] = {
    "all",          "analyse",     "analyze", "and",       "any",        "array",      "as",
    "asc",          "asymmetric",  "both",    "case",      "cast",       "check",      "collate",
    "column",       "constraint",  "create",  "default",   "deferrable", "desc",       "describe",
    "distinct",     "do",          "else",    "end",       "except",     "false",      "fetch",
    "for",          "foreign",     "from",    "group",     "having",     "in",         "initially",
    "intersect",    "into",        "lambda",  "lateral",   "leading",    "limit",      "not",
    "null",         "offset",      "on",      "only",      "or",         "order",      "pivot",
    "pivot_longer", "pivot_wider", "placing", "primary",   "qualify",    "references", "returning",
    "select",       "show",        "some",    "summarize", "symmetric",  "table",      "then",
    "to",           "trailing",    "true",    "union",     "unique",     "unpivot",    "using",
    "variadic",     "when",        "where",   "window",    "with",
};

static int is_reserved(const char *s)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(reserved); i++)
        if (!strcmp(reserved[i], s))
            return 1;
    return 0;
}

char *sync_table_name(const char *file_name)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = strlen(file_name) - source_suffix_len(file_name), i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)file_name[i];
        if (isalnum(c) && c < 0x80)
            strbuf_addch(&sb, (char)tolower(c));
        else if (sb.len && sb.buf[sb.len - 1] != '_')
            strbuf_addch(&sb, '_');
    }
    while (sb.len && sb.buf[sb.len - 1] == '_')
        strbuf_setlen(&sb, sb.len - 1);
    if (!sb.len)
        strbuf_addstr(&sb, "t");
    if (isdigit((unsigned char)sb.buf[0]) || is_reserved(sb.buf)) {
        char *tail = strbuf_detach(&sb, NULL);
        strbuf_addf(&sb, "t_%s", tail);
        free(tail);
    }
    return strbuf_detach(&sb, NULL);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the entries of dir that pass keep(); the caller frees each and the array. */
static size_t list_dir(const char *dir, int want_dirs, char ***out)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, alloc = 0;

    *out = NULL;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL) {
        char *full;
        int ok;

        if (de->d_name[0] == '.')
            continue;
        full = fs_join(dir, de->d_name);
        ok = want_dirs ? fs_is_dir(full)
                       : fs_is_file(full) && source_format_of(de->d_name) != SOURCE_UNKNOWN;
        free(full);
        if (!ok)
            continue;
        ALLOC_GROW(names, n + 1, alloc);
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), cmp_str);
    *out = names;
    return n;
}

int sync_has_source_files(const char *root)
{
    char *dir = fs_join(root, "sources"), **systems = NULL;
    size_t nsystems = list_dir(dir, 1, &systems), i, j;
    int found = 0;

    for (i = 0; i < nsystems; i++) {
        char *sys = fs_join(dir, systems[i]), **files = NULL;
        size_t nfiles = list_dir(sys, 0, &files);

        found |= nfiles > 0;
        for (j = 0; j < nfiles; j++)
            free(files[j]);
        free(files);
        free(sys);
        free(systems[i]);
    }
    free(systems);
    free(dir);
    return found;
}

/* The path without "./" prefixes and doubled slashes, for comparing manifest paths. */
static char *normal_path(const char *p)
{
    struct strbuf sb = STRBUF_INIT;

    while (p[0] == '.' && p[1] == '/')
        p += 2;
    for (; *p; p++) {
        if (*p == '/' && sb.len && sb.buf[sb.len - 1] == '/')
            continue;
        strbuf_addch(&sb, *p);
    }
    return strbuf_detach(&sb, NULL);
}

static int listed(const struct manifest *m, const char *path)
{
    size_t i;
    int found = 0;

    for (i = 0; i < m->n && !found; i++) {
        char *p = normal_path(m->sources[i].path);
        found = !strcmp(p, path);
        free(p);
    }
    return found;
}

static int file_exists(const char *root, const char *path)
{
    char *full = path[0] == '/' ? xstrdup(path) : fs_join(root, path);
    int ok = fs_is_file(full);

    free(full);
    return ok;
}

static void add_change(struct sync_report *r, char op, const char *table, const char *path)
{
    ALLOC_GROW(r->changes, r->n + 1, r->alloc);
    r->changes[r->n].op = op;
    r->changes[r->n].table = xstrdup(table);
    r->changes[r->n].path = xstrdup(path);
    r->n++;
}

/* A table name for a new file that no entry uses yet. */
static char *unique_name(const struct manifest *m, const char *system, const char *file,
                         const char *path)
{
    char *base = sync_table_name(file), *name = xstrdup(base);
    int k;

    if (manifest_find(m, name)) {
        char *sys = sync_table_name(system);
        free(name);
        name = xstrfmt("%s_%s", sys, base);
        free(sys);
    }
    for (k = 2; manifest_find(m, name); k++) {
        free(name);
        name = xstrfmt("%s_%d", base, k);
    }
    if (strcmp(name, base))
        warning("'%s' loads into table '%s': table '%s' is already taken (rename the file or "
                "edit sources.yml to choose another name)",
                path, name, base);
    free(base);
    return name;
}

int sync_run(const char *root, const struct sync_options *opts, struct sync_report *report)
{
    struct manifest m;
    char *sources_dir = fs_join(root, "sources"), **systems = NULL;
    size_t nsys = 0, i, j;
    int ret = -1;

    memset(report, 0, sizeof(*report));
    report->dry_run = opts && opts->dry_run;
    if (manifest_load(root, &m) < 0) {
        report->bad_input = 1;
        free(sources_dir);
        return -1;
    }

    for (i = m.n; i-- > 0;) {
        if (file_exists(root, m.sources[i].path))
            continue;
        add_change(report, '-', m.sources[i].table, m.sources[i].path);
        manifest_remove(&m, i);
    }
    /* Removals were collected bottom-up; show them in file order. */
    for (i = 0, j = report->n; i + 1 < j; i++, j--) {
        struct sync_change t = report->changes[i];
        report->changes[i] = report->changes[j - 1];
        report->changes[j - 1] = t;
    }

    nsys = list_dir(sources_dir, 1, &systems);
    for (i = 0; i < nsys; i++) {
        char *dir = fs_join(sources_dir, systems[i]), **files = NULL;
        size_t nfiles = list_dir(dir, 0, &files);

        for (j = 0; j < nfiles; j++) {
            char *path = xstrfmt("sources/%s/%s", systems[i], files[j]);
            if (!listed(&m, path)) {
                char *table = unique_name(&m, systems[i], files[j], path);
                manifest_add(&m, table, path, systems[i]);
                add_change(report, '+', table, path);
                free(table);
            }
            free(path);
        }
        strv_free(files, nfiles);
        free(dir);
    }
    report->total = m.n;
    report->created = !m.exists;
    if ((report->n || !m.exists) && !report->dry_run) {
        if (manifest_save(&m, root) < 0)
            goto out;
        report->written = 1;
    }
    ret = 0;
out:
    strv_free(systems, nsys);
    manifest_release(&m);
    free(sources_dir);
    return ret;
}

void sync_report_release(struct sync_report *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        free(r->changes[i].table);
        free(r->changes[i].path);
    }
    free(r->changes);
    memset(r, 0, sizeof(*r));
}
