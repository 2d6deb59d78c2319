/*
 * The sandbox: a read-only, locked-down DuckDB session with a statement allow-list.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"
#include "util/xmalloc.h"
#include "wh/connection.h"
#include "wh/sandbox.h"
#include "wh/wh_internal.h"

static const char *const allowed_keywords[] = {
    "SELECT",   "WITH", "FROM", "VALUES",    "TABLE",  "EXPLAIN",
    "DESCRIBE", "DESC", "SHOW", "SUMMARIZE", "PRAGMA",
};

/* PRAGMAs that only read metadata. */
static const char *const allowed_pragmas[] = {
    "table_info",    "show",          "show_tables",  "show_tables_expanded",
    "database_size", "database_list", "storage_info", "version",
    "platform",      "functions",     "collations",   "user_agent",
    "metadata_info",
};

/* "2GB", "512MB", "1.5 GiB" in bytes (DuckDB's units); 2 GB when it does not parse. */
static size_t memory_bytes(const char *limit)
{
    char *end;
    double v = strtod(limit, &end);
    double unit = 1;

    while (*end == ' ')
        end++;
    if (toupper((unsigned char)*end) == 'K')
        unit = 1e3;
    else if (toupper((unsigned char)*end) == 'M')
        unit = 1e6;
    else if (toupper((unsigned char)*end) == 'G')
        unit = 1e9;
    else if (toupper((unsigned char)*end) == 'T')
        unit = 1e12;
    if (end[0] && end[1] == 'i')
        unit = unit == 1e3 ? 1024.0 : unit == 1e6 ? 1048576.0 : unit == 1e9 ? 1073741824.0 : unit;
    if (v <= 0 || end == limit)
        return (size_t)2e9;
    return (size_t)(v * unit);
}

/* opts with the defaults filled in. */
static struct sandbox_options sandbox_defaults(const struct sandbox_options *opts)
{
    struct sandbox_options d = {30000, 10000, (size_t)64 << 20, "2GB", 0};

    if (opts) {
        if (opts->timeout_ms)
            d.timeout_ms = opts->timeout_ms;
        if (opts->max_rows)
            d.max_rows = opts->max_rows;
        if (opts->max_bytes)
            d.max_bytes = opts->max_bytes;
        if (opts->memory_limit)
            d.memory_limit = opts->memory_limit;
        d.threads = opts->threads;
    }
    return d;
}

int sandbox_connect(struct wh *wh, const struct sandbox_options *opts, struct wh **out)
{
    struct sandbox_options d = sandbox_defaults(opts);

    *out = NULL;
    if (wh_lock_down(wh) < 0 || wh_connect_more(wh, out) < 0)
        return -1;
    (*out)->sandboxed = 1;
    (*out)->sandbox_limits.timeout_ms = d.timeout_ms;
    (*out)->sandbox_limits.max_rows = d.max_rows;
    (*out)->sandbox_limits.max_bytes = d.max_bytes;
    return 0;
}

int sandbox_open(const char *path, const struct sandbox_options *opts, struct wh **out)
{
    struct sandbox_options d = sandbox_defaults(opts);
    struct wh_options o = {0};

    o.mode = WH_READ_ONLY;
    o.no_external_access = 1;
    o.lock_configuration = 1;
    o.memory_limit = d.memory_limit;
    o.threads = d.threads;
    if (wh_open_ext(path, &o, out) < 0)
        return -1;
    (*out)->sandboxed = 1;
    (*out)->sandbox_limits.timeout_ms = d.timeout_ms;
    (*out)->sandbox_limits.max_rows = d.max_rows;
    (*out)->sandbox_limits.max_bytes = d.max_bytes;
    (*out)->sandbox_limits.max_rss = memory_bytes(d.memory_limit) + ((size_t)512 << 20);
    (*out)->sandbox_limits.hard_stop = 1;
    return 0;
}

/* Skips blanks, comments and opening parentheses. */
static const char *skip_noise(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p) || *p == '(')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            p = strchr(p, '\n');
            if (!p)
                return "";
            continue;
        }
        if (p[0] == '/' && p[1] == '*') {
            const char *e = strstr(p + 2, "*/");
            if (!e)
                return "";
            p = e + 2;
            continue;
        }
        return p;
    }
}

static size_t word_len(const char *p)
{
    size_t n = 0;
    while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
    return n;
}

static int word_is(const char *p, size_t n, const char *w)
{
    return strlen(w) == n && !strncasecmp(p, w, n);
}

static int check_keyword(const char *sql);

/* Table functions that write even on a read-only session. */
static const char *const refused_functions[] = {"checkpoint", "force_checkpoint"};

/*
 * A call of a refused function anywhere in sql (outside strings, quoted names and comments):
 * -1 with error(), else 0.
 */
static int check_functions(const char *sql)
{
    const char *p = sql;
    size_t i, n;

    while (*p) {
        if (*p == '\'' || *p == '"') {
            const char *e = strchr(p + 1, *p);
            if (!e)
                return 0;
            p = e + 1;
            continue;
        }
        if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
            const char *e = p[0] == '-' ? strchr(p, '\n') : strstr(p + 2, "*/");
            if (!e)
                return 0;
            p = e + (p[0] == '-' ? 1 : 2);
            continue;
        }
        n = word_len(p);
        if (!n) {
            p++;
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(refused_functions); i++) {
            const char *q = p + n;
            while (isspace((unsigned char)*q))
                q++;
            if (word_is(p, n, refused_functions[i]) && *q == '(')
                return error("refused: %s() writes to the warehouse file, which the sandbox "
                             "does not allow",
                             refused_functions[i]);
        }
        p += n;
    }
    return 0;
}

int sandbox_check_text(const char *sql)
{
    if (check_functions(sql) < 0)
        return -1;
    return check_keyword(sql);
}

/* The statement's first keyword against the allow-list. */
static int check_keyword(const char *sql)
{
    const char *p = skip_noise(sql);
    size_t n = word_len(p), i;
    char kw[32];

    if (!n)
        return error("refused: the statement does not start with a keyword; the sandbox runs "
                     "SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE and read-only PRAGMA");
    snprintf(kw, sizeof(kw), "%.*s", (int)(n < 31 ? n : 31), p);
    for (i = 0; i < strlen(kw); i++)
        kw[i] = (char)toupper((unsigned char)kw[i]);
    if (!strcmp(kw, "EXPLAIN")) {
        const char *q = skip_noise(p + n);
        size_t m = word_len(q);
        if (word_is(q, m, "ANALYZE"))
            q = skip_noise(q + m);
        return check_keyword(q);
    }
    if (!strcmp(kw, "PRAGMA")) {
        const char *q = skip_noise(p + n);
        size_t m = word_len(q);
        for (i = 0; i < ARRAY_SIZE(allowed_pragmas); i++) {
            if (word_is(q, m, allowed_pragmas[i])) {
                q = skip_noise(q + m);
                if (*q == '=')
                    break;
                return 0;
            }
        }
        return error("refused: PRAGMA %.*s is not a read-only PRAGMA; the sandbox allows "
                     "table_info, show_tables, database_size and similar reads",
                     (int)m, q);
    }
    for (i = 0; i < ARRAY_SIZE(allowed_keywords); i++)
        if (!strcmp(kw, allowed_keywords[i]))
            return 0;
    if (!strcmp(kw, "SET") || !strcmp(kw, "RESET"))
        return error("refused: %s changes settings, which the sandbox does not allow", kw);
    if (!strcmp(kw, "ATTACH") || !strcmp(kw, "DETACH") || !strcmp(kw, "COPY") ||
        !strcmp(kw, "EXPORT") || !strcmp(kw, "IMPORT") || !strcmp(kw, "INSTALL") ||
        !strcmp(kw, "LOAD"))
        return error("refused: %s reaches outside the warehouse, which the sandbox does not "
                     "allow",
                     kw);
    return error("refused: %s statements are not allowed in the sandbox, which only reads "
                 "(SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE, read-only PRAGMA)",
                 kw);
}

int sandbox_check_prepared(duckdb_prepared_statement prep, const char *sql)
{
    duckdb_statement_type t = duckdb_prepared_statement_type(prep);

    switch (t) {
    case DUCKDB_STATEMENT_TYPE_SELECT:
    case DUCKDB_STATEMENT_TYPE_EXPLAIN:
    case DUCKDB_STATEMENT_TYPE_PRAGMA: return 0;
    default:
        return error("refused: the statement is not a read-only query (DuckDB statement type "
                     "%d); the sandbox only reads",
                     (int)t);
    }
    (void)sql;
}
