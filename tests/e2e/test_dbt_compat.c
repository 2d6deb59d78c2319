/*
 * End to end: dbt projects in the shapes the dbt docs teach, in a folder that holds only the
 * dbt project (no sources/): seeds + staging + marts with docs blocks, a macro-heavy project,
 * and an incremental model run twice with new rows in between. Each built table is compared
 * with SQL written here, independently of the project (VALUES lists, not the seeds).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/strbuf.h"

static char *dir, *project; /* the platform, and its dbt_project folder */

/* Runs mdp inside the dbt project's folder (the platform found by walking up, no --project). */
#define mdp(r, ...) tl_mdp((r), project, __VA_ARGS__)

static void ok(const char *args)
{
    struct tl_run r;

    mdp(&r, "%s", args);
    cr_assert_eq(r.code, 0, "mdp %s: %d\n%s\n%s", args, r.code, r.out.buf, r.err.buf);
    tl_run_release(&r);
}

static void put(const char *path, const char *text)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_addf(&sb, "dbt_project/%s", path);
    tl_write(dir, sb.buf, text);
    strbuf_release(&sb);
}

static void expect_value(const char *q, const char *want)
{
    tl_expect_value(dir, q, want);
}

/* The relation holds exactly the rows of the independent query (as a multiset). */
static void expect_rows(const char *relation, const char *want)
{
    struct strbuf q = STRBUF_INIT;

    strbuf_addf(&q,
                "SELECT (SELECT count(*) FROM %s) = (SELECT count(*) FROM (%s)) AND NOT EXISTS "
                "(SELECT * FROM %s EXCEPT ALL (%s)) AND NOT EXISTS ((%s) EXCEPT ALL SELECT * "
                "FROM %s)",
                relation, want, relation, want, want, relation);
    expect_value(q.buf, "true");
    strbuf_release(&q);
}

static void setup(void)
{
    dir = tl_tmpdir();
    project = fs_join(dir, "dbt_project");
}

static void teardown(void)
{
    tl_rmdir(dir);
    free(dir);
    free(project);
}

TestSuite(dbt_compat, .init = setup, .fini = teardown, .timeout = 180);

Test(dbt_compat, seeds_staging_marts_with_docs_blocks)
{
    struct tl_run r;

    put("dbt_project.yml", "name: 'jaffle'\n"
                           "version: '1.0.0'\n"
                           "config-version: 2\n"
                           "profile: 'jaffle'\n"
                           "model-paths: [\"models\"]\n"
                           "seed-paths: [\"seeds\"]\n"
                           "test-paths: [\"tests\"]\n"
                           "seeds:\n"
                           "  jaffle:\n"
                           "    +schema: raw\n"
                           "    raw_customers:\n"
                           "      +column_types:\n"
                           "        zip: varchar\n"
                           "models:\n"
                           "  jaffle:\n"
                           "    staging:\n"
                           "      materialized: view\n"
                           "    marts:\n"
                           "      +materialized: table\n");
    put("seeds/raw_customers.csv", "id,first_name,zip\n1,Ann,01234\n2,Bob,98765\n3,Cy,00042\n");
    put("seeds/raw_orders.csv", "id,user_id,order_date,status,amount\n"
                                "1,1,2024-01-05,completed,\"$1,200.50\"\n"
                                "2,1,2024-02-01,returned,$20.00\n"
                                "3,2,2024-02-03,completed,$5.25\n"
                                "4,3,2024-03-09,placed,$0.75\n");
    put("models/staging/stg_customers.sql",
        "with source as (select * from {{ ref('raw_customers') }}),\n"
        "renamed as (select id as customer_id, first_name, zip from source)\n"
        "select * from renamed\n");
    put("models/staging/stg_orders.sql",
        "select id as order_id, user_id as customer_id, order_date, status, amount\n"
        "from {{ ref('raw_orders') }}\n");
    put("models/marts/customers.sql",
        "{{ config(materialized='table') }}\n"
        "with orders as (select * from {{ ref('stg_orders') }} where status != 'returned')\n"
        "select c.customer_id, c.first_name, c.zip, count(o.order_id) as number_of_orders,\n"
        "  coalesce(sum(o.amount), 0) as lifetime_value\n"
        "from {{ ref('stg_customers') }} c left join orders o using (customer_id)\n"
        "group by all\n");
    put("models/marts/docs.md", "# Docs\n\n{% docs customers_doc %}\nOne row per customer "
                                "with their **lifetime value**.\n{% enddocs %}\n\n"
                                "{% docs ltv %}Sum of kept orders.{% enddocs %}\n");
    put("models/marts/schema.yml", "version: 2\n"
                                   "models:\n"
                                   "  - name: customers\n"
                                   "    description: '{{ doc(\"customers_doc\") }}'\n"
                                   "    columns:\n"
                                   "      - name: customer_id\n"
                                   "        data_tests: [unique, not_null]\n"
                                   "      - name: lifetime_value\n"
                                   "        description: \"{{ doc('ltv') }}\"\n"
                                   "        data_tests:\n"
                                   "          - not_null:\n"
                                   "              config:\n"
                                   "                where: \"number_of_orders > 0\"\n"
                                   "      - name: first_name\n"
                                   "        tests:\n"
                                   "          - accepted_values:\n"
                                   "              values: ['Ann', 'Bob']\n"
                                   "              config: {severity: warn}\n");
    put("models/staging/schema.yml", "version: 2\n"
                                     "seeds:\n"
                                     "  - name: raw_orders\n"
                                     "    description: orders as exported\n");
    put("tests/assert_no_negative_ltv.sql",
        "select * from {{ ref('customers') }} where lifetime_value < 0\n");

    /* a folder holding only a dbt project is a platform folder; init agrees */
    ok("pipeline");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" init", dir);
    cr_assert(r.code != 0 && strstr(r.err.buf, "already a platform folder"), "%s", r.err.buf);
    tl_run_release(&r);

    expect_rows("main.customers", "VALUES (1, 'Ann', '01234', 1, 1200.50::DECIMAL(18,2)), "
                                  "(2, 'Bob', '98765', 1, 5.25), (3, 'Cy', '00042', 1, 0.75)");
    expect_value("SELECT data_type FROM duckdb_columns() WHERE schema_name = 'raw' AND "
                 "table_name = 'raw_customers' AND column_name = 'zip'",
                 "VARCHAR");
    expect_value("SELECT data_type = 'DECIMAL(18,2)' FROM duckdb_columns() WHERE schema_name = "
                 "'raw' AND table_name = 'raw_orders' AND column_name = 'amount'",
                 "true");
    expect_value("SELECT table_type FROM information_schema.tables WHERE table_name = "
                 "'stg_orders'",
                 "VIEW");
    /* descriptions from docs blocks reach _mdp, and so the catalog */
    expect_value("SELECT description FROM _mdp.models WHERE name = 'customers'",
                 "One row per customer with their **lifetime value**.");
    expect_value("SELECT description FROM _mdp.model_columns WHERE model = 'customers' AND "
                 "column_name = 'lifetime_value'",
                 "Sum of kept orders.");
    expect_value("SELECT description FROM _mdp.models WHERE name = 'raw_orders'",
                 "orders as exported");

    mdp(&r, "test");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "PASS  assert_no_negative_ltv"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "WARN  accepted_values_customers_first_name"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "4 passed, 0 failed, 1 warned"), "%s", r.out.buf);
    tl_run_release(&r);

    /* a second seed run skips unchanged files; a changed one reloads atomically */
    mdp(&r, "seed");
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "seed: 0 loaded, 2 skipped"), "%s", r.out.buf);
    tl_run_release(&r);
    put("seeds/raw_customers.csv", "id,first_name,zip\n1,Ann,01234\nnot-a-number,x\n");
    mdp(&r, "seed raw_customers");
    cr_assert_eq(r.code, 1, "%s", r.out.buf);
    tl_run_release(&r);
    expect_value("SELECT count(*) FROM raw.raw_customers", "3");

    /* a failing singular test fails mdp test */
    put("tests/assert_few.sql", "select * from {{ ref('customers') }} where number_of_orders < 5");
    mdp(&r, "test");
    cr_assert_eq(r.code, 1, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "FAIL  assert_few"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "3 failing rows"), "%s", r.out.buf);
    tl_run_release(&r);
}

Test(dbt_compat, macro_heavy_project)
{
    struct tl_run r;

    put("dbt_project.yml", "name: shop\n"
                           "macro-paths: [macros]\n"
                           "vars:\n"
                           "  currency_scale: 100\n"
                           "models:\n"
                           "  shop:\n"
                           "    +materialized: table\n"
                           "    finance:\n"
                           "      +schema: finance\n");
    /* the override from dbt's docs: a custom schema is used as is, else the target's */
    put("macros/get_custom_schema.sql",
        "{% macro generate_schema_name(custom_schema_name, node) -%}\n"
        "    {%- set default_schema = target.schema -%}\n"
        "    {%- if custom_schema_name is none -%}\n"
        "        {{ default_schema }}\n"
        "    {%- elif target.name == 'prod' -%}\n"
        "        {{ custom_schema_name | trim }}\n"
        "    {%- else -%}\n"
        "        {{ default_schema }}_{{ custom_schema_name | trim }}\n"
        "    {%- endif -%}\n"
        "{%- endmacro %}\n");
    put("macros/money.sql",
        "{% macro cents_to_dollars(column_name, scale=2) -%}\n"
        "    round({{ column_name }} / {{ var('currency_scale') }}, {{ scale }})\n"
        "{%- endmacro %}\n"
        "\n"
        "{% macro amount_column(kind, prefix) -%}\n"
        "    {{ cents_to_dollars(kind ~ '_cents') }} as {{ prefix }}_{{ kind }}\n"
        "{%- endmacro %}\n"
        "\n"
        "{% macro amount_columns(prefix='amount') %}\n"
        "    {{ return([amount_column('gross', prefix), amount_column(prefix=prefix, "
        "kind='net')]) }}\n"
        "{% endmacro %}\n");
    put("macros/utils/select_list.sql",
        "{% macro select_list(cols, sep=', ') -%}\n"
        "{% for c in cols %}{{ c }}{% if not loop.last %}{{ sep }}{% endif %}{% endfor %}\n"
        "{%- endmacro %}\n");
    put("models/finance/payments.sql",
        "{%- set tag = env_var('MDP_TEST_TAG', 'none') -%}\n"
        "select id, {{ select_list(amount_columns()) }},\n"
        "  {{ dbt_utils.generate_surrogate_key(['id', 'kind']) }} as payment_key,\n"
        "  '{{ this.schema }}' as built_in, '{{ tag }}' as tag,\n"
        "  {{ dbt.date_trunc('month', 'paid_at') }} as paid_month\n"
        "from (values (1, 'card', 1050, 1000, date '2024-03-15'),\n"
        "             (2, null, 199, 150, date '2024-04-02')) t(id, kind, gross_cents, "
        "net_cents, paid_at)\n");
    put("models/summary.sql",
        "select count(*) as n, sum(amount_net) as net from {{ ref('payments') }}\n");

    mdp(&r, "pipeline");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    expect_rows("main_finance.payments",
                "SELECT 1, 10.50, 10.00, md5('1-card'), 'main_finance', 'none', DATE "
                "'2024-03-01' UNION ALL SELECT 2, 1.99, 1.50, "
                "md5('2-_dbt_utils_surrogate_key_null_'), 'main_finance', 'none', DATE "
                "'2024-04-01'");
    expect_rows("main.summary", "SELECT 2, 11.50");

    /* target.name and env_var from the environment decide */
    tl_sh(&r, "cd '%s/dbt_project' && MDP_TARGET=prod MDP_TEST_TAG=t1 \"$MDP_BIN\" transform", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    expect_value("SELECT tag || '|' || built_in FROM finance.payments WHERE id = 1", "t1|finance");

    /* a call mdp cannot run is refused with its place, even in a dead branch; nothing built */
    put("models/bad.sql", "select 1 as x\n{% if false %}\n  {{ dbt_utils.star(ref('summary')) "
                          "}}\n{% endif %}\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "models/bad.sql:3:6: unsupported macro 'dbt_utils.star'"), "%s",
              r.err.buf);
    tl_run_release(&r);
    put("models/bad.sql", "select 1 as x");
    put("macros/broken.sql", "{% macro broken() %}{{ adapter.get_columns_in_relation(this) }}"
                             "{% endmacro %}");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "macros/broken.sql:1:24: unsupported macro "
                                "'adapter.get_columns_in_relation'"),
              "%s", r.err.buf);
    tl_run_release(&r);
    expect_value("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'bad'", "0");
}

Test(dbt_compat, incremental_model_run_twice_with_new_rows)
{
    struct tl_run r;

    put("dbt_project.yml", "name: events\n");
    put("seeds/raw_events.csv", "event_id,user_id,status,updated_at\n"
                                "1,10,new,2024-01-01 10:00:00\n"
                                "2,11,new,2024-01-01 11:00:00\n"
                                "3,10,new,2024-01-02 09:00:00\n");
    put("models/events_merged.sql",
        "{{ config(materialized='incremental', unique_key='event_id') }}\n"
        "select event_id, user_id, status, updated_at from {{ ref('raw_events') }}\n"
        "{% if is_incremental() %}\n"
        "where updated_at > (select max(updated_at) from {{ this }})\n"
        "{% endif %}\n");
    put("models/events_log.sql",
        "{{ config(materialized='incremental') }}\n"
        "select event_id, status, updated_at from {{ ref('raw_events') }}\n"
        "{% if is_incremental() %}\n"
        "where updated_at > (select max(updated_at) from {{ this }})\n"
        "{% endif %}\n");
    put("models/schema.yml", "version: 2\n"
                             "models:\n"
                             "  - name: events_merged\n"
                             "    config:\n"
                             "      unique_key: [event_id]\n");
    ok("pipeline");
    expect_rows("main.events_merged", "VALUES (1, 10, 'new', TIMESTAMP '2024-01-01 10:00:00'), "
                                      "(2, 11, 'new', TIMESTAMP '2024-01-01 11:00:00'), "
                                      "(3, 10, 'new', TIMESTAMP '2024-01-02 09:00:00')");
    expect_rows("main.events_log", "SELECT event_id, status, updated_at FROM main.events_merged");

    /* event 2 changes, event 4 arrives; 1 and 3 are unchanged */
    put("seeds/raw_events.csv", "event_id,user_id,status,updated_at\n"
                                "1,10,new,2024-01-01 10:00:00\n"
                                "2,11,shipped,2024-01-03 08:00:00\n"
                                "3,10,new,2024-01-02 09:00:00\n"
                                "4,12,new,2024-01-03 09:30:00\n");
    /* rows the incremental run must keep though the new SQL would not select them */
    tl_write(dir, "q.sql", "DELETE FROM main.raw_events WHERE event_id = 1");
    ok("seed");
    ok("query --write -f ../q.sql");
    ok("transform");
    expect_rows("main.events_merged", "VALUES (1, 10, 'new', TIMESTAMP '2024-01-01 10:00:00'), "
                                      "(2, 11, 'shipped', TIMESTAMP '2024-01-03 08:00:00'), "
                                      "(3, 10, 'new', TIMESTAMP '2024-01-02 09:00:00'), "
                                      "(4, 12, 'new', TIMESTAMP '2024-01-03 09:30:00')");
    /* append (no unique_key): the changed event is there twice */
    expect_rows("main.events_log", "VALUES (1, 'new', TIMESTAMP '2024-01-01 10:00:00'), "
                                   "(2, 'new', TIMESTAMP '2024-01-01 11:00:00'), "
                                   "(3, 'new', TIMESTAMP '2024-01-02 09:00:00'), "
                                   "(2, 'shipped', TIMESTAMP '2024-01-03 08:00:00'), "
                                   "(4, 'new', TIMESTAMP '2024-01-03 09:30:00')");

    /* --full-refresh rebuilds from what the SQL selects now */
    ok("transform --full-refresh");
    expect_rows("main.events_merged", "VALUES (2, 11, 'shipped', TIMESTAMP '2024-01-03 08:00:00'), "
                                      "(3, 10, 'new', TIMESTAMP '2024-01-02 09:00:00'), "
                                      "(4, 12, 'new', TIMESTAMP '2024-01-03 09:30:00')");
    expect_rows("main.events_log", "SELECT event_id, status, updated_at FROM main.events_merged");
    mdp(&r, "transform --help");
    cr_assert(strstr(r.out.buf, "incremental"), "%s", r.out.buf);
    tl_run_release(&r);
}

/* A seed changed out of shape, and models a transform did not build, in later runs. */
Test(dbt_compat, broken_seed_and_stale_models_across_runs)
{
    struct tl_run r;

    put("dbt_project.yml", "name: p\nmodels:\n  p:\n    +materialized: table\n");
    put("seeds/codes.csv", "code,label\n1,one\n2,two\n");
    put("models/labels.sql", "select code, upper(label) as label from {{ ref('codes') }}\n");
    put("models/x.sql", "select 1 as id\n");
    put("models/y.sql", "select 2 as id\n");
    put("models/schema.yml", "version: 2\n"
                             "models:\n"
                             "  - {name: x, columns: [{name: id, tests: [unique]}]}\n"
                             "  - {name: y, columns: [{name: id, tests: [unique]}]}\n"
                             "  - {name: labels, columns: [{name: code, tests: [unique]}]}\n");
    ok("pipeline");

    /* a ragged last row would read as one row of column0..3: refused, and its reader skipped */
    put("seeds/codes.csv", "code,label\n1,one\n2,two\n3,three,extra,more\n");
    mdp(&r, "pipeline");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "run `mdp seed --full-refresh codes`"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "SKIPPED table main.labels"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "skipped: parent 'codes' failed"), "%s", r.out.buf);
    tl_run_release(&r);
    expect_rows("codes", "SELECT * FROM (VALUES (1, 'one'), (2, 'two')) t(code, label)");

    /* two models fail; a later test run of its own skips the tests of both */
    put("seeds/codes.csv", "code,label\n1,one\n2,two\n");
    put("models/x.sql", "select 1 as id, nope\n");
    put("models/y.sql", "select 2 as id, nope\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    mdp(&r, "test");
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "SKIP  unique_x_id"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "SKIP  unique_y_id"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "PASS  unique_labels_code"), "%s", r.out.buf);
    tl_run_release(&r);

    /* a changed column set is accepted with --full-refresh, as in dbt */
    put("seeds/codes.csv", "code,name\n7,seven\n");
    mdp(&r, "seed");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    ok("seed --full-refresh");
    expect_rows("codes", "SELECT 7 AS code, 'seven' AS name");
}

/* Review findings: a unique_key that is no column, an unclosed loop, log() once per model. */
Test(dbt_compat, bad_unique_key_unclosed_loop_and_log_once)
{
    struct tl_run r;
    const char *p, *hello;
    int n = 0;

    put("dbt_project.yml", "name: p\n");
    put("models/c.sql", "{{ config(materialized='incremental', unique_key='nokey') }}\n"
                        "select 1 as id\n"
                        "{{ log('hello from c', info=True) }}\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 1, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "unique_key 'nokey' is not a column of the model (its columns: "
                                "id)"),
              "%s", r.out.buf);
    for (p = r.err.buf; (hello = strstr(p, "hello from c")); p = hello + 1)
        n++;
    cr_assert_eq(n, 1, "log() printed %d times:\n%s", n, r.err.buf);
    tl_run_release(&r);
    expect_value("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'c'", "0");

    put("models/c.sql", "{% for x in [1] %}select 1 as x\n");
    mdp(&r, "transform");
    cr_assert_eq(r.code, 2, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "missing {% endfor %} for the block opened at line 1"), "%s",
              r.err.buf);
    tl_run_release(&r);
}
