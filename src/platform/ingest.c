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
#include "util/gz.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"
#include "wh/meta.h"
#include "wh/wh.h"

/* Bumped when what a load produces changes, so old state no longer counts as up to date. */
#define INGEST_VERSION 1

/*
 * The most columns a source may have. DuckDB's cost to store a table grows with its columns
 * (about 0.3 MB of memory and several ms per column when the table is saved, whatever its
 * rows): a 5,000-column file loads in seconds, a 100,000-field line would take minutes and
 * tens of GB, and no one queries such a table as columns.
 */
#define INGEST_MAX_COLUMNS 10000

/* What to tell a user whose file has more columns than that. */
#define WIDE_FIXES                                                                                 \
    "split it into files of fewer columns, or reshape it to long form (one row per field: "        \
    "name, value) before loading"

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

static void add_rel(struct strbuf *sb, const char *schema, const char *table)
{
    strbuf_add_sql_ident(sb, schema);
    strbuf_addch(sb, '.');
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
        strbuf_rtrim(&sb);
        if (sb.len && sb.buf[sb.len - 1] == '.')
            strbuf_setlen(&sb, sb.len - 1);
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
    if (sb.len && sb.buf[sb.len - 1] == '.')
        strbuf_setlen(&sb, sb.len - 1);
    return strbuf_detach(&sb, NULL);
}

/* Rows and columns of the staging table, and a note on names that need quoting. */
static int measure(struct wh *wh, const char *schema, const char *stage, struct ingest_item *it)
{
    struct strbuf sql = STRBUF_INIT, quoted = STRBUF_INIT;
    struct wh_result *r = NULL;
    char *v;
    size_t i, nq = 0;
    int ret = -1;

    strbuf_addstr(&sql, "SELECT count(*) FROM ");
    add_rel(&sql, schema, stage);
    v = wh_query_value(wh, sql.buf);
    if (!v)
        goto out;
    it->rows = strtoull(v, NULL, 10);
    free(v);
    if (wh_meta_table_columns(wh, schema, stage, &r) < 0)
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

/* The number of columns of the staging table. */
static int stage_columns(struct wh *wh, const char *stage, size_t *n)
{
    struct strbuf sql = STRBUF_INIT;
    char *v;

    strbuf_addstr(&sql, "SELECT count(*) FROM duckdb_columns() WHERE schema_name = '" INGEST_SCHEMA
                        "' AND table_name = ");
    strbuf_add_sql_string(&sql, stage);
    v = wh_query_value(wh, sql.buf);
    strbuf_release(&sql);
    if (!v)
        return -1;
    *n = strtoull(v, NULL, 10);
    free(v);
    return 0;
}

/* DuckDB's progress on the source being read, passed on to the caller. */
struct progress_ctx {
    const struct ingest_options *opts;
    const char *table;
};

/* What to tell a user whose CSV has a row with the wrong number of fields. */
#define RAGGED_FIXES                                                                               \
    "fix the row, or set one of these on the source in sources.yml: `options: {null_padding: "     \
    "true}` (pad short rows with NULL), `options: {ignore_errors: true}` (skip bad rows), "        \
    "`options: {strict_mode: false}` (read rows that break the CSV rules)"

static int is_gz_name(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && !strcasecmp(path + n - 3, ".gz");
}

/* The delimiter a header line uses: the most frequent of , ; tab | outside quotes, or 0. */
static int header_delimiter(const char *line, size_t len)
{
    static const char cands[] = ",;\t|";
    size_t count[4] = {0}, i, k, best = 4;
    int quoted = 0;

    for (i = 0; i < len; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (!quoted)
            for (k = 0; k < 4; k++)
                if (line[i] == cands[k])
                    count[k]++;
    }
    for (k = 0; k < 4; k++)
        if (count[k] && (best == 4 || count[k] > count[best]))
            best = k;
    return best == 4 ? 0 : cands[best];
}

/*
 * The fields of a CSV file's first record (its header), counted with header_delimiter's rule
 * (the most frequent of , ; tab | outside quotes) as the file is read; 0 for a compressed or
 * unreadable file (the reader says why).
 */
static size_t csv_header_fields(const char *file)
{
    static const char cands[] = ",;\t|";
    size_t count[4] = {0}, k, most = 0;
    int c, quoted = 0;
    FILE *f;

    if (is_gz_name(file) || !(f = fopen(file, "rb")))
        return 0;
    while ((c = getc(f)) != EOF && (quoted || c != '\n')) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted)
            for (k = 0; k < 4; k++)
                if (c == cands[k] && ++count[k] > most)
                    most = count[k];
    }
    fclose(f);
    return most + 1;
}

/*
 * Finds the first record of a CSV file whose field count differs from its header's (quotes
 * as in RFC 4180). Returns 1 and sets *line, *want, *got and the record's text (cut) in text,
 * 0 when every record agrees (or the file is compressed), -1 when it cannot be read.
 */
static int csv_find_ragged(const char *file, long *line, size_t *want, size_t *got,
                           struct strbuf *text)
{
    FILE *f;
    struct strbuf rec = STRBUF_INIT;
    long lineno = 1, start = 1;
    size_t fields = 1, header = 0;
    int c, quoted = 0, delim = 0, found = 0;

    if (is_gz_name(file))
        return 0;
    f = fopen(file, "rb");
    if (!f)
        return -1;
    while ((c = getc(f)) != EOF || rec.len) {
        if (c != EOF && (quoted || c != '\n')) {
            if (c == '"')
                quoted = !quoted;
            else if (c == '\n')
                lineno++;
            if (rec.len < 4096)
                strbuf_addch(&rec, c);
            continue;
        }
        /* end of a record */
        if (rec.len && rec.buf[rec.len - 1] == '\r')
            strbuf_setlen(&rec, rec.len - 1);
        if (!delim) {
            delim = header_delimiter(rec.buf, rec.len);
            if (!delim)
                break;
        }
        fields = 1;
        quoted = 0;
        for (size_t i = 0; i < rec.len; i++) {
            if (rec.buf[i] == '"')
                quoted = !quoted;
            else if (!quoted && rec.buf[i] == delim)
                fields++;
        }
        quoted = 0;
        if (!header) {
            header = fields;
        } else if (rec.len && fields != header) {
            *line = start;
            *want = header;
            *got = fields;
            strbuf_add(text, rec.buf, rec.len > 60 ? 57 : rec.len);
            if (rec.len > 60)
                strbuf_addstr(text, "...");
            found = 1;
            break;
        }
        strbuf_reset(&rec);
        if (c == EOF)
            break;
        start = ++lineno;
    }
    fclose(f);
    strbuf_release(&rec);
    return found;
}

/* "path:LINE: N fields where the header has M (...); how to fix", or NULL when not found. */
static char *ragged_error(const char *path, const char *file)
{
    struct strbuf text = STRBUF_INIT;
    size_t want = 0, got = 0;
    long line = 0;
    char *msg = NULL;

    if (csv_find_ragged(file, &line, &want, &got, &text) == 1)
        msg = xstrfmt("%s:%ld: a row with %zu field%s where the header has %zu (line text: %s); "
                      "%s",
                      path, line, got, got == 1 ? "" : "s", want, text.buf, RAGGED_FIXES);
    strbuf_release(&text);
    return msg;
}

/*
 * A file named .csv (or .tsv) that is something else: gzip or Parquet or ZIP bytes, JSON, or
 * binary data. Returns an error message (the caller frees) or NULL when it looks like text.
 */
static char *csv_not_text(const char *path, const char *file)
{
    unsigned char buf[65536];
    size_t n, i;
    FILE *f;

    if (is_gz_name(file))
        return NULL;
    f = fopen(file, "rb");
    if (!f)
        return NULL; /* the reader says why */
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    if (n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
        return xstrfmt("%s: the file is gzip-compressed, not CSV text; name it with a .csv.gz "
                       "extension (and run `mdp sync`)",
                       path);
    if (n >= 4 && !memcmp(buf, "PAR1", 4))
        return xstrfmt("%s: the file is Parquet, not CSV text; name it with a .parquet extension "
                       "(and run `mdp sync`)",
                       path);
    if (n >= 4 && !memcmp(buf, "PK\3\4", 4))
        return xstrfmt("%s: the file is a ZIP archive (an Excel workbook?), not CSV text; export "
                       "or unpack it as CSV",
                       path);
    for (i = 0; i < n && isspace(buf[i]); i++)
        ;
    if (i < n && (buf[i] == '{' || buf[i] == '['))
        return xstrfmt("%s: the file holds JSON, not CSV text; name it with a .json (or .ndjson "
                       "for one object per line) extension (and run `mdp sync`)",
                       path);
    for (i = 0; i < n; i++)
        if (!buf[i])
            return xstrfmt("%s: the file holds binary data (a zero byte at offset %zu), not CSV "
                           "text; check that it is the file you meant",
                           path, i);
    return NULL;
}

struct column {
    char *name, *type;
};

/* The columns of schema.table in order; returns how many (0 when none), -1 on error. */
static long table_columns(struct wh *wh, const char *schema, const char *table, struct column **out)
{
    struct strbuf sql = STRBUF_INIT;
    struct wh_result *r = NULL;
    long n = -1;

    *out = NULL;
    strbuf_addstr(&sql, "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ");
    strbuf_add_sql_string(&sql, schema);
    strbuf_addstr(&sql, " AND table_name = ");
    strbuf_add_sql_string(&sql, table);
    strbuf_addstr(&sql, " ORDER BY column_index");
    if (wh_query(wh, sql.buf, NULL, &r) == 0) {
        *out = xcalloc(r->nrows ? r->nrows : 1, sizeof(**out));
        for (n = 0; (size_t)n < r->nrows; n++) {
            (*out)[n].name = xstrdup(wh_result_text(r, (size_t)n, 0));
            (*out)[n].type = xstrdup(wh_result_text(r, (size_t)n, 1));
        }
    }
    wh_result_free(r);
    strbuf_release(&sql);
    return n;
}

static void columns_free(struct column *c, long n)
{
    for (long i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].type);
    }
    free(c);
}

static const struct column *column_find(const struct column *c, long n, const char *name)
{
    for (long i = 0; i < n; i++)
        if (!strcasecmp(c[i].name, name))
            return &c[i];
    return NULL;
}

/* "a, b, c" (at most 5 names) of the columns of `from` that `in` lacks. */
static size_t add_missing(struct strbuf *sb, const struct column *from, long nfrom,
                          const struct column *in, long nin)
{
    size_t n = 0;

    for (long i = 0; i < nfrom; i++) {
        if (column_find(in, nin, from[i].name))
            continue;
        if (n < 5)
            strbuf_addf(sb, "%s%s", n ? ", " : "", from[i].name);
        else if (n == 5)
            strbuf_addstr(sb, ", ...");
        n++;
    }
    return n;
}

/*
 * Compares the staged load with the raw.<table> it would replace. A load that drops or renames
 * columns (unless the source's entry in sources.yml changed since the last load, e.g. its reader
 * options), or that has no rows where the table had some, is refused (it->error set, -1) unless
 * allowed; new columns and changed types are noted. 0 when the swap may go ahead.
 */
static int check_shape(struct wh *wh, const char *schema, const struct source *s, const char *stage,
                       int allow, int entry_changed, int seed, struct ingest_item *it)
{
    struct column *oldc = NULL, *newc = NULL;
    struct strbuf why = STRBUF_INIT, names = STRBUF_INIT;
    long nold, nnew;
    uint64_t old_rows = 0;
    size_t gone, added;
    int ret = -1;

    if (!wh_relation_exists(wh, schema, s->table))
        return 0;
    nold = table_columns(wh, schema, s->table, &oldc);
    nnew = table_columns(wh, schema, stage, &newc);
    if (nold < 0 || nnew < 0) {
        it->error = xstrfmt("%s: %s", s->path, error_last());
        goto out;
    }
    {
        struct strbuf sql = STRBUF_INIT;
        char *v;
        strbuf_addstr(&sql, "SELECT count(*) FROM ");
        add_rel(&sql, schema, s->table);
        v = wh_query_value(wh, sql.buf);
        strbuf_release(&sql);
        if (!v) {
            it->error = xstrfmt("%s: %s", s->path, error_last());
            goto out;
        }
        old_rows = strtoull(v, NULL, 10);
        free(v);
    }
    gone = add_missing(&names, oldc, nold, newc, nnew);
    if (gone && entry_changed) /* the user changed how the file is read */
        item_note(it, "%zu column%s gone since the source's entry changed: %s", gone,
                  gone == 1 ? "" : "s", names.buf);
    else if (gone)
        strbuf_addf(&why, "%zu of its %ld columns would go (%s)", gone, nold, names.buf);
    if (old_rows && !it->rows)
        strbuf_addf(&why, "%sthe file has no rows where %s.%s has %" PRIu64,
                    why.len ? ", and " : "", schema, s->table, old_rows);
    if (why.len && !allow) {
        char *retry = seed ? xstrfmt("run `mdp seed --full-refresh %s`", s->table)
                           : xstrfmt("run `mdp ingest --allow-schema-change %s` (or set "
                                     "`allow_schema_change: true` on the source in sources.yml)",
                                     s->table);
        it->error = xstrfmt("%s: refused: this load would replace %s.%s (%ld column%s, %" PRIu64
                            " row%s) with %ld column%s and %" PRIu64
                            " row%s: %s; check the file, or if the change is intended %s",
                            s->path, schema, s->table, nold, nold == 1 ? "" : "s", old_rows,
                            old_rows == 1 ? "" : "s", nnew, nnew == 1 ? "" : "s", it->rows,
                            it->rows == 1 ? "" : "s", why.buf, retry);
        free(retry);
        goto out;
    }
    if (why.len)
        item_note(it, "schema change allowed: %s", why.buf);
    strbuf_reset(&names);
    added = add_missing(&names, newc, nnew, oldc, nold);
    if (added)
        item_note(it, "%zu new column%s: %s", added, added == 1 ? "" : "s", names.buf);
    for (long i = 0; i < nnew; i++) {
        const struct column *o = column_find(oldc, nold, newc[i].name);
        if (o && strcmp(o->type, newc[i].type))
            item_note(it, "column %s changed type: %s -> %s", newc[i].name, o->type, newc[i].type);
    }
    ret = 0;
out:
    columns_free(oldc, nold);
    columns_free(newc, nnew);
    strbuf_release(&why);
    strbuf_release(&names);
    return ret;
}

/* The entry's `allow_schema_change:` (0 when absent), or -1 with error() when not a boolean. */
static int source_allows_schema_change(const struct manifest *m, const struct source *s)
{
    const struct yaml_node *v = yaml_get(s->node, "allow_schema_change");
    int b;

    if (!v || yaml_is_null(v))
        return 0;
    b = v->type == YAML_SCALAR ? yaml_bool(v) : -1;
    if (b < 0)
        return error("%s:%d:%d: 'allow_schema_change' of source '%s' must be true or false",
                     m->file, v->line, v->col, s->table);
    return b;
}

/* The reader's options mapping sets `key`. */
static int has_reader_option(const struct source *s, const char *key)
{
    const struct yaml_node *o = yaml_get(s->node, "options");
    return o && o->type == YAML_MAP && yaml_get(o, key);
}

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

static void add_state_sql(struct strbuf *sql, const char *key, const struct source *s,
                          const struct file_state *st, const struct ingest_item *it)
{
    size_t i;

    strbuf_addstr(sql, "DELETE FROM _mdp.ingest_state WHERE table_name = ");
    strbuf_add_sql_string(sql, key);
    strbuf_addstr(sql, "; INSERT INTO _mdp.ingest_state VALUES (");
    strbuf_add_sql_string(sql, key);
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

int ingest_load(struct wh *wh, const char *root, const struct manifest *m, const struct source *s,
                const struct ingest_target *target, const struct ingest_options *o,
                struct ingest_item *it)
{
    const char *schema = target ? target->schema : INGEST_SCHEMA;
    const char *key = target ? target->key : s->table;
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
    int have_old, in_txn = 0, full_sniff = 0, ret = -1, quiet, allow;
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

    have_old = read_state(wh, key, &old, &old_rows, &old_cols);
    if (have_old < 0)
        goto fail_msg;
    if (have_old && !o->full_refresh && old.size == st.size && !strcmp(old.options, st.options) &&
        wh_relation_exists(wh, schema, s->table)) {
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
                strbuf_add_sql_string(&sql, key);
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
    if (s->format == SOURCE_CSV && (it->error = csv_not_text(s->path, file)) != NULL)
        goto out;
    if (s->format == SOURCE_CSV) {
        size_t fields = csv_header_fields(file);
        if (fields > INGEST_MAX_COLUMNS) {
            it->error = xstrfmt("%s: refused: its first line has %zu fields, more than the %d "
                                "columns a table may have; " WIDE_FIXES,
                                s->path, fields, INGEST_MAX_COLUMNS);
            goto out;
        }
    }
    if (is_gz_name(file)) {
        uint64_t unpacked;
        if (gz_check(file, s->path, &unpacked) < 0) {
            it->error = xstrdup(error_last());
            goto out;
        }
    }
    allow = o->allow_schema_change;
    if (!allow) {
        allow = source_allows_schema_change(m, s);
        if (allow < 0)
            goto fail_msg;
    }
    sniff.wh = wh;
    sniff.m = m;
    sniff.s = s;
    sniff.file = file;
    hints.date_format = s->format == SOURCE_CSV ? sniff_date_format : NULL;
    hints.ctx = &sniff;
    hints.careful = 0;
    hints.keep = target ? target->keep : NULL;
    hints.nkeep = target ? target->nkeep : 0;

    lim.cancel = o->cancel;
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
    add_rel(&sql, schema, stage);
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
        if (s->format == SOURCE_CSV &&
            (strstr(msg, "Error when sniffing file") || strstr(msg, "Number of Columns")))
            it->error = ragged_error(s->path, file);
        if (!it->error && strstr(msg, "Number of Columns")) {
            char *e = load_error(s->path, msg);
            it->error = xstrfmt("%s; %s", e, RAGGED_FIXES);
            free(e);
        }
        if (!it->error && strstr(msg, "Invalid unicode")) {
            char *e = load_error(s->path, msg);
            it->error = xstrfmt("%s; convert it to UTF-8 (e.g. `iconv -f latin1 -t utf-8`) or set "
                                "`options: {encoding: latin-1}` on the source in sources.yml",
                                e);
            free(e);
        }
        if (!it->error)
            it->error = load_error(s->path, msg);
        goto out;
    }
    ret = -1;
    t_read = clock_seconds();
    if (s->format != SOURCE_CSV) { /* a CSV's header was counted before reading */
        size_t ncols = 0;
        if (stage_columns(wh, stage, &ncols) < 0)
            goto fail_msg;
        if (ncols > INGEST_MAX_COLUMNS) {
            it->error = xstrfmt("%s: refused: it has %zu columns, more than the %d a table may "
                                "have; " WIDE_FIXES,
                                s->path, ncols, INGEST_MAX_COLUMNS);
            goto out;
        }
    }
    if (!o->no_typing) {
        size_t i;
        int t = typing_apply(wh, schema, stage, &hints, &typing);
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
    if (s->format == SOURCE_CSV && !allow && !has_reader_option(s, "delim") &&
        !has_reader_option(s, "sep")) {
        /* One column named "a,b,c": the sniffer gave up on the file's dialect. */
        struct column *c = NULL;
        long n = table_columns(wh, schema, stage, &c);
        if (n == 1 && header_delimiter(c[0].name, strlen(c[0].name)))
            it->error = ragged_error(s->path, file);
        columns_free(c, n);
        if (it->error)
            goto out;
    }
    if (measure(wh, schema, stage, it) < 0)
        goto fail_msg;
    /* a seed's columns change with --full-refresh, as in dbt */
    if (check_shape(wh, schema, s, stage, allow || (target && o->full_refresh),
                    have_old && strcmp(old.options, st.options), target != NULL, it) < 0)
        goto out;
    it->seconds = clock_seconds() - t0;
    strbuf_reset(&sql);
    strbuf_addstr(&sql, "DROP TABLE IF EXISTS ");
    add_rel(&sql, schema, s->table);
    strbuf_addstr(&sql, "; ALTER TABLE ");
    add_rel(&sql, schema, stage);
    strbuf_addstr(&sql, " RENAME TO ");
    strbuf_add_sql_ident(&sql, s->table);
    strbuf_addstr(&sql, "; ");
    add_state_sql(&sql, key, s, &st, it);
    if (o->cancel && *o->cancel) { /* interrupted after the read: do not swap */
        it->error = xstrfmt("%s: interrupted", s->path);
        goto out;
    }
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
    if (ret < 0) {
        size_t k;
        it->status = INGEST_FAILED;
        for (k = 0; k < it->nnotes; k++) /* notes on a load that did not happen mislead */
            free(it->notes[k]);
        it->nnotes = 0;
    }
    if (it->status != INGEST_SKIPPED)
        it->seconds = clock_seconds() - t0;
    typing_result_release(&typing);
    strbuf_release(&entry);
    strbuf_release(&sql);
    free(stage);
    free(file);
    return ret;
}

void ingest_item_interrupted(struct ingest_report *rep, struct ingest_item *it, const char *prefix)
{
    free(it->error);
    it->error = NULL;
    it->status = INGEST_NOT_RUN;
    item_note(it, "interrupted while loading: rolled back, %s%s is as it was", prefix, it->table);
    rep->interrupted = 1;
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

int ingest_prepare(struct wh *wh, const char *schema)
{
    struct strbuf sql = STRBUF_INIT;
    int ret;

    strbuf_addstr(&sql, "CREATE SCHEMA IF NOT EXISTS ");
    strbuf_add_sql_ident(&sql, schema);
    ret = wh_exec(wh, sql.buf) < 0 || records_create_ingest_state(wh) < 0 ? -1 : 0;
    strbuf_release(&sql);
    return ret;
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
    if (ingest_prepare(wh, INGEST_SCHEMA) < 0)
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
        if (opts->cancel && *opts->cancel) {
            report->interrupted = 1;
            ret = 1;
            continue; /* INGEST_NOT_RUN */
        }
        quiet = error_quiet(1);
        loaded = ingest_load(wh, root, &m, &m.sources[i], NULL, opts, it);
        error_quiet(quiet);
        if (loaded < 0 && opts->cancel && *opts->cancel) {
            ingest_item_interrupted(report, it, INGEST_SCHEMA ".");
            ret = 1;
        } else if (loaded < 0) {
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
