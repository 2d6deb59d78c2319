/*
 * Reading and compiling a dbt project (see dbt_project.h): dbt_project.yml, the model files,
 * the yml docs with sources and column tests, then rendering each model with the template
 * engine and ordering them by their refs.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "platform/dbt_project.h"
#include "platform/template.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

#define DEFAULT_SCHEMA "main"

/* Files */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends every file under dir (recursively, sorted) whose name ends with one of exts. */
static void list_files(const char *dir, const char *const *exts, size_t nexts, char ***out,
                       size_t *n, size_t *alloc)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t nn = 0, na = 0, i, e;

    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        ALLOC_GROW(names, nn + 1, na);
        names[nn++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof(*names), cmp_str);
    for (i = 0; i < nn; i++) {
        char *path = fs_join(dir, names[i]);
        size_t len = strlen(names[i]);
        if (fs_is_dir(path)) {
            list_files(path, exts, nexts, out, n, alloc);
            free(path);
            continue;
        }
        for (e = 0; e < nexts; e++) {
            size_t el = strlen(exts[e]);
            if (len > el && !strcmp(names[i] + len - el, exts[e]))
                break;
        }
        if (e < nexts) {
            ALLOC_GROW(*out, *n + 1, *alloc);
            (*out)[(*n)++] = path;
        } else {
            free(path);
        }
    }
    for (i = 0; i < nn; i++)
        free(names[i]);
    free(names);
}

/* path relative to the project directory (points into path). */
static const char *rel(const struct dbt_project *p, const char *path)
{
    size_t n = strlen(p->dir);

    if (!strncmp(path, p->dir, n) && path[n] == '/')
        return path + n + 1;
    return path;
}

static char *at_str(const char *file, const struct yaml_node *node)
{
    return xstrfmt("%s:%d:%d", file, node ? node->line : 1, node ? node->col : 1);
}

/* The scalar at key, or NULL; -1 with an error when it is there but not a scalar. */
static int get_scalar(const char *file, const struct yaml_node *map, const char *key,
                      const char **out)
{
    const struct yaml_node *v = yaml_get(map, key);

    *out = NULL;
    if (!v || yaml_is_null(v))
        return 0;
    if (v->type != YAML_SCALAR)
        return error("%s:%d:%d: '%s' must be a single value, not a %s", file, v->line, v->col, key,
                     yaml_type_name(v->type));
    *out = v->value;
    return 0;
}

static void free_strings(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = v ? xstrdup(v) : NULL;
}

/* Configuration */

static const char *const ignored_configs[] = {
    "tags",     "docs",     "persist_docs", "meta",          "group",
    "access",   "contract", "description",  "full_refresh",  "on_schema_change",
    "grants",   "quoting",  "labels",       "quote_columns", "post-hook",
    "pre-hook",
};

/* Applies one config key/value to m; origin is "file:line:col". Unknown keys warn. */
static int apply_config(struct dbt_model *m, const char *key, const struct yaml_node *v,
                        const char *file)
{
    const char *k = key[0] == '+' ? key + 1 : key;
    size_t i;

    if (!strcmp(k, "materialized") || !strcmp(k, "schema") || !strcmp(k, "alias") ||
        !strcmp(k, "enabled")) {
        if (v->type != YAML_SCALAR)
            return error("%s:%d:%d: '%s' must be a single value", file, v->line, v->col, key);
        if (!strcmp(k, "materialized")) {
            set_str(&m->materialized, v->value);
            free(m->materialized_at);
            m->materialized_at = at_str(file, v);
        } else if (!strcmp(k, "schema")) {
            set_str(&m->schema, yaml_is_null(v) ? NULL : v->value);
        } else if (!strcmp(k, "alias")) {
            set_str(&m->alias, yaml_is_null(v) ? NULL : v->value);
        } else {
            int b = yaml_bool(v);
            if (b < 0)
                return error("%s:%d:%d: 'enabled' must be true or false", file, v->line, v->col);
            m->enabled = b;
        }
        return 0;
    }
    if (!strcmp(k, "severity")) {
        if (v->type != YAML_SCALAR)
            return error("%s:%d:%d: 'severity' must be warn or error", file, v->line, v->col);
        m->warn = !strcasecmp(v->value, "warn");
        return 0;
    }
    if (!strcmp(k, "unique_key")) {
        free_strings(m->unique_key, m->nunique_key);
        m->unique_key = NULL;
        m->nunique_key = 0;
        if (yaml_is_null(v))
            return 0;
        if (v->type == YAML_SCALAR) {
            m->unique_key = xcalloc(1, sizeof(*m->unique_key));
            m->unique_key[m->nunique_key++] = xstrdup(v->value);
            return 0;
        }
        if (v->type != YAML_SEQ)
            return error("%s:%d:%d: 'unique_key' must be a column or a list of columns", file,
                         v->line, v->col);
        m->unique_key = xcalloc(v->n + 1, sizeof(*m->unique_key));
        for (i = 0; i < v->n; i++) {
            if (v->items[i]->type != YAML_SCALAR)
                return error("%s:%d:%d: 'unique_key' must list column names", file,
                             v->items[i]->line, v->items[i]->col);
            m->unique_key[m->nunique_key++] = xstrdup(v->items[i]->value);
        }
        return 0;
    }
    if (!strcmp(k, "incremental_strategy")) {
        if (v->type != YAML_SCALAR || (strcmp(v->value, "append") && strcmp(v->value, "merge") &&
                                       strcmp(v->value, "delete+insert")))
            return error("%s:%d:%d: incremental_strategy '%s' is not supported (mdp has append, "
                         "merge and delete+insert)",
                         file, v->line, v->col, v->type == YAML_SCALAR ? v->value : "?");
        m->append = !strcmp(v->value, "append");
        return 0;
    }
    if (!strcmp(k, "column_types") || !strcmp(k, "delimiter")) {
        if (!dbt_model_is_seed(m))
            return 0; /* a seed config: meaningless on a model */
        if (!strcmp(k, "column_types") ? v->type != YAML_MAP : v->type != YAML_SCALAR)
            return error("%s:%d:%d: '%s' must be %s", file, v->line, v->col, key,
                         !strcmp(k, "delimiter") ? "one character" : "a mapping of column: type");
        if (!strcmp(k, "column_types"))
            m->column_types = v;
        else
            m->delimiter = v;
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(ignored_configs); i++)
        if (!strcmp(k, ignored_configs[i]))
            return 0;
    warning("%s:%d:%d: ignoring the config '%s', which mdp does not support (it builds with "
            "materialized, schema, alias and enabled)",
            file, v->line, v->col, key);
    return 0;
}

/* Is this key in a dbt_project.yml models: level a config rather than a folder? */
static int is_config_key(const char *key, const struct yaml_node *v)
{
    return key[0] == '+' || v->type != YAML_MAP;
}

/* Applies the configs set directly at one level of dbt_project.yml's models: tree. */
static int apply_level(const struct dbt_project *p, struct dbt_model *m,
                       const struct yaml_node *level)
{
    size_t i;

    if (!level || level->type != YAML_MAP)
        return 0;
    for (i = 0; i < level->n; i++)
        if (is_config_key(level->keys[i]->value, level->items[i]) &&
            apply_config(m, level->keys[i]->value, level->items[i], "dbt_project.yml") < 0)
            return -1;
    (void)p;
    return 0;
}

/* dbt_project.yml's folder configs (under section: models or seeds) for <path>/<sub>/<name>. */
static int apply_folder_configs(const struct dbt_project *p, const char *section,
                                struct dbt_model *m, const char *sub_path)
{
    const struct yaml_node *models = yaml_get(p->project_yml, section);
    const struct yaml_node *level;
    char *copy, *part, *next;
    int ret = 0;

    if (!models || models->type != YAML_MAP)
        return 0;
    level = yaml_get(models, p->name);
    if (apply_level(p, m, models) < 0)
        return -1;
    if (!level)
        return 0;
    if (apply_level(p, m, level) < 0)
        return -1;
    copy = xstrdup(sub_path);
    /* folders, then the file's stem */
    for (part = copy; part && level; part = next) {
        const struct yaml_node *child;
        next = strchr(part, '/');
        if (next)
            *next++ = '\0';
        else {
            char *dot = strrchr(part, '.');
            if (dot)
                *dot = '\0';
        }
        child = yaml_get(level, part);
        if (!child || child->type != YAML_MAP)
            break;
        level = child;
        if (apply_level(p, m, level) < 0) {
            ret = -1;
            break;
        }
    }
    free(copy);
    return ret;
}

/* Tests */

static void test_release(struct dbt_test *t)
{
    free(t->name);
    free_strings(t->values, t->nvalues);
    free(t->to_model);
    free(t->to_source);
    free(t->to_table);
    free(t->field);
    free(t->where);
    free(t->file);
}

static void columns_release(struct dbt_column *c, size_t n)
{
    size_t i, j;

    for (i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].description);
        for (j = 0; j < c[i].ntests; j++)
            test_release(&c[i].tests[j]);
        free(c[i].tests);
    }
    free(c);
}

/* Hooks that read relationships' "to: ref('m')" / "to: source('s', 't')". */
struct to_target {
    struct dbt_test *t;
};

static int to_ref(void *ctx, const char *model, const struct tpl_site *at, struct strbuf *out)
{
    struct to_target *tt = ctx;
    set_str(&tt->t->to_model, model);
    return 0;
}

static int to_source(void *ctx, const char *source, const char *table, const struct tpl_site *at,
                     struct strbuf *out)
{
    struct to_target *tt = ctx;
    set_str(&tt->t->to_source, source);
    set_str(&tt->t->to_table, table);
    return 0;
}

static int parse_relationship_to(const char *file, const struct yaml_node *to, struct dbt_test *t)
{
    struct to_target tt = {t};
    struct tpl_hooks h = {0};
    struct strbuf text = STRBUF_INIT, sink = STRBUF_INIT;
    char *name = xstrfmt("%s:%d", file, to->line);
    int ret;

    h.ctx = &tt;
    h.ref = to_ref;
    h.source = to_source;
    strbuf_addf(&text, "{{ %s }}", to->value);
    ret = template_render(name, text.buf, text.len, &h, &sink);
    if (ret == 0 && !t->to_model && !t->to_source)
        ret = error("%s:%d:%d: relationships 'to' must be ref('model') or source('source', "
                    "'table'), not '%s'",
                    file, to->line, to->col, to->value);
    strbuf_release(&text);
    strbuf_release(&sink);
    free(name);
    return ret;
}

/* severity and where, from a test's config: block or its arguments; what changes results warns. */
static int test_config(const char *file, const struct yaml_node *map, struct dbt_test *t)
{
    static const char *const unsupported_keys[] = {"error_if", "warn_if", "fail_calc", "limit"};
    const char *sev, *where;
    size_t i;

    if (get_scalar(file, map, "severity", &sev) < 0 || get_scalar(file, map, "where", &where) < 0)
        return -1;
    if (sev)
        t->warn = !strcasecmp(sev, "warn");
    if (where)
        set_str(&t->where, where);
    for (i = 0; i < ARRAY_SIZE(unsupported_keys); i++) {
        const struct yaml_node *v = yaml_get(map, unsupported_keys[i]);
        if (v)
            warning("%s:%d:%d: ignoring the test config '%s', which mdp does not support (a "
                    "test fails on any failing row)",
                    file, v->line, v->col, unsupported_keys[i]);
    }
    return 0;
}

static int parse_test(const char *file, const struct yaml_node *item, struct dbt_test *t)
{
    const struct yaml_node *args = NULL, *cfg, *v;
    const char *name;
    size_t i;

    memset(t, 0, sizeof(*t));
    t->quote = 1;
    t->file = xstrdup(file);
    t->line = item->line;
    t->col = item->col;
    if (item->type == YAML_SCALAR) {
        name = item->value;
    } else if (item->type == YAML_MAP && item->n == 1) {
        name = item->keys[0]->value;
        args = item->items[0];
        if (args->type != YAML_MAP && !yaml_is_null(args))
            return error("%s:%d:%d: the arguments of test '%s' must be a mapping", file, args->line,
                         args->col, name);
    } else {
        return error("%s:%d:%d: a test is a name (unique) or one name with its arguments "
                     "(accepted_values: {values: [...]})",
                     file, item->line, item->col);
    }
    t->name = xstrdup(name);
    if (!strcmp(name, "unique"))
        t->kind = DBT_TEST_UNIQUE;
    else if (!strcmp(name, "not_null"))
        t->kind = DBT_TEST_NOT_NULL;
    else if (!strcmp(name, "accepted_values"))
        t->kind = DBT_TEST_ACCEPTED_VALUES;
    else if (!strcmp(name, "relationships"))
        t->kind = DBT_TEST_RELATIONSHIPS;
    else
        t->kind = DBT_TEST_UNSUPPORTED;
    if (t->kind == DBT_TEST_UNSUPPORTED) {
        static const char *const known[] = {"unique", "not_null", "accepted_values",
                                            "relationships"};
        const char *near = str_closest(name, known, 4, 2);
        if (near)
            return error("%s:%d:%d: unknown test '%s' (did you mean '%s'?)", file, item->line,
                         item->col, name, near);
    }
    if (args && args->type != YAML_MAP)
        args = NULL;
    if (args && (cfg = yaml_get(args, "config")) != NULL && cfg->type == YAML_MAP &&
        test_config(file, cfg, t) < 0)
        return -1;
    if (args && test_config(file, args, t) < 0)
        return -1;
    /* dbt 1.10 nests them under arguments: */
    if (args && yaml_get(args, "arguments"))
        args = yaml_get(args, "arguments");
    if (t->kind == DBT_TEST_ACCEPTED_VALUES) {
        v = yaml_get(args, "values");
        if (!v || v->type != YAML_SEQ)
            return error("%s:%d:%d: accepted_values needs 'values:' with a list", file, item->line,
                         item->col);
        t->values = xcalloc(v->n + 1, sizeof(*t->values));
        for (i = 0; i < v->n; i++) {
            if (v->items[i]->type != YAML_SCALAR)
                return error("%s:%d:%d: accepted values must be plain values", file,
                             v->items[i]->line, v->items[i]->col);
            t->values[t->nvalues++] = xstrdup(v->items[i]->value);
        }
        if ((v = yaml_get(args, "quote")) != NULL && yaml_bool(v) == 0)
            t->quote = 0;
    } else if (t->kind == DBT_TEST_RELATIONSHIPS) {
        const char *field;
        v = yaml_get(args, "to");
        if (!v || v->type != YAML_SCALAR || get_scalar(file, args, "field", &field) < 0 || !field)
            return error("%s:%d:%d: relationships needs 'to: ref(\"model\")' and 'field: column'",
                         file, item->line, item->col);
        t->field = xstrdup(field);
        if (parse_relationship_to(file, v, t) < 0)
            return -1;
    }
    return 0;
}

/* Docs */

static int hook_doc(void *ctx, const char *name, const struct tpl_site *at, struct strbuf *out)
{
    const struct dbt_project *p = ctx;
    size_t i;

    for (i = 0; i < p->ndoc_blocks; i++) {
        if (!strcmp(p->doc_names[i], name)) {
            strbuf_addstr(out, p->doc_texts[i]);
            return 0;
        }
    }
    return error("%s:%d:%d: doc('%s'): there is no {%% docs %s %%} block in a .md file of the "
                 "project",
                 at->file, at->line, at->col, name, name);
}

/* A description (its {{ doc('name') }} and var() calls rendered), or NULL when absent. */
static int get_description(const struct dbt_project *p, const char *file,
                           const struct yaml_node *map, char **out)
{
    const struct yaml_node *v = yaml_get(map, "description");
    struct tpl_hooks h = {0};
    struct strbuf sb = STRBUF_INIT;
    char *name;
    int ret;

    *out = NULL;
    if (!v || yaml_is_null(v))
        return 0;
    if (v->type != YAML_SCALAR)
        return error("%s:%d:%d: 'description' must be text", file, v->line, v->col);
    if (!strstr(v->value, "{{") && !strstr(v->value, "{%")) {
        *out = xstrdup(v->value);
        return 0;
    }
    h.ctx = (void *)p;
    h.doc = hook_doc;
    name = xstrfmt("%s:%d", file, v->line);
    ret = template_render(name, v->value, strlen(v->value), &h, &sb);
    free(name);
    if (ret == 0) {
        strbuf_trim(&sb);
        *out = strbuf_detach(&sb, NULL);
    }
    strbuf_release(&sb);
    return ret;
}

/*
 * Reads the {% docs name %}...{% enddocs %} blocks of one .md file (text outside blocks is
 * ignored, as dbt does).
 */
static int load_doc_blocks(struct dbt_project *p, const char *file, const char *text, size_t *alloc)
{
    const char *s = text, *open;
    int line = 1;

    while ((open = strstr(s, "{%")) != NULL) {
        const char *q = open + 2, *name, *end, *body, *close;
        size_t i, nlen;

        for (; s < open; s++)
            line += *s == '\n';
        if (*q == '-')
            q++;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncmp(q, "docs", 4) || !(q[4] == ' ' || q[4] == '\t')) {
            s = open + 2;
            continue;
        }
        q += 4;
        while (*q == ' ' || *q == '\t')
            q++;
        name = q;
        while (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
               (*q >= '0' && *q <= '9'))
            q++;
        nlen = (size_t)(q - name);
        end = strstr(q, "%}");
        if (!nlen || !end)
            return error("%s:%d: a docs block starts with {%% docs NAME %%}", file, line);
        body = end + 2;
        close = body;
        for (;;) {
            close = strstr(close, "{%");
            if (!close)
                return error("%s:%d: missing {%% enddocs %%} for the docs block '%.*s'", file, line,
                             (int)nlen, name);
            q = close + 2 + (close[2] == '-');
            while (*q == ' ' || *q == '\t')
                q++;
            if (!strncmp(q, "enddocs", 7))
                break;
            close += 2;
        }
        for (i = 0; i < p->ndoc_blocks; i++)
            if (strlen(p->doc_names[i]) == nlen && !strncmp(p->doc_names[i], name, nlen))
                return error("%s:%d: the docs block '%.*s' is defined twice", file, line, (int)nlen,
                             name);
        ALLOC_GROW(p->doc_names, p->ndoc_blocks + 1, *alloc);
        p->doc_texts = xrealloc(p->doc_texts, *alloc * sizeof(*p->doc_texts));
        p->doc_names[p->ndoc_blocks] = xstrndup(name, nlen);
        {
            struct strbuf sb = STRBUF_INIT;
            strbuf_add(&sb, body, (size_t)(close - body));
            strbuf_trim(&sb);
            p->doc_texts[p->ndoc_blocks] = strbuf_detach(&sb, NULL);
        }
        p->ndoc_blocks++;
        end = strstr(q, "%}");
        s = end ? end + 2 : q;
    }
    return 0;
}

/* The docs blocks of every .md file under the project's model, seed and macro paths. */
static int load_docs(struct dbt_project *p)
{
    static const char *const md_ext[] = {".md"};
    char *const *sets[] = {p->model_paths, p->seed_paths, p->macro_paths};
    size_t nsets[] = {p->nmodel_paths, p->nseed_paths, p->nmacro_paths};
    size_t k, i, j, alloc = 0;
    int ret = 0;

    for (k = 0; k < ARRAY_SIZE(sets); k++) {
        for (i = 0; i < nsets[k]; i++) {
            char *base = fs_join(p->dir, sets[k][i]);
            char **files = NULL;
            size_t n = 0, fa = 0;

            list_files(base, md_ext, 1, &files, &n, &fa);
            for (j = 0; j < n; j++) {
                struct strbuf text = STRBUF_INIT;
                if (!ret && (fs_read_file(&text, files[j]) < 0 ||
                             load_doc_blocks(p, rel(p, files[j]), text.buf, &alloc) < 0))
                    ret = -1;
                strbuf_release(&text);
                free(files[j]);
            }
            free(files);
            free(base);
        }
    }
    return ret;
}

static int parse_columns(const struct dbt_project *p, const char *file,
                         const struct yaml_node *cols, struct dbt_column **out, size_t *nout)
{
    size_t i, j;
    struct dbt_column *c;

    *out = NULL;
    *nout = 0;
    if (!cols || yaml_is_null(cols))
        return 0;
    if (cols->type != YAML_SEQ)
        return error("%s:%d:%d: 'columns' must be a list of {name, description, tests}", file,
                     cols->line, cols->col);
    *out = xcalloc(cols->n + 1, sizeof(**out));
    for (i = 0; i < cols->n; i++) {
        const struct yaml_node *col = cols->items[i], *tests;
        const char *name;

        if (col->type != YAML_MAP || get_scalar(file, col, "name", &name) < 0 || !name)
            return error("%s:%d:%d: each column needs a 'name'", file, col->line, col->col);
        c = &(*out)[(*nout)++];
        c->name = xstrdup(name);
        if (get_description(p, file, col, &c->description) < 0)
            return -1;
        tests = yaml_get(col, "data_tests");
        if (!tests)
            tests = yaml_get(col, "tests");
        if (!tests || yaml_is_null(tests))
            continue;
        if (tests->type != YAML_SEQ)
            return error("%s:%d:%d: 'tests' must be a list", file, tests->line, tests->col);
        c->tests = xcalloc(tests->n + 1, sizeof(*c->tests));
        for (j = 0; j < tests->n; j++) {
            int r = parse_test(file, tests->items[j], &c->tests[c->ntests]);
            c->ntests++;
            if (r < 0)
                return -1;
        }
    }
    return 0;
}

/* Loading */

/* One threshold, {count: 12, period: hour}, in seconds. */
static int parse_after(const char *file, const struct yaml_node *v, double *out)
{
    const char *count, *period;
    double n, unit;
    char *end;

    if (!v || yaml_is_null(v))
        return 0;
    if (v->type != YAML_MAP || get_scalar(file, v, "count", &count) < 0 ||
        get_scalar(file, v, "period", &period) < 0 || !count || !period)
        return error("%s:%d:%d: a freshness threshold is {count: N, period: minute|hour|day}", file,
                     v->line, v->col);
    n = strtod(count, &end);
    unit = !strcmp(period, "minute") ? 60
           : !strcmp(period, "hour") ? 3600
           : !strcmp(period, "day")  ? 86400
                                     : 0;
    if (*end || n <= 0 || !unit)
        return error("%s:%d:%d: a freshness threshold is {count: N, period: minute|hour|day}, "
                     "not count '%s', period '%s'",
                     file, v->line, v->col, count, period);
    *out = n * unit;
    return 0;
}

/* freshness: {warn_after: ..., error_after: ...}; a table's own (null: none) overrides. */
static int parse_freshness(const char *file, const struct yaml_node *f, struct dbt_source *s)
{
    if (!f)
        return 0;
    s->warn_after_s = s->error_after_s = 0;
    if (yaml_is_null(f))
        return 0;
    if (f->type != YAML_MAP)
        return error("%s:%d:%d: freshness is {warn_after: {count, period}, error_after: ...}", file,
                     f->line, f->col);
    if (parse_after(file, yaml_get(f, "warn_after"), &s->warn_after_s) < 0 ||
        parse_after(file, yaml_get(f, "error_after"), &s->error_after_s) < 0)
        return -1;
    return 0;
}

static int load_sources(struct dbt_project *p, const char *file, const struct yaml_node *list)
{
    size_t i, j, a = p->nsources;

    if (list->type != YAML_SEQ)
        return error("%s:%d:%d: 'sources' must be a list", file, list->line, list->col);
    for (i = 0; i < list->n; i++) {
        const struct yaml_node *src = list->items[i], *tables;
        const char *name, *schema, *database, *loaded_at;

        if (src->type != YAML_MAP || get_scalar(file, src, "name", &name) < 0 || !name)
            return error("%s:%d:%d: each source needs a 'name'", file, src->line, src->col);
        if (get_scalar(file, src, "schema", &schema) < 0 ||
            get_scalar(file, src, "database", &database) < 0 ||
            get_scalar(file, src, "loaded_at_field", &loaded_at) < 0)
            return -1;
        tables = yaml_get(src, "tables");
        if (!tables || tables->type != YAML_SEQ)
            return error("%s:%d:%d: source '%s' needs 'tables:' with a list", file, src->line,
                         src->col, name);
        for (j = 0; j < tables->n; j++) {
            const struct yaml_node *tb = tables->items[j];
            const char *tname, *ident, *table_loaded_at;
            struct dbt_source *s;

            if (tb->type != YAML_MAP || get_scalar(file, tb, "name", &tname) < 0 || !tname)
                return error("%s:%d:%d: each table of source '%s' needs a 'name'", file, tb->line,
                             tb->col, name);
            if (get_scalar(file, tb, "identifier", &ident) < 0 ||
                get_scalar(file, tb, "loaded_at_field", &table_loaded_at) < 0)
                return -1;
            if (dbt_project_find_source(p, name, tname))
                return error("%s:%d:%d: source('%s', '%s') is declared twice", file, tb->line,
                             tb->col, name, tname);
            ALLOC_GROW(p->sources, p->nsources + 1, a);
            s = &p->sources[p->nsources++];
            memset(s, 0, sizeof(*s));
            s->source_name = xstrdup(name);
            s->table_name = xstrdup(tname);
            s->schema = xstrdup(schema ? schema : name);
            s->identifier = xstrdup(ident ? ident : tname);
            s->database = database ? xstrdup(database) : NULL;
            if (table_loaded_at || loaded_at)
                s->loaded_at_field = xstrdup(table_loaded_at ? table_loaded_at : loaded_at);
            if (parse_freshness(file, yaml_get(src, "freshness"), s) < 0 ||
                parse_freshness(file, yaml_get(tb, "freshness"), s) < 0)
                return -1;
            if (get_description(p, file, tb, &s->description) < 0)
                return -1;
            s->file = xstrdup(file);
            s->line = tb->line;
            s->col = tb->col;
            if (parse_columns(p, file, yaml_get(tb, "columns"), &s->columns, &s->ncolumns) < 0)
                return -1;
        }
    }
    return 0;
}

/* The model whose name is within 2 edits of name, or NULL. */
static const char *model_near(const struct dbt_project *p, const char *name)
{
    const char **names = xcalloc(p->nmodels + 1, sizeof(*names));
    const char *near;
    size_t i;

    for (i = 0; i < p->nmodels; i++)
        names[i] = p->models[i].name;
    near = str_closest(name, names, p->nmodels, 2);
    free(names);
    return near;
}

static int load_model_docs(struct dbt_project *p, const char *file, const struct yaml_node *list)
{
    size_t i, k;

    if (list->type != YAML_SEQ)
        return error("%s:%d:%d: 'models' must be a list", file, list->line, list->col);
    for (i = 0; i < list->n; i++) {
        const struct yaml_node *doc = list->items[i], *cfg;
        const char *name;
        struct dbt_model *m;
        int idx;

        if (doc->type != YAML_MAP || get_scalar(file, doc, "name", &name) < 0 || !name)
            return error("%s:%d:%d: each model entry needs a 'name'", file, doc->line, doc->col);
        idx = dbt_project_find_model(p, name);
        if (idx < 0) {
            const char *near = model_near(p, name);
            if (near)
                return error("%s:%d:%d: no model '%s' (did you mean '%s'?); its docs and tests "
                             "would be dropped",
                             file, doc->line, doc->col, name, near);
            if (yaml_get(doc, "columns"))
                return error("%s:%d:%d: no model '%s' (no models/**/%s.sql); its column tests "
                             "would be dropped: fix the name or remove the entry",
                             file, doc->line, doc->col, name, name);
            warning("%s:%d:%d: docs for '%s', but there is no models/**/%s.sql", file, doc->line,
                    doc->col, name, name);
            continue;
        }
        m = &p->models[idx];
        if (m->columns || m->description)
            return error("%s:%d:%d: model '%s' is documented twice", file, doc->line, doc->col,
                         name);
        if (get_description(p, file, doc, &m->description) < 0)
            return -1;
        cfg = yaml_get(doc, "config");
        if (cfg && cfg->type == YAML_MAP)
            for (k = 0; k < cfg->n; k++)
                if (apply_config(m, cfg->keys[k]->value, cfg->items[k], file) < 0)
                    return -1;
        if (yaml_get(doc, "tests") || yaml_get(doc, "data_tests")) {
            const struct yaml_node *t = yaml_get(doc, "data_tests");
            if (!t)
                t = yaml_get(doc, "tests");
            warning("%s:%d:%d: model-level tests of '%s' are not run (mdp runs column tests: "
                    "unique, not_null, accepted_values, relationships)",
                    file, t->line, t->col, name);
        }
        if (parse_columns(p, file, yaml_get(doc, "columns"), &m->columns, &m->ncolumns) < 0)
            return -1;
    }
    return 0;
}

/* The folders dbt_project.yml lists under key (or its older spelling), or def. */
static int load_paths(struct dbt_project *p, const char *key, const char *old_key, const char *def,
                      char ***out, size_t *n)
{
    const struct yaml_node *paths = yaml_get(p->project_yml, key);
    size_t i;

    if (!paths && old_key)
        paths = yaml_get(p->project_yml, old_key);
    if (!paths || yaml_is_null(paths)) {
        *out = xcalloc(1, sizeof(**out));
        (*out)[(*n)++] = xstrdup(def);
        return 0;
    }
    if (paths->type != YAML_SEQ)
        return error("dbt_project.yml:%d:%d: %s must be a list of folders", paths->line, paths->col,
                     key);
    *out = xcalloc(paths->n + 1, sizeof(**out));
    for (i = 0; i < paths->n; i++) {
        char *dir;
        size_t len;
        if (paths->items[i]->type != YAML_SCALAR)
            return error("dbt_project.yml:%d:%d: %s must be a list of folders",
                         paths->items[i]->line, paths->items[i]->col, key);
        dir = xstrdup(paths->items[i]->value);
        len = strlen(dir);
        while (len > 1 && dir[len - 1] == '/')
            dir[--len] = '\0';
        (*out)[(*n)++] = dir;
    }
    return 0;
}

static int load_project_yml(struct dbt_project *p)
{
    char *path = fs_join(p->dir, "dbt_project.yml");
    const struct yaml_node *vars, *models;
    const char *name;
    size_t i, k;
    int ret = -1;

    if (!fs_is_file(path)) {
        error("no dbt project: '%s' is missing; create it (name: and models:) or run `mdp init`",
              path);
        goto out;
    }
    if (yaml_parse_file(path, &p->project_yml) < 0)
        goto out;
    if (!p->project_yml || p->project_yml->type != YAML_MAP) {
        error("%s:1:1: dbt_project.yml must be a mapping with name: and models:", path);
        goto out;
    }
    if (get_scalar("dbt_project.yml", p->project_yml, "name", &name) < 0)
        goto out;
    p->name = xstrdup(name ? name : "");
    if (load_paths(p, "model-paths", "source-paths", "models", &p->model_paths, &p->nmodel_paths) <
            0 ||
        load_paths(p, "seed-paths", "data-paths", "seeds", &p->seed_paths, &p->nseed_paths) < 0 ||
        load_paths(p, "macro-paths", NULL, "macros", &p->macro_paths, &p->nmacro_paths) < 0 ||
        load_paths(p, "test-paths", NULL, "tests", &p->test_paths, &p->ntest_paths) < 0)
        goto out;
    for (k = 0; k < 2; k++) {
        const char *section = k ? "seeds" : "models";
        models = yaml_get(p->project_yml, section);
        for (i = 0; models && models->type == YAML_MAP && i < models->n; i++)
            if (models->items[i]->type == YAML_MAP && models->keys[i]->value[0] != '+' &&
                strcmp(models->keys[i]->value, p->name))
                warning("dbt_project.yml:%d:%d: %s: '%s' is not this project's name ('%s'), "
                        "so its configs apply to nothing; rename it to '%s'",
                        models->keys[i]->line, models->keys[i]->col, section,
                        models->keys[i]->value, p->name, p->name);
    }
    vars = yaml_get(p->project_yml, "vars");
    if (vars && !yaml_is_null(vars) && vars->type != YAML_MAP) {
        error("dbt_project.yml:%d:%d: vars must be a mapping of name: value", vars->line,
              vars->col);
        goto out;
    }
    ret = 0;
out:
    free(path);
    return ret;
}

/*
 * Adds a node per file under the folders (models: .sql; seeds: .csv, materialized "seed"),
 * with its folder configs from dbt_project.yml's section.
 */
static int load_nodes(struct dbt_project *p, char *const *dirs, size_t ndirs, const char *ext,
                      const char *section, size_t *alloc)
{
    const char *const exts[] = {ext};
    size_t i, j;
    int ret = 0;

    for (i = 0; i < ndirs; i++) {
        char *base = fs_join(p->dir, dirs[i]);
        char **files = NULL;
        size_t n = 0, fa = 0;

        list_files(base, exts, 1, &files, &n, &fa);
        for (j = 0; j < n; j++) {
            struct dbt_model *m;
            const char *stem = fs_basename(files[j]);
            struct strbuf text = STRBUF_INIT;
            int dup;

            if (ret < 0 || (!strcmp(section, "models") && fs_read_file(&text, files[j]) < 0)) {
                ret = -1;
                free(files[j]);
                continue;
            }
            ALLOC_GROW(p->models, p->nmodels + 1, *alloc);
            m = &p->models[p->nmodels];
            memset(m, 0, sizeof(*m));
            m->name = xstrndup(stem, strlen(stem) - strlen(ext));
            dup = dbt_project_find_model(p, m->name);
            m->file = files[j];
            m->path = xstrdup(rel(p, m->file));
            m->raw_sql = strbuf_detach(&text, NULL);
            m->enabled = 1;
            if (!strcmp(section, "seeds"))
                m->materialized = xstrdup("seed");
            p->nmodels++;
            if (dup >= 0)
                ret = error("two models or seeds are called '%s': %s and %s; rename one", m->name,
                            p->models[dup].path, m->path);
            else if (apply_folder_configs(p, section, m, m->file + strlen(base) + 1) < 0)
                ret = -1;
        }
        free(files);
        free(base);
    }
    return ret;
}

/* Every .yml under the folders: sources:, models: and seeds: entries. */
static int load_yml(struct dbt_project *p, char *const *dirs, size_t ndirs)
{
    static const char *const yml_ext[] = {".yml", ".yaml"};
    size_t i, j;

    for (i = 0; i < ndirs; i++) {
        char *base = fs_join(p->dir, dirs[i]);
        char **files = NULL;
        size_t n = 0, fa = 0, da = p->ndocs;
        int ret = 0;

        list_files(base, yml_ext, 2, &files, &n, &fa);
        for (j = 0; j < n; j++) {
            struct yaml_node *doc = NULL;
            const struct yaml_node *v;
            const char *file = rel(p, files[j]);

            if (!ret && yaml_parse_file(files[j], &doc) < 0)
                ret = -1;
            if (!ret && doc) {
                ALLOC_GROW(p->docs, p->ndocs + 1, da);
                p->docs[p->ndocs++] = doc;
                if (doc->type == YAML_MAP) {
                    if ((v = yaml_get(doc, "sources")) && !yaml_is_null(v) &&
                        load_sources(p, file, v) < 0)
                        ret = -1;
                    if (!ret && (v = yaml_get(doc, "models")) && !yaml_is_null(v) &&
                        load_model_docs(p, file, v) < 0)
                        ret = -1;
                    if (!ret && (v = yaml_get(doc, "seeds")) && !yaml_is_null(v) &&
                        load_model_docs(p, file, v) < 0)
                        ret = -1;
                }
            }
            free(files[j]);
        }
        free(files);
        free(base);
        if (ret < 0)
            return -1;
    }
    return 0;
}

/* Every .sql file under the macro paths, parsed into p->macros and checked as a whole. */
static int load_macros(struct dbt_project *p)
{
    static const char *const sql_ext[] = {".sql"};
    size_t i, j;
    int ret = 0;

    p->macros = tpl_lib_new();
    for (i = 0; i < p->nmacro_paths; i++) {
        char *base = fs_join(p->dir, p->macro_paths[i]);
        char **files = NULL;
        size_t n = 0, fa = 0;

        list_files(base, sql_ext, 1, &files, &n, &fa);
        for (j = 0; j < n; j++) {
            struct strbuf text = STRBUF_INIT;
            if (!ret && (fs_read_file(&text, files[j]) < 0 ||
                         tpl_lib_add(p->macros, rel(p, files[j]), text.buf, text.len) < 0))
                ret = -1;
            strbuf_release(&text);
            free(files[j]);
        }
        free(files);
        free(base);
    }
    return ret < 0 ? -1 : tpl_lib_check(p->macros);
}

/* The singular tests: .sql files under the test paths, except generic test definitions. */
static void load_singular(struct dbt_project *p)
{
    static const char *const sql_ext[] = {".sql"};
    size_t i, j, a = 0;

    for (i = 0; i < p->ntest_paths; i++) {
        char *base = fs_join(p->dir, p->test_paths[i]);
        char **files = NULL;
        size_t n = 0, fa = 0;

        list_files(base, sql_ext, 1, &files, &n, &fa);
        for (j = 0; j < n; j++) {
            const char *sub = files[j] + strlen(base) + 1;
            struct strbuf text = STRBUF_INIT;
            struct dbt_model *t;

            if (!strncmp(sub, "generic/", 8) || strstr(sub, "/generic/") ||
                fs_read_file(&text, files[j]) < 0) {
                strbuf_release(&text);
                free(files[j]);
                continue;
            }
            ALLOC_GROW(p->singular, p->nsingular + 1, a);
            t = &p->singular[p->nsingular++];
            memset(t, 0, sizeof(*t));
            t->name = xstrndup(fs_basename(files[j]), strlen(fs_basename(files[j])) - 4);
            t->file = files[j];
            t->path = xstrdup(rel(p, files[j]));
            t->raw_sql = strbuf_detach(&text, NULL);
            t->enabled = 1;
            t->materialized = xstrdup("test");
        }
        free(files);
        free(base);
    }
}

static int load_models(struct dbt_project *p)
{
    size_t a = 0;

    load_singular(p);
    if (load_docs(p) < 0 ||
        load_nodes(p, p->model_paths, p->nmodel_paths, ".sql", "models", &a) < 0 ||
        load_nodes(p, p->seed_paths, p->nseed_paths, ".csv", "seeds", &a) < 0)
        return -1;
    if (load_yml(p, p->model_paths, p->nmodel_paths) < 0 ||
        load_yml(p, p->seed_paths, p->nseed_paths) < 0)
        return -1;
    return 0;
}
int dbt_project_load(const char *root, const char *cli_vars, struct dbt_project *out)
{
    memset(out, 0, sizeof(*out));
    out->dir = fs_join(root, "dbt_project");
    if (cli_vars && *cli_vars) {
        if (yaml_parse_string("--vars", cli_vars, strlen(cli_vars), &out->cli_vars) < 0)
            goto fail;
        if (out->cli_vars && out->cli_vars->type != YAML_MAP) {
            error("--vars must be YAML name: value pairs, e.g. --vars '{start: 2024-01-01}'");
            goto fail;
        }
    }
    if (load_project_yml(out) < 0 || load_macros(out) < 0 || load_models(out) < 0)
        goto fail;
    return 0;
fail:
    dbt_project_release(out);
    return -1;
}

void dbt_project_release(struct dbt_project *p)
{
    size_t i;

    for (i = 0; i < p->nmodels + p->nsingular; i++) {
        struct dbt_model *m = i < p->nmodels ? &p->models[i] : &p->singular[i - p->nmodels];
        free(m->name);
        free(m->path);
        free(m->file);
        free(m->raw_sql);
        free(m->description);
        columns_release(m->columns, m->ncolumns);
        free(m->materialized);
        free(m->materialized_at);
        free(m->schema);
        free(m->alias);
        free_strings(m->refs, m->nrefs);
        free_strings(m->sources, m->nsources);
        free(m->compiled_sql);
        free(m->incremental_sql);
        free(m->compiled_lines.v);
        free(m->incremental_lines.v);
        free_strings(m->unique_key, m->nunique_key);
    }
    free(p->models);
    free(p->singular);
    for (i = 0; i < p->nsources; i++) {
        struct dbt_source *s = &p->sources[i];
        free(s->source_name);
        free(s->table_name);
        free(s->schema);
        free(s->identifier);
        free(s->database);
        free(s->loaded_at_field);
        free(s->description);
        free(s->file);
        columns_release(s->columns, s->ncolumns);
    }
    free(p->sources);
    for (i = 0; i < p->ndocs; i++)
        yaml_node_free(p->docs[i]);
    free(p->docs);
    free_strings(p->model_paths, p->nmodel_paths);
    free_strings(p->seed_paths, p->nseed_paths);
    free_strings(p->doc_names, p->ndoc_blocks);
    tpl_lib_free(p->macros);
    free_strings(p->doc_texts, p->ndoc_blocks);
    free_strings(p->macro_paths, p->nmacro_paths);
    free_strings(p->test_paths, p->ntest_paths);
    yaml_node_free(p->project_yml);
    yaml_node_free(p->cli_vars);
    if (p->names)
        dag_release(&p->dag);
    free(p->names);
    free(p->order);
    free(p->dir);
    free(p->name);
    memset(p, 0, sizeof(*p));
}

int dbt_project_find_model(const struct dbt_project *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->nmodels; i++)
        if (!strcmp(p->models[i].name, name))
            return (int)i;
    return -1;
}

const struct dbt_source *dbt_project_find_source(const struct dbt_project *p, const char *source,
                                                 const char *table)
{
    size_t i;

    for (i = 0; i < p->nsources; i++)
        if (!strcmp(p->sources[i].source_name, source) && !strcmp(p->sources[i].table_name, table))
            return &p->sources[i];
    return NULL;
}

int dbt_model_is_incremental(const struct dbt_model *m)
{
    return m->materialized && !strcmp(m->materialized, "incremental");
}

int dbt_model_is_seed(const struct dbt_model *m)
{
    return m->materialized && !strcmp(m->materialized, "seed") &&
           !strcmp(m->path + strlen(m->path) - 4, ".csv");
}

const char *dbt_model_schema(const struct dbt_model *m)
{
    return m->schema ? m->schema : DEFAULT_SCHEMA;
}

const char *dbt_model_alias(const struct dbt_model *m)
{
    return m->alias ? m->alias : m->name;
}

void dbt_model_relation(const struct dbt_model *m, struct strbuf *sb)
{
    strbuf_add_sql_ident(sb, dbt_model_schema(m));
    strbuf_addch(sb, '.');
    strbuf_add_sql_ident(sb, dbt_model_alias(m));
}

void dbt_source_relation(const struct dbt_source *s, struct strbuf *sb)
{
    if (s->database) {
        strbuf_add_sql_ident(sb, s->database);
        strbuf_addch(sb, '.');
    }
    strbuf_add_sql_ident(sb, s->schema);
    strbuf_addch(sb, '.');
    strbuf_add_sql_ident(sb, s->identifier);
}

void dbt_column_tests_json(const struct dbt_column *c, struct strbuf *sb)
{
    struct json *arr = json_new_array();
    size_t i, j;

    for (i = 0; i < c->ntests; i++) {
        const struct dbt_test *t = &c->tests[i];
        struct json *o, *args;

        switch (t->kind) {
        case DBT_TEST_ACCEPTED_VALUES:
            o = json_new_object();
            args = json_new_array();
            for (j = 0; j < t->nvalues; j++)
                json_push(args, json_new_str(t->values[j]));
            json_set(o, "accepted_values", args);
            json_push(arr, o);
            break;
        case DBT_TEST_RELATIONSHIPS: {
            char *to =
                t->to_model ? xstrdup(t->to_model) : xstrfmt("%s.%s", t->to_source, t->to_table);
            o = json_new_object();
            args = json_new_object();
            json_set_str(args, "to", to);
            json_set_str(args, "field", t->field);
            json_set(o, "relationships", args);
            json_push(arr, o);
            free(to);
            break;
        }
        default: json_push(arr, json_new_str(t->name)); break;
        }
    }
    json_print(sb, arr, 0);
    json_free(arr);
}

/* Compiling */

struct compile {
    struct dbt_project *p;
    struct dbt_model *m;
    int final;       /* second pass: every relation is known */
    int incremental; /* is_incremental() is true */
};

static int hook_this(void *ctx, const char *part, struct strbuf *out)
{
    struct compile *c = ctx;

    if (!part)
        dbt_model_relation(c->m, out);
    else if (!strcmp(part, "name"))
        strbuf_addstr(out, dbt_model_alias(c->m));
    else if (!strcmp(part, "schema"))
        strbuf_addstr(out, dbt_model_schema(c->m));
    else
        return -1;
    return 0;
}

static int hook_is_incremental(void *ctx)
{
    return ((struct compile *)ctx)->incremental;
}

static void add_unique(char ***list, size_t *n, const char *s)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (!strcmp((*list)[i], s))
            return;
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    (*list)[(*n)++] = xstrdup(s);
}

static int hook_ref(void *ctx, const char *model, const struct tpl_site *at, struct strbuf *out)
{
    struct compile *c = ctx;
    int idx = dbt_project_find_model(c->p, model);

    if (idx < 0)
        return error("%s:%d:%d: unknown ref: %s -> %s, and there is no model '%s' (no "
                     "models/**/%s.sql)",
                     at->file, at->line, at->col, c->m->name, model, model, model);
    if (!c->p->models[idx].enabled)
        return error("%s:%d:%d: %s refs '%s', which is disabled (enabled: false)", at->file,
                     at->line, at->col, c->m->name, model);
    if (!c->final) {
        add_unique(&c->m->refs, &c->m->nrefs, model);
        strbuf_addstr(out, model);
        return 0;
    }
    dbt_model_relation(&c->p->models[idx], out);
    return 0;
}

static int hook_source(void *ctx, const char *source, const char *table, const struct tpl_site *at,
                       struct strbuf *out)
{
    struct compile *c = ctx;
    const struct dbt_source *s = dbt_project_find_source(c->p, source, table);

    if (!s)
        return error("%s:%d:%d: source('%s', '%s') is not declared: add it to a sources: block "
                     "in a .yml file under the models folder",
                     at->file, at->line, at->col, source, table);
    if (!c->final) {
        char *key = xstrfmt("%s.%s", source, table);
        add_unique(&c->m->sources, &c->m->nsources, key);
        free(key);
    }
    dbt_source_relation(s, out);
    return 0;
}

static int hook_config(void *ctx, const char *key, const struct tpl_value *v,
                       const struct tpl_site *at)
{
    struct compile *c = ctx;
    struct yaml_node *node;
    struct strbuf text = STRBUF_INIT;
    char *where;
    int ret;

    if (c->final)
        return 0;
    if (v->type == TPL_LIST) {
        size_t i;
        node = yaml_new(YAML_SEQ, NULL);
        for (i = 0; i < v->n; i++) {
            strbuf_reset(&text);
            tpl_value_print(&text, &v->items[i]);
            yaml_seq_add(node, yaml_new(YAML_SCALAR, text.buf));
        }
    } else {
        tpl_value_print(&text, v);
        node = yaml_new(YAML_SCALAR, v->type == TPL_NONE ? "" : text.buf);
    }
    node->line = at->line;
    node->col = at->col;
    where = xstrdup(at->file);
    ret = apply_config(c->m, key, node, where);
    free(where);
    yaml_node_free(node);
    strbuf_release(&text);
    return ret;
}

static const struct yaml_node *hook_var(void *ctx, const char *name)
{
    struct compile *c = ctx;
    const struct yaml_node *vars = yaml_get(c->p->project_yml, "vars"), *v;

    if (c->p->cli_vars && (v = yaml_get(c->p->cli_vars, name)) != NULL)
        return v;
    if ((v = yaml_get(vars, name)) != NULL)
        return v;
    /* dbt also scopes vars under the project's name */
    return yaml_get(yaml_get(vars, c->p->name), name);
}

static void compile_hooks(struct compile *c, struct tpl_hooks *h)
{
    memset(h, 0, sizeof(*h));
    h->ctx = c;
    h->ref = hook_ref;
    h->source = hook_source;
    h->config = hook_config;
    h->var = hook_var;
    h->this_relation = hook_this;
    h->is_incremental = hook_is_incremental;
    h->macros = c->p->macros;
    h->project_name = c->p->name;
    h->target_schema = DEFAULT_SCHEMA;
    h->target_name = getenv("MDP_TARGET");
    /* a model renders more than once (refs, then its SQL, then its incremental SQL): log once */
    h->quiet_log = !c->final || c->incremental;
}

/* Renders m into out; with lines, also which line of the file each line came from. */
static int render_model(struct dbt_project *p, struct dbt_model *m, int final, int incremental,
                        struct strbuf *out, struct dbt_lines *lines)
{
    struct compile c = {p, m, final, incremental};
    struct tpl_hooks h;

    compile_hooks(&c, &h);
    if (!lines)
        return template_render(m->path, m->raw_sql, strlen(m->raw_sql), &h, out);
    return template_render_lines(m->path, m->raw_sql, strlen(m->raw_sql), &h, out, &lines->v,
                                 &lines->n);
}

/*
 * The project's generate_schema_name(custom_schema_name, node) macro, when it has one, decides
 * every model's and seed's schema (node.name and node.resource_type are bound for it).
 */
static int resolve_schemas(struct dbt_project *p)
{
    static const char *const names[] = {"node.name", "node.resource_type", "node.alias"};
    size_t i;

    if (!tpl_lib_has(p->macros, "generate_schema_name"))
        return 0;
    for (i = 0; i < p->nmodels; i++) {
        struct dbt_model *m = &p->models[i];
        struct compile c = {p, m, 0, 0};
        struct tpl_hooks h;
        struct tpl_value args[2], vals[3], out;
        struct strbuf sb = STRBUF_INIT;
        int ret;

        if (!m->enabled)
            continue;
        compile_hooks(&c, &h);
        h.this_relation = NULL;
        memset(args, 0, sizeof(args));
        memset(vals, 0, sizeof(vals));
        if (m->schema) {
            args[0].type = TPL_STR;
            args[0].str = m->schema;
        }
        args[1].type = vals[0].type = vals[1].type = vals[2].type = TPL_STR;
        args[1].str = vals[0].str = m->name;
        vals[1].str = dbt_model_is_seed(m) ? "seed" : "model";
        vals[2].str = (char *)dbt_model_alias(m);
        ret = tpl_lib_call("generate_schema_name", args, 2, names, vals, 3, &h, &out);
        if (ret < 0)
            return -1;
        tpl_value_print(&sb, &out);
        strbuf_trim(&sb);
        tpl_value_release(&out);
        if (!sb.len) {
            strbuf_release(&sb);
            return error("%s: generate_schema_name gave an empty schema for '%s'", m->path,
                         m->name);
        }
        free(m->schema);
        m->schema = strbuf_detach(&sb, NULL);
    }
    return 0;
}

/* Surrounding blanks and trailing semicolons go: the SQL is wrapped in CREATE ... AS. */
/* Trims the SQL, and the lines that went with the leading blank lines. */
static void strip_tail(struct strbuf *sb, struct dbt_lines *lines)
{
    size_t i, nl = 0;

    for (i = 0; i < sb->len && isspace((unsigned char)sb->buf[i]); i++)
        nl += sb->buf[i] == '\n';
    if (lines && lines->v && nl) {
        nl = nl < lines->n ? nl : lines->n;
        memmove(lines->v, lines->v + nl, (lines->n - nl) * sizeof(*lines->v));
        lines->n -= nl;
    }
    strbuf_trim(sb);
    while (sb->len && sb->buf[sb->len - 1] == ';') {
        strbuf_setlen(sb, sb->len - 1);
        strbuf_rtrim(sb);
    }
}

static int check_relations(struct dbt_project *p)
{
    size_t i, j;
    int ret = 0;

    for (i = 0; i < p->nmodels; i++) {
        struct dbt_model *m = &p->models[i];
        if (!m->enabled)
            continue;
        if (!m->materialized)
            m->materialized = xstrdup("view");
        if (strcmp(m->materialized, "view") && strcmp(m->materialized, "table") &&
            !dbt_model_is_incremental(m) && !dbt_model_is_seed(m)) {
            ret =
                error("%s: materialization '%s' of model '%s' is not supported (mdp builds "
                      "'view', 'table' and 'incremental'); change it to one of those",
                      m->materialized_at ? m->materialized_at : m->path, m->materialized, m->name);
            continue;
        }
        for (j = 0; j < i; j++) {
            struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
            if (!p->models[j].enabled)
                continue;
            dbt_model_relation(m, &a);
            dbt_model_relation(&p->models[j], &b);
            if (!strcasecmp(a.buf, b.buf))
                ret = error("%s and %s both build %s; give one another alias or schema",
                            p->models[j].path, m->path, a.buf);
            strbuf_release(&a);
            strbuf_release(&b);
        }
    }
    return ret;
}

int dbt_project_compile(struct dbt_project *p)
{
    size_t i, j, first = 0;
    char *cycle = NULL;
    int ret = 0;

    /* pass 1: refs, sources, config() */
    for (i = 0; i < p->nmodels; i++) {
        struct strbuf sink = STRBUF_INIT;
        if (p->models[i].enabled && !dbt_model_is_seed(&p->models[i]) &&
            render_model(p, &p->models[i], 0, 0, &sink, NULL) < 0)
            ret = -1;
        /* the refs an incremental model makes only when is_incremental() count too */
        else if (p->models[i].enabled && dbt_model_is_incremental(&p->models[i]) &&
                 render_model(p, &p->models[i], 0, 1, &sink, NULL) < 0)
            ret = -1;
        strbuf_release(&sink);
    }
    if (ret < 0 || resolve_schemas(p) < 0)
        return -1;
    p->names = xcalloc(p->nmodels + 1, sizeof(*p->names));
    for (i = 0; i < p->nmodels; i++)
        p->names[i] = p->models[i].name;
    dag_init(&p->dag, p->names, p->nmodels);
    for (i = 0; i < p->nmodels; i++)
        for (j = 0; j < p->models[i].nrefs; j++)
            dag_add_edge(&p->dag, i, (size_t)dbt_project_find_model(p, p->models[i].refs[j]));
    p->order = xcalloc(p->nmodels + 1, sizeof(*p->order));
    if (dag_order(&p->dag, p->order, &cycle, &first) < 0) {
        error("%s: dependency cycle: %s (each model refs the next); break it by removing one "
              "ref",
              p->models[first].path, cycle);
        free(cycle);
        return -1;
    }
    if (check_relations(p) < 0)
        return -1;
    /* pass 2: the SQL, with every relation known */
    for (i = 0; i < p->nmodels; i++) {
        struct strbuf sql = STRBUF_INIT;
        struct dbt_model *m = &p->models[i];
        if (!m->enabled || dbt_model_is_seed(m))
            continue;
        if (render_model(p, m, 1, 0, &sql, &m->compiled_lines) < 0) {
            ret = -1;
            strbuf_release(&sql);
            continue;
        }
        strip_tail(&sql, &m->compiled_lines);
        if (dbt_model_is_incremental(m)) {
            struct strbuf inc = STRBUF_INIT;
            if (render_model(p, m, 1, 1, &inc, &m->incremental_lines) < 0)
                ret = -1;
            strip_tail(&inc, &m->incremental_lines);
            m->incremental_sql = strbuf_detach(&inc, NULL);
        }
        if (!sql.len)
            ret = error("%s: the model is empty; write one SELECT", m->path);
        m->compiled_sql = strbuf_detach(&sql, NULL);
    }
    for (i = 0; i < p->nsingular; i++) {
        struct strbuf sql = STRBUF_INIT;
        struct dbt_model *t = &p->singular[i];
        if (render_model(p, t, 0, 0, &sql, NULL) < 0) {
            ret = -1;
        } else {
            strbuf_reset(&sql);
            if (render_model(p, t, 1, 0, &sql, NULL) < 0)
                ret = -1;
        }
        strip_tail(&sql, NULL);
        t->compiled_sql = strbuf_detach(&sql, NULL);
    }
    return ret;
}

int dbt_project_open(const char *root, const char *vars, const char *const *select, size_t nselect,
                     struct dbt_project *p, unsigned char **selected)
{
    *selected = NULL;
    if (dbt_project_load(root, vars, p) < 0)
        return -1;
    if (dbt_project_compile(p) < 0) {
        dbt_project_release(p);
        return -1;
    }
    *selected = xcalloc(p->nmodels + 1, 1);
    if (!nselect) {
        memset(*selected, 1, p->nmodels);
        return 0;
    }
    if (dag_select(&p->dag, select, nselect, *selected) < 0) {
        free(*selected);
        *selected = NULL;
        dbt_project_release(p);
        return -1;
    }
    return 0;
}

int dbt_singular_selected(const struct dbt_project *p, const struct dbt_model *t,
                          const unsigned char *mark)
{
    size_t i;

    for (i = 0; i < t->nrefs; i++) {
        int idx = dbt_project_find_model(p, t->refs[i]);
        if (idx >= 0 && mark[idx])
            return 1;
    }
    return 0;
}
