/*
 * dash/: value formats, the page parser, markdown, and rendering pages with inputs on an
 * in-memory warehouse.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "dash/format.h"
#include "dash/markdown.h"
#include "dash/page.h"
#include "dash/render.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "wh/wh.h"

static void fmt_is(const char *spec, double v, const char *want)
{
    struct dash_fmt f;
    struct strbuf sb = STRBUF_INIT;

    cr_assert_eq(dash_fmt_parse(spec, &f), 0, "'%s' is not read as a format", spec);
    dash_fmt_number(&f, v, &sb);
    cr_assert_str_eq(sb.buf, want, "'%s' of %g: got '%s', want '%s'", spec, v, sb.buf, want);
    strbuf_release(&sb);
}

Test(dash_format, excel_codes)
{
    fmt_is("$#,##0", 1234.5, "$1,235");
    fmt_is("$#,##0.00", 1234567.891, "$1,234,567.89");
    fmt_is("#,##0.00", -0.5, "-0.50");
    fmt_is("0.0%", 0.1234, "12.3%");
    fmt_is("0%", 1, "100%");
    fmt_is("#,##0.0,,\"M\"", 12345678, "12.3M");
    fmt_is("#,##0,\"k\"", 12345, "12k");
    fmt_is("0", 41.6, "42");
    fmt_is("\"€\"#,##0.00", 3.14159, "€3.14");
    fmt_is("#,##0;(#,##0)", 1000, "1,000");
}

Test(dash_format, named)
{
    fmt_is("usd", 1234567, "$1.23M");
    fmt_is("usd", 412, "$412");
    fmt_is("usd0", 412.4, "$412");
    fmt_is("usd2", 412.125, "$412.13");
    fmt_is("usd1k", 412100, "$412.1k");
    fmt_is("eur0m", 42500000, "€43M");
    fmt_is("gbp", 5, "£5");
    fmt_is("pct1", 0.4567, "45.7%");
    fmt_is("pct", 0.5, "50.0%");
    fmt_is("num0", 18523.4, "18,523");
    fmt_is("num2", 11.2317, "11.23");
    fmt_is("num1m", 42540000, "42.5M");
    fmt_is("num0k", 64200, "64k");
    fmt_is("id", 921594675, "921594675");
    fmt_is("mult", 5.3, "5.3x");
}

Test(dash_format, dates_and_refusals)
{
    struct dash_fmt f;
    struct strbuf sb = STRBUF_INIT;
    double t = 1709288430; /* 2024-03-01 10:20:30 UTC, a Friday */

    cr_assert_eq(dash_fmt_parse("mmm yyyy", &f), 0);
    cr_assert_eq(f.kind, DASH_FMT_DATE);
    dash_fmt_time(f.date, t, &sb);
    cr_assert_str_eq(sb.buf, "Mar 2024");
    strbuf_reset(&sb);
    dash_fmt_time("yyyy-mm-dd hh:mm:ss", t, &sb);
    cr_assert_str_eq(sb.buf, "2024-03-01 10:20:30");
    strbuf_reset(&sb);
    cr_assert_eq(dash_fmt_parse("longdate", &f), 0);
    dash_fmt_time(f.date, t, &sb);
    cr_assert_str_eq(sb.buf, "March 1, 2024");
    strbuf_reset(&sb);
    cr_assert_eq(dash_fmt_parse("ddd", &f), 0);
    dash_fmt_time(f.date, t, &sb);
    cr_assert_str_eq(sb.buf, "Fri");
    strbuf_release(&sb);
    cr_assert_eq(dash_fmt_parse("dollars", &f), -1);
    cr_assert_eq(dash_fmt_parse("usd7", &f), -1);
    cr_assert_eq(dash_fmt_parse("", &f), -1);
    cr_assert_eq(dash_fmt_from_name("revenue_usd", &f), 0);
    cr_assert_str_eq(f.prefix, "$");
    cr_assert_eq(dash_fmt_from_name("customer_id", &f), -1);
    cr_assert_eq(dash_fmt_from_name("revenue", &f), -1);
}

Test(dash_page, blocks_queries_components)
{
    struct dash_page p;
    const struct dash_component *c;

    dash_page_parse("---\ntitle: \"Sales: 2024\"\n---\n"
                    "# Head\n\nSome *text*.\n\n"
                    "```sql orders\nselect 1 as n;\n```\n"
                    "<BigValue data={orders} value=n title=\"Orders\" fmt='$#,##0' swapXY/>\n"
                    "<DataTable\n  data={orders}\n  rows=5>\n"
                    "  <Column id=n title='N'/>\n  <Column id=m/>\n</DataTable>\n"
                    "```python\n<NotAComponent/>\n```\n"
                    "<LineChart y={[\"a\", \"b\"]}/> trailing text\n",
                    &p);
    cr_assert_str_eq(p.title, "Sales: 2024");
    cr_assert_eq(p.nqueries, 1);
    cr_assert_str_eq(p.queries[0].name, "orders");
    cr_assert_str_eq(p.queries[0].sql, "select 1 as n");
    cr_assert_eq(p.queries[0].line, 8);
    cr_assert_eq(p.nblocks, 7, "%zu blocks", p.nblocks);
    cr_assert_eq(p.blocks[0].kind, DASH_BLOCK_MARKDOWN);
    cr_assert_eq(p.blocks[1].kind, DASH_BLOCK_QUERY);
    cr_assert_eq(p.blocks[2].kind, DASH_BLOCK_COMPONENT);
    c = &p.blocks[2].component;
    cr_assert_str_eq(c->name, "BigValue");
    cr_assert_eq(c->line, 11);
    cr_assert_str_eq(dash_attr(c, "data"), "orders");
    cr_assert(dash_attr_find(c, "data")->braced);
    cr_assert_str_eq(dash_attr(c, "fmt"), "$#,##0");
    cr_assert_str_eq(dash_attr(c, "title"), "Orders");
    cr_assert_str_eq(dash_attr(c, "swapXY"), "true");
    c = &p.blocks[3].component;
    cr_assert_str_eq(c->name, "DataTable");
    cr_assert_str_eq(dash_attr(c, "rows"), "5");
    cr_assert_eq(c->nchildren, 2);
    cr_assert_str_eq(dash_attr(&c->children[0], "title"), "N");
    cr_assert_eq(c->children[1].line, 16);
    cr_assert_eq(p.blocks[4].kind, DASH_BLOCK_MARKDOWN); /* the python fence is text */
    cr_assert(strstr(p.blocks[4].text, "<NotAComponent/>"));
    cr_assert_str_eq(dash_attr(&p.blocks[5].component, "y"), "[\"a\", \"b\"]");
    cr_assert_eq(p.blocks[6].kind, DASH_BLOCK_MARKDOWN);
    cr_assert_str_eq(p.blocks[6].text, " trailing text\n");
    dash_page_release(&p);
}

Test(dash_page, problems_are_blocks)
{
    struct dash_page p;

    dash_page_parse("```sql\nselect 1\n```\n<BigValue data={x\n", &p);
    cr_assert_eq(p.nqueries, 0);
    cr_assert_eq(p.nblocks, 2);
    cr_assert_eq(p.blocks[0].kind, DASH_BLOCK_PROBLEM);
    cr_assert(strstr(p.blocks[0].text, "no name"), "%s", p.blocks[0].text);
    cr_assert_eq(p.blocks[1].kind, DASH_BLOCK_PROBLEM);
    cr_assert(strstr(p.blocks[1].text, "no closing }"), "%s", p.blocks[1].text);
    dash_page_release(&p);

    dash_page_parse("<Dropdown name=x>\n<DropdownOption value=1/>\n</Drop>\n</BarChart>\n", &p);
    cr_assert(p.nblocks >= 2);
    cr_assert_eq(p.blocks[0].kind, DASH_BLOCK_PROBLEM);
    cr_assert(strstr(p.blocks[0].text, "</Drop> closes <Dropdown>"), "%s", p.blocks[0].text);
    cr_assert_eq(p.blocks[p.nblocks - 1].kind, DASH_BLOCK_PROBLEM);
    cr_assert(strstr(p.blocks[p.nblocks - 1].text, "closes no open component"));
    dash_page_release(&p);
}

Test(dash_markdown, blocks_and_inline)
{
    struct strbuf h = STRBUF_INIT;
    struct markdown_options mo = {"../"};

    markdown_to_html("## Title #\n\nA **bold** and *em* `co<de>` [Sales](/sales) "
                     "[x](javascript:alert(1)) ![i](pic.png)\n"
                     "next line\n\n- one\n- two\n  more\n\n1. first\n\n| a | b |\n|---|--:|\n| 1 "
                     "| 2 |\n\n> quoted\n\n---\n<script>x</script>\n",
                     &mo, &h);
    cr_assert(strstr(h.buf, "<h2>Title</h2>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<strong>bold</strong> and <em>em</em> <code>co&lt;de&gt;</code>"),
              "%s", h.buf);
    cr_assert(strstr(h.buf, "<a href=\"../sales.html\">Sales</a>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<a href=\"#\">x</a>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<img src=\"pic.png\" alt=\"i\">"), "%s", h.buf);
    cr_assert(strstr(h.buf, " next line</p>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<ul>\n<li>one</li>\n<li>two more</li>\n</ul>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<ol>\n<li>first</li>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<th>a</th><th>b</th>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<td>1</td><td>2</td>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<blockquote><p>quoted</p></blockquote>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<hr>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "&lt;script&gt;"), "%s", h.buf);
    cr_assert(!strstr(h.buf, "<script>"), "%s", h.buf);
    strbuf_release(&h);
}

static struct wh *shop(void)
{
    struct wh *wh;

    cr_assert_eq(wh_open(":memory:", WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_exec(wh, "CREATE TABLE sales AS SELECT * FROM (VALUES "
                             "('Men''s', 2023, 10.0), ('Men''s', 2024, 30.0), "
                             "('Toys', 2023, 5.0), ('Toys', 2024, 7.5)) v(category, year, amount)"),
                 0);
    return wh;
}

static const char input_page[] =
    "# Sales in {inputs.cat.label}\n"
    "```sql cats\nselect distinct category from sales order by 1\n```\n"
    "<Dropdown data={cats} name=cat value=category title=\"Category\"/>\n"
    "```sql picked\nselect year, sum(amount) as amount from sales\n"
    "where category = '${inputs.cat.value}' group by 1 order by 1\n```\n"
    "```sql total\nselect sum(amount) as amount from ${picked}\n```\n"
    "<BigValue data={total} value=amount fmt=usd2/>\n"
    "<BarChart data={picked} x=year y=amount/>\n";

static int render(struct wh *wh, const char *text, const char *in_name, const char *in_value,
                  struct strbuf *html, struct dash_render_report *rep)
{
    struct dash_page p;
    struct dash_render_options o = {0};
    const char *names[1] = {in_name}, *values[1] = {in_value};
    int ret;

    dash_page_parse(text, &p);
    o.sandbox = wh;
    o.page_name = "sales";
    o.source_path = "sales.md";
    if (in_name) {
        o.input_names = names;
        o.input_values = values;
        o.ninputs = 1;
    }
    ret = dash_render_page(&p, &o, html, rep);
    dash_page_release(&p);
    return ret;
}

Test(dash_render, inputs_are_options_and_quoted)
{
    struct wh *wh = shop();
    struct strbuf h = STRBUF_INIT;
    struct dash_render_report rep;

    cr_assert_eq(render(wh, input_page, NULL, NULL, &h, &rep), 0);
    cr_assert_eq(rep.failed_queries, 0, "%s", h.buf);
    cr_assert_eq(rep.warnings, 0, "%s", h.buf);
    cr_assert_eq(rep.ndropdowns, 1);
    cr_assert_eq(rep.dropdowns[0].nvalues, 2);
    cr_assert_eq(rep.queries_with_inputs, 2); /* picked, and total through ${picked} */
    cr_assert(strstr(h.buf, "<h1>Sales in Men&#39;s</h1>"), "%s", h.buf);
    cr_assert(strstr(h.buf, "class=\"bv-value\">$40.00<"), "%s", h.buf);
    dash_render_report_release(&rep);

    strbuf_reset(&h);
    cr_assert_eq(render(wh, input_page, "cat", "Toys", &h, &rep), 0);
    cr_assert(strstr(h.buf, "class=\"bv-value\">$12.50<"), "%s", h.buf);
    cr_assert(strstr(h.buf, "<option value=\"Toys\" selected>"), "%s", h.buf);
    dash_render_report_release(&rep);

    strbuf_reset(&h);
    error_quiet(1);
    cr_assert_eq(render(wh, input_page, "cat", "Toys' OR '1'='1", &h, &rep), -1);
    error_quiet(0);
    cr_assert(rep.bad_input);
    cr_assert(strstr(error_last(), "is not an option of dropdown 'cat'"), "%s", error_last());
    dash_render_report_release(&rep);
    strbuf_release(&h);
    wh_close(wh);
}

Test(dash_render, problems_in_place)
{
    struct wh *wh = shop();
    struct strbuf h = STRBUF_INIT;
    struct dash_render_report rep;

    cr_assert_eq(render(wh,
                        "```sql a\nselect amount from sales\n```\n"
                        "```sql b\nselect * from ${nope}\n```\n"
                        "<BigValue data={a} value=amuont/>\n<BigValue data={b} value=x/>\n"
                        "<LineChart data={aa} x=1 y=2/>\n<Chart/>\n",
                        NULL, NULL, &h, &rep),
                 0);
    cr_assert_eq(rep.failed_queries, 1, "%s", h.buf);
    cr_assert(strstr(h.buf, "sales.md:4:1</span> query &#39;b&#39; failed: no query named "
                            "&#39;nope&#39; above"),
              "%s", h.buf);
    cr_assert(strstr(h.buf, "no column &#39;amuont&#39; (did you mean &#39;amount&#39;?)"), "%s",
              h.buf);
    cr_assert(strstr(h.buf, "query &#39;b&#39; failed, so &lt;BigValue&gt; has no data"), "%s",
              h.buf);
    cr_assert(strstr(h.buf, "no query named &#39;aa&#39; (did you mean &#39;a&#39;?)"), "%s",
              h.buf);
    cr_assert(strstr(h.buf, "unknown component &lt;Chart&gt;"), "%s", h.buf);
    dash_render_report_release(&rep);
    strbuf_release(&h);
    wh_close(wh);
}

Test(dash_format, cells_by_type_and_name)
{
    struct wh *wh;
    struct wh_result *r;
    struct strbuf sb = STRBUF_INIT;
    const char *want[] = {"17567", "2024", "17,567", "$1.23k", "2024-03-01", "x", ""};
    size_t i;

    cr_assert_eq(wh_open(":memory:", WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_query(wh,
                          "SELECT 17567 AS order_id, 2024 AS year, 17567 AS orders, "
                          "1234.5 AS revenue_usd, DATE '2024-03-01' AS day, 'x' AS s, "
                          "NULL::INT AS n",
                          NULL, &r),
                 0);
    for (i = 0; i < r->ncols; i++) {
        strbuf_reset(&sb);
        dash_fmt_cell(NULL, r, 0, i, &sb);
        cr_assert_str_eq(sb.buf, want[i], "column %s: '%s'", r->cols[i].name, sb.buf);
    }
    wh_result_free(r);
    strbuf_release(&sb);
    wh_close(wh);
}
