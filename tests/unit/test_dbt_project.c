/*
 * platform/dbt_project: reading dbt_project.yml and the models' yml, configuration
 * precedence, compiling, and errors that name file:line:column.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "platform/dbt_project.h"
#include "testlib.h"
#include "util/error.h"
#include "util/strbuf.h"

static char *root;

static void setup(void)
{
    root = tl_tmpdir();
    error_quiet(1);
    error_clear();
}

static void teardown(void)
{
    error_quiet(0);
    tl_rmdir(root);
    free(root);
}

TestSuite(dbt_project, .init = setup, .fini = teardown);

static void put(const char *name, const char *text)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_addf(&sb, "dbt_project/%s", name);
    tl_write(root, sb.buf, text);
    strbuf_release(&sb);
}

static const struct dbt_model *model(const struct dbt_project *p, const char *name)
{
    int i = dbt_project_find_model(p, name);
    cr_assert(i >= 0, "no model %s", name);
    return &p->models[i];
}

static char *relation(const struct dbt_model *m)
{
    struct strbuf sb = STRBUF_INIT;
    dbt_model_relation(m, &sb);
    return strbuf_detach(&sb, NULL);
}

Test(dbt_project, config_precedence_folder_yml_model)
{
    struct dbt_project p;
    char *rel;

    put("dbt_project.yml", "name: proj\nmodel-paths: [\"transform/\"]\nmodels:\n  proj:\n"
                           "    +materialized: table\n    a:\n      +schema: alpha\n      b:\n"
                           "        +materialized: view\n        special:\n          +alias: sp\n"
                           "vars:\n  n: 2\n  proj:\n    scoped: 7\n");
    put("transform/top.sql", "select 1 as x");
    put("transform/a/in_a.sql", "select {{ var('n') }} as x, {{ var('scoped') }} as y");
    put("transform/a/b/in_b.sql", "select * from {{ ref('in_a') }}");
    put("transform/a/b/special.sql", "select 1 as x");
    put("transform/a/b/own.sql", "{{ config(materialized='table', schema='mine') }}select 1 as x");
    put("transform/a/b/docs.yml", "version: 2\nmodels:\n  - name: in_b\n    config:\n"
                                  "      alias: bee\n  - name: own\n    config:\n"
                                  "      materialized: view\n      schema: yml\n");
    cr_assert_eq(dbt_project_load(root, NULL, &p), 0, "%s", error_last());
    cr_assert_eq(dbt_project_compile(&p), 0, "%s", error_last());
    cr_assert_eq(p.nmodels, 5);

    cr_assert_str_eq(model(&p, "top")->materialized, "table");
    cr_assert_null(model(&p, "top")->schema);
    rel = relation(model(&p, "top"));
    cr_assert_str_eq(rel, "\"main\".\"top\"");
    free(rel);

    cr_assert_str_eq(model(&p, "in_a")->materialized, "table");
    cr_assert_str_eq(model(&p, "in_a")->schema, "alpha");
    cr_assert_str_eq(model(&p, "in_a")->compiled_sql, "select 2 as x, 7 as y");

    /* folder b overrides materialized; yml sets the alias */
    cr_assert_str_eq(model(&p, "in_b")->materialized, "view");
    rel = relation(model(&p, "in_b"));
    cr_assert_str_eq(rel, "\"alpha\".\"bee\"");
    free(rel);
    cr_assert_str_eq(model(&p, "in_b")->compiled_sql, "select * from \"alpha\".\"in_a\"");
    cr_assert_eq(model(&p, "in_b")->nrefs, 1);

    /* a file-level entry in dbt_project.yml */
    cr_assert_str_eq(model(&p, "special")->alias, "sp");

    /* config() beats the yml, which beats the folders */
    cr_assert_str_eq(model(&p, "own")->materialized, "table");
    cr_assert_str_eq(model(&p, "own")->schema, "mine");
    dbt_project_release(&p);
}

Test(dbt_project, vars_from_the_command_line_override)
{
    struct dbt_project p;

    put("dbt_project.yml", "name: proj\nvars:\n  start: '2020-01-01'\n  limit: 5\n");
    put("models/m.sql", "select '{{ var(\"start\") }}' as s limit {{ var('limit') }}");
    cr_assert_eq(dbt_project_load(root, "{start: '2024-06-01'}", &p), 0, "%s", error_last());
    cr_assert_eq(dbt_project_compile(&p), 0, "%s", error_last());
    cr_assert_str_eq(model(&p, "m")->compiled_sql, "select '2024-06-01' as s limit 5");
    dbt_project_release(&p);
}

Test(dbt_project, sources_and_column_tests)
{
    struct dbt_project p;
    const struct dbt_source *s;
    const struct dbt_model *m;
    struct strbuf json = STRBUF_INIT;

    put("dbt_project.yml", "name: proj\n");
    put("models/m.sql", "select * from {{ source('crm', 'people') }}");
    put("models/schema.yml",
        "version: 2\nsources:\n  - name: crm\n    schema: landing\n    tables:\n"
        "      - name: people\n        identifier: people_v3\n        columns:\n"
        "          - name: id\n            data_tests: [unique]\n"
        "models:\n  - name: m\n    description: people\n    columns:\n      - name: id\n"
        "        description: the id\n        tests:\n          - not_null\n"
        "          - relationships:\n              to: source('crm', 'people')\n"
        "              field: id\n              config:\n                severity: warn\n"
        "          - accepted_values:\n              arguments:\n"
        "                values: [1, 2]\n                quote: false\n"
        "          - custom_check\n");
    cr_assert_eq(dbt_project_load(root, NULL, &p), 0, "%s", error_last());
    cr_assert_eq(dbt_project_compile(&p), 0, "%s", error_last());
    s = dbt_project_find_source(&p, "crm", "people");
    cr_assert_not_null(s);
    cr_assert_str_eq(s->schema, "landing");
    cr_assert_str_eq(s->identifier, "people_v3");
    cr_assert_eq(s->columns[0].tests[0].kind, DBT_TEST_UNIQUE);
    m = model(&p, "m");
    cr_assert_str_eq(m->compiled_sql, "select * from \"landing\".\"people_v3\"");
    cr_assert_str_eq(m->sources[0], "crm.people");
    cr_assert_str_eq(m->description, "people");
    cr_assert_eq(m->ncolumns, 1);
    cr_assert_eq(m->columns[0].ntests, 4);
    cr_assert_eq(m->columns[0].tests[1].kind, DBT_TEST_RELATIONSHIPS);
    cr_assert_str_eq(m->columns[0].tests[1].to_source, "crm");
    cr_assert(m->columns[0].tests[1].warn);
    cr_assert_eq(m->columns[0].tests[2].nvalues, 2);
    cr_assert_eq(m->columns[0].tests[2].quote, 0);
    cr_assert_eq(m->columns[0].tests[3].kind, DBT_TEST_UNSUPPORTED);
    cr_assert_str_eq(m->columns[0].tests[3].file, "models/schema.yml");
    cr_assert_eq(m->columns[0].tests[3].line, 28);
    dbt_column_tests_json(&m->columns[0], &json);
    cr_assert_str_eq(json.buf, "[\"not_null\",{\"relationships\":{\"to\":\"crm.people\",\"field\":"
                               "\"id\"}},{\"accepted_values\":[\"1\",\"2\"]},\"custom_check\"]");
    strbuf_release(&json);
    dbt_project_release(&p);
}

static void expect_load_error(const char *part)
{
    struct dbt_project p;
    int r = dbt_project_load(root, NULL, &p);

    if (r == 0) {
        r = dbt_project_compile(&p);
        dbt_project_release(&p);
    }
    cr_assert_eq(r, -1);
    cr_assert(strstr(error_last(), part), "got [%s], wanted [%s]", error_last(), part);
}

Test(dbt_project, bad_files_name_file_line_column)
{
    put("dbt_project.yml", "name: proj\n");
    put("models/m.sql", "select 1 as x");
    put("models/m.yml", "models:\n  - name: m\n    columns: oops\n");
    expect_load_error("models/m.yml:3:14: 'columns' must be a list");

    put("models/m.yml", "models:\n  - name: m\n    columns:\n      - name: x\n        tests:\n"
                        "          - relationships:\n              field: id\n");
    expect_load_error("models/m.yml:6:13: relationships needs 'to: ref(\"model\")'");

    put("models/m.yml", "models:\n  - name: m\n    config:\n      materialized: ephemeral\n");
    expect_load_error("models/m.yml:4:21: materialization 'ephemeral' of model 'm' is not "
                      "supported");

    put("models/m.yml", "sources:\n  - name: s\n");
    expect_load_error("models/m.yml:2:5: source 's' needs 'tables:'");

    put("models/m.yml", "version: 2\n");
    put("models/sub/m.sql", "select 2 as x");
    expect_load_error("two models or seeds are called 'm'");
}

Test(dbt_project, missing_project_file_says_what_to_do)
{
    expect_load_error("dbt_project.yml' is missing");
}
