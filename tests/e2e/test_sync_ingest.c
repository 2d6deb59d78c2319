/*
 * End to end: `mdp sync` and `mdp ingest` on temporary platform folders, and on a copy of the
 * seed platform (real CSVs made outside this project), checked with SQL through `mdp query`.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

/* A new platform folder; the caller removes and frees it. */
static char *platform(void)
{
    char *dir = tl_tmpdir();
    char *src = fs_join(dir, "sources");

    fs_mkdirs(src, 0755);
    free(src);
    return dir;
}

static void done(char *dir)
{
    tl_rmdir(dir);
    free(dir);
}

/* Runs `mdp ARGS` in dir. */
#define MDP(r, dir, ...) tl_sh((r), "cd '%s' && \"$MDP_BIN\" " __VA_ARGS__)

static const char typed_csv[] = "id,Amount,Rate,When,Code,Mixed,US Date\n"
                                "1,\"$1,234.50\",45%,13/01/2022,007,10,01/13/2022\n"
                                "2,\"$20.00\",12.5%,02/03/2022,012,n/a,02/03/2022\n"
                                "3,\"-$3.10\",,05/04/2022,123,30,12/31/2022\n"
                                "4,,1%,01/01/2023,999,40,\n";

Test(sync_cli, adds_removes_and_reports)
{
    char *dir = platform();
    struct tl_run r;

    tl_write(dir, "sources/shop/Order Items.csv", "a\n1\n");
    tl_write(dir, "sources/crm/leads.ndjson", "{\"a\": 1}\n");
    MDP(&r, dir, "sync", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "+ leads (sources/crm/leads.ndjson)\n") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "+ order_items (sources/shop/Order Items.csv)\n") != NULL, "%s",
              r.out.buf);
    tl_run_release(&r);

    tl_sh(&r, "rm '%s/sources/crm/leads.ndjson'", dir);
    tl_run_release(&r);
    MDP(&r, dir, "sync --dry-run", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "- leads (sources/crm/leads.ndjson)\n") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "dry run") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_sh(&r, "grep -c 'table: leads' '%s/sources/sources.yml'", dir);
    cr_assert_str_eq(r.out.buf, "1\n", "dry run changed the manifest");
    tl_run_release(&r);

    MDP(&r, dir, "sync", dir);
    cr_assert(strstr(r.out.buf, "- leads") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    MDP(&r, dir, "sync", dir);
    cr_assert(strstr(r.out.buf, "up to date (1 source)") != NULL, "%s", r.out.buf);
    tl_run_release(&r);

    /* A second file whose name sanitises to a taken table name: warned and renamed. */
    tl_write(dir, "sources/crm/order-items.csv", "a\n1\n");
    MDP(&r, dir, "sync", dir);
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "+ crm_order_items (sources/crm/order-items.csv)") != NULL, "%s",
              r.out.buf);
    cr_assert(strstr(r.err.buf, "warning: ") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
    done(dir);
}

Test(sync_cli, duplicate_table_is_bad_input)
{
    char *dir = platform();
    struct tl_run r;

    tl_write(
        dir, "sources/sources.yml",
        "sources:\n- table: a\n  path: sources/s/a.csv\n- table: a\n  path: sources/s/b.csv\n");
    MDP(&r, dir, "sync", dir);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "sources/sources.yml:4:10: table 'a' is listed twice") != NULL,
              "%s", r.err.buf);
    tl_run_release(&r);
    MDP(&r, dir, "ingest", dir);
    cr_assert_eq(r.code, 2);
    tl_run_release(&r);
    done(dir);
}

Test(ingest, needs_a_manifest)
{
    char *dir = platform();
    struct tl_run r;

    MDP(&r, dir,
        "--warehouse warehouse/data.duckdb query --write -c 'SELECT 1' >/dev/null && "
        "\"$MDP_BIN\" ingest",
        dir);
    cr_assert_eq(r.code, 2, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "no sources/sources.yml") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "mdp sync") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
    done(dir);
}

Test(ingest, smart_types_and_notes)
{
    char *dir = platform();
    struct tl_run r;

    tl_write(dir, "sources/shop/orders.csv", typed_csv);
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "Amount: VARCHAR -> DECIMAL(18,2) (currency") != NULL, "%s",
              r.out.buf);
    cr_assert(strstr(r.out.buf, "Mixed: kept VARCHAR, 1 value does not parse as numbers, e.g. "
                                "'n/a'") != NULL,
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "Code: kept VARCHAR") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "US Date: VARCHAR -> DATE (month-first") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir,
                    "SELECT string_agg(data_type, ' ' ORDER BY column_index) FROM duckdb_columns() "
                    "WHERE schema_name = 'raw' AND table_name = 'orders'",
                    "BIGINT DECIMAL(18,2) DOUBLE DATE VARCHAR VARCHAR DATE");
    tl_expect_value(dir, "SELECT sum(Amount) FROM raw.orders", "1251.40");
    tl_expect_value(dir, "SELECT Rate FROM raw.orders WHERE id = 1", "0.45");
    tl_expect_value(dir, "SELECT strftime(\"When\", '%Y-%m-%d') FROM raw.orders WHERE id = 2",
                    "2022-03-02");
    tl_expect_value(dir, "SELECT \"US Date\" FROM raw.orders WHERE id = 2", "2022-02-03");
    tl_expect_value(dir, "SELECT Code FROM raw.orders WHERE id = 1", "007");

    /* --no-typing keeps the reader's types. */
    MDP(&r, dir, "ingest --no-typing", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT typeof(Amount) FROM raw.orders LIMIT 1", "VARCHAR");
    done(dir);
}

Test(ingest, date_order_from_values_file_or_nothing)
{
    char *dir = platform();
    struct tl_run r;

    /* Mixed separators keep both columns text for the reader; a decides day-first, b follows. */
    tl_write(dir, "sources/d/follow.csv", "a,b\n13/01/2022,01/02/2022\n02-03-2022,03-04-2022\n");
    /* Nothing decides: stays text, and says so. */
    tl_write(dir, "sources/d/undecided.csv", "id,b\n1,01/02/2022\n2,03-04-2022\n");
    /* The reader types it DATE itself, but no value decides the order: a note asks to check. */
    tl_write(dir, "sources/d/reader.csv", "id,d\n1,01/02/2022\n2,03/04/2022\n");
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "a: VARCHAR -> DATE (day-first, a part above 12 decides)") != NULL,
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "b: VARCHAR -> DATE (day-first, no value decides; read like "
                                "column a") != NULL,
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "b: kept VARCHAR, its values read as dates both day-first and "
                                "month-first") != NULL,
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "d: DATE, read ") != NULL, "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "no value decides between day-first and month-first") != NULL, "%s",
              r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT b FROM raw.follow WHERE a = DATE '2022-01-13'", "2022-02-01");
    tl_expect_value(dir, "SELECT typeof(b) FROM raw.undecided LIMIT 1", "VARCHAR");
    done(dir);
}

Test(ingest, failed_load_keeps_previous_table)
{
    char *dir = platform();
    struct tl_run r;

    tl_write(dir, "sources/a/good.csv", "id,name\n1,a\n2,b\n3,c\n");
    tl_write(dir, "sources/a/other.csv", "x\n1\n");
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);

    /* Broken: invalid UTF-8 on line 3. The other source changed too and must still load. */
    tl_sh(&r,
          "printf 'id,name\\n4,d\\n5,\\377\\376\\n' > '%s/sources/a/good.csv' && printf "
          "'x\\n1\\n2\\n' > '%s/sources/a/other.csv'",
          dir, dir);
    tl_run_release(&r);
    MDP(&r, dir, "ingest", dir);
    cr_assert_eq(r.code, 1, "%s", r.out.buf);
    cr_assert(strstr(r.err.buf, "sources/a/good.csv:3: ") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "raw.good is unchanged") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "FAILED") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT string_agg(name, ',' ORDER BY id) FROM raw.good", "a,b,c");
    tl_expect_value(dir, "SELECT count(*) FROM raw.other", "2");
    tl_expect_value(dir, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%__mdp_%'",
                    "0");

    /* --fail-fast: the failing source comes first, the other is not run. */
    tl_sh(&r, "printf 'x\\n1\\n2\\n3\\n' > '%s/sources/a/other.csv'", dir);
    tl_run_release(&r);
    MDP(&r, dir, "ingest --fail-fast", dir);
    cr_assert_eq(r.code, 1);
    cr_assert(strstr(r.out.buf, "not run") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT count(*) FROM raw.other", "2");
    done(dir);
}

Test(ingest, skips_unchanged_and_full_refresh)
{
    char *dir = platform();
    struct tl_run r;

    tl_write(dir, "sources/a/t.csv", "id\n1\n2\n");
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "1 loaded") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    MDP(&r, dir, "ingest", dir);
    cr_assert(strstr(r.out.buf, "0 loaded, 1 skipped") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    /* Touched, same content: still skipped (the content hash decides). */
    tl_sh(&r, "sleep 0.01 && touch '%s/sources/a/t.csv'", dir);
    tl_run_release(&r);
    MDP(&r, dir, "ingest", dir);
    cr_assert(strstr(r.out.buf, "1 skipped") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    MDP(&r, dir, "ingest --full-refresh", dir);
    cr_assert(strstr(r.out.buf, "1 loaded") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    /* Same size, new content: loaded. */
    tl_write(dir, "sources/a/t.csv", "id\n3\n4\n");
    MDP(&r, dir, "ingest t", dir);
    cr_assert(strstr(r.out.buf, "1 loaded") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT sum(id) FROM raw.t", "7");
    /* Options changed in the manifest: loaded again. */
    tl_write(dir, "sources/sources.yml",
             "sources:\n- table: t\n  path: sources/a/t.csv\n  system: a\n  options:\n    "
             "header: false\n    skip: 1\n");
    MDP(&r, dir, "ingest", dir);
    cr_assert(strstr(r.out.buf, "1 loaded") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT sum(column0) FROM raw.t", "7");
    MDP(&r, dir, "ingest nope", dir);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "unknown table 'nope'") != NULL, "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "lists: t") != NULL, "%s", r.err.buf);
    tl_run_release(&r);
    done(dir);
}

Test(ingest, parquet_json_and_late_type_changes)
{
    char *dir = platform();
    struct tl_run r;
    FILE *f;
    char *path;
    int i;

    tl_sh(&r,
          "cd '%s' && mkdir -p sources/lake && \"$MDP_BIN\" --warehouse scratch.duckdb query "
          "--write -c \"COPY (SELECT range AS id, 'n' || range AS name FROM range(50)) TO "
          "'sources/lake/items.parquet' (FORMAT parquet)\" && rm scratch.duckdb",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    tl_write(dir, "sources/lake/events.ndjson",
             "{\"id\": 1, \"kind\": \"a\"}\n{\"id\": 2, "
             "\"kind\": \"b\"}\n");
    tl_write(dir, "sources/lake/doc.json",
             "[{\"k\": \"x\", \"v\": 1.5}, {\"k\": \"y\", \"v\": 2}]");
    /* An integer column that turns to text after DuckDB's sniffing sample. */
    path = fs_join(dir, "sources/lake/late.csv");
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("id,v\n", f);
    for (i = 0; i < 30000; i++)
        fprintf(f, "%d,%d\n", i, i);
    fputs("30000,abc\n", f);
    fclose(f);
    free(path);

    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "sniffed from the whole file") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT count(*) FROM raw.items", "50");
    tl_expect_value(dir, "SELECT string_agg(kind, '' ORDER BY id) FROM raw.events", "ab");
    tl_expect_value(dir, "SELECT sum(v) FROM raw.doc", "3.5");
    tl_expect_value(dir, "SELECT count(*) || ' ' || typeof(any_value(v)) FROM raw.late",
                    "30001 VARCHAR");
    done(dir);
}

/* Writes dir/name: a header, 3000 rows of "$1,234.50"-like text, then the given tail. */
static void write_late_csv(const char *dir, const char *name, const char *tail)
{
    char *path = fs_join(dir, name), *parent = fs_dirname(path);
    FILE *f;
    int i;

    fs_mkdirs(parent, 0755);
    free(parent);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs("id,price\n", f);
    for (i = 0; i < 3000; i++)
        fprintf(f, "%d,\"$%d,%03d.%02d\"\n", i, 1 + i % 9, i % 1000, i % 100);
    fputs(tail, f);
    fclose(f);
    free(path);
}

Test(ingest, values_past_the_sample_are_checked)
{
    char *dir = platform();
    struct tl_run r;

    write_late_csv(dir, "sources/s/text_late.csv", "3000,n/a\n");
    write_late_csv(dir, "sources/s/scale_late.csv", "3000,\"$1.125\"\n");
    write_late_csv(dir, "sources/s/fits.csv", "3000,\"$7.5\"\n");
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "price: kept VARCHAR, 1 value does not parse as numbers, e.g. "
                                "'n/a'") != NULL,
              "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "price: VARCHAR -> DECIMAL(18,3)") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT price FROM raw.text_late WHERE id = 3000", "n/a");
    tl_expect_value(dir, "SELECT price FROM raw.scale_late WHERE id = 3000", "1.125");
    tl_expect_value(dir, "SELECT price FROM raw.scale_late WHERE id = 1", "2001.010");
    tl_expect_value(dir, "SELECT typeof(price) || ' ' || price FROM raw.fits WHERE id = 3000",
                    "DECIMAL(18,2) 7.50");
    done(dir);
}

static char *seed_dir(void)
{
    char *p = tl_seed_platform();

    cr_assert_not_null(p, "no seed platform: set MDP_SEED_PLATFORM to ../shared/seed-platform");
    return p;
}

Test(ingest, seed_platform_loads_with_types, .timeout = 120)
{
    char *seed = seed_dir(), *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r, "cp -r '%s/.' '%s/' && chmod -R u+w '%s'", seed, dir, dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    MDP(&r, dir, "sync", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "up to date (8 sources)") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    MDP(&r, dir, "ingest", dir);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "8 loaded, 0 skipped, 0 failed") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir,
                    "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND "
                    "estimated_size > 0",
                    "8");
    tl_expect_value(dir,
                    "SELECT string_agg(column_name || ':' || data_type, ' ' ORDER BY column_index) "
                    "FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = "
                    "'chocolate_sales' AND column_name IN ('Date', 'Amount')",
                    "Date:DATE Amount:DECIMAL(18,2)");
    tl_expect_value(dir,
                    "SELECT count(*) FROM raw.chocolate_sales WHERE Amount IS NULL OR \"Date\" "
                    "IS NULL",
                    "0");
    tl_expect_value(dir,
                    "SELECT min(\"Date\") < max(\"Date\") AND sum(Amount) > 0 FROM "
                    "raw.chocolate_sales",
                    "true");
    tl_expect_value(dir, "SELECT typeof(event_time) FROM raw.pageviews LIMIT 1", "TIMESTAMP");
    tl_expect_value(dir, "SELECT typeof(start_date) FROM raw.campaigns LIMIT 1", "DATE");
    tl_expect_value(dir, "SELECT typeof(total) FROM raw.transactions LIMIT 1", "DOUBLE");
    tl_expect_value(dir, "SELECT count(*) > 0 FROM raw.StudentPerformanceFactors", "true");
    /* Nothing changed: everything is skipped. */
    MDP(&r, dir, "ingest", dir);
    cr_assert(strstr(r.out.buf, "0 loaded, 8 skipped") != NULL, "%s", r.out.buf);
    tl_run_release(&r);
    done(dir);
    free(seed);
}

/*
 * A CSV of `ncols` columns c0, c1, ... and two rows, the columns in turn whole numbers,
 * currency, text, dd/mm/yyyy dates and percentages.
 */
static void write_wide_csv(const char *dir, const char *name, int ncols)
{
    struct strbuf sb = STRBUF_INIT;
    int i, row;

    for (i = 0; i < ncols; i++)
        strbuf_addf(&sb, "%sc%d", i ? "," : "", i);
    strbuf_addch(&sb, '\n');
    for (row = 0; row < 2; row++) {
        for (i = 0; i < ncols; i++) {
            if (i)
                strbuf_addch(&sb, ',');
            switch (i % 5) {
            case 0: strbuf_addf(&sb, "%d", i * 10 + row); break;
            case 1: strbuf_addf(&sb, "\"$%d,%d00.50\"", i % 999 + 1, row); break;
            case 2: strbuf_addf(&sb, "x%d", i); break;
            case 3: strbuf_addf(&sb, "%02d/%02d/2024", 13 + row, i % 9 + 1); break;
            default: strbuf_addf(&sb, "%d2.5%%", row + 1); break;
            }
        }
        strbuf_addch(&sb, '\n');
    }
    tl_write(dir, name, sb.buf);
    strbuf_release(&sb);
}

/* A wide file loads with every column, typed like a narrow one (item 8: it took minutes). */
Test(ingest, wide_file_loads_typed, .timeout = 600)
{
    char *dir = platform();
    struct tl_run r;

    write_wide_csv(dir, "sources/crm/wide.csv", 5000);
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "c1: VARCHAR -> DECIMAL(18,2) (currency") != NULL, "%.2000s",
              r.out.buf);
    tl_run_release(&r);
    tl_expect_value(
        dir,
        "SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name "
        "= 'wide'",
        "5000");
    tl_expect_value(
        dir,
        "SELECT string_agg(t || ' ' || n, ', ' ORDER BY t) FROM (SELECT data_type AS t, "
        "count(*) AS n FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = "
        "'wide' GROUP BY t)",
        "BIGINT 1000, DATE 1000, DECIMAL(18,2) 1000, DOUBLE 1000, VARCHAR 1000");
    tl_expect_value(dir,
                    "SELECT c4996 || ' ' || c4997 || ' ' || c4998 || ' ' || c4999 FROM raw.wide "
                    "ORDER BY c0 LIMIT 1",
                    "2000.50 x4997 2024-04-13 0.125");
    done(dir);
}

/* A line of more fields than a table may have is refused before it is read, saying why. */
Test(ingest, too_many_columns_refused)
{
    char *dir = platform();
    struct strbuf sb = STRBUF_INIT;
    struct tl_run r;
    int i;

    for (i = 0; i < 20000; i++)
        strbuf_addf(&sb, "%s%d", i ? "," : "", i);
    strbuf_addch(&sb, '\n');
    tl_write(dir, "sources/crm/huge.csv", sb.buf);
    strbuf_release(&sb);
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 1, "%s", r.out.buf);
    cr_assert(strstr(r.err.buf, "sources/crm/huge.csv: refused: its first line has 20000 fields, "
                                "more than the 10000 columns a table may have; split it") != NULL,
              "%s", r.err.buf);
    tl_run_release(&r);
    tl_expect_value(dir,
                    "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name "
                    "= 'huge'",
                    "0");
    done(dir);
}

/* Ctrl-C: the load under way rolls back, the rest are not run, and the report says so. */
Test(ingest, ctrl_c_rolls_back_and_reports, .timeout = 180)
{
    char *dir = platform();
    struct tl_run r;

    tl_write(dir, "sources/a/a_big.csv", "id,name\n1,a\n");
    tl_write(dir, "sources/a/z_small.csv", "x\n1\n");
    MDP(&r, dir, "sync && \"$MDP_BIN\" ingest", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);

    /* a file that takes seconds to load, and a change to the small one */
    tl_sh(&r,
          "awk 'BEGIN { print \"id,name,amount,day\"; for (i = 0; i < 4000000; i++) "
          "printf \"%%d,n%%d,%%d.50,2024-01-%%02d\\n\", i, i %% 997, i %% 1000, i %% 28 + 1 }' "
          "> '%s/sources/a/a_big.csv' && printf 'x\\n1\\n2\\n' > '%s/sources/a/z_small.csv'",
          dir, dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    tl_sh(&r,
          "cd '%s' && { \"$MDP_BIN\" --no-color ingest & p=$!; sleep 0.5; kill -INT $p; wait $p; }",
          dir);
    cr_assert_eq(r.code, 130, "exit %d\n%s%s", r.code, r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "interrupted while loading: rolled back, raw.a_big is as it was"),
              "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "2 not run (interrupted)"), "%s", r.out.buf);
    tl_run_release(&r);
    tl_expect_value(dir, "SELECT count(*) || ':' || max(name) FROM raw.a_big", "1:a");
    tl_expect_value(dir, "SELECT count(*) FROM raw.z_small", "1");
    tl_expect_value(dir, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%__mdp_%'",
                    "0");
    /* nothing was recorded for the interrupted load: the next run loads both */
    MDP(&r, dir, "ingest", dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "2 loaded"), "%s", r.out.buf);
    tl_run_release(&r);
    done(dir);
}
