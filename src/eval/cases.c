/*
 * Loading evals/cases.yml into a struct case_set, checking every field so that a mistake in a
 * case file is reported where it is instead of silently passing or skipping a case.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/assert.h"
#include "eval/cases.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

static const char *const type_names[] = {
    [ASSERT_EXACT_NUMBER] = "exact_number",
    [ASSERT_ROW_COUNT] = "row_count",
    [ASSERT_APPROX_NUMBER] = "approx_number",
    [ASSERT_CONTAINS_ALL] = "contains_all",
    [ASSERT_CONTAINS_ANY] = "contains_any",
    [ASSERT_ORDERED_LIST] = "ordered_list",
    [ASSERT_REFUSES] = "refuses",
};

static const char *const case_keys[] = {"id", "question", "tags", "verification_sql", "assertions"};
static const char *const assertion_keys[] = {"type", "value", "values", "tolerance", "relative"};

const char *assertion_type_name(enum assertion_type t)
{
    return (size_t)t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

int assertion_type_parse(const char *name)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(type_names); i++)
        if (!strcmp(type_names[i], name))
            return (int)i;
    return -1;
}

int assertion_is_numeric(enum assertion_type t)
{
    return t == ASSERT_EXACT_NUMBER || t == ASSERT_ROW_COUNT || t == ASSERT_APPROX_NUMBER;
}

int eval_case_has_tag(const struct eval_case *c, const char *tag)
{
    size_t i;

    for (i = 0; i < c->ntags; i++)
        if (!strcmp(c->tags[i], tag))
            return 1;
    return 0;
}

static const char *suggest(const char *word, const char *const *known, size_t n)
{
    return str_closest(word, known, n, 2);
}

static int is_known(const char *key, const char *const *known, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(key, known[i]))
            return 1;
    return 0;
}

/* A map's duplicate keys are errors: YAML parsers differ on which one wins. */
static int check_duplicate_keys(const char *name, const struct yaml_node *map)
{
    size_t i, j;

    for (i = 0; i < map->n; i++)
        for (j = 0; j < i; j++)
            if (!strcmp(map->keys[i]->value, map->keys[j]->value))
                return yaml_error_at(name, map->keys[i], "duplicate key '%s' (first at line %d)",
                                     map->keys[i]->value, map->keys[j]->line);
    return 0;
}

static int is_from_sql(const struct yaml_node *n)
{
    return n && n->type == YAML_SCALAR && !strcmp(n->value, "from_sql");
}

static int parse_number(const char *name, const struct yaml_node *n, const char *what, double *out)
{
    char *end;

    if (n->type != YAML_SCALAR || !*n->value)
        return yaml_error_at(name, n, "'%s' must be a number", what);
    *out = strtod(n->value, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (*end || !isfinite(*out) || isspace((unsigned char)n->value[0]))
        return yaml_error_at(name, n, "'%s' must be a plain number like 1234.5, not '%s'", what,
                             n->value);
    return 0;
}

static int parse_assertion(const char *name, const struct yaml_node *n, struct assertion *a)
{
    const struct yaml_node *type, *value, *values, *tol, *rel;
    size_t i;
    int t;

    if (n->type != YAML_MAP)
        return yaml_error_at(name, n, "an assertion must be a mapping with a 'type'");
    if (check_duplicate_keys(name, n) < 0)
        return -1;
    for (i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->value, *s;
        if (is_known(k, assertion_keys, ARRAY_SIZE(assertion_keys)))
            continue;
        s = suggest(k, assertion_keys, ARRAY_SIZE(assertion_keys));
        return yaml_error_at(name, n->keys[i], "unknown assertion key '%s'%s%s%s", k,
                             s ? " (did you mean '"
                               : " (known: type, value, values, tolerance, "
                                 "relative",
                             s ? s : "", s ? "'?)" : ")");
    }
    a->line = n->line;
    a->col = n->col;
    type = yaml_get(n, "type");
    if (!type || type->type != YAML_SCALAR || !*type->value)
        return yaml_error_at(name, n,
                             "assertion without a 'type' (one of exact_number, row_count, "
                             "approx_number, contains_all, contains_any, ordered_list, refuses)");
    t = assertion_type_parse(type->value);
    if (t < 0) {
        const char *s = suggest(type->value, type_names, ARRAY_SIZE(type_names));
        return yaml_error_at(name, type,
                             "unknown assertion type '%s'%s%s%s (known: exact_number, row_count, "
                             "approx_number, contains_all, contains_any, ordered_list, refuses)",
                             type->value, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
    }
    a->type = (enum assertion_type)t;
    value = yaml_get(n, "value");
    values = yaml_get(n, "values");
    tol = yaml_get(n, "tolerance");
    rel = yaml_get(n, "relative");

    if (a->type == ASSERT_REFUSES) {
        const struct yaml_node *extra = value ? value : values ? values : tol ? tol : rel;
        if (extra)
            return yaml_error_at(name, extra,
                                 "refuses takes no value: it passes when the answer is marked "
                                 "unanswerable");
        return 0;
    }
    if (assertion_is_numeric(a->type)) {
        if (values)
            return yaml_error_at(name, values,
                                 "%s takes 'value' (one number or from_sql), not "
                                 "'values'",
                                 type->value);
        if (!value || yaml_is_null(value) || is_from_sql(value))
            a->value_from_sql = 1;
        else if (parse_number(name, value, "value", &a->value) < 0)
            return -1;
        else
            a->value_precision = number_text_precision(value->value);
        if (a->type == ASSERT_APPROX_NUMBER) {
            if (!tol)
                return yaml_error_at(name, n,
                                     "approx_number needs a 'tolerance' (absolute, or a "
                                     "fraction with 'relative: true')");
            if (parse_number(name, tol, "tolerance", &a->tolerance) < 0)
                return -1;
            if (a->tolerance < 0)
                return yaml_error_at(name, tol, "'tolerance' must not be negative");
            if (rel) {
                int b = yaml_bool(rel);
                if (b < 0)
                    return yaml_error_at(name, rel, "'relative' must be true or false");
                a->relative = b;
            }
        } else if (tol || rel) {
            return yaml_error_at(name, tol ? tol : rel,
                                 "'%s' only applies to approx_number (use approx_number for a "
                                 "tolerance)",
                                 tol ? "tolerance" : "relative");
        }
        return 0;
    }

    if (value)
        return yaml_error_at(name, value,
                             "%s takes 'values' (a list of strings or from_sql), not "
                             "'value'",
                             type->value);
    if (tol || rel)
        return yaml_error_at(name, tol ? tol : rel, "'%s' only applies to approx_number",
                             tol ? "tolerance" : "relative");
    if (!values)
        return yaml_error_at(name, n, "%s needs 'values': a list of strings, or from_sql",
                             type->value);
    if (is_from_sql(values)) {
        a->values_from_sql = 1;
        return 0;
    }
    if (values->type != YAML_SEQ || !values->n)
        return yaml_error_at(name, values,
                             "'values' must be a non-empty list of strings, or "
                             "from_sql");
    a->values = xcalloc(values->n, sizeof(*a->values));
    for (i = 0; i < values->n; i++) {
        const struct yaml_node *v = values->items[i];
        if (v->type != YAML_SCALAR || !*v->value)
            return yaml_error_at(name, v, "each of 'values' must be a non-empty string");
        a->values[a->nvalues++] = xstrdup(v->value);
    }
    return 0;
}

static int valid_id(const char *id)
{
    const char *p;

    if (!*id)
        return 0;
    for (p = id; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return 0;
    return 1;
}

static const char *required_str(const char *name, const struct yaml_node *map, const char *key)
{
    const struct yaml_node *n = yaml_get(map, key);

    if (!n) {
        yaml_error_at(name, map, "case without '%s'", key);
        return NULL;
    }
    if (n->type != YAML_SCALAR || yaml_is_null(n) || !*n->value) {
        yaml_error_at(name, n, "'%s' must be a non-empty string", key);
        return NULL;
    }
    return n->value;
}

static int parse_case(const char *name, const struct yaml_node *n, struct eval_case *c)
{
    const struct yaml_node *tags, *asserts;
    const char *id, *q, *sql;
    size_t i;

    if (n->type != YAML_MAP)
        return yaml_error_at(name, n,
                             "a case must be a mapping with id, question, "
                             "verification_sql and assertions");
    c->line = n->line;
    c->col = n->col;
    if (check_duplicate_keys(name, n) < 0)
        return -1;
    for (i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->value, *s;
        if (is_known(k, case_keys, ARRAY_SIZE(case_keys)))
            continue;
        s = suggest(k, case_keys, ARRAY_SIZE(case_keys));
        if (s)
            return yaml_error_at(name, n->keys[i], "unknown key '%s' (did you mean '%s'?)", k, s);
        warning("%s:%d:%d: key '%s' is not used by mdp eval; ignored", name, n->keys[i]->line,
                n->keys[i]->col, k);
    }
    if (!(id = required_str(name, n, "id")))
        return -1;
    if (!valid_id(id))
        return yaml_error_at(name, yaml_get(n, "id"),
                             "id '%s' must be lowercase letters, digits and '_' ([a-z0-9_]+)", id);
    c->id = xstrdup(id);
    if (!(q = required_str(name, n, "question")) ||
        !(sql = required_str(name, n, "verification_sql")))
        return -1;
    c->question = xstrdup(q);
    c->verification_sql = xstrdup(sql);

    tags = yaml_get(n, "tags");
    if (tags && !yaml_is_null(tags)) {
        if (tags->type == YAML_SCALAR) {
            c->tags = xcalloc(1, sizeof(*c->tags));
            c->tags[c->ntags++] = xstrdup(tags->value);
        } else if (tags->type == YAML_SEQ) {
            c->tags = xcalloc(tags->n ? tags->n : 1, sizeof(*c->tags));
            for (i = 0; i < tags->n; i++) {
                if (tags->items[i]->type != YAML_SCALAR || !*tags->items[i]->value)
                    return yaml_error_at(name, tags->items[i], "each tag must be a word");
                c->tags[c->ntags++] = xstrdup(tags->items[i]->value);
            }
        } else {
            return yaml_error_at(name, tags, "'tags' must be a list of words");
        }
    }

    asserts = yaml_get(n, "assertions");
    if (!asserts)
        return yaml_error_at(name, n, "case '%s' without 'assertions'", c->id);
    if (asserts->type != YAML_SEQ || !asserts->n)
        return yaml_error_at(name, asserts, "'assertions' must be a non-empty list");
    c->assertions = xcalloc(asserts->n, sizeof(*c->assertions));
    for (i = 0; i < asserts->n; i++) {
        c->nassertions++;
        if (parse_assertion(name, asserts->items[i], &c->assertions[i]) < 0)
            return -1;
    }
    return 0;
}

int cases_parse(const char *name, const char *text, size_t len, struct case_set *out)
{
    struct yaml_node *root = NULL;
    const struct yaml_node *list;
    size_t i, j;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    out->path = xstrdup(name);
    if (yaml_parse_string(name, text, len, &root) < 0)
        goto out;
    if (!root) {
        error("%s:1:1: no cases: the file is empty (it needs a 'cases:' list)", name);
        goto out;
    }
    if (root->type != YAML_MAP) {
        yaml_error_at(name, root, "the file must be a mapping with a 'cases:' list");
        goto out;
    }
    if (check_duplicate_keys(name, root) < 0)
        goto out;
    list = yaml_get(root, "cases");
    if (!list) {
        yaml_error_at(name, root, "no 'cases:' list at the top level");
        goto out;
    }
    if (list->type != YAML_SEQ || !list->n) {
        yaml_error_at(name, list, "'cases' must be a non-empty list");
        goto out;
    }
    out->cases = xcalloc(list->n, sizeof(*out->cases));
    out->alloc = list->n;
    for (i = 0; i < list->n; i++) {
        out->n++;
        if (parse_case(name, list->items[i], &out->cases[i]) < 0)
            goto out;
        for (j = 0; j < i; j++)
            if (!strcmp(out->cases[j].id, out->cases[i].id)) {
                yaml_error_at(name, yaml_get(list->items[i], "id"),
                              "duplicate id '%s' (first at line %d)", out->cases[i].id,
                              out->cases[j].line);
                goto out;
            }
    }
    ret = 0;
out:
    yaml_node_free(root);
    if (ret < 0)
        case_set_release(out);
    return ret;
}

int cases_load(const char *path, struct case_set *out)
{
    struct strbuf sb = STRBUF_INIT;
    int ret;

    memset(out, 0, sizeof(*out));
    if (fs_read_file(&sb, path) < 0)
        return -1;
    ret = cases_parse(path, sb.buf, sb.len, out);
    strbuf_release(&sb);
    return ret;
}

void case_set_release(struct case_set *set)
{
    size_t i, j;

    for (i = 0; i < set->n; i++) {
        struct eval_case *c = &set->cases[i];
        free(c->id);
        free(c->question);
        free(c->verification_sql);
        strv_free(c->tags, c->ntags);
        for (j = 0; j < c->nassertions; j++)
            strv_free(c->assertions[j].values, c->assertions[j].nvalues);
        free(c->assertions);
    }
    free(set->cases);
    free(set->path);
    memset(set, 0, sizeof(*set));
}
