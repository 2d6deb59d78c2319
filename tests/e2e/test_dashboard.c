/*
 * End to end: `mdp dashboard build` and `mdp serve`. The sample platform's four pages are built
 * on a small sample warehouse and served, and headless Chromium (tests/browser/
 * check_dashboards.js over the DevTools pipe) checks every page as a person would see it, with
 * screenshots in build/dash-screenshots/. Broken pages build with their problems shown.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/xmalloc.h"

static const char *const sample_pages[] = {"overview", "sales", "products", "customers"};

static void file_has(const char *dir, const char *rel, const char *needle)
{
    char *path = fs_join(dir, rel);
    struct strbuf sb = STRBUF_INIT;

    cr_assert(fs_read_file(&sb, path) == 0, "cannot read %s", path);
    cr_assert(strstr(sb.buf, needle), "%s has no '%s'", path, needle);
    strbuf_release(&sb);
    free(path);
}

/* Starts `mdp ARGS --port 0` in dir (its pid in serve.pid, its URL in serve.out). */
static void start_serve(const char *dir, const char *args)
{
    struct tl_run r;
    int up;

    tl_sh(&r,
          "cd '%s' && { \"$MDP_BIN\" %s --port 0 >serve.out 2>serve.err & echo $! >serve.pid; }; "
          "for i in $(seq 100); do grep -q http serve.out 2>/dev/null && break; sleep 0.1; done; "
          "cat serve.out",
          dir, args);
    up = strstr(r.out.buf, "http://127.0.0.1:") != NULL;
    tl_run_release(&r);
    cr_assert(up, "mdp %s printed no URL", args);
}

Test(dashboard, sample_site_in_chromium, .timeout = 400)
{
    char *dir = tl_tmpdir(), *src = fs_absolute(tl_src());
    struct tl_run r;
    size_t i;

    /* init writes the pages; setup builds a small warehouse */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" -q init . && \"$MDP_BIN\" -q setup --scale 0.05", dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    for (i = 0; i < sizeof(sample_pages) / sizeof(sample_pages[0]); i++) {
        char *page = xstrfmt("%s/dashboards/%s.md", dir, sample_pages[i]);
        cr_assert(fs_is_file(page), "mdp init did not write %s", page);
        free(page);
    }

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" dashboard build", dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "site: 4 pages"), "%s", r.out.buf);
    cr_assert(!strstr(r.err.buf, "warning"), "%s", r.err.buf);
    tl_run_release(&r);
    file_has(dir, "site/index.html", "overview.html");
    file_has(dir, "site/overview.html", "class=\"bv-value\">$");
    file_has(dir, "site/overview.html", "_mdp/echarts.min.js");
    file_has(dir, "site/_mdp/echarts.min.js", "echarts");
    /* the year dropdown's choices are precomputed: each a file the page script knows */
    file_has(dir, "site/sales.html", "\"combos\":{\"year=");
    file_has(dir, "site/sales.1.html", "<select class=\"mdp-input\" name=\"year\">");

    /* a page with problems, added after the build: the server finds it */
    tl_write(dir, "dashboards/broken.md",
             "# Broken\n\n```sql bad\nselect no_such_column from marts.fct_orders\n```\n"
             "```sql good\nselect category, count(*) as n from marts.fct_orders group by 1\n```\n"
             "<Sparkline data={good}/>\n<BarChart data={good} x=category y=n/>\n"
             "<LineChart data={bad} x=a y=b/>\n");

    /* served on a free port; the browser checks every page and a dropdown change */
    start_serve(dir, "serve");
    tl_sh(&r,
          "cd '%s' && url=$(grep -o 'http://[^ ]*' serve.out) && node "
          "'%s/tests/browser/check_dashboards.js' \"$url\" '%s/build/dash-screenshots' overview "
          "sales products customers --dropdown sales --problems broken; rc=$?; kill $(cat "
          "serve.pid); "
          "exit $rc",
          dir, src, src);
    cr_assert_eq(r.code, 0, "the browser checks failed:\n%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "all checks passed"), "%s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
    free(src);
}

Test(dashboard, broken_pages_show_their_problems)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --write -c \"CREATE TABLE t AS "
          "SELECT range AS x, range * 2 AS y FROM range(10)\"",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    tl_write(dir, "pages/broken.md",
             "# Broken\n"
             "\n"
             "```sql good\n"
             "select x, y from t order by x desc\n"
             "```\n"
             "\n"
             "```sql bad\n"
             "select nope from t\n"
             "```\n"
             "\n"
             "<BigValue data={good} value=y/>\n"
             "<Sparkline data={good}/>\n"
             "<LineChart data={good} x=x y=y colour=red/>\n"
             "<BarChart data={bad} x=x y=y/>\n");
    tl_write(dir, "pages/fine.md",
             "---\ntitle: Fine page\n---\n```sql n\nselect 41 + 1 as answer\n```\n"
             "<BigValue data={n} value=answer fmt=num0/>\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb dashboard build pages -o out", dir);
    cr_assert_eq(r.code, 1, "a failed query exits 1: %d\n%s%s", r.code, r.out.buf, r.err.buf);
    cr_assert(strstr(r.err.buf, "pages/broken.md:7:1: query 'bad' failed"), "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "broken.md:12:1: unknown component <Sparkline>"), "%s", r.err.buf);
    cr_assert(strstr(r.err.buf, "broken.md:13:32: <LineChart> has no attribute 'colour'"), "%s",
              r.err.buf);
    tl_run_release(&r);
    file_has(dir, "out/broken.html", "class=\"mdp-error\"");
    file_has(dir, "out/broken.html", "unknown component &lt;Sparkline&gt;");
    file_has(dir, "out/broken.html", "class=\"bv-value\">18<");
    file_has(dir, "out/fine.html", "class=\"bv-value\">42<");
    file_has(dir, "out/index.html", "Fine page");
    tl_rmdir(dir);
    free(dir);
}

Test(dashboard, usage)
{
    struct tl_run r;

    tl_sh(&r, "\"$MDP_BIN\" dashboard --help && \"$MDP_BIN\" serve --help");
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "--max-queries") && strstr(r.out.buf, "--port") &&
              strstr(r.out.buf, "--host"));
    tl_run_release(&r);
    tl_sh(&r, "\"$MDP_BIN\" dashboard publish");
    cr_assert_eq(r.code, 2, "%s", r.err.buf);
    tl_run_release(&r);
    tl_sh(&r, "\"$MDP_BIN\" serve --port 99999");
    cr_assert_eq(r.code, 2, "%s", r.err.buf);
    tl_run_release(&r);
}

/* GET url with node (a test dependency already): "STATUS\nBODY". */
static int fetch(struct tl_run *r, const char *dir, const char *path)
{
    return tl_sh(r,
                 "cd '%s' && url=$(grep -o 'http://[^ ]*' serve.out) && node -e '"
                 "require(\"http\").get(process.argv[1], (r) => { let b = \"\"; "
                 "r.on(\"data\", (d) => b += d); r.on(\"end\", () => "
                 "console.log(r.statusCode + \"\\n\" + b)); })' \"${url%%/}%s\"",
                 dir, path);
}

Test(dashboard, evidence_project_and_live_changes, .timeout = 120)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --write -c \"CREATE SCHEMA marts; "
          "CREATE TABLE marts.orders AS SELECT range AS x, range * 10 AS amount FROM "
          "range(5)\"",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    tl_write(dir, "evidence/sources/warehouse/orders.sql", "select * from marts.orders;\n");
    tl_write(dir, "evidence/pages/index.md",
             "# Home\n\nSee [the detail](/reports/detail).\n\n"
             "```sql total\nselect sum(amount) as amount from warehouse.orders\n```\n"
             "<BigValue data={total} value=amount fmt=num0/>\n");
    tl_write(dir, "evidence/pages/reports/detail.md",
             "---\ntitle: Detail\n---\n"
             "```sql big\nselect o.x, o.amount from warehouse.orders o where o.x > 1\n```\n"
             "<DataTable data={big}/>\n"
             "```sql n\nselect count(*) as n from ${big}\n```\n"
             "<BigValue data={n} value=n/>\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb dashboard build . -o out", dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    tl_run_release(&r);
    file_has(dir, "out/index.html", "class=\"bv-value\">100<");
    file_has(dir, "out/index.html", "href=\"reports/detail.html\"");
    file_has(dir, "out/reports/detail.html", "href=\"../_mdp/dash.css\"");
    file_has(dir, "out/reports/detail.html", "class=\"bv-value\">3<");
    file_has(dir, "out/reports/detail.html", "<td class=\"num\">40</td>");

    start_serve(dir, "--warehouse w.duckdb serve .");
    fetch(&r, dir, "/reports/detail");
    cr_assert(!strncmp(r.out.buf, "200\n", 4) && strstr(r.out.buf, "<h1>Detail</h1>"), "%s",
              r.out.buf);
    tl_run_release(&r);
    /* the page's file changes: the next request shows it */
    tl_write(dir, "evidence/pages/reports/detail.md",
             "---\ntitle: Detail, edited\n---\n```sql n\nselect 7 as n\n```\n"
             "<BigValue data={n} value=n/>\n");
    fetch(&r, dir, "/reports/detail.html");
    cr_assert(strstr(r.out.buf, "<h1>Detail, edited</h1>") &&
                  strstr(r.out.buf, "class=\"bv-value\">7<"),
              "%s", r.out.buf);
    tl_run_release(&r);
    /* the warehouse changes: so does the page */
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" --warehouse w.duckdb query --write -c \"INSERT INTO "
          "marts.orders VALUES (9, 1000)\"",
          dir);
    cr_assert_eq(r.code, 0, "the warehouse is not free while serving: %s", r.err.buf);
    tl_run_release(&r);
    fetch(&r, dir, "/");
    cr_assert(strstr(r.out.buf, "class=\"bv-value\">1,100<"), "%s", r.out.buf);
    tl_run_release(&r);
    /* so does a source query */
    tl_write(dir, "evidence/sources/warehouse/orders.sql",
             "select * from marts.orders where x < 4\n");
    fetch(&r, dir, "/");
    cr_assert(strstr(r.out.buf, "class=\"bv-value\">60<"), "%s", r.out.buf);
    tl_run_release(&r);
    fetch(&r, dir, "/nope");
    cr_assert(!strncmp(r.out.buf, "404\n", 4), "%s", r.out.buf);
    tl_run_release(&r);
    fetch(&r, dir, "/_mdp/echarts.min.js");
    cr_assert(!strncmp(r.out.buf, "200\n", 4) && r.out.len > 500000, "%zu bytes", r.out.len);
    tl_run_release(&r);
    tl_sh(&r, "cd '%s' && kill $(cat serve.pid)", dir);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}
