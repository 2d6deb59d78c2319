/*
 * analyst/: each stage alone (tokens, time expressions), then links, plans, SQL and answers on a
 * small clinic warehouse built here: patients, their visits, and the drugs dispensed per visit
 * (a line table with a price and a quantity but no amount).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/analyst.h"
#include "analyst/plan.h"
#include "catalog/catalog.h"
#include "testlib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

/* ---- tokens ----------------------------------------------------------------------------- */

Test(analyst_tokens, kinds)
{
    struct tokens t;

    tokens_split("How many visits in Q3 2024 cost over $1,500 or 90% in \"Home & Garden\" "
                 "on 2024-11-05, the 2nd of November?",
                 &t);
    cr_assert_eq(t.v[0].kind, TOK_WORD);
    cr_assert_str_eq(t.v[0].word, "how");
    cr_assert_eq(t.v[4].kind, TOK_QUARTER);
    cr_assert_eq((int)t.v[4].num, 3);
    cr_assert_eq(t.v[5].kind, TOK_YEAR);
    cr_assert_eq((int)t.v[5].num, 2024);
    cr_assert_eq(t.v[8].kind, TOK_NUMBER);
    cr_assert_eq(t.v[8].num, 1500);
    cr_assert_eq(t.v[10].kind, TOK_NUMBER);
    cr_assert(t.v[10].pct);
    cr_assert_eq(t.v[12].kind, TOK_QUOTED);
    cr_assert_str_eq(t.v[12].text, "Home & Garden");
    cr_assert_eq(t.v[14].kind, TOK_DATE);
    cr_assert_eq(t.v[17].kind, TOK_ORDINAL);
    cr_assert_eq((int)t.v[17].num, 2);
    cr_assert_eq(t.v[19].kind, TOK_MONTH);
    cr_assert_eq((int)t.v[19].num, 11);
    tokens_release(&t);

    tokens_split("", &t);
    cr_assert_eq(t.n, 0);
    tokens_release(&t);
    tokens_split("completed-order revenue (negative if it fell)", &t);
    cr_assert_str_eq(t.v[0].word, "completed");
    cr_assert_str_eq(t.v[1].word, "order");
    cr_assert_eq(t.v[4].use, TOK_FUNCTION, "a sign convention is not content");
    tokens_release(&t);
}

/* ---- time expressions ------------------------------------------------------------------- */

static struct time_expr timex_of(const char *q, const char *anchor)
{
    struct tokens t;
    struct time_expr x;
    int a;

    cr_assert_eq(days_parse(anchor, &a), 0);
    tokens_split(q, &t);
    timex_find(&t, a, a, &x);
    tokens_release(&t);
    return x;
}

static void assert_range(const struct time_range *r, const char *from, const char *to)
{
    struct strbuf sb = STRBUF_INIT;

    days_add(&sb, r->from);
    strbuf_addstr(&sb, " ");
    days_add(&sb, r->to);
    cr_assert_str_eq(sb.buf, xstrfmt("%s %s", from, to), "%s (%s)", sb.buf, r->label);
    strbuf_release(&sb);
}

Test(analyst_timex, periods)
{
    struct time_expr x;

    x = timex_of("revenue in 2024", "2024-12-31");
    cr_assert_eq(x.nranges, 1);
    assert_range(&x.r[0], "2024-01-01", "2025-01-01");
    x = timex_of("visits in Q3 2024", "2024-12-31");
    assert_range(&x.r[0], "2024-07-01", "2024-10-01");
    x = timex_of("visits in November 2024", "2024-12-31");
    assert_range(&x.r[0], "2024-11-01", "2024-12-01");
    x = timex_of("the second half of 2023", "2024-12-31");
    assert_range(&x.r[0], "2023-07-01", "2024-01-01");
    x = timex_of("on 2024-02-29", "2024-12-31");
    assert_range(&x.r[0], "2024-02-29", "2024-03-01");
}

Test(analyst_timex, relative_to_the_anchor)
{
    struct time_expr x;

    x = timex_of("sales last quarter", "2024-11-15");
    cr_assert(x.relative);
    assert_range(&x.r[0], "2024-10-01", "2025-01-01");
    x = timex_of("visits in the last 90 days", "2024-12-31");
    assert_range(&x.r[0], "2024-10-03", "2025-01-01");
    x = timex_of("year to date", "2024-05-20");
    assert_range(&x.r[0], "2024-01-01", "2024-05-21");
    x = timex_of("this month", "2024-02-10");
    assert_range(&x.r[0], "2024-02-01", "2024-03-01");
    x = timex_of("since 2023", "2024-02-10");
    cr_assert_eq(x.r[0].to, INT_MAX);
    /* a month with no year is the latest one in the data */
    x = timex_of("visits in December", "2024-06-30");
    assert_range(&x.r[0], "2023-12-01", "2024-01-01");
}

Test(analyst_timex, comparisons_and_grains)
{
    struct time_expr x;

    x = timex_of("2024 vs 2023", "2024-12-31");
    cr_assert_eq(x.nranges, 2);
    assert_range(&x.r[1], "2023-01-01", "2024-01-01");
    x = timex_of("Q4 2024 than in Q3", "2024-12-31");
    cr_assert_eq(x.nranges, 2);
    assert_range(&x.r[1], "2024-07-01", "2024-10-01");
    cr_assert_eq(timex_of("monthly visits", "2024-12-31").grain, GRAIN_MONTH);
    cr_assert_eq(timex_of("visits per year", "2024-12-31").grain, GRAIN_YEAR);
    cr_assert_eq(timex_of("which month had the most visits", "2024-12-31").grain, GRAIN_MONTH);
    cr_assert_eq(timex_of("the busiest day of the week", "2024-12-31").grain, GRAIN_WEEKDAY);
    cr_assert_eq(timex_of("the first name of patients", "2024-12-31").nranges, 0,
                 "'first name' is no period");
}

Test(analyst_timex, civil_days)
{
    int y, m, d;

    cr_assert_eq(days_from_civil(1970, 1, 1), 0);
    civil_from_days(days_from_civil(2000, 2, 29), &y, &m, &d);
    cr_assert(y == 2000 && m == 2 && d == 29);
    civil_from_days(-1, &y, &m, &d);
    cr_assert(y == 1969 && m == 12 && d == 31);
}

/* ---- links, plans, SQL and answers on a clinic ------------------------------------------ */

static const char clinic_sql[] =
    "CREATE SCHEMA clinic;"
    "CREATE TABLE clinic.patients AS SELECT i AS patient_id, 'Patient ' || i AS full_name,"
    "  ['Lyon', 'Nantes', 'Lille'][i % 3 + 1] AS city,"
    "  CASE WHEN i % 10 = 0 THEN NULL ELSE 'p' || i || '@mail.fr' END AS email,"
    "  DATE '2022-01-01' + i::INTEGER AS signup_date FROM range(1, 301) r(i);"
    "CREATE TABLE clinic.visits AS SELECT i AS visit_id, 1 + i % 300 AS patient_id,"
    "  DATE '2023-01-01' + (i % 730)::INTEGER AS visit_date,"
    "  ['Cardiology', 'Dermatology', 'Pediatrics'][i % 3 + 1] AS department,"
    "  ['done', 'cancelled', 'no_show', 'done'][i % 4 + 1] AS status,"
    "  CASE WHEN i % 7 = 0 THEN NULL ELSE TIMESTAMP '2023-01-01 10:00' + to_days((i % "
    "730)::INTEGER) END"
    "    AS discharged_at FROM range(1, 2001) r(i);"
    "CREATE TABLE clinic.dispensed AS SELECT i AS line_no, 1 + i % 1999 AS visit_id,"
    "  ['Aspirin', 'Ibuprofen', 'Amoxicillin', 'Insulin'][i % 4 + 1] AS drug,"
    "  (2 + i % 4 * 3)::DECIMAL(8,2) AS price, 1 + i % 3 AS quantity FROM range(1, 5001) r(i);";

static char *dir, *warehouse;
static struct catalog *cat;
static struct wh *sb;

/*
 * A warehouse dir/file made by sql, its catalog (cached beside it when `cached`, so a later load
 * reuses the profiles) and a sandbox on it.
 */
static void open_fixture(const char *file, const char *sql, int cached)
{
    struct wh *wh;
    struct catalog_options o = {0};

    dir = tl_tmpdir();
    warehouse = fs_join(dir, file);
    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_exec(wh, sql), 0, "%s", error_last());
    wh_close(wh);
    o.no_cache = !cached;
    cr_assert_eq(catalog_load(warehouse, &o, &cat), 0, "%s", error_last());
    cr_assert_eq(sandbox_open(warehouse, NULL, &sb), 0, "%s", error_last());
}

static void clinic_init(void)
{
    open_fixture("hospital.duckdb", clinic_sql, 0);
}

static void clinic_fini(void)
{
    wh_close(sb);
    catalog_free(cat);
    tl_rmdir(dir);
    free(dir);
    free(warehouse);
}

/* The answer to q; its text and first SQL statement checked by the caller. */
static struct analyst_answer ask(const char *q)
{
    struct analyst_answer a;
    struct analyst_options o = {0};

    cr_assert_eq(days_parse("2025-06-01", &o.today), 0);
    o.explain = 1;
    cr_assert_eq(analyst_ask(cat, sb, q, &o, &a), 0, "%s: %s", q, error_last());
    return a;
}

/* The answer's first result cell equals the first cell of sql, run here. */
static void assert_same(const struct analyst_answer *a, const char *sql)
{
    struct wh_result *r;

    cr_assert(a->table && a->table->nrows, "%s", a->base.text);
    cr_assert_eq(wh_query(sb, sql, NULL, &r), 0, "%s", error_last());
    cr_assert_str_eq(wh_result_text(a->table, 0, a->table->ncols - 1), wh_result_text(r, 0, 0),
                     "%s\n%s", a->base.text, a->explain);
    wh_result_free(r);
}

TestSuite(analyst, .init = clinic_init, .fini = clinic_fini);

Test(analyst, counts_and_filters_from_values)
{
    struct analyst_answer a = ask("How many patients do we have?");
    assert_same(&a, "SELECT count(*) FROM clinic.patients");
    analyst_answer_release(&a);

    a = ask("How many visits were cancelled in Cardiology?");
    assert_same(&a, "SELECT count(*) FROM clinic.visits WHERE status = 'cancelled' AND "
                    "department = 'Cardiology'");
    analyst_answer_release(&a);

    a = ask("How many visits were not done?");
    assert_same(&a, "SELECT count(*) FROM clinic.visits WHERE status IS DISTINCT FROM 'done'");
    analyst_answer_release(&a);

    a = ask("How many patients have no email?");
    assert_same(&a, "SELECT count(*) FROM clinic.patients WHERE email IS NULL");
    analyst_answer_release(&a);

    a = ask("How many different cities do patients live in?");
    assert_same(&a, "SELECT count(DISTINCT city) FROM clinic.patients");
    analyst_answer_release(&a);
}

Test(analyst, time_group_and_rank)
{
    struct analyst_answer a = ask("How many visits in Q2 2024?");
    assert_same(&a, "SELECT count(*) FROM clinic.visits WHERE visit_date >= DATE '2024-04-01' "
                    "AND visit_date < DATE '2024-07-01'");
    analyst_answer_release(&a);

    a = ask("Which department had the most visits?");
    assert_same(&a, "SELECT count(*) AS n FROM clinic.visits GROUP BY department "
                    "ORDER BY n DESC LIMIT 1");
    cr_assert_eq(a.chart, CHART_BARS);
    analyst_answer_release(&a);

    a = ask("visits per month in 2024");
    cr_assert_eq(a.chart, CHART_SERIES);
    cr_assert_eq(a.table->nrows, 12, "%s", a.base.sql[0]);
    analyst_answer_release(&a);
}

Test(analyst, shares_and_comparisons)
{
    struct analyst_answer a = ask("What percentage of visits were cancelled?");
    struct wh_result *r;

    cr_assert_eq(wh_query(sb,
                          "SELECT round(100.0 * count(*) FILTER (WHERE status = 'cancelled') / "
                          "count(*), 2) FROM clinic.visits",
                          NULL, &r),
                 0);
    cr_assert(strstr(a.base.text, "25%") && atof(wh_result_text(r, 0, 0)) == 25, "%s", a.base.text);
    wh_result_free(r);
    analyst_answer_release(&a);

    a = ask("visits in 2024 vs 2023");
    cr_assert(strstr(a.base.text, "2024") && strstr(a.base.text, "difference"), "%s", a.base.text);
    analyst_answer_release(&a);
}

Test(analyst, revenue_without_an_amount_is_price_times_quantity)
{
    struct analyst_answer a = ask("What was the total revenue from Insulin?");

    assert_same(&a, "SELECT sum(price * quantity) FROM clinic.dispensed WHERE drug = 'Insulin'");
    cr_assert(a.ncaveats && strstr(a.caveats[0], "price x quantity"), "%s",
              a.ncaveats ? a.caveats[0] : "(none)");
    analyst_answer_release(&a);
}

Test(analyst, refuses_what_the_data_lacks)
{
    struct analyst_answer a = ask("What is the average salary of our nurses?");

    cr_assert(a.base.unanswerable);
    cr_assert(strstr(a.base.text, "salary") && strstr(a.base.text, "nurses"), "%s", a.base.text);
    cr_assert_eq(a.base.nsql, 0);
    analyst_answer_release(&a);

    a = ask("How many visits were in Marseille?");
    cr_assert(a.base.unanswerable, "a place in no column is no filter to drop: %s", a.base.text);
    analyst_answer_release(&a);
}

Test(analyst, deterministic)
{
    struct analyst_answer a = ask("top 2 drugs by revenue"), b = ask("top 2 drugs by revenue");

    cr_assert(a.base.nsql && b.base.nsql, "%s", a.base.text);
    cr_assert_str_eq(a.base.sql[0], b.base.sql[0]);
    cr_assert_str_eq(a.base.text, b.base.text);
    analyst_answer_release(&a);
    analyst_answer_release(&b);
}

/* ---- words that usually say what is asked, used as names: a gym's memberships ------------ */

static const char gym_sql[] =
    "CREATE SCHEMA gym;"
    "CREATE TABLE gym.memberships AS SELECT i AS membership_id, 100 + i % 150 AS member_no,"
    "  DATE '2023-01-01' + (i * 3)::INTEGER AS started_on,"
    "  CASE WHEN i % 3 = 0 THEN DATE '2023-06-01' + (i * 2)::INTEGER END AS ended_on,"
    "  ['annual', 'monthly', 'monthly'][i % 3 + 1] AS billing_period,"
    "  (20 + i % 5 * 7.5)::DECIMAL(8,2) AS monthly_fee,"
    "  (1 + i % 4 * 0.25)::DECIMAL(8,2) AS daily_rate,"
    "  (i * 7 % 23)::INTEGER AS towels_washed, (5 + i % 3)::DECIMAL(8,2) AS washing"
    "  FROM range(1, 241) r(i);"
    "CREATE TABLE gym.members AS SELECT 100 + i AS member_no,"
    "  ['Ada', 'Grace', 'Alan', 'Edsger'][i % 4 + 1] AS first_name,"
    "  ['Lovelace', 'Hopper', 'Turing', 'Dijkstra'][i % 4 + 1] AS last_name,"
    "  'm' || i || '@club.example' AS email, DATE '2021-01-01' + (i * 5)::INTEGER AS joined_on,"
    "  ['Yoga, Spin', 'Pilates', 'Yoga, Pilates, Boxing', 'Spin', 'Boxing, Yoga'][i % 5 + 1]"
    "    AS classes,"
    "  ['Springfield, IL', 'Portland, OR', 'Springfield, OR', 'Portland, ME'][i % 4 + 1] AS town"
    "  FROM range(0, 150) r(i);"
    "CREATE TABLE gym.charges AS SELECT i AS charge_id, 1 + i % 240 AS membership_id,"
    "  DATE '2023-02-01' + (i % 600)::INTEGER AS charged_on,"
    "  ['paid', 'open', 'paid', 'refunded'][i % 4 + 1] AS status,"
    "  (15 + i % 9 * 11)::DECIMAL(10,2) AS amount, (17 + i % 9 * 12)::DECIMAL(10,2) AS total,"
    "  DATE '2023-02-11' + (i % 600)::INTEGER AS due_on,"
    "  CASE WHEN i % 4 IN (0, 2) THEN DATE '2023-02-01' + (i % 600 + i % 17)::INTEGER END"
    "    AS paid_on FROM range(1, 1201) r(i);";

static void gym_init(void)
{
    open_fixture("club.duckdb", gym_sql, 0);
}

TestSuite(analyst_gym, .init = gym_init, .fini = clinic_fini);

/*
 * "daily rate" is the column daily_rate: not a daily series of a share; "monthly fee" is
 * monthly_fee
 */
Test(analyst_gym, a_column_named_by_a_grain_word)
{
    struct analyst_answer a = ask("What is the average daily rate?");

    assert_same(&a, "SELECT avg(daily_rate) FROM gym.memberships");
    analyst_answer_release(&a);
    a = ask("What is the average monthly fee?");
    assert_same(&a, "SELECT avg(monthly_fee) FROM gym.memberships");
    analyst_answer_release(&a);
    /* "billing" is a money verb too, but "billing period" is a column */
    a = ask("number of memberships by billing period");
    assert_same(&a, "SELECT count(*) AS n FROM gym.memberships GROUP BY billing_period ORDER BY "
                    "n DESC LIMIT 1");
    cr_assert_eq(a.table->nrows, 2, "%s", a.base.sql[0]);
    analyst_answer_release(&a);
}

/* "annual billing": the value 'annual' of billing_period, named beside its column */
Test(analyst_gym, a_value_beside_its_column)
{
    struct analyst_answer a = ask("What is the average monthly fee on annual billing?");

    assert_same(&a, "SELECT avg(monthly_fee) FROM gym.memberships WHERE billing_period = 'annual'");
    analyst_answer_release(&a);
}

/* "paid" is a money verb, and here also a status: the amount of the paid charges */
Test(analyst_gym, a_money_verb_that_is_a_value)
{
    struct analyst_answer a = ask("What is the total amount paid?");

    assert_same(&a, "SELECT sum(amount) FROM gym.charges WHERE status = 'paid'");
    analyst_answer_release(&a);
}

/* "right now": what has not ended; said in a caveat */
Test(analyst_gym, now_is_what_has_not_ended)
{
    struct analyst_answer a = ask("What is our total monthly fee right now?");
    size_t i;
    int said = 0;

    assert_same(&a, "SELECT sum(monthly_fee) FROM gym.memberships WHERE ended_on IS NULL");
    for (i = 0; i < a.ncaveats; i++)
        said |= strstr(a.caveats[i], "ended_on") != NULL;
    cr_assert(said, "the reading of 'now' is a caveat: %s", a.base.text);
    analyst_answer_release(&a);
}

/* no table is named for clients: the one table of people with names and emails is */
Test(analyst_gym, clients_are_the_people_table)
{
    struct analyst_answer a = ask("How many clients joined in 2022?");

    assert_same(&a, "SELECT count(*) FROM gym.members WHERE year(joined_on) = 2022");
    analyst_answer_release(&a);
}

/* "first" and "newest" before a noun rank its rows by the date they began */
Test(analyst_gym, first_and_newest_rank_by_the_date_they_began)
{
    static const char *const q[] = {"Who was our very first member?", "Who is our newest member?"};
    static const char *const order[] = {"", " DESC"};
    size_t i;

    for (i = 0; i < 2; i++) {
        struct analyst_answer a = ask(q[i]);
        struct wh_result *r;
        char *sql = xstrfmt("SELECT first_name, CAST(joined_on AS VARCHAR) FROM gym.members "
                            "ORDER BY joined_on%s LIMIT 1",
                            order[i]);
        cr_assert_eq(wh_query(sb, sql, NULL, &r), 0, "%s", error_last());
        cr_assert(strstr(a.base.text, wh_result_text(r, 0, 0)) &&
                      strstr(a.base.text, wh_result_text(r, 0, 1)),
                  "%s: want %s %s: %s", q[i], wh_result_text(r, 0, 0), wh_result_text(r, 0, 1),
                  a.base.text);
        wh_result_free(r);
        free(sql);
        analyst_answer_release(&a);
    }
}

/* a column of lists ("Yoga, Spin"): its elements are its values, and a group reads each */
Test(analyst_gym, lists_in_a_column)
{
    struct analyst_answer a = ask("How many members have Yoga classes?");

    assert_same(&a, "SELECT count(*) FROM gym.members WHERE classes LIKE '%Yoga%'");
    analyst_answer_release(&a);
    a = ask("number of members by classes");
    assert_same(&a, "SELECT count(*) AS n FROM gym.members, unnest(string_split(classes, ', ')) "
                    "AS u(c) GROUP BY c ORDER BY n DESC LIMIT 1");
    cr_assert_eq(a.table->nrows, 4, "Yoga, Spin, Pilates and Boxing: %s", a.base.sql[0]);
    analyst_answer_release(&a);
    /* a town and its state always come in two parts: no list */
    {
        const struct cat_table *m = &cat->tables[catalog_find_table(cat, "gym.members")];
        size_t i;
        for (i = 0; i < m->ncolumns; i++)
            if (!strcmp(m->columns[i].name, "classes") || !strcmp(m->columns[i].name, "town"))
                cr_expect_eq(m->columns[i].separator,
                             !strcmp(m->columns[i].name, "classes") ? ',' : 0, "%s",
                             m->columns[i].name);
    }
}

/* "cancelled in 2024" dates the ending: the end column, or a refusal when there is none */
Test(analyst_gym, an_ending_verb_dates_by_the_end_column)
{
    struct analyst_answer a = ask("How many memberships were cancelled in 2024?");

    assert_same(&a, "SELECT count(*) FROM gym.memberships WHERE year(ended_on) = 2024");
    analyst_answer_release(&a);
    a = ask("How many charges were cancelled in 2024?");
    cr_assert(a.base.unanswerable && strstr(a.base.text, "cancelled"), "%s", a.base.text);
    analyst_answer_release(&a);
}

/* "how many Pilates have a membership": the value's rows (members) are counted, not memberships */
Test(analyst_gym, a_counted_value_counts_its_rows)
{
    struct analyst_answer a = ask("How many Pilates have a membership?");

    assert_same(&a, "SELECT count(DISTINCT s.member_no) FROM gym.memberships s JOIN gym.members "
                    "m USING (member_no) WHERE m.classes LIKE '%Pilates%'");
    analyst_answer_release(&a);
}

/* "unpaid" is the value 'paid' negated; "still running" is what has not ended */
Test(analyst_gym, un_values_and_still)
{
    struct analyst_answer a = ask("How many unpaid charges are there?");

    assert_same(&a, "SELECT count(*) FROM gym.charges WHERE status IS DISTINCT FROM 'paid'");
    analyst_answer_release(&a);
    a = ask("How many memberships are still running?");
    assert_same(&a, "SELECT count(*) FROM gym.memberships WHERE ended_on IS NULL");
    analyst_answer_release(&a);
}

/* "paid after their due date": the verb's date (paid_on) compared with the date named */
Test(analyst_gym, a_date_compared_with_another)
{
    struct analyst_answer a = ask("What percent of paid charges were paid after their due date?");
    struct wh_result *r;

    cr_assert_eq(wh_query(sb,
                          "SELECT round(100.0 * count(*) FILTER (WHERE paid_on > due_on) / "
                          "count(*), 2) FROM gym.charges WHERE status = 'paid'",
                          NULL, &r),
                 0);
    cr_assert(a.table && a.table->nrows == 1, "%s", a.base.text);
    cr_assert_float_eq(atof(wh_result_text(a.table, 0, a.table->ncols - 1)),
                       atof(wh_result_text(r, 0, 0)), 0.005, "want %s%%: %s\n%s",
                       wh_result_text(r, 0, 0), a.base.text, a.explain);
    wh_result_free(r);
    analyst_answer_release(&a);
}

/* "washed the fewest towels": the words of towels_washed, apart, name it, not washing */
Test(analyst_gym, a_column_named_by_words_apart)
{
    struct analyst_answer a = ask("Which billing period washed the fewest towels?");

    assert_same(&a, "SELECT sum(towels_washed) AS n FROM gym.memberships GROUP BY "
                    "billing_period ORDER BY n LIMIT 1");
    cr_assert(strstr(a.base.sql[0], "towels_washed"), "%s", a.base.sql[0]);
    analyst_answer_release(&a);
}

/* "total" says "sum" but here names a column: after "average" it is that column */
Test(analyst_gym, an_operator_word_naming_a_column)
{
    struct analyst_answer a = ask("What is the average total by status?");

    assert_same(&a, "SELECT avg(total) AS a FROM gym.charges GROUP BY status ORDER BY a DESC "
                    "LIMIT 1");
    analyst_answer_release(&a);
}

/* an average of nothing named is refused, not taken of an arbitrary column */
Test(analyst_gym, an_average_of_nothing_named_is_refused)
{
    struct analyst_answer a = ask("What is the average on annual billing?");

    cr_assert(a.base.unanswerable, "%s", a.base.text);
    cr_assert(strstr(a.base.text, "average") && strstr(a.base.text, "monthly_fee"), "%s",
              a.base.text);
    analyst_answer_release(&a);
}

/* ---- odd data: names, lists and caches that broke earlier versions --------------------- */

static const char odd_sql[] =
    "CREATE SCHEMA odd;"
    /* a column named x (the old row alias): 30 rows, none a copy of another */
    "CREATE TABLE odd.points AS SELECT i % 10 AS x, i % 3 AS grp FROM range(30) r(i);"
    /* three-part addresses: cities and states repeat, streets do not */
    "CREATE TABLE odd.customers AS SELECT i AS customer_id,"
    "  i || ' Oak St, ' || ['Springfield', 'Shelbyville', 'Ogdenville'][i % 3 + 1] || ', ' ||"
    "  ['IL', 'OR', 'TX'][i % 3 + 1] AS address FROM range(1, 201) r(i);"
    /* lists with blanks at the ends and an empty element */
    "CREATE TABLE odd.albums AS SELECT i AS album_id,"
    "  [' Jazz|Pop', 'Rock|Pop|', 'Rock', 'Jazz|Rock|Pop', 'Pop'][i % 5 + 1] AS style"
    "  FROM range(1, 301) r(i);"
    /* an id mostly unique and sometimes NULL: a grouping with no repeated value */
    "CREATE TABLE odd.shipments AS SELECT i AS shipment_no,"
    "  CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS order_id,"
    "  DATE '2023-01-01' + i::INTEGER AS shipped_on FROM range(100) r(i);";

static void odd_init(void)
{
    open_fixture("oddities.duckdb", odd_sql, 1);
}

TestSuite(analyst_odd, .init = odd_init, .fini = clinic_fini);

static const struct cat_column *odd_column(const char *table, const char *name)
{
    const struct cat_table *t = &cat->tables[catalog_find_table(cat, table)];
    size_t i;

    for (i = 0; i < t->ncolumns; i++)
        if (!strcmp(t->columns[i].name, name))
            return &t->columns[i];
    cr_assert_fail("no column %s.%s", table, name);
    return NULL;
}

/* hash(x) with a column named x hashes the column, not the row */
Test(analyst_odd, copies_of_a_table_with_a_column_named_x)
{
    cr_assert_eq(cat->tables[catalog_find_table(cat, "odd.points")].copies, 0);
}

Test(analyst_odd, addresses_are_no_lists)
{
    cr_assert_eq(odd_column("odd.customers", "address")->separator, 0);
    cr_assert_eq(odd_column("odd.albums", "style")->separator, '|');
}

/* " Jazz|Pop" and "Rock|Pop|": elements trimmed, no empty element, the same in every reading */
Test(analyst_odd, list_elements_are_trimmed_everywhere)
{
    const struct cat_column *style = odd_column("odd.albums", "style");
    struct analyst_answer a;
    size_t i;

    for (i = 0; i < style->nvalues; i++)
        cr_expect(style->values[i].text[0] && style->values[i].text[0] != ' ', "'%s'",
                  style->values[i].text);
    a = ask("number of albums by style");
    cr_assert_eq(a.table->nrows, 3, "Jazz, Pop and Rock: %s", a.base.sql[0]);
    analyst_answer_release(&a);
    a = ask("How many Jazz albums are there?");
    assert_same(&a, "SELECT count(*) FROM odd.albums WHERE style LIKE '%Jazz%'");
    analyst_answer_release(&a);
    a = ask("How many different styles do albums have?");
    assert_same(&a, "SELECT 3");
    analyst_answer_release(&a);
}

/* a second load reuses the cached profiles, groupings whose kinds were never measured too */
Test(analyst_odd, a_cached_catalog_loads_again_after_a_change)
{
    struct catalog_options o = {0};
    struct catalog *again;
    struct wh *wh;

    wh_close(sb);
    sb = NULL;
    cr_assert_eq(wh_open(warehouse, WH_READ_WRITE, &wh), 0);
    cr_assert_eq(wh_exec(wh, "INSERT INTO odd.points VALUES (99, 99)"), 0, "%s", error_last());
    wh_close(wh);
    cr_assert_eq(catalog_load(warehouse, &o, &again), 0, "%s", error_last());
    cr_assert_eq(again->ntables, cat->ntables);
    catalog_free(again);
    cr_assert_eq(sandbox_open(warehouse, NULL, &sb), 0, "%s", error_last());
}

/* ---- follow-ups and verified questions -------------------------------------------------- */

static void assert_followup(const char *prev, const char *next, const char *want)
{
    char *got = analyst_followup(prev, next);

    if (!want) {
        cr_assert_null(got, "'%s' is a question of its own, not '%s'", next, got);
        return;
    }
    cr_assert(got, "'%s' after '%s' is a follow-up", next, prev);
    cr_assert_str_eq(got, want);
    free(got);
}

Test(analyst_followup, keeps_what_it_does_not_change)
{
    assert_followup("How much revenue did we make in 2024?", "and in 2023?",
                    "How much revenue did we make in 2023");
    assert_followup("revenue in Q3 2024", "what about last quarter?", "revenue last quarter");
    assert_followup("How much revenue in 2024?", "break that down by category",
                    "How much revenue in 2024 by category");
    assert_followup("revenue by category", "only \"Home & Garden\"",
                    "revenue by category \"Home & Garden\"");
    assert_followup("top 5 products by revenue", "top 10 instead", "products by revenue top 10");
    assert_followup("revenue in 2024", "How many customers do we have?", NULL);
    assert_followup(NULL, "and in 2023?", NULL);
}

Test(analyst, verified_questions_match_on_words_and_exact_numbers)
{
    struct catalog c;
    struct cat_example e[2];

    memset(&c, 0, sizeof(c));
    memset(e, 0, sizeof(e));
    e[0].question = "How many visits were cancelled in 2024?";
    e[0].sql = "SELECT 1";
    e[1].question = "Which department is busiest?";
    e[1].sql = "SELECT 2";
    c.examples = e;
    c.nexamples = 2;
    cr_assert_eq(analyst_verified_match(&c, "how many visits got cancelled in 2024"), 0);
    cr_assert_eq(analyst_verified_match(&c, "How many visits were cancelled in 2023?"), -1,
                 "another year is another question");
    cr_assert_eq(analyst_verified_match(&c, "which department is the busiest"), 1);
    cr_assert_eq(analyst_verified_match(&c, "which doctor is busiest"), -1);
}
