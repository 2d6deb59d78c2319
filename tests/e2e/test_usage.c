/*
 * End to end: the rough edges a new user hits first: a --project that is not a platform, a
 * folder with only a dbt project, a .env outside the platform, options without their value,
 * mistyped commands.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

/* Every command but init and setup refuses a missing or non-platform --project (exit 2). */
Test(usage, project_must_be_a_platform)
{
    static const char *const cmds[] = {"sync",    "ingest",   "transform",
                                       "test",    "pipeline", "query -c 'SELECT 1'",
                                       "catalog", "eval"};
    char *empty = tl_tmpdir();
    struct tl_run r;
    size_t i;

    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        tl_sh(&r, "\"$MDP_BIN\" --project '%s/nope' %s", empty, cmds[i]);
        cr_expect_eq(r.code, 2, "%s: exit %d %s", cmds[i], r.code, r.err.buf);
        cr_expect(strstr(r.err.buf, "/nope': no such directory; make a platform there with `mdp "
                                    "setup --project") != NULL,
                  "%s: %s", cmds[i], r.err.buf);
        tl_run_release(&r);
        tl_sh(&r, "\"$MDP_BIN\" --project '%s' %s", empty, cmds[i]);
        cr_expect_eq(r.code, 2, "%s: exit %d %s", cmds[i], r.code, r.err.buf);
        cr_expect(strstr(r.err.buf, "is not a platform folder") != NULL, "%s: %s", cmds[i],
                  r.err.buf);
        tl_run_release(&r);
    }
    tl_sh(&r, "ls -A '%s'", empty);
    cr_assert_str_eq(r.out.buf, "", "a refused command wrote: %s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(empty);
    free(empty);
}

/* A folder with only a dbt project is a platform to init, sync and pipeline alike. */
Test(usage, dbt_project_only_folder, .timeout = 60)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_write(dir, "dbt_project/dbt_project.yml", "name: only\n");
    tl_write(dir, "dbt_project/models/one.sql", "select 1 as x\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" init", dir);
    cr_assert_eq(r.code, 1, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "already a platform folder (it has dbt_project/dbt_project.yml)"),
              "%s", r.err.buf);
    tl_run_release(&r);
    tl_sh(&r, "cd / && \"$MDP_BIN\" --project '%s' sync", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "sources/sources.yml: created with no sources"), "%s", r.out.buf);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && rm sources/sources.yml && \"$MDP_BIN\" pipeline", dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "transform ok"), "%s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

/* sync writes a sources.yml it can read back, whatever bytes a folder name holds. */
Test(usage, sync_round_trips_control_characters, .timeout = 60)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && for c in '\\v' '\\f' '\\a' '\\b' '\\033' '\\001' '\\177'; do "
          "d=\"sources/s$(printf \"$c\")x\"; mkdir -p \"$d\" && printf 'a\\n1\\n' >\"$d/t.csv\"; "
          "done && \"$MDP_BIN\" sync >/dev/null && \"$MDP_BIN\" sync && \"$MDP_BIN\" ingest",
          dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "up to date (7 sources)"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "7 loaded"), "%s", r.out.buf);
    tl_run_release(&r);
    tl_sh(&r, "grep -c 'x0B' '%s/sources/sources.yml'", dir);
    cr_assert_str_eq(r.out.buf, "2\n", "\\v not escaped");
    tl_run_release(&r);

    /* A raw control character typed by hand: the real line and column. */
    tl_sh(&r,
          "cd '%s' && printf 'sources:\\n- table: a\\n  path: \"x\\v\"\\n' >sources/sources.yml "
          "&& \"$MDP_BIN\" sync",
          dir);
    cr_assert_eq(r.code, 2, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "sources/sources.yml:3:11: control characters are not allowed "
                                "(byte 0x0B)") != NULL,
              "%s", r.err.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

/* Only the platform root's .env counts: one planted in a parent folder redirects nothing. */
Test(usage, env_from_the_platform_root_only, .timeout = 60)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_write(dir, ".env", "MDP_WAREHOUSE=planted.duckdb\n");
    tl_write(dir, "plat/sources/sources.yml", "sources: []\n");
    tl_sh(&r,
          "cd '%s/plat' && unset MDP_WAREHOUSE; \"$MDP_BIN\" -v query --write -c 'CREATE TABLE "
          "t AS SELECT 1 AS i' && ls ../planted.duckdb warehouse/data.duckdb",
          dir);
    cr_assert_neq(r.code, 0, "the parent's .env was read: %s", r.out.buf);
    cr_assert(strstr(r.out.buf, "warehouse/data.duckdb"), "%s%s", r.out.buf, r.err.buf);
    cr_assert(!strstr(r.out.buf, "planted"), "%s", r.out.buf);
    cr_assert(!strstr(r.err.buf, "read "), "%s", r.err.buf);
    tl_run_release(&r);

    tl_write(dir, "plat/.env", "MDP_WAREHOUSE=mine.duckdb\n");
    tl_sh(&r,
          "cd '%s/plat' && unset MDP_WAREHOUSE; \"$MDP_BIN\" -v query --write -c 'CREATE TABLE "
          "t AS SELECT 1 AS i' && ls mine.duckdb",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "plat/.env (1 setting)"), "%s", r.err.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

/*
 * An option without its value is one error that says so (getopt's own message is not printed),
 * for every command's options that take a value; mistyped options and commands get "did you
 * mean".
 */
Test(usage, options_without_value_and_typos)
{
    static const char *const cmds[] = {
        "query -c",         "query -f",
        "query --format",   "query --max-rows",
        "query --timeout",  "generate --scale",
        "generate --seed",  "setup --scale",
        "setup --seed",     "transform --select",
        "transform --vars", "transform --threads",
        "test --select",    "eval -j",
        "eval --timeout",   "eval --answers",
        "eval --junit",     "analyze --table",
        "analyze --top",    "dashboard build -o",
        "serve -p",         "serve --host",
    };
    char *dir = tl_tmpdir();
    struct tl_run r;
    size_t i;

    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        const char *opt = strrchr(cmds[i], ' ') + 1;
        char want[64];

        snprintf(want, sizeof(want), "error: option '%s' needs a value\n", opt);
        tl_sh(&r, "cd '%s' && \"$MDP_BIN\" %s", dir, cmds[i]);
        cr_expect_eq(r.code, 2, "%s: exit %d", cmds[i], r.code);
        cr_expect(!strncmp(r.err.buf, want, strlen(want)), "%s: %s", cmds[i], r.err.buf);
        cr_expect(strstr(r.err.buf + 1, "error:") == NULL, "%s: two errors: %s", cmds[i],
                  r.err.buf);
        tl_run_release(&r);
    }

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" generate --sacle 2", dir);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "error: unknown option '--sacle' (did you mean '--scale'?)"), "%s",
              r.err.buf);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" query -x", dir);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "error: unknown option '-x'\n"), "%s", r.err.buf);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" qurey -c 'SELECT 1'", dir);
    cr_assert_eq(r.code, 2);
    cr_assert_str_eq(r.err.buf, "error: 'qurey' is not an mdp command (did you mean 'query'?)\n");
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --project", dir);
    cr_assert_eq(r.code, 2);
    cr_assert_str_eq(r.err.buf, "error: option '--project' needs a value\n");
    tl_run_release(&r);
    tl_sh(&r, "ls -A '%s'", dir);
    cr_assert_str_eq(r.out.buf, "", "a refused command wrote: %s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}
