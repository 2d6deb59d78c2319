/*
 * catalog_load(): the order of the steps and the cache (the top of the catalog; the data
 * structure and its helpers are in lifecycle.c).
 *
 *   1. the cache beside the warehouse, when its stamp (the warehouse file, the semantic files,
 *      the date, the catalog's version) still holds, is the catalog: nothing is opened;
 *   2. otherwise the warehouse is opened read-only and introspected; each table whose
 *      fingerprint matches its cached one keeps its profile, the others are profiled;
 *   3. inference runs over everything (it is cheap; containment checks are remembered);
 *   4. the result is written back to the cache.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "catalog/catalog_internal.h"
#include "catalog/vocab.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "wh/connection.h"
#include "wh/wh.h"

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static void copy_profile(struct cat_table *dst, const struct cat_table *src)
{
    size_t i, k;

    dst->rows = src->rows;
    dst->sampled = src->sampled;
    dst->copies = src->copies;
    for (i = 0; i < src->ngrain && src->columns && dst->ngrain < src->ngrain; i++)
        cat_strv_push(&dst->grain, &dst->ngrain, src->grain[i]);
    for (i = 0; i < dst->ncolumns; i++) {
        struct cat_column *d = &dst->columns[i];
        const struct cat_column *s = &src->columns[i];

        d->pattern = s->pattern;
        d->null_fraction = s->null_fraction;
        d->distinct = s->distinct;
        d->unique = s->unique;
        d->has_range = s->has_range;
        d->min = s->min;
        d->max = s->max;
        d->mean = s->mean;
        d->min_text = dup_or_null(s->min_text);
        d->max_text = dup_or_null(s->max_text);
        d->negative_fraction = s->negative_fraction;
        d->avg_length = s->avg_length;
        d->values_complete = s->values_complete;
        d->separator = s->separator;
        d->anchor = dup_or_null(s->anchor);
        d->future_rows = s->future_rows;
        if (s->nvalues) {
            d->values = xcalloc(s->nvalues, sizeof(*d->values));
            for (k = 0; k < s->nvalues; k++) {
                d->values[k].text = xstrdup(s->values[k].text);
                d->values[k].key = xstrdup(s->values[k].key);
                d->values[k].count = s->values[k].count;
            }
            d->nvalues = s->nvalues;
        }
    }
    if (src->ngroupings) {
        dst->groupings = xcalloc(src->ngroupings, sizeof(*dst->groupings));
        for (i = 0; i < src->ngroupings; i++) {
            dst->groupings[i] = src->groupings[i];
            dst->groupings[i].constant =
                xcalloc(src->groupings[i].nconstant ? src->groupings[i].nconstant : 1, sizeof(int));
            memcpy(dst->groupings[i].constant, src->groupings[i].constant,
                   src->groupings[i].nconstant * sizeof(int));
            dst->groupings[i].kinds =
                xcalloc(src->groupings[i].nkinds ? src->groupings[i].nkinds : 1,
                        sizeof(*src->groupings[i].kinds));
            if (src->groupings[i].nkinds)
                memcpy(dst->groupings[i].kinds, src->groupings[i].kinds,
                       src->groupings[i].nkinds * sizeof(*src->groupings[i].kinds));
        }
        dst->ngroupings = src->ngroupings;
    }
}

static const struct cat_table *cached_table(const struct catalog *cached, const struct cat_table *t)
{
    size_t i;

    for (i = 0; cached && i < cached->ntables; i++) {
        const struct cat_table *o = &cached->tables[i];
        if (!strcmp(o->relation, t->relation) && o->fingerprint && t->fingerprint &&
            !strcmp(o->fingerprint, t->fingerprint) && o->ncolumns == t->ncolumns)
            return o;
    }
    return NULL;
}

/* ---- load ---- */

/* Now, as strftime() formats it, in local time or UTC. */
static char *now_text(const char *fmt, int utc)
{
    time_t now = time(NULL);
    struct tm tm;
    char buf[32];

    if (utc)
        gmtime_r(&now, &tm);
    else
        localtime_r(&now, &tm);
    strftime(buf, sizeof(buf), fmt, &tm);
    return xstrdup(buf);
}

static int in_memory(const char *path)
{
    return !*path || !strcmp(path, ":memory:");
}

/* With -v, how long each step took. */
static void step_done(const char *what, double *since)
{
    double now = clock_seconds();

    trace("catalog: %s %.0f ms", what, (now - *since) * 1e3);
    *since = now;
}

/* The previous catalog from the cache file, or NULL when there is none that fits. */
static struct catalog *read_cache(const char *path, struct cat_build *b, char **stamp)
{
    struct strbuf text = STRBUF_INIT;
    struct json *j = NULL;
    struct catalog *c = NULL;
    int quiet = error_quiet(1);
    double t = clock_seconds();

    *stamp = NULL;
    if (fs_is_file(path) && fs_read_file(&text, path) == 0 &&
        (step_done("cache read", &t), j = json_parse(path, text.buf, text.len)) != NULL) {
        step_done("cache parsed", &t);
        c = cat_from_json(j, &b->checks, &b->nchecks);
        step_done("cache to catalog", &t);
        b->alloc_checks = b->nchecks;
        if (c && json_get_str(j, "stamp"))
            *stamp = xstrdup(json_get_str(j, "stamp"));
    }
    error_quiet(quiet);
    json_free(j);
    strbuf_release(&text);
    return c;
}

static void write_cache(const char *path, const struct cat_build *b, const char *stamp)
{
    struct json *j = cat_to_json(b->c, 1, b);
    struct strbuf sb = STRBUF_INIT;
    int quiet = error_quiet(!error_is_verbose());

    json_set_str(j, "stamp", stamp);
    json_print(&sb, j, 0);
    if (fs_write_atomic(path, sb.buf, sb.len) < 0 && error_is_verbose())
        warning("the catalog is not cached: %s", error_last());
    error_quiet(quiet);
    strbuf_release(&sb);
    json_free(j);
}

static void fingerprint_catalog(struct catalog *c)
{
    uint64_t h = CAT_HASH_INIT;
    size_t i;
    char buf[32];

    h = cat_hash(h, "v", 1);
    for (i = 0; i < c->ntables; i++)
        h = cat_hash_str(h, c->tables[i].fingerprint);
    for (i = 0; i < c->nexamples; i++)
        h = cat_hash_str(h, c->examples[i].sql);
    snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)h);
    free(c->fingerprint);
    c->fingerprint = xstrdup(buf);
}

/* Tables are profiled by a few workers, each on its own connection. */
#define PROFILE_WORKERS 3

struct profile_run {
    struct cat_build *b;
    size_t *queue; /* indexes of the tables to profile */
    size_t nqueue, next, done;
    pthread_mutex_t lock;
};

static void *profile_worker(void *arg)
{
    struct profile_run *run = arg;
    struct cat_build local = *run->b;
    struct catalog *c = run->b->c;
    int quiet = error_quiet(1);

    if (wh_connect_more(run->b->wh, &local.wh) < 0)
        local.wh = NULL;
    for (;;) {
        struct cat_table *t;
        size_t i;
        int rc;

        pthread_mutex_lock(&run->lock);
        i = run->next < run->nqueue ? run->queue[run->next++] : (size_t)-1;
        if (i != (size_t)-1 && local.opts && local.opts->progress)
            local.opts->progress(run->done, run->nqueue, c->tables[i].relation,
                                 local.opts->progress_ctx);
        pthread_mutex_unlock(&run->lock);
        if (i == (size_t)-1)
            break;
        t = &c->tables[i];
        rc = local.wh ? cat_profile_table(&local, t) : -1;
        pthread_mutex_lock(&run->lock);
        if (rc < 0) {
            /* e.g. a view whose table was dropped: report it, describe the rest */
            cat_add_note(c, "%s could not be profiled: %s", t->relation, error_last());
            t->fingerprint[0] = '\0'; /* never reuse a failed profile */
        }
        run->done++;
        pthread_mutex_unlock(&run->lock);
    }
    if (local.wh)
        wh_close(local.wh);
    error_quiet(quiet);
    return NULL;
}

static int profile_all(struct cat_build *b, const struct catalog *cached)
{
    struct catalog *c = b->c;
    struct profile_run run;
    pthread_t threads[PROFILE_WORKERS];
    size_t i, nthreads;

    memset(&run, 0, sizeof(run));
    run.b = b;
    run.queue = xcalloc(c->ntables ? c->ntables : 1, sizeof(*run.queue));
    pthread_mutex_init(&run.lock, NULL);
    for (i = 0; i < c->ntables; i++) {
        const struct cat_table *old = cached_table(cached, &c->tables[i]);
        if (old)
            copy_profile(&c->tables[i], old);
        else
            run.queue[run.nqueue++] = i;
    }
    nthreads = run.nqueue < PROFILE_WORKERS ? run.nqueue : PROFILE_WORKERS;
    for (i = 0; i < nthreads; i++)
        if (pthread_create(&threads[i], NULL, profile_worker, &run))
            BUG("cannot start a profiling thread");
    for (i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    c->profiled = run.nqueue;
    if (b->opts && b->opts->progress && run.nqueue)
        b->opts->progress(run.nqueue, run.nqueue, NULL, b->opts->progress_ctx);
    pthread_mutex_destroy(&run.lock);
    free(run.queue);
    return 0;
}

/*
 * Views have no row count before they run. The largest table they read stands in for it, so
 * that a view over a large table is profiled on a sample too.
 */
static void estimate_view_rows(struct catalog *c)
{
    size_t i, j;
    int pass;

    /* as many passes as views can stack */
    for (pass = 0; pass < 8; pass++)
        for (i = 0; i < c->ntables; i++) {
            struct cat_table *t = &c->tables[i];
            if (!t->is_view)
                continue;
            for (j = 0; j < t->nupstream; j++) {
                int u = catalog_find_table(c, t->upstream[j]);
                if (u >= 0 && c->tables[u].rows > t->rows)
                    t->rows = c->tables[u].rows;
            }
        }
}

/*
 * Does the warehouse hold a table large enough to be sampled? Then each query gets DuckDB's
 * threads back: scans of millions of rows gain more from them than small queries lose.
 */
static int big_tables(const struct catalog *c, const struct catalog_options *opts)
{
    uint64_t limit = opts->sample_rows ? opts->sample_rows : CATALOG_SAMPLE_ROWS;
    size_t i;

    for (i = 0; i < c->ntables; i++)
        if (c->tables[i].rows > limit)
            return 1;
    return 0;
}

int catalog_load(const char *warehouse, const struct catalog_options *opts, struct catalog **out)
{
    static const struct catalog_options defaults;
    struct cat_build b;
    struct wh_options wo = {0};
    struct catalog *cached = NULL;
    struct vocab *vocab = NULL;
    char *cache_path = NULL, *stamp = NULL, *cached_stamp = NULL;
    double t0 = clock_seconds(), t_step = t0;
    size_t i;
    int ret = -1;

    memset(&b, 0, sizeof(b));
    if (!opts)
        opts = &defaults;
    b.opts = opts;
    b.today = now_text("%Y-%m-%d", 0);
    *out = NULL;
    if (vocab_load(opts->root, &vocab) < 0) {
        ret = -2;
        goto out;
    }

    if (!in_memory(warehouse) && !opts->no_cache) {
        cache_path = xstrfmt("%s.catalog.json", warehouse);
        stamp = cat_file_stamp(warehouse, opts->root, b.today);
        cached = read_cache(cache_path, &b, &cached_stamp);
        if (cached && !opts->refresh && cached_stamp && !strcmp(cached_stamp, stamp)) {
            free(cached->warehouse);
            cached->warehouse = xstrdup(warehouse);
            cached->vocab = vocab;
            vocab = NULL;
            cat_index_build(cached);
            cached->build_ms = (clock_seconds() - t0) * 1e3;
            *out = cached;
            cached = NULL;
            ret = 0;
            goto out;
        }
        if (opts->refresh) {
            catalog_free(cached);
            cached = NULL;
            for (i = 0; i < b.nchecks; i++)
                free(b.checks[i].key);
            b.nchecks = 0;
        }
    }

    t_step = clock_seconds();
    /*
     * One thread per query: the catalog asks many small queries, several at once (one per
     * profiling worker), and threads inside each would only wait for one another.
     */
    wo.mode = WH_READ_ONLY;
    wo.threads = 1;
    if (wh_open_ext(warehouse, &wo, &b.wh) < 0)
        goto out;
    step_done("open", &t_step);
    b.c = xcalloc(1, sizeof(*b.c));
    b.c->warehouse = xstrdup(warehouse);
    b.c->vocab = vocab;
    vocab = NULL;
    if (cat_introspect(&b) < 0)
        goto out;
    step_done("introspect", &t_step);
    cat_infer_layers(b.c);
    estimate_view_rows(b.c);
    if (big_tables(b.c, opts) && wh_exec(b.wh, "RESET threads") < 0)
        goto out;
    if (profile_all(&b, cached) < 0)
        goto out;
    step_done("profiles", &t_step);
    cat_infer_derived(b.c);
    cat_infer_roles(b.c, b.c->vocab);
    if (cat_read_semantic(b.c, opts->root) < 0) {
        ret = -2;
        goto out;
    }
    step_done("roles and semantic files", &t_step);
    if (cat_infer_joins(&b) < 0)
        goto out;
    step_done("joins", &t_step);
    if (cat_infer_group_keys(&b) < 0 || cat_infer_group_kinds(&b) < 0)
        goto out;
    step_done("group keys", &t_step);
    cat_infer_grain_and_caveats(b.c);
    cat_infer_words(b.c);
    cat_index_build(b.c);
    step_done("word index", &t_step);
    fingerprint_catalog(b.c);
    b.c->built_at = now_text("%Y-%m-%dT%H:%M:%SZ", 1);
    b.c->build_ms = (clock_seconds() - t0) * 1e3;
    if (cache_path)
        write_cache(cache_path, &b, stamp);
    step_done("cache", &t_step);
    *out = b.c;
    b.c = NULL;
    ret = 0;
out:
    if (b.wh)
        wh_close(b.wh);
    catalog_free(b.c);
    catalog_free(cached);
    vocab_free(vocab);
    for (i = 0; i < b.nchecks; i++)
        free(b.checks[i].key);
    free(b.checks);
    free(b.today);
    free(b.database);
    free(cache_path);
    free(stamp);
    free(cached_stamp);
    return ret;
}
