/*
 * catalog/: the C API on a small shop warehouse built here (in shop.duckdb, whose schema shop
 * makes shop.x ambiguous in SQL: the catalog must qualify its queries): keys, references named
 * after tables, lookups through names, values and the thesaurus, join paths, the best table for a
 * set of columns, the cache, and semantic/verified.yml.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "testlib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xmalloc.h"
#include "wh/wh.h"

static const char shop_sql[] =
    "CREATE SCHEMA shop;"
    "CREATE TABLE shop.shop.customers AS SELECT i AS id, 'Customer ' || i AS full_name,"
    "  ['TX', 'CA', 'NY'][i % 3 + 1] AS state, DATE '2024-01-01' + i::INTEGER AS signed_up"
    "  FROM range(1, 301) r(i);"
    "CREATE TABLE shop.shop.products AS SELECT i AS product_id, 'Product ' || i AS product_name,"
    "  ['Books', 'Games'][i % 2 + 1] AS category, 5 + i % 40 AS price FROM range(1, 41) r(i);"
    "CREATE TABLE shop.shop.orders AS SELECT i AS order_id, 1 + i % 300 AS customer_id,"
    "  DATE '2024-02-01' + (i % 200)::INTEGER AS ordered_on, ['paid', 'refunded'][i % 2 + 1] AS "
    "status,"
    "  round(10 + i % 90, 2)::DECIMAL(10,2) AS revenue FROM range(1, 2001) r(i);"
    "CREATE TABLE shop.shop.order_lines AS SELECT i AS line_id, 1 + i % 2000 AS order_id,"
    "  1 + i % 40 AS product_id, 1 + i % 3 AS quantity FROM range(1, 5001) r(i);";

static char *dir, *warehouse;

static void shop_init(void)
{
    struct wh *wh;

    dir = tl_tmpdir();
    warehouse = fs_join(dir, "shop.duckdb");
    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_exec(wh, shop_sql), 0, "%s", error_last());
    wh_close(wh);
}

static void shop_fini(void)
{
    tl_rmdir(dir);
    free(dir);
    free(warehouse);
}

static struct catalog *load(int no_cache)
{
    struct catalog_options o = {0};
    struct catalog *c;

    o.root = dir;
    o.no_cache = no_cache;
    cr_assert_eq(catalog_load(warehouse, &o, &c), 0, "%s", error_last());
    return c;
}

static const struct cat_column *column(const struct catalog *c, const char *table, const char *name)
{
    int t = catalog_find_table(c, table), k = catalog_find_column(c, t, name);

    cr_assert(t >= 0 && k >= 0, "%s.%s", table, name);
    return &c->tables[t].columns[k];
}

TestSuite(catalog, .init = shop_init, .fini = shop_fini, .timeout = 60);

Test(catalog, keys_and_references_named_after_tables)
{
    struct catalog *c = load(1);
    const struct cat_column *fk = column(c, "shop.orders", "customer_id");
    int customers = catalog_find_table(c, "customers");

    cr_assert_eq(c->tables[customers].key, catalog_find_column(c, customers, "id"));
    /* customer_id names the customers table, whose key is plain "id" */
    cr_assert(fk->roles & CAT_ROLE_FOREIGN_KEY);
    cr_assert_eq(fk->ref_table, customers);
    cr_assert_float_eq(fk->containment, 1.0, 1e-9);
    cr_assert(column(c, "order_lines", "order_id")->roles & CAT_ROLE_FOREIGN_KEY);
    cr_assert(column(c, "orders", "revenue")->roles & CAT_ROLE_MEASURE);
    cr_assert(column(c, "orders", "ordered_on")->roles & CAT_ROLE_TIME);
    cr_assert_str_eq(column(c, "orders", "ordered_on")->anchor, "2024-08-18");
    cr_assert(column(c, "customers", "state")->roles & CAT_ROLE_GEOGRAPHY);
    catalog_free(c);
}

Test(catalog, lookups_through_names_values_and_the_thesaurus)
{
    struct catalog *c = load(1);
    struct cat_hit *h;
    size_t n;
    int orders = catalog_find_table(c, "orders");

    /* "sales" is "revenue" in the thesaurus */
    n = catalog_lookup(c, "Sales", &h);
    cr_assert(n >= 1);
    cr_assert_eq(h[0].kind, CAT_HIT_COLUMN);
    cr_assert_eq(h[0].table, orders);
    cr_assert_eq(h[0].column, catalog_find_column(c, orders, "revenue"));
    cr_assert(h[0].score < 1.0, "a synonym scores below the name itself");
    free(h);

    /* "Texas" is the value TX of customers.state */
    n = catalog_lookup(c, "texas", &h);
    cr_assert(n >= 1);
    cr_assert_eq(h[0].kind, CAT_HIT_VALUE);
    cr_assert_str_eq(c->tables[h[0].table].columns[h[0].column].name, "state");
    cr_assert_str_eq(c->tables[h[0].table].columns[h[0].column].values[h[0].value].text, "TX");
    free(h);

    /* plural, case and a table by its name */
    n = catalog_lookup(c, "Order Lines", &h);
    cr_assert(n >= 1);
    cr_assert_eq(h[0].kind, CAT_HIT_TABLE);
    cr_assert_str_eq(c->tables[h[0].table].name, "order_lines");
    free(h);

    cr_assert_eq(catalog_lookup(c, "zebra", &h), 0);
    cr_assert_null(h);
    cr_assert_eq(catalog_lookup(c, "  ", &h), 0);
    catalog_free(c);
}

Test(catalog, join_paths_and_best_tables)
{
    struct catalog *c = load(1);
    int lines = catalog_find_table(c, "order_lines"),
        customers = catalog_find_table(c, "customers");
    const char *const want[] = {"status", "revenue"};
    const char *const none[] = {"status", "shoe_size"};
    int *path, n;

    n = catalog_join_path(c, lines, customers, &path);
    cr_assert_eq(n, 2);
    cr_assert_eq(c->joins[path[0]].from_table, lines);
    cr_assert_eq(c->joins[path[1]].to_table, customers);
    free(path);
    cr_assert_eq(catalog_join_path(c, lines, lines, &path), 0);
    cr_assert_null(path);
    cr_assert_eq(catalog_best_table(c, want, 2), catalog_find_table(c, "orders"));
    cr_assert_eq(catalog_best_table(c, none, 2), -1);
    catalog_free(c);
}

Test(catalog, cache_serves_an_unchanged_warehouse)
{
    struct catalog *c = load(0);
    char *cache = xstrfmt("%s.catalog.json", warehouse);
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    struct wh *wh;
    size_t i;

    cr_assert_eq(c->profiled, 4);
    cr_assert(fs_is_file(cache));
    catalog_to_json(c, &a, 0, 1);
    catalog_free(c);

    c = load(0);
    cr_assert_eq(c->profiled, 0);
    catalog_to_json(c, &b, 0, 1);
    /* everything but the build time is the same */
    for (i = 0; i < a.len && i < b.len && a.buf[i] == b.buf[i]; i++)
        ;
    cr_assert(strstr(a.buf + (i > 40 ? i - 40 : 0), "build_ms") != NULL, "first difference at %zu",
              i);
    catalog_free(c);

    /* a new row in one table: that table only is profiled again */
    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(
        wh_exec(wh, "INSERT INTO shop.shop.products VALUES (41, 'Product 41', 'Books', 9)"), 0);
    wh_close(wh);
    c = load(0);
    cr_assert_eq(c->profiled, 1);
    cr_assert_eq(c->tables[catalog_find_table(c, "products")].rows, 41);
    catalog_free(c);
    strbuf_release(&a);
    strbuf_release(&b);
    free(cache);
}

Test(catalog, verified_queries_name_measures_and_joins)
{
    struct catalog *c;
    struct catalog_options o = {0};
    struct cat_hit *h;
    size_t n, i;
    int found = 0;
    char *path;

    tl_write(dir, "semantic/verified.yml",
             "queries:\n"
             "  - name: takings\n"
             "    question: How much did we take per category?\n"
             "    sql: |\n"
             "      SELECT p.category, sum(l.quantity * p.price) AS takings\n"
             "      FROM shop.order_lines l JOIN shop.products p ON l.product_id = p.product_id\n"
             "      GROUP BY 1\n");
    c = load(1);
    cr_assert_eq(c->nexamples, 1);
    cr_assert_eq(c->nmeasures, 1);
    cr_assert_str_eq(c->measures[0].name, "takings");
    cr_assert_str_eq(c->measures[0].expression, "sum(l.quantity * p.price)");
    n = catalog_lookup(c, "takings", &h);
    for (i = 0; i < n; i++)
        found |= h[i].kind == CAT_HIT_MEASURE;
    cr_assert(found);
    free(h);
    catalog_free(c);

    /* a typo in a key is an error naming the file, line and column */
    tl_write(dir, "semantic/verified.yml", "queries:\n  - nam: x\n    sql: SELECT 1\n");
    o.root = dir;
    o.no_cache = 1;
    cr_assert_eq(catalog_load(warehouse, &o, &c), -2, "bad input, not a failure");
    cr_assert(strstr(error_last(), "semantic/verified.yml:2:5: unknown key 'nam' (did you mean "
                                   "'name'?)") != NULL,
              "%s", error_last());
    cr_assert_null(c);
    path = fs_join(dir, "semantic/verified.yml");
    unlink(path);
    free(path);
}

Test(catalog, names_of_ids)
{
    cr_assert(cat_name_is_id("user_id"));
    cr_assert(cat_name_is_id("orderId"));
    cr_assert(cat_name_is_id("ISBN"));
    cr_assert(cat_name_is_id("Invoice No"));
    cr_assert(cat_name_is_id("id"));
    cr_assert_not(cat_name_is_id("phone_number"));
    cr_assert_not(cat_name_is_id("idle_time"));
    cr_assert_not(cat_name_is_id("valid"));
    cr_assert_not(cat_name_is_id("number"));
}

Test(catalog, dashboard_pages_and_platform_synonyms)
{
    struct catalog_options o = {0};
    struct catalog *c;
    struct cat_hit *h;
    size_t n, i;
    int lines, products, found = 0;
    char *path;

    tl_write(dir, "dashboards/sales.md",
             "# Sales\n\n```sql by_category\nSELECT p.category, count(*) AS line_count\n"
             "FROM shop.order_lines l JOIN shop.products p ON p.product_id = l.product_id\n"
             "GROUP BY 1\n```\n");
    tl_write(dir, "semantic/synonyms.yml", "synonyms:\n  - [patron, customer]\n");
    c = load(1);
    cr_assert_eq(c->nexamples, 1);
    cr_assert_str_eq(c->examples[0].source, "dashboards/sales.md:3");
    cr_assert_str_eq(c->examples[0].name, "by_category");
    cr_assert_eq(c->nmeasures, 1);
    cr_assert_str_eq(c->measures[0].name, "line_count");
    lines = catalog_find_table(c, "order_lines");
    products = catalog_find_table(c, "products");
    /* the page's join, many lines to one product, whichever side it was written on */
    for (i = 0; i < c->njoins; i++)
        found |= c->joins[i].from_table == lines && c->joins[i].to_table == products;
    cr_assert(found);
    /* the platform's own word reaches the customers table */
    n = catalog_lookup(c, "patrons", &h);
    cr_assert(n >= 1);
    cr_assert_eq(h[0].kind, CAT_HIT_TABLE);
    cr_assert_str_eq(c->tables[h[0].table].name, "customers");
    free(h);
    catalog_free(c);

    /* a malformed synonyms file is an error, not a silent skip */
    tl_write(dir, "semantic/synonyms.yml", "synonym:\n  - [patron, customer]\n");
    o.root = dir;
    o.no_cache = 1;
    cr_assert_eq(catalog_load(warehouse, &o, &c), -2, "bad input, not a failure");
    cr_assert(strstr(error_last(), "synonyms.yml:1:1") != NULL, "%s", error_last());
    path = fs_join(dir, "semantic/synonyms.yml");
    unlink(path);
    free(path);
    path = fs_join(dir, "dashboards/sales.md");
    unlink(path);
    free(path);
}

/* Changes that keep a table's size, and a table nobody built, are still seen. */
Test(catalog, updates_and_deletes_are_profiled_again)
{
    struct catalog *c = load(0);
    const struct cat_column *cat;
    struct wh *wh;
    size_t i;
    int toys = 0;

    catalog_free(c);
    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(
        wh_exec(wh, "UPDATE shop.shop.products SET category = 'Toys' WHERE product_id = 1"), 0);
    wh_close(wh);
    c = load(0);
    cr_assert_eq(c->profiled, 1, "the updated table only");
    cat = column(c, "products", "category");
    for (i = 0; i < cat->nvalues; i++)
        toys |= !strcmp(cat->values[i].text, "Toys");
    cr_assert(toys);
    catalog_free(c);

    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_exec(wh, "DELETE FROM shop.shop.customers WHERE id > 290"), 0);
    wh_close(wh);
    c = load(0);
    cr_assert_eq(c->tables[catalog_find_table(c, "customers")].rows, 290);
    catalog_free(c);
}

/* Values at the edge of their types, reserved words as names, years that are not times. */
Test(catalog, awkward_types_and_names)
{
    struct catalog *c;
    const struct cat_column *col;
    struct wh *wh;
    int t;

    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_exec(wh,
                         "CREATE TABLE shop.shop.\"order\" AS SELECT i AS id, "
                         "(99999999999999999999999999999999999999 - i)::DECIMAL(38,0) AS amount, "
                         "170141183460469231731687303715884105727::HUGEINT - i AS big, "
                         "CASE WHEN i = 1 THEN 'inf'::DOUBLE ELSE i END AS ratio, "
                         "10 + i AS years_employed FROM range(1, 4) r(i)"),
                 0, "%s", error_last());
    wh_close(wh);
    c = load(1);
    cr_assert_eq(c->nnotes, 0, "every table is profiled: %s", c->nnotes ? c->notes[0] : "");
    t = catalog_find_table(c, "order");
    cr_assert(t >= 0);
    cr_assert_str_eq(c->tables[t].relation, "shop.\"order\"", "a reserved word is quoted");
    cr_assert_eq(c->tables[t].key, catalog_find_column(c, t, "id"));
    col = column(c, "order", "amount");
    cr_assert(col->has_range && col->max > 9e37);
    cr_assert_not(column(c, "order", "ratio")->has_range, "no range through infinity");
    col = column(c, "order", "years_employed");
    cr_assert_not(col->roles & CAT_ROLE_TIME);
    cr_assert_null(col->anchor, "a duration in years is not a time");
    catalog_free(c);
}

/* With a small sampling threshold: what a sample may miss is not claimed complete. */
Test(catalog, samples_do_not_claim_every_value)
{
    struct catalog_options o = {0};
    struct catalog *c;
    struct wh *wh;
    int t;

    /* 100,000 events (49 of DuckDB's vectors), one of them of a rare kind */
    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_exec(wh, "CREATE TABLE shop.shop.events AS SELECT i AS event_id, "
                             "CASE WHEN i = 77777 THEN 'rare' ELSE 'k' || (i % 4) END AS kind, "
                             "i % 100 AS amount FROM range(100000) r(i);"
                             "CREATE VIEW shop.shop.by_kind AS SELECT kind, count(*) AS n, "
                             "sum(amount) AS amount FROM shop.shop.events GROUP BY kind"),
                 0, "%s", error_last());
    wh_close(wh);
    o.root = dir;
    o.no_cache = 1;
    o.sample_rows = 20000;
    cr_assert_eq(catalog_load(warehouse, &o, &c), 0, "%s", error_last());
    t = catalog_find_table(c, "events");
    cr_assert(c->tables[t].sampled);
    cr_assert_eq(c->tables[t].rows, 100000);
    cr_assert_not(column(c, "events", "kind")->values_complete);
    cr_assert_eq(c->tables[t].key, catalog_find_column(c, t, "event_id"), "keys stay exact");
    /* the view over the large table has five rows: counted, then profiled whole */
    t = catalog_find_table(c, "by_kind");
    cr_assert_not(c->tables[t].sampled);
    cr_assert_eq(c->tables[t].rows, 5);
    cr_assert(column(c, "by_kind", "kind")->values_complete);
    cr_assert_eq(column(c, "by_kind", "kind")->nvalues, 5);
    cr_assert_eq(c->tables[t].key, catalog_find_column(c, t, "kind"));
    catalog_free(c);
}
