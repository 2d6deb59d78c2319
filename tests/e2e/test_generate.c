/*
 * End to end: `mdp generate` through the built binary (usage, determinism, --project), and the
 * sample platform's dbt models run for real: `mdp init` + `mdp generate`, then the models'
 * SQL, with source()/ref()/var() resolved by a tiny stand-in for the transform engine, built
 * in a DuckDB warehouse through `mdp query --write`, and checked with SQL.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

Test(generate_cmd, help_and_bad_usage)
{
    struct tl_run r;
    static const char *const bad[] = {"--scale 0", "--scale -1", "--scale abc", "--scale",
                                      "--seed -3", "--seed x",   "--bogus",     "extra"};
    size_t i;

    tl_sh(&r, "\"$MDP_BIN\" generate --help");
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "--scale") && strstr(r.out.buf, "--seed") &&
              strstr(r.out.buf, "--json"));
    tl_run_release(&r);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        tl_sh(&r, "cd /tmp && \"$MDP_BIN\" generate %s", bad[i]);
        cr_assert_eq(r.code, 2, "'%s' exited %d", bad[i], r.code);
        cr_assert(strstr(r.err.buf, "error:") && strstr(r.err.buf, "usage:"), "%s", r.err.buf);
        tl_run_release(&r);
    }
}

Test(generate_cmd, deterministic_files_and_summary)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" generate --project a --scale 0.05 --seed 3 && "
          "\"$MDP_BIN\" --project b generate --scale 0.05 --seed 3 --json > b.json && "
          "\"$MDP_BIN\" generate --project c --scale 0.05 --seed 4 -q && "
          "diff -r a b && ! cmp -s a/sources/postgres/users.csv c/sources/postgres/users.csv",
          dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "sources/analytics/pageviews.csv"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "rows/s") && strstr(r.out.buf, "MB/s") &&
                  strstr(r.out.buf, "peak RSS"),
              "%s", r.out.buf);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && cat b.json && test ! -e b/sources/sources.yml && ls -A c/sources", dir);
    cr_assert(strstr(r.out.buf, "\"rows_per_s\"") && strstr(r.out.buf, "\"peak_rss_kb\""), "%s",
              r.out.buf);
    cr_assert_str_eq(strstr(r.out.buf, "}\n") + 2, "analytics\npostgres\nsalesforce\n");
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

/* The quoted argument number n (0-based) of a Jinja call like source('raw', 'users'). */
static char *quoted_arg(const char *call, int n)
{
    const char *p = call, *q;

    for (;;) {
        p = strchr(p, '\'');
        cr_assert(p, "no argument %d in %s", n, call);
        q = strchr(p + 1, '\'');
        cr_assert(q);
        if (!n--)
            return xstrndup(p + 1, (size_t)(q - p - 1));
        p = q + 1;
    }
}

/*
 * Resolves the dbt subset the sample models use: {# #} comments, source('raw', t) -> raw.t,
 * ref(m) -> staging.m or marts.m (by the stg_ prefix, as dbt_project.yml configures),
 * var(name, default) -> default.
 */
static void resolve_model(struct strbuf *out, const char *sql)
{
    const char *p = sql;

    while (*p) {
        if (!strncmp(p, "{#", 2)) {
            const char *e = strstr(p, "#}");
            cr_assert(e);
            p = e + 2;
        } else if (!strncmp(p, "{{", 2)) {
            const char *e = strstr(p, "}}");
            char *inner, *arg;

            cr_assert(e);
            inner = xstrndup(p + 2, (size_t)(e - p - 2));
            if (strstr(inner, "source(")) {
                arg = quoted_arg(inner, 1);
                strbuf_addf(out, "raw.%s", arg);
            } else if (strstr(inner, "ref(")) {
                arg = quoted_arg(inner, 0);
                strbuf_addf(out, "%s.%s", strncmp(arg, "stg_", 4) ? "marts" : "staging", arg);
            } else {
                cr_assert(strstr(inner, "var("), "unexpected Jinja: %s", inner);
                arg = quoted_arg(inner, 1);
                strbuf_addstr(out, arg);
            }
            free(arg);
            free(inner);
            p = e + 2;
        } else {
            strbuf_addch(out, *p++);
        }
    }
}

static char *query(const char *dir, const char *sql)
{
    struct tl_run r;
    char *out;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --format csv -c \"%s\"", dir,
          sql);
    cr_assert_eq(r.code, 0, "%s: %s", sql, r.err.buf);
    out = strbuf_detach(&r.out, NULL);
    tl_run_release(&r);
    return out;
}

static void expect(const char *dir, const char *sql, const char *want)
{
    char *got = query(dir, sql);

    cr_assert_str_eq(got, want, "%s", sql);
    free(got);
}

Test(generate_cmd, sample_models_run_on_generated_data, .timeout = 120)
{
    static const char *const models[] = {"staging/stg_products",     "staging/stg_users",
                                         "staging/stg_transactions", "staging/stg_campaigns",
                                         "staging/stg_pageviews",    "marts/dim_customers",
                                         "marts/dim_products",       "marts/fct_orders"};
    static const char *const raw[] = {"postgres/products", "postgres/users",
                                      "postgres/transactions", "salesforce/campaigns",
                                      "analytics/pageviews"};
    char *dir = tl_tmpdir();
    struct strbuf sql = STRBUF_INIT;
    struct tl_run r;
    size_t i;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" init -q && \"$MDP_BIN\" generate -q --scale 0.1", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);

    strbuf_addstr(&sql, "CREATE SCHEMA raw; CREATE SCHEMA staging; CREATE SCHEMA marts;\n");
    for (i = 0; i < ARRAY_SIZE(raw); i++)
        strbuf_addf(&sql, "CREATE TABLE raw.%s AS SELECT * FROM read_csv('sources/%s.csv');\n",
                    strchr(raw[i], '/') + 1, raw[i]);
    for (i = 0; i < ARRAY_SIZE(models); i++) {
        struct strbuf text = STRBUF_INIT;
        char *path = xstrfmt("%s/dbt_project/models/%s.sql", dir, models[i]);
        int mart = !strncmp(models[i], "marts/", 6);

        cr_assert_eq(fs_read_file(&text, path), 0);
        strbuf_addf(&sql, "CREATE %s %s.%s AS\n", mart ? "TABLE" : "VIEW",
                    mart ? "marts" : "staging", strchr(models[i], '/') + 1);
        resolve_model(&sql, text.buf);
        strbuf_addstr(&sql, ";\n");
        strbuf_release(&text);
        free(path);
    }
    tl_write(dir, "build.sql", sql.buf);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --write -f build.sql", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);

    /* fct_orders: one row per clean transaction line, every join found */
    expect(dir,
           "SELECT (SELECT count(*) FROM marts.fct_orders) = (SELECT count(*) FROM "
           "raw.transactions) AS same_rows, count(*) FILTER (customer_segment IS NULL) AS "
           "no_customer, count(*) FILTER (product_name IS NULL) AS no_product, count(*) FILTER "
           "(campaign_id IS NOT NULL AND campaign_name IS NULL) AS no_campaign, count(*) FILTER "
           "(campaign_id IS NOT NULL) > 0 AS some_campaigns FROM marts.fct_orders",
           "same_rows,no_customer,no_product,no_campaign,some_campaigns\ntrue,0,0,0,true\n");
    expect(dir,
           "SELECT count(*) FILTER (line_margin <> total - product_cost * quantity) AS margin, "
           "count(*) FILTER (is_discounted <> (discount > 0)) AS disc, count(*) FILTER (total < "
           "0) AS neg FROM marts.fct_orders",
           "margin,disc,neg\n0,0,0\n");
    /* the cleaning rules */
    expect(dir,
           "SELECT (SELECT count(*) FROM raw.products r JOIN marts.dim_products d USING "
           "(product_id) WHERE d.price <> abs(r.price)) AS not_abs, "
           "(SELECT count(*) FROM marts.dim_products WHERE price < 0 OR margin <> price - cost) "
           "AS bad_products, (SELECT count(*) FROM marts.dim_customers WHERE age NOT BETWEEN 18 "
           "AND 100) AS bad_ages, (SELECT count(*) FROM marts.dim_customers WHERE age IS NULL) "
           "> 0 AS nulled_ages, (SELECT count(*) FROM staging.stg_campaigns WHERE impressions < "
           "0 OR clicks > impressions) AS bad_campaigns, (SELECT count(*) FROM "
           "staging.stg_pageviews WHERE event_time > current_timestamp OR "
           "session_duration_seconds < 0) AS bad_views, (SELECT count(*) FROM raw.pageviews) - "
           "(SELECT count(*) FROM staging.stg_pageviews) = (SELECT count(*) FROM raw.pageviews "
           "WHERE year(event_time) = 2030) AS dropped_future",
           "not_abs,bad_products,bad_ages,nulled_ages,bad_campaigns,bad_views,dropped_future\n"
           "0,0,0,true,0,0,true\n");
    /* what the yml tests declare holds */
    expect(dir,
           "SELECT (SELECT count(*) - count(DISTINCT user_id) FROM marts.dim_customers) AS "
           "dup_users, (SELECT count(*) - count(DISTINCT product_id) FROM marts.dim_products) "
           "AS dup_products, (SELECT count(*) - count(DISTINCT campaign_id) FROM "
           "staging.stg_campaigns) AS dup_campaigns, (SELECT count(*) - count(DISTINCT "
           "event_id) FROM staging.stg_pageviews) AS dup_events, (SELECT count(*) FROM "
           "staging.stg_pageviews v WHERE user_id IS NOT NULL AND user_id NOT IN (SELECT "
           "user_id FROM staging.stg_users)) AS orphan_views",
           "dup_users,dup_products,dup_campaigns,dup_events,orphan_views\n0,0,0,0,0\n");
    /* segments drive purchases; multi-item orders favour one category */
    expect(dir,
           "WITH o AS (SELECT user_id, count(DISTINCT transaction_id) n FROM marts.fct_orders "
           "GROUP BY 1), s AS (SELECT customer_segment, avg(coalesce(n, 0)) a FROM "
           "marts.dim_customers LEFT JOIN o USING (user_id) GROUP BY 1) SELECT (SELECT a FROM s "
           "WHERE customer_segment = 'high_value') > 2 * (SELECT a FROM s WHERE "
           "customer_segment = 'medium_value') AS high_buys_more",
           "high_buys_more\ntrue\n");
    strbuf_release(&sql);
    tl_rmdir(dir);
    free(dir);
}

/*
 * A run killed with SIGKILL part-way leaves each file either the previous version or the new
 * one, never a partial one under the final name; the next run clears the dead run's temporary
 * files.
 */
Test(generate_cmd, killed_run_leaves_whole_files, .timeout = 60)
{
    char *dir = tl_tmpdir();
    struct tl_run r;
    int delay;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" generate -q --project new --scale 4 --seed 2 && "
          "\"$MDP_BIN\" generate -q --project old --scale 4 --seed 1",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    for (delay = 0; delay < 4; delay++) {
        tl_sh(&r,
              "cd '%s' && rm -rf k && cp -r old k && "
              "{ \"$MDP_BIN\" generate -q --project k --scale 4 --seed 2 & pid=$!; "
              "sleep 0.0%d; kill -9 $pid; wait $pid; } 2>/dev/null; "
              "for f in $(cd old && find sources -name '*.csv'); do "
              "cmp -s k/$f new/$f || cmp -s k/$f old/$f || echo \"partial $f\"; done",
              dir, delay * 3);
        cr_assert_str_eq(r.out.buf, "", "after %d0 ms: %s", delay * 3, r.out.buf);
        tl_run_release(&r);
    }
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" generate -q --project k --scale 0.01 && "
          "find k -name '.*.tmp.*' | wc -l",
          dir);
    cr_assert_str_eq(r.out.buf, "0\n", "temporary files left: %s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}
