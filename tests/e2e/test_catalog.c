/*
 * End to end: `mdp catalog` infers the semantic model of warehouses of four domains, and what
 * it infers is what an analyst would conclude from the data:
 *
 *   catalog_sample   the sample e-commerce platform (`mdp setup`: raw files, staging views,
 *                    marts tables, yml docs and tests);
 *   catalog_library  a library's loans (tests/e2e/data/library.sql: tables only, no model);
 *   catalog_saas     a SaaS company's billing (tests/e2e/data/saas.sql: src tables and
 *                    analytics views, lineage only from view definitions);
 *   catalog_seed     the seed platform's raw files (../shared/seed-platform, or
 *                    $MDP_SEED_PLATFORM): real-world CSVs with spaces, Title Case and
 *                    currency text in their headers and values;
 *   catalog_cache    the cache beside the warehouse: unchanged tables are not profiled again.
 *
 * Whatever the data defines (row counts, latest dates, future rows, containment, value counts,
 * the yml docs) is computed in SQL on the same warehouse, never written here. What is written
 * here is the judgement: which column is the key, which is a measure and how it adds up.
 *
 * Each warehouse is built once per run of the test binary: the first test of a suite builds it
 * (under a lock, since Criterion runs tests in parallel processes) into a directory made by the
 * PRE_ALL hook, runs `mdp catalog --json` once into catalog.json, and the other tests reuse
 * both. The POST_ALL hook removes the directory.
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define SHARED_ENV "MDP_CATALOG_TEST_DIR"

ReportHook(PRE_ALL)(struct criterion_test_set *set)
{
    char *dir = tl_tmpdir();

    setenv(SHARED_ENV, dir, 1);
    free(dir);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    const char *dir = getenv(SHARED_ENV);

    if (dir && *dir)
        tl_rmdir(dir);
}

/* ---- the state of one test: its warehouse, its catalog, and what to free at the end ---- */

static char *fxdir;         /* the platform folder; its warehouse is warehouse/data.duckdb */
static struct json *cat;    /* the parsed `mdp catalog --json` */
static char *fixture_error; /* why there is no warehouse or catalog (kept), or NULL */
static void **kept;         /* freed by fixture_close() */
static size_t nkept, kept_alloc;
static struct json **kept_json;
static size_t nkept_json, kept_json_alloc;

static char *keep(char *s)
{
    ALLOC_GROW(kept, nkept + 1, kept_alloc);
    kept[nkept++] = s;
    return s;
}

static struct json *keep_json(struct json *j)
{
    ALLOC_GROW(kept_json, nkept_json + 1, kept_json_alloc);
    kept_json[nkept_json++] = j;
    return j;
}

static void fixture_close(void)
{
    size_t i;

    for (i = 0; i < nkept; i++)
        free(kept[i]);
    for (i = 0; i < nkept_json; i++)
        json_free(kept_json[i]);
    free(kept);
    free(kept_json);
    kept = NULL;
    kept_json = NULL;
    nkept = kept_alloc = nkept_json = kept_json_alloc = 0;
    json_free(cat);
    cat = NULL;
    fixture_error = NULL;
    free(fxdir);
    fxdir = NULL;
}

/* A formatted string freed at the end of the test. */
static char *kfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *kfmt(const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    return keep(strbuf_detach(&sb, NULL));
}

/* j as compact JSON text, for failure messages. */
static const char *show(const struct json *j)
{
    struct strbuf sb = STRBUF_INIT;

    if (!j)
        return "(absent)";
    json_print(&sb, j, 0);
    return keep(strbuf_detach(&sb, NULL));
}

/* ---- building the warehouses ---- */

/* Runs a shell command line; NULL when it succeeds, else a message with its output. */
static char *step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *step(const char *fmt, ...)
{
    struct strbuf cmd = STRBUF_INIT;
    struct tl_run r;
    char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&cmd, fmt, ap);
    va_end(ap);
    if (tl_sh(&r, "%s", cmd.buf) != 0)
        msg = xstrfmt("`%s` exited %d\n%s%s", cmd.buf, r.code, r.out.buf, r.err.buf);
    tl_run_release(&r);
    strbuf_release(&cmd);
    return msg;
}

static char *build_sample(const char *dir)
{
    return step("cd '%s' && \"$MDP_BIN\" setup --scale 0.05 -q", dir);
}

static char *build_seed(const char *dir)
{
    char *seed = tl_seed_platform(), *msg;

    if (!seed)
        msg = xstrdup("no seed platform: set MDP_SEED_PLATFORM to ../shared/seed-platform");
    else
        msg = step("cp -R '%s/sources' '%s/' && chmod -R u+w '%s' && cd '%s' && "
                   "\"$MDP_BIN\" -q sync && \"$MDP_BIN\" -q ingest",
                   seed, dir, dir, dir);
    free(seed);
    return msg;
}

/* A warehouse made by one SQL file of tests/e2e/data. */
static char *build_from_sql(const char *dir, const char *file)
{
    char *src = fs_absolute(tl_src()), *msg;

    msg = step("mkdir -p '%s/warehouse' && cd '%s' && \"$MDP_BIN\" --warehouse "
               "warehouse/data.duckdb query --write -f '%s/tests/e2e/data/%s' >/dev/null",
               dir, dir, src, file);
    free(src);
    return msg;
}

static char *build_library(const char *dir)
{
    return build_from_sql(dir, "library.sql");
}

static char *build_saas(const char *dir)
{
    return build_from_sql(dir, "saas.sql");
}

struct fixture {
    const char *name;
    char *(*build)(const char *dir); /* NULL, or a message saying what failed */
};

static const struct fixture sample_fx = {"sample", build_sample};
static const struct fixture library_fx = {"library", build_library};
static const struct fixture saas_fx = {"saas", build_saas};
static const struct fixture seed_fx = {"seed", build_seed};

static struct json *parse_catalog(const char *name, const struct strbuf *out)
{
    struct json *j = json_parse(name, out->buf, out->len);

    cr_assert(j && json_is_object(j), "%s is not a JSON object:\n%.2000s", name, out->buf);
    cr_assert(json_is_array(json_get(j, "tables")), "%s has no \"tables\" array", name);
    return j;
}

/*
 * Sets fxdir and cat for the fixture: the first test to come builds the warehouse and runs
 * `mdp catalog --json` once (its exit code, stdout and stderr kept beside it); the others wait
 * on the lock and reuse it. A failed build is recorded so that the other tests fail at once
 * with its message.
 */
static void fixture_open(const struct fixture *fx)
{
    const char *root = getenv(SHARED_ENV);
    char *lock, *failed, *ready;
    struct strbuf sb = STRBUF_INIT;
    int fd, rc;

    cr_assert(root && *root, "%s is not set: the PRE_ALL hook did not run", SHARED_ENV);
    fxdir = fs_join(root, fx->name);
    lock = kfmt("%s.lock", fxdir);
    failed = kfmt("%s.failed", fxdir);
    ready = kfmt("%s/.ready", fxdir);

    fd = open(lock, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    cr_assert(fd >= 0 && flock(fd, LOCK_EX) == 0, "cannot lock %s", lock);
    if (!fs_is_file(ready) && !fs_is_file(failed)) {
        char *msg = fs_mkdirs(fxdir, 0755) ? xstrfmt("cannot create %s", fxdir) : fx->build(fxdir);
        if (!msg)
            msg = step("cd '%s' && { \"$MDP_BIN\" catalog --json >catalog.json "
                       "2>catalog.err; echo $? >catalog.rc; }",
                       fxdir);
        if (msg) {
            fs_write_atomic(failed, msg, strlen(msg));
            free(msg);
        } else {
            fs_write_atomic(ready, "", 0);
        }
    }
    flock(fd, LOCK_UN);
    close(fd);

    /*
     * A failure here is reported by the test itself (see need_fixture()): an assertion in a
     * suite's init is shown as a crash.
     */
    if (fs_is_file(failed)) {
        fs_read_file(&sb, failed);
        fixture_error = kfmt("building the %s warehouse failed:\n%.3000s", fx->name, sb.buf);
        goto out;
    }
    fs_read_file(&sb, kfmt("%s/catalog.rc", fxdir));
    rc = atoi(sb.buf);
    strbuf_reset(&sb);
    if (rc != 0) {
        fs_read_file(&sb, kfmt("%s/catalog.err", fxdir));
        fixture_error = kfmt("`mdp catalog --json` on the %s warehouse exited %d:\n%.3000s",
                             fx->name, rc, sb.buf);
        goto out;
    }
    fs_read_file(&sb, kfmt("%s/catalog.json", fxdir));
    cat = json_parse("catalog.json", sb.buf, sb.len);
    if (!cat || !json_is_object(cat) || !json_is_array(json_get(cat, "tables")))
        fixture_error = kfmt("`mdp catalog --json` printed no catalog:\n%.3000s", sb.buf);
out:
    strbuf_release(&sb);
}

/* Stops the test when its warehouse or catalog could not be made. */
static void need_fixture(int with_catalog)
{
    cr_assert(!fixture_error, "%s", fixture_error);
    cr_assert(fxdir && (!with_catalog || cat), "no catalog");
}

/* ---- SQL on the fixture's warehouse ---- */

static void add_shell_quoted(struct strbuf *sb, const char *s)
{
    strbuf_addch(sb, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_addstr(sb, "'\\''");
        else
            strbuf_addch(sb, *s);
    }
    strbuf_addch(sb, '\'');
}

/* "schema.name" as SQL: "schema"."name". */
static const char *qrel(const char *relation)
{
    struct strbuf sb = STRBUF_INIT;
    const char *dot = strchr(relation, '.');
    char *schema;

    cr_assert(dot, "'%s' is not schema.name", relation);
    schema = xstrndup(relation, (size_t)(dot - relation));
    strbuf_add_sql_ident(&sb, schema);
    strbuf_addch(&sb, '.');
    strbuf_add_sql_ident(&sb, dot + 1);
    free(schema);
    return keep(strbuf_detach(&sb, NULL));
}

static const char *qcol(const char *column)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_add_sql_ident(&sb, column);
    return keep(strbuf_detach(&sb, NULL));
}

/* The rows of a query on the fixture's warehouse: a JSON array of objects. */
static const struct json *sql_rows(const char *sql)
{
    struct strbuf cmd = STRBUF_INIT;
    struct tl_run r;
    struct json *rows;

    need_fixture(0);
    add_shell_quoted(&cmd, sql);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" query --format json -c %s", fxdir, cmd.buf);
    cr_assert_eq(r.code, 0, "query failed: %s\n%s", sql, r.err.buf);
    rows = json_parse("query output", r.out.buf, r.out.len);
    cr_assert(rows && json_is_array(rows), "not a JSON array: %s\n%s", sql, r.out.buf);
    tl_run_release(&r);
    strbuf_release(&cmd);
    return keep_json(rows);
}

/* The first value of the first row. */
static const struct json *sql_value(const char *sql)
{
    const struct json *rows = sql_rows(sql);

    cr_assert_eq(json_size(rows), 1, "expected one row: %s\n%s", sql, show(rows));
    return json_at(json_at(rows, 0), 0);
}

static double sql_num(const char *sql)
{
    const struct json *v = sql_value(sql);
    double d;

    cr_assert(json_num(v, &d) == 0, "not a number: %s -> %s", sql, show(v));
    return d;
}

/* A text value (NULL for SQL NULL). */
static const char *sql_str(const char *sql)
{
    const struct json *v = sql_value(sql);

    if (json_is_null(v))
        return NULL;
    cr_assert(json_str(v), "not text: %s -> %s (cast it to VARCHAR)", sql, show(v));
    return json_str(v);
}

/* ---- reading the catalog ---- */

/* a and b are both set and equal once leading and trailing white space is dropped. */
static int same_text(const char *a, const char *b)
{
    size_t la, lb;

    if (!a || !b)
        return 0;
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    for (la = strlen(a); la && isspace((unsigned char)a[la - 1]); la--)
        ;
    for (lb = strlen(b); lb && isspace((unsigned char)b[lb - 1]); lb--)
        ;
    return la == lb && !memcmp(a, b, la);
}

/* a and b are both set and equal. */
static int str_is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static const struct json *tables(void)
{
    need_fixture(1);
    return json_get(cat, "tables");
}

static const char *relation_of(const struct json *t)
{
    return kfmt("%s.%s", json_get_str(t, "schema"), json_get_str(t, "name"));
}

/* The table "schema.name", found by its schema and name (its "relation" may be quoted). */
static const struct json *find_table(const char *relation)
{
    const struct json *ts = tables();
    size_t i;

    for (i = 0; i < json_size(ts); i++)
        if (str_is(relation_of(json_at(ts, i)), relation))
            return json_at(ts, i);
    return NULL;
}

static const struct json *table(const char *relation)
{
    const struct json *t = find_table(relation);
    struct strbuf names = STRBUF_INIT;
    size_t i;

    if (t)
        return t;
    for (i = 0; i < json_size(tables()); i++)
        strbuf_addf(&names, " %s", relation_of(json_at(tables(), i)));
    cr_assert_fail("%s is not in the catalog; it has:%s", relation, names.buf);
    return NULL;
}

/* The column, by its exact name: the catalog keeps names as the warehouse spells them. */
static const struct json *column(const char *relation, const char *name)
{
    const struct json *cols = json_get(table(relation), "columns");
    struct strbuf names = STRBUF_INIT;
    size_t i;

    for (i = 0; i < json_size(cols); i++)
        if (str_is(json_get_str(json_at(cols, i), "name"), name))
            return json_at(cols, i);
    for (i = 0; i < json_size(cols); i++)
        strbuf_addf(&names, " [%s]", json_get_str(json_at(cols, i), "name"));
    cr_assert_fail("%s has no column [%s]; it has:%s", relation, name, names.buf);
    return NULL;
}

static double num_field(const struct json *obj, const char *key)
{
    double d;

    cr_assert(json_num(json_get(obj, key), &d) == 0, "\"%s\" is not a number in %s", key,
              show(obj));
    return d;
}

static int bool_field(const struct json *obj, const char *key)
{
    const struct json *v = json_get(obj, key);
    double d;

    cr_assert(v && !json_is_null(v) && json_num(v, &d) == 0, "\"%s\" is not a boolean in %s", key,
              show(obj));
    return d != 0;
}

/*
 * Enum names compared on their letters and digits only, case-insensitively: the contract
 * spells "measure", "email" and "sum", but not "group_key" or "person_name"; "group_key",
 * "group key" and "groupKey" all pass.
 */
static int same_name(const char *a, const char *b)
{
    for (;;) {
        while (*a && !isalnum((unsigned char)*a))
            a++;
        while (*b && !isalnum((unsigned char)*b))
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a++) != tolower((unsigned char)*b++))
            return 0;
    }
}

static int has_string(const struct json *arr, const char *s, int loose)
{
    size_t i;

    for (i = 0; i < json_size(arr); i++) {
        const char *x = json_str(json_at(arr, i));
        if (x && (loose ? same_name(x, s) : !strcmp(x, s)))
            return 1;
    }
    return 0;
}

/*
 * Checks the roles of relation.column: each argument is a role it must have, or "!role" for
 * one it must not have; the list ends with NULL.
 */
static void expect_roles(const char *relation, const char *name, ...) __attribute__((sentinel));
static void expect_roles(const char *relation, const char *name, ...)
{
    const struct json *col = column(relation, name);
    const struct json *roles = json_get(col, "roles");
    const char *role;
    va_list ap;

    cr_assert(json_is_array(roles), "%s.%s has no roles array: %s", relation, name, show(col));
    va_start(ap, name);
    while ((role = va_arg(ap, const char *))) {
        if (*role == '!')
            cr_expect(!has_string(roles, role + 1, 1), "%s.%s must not have role %s: roles %s",
                      relation, name, role + 1, show(roles));
        else
            cr_expect(has_string(roles, role, 1), "%s.%s must have role %s: roles %s", relation,
                      name, role, show(roles));
    }
    va_end(ap);
}

/* An enum-valued field ("aggregation", "pattern"): expected NULL means null or absent. */
static void expect_enum(const char *relation, const char *name, const char *key,
                        const char *expected)
{
    const struct json *col = column(relation, name);
    const char *v = json_get_str(col, key);

    if (!expected)
        cr_expect(json_is_null(json_get(col, key)), "%s.%s: \"%s\" must be null: %s", relation,
                  name, key, show(col));
    else
        cr_expect(v && same_name(v, expected), "%s.%s: \"%s\" must be %s: %s", relation, name, key,
                  expected, show(col));
}

/*
 * A measure that adds up by agg. (Not "!key": the key role is "unique and never NULL" in
 * catalog.h, which a measure such as a movie's revenue can be by chance.)
 */
static void expect_measure(const char *relation, const char *name, const char *agg)
{
    expect_roles(relation, name, "measure", NULL);
    expect_enum(relation, name, "aggregation", agg);
}

/* The table's key is `key`, its grain exactly [key], and the column says it is unique. */
static void expect_key(const char *relation, const char *key)
{
    const struct json *t = table(relation), *grain = json_get(t, "grain");
    const char *k = json_get_str(t, "key");

    cr_expect(str_is(k, key), "%s: key must be %s: \"key\": %s", relation, key,
              show(json_get(t, "key")));
    cr_expect(json_size(grain) == 1 && has_string(grain, key, 0), "%s: grain must be [\"%s\"]: %s",
              relation, key, show(grain));
    expect_roles(relation, key, "key", "!measure", "!group_key", NULL);
    cr_expect(bool_field(column(relation, key), "unique"), "%s.%s must be unique", relation, key);
}

/* "references" of relation.name is to_rel.to_col with the containment SQL computes. */
static void expect_reference(const char *relation, const char *name, const char *to_rel,
                             const char *to_col)
{
    const struct json *col = column(relation, name), *ref = json_get(col, "references");
    const char *rt = json_get_str(ref, "table"), *rc = json_get_str(ref, "column");
    double want, got;

    expect_roles(relation, name, "foreign_key", "!measure", NULL);
    cr_assert(json_is_object(ref), "%s.%s must reference %s.%s: %s", relation, name, to_rel, to_col,
              show(col));
    /* the relation may be quoted ("raw"."x") where SQL needs it; these need no quotes */
    cr_expect(str_is(rt, to_rel) && str_is(rc, to_col), "%s.%s must reference %s.%s, not %s",
              relation, name, to_rel, to_col, show(ref));
    want = sql_num(kfmt("SELECT CAST(count(DISTINCT f.v) FILTER (WHERE f.v IN (SELECT %s FROM "
                        "%s)) AS DOUBLE) / count(DISTINCT f.v) FROM (SELECT %s AS v FROM %s) f",
                        qcol(to_col), qrel(to_rel), qcol(name), qrel(relation)));
    got = num_field(ref, "containment");
    cr_expect(fabs(got - want) <= 0.01, "%s.%s: containment %.4f, SQL says %.4f", relation, name,
              got, want);
}

static void expect_no_reference(const char *relation, const char *name)
{
    const struct json *col = column(relation, name);

    cr_expect(json_is_null(json_get(col, "references")), "%s.%s references no table's key: %s",
              relation, name, show(json_get(col, "references")));
    expect_roles(relation, name, "!foreign_key", NULL);
}

/* Share of the groups of several rows in which the column takes more than one value. */
static double share_varying(const char *relation, const char *name, const char *group)
{
    return sql_num(kfmt("SELECT coalesce(avg(CASE WHEN n > 1 THEN 1.0 ELSE 0.0 END), 0) FROM "
                        "(SELECT count(DISTINCT %s) AS n FROM %s GROUP BY %s HAVING count(*) "
                        "> 1)",
                        qcol(name), qrel(relation), qcol(group)));
}

/*
 * relation.name is constant within group (the data must agree: SQL checks that at most 10% of
 * the multi-row groups disagree, the sample's reused order ids), and the catalog says so.
 */
static void expect_repeated_within(const char *relation, const char *name, const char *group)
{
    const char *got = json_get_str(column(relation, name), "repeated_within");
    double varying = share_varying(relation, name, group);

    cr_assert(varying <= 0.10, "the data disagrees: %s.%s varies within %.0f%% of the %s groups",
              relation, name, varying * 100, group);
    cr_expect(str_is(got, group), "%s.%s is constant within %s: repeated_within is %s", relation,
              name, group, got ? got : "null");
}

/* relation.name belongs to the row, not the group: repeated_within is null. */
static void expect_not_repeated(const char *relation, const char *name)
{
    const struct json *col = column(relation, name);

    cr_expect(json_is_null(json_get(col, "repeated_within")),
              "%s.%s is not constant within a group: repeated_within is %s", relation, name,
              show(json_get(col, "repeated_within")));
}

/* A time column's anchor is the latest value not after today, and future_rows the rest. */
static uint64_t expect_anchor(const char *relation, const char *name)
{
    const struct json *col = column(relation, name);
    const char *type = json_get_str(col, "type"), *anchor = json_get_str(col, "anchor");
    const char *past, *future, *want;
    const struct json *row;
    char *norm;
    size_t i;
    double nfuture;

    expect_roles(relation, name, "time", NULL);
    cr_assert(type, "%s.%s has no type", relation, name);
    if (strstr(type, "INT")) { /* a year */
        past = kfmt("%s <= year(current_date)", qcol(name));
        future = kfmt("%s > year(current_date)", qcol(name));
    } else {
        past = kfmt("CAST(%s AS DATE) <= current_date", qcol(name));
        future = kfmt("CAST(%s AS DATE) > current_date", qcol(name));
    }
    row = json_at(sql_rows(kfmt("SELECT CAST(max(%s) FILTER (WHERE %s) AS VARCHAR) AS a, "
                                "CAST(count(*) FILTER (WHERE %s) AS DOUBLE) AS f FROM %s",
                                qcol(name), past, future, qrel(relation))),
                  0);
    want = json_get_str(row, "a");
    nfuture = num_field(row, "f");
    cr_assert(want, "%s.%s has no value up to today", relation, name);
    cr_assert(anchor, "%s.%s: anchor must be %s: %s", relation, name, want, show(col));

    /* "2025-06-30 13:02:00", "2025-06-30T13:02:00" or the day alone, "2025-06-30" */
    norm = kfmt("%s", anchor);
    for (i = 0; norm[i]; i++)
        if (norm[i] == 'T')
            norm[i] = ' ';
    cr_expect(!strcmp(norm, want) || (strlen(norm) == 10 && !strncmp(norm, want, 10)),
              "%s.%s: anchor %s, SQL's latest value up to today is %s", relation, name, anchor,
              want);
    cr_expect_eq(num_field(col, "future_rows"), nfuture,
                 "%s.%s: future_rows %.0f, SQL counts %.0f after today", relation, name,
                 num_field(col, "future_rows"), nfuture);
    return (uint64_t)nfuture;
}

/*
 * The column's value index: complete, most frequent first, and every value with the count SQL
 * finds (NULL is not a value).
 */
static void expect_values(const char *relation, const char *name)
{
    const struct json *col = column(relation, name), *vals = json_get(col, "values");
    const struct json *rows = sql_rows(
        kfmt("SELECT CAST(%s AS VARCHAR) AS v, CAST(count(*) AS DOUBLE) AS n FROM %s WHERE %s "
             "IS NOT NULL GROUP BY 1 ORDER BY 1",
             qcol(name), qrel(relation), qcol(name)));
    size_t i, j, nvals = 0;
    double prev = INFINITY;

    cr_expect(bool_field(col, "values_complete"), "%s.%s: values must be complete (%zu values)",
              relation, name, json_size(rows));
    cr_assert(json_is_array(vals), "%s.%s has no values: %s", relation, name, show(col));
    for (j = 0; j < json_size(vals); j++) {
        const struct json *v = json_at(vals, j);
        if (json_is_null(json_get(v, "value")))
            continue;
        nvals++;
        cr_expect(num_field(v, "count") <= prev, "%s.%s: values must be most frequent first: %s",
                  relation, name, show(vals));
        prev = num_field(v, "count");
    }
    cr_expect_eq(nvals, json_size(rows), "%s.%s: %zu values, SQL finds %zu: %s", relation, name,
                 nvals, json_size(rows), show(vals));
    for (i = 0; i < json_size(rows); i++) {
        const char *want = json_get_str(json_at(rows, i), "v");
        double n = num_field(json_at(rows, i), "n");
        int found = 0;
        for (j = 0; j < json_size(vals); j++) {
            const char *got = json_get_str(json_at(vals, j), "value");
            if (str_is(got, want)) {
                found = 1;
                cr_expect_eq(num_field(json_at(vals, j), "count"), n,
                             "%s.%s: value '%s' counted %.0f times, SQL counts %.0f", relation,
                             name, want, num_field(json_at(vals, j), "count"), n);
            }
        }
        cr_expect(found, "%s.%s: value '%s' is missing from %s", relation, name, want, show(vals));
    }
}

/* words (of a table or a column) include key, a vocab_key() (vocab.h). */
static void expect_word(const struct json *obj, const char *key)
{
    cr_expect(has_string(json_get(obj, "words"), key, 0), "words must include \"%s\": %s", key,
              show(obj));
}

/* The upstream of relation is exactly the given relations (NULL-terminated). */
static void expect_upstream(const char *relation, ...) __attribute__((sentinel));
static void expect_upstream(const char *relation, ...)
{
    const struct json *up = json_get(table(relation), "upstream");
    const char *r;
    size_t n = 0;
    va_list ap;

    va_start(ap, relation);
    while ((r = va_arg(ap, const char *))) {
        n++;
        cr_expect(has_string(up, r, 0), "%s reads %s: upstream %s", relation, r, show(up));
    }
    va_end(ap);
    cr_expect_eq(json_size(up), n, "%s reads %zu relations: upstream %s", relation, n, show(up));
}

static void expect_layer(const char *relation, const char *layer)
{
    const char *got = json_get_str(table(relation), "layer");

    cr_expect(got && same_name(got, layer), "%s: layer must be %s, not %s", relation, layer,
              got ? got : "null");
}

/*
 * A number of relation.name's profile ("min", "null_fraction", ...) agrees with SQL's expr on
 * the same table, within tol (the tables here are small enough to be profiled whole).
 */
static void expect_profile(const char *relation, const char *name, const char *key,
                           const char *expr, double tol)
{
    double got = num_field(column(relation, name), key);
    double want = sql_num(kfmt("SELECT CAST(%s AS DOUBLE) FROM %s", expr, qrel(relation)));

    cr_expect(fabs(got - want) <= tol, "%s.%s: %s %.6g, SQL's %s is %.6g", relation, name, key, got,
              expr, want);
}

/* The approximate distinct count is within 5% of the exact one. */
static void expect_distinct(const char *relation, const char *name)
{
    double got = num_field(column(relation, name), "distinct");
    double want = sql_num(
        kfmt("SELECT CAST(count(DISTINCT %s) AS DOUBLE) FROM %s", qcol(name), qrel(relation)));

    cr_expect(fabs(got - want) <= 0.05 * want + 1, "%s.%s: distinct %.0f, SQL counts %.0f",
              relation, name, got, want);
}

/*
 * The catalog lists exactly the warehouse's tables and views (not the pipeline's own _mdp
 * bookkeeping, which is no data to analyse), each with its kind and the row count SQL finds;
 * none of these small tables is sampled.
 */
static void expect_tables_match_warehouse(void)
{
    const struct json *rows = sql_rows(
        "SELECT table_schema || '.' || table_name AS r, table_type AS k FROM "
        "information_schema.tables WHERE table_catalog = current_database() AND table_schema "
        "NOT IN ('_mdp', 'information_schema', 'pg_catalog') ORDER BY 1");
    struct strbuf counts = STRBUF_INIT;
    const struct json *n;
    size_t i;

    cr_assert(json_size(rows) > 0, "the warehouse has no tables");
    for (i = 0; i < json_size(tables()); i++)
        cr_expect(!str_is(json_get_str(json_at(tables(), i), "schema"), "_mdp"),
                  "the catalog lists the pipeline's own %s", relation_of(json_at(tables(), i)));
    cr_expect_eq(json_size(tables()), json_size(rows), "%zu tables in the catalog, %zu in SQL",
                 json_size(tables()), json_size(rows));
    for (i = 0; i < json_size(rows); i++) {
        const char *r = json_get_str(json_at(rows, i), "r");
        strbuf_addf(&counts, "%sSELECT '%s' AS r, CAST(count(*) AS DOUBLE) AS n FROM %s",
                    i ? " UNION ALL " : "", r, qrel(r));
    }
    n = sql_rows(counts.buf);
    strbuf_release(&counts);
    for (i = 0; i < json_size(rows); i++) {
        const char *r = json_get_str(json_at(rows, i), "r");
        const char *kind = json_get_str(json_at(rows, i), "k");
        const struct json *t = table(r);
        size_t j;

        cr_expect(str_is(json_get_str(t, "kind"), str_is(kind, "VIEW") ? "view" : "table"),
                  "%s is a %s: kind %s", r, kind, show(json_get(t, "kind")));
        for (j = 0; j < json_size(n); j++)
            if (str_is(json_get_str(json_at(n, j), "r"), r))
                cr_expect_eq(num_field(t, "rows"), num_field(json_at(n, j), "n"),
                             "%s: rows %.0f, SQL counts %.0f", r, num_field(t, "rows"),
                             num_field(json_at(n, j), "n"));
        cr_expect(!bool_field(t, "sampled"), "%s (%.0f rows) must not be sampled", r,
                  num_field(t, "rows"));
    }
}

/* The first catalog of a warehouse profiles every table. */
static void expect_first_run_profiled_all(void)
{
    cr_expect_eq(num_field(cat, "profiled"), json_size(tables()),
                 "a first run profiles all %zu tables: profiled %.0f", json_size(tables()),
                 num_field(cat, "profiled"));
}

/* A join edge from.fcol -> to.tcol is in "joins". */
static const struct json *find_join(const char *from, const char *fcol, const char *to,
                                    const char *tcol)
{
    const struct json *joins = json_get(cat, "joins");
    size_t i;

    for (i = 0; i < json_size(joins); i++) {
        const struct json *j = json_at(joins, i);
        const char *f = json_get_str(j, "from"), *fc = json_get_str(j, "from_column");
        const char *t = json_get_str(j, "to"), *tc = json_get_str(j, "to_column");
        if (str_is(f, from) && str_is(fc, fcol) && str_is(t, to) && str_is(tc, tcol))
            return j;
    }
    cr_expect_fail("no join %s.%s -> %s.%s in %s", from, fcol, to, tcol, show(joins));
    return NULL;
}

/* Runs mdp with args in the fixture's folder. */
static int mdp(struct tl_run *r, const char *args)
{
    need_fixture(0);
    return tl_mdp(r, fxdir, "%s", args);
}

/* ======================= the sample e-commerce platform ======================= */

static void sample_init(void)
{
    fixture_open(&sample_fx);
}

TestSuite(catalog_sample, .init = sample_init, .fini = fixture_close, .timeout = 300);

Test(catalog_sample, lists_every_table_with_kind_and_rows)
{
    expect_tables_match_warehouse();
    expect_first_run_profiled_all();
}

Test(catalog_sample, layers_follow_the_models)
{
    size_t i;

    for (i = 0; i < json_size(tables()); i++) {
        const struct json *t = json_at(tables(), i);
        const char *schema = json_get_str(t, "schema");
        const char *want = str_is(schema, "raw")       ? "raw"
                           : str_is(schema, "staging") ? "staging"
                           : str_is(schema, "marts")   ? "mart"
                                                       : "(none)";
        expect_layer(relation_of(t), want);
    }
    cr_expect(str_is(json_get_str(table("marts.fct_orders"), "model"), "fct_orders"),
              "marts.fct_orders is built by the model fct_orders: %s",
              show(json_get(table("marts.fct_orders"), "model")));
    cr_expect(json_is_null(json_get(table("raw.users"), "model")), "raw.users has no model");
}

/*
 * Upstream is the models' recorded dependencies (_mdp.models.depends_on, model names mapped to
 * their relations), and depth is the longest path from a raw table.
 */
Test(catalog_sample, lineage_and_depth_from_the_models)
{
    /* one row per (model, relation it reads), with the number of relations it reads */
    const struct json *rows = sql_rows(
        "SELECT m.relation AS r, coalesce(d.relation, m.dep) AS u, CAST(count(*) OVER "
        "(PARTITION BY m.relation) AS DOUBLE) AS n FROM (SELECT relation, unnest(depends_on) AS "
        "dep FROM _mdp.models) m LEFT JOIN _mdp.models d ON d.name = m.dep ORDER BY 1, 2");
    size_t i, j;

    cr_assert(json_size(rows) >= 11, "the sample's 8 models read 11 relations: %s", show(rows));
    for (i = 0; i < json_size(rows); i++) {
        const char *r = json_get_str(json_at(rows, i), "r");
        const char *u = json_get_str(json_at(rows, i), "u");
        const struct json *got = json_get(table(r), "upstream");
        cr_expect(has_string(got, u, 0), "%s reads %s: upstream %s", r, u, show(got));
        cr_expect_eq(json_size(got), num_field(json_at(rows, i), "n"),
                     "%s reads %.0f relations: upstream %s", r, num_field(json_at(rows, i), "n"),
                     show(got));
    }
    expect_upstream("staging.stg_users", "raw.users", NULL);
    expect_upstream("staging.stg_pageviews", "raw.pageviews", NULL);
    cr_expect(
        has_string(json_get(table("marts.fct_orders"), "upstream"), "staging.stg_transactions", 0));

    /* depth: 0 for a table nothing builds, else 1 + the deepest table it reads */
    for (i = 0; i < json_size(tables()); i++) {
        const struct json *t = json_at(tables(), i), *up = json_get(t, "upstream");
        double want = 0;
        for (j = 0; j < json_size(up); j++) {
            double d = num_field(table(json_str(json_at(up, j))), "depth") + 1;
            want = d > want ? d : want;
        }
        cr_expect_eq(num_field(t, "depth"), want, "%s: depth %.0f, its lineage says %.0f",
                     relation_of(t), num_field(t, "depth"), want);
    }
    cr_expect_eq(num_field(table("marts.fct_orders"), "depth"), 3,
                 "raw -> stg_users -> dim_customers -> fct_orders");
}

Test(catalog_sample, dimension_tables_have_their_keys)
{
    expect_key("marts.dim_customers", "user_id");
    expect_key("marts.dim_products", "product_id");
    expect_key("staging.stg_users", "user_id");
}

/*
 * fct_orders has one row per order line: transaction_id repeats over an order's lines (a group
 * key), no column identifies a row, and no table is keyed by transaction_id.
 */
Test(catalog_sample, fct_orders_is_grouped_by_transaction_id)
{
    const struct json *t = table("marts.fct_orders");

    cr_assert(sql_num("SELECT count(*) - count(DISTINCT transaction_id) FROM marts.fct_orders") >
              0);
    expect_roles("marts.fct_orders", "transaction_id", "group_key", "!key", "!measure", NULL);
    expect_no_reference("marts.fct_orders", "transaction_id");
    cr_expect(json_is_null(json_get(t, "key")), "fct_orders has no key: %s",
              show(json_get(t, "key")));
}

/* Element i of a JSON array of numbers, or -1. */
static double elem(const struct json *arr, size_t i)
{
    double v;
    return json_num(json_at(arr, i), &v) == 0 ? v : -1;
}

/*
 * Inside transaction_id's groups the catalog measures, over all rows, which references and
 * times stay constant and which vary (the id reused for another customer or day): each count
 * agrees with SQL written here.
 */
Test(catalog_sample, kinds_of_transaction_id_groups_agree_with_sql)
{
    const struct json *gs = json_get(table("marts.fct_orders"), "groupings"), *g = NULL;
    const struct json *parts, *kinds;
    static const char *const watched[] = {"user_id", "transaction_date"};
    double groups = 0;
    size_t i, k, w;

    for (i = 0; i < json_size(gs); i++)
        if (str_is(json_get_str(json_at(gs, i), "column"), "transaction_id"))
            g = json_at(gs, i);
    cr_assert(g, "no grouping by transaction_id: %s", show(gs));
    parts = json_get(g, "parts");
    kinds = json_get(g, "kinds");
    cr_assert(json_size(kinds) > 0, "no kinds of groups: %s", show(g));
    for (k = 0; k < json_size(kinds); k++)
        groups += elem(json_at(kinds, k), 2);
    cr_expect_eq(groups, sql_num("SELECT count(DISTINCT transaction_id) FROM marts.fct_orders"),
                 "the kinds count every group once: %s", show(kinds));
    for (w = 0; w < ARRAY_SIZE(watched); w++) {
        double varies = 0, want;
        char *sql;
        int bit = -1;
        for (i = 0; i < json_size(parts); i++)
            if (str_is(json_str(json_at(parts, i)), watched[w]))
                bit = (int)i;
        cr_assert(bit >= 0, "%s is not a part of the groups: %s", watched[w], show(parts));
        for (k = 0; k < json_size(kinds); k++)
            if ((unsigned)elem(json_at(kinds, k), 1) & (1u << bit))
                varies += elem(json_at(kinds, k), 2);
        sql = xstrfmt("SELECT count(*) FROM (SELECT transaction_id FROM marts.fct_orders WHERE "
                      "transaction_id IS NOT NULL GROUP BY 1 HAVING count(DISTINCT %s) > 1)",
                      watched[w]);
        want = sql_num(sql);
        free(sql);
        cr_expect(want > 0, "the sample reuses transaction ids across %s", watched[w]);
        cr_expect_eq(varies, want, "groups where %s varies: %.0f, SQL says %.0f", watched[w],
                     varies, want);
    }
}

/*
 * Exact copies of a row, counted over all rows of each table (SELECT DISTINCT * here, not the
 * catalog's hash); a view is not counted, and a table with copies says so in its caveats.
 */
Test(catalog_sample, exact_copies_agree_with_sql)
{
    size_t i;
    int seen_copies = 0;

    for (i = 0; i < json_size(tables()); i++) {
        const struct json *t = json_at(tables(), i);
        const char *rel = relation_of(t);
        char *sql;
        double want;
        if (str_is(json_get_str(t, "kind"), "view")) {
            cr_expect(!json_get(t, "copies"), "%s is a view: copies not counted", rel);
            continue;
        }
        sql = xstrfmt("SELECT (SELECT count(*) FROM %s) - (SELECT count(*) FROM (SELECT "
                      "DISTINCT * FROM %s))",
                      rel, rel);
        want = sql_num(sql);
        free(sql);
        cr_expect_eq(num_field(t, "copies"), want, "%s: %.0f copies, SQL says %.0f", rel,
                     num_field(t, "copies"), want);
        if (want > 0) {
            const struct json *cv = json_get(t, "caveats");
            char *caveat = xstrfmt("%.0f rows (", want);
            size_t k;
            int found = 0;
            for (k = 0; k < json_size(cv); k++)
                found |= json_str(json_at(cv, k)) &&
                         !strncmp(json_str(json_at(cv, k)), caveat, strlen(caveat));
            seen_copies = 1;
            cr_expect(found, "%s: no caveat '%s...': %s", rel, caveat, show(cv));
            free(caveat);
        }
    }
    cr_expect(seen_copies, "the sample data has duplicated transaction rows");
}

/*
 * subtotal .. total are per order, copied onto every line (up to the ~3% reused order ids);
 * unit_price belongs to the line. quantity is 1 on every line of the sample data: a column
 * constant over the whole table says nothing about orders, and calling it order-level would
 * tell the analyst not to sum units over lines, which is wrong.
 */
Test(catalog_sample, order_amounts_repeat_within_transaction_id)
{
    static const char *const order_level[] = {"subtotal", "tax", "shipping", "discount", "total"};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(order_level); i++)
        expect_repeated_within("marts.fct_orders", order_level[i], "transaction_id");
    cr_assert(share_varying("marts.fct_orders", "unit_price", "transaction_id") > 0.5);
    expect_not_repeated("marts.fct_orders", "unit_price");
    expect_not_repeated("marts.fct_orders", "quantity");
}

/*
 * fct_orders.user_id holds customers: the mart's dim_customers (same layer), not the staging
 * or raw copies that have the same key. campaign_id's relationships test names
 * stg_campaigns, the only campaigns model.
 */
Test(catalog_sample, foreign_keys_prefer_the_same_layer)
{
    const struct json *j;

    expect_reference("marts.fct_orders", "user_id", "marts.dim_customers", "user_id");
    expect_reference("marts.fct_orders", "product_id", "marts.dim_products", "product_id");
    expect_reference("marts.fct_orders", "campaign_id", "staging.stg_campaigns", "campaign_id");
    j = find_join("marts.fct_orders", "user_id", "marts.dim_customers", "user_id");
    if (j) {
        const char *src = json_get_str(j, "source");
        cr_expect(str_is(src, "tested") || str_is(src, "inferred"),
                  "a join with a relationships test: source %s", show(j));
    }
}

Test(catalog_sample, roles_of_the_marts)
{
    static const char *const ids[] = {"transaction_id", "user_id", "product_id", "campaign_id"};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ids); i++)
        expect_roles("marts.fct_orders", ids[i], "!measure", NULL);
    expect_measure("marts.fct_orders", "total", "sum");
    /* a unit price is averaged; revenue is sum(unit_price * quantity), not sum(unit_price) */
    expect_measure("marts.fct_orders", "unit_price", "avg");
    expect_roles("marts.fct_orders", "transaction_date", "time", "!measure", NULL);
    expect_roles("marts.fct_orders", "is_discounted", "flag", "!measure", NULL);
    expect_roles("marts.fct_orders", "status", "dimension", NULL);
    expect_roles("marts.fct_orders", "category", "dimension", NULL);
    /* an age is averaged: the sum of ages means nothing */
    expect_measure("marts.dim_customers", "age", "avg");
    expect_roles("marts.dim_customers", "email", "pii", "!dimension", NULL);
    expect_enum("marts.dim_customers", "email", "pattern", "email");
    expect_roles("marts.fct_orders", "customer_email", "pii", NULL);
    expect_enum("marts.fct_orders", "customer_email", "pattern", "email");
    expect_roles("marts.dim_customers", "first_name", "pii", NULL);
    expect_roles("marts.dim_customers", "last_name", "pii", NULL);
    expect_roles("marts.dim_customers", "state", "geography", NULL);
    expect_roles("marts.dim_customers", "city", "geography", NULL);
    expect_roles("marts.fct_orders", "customer_state", "geography", NULL);
}

Test(catalog_sample, segment_and_status_values_are_indexed)
{
    const struct json *vals;
    size_t i;
    int high = 0;

    expect_roles("marts.dim_customers", "customer_segment", "dimension", "!measure", NULL);
    expect_values("marts.dim_customers", "customer_segment");
    vals = json_get(column("marts.dim_customers", "customer_segment"), "values");
    for (i = 0; i < json_size(vals); i++)
        high |= str_is(json_get_str(json_at(vals, i), "value"), "high_value");
    cr_expect(high, "customer_segment values include high_value: %s", show(vals));
    expect_values("marts.fct_orders", "status");
    expect_values("marts.dim_customers", "state");
}

Test(catalog_sample, derived_columns_show_their_expression)
{
    const char *margin = json_get_str(column("marts.dim_products", "margin"), "derived");
    const char *line = json_get_str(column("marts.fct_orders", "line_margin"), "derived");

    cr_expect(margin && strstr(margin, "price") && strstr(margin, "cost"),
              "dim_products.margin is price - cost: derived %s", margin ? margin : "null");
    cr_expect(line && strstr(line, "total") && strstr(line, "cost") && strstr(line, "quantity"),
              "fct_orders.line_margin is total - cost * quantity: derived %s",
              line ? line : "null");
    /* a column passed through unchanged is not derived */
    cr_expect(json_is_null(json_get(column("marts.dim_products", "product_id"), "derived")),
              "dim_products.product_id is copied, not computed: %s",
              show(column("marts.dim_products", "product_id")));
}

Test(catalog_sample, time_anchors_ignore_the_future)
{
    char today[32];
    const char *anchor;

    cr_expect_eq(expect_anchor("marts.fct_orders", "transaction_date"), 0);
    /* raw.pageviews has events stamped 2030 by broken clocks; stg_pageviews drops them */
    cr_expect_gt(expect_anchor("raw.pageviews", "event_time"), 0,
                 "raw.pageviews has events dated after today");
    cr_expect_eq(expect_anchor("staging.stg_pageviews", "event_time"), 0);
    anchor = json_get_str(column("raw.pageviews", "event_time"), "anchor");
    snprintf(today, sizeof(today), "%s", sql_str("SELECT CAST(current_date AS VARCHAR)"));
    cr_expect(anchor && strncmp(anchor, today, 10) <= 0, "anchor %s is after today %s",
              anchor ? anchor : "null", today);
    {
        const struct json *caveats = json_get(table("raw.pageviews"), "caveats");
        size_t i;
        int found = 0;
        for (i = 0; i < json_size(caveats); i++)
            found |= json_str(json_at(caveats, i)) &&
                     strstr(json_str(json_at(caveats, i)), "event_time") != NULL;
        cr_expect(found, "raw.pageviews has a caveat about future event_time values: %s",
                  show(caveats));
    }
}

/* The profile agrees with SQL on the same data. */
Test(catalog_sample, profiles_agree_with_sql)
{
    const char *fct = "marts.fct_orders";

    expect_profile(fct, "total", "min", "min(total)", 1e-6);
    expect_profile(fct, "total", "max", "max(total)", 1e-6);
    expect_profile(fct, "total", "mean", "avg(total)", 1e-3);
    expect_profile(fct, "total", "negative_fraction",
                   "avg(CASE WHEN total < 0 THEN 1.0 ELSE 0.0 END)", 1e-9);
    expect_profile(fct, "payment_method", "null_fraction",
                   "avg(CASE WHEN payment_method IS NULL THEN 1.0 ELSE 0.0 END)", 0.005);
    /* raw totals include sign errors, fixed by stg_transactions */
    cr_expect_gt(num_field(column("raw.transactions", "total"), "negative_fraction"), 0);
    expect_profile("raw.transactions", "total", "negative_fraction",
                   "avg(CASE WHEN total < 0 THEN 1.0 ELSE 0.0 END) FILTER (WHERE total IS NOT "
                   "NULL)",
                   0.005);
    expect_distinct("marts.dim_customers", "email");
    expect_distinct(fct, "transaction_id");
    cr_expect(!bool_field(column("marts.dim_customers", "email"), "unique"),
              "emails are shared or missing");
}

/* Every description and test in the yml (as recorded in _mdp.model_columns) reaches its column. */
Test(catalog_sample, docs_and_tests_from_the_yml)
{
    const struct json *rows = sql_rows(
        "SELECT coalesce(m.relation, c.model) AS r, c.column_name AS c, c.description AS d, "
        "c.tests AS t FROM _mdp.model_columns c LEFT JOIN _mdp.models m ON m.name = c.model");
    const struct json *models = sql_rows(
        "SELECT relation AS r, description AS d FROM _mdp.models WHERE description IS NOT NULL");
    size_t i, j, ndocs = 0;

    cr_assert(json_size(rows) >= 40, "the sample documents its columns: %s", show(rows));
    for (i = 0; i < json_size(rows); i++) {
        const struct json *row = json_at(rows, i);
        const char *r = json_get_str(row, "r"), *c = json_get_str(row, "c");
        const char *want = json_get_str(row, "d"), *tests = json_get_str(row, "t");
        const struct json *col = column(r, c), *got_tests = json_get(col, "tests");
        struct json *decl;

        if (want) {
            ndocs++;
            cr_expect(same_text(json_get_str(col, "description"), want),
                      "%s.%s: description %s, the yml says \"%s\"", r, c,
                      show(json_get(col, "description")), want);
        }
        if (!tests)
            continue;
        decl = keep_json(json_parse("tests", tests, strlen(tests)));
        cr_assert(decl, "%s.%s: tests %s", r, c, tests);
        for (j = 0; j < json_size(decl); j++) {
            const struct json *tj = json_at(decl, j);
            const char *name = json_str(tj) ? json_str(tj) : json_key(json_at(tj, 0));
            cr_expect(name && has_string(got_tests, name, 0), "%s.%s: tests %s, the yml says %s", r,
                      c, show(got_tests), tests);
        }
    }
    cr_expect_gt(ndocs, 40);
    for (i = 0; i < json_size(models); i++) {
        const char *r = json_get_str(json_at(models, i), "r");
        const char *want = json_get_str(json_at(models, i), "d");
        const char *got = json_get_str(table(r), "description");
        cr_expect(same_text(got, want), "%s: description %s, the yml says \"%s\"", r,
                  got ? got : "null", want);
    }
    expect_word(column("marts.dim_customers", "customer_segment"), "custom segment");
    cr_expect(has_string(json_get(column("marts.dim_customers", "user_id"), "tests"), "unique", 0));
    cr_expect(
        has_string(json_get(column("marts.dim_customers", "user_id"), "tests"), "not_null", 0));
}

Test(catalog_sample, text_report_names_every_table)
{
    const struct json *rows = sql_rows(
        "SELECT table_schema || '.' || table_name AS r FROM information_schema.tables WHERE "
        "table_catalog = current_database() AND table_schema NOT IN ('_mdp', "
        "'information_schema', 'pg_catalog')");
    struct tl_run all, one;
    size_t i;

    mdp(&all, "catalog");
    cr_assert_eq(all.code, 0, "%s", all.err.buf);
    for (i = 0; i < json_size(rows); i++)
        cr_expect(strstr(all.out.buf, json_get_str(json_at(rows, i), "r")),
                  "the report does not name %s", json_get_str(json_at(rows, i), "r"));

    mdp(&one, "catalog marts.fct_orders");
    cr_assert_eq(one.code, 0, "%s", one.err.buf);
    cr_expect(strstr(one.out.buf, "fct_orders") && strstr(one.out.buf, "transaction_id"), "%s",
              one.out.buf);
    /* pageviews has nothing to do with order lines */
    cr_expect(!strstr(one.out.buf, "pageviews"), "only fct_orders is shown:\n%.3000s", one.out.buf);
    cr_expect_lt(one.out.len, all.out.len);
    tl_run_release(&all);
    tl_run_release(&one);
}

Test(catalog_sample, usage_errors_and_help)
{
    struct tl_run r;

    mdp(&r, "catalog no_such_table");
    cr_expect_eq(r.code, 2, "exit %d", r.code);
    cr_expect(strstr(r.err.buf, "no_such_table"), "the message names the table: %s", r.err.buf);
    tl_run_release(&r);

    mdp(&r, "catalog --no-such-option");
    cr_expect_eq(r.code, 2, "exit %d", r.code);
    tl_run_release(&r);

    mdp(&r, "catalog --help");
    cr_expect_eq(r.code, 0, "exit %d: %s", r.code, r.err.buf);
    cr_expect(strstr(r.out.buf, "--json") && strstr(r.out.buf, "--refresh") &&
                  strstr(r.out.buf, "TABLE"),
              "--help lists every option:\n%.3000s", r.out.buf);
    tl_run_release(&r);
}

Test(catalog_sample, json_of_one_table_and_without_values)
{
    struct tl_run r;
    struct json *j;

    mdp(&r, "catalog --json marts.dim_products");
    cr_assert_eq(r.code, 0, "exit %d: %s", r.code, r.err.buf);
    j = json_parse("catalog --json TABLE", r.out.buf, r.out.len);
    cr_assert_not_null(j, "%s", r.out.buf);
    cr_expect_str_eq(json_get_str(j, "relation"), "marts.dim_products");
    cr_expect(json_get(j, "columns") && json_size(json_get(j, "columns")) > 0);
    cr_expect_null(json_get(j, "tables"), "one table, not the catalog");
    json_free(j);
    tl_run_release(&r);

    mdp(&r, "catalog --json --no-values");
    cr_assert_eq(r.code, 0, "exit %d: %s", r.code, r.err.buf);
    cr_expect(strstr(r.out.buf, "\"values\":") == NULL, "no value index");
    /* no table's SQL (the known-good queries of the sample's dashboards keep theirs) */
    j = json_parse("catalog --json --no-values", r.out.buf, r.out.len);
    cr_assert_not_null(j, "%.2000s", r.out.buf);
    for (const struct json *t = json_first(json_get(j, "tables")); t; t = json_next(t))
        cr_expect_null(json_get(t, "sql"), "no SQL for %s", json_get_str(t, "relation"));
    json_free(j);
    cr_expect(strstr(r.out.buf, "marts.fct_orders") != NULL);
    tl_run_release(&r);

    mdp(&r, "catalog --no-values");
    cr_expect_eq(r.code, 2, "--no-values goes with --json: exit %d", r.code);
    tl_run_release(&r);
}

/* ======================= a library's loans ======================= */

static void library_init(void)
{
    fixture_open(&library_fx);
}

TestSuite(catalog_library, .init = library_init, .fini = fixture_close, .timeout = 300);

Test(catalog_library, lists_every_table_as_raw)
{
    size_t i;

    expect_tables_match_warehouse();
    expect_first_run_profiled_all();
    for (i = 0; i < json_size(tables()); i++) {
        const struct json *t = json_at(tables(), i);
        expect_layer(relation_of(t), "raw");
        cr_expect_eq(num_field(t, "depth"), 0);
        cr_expect_eq(json_size(json_get(t, "upstream")), 0, "%s reads nothing: %s", relation_of(t),
                     show(json_get(t, "upstream")));
    }
    expect_word(table("raw.loans"), "loan");
    expect_word(table("raw.branches"), "branch");
}

/*
 * One key per table, and the right one: members.join_date and branches.name/opened_on happen
 * to be unique too, but a date or a label does not identify a member or a branch. (The key
 * ROLE means "unique and never NULL" in catalog.h, so join_date may carry it; the table's key
 * must still be member_id.)
 */
Test(catalog_library, keys_and_grain)
{
    cr_assert_eq(sql_num("SELECT count(DISTINCT join_date) - count(*) FROM raw.members"), 0,
                 "the trap is set: join_date is unique");
    expect_key("raw.branches", "branch_id");
    expect_key("raw.members", "member_id");
    expect_key("raw.books", "isbn");
    expect_key("raw.loans", "loan_id");
    /* titles repeat (editions), names repeat (namesakes) */
    expect_roles("raw.books", "title", "!key", NULL);
    expect_roles("raw.members", "full_name", "!key", NULL);
}

/* A checkout lends several books at once: checkout_id repeats, and no table is keyed by it. */
Test(catalog_library, checkout_id_is_a_group_key)
{
    cr_assert_gt(sql_num("SELECT count(*) - count(DISTINCT checkout_id) FROM raw.loans"), 0);
    expect_roles("raw.loans", "checkout_id", "group_key", "!key", "!measure", NULL);
    expect_no_reference("raw.loans", "checkout_id");
}

Test(catalog_library, foreign_keys_with_their_containment)
{
    const struct json *j;

    expect_reference("raw.loans", "member_id", "raw.members", "member_id");
    expect_reference("raw.loans", "branch_id", "raw.branches", "branch_id");
    /* a few loans name withdrawn books: still a foreign key, with containment below 1 */
    cr_assert_lt(sql_num("SELECT CAST(count(DISTINCT isbn) FILTER (WHERE isbn IN (SELECT isbn "
                         "FROM raw.books)) AS DOUBLE) / count(DISTINCT isbn) FROM raw.loans"),
                 1.0);
    expect_reference("raw.loans", "isbn", "raw.books", "isbn");
    /* nothing is declared or tested here: every join is inferred */
    j = find_join("raw.loans", "member_id", "raw.members", "member_id");
    if (j)
        cr_expect(str_is(json_get_str(j, "source"), "inferred"), "%s", show(j));
    find_join("raw.loans", "isbn", "raw.books", "isbn");
    find_join("raw.loans", "branch_id", "raw.branches", "branch_id");
}

/* member, branch, time and due date belong to the checkout; the book and its return do not. */
Test(catalog_library, checkout_values_repeat_within_checkout_id)
{
    cr_assert_eq(share_varying("raw.loans", "loaned_at", "checkout_id"), 0);
    expect_repeated_within("raw.loans", "loaned_at", "checkout_id");
    expect_repeated_within("raw.loans", "due_on", "checkout_id");
    cr_assert_gt(share_varying("raw.loans", "late_fee", "checkout_id"), 0.2);
    expect_not_repeated("raw.loans", "late_fee");
    expect_not_repeated("raw.loans", "isbn");
    expect_not_repeated("raw.loans", "returned_on");
    expect_not_repeated("raw.loans", "loan_id");
}

Test(catalog_library, roles)
{
    static const char *const ids[] = {"loan_id", "checkout_id", "member_id", "branch_id"};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(ids); i++)
        expect_roles("raw.loans", ids[i], "!measure", "!time", NULL);
    expect_measure("raw.loans", "late_fee", "sum");
    expect_roles("raw.books", "page_count", "measure", NULL);
    /* years are time, not quantities: nobody sums birth years */
    expect_roles("raw.members", "birth_year", "time", "!measure", NULL);
    expect_roles("raw.books", "published_year", "time", "!measure", NULL);
    expect_roles("raw.loans", "is_renewed", "flag", "!measure", NULL);
    expect_roles("raw.members", "membership_type", "dimension", "!measure", NULL);
    expect_roles("raw.books", "genre", "dimension", NULL);
    expect_roles("raw.branches", "city", "geography", NULL);
    expect_roles("raw.branches", "state", "geography", NULL);
    expect_enum("raw.branches", "state", "pattern", "code");
    expect_roles("raw.members", "email", "pii", NULL);
    expect_enum("raw.members", "email", "pattern", "email");
    expect_roles("raw.members", "full_name", "pii", NULL);
    expect_enum("raw.members", "full_name", "pattern", "person_name");
    /* long, mostly distinct prose: searched, not grouped */
    expect_roles("raw.books", "summary", "free_text", "!dimension", "!key", NULL);
    expect_roles("raw.loans", "loaned_at", "time", NULL);
    expect_roles("raw.loans", "due_on", "time", NULL);
}

Test(catalog_library, values_of_dimensions)
{
    expect_values("raw.members", "membership_type");
    expect_values("raw.books", "genre");
    expect_values("raw.branches", "state");
}

/*
 * The latest loan is from the data (2025-06-30 in the fixture, read here with SQL); about 1%
 * of the loans carry a 2031 clock error and must be counted, not taken as the anchor.
 */
Test(catalog_library, time_anchors)
{
    const struct json *caveats = json_get(table("raw.loans"), "caveats");
    size_t i;
    int found = 0;

    cr_expect_gt(expect_anchor("raw.loans", "loaned_at"), 0, "some loans are dated 2031");
    expect_anchor("raw.loans", "due_on");
    expect_anchor("raw.loans", "returned_on");
    expect_anchor("raw.branches", "opened_on");
    expect_anchor("raw.members", "join_date");
    expect_anchor("raw.members", "birth_year");
    expect_anchor("raw.books", "published_year");
    for (i = 0; i < json_size(caveats); i++)
        found |= json_str(json_at(caveats, i)) &&
                 strstr(json_str(json_at(caveats, i)), "loaned_at") != NULL;
    cr_expect(found, "raw.loans has a caveat about loaned_at after today: %s", show(caveats));
}

Test(catalog_library, profiles_agree_with_sql)
{
    expect_profile("raw.loans", "returned_on", "null_fraction",
                   "avg(CASE WHEN returned_on IS NULL THEN 1.0 ELSE 0.0 END)", 0.005);
    expect_profile("raw.loans", "late_fee", "min", "min(late_fee)", 1e-6);
    expect_profile("raw.loans", "late_fee", "max", "max(late_fee)", 1e-6);
    expect_profile("raw.books", "page_count", "mean", "avg(page_count)", 1e-6);
    expect_profile("raw.books", "summary", "avg_length", "avg(length(summary))", 0.5);
    expect_profile("raw.books", "summary", "null_fraction",
                   "avg(CASE WHEN summary IS NULL THEN 1.0 ELSE 0.0 END)", 0.005);
    expect_distinct("raw.members", "email");
    expect_distinct("raw.loans", "isbn");
    cr_expect(!bool_field(column("raw.members", "email"), "unique"),
              "households share an email, some are missing");
}

Test(catalog_library, words_from_names)
{
    expect_word(column("raw.loans", "late_fee"), "late fee");
    expect_word(column("raw.books", "page_count"), "page count");
    expect_word(column("raw.members", "membership_type"), "membership type");
}

/* ======================= a SaaS company's billing ======================= */

static void saas_init(void)
{
    fixture_open(&saas_fx);
}

TestSuite(catalog_saas, .init = saas_init, .fini = fixture_close, .timeout = 300);

Test(catalog_saas, lists_every_table_and_view)
{
    expect_tables_match_warehouse();
    expect_first_run_profiled_all();
}

/*
 * No dbt here: lineage comes from the view definitions alone. src.* are the loaded tables
 * nothing builds (raw, depth 0); accounts_clean cleans one source (staging); invoice_facts
 * joins lines, invoices and the cleaned accounts into a fact table (mart), two steps from src
 * since it reads accounts_clean.
 */
Test(catalog_saas, layers_and_lineage_from_view_definitions)
{
    static const char *const src[] = {"src.plans", "src.accounts", "src.subscriptions",
                                      "src.invoices", "src.invoice_lines"};
    const char *sql;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(src); i++) {
        expect_layer(src[i], "raw");
        cr_expect_eq(num_field(table(src[i]), "depth"), 0, "%s", src[i]);
        cr_expect_eq(json_size(json_get(table(src[i]), "upstream")), 0, "%s", src[i]);
    }
    expect_upstream("analytics.accounts_clean", "src.accounts", NULL);
    expect_upstream("analytics.invoice_facts", "src.invoice_lines", "src.invoices",
                    "analytics.accounts_clean", NULL);
    expect_layer("analytics.accounts_clean", "staging");
    expect_layer("analytics.invoice_facts", "mart");
    cr_expect_eq(num_field(table("analytics.accounts_clean"), "depth"), 1);
    cr_expect_eq(num_field(table("analytics.invoice_facts"), "depth"), 2);
    sql = json_get_str(table("analytics.invoice_facts"), "sql");
    cr_expect(sql && strstr(sql, "invoice_lines"), "the view's definition: %s", sql ? sql : "null");
}

Test(catalog_saas, keys_and_grain)
{
    expect_key("src.plans", "plan_id");
    expect_key("src.accounts", "account_id");
    expect_key("src.subscriptions", "subscription_id");
    expect_key("src.invoices", "invoice_id");
    expect_key("src.invoice_lines", "line_id");
    expect_key("analytics.accounts_clean", "account_id");
    expect_key("analytics.invoice_facts", "line_id");
    /* a summary with one row per tier, built by CREATE TABLE AS */
    expect_key("analytics.mrr_by_tier", "tier");
}

/*
 * invoice_id repeats over an invoice's lines: a group key. Its values are also src.invoices'
 * key, so it is a foreign key too (roles are a set). The invoice's total is copied on each
 * line; a line's amount is its own.
 */
Test(catalog_saas, invoice_lines_are_grouped_by_invoice)
{
    static const char *const facts[] = {"src.invoice_lines", "analytics.invoice_facts"};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(facts); i++) {
        cr_assert_gt(
            sql_num(kfmt("SELECT count(*) - count(DISTINCT invoice_id) FROM %s", qrel(facts[i]))),
            0);
        expect_roles(facts[i], "invoice_id", "group_key", "foreign_key", "!key", "!measure", NULL);
        expect_reference(facts[i], "invoice_id", "src.invoices", "invoice_id");
        expect_repeated_within(facts[i], "invoice_total", "invoice_id");
        cr_assert_gt(share_varying(facts[i], "line_amount", "invoice_id"), 0.5);
        expect_not_repeated(facts[i], "line_amount");
        expect_measure(facts[i], "line_amount", "sum");
    }
}

/* Within src, references go to src: the same layer, not the analytics copy of accounts. */
Test(catalog_saas, foreign_keys_within_the_layer)
{
    expect_reference("src.subscriptions", "account_id", "src.accounts", "account_id");
    expect_reference("src.subscriptions", "plan_id", "src.plans", "plan_id");
    expect_reference("src.invoices", "subscription_id", "src.subscriptions", "subscription_id");
    expect_reference("src.invoices", "account_id", "src.accounts", "account_id");
}

/*
 * invoice_facts.account_id: no mart has accounts, so the nearest layer's copy, the cleaned
 * accounts the view itself joins to, rather than src.accounts.
 */
Test(catalog_saas, facts_reference_the_cleaned_accounts)
{
    expect_reference("analytics.invoice_facts", "account_id", "analytics.accounts_clean",
                     "account_id");
}

Test(catalog_saas, roles)
{
    expect_measure("src.subscriptions", "mrr", "sum");
    expect_measure("src.subscriptions", "Seats Purchased", "sum");
    /* a rate in 0..1: its average means something, its sum does not */
    expect_measure("src.subscriptions", "discount_rate", "avg");
    expect_measure("src.invoices", "invoice_total", "sum");
    expect_roles("src.subscriptions", "subscription_id", "!measure", NULL);
    expect_roles("src.subscriptions", "account_id", "!measure", NULL);
    expect_roles("src.plans", "tier", "dimension", "!measure", NULL);
    expect_roles("src.subscriptions", "status", "dimension", NULL);
    expect_roles("src.accounts", "churned", "flag", "!measure", NULL);
    expect_roles("analytics.accounts_clean", "churned", "flag", NULL);
    expect_roles("src.accounts", "billingCountry", "geography", "dimension", NULL);
    expect_enum("src.accounts", "billingCountry", "pattern", "code");
    expect_roles("analytics.invoice_facts", "billingCountry", "geography", NULL);
    expect_roles("src.accounts", "owner_email", "pii", NULL);
    expect_enum("src.accounts", "owner_email", "pattern", "email");
    expect_roles("src.accounts", "signup_date", "time", NULL);
    expect_roles("analytics.invoice_facts", "issued_at", "time", NULL);
}

Test(catalog_saas, values_of_dimensions)
{
    expect_values("src.plans", "tier");
    expect_values("src.subscriptions", "status");
    expect_values("src.accounts", "billingCountry");
    expect_values("analytics.invoice_facts", "billingCountry");
}

Test(catalog_saas, time_anchors)
{
    expect_anchor("src.invoices", "issued_at");
    expect_anchor("analytics.invoice_facts", "issued_at");
    expect_anchor("src.accounts", "signup_date");
    /* contract ends scheduled after today are counted, not taken as the anchor */
    expect_anchor("src.subscriptions", "ended_on");
    expect_profile("src.subscriptions", "ended_on", "null_fraction",
                   "avg(CASE WHEN ended_on IS NULL THEN 1.0 ELSE 0.0 END)", 0.005);
    expect_profile("src.subscriptions", "discount_rate", "max", "max(discount_rate)", 1e-9);
}

/* camelCase and Title Case names keep their spelling and split into words. */
Test(catalog_saas, names_split_into_words)
{
    expect_word(column("src.accounts", "billingCountry"), "bill countri");
    expect_word(column("analytics.accounts_clean", "billingCountry"), "bill countri");
    expect_word(column("src.subscriptions", "Seats Purchased"), "seat purchas");
    expect_word(column("src.plans", "Seats Included"), "seat includ");
    expect_word(column("src.subscriptions", "discount_rate"), "discount rate");
    expect_word(table("src.invoice_lines"), "invoic line");
}

/* ======================= the seed platform's raw files ======================= */

static void seed_init(void)
{
    fixture_open(&seed_fx);
}

TestSuite(catalog_seed, .init = seed_init, .fini = fixture_close, .timeout = 300);

Test(catalog_seed, lists_every_table)
{
    expect_tables_match_warehouse();
    expect_first_run_profiled_all();
}

/*
 * Chocolate sales: one row per sale with no identifier. Amount was currency text in the file
 * and is a DECIMAL after ingest. The sales person is a person's name: a dimension to group by,
 * and personal data.
 */
Test(catalog_seed, chocolate_sales)
{
    const char *rel = "raw.chocolate_sales";
    const struct json *t = table(rel);
    const char *type = json_get_str(column(rel, "Amount"), "type");

    cr_expect(json_is_null(json_get(t, "key")), "no column identifies a sale: key %s",
              show(json_get(t, "key")));
    cr_expect_eq(json_size(json_get(t, "grain")), 0, "grain %s", show(json_get(t, "grain")));
    cr_expect(type && strstr(type, "DECIMAL"), "Amount is numeric after ingest: %s",
              type ? type : "null");
    expect_measure(rel, "Amount", "sum");
    expect_measure(rel, "Boxes Shipped", "sum");
    expect_anchor(rel, "Date");
    expect_roles(rel, "Country", "dimension", "geography", NULL);
    expect_values(rel, "Country");
    expect_roles(rel, "Sales Person", "dimension", "pii", "!measure", NULL);
    expect_enum(rel, "Sales Person", "pattern", "person_name");
    expect_word(column(rel, "Sales Person"), "sale person");
    expect_word(column(rel, "Boxes Shipped"), "box ship");
    expect_word(t, "chocol sale");
}

/* Movies: id is the key; release_year is a year (time), not an amount; money sums. */
Test(catalog_seed, tmdb_movies)
{
    const char *rel = "raw.tmdb_movies";

    expect_key(rel, "id");
    expect_roles(rel, "release_year", "time", "!measure", NULL);
    expect_anchor(rel, "release_year");
    expect_anchor(rel, "release_date");
    expect_measure(rel, "budget", "sum");
    expect_measure(rel, "revenue", "sum");
    /* an average of votes is averaged again, never summed */
    expect_measure(rel, "vote_average", "avg");
    expect_roles(rel, "production_country", "geography", "dimension", NULL);
}

/* genre holds lists ("Comedy, Drama"): its values are the genres, counted per movie */
Test(catalog_seed, genre_lists_are_indexed_by_element)
{
    const struct json *g = column("raw.tmdb_movies", "genre"), *vals = json_get(g, "values");
    size_t i;

    cr_assert(str_is(json_get_str(g, "separator"), ","), "genre is a list: %s", show(g));
    cr_assert_eq(json_size(vals),
                 sql_num("SELECT count(DISTINCT trim(e)) FROM (SELECT unnest(string_split(genre, "
                         "',')) AS e FROM raw.tmdb_movies)"),
                 "%s", show(vals));
    for (i = 0; i < json_size(vals); i++) {
        const char *v = json_get_str(json_at(vals, i), "value");
        char *sql = xstrfmt("SELECT count(*) FROM raw.tmdb_movies WHERE list_contains("
                            "list_transform(string_split(genre, ','), lambda e: trim(e)), '%s')",
                            v);
        cr_expect(!strchr(v, ','), "an element, not a list: %s", v);
        cr_expect_eq(num_field(json_at(vals, i), "count"), sql_num(sql), "%s", v);
        free(sql);
    }
}

/*
 * Students: Exam_Score is a score, and scores are averaged ("the average exam score"); their
 * sum depends only on how many students there are. Gender is a dimension; the Yes/No columns
 * are flags.
 */
Test(catalog_seed, student_performance)
{
    const char *rel = "raw.StudentPerformanceFactors";

    expect_measure(rel, "Exam_Score", "avg");
    expect_measure(rel, "Previous_Scores", "avg");
    expect_roles(rel, "Gender", "dimension", "!measure", NULL);
    expect_values(rel, "Gender");
    expect_roles(rel, "Extracurricular_Activities", "flag", "!measure", NULL);
    expect_roles(rel, "Internet_Access", "flag", NULL);
    expect_roles(rel, "Motivation_Level", "dimension", NULL);
    expect_word(table(rel), "student perform factor");
    expect_word(column(rel, "Extracurricular_Activities"), "extracurricular activ");
    cr_expect(json_is_null(json_get(table(rel), "key")), "no student id: key %s",
              show(json_get(table(rel), "key")));
}

/* ======================= the cache ======================= */

static void cache_init(void)
{
    fxdir = tl_tmpdir();
}

static void cache_fini(void)
{
    tl_rmdir(fxdir);
    fixture_close();
}

TestSuite(catalog_cache, .init = cache_init, .fini = cache_fini, .timeout = 300);

/* Runs `mdp catalog --json [extra]` and replaces cat with its output. */
static void catalog_run(const char *extra)
{
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" catalog --json %s", fxdir, extra);
    cr_assert_eq(r.code, 0, "mdp catalog --json %s: exit %d\n%s", extra, r.code, r.err.buf);
    json_free(cat);
    cat = parse_catalog("mdp catalog --json", &r.out);
    tl_run_release(&r);
}

Test(catalog_cache, only_changed_tables_are_profiled_again)
{
    char *msg = build_library(fxdir);
    double ntables, loans;

    cr_assert(!msg, "%s", msg);
    catalog_run("");
    ntables = (double)json_size(tables());
    cr_assert_gt(ntables, 1);
    cr_expect_eq(num_field(cat, "profiled"), ntables);
    cr_expect(fs_is_file(kfmt("%s/warehouse/data.duckdb.catalog.json", fxdir)),
              "the cache is beside the warehouse");

    catalog_run("");
    cr_expect_eq(num_field(cat, "profiled"), 0, "nothing changed: all from the cache");
    cr_expect_eq((double)json_size(tables()), ntables);

    /* five more loans: raw.loans changes, the other tables do not */
    msg = step("cd '%s' && \"$MDP_BIN\" query --write -c \"INSERT INTO raw.loans SELECT "
               "loan_id + 100000, checkout_id, member_id, isbn, branch_id, loaned_at, due_on, "
               "returned_on, late_fee, is_renewed FROM raw.loans ORDER BY loan_id LIMIT 5\" "
               ">/dev/null",
               fxdir);
    cr_assert(!msg, "%s", msg);
    catalog_run("");
    cr_expect_eq(num_field(cat, "profiled"), 1, "only raw.loans changed: profiled %.0f",
                 num_field(cat, "profiled"));
    loans = sql_num("SELECT CAST(count(*) AS DOUBLE) FROM raw.loans");
    cr_expect_eq(num_field(table("raw.loans"), "rows"), loans, "rows %.0f, SQL counts %.0f",
                 num_field(table("raw.loans"), "rows"), loans);

    catalog_run("--refresh");
    cr_expect_eq(num_field(cat, "profiled"), ntables, "--refresh profiles every table");
}
