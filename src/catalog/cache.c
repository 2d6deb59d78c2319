/*
 * The catalog as JSON (catalog.h documents the document), and back: `mdp catalog --json`
 * prints it and the cache beside the warehouse stores it. The cache adds the stamp it is
 * valid for and the containment checks already made.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#include "catalog/catalog_internal.h"
#include "catalog/vocab.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/share.h"
#include "util/xmalloc.h"

/* ---- writing ---- */

static struct json *str_array(char *const *v, size_t n)
{
    struct json *a = json_new_array();
    size_t i;

    for (i = 0; i < n; i++)
        json_push(a, json_new_str(v[i]));
    return a;
}

/* How much a JSON document holds: no values or SQL, everything, everything for the cache. */
enum detail { DETAIL_SMALL, DETAIL_FULL, DETAIL_CACHE };

static struct json *column_json(const struct catalog *c, const struct cat_table *t,
                                const struct cat_column *col, enum detail detail)
{
    struct json *o = json_new_object(), *roles = json_new_array(), *a;
    int r;
    size_t i;

    json_set_str(o, "name", col->name);
    json_set_str(o, "type", col->type_name);
    json_set_str(o, "description", col->description);
    json_set(o, "tests", str_array(col->tests, col->ntests));
    for (r = 0; r < CAT_NROLES; r++)
        if (col->roles & (1u << r))
            json_push(roles, json_new_str(cat_role_name((enum cat_role)(1u << r))));
    json_set(o, "roles", roles);
    json_set_str(o, "aggregation", col->agg == CAT_AGG_NONE ? NULL : cat_agg_name(col->agg));
    json_set_str(o, "pattern",
                 col->pattern == CAT_PAT_NONE ? NULL : cat_pattern_name(col->pattern));
    json_set_num(o, "null_fraction", col->null_fraction);
    json_set_num(o, "distinct", (double)col->distinct);
    json_set_bool(o, "unique", col->unique);
    json_set_bool(o, "declared_key", col->declared_key);
    if (col->has_range) {
        json_set_num(o, "min", col->min);
        json_set_num(o, "max", col->max);
        if (!isnan(col->mean))
            json_set_num(o, "mean", col->mean);
    }
    json_set_str(o, "min_text", col->min_text);
    json_set_str(o, "max_text", col->max_text);
    json_set_num(o, "negative_fraction", col->negative_fraction);
    if (col->type == WH_T_TEXT)
        json_set_num(o, "avg_length", col->avg_length);
    if (detail >= DETAIL_FULL) {
        a = json_new_array();
        for (i = 0; i < col->nvalues; i++) {
            struct json *v = json_new_object();
            json_set_str(v, "value", col->values[i].text);
            json_set_num(v, "count", (double)col->values[i].count);
            if (detail == DETAIL_CACHE) /* stemming them again costs more than reading them */
                json_set_str(v, "key", col->values[i].key);
            json_push(a, v);
        }
        json_set(o, "values", a);
    }
    json_set_bool(o, "values_complete", col->values_complete);
    if (col->separator) {
        char sep[2] = {col->separator, 0};
        json_set_str(o, "separator", sep);
    }
    json_set_str(o, "anchor", col->anchor);
    json_set_num(o, "future_rows", (double)col->future_rows);
    if (col->ref_table >= 0) {
        const struct cat_table *to = &c->tables[col->ref_table];
        struct json *ref = json_new_object();
        json_set_str(ref, "table", to->relation);
        json_set_str(ref, "column", to->columns[col->ref_column].name);
        if (col->containment >= 0)
            json_set_num(ref, "containment", col->containment);
        else
            json_set(ref, "containment", json_new_null());
        json_set(o, "references", ref);
    } else {
        json_set(o, "references", json_new_null());
    }
    json_set_str(o, "repeated_within",
                 col->repeated_within >= 0 ? t->columns[col->repeated_within].name : NULL);
    json_set_str(o, "derived", col->derived);
    json_set(o, "words", str_array(col->words, col->nwords));
    return o;
}

static struct json *table_json(const struct catalog *c, const struct cat_table *t,
                               enum detail detail)
{
    struct json *o = json_new_object(), *cols = json_new_array(), *groups = json_new_array();
    size_t i, k;

    json_set_str(o, "schema", t->schema);
    json_set_str(o, "name", t->name);
    json_set_str(o, "relation", t->relation);
    json_set_str(o, "kind", t->is_view ? "view" : "table");
    json_set_str(o, "layer", cat_layer_name(t->layer));
    json_set_num(o, "depth", t->depth);
    json_set_str(o, "model", t->model);
    json_set_str(o, "description", t->description);
    json_set_num(o, "rows", (double)t->rows);
    json_set_bool(o, "sampled", t->sampled);
    if (t->copies >= 0)
        json_set_num(o, "copies", (double)t->copies);
    json_set(o, "upstream", str_array(t->upstream, t->nupstream));
    json_set_str(o, "key", t->key >= 0 ? t->columns[t->key].name : NULL);
    json_set(o, "grain", str_array(t->grain, t->ngrain));
    for (i = 0; i < t->ngroupings; i++) {
        const struct cat_grouping *g = &t->groupings[i];
        struct json *go = json_new_object(), *cs = json_new_array();
        json_set_str(go, "column", t->columns[g->column].name);
        json_set_num(go, "groups", (double)g->groups);
        json_set_num(go, "multi", (double)g->multi);
        json_set_bool(go, "sampled", g->sampled);
        for (k = 0; k < g->nconstant; k++)
            json_push(cs, json_new_str(t->columns[g->constant[k]].name));
        json_set(go, "constant", cs);
        if (g->kinds_known) {
            struct json *ps = json_new_array(), *ks = json_new_array();
            for (k = 0; k < g->nparts; k++)
                json_push(ps, json_new_str(t->columns[g->parts[k]].name));
            for (k = 0; k < g->nkinds; k++) {
                struct json *kd = json_new_array();
                json_push(kd, json_new_num(g->kinds[k].same));
                json_push(kd, json_new_num(g->kinds[k].varies));
                json_push(kd, json_new_num((double)g->kinds[k].groups));
                json_push(kd, json_new_num((double)g->kinds[k].multi));
                json_push(ks, kd);
            }
            json_set(go, "parts", ps);
            json_set(go, "kinds", ks);
        }
        json_push(groups, go);
    }
    json_set(o, "groupings", groups);
    json_set(o, "caveats", str_array(t->caveats, t->ncaveats));
    json_set(o, "words", str_array(t->words, t->nwords));
    json_set_str(o, "fingerprint", t->fingerprint);
    if (detail >= DETAIL_FULL)
        json_set_str(o, "sql", t->sql);
    for (i = 0; i < t->ncolumns; i++)
        json_push(cols, column_json(c, t, &t->columns[i], detail));
    json_set(o, "columns", cols);
    return o;
}

struct json *cat_to_json(const struct catalog *c, int with_values, const struct cat_build *b)
{
    static const char *const sources[] = {"inferred", "declared", "tested", "example"};
    struct json *o = json_new_object(), *a;
    size_t i;

    json_set_num(o, "version", CATALOG_VERSION);
    json_set_str(o, "warehouse", c->warehouse);
    json_set_str(o, "fingerprint", c->fingerprint);
    json_set_str(o, "built_at", c->built_at);
    json_set_num(o, "build_ms", round(c->build_ms * 10) / 10);
    json_set_num(o, "profiled", (double)c->profiled);
    a = json_new_array();
    for (i = 0; i < c->ntables; i++)
        json_push(a, table_json(c, &c->tables[i],
                                b             ? DETAIL_CACHE
                                : with_values ? DETAIL_FULL
                                              : DETAIL_SMALL));
    json_set(o, "tables", a);
    a = json_new_array();
    for (i = 0; i < c->njoins; i++) {
        const struct cat_join *j = &c->joins[i];
        struct json *jo = json_new_object();
        json_set_str(jo, "from", c->tables[j->from_table].relation);
        json_set_str(jo, "from_column", c->tables[j->from_table].columns[j->from_column].name);
        json_set_str(jo, "to", c->tables[j->to_table].relation);
        json_set_str(jo, "to_column", c->tables[j->to_table].columns[j->to_column].name);
        if (j->containment >= 0)
            json_set_num(jo, "containment", j->containment);
        else
            json_set(jo, "containment", json_new_null());
        json_set_str(jo, "source", sources[j->source]);
        json_push(a, jo);
    }
    json_set(o, "joins", a);
    a = json_new_array();
    for (i = 0; i < c->nexamples; i++) {
        struct json *e = json_new_object();
        json_set_str(e, "source", c->examples[i].source);
        json_set_str(e, "name", c->examples[i].name);
        json_set_str(e, "question", c->examples[i].question);
        json_set_str(e, "sql", c->examples[i].sql);
        json_push(a, e);
    }
    json_set(o, "examples", a);
    a = json_new_array();
    for (i = 0; i < c->nmeasures; i++) {
        const struct cat_measure *m = &c->measures[i];
        struct json *mo = json_new_object();
        json_set_str(mo, "name", m->name);
        json_set_str(mo, "expression", m->expression);
        json_set_str(mo, "table", m->table >= 0 ? c->tables[m->table].relation : NULL);
        json_set_str(mo, "source", c->examples[m->example].source);
        json_set(mo, "words", str_array(m->words, m->nwords));
        json_push(a, mo);
    }
    json_set(o, "measures", a);
    json_set(o, "notes", str_array(c->notes, c->nnotes));
    if (b) {
        a = json_new_array();
        for (i = 0; i < b->nchecks; i++) {
            struct json *ch;
            if (!b->checks[i].used)
                continue;
            ch = json_new_object();
            json_set_str(ch, "key", b->checks[i].key);
            json_set_num(ch, "containment", b->checks[i].containment);
            json_push(a, ch);
        }
        json_set(o, "checks", a);
    }
    return o;
}

void catalog_to_json(const struct catalog *c, struct strbuf *sb, int pretty, int with_values)
{
    struct json *j = cat_to_json(c, with_values, NULL);

    json_print(sb, j, pretty);
    json_free(j);
}

void catalog_table_to_json(const struct catalog *c, int table, struct strbuf *sb, int pretty,
                           int with_values)
{
    struct json *j = table_json(c, &c->tables[table], with_values ? DETAIL_FULL : DETAIL_SMALL);

    json_print(sb, j, pretty);
    json_free(j);
}

/* ---- reading ---- */

static char *get_dup(const struct json *o, const char *key)
{
    const char *s = json_get_str(o, key);
    return s ? xstrdup(s) : NULL;
}

static double get_num(const struct json *o, const char *key, double dflt)
{
    double v;
    return json_num(json_get(o, key), &v) == 0 ? v : dflt;
}

static void get_strs(const struct json *o, const char *key, char ***v, size_t *n)
{
    const struct json *a = json_get(o, key), *e;

    for (e = json_is_array(a) ? json_first(a) : NULL; e; e = json_next(e))
        if (json_str(e))
            cat_strv_push(v, n, json_str(e));
}

static int name_index(const char *const *names, size_t n, const char *name)
{
    size_t i;

    for (i = 0; name && i < n; i++)
        if (!strcmp(names[i], name))
            return (int)i;
    return -1;
}

/* A grouping's parts and kinds of groups; left unknown when anything in them is off. */
static void read_group_kinds(struct cat_grouping *gr, const struct json *parts,
                             const struct json *kinds, const char *const *names, size_t n)
{
    const struct json *e;
    size_t k = 0;

    if (!json_is_array(parts) || !json_is_array(kinds) || json_size(parts) > CAT_GROUP_PARTS)
        return;
    for (e = json_first(parts); e; e = json_next(e)) {
        int ci = name_index(names, n, json_str(e));
        if (ci < 0)
            return;
        gr->parts[gr->nparts++] = ci;
    }
    gr->kinds = xcalloc(json_size(kinds) ? json_size(kinds) : 1, sizeof(*gr->kinds));
    for (e = json_first(kinds); e; e = json_next(e), k++) {
        double v[4];
        size_t i;
        for (i = 0; i < 4; i++)
            if (json_size(e) != 4 || json_num(json_at(e, i), &v[i]) < 0 || !(v[i] >= 0) ||
                v[i] > 1e15 || (i < 2 && v[i] >= (double)(1u << gr->nparts)))
                goto bad;
        gr->kinds[k].same = (unsigned)v[0];
        gr->kinds[k].varies = (unsigned)v[1];
        gr->kinds[k].groups = (uint64_t)v[2];
        gr->kinds[k].multi = (uint64_t)v[3];
    }
    gr->nkinds = k;
    gr->kinds_known = 1;
    return;
bad:
    free(gr->kinds);
    gr->kinds = NULL;
    gr->nparts = 0;
}

static enum cat_layer layer_of(const char *s)
{
    int l;

    for (l = CAT_LAYER_RAW; s && l <= CAT_LAYER_OTHER; l++)
        if (!strcmp(cat_layer_name((enum cat_layer)l), s))
            return (enum cat_layer)l;
    return CAT_LAYER_OTHER;
}

static int read_column(const struct json *o, struct cat_column *col)
{
    const struct json *a, *e;
    int p;

    col->name = get_dup(o, "name");
    col->type_name = get_dup(o, "type");
    if (!col->name || !col->type_name)
        return -1;
    col->type = wh_type_parse(col->type_name);
    col->description = get_dup(o, "description");
    get_strs(o, "tests", &col->tests, &col->ntests);
    a = json_get(o, "roles");
    for (e = json_first(a); e; e = json_next(e)) {
        int r;
        for (r = 0; r < CAT_NROLES; r++)
            if (json_str(e) && !strcmp(json_str(e), cat_role_name((enum cat_role)(1u << r))))
                col->roles |= 1u << r;
    }
    col->agg = CAT_AGG_NONE;
    if (json_get_str(o, "aggregation"))
        col->agg = !strcmp(json_get_str(o, "aggregation"), "avg") ? CAT_AGG_AVG : CAT_AGG_SUM;
    for (p = CAT_PAT_NONE; json_get_str(o, "pattern") && p <= CAT_PAT_PERSON_NAME; p++)
        if (!strcmp(json_get_str(o, "pattern"), cat_pattern_name((enum cat_pattern)p)))
            col->pattern = (enum cat_pattern)p;
    col->null_fraction = get_num(o, "null_fraction", 0);
    col->distinct = (uint64_t)get_num(o, "distinct", 0);
    col->unique = get_num(o, "unique", 0) != 0;
    col->declared_key = get_num(o, "declared_key", 0) != 0;
    col->has_range = json_get(o, "min") && !json_is_null(json_get(o, "min"));
    col->min = get_num(o, "min", NAN);
    col->max = get_num(o, "max", NAN);
    col->mean = get_num(o, "mean", NAN);
    col->min_text = get_dup(o, "min_text");
    col->max_text = get_dup(o, "max_text");
    col->negative_fraction = get_num(o, "negative_fraction", 0);
    col->avg_length = get_num(o, "avg_length", 0);
    a = json_get(o, "values");
    if (a && json_is_array(a) && json_size(a)) {
        col->values = xcalloc(json_size(a), sizeof(*col->values));
        for (e = json_first(a); e; e = json_next(e)) {
            const char *v = json_get_str(e, "value");
            if (!v)
                continue;
            col->values[col->nvalues].text = xstrdup(v);
            col->values[col->nvalues].count = (uint64_t)get_num(e, "count", 0);
            col->values[col->nvalues].key =
                json_get_str(e, "key") ? xstrdup(json_get_str(e, "key")) : vocab_key(v);
            col->nvalues++;
        }
    }
    col->values_complete = get_num(o, "values_complete", 0) != 0;
    {
        const char *sep = json_get_str(o, "separator");
        col->separator = sep && col->type == WH_T_TEXT &&
                                 (!strcmp(sep, ",") || !strcmp(sep, ";") || !strcmp(sep, "|"))
                             ? sep[0]
                             : 0;
    }
    col->anchor = get_dup(o, "anchor");
    col->future_rows = (uint64_t)get_num(o, "future_rows", 0);
    col->derived = get_dup(o, "derived");
    get_strs(o, "words", &col->words, &col->nwords);
    col->ref_table = col->ref_column = col->repeated_within = -1;
    col->containment = -1;
    return 0;
}

static int read_table(const struct json *o, struct cat_table *t)
{
    const struct json *cols = json_get(o, "columns"), *groups = json_get(o, "groupings");
    const struct json *e, *g;
    const char **names;
    size_t i, ncols;

    t->schema = get_dup(o, "schema");
    t->name = get_dup(o, "name");
    t->relation = get_dup(o, "relation");
    if (!t->schema || !t->name || !t->relation || !cols || !json_is_array(cols))
        return -1;
    t->is_view = json_get_str(o, "kind") && !strcmp(json_get_str(o, "kind"), "view");
    t->layer = layer_of(json_get_str(o, "layer"));
    t->depth = (int)get_num(o, "depth", 0);
    t->model = get_dup(o, "model");
    t->description = get_dup(o, "description");
    t->sql = get_dup(o, "sql");
    t->rows = (uint64_t)get_num(o, "rows", 0);
    t->sampled = get_num(o, "sampled", 0) != 0;
    {
        /* checked before it is converted: a number out of range has no int64_t */
        double copies = get_num(o, "copies", -1);
        t->copies = copies >= 0 && copies <= (double)t->rows ? (int64_t)copies : -1;
    }
    get_strs(o, "upstream", &t->upstream, &t->nupstream);
    get_strs(o, "grain", &t->grain, &t->ngrain);
    get_strs(o, "caveats", &t->caveats, &t->ncaveats);
    get_strs(o, "words", &t->words, &t->nwords);
    t->fingerprint = get_dup(o, "fingerprint");
    ncols = json_size(cols);
    t->columns = xcalloc(ncols ? ncols : 1, sizeof(*t->columns));
    for (e = json_first(cols), i = 0; e; e = json_next(e), i++, t->ncolumns++)
        if (read_column(e, &t->columns[i]) < 0) {
            cat_column_release(&t->columns[i]); /* a column read in part */
            return -1;
        }
    names = xcalloc(t->ncolumns ? t->ncolumns : 1, sizeof(*names));
    for (i = 0; i < t->ncolumns; i++)
        names[i] = t->columns[i].name;
    t->key = name_index(names, t->ncolumns, json_get_str(o, "key"));
    for (g = json_is_array(groups) ? json_first(groups) : NULL; g; g = json_next(g)) {
        const struct json *cs = json_get(g, "constant"), *ce;
        struct cat_grouping *gr;
        int gc = name_index(names, t->ncolumns, json_get_str(g, "column"));
        if (gc < 0)
            continue;
        t->groupings = xrealloc(t->groupings, (t->ngroupings + 1) * sizeof(*t->groupings));
        gr = &t->groupings[t->ngroupings++];
        memset(gr, 0, sizeof(*gr));
        gr->column = gc;
        gr->groups = (uint64_t)get_num(g, "groups", 0);
        gr->multi = (uint64_t)get_num(g, "multi", 0);
        gr->sampled = get_num(g, "sampled", 0) != 0;
        gr->constant = xcalloc(cs && json_size(cs) ? json_size(cs) : 1, sizeof(*gr->constant));
        for (ce = json_is_array(cs) ? json_first(cs) : NULL; ce; ce = json_next(ce)) {
            int ci = name_index(names, t->ncolumns, json_str(ce));
            if (ci >= 0)
                gr->constant[gr->nconstant++] = ci;
        }
        read_group_kinds(gr, json_get(g, "parts"), json_get(g, "kinds"), names, t->ncolumns);
    }
    for (e = json_first(cols), i = 0; e; e = json_next(e), i++) {
        const struct json *co = e;
        t->columns[i].repeated_within =
            name_index(names, t->ncolumns, json_get_str(co, "repeated_within"));
    }
    free(names);
    return 0;
}

/* Table and column indexes of a relation and column named in the document. */
static int locate(const struct catalog *c, const char *relation, const char *column, int *col)
{
    size_t i;

    for (i = 0; relation && i < c->ntables; i++)
        if (!strcmp(c->tables[i].relation, relation)) {
            *col = column ? catalog_find_column(c, (int)i, column) : -1;
            return (int)i;
        }
    *col = -1;
    return -1;
}

static int read_refs(struct catalog *c, const struct json *tables)
{
    size_t i, k;

    const struct json *te, *ce;

    for (i = 0, te = json_first(tables); i < c->ntables && te; i++, te = json_next(te)) {
        ce = json_first(json_get(te, "columns"));
        for (k = 0; k < c->tables[i].ncolumns && ce; k++, ce = json_next(ce)) {
            const struct json *ref = json_get(ce, "references");
            struct cat_column *col = &c->tables[i].columns[k];
            int rc, rt;
            if (!ref || json_is_null(ref))
                continue;
            rt = locate(c, json_get_str(ref, "table"), json_get_str(ref, "column"), &rc);
            if (rt < 0 || rc < 0)
                return -1;
            col->ref_table = rt;
            col->ref_column = rc;
            col->containment = get_num(ref, "containment", -1);
        }
    }
    return 0;
}

struct catalog *cat_from_json(const struct json *j, struct cat_check **checks, size_t *nchecks)
{
    static const char *const sources[] = {"inferred", "declared", "tested", "example"};
    struct catalog *c;
    const struct json *a, *e;
    size_t s;

    if (get_num(j, "version", 0) != CATALOG_VERSION || !json_is_array(json_get(j, "tables")))
        return NULL;
    c = xcalloc(1, sizeof(*c));
    c->warehouse = get_dup(j, "warehouse");
    c->fingerprint = get_dup(j, "fingerprint");
    c->built_at = get_dup(j, "built_at");
    c->build_ms = get_num(j, "build_ms", 0);
    a = json_get(j, "tables");
    for (e = json_first(a); e; e = json_next(e))
        if (read_table(e, cat_table_new(c)) < 0)
            goto fail;
    if (read_refs(c, a) < 0)
        goto fail;
    a = json_get(j, "joins");
    for (e = json_is_array(a) ? json_first(a) : NULL; e; e = json_next(e)) {
        const struct json *jo = e;
        int fc, tc, ft = locate(c, json_get_str(jo, "from"), json_get_str(jo, "from_column"), &fc);
        int tt = locate(c, json_get_str(jo, "to"), json_get_str(jo, "to_column"), &tc);
        const char *src = json_get_str(jo, "source");
        if (ft < 0 || fc < 0 || tt < 0 || tc < 0 || !src)
            goto fail;
        for (s = 0; s < ARRAY_SIZE(sources) && strcmp(sources[s], src); s++)
            ;
        cat_add_join(c, ft, fc, tt, tc, get_num(jo, "containment", -1),
                     s < ARRAY_SIZE(sources) ? (enum cat_join_source)s : CAT_JOIN_INFERRED);
    }
    a = json_get(j, "examples");
    for (e = json_is_array(a) ? json_first(a) : NULL; e; e = json_next(e)) {
        struct cat_example *ex;
        if (!json_get_str(e, "sql") || !json_get_str(e, "source"))
            goto fail;
        c->examples = xrealloc(c->examples, (c->nexamples + 1) * sizeof(*c->examples));
        ex = &c->examples[c->nexamples++];
        ex->source = get_dup(e, "source");
        ex->name = get_dup(e, "name");
        ex->question = get_dup(e, "question");
        ex->sql = get_dup(e, "sql");
    }
    a = json_get(j, "measures");
    for (e = json_is_array(a) ? json_first(a) : NULL; e; e = json_next(e)) {
        const struct json *mo = e;
        struct cat_measure *m;
        const char *src = json_get_str(mo, "source");
        size_t x;
        int col;
        if (!json_get_str(mo, "expression") || !src)
            goto fail;
        for (x = 0; x < c->nexamples && strcmp(c->examples[x].source, src); x++)
            ;
        if (x == c->nexamples)
            goto fail;
        c->measures = xrealloc(c->measures, (c->nmeasures + 1) * sizeof(*c->measures));
        m = &c->measures[c->nmeasures++];
        memset(m, 0, sizeof(*m));
        m->name = get_dup(mo, "name");
        m->expression = get_dup(mo, "expression");
        m->example = (int)x;
        m->table = locate(c, json_get_str(mo, "table"), NULL, &col);
        get_strs(mo, "words", &m->words, &m->nwords);
    }
    get_strs(j, "notes", &c->notes, &c->nnotes);
    a = json_get(j, "checks");
    for (e = checks && json_is_array(a) ? json_first(a) : NULL; e; e = json_next(e)) {
        const char *key = json_get_str(e, "key");
        if (!key)
            continue;
        *checks = xrealloc(*checks, (*nchecks + 1) * sizeof(**checks));
        (*checks)[*nchecks].key = xstrdup(key);
        (*checks)[*nchecks].containment = get_num(e, "containment", -1);
        (*checks)[*nchecks].used = 0;
        (*nchecks)++;
    }
    return c;
fail:
    catalog_free(c);
    return NULL;
}

/* ---- the stamp: when nothing it covers changed, the cache is the catalog ---- */

static void stamp_file(struct strbuf *sb, const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0)
        strbuf_addf(sb, "%s:%lld:%lld.%09ld;", path, (long long)st.st_size,
                    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    else
        strbuf_addf(sb, "%s:-;", path);
}

static void stamp_dir(struct strbuf *sb, const char *dir, int depth)
{
    struct dirent **list;
    int n, i;

    n = scandir(dir, &list, NULL, alphasort);
    if (n < 0) {
        strbuf_addf(sb, "%s:-;", dir);
        return;
    }
    for (i = 0; i < n; i++) {
        char *path = fs_join(dir, list[i]->d_name);
        if (list[i]->d_name[0] != '.') {
            if (fs_is_dir(path) && depth < 4)
                stamp_dir(sb, path, depth + 1);
            else
                stamp_file(sb, path);
        }
        free(path);
        free(list[i]);
    }
    free(list);
}

char *cat_file_stamp(const char *warehouse, const char *root, const char *today)
{
    static const char *const dirs[] = {"dashboards", "evidence/pages", "semantic"};
    const struct share_file *thesaurus = share_find("thesaurus.yml");
    struct strbuf sb = STRBUF_INIT;
    char *wal = xstrfmt("%s.wal", warehouse);
    uint64_t h;
    size_t i;

    strbuf_addf(&sb, "v%d;%s;", CATALOG_VERSION, today);
    stamp_file(&sb, warehouse);
    stamp_file(&sb, wal);
    for (i = 0; root && i < ARRAY_SIZE(dirs); i++) {
        char *d = fs_join(root, dirs[i]);
        stamp_dir(&sb, d, 0);
        free(d);
    }
    h = cat_hash_str(CAT_HASH_INIT, sb.buf);
    if (thesaurus)
        h = cat_hash(h, thesaurus->data, thesaurus->len);
    strbuf_reset(&sb);
    strbuf_addf(&sb, "%016llx", (unsigned long long)h);
    free(wal);
    return strbuf_detach(&sb, NULL);
}
