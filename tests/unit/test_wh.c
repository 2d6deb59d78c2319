/*
 * wh/: results from an in-memory DuckDB, value formatting, limits, the sandbox's text checks,
 * and the renderers.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "render/table.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

static struct wh *mem(void)
{
    struct wh *wh;
    cr_assert_eq(wh_open(":memory:", WH_READ_WRITE, &wh), 0);
    return wh;
}

Test(wh, typed_values)
{
    struct wh *wh = mem();
    struct wh_result *r;
    double v;

    cr_assert_eq(wh_query(wh,
                          "SELECT 42 AS i, 1.5::DOUBLE AS d, 12.30::DECIMAL(10,2) AS m, 'x' AS s, "
                          "NULL::INT AS n, DATE '2024-03-01' AS dt, TIMESTAMP '2024-03-01 "
                          "10:20:30' AS ts, true AS b, [1,2] AS l, -5::HUGEINT AS h",
                          NULL, &r),
                 0);
    cr_assert_eq(r->nrows, 1);
    cr_assert_str_eq(wh_result_text(r, 0, 0), "42");
    cr_assert_eq(r->cols[0].type, WH_T_INT);
    cr_assert_str_eq(wh_result_text(r, 0, 1), "1.5");
    cr_assert_str_eq(wh_result_text(r, 0, 2), "12.30");
    cr_assert_str_eq(r->cols[2].type_name, "DECIMAL(10,2)");
    cr_assert_eq(wh_result_num(r, 0, 2, &v), 0);
    cr_assert_float_eq(v, 12.3, 1e-9);
    cr_assert_eq(wh_result_num(r, 0, 3, &v), -1);
    cr_assert(wh_result_is_null(r, 0, 4));
    cr_assert_str_eq(wh_result_text(r, 0, 5), "2024-03-01");
    cr_assert_str_eq(wh_result_text(r, 0, 6), "2024-03-01 10:20:30");
    cr_assert_str_eq(wh_result_text(r, 0, 7), "true");
    cr_assert_str_eq(wh_result_text(r, 0, 8), "[1, 2]");
    cr_assert_str_eq(wh_result_text(r, 0, 9), "-5");
    cr_assert_eq(wh_result_col(r, "TS"), 6);
    wh_result_free(r);
    wh_close(wh);
}

Test(wh, doubles_print_plainly)
{
    struct wh *wh = mem();
    struct wh_result *r;

    cr_assert_eq(wh_query(wh,
                          "SELECT 70.0::DOUBLE, 0.1::DOUBLE, 1e20::DOUBLE, 123456.789::DOUBLE, "
                          "-2.5e-7::DOUBLE, 0::DOUBLE, 1.0/3",
                          NULL, &r),
                 0);
    cr_assert_str_eq(wh_result_text(r, 0, 0), "70.0");
    cr_assert_str_eq(wh_result_text(r, 0, 1), "0.1");
    cr_assert_str_eq(wh_result_text(r, 0, 2), "1e+20");
    cr_assert_str_eq(wh_result_text(r, 0, 3), "123456.789");
    cr_assert_str_eq(wh_result_text(r, 0, 4), "-2.5e-07");
    cr_assert_str_eq(wh_result_text(r, 0, 5), "0.0");
    cr_assert_str_eq(wh_result_text(r, 0, 6), "0.3333333333333333");
    wh_result_free(r);
    wh_close(wh);
}

Test(wh, row_cap_keeps_true_count)
{
    struct wh *wh = mem();
    struct wh_result *r;
    struct wh_limits lim = {0};

    lim.max_rows = 10;
    cr_assert_eq(wh_query(wh, "SELECT * FROM range(5000)", &lim, &r), 0);
    cr_assert_eq(r->nrows, 10);
    cr_assert_eq(r->total_rows, 5000);
    cr_assert(r->truncated);
    wh_result_free(r);
    wh_close(wh);
}

Test(wh, timeout_interrupts)
{
    struct wh *wh = mem();
    struct wh_result *r = NULL;
    struct wh_limits lim = {0};

    lim.timeout_ms = 200;
    error_quiet(1);
    cr_assert_eq(wh_query(wh, "SELECT count(*) FROM range(100000000000)", &lim, &r), -1);
    cr_assert(strstr(error_last(), "timeout") != NULL, "%s", error_last());
    cr_assert_null(r);
    wh_close(wh);
}

Test(wh, errors_carry_duckdb_message)
{
    struct wh *wh = mem();
    struct wh_result *r;

    error_quiet(1);
    cr_assert_eq(wh_query(wh, "SELECT * FROM missing_table", NULL, &r), -1);
    cr_assert(strstr(error_last(), "missing_table") != NULL);
    cr_assert_eq(wh_exec(wh, "CREATE TABLE t(i INT); INSERT INTO t VALUES (1), (2)"), 0);
    cr_assert(wh_relation_exists(wh, "main", "t"));
    cr_assert(!wh_relation_exists(wh, "main", "nope"));
    wh_close(wh);
}

Test(sandbox, text_allow_list)
{
    error_quiet(1);
    cr_assert_eq(sandbox_check_text("SELECT 1"), 0);
    cr_assert_eq(sandbox_check_text("  -- note\n/* c */ (WITH a AS (SELECT 1) SELECT * FROM a)"),
                 0);
    cr_assert_eq(sandbox_check_text("explain analyze select 1"), 0);
    cr_assert_eq(sandbox_check_text("PRAGMA table_info('t')"), 0);
    cr_assert_eq(sandbox_check_text("describe t"), 0);
    cr_assert_eq(sandbox_check_text("INSERT INTO t VALUES (1)"), -1);
    cr_assert(strstr(error_last(), "INSERT") != NULL);
    cr_assert_eq(sandbox_check_text("explain delete from t"), -1);
    cr_assert_eq(sandbox_check_text("PRAGMA threads=4"), -1);
    cr_assert_eq(sandbox_check_text("pragma table_info = 1"), -1);
    cr_assert_eq(sandbox_check_text("SET memory_limit='1TB'"), -1);
    cr_assert(strstr(error_last(), "settings") != NULL);
    cr_assert_eq(sandbox_check_text("ATTACH 'x.db'"), -1);
    cr_assert_eq(sandbox_check_text(""), -1);
    cr_assert_eq(sandbox_check_text("SELECT * FROM checkpoint()"), -1);
    cr_assert(strstr(error_last(), "checkpoint() writes") != NULL, "%s", error_last());
    cr_assert_eq(sandbox_check_text("from FORCE_CHECKPOINT (\n)"), -1);
    cr_assert_eq(sandbox_check_text("select 1 from t where x = 'checkpoint()'"), 0);
    cr_assert_eq(sandbox_check_text("select checkpoint from t -- checkpoint()"), 0);
}

Test(render, table_aligns_and_marks_null)
{
    const char *names[] = {"name", "n"};
    enum wh_type types[] = {WH_T_TEXT, WH_T_INT};
    struct wh_result *r = wh_result_new(2, names, types);
    const char *row1[] = {"apple", "5"}, *row2[] = {NULL, "12345"};
    struct strbuf sb = STRBUF_INIT;
    struct render_options o = {0, 0, 1};

    wh_result_add_row(r, row1);
    wh_result_add_row(r, row2);
    render_result(&sb, r, RENDER_TABLE, &o);
    cr_assert_str_eq(sb.buf, " name  |     n\n"
                             "-------+-------\n"
                             " apple |     5\n"
                             " NULL  | 12345\n"
                             "(2 rows)\n");
    strbuf_reset(&sb);
    render_result(&sb, r, RENDER_CSV, &o);
    cr_assert_str_eq(sb.buf, "name,n\napple,5\n,12345\n");
    strbuf_reset(&sb);
    render_result(&sb, r, RENDER_JSON, &o);
    cr_assert_str_eq(sb.buf,
                     "[{\"name\": \"apple\", \"n\": 5},\n {\"name\": null, \"n\": 12345}]\n");
    strbuf_reset(&sb);
    render_result(&sb, r, RENDER_MARKDOWN, &o);
    cr_assert_str_eq(sb.buf, "| name | n |\n| --- | ---: |\n| apple | 5 |\n| NULL | 12345 |\n");
    strbuf_release(&sb);
    wh_result_free(r);
}

Test(render, fits_width)
{
    const char *names[] = {"a", "b"};
    struct wh_result *r = wh_result_new(2, names, NULL);
    const char *row[] = {"a very long value that will not fit in twenty columns", "b"};
    struct strbuf sb = STRBUF_INIT;
    struct render_options o = {30, 0, 0};
    const char *line;

    wh_result_add_row(r, row);
    render_result(&sb, r, RENDER_TABLE, &o);
    for (line = sb.buf; *line;) {
        const char *nl = strchr(line, '\n');
        struct strbuf l = STRBUF_INIT;
        strbuf_add(&l, line, (size_t)(nl - line));
        cr_assert_leq(render_text_width(l.buf), 30, "too wide: %s", l.buf);
        strbuf_release(&l);
        line = nl + 1;
    }
    cr_assert(strstr(sb.buf, "\xe2\x80\xa6") != NULL);
    strbuf_release(&sb);
    wh_result_free(r);
}

/* Type names as duckdb_columns() spells them parse to the type a query result reports. */
Test(wh, type_names_parse_like_result_types)
{
    struct wh *wh = mem();
    struct wh_result *cols, *row;
    size_t i;

    cr_assert_eq(wh_exec(wh, "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t(a TINYINT, "
                             "b UBIGINT, c HUGEINT, d FLOAT, e DECIMAL(18,3), f VARCHAR, g mood, "
                             "h DATE, i TIME, j TIMESTAMP, k TIMESTAMPTZ, l TIMESTAMP_MS, "
                             "m INTERVAL, n UUID, o BLOB, p INTEGER[], q STRUCT(x INT), "
                             "r MAP(VARCHAR, INT), s BOOLEAN, u VARCHAR[2], v TIME WITH TIME "
                             "ZONE); INSERT INTO t(a) VALUES (1)"),
                 0);
    cr_assert_eq(wh_query(wh,
                          "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name "
                          "= 't' ORDER BY column_index",
                          NULL, &cols),
                 0);
    cr_assert_eq(wh_query(wh, "SELECT * FROM t", NULL, &row), 0);
    cr_assert_eq(cols->nrows, row->ncols);
    for (i = 0; i < cols->nrows; i++)
        cr_assert_eq(wh_type_parse(wh_result_text(cols, i, 1)), row->cols[i].type, "%s %s",
                     wh_result_text(cols, i, 0), wh_result_text(cols, i, 1));
    cr_assert_eq(wh_type_parse("GEOMETRY"), WH_T_OTHER);
    cr_assert_eq(wh_type_parse(NULL), WH_T_OTHER);
    wh_result_free(cols);
    wh_result_free(row);
    wh_close(wh);
}
