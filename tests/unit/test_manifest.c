/*
 * platform/manifest and platform/sync: parsing and validating sources.yml, rewriting it with
 * extra keys and comments intact, table names from file names, and sync on a temp folder.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "platform/manifest.h"
#include "platform/sync.h"
#include "testlib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

static int parse(const char *text, struct manifest *m)
{
    error_clear();
    return manifest_parse("sources.yml", text, strlen(text), m);
}

/* Parsing must fail with a message containing want. */
static void expect_error(const char *text, const char *want)
{
    struct manifest m;
    int quiet = error_quiet(1);

    cr_assert_eq(parse(text, &m), -1, "accepted: %s", text);
    error_quiet(quiet);
    cr_assert(strstr(error_last(), want) != NULL, "'%s' not in: %s", want, error_last());
}

Test(manifest, parses_entries_and_formats)
{
    struct manifest m;

    cr_assert_eq(parse("sources:\n- table: products\n  path: sources/pg/products.csv\n"
                       "  system: pg\n- table: ev\n  path: sources/a/ev.ndjson\n",
                       &m),
                 0);
    cr_assert_eq(m.n, 2);
    cr_assert_str_eq(m.sources[0].table, "products");
    cr_assert_str_eq(m.sources[0].system, "pg");
    cr_assert_eq(m.sources[0].format, SOURCE_CSV);
    cr_assert_null(m.sources[1].system);
    cr_assert_eq(m.sources[1].format, SOURCE_NDJSON);
    cr_assert_eq(m.sources[1].line, 5);
    cr_assert_not_null(manifest_find(&m, "PRODUCTS"));
    cr_assert_null(manifest_find(&m, "nope"));
    manifest_release(&m);
}

Test(manifest, empty_text_is_an_empty_manifest)
{
    struct manifest m;

    cr_assert_eq(parse("", &m), 0);
    cr_assert_eq(m.n, 0);
    manifest_add(&m, "t", "sources/a/t.csv", "a");
    cr_assert_eq(m.n, 1);
    manifest_release(&m);
    cr_assert_eq(parse("# only a comment\nsources:\n", &m), 0);
    cr_assert_eq(m.n, 0);
    manifest_release(&m);
}

Test(manifest, validation_names_line_column_and_fix)
{
    expect_error("sources:\n- path: sources/a/x.csv\n",
                 "sources.yml:2:3: source 1 has no 'table:'");
    expect_error("sources:\n- table: x\n  pathh: sources/a/x.csv\n",
                 "did you mean 'path' instead of 'pathh'?");
    expect_error("sources:\n- table: x\n", "sources.yml:2:3: source 'x' has no 'path:'");
    expect_error("sources:\n- table: a\n  path: sources/s/a.csv\n- table: A\n  path: "
                 "sources/s/b.csv\n",
                 "sources.yml:4:10: table 'A' is listed twice (also at line 2");
    expect_error("sources:\n- table: a\n  path: sources/s/a.xlsx\n",
                 "sources.yml:3:9: unsupported file type for 'sources/s/a.xlsx'");
    expect_error("sources:\n- table: [a, b]\n  path: x.csv\n", "'table' must be a single value");
    expect_error("sources:\n- just a string\n", "source 1 is a value");
    expect_error("sources: {a: 1}\n", "'sources' must be a list");
    expect_error("- a\n- b\n", "expected a mapping with a 'sources:' list");
    expect_error("sources:\n- table: my table\n  path: x.csv\n", "not a plain SQL identifier");
    expect_error("sources: [\n", "sources.yml:");
}

Test(manifest, rewrite_keeps_comments_extra_keys_and_order)
{
    const char *text = "# Source manifest.\n# Edit freely.\n\nowner: data team\nsources:\n"
                       "- table: b\n  path: sources/s/b.csv\n  system: s\n  description: the b "
                       "file\n  options:\n    delim: ';'\n"
                       "- table: a\n  path: sources/s/a.csv\n  system: s\n";
    struct manifest m, again;
    struct strbuf out = STRBUF_INIT;

    cr_assert_eq(parse(text, &m), 0);
    manifest_remove(&m, 1);
    manifest_add(&m, "c", "sources/t/c.parquet", "t");
    manifest_format(&m, &out);
    cr_assert(!strncmp(out.buf, "# Source manifest.\n# Edit freely.\n\nowner: data team\n", 52),
              "%s", out.buf);
    cr_assert(strstr(out.buf, "description: the b file\n") != NULL, "%s", out.buf);
    cr_assert(strstr(out.buf, "delim: ;") != NULL || strstr(out.buf, "delim: \";\"") != NULL, "%s",
              out.buf);
    cr_assert(strstr(out.buf, "- table: a") == NULL);
    cr_assert(strstr(out.buf, "- table: b") < strstr(out.buf, "- table: c"));
    cr_assert_eq(parse(out.buf, &again), 0, "%s", error_last());
    cr_assert_eq(again.n, 2);
    cr_assert_str_eq(again.sources[1].path, "sources/t/c.parquet");
    cr_assert_str_eq(yaml_get_str(again.root, "owner"), "data team");
    manifest_release(&again);
    manifest_release(&m);
    strbuf_release(&out);
}

Test(manifest, file_types)
{
    cr_assert_eq(source_format_of("a/b.CSV"), SOURCE_CSV);
    cr_assert_eq(source_format_of("b.csv.gz"), SOURCE_CSV);
    cr_assert_eq(source_format_of("b.parquet"), SOURCE_PARQUET);
    cr_assert_eq(source_format_of("b.json"), SOURCE_JSON);
    cr_assert_eq(source_format_of("b.jsonl"), SOURCE_NDJSON);
    cr_assert_eq(source_format_of("b.txt"), SOURCE_UNKNOWN);
    cr_assert_eq(source_format_of(".csv"), SOURCE_UNKNOWN);
    cr_assert_eq(source_suffix_len("x.csv.gz"), 7);
}

Test(sync, table_names_are_identifiers)
{
    static const char *cases[][2] = {
        {"products.csv", "products"},
        {"Order Items.csv", "order_items"},
        {"2024-leads.csv", "t_2024_leads"},
        {"StudentPerformanceFactors.csv", "studentperformancefactors"},
        {"--weird--name!!.parquet", "weird_name"},
        {"order.csv", "t_order"},
        {"événements.ndjson", "v_nements"},
        {"!!!.json", "t"},
        {"data.csv.gz", "data"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *name = sync_table_name(cases[i][0]);
        cr_expect_str_eq(name, cases[i][1], "%s", cases[i][0]);
        free(name);
    }
}

static char *read_manifest(const char *dir)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = fs_join(dir, MANIFEST_PATH);

    fs_read_file(&sb, path);
    free(path);
    return strbuf_detach(&sb, NULL);
}

Test(sync, adds_removes_and_keeps)
{
    char *dir = tl_tmpdir(), *text;
    struct sync_options opts = {0};
    struct sync_report r;
    int quiet;

    tl_write(dir, "sources/sources.yml",
             "# keep me\nsources:\n- table: kept\n  path: sources/b/kept.csv\n  system: b\n"
             "  owner: ana\n- table: gone\n  path: sources/b/gone.csv\n  system: b\n");
    tl_write(dir, "sources/b/kept.csv", "a\n1\n");
    tl_write(dir, "sources/b/Kept.csv", "a\n1\n");
    tl_write(dir, "sources/a/new.csv", "a\n1\n");
    tl_write(dir, "sources/a/notes.txt", "not a source\n");
    tl_write(dir, "sources/a/.hidden.csv", "a\n1\n");

    opts.dry_run = 1;
    quiet = error_quiet(1);
    cr_assert_eq(sync_run(dir, &opts, &r), 0);
    error_quiet(quiet);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.written, 0);
    sync_report_release(&r);
    text = read_manifest(dir);
    cr_assert(strstr(text, "gone") != NULL, "dry run wrote: %s", text);
    free(text);

    opts.dry_run = 0;
    quiet = error_quiet(1);
    cr_assert_eq(sync_run(dir, &opts, &r), 0);
    error_quiet(quiet);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.changes[0].op, '-');
    cr_assert_str_eq(r.changes[0].table, "gone");
    cr_assert_eq(r.changes[1].op, '+');
    cr_assert_str_eq(r.changes[1].table, "new");
    cr_assert_str_eq(r.changes[1].path, "sources/a/new.csv");
    /* Kept.csv sanitises to 'kept', which is taken: the system name is prefixed. */
    cr_assert_str_eq(r.changes[2].table, "b_kept");
    cr_assert_eq(r.total, 3);
    cr_assert(r.written);
    sync_report_release(&r);

    text = read_manifest(dir);
    cr_assert(!strncmp(text, "# keep me\n", 10), "%s", text);
    cr_assert(strstr(text, "  owner: ana\n") != NULL, "%s", text);
    cr_assert(strstr(text, "table: kept") < strstr(text, "table: new"), "%s", text);
    cr_assert(strstr(text, "gone") == NULL, "%s", text);
    free(text);

    cr_assert_eq(sync_run(dir, &opts, &r), 0);
    cr_assert_eq(r.n, 0, "second sync changed things");
    sync_report_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(sync, invalid_manifest_is_bad_input)
{
    char *dir = tl_tmpdir();
    struct sync_report r;
    int quiet;

    tl_write(
        dir, "sources/sources.yml",
        "sources:\n- table: a\n  path: sources/s/a.csv\n- table: a\n  path: sources/s/b.csv\n");
    quiet = error_quiet(1);
    cr_assert_eq(sync_run(dir, NULL, &r), -1);
    error_quiet(quiet);
    cr_assert(r.bad_input);
    sync_report_release(&r);
    tl_rmdir(dir);
    free(dir);
}
