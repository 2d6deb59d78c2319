/*
 * End to end: `mdp transform` and `mdp test` on small dbt projects written into a temporary
 * platform folder, with raw tables made by `mdp query --write`.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "testlib.h"
#include "util/strbuf.h"

static char *dir;

static const char project_yml[] = "name: shop\n"
                                  "models:\n"
                                  "  shop:\n"
                                  "    staging:\n"
                                  "      +materialized: view\n"
                                  "      +schema: staging\n"
                                  "    marts:\n"
                                  "      +materialized: table\n"
                                  "      +schema: marts\n"
                                  "vars:\n"
                                  "  min_qty: 1\n";

static const char sources_yml[] = "version: 2\n"
                                  "sources:\n"
                                  "  - name: raw\n"
                                  "    tables:\n"
                                  "      - name: orders\n"
                                  "        columns:\n"
                                  "          - name: order_id\n"
                                  "            description: the order\n"
                                  "            tests: [unique, not_null]\n"
                                  "      - name: customers\n"
                                  "        identifier: customers_v2\n";

/* Runs mdp in the project folder; the arguments are printf-formatted. */
#define mdp(r, ...) tl_mdp((r), dir, "--project . " __VA_ARGS__)

static void sql(const char *q)
{
    struct tl_run r;

    tl_write(dir, "q.sql", q);
    mdp(&r, "query --write -f q.sql");
    cr_assert_eq(r.code, 0, "%s: %s", q, r.err.buf);
    tl_run_release(&r);
}

static void expect_value(const char *q, const char *want)
{
    tl_expect_value(dir, q, want);
}

static void setup(void)
{
    dir = tl_tmpdir();
    tl_write(dir, "sources/sources.yml", "sources: []\n");
    tl_write(dir, "dbt_project/dbt_project.yml", project_yml);
    tl_write(dir, "dbt_project/models/sources.yml", sources_yml);
    sql("CREATE SCHEMA raw; CREATE TABLE raw.orders AS SELECT range AS order_id, range % 4 AS "
        "customer_id, CASE WHEN range % 2 = 0 THEN 'paid' ELSE 'open' END AS status, range + 1 "
        "AS qty FROM range(20); CREATE TABLE raw.customers_v2 AS SELECT range AS customer_id, "
        "'c' || range AS name FROM range(4);");
}

static void teardown(void)
{
    tl_rmdir(dir);
    free(dir);
}

TestSuite(transform, .init = setup, .fini = teardown, .timeout = 120);

static void write_model(const char *path, const char *text)
{
    char *full = NULL;
    struct strbuf sb = STRBUF_INIT;

    strbuf_addf(&sb, "dbt_project/models/%s", path);
    full = strbuf_detach(&sb, NULL);
    tl_write(dir, full, text);
    free(full);
}

static void write_standard_models(void)
{
    write_model("staging/stg_orders.sql", "select order_id, customer_id, status, qty\n"
                                          "from {{ source('raw', 'orders') }}\n"
                                          "where qty >= {{ var('min_qty') }}\n");
    write_model("staging/stg_customers.sql",
                "{# customers, renamed #}\n"
                "select customer_id, name as customer_name from {{ source('raw', 'customers') }}");
    write_model("marts/fct_orders.sql",
                "{{ config(alias='orders') }}\n"
                "{% set statuses = ['paid', 'open'] %}\n"
                "select o.order_id, o.customer_id, c.customer_name,\n"
                "{%- for s in statuses %}\n"
                "  (o.status = '{{ s }}') as is_{{ s }}{% if not loop.last %},{% endif %}\n"
                "{%- endfor %}\n"
                "from {{ ref('stg_orders') }} o left join {{ ref('stg_customers') }} c\n"
                "  using (customer_id)\n");
    write_model("marts/dim_customers.sql", "select * from {{ ref('stg_customers') }}\n");
}

Test(transform, builds_models_in_their_schemas_with_metadata)
{
    struct tl_run r;

    write_standard_models();
    tl_write(dir, "dbt_project/models/marts/marts.yml",
             "version: 2\nmodels:\n  - name: fct_orders\n    description: one row per order\n"
             "    columns:\n      - name: order_id\n        description: key\n        tests:\n"
             "          - unique\n          - relationships:\n              to: "
             "source('raw', 'orders')\n              field: order_id\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "marts.orders") && strstr(r.out.buf, "20 rows"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "4 built, 0 failed"), "%s", r.out.buf);
    tl_run_release(&r);

    /* custom schemas used as is; alias from config() */
    expect_value("SELECT table_type FROM information_schema.tables WHERE table_schema = "
                 "'staging' AND table_name = 'stg_orders'",
                 "VIEW");
    expect_value("SELECT table_type FROM information_schema.tables WHERE table_schema = "
                 "'marts' AND table_name = 'orders'",
                 "BASE TABLE");
    expect_value("SELECT count(*) FROM marts.orders WHERE is_paid AND customer_name IS NOT NULL",
                 "10");
    /* metadata */
    expect_value("SELECT relation || '|' || materialized || '|' || path || '|' || description "
                 "|| '|' || array_to_string(list_sort(depends_on), ' ') FROM _mdp.models WHERE "
                 "name = 'fct_orders'",
                 "marts.orders|table|models/marts/fct_orders.sql|one row per order|stg_customers "
                 "stg_orders");
    expect_value("SELECT compiled_sql LIKE '%\"staging\".\"stg_orders\" o left join%' AND "
                 "compiled_sql NOT LIKE '%{{%' AND raw_sql LIKE '%ref(''stg_orders'')%' FROM "
                 "_mdp.models WHERE name = 'fct_orders'",
                 "true");
    expect_value("SELECT count(*) FROM _mdp.models", "4");
    expect_value("SELECT tests FROM _mdp.model_columns WHERE model = 'fct_orders' AND "
                 "column_name = 'order_id'",
                 "[\"unique\",{\"relationships\":{\"to\":\"raw.orders\",\"field\":"
                 "\"order_id\"}}]");
    expect_value("SELECT description FROM _mdp.model_columns WHERE model = 'raw.orders'",
                 "the order");
    expect_value("SELECT array_to_string(depends_on, ',') FROM _mdp.models WHERE name = "
                 "'stg_customers'",
                 "raw.customers");

    /* rebuilding one model replaces its rows and keeps the others */
    mdp(&r, "transform --select stg_orders --vars '{min_qty: 11}'");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "1 built"), "%s", r.out.buf);
    tl_run_release(&r);
    expect_value("SELECT count(*) FROM _mdp.models", "4");
    expect_value("SELECT count(*) FROM staging.stg_orders", "10");
    expect_value("SELECT compiled_sql LIKE '%qty >= 11' FROM _mdp.models WHERE name = "
                 "'stg_orders'",
                 "true");
}

Test(transform, failing_model_keeps_previous_table_and_stops_descendants_only)
{
    struct tl_run r;

    write_standard_models();
    write_model("marts/customer_orders.sql",
                "{{ config(materialized='view') }}select * from {{ ref('dim_customers') }}");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);

    write_model("marts/dim_customers.sql",
                "select customer_id, no_such_column from {{ ref('stg_customers') }}\n");
    write_model("marts/fct_orders.sql", "{{ config(alias='orders') }}select order_id, 'new' as "
                                        "tag from {{ ref('stg_orders') }}\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "FAILED  table marts.dim_customers"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "no_such_column"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "models/marts/dim_customers.sql"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "SKIPPED view  marts.customer_orders"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "parent 'dim_customers' failed"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "3 built, 1 failed, 1 skipped"), "%s", r.out.buf);
    tl_run_release(&r);
    /* the same, built one model at a time */
    mdp(&r, "transform --threads 1");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "parent 'dim_customers' failed"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "3 built, 1 failed, 1 skipped"), "%s", r.out.buf);
    tl_run_release(&r);
    /* the previous table and its metadata are intact; the sibling was rebuilt */
    expect_value("SELECT count(*) || ':' || max(customer_name) FROM marts.dim_customers", "4:c3");
    expect_value("SELECT compiled_sql NOT LIKE '%no_such_column%' FROM _mdp.models WHERE name = "
                 "'dim_customers'",
                 "true");
    expect_value("SELECT max(tag) FROM marts.orders", "new");
}

Test(transform, select_with_ancestors_and_descendants)
{
    struct tl_run r;

    write_standard_models();
    mdp(&r, "transform --select +fct_orders");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "3 built"), "%s", r.out.buf);
    cr_assert_null(strstr(r.out.buf, "dim_customers"), "%s", r.out.buf);
    tl_run_release(&r);
    expect_value("SELECT count(*) FROM _mdp.models", "3");

    mdp(&r, "transform --threads 1 --select stg_customers+");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "3 built"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "marts.dim_customers"), "%s", r.out.buf);
    cr_assert_null(strstr(r.out.buf, "stg_orders "), "%s", r.out.buf);
    tl_run_release(&r);

    mdp(&r, "transform --select nope");
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "no model called 'nope'"), "%s", r.err.buf);
    tl_run_release(&r);
}

Test(transform, cycles_and_unknown_refs_name_the_chain)
{
    struct tl_run r;

    write_model("a.sql", "select * from {{ ref('b') }}");
    write_model("b.sql", "select * from {{ ref('c') }}");
    write_model("c.sql", "select * from {{ ref('a') }}");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "models/a.sql: dependency cycle: a -> b -> c -> a"), "%s",
              r.err.buf);
    tl_run_release(&r);

    write_model("c.sql", "select 1 as x\nunion all\nselect * from {{ ref('nope') }}");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "models/c.sql:3:18: unknown ref: c -> nope"), "%s", r.err.buf);
    tl_run_release(&r);
}

Test(transform, unsupported_constructs_are_reported_not_dropped)
{
    struct tl_run r;

    write_model("ok.sql", "select 1 as x");
    write_model("m.sql", "select *\nfrom {{ ref('ok') }}\nwhere {{ dbt_utils.star('x') }}");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "models/m.sql:3:10: unsupported macro 'dbt_utils.star'"), "%s",
              r.err.buf);
    tl_run_release(&r);

    write_model("m.sql", "{{ config(materialized='ephemeral') }}\nselect 1 as y");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "models/m.sql:1:4: materialization 'ephemeral' of model 'm' is "
                                "not supported"),
              "%s", r.err.buf);
    tl_run_release(&r);

    write_model("m.sql", "select * from {{ source('raw', 'missing') }}");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "models/m.sql:1:18: source('raw', 'missing') is not declared"),
              "%s", r.err.buf);
    tl_run_release(&r);
    /* nothing was built */
    expect_value("SELECT count(*) FROM duckdb_views() WHERE view_name IN ('ok', 'm')", "0");
}

Test(transform, model_sql_cannot_read_files_or_run_other_statements)
{
    struct tl_run r;

    write_model("reader.sql", "select * from read_csv('/etc/passwd')");
    write_model("two.sql", "select 1 as x; drop table raw.orders");
    write_model("writer.sql", "insert into raw.orders select * from raw.orders");
    write_model("fine.sql", "select 2 as y");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "Permission Error"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "models/two.sql: the SQL holds 2 statements"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "models/writer.sql: the SQL is a INSERT statement"), "%s",
              r.out.buf);
    cr_assert(strstr(r.out.buf, "1 built, 3 failed"), "%s", r.out.buf);
    tl_run_release(&r);
    expect_value("SELECT count(*) FROM raw.orders", "20");
    expect_value("SELECT y FROM main.fine", "2");
}

Test(transform, tests_pass_and_fail_with_failing_row_counts)
{
    struct tl_run r;

    write_model("marts/facts.sql",
                "select order_id % 18 as dup_id, case when order_id < 3 then null else order_id "
                "end as maybe, status, customer_id + case when order_id >= 18 then 10 else 0 end "
                "as customer_id from {{ source('raw', 'orders') }}");
    write_model("marts/customers.sql", "select * from {{ source('raw', 'customers') }}");
    tl_write(dir, "dbt_project/models/marts/marts.yml",
             "version: 2\n"
             "models:\n"
             "  - name: facts\n"
             "    columns:\n"
             "      - name: dup_id\n"
             "        tests: [unique]\n"
             "      - name: maybe\n"
             "        tests:\n"
             "          - not_null\n"
             "          - not_null:\n"
             "              config:\n"
             "                severity: warn\n"
             "          - not_null:\n"
             "              config: {where: \"dup_id >= 3\"}\n"
             "      - name: status\n"
             "        tests:\n"
             "          - accepted_values:\n"
             "              values: ['paid']\n"
             "          - accepted_values:\n"
             "              values: ['paid', 'open']\n"
             "      - name: customer_id\n"
             "        tests:\n"
             "          - relationships:\n"
             "              to: ref('customers')\n"
             "              field: customer_id\n"
             "          - dbt_utils.at_least_one\n"
             "  - name: customers\n"
             "    columns:\n"
             "      - name: customer_id\n"
             "        tests: [unique, not_null]\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);

    mdp(&r, "test");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "FAIL  unique_facts_dup_id"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "2 values appear more than once"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "FAIL  not_null_facts_maybe"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "3 rows are NULL"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "WARN  not_null_facts_maybe"), "%s", r.out.buf);
    /* the same test with config: {where: ...} only sees rows without NULLs */
    cr_assert(strstr(r.out.buf, "PASS  not_null_facts_maybe"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "FAIL  accepted_values_facts_status"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "1 distinct values are not in the accepted list"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "PASS  accepted_values_facts_status"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "FAIL  relationships_facts_customer_id__customer_id__customers"),
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "2 rows have no match in the parent"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "SKIP  dbt_utils.at_least_one_facts_customer_id"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "models/marts/marts.yml:26:13"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "PASS  source_unique_raw_orders_order_id"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "PASS  unique_customers_customer_id"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "6 passed, 4 failed, 1 warned, 0 errors, 1 not supported"), "%s",
              r.out.buf);
    tl_run_release(&r);

    /* only the passing model's tests */
    mdp(&r, "test --select customers");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "2 passed, 0 failed"), "%s", r.out.buf);
    tl_run_release(&r);
}

Test(transform, help_and_bad_usage)
{
    struct tl_run r;

    mdp(&r, "transform --help");
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "--select") && strstr(r.out.buf, "--vars") &&
              strstr(r.out.buf, "--full-refresh") && strstr(r.out.buf, "--threads"));
    tl_run_release(&r);
    mdp(&r, "test --help");
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "--select"));
    tl_run_release(&r);
    mdp(&r, "transform --threads 0");
    cr_assert_eq(r.code, 2);
    tl_run_release(&r);
    mdp(&r, "transform --bogus");
    cr_assert_eq(r.code, 2);
    tl_run_release(&r);
    mdp(&r, "test stray");
    cr_assert_eq(r.code, 2);
    tl_run_release(&r);
    mdp(&r, "transform --vars '[1, 2]'");
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "--vars must be YAML name: value pairs"), "%s", r.err.buf);
    tl_run_release(&r);
    tl_write(dir, "dbt_project/dbt_project.yml", "name: shop\nmodels: [\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "dbt_project.yml:"), "%s", r.err.buf);
    tl_run_release(&r);
}

/* A mistyped model or test name in a yml file is an error with a suggestion, not dropped tests. */
Test(transform, yml_typos_are_errors_with_did_you_mean)
{
    struct tl_run r;

    write_standard_models();
    tl_write(dir, "dbt_project/models/marts/marts.yml",
             "version: 2\n"
             "models:\n"
             "  - name: dim_customer\n"
             "    columns:\n"
             "      - name: customer_id\n"
             "        tests: [unique]\n");
    mdp(&r, "test");
    cr_assert_eq(r.code, 2, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "models/marts/marts.yml:3:5: no model 'dim_customer' (did you "
                                "mean 'dim_customers'?)") != NULL,
              "%s", r.err.buf);
    tl_run_release(&r);

    tl_write(dir, "dbt_project/models/marts/marts.yml",
             "version: 2\n"
             "models:\n"
             "  - name: nothing_like_it\n"
             "    columns:\n"
             "      - name: customer_id\n"
             "        tests: [unique]\n");
    mdp(&r, "test");
    cr_assert_eq(r.code, 2, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "no model 'nothing_like_it' (no models/**/nothing_like_it.sql); "
                                "its column tests would be dropped") != NULL,
              "%s", r.err.buf);
    tl_run_release(&r);

    tl_write(dir, "dbt_project/models/marts/marts.yml",
             "version: 2\n"
             "models:\n"
             "  - name: dim_customers\n"
             "    columns:\n"
             "      - name: customer_id\n"
             "        tests: [uniqe, not_null]\n");
    mdp(&r, "test");
    cr_assert_eq(r.code, 2, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "models/marts/marts.yml:6:17: unknown test 'uniqe' (did you mean "
                                "'unique'?)") != NULL,
              "%s", r.err.buf);
    tl_run_release(&r);
}

Test(transform, sql_errors_name_the_line_of_the_model_file)
{
    struct tl_run r;

    write_standard_models();
    /* the SQL's lines 1-3 are the file's lines 4-6: a comment and a set came first */
    write_model("marts/by_status.sql", "{# orders by status,\n"
                                       "   one row each #}\n"
                                       "{% set n = 2 %}\n"
                                       "select status,\n"
                                       "       count(*) * {{ n }} as twice, no_such_col\n"
                                       "from {{ ref('stg_orders') }} group by status\n");
    /* a conversion error while the table is created (one line before the model's SQL) */
    write_model("marts/casts.sql", "{{ config(materialized='table') }}\n"
                                   "{%- for i in [1, 2] %}\n"
                                   "-- part {{ i }}\n"
                                   "{%- endfor %}\n"
                                   "select\n"
                                   "  cast(status as integer) as s\n"
                                   "from {{ ref('stg_orders') }}\n");
    mdp(&r, "transform -s +by_status +casts");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "models/marts/by_status.sql:5: Binder Error"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "LINE 5:"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "models/marts/casts.sql:6: Conversion Error"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "LINE 6:"), "%s", r.out.buf);
    tl_run_release(&r);
}
