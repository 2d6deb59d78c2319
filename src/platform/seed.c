/*
 * `mdp seed` as a library (see seed.h): each seed of the dbt project becomes a manifest entry
 * in memory and loads through ingest_load(), then gets its _mdp.models rows.
 */
#include <string.h>

#include "platform/dbt_project.h"
#include "platform/ingest.h"
#include "platform/manifest.h"
#include "platform/records.h"
#include "platform/seed.h"
#include "platform/transform.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"
#include "wh/wh.h"

/* A copy of a YAML scalar or mapping of scalars (the configs point into the project's tree). */
static struct yaml_node *copy_node(const struct yaml_node *v)
{
    struct yaml_node *c;
    size_t i;

    if (v->type == YAML_SCALAR)
        return yaml_new(YAML_SCALAR, v->value);
    c = yaml_new(YAML_MAP, NULL);
    for (i = 0; v->type == YAML_MAP && i < v->n; i++)
        if (v->items[i]->type == YAML_SCALAR)
            yaml_map_set(c, v->keys[i]->value, yaml_new(YAML_SCALAR, v->items[i]->value));
    return c;
}

/* Loads one seed and records it; fills it. Returns 0, or -1 when it failed. */
static int load_seed(struct wh *wh, const char *root, const struct dbt_model *seed,
                     const struct seed_options *o, struct ingest_item *it)
{
    struct manifest m;
    struct ingest_options io = {0};
    struct ingest_target target;
    const char **keep = NULL;
    char *path = xstrfmt("dbt_project/%s", seed->path);
    struct strbuf sql = STRBUF_INIT;
    size_t i;
    int ret = -1;

    memset(&m, 0, sizeof(m));
    m.file = xstrdup("dbt_project/dbt_project.yml");
    m.header = xstrdup("");
    m.root = yaml_new(YAML_MAP, NULL);
    m.list = yaml_new(YAML_SEQ, NULL);
    yaml_map_set(m.root, "sources", m.list);
    manifest_add(&m, dbt_model_alias(seed), path, NULL);
    if (seed->column_types || seed->delimiter) {
        struct yaml_node *opts = yaml_new(YAML_MAP, NULL);
        if (seed->column_types)
            yaml_map_set(opts, "types", copy_node(seed->column_types));
        if (seed->delimiter)
            yaml_map_set(opts, "delim", copy_node(seed->delimiter));
        yaml_map_set(m.sources[0].node, "options", opts);
    }
    target.schema = dbt_model_schema(seed);
    target.key = it->table;
    target.nkeep = seed->column_types ? seed->column_types->n : 0;
    keep = xcalloc(target.nkeep + 1, sizeof(*keep));
    for (i = 0; i < target.nkeep; i++)
        keep[i] = seed->column_types->keys[i]->value;
    target.keep = keep;
    io.full_refresh = o->full_refresh;
    io.cancel = o->cancel;
    it->path = xstrdup(path);
    if (ingest_prepare(wh, target.schema) < 0) {
        it->error = xstrfmt("%s: %s", seed->path, error_last());
        it->status = INGEST_FAILED;
        goto out;
    }
    if (ingest_load(wh, root, &m, &m.sources[0], &target, &io, it) < 0)
        goto out;
    transform_metadata_sql(seed, &sql);
    if (wh_begin(wh) < 0 || wh_exec(wh, sql.buf) < 0 || wh_commit(wh) < 0) {
        wh_rollback(wh);
        it->error =
            xstrfmt("%s: loaded, but recording it in _mdp failed: %s", seed->path, error_last());
        goto out;
    }
    ret = 0;
out:
    strbuf_release(&sql);
    free(keep);
    free(path);
    manifest_release(&m);
    return ret;
}

int seed_run(const char *root, struct wh *wh, const struct seed_options *opts,
             struct ingest_report *rep)
{
    static const struct seed_options defaults;
    struct dbt_project p;
    unsigned char *selected = NULL;
    double t0 = clock_seconds();
    size_t i, nseeds = 0;
    int ret = -1, quiet;

    memset(rep, 0, sizeof(*rep));
    rep->stage = "seed";
    if (!opts)
        opts = &defaults;
    if (dbt_project_open(root, opts->vars, opts->select, opts->nselect, &p, &selected) < 0) {
        rep->bad_input = 1;
        return -1;
    }
    for (i = 0; i < p.nmodels; i++)
        nseeds += selected[i] && p.models[i].enabled && dbt_model_is_seed(&p.models[i]);
    ret = 0;
    if (!nseeds)
        goto out;
    ret = -1;
    if (records_create_models(wh) < 0)
        goto out;
    ret = 0;
    for (i = 0; i < p.nmodels; i++) {
        const struct dbt_model *s = &p.models[i];
        struct ingest_item *it;

        if (!selected[i] || !s->enabled || !dbt_model_is_seed(s))
            continue;
        ALLOC_GROW(rep->items, rep->n + 1, rep->alloc);
        it = &rep->items[rep->n++];
        memset(it, 0, sizeof(*it));
        it->table = xstrfmt("%s.%s", dbt_model_schema(s), dbt_model_alias(s));
        if (opts->cancel && *opts->cancel) { /* Ctrl-C: the rest are not run */
            rep->interrupted = 1;
            ret = 1;
            continue;
        }
        quiet = error_quiet(1);
        if (load_seed(wh, root, s, opts, it) < 0) {
            error_quiet(quiet);
            if (opts->cancel && *opts->cancel) {
                ingest_item_interrupted(rep, it, "");
                ret = 1;
                continue;
            }
            it->status = INGEST_FAILED;
            error("%s; %s is unchanged", it->error, it->table);
            rep->failed++;
            ret = 1;
            continue;
        }
        error_quiet(quiet);
        if (it->status == INGEST_SKIPPED) {
            rep->skipped++;
        } else {
            rep->loaded++;
            rep->rows_loaded += it->rows;
            rep->bytes_loaded += it->bytes;
        }
    }
out:
    rep->seconds = clock_seconds() - t0;
    free(selected);
    dbt_project_release(&p);
    return ret;
}
