/*
 * DuckDB databases and connections: opening with lock waits, running statements with limits
 * (timeout, cancel, row cap, progress), and turning DuckDB vectors into struct wh_result.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"
#include "wh/wh_internal.h"

#define DEFAULT_LOCK_WAIT_MS 60000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_config(duckdb_config cfg, const char *name, const char *value)
{
    if (duckdb_set_config(cfg, name, value) == DuckDBError)
        return error("cannot set DuckDB option %s=%s", name, value);
    return 0;
}

static int lock_wait_ms(const struct wh_options *o)
{
    const char *env = getenv("MDP_LOCK_TIMEOUT_MS");

    if (o->lock_wait_ms)
        return o->lock_wait_ms;
    if (env && *env)
        return atoi(env);
    return DEFAULT_LOCK_WAIT_MS;
}

static int is_memory(const char *path)
{
    return !path || !*path || !strcmp(path, ":memory:");
}

/*
 * "locked by another process (PID 123: /usr/bin/mdp)" from DuckDB's lock message, without
 * its advice, which is about the duckdb CLI's flags.
 */
static int lock_error(const char *path, const char *duck)
{
    const char *held = strstr(duck, "is held in "), *pid = strstr(duck, "(PID ");
    long n = pid ? strtol(pid + 5, NULL, 10) : 0;

    if (held && pid && pid > held)
        return error("warehouse '%s' is locked by another process (PID %ld: %.*s); try again "
                     "when it has finished, or set MDP_LOCK_TIMEOUT_MS to wait longer",
                     path, n, (int)(pid - held - 12), held + 11);
    return error("warehouse '%s' is locked by another process; try again when it has finished, "
                 "or set MDP_LOCK_TIMEOUT_MS to wait longer",
                 path);
}

int wh_open_ext(const char *path, const struct wh_options *o, struct wh **out)
{
    duckdb_config cfg = NULL;
    char *err = NULL;
    struct wh *wh;
    int64_t deadline;
    int said_waiting = 0, ret = -1;

    *out = NULL;
    if (!is_memory(path) && o->mode == WH_READ_ONLY && !fs_is_file(path))
        return error("no warehouse at '%s': build it first with `mdp pipeline` (or `mdp setup`)",
                     path);
    if (!is_memory(path) && o->mode == WH_READ_WRITE) {
        char *dir = fs_dirname(path);
        int r = fs_mkdirs(dir, 0755);
        free(dir);
        if (r < 0)
            return -1;
    }
    wh = xcalloc(1, sizeof(*wh));
    wh->path = xstrdup(is_memory(path) ? ":memory:" : path);
    if (duckdb_create_config(&cfg) == DuckDBError) {
        error("cannot create a DuckDB configuration");
        goto out;
    }
    if (set_config(cfg, "access_mode", o->mode == WH_READ_ONLY ? "READ_ONLY" : "READ_WRITE") ||
        set_config(cfg, "autoinstall_known_extensions", "false"))
        goto out;
    if (o->memory_limit && set_config(cfg, "memory_limit", o->memory_limit))
        goto out;
    if (o->threads > 0) {
        char n[16];
        snprintf(n, sizeof(n), "%d", o->threads);
        if (set_config(cfg, "threads", n))
            goto out;
    }
    if (o->no_external_access && set_config(cfg, "enable_external_access", "false"))
        goto out;
    if (o->lock_configuration && set_config(cfg, "lock_configuration", "true"))
        goto out;

    deadline = now_ms() + lock_wait_ms(o);
    for (;;) {
        if (duckdb_open_ext(is_memory(path) ? NULL : path, &wh->db, cfg, &err) == DuckDBSuccess)
            break;
        if (err && strstr(err, "Could not set lock") && now_ms() < deadline) {
            if (!said_waiting++)
                inform("waiting for '%s': another process is using it (%s to change how "
                       "long)",
                       path, "MDP_LOCK_TIMEOUT_MS");
            duckdb_free(err);
            err = NULL;
            usleep(200 * 1000);
            continue;
        }
        if (err && strstr(err, "Could not set lock"))
            lock_error(path, err);
        else
            error("cannot open warehouse '%s': %s", path, err ? err : "unknown DuckDB error");
        duckdb_free(err);
        goto out;
    }
    if (duckdb_connect(wh->db, &wh->conn) == DuckDBError) {
        error("cannot connect to warehouse '%s'", path);
        goto out;
    }
    wh_track_progress(wh->conn);
    *out = wh;
    wh = NULL;
    ret = 0;
out:
    if (cfg)
        duckdb_destroy_config(&cfg);
    wh_close(wh);
    return ret;
}

int wh_open(const char *path, enum wh_mode mode, struct wh **out)
{
    struct wh_options o = {0};

    o.mode = mode;
    return wh_open_ext(path, &o, out);
}

void wh_close(struct wh *wh)
{
    if (!wh)
        return;
    if (wh->conn)
        duckdb_disconnect(&wh->conn);
    if (wh->db)
        duckdb_close(&wh->db);
    free(wh->path);
    free(wh);
}

void wh_track_progress(duckdb_connection c)
{
    duckdb_result r;

    duckdb_query(c, "SET enable_progress_bar = true; SET enable_progress_bar_print = false", &r);
    duckdb_destroy_result(&r);
}

int wh_lock_down(struct wh *wh)
{
    char *locked = wh_query_value(wh, "SELECT current_setting('lock_configuration')::VARCHAR");
    int ret = 0;

    if (!locked || strcmp(locked, "true"))
        ret = wh_exec(wh, "SET enable_external_access = false; SET lock_configuration = true");
    free(locked);
    return ret;
}

const char *wh_path(const struct wh *wh)
{
    return wh->path;
}

int wh_is_sandboxed(const struct wh *wh)
{
    return wh->sandboxed;
}

void wh_interrupt(struct wh *wh)
{
    duckdb_interrupt(wh->conn);
}

/* The watchdog: interrupts on timeout or cancel, reports progress. */
struct watch {
    struct wh *wh;
    const struct wh_limits *lim;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    int fired; /* 1: timeout, 2: cancelled, 3: memory */
    pthread_t thread;
    int running;
};

/* The process's resident memory in bytes (0 when unknown). */
static size_t rss_bytes(void)
{
    unsigned long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    if (!f)
        return 0;
    if (fscanf(f, "%lu %lu", &pages, &resident) != 2)
        resident = 0;
    fclose(f);
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

/*
 * The last resort for a query that ignores duckdb_interrupt() (one function call running on
 * and on, e.g. repeat() of gigabytes): say why and leave with exit status 1.
 */
static void hard_stop(const char *why)
{
    fprintf(stderr, "error: %s, and did not stop when interrupted; mdp stops here\n", why);
    fflush(stderr);
    _exit(1);
}

static void *watch_main(void *arg)
{
    struct watch *w = arg;
    int64_t start = now_ms(), fired_at = 0;

    pthread_mutex_lock(&w->mu);
    while (!w->done) {
        struct timespec ts;
        int64_t now;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 50 * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
        if (w->done)
            break;
        now = now_ms();
        if (!w->fired && w->lim->cancel && *w->lim->cancel) {
            w->fired = 2;
            duckdb_interrupt(w->wh->conn);
        }
        if (!w->fired && w->lim->timeout_ms > 0 && now - start >= w->lim->timeout_ms) {
            w->fired = 1;
            duckdb_interrupt(w->wh->conn);
        }
        if (w->lim->max_rss) {
            size_t rss = rss_bytes();
            if (!w->fired && rss > w->lim->max_rss) {
                w->fired = 3;
                duckdb_interrupt(w->wh->conn);
            }
            if (w->lim->hard_stop && rss > 2 * w->lim->max_rss) {
                char why[128];
                snprintf(why, sizeof(why), "the query used more than %zu MB of memory",
                         2 * w->lim->max_rss >> 20);
                hard_stop(why);
            }
        }
        if (w->fired && !fired_at)
            fired_at = now;
        if (w->fired && w->lim->hard_stop && now - fired_at > 3000) {
            char why[128];
            if (w->fired == 3)
                snprintf(why, sizeof(why), "the query used more than %zu MB of memory",
                         w->lim->max_rss >> 20);
            else if (w->fired == 1)
                snprintf(why, sizeof(why), "the query ran past the timeout of %d ms",
                         w->lim->timeout_ms);
            else
                snprintf(why, sizeof(why), "the query was cancelled");
            hard_stop(why);
        }
        if (w->lim->progress) {
            duckdb_query_progress_type p = duckdb_query_progress(w->wh->conn);
            if (p.percentage >= 0)
                w->lim->progress(p.percentage, w->lim->progress_ctx);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void watch_start(struct watch *w, struct wh *wh, const struct wh_limits *lim)
{
    memset(w, 0, sizeof(*w));
    w->wh = wh;
    w->lim = lim;
    if (!lim || (!lim->timeout_ms && !lim->cancel && !lim->progress && !lim->max_rss))
        return;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, watch_main, w) == 0)
        w->running = 1;
}

/* Stops the watchdog; returns 1 on timeout, 2 on cancel, 0 otherwise. */
static int watch_stop(struct watch *w)
{
    if (!w->running)
        return 0;
    pthread_mutex_lock(&w->mu);
    w->done = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    w->running = 0;
    return w->fired;
}

static int interrupted_error(int fired, const struct wh_limits *lim, const char *duck_msg)
{
    if (fired == 1)
        return error("query interrupted: it ran past the timeout of %d ms", lim->timeout_ms);
    if (fired == 2)
        return error("query cancelled");
    if (fired == 3)
        return error("query interrupted: it used more than the memory limit of %zu MB",
                     lim->max_rss >> 20);
    return error("%s", duck_msg ? duck_msg : "query failed");
}

/* Type names and values. */

static enum wh_type map_type(duckdb_type t)
{
    switch (t) {
    case DUCKDB_TYPE_BOOLEAN: return WH_T_BOOL;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT: return WH_T_INT;
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE: return WH_T_FLOAT;
    case DUCKDB_TYPE_DECIMAL: return WH_T_DECIMAL;
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_ENUM: return WH_T_TEXT;
    case DUCKDB_TYPE_DATE: return WH_T_DATE;
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIME_TZ: return WH_T_TIME;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ: return WH_T_TIMESTAMP;
    case DUCKDB_TYPE_INTERVAL: return WH_T_INTERVAL;
    case DUCKDB_TYPE_UUID: return WH_T_UUID;
    case DUCKDB_TYPE_BLOB: return WH_T_BLOB;
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_STRUCT:
    case DUCKDB_TYPE_MAP:
    case DUCKDB_TYPE_ARRAY:
    case DUCKDB_TYPE_UNION: return WH_T_NESTED;
    case DUCKDB_TYPE_SQLNULL: return WH_T_NULL;
    default: return WH_T_OTHER;
    }
}

static void add_type_name(struct strbuf *sb, duckdb_logical_type lt)
{
    static const struct {
        duckdb_type t;
        const char *name;
    } names[] = {
        {DUCKDB_TYPE_BOOLEAN, "BOOLEAN"},
        {DUCKDB_TYPE_TINYINT, "TINYINT"},
        {DUCKDB_TYPE_SMALLINT, "SMALLINT"},
        {DUCKDB_TYPE_INTEGER, "INTEGER"},
        {DUCKDB_TYPE_BIGINT, "BIGINT"},
        {DUCKDB_TYPE_UTINYINT, "UTINYINT"},
        {DUCKDB_TYPE_USMALLINT, "USMALLINT"},
        {DUCKDB_TYPE_UINTEGER, "UINTEGER"},
        {DUCKDB_TYPE_UBIGINT, "UBIGINT"},
        {DUCKDB_TYPE_HUGEINT, "HUGEINT"},
        {DUCKDB_TYPE_UHUGEINT, "UHUGEINT"},
        {DUCKDB_TYPE_FLOAT, "FLOAT"},
        {DUCKDB_TYPE_DOUBLE, "DOUBLE"},
        {DUCKDB_TYPE_VARCHAR, "VARCHAR"},
        {DUCKDB_TYPE_ENUM, "ENUM"},
        {DUCKDB_TYPE_DATE, "DATE"},
        {DUCKDB_TYPE_TIME, "TIME"},
        {DUCKDB_TYPE_TIME_TZ, "TIME WITH TIME ZONE"},
        {DUCKDB_TYPE_TIMESTAMP, "TIMESTAMP"},
        {DUCKDB_TYPE_TIMESTAMP_S, "TIMESTAMP_S"},
        {DUCKDB_TYPE_TIMESTAMP_MS, "TIMESTAMP_MS"},
        {DUCKDB_TYPE_TIMESTAMP_NS, "TIMESTAMP_NS"},
        {DUCKDB_TYPE_TIMESTAMP_TZ, "TIMESTAMP WITH TIME ZONE"},
        {DUCKDB_TYPE_INTERVAL, "INTERVAL"},
        {DUCKDB_TYPE_UUID, "UUID"},
        {DUCKDB_TYPE_BLOB, "BLOB"},
        {DUCKDB_TYPE_SQLNULL, "NULL"},
        {DUCKDB_TYPE_BIT, "BIT"},
    };
    duckdb_type t = duckdb_get_type_id(lt);
    duckdb_logical_type child;
    size_t i;

    switch (t) {
    case DUCKDB_TYPE_DECIMAL:
        strbuf_addf(sb, "DECIMAL(%u,%u)", duckdb_decimal_width(lt), duckdb_decimal_scale(lt));
        return;
    case DUCKDB_TYPE_LIST:
        child = duckdb_list_type_child_type(lt);
        add_type_name(sb, child);
        duckdb_destroy_logical_type(&child);
        strbuf_addstr(sb, "[]");
        return;
    case DUCKDB_TYPE_ARRAY:
        child = duckdb_array_type_child_type(lt);
        add_type_name(sb, child);
        duckdb_destroy_logical_type(&child);
        strbuf_addf(sb, "[%" PRIu64 "]", (uint64_t)duckdb_array_type_array_size(lt));
        return;
    case DUCKDB_TYPE_STRUCT:
        strbuf_addstr(sb, "STRUCT(");
        for (i = 0; i < duckdb_struct_type_child_count(lt); i++) {
            char *name = duckdb_struct_type_child_name(lt, i);
            child = duckdb_struct_type_child_type(lt, i);
            strbuf_addf(sb, "%s%s ", i ? ", " : "", name);
            add_type_name(sb, child);
            duckdb_destroy_logical_type(&child);
            duckdb_free(name);
        }
        strbuf_addch(sb, ')');
        return;
    case DUCKDB_TYPE_MAP: strbuf_addstr(sb, "MAP"); return;
    case DUCKDB_TYPE_UNION: strbuf_addstr(sb, "UNION"); return;
    default: break;
    }
    for (i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].t == t) {
            strbuf_addstr(sb, names[i].name);
            return;
        }
    }
    strbuf_addstr(sb, "UNKNOWN");
}

static void add_int128(struct strbuf *sb, __int128 v)
{
    char tmp[48];
    int i = sizeof(tmp) - 1, neg = v < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;

    tmp[i] = '\0';
    do {
        tmp[--i] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (neg)
        tmp[--i] = '-';
    strbuf_addstr(sb, tmp + i);
}

static void add_decimal(struct strbuf *sb, __int128 v, unsigned scale)
{
    struct strbuf digits = STRBUF_INIT;
    int neg = v < 0;
    size_t n;

    add_int128(&digits, neg ? -v : v);
    while (digits.len <= scale) {
        strbuf_addch(&digits, '0');
        memmove(digits.buf + 1, digits.buf, digits.len - 1);
        digits.buf[0] = '0';
    }
    if (neg)
        strbuf_addch(sb, '-');
    n = digits.len - scale;
    strbuf_add(sb, digits.buf, n);
    if (scale) {
        strbuf_addch(sb, '.');
        strbuf_add(sb, digits.buf + n, scale);
    }
    strbuf_release(&digits);
}

/*
 * The shortest text that reads back as v, in plain notation for ordinary magnitudes (70.0, not
 * 7e+01) and in exponent notation only for very large or small ones (1e+20), as DuckDB does.
 */
static void format_double(struct strbuf *sb, double v)
{
    char tmp[64];
    double mag = fabs(v);
    int prec, plain = mag == 0 || (mag >= 1e-5 && mag < 1e15);

    if (isnan(v)) {
        strbuf_addstr(sb, "nan");
        return;
    }
    if (isinf(v)) {
        strbuf_addstr(sb, v < 0 ? "-inf" : "inf");
        return;
    }
    for (prec = plain ? 0 : 1; prec <= 17; prec++) {
        if (plain)
            snprintf(tmp, sizeof(tmp), "%.*f", prec, v);
        else
            snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    if (plain && prec > 17)
        snprintf(tmp, sizeof(tmp), "%.17g", v);
    strbuf_addstr(sb, tmp);
    if (!strpbrk(tmp, ".e"))
        strbuf_addstr(sb, ".0");
}

static void add_date(struct strbuf *sb, int32_t days)
{
    duckdb_date d = {days};
    duckdb_date_struct s;

    if (days == INT32_MAX || days == -INT32_MAX) {
        strbuf_addstr(sb, days > 0 ? "infinity" : "-infinity");
        return;
    }
    s = duckdb_from_date(d);
    if (s.year <= 0)
        strbuf_addf(sb, "%04d-%02d-%02d (BC)", 1 - s.year, s.month, s.day);
    else
        strbuf_addf(sb, "%04d-%02d-%02d", s.year, s.month, s.day);
}

static void add_time_micros(struct strbuf *sb, int64_t micros)
{
    duckdb_time t = {micros};
    duckdb_time_struct s = duckdb_from_time(t);

    strbuf_addf(sb, "%02d:%02d:%02d", s.hour, s.min, s.sec);
    if (s.micros) {
        size_t len;
        strbuf_addf(sb, ".%06d", s.micros);
        len = sb->len;
        while (sb->buf[len - 1] == '0')
            len--;
        strbuf_setlen(sb, len);
    }
}

static void add_timestamp(struct strbuf *sb, int64_t micros)
{
    int64_t days, rem;

    if (micros == INT64_MAX || micros == -INT64_MAX) {
        strbuf_addstr(sb, micros > 0 ? "infinity" : "-infinity");
        return;
    }
    days = micros / 86400000000LL;
    rem = micros % 86400000000LL;
    if (rem < 0) {
        rem += 86400000000LL;
        days--;
    }
    add_date(sb, (int32_t)days);
    strbuf_addch(sb, ' ');
    add_time_micros(sb, rem);
}

static void add_interval(struct strbuf *sb, duckdb_interval iv)
{
    int any = 0;
    int32_t years = iv.months / 12, months = iv.months % 12;

    if (years) {
        strbuf_addf(sb, "%d year%s", years, years == 1 || years == -1 ? "" : "s");
        any = 1;
    }
    if (months) {
        strbuf_addf(sb, "%s%d month%s", any ? " " : "", months, months == 1 ? "" : "s");
        any = 1;
    }
    if (iv.days) {
        strbuf_addf(sb, "%s%d day%s", any ? " " : "", iv.days, iv.days == 1 ? "" : "s");
        any = 1;
    }
    if (iv.micros || !any) {
        int64_t m = iv.micros;
        if (any)
            strbuf_addch(sb, ' ');
        if (m < 0) {
            strbuf_addch(sb, '-');
            m = -m;
        }
        strbuf_addf(sb, "%02" PRId64 ":%02d:%02d", (int64_t)(m / 3600000000LL),
                    (int)(m / 60000000 % 60), (int)(m / 1000000 % 60));
        if (m % 1000000)
            strbuf_addf(sb, ".%06d", (int)(m % 1000000));
    }
}

/* A hugeint as __int128, shifting unsigned: shifting a negative value left is undefined. */
static __int128 hugeint_value(duckdb_hugeint h)
{
    return (__int128)(((unsigned __int128)(uint64_t)h.upper << 64) | h.lower);
}

static int64_t read_int(duckdb_type t, const void *data, idx_t row)
{
    switch (t) {
    case DUCKDB_TYPE_TINYINT: return ((const int8_t *)data)[row];
    case DUCKDB_TYPE_SMALLINT: return ((const int16_t *)data)[row];
    case DUCKDB_TYPE_INTEGER: return ((const int32_t *)data)[row];
    case DUCKDB_TYPE_BIGINT: return ((const int64_t *)data)[row];
    case DUCKDB_TYPE_UTINYINT: return ((const uint8_t *)data)[row];
    case DUCKDB_TYPE_USMALLINT: return ((const uint16_t *)data)[row];
    case DUCKDB_TYPE_UINTEGER: return ((const uint32_t *)data)[row];
    default: return 0;
    }
}

static void add_value(struct strbuf *sb, double *num, duckdb_vector vec, duckdb_logical_type lt,
                      idx_t row);

/*
 * How much more text the result being built may hold (SIZE_MAX: no bound). A string that would
 * pass it is not copied: value_over is set and result_add_chunk() fails. Per thread, as
 * several threads may build results at once.
 */
static _Thread_local size_t value_room = SIZE_MAX;
static _Thread_local int value_over;

static void add_child(struct strbuf *sb, duckdb_vector vec, duckdb_logical_type lt, idx_t row)
{
    uint64_t *valid = duckdb_vector_get_validity(vec);
    double ignored;

    if (valid && !duckdb_validity_row_is_valid(valid, row))
        strbuf_addstr(sb, "NULL");
    else
        add_value(sb, &ignored, vec, lt, row);
}

static void add_value(struct strbuf *sb, double *num, duckdb_vector vec, duckdb_logical_type lt,
                      idx_t row)
{
    duckdb_type t = duckdb_get_type_id(lt);
    void *data = duckdb_vector_get_data(vec);
    duckdb_logical_type child;
    idx_t i;

    *num = NAN;
    switch (t) {
    case DUCKDB_TYPE_BOOLEAN:
        strbuf_addstr(sb, ((const bool *)data)[row] ? "true" : "false");
        *num = ((const bool *)data)[row];
        break;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER: {
        int64_t v = read_int(t, data, row);
        strbuf_addf(sb, "%" PRId64, v);
        *num = (double)v;
        break;
    }
    case DUCKDB_TYPE_UBIGINT: {
        uint64_t v = ((const uint64_t *)data)[row];
        strbuf_addf(sb, "%" PRIu64, v);
        *num = (double)v;
        break;
    }
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT: {
        duckdb_hugeint h = ((const duckdb_hugeint *)data)[row];
        __int128 v = hugeint_value(h);
        if (t == DUCKDB_TYPE_UHUGEINT) {
            unsigned __int128 u = ((unsigned __int128)(uint64_t)h.upper << 64) | h.lower;
            *num = (double)u;
            add_int128(sb, (__int128)u); /* values above 2^127 are vanishingly rare */
        } else {
            add_int128(sb, v);
            *num = (double)v;
        }
        break;
    }
    case DUCKDB_TYPE_FLOAT:
        *num = ((const float *)data)[row];
        format_double(sb, *num);
        break;
    case DUCKDB_TYPE_DOUBLE:
        *num = ((const double *)data)[row];
        format_double(sb, *num);
        break;
    case DUCKDB_TYPE_DECIMAL: {
        unsigned scale = duckdb_decimal_scale(lt);
        duckdb_type it = duckdb_decimal_internal_type(lt);
        __int128 v;
        if (it == DUCKDB_TYPE_HUGEINT) {
            v = hugeint_value(((const duckdb_hugeint *)data)[row]);
        } else {
            v = read_int(it, data, row);
        }
        add_decimal(sb, v, scale);
        *num = (double)v / pow(10, scale);
        break;
    }
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB: {
        duckdb_string_t *s = &((duckdb_string_t *)data)[row];
        const char *p = duckdb_string_t_data(s);
        uint32_t len = duckdb_string_t_length(*s);
        if (value_room != SIZE_MAX && (sb->len > value_room || len > value_room - sb->len)) {
            value_over = 1;
            break;
        }
        if (t == DUCKDB_TYPE_VARCHAR) {
            strbuf_add(sb, p, len);
        } else {
            for (i = 0; i < len; i++) {
                unsigned char c = (unsigned char)p[i];
                if (c >= 0x20 && c < 0x7f && c != '\\')
                    strbuf_addch(sb, c);
                else
                    strbuf_addf(sb, "\\x%02X", c);
            }
        }
        break;
    }
    case DUCKDB_TYPE_ENUM: {
        duckdb_type it = duckdb_enum_internal_type(lt);
        int64_t idx = read_int(it, data, row);
        char *v = duckdb_enum_dictionary_value(lt, (idx_t)idx);
        strbuf_addstr(sb, v ? v : "");
        duckdb_free(v);
        break;
    }
    case DUCKDB_TYPE_DATE: {
        int32_t d = ((const duckdb_date *)data)[row].days;
        add_date(sb, d);
        *num = (double)d * 86400.0;
        break;
    }
    case DUCKDB_TYPE_TIME: {
        int64_t m = ((const duckdb_time *)data)[row].micros;
        add_time_micros(sb, m);
        *num = (double)m / 1e6;
        break;
    }
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS: {
        int64_t v = ((const int64_t *)data)[row], micros = v;
        if (v != INT64_MAX && v != -INT64_MAX) {
            if (t == DUCKDB_TYPE_TIMESTAMP_S)
                micros = v * 1000000;
            else if (t == DUCKDB_TYPE_TIMESTAMP_MS)
                micros = v * 1000;
            else if (t == DUCKDB_TYPE_TIMESTAMP_NS)
                micros = v / 1000;
        }
        add_timestamp(sb, micros);
        if (t == DUCKDB_TYPE_TIMESTAMP_TZ)
            strbuf_addstr(sb, "+00");
        *num = (double)micros / 1e6;
        break;
    }
    case DUCKDB_TYPE_INTERVAL: add_interval(sb, ((const duckdb_interval *)data)[row]); break;
    case DUCKDB_TYPE_UUID: {
        duckdb_hugeint h = ((const duckdb_hugeint *)data)[row];
        uint64_t hi = (uint64_t)h.upper ^ (UINT64_C(1) << 63), lo = h.lower;
        strbuf_addf(sb, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
                    hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                    lo & UINT64_C(0xffffffffffff));
        break;
    }
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_MAP: {
        duckdb_list_entry e = ((const duckdb_list_entry *)data)[row];
        duckdb_vector cv = duckdb_list_vector_get_child(vec);
        child = duckdb_list_type_child_type(lt);
        strbuf_addch(sb, t == DUCKDB_TYPE_MAP ? '{' : '[');
        for (i = 0; i < e.length; i++) {
            if (i)
                strbuf_addstr(sb, ", ");
            if (t == DUCKDB_TYPE_MAP) {
                duckdb_logical_type kt = duckdb_struct_type_child_type(child, 0);
                duckdb_logical_type vt = duckdb_struct_type_child_type(child, 1);
                add_child(sb, duckdb_struct_vector_get_child(cv, 0), kt, e.offset + i);
                strbuf_addch(sb, '=');
                add_child(sb, duckdb_struct_vector_get_child(cv, 1), vt, e.offset + i);
                duckdb_destroy_logical_type(&kt);
                duckdb_destroy_logical_type(&vt);
            } else {
                add_child(sb, cv, child, e.offset + i);
            }
        }
        strbuf_addch(sb, t == DUCKDB_TYPE_MAP ? '}' : ']');
        duckdb_destroy_logical_type(&child);
        break;
    }
    case DUCKDB_TYPE_ARRAY: {
        idx_t n = duckdb_array_type_array_size(lt);
        duckdb_vector cv = duckdb_array_vector_get_child(vec);
        child = duckdb_array_type_child_type(lt);
        strbuf_addch(sb, '[');
        for (i = 0; i < n; i++) {
            if (i)
                strbuf_addstr(sb, ", ");
            add_child(sb, cv, child, row * n + i);
        }
        strbuf_addch(sb, ']');
        duckdb_destroy_logical_type(&child);
        break;
    }
    case DUCKDB_TYPE_STRUCT: {
        idx_t n = duckdb_struct_type_child_count(lt);
        strbuf_addch(sb, '{');
        for (i = 0; i < n; i++) {
            char *name = duckdb_struct_type_child_name(lt, i);
            child = duckdb_struct_type_child_type(lt, i);
            strbuf_addf(sb, "%s'%s': ", i ? ", " : "", name);
            add_child(sb, duckdb_struct_vector_get_child(vec, i), child, row);
            duckdb_destroy_logical_type(&child);
            duckdb_free(name);
        }
        strbuf_addch(sb, '}');
        break;
    }
    default:
        strbuf_addch(sb, '(');
        add_type_name(sb, lt);
        strbuf_addch(sb, ')');
        break;
    }
}

/*
 * The value at row of vec as JSON text, for --format json: lists and arrays as arrays, structs
 * and maps as objects (a map's keys as their text), a union as its member's value, numbers and
 * booleans as such, NULL as null, everything else as a string of its text.
 */
static void add_json_value(struct strbuf *sb, duckdb_vector vec, duckdb_logical_type lt, idx_t row)
{
    uint64_t *valid = duckdb_vector_get_validity(vec);
    duckdb_type t = duckdb_get_type_id(lt);
    void *data = duckdb_vector_get_data(vec);
    duckdb_logical_type child;
    struct strbuf tmp = STRBUF_INIT;
    double num;
    idx_t i, n;

    if (valid && !duckdb_validity_row_is_valid(valid, row)) {
        strbuf_addstr(sb, "null");
        return;
    }
    switch (t) {
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY: {
        duckdb_vector cv;
        idx_t off;
        if (t == DUCKDB_TYPE_LIST) {
            duckdb_list_entry e = ((const duckdb_list_entry *)data)[row];
            cv = duckdb_list_vector_get_child(vec);
            child = duckdb_list_type_child_type(lt);
            off = e.offset;
            n = e.length;
        } else {
            cv = duckdb_array_vector_get_child(vec);
            child = duckdb_array_type_child_type(lt);
            n = duckdb_array_type_array_size(lt);
            off = row * n;
        }
        strbuf_addch(sb, '[');
        for (i = 0; i < n; i++) {
            if (i)
                strbuf_addstr(sb, ", ");
            add_json_value(sb, cv, child, off + i);
        }
        strbuf_addch(sb, ']');
        duckdb_destroy_logical_type(&child);
        break;
    }
    case DUCKDB_TYPE_STRUCT:
        n = duckdb_struct_type_child_count(lt);
        strbuf_addch(sb, '{');
        for (i = 0; i < n; i++) {
            char *name = duckdb_struct_type_child_name(lt, i);
            child = duckdb_struct_type_child_type(lt, i);
            if (i)
                strbuf_addstr(sb, ", ");
            json_add_string(sb, name);
            strbuf_addstr(sb, ": ");
            add_json_value(sb, duckdb_struct_vector_get_child(vec, i), child, row);
            duckdb_destroy_logical_type(&child);
            duckdb_free(name);
        }
        strbuf_addch(sb, '}');
        break;
    case DUCKDB_TYPE_MAP: {
        duckdb_list_entry e = ((const duckdb_list_entry *)data)[row];
        duckdb_vector cv = duckdb_list_vector_get_child(vec);
        duckdb_logical_type entry = duckdb_list_type_child_type(lt);
        duckdb_logical_type kt = duckdb_struct_type_child_type(entry, 0);
        duckdb_logical_type vt = duckdb_struct_type_child_type(entry, 1);
        strbuf_addch(sb, '{');
        for (i = 0; i < e.length; i++) {
            if (i)
                strbuf_addstr(sb, ", ");
            strbuf_reset(&tmp);
            add_child(&tmp, duckdb_struct_vector_get_child(cv, 0), kt, e.offset + i);
            json_add_string(sb, tmp.buf);
            strbuf_addstr(sb, ": ");
            add_json_value(sb, duckdb_struct_vector_get_child(cv, 1), vt, e.offset + i);
        }
        strbuf_addch(sb, '}');
        duckdb_destroy_logical_type(&kt);
        duckdb_destroy_logical_type(&vt);
        duckdb_destroy_logical_type(&entry);
        break;
    }
    case DUCKDB_TYPE_UNION: {
        /* a struct of the tag and one child per member */
        duckdb_vector tags = duckdb_struct_vector_get_child(vec, 0);
        idx_t tag = ((const uint8_t *)duckdb_vector_get_data(tags))[row];
        child = duckdb_union_type_member_type(lt, tag);
        add_json_value(sb, duckdb_struct_vector_get_child(vec, tag + 1), child, row);
        duckdb_destroy_logical_type(&child);
        break;
    }
    default: {
        enum wh_type wt = map_type(t);
        add_value(&tmp, &num, vec, lt, row);
        /* numbers as numbers, but JSON has no NaN or infinity */
        if (wt == WH_T_BOOL || wt == WH_T_INT || wt == WH_T_DECIMAL ||
            (wt == WH_T_FLOAT && isfinite(num)))
            strbuf_addstr(sb, tmp.buf);
        else
            json_add_string(sb, tmp.buf);
        break;
    }
    }
    strbuf_release(&tmp);
}

static void result_columns(struct wh_result *r, duckdb_result *res)
{
    size_t i;

    r->ncols = duckdb_column_count(res);
    r->cols = xcalloc(r->ncols ? r->ncols : 1, sizeof(*r->cols));
    for (i = 0; i < r->ncols; i++) {
        duckdb_logical_type lt = duckdb_column_logical_type(res, i);
        struct strbuf tn = STRBUF_INIT;
        const char *name = duckdb_column_name(res, i);
        add_type_name(&tn, lt);
        r->cols[i].name = xstrdup(name ? name : "");
        r->cols[i].type = map_type(duckdb_get_type_id(lt));
        r->cols[i].type_name = strbuf_detach(&tn, NULL);
        duckdb_destroy_logical_type(&lt);
    }
}

/* What materialising a result may still use: time, bytes of text, and a cancel flag. */
struct budget {
    int64_t deadline_ms; /* 0: none */
    size_t bytes_left;   /* SIZE_MAX: none */
    size_t max_bytes;
    int timeout_ms;
    volatile sig_atomic_t *cancel;
};

static int budget_check(const struct budget *b)
{
    if (b->cancel && *b->cancel)
        return error("query cancelled");
    if (b->deadline_ms && now_ms() >= b->deadline_ms)
        return error("query interrupted: it ran past the timeout of %d ms", b->timeout_ms);
    return 0;
}

static int budget_over(const struct budget *b)
{
    return error("refused: the result is larger than the limit of %zu MB; select fewer or "
                 "shorter columns, aggregate, or add a LIMIT",
                 b->max_bytes >> 20);
}

/* Appends up to keep rows of chunk; -1 with error() when the budget runs out. */
static int result_add_chunk(struct wh_result *r, duckdb_result *res, duckdb_data_chunk chunk,
                            size_t keep, struct budget *b)
{
    idx_t n = duckdb_data_chunk_get_size(chunk), row;
    size_t c, base, alloc, alloc_json;
    struct strbuf sb = STRBUF_INIT;
    int ret = 0, nested = 0;

    if (keep > n)
        keep = n;
    if (!keep)
        return 0;
    for (c = 0; c < r->ncols; c++)
        nested |= r->cols[c].type == WH_T_NESTED;
    alloc = alloc_json = r->alloc_rows;
    ALLOC_GROW(r->text, (r->nrows + keep) * r->ncols, r->alloc_rows);
    ALLOC_GROW(r->num, (r->nrows + keep) * r->ncols, alloc);
    if (nested)
        ALLOC_GROW(r->json, (r->nrows + keep) * r->ncols, alloc_json);
    for (base = r->nrows * r->ncols; base < (r->nrows + keep) * r->ncols; base++) {
        r->text[base] = NULL;
        r->num[base] = NAN;
        if (nested)
            r->json[base] = NULL;
    }
    for (c = 0; c < r->ncols && !ret; c++) {
        duckdb_vector vec = duckdb_data_chunk_get_vector(chunk, c);
        duckdb_logical_type lt = duckdb_column_logical_type(res, c);
        uint64_t *valid = duckdb_vector_get_validity(vec);
        for (row = 0; row < keep; row++) {
            base = (r->nrows + row) * r->ncols + c;
            if (valid && !duckdb_validity_row_is_valid(valid, row))
                continue;
            if ((row & 255) == 0 && budget_check(b) < 0) {
                ret = -1;
                break;
            }
            strbuf_reset(&sb);
            value_room = b->bytes_left;
            value_over = 0;
            add_value(&sb, &r->num[base], vec, lt, row);
            value_room = SIZE_MAX;
            if (value_over || sb.len > b->bytes_left) {
                ret = budget_over(b);
                break;
            }
            if (b->bytes_left != SIZE_MAX)
                b->bytes_left -= sb.len;
            r->text[base] = xstrndup(sb.buf, sb.len);
            if (r->cols[c].type == WH_T_NESTED) {
                strbuf_reset(&sb);
                add_json_value(&sb, vec, lt, row);
                if (sb.len > b->bytes_left) {
                    ret = budget_over(b);
                    break;
                }
                if (b->bytes_left != SIZE_MAX)
                    b->bytes_left -= sb.len;
                r->json[base] = xstrndup(sb.buf, sb.len);
            }
        }
        duckdb_destroy_logical_type(&lt);
    }
    r->nrows += keep;
    strbuf_release(&sb);
    return ret;
}

/*
 * Runs a prepared statement under the watchdog w, started (with the clock at `started`) before
 * the statement was prepared, as DuckDB folds constant expressions while preparing; stops it.
 */
static int run_prepared(struct watch *w, int64_t started, duckdb_prepared_statement prep,
                        const struct wh_limits *lim, struct wh_result **out)
{
    duckdb_pending_result pending = NULL;
    duckdb_result res;
    struct wh_result *r = NULL;
    int have_res = 0, fired, ret = -1, own_error = 0;
    const char *duck_err = NULL;
    char *err_copy = NULL;

    if (duckdb_pending_prepared_streaming(prep, &pending) == DuckDBError) {
        duck_err = duckdb_pending_error(pending);
        err_copy = xstrdup(duck_err ? duck_err : "cannot execute statement");
        goto done;
    }
    if (duckdb_execute_pending(pending, &res) == DuckDBError) {
        have_res = 1;
        err_copy = xstrdup(duckdb_result_error(&res) ? duckdb_result_error(&res) : "failed");
        goto done;
    }
    have_res = 1;
    if (out) {
        duckdb_data_chunk chunk;
        size_t cap = lim && lim->max_rows ? lim->max_rows : (size_t)-1;
        struct budget b = {0, SIZE_MAX, 0, 0, NULL};

        if (lim) {
            b.timeout_ms = lim->timeout_ms;
            b.deadline_ms = lim->timeout_ms > 0 ? started + lim->timeout_ms : 0;
            b.max_bytes = lim->max_bytes;
            b.bytes_left = lim->max_bytes ? lim->max_bytes : SIZE_MAX;
            b.cancel = lim->cancel;
        }
        r = xcalloc(1, sizeof(*r));
        result_columns(r, &res);
        r->changed_rows = duckdb_result_return_type(res) != DUCKDB_RESULT_TYPE_QUERY_RESULT;
        while ((chunk = duckdb_fetch_chunk(res)) != NULL) {
            idx_t n = duckdb_data_chunk_get_size(chunk);
            int bad = 0;
            if (r->nrows < cap)
                bad = result_add_chunk(r, &res, chunk, cap - r->nrows, &b);
            else
                bad = budget_check(&b);
            r->total_rows += n;
            duckdb_destroy_data_chunk(&chunk);
            if (bad < 0) {
                own_error = 1;
                goto done;
            }
        }
        if (duckdb_result_error(&res)) {
            err_copy = xstrdup(duckdb_result_error(&res));
            goto done;
        }
        r->truncated = r->nrows < r->total_rows;
    }
    ret = 0;
done:
    fired = watch_stop(w);
    if (ret < 0 && !own_error)
        interrupted_error(fired, lim, err_copy);
    if (have_res)
        duckdb_destroy_result(&res);
    duckdb_destroy_pending(&pending);
    free(err_copy);
    if (ret == 0 && out)
        *out = r;
    else
        wh_result_free(r);
    return ret;
}

/*
 * Runs the statements of sql in order. With each_result, every statement's result goes to it
 * (and nothing to out); otherwise the last statement's result goes to *out when out is set.
 */
static int run_sql(struct wh *wh, const char *sql, const struct wh_limits *lim,
                   struct wh_result **out, int (*each_result)(const struct wh_result *, void *),
                   void *ctx)
{
    duckdb_extracted_statements stmts = NULL;
    idx_t n, i;
    int ret = -1;
    struct wh_limits merged;

    if (out)
        *out = NULL;
    n = duckdb_extract_statements(wh->conn, sql, &stmts);
    if (!n) {
        const char *e = duckdb_extract_statements_error(stmts);
        if (e)
            error("%s", e);
        else if (each_result)
            ret = 0; /* only blanks or comments: nothing to run */
        else
            error("no SQL statement to run");
        goto out;
    }
    if (wh->sandboxed) {
        if (n != 1) {
            error("refused: the SQL holds %" PRIu64 " statements; the sandbox runs exactly one "
                  "read-only statement at a time",
                  (uint64_t)n);
            goto out;
        }
        if (sandbox_check_text(sql) < 0)
            goto out;
        merged = wh->sandbox_limits;
        if (lim) {
            if (lim->timeout_ms && (!merged.timeout_ms || lim->timeout_ms < merged.timeout_ms))
                merged.timeout_ms = lim->timeout_ms;
            if (lim->max_rows && (!merged.max_rows || lim->max_rows < merged.max_rows))
                merged.max_rows = lim->max_rows;
            if (lim->max_bytes && (!merged.max_bytes || lim->max_bytes < merged.max_bytes))
                merged.max_bytes = lim->max_bytes;
            if (lim->max_rss && (!merged.max_rss || lim->max_rss < merged.max_rss))
                merged.max_rss = lim->max_rss;
            merged.cancel = lim->cancel;
            merged.progress = lim->progress;
            merged.progress_ctx = lim->progress_ctx;
        }
        lim = &merged;
    }
    for (i = 0; i < n; i++) {
        duckdb_prepared_statement prep = NULL;
        int last = i == n - 1, r;
        int64_t started = now_ms();
        struct watch w;

        watch_start(&w, wh, lim);
        if (duckdb_prepare_extracted_statement(wh->conn, stmts, i, &prep) == DuckDBError) {
            const char *e = duckdb_prepare_error(prep);
            int fired = watch_stop(&w);
            if (fired)
                interrupted_error(fired, lim, e);
            else
                error("%s", e ? e : "cannot prepare statement");
            duckdb_destroy_prepare(&prep);
            goto out;
        }
        if (wh->sandboxed && sandbox_check_prepared(prep, sql) < 0) {
            watch_stop(&w);
            duckdb_destroy_prepare(&prep);
            goto out;
        }
        if (each_result) {
            struct wh_result *res = NULL;
            r = run_prepared(&w, started, prep, lim, &res);
            if (r == 0)
                r = each_result(res, ctx) < 0 ? -1 : 0;
            wh_result_free(res);
        } else {
            r = run_prepared(&w, started, prep, lim, last ? out : NULL);
        }
        duckdb_destroy_prepare(&prep);
        if (r < 0)
            goto out;
    }
    ret = 0;
out:
    duckdb_destroy_extracted(&stmts);
    return ret;
}

int wh_query(struct wh *wh, const char *sql, const struct wh_limits *limits, struct wh_result **out)
{
    return run_sql(wh, sql, limits, out, NULL, NULL);
}

int wh_query_each(struct wh *wh, const char *sql, const struct wh_limits *limits,
                  int (*each_result)(const struct wh_result *r, void *ctx), void *ctx)
{
    return run_sql(wh, sql, limits, NULL, each_result, ctx);
}

int wh_queryf(struct wh *wh, struct wh_result **out, const char *fmt, ...)
{
    va_list ap;
    struct strbuf sb = STRBUF_INIT;
    int ret;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ret = run_sql(wh, sb.buf, NULL, out, NULL, NULL);
    strbuf_release(&sb);
    return ret;
}

int wh_exec_limited(struct wh *wh, const char *sql, const struct wh_limits *limits)
{
    if (wh->sandboxed)
        return error("refused: the sandbox only runs read-only queries");
    return run_sql(wh, sql, limits, NULL, NULL, NULL);
}

int wh_exec(struct wh *wh, const char *sql)
{
    duckdb_result res;
    int ret = 0;

    if (wh->sandboxed)
        return error("refused: the sandbox only runs read-only queries");
    if (duckdb_query(wh->conn, sql, &res) == DuckDBError) {
        const char *e = duckdb_result_error(&res);
        ret = error("%s", e ? e : "statement failed");
    }
    duckdb_destroy_result(&res);
    return ret;
}

int wh_execf(struct wh *wh, const char *fmt, ...)
{
    va_list ap;
    struct strbuf sb = STRBUF_INIT;
    int ret;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ret = wh_exec(wh, sb.buf);
    strbuf_release(&sb);
    return ret;
}

char *wh_query_value(struct wh *wh, const char *sql)
{
    struct wh_result *r;
    char *v = NULL;

    if (wh_query(wh, sql, NULL, &r) < 0)
        return NULL;
    if (r->nrows && r->ncols && wh_result_text(r, 0, 0))
        v = xstrdup(wh_result_text(r, 0, 0));
    wh_result_free(r);
    return v;
}

int wh_begin(struct wh *wh)
{
    return wh_exec(wh, "BEGIN TRANSACTION");
}

int wh_commit(struct wh *wh)
{
    return wh_exec(wh, "COMMIT");
}

void wh_rollback(struct wh *wh)
{
    duckdb_result res;

    duckdb_query(wh->conn, "ROLLBACK", &res);
    duckdb_destroy_result(&res);
}

int wh_relation_exists(struct wh *wh, const char *schema, const char *name)
{
    struct strbuf sql = STRBUF_INIT;
    char *v;
    int found;

    strbuf_addstr(&sql, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ");
    strbuf_add_sql_string(&sql, schema);
    strbuf_addstr(&sql, " AND table_name = ");
    strbuf_add_sql_string(&sql, name);
    strbuf_addstr(&sql, " UNION ALL SELECT count(*) FROM duckdb_views() WHERE schema_name = ");
    strbuf_add_sql_string(&sql, schema);
    strbuf_addstr(&sql, " AND view_name = ");
    strbuf_add_sql_string(&sql, name);
    strbuf_addstr(&sql, " ORDER BY 1 DESC LIMIT 1");
    v = wh_query_value(wh, sql.buf);
    found = v && atoi(v) > 0;
    free(v);
    strbuf_release(&sql);
    return found;
}

/* DuckDB's keywords that may not stand unquoted as names, read once per process. */
static char **keywords;
static size_t nkeywords;
static pthread_mutex_t keywords_lock = PTHREAD_MUTEX_INITIALIZER;

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_keywords(struct wh *wh)
{
    struct wh_result *r = NULL;
    size_t i;
    int quiet;

    if (keywords)
        return;
    quiet = error_quiet(1);
    if (wh_query(wh,
                 "SELECT lower(keyword_name) FROM duckdb_keywords() "
                 "WHERE keyword_category <> 'unreserved' ORDER BY 1",
                 NULL, &r) == 0 &&
        r->nrows) {
        keywords = xcalloc(r->nrows, sizeof(*keywords));
        for (i = 0; i < r->nrows; i++)
            keywords[nkeywords++] = xstrdup(wh_result_text(r, i, 0));
        qsort(keywords, nkeywords, sizeof(*keywords), by_string);
    }
    error_quiet(quiet);
    wh_result_free(r);
}

int wh_needs_quotes(struct wh *wh, const char *name)
{
    char lower[64], *key = lower;
    const char *p;
    size_t i;
    int ret;

    if (!isalpha((unsigned char)*name) && *name != '_')
        return 1;
    for (p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            return 1;
    if (p - name >= (ptrdiff_t)sizeof(lower))
        return 0; /* longer than any keyword */
    for (i = 0; name[i]; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    pthread_mutex_lock(&keywords_lock);
    load_keywords(wh);
    ret = keywords && bsearch(&key, keywords, nkeywords, sizeof(*keywords), by_string) != NULL;
    pthread_mutex_unlock(&keywords_lock);
    return ret;
}

void wh_add_ident(struct wh *wh, struct strbuf *sb, const char *name)
{
    if (wh_needs_quotes(wh, name))
        strbuf_add_sql_ident(sb, name);
    else
        strbuf_addstr(sb, name);
}
