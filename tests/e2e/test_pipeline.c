/*
 * End to end: `mdp setup` and `mdp pipeline` on the sample platform, a pipeline killed with
 * SIGKILL at several points, and readers running while the pipeline writes.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"

static const char *const tables[] = {"raw.transactions", "raw.users", "marts.fct_orders",
                                     "marts.dim_customers"};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* Row count of table in the platform at dir, or -1 when the query fails. */
static long count_rows(const char *dir, const char *table)
{
    struct tl_run r;
    long n = -1;

    if (tl_sh(&r, "cd '%s' && \"$MDP_BIN\" query --format csv -c 'SELECT count(*) FROM %s'", dir,
              table) == 0)
        n = atol(strchr(r.out.buf, '\n') + 1);
    tl_run_release(&r);
    return n;
}

Test(pipeline, setup_builds_a_warehouse_from_nothing, .timeout = 120)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" setup --scale 0.1", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "== init") && strstr(r.out.buf, "== generate") &&
                  strstr(r.out.buf, "== ingest") && strstr(r.out.buf, "== transform") &&
                  strstr(r.out.buf, "== test"),
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "pipeline:") != NULL);
    tl_run_release(&r);

    /* The cleaning rules and fct_orders' joins, checked in SQL. */
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" query --format csv -c \"SELECT "
          "(SELECT count(*) FROM marts.fct_orders) = (SELECT count(*) FROM raw.transactions "
          "WHERE transaction_id IS NOT NULL AND user_id IS NOT NULL AND product_id IS NOT NULL) "
          "AS lines_kept, "
          "(SELECT count(*) FROM marts.fct_orders WHERE total < 0) AS negative_totals, "
          "(SELECT count(*) FROM staging.stg_users WHERE age NOT BETWEEN 18 AND 100) AS bad_ages, "
          "(SELECT count(*) FROM marts.fct_orders WHERE customer_segment IS NULL) AS unjoined, "
          "(SELECT count(*) FROM marts.fct_orders WHERE category IS NULL AND product_id IN "
          "(SELECT product_id FROM marts.dim_products WHERE category IS NOT NULL)) AS bad_join, "
          "(SELECT count(*) FROM marts.dim_products WHERE margin <> price - cost) AS bad_margin, "
          "(SELECT count(*) FROM staging.stg_pageviews WHERE event_time > TIMESTAMP "
          "'2029-01-01') AS future\"",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf,
                     "lines_kept,negative_totals,bad_ages,unjoined,bad_join,bad_margin,future\n"
                     "true,0,0,0,0,0,0\n");
    tl_run_release(&r);

    /* A second pipeline skips unchanged sources. */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" pipeline", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "skipped") || strstr(r.out.buf, "unchanged"), "%s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(pipeline, sigkill_leaves_previous_or_new_tables, .timeout = 300)
{
    static const int delays_ms[] = {30, 120, 250, 400, 600, 900};
    char *dir = tl_tmpdir();
    long old_n[NTABLES], new_n[NTABLES];
    struct tl_run r;
    size_t i, t;

    /* The previous version: a small build. */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" setup --scale 0.2 >/dev/null", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    for (t = 0; t < NTABLES; t++)
        old_n[t] = count_rows(dir, tables[t]);

    /* The new version's sources; the new counts come from a full build in a copy. */
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" generate --scale 0.5 --seed 9 >/dev/null && "
          "cp -r '%s' '%s.copy' && cd '%s.copy' && \"$MDP_BIN\" pipeline >/dev/null",
          dir, dir, dir, dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    {
        char *copy = malloc(strlen(dir) + 6);
        snprintf(copy, strlen(dir) + 6, "%s.copy", dir);
        for (t = 0; t < NTABLES; t++)
            new_n[t] = count_rows(copy, tables[t]);
        tl_rmdir(copy);
        free(copy);
    }
    for (t = 0; t < NTABLES; t++)
        cr_assert_neq(old_n[t], new_n[t], "%s: the two versions must differ", tables[t]);

    for (i = 0; i < sizeof(delays_ms) / sizeof(delays_ms[0]); i++) {
        tl_sh(&r,
              "cd '%s' || exit 1; { \"$MDP_BIN\" pipeline --full-refresh >/dev/null 2>&1 & pid=$!; "
              "sleep %d.%03d; kill -9 $pid; wait $pid; } 2>/dev/null; true",
              dir, delays_ms[i] / 1000, delays_ms[i] % 1000);
        tl_run_release(&r);
        for (t = 0; t < NTABLES; t++) {
            long n = count_rows(dir, tables[t]);
            cr_assert(n == old_n[t] || n == new_n[t],
                      "killed after %d ms: %s has %ld rows, neither %ld nor %ld", delays_ms[i],
                      tables[t], n, old_n[t], new_n[t]);
        }
    }
    /* And a pipeline after all that finishes with the new version. */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" pipeline", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    for (t = 0; t < NTABLES; t++)
        cr_assert_eq(count_rows(dir, tables[t]), new_n[t], "%s", tables[t]);
    tl_rmdir(dir);
    free(dir);
}

Test(pipeline, readers_wait_or_see_a_whole_version, .timeout = 300)
{
    char *dir = tl_tmpdir();
    struct tl_run r;
    long before;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" setup --scale 0.2 >/dev/null && \"$MDP_BIN\" generate "
          "--scale 0.5 --seed 3 >/dev/null",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    before = count_rows(dir, "marts.fct_orders");

    /* Readers started while the pipeline writes: each waits (with a message) or reads. */
    tl_sh(&r,
          "cd '%s' || exit 1; \"$MDP_BIN\" pipeline --full-refresh >pipeline.log 2>&1 & pid=$!; "
          "fail=0; for i in 1 2 3 4 5 6; do "
          "  \"$MDP_BIN\" query --format csv -c 'SELECT count(*) AS n FROM marts.fct_orders' "
          "    >>reads.out 2>>reads.err || fail=1; sleep 0.1; done; "
          "wait $pid; echo pipeline=$? reader_failed=$fail; cat reads.err >&2",
          dir);
    cr_assert(strstr(r.out.buf, "pipeline=0 reader_failed=0") != NULL, "%s\n%s", r.out.buf,
              r.err.buf);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && grep -v '^n$' reads.out | sort -u && cat reads.err", dir);
    {
        long after = count_rows(dir, "marts.fct_orders");
        char *line = r.out.buf;
        while (line && *line && *line != 'w') {
            long n = atol(line);
            cr_assert(n == before || n == after, "a reader saw %ld rows (before %ld, after %ld)", n,
                      before, after);
            line = strchr(line, '\n');
            line = line ? line + 1 : NULL;
        }
        cr_assert(!strstr(r.out.buf, "rror"), "%s", r.out.buf);
    }
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(pipeline, platform_without_dbt_project_is_its_raw_tables, .timeout = 60)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_write(dir, "sources/shop/orders.csv", "id,amount\n1,10\n2,20\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --project . pipeline", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "transform and test skipped") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "transform skipped") && strstr(r.out.buf, "test skipped"), "%s",
              r.out.buf);
    tl_run_release(&r);
    cr_assert_eq(count_rows(dir, "raw.orders"), 2);
    tl_rmdir(dir);
    free(dir);
}

/*
 * An emptied source file does not replace its table: the pipeline refuses that load (exit 1),
 * raw.users stays byte for byte, and the models downstream still build from it.
 */
Test(pipeline, emptied_source_keeps_its_table, .timeout = 180)
{
    char *dir = tl_tmpdir(), *before, *after;
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" setup --scale 0.1 >/dev/null", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    before = tl_table_digest(dir, "raw.users");
    tl_sh(&r, "cd '%s' && : > sources/postgres/users.csv && \"$MDP_BIN\" pipeline", dir);
    cr_assert_eq(r.code, 1, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "sources/postgres/users.csv: refused: this load would replace "
                                "raw.users") != NULL,
              "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "raw.users is unchanged") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "transform ok") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    after = tl_table_digest(dir, "raw.users");
    cr_assert_str_eq(before, after);
    free(before);
    free(after);
    tl_rmdir(dir);
    free(dir);
}

/* Tests of a model that failed (or was skipped) in this run are not run on its stale table. */
Test(pipeline, tests_of_a_failed_model_are_not_run, .timeout = 180)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" setup --scale 0.05 >/dev/null && sed -i 's/price - cost as "
          "margin,/price - cost as margin, no_such_column,/' "
          "dbt_project/models/marts/dim_products.sql && \"$MDP_BIN\" pipeline",
          dir);
    cr_assert_eq(r.code, 1, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "SKIP  unique_dim_products_product_id") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "not run: model dim_products was not built in this run") != NULL,
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "not run: model fct_orders was not built in this run") != NULL,
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "PASS  unique_dim_products") == NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "PASS  unique_dim_customers_user_id") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "not run (model not built)") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

/* The JSON document of a command's --json, parsed; fails the test when it is not JSON. */
static struct json *parse_json(const struct tl_run *r)
{
    struct json *j = json_parse("stdout", r->out.buf, r->out.len);

    cr_assert_not_null(j, "not JSON: %s\n%s", error_last(), r->out.buf);
    return j;
}

/* The status of the result whose key equals value in doc's "results", or NULL. */
static const char *result_status(const struct json *doc, const char *key, const char *value)
{
    const struct json *e;

    for (e = json_first(json_get(doc, "results")); e; e = json_next(e))
        if (json_get_str(e, key) && !strcmp(json_get_str(e, key), value))
            return json_get_str(e, "status");
    return NULL;
}

Test(pipeline, json_results_junit_and_stale_models_in_a_later_test, .timeout = 180)
{
    char *dir = tl_tmpdir();
    struct tl_run r;
    struct json *doc, *step;
    struct strbuf sb = STRBUF_INIT;
    char *path;
    const char *xml;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" setup --scale 0.05 >/dev/null && sed -i 's/price - cost as "
          "margin,/price - cost as margin, no_such_column,/' "
          "dbt_project/models/marts/dim_products.sql && \"$MDP_BIN\" pipeline --json",
          dir);
    cr_assert_eq(r.code, 1, "%s\n%s", r.out.buf, r.err.buf);
    doc = parse_json(&r);
    cr_assert_str_eq(json_get_str(doc, "command"), "pipeline");
    cr_assert(json_is_array(json_get(doc, "stages")));
    cr_assert_eq(json_size(json_get(doc, "steps")), 4, "sync, ingest, transform, test: %s",
                 r.out.buf);
    step = json_at(json_get(doc, "steps"), 2);
    cr_assert_str_eq(json_get_str(step, "command"), "transform");
    cr_assert_str_eq(result_status(step, "model", "dim_products"), "error");
    cr_assert_str_eq(result_status(step, "model", "fct_orders"), "skipped");
    cr_assert_str_eq(result_status(step, "model", "dim_customers"), "success");
    step = json_at(json_get(doc, "steps"), 3);
    cr_assert_str_eq(result_status(step, "name", "unique_dim_products_product_id"), "not_run");
    cr_assert_str_eq(result_status(step, "name", "unique_dim_customers_user_id"), "pass");
    json_free(doc);
    tl_run_release(&r);

    /* a test run of its own still knows dim_products is stale; JSON and JUnit agree */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" test --json --junit out/junit.xml", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    doc = parse_json(&r);
    cr_assert_str_eq(result_status(doc, "name", "unique_dim_products_product_id"), "not_run");
    cr_assert_str_eq(result_status(doc, "name", "unique_dim_customers_user_id"), "pass");
    json_free(doc);
    tl_run_release(&r);
    path = fs_join(dir, "out/junit.xml");
    cr_assert_eq(fs_read_file(&sb, path), 0, "%s", error_last());
    xml = sb.buf;
    cr_assert(strstr(xml, "<testcase classname=\"dim_products.product_id\" "
                          "name=\"unique_dim_products_product_id\""),
              "%s", xml);
    cr_assert(strstr(xml, "<skipped message=\"not run: the last `mdp transform` of model "
                          "dim_products"),
              "%s", xml);
    strbuf_release(&sb);
    free(path);

    /* fixed and rebuilt: no longer stale */
    tl_sh(&r,
          "cd '%s' && sed -i 's/ no_such_column,//' dbt_project/models/marts/dim_products.sql && "
          "\"$MDP_BIN\" transform --json -s dim_products",
          dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    doc = parse_json(&r);
    cr_assert_str_eq(result_status(doc, "model", "dim_products"), "success");
    json_free(doc);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" test --json -s dim_products", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    doc = parse_json(&r);
    cr_assert_str_eq(result_status(doc, "name", "unique_dim_products_product_id"), "pass");
    json_free(doc);
    tl_run_release(&r);

    /* ingest --json: every source unchanged */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" ingest --json", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    doc = parse_json(&r);
    cr_assert_str_eq(result_status(doc, "table", "transactions"), "skipped");
    cr_assert(json_get(json_get(doc, "summary"), "skipped") != NULL);
    json_free(doc);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}
