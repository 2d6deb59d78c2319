/*
 * End to end: a malformed-input corpus (ragged rows, empty and header-only files, binary data,
 * bad UTF-8, renamed formats, a truncated gzip, a changed column set, a 1 MB line) ingested
 * over a loaded warehouse. For each: the exit code, the message, and the previous raw table
 * byte for byte as it was. Then the ways a user says a shape change is intended.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define MDP(r, dir, ...) tl_sh((r), "cd '%s' && \"$MDP_BIN\" " __VA_ARGS__)

/* "id,name,amount" and n good rows, a bad line `bad` at row `at` (0: none). */
static char *rows(size_t n, size_t at, const char *bad)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i;

    strbuf_addstr(&sb, "id,name,amount\n");
    for (i = 1; i <= n; i++) {
        if (i == at)
            strbuf_addf(&sb, "%s\n", bad);
        else
            strbuf_addf(&sb, "%zu,name %zu,%zu.25\n", i, i, i * 3);
    }
    return strbuf_detach(&sb, NULL);
}

/* A platform with raw.x (300 rows from sources/crm/x.csv) and raw.g (from a .csv.gz). */
static char *loaded_platform(void)
{
    char *dir = tl_tmpdir(), *text = rows(300, 0, NULL);
    struct tl_run r;

    tl_write(dir, "sources/crm/x.csv", text);
    tl_write(dir, "sources/crm/g.csv", text);
    free(text);
    MDP(&r, dir,
        "sync >/dev/null && gzip sources/crm/g.csv && \"$MDP_BIN\" sync >/dev/null && "
        "\"$MDP_BIN\" ingest",
        dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    return dir;
}

struct bad_file {
    const char *name;
    const char *file;  /* under sources/crm/ */
    const char *shell; /* writes the file (run in the platform folder) */
    const char *want;  /* in stderr */
};

static const struct bad_file corpus[] = {
    {"ragged row", "x.csv", "printf 'id,name,amount\\n1,a,1\\n2,b,2,9\\n3,c,3\\n' >\"$F\"",
     "sources/crm/x.csv:3: a row with 4 fields where the header has 3 (line text: 2,b,2,9); "
     "fix the row, or set one of these on the source in sources.yml: `options: {null_padding: "
     "true}`"},
    {"empty", "x.csv", ": >\"$F\"",
     "sources/crm/x.csv: refused: this load would replace raw.x (3 columns, 300 rows) with 1 "
     "column and 0 rows"},
    {"header only", "x.csv", "printf 'id,name,amount\\n' >\"$F\"",
     "the file has no rows where raw.x has 300; check the file, or if the change is intended "
     "run `mdp ingest --allow-schema-change x`"},
    {"binary", "x.csv", "head -c 200 /dev/zero >\"$F\"",
     "sources/crm/x.csv: the file holds binary data (a zero byte at offset 0), not CSV text"},
    {"bad utf-8", "x.csv", "printf 'id,name,amount\\n1,\\377\\376,3\\n' >\"$F\"",
     "sources/crm/x.csv:2: Invalid unicode (byte sequence mismatch) detected. This file is not "
     "utf-8 encoded; convert it to UTF-8"},
    {"gzip named .csv", "x.csv", "printf 'id\\n1\\n' | gzip >\"$F\"",
     "sources/crm/x.csv: the file is gzip-compressed, not CSV text; name it with a .csv.gz "
     "extension"},
    {"json named .csv", "x.csv", "printf '[{\"id\": 1}]' >\"$F\"",
     "sources/crm/x.csv: the file holds JSON, not CSV text"},
    {"truncated gzip", "g.csv.gz", "head -c 900 \"$F\" >\"$F.tmp\" && mv \"$F.tmp\" \"$F\"",
     "sources/crm/g.csv.gz: the gzip data is damaged or cut short"},
    {"changed columns", "x.csv", "printf 'id,label,amount\\n1,a,1\\n' >\"$F\"",
     "1 of its 3 columns would go (name)"},
    {"1 MB line", "x.csv",
     "{ printf 'id,name,amount\\n'; head -c 1000000 /dev/zero | tr '\\0' z; echo; } >\"$F\"",
     "sources/crm/x.csv:2: a row with 1 field where the header has 3 (line text: zzz"},
};

Test(malformed, corpus_keeps_the_previous_table, .timeout = 180)
{
    char *dir = loaded_platform();
    char *x0 = tl_table_digest(dir, "raw.x"), *g0 = tl_table_digest(dir, "raw.g");
    size_t i;

    for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
        const struct bad_file *c = &corpus[i];
        struct tl_run r;
        char *x, *g, *table = xstrdup(c->file);

        *strchr(table, '.') = '\0';
        tl_sh(&r, "cd '%s' && cp sources/crm/%s keep && F=sources/crm/%s && %s", dir, c->file,
              c->file, c->shell);
        cr_assert_eq(r.code, 0, "%s: %s", c->name, r.err.buf);
        tl_run_release(&r);
        MDP(&r, dir, "ingest %s", dir, table);
        cr_expect_eq(r.code, 1, "%s: exit %d\n%s%s", c->name, r.code, r.out.buf, r.err.buf);
        cr_expect(strstr(r.err.buf, c->want) != NULL, "%s: want [%s] in:\n%s", c->name, c->want,
                  r.err.buf);
        cr_expect(strstr(r.err.buf, "is unchanged") != NULL, "%s: %s", c->name, r.err.buf);
        tl_run_release(&r);
        x = tl_table_digest(dir, "raw.x");
        g = tl_table_digest(dir, "raw.g");
        cr_expect_str_eq(x, x0, "%s: raw.x changed", c->name);
        cr_expect_str_eq(g, g0, "%s: raw.g changed", c->name);
        free(x);
        free(g);
        tl_sh(&r, "cd '%s' && mv keep sources/crm/%s", dir, c->file);
        tl_run_release(&r);
        free(table);
    }
    free(x0);
    free(g0);
    tl_rmdir(dir);
    free(dir);
}

/* A ragged row inside DuckDB's sniffing sample, and one far past it: each names its line. */
Test(malformed, ragged_row_in_a_large_file_names_its_line, .timeout = 60)
{
    char *dir = loaded_platform();
    char *x0 = tl_table_digest(dir, "raw.x"), *text, *x;
    struct tl_run r;

    text = rows(30000, 100, "100,name,1,extra");
    tl_write(dir, "sources/crm/x.csv", text);
    free(text);
    MDP(&r, dir, "ingest x", dir);
    cr_assert_eq(r.code, 1, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "sources/crm/x.csv:101: a row with 4 fields where the header has "
                                "3 (line text: 100,name,1,extra); fix the row") != NULL,
              "%s", r.err.buf);
    tl_run_release(&r);

    text = rows(30000, 25000, "25000,name,1,extra");
    tl_write(dir, "sources/crm/x.csv", text);
    free(text);
    MDP(&r, dir, "ingest x", dir);
    cr_assert_eq(r.code, 1, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "sources/crm/x.csv:25001: ") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "`options: {ignore_errors: true}`") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "Error when sniffing") == NULL, "%s", r.err.buf);
    tl_run_release(&r);

    /* The suggested option works. */
    tl_sh(&r,
          "cd '%s' && sed -i 's|path: sources/crm/x.csv|&\\n  options: {null_padding: true, "
          "strict_mode: false}|' sources/sources.yml",
          dir);
    tl_run_release(&r);
    MDP(&r, dir, "ingest x", dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    x = tl_table_digest(dir, "raw.x");
    cr_assert_str_neq(x, x0);
    free(x);
    free(x0);
    tl_rmdir(dir);
    free(dir);
}

/* --allow-schema-change, or allow_schema_change: true on the source, lets the load replace. */
Test(malformed, schema_change_when_the_user_says_so, .timeout = 60)
{
    char *dir = loaded_platform();
    struct tl_run r;

    tl_write(dir, "sources/crm/x.csv", "id,label,amount,extra\n1,a,1,z\n");
    MDP(&r, dir, "ingest x", dir);
    cr_assert_eq(r.code, 1);
    tl_run_release(&r);
    MDP(&r, dir, "ingest --allow-schema-change x", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "schema change allowed: 1 of its 3 columns would go (name)"), "%s",
              r.out.buf);
    cr_assert(strstr(r.out.buf, "2 new columns: label, extra"), "%s", r.out.buf);
    tl_run_release(&r);

    /* A new column alone is fine, and reported. */
    tl_write(dir, "sources/crm/x.csv", "id,label,amount,extra,more\n1,a,1,z,2\n");
    MDP(&r, dir, "ingest x", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "1 new column: more"), "%s", r.out.buf);
    tl_run_release(&r);

    tl_write(dir, "sources/crm/x.csv", "id,label,amount,extra,more\n");
    MDP(&r, dir, "ingest x", dir);
    cr_assert_eq(r.code, 1);
    tl_run_release(&r);
    tl_sh(&r,
          "cd '%s' && sed -i 's|path: sources/crm/x.csv|&\\n  allow_schema_change: true|' "
          "sources/sources.yml",
          dir);
    tl_run_release(&r);
    MDP(&r, dir, "ingest x && \"$MDP_BIN\" query --format csv -c 'SELECT count(*) FROM raw.x'",
        dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "count_star()\n0\n"), "%s", r.out.buf);
    tl_run_release(&r);

    tl_sh(&r,
          "cd '%s' && sed -i 's|allow_schema_change: true|allow_schema_change: maybe|' "
          "sources/sources.yml",
          dir);
    tl_run_release(&r);
    MDP(&r, dir, "ingest x", dir);
    cr_assert_eq(r.code, 1);
    cr_assert(strstr(r.err.buf, "'allow_schema_change' of source 'x' must be true or false"), "%s",
              r.err.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}
