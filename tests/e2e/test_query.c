/*
 * End to end: `mdp query` and the sandbox, run through the built binary on a warehouse the
 * test creates.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static char *dir;

static void make_warehouse(void)
{
    struct tl_run r;

    dir = tl_tmpdir();
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --write -c \"CREATE TABLE t AS "
          "SELECT range AS id, 'name ' || range AS name, range * 2.5 AS amount FROM range(100)\"",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
}

static void drop_warehouse(void)
{
    tl_rmdir(dir);
    free(dir);
}

TestSuite(query, .init = make_warehouse, .fini = drop_warehouse);

Test(query, runs_sql_and_formats)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query -c 'SELECT count(*) AS n, "
          "sum(amount) AS s FROM t'",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "12375.0") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "(1 row)") != NULL);
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" query --warehouse w.duckdb --format csv -c 'SELECT id, "
          "name FROM t ORDER BY id LIMIT 2'",
          dir);
    cr_assert_str_eq(r.out.buf, "id,name\n0,name 0\n1,name 1\n");
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && MDP_WAREHOUSE=w.duckdb \"$MDP_BIN\" query --format json -c 'SELECT "
          "id FROM t ORDER BY id LIMIT 1'",
          dir);
    cr_assert_str_eq(r.out.buf, "[{\"id\": 0}]\n");
    tl_run_release(&r);
}

Test(query, reads_stdin_when_not_a_terminal)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && echo 'SELECT max(id) AS m FROM t;' | \"$MDP_BIN\" --warehouse w.duckdb "
          "query --format csv",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "m\n99\n");
    tl_run_release(&r);
}

Test(query, errors_exit_1_with_duckdb_message)
{
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query -c 'SELECT nope FROM t'", dir);
    cr_assert_eq(r.code, 1);
    cr_assert(strstr(r.err.buf, "nope") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
}

Test(query, read_only_by_default)
{
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query -c 'DELETE FROM t'", dir);
    cr_assert_eq(r.code, 1);
    cr_assert(strstr(r.err.buf, "read-only") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
}

static void expect_refused(const char *sql, const char *why)
{
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --sandbox -c \"%s\"", dir, sql);
    cr_assert_eq(r.code, 1, "%s: exit %d", sql, r.code);
    cr_assert(strstr(r.err.buf, why) != NULL, "%s: %s", sql, r.err.buf);
    tl_run_release(&r);
}

Test(query, sandbox_refuses_writes_files_and_settings)
{
    expect_refused("INSERT INTO t VALUES (1, 'x', 1)", "INSERT");
    expect_refused("CREATE TABLE u (i INT)", "CREATE");
    expect_refused("COPY t TO '/tmp/mdp-leak.csv'", "COPY");
    expect_refused("ATTACH 'other.duckdb'", "ATTACH");
    expect_refused("INSTALL httpfs", "INSTALL");
    expect_refused("LOAD httpfs", "LOAD");
    expect_refused("SELECT * FROM read_csv('/etc/passwd')", "disabled by configuration");
    expect_refused("SET threads = 1", "SET");
    expect_refused("SELECT 1; SELECT 2", "2 statements");
    expect_refused("PRAGMA enable_profiling", "PRAGMA");
}

Test(query, sandbox_allows_reads)
{
    static const char *ok[] = {"SELECT count(*) FROM t",
                               "DESCRIBE t",
                               "SUMMARIZE t",
                               "SHOW TABLES",
                               "PRAGMA table_info('t')",
                               "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
                               "EXPLAIN SELECT 1"};
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct tl_run r;
        tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --sandbox -c \"%s\"", dir,
              ok[i]);
        cr_assert_eq(r.code, 0, "%s: %s", ok[i], r.err.buf);
        tl_run_release(&r);
    }
}

Test(query, sandbox_stops_runaway_query)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --sandbox --timeout 300 -c "
          "'SELECT count(*) FROM range(1000000000000) a'",
          dir);
    cr_assert_eq(r.code, 1);
    cr_assert(strstr(r.err.buf, "timeout of 300 ms") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
}

/*
 * The red team, grown: results too big to copy or hold, and statements that write through
 * table functions. Each fails with exit 1 and a message, within the sandbox's limits.
 */
static void expect_bounded(const char *sql, const char *why, long max_ms)
{
    struct tl_run r;
    long bytes = -1, ms = -1;

    tl_sh(&r,
          "cd '%s' && s=$(date +%%s%%N); \"$MDP_BIN\" --warehouse w.duckdb query --sandbox "
          "--timeout 10000 -c \"%s\" >big.out; e=$?; echo \"$(wc -c <big.out) $(( ($(date "
          "+%%s%%N) - s) / 1000000 ))\"; rm -f big.out; exit $e",
          dir, sql);
    cr_assert_eq(sscanf(r.out.buf, "%ld %ld", &bytes, &ms), 2, "%s", r.out.buf);
    cr_assert_eq(r.code, 1, "%s: exit %d: %s", sql, r.code, r.err.buf);
    cr_assert(strstr(r.err.buf, why) != NULL, "%s: %s", sql, r.err.buf);
    cr_assert(bytes < 1000000, "%s: wrote %ld bytes", sql, bytes);
    cr_assert(ms < max_ms, "%s: took %ld ms", sql, ms);
    tl_run_release(&r);
}

Test(query, sandbox_bounds_huge_results, .timeout = 120)
{
    /* one value of 200 MB: more than the sandbox copies */
    expect_bounded("SELECT repeat('x', 200000000)", "error: ", 40000);
    /* 4 GB of rows: more than memory allows */
    expect_bounded("SELECT repeat('x', 400000) FROM range(10000)", "error: ", 40000);
    /* a result over the byte cap, fast */
    expect_bounded("SELECT repeat('x', 100000) FROM range(700)",
                   "refused: the result is larger than the limit of 64 MB", 40000);
    expect_refused("SELECT * FROM checkpoint()", "refused: checkpoint() writes");
    expect_refused("SELECT * FROM force_checkpoint()", "refused: force_checkpoint() writes");
}

/* Out of memory is exit 1 with a message, not the shell's 127 ("command not found"). */
Test(query, out_of_memory_is_exit_1, .timeout = 60)
{
    struct tl_run r;

    if (getenv("ASAN_OPTIONS"))
        cr_skip_test("ulimit -v and AddressSanitizer's shadow memory do not mix");
    tl_sh(&r,
          "cd '%s' && ulimit -v 900000 && \"$MDP_BIN\" --warehouse w.duckdb query -c "
          "\"SELECT repeat('x', 100000) FROM range(5000)\" >/dev/null",
          dir);
    cr_assert_eq(r.code, 1, "exit %d: %s", r.code, r.err.buf);
    cr_assert(strstr(r.err.buf, "ut of memory") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
}

/* A held lock: who holds it and what to do, without DuckDB's advice about its own CLI. */
Test(query, lock_message_names_the_holder, .timeout = 60)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' || exit 9; \"$MDP_BIN\" --warehouse w.duckdb query --write -c 'SELECT count(*) "
          "FROM range(100000000000)' >/dev/null 2>&1 & bg=$!; sleep 2; MDP_LOCK_TIMEOUT_MS=200 "
          "\"$MDP_BIN\" --warehouse w.duckdb query -c 'SELECT 1'; e=$?; kill $bg; wait $bg; "
          "exit $e",
          dir);
    cr_assert_eq(r.code, 1, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "is locked by another process (PID ") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "set MDP_LOCK_TIMEOUT_MS to wait longer") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "See also") == NULL, "%s", r.err.buf);
    tl_run_release(&r);
}

Test(query, sandbox_caps_rows_and_reports_true_count)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --sandbox --max-rows 5 -c "
          "'SELECT * FROM t'",
          dir);
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "(5 of 100 rows shown)") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
}

Test(cli, help_and_bad_usage)
{
    struct tl_run r;

    cr_assert_eq(tl_sh(&r, "\"$MDP_BIN\" --help"), 0);
    cr_assert(strstr(r.out.buf, "--project") && strstr(r.out.buf, "query"));
    tl_run_release(&r);
    cr_assert_eq(tl_sh(&r, "\"$MDP_BIN\" query --help"), 0);
    cr_assert(strstr(r.out.buf, "--format") && strstr(r.out.buf, "--sandbox"));
    tl_run_release(&r);
    cr_assert_eq(tl_sh(&r, "\"$MDP_BIN\" frobnicate"), 2);
    cr_assert(strstr(r.err.buf, "not an mdp command") != NULL);
    tl_run_release(&r);
    cr_assert_eq(tl_sh(&r, "\"$MDP_BIN\" query --format xml -c 'SELECT 1'"), 2);
    cr_assert(strstr(r.err.buf, "unknown format 'xml'") != NULL);
    tl_run_release(&r);
    cr_assert_eq(tl_sh(&r, "\"$MDP_BIN\""), 2);
    tl_run_release(&r);
}

Test(cli, missing_warehouse_is_explained)
{
    struct tl_run r;
    char *empty = tl_tmpdir();

    tl_sh(&r, "cd '%s' && MDP_WAREHOUSE= \"$MDP_BIN\" query -c 'SELECT 1'", empty);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "no warehouse found") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse nope.duckdb query -c 'SELECT 1'", empty);
    cr_assert_eq(r.code, 1);
    cr_assert(strstr(r.err.buf, "mdp pipeline") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
    tl_rmdir(empty);
    free(empty);
}

Test(cli, finds_platform_by_walking_up)
{
    struct tl_run r;
    char *root = tl_tmpdir();

    tl_write(root, "sources/sources.yml", "sources: []\n");
    tl_sh(
        &r,
        "cd '%s' && \"$MDP_BIN\" query --write -c 'CREATE TABLE x AS SELECT 7 AS v' >/dev/null && "
        "mkdir -p a/b/c && cd a/b/c && \"$MDP_BIN\" query --format csv -c 'SELECT v FROM x'",
        root);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "v\n7\n");
    tl_run_release(&r);
    tl_rmdir(root);
    free(root);
}

/* Every statement's result in order, as the duckdb CLI shows them, from -c, -f and stdin. */
Test(query, shows_each_statement_result)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --format csv -c 'SELECT 1 AS a; "
          "SELECT max(id) AS m FROM t; SELECT 3 AS c'",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "a\n1\nm\n99\nc\n3\n");
    tl_run_release(&r);

    tl_write(dir, "two.sql", "-- two queries\nSELECT 1 AS a;\n\nSELECT 2 AS b;\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --format csv -f two.sql", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "a\n1\nb\n2\n");
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && printf 'SELECT 1 AS a;\\nSELECT 2 AS b;\\n' | \"$MDP_BIN\" --warehouse "
          "w.duckdb query --format csv",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "a\n1\nb\n2\n");
    tl_run_release(&r);

    /* statements that are not queries show nothing, as in the duckdb CLI */
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --write --format csv -c 'CREATE "
          "TABLE u AS SELECT 1 AS a; INSERT INTO u VALUES (2); SELECT count(*) AS n FROM u'",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "n\n2\n");
    tl_run_release(&r);

    /* the first failure stops the script, after the results before it */
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --format csv -c 'SELECT 1 AS a; "
          "SELECT nope FROM t; SELECT 3 AS c'",
          dir);
    cr_assert_eq(r.code, 1);
    cr_assert_str_eq(r.out.buf, "a\n1\n");
    cr_assert(strstr(r.err.buf, "nope") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
}

/* Dot commands work in -c, -f and piped input, between statements. */
Test(query, dot_commands_outside_the_shell)
{
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --format csv -c .tables", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "name,kind\nmain.t,table\n");
    tl_run_release(&r);

    tl_write(dir, "dots.sql",
             "SELECT 1 AS a;\n.schema t\n.format json\nSELECT 2 AS b;\n.schema\n.timer off\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --format csv -f dots.sql", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(!strncmp(r.out.buf, "a\n1\ncolumn_name,column_type,", 27), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "\nname,VARCHAR,") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "[{\"b\": 2}]\n") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "{\"table\": \"main.t\", \"column\": \"amount\"") != NULL, "%s",
              r.out.buf);
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && printf '.tables\\n.quit\\nSELECT 1;\\n' | \"$MDP_BIN\" --warehouse w.duckdb "
          "query --format csv",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "name,kind\nmain.t,table\n");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query -c '.tabels'", dir);
    cr_assert_eq(r.code, 1);
    cr_assert_str_eq(r.err.buf, "error: unknown command '.tabels' (did you mean '.tables'?); "
                                ".help lists them\n");
    tl_run_release(&r);
}

/* --format json: lists, structs, maps and arrays as JSON arrays and objects, not strings. */
Test(query, json_nested_values)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --format json -c \"SELECT "
          "{'a': 1, 'b': ['x\\\"y', NULL]} AS s, [1.5, 2] AS l, map([1, 2], ['one', 'two']) AS "
          "m, [1, 2]::INTEGER[2] AS arr, [DATE '2024-01-02'] AS d, NULL::INTEGER[] AS n\"",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf,
                     "[{\"s\": {\"a\": 1, \"b\": [\"x\\\"y\", null]}, \"l\": [1.5, 2.0], "
                     "\"m\": {\"1\": \"one\", \"2\": \"two\"}, \"arr\": [1, 2], \"d\": "
                     "[\"2024-01-02\"], \"n\": null}]\n");
    tl_run_release(&r);
}

/* A row cap never cuts silently: a note on stderr says where and why, in every format. */
Test(query, row_cap_says_so)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --sandbox --format csv -c 'SELECT "
          "* FROM range(10010)'",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.err.buf,
                     "note: result cut at 10000 of 10010 rows (the sandbox's limit); add a LIMIT "
                     "or aggregate, or run without --sandbox to get every row\n");
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --max-rows 3 --format json -c "
          "'SELECT id FROM t'",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.err.buf, "note: result cut at 3 of 100 rows (--max-rows 3)\n");
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --sandbox -c 'SELECT 1'", dir);
    cr_assert_str_eq(r.err.buf, "");
    tl_run_release(&r);
}

/*
 * Tab completion in the shell, typed through script(1)'s pseudo-terminal: a column from DuckDB's
 * sql_auto_complete(), a keyword in the case typed, dot commands and their arguments.
 */
Test(query, shell_tab_completion, .timeout = 60)
{
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && printf 'SELECT sum(amou\\t) AS s FROM t;\\n.tab\\t\\n.form\\tcs\\t\\nsel\\t "
          "42 AS x;\\n.quit\\n' | HOME='%s' TERM=dumb timeout 30 script -qfec '\"$MDP_BIN\" "
          "--no-color --warehouse w.duckdb query' /dev/null",
          dir, dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "mdp> SELECT sum(amount ) AS s FROM t;") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "12375.0") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "mdp> .tables \r\n name   | kind") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "mdp> .format csv \r\n") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "mdp> select  42 AS x;\r\nx\r\n42\r\n") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
}
