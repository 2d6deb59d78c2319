/*
 * Known-good queries: the SQL of dashboard pages (the .md files under dashboards/ and
 * evidence/pages/) and of semantic/verified.yml. They tell which measures people compute (with
 * the names they give them) and which joins they write. The eval cases are never read: they
 * are the test set.
 *
 * semantic/verified.yml:
 *
 *   queries:
 *     - name: monthly_revenue                 # optional
 *       question: What was revenue per month? # optional
 *       sql: SELECT ...                       # required
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog_internal.h"
#include "catalog/sqlscan.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

/* The table a relation of an example names: schema.name, or a name only one schema has. */
static int example_table(const struct catalog *c, const struct sql_relation *r)
{
    char *name;
    int t;

    if (!r->schema)
        return catalog_find_table(c, r->name);
    name = xstrfmt("%s.%s", r->schema, r->name);
    t = catalog_find_table(c, name);
    free(name);
    return t;
}

/* The table the qualifier of "q.col" names among the query's relations, or -1. */
static int qualified_table(const struct sql_facts *f, const char *expr, int *tables)
{
    const char *p = expr, *dot;
    size_t i, n;

    while (*p && !(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        p++;
    dot = strchr(p, '.');
    if (!dot)
        return -1;
    n = (size_t)(dot - p);
    for (i = 0; i < f->nrelations; i++) {
        const char *q = f->relations[i].alias ? f->relations[i].alias : f->relations[i].name;
        if (strlen(q) == n && !strncasecmp(q, p, n))
            return tables[i];
    }
    return -1;
}

static void learn_from(struct catalog *c, size_t example)
{
    const struct cat_example *e = &c->examples[example];
    struct sql_facts f;
    int *tables;
    size_t i, alloc = c->nmeasures;

    sql_scan(e->sql, &f);
    tables = xcalloc(f.nrelations ? f.nrelations : 1, sizeof(*tables));
    for (i = 0; i < f.nrelations; i++)
        tables[i] = example_table(c, &f.relations[i]);
    for (i = 0; i < f.njoins; i++) {
        const struct sql_join *j = &f.joins[i];
        int lt = tables[j->left], rt = tables[j->right], lc, rc;
        if (lt < 0 || rt < 0 || (lc = catalog_find_column(c, lt, j->left_column)) < 0 ||
            (rc = catalog_find_column(c, rt, j->right_column)) < 0)
            continue;
        /* many-to-one: from the side whose column is not its table's key */
        if (c->tables[lt].key == lc && c->tables[rt].key != rc)
            cat_add_join(c, rt, rc, lt, lc, -1, CAT_JOIN_EXAMPLE);
        else
            cat_add_join(c, lt, lc, rt, rc, -1, CAT_JOIN_EXAMPLE);
    }
    for (i = 0; i < f.naggregates; i++) {
        const struct sql_aggregate *a = &f.aggregates[i];
        struct cat_measure *m;
        char *expr;
        size_t k;
        int dup = 0;

        if (!a->alias)
            continue;
        expr = xstrfmt("%s(%s%s)", a->func, a->distinct ? "DISTINCT " : "", a->arg);
        for (k = 0; k < c->nmeasures && !dup; k++)
            dup = c->measures[k].name && !strcmp(c->measures[k].name, a->alias) &&
                  !strcmp(c->measures[k].expression, expr);
        if (dup) {
            free(expr);
            continue;
        }
        ALLOC_GROW(c->measures, c->nmeasures + 1, alloc);
        m = &c->measures[c->nmeasures++];
        memset(m, 0, sizeof(*m));
        m->name = xstrdup(a->alias);
        m->expression = expr;
        m->example = (int)example;
        m->table = f.nrelations == 1 ? tables[0] : qualified_table(&f, a->arg, tables);
    }
    free(tables);
    sql_facts_release(&f);
}

static void add_example(struct catalog *c, char *source, const char *name, const char *question,
                        const char *sql)
{
    size_t alloc = c->nexamples;
    struct cat_example *e;

    ALLOC_GROW(c->examples, c->nexamples + 1, alloc);
    e = &c->examples[c->nexamples++];
    e->source = source;
    e->name = name ? xstrdup(name) : NULL;
    e->question = question ? xstrdup(question) : NULL;
    e->sql = xstrdup(sql);
    learn_from(c, c->nexamples - 1);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .md file under dir (recursively), as paths relative to root, sorted. */
static void find_pages(const char *root, const char *rel, char ***out, size_t *n)
{
    char *dir = fs_join(root, rel);
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char *sub;
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        sub = fs_join(rel, e->d_name);
        if (len > 3 && !strcmp(e->d_name + len - 3, ".md")) {
            cat_strv_push(out, n, sub);
        } else {
            char *full = fs_join(root, sub);
            if (fs_is_dir(full))
                find_pages(root, sub, out, n);
            free(full);
        }
        free(sub);
    }
    if (d)
        closedir(d);
    free(dir);
}

static int read_pages(struct catalog *c, const char *root)
{
    static const char *const dirs[] = {"dashboards", "evidence/pages"};
    char **pages = NULL;
    size_t npages = 0, i, j;

    for (i = 0; i < ARRAY_SIZE(dirs); i++)
        find_pages(root, dirs[i], &pages, &npages);
    if (npages)
        qsort(pages, npages, sizeof(*pages), by_name);
    for (i = 0; i < npages; i++) {
        struct strbuf text = STRBUF_INIT;
        char *path = fs_join(root, pages[i]);
        struct md_query *q = NULL;
        size_t nq = 0;

        int quiet = error_quiet(1);
        if (fs_read_file(&text, path) == 0)
            nq = md_sql_blocks(text.buf, &q);
        else
            cat_add_note(c, "%s was not read: %s", pages[i], error_last());
        error_quiet(quiet);
        for (j = 0; j < nq; j++)
            add_example(c, xstrfmt("%s:%d", pages[i], q[j].line), q[j].name, NULL, q[j].sql);
        md_queries_free(q, nq);
        strbuf_release(&text);
        free(path);
    }
    strv_free(pages, npages);
    return 0;
}

static int read_verified(struct catalog *c, const char *root)
{
    static const char *const keys[] = {"name", "question", "sql", "description"};
    char *path = fs_join(root, "semantic/verified.yml");
    const char *shown = "semantic/verified.yml";
    struct yaml_node *doc = NULL;
    const struct yaml_node *list;
    size_t i;
    int ret = -1;

    if (!fs_is_file(path)) {
        ret = 0;
        goto out;
    }
    if (yaml_parse_file(path, &doc) < 0)
        goto out;
    list = doc && doc->type == YAML_MAP ? yaml_get(doc, "queries") : doc;
    if (doc && doc->type == YAML_MAP && !list) {
        yaml_error_at(shown, doc, "expected a 'queries:' list of {name, question, sql}");
        goto out;
    }
    if (list && list->type != YAML_SEQ) {
        yaml_error_at(shown, list, "'queries' must be a list of {name, question, sql}");
        goto out;
    }
    for (i = 0; list && i < list->n; i++) {
        const struct yaml_node *q = list->items[i];
        const char *sql;

        if (q->type != YAML_MAP) {
            yaml_error_at(shown, q, "query %zu must be a map with sql:", i + 1);
            goto out;
        }
        if (yaml_check_keys(shown, q, keys, ARRAY_SIZE(keys)) < 0)
            goto out;
        sql = yaml_get_str(q, "sql");
        if (!sql || !*sql) {
            yaml_error_at(shown, q, "query %zu has no sql:", i + 1);
            goto out;
        }
        add_example(c, xstrfmt("%s:%d", shown, q->line), yaml_get_str(q, "name"),
                    yaml_get_str(q, "question"), sql);
    }
    ret = 0;
out:
    yaml_node_free(doc);
    free(path);
    return ret;
}

int cat_read_semantic(struct catalog *c, const char *root)
{
    if (!root)
        return 0;
    if (read_pages(c, root) < 0 || read_verified(c, root) < 0)
        return -1;
    return 0;
}
