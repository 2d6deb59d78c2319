/*
 * catalog/sqlscan: relations, joins, select items and aggregates read from SQL text, and the
 * sql blocks of markdown pages.
 *
 * Most cases are declarative: SQL and the facts expected from it, each kind of fact rendered on
 * one line (see render()). NULL leaves a kind unchecked, "" expects none.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/sqlscan.h"
#include "util/share.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

/* Rendering */

struct rendered {
    char *relations;  /* "schema.name alias; name" */
    char *joins;      /* "o.customer_id = c.id | ..." (alias, else name, of each side) */
    char *items;      /* "expr AS alias {column} | * {*}" */
    char *aggregates; /* "count(DISTINCT user_id) AS buyers | sum(x)" */
    size_t nitems;
};

static const char *label(const struct sql_facts *f, size_t rel)
{
    return f->relations[rel].alias ? f->relations[rel].alias : f->relations[rel].name;
}

static void render_facts(const struct sql_facts *f, struct rendered *r)
{
    struct strbuf sb = STRBUF_INIT;
    size_t k;

    for (k = 0; k < f->nrelations; k++) {
        const struct sql_relation *rel = &f->relations[k];
        strbuf_addf(&sb, "%s%s%s%s", k ? "; " : "", rel->schema ? rel->schema : "",
                    rel->schema ? "." : "", rel->name);
        if (rel->alias)
            strbuf_addf(&sb, " %s", rel->alias);
    }
    r->relations = strbuf_detach(&sb, NULL);
    for (k = 0; k < f->njoins; k++) {
        const struct sql_join *j = &f->joins[k];
        cr_assert(j->left < f->nrelations && j->right < f->nrelations);
        strbuf_addf(&sb, "%s%s.%s = %s.%s", k ? " | " : "", label(f, j->left), j->left_column,
                    label(f, j->right), j->right_column);
    }
    r->joins = strbuf_detach(&sb, NULL);
    for (k = 0; k < f->nitems; k++) {
        const struct sql_item *it = &f->items[k];
        strbuf_addf(&sb, "%s%s", k ? " | " : "", it->expr);
        if (it->alias)
            strbuf_addf(&sb, " AS %s", it->alias);
        if (it->column)
            strbuf_addf(&sb, " {%s}", it->column);
        if (it->star)
            strbuf_addstr(&sb, " {*}");
    }
    r->items = strbuf_detach(&sb, NULL);
    r->nitems = f->nitems;
    for (k = 0; k < f->naggregates; k++) {
        const struct sql_aggregate *a = &f->aggregates[k];
        strbuf_addf(&sb, "%s%s(%s%s)", k ? " | " : "", a->func, a->distinct ? "DISTINCT " : "",
                    a->arg);
        if (a->alias)
            strbuf_addf(&sb, " AS %s", a->alias);
    }
    r->aggregates = strbuf_detach(&sb, NULL);
}

static void render(const char *sql, struct rendered *r)
{
    struct sql_facts f;

    sql_scan(sql, &f);
    render_facts(&f, r);
    sql_facts_release(&f);
}

static void rendered_release(struct rendered *r)
{
    free(r->relations);
    free(r->joins);
    free(r->items);
    free(r->aggregates);
}

struct sql_case {
    const char *name, *sql;
    const char *relations, *joins, *items, *aggregates;
};

static void expect_case(const struct sql_case *c)
{
    struct rendered r;

    render(c->sql, &r);
    if (c->relations)
        cr_expect_str_eq(r.relations, c->relations, "%s: relations: got [%s]", c->name,
                         r.relations);
    if (c->joins)
        cr_expect_str_eq(r.joins, c->joins, "%s: joins: got [%s]", c->name, r.joins);
    if (c->items)
        cr_expect_str_eq(r.items, c->items, "%s: items: got [%s]", c->name, r.items);
    if (c->aggregates)
        cr_expect_str_eq(r.aggregates, c->aggregates, "%s: aggregates: got [%s]", c->name,
                         r.aggregates);
    rendered_release(&r);
}

static void expect_cases(const struct sql_case *cases, size_t n)
{
    size_t k;

    for (k = 0; k < n; k++)
        expect_case(&cases[k]);
}

/* Select lists */

static const struct sql_case select_lists[] = {
    {"plain columns", "select a, b from t", "t", "", "a {a} | b {b}", ""},
    {"qualified and aliased", "SELECT o.id, o.amount AS amt FROM main.orders AS o", "main.orders o",
     "", "o.id {id} | o.amount AS amt {amount}", ""},
    {"bare trailing alias", "select price - cost margin, abs(total) total, t.user_id from t", "t",
     "", "price - cost AS margin | abs(total) AS total | t.user_id {user_id}", ""},
    {"alias after a cast and a case",
     "select x::decimal(10, 2) d, cast(y as int) as y, case when a then 1 end flag from t", "t", "",
     "x::decimal(10, 2) AS d | cast(y as int) AS y"
     " | case when a then 1 end AS flag",
     ""},
    {"prefix alias", "select margin: price - cost, n: count(*) from t", "t", "",
     "price - cost AS margin | count(*) AS n", "count(*) AS n"},
    {"string alias", "select 1 as 'one', 2 \"two\" from t", NULL, NULL, "1 AS one | 2 AS two",
     NULL},
    {"quoted names",
     "select \"Sales Person\", p.\"Region\" as \"Sales Region\" from \"My Schema\".\"My Table\" p",
     "My Schema.My Table p", "",
     "\"Sales Person\" {Sales Person} | p.\"Region\" AS Sales Region {Region}", ""},
    {"doubled quotes in names", "select \"a\"\"b\", \"x\"\"\" as \"q\"\"\" from \"we\"\"ird\"",
     "we\"ird", "", "\"a\"\"b\" {a\"b} | \"x\"\"\" AS q\" {x\"}", ""},
    {"whitespace collapses",
     "select\n  sum( unit_price  *\n\tquantity ) as revenue,\r\n  a.b\t\tc\nfrom t", "t", "",
     "sum( unit_price * quantity ) AS revenue | a.b AS c {b}",
     "sum(unit_price * quantity) AS revenue"},
    {"comments are blanks",
     "select a -- the a, not b\n, /* b */ b, c/**/+/**/d, e--x\nfrom t /* end", "t", "",
     "a {a} | b {b} | c + d | e {e}", ""},
    {"literals and keywords are not columns",
     "select 1, 'a', null, true, FALSE, current_date, -1, 1.5e-3, x.y.z from t", "t", "",
     "1 | 'a' | null | true | FALSE | current_date | -1 | 1.5e-3 | x.y.z {z}", ""},
    {"units are not aliases",
     "select d + interval 1 day, interval '3' month, interval (n) hour, ts::date day, "
     "ts::timestamp with time zone from t",
     "t", "",
     "d + interval 1 day | interval '3' month | interval (n) hour | ts::date AS day | "
     "ts::timestamp with time zone",
     ""},
    {"case keeps its commas",
     "select case when a > 1 then 'x, y' else 'z' end as band, case x when 1 then 2 end, "
     "coalesce(a, b) from t",
     "t", "",
     "case when a > 1 then 'x, y' else 'z' end AS band | case x when 1 then 2 end | coalesce(a, "
     "b)",
     ""},
    {"distinct from and extract are not FROM clauses",
     "select a is distinct from b as d, a is not distinct from b, extract(year from ts) y, "
     "trim(both ' ' from s), x from t",
     "t", "",
     "a is distinct from b AS d | a is not distinct from b | extract(year from ts) AS y | "
     "trim(both ' ' from s) | x {x}",
     ""},
    {"stars",
     "select *, t.*, * exclude (a, b), t.* replace (1 as b), columns('x_.*'), \"s\".t.*, "
     "* rename (a as b) from t",
     "t", "",
     "* {*} | t.* {*} | * exclude (a, b) {*} | t.* replace (1 as b) {*} | columns('x_.*') {*} | "
     "\"s\".t.* {*} | * rename (a as b) {*}",
     ""},
    {"star except is not a set operation", "select * except (a) from t", "t", "",
     "* except (a) {*}", ""},
    {"select distinct and distinct on",
     "select distinct on (user_id) user_id, ts from events order by user_id, ts desc", "events", "",
     "user_id {user_id} | ts {ts}", ""},
    {"select distinct", "SELECT DISTINCT city FROM users", "users", "", "city {city}", ""},
    {"parentheses around the whole item go",
     "select (a + b) as s, ((c)) d, (a, b) as pair, (select 1) as one, (a) + (b) from t", "t", "",
     "a + b AS s | c AS d {c} | (a, b) AS pair | (select 1) AS one | (a) + (b)", ""},
    {"trailing comma", "select a, b, from t", "t", "", "a {a} | b {b}", ""},
    {"soft keywords are names", "select filter, sample.x, replace from sample", "sample", "",
     "filter {filter} | sample.x {x} | replace {replace}", ""},
    {"brackets and structs", "select [1, 2] arr, {'a': 1, 'b': 2} st, m['k'] v, x[1:2] from t", "t",
     "", "[1, 2] AS arr | {'a': 1, 'b': 2} AS st | m['k'] AS v | x[1:2]", ""},
    {"lambdas and casts",
     "select list_transform(l, x -> x + 1) l2, a::varchar || '-' as s, a->>'$.k' j from t", "t", "",
     "list_transform(l, x -> x + 1) AS l2 | a::varchar || '-' AS s | a->>'$.k' AS j", ""},
};

Test(sqlscan, select_lists)
{
    expect_cases(select_lists, ARRAY_SIZE(select_lists));
}

/* Queries: CTEs, set operations, the DuckDB forms, statements */

static const struct sql_case queries[] = {
    {"ctes are not relations",
     "with a as (select x, sum(y) s from t group by x), b as (select * from a where s > 0) "
     "select b.x, b.s as total from b",
     "t", "", "b.x {x} | b.s AS total {s}", "sum(y)"},
    {"a cte may shadow the table it reads",
     "with orders as (select * from orders) select * from orders", "orders", "", "* {*}", ""},
    {"recursive cte",
     "with recursive r(n) as (select 1 union all select n + 1 from r where n < 10) "
     "select n from r",
     "", "", "n {n}", ""},
    {"materialized cte with columns",
     "with m (a, b) as materialized (select 1, 2 from src), n as not materialized (from m) "
     "select a from n",
     "src", "", "a {a}", ""},
    {"cte inside a subquery is scoped",
     "select * from (with s as (select 1 from x) select * from s) q join s on true", "x; s", "",
     "* {*}", ""},
    {"union takes the first branch",
     "select a, sum(b) as s from t group by a union all select c, max(d) as m from u", "t; u", "",
     "a {a} | sum(b) AS s", "sum(b) AS s | max(d)"},
    {"union by name", "select a from t union all by name select b from u", "t; u", "", "a {a}", ""},
    {"parenthesized first branch", "(select a as x from t) union (select b from u) order by 1",
     "t; u", "", "a AS x {a}", ""},
    {"intersect and except", "select a from t intersect select a from u except select a from v",
     "t; u; v", "", "a {a}", ""},
    {"bare from", "from t", "t", "", "* {*}", ""},
    {"from first", "from t select a, b where c > 0", "t", "", "a {a} | b {b}", ""},
    {"from first with joins", "from t join u using (k) select t.a", "t; u", "t.k = u.k", "t.a {a}",
     ""},
    {"values", "select * from (values (1, 'a'), (2, 'b')) v(id, name)", "", "", "* {*}", ""},
    {"top-level values", "values (1), (2)", "", "", "", ""},
    {"table statement", "table main.t", "main.t", "", "", ""},
    {"create view as duckdb stores it",
     "CREATE VIEW v1 AS SELECT t.user_id, u.email AS customer_email, (t.total - (t.\"cost\" * "
     "t.quantity)) AS line_margin, (COALESCE(t.discount, 0) > 0) AS is_discounted, "
     "CAST(abs(total) AS DECIMAL(12,2)) AS total2, CASE  WHEN ((quantity BETWEEN 1 AND 3)) THEN "
     "('few') ELSE 'many' END AS qty_band FROM t LEFT JOIN u ON (((u.user_id = t.user_id) AND "
     "(t.total > 0))) WHERE (t.d >= CAST('2020-01-01' AS DATE));",
     "t; u", "u.user_id = t.user_id",
     "t.user_id {user_id} | u.email AS customer_email {email} | t.total - (t.\"cost\" * "
     "t.quantity) AS line_margin | COALESCE(t.discount, 0) > 0 AS is_discounted | "
     "CAST(abs(total) AS DECIMAL(12,2)) AS total2 | CASE WHEN ((quantity BETWEEN 1 AND 3)) THEN "
     "('few') ELSE 'many' END AS qty_band",
     ""},
    {"create view with ctes as duckdb stores it",
     "CREATE VIEW v2 AS WITH o AS (SELECT * FROM t), s AS (SELECT user_id, sum((price * "
     "quantity)) AS revenue, count(DISTINCT product_id) AS n FROM o GROUP BY ALL)SELECT s.*, "
     "\"Sales Person\" FROM s INNER JOIN \"My Schema\".\"My Table\" AS m ON ((m.x = s.user_id));",
     "t; My Schema.My Table m", "", "s.* {*} | \"Sales Person\" {Sales Person}",
     "sum(price * quantity) | count(DISTINCT product_id)"},
    {"create view of a union as duckdb stores it",
     "CREATE VIEW v4 AS (SELECT * EXCLUDE (d) FROM t) UNION ALL (SELECT * EXCLUDE (d) FROM t);",
     "t; t", "", "* EXCLUDE (d) {*}", ""},
    {"create view with columns and a table function as duckdb stores it",
     "CREATE VIEW main.v6(i, one) AS SELECT * FROM \"range\"(10) AS g(i) , (SELECT 1 AS one) AS "
     "s WHERE (s.one = g.i);",
     "", "", "* {*}", ""},
    {"create or replace table as", "create or replace temp table x as select a from y", "y", "",
     "a {a}", ""},
    {"create table without a query", "create table x (a int, b varchar)", "", "", "", ""},
    {"insert select", "insert into tgt (a, b) select a, b from src", "src", "", "a {a} | b {b}",
     ""},
    {"insert values", "insert into tgt values (1, 2)", "", "", "", ""},
    {"explain", "explain analyze select a from t", "t", "", "a {a}", ""},
    {"the last statement gives the items",
     "set threads = 1; create temp table x as select a, sum(b) s from t group by a; "
     "select a, s as total from x;",
     "t; x", "", "a {a} | s AS total {s}", "sum(b)"},
    {"a statement without a query keeps earlier items", "select a as z from t; set threads = 2",
     "t", "", "a AS z {a}", ""},
    {"jinja leftovers",
     "{# hi #}\n{{ config(materialized='view') }}\nselect a, {{ dim }} as d from t\n"
     "{% if is_incremental() %} where ts > (select max(ts) from {{ this }}) {% endif %}",
     "t", "", "a {a} | {{ dim }} AS d", "max(ts)"},
    {"evidence templates",
     "select ${inputs.metric.value} as v, 1 from ${orders_by_month} where d > '${inputs.d}'", "",
     "", "${inputs.metric.value} AS v | 1", ""},
    {"templates keep their text, whitespace collapsed", "select {{ a\n   + b }} s from t", "t", "",
     "{{ a + b }} AS s", ""},
    {"strings hide their content",
     "select 'it''s; -- not a comment' as s, E'a\\'b; from' e, $$x; from y$$ d, "
     "$tag$ a $ b $$ $tag$ t2, 'select * from x' q from t",
     "t", "",
     "'it''s; -- not a comment' AS s | E'a\\'b; from' AS e | $$x; from y$$ AS d | "
     "$tag$ a $ b $$ $tag$ AS t2 | 'select * from x' AS q",
     ""},
    {"parameters", "select $1 as p, $name q from t where a = ?", "t", "", "$1 AS p | $name AS q",
     ""},
    {"nested comments", "select /* a /* b */ still comment */ x from t", "t", "", "x {x}", ""},
    {"keywords in any case", "SeLeCt A aS b FrOm T", "T", "", "A AS b {A}", ""},
};

Test(sqlscan, queries)
{
    expect_cases(queries, ARRAY_SIZE(queries));
}

/* FROM clauses and joins */

static const struct sql_case joins[] = {
    {"on conditions",
     "select 1 from orders o left join customers c on c.id = o.customer_id and "
     "c.active = true inner join products p on (p.id = o.product_id) cross join dates",
     "orders o; customers c; products p; dates", "c.id = o.customer_id | p.id = o.product_id", NULL,
     NULL},
    {"join kinds",
     "select * from a left outer join b on a.k = b.k right join c on c.k = b.k full outer join d "
     "on d.k = c.k natural join e join f on f.k = e.k",
     "a; b; c; d; e; f", "a.k = b.k | c.k = b.k | d.k = c.k | f.k = e.k", NULL, NULL},
    {"duckdb joins",
     "select * from trades t asof join quotes q on t.sym = q.sym and t.ts >= q.ts positional join "
     "other semi join s on s.k = t.k anti join a2 on a2.k = t.k",
     "trades t; quotes q; other; s; a2", "t.sym = q.sym | s.k = t.k | a2.k = t.k", NULL, NULL},
    {"using", "select * from a join b using (id, day) natural join c join d using (k)",
     "a; b; c; d", "a.id = b.id | a.day = b.day | c.k = d.k", NULL, NULL},
    {"using after a subquery joins nothing", "select * from (select 1 k) s join d using (k)", "d",
     "", NULL, NULL},
    {"comma joins in where", "select * from a, b where a.id = b.a_id and a.x = 1", "a; b",
     "a.id = b.a_id", NULL, NULL},
    {"literals, one relation, expressions are no joins",
     "select * from a join b on a.x = 1 and a.y = a.z and b.w = 'q' and a.k + 1 = b.k and "
     "a.m = b.m::int and coalesce(a.n, 0) = b.n and a.o = b.o + 1",
     "a; b", "", NULL, NULL},
    {"or chains and nested parentheses", "select * from a join b on (a.x = b.x or (a.y = b.y))",
     "a; b", "a.x = b.x | a.y = b.y", NULL, NULL},
    {"double equals", "select * from a join b on a.x == b.x", "a; b", "a.x = b.x", NULL, NULL},
    {"relation names qualify",
     "select * from main.orders join main.customers on orders.customer_id = customers.id",
     "main.orders; main.customers", "orders.customer_id = customers.id", NULL, NULL},
    {"schema-qualified columns",
     "select * from main.orders join main.customers on main.orders.customer_id = "
     "main.customers.id",
     "main.orders; main.customers", "orders.customer_id = customers.id", NULL, NULL},
    {"quoted qualifiers",
     "select * from \"My Table\" \"m t\" join other o on \"m t\".\"Key\" = o.key",
     "My Table m t; other o", "m t.Key = o.key", NULL, NULL},
    {"aliases resolve case-insensitively", "select * from a AS X join b on x.k = B.k", "a X; b",
     "X.k = b.k", NULL, NULL},
    {"self join", "select * from emp e join emp m on e.manager_id = m.id", "emp e; emp m",
     "e.manager_id = m.id", NULL, NULL},
    {"an ambiguous name resolves to nothing", "select * from emp join emp on emp.a = emp.b",
     "emp; emp", "", NULL, NULL},
    {"three-part names keep two parts", "select * from db.main.t as t join db.other.u on u.k = t.k",
     "main.t t; other.u", "u.k = t.k", NULL, NULL},
    {"subquery aliases are not relations",
     "select s.x from (select x, y from inner_t where y > 0) as s join other o on o.id = s.id",
     "inner_t; other o", "", NULL, NULL},
    {"table functions and files are not relations",
     "select * from read_csv('x.csv') r join range(10) g(i) on r.a = g.i, 'file.parquet' f, "
     "generate_series(1, 3), \"range\"(5)",
     "", "", NULL, NULL},
    {"subqueries inside table functions count", "select * from unnest((select list(x) from t))",
     "t", "", NULL, "list(x)"},
    {"parenthesized joins", "select 1 from ((a join b on a.x = b.y) left join c on c.z = b.z)",
     "a; b; c", "a.x = b.y | c.z = b.z", NULL, NULL},
    {"left() is not a join",
     "select * from a left join b on left(a.code, 2) = b.prefix and a.id = b.id", "a; b",
     "a.id = b.id", NULL, NULL},
    {"lateral", "select * from a, lateral (select * from b where b.k = a.k) x", "a; b", "b.k = a.k",
     NULL, NULL},
    {"correlated subqueries see the outer FROM",
     "select (select max(x) from t2 where t2.k = t1.k) m from t1 where exists (select 1 from t3 "
     "where t3.id = t1.id)",
     "t1; t2; t3", "t2.k = t1.k | t3.id = t1.id", "(select max(x) from t2 where t2.k = t1.k) AS m",
     "max(x)"},
    {"import ctes stand for their relation",
     "with orders as (select * from main.stg_orders), customers as (select * from "
     "main.stg_customers c where c.active), o2 as (from orders) select c.name, sum(o.amount) as "
     "revenue from o2 o join customers c on o.customer_id = c.id group by 1",
     "main.stg_orders; main.stg_customers c", "stg_orders.customer_id = c.id",
     "c.name {name} | sum(o.amount) AS revenue", "sum(o.amount) AS revenue"},
    {"other ctes resolve to nothing",
     "with s as (select k, sum(v) v from t group by k) select * from s join u on u.k = s.k", "t; u",
     "", NULL, "sum(v)"},
    {"sample, pivot and time clauses stay with their table",
     "select a from t using sample 10% join u tablesample 5 on u.k = t.k, p pivot (sum(x) for y "
     "in ('a', 'b')) pv where a > 0",
     "t; u; p", "u.k = t.k", "a {a}", "sum(x)"},
    {"where subqueries", "select * from t where x in (select y from u union select z from w)",
     "t; u; w", "", NULL, NULL},
    {"from clause ends at its clause keywords",
     "select a from t where b group by a having count(*) > 1 qualify row_number() over () = 1 "
     "order by a limit 1 offset 2",
     "t", "", "a {a}", "count(*)"},
    {"window clause", "select a, rank() over w r from t window w as (order by a) qualify r = 1",
     "t", "", "a {a} | rank() over w AS r", ""},
};

Test(sqlscan, joins)
{
    expect_cases(joins, ARRAY_SIZE(joins));
}

/* Aggregates */

static const struct sql_case aggregates[] = {
    {"count forms",
     "select count(DISTINCT user_id) AS buyers, count(*) n, count(1), count() from t", NULL, NULL,
     NULL, "count(DISTINCT user_id) AS buyers | count(*) AS n | count(1) | count(*)"},
    {"the aggregates people use",
     "select median(x), quantile_cont(x, 0.9), quantile_disc(x, 0.5), quantile(x, 0.1), "
     "stddev_samp(x), stddev(x), var_pop(x), variance(x), approx_count_distinct(u), "
     "string_agg(name, ', ' order by name), list(x), arg_max(a, b), arg_min(a, b), bool_and(f), "
     "bool_or(f), first(x), last(x), mode(x), count_if(x > 0), countif(y), sum_if(x, y), MEAN(x), "
     "AVG(x), min(x), max(x) from t",
     NULL, NULL, NULL,
     "median(x) | quantile_cont(x, 0.9) | quantile_disc(x, 0.5) | quantile(x, 0.1) | "
     "stddev_samp(x) | stddev(x) | var_pop(x) | variance(x) | approx_count_distinct(u) | "
     "string_agg(name, ', ' order by name) | list(x) | arg_max(a, b) | arg_min(a, b) | "
     "bool_and(f) | bool_or(f) | first(x) | last(x) | mode(x) | count_if(x > 0) | countif(y) | "
     "sum_if(x, y) | mean(x) | avg(x) | min(x) | max(x)"},
    {"scalar functions are not aggregates",
     "select abs(x), least(a, b), greatest(a, b), coalesce(a, 0), row_number() over (), "
     "lower(s), main.sum(x) from t",
     NULL, NULL, NULL, ""},
    {"windows and filters",
     "select sum(x) over (partition by g order by d) running, avg(y) filter (where y > 0) as pos, "
     "row_number() over () rn from t",
     NULL, NULL,
     "sum(x) over (partition by g order by d) AS running | avg(y) filter (where y > 0) "
     "AS pos | row_number() over () AS rn",
     "sum(x) AS running | avg(y) AS pos"},
    {"where the aggregates are",
     "select g, sum(x) as total from (select g, max(y) as x from t group by g) s where x > "
     "(select avg(z) from u) group by g having count(*) > 1 order by sum(x) desc",
     "t; u", NULL, NULL, "max(y) | sum(x) AS total | avg(z) | count(*) | sum(x)"},
    {"several aggregates in one item",
     "select sum(x) / nullif(count(*), 0) as avg_x, sum(sum(y)) over () share from t", NULL, NULL,
     NULL, "sum(x) AS avg_x | count(*) AS avg_x | sum(sum(y)) AS share | sum(y) AS share"},
    {"an aggregate in a subquery item has no alias",
     "select (select max(x) from t2) as m, 1 + (select count(*) from t3) c from t1", NULL, NULL,
     NULL, "max(x) | count(*)"},
    {"duckdb's doubled parentheses go", "select sum((price * quantity)) as revenue from t", NULL,
     NULL, "sum((price * quantity)) AS revenue", "sum(price * quantity) AS revenue"},
    {"distinct and all", "select sum(DISTINCT x), avg(ALL y), count(distinct (a, b)) from t", NULL,
     NULL, NULL, "sum(DISTINCT x) | avg(y) | count(DISTINCT (a, b))"},
    {"aggregates in ctes have no alias",
     "with m as (select sum(amount) as revenue from orders) select revenue as r, avg(revenue) "
     "as avg_revenue from m",
     "orders", NULL, NULL, "sum(amount) | avg(revenue) AS avg_revenue"},
    {"prefix aliases name their aggregate", "select buyers: count(distinct user_id) from t", NULL,
     NULL, NULL, "count(DISTINCT user_id) AS buyers"},
    {"the measures of a dashboard",
     "select date_trunc('month', order_date) as month, sum(unit_price * quantity) as revenue, "
     "count(DISTINCT user_id) AS buyers from fct_orders group by 1 order by 1",
     "fct_orders", "",
     "date_trunc('month', order_date) AS month | sum(unit_price * quantity) AS revenue | "
     "count(DISTINCT user_id) AS buyers",
     "sum(unit_price * quantity) AS revenue | count(DISTINCT user_id) AS buyers"},
};

Test(sqlscan, aggregates)
{
    expect_cases(aggregates, ARRAY_SIZE(aggregates));
}

/* The sample platform's models, compiled the way mdp compiles them */

/*
 * {{ ref('m') }} -> "main"."m", {{ source('s', 't') }} -> "s"."t", {{ var('v', 'd') }} -> d.
 * Enough Jinja for the sample models; the caller frees the text.
 */
static char *compile_model(const char *text)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = text, *open, *close;

    while ((open = strstr(p, "{{")) && (close = strstr(open, "}}"))) {
        char args[3][64] = {"", "", ""};
        const char *q = open;
        int n = 0;

        strbuf_add(&sb, p, (size_t)(open - p));
        while (n < 3 && (q = memchr(q, '\'', (size_t)(close - q))) && q < close) {
            const char *end = memchr(q + 1, '\'', (size_t)(close - q - 1));
            cr_assert(end && end - q - 1 < 64);
            memcpy(args[n], q + 1, (size_t)(end - q - 1));
            args[n++][end - q - 1] = '\0';
            q = end + 1;
        }
        if (strstr(open, "ref(") && strstr(open, "ref(") < close)
            strbuf_addf(&sb, "\"main\".\"%s\"", args[0]);
        else if (strstr(open, "source(") && strstr(open, "source(") < close)
            strbuf_addf(&sb, "\"%s\".\"%s\"", args[0], args[1]);
        else
            strbuf_addstr(&sb, args[1]);
        p = close + 2;
    }
    strbuf_addstr(&sb, p);
    return strbuf_detach(&sb, NULL);
}

struct model_case {
    const char *path; /* under sample-platform/dbt_project/models/ */
    const char *relations, *joins, *items, *aggregates;
    size_t nitems;
};

static const struct model_case models[] = {
    {"staging/stg_users.sql", "raw.users", "",
     "cast(user_id as bigint) AS user_id | email {email} | first_name {first_name} | last_name "
     "{last_name} | city {city} | state {state} | case when age between 18 and 100 then cast(age "
     "as integer) end AS age | customer_segment {customer_segment} | cast(created_at as "
     "timestamp) AS created_at | cast(last_login as timestamp) AS last_login",
     "", 10},
    {"staging/stg_products.sql", "raw.products", "",
     "cast(product_id as bigint) AS product_id | product_name {product_name} | brand {brand} | "
     "category {category} | cast(abs(price) as decimal(12, 2)) AS price | cast(cost as "
     "decimal(12, 2)) AS cost | cast(stock_quantity as integer) AS stock_quantity | "
     "cast(created_at as timestamp) AS created_at | cast(updated_at as timestamp) AS updated_at",
     "", 9},
    {"staging/stg_transactions.sql", "raw.transactions", "", NULL, "", 16},
    {"staging/stg_campaigns.sql", "raw.campaigns", "",
     "cast(campaign_id as bigint) AS campaign_id | campaign_name {campaign_name} | campaign_type "
     "{campaign_type} | platform {platform} | cast(product_id as bigint) AS product_id | "
     "cast(start_date as date) AS start_date | cast(end_date as date) AS end_date | cast(budget "
     "as decimal(14, 2)) AS budget | cast(actual_spend as decimal(14, 2)) AS actual_spend | "
     "cast(abs(impressions) as bigint) AS impressions | cast(least(clicks, abs(impressions)) as "
     "bigint) AS clicks | cast(created_at as timestamp) AS created_at",
     "", 12},
    {"staging/stg_pageviews.sql", "raw.pageviews", "", NULL, "", 10},
    {"marts/dim_customers.sql", "main.stg_users", "",
     "user_id {user_id} | email {email} | first_name {first_name} | last_name {last_name} | city "
     "{city} | state {state} | age {age} | customer_segment {customer_segment} | created_at "
     "{created_at} | last_login {last_login}",
     "", 10},
    {"marts/dim_products.sql", "main.stg_products", "",
     "product_id {product_id} | product_name {product_name} | brand {brand} | category {category} "
     "| price {price} | cost {cost} | price - cost AS margin | stock_quantity {stock_quantity} | "
     "created_at {created_at} | updated_at {updated_at}",
     "", 10},
    {"marts/fct_orders.sql",
     "main.stg_transactions t; main.dim_customers c; main.dim_products p; main.stg_campaigns m",
     "c.user_id = t.user_id | p.product_id = t.product_id | m.campaign_id = t.campaign_id",
     "t.transaction_id {transaction_id} | t.transaction_date {transaction_date} | t.status "
     "{status} | t.payment_method {payment_method} | t.user_id {user_id} | c.email AS "
     "customer_email {email} | c.first_name AS customer_first_name {first_name} | c.last_name AS "
     "customer_last_name {last_name} | c.customer_segment {customer_segment} | c.city AS "
     "customer_city {city} | c.state AS customer_state {state} | t.product_id {product_id} | "
     "p.product_name {product_name} | p.brand {brand} | p.category {category} | p.cost AS "
     "product_cost {cost} | t.quantity {quantity} | t.price AS unit_price {price} | t.subtotal "
     "{subtotal} | t.tax {tax} | t.shipping {shipping} | t.discount {discount} | t.discount_code "
     "{discount_code} | t.total {total} | t.total - p.cost * t.quantity AS line_margin | "
     "coalesce(t.discount, 0) > 0 AS is_discounted | t.campaign_id {campaign_id} | "
     "m.campaign_name {campaign_name} | m.campaign_type {campaign_type} | m.platform AS "
     "campaign_platform {platform} | m.actual_spend AS campaign_spend {actual_spend} | "
     "t.created_at {created_at}",
     "", 32},
};

Test(sqlscan, sample_models)
{
    size_t k;

    for (k = 0; k < ARRAY_SIZE(models); k++) {
        const struct model_case *m = &models[k];
        char *path = xstrfmt("sample-platform/dbt_project/models/%s", m->path);
        const struct share_file *file = share_find(path);
        struct rendered r;
        char *sql;

        cr_assert(file, "%s is embedded", path);
        sql = compile_model(file->data);
        cr_assert(!strstr(sql, "{{"), "%s compiles", m->path);
        render(sql, &r);
        cr_expect_str_eq(r.relations, m->relations, "%s: relations", m->path);
        cr_expect_str_eq(r.joins, m->joins, "%s: joins", m->path);
        if (m->items)
            cr_expect_str_eq(r.items, m->items, "%s: items", m->path);
        cr_expect_str_eq(r.aggregates, m->aggregates, "%s: aggregates", m->path);
        cr_expect_eq(r.nitems, m->nitems, "%s: %zu items", m->path, r.nitems);
        rendered_release(&r);
        free(sql);
        free(path);
    }
}

Test(sqlscan, model_with_import_ctes)
{
    /* dbt's recommended shape: import CTEs, logical CTEs, a final select */
    static const struct sql_case c = {
        "import ctes",
        "with\n"
        "\n"
        "transactions as (\n"
        "    select * from \"main\".\"stg_transactions\"\n"
        "),\n"
        "\n"
        "customers as (\n"
        "    select * from \"main\".\"dim_customers\"\n"
        "),\n"
        "\n"
        "customer_orders as (\n"
        "    select\n"
        "        user_id,\n"
        "        min(transaction_date) as first_order,\n"
        "        max(transaction_date) as last_order,\n"
        "        count(distinct transaction_id) as number_of_orders,\n"
        "        sum(total) as lifetime_value\n"
        "    from transactions\n"
        "    group by 1\n"
        "),\n"
        "\n"
        "final as (\n"
        "    select\n"
        "        customers.user_id,\n"
        "        customers.first_name,\n"
        "        customer_orders.first_order,\n"
        "        coalesce(customer_orders.number_of_orders, 0) as number_of_orders,\n"
        "        customer_orders.lifetime_value\n"
        "    from customers\n"
        "    left join customer_orders using (user_id)\n"
        "    left join transactions on transactions.user_id = customers.user_id\n"
        ")\n"
        "\n"
        "select * from final\n",
        "main.stg_transactions; main.dim_customers",
        "stg_transactions.user_id = dim_customers.user_id",
        "* {*}",
        "min(transaction_date) | max(transaction_date) | count(DISTINCT transaction_id) | "
        "sum(total)"};

    expect_case(&c);
}

Test(sqlscan, verification_queries)
{
    /*
     * every verification query of the sample evals reads the marts (or the staging views of
     * page views and campaigns, which no mart covers) and selects its truth first (a pair or
     * the segment it names may follow)
     */
    const struct share_file *file = share_find("sample-platform/evals/cases.yml");
    struct yaml_node *root = NULL, *cases;
    size_t k, j, n = 0;

    cr_assert(file);
    cr_assert_eq(yaml_parse_string("cases.yml", file->data, file->len, &root), 0);
    cases = yaml_get(root, "cases");
    cr_assert(cases && cases->type == YAML_SEQ);
    for (k = 0; k < cases->n; k++) {
        const char *id = yaml_get_str(cases->items[k], "id");
        const char *sql = yaml_get_str(cases->items[k], "verification_sql");
        struct sql_facts f;

        if (!sql)
            continue;
        sql_scan(sql, &f);
        cr_expect_gt(f.nrelations, 0, "%s reads a relation", id);
        cr_expect(f.nitems >= 1 && f.nitems <= 2, "%s selects %zu items", id, f.nitems);
        for (j = 0; j < f.nrelations; j++) {
            const char *name = f.relations[j].name, *schema = f.relations[j].schema;
            int mart = schema && !strcmp(schema, "marts");
            cr_expect(mart || (schema && !strcmp(schema, "staging")), "%s", id);
            cr_expect(mart ? !strcmp(name, "fct_orders") || !strcmp(name, "dim_customers") ||
                                 !strcmp(name, "dim_products")
                           : !strcmp(name, "stg_pageviews") || !strcmp(name, "stg_campaigns"),
                      "%s reads %s", id, name);
        }
        sql_facts_release(&f);
        n++;
    }
    cr_expect_gt(n, 40);
    yaml_node_free(root);
}

/* Markdown pages */

static const char page[] = "---\n"
                           "title: Sales\n"
                           "---\n"
                           "\n"
                           "# Revenue by month\n"
                           "\n"
                           "```sql orders_by_month\n"
                           "select date_trunc('month', transaction_date) as month,\n"
                           "       sum(total) as revenue\n"
                           "from fct_orders\n"
                           "group by 1\n"
                           "```\n"
                           "\n"
                           "<LineChart data={orders_by_month} x=month y=revenue/>\n"
                           "\n"
                           "```python\n"
                           "```sql not_a_block\n"
                           "print('x')\n"
                           "```\n"
                           "\n"
                           "```SQL\n"
                           "select * from ${orders_by_month} where month > '${inputs.since}'\n"
                           "```\n"
                           "```\n"
                           "plain fence\n"
                           "```\n"
                           "   ```sql   indented  extra words\n"
                           "from t\n"
                           "   ```\n"
                           "```sqlite\n"
                           "select 1\n"
                           "```\n"
                           "```sql unclosed\n"
                           "select a\n"
                           "from b";

static void expect_page(const char *text)
{
    struct md_query *q;
    size_t n = md_sql_blocks(text, &q);

    cr_assert_eq(n, 4);
    cr_expect_str_eq(q[0].name, "orders_by_month");
    cr_expect_eq(q[0].line, 7);
    cr_expect_str_eq(q[0].sql, "select date_trunc('month', transaction_date) as month,\n"
                               "       sum(total) as revenue\n"
                               "from fct_orders\n"
                               "group by 1");
    cr_expect_null(q[1].name);
    cr_expect_eq(q[1].line, 21);
    cr_expect_str_eq(q[1].sql, "select * from ${orders_by_month} where month > '${inputs.since}'");
    cr_expect_str_eq(q[2].name, "indented");
    cr_expect_eq(q[2].line, 27);
    cr_expect_str_eq(q[2].sql, "from t");
    cr_expect_str_eq(q[3].name, "unclosed");
    cr_expect_eq(q[3].line, 33);
    cr_expect_str_eq(q[3].sql, "select a\nfrom b");
    md_queries_free(q, n);
}

Test(sqlscan, md_blocks)
{
    expect_page(page);
}

Test(sqlscan, md_blocks_crlf)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p;

    for (p = page; *p; p++) {
        if (*p == '\n')
            strbuf_addch(&sb, '\r');
        strbuf_addch(&sb, *p);
    }
    expect_page(sb.buf);
    strbuf_release(&sb);
}

Test(sqlscan, md_blocks_edges)
{
    struct md_query *q;
    size_t n;

    cr_expect_eq(md_sql_blocks("", &q), 0);
    cr_expect_null(q);
    cr_expect_eq(md_sql_blocks(NULL, &q), 0);
    cr_expect_eq(md_sql_blocks("no fences at all\n", &q), 0);
    md_queries_free(q, 0);

    n = md_sql_blocks("```sql\n```\n```sql a\n\n\n```", &q);
    cr_assert_eq(n, 2);
    cr_expect_str_eq(q[0].sql, "");
    cr_expect_str_eq(q[1].sql, "\n");
    cr_expect_eq(q[1].line, 3);
    md_queries_free(q, n);

    n = md_sql_blocks("```sql", &q);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(q[0].sql, "");
    cr_expect_eq(q[0].line, 1);
    md_queries_free(q, n);

    /* a closing fence of a sql block may carry text; an opening one inside text does not count */
    n = md_sql_blocks("```sql\nselect 1\n``` trailing\n````sql\nx\n````\n", &q);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(q[0].sql, "select 1");
    md_queries_free(q, n);
}

Test(sqlscan, dashboard_page)
{
    static const char dashboard[] =
        "# Buyers\n"
        "```sql buyers\n"
        "select date_trunc('month', transaction_date) as month,\n"
        "       count(DISTINCT user_id) AS buyers,\n"
        "       sum(unit_price * quantity) AS revenue\n"
        "from fct_orders\n"
        "where customer_segment = '${inputs.segment.value}'\n"
        "group by all\n"
        "```\n"
        "```sql top_products\n"
        "select p.category, sum(o.total) as revenue\n"
        "from fct_orders o join dim_products p on p.product_id = o.product_id\n"
        "group by 1 order by 2 desc limit 10\n"
        "```\n"
        "```sql share\n"
        "select month, buyers / sum(buyers) over () as share from ${buyers}\n"
        "```\n";
    static const struct sql_case expected[] = {
        {"buyers", NULL, "fct_orders", "",
         "date_trunc('month', transaction_date) AS month | count(DISTINCT user_id) AS buyers | "
         "sum(unit_price * quantity) AS revenue",
         "count(DISTINCT user_id) AS buyers | sum(unit_price * quantity) AS revenue"},
        {"top_products", NULL, "fct_orders o; dim_products p", "p.product_id = o.product_id",
         "p.category {category} | sum(o.total) AS revenue", "sum(o.total) AS revenue"},
        {"share", NULL, "", "", "month {month} | buyers / sum(buyers) over () AS share",
         "sum(buyers) AS share"},
    };
    struct md_query *q;
    size_t n = md_sql_blocks(dashboard, &q), k;

    cr_assert_eq(n, ARRAY_SIZE(expected));
    for (k = 0; k < n; k++) {
        struct sql_case c = expected[k];
        cr_expect_str_eq(q[k].name, c.name);
        c.sql = q[k].sql;
        expect_case(&c);
    }
    md_queries_free(q, n);
}

/* Hostile input: never a crash, never a hang, always a result */

static void scan_only(const char *sql)
{
    struct sql_facts f;
    size_t k;

    sql_scan(sql, &f);
    for (k = 0; k < f.njoins; k++)
        cr_assert(f.joins[k].left < f.nrelations && f.joins[k].right < f.nrelations);
    sql_facts_release(&f);
}

Test(sqlscan, broken_sql)
{
    static const char *const inputs[] = {
        "",
        " ",
        "select",
        "from",
        "with",
        "with x",
        "with x as",
        "with x as (",
        "with recursive",
        "select a from t join",
        "select a from t join u on",
        "select a from t join u using",
        "select a from t join u using (",
        "select a as",
        "select a,",
        ",,,",
        ";;;",
        "(",
        ")",
        "))))) select a from t",
        "select (a, (b from t",
        "select a from (select b from (select c from t",
        "select 'unterminated",
        "select \"unterminated",
        "select E'unterminated\\",
        "select $$ unterminated",
        "select $tag$ unterminated $other$",
        "select ${ unterminated {",
        "select {{ unterminated",
        "select {% unterminated",
        "select {# unterminated",
        "select /* unterminated /* nested */",
        "select -- unterminated",
        "select * from t where a.x =",
        "= a.b",
        "a.b =",
        ". . . = . .",
        "select case when",
        "select case case case end",
        "select a from t union",
        "select a from t union all (",
        "create view v as",
        "create",
        "insert into",
        "explain",
        "select ] from [ t }",
        "select count(distinct) from t",
        "select sum() from t",
        "select * exclude from t",
        "from t select",
        "select a from t, , join on using",
        "select a from a join b on a.x = b.y = c.z",
        "select $",
        "select $1$",
        "select 1e",
        "select 0x",
        "select .",
        "select E'",
        "e'",
        "select \"\"",
        "select '' as '' from \"\"",
        "x: ",
        "select x: from t",
    };
    size_t k;

    for (k = 0; k < ARRAY_SIZE(inputs); k++)
        scan_only(inputs[k]);
}

Test(sqlscan, null_and_release)
{
    struct sql_facts f;

    sql_scan(NULL, &f);
    cr_expect_eq(f.nrelations + f.njoins + f.nitems + f.naggregates, 0);
    sql_facts_release(&f);
    sql_facts_release(&f);
    sql_facts_release(NULL);
}

Test(sqlscan, unbalanced_brackets_still_read)
{
    expect_case(&(struct sql_case){"unclosed", "select sum(x as s from t join u on u.k = t.k", "",
                                   "", "sum(x as s from t join u on u.k = t.k", NULL});
    expect_case(&(struct sql_case){"stray closers", "select a) from t) join u on u.k = t.k)",
                                   "t; u", NULL, "a)", ""});
    expect_case(
        &(struct sql_case){"mismatched", "select f(a], b) as c from t", "t", "", NULL, NULL});
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
    struct strbuf sb = STRBUF_INIT;
    size_t k;

    for (k = 0; k < times; k++)
        strbuf_addstr(&sb, unit);
    strbuf_addstr(&sb, tail);
    return strbuf_detach(&sb, NULL);
}

Test(sqlscan, deep_nesting, .timeout = 20)
{
    static const char *const units[] = {
        "(",   "sum(",        "(select ",        "[",    "{", "case when ",
        "/* ", "with x as (", "select * from (", "f(a, "};
    size_t k;

    for (k = 0; k < ARRAY_SIZE(units); k++) {
        char *open = repeat(units[k], 10000, "x"), *closed;
        struct strbuf sb = STRBUF_INIT;

        scan_only(open);
        strbuf_addstr(&sb, open);
        for (size_t j = 0; j < 10000; j++)
            strbuf_addstr(&sb, ") end */ ] }");
        closed = strbuf_detach(&sb, NULL);
        scan_only(closed);
        free(open);
        free(closed);
    }
}

Test(sqlscan, deep_but_readable)
{
    /* beyond the depth limit nothing is read, but what is above it is */
    char *parens = repeat("(", 5000, "select max(y) from deep");
    char *sql = xstrfmt("select sum(x) as s, %s from t", parens);
    struct rendered r;

    render(sql, &r);
    cr_expect_eq(r.nitems, 2);
    cr_expect_str_eq(r.relations, "");
    cr_expect_str_eq(r.aggregates, "sum(x) AS s");
    rendered_release(&r);
    free(sql);
    free(parens);
}

Test(sqlscan, megabyte_inputs, .timeout = 30)
{
    static const char *const units[] = {
        "select a.x, sum(b.y) as s from a join b on a.k = b.k where a.z = 'q' group by 1;\n",
        "a,",
        "a.b = c.d and ",
        "with x as (select * from t) ",
        "from a join b using (k) ",
        "$a$ ",
        "{{ ",
        "'",
        "\"",
        "select (select (select 1 from t) from u) from v, ",
        "sum(x) over (partition by y) ",
        "a.b.c.d.e.f.g.h.",
        "= a.b = ",
        "case ",
        "))((",
        "e'\\",
    };
    size_t k;

    for (k = 0; k < ARRAY_SIZE(units); k++) {
        char *sql = repeat(units[k], (1u << 20) / strlen(units[k]), "");
        scan_only(sql);
        free(sql);
    }
}

Test(sqlscan, comma_join_of_many_relations, .timeout = 30)
{
    /* every equality resolves its qualifiers against a FROM of many names: bounded lookups */
    char *from = repeat("t, ", 50000, "u where "), *where = repeat("t.a = u.b and ", 50000, "1");
    char *sql = xstrfmt("select * from %s%s", from, where);
    struct sql_facts f;

    sql_scan(sql, &f);
    cr_expect_eq(f.nrelations, 50001);
    sql_facts_release(&f);
    free(sql);
    free(where);
    free(from);
}

Test(sqlscan, binary_input, .timeout = 30)
{
    unsigned state = 12345;
    size_t k, round;
    char *buf = xmalloc(1 << 16);

    for (round = 0; round < 64; round++) {
        for (k = 0; k + 1 < (1 << 16); k++) {
            state = state * 1103515245u + 12345u;
            buf[k] = (char)((state >> 16) % 255 + 1);
        }
        buf[k] = '\0';
        scan_only(buf);
        {
            struct md_query *q;
            size_t n = md_sql_blocks(buf, &q);
            md_queries_free(q, n);
        }
    }
    free(buf);
}
