/*
 * mdp ingest: each manifest source into raw.<table> in one transaction (stage, type, swap,
 * record state), skipping sources that did not change since their last load.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "platform/ingest.h"
#include "platform/records.h"
#include "platform/manifest.h"
#include "platform/typing.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"
#include "wh/meta.h"
#include "wh/wh.h"

/* Bumped when what a load produces changes, so old state no longer counts as up to date. */
#define INGEST_VERSION 1

/* A 64-bit content hash (for change detection, not security), as 16 hex digits. */
static uint64_t mix(uint64_t h, uint64_t w)
{
    h ^= w * 0x9E3779B97F4A7C15ULL;
    h = (h << 31) | (h >> 33);
    return h * 0x87C37B91114253D5ULL;
}

static int hash_file(const char *path, char out[17])
{
    enum { CHUNK = 1 << 20 };
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    uint64_t h = 0x243F6A8885A308D3ULL, total = 0;
    size_t have = 0, n, i;

    if (!f)
        return error("cannot read '%s': %s", path, strerror(errno));
    buf = xmalloc(CHUNK + 8);
    while ((n = fread(buf + have, 1, CHUNK, f)) > 0) {
        size_t words;
        have += n;
        total += n;
        words = have / 8;
        for (i = 0; i < words; i++) {
            uint64_t w;
            memcpy(&w, buf + i * 8, 8);
            h = mix(h, w);
        }
        memmove(buf, buf + words * 8, have - words * 8);
        have -= words * 8;
    }
    if (have) {
        uint64_t w = 0;
        memcpy(&w, buf, have);
        h = mix(h, w);
    }
    h = mix(h, total);
    free(buf);
    if (ferror(f)) {
        fclose(f);
        return error("cannot read '%s': %s", path, strerror(errno));
    }
    fclose(f);
    snprintf(out, 17, "%016" PRIx64, h);
    return 0;
}

static void str_hash(const char *s, char out[17])
{
    uint64_t h = 0x243F6A8885A308D3ULL;
    size_t len = strlen(s), i;

    for (i = 0; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = mix(h, w);
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, s + i, len - i);
        h = mix(h, w);
    }
    snprintf(out, 17, "%016" PRIx64, mix(h, len));
}

static void item_note(struct ingest_item *it, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void item_note(struct ingest_item *it, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ALLOC_GROW(it->notes, it->nnotes + 1, it->alloc_notes);
    it->notes[it->nnotes++] = strbuf_detach(&sb, NULL);
}

static void add_raw(struct strbuf *sb, const char *table)
{
    strbuf_addstr(sb, INGEST_SCHEMA ".");
    strbuf_add_sql_ident(sb, table);
}

/* A YAML value as a DuckDB literal for a reader option. */
static void add_literal(struct strbuf *sb, const struct yaml_node *v)
{
    size_t i;

    if (v->type == YAML_SCALAR) {
        const char *s = v->value;
        char *end;
        if (!v->quoted && (yaml_bool(v) >= 0)) {
            strbuf_addstr(sb, yaml_bool(v) ? "true" : "false");
            return;
        }
        if (!v->quoted && *s) {
            strtod(s, &end);
            if (!*end && !isspace((unsigned char)*s)) {
                strbuf_addstr(sb, s);
                return;
            }
        }
        strbuf_add_sql_string(sb, s);
        return;
    }
    strbuf_addch(sb, v->type == YAML_SEQ ? '[' : '{');
    for (i = 0; i < v->n; i++) {
        if (i)
            strbuf_addstr(sb, ", ");
        if (v->type == YAML_MAP) {
            strbuf_add_sql_string(sb, v->keys[i]->value);
            strbuf_addstr(sb, ": ");
        }
        add_literal(sb, v->items[i]);
    }
    strbuf_addch(sb, v->type == YAML_SEQ ? ']' : '}');
}

static int is_option_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return 0;
    return 1;
}

/* ", name=value" for the entry's `options:` mapping. */
static int add_reader_options(struct strbuf *sb, const struct manifest *m, const struct source *s)
{
    const struct yaml_node *o = yaml_get(s->node, "options");
    size_t i;

    if (!o || yaml_is_null(o))
        return 0;
    if (o->type != YAML_MAP)
        return error("%s:%d:%d: 'options' of source '%s' must be a mapping of reader options, "
                     "e.g. 'options: {delim: \";\"}'",
                     m->file, o->line, o->col, s->table);
    for (i = 0; i < o->n; i++) {
        if (!is_option_name(o->keys[i]->value))
            return error("%s:%d:%d: '%s' is not a reader option name (letters, digits, '_')",
                         m->file, o->keys[i]->line, o->keys[i]->col, o->keys[i]->value);
        strbuf_addf(sb, ", %s=", o->keys[i]->value);
        add_literal(sb, o->items[i]);
    }
    return 0;
}

/* The table function that reads the source. */
static int add_reader(struct strbuf *sb, const struct manifest *m, const struct source *s,
                      const char *file, int full_sniff)
{
    switch (s->format) {
    case SOURCE_CSV: strbuf_addstr(sb, "read_csv("); break;
    case SOURCE_PARQUET: strbuf_addstr(sb, "read_parquet("); break;
    default: strbuf_addstr(sb, "read_json("); break;
    }
    strbuf_add_sql_string(sb, file);
    if (s->format == SOURCE_NDJSON)
        strbuf_addstr(sb, ", format='newline_delimited'");
    if (full_sniff)
        strbuf_addstr(sb, ", sample_size=-1");
    if (add_reader_options(sb, m, s) < 0)
        return -1;
    strbuf_addch(sb, ')');
    return 0;
}

struct sniff_ctx {
    struct wh *wh;
    const struct manifest *m;
    const struct source *s;
    const char *file;
};

/* The date format DuckDB's CSV sniffer picks for the file, or NULL (typing_hints callback). */
static char *sniff_date_format(void *ctx)
{
    struct sniff_ctx *c = ctx;
    struct wh *wh = c->wh;
    const struct manifest *m = c->m;
    const struct source *s = c->s;
    const char *file = c->file;
    struct strbuf sql = STRBUF_INIT;
    char *v = NULL;
    int quiet;

    strbuf_addstr(&sql, "SELECT DateFormat FROM sniff_csv(");
    strbuf_add_sql_string(&sql, file);
    quiet = error_quiet(1);
    if (add_reader_options(&sql, m, s) == 0) {
        strbuf_addch(&sql, ')');
        v = wh_query_value(wh, sql.buf);
    }
    error_quiet(quiet);
    strbuf_release(&sql);
    if (v && !*v) {
        free(v);
        v = NULL;
    }
    return v;
}

/*
 * DuckDB's message made short: "path:LINE: problem (line text: ...)" for CSV errors that
 * carry a line, else "path: first line of the message".
 */
static char *load_error(const char *path, const char *msg)
{
    struct strbuf sb = STRBUF_INIT;
    const char *line = strstr(msg, "on Line: "), *orig = strstr(msg, "Original Line: ");
    const char *p, *eol;

    if (line && orig) {
        const char *problem;
        size_t olen;

        strbuf_addf(&sb, "%s:%ld: ", path, strtol(line + 9, NULL, 10));
        eol = strchr(orig, '\n');
        olen = eol ? (size_t)(eol - orig) - 15 : strlen(orig + 15);
        problem = eol ? eol + 1 : "";
        while (*problem == '\n')
            problem++;
        eol = strchr(problem, '\n');
        strbuf_add(&sb, problem, eol ? (size_t)(eol - problem) : strlen(problem));
        if (!strstr(problem, "convert") || eol == NULL)
            ; /* DuckDB's "Original Line" is only reliable for conversion errors */
        else if (olen > 80)
            strbuf_addf(&sb, " (line text: %.77s...)", orig + 15);
        else
            strbuf_addf(&sb, " (line text: %.*s)", (int)olen, orig + 15);
        return strbuf_detach(&sb, NULL);
    }
    strbuf_addf(&sb, "%s: ", path);
    p = msg;
    eol = strchr(p, '\n');
    strbuf_add(&sb, p, eol ? (size_t)(eol - p) : strlen(p));
    strbuf_rtrim(&sb);
    return strbuf_detach(&sb, NULL);
}

/* Rows and columns of the staging table, and a note on names that need quoting. */
static int measure(struct wh *wh, const char *stage, struct ingest_item *it)
{
    struct strbuf sql = STRBUF_INIT, quoted = STRBUF_INIT;
    struct wh_result *r = NULL;
    char *v;
    size_t i, nq = 0;
    int ret = -1;

    strbuf_addstr(&sql, "SELECT count(*) FROM ");
    add_raw(&sql, stage);
    v = wh_query_value(wh, sql.buf);
    if (!v)
        goto out;
    it->rows = strtoull(v, NULL, 10);
    free(v);
    if (wh_meta_table_columns(wh, INGEST_SCHEMA, stage, &r) < 0)
        goto out;
    it->columns = r->nrows;
    for (i = 0; i < r->nrows; i++) {
        const char *name = wh_result_text(r, i, 0);
        if (!wh_needs_quotes(wh, name))
            continue;
        if (nq++ < 4)
            strbuf_addf(&quoted, "%s\"%s\"", nq > 1 ? ", " : "", name);
    }
    if (nq)
        item_note(it, "%zu column name%s need%s double quotes in SQL: %s%s", nq, nq == 1 ? "" : "s",
                  nq == 1 ? "s" : "", quoted.buf, nq > 4 ? ", ..." : "");
    ret = 0;
out:
    wh_result_free(r);
    strbuf_release(&quoted);
    strbuf_release(&sql);
    return ret;
}

/* DuckDB's progress on the source being read, passed on to the caller. */
struct progress_ctx {
    const struct ingest_options *opts;
    const char *table;
};

static void on_progress(double percent, void *ctx)
{
    const struct progress_ctx *p = ctx;

    p->opts->progress(p->table, percent, 100, p->opts->progress_ctx);
}

/* A file's state: _mdp.ingest_state's record without the counts. */
struct file_state {
    uint64_t size;
    int64_t mtime_ns;
    char content[17];
    char options[17];
};

/* The recorded state of table; 1 when there is one, 0 when not, -1 on error. */
static int read_state(struct wh *wh, const char *table, struct file_state *st, uint64_t *rows,
                      size_t *cols)
{
    struct ingest_state_record rec;
    int ret = records_read_ingest_state(wh, table, &rec);

    if (ret == 1) {
        st->size = rec.size;
        st->mtime_ns = rec.mtime_ns;
        memcpy(st->content, rec.content, sizeof(st->content));
        memcpy(st->options, rec.options, sizeof(st->options));
        *rows = rec.rows;
        *cols = rec.columns;
    }
    return ret;
}

static void add_state_sql(struct strbuf *sql, const struct source *s, const struct file_state *st,
                          const struct ingest_item *it)
{
    size_t i;

    strbuf_addstr(sql, "DELETE FROM _mdp.ingest_state WHERE table_name = ");
    strbuf_add_sql_string(sql, s->table);
    strbuf_addstr(sql, "; INSERT INTO _mdp.ingest_state VALUES (");
    strbuf_add_sql_string(sql, s->table);
    strbuf_addstr(sql, ", ");
    strbuf_add_sql_string(sql, s->path);
    strbuf_addf(sql,
                ", %" PRIu64 ", %" PRId64 ", '%s', '%s', %" PRIu64 ", %zu, now()::TIMESTAMP, "
                "%.3f, [",
                st->size, st->mtime_ns, st->content, st->options, it->rows, it->columns,
                it->seconds);
    for (i = 0; i < it->nnotes; i++) {
        if (i)
            strbuf_addstr(sql, ", ");
        strbuf_add_sql_string(sql, it->notes[i]);
    }
    strbuf_addstr(sql, "]::VARCHAR[])");
}

static int wh_sql(struct wh *wh, const char *sql)
{
    return wh_query(wh, sql, NULL, NULL);
}

/* Loads one source; 0 loaded or skipped, -1 failed (it->error set, nothing changed). */
static int load_source(struct wh *wh, const char *root, const struct manifest *m,
                       const struct source *s, const struct ingest_options *o,
                       struct ingest_item *it)
{
    struct file_state st, old;
    struct strbuf sql = STRBUF_INIT, entry = STRBUF_INIT;
    struct typing_result typing = {0};
    struct wh_limits lim = {0};
    struct progress_ctx pctx;
    struct stat sb;
    char *file = s->path[0] == '/' ? xstrdup(s->path) : fs_join(root, s->path);
    char *stage = xstrfmt("%s__mdp_stage", s->table);
    struct sniff_ctx sniff;
    struct typing_hints hints;
    double t0 = clock_seconds(), t_read = 0, t_typed = 0;
    int have_old, in_txn = 0, full_sniff = 0, ret = -1, quiet;
    uint64_t old_rows = 0;
    size_t old_cols = 0;

    memset(&st, 0, sizeof(st));
    memset(&old, 0, sizeof(old));
    if (stat(file, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        it->error = xstrfmt("%s: cannot read the file (%s); restore it, or run `mdp sync` to "
                            "drop its entry from sources.yml",
                            s->path, stat(file, &sb) < 0 ? strerror(errno) : "not a file");
        goto out;
    }
    it->bytes = st.size = (uint64_t)sb.st_size;
    st.mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    yaml_emit(&entry, s->node);
    strbuf_addf(&entry, "|typing=%d|v%d", !o->no_typing, INGEST_VERSION);
    str_hash(entry.buf, st.options);

    have_old = read_state(wh, s->table, &old, &old_rows, &old_cols);
    if (have_old < 0)
        goto fail_msg;
    if (have_old && !o->full_refresh && old.size == st.size && !strcmp(old.options, st.options) &&
        wh_relation_exists(wh, INGEST_SCHEMA, s->table)) {
        int same = old.mtime_ns == st.mtime_ns;
        if (!same) {
            if (hash_file(file, st.content) < 0)
                goto fail_msg;
            same = !strcmp(st.content, old.content);
            if (same) { /* touched, not changed: remember the new mtime */
                strbuf_addf(&sql,
                            "UPDATE _mdp.ingest_state SET file_mtime_ns = %" PRId64
                            " WHERE table_name = ",
                            st.mtime_ns);
                strbuf_add_sql_string(&sql, s->table);
                if (wh_sql(wh, sql.buf) < 0)
                    goto fail_msg;
            }
        }
        if (same) {
            it->status = INGEST_SKIPPED;
            it->rows = old_rows;
            it->columns = old_cols;
            ret = 0;
            goto out;
        }
    }
    if (!st.content[0] && hash_file(file, st.content) < 0)
        goto fail_msg;
    sniff.wh = wh;
    sniff.m = m;
    sniff.s = s;
    sniff.file = file;
    hints.date_format = s->format == SOURCE_CSV ? sniff_date_format : NULL;
    hints.ctx = &sniff;
    hints.careful = 0;

    if (o->progress) {
        pctx.opts = o;
        pctx.table = s->table;
        lim.progress = on_progress;
        lim.progress_ctx = &pctx;
    }
retry:
    if (wh_begin(wh) < 0)
        goto fail_msg;
    in_txn = 1;
    strbuf_reset(&sql);
    strbuf_addstr(&sql, "CREATE TABLE ");
    add_raw(&sql, stage);
    strbuf_addstr(&sql, " AS SELECT * FROM ");
    if (add_reader(&sql, m, s, file, full_sniff) < 0)
        goto fail_msg;
    quiet = error_quiet(1);
    ret = wh_exec_limited(wh, sql.buf, &lim);
    error_quiet(quiet);
    if (o->progress)
        o->progress(NULL, 0, 0, o->progress_ctx);
    if (ret < 0) {
        const char *msg = error_last();
        if (s->format == SOURCE_CSV && !full_sniff && strstr(msg, "auto-detected")) {
            /* The sniffer's sample was not representative: sniff the whole file once. */
            wh_rollback(wh);
            in_txn = 0;
            full_sniff = 1;
            item_note(it, "types sniffed from the whole file: the first rows were not "
                          "representative");
            goto retry;
        }
        it->error = load_error(s->path, msg);
        goto out;
    }
    ret = -1;
    t_read = clock_seconds();
    if (!o->no_typing) {
        size_t i;
        int t = typing_apply(wh, INGEST_SCHEMA, stage, &hints, &typing);
        if (t < 0)
            goto fail_msg;
        if (t > 0) { /* a value past the sample did not fit: load again, type carefully */
            wh_rollback(wh);
            in_txn = 0;
            hints.careful = 1;
            goto retry;
        }
        for (i = 0; i < typing.n; i++)
            item_note(it, "%s", typing.notes[i]);
    }
    t_typed = clock_seconds();
    if (measure(wh, stage, it) < 0)
        goto fail_msg;
    it->seconds = clock_seconds() - t0;
    strbuf_reset(&sql);
    strbuf_addstr(&sql, "DROP TABLE IF EXISTS ");
    add_raw(&sql, s->table);
    strbuf_addstr(&sql, "; ALTER TABLE ");
    add_raw(&sql, stage);
    strbuf_addstr(&sql, " RENAME TO ");
    strbuf_add_sql_ident(&sql, s->table);
    strbuf_addstr(&sql, "; ");
    add_state_sql(&sql, s, &st, it);
    if (wh_sql(wh, sql.buf) < 0 || wh_commit(wh) < 0)
        goto fail_msg;
    in_txn = 0;
    it->status = INGEST_LOADED;
    trace("%s: read %.2f s, typing %.2f s, swap and commit %.2f s", s->table, t_read - t0,
          t_typed - t_read, clock_seconds() - t_typed);
    ret = 0;
    goto out;
fail_msg:
    if (!it->error)
        it->error = xstrfmt("%s: %s", s->path, error_last());
out:
    if (in_txn)
        wh_rollback(wh);
    if (ret < 0)
        it->status = INGEST_FAILED;
    if (it->status != INGEST_SKIPPED)
        it->seconds = clock_seconds() - t0;
    typing_result_release(&typing);
    strbuf_release(&entry);
    strbuf_release(&sql);
    free(stage);
    free(file);
    return ret;
}

static int select_sources(const struct manifest *m, const struct ingest_options *o,
                          unsigned char *want)
{
    struct strbuf known = STRBUF_INIT;
    size_t i;

    if (!o->ntables) {
        memset(want, 1, m->n);
        return 0;
    }
    memset(want, 0, m->n);
    for (i = 0; i < o->ntables; i++) {
        struct source *s = manifest_find(m, o->tables[i]);
        size_t k;
        if (s) {
            want[s - m->sources] = 1;
            continue;
        }
        for (k = 0; k < m->n; k++)
            strbuf_addf(&known, "%s%s", k ? ", " : "", m->sources[k].table);
        error("unknown table '%s'; %s lists: %s (run `mdp sync` to add new files)", o->tables[i],
              m->file, known.len ? known.buf : "no sources");
        strbuf_release(&known);
        return -1;
    }
    return 0;
}

int ingest_run(const char *root, struct wh *wh, const struct ingest_options *opts,
               struct ingest_report *report)
{
    static const struct ingest_options defaults;
    struct manifest m;
    unsigned char *want = NULL;
    double t0 = clock_seconds();
    size_t i;
    int ret = -1, quiet, loaded;

    if (!opts)
        opts = &defaults;
    memset(report, 0, sizeof(*report));
    if (manifest_load(root, &m) < 0) {
        report->bad_input = 1;
        return -1;
    }
    if (!m.exists) {
        error("no %s in '%s'; run `mdp sync` to list the files under sources/<system>/",
              MANIFEST_PATH, root);
        report->bad_input = 1;
        goto out;
    }
    want = xcalloc(m.n ? m.n : 1, 1);
    if (select_sources(&m, opts, want) < 0) {
        report->bad_input = 1;
        goto out;
    }
    if (wh_exec(wh, "CREATE SCHEMA IF NOT EXISTS " INGEST_SCHEMA) < 0 ||
        records_create_ingest_state(wh) < 0)
        goto out;
    ret = 0;
    for (i = 0; i < m.n; i++) {
        struct ingest_item *it;

        if (!want[i])
            continue;
        ALLOC_GROW(report->items, report->n + 1, report->alloc);
        it = &report->items[report->n++];
        memset(it, 0, sizeof(*it));
        it->table = xstrdup(m.sources[i].table);
        it->path = xstrdup(m.sources[i].path);
        if (ret == 1 && opts->fail_fast)
            continue; /* INGEST_NOT_RUN */
        quiet = error_quiet(1);
        loaded = load_source(wh, root, &m, &m.sources[i], opts, it);
        error_quiet(quiet);
        if (loaded < 0) {
            error("%s; raw.%s is unchanged", it->error, it->table);
            report->failed++;
            ret = 1;
        } else if (it->status == INGEST_SKIPPED) {
            report->skipped++;
        } else {
            report->loaded++;
            report->rows_loaded += it->rows;
            report->bytes_loaded += it->bytes;
        }
    }
out:
    report->seconds = clock_seconds() - t0;
    free(want);
    manifest_release(&m);
    return ret;
}

void ingest_report_release(struct ingest_report *r)
{
    size_t i, k;

    for (i = 0; i < r->n; i++) {
        struct ingest_item *it = &r->items[i];
        free(it->table);
        free(it->path);
        free(it->error);
        for (k = 0; k < it->nnotes; k++)
            free(it->notes[k]);
        free(it->notes);
    }
    free(r->items);
    memset(r, 0, sizeof(*r));
}
