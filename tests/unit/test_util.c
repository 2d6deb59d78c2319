/*
 * util/: strbuf, fs paths, yaml and json wrappers, .env parsing.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "platform/locate.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

Test(strbuf, grows_and_detaches)
{
    struct strbuf sb = STRBUF_INIT;
    char *s;
    int i;

    cr_assert_str_empty(sb.buf);
    for (i = 0; i < 1000; i++)
        strbuf_addf(&sb, "%d,", i);
    cr_assert(sb.len > 3000);
    cr_assert(!strncmp(sb.buf, "0,1,2,", 6));
    s = strbuf_detach(&sb, NULL);
    cr_assert_str_empty(sb.buf);
    free(s);
}

Test(strbuf, quotes_sql)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_add_sql_string(&sb, "it's");
    strbuf_addch(&sb, ' ');
    strbuf_add_sql_ident(&sb, "my \"col\"");
    cr_assert_str_eq(sb.buf, "'it''s' \"my \"\"col\"\"\"");
    strbuf_release(&sb);
}

Test(strbuf, groups_thousands)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_add_count(&sb, 0);
    strbuf_addch(&sb, ' ');
    strbuf_add_count(&sb, 999);
    strbuf_addch(&sb, ' ');
    strbuf_add_count(&sb, 35737);
    strbuf_addch(&sb, ' ');
    strbuf_add_count(&sb, 1234567890ULL);
    cr_assert_str_eq(sb.buf, "0 999 35,737 1,234,567,890");
    strbuf_release(&sb);
}

Test(strbuf, trims)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_addstr(&sb, "  \t hello world \n");
    strbuf_trim(&sb);
    cr_assert_str_eq(sb.buf, "hello world");
    strbuf_release(&sb);
}

Test(fs, paths)
{
    char *a = fs_join("a/", "b"), *d = fs_dirname("/x/y/z.csv"), *abs = fs_absolute("/a/./b/../c");

    cr_assert_str_eq(a, "a/b");
    cr_assert_str_eq(d, "/x/y");
    cr_assert_str_eq(fs_basename("/x/y/z.csv"), "z.csv");
    cr_assert_str_eq(abs, "/a/c");
    free(a);
    free(d);
    free(abs);
}

Test(yaml, parses_with_positions)
{
    const char *text = "sources:\n- table: products\n  path: sources/pg/products.csv\n"
                       "  system: pg\n- table: \"yes\"\n  extra: [1, 2]\n";
    struct yaml_node *root, *seq, *second;

    cr_assert_eq(yaml_parse_string("s.yml", text, strlen(text), &root), 0);
    seq = yaml_get(root, "sources");
    cr_assert_eq(seq->type, YAML_SEQ);
    cr_assert_eq(seq->n, 2);
    cr_assert_str_eq(yaml_get_str(seq->items[0], "path"), "sources/pg/products.csv");
    second = seq->items[1];
    cr_assert_eq(second->line, 5);
    cr_assert(yaml_get(second, "table")->quoted);
    cr_assert_eq(yaml_get(second, "extra")->n, 2);
    yaml_node_free(root);
}

Test(yaml, reports_line_and_column)
{
    const char *text = "a: 1\nb: [1, 2\nc: 3\n";
    struct yaml_node *root;

    error_quiet(1);
    cr_assert_eq(yaml_parse_string("bad.yml", text, strlen(text), &root), -1);
    cr_assert(strstr(error_last(), "bad.yml:") != NULL, "%s", error_last());
    cr_assert_null(root);
}

Test(yaml, checks_keys_and_suggests)
{
    static const char *const known[] = {"name", "question", "sql"};
    struct yaml_node *n;
    const char ok[] = "name: a\nsql: b\n", typo[] = "name: a\nsqll: b\n", odd[] = "zzz: 1\n";

    cr_assert_eq(yaml_parse_string("k.yml", ok, strlen(ok), &n), 0);
    cr_assert_eq(yaml_check_keys("k.yml", n, known, 3), 0);
    yaml_node_free(n);
    cr_assert_eq(yaml_parse_string("k.yml", typo, strlen(typo), &n), 0);
    cr_assert_eq(yaml_check_keys("k.yml", n, known, 3), -1);
    cr_assert_str_eq(error_last(), "k.yml:2:1: unknown key 'sqll' (did you mean 'sql'?)");
    yaml_node_free(n);
    cr_assert_eq(yaml_parse_string("k.yml", odd, strlen(odd), &n), 0);
    cr_assert_eq(yaml_check_keys("k.yml", n, known, 3), -1);
    cr_assert_str_eq(error_last(), "k.yml:1:1: unknown key 'zzz' (known: name, question, sql)");
    yaml_node_free(n);
}

Test(yaml, emits_round_trip)
{
    const char *text = "sources:\n- table: a\n  path: 'x: y'\n  system: s\n  tags:\n  - one\n";
    struct yaml_node *root, *again;
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(yaml_parse_string("t", text, strlen(text), &root), 0);
    yaml_emit(&sb, root);
    cr_assert_eq(yaml_parse_string("t2", sb.buf, sb.len, &again), 0, "%s", sb.buf);
    cr_assert_str_eq(yaml_get_str(yaml_get(again, "sources")->items[0], "path"), "x: y");
    cr_assert_str_eq(yaml_get(yaml_get(again, "sources")->items[0], "tags")->items[0]->value,
                     "one");
    yaml_node_free(root);
    yaml_node_free(again);
    strbuf_release(&sb);
}

Test(json, parse_build_print)
{
    const char *txt = "{\"a\": [1, \"x\"], \"b\": null}";
    struct json *j = json_parse("t", txt, strlen(txt)), *o;
    struct strbuf sb = STRBUF_INIT;
    double v;

    cr_assert_not_null(j);
    cr_assert_eq(json_size(json_get(j, "a")), 2);
    cr_assert_eq(json_num(json_at(json_get(j, "a"), 0), &v), 0);
    cr_assert_float_eq(v, 1.0, 1e-9);
    cr_assert_str_eq(json_str(json_at(json_get(j, "a"), 1)), "x");
    cr_assert(json_is_null(json_get(j, "b")));
    json_free(j);

    o = json_new_object();
    json_set_str(o, "q", "say \"hi\"\n");
    json_print(&sb, o, 0);
    cr_assert_str_eq(sb.buf, "{\"q\":\"say \\\"hi\\\"\\n\"}");
    json_free(o);
    strbuf_release(&sb);
}

Test(json, walks_arrays_and_objects_in_order)
{
    struct json *j = json_parse("t.json", "{\"a\": [1, 2, 3], \"b\": {\"x\": 1, \"y\": 2}}", 43);
    const struct json *e;
    double v, sum = 0;
    size_t n = 0;

    cr_assert_not_null(j);
    for (e = json_first(json_get(j, "a")); e; e = json_next(e), n++) {
        cr_assert_eq(json_num(e, &v), 0);
        sum += v * (double)(n + 1);
    }
    cr_assert_eq(n, 3);
    cr_assert_float_eq(sum, 1 + 4 + 9, 1e-9);
    e = json_first(json_get(j, "b"));
    cr_assert_str_eq(json_key(e), "x");
    cr_assert_str_eq(json_key(json_next(e)), "y");
    cr_assert_null(json_next(json_next(e)));
    cr_assert_null(json_first(json_get(json_get(j, "b"), "x")), "a number has no items");
    cr_assert_null(json_first(NULL));
    json_free(j);
}

Test(json, reports_position)
{
    error_quiet(1);
    cr_assert_null(json_parse("x.json", "{\n  \"a\": ,\n}", 12));
    cr_assert(strstr(error_last(), "x.json:2:") != NULL, "%s", error_last());
}

static int set_if_unset(const char *key, const char *value, void *ctx)
{
    (void)ctx;
    if (getenv(key))
        return 0;
    setenv(key, value, 1);
    return 1;
}

Test(env, parses_dotenv)
{
    const char *text = "# comment\nexport MDP_T_A=1\nMDP_T_B = \"two words\"\nMDP_T_C=x # note\n"
                       "MDP_T_D='q#z'\nbroken line\n";

    unsetenv("MDP_T_A");
    setenv("MDP_T_C", "kept", 1);
    error_quiet(1);
    cr_assert_eq(platform_parse_env(".env", text, set_if_unset, NULL), 3);
    cr_assert_str_eq(getenv("MDP_T_A"), "1");
    cr_assert_str_eq(getenv("MDP_T_B"), "two words");
    cr_assert_str_eq(getenv("MDP_T_C"), "kept");
    cr_assert_str_eq(getenv("MDP_T_D"), "q#z");
}

Test(strutil, edit_distance_and_closest)
{
    static const char *const keys[] = {"table", "path", "system", "options"};

    cr_assert_eq(str_edit_distance("path", "path"), 0);
    cr_assert_eq(str_edit_distance("pathh", "path"), 1);
    cr_assert_eq(str_edit_distance("PATH", "path"), 0);
    cr_assert_eq(str_edit_distance("", "abc"), 3);
    cr_assert_eq(str_edit_distance("kitten", "sitting"), 3);
    cr_assert_str_eq(str_closest("sytem", keys, 4, 2), "system");
    cr_assert_str_eq(str_closest("tabel", keys, 4, 2), "table");
    cr_assert_null(str_closest("zzzzzz", keys, 4, 2));
}

/* Every byte a value can hold (1..0x7f) is written so that it reads back the same. */
Test(yaml, emit_escapes_control_characters)
{
    char value[4];
    int c;

    for (c = 1; c < 0x80; c++) {
        struct yaml_node *map = yaml_new(YAML_MAP, NULL), *back = NULL;
        struct strbuf sb = STRBUF_INIT;

        snprintf(value, sizeof(value), "a%cb", c);
        yaml_map_set(map, "k", yaml_new(YAML_SCALAR, value));
        yaml_emit(&sb, map);
        cr_assert_eq(yaml_parse_string("t.yml", sb.buf, sb.len, &back), 0, "byte 0x%02X: %s", c,
                     sb.buf);
        cr_assert_str_eq(yaml_get_str(back, "k"), value, "byte 0x%02X", c);
        yaml_node_free(map);
        yaml_node_free(back);
        strbuf_release(&sb);
    }
}
