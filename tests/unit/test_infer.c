/*
 * catalog/infer.c and catalog/names.c without DuckDB: inference is a function over a struct
 * catalog, so these tests build one by hand (tables, SQL, columns) and check what it infers.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/catalog_internal.h"
#include "catalog/names.h"
#include "util/xmalloc.h"

static struct cat_table *add_table(struct catalog *c, const char *schema, const char *name,
                                   const char *view_sql)
{
    struct cat_table *t = cat_table_new(c);

    t->schema = xstrdup(schema);
    t->name = xstrdup(name);
    t->relation = xstrfmt("%s.%s", schema, name);
    t->is_view = view_sql != NULL;
    t->sql = view_sql ? xstrdup(view_sql) : NULL;
    return t;
}

Test(infer, layers_and_lineage_from_a_hand_built_catalog)
{
    struct catalog *c = xcalloc(1, sizeof(*c));
    int raw, clean, mart;

    add_table(c, "raw", "events", NULL);
    add_table(c, "analytics", "events_clean", "SELECT id, kind FROM raw.events WHERE id > 0");
    add_table(c, "analytics", "daily_kinds",
              "SELECT kind, count(*) AS n FROM analytics.events_clean GROUP BY kind");
    cat_infer_layers(c);

    raw = catalog_find_table(c, "raw.events");
    clean = catalog_find_table(c, "analytics.events_clean");
    mart = catalog_find_table(c, "analytics.daily_kinds");
    cr_assert(raw >= 0 && clean >= 0 && mart >= 0);
    cr_assert_eq(c->tables[raw].layer, CAT_LAYER_RAW);
    cr_assert_eq(c->tables[raw].depth, 0);
    /* a view that cleans one raw table is staging wherever it lives */
    cr_assert_eq(c->tables[clean].layer, CAT_LAYER_STAGING, "%s",
                 cat_layer_name(c->tables[clean].layer));
    cr_assert_eq(c->tables[clean].depth, 1);
    cr_assert_eq(c->tables[clean].nupstream, 1);
    cr_assert_str_eq(c->tables[clean].upstream[0], "raw.events");
    cr_assert_eq(c->tables[mart].depth, 2);
    cr_assert_str_eq(c->tables[mart].upstream[0], "analytics.events_clean");
    catalog_free(c);
}

Test(infer, name_rules)
{
    static const char *const money[] = {"revenue", "amount"};

    cr_assert(cat_name_is_id("user_id"));
    cr_assert(cat_name_is_id("orderId"));
    cr_assert(cat_name_is_id("Order No"));
    cr_assert(cat_name_is_id("isbn"));
    cr_assert(!cat_name_is_id("phone_number"));
    cr_assert(!cat_name_is_id("number"));
    cr_assert(!cat_name_is_id("idea"));
    cr_assert(cat_named_like_year("release_year"));
    cr_assert(cat_named_like_year("yr"));
    cr_assert(!cat_named_like_year("yearly_revenue_total")); /* words, not substrings */
    cr_assert(cat_name_has("Total Revenue", money, 2));
    cr_assert(!cat_name_has("revenues_note", money, 1)); /* whole words */
    cr_assert(!cat_name_has("price", money, 2));
}

Test(infer, caveats_for_empty_dates_and_values_that_never_vary)
{
    struct catalog *c = xcalloc(1, sizeof(*c));
    struct cat_table *t = add_table(c, "main", "tickets", NULL);
    struct cat_column *col;
    size_t i;
    int closed = 0, qty = 0;

    t->rows = 100;
    t->key = -1;
    t->columns = xcalloc(2, sizeof(*t->columns));
    t->ncolumns = 2;
    col = &t->columns[0];
    col->name = xstrdup("closed_at");
    col->type = WH_T_TIMESTAMP;
    col->roles = CAT_ROLE_TIME;
    col->null_fraction = 0.25;
    col->ref_table = col->ref_column = col->repeated_within = -1;
    col = &t->columns[1];
    col->name = xstrdup("quantity");
    col->type = WH_T_INT;
    col->roles = CAT_ROLE_MEASURE;
    col->has_range = 1;
    col->min = col->max = 1;
    col->min_text = xstrdup("1");
    col->ref_table = col->ref_column = col->repeated_within = -1;
    cat_infer_grain_and_caveats(c);
    for (i = 0; i < t->ncaveats; i++) {
        closed |= strstr(t->caveats[i], "closed_at") && strstr(t->caveats[i], "not happened");
        qty |= strstr(t->caveats[i], "quantity is 1 on every row") != NULL;
    }
    cr_assert(closed && qty, "%zu caveats: %s", t->ncaveats, t->ncaveats ? t->caveats[0] : "");
    catalog_free(c);
}

Test(infer, integer_codes_are_not_measures)
{
    struct catalog *c = xcalloc(1, sizeof(*c));
    struct cat_table *t = add_table(c, "main", "stores", NULL);
    static const char *const names[] = {"store number", "zip_code", "units_sold"};
    size_t i;

    t->rows = 50;
    t->key = -1;
    t->columns = xcalloc(3, sizeof(*t->columns));
    t->ncolumns = 3;
    for (i = 0; i < 3; i++) {
        struct cat_column *col = &t->columns[i];
        col->name = xstrdup(names[i]);
        col->type = WH_T_INT;
        col->distinct = 40;
        col->has_range = 1;
        col->min = 1;
        col->max = 90000;
        col->ref_table = col->ref_column = col->repeated_within = -1;
    }
    cat_infer_roles(c, NULL);
    cr_assert(!(t->columns[0].roles & CAT_ROLE_MEASURE), "a store number is no measure");
    cr_assert(!(t->columns[1].roles & CAT_ROLE_MEASURE), "a zip code is no measure");
    cr_assert(t->columns[2].roles & CAT_ROLE_MEASURE, "units sold adds up");
    catalog_free(c);
}
