/*
 * End to end: `mdp analyze SKILL` on two warehouses of different domains, each finding checked
 * against SQL written here, independently of the skill's own:
 *
 *   skills_sample   the sample e-commerce platform (`mdp setup --scale 0.2`): order lines with
 *                   a transaction_id reused by different customers and dates, product ids that
 *                   share a name, an order total repeated on every line;
 *   skills_grocery  a grocery chain's receipts (tests/e2e/data/grocery.sql): receiptNo reused
 *                   after a till reset, sku lines named through item_description, a planted
 *                   bread-and-butter pair, a planted spike on 2024-03-15, returns and lines
 *                   loaded twice;
 *   skills_refusal  a weather station's readings: no basket, no customer, no money; the skills
 *                   refuse and say what is missing.
 *
 * What is written here is the judgement (what a basket is, which amount is revenue); every
 * number is computed in SQL on the same warehouse. The warehouses are built once per run, under
 * a lock, in the directory test_catalog.c's PRE_ALL hook makes ($MDP_CATALOG_TEST_DIR; it is
 * removed at the end of the run).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

static char *fx;          /* the warehouse's folder (freed by fixture_close) */
static struct json *last; /* the last JSON parsed (freed by the next parse or the close) */
static struct json *last_q;

static void fixture_close(void)
{
    free(fx);
    fx = NULL;
    json_free(last);
    json_free(last_q);
    last = last_q = NULL;
}

/* Builds the warehouse `name` once per run (cmd: a shell line run in its folder). */
static void fixture(const char *name, const char *cmd)
{
    const char *root = getenv("MDP_CATALOG_TEST_DIR");
    char *lock, *ready, *failed;
    struct tl_run r;
    int fd;

    cr_assert(root && *root, "MDP_CATALOG_TEST_DIR is not set (test_catalog.c's PRE_ALL hook)");
    fx = xstrfmt("%s/skills-%s", root, name);
    lock = xstrfmt("%s.lock", fx);
    ready = xstrfmt("%s/.ready", fx);
    failed = xstrfmt("%s.failed", fx);
    fd = open(lock, O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    cr_assert(fd >= 0 && flock(fd, LOCK_EX) == 0, "cannot lock %s", lock);
    if (!fs_is_file(ready) && !fs_is_file(failed)) {
        fs_mkdirs(fx, 0755);
        if (tl_sh(&r, "cd '%s' && %s", fx, cmd) == 0)
            fs_write_atomic(ready, "", 0);
        else {
            struct strbuf sb = STRBUF_INIT;
            strbuf_addf(&sb, "`%s` exited %d\n%s%s", cmd, r.code, r.out.buf, r.err.buf);
            fs_write_atomic(failed, sb.buf, sb.len);
            strbuf_release(&sb);
        }
        tl_run_release(&r);
    }
    flock(fd, LOCK_UN);
    close(fd);
    if (fs_is_file(failed)) {
        struct strbuf sb = STRBUF_INIT;
        fs_read_file(&sb, failed);
        cr_assert_fail("building the %s warehouse failed:\n%.3000s", name, sb.buf);
    }
    free(lock);
    free(ready);
    free(failed);
}

static void sample_init(void)
{
    fixture("sample", "\"$MDP_BIN\" setup --scale 0.2 -q");
}

static void grocery_init(void)
{
    fixture("grocery", "mkdir -p warehouse && \"$MDP_BIN\" --warehouse warehouse/data.duckdb "
                       "query --write -f \"$MDP_SRC/tests/e2e/data/grocery.sql\" >/dev/null");
}

static void refusal_init(void)
{
    fixture("weather",
            "mkdir -p warehouse && \"$MDP_BIN\" --warehouse warehouse/data.duckdb query --write "
            "-c \"CREATE SCHEMA obs; CREATE TABLE obs.readings AS SELECT 'ST' || (i % 5) AS "
            "station, DATE '2024-01-01' + INTERVAL (i % 200) DAY AS reading_date, "
            "round(10 + (i * 7 % 30) - 15, 1) AS temperature_c, (i * 13) % 100 AS humidity_pct "
            "FROM range(1, 2001) t(i)\" >/dev/null");
}

/* Runs `mdp analyze ARGS --json` in the fixture; returns the parsed object and *code. */
static struct json *analyze(int *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static struct json *analyze(int *code, const char *fmt, ...)
{
    struct strbuf args = STRBUF_INIT;
    struct tl_run r;
    va_list ap;

    va_start(ap, fmt);
    strbuf_vaddf(&args, fmt, ap);
    va_end(ap);
    *code = tl_sh(&r, "cd '%s' && \"$MDP_BIN\" analyze %s --json", fx, args.buf);
    json_free(last);
    last = json_parse("analyze", r.out.buf, r.out.len);
    cr_assert(last && json_is_object(last), "`mdp analyze %s --json` exited %d:\n%s%s", args.buf,
              *code, r.out.buf, r.err.buf);
    tl_run_release(&r);
    strbuf_release(&args);
    return last;
}

/* Runs `mdp ask --json QUESTION` in the fixture; returns the parsed object. */
static struct json *ask(const char *question)
{
    struct tl_run r;
    int code = tl_sh(&r, "cd '%s' && \"$MDP_BIN\" ask --json \"%s\"", fx, question);

    json_free(last);
    last = json_parse("ask", r.out.buf, r.out.len);
    cr_assert(code == 0 && last && json_is_object(last), "`mdp ask --json` exited %d:\n%s%s", code,
              r.out.buf, r.err.buf);
    tl_run_release(&r);
    return last;
}

/* The first row of sql as a JSON object (`mdp query --format json`). */
static const struct json *query_row(const char *sql)
{
    struct tl_run r;
    int code = tl_sh(&r, "cd '%s' && \"$MDP_BIN\" query --format json -c \"%s\"", fx, sql);

    cr_assert_eq(code, 0, "query failed: %s\n%s", sql, r.err.buf);
    json_free(last_q);
    last_q = json_parse("query", r.out.buf, r.out.len);
    cr_assert(last_q && json_is_array(last_q) && json_size(last_q) > 0, "no row from %s:\n%s", sql,
              r.out.buf);
    tl_run_release(&r);
    return json_at(last_q, 0);
}

static double qnum(const char *sql)
{
    double v = NAN;

    cr_assert(json_num(json_first(query_row(sql)), &v) == 0, "not a number: %s", sql);
    return v;
}

/* Cell `col` of row i of the answer's table (by column name). */
static const struct json *cell(const struct json *a, size_t i, const char *col)
{
    const struct json *cols = json_get(a, "columns"), *rows = json_get(a, "rows");
    size_t k;

    cr_assert(rows && i < json_size(rows), "the answer has %zu rows, not %zu",
              rows ? json_size(rows) : 0, i + 1);
    for (k = 0; k < json_size(cols); k++)
        if (!strcmp(json_str(json_at(cols, k)), col))
            return json_at(json_at(rows, i), k);
    cr_assert_fail("the answer has no column %s", col);
    return NULL;
}

static double cnum(const struct json *a, size_t i, const char *col)
{
    double v = NAN;

    cr_assert(json_num(cell(a, i, col), &v) == 0, "%s is not a number", col);
    return v;
}

/* The value of metric `name` in the clv answer's table. */
static double metric(const struct json *a, const char *name)
{
    const struct json *rows = json_get(a, "rows");
    size_t i;

    for (i = 0; i < json_size(rows); i++)
        if (!strcmp(json_str(json_at(json_at(rows, i), 0)), name))
            return cnum(a, i, "value");
    cr_assert_fail("no metric %s", name);
    return NAN;
}

static int caveat_has(const struct json *a, const char *needle)
{
    const struct json *c;

    for (c = json_first(json_get(a, "caveats")); c; c = json_next(c))
        if (strstr(json_str(c), needle))
            return 1;
    return 0;
}

#define near(a, b) (fabs((a) - (b)) <= 0.005 + 1e-6 * fabs(b))

/* ---- bought together ------------------------------------------------------------------------ */

/*
 * The top pair by name, computed here: a basket is an id with the customer and the time
 * constant within it (the id is reused), an item the name of the product; each pair once per
 * basket.
 */
static void check_basket(const char *lines_sql, const char *answer_a, const char *answer_b)
{
    struct strbuf sql = STRBUF_INIT;
    const struct json *row;
    double together, baskets, na, nb;

    strbuf_addf(&sql,
                "WITH l AS (%s), p AS (SELECT x.item AS a, y.item AS b, count(*) AS n FROM l x "
                "JOIN l y ON x.basket = y.basket AND x.item < y.item GROUP BY 1, 2) SELECT n, "
                "(SELECT count(DISTINCT basket) FROM l) AS baskets, (SELECT count(*) FROM l "
                "WHERE item = a) AS na, (SELECT count(*) FROM l WHERE item = b) AS nb, a, b FROM "
                "p ORDER BY n DESC, a, b LIMIT 1",
                lines_sql);
    row = query_row(sql.buf);
    json_num(json_get(row, "n"), &together);
    json_num(json_get(row, "baskets"), &baskets);
    json_num(json_get(row, "na"), &na);
    json_num(json_get(row, "nb"), &nb);
    cr_expect_eq(cnum(last, 0, "baskets_together"), together);
    cr_expect_eq(cnum(last, 0, "baskets"), baskets);
    cr_expect(near(cnum(last, 0, "support"), round(together / baskets * 1e5) / 1e5));
    cr_expect(near(cnum(last, 0, "lift"), round(together * baskets / (na * nb) * 1e3) / 1e3),
              "lift %g", cnum(last, 0, "lift"));
    if (answer_a) {
        cr_expect_str_eq(json_str(cell(last, 0, "item_a")), answer_a);
        cr_expect_str_eq(json_str(cell(last, 0, "item_b")), answer_b);
    } else if (cnum(last, 1, "baskets_together") < together) {
        /* no tie: the pair itself must agree */
        cr_expect_str_eq(json_str(cell(last, 0, "item_a")), json_get_str(row, "a"));
        cr_expect_str_eq(json_str(cell(last, 0, "item_b")), json_get_str(row, "b"));
    }
    strbuf_release(&sql);
}

Test(skills_sample, basket, .init = sample_init, .fini = fixture_close, .timeout = 240)
{
    int code;
    struct json *a = analyze(&code, "basket --top 5");
    double reused = qnum("SELECT count(*) FROM (SELECT transaction_id FROM marts.fct_orders "
                         "GROUP BY 1 HAVING count(DISTINCT (user_id, transaction_date)) > 1)");
    char *want = xstrfmt("%.0f transaction_id values are reused", reused);

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect(strstr(json_get_str(a, "answer"), "Pairs are counted by product_name"), "%s",
              json_get_str(a, "answer"));
    cr_expect(reused > 0 && caveat_has(a, want), "no caveat '%s'", want);
    check_basket("SELECT DISTINCT (o.transaction_id, o.user_id, o.transaction_date) AS basket, "
                 "p.product_name AS item FROM marts.fct_orders o JOIN marts.dim_products p ON "
                 "p.product_id = o.product_id",
                 NULL, NULL);
    free(want);
}

Test(skills_grocery, basket, .init = grocery_init, .fini = fixture_close, .timeout = 120)
{
    int code;
    struct json *a = analyze(&code, "basket");

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    /* the planted pair, named, and the shared name disclosed */
    check_basket("SELECT DISTINCT (\\\"receiptNo\\\", store_no, sold_at) AS basket, "
                 "a.item_description AS item FROM shop.receipt_lines l JOIN shop.articles a "
                 "USING (sku)",
                 "Salted Butter", "Sourdough Bread");
    cr_expect(strstr(json_get_str(a, "answer"), "41 sku values share 40 names"), "%s",
              json_get_str(a, "answer"));
    cr_expect(caveat_has(a, "200 receiptNo values are reused"));
    cr_expect(strstr(json_get_str(a, "interpretation"), "receiptNo, store_no and sold_at"), "%s",
              json_get_str(a, "interpretation"));
    cr_expect(near(cnum(a, 0, "confidence_a_to_b"),
                   round(qnum("SELECT 800 / count(DISTINCT (\\\"receiptNo\\\", store_no, "
                              "sold_at)) FROM shop.receipt_lines WHERE sku = 'SKU-0004'") *
                         1e4) /
                       1e4));

    /* category-level affinity: --by a column of the item's table */
    a = analyze(&code, "basket --by department --top 3");
    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    check_basket("SELECT DISTINCT (\\\"receiptNo\\\", store_no, sold_at) AS basket, "
                 "a.department AS item FROM shop.receipt_lines l JOIN shop.articles a USING "
                 "(sku)",
                 NULL, NULL);
}

/* ---- lifetime value ------------------------------------------------------------------------- */

Test(skills_sample, clv, .init = sample_init, .fini = fixture_close, .timeout = 240)
{
    int code;
    struct json *a = analyze(&code, "clv");
    /* an order's total once per order (it repeats on its lines); the id is reused */
    static const char orders[] = "SELECT DISTINCT transaction_id, user_id, transaction_date, total "
                                 "FROM marts.fct_orders WHERE user_id IS NOT NULL";
    char *rev = xstrfmt("SELECT sum(total) FROM (%s)", orders);
    char *ord = xstrfmt("SELECT count(*) FROM (%s)", orders);
    double revenue = qnum(rev), norders = qnum(ord);
    double buyers = qnum("SELECT count(DISTINCT user_id) FROM marts.fct_orders");
    double customers = qnum("SELECT count(*) FROM marts.dim_customers");

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect(near(metric(a, "revenue"), revenue), "%f vs %f", metric(a, "revenue"), revenue);
    cr_expect_eq(metric(a, "orders"), norders);
    cr_expect_eq(metric(a, "buyers"), buyers);
    cr_expect_eq(metric(a, "customers"), customers);
    cr_expect(near(metric(a, "clv over buyers"), round(revenue / buyers * 100) / 100));
    cr_expect(near(metric(a, "clv over all customers"), round(revenue / customers * 100) / 100));
    cr_expect(strstr(json_get_str(a, "answer"), "CLV = average order value × purchase frequency"));
    cr_expect(caveat_has(a, "'cancelled'"), "the statuses that are not sales are disclosed");
    free(rev);
    free(ord);

    a = analyze(&code, "clv --by customer_segment");
    cr_assert_eq(code, 0);
    cr_expect(near(cnum(a, 0, "clv_buyers"),
                   qnum("SELECT round(max(r), 2) FROM (SELECT c.customer_segment, sum(o.total) / "
                        "count(DISTINCT o.user_id) AS r FROM (SELECT DISTINCT transaction_id, "
                        "user_id, transaction_date, total FROM marts.fct_orders) o JOIN "
                        "marts.dim_customers c USING (user_id) GROUP BY 1)")));
}

Test(skills_grocery, clv, .init = grocery_init, .fini = fixture_close, .timeout = 120)
{
    int code;
    struct json *a = analyze(&code, "clv");
    /* a line amount is summed; receipts without a card have no customer */
    double revenue = qnum("SELECT sum(line_amount) FROM shop.receipt_lines WHERE member_no IS "
                          "NOT NULL");
    double buyers = qnum("SELECT count(DISTINCT member_no) FROM shop.receipt_lines");
    double orders = qnum("SELECT count(DISTINCT (\\\"receiptNo\\\", store_no, sold_at)) FROM "
                         "shop.receipt_lines WHERE member_no IS NOT NULL");

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect(near(metric(a, "revenue"), revenue));
    cr_expect_eq(metric(a, "buyers"), buyers);
    cr_expect_eq(metric(a, "customers"), 600);
    cr_expect_eq(metric(a, "orders"), orders);
    cr_expect(near(metric(a, "average order value"), round(revenue / orders * 100) / 100));
    cr_expect(
        strstr(json_get_str(a, "interpretation"), "member_no (a foreign key to shop.members)"));
}

/* ---- anomalies and data quality ------------------------------------------------------------- */

Test(skills_grocery, anomalies, .init = grocery_init, .fini = fixture_close, .timeout = 120)
{
    int code;
    struct json *a = analyze(&code, "anomalies");
    const struct json *top =
        query_row("SELECT CAST(CAST(sold_at AS DATE) AS VARCHAR) AS d, sum(line_amount) AS v FROM "
                  "shop.receipt_lines GROUP BY 1 ORDER BY v DESC LIMIT 1");
    double v;

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect_str_eq(json_get_str(top, "d"), "2024-03-15");
    cr_expect_str_eq(json_str(cell(a, 0, "day")), "2024-03-15");
    json_num(json_get(top, "v"), &v);
    cr_expect(near(cnum(a, 0, "value"), v));
    cr_expect_gt(cnum(a, 0, "robust_z"), 3.5);
    cr_expect(strstr(json_get_str(a, "answer"), "The most unusual day is 2024-03-15"), "%s",
              json_get_str(a, "answer"));
    cr_expect(strstr(json_get_str(a, "interpretation"), "weekly seasonality"));
}

Test(skills_grocery, quality, .init = grocery_init, .fini = fixture_close, .timeout = 120)
{
    int code;
    struct json *a = analyze(&code, "quality");
    double copies = qnum("SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM "
                         "shop.receipt_lines)) FROM shop.receipt_lines");
    double negative = qnum("SELECT count(*) FROM shop.receipt_lines WHERE line_amount < 0");
    size_t i, seen = 0;

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect_eq(copies, 5);
    for (i = 0; i < json_size(json_get(a, "rows")); i++) {
        const char *kind = json_str(cell(a, i, "kind"));
        const struct json *col = cell(a, i, "column");
        if (!strcmp(kind, "duplicate rows")) {
            cr_expect_eq(cnum(a, i, "rows"), copies);
            seen |= 1;
        } else if (!strcmp(kind, "negative values") && !strcmp(json_str(col), "line_amount")) {
            cr_expect_eq(cnum(a, i, "rows"), negative);
            seen |= 2;
        }
    }
    cr_expect_eq(seen, 3, "findings: %s", json_get_str(a, "answer"));
}

Test(skills_sample, anomalies, .init = sample_init, .fini = fixture_close, .timeout = 240)
{
    int code;
    struct json *a = analyze(&code, "anomalies --top 3");
    double copies = qnum("SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM "
                         "marts.fct_orders)) FROM marts.fct_orders");
    char *want = xstrfmt("%.0f rows of marts.fct_orders are exact copies", copies);

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect(copies == 0 || strstr(json_get_str(a, "answer"), want), "%s",
              json_get_str(a, "answer"));
    cr_expect(strstr(json_get_str(a, "answer"), "The most unusual"));
    /* the series of the main dimension's top values: status, constant within an order */
    cr_expect(strstr(json_get_str(a, "answer"), "Most unusual for status = ") &&
                  strstr(json_get_str(a, "answer"), "status = completed: "),
              "%s", json_get_str(a, "answer"));
    cr_expect_str_eq(json_str(cell(a, 0, "series")), "(all)");
    free(want);
}

/* ---- refusals and usage --------------------------------------------------------------------- */

Test(skills_refusal, missing_inputs, .init = refusal_init, .fini = fixture_close, .timeout = 60)
{
    int code;
    struct json *a = analyze(&code, "basket");

    cr_expect_eq(code, 1);
    cr_expect(json_get(a, "unanswerable") &&
                  strstr(json_get_str(a, "answer"), "no repeating basket key"),
              "%s", json_get_str(a, "answer"));
    a = analyze(&code, "clv");
    cr_expect_eq(code, 1);
    cr_expect(strstr(json_get_str(a, "answer"), "customer key"), "%s", json_get_str(a, "answer"));
    a = analyze(&code, "basket --table obs.nothing");
    cr_expect_eq(code, 1);
    cr_expect(strstr(json_get_str(a, "answer"), "no table 'obs.nothing'"));
    /* the readings still have a time column: anomalies answer */
    a = analyze(&code, "anomalies");
    cr_expect_eq(code, 0, "%s", json_get_str(a, "answer"));
}

Test(skills_usage, help_and_bad_usage)
{
    struct tl_run r;

    cr_expect_eq(tl_sh(&r, "\"$MDP_BIN\" analyze --help"), 0);
    cr_expect(strstr(r.out.buf, "--table") && strstr(r.out.buf, "--by") &&
              strstr(r.out.buf, "--top") && strstr(r.out.buf, "--json") &&
              strstr(r.out.buf, "basket") && strstr(r.out.buf, "clv"));
    tl_run_release(&r);
    cr_expect_eq(tl_sh(&r, "\"$MDP_BIN\" analyze nosuch"), 2);
    cr_expect(strstr(r.err.buf, "unknown skill 'nosuch'"));
    tl_run_release(&r);
    cr_expect_eq(tl_sh(&r, "\"$MDP_BIN\" analyze basket --top 0"), 2);
    tl_run_release(&r);
    cr_expect_eq(tl_sh(&r, "\"$MDP_BIN\" analyze"), 2);
    tl_run_release(&r);
}

/* ---- distributions -------------------------------------------------------------------------- */

Test(skills_grocery, distribution, .init = grocery_init, .fini = fixture_close, .timeout = 120)
{
    int code;
    struct json *a = analyze(&code, "distribution --by line_amount");
    double n = qnum("SELECT count(line_amount) FROM shop.receipt_lines");
    double q1 = qnum("SELECT quantile_cont(line_amount, 0.25) FROM shop.receipt_lines");
    double q3 = qnum("SELECT quantile_cont(line_amount, 0.75) FROM shop.receipt_lines");
    double inside = 0, fence_hi = q3 + 1.5 * (q3 - q1), fence_lo = q1 - 1.5 * (q3 - q1);
    char *sql = xstrfmt("SELECT count(*) FROM shop.receipt_lines WHERE line_amount >= %.17g AND "
                        "line_amount <= %.17g",
                        fence_lo, fence_hi);
    size_t i;

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    /* the histogram holds every value inside the fences */
    for (i = 0; i < json_size(json_get(a, "rows")); i++)
        inside += cnum(a, i, "rows");
    cr_expect_eq(inside, qnum(sql));
    {
        char *want = xstrfmt("median $%.2f", qnum("SELECT quantile_cont(line_amount, 0.5) FROM "
                                                  "shop.receipt_lines"));
        cr_expect(strstr(json_get_str(a, "answer"), want), "%s", json_get_str(a, "answer"));
        free(want);
    }
    {
        char *want = xstrfmt("(%s values)", n == 10205 ? "10,205" : "?");
        cr_expect(strstr(json_get_str(a, "answer"), want), "%s", json_get_str(a, "answer"));
        free(want);
    }
    /* the planted spike's lines are the high outliers */
    cr_expect(strstr(json_get_str(a, "answer"), " high, "));
    free(sql);
}

/* ---- growth and drivers --------------------------------------------------------------------- */

Test(skills_grocery, growth, .init = grocery_init, .fini = fixture_close, .timeout = 120)
{
    int code;
    struct json *a = analyze(&code, "growth --by department");
    /* the data end on 2024-06-30: June is the latest complete month */
    double june = qnum("SELECT sum(line_amount) FROM shop.receipt_lines WHERE sold_at >= "
                       "'2024-06-01' AND sold_at < '2024-07-01'");
    double may = qnum("SELECT sum(line_amount) FROM shop.receipt_lines WHERE sold_at >= "
                      "'2024-05-01' AND sold_at < '2024-06-01'");
    const struct json *top = query_row(
        "SELECT department, sum(line_amount) FILTER (WHERE sold_at >= '2024-06-01') - "
        "sum(line_amount) FILTER (WHERE sold_at < '2024-06-01') AS change FROM "
        "shop.receipt_lines JOIN shop.articles USING (sku) WHERE sold_at >= '2024-05-01' AND "
        "sold_at < '2024-07-01' GROUP BY 1 ORDER BY change * sign((SELECT sum(line_amount) "
        "FILTER (WHERE sold_at >= '2024-06-01') - sum(line_amount) FILTER (WHERE sold_at < "
        "'2024-06-01') FROM shop.receipt_lines WHERE sold_at >= '2024-05-01')) DESC LIMIT 1");
    double change;
    char *want = xstrfmt("%s 2024 was $", "June");

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect(strstr(json_get_str(a, "answer"), want), "%s", json_get_str(a, "answer"));
    json_num(json_get(top, "change"), &change);
    cr_expect_str_eq(json_str(cell(a, 0, "value")), json_get_str(top, "department"));
    cr_expect(near(cnum(a, 0, "change"), change));
    cr_expect(near(cnum(a, 0, "share_of_change"), round(1000 * change / (june - may)) / 10));
    free(want);
}

/* ---- cohorts -------------------------------------------------------------------------------- */

Test(skills_grocery, cohorts, .init = grocery_init, .fini = fixture_close, .timeout = 120)
{
    int code;
    struct json *a = analyze(&code, "cohorts");
    size_t jan;
    /* members by the month of their first receipt; the share with a receipt a month later */
    double size = qnum("SELECT count(*) FROM (SELECT member_no FROM shop.receipt_lines WHERE "
                       "member_no IS NOT NULL GROUP BY 1 HAVING min(sold_at) < '2024-02-01')");
    double m1 = qnum(
        "WITH f AS (SELECT member_no FROM shop.receipt_lines WHERE member_no IS NOT NULL GROUP "
        "BY 1 HAVING min(sold_at) < '2024-02-01') SELECT round(100.0 * count(DISTINCT "
        "member_no) / (SELECT count(*) FROM f), 1) FROM shop.receipt_lines WHERE member_no IN "
        "(SELECT member_no FROM f) AND sold_at >= '2024-02-01' AND sold_at < '2024-03-01'");

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    jan = json_size(json_get(a, "rows")) - 1;
    cr_expect_str_eq(json_str(cell(a, jan, "cohort")), "2024-01");
    cr_expect_eq(cnum(a, jan, "customers"), size);
    cr_expect(near(cnum(a, jan, "m1"), m1), "%g vs %g", cnum(a, jan, "m1"), m1);
    /* June 2024 is the last month: the January cohort's seventh month is unknown */
    cr_expect(json_is_null(cell(a, jan, "m6")));
    cr_expect(!json_is_null(cell(a, jan, "m5")));
}

/* ---- funnels -------------------------------------------------------------------------------- */

Test(skills_sample, funnel, .init = sample_init, .fini = fixture_close, .timeout = 240)
{
    int code;
    struct json *a = analyze(&code, "funnel");
    /* sessions whose first search or category page comes at or after their first home page */
    double home = qnum("SELECT count(DISTINCT session_id) FROM staging.stg_pageviews WHERE "
                       "page_type = 'home'");
    double second = qnum(
        "WITH p AS (SELECT session_id, min(event_time) FILTER (WHERE page_type = 'home') AS h, "
        "min(event_time) FILTER (WHERE page_type IN ('search', 'category')) AS s FROM "
        "staging.stg_pageviews GROUP BY 1) SELECT count(*) FROM p WHERE h IS NOT NULL AND s >= h");

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect_str_eq(json_str(cell(a, 0, "step")), "home");
    cr_expect_eq(cnum(a, 0, "reached"), home);
    cr_expect(strstr(json_str(cell(a, 1, "step")), "search") &&
              strstr(json_str(cell(a, 1, "step")), "category"));
    cr_expect_eq(cnum(a, 1, "reached"), second);
    cr_expect(caveat_has(a, "'account'"), "a value that is no stage is named");
}

Test(skills_grocery, funnel_refused, .init = grocery_init, .fini = fixture_close, .timeout = 60)
{
    int code;
    struct json *a = analyze(&code, "funnel");

    cr_expect_eq(code, 1);
    cr_expect(strstr(json_get_str(a, "answer"), "no dated table has a column whose values name"),
              "%s", json_get_str(a, "answer"));
}

/* ---- campaign return on ad spend ------------------------------------------------------------ */

Test(skills_sample, roas, .init = sample_init, .fini = fixture_close, .timeout = 240)
{
    int code;
    struct json *a = analyze(&code, "roas");
    /*
     * an order's total once, even when its lines name several campaigns; spend once per
     * campaign row
     */
    double revenue = qnum("SELECT sum(total) FROM (SELECT DISTINCT transaction_id, user_id, "
                          "transaction_date, total FROM marts.fct_orders WHERE campaign_id IN "
                          "(SELECT campaign_id FROM staging.stg_campaigns))");
    double spend = qnum("SELECT sum(actual_spend) FROM staging.stg_campaigns");

    cr_assert_eq(code, 0, "%s", json_get_str(a, "answer"));
    cr_expect(near(cnum(a, 0, "total_revenue"), revenue), "%f vs %f", cnum(a, 0, "total_revenue"),
              revenue);
    cr_expect(near(cnum(a, 0, "total_spend"), spend));
    cr_expect(strstr(json_get_str(a, "interpretation"), "actual_spend"));
}

/*
 * `mdp ask` passes a skill what the question names: values to keep, the dimension after "per",
 * a percentile, the months of a cohort; each checked against SQL written here.
 */
Test(skills_sample, ask_passes_the_question, .init = sample_init, .fini = fixture_close,
     .timeout = 240)
{
    struct json *a;
    char *want;

    a = ask("What is the lifetime value per customer segment, counting refunded orders only?");
    cr_expect(strstr(json_get_str(a, "interpretation"), "status is 'refunded'"), "%s",
              json_get_str(a, "interpretation"));
    cr_expect(near(cnum(a, 0, "clv_buyers"),
                   qnum("SELECT round(max(r), 2) FROM (SELECT c.customer_segment, sum(o.total) / "
                        "count(DISTINCT o.user_id) AS r FROM (SELECT DISTINCT transaction_id, "
                        "user_id, transaction_date, total FROM marts.fct_orders WHERE status = "
                        "'refunded') o JOIN marts.dim_customers c USING (user_id) GROUP BY 1)")),
              "%f", cnum(a, 0, "clv_buyers"));

    a = ask("Which products are bought together with the highest lift?");
    cr_expect(strstr(json_get_str(a, "answer"), "Ranked by lift"), "%s", json_get_str(a, "answer"));
    cr_expect_geq(cnum(a, 0, "lift"), cnum(a, 1, "lift"));
    cr_expect_geq(cnum(a, 0, "baskets_together"), 5);

    a = ask("Show me the distribution of order totals. What is the p99?");
    want = xstrfmt("99th percentile $%.2f",
                   qnum("SELECT quantile_cont(total, 0.99) FROM (SELECT DISTINCT transaction_id, "
                        "user_id, transaction_date, total FROM marts.fct_orders)"));
    /* the answer writes thousands with commas: compare without them */
    {
        struct strbuf t = STRBUF_INIT;
        const char *p;
        for (p = json_get_str(a, "answer"); *p; p++)
            if (*p != ',' || !(p[1] >= '0' && p[1] <= '9'))
                strbuf_addch(&t, *p);
        cr_expect(strstr(t.buf, want), "%s\nwants %s", t.buf, want);
        strbuf_release(&t);
    }
    free(want);

    a = ask("Cohort retention: what share of the customers who first ordered in October 2024 "
            "ordered again in December 2024?");
    want = xstrfmt("%.1f%% ordered again in December 2024 (2 months later)",
                   qnum("WITH f AS (SELECT user_id, min(date_trunc('month', transaction_date)) "
                        "AS m FROM marts.fct_orders WHERE user_id IS NOT NULL GROUP BY 1), c AS "
                        "(SELECT user_id FROM f WHERE m = DATE '2024-10-01') SELECT 100.0 * "
                        "count(DISTINCT o.user_id) / (SELECT count(*) FROM c) FROM "
                        "marts.fct_orders o JOIN c USING (user_id) WHERE date_trunc('month', "
                        "o.transaction_date) = DATE '2024-12-01'"));
    cr_expect(strstr(json_get_str(a, "answer"), want), "%s\nwants %s", json_get_str(a, "answer"),
              want);
    free(want);
}
