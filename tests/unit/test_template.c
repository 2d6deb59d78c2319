/*
 * platform/template: the Jinja subset models are written in.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "platform/template.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

/* Hooks that resolve ref('m') to "main"."m", source('s','t') to "s"."t", and log configs. */
struct fake {
    struct yaml_node *vars;
    struct strbuf configs;
    int refs;
};

static int fake_ref(void *ctx, const char *model, const struct tpl_site *at, struct strbuf *out)
{
    struct fake *f = ctx;

    f->refs++;
    if (!strcmp(model, "missing"))
        return error("%s:%d: unknown model '%s'", at->file, at->line, model);
    strbuf_addf(out, "\"main\".\"%s\"", model);
    return 0;
}

static int fake_source(void *ctx, const char *source, const char *table, const struct tpl_site *at,
                       struct strbuf *out)
{
    strbuf_addf(out, "\"%s\".\"%s\"", source, table);
    return 0;
}

static int fake_config(void *ctx, const char *key, const struct tpl_value *v,
                       const struct tpl_site *at)
{
    struct fake *f = ctx;

    strbuf_addf(&f->configs, "%s=", key);
    tpl_value_print(&f->configs, v);
    strbuf_addf(&f->configs, "@%d;", at->line);
    return 0;
}

static const struct yaml_node *fake_var(void *ctx, const char *name)
{
    struct fake *f = ctx;
    return yaml_get(f->vars, name);
}

static struct fake fk;

static void setup(void)
{
    const char *vars = "threshold: 10\nflag: true\nname: shop\nlist: [a, b, c]\nq: '5'\n";

    memset(&fk, 0, sizeof(fk));
    strbuf_init(&fk.configs, 0);
    cr_assert_eq(yaml_parse_string("vars", vars, strlen(vars), &fk.vars), 0);
    error_quiet(1);
}

static void teardown(void)
{
    yaml_node_free(fk.vars);
    strbuf_release(&fk.configs);
    error_quiet(0);
}

TestSuite(template, .init = setup, .fini = teardown);

static int fake_this(void *ctx, const char *part, struct strbuf *out)
{
    strbuf_addstr(out, part ? "m" : "\"main\".\"m\"");
    return 0;
}

static int fake_incremental(void *ctx)
{
    return 1;
}

static struct tpl_lib *lib; /* the macros render_with() gives the template, or NULL */

static void fake_hooks(struct tpl_hooks *h)
{
    memset(h, 0, sizeof(*h));
    h->ctx = &fk;
    h->ref = fake_ref;
    h->source = fake_source;
    h->config = fake_config;
    h->var = fake_var;
    h->this_relation = fake_this;
    h->is_incremental = fake_incremental;
    h->macros = lib;
    h->project_name = "shop";
}

/* Renders text; returns the output (caller frees) or NULL on error. */
static char *render(const char *text)
{
    struct tpl_hooks h;
    struct strbuf sb = STRBUF_INIT;

    fake_hooks(&h);
    error_clear();
    if (template_render("models/m.sql", text, strlen(text), &h, &sb) < 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

static void expect(const char *text, const char *want)
{
    char *got = render(text);

    cr_assert(got != NULL, "render failed for [%s]: %s", text, error_last());
    cr_assert_str_eq(got, want, "template [%s]", text);
    free(got);
}

static void expect_error(const char *text, const char *part)
{
    char *got = render(text);

    cr_assert(got == NULL, "expected an error for [%s], got [%s]", text, got ? got : "");
    cr_assert(strstr(error_last(), part) != NULL, "error for [%s] was [%s], wanted [%s]", text,
              error_last(), part);
}

Test(template, refs_sources_and_plain_text)
{
    expect("select * from {{ ref('orders') }}", "select * from \"main\".\"orders\"");
    expect("select * from {{ref(\"a\")}} join {{ source('raw', 'users') }} u",
           "select * from \"main\".\"a\" join \"raw\".\"users\" u");
    expect("no tags at all { not a tag } %}", "no tags at all { not a tag } %}");
    expect("{{ ref('pkg', 'm') }}", "\"main\".\"m\"");
    cr_assert_eq(fk.refs, 3);
}

Test(template, config_calls_reach_the_hook_and_render_empty)
{
    expect("{{ config(materialized='table', schema=\"marts\") }}\nselect 1", "\nselect 1");
    cr_assert_str_eq(fk.configs.buf, "materialized=table@1;schema=marts@1;");
}

Test(template, vars_with_defaults_and_types)
{
    expect("{{ var('threshold') }} {{ var('name') }} {{ var('nope', 'dflt') }} {{ var('q') }}",
           "10 shop dflt 5");
    expect("{{ var('list') }}", "['a', 'b', 'c']");
    expect("{% if var('flag') %}yes{% endif %}", "yes");
    expect("{% if var('q') == '5' %}str{% endif %}", "str");
    expect_error("{{ var('nothing') }}", "models/m.sql:1:4: undefined variable 'nothing'");
}

Test(template, comments_and_whitespace_control)
{
    expect("a{# a comment {{ ref('x') }} #}b", "ab");
    expect("a  {#- trim -#}\n  b", "ab");
    expect("select\n  {%- if true %} x{% endif -%}\n  ,y", "select x,y");
    expect("{{- 'a' -}}   \n", "a");
    expect("x\n{%- set y = 1 -%}\n{{ y }}", "x1");
}

Test(template, if_elif_else_and_comparisons)
{
    const char *t = "{% if var('threshold') > 20 %}big{% elif var('threshold') >= 10 and not "
                    "false %}mid{% else %}small{% endif %}";
    expect(t, "mid");
    expect("{% if 1 < 2 and 'a' != 'b' or false %}ok{% endif %}", "ok");
    expect("{% if 'b' in ['a', 'b'] %}in{% endif %}{% if 'z' not in var('list') %} out{% endif %}",
           "in out");
    expect("{% if none %}x{% elif 0 %}y{% else %}z{% endif %}", "z");
    expect("{% if (1 + 2) * 3 == 9 %}math{% endif %}", "math");
}

Test(template, for_loops_and_set)
{
    expect("{% for c in ['a', 'b', 'c'] %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}",
           "a, b, c");
    expect("{% for x in var('list') %}{{ loop.index }}{{ x | upper }}{% endfor %}", "1A2B3C");
    expect("{% set cols = ['id', 'name'] %}select {{ cols | join(', ') }} from t",
           "select id, name from t");
    expect("{% set n = 3 %}{% for i in [1, 2] %}{% set n = i %}{% endfor %}{{ n }}", "3");
    expect("{% for s in ['x'] %}{% for t in [1, 2] %}{{ s }}{{ t }}{% endfor %}{% endfor %}",
           "x1x2");
    expect("{{ 'a' ~ 1 ~ true }} {{ [1, 2] | length }} {{ 7 / 2 }} {{ -3 }}", "a1True 2 3.5 -3");
}

Test(template, unsupported_constructs_name_the_construct_file_and_line)
{
    expect_error("select\n  {{ dbt_utils.star(ref('a')) }}", "models/m.sql:2:6: unsupported macro "
                                                             "'dbt_utils.star'");
    expect_error("{{ graph.nodes }}", "unsupported name 'graph.nodes'");
    expect_error("{{ target.password }}", "unsupported name 'target.password'");
    expect_error("{{ adapter.get_relation(a) }}", "unsupported macro 'adapter.get_relation'");
    expect_error("{{ my_macro() }}", "models/m.sql:1:4: unsupported macro 'my_macro'");
    expect_error("{% if x %}{% macro m() %}x{% endmacro %}{% endif %}",
                 "a macro must be defined at the top level");
    expect_error("{{ return(1) }}", "return() outside a macro");
    expect_error("{{ 'a' | replace('a', 'b') }}", "unsupported filter 'replace'");
    /* even in a branch that never runs */
    expect_error("{% if false %}{{ custom() }}{% endif %}", "unsupported macro 'custom'");
}

Test(template, syntax_errors_have_positions)
{
    expect_error("{% if true %}x", "missing {% endif %} for the block opened at line 1");
    expect_error("x\n{% endif %}", "models/m.sql:2:1: unexpected {% endif %}");
    expect_error("{{ 'abc }}", "unterminated string");
    expect_error("{# open", "unterminated comment");
    expect_error("{{ ref('a') ", "expected '}}'");
    expect_error("{{ undefined_name }}", "undefined name 'undefined_name'");
    expect_error("{{ 1 + 'a' }}", "arithmetic on a number and a string");
    expect_error("{{ ref('missing') }}", "unknown model 'missing'");
    expect_error("{{ config('table') }}", "keyword arguments");
}

Test(template, macros_in_the_file_with_defaults_keywords_and_return)
{
    expect("{% macro cents(col, scale=2) %}round({{ col }} / 100, {{ scale }}){% endmacro %}"
           "select {{ cents('a') }}, {{ cents('b', 4) }}, {{ cents(scale=0, col='c') }}",
           "select round(a / 100, 2), round(b / 100, 4), round(c / 100, 0)");
    expect("{% macro cols() %}{{ return(['a', 'b']) }}never{% endmacro %}"
           "{{ cols() | join('+') }} {{ cols() | length }}",
           "a+b 2");
    /* a macro sees its arguments, not the caller's variables */
    expect_error("{% macro m() %}{{ x }}{% endmacro %}{% set x = 1 %}{{ m() }}",
                 "undefined name 'x'");
    expect_error("{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}", "takes 1 argument");
    expect_error("{% macro m(a) %}{% endmacro %}{{ m(b=1) }}", "no parameter 'b'");
    expect_error("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "nested too deeply");
}

Test(template, tests_conditionals_set_blocks_and_do)
{
    expect("{{ 'y' if 1 > 0 else 'n' }}{{ 'y' if false else 'n' }}", "yn");
    expect("{% set a = none %}{{ a is none }} {{ a is not none }} {{ b is defined }} "
           "{{ 1 is number }} {{ 'x' is string }}",
           "True False False True True");
    expect("{% set q %}select {{ 1 + 1 }}{% endset %}[{{ q }}]", "[select 2]");
    expect("{% do log('hidden') %}ok", "ok");
    /* list and string methods on variables */
    expect("{% set cols = [] %}{% for c in ['a', 'b'] %}{% do cols.append(c ~ '_id') %}"
           "{% endfor %}{% do cols.extend(['z']) %}{{ cols | join(',') }}",
           "a_id,b_id,z");
    expect("{% set s = ' Ab-c ' %}{{ s.strip() }}|{{ s.upper() }}|{{ s.replace('-', '_') }}|"
           "{{ s.startswith(' Ab') }}{{ s.endswith('x') }}",
           "Ab-c| AB-C | Ab_c |TrueFalse");
    expect("{% set p = 'a.b.c' %}{{ p.split('.') | length }}", "3");
    expect_error("{% set n = 1 %}{% do n.append(2) %}", "append on a number");
}

Test(template, this_target_incremental_env_and_sql_helpers)
{
    setenv("MDP_TEST_ENV", "from-env", 1);
    expect("{{ this }} {{ this.name }} {{ target.name }} {{ target.schema }} {{ target.type }}",
           "\"main\".\"m\" m dev main duckdb");
    expect("{% if is_incremental() %}inc{% endif %} {{ project_name }}", "inc shop");
    expect("{{ env_var('MDP_TEST_ENV') }} {{ env_var('MDP_TEST_UNSET_X', 'dflt') }}",
           "from-env dflt");
    expect_error("{{ env_var('MDP_TEST_UNSET_X') }}", "the variable is not set");
    expect("{{ dbt_utils.generate_surrogate_key(['a', 'b']) }}",
           "md5(cast(coalesce(cast(a as VARCHAR), '_dbt_utils_surrogate_key_null_') || '-' || "
           "coalesce(cast(b as VARCHAR), '_dbt_utils_surrogate_key_null_') as VARCHAR))");
    expect("{{ dbt.date_trunc('month', 'd') }} {{ dbt.dateadd('day', 3, 'd') }} "
           "{{ dbt.datediff('a', 'b', 'day') }} {{ dbt.type_string() }} "
           "{{ dbt.safe_cast('x', dbt.type_int()) }} {{ adapter.quote('Sales Rep') }}",
           "date_trunc('month', d) date_add(d, interval (3) day) date_diff('day', a, b) VARCHAR "
           "try_cast(x as INTEGER) \"Sales Rep\"");
    expect_error("{{ dbt.date_trunc('month') }}", "takes 2 arguments");
}

Test(template, a_macro_library_across_files)
{
    static const char a[] = "{% macro money(col) %}{{ to_num(col) }} / 100{% endmacro %}";
    static const char b[] = "\n{% macro to_num(c, t='DOUBLE') -%}\n  cast({{ c }} as {{ t }})\n"
                            "{%- endmacro %}";
    static const char bad[] = "{% macro x() %}{{ nowhere() }}{% endmacro %}";
    struct tpl_value out, arg;
    struct tpl_hooks h;
    struct strbuf sb = STRBUF_INIT;

    lib = tpl_lib_new();
    cr_assert_eq(tpl_lib_add(lib, "macros/a.sql", a, strlen(a)), 0);
    cr_assert_eq(tpl_lib_add(lib, "macros/b.sql", b, strlen(b)), 0);
    cr_assert_eq(tpl_lib_check(lib), 0);
    cr_assert(tpl_lib_has(lib, "money") && !tpl_lib_has(lib, "nope"));
    expect("select {{ money('x') }}", "select cast(x as DOUBLE) / 100");
    expect("select {{ shop.money('x') }}", "select cast(x as DOUBLE) / 100");
    fake_hooks(&h);
    memset(&arg, 0, sizeof(arg));
    arg.type = TPL_STR;
    arg.str = "y";
    cr_assert_eq(tpl_lib_call("to_num", &arg, 1, NULL, NULL, 0, &h, &out), 0);
    tpl_value_print(&sb, &out);
    cr_assert_str_eq(sb.buf, "cast(y as DOUBLE)");
    tpl_value_release(&out);
    strbuf_release(&sb);
    cr_assert_lt(tpl_lib_add(lib, "macros/c.sql", a, strlen(a)), 0);
    cr_assert(strstr(error_last(), "macros/c.sql:1:1: macro 'money' is already defined at "
                                   "macros/a.sql:1:1"),
              "%s", error_last());
    tpl_lib_free(lib);
    lib = tpl_lib_new();
    cr_assert_eq(tpl_lib_add(lib, "macros/bad.sql", bad, strlen(bad)), 0);
    cr_assert_lt(tpl_lib_check(lib), 0);
    cr_assert(strstr(error_last(), "macros/bad.sql:1:19: unsupported macro 'nowhere'"), "%s",
              error_last());
    tpl_lib_free(lib);
    lib = NULL;
}

/* Which line of the template each output line came from. */
static void expect_lines(const char *text, const int *want, size_t nwant)
{
    struct tpl_hooks h;
    struct strbuf sb = STRBUF_INIT;
    int *lines = NULL;
    size_t n = 0, i;

    fake_hooks(&h);
    cr_assert_eq(template_render_lines("models/m.sql", text, strlen(text), &h, &sb, &lines, &n), 0,
                 "%s", error_last());
    cr_assert_eq(n, nwant, "[%s] rendered [%s]: %zu lines, wanted %zu", text, sb.buf, n, nwant);
    for (i = 0; i < n; i++)
        cr_assert_eq(lines[i], want[i],
                     "[%s] rendered [%s]: output line %zu is from line %d, "
                     "wanted %d",
                     text, sb.buf, i + 1, lines[i], want[i]);
    free(lines);
    strbuf_release(&sb);
}

Test(template, output_lines_map_back_to_the_template)
{
    /* a comment over two lines: the SQL starts with the newline after it, on line 2 */
    static const int a[] = {2, 3, 4, 5};
    /* a loop repeats its body's lines; text after it continues from its own line */
    static const int b[] = {1, 2, 3, 2, 3, 4, 5};
    /* whitespace control moves the text to the line of its first character */
    static const int c[] = {3, 4};
    /* a value printed with newlines stays on the line of its tag */
    static const int d[] = {2, 3, 3, 4};

    expect_lines("{# one\n   two #}\nselect a,\n  b\nfrom {{ ref('t') }}", a, 4);
    expect_lines("select\n{% for c in ['x', 'y'] %}  {{ c }},\n  1\n{% endfor %}\nfrom t", b, 7);
    expect_lines("{{- config(materialized='table') -}}\n  \nselect 1\nfrom t", c, 2);
    expect_lines("{% set s %}a\nb{% endset %}x\n{{ s }} y\nz", d, 4);
}
