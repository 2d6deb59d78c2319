/*
 * A light reader of SQL text: what a model, a view or a dashboard query reads, how it joins,
 * which expressions its SELECT list computes and which aggregates it uses. The catalog learns
 * lineage, derived columns, joins people write and measures people compute from it.
 *
 * It is not a validator: it tokenizes (strings, quoted identifiers, comments, dollar-quoted and
 * Evidence ${...} templates are skipped as units; Jinja {{ ... }} is a unit too, {% ... %} and
 * {# ... #} count as blanks), then walks the tokens with the nesting depth of parentheses.
 * Syntax it does not know is passed over, never an error, and any input, even binary, gives a
 * result without reading out of bounds (there is a fuzz target). Groups nested more than 40
 * deep are not looked into; time and memory are linear in the text.
 *
 * Statements are split at top-level semicolons. CREATE ... AS reads the query after AS (what
 * duckdb_views().sql holds), INSERT ... reads the query it inserts, EXPLAIN the explained one.
 * Relations, joins and aggregates come from every statement; the items from the last statement
 * that is a query.
 *
 * Names are kept as written, unquoted ("My Table" -> My Table), without changing case.
 *
 * Ownership: sql_scan() fills a struct sql_facts the caller releases with
 * sql_facts_release(); every string in it is owned by it.
 */
#ifndef MDP_SQLSCAN_H
#define MDP_SQLSCAN_H

#include <stddef.h>

/*
 * A relation read in a FROM or JOIN clause, anywhere in the query (CTEs and subqueries too), in
 * the order of the text except that a FROM clause comes before its own SELECT list. A relation
 * read twice is listed twice. CTE names, subquery aliases, table functions (read_csv('x'),
 * range(10)), file strings ('x.parquet') and templates are not relations.
 */
struct sql_relation {
    char *schema; /* NULL when unqualified; a three-part name keeps its last two parts */
    char *name;
    char *alias; /* NULL when none */
};

/*
 * An equality between columns of two different relations in an ON clause
 * (`ON o.user_id = c.user_id`, also inside AND/OR chains and parentheses), in a WHERE clause
 * (comma joins, correlated subqueries), or a USING (col, ...) list, which joins the relation
 * before the JOIN to the joined one. Qualifiers resolve by alias, then by table name, in the
 * query's FROM and then the enclosing ones. A CTE that is `SELECT * FROM r` stands for r; any
 * other CTE or subquery resolves to nothing, as do comparisons with literals or expressions.
 * left/right index into sql_facts.relations, left being the left side of the `=`.
 */
struct sql_join {
    size_t left, right;
    char *left_column, *right_column;
};

/*
 * An item of the SELECT list of the query's final, outermost SELECT: the first SELECT after the
 * CTEs, the first branch of a UNION/INTERSECT/EXCEPT. DuckDB's bare `FROM t` gives one item "*".
 */
struct sql_item {
    /*
     * The expression text without its alias, whitespace and comments collapsed to single
     * spaces, parentheses around all of it dropped ((a + b) -> a + b, not for (a, b) or a
     * subquery); otherwise as written.
     */
    char *expr;
    char *alias;  /* AS alias, a bare trailing alias, or DuckDB's `alias: expr`; NULL when none */
    char *column; /* when expr is a bare column reference (a.b or b): its column name; else NULL */
    int star;     /* the item is *, x.*, with EXCLUDE/REPLACE/RENAME, or COLUMNS(...) */
};

/*
 * An aggregate call anywhere in the query: sum(x), avg(x), count(DISTINCT x), ..., window
 * calls (sum(x) OVER (...)) included, in the order met (a FROM clause before its SELECT list).
 */
struct sql_aggregate {
    char *func; /* lowercase: sum, avg, count, min, max, median, ... */
    int distinct;
    /* the argument text as in sql_item.expr, after DISTINCT; "*" for count(*) and count() */
    char *arg;
    /* the alias of the final SELECT item the call is in (not in a subquery of it), or NULL */
    char *alias;
};

struct sql_facts {
    struct sql_relation *relations;
    size_t nrelations;
    struct sql_join *joins;
    size_t njoins;
    struct sql_item *items;
    size_t nitems;
    struct sql_aggregate *aggregates;
    size_t naggregates;
};

/* Reads sql (NUL-terminated; NULL reads as empty, text past 1 GiB is ignored) into *out. */
void sql_scan(const char *sql, struct sql_facts *out);
void sql_facts_release(struct sql_facts *f);

/*
 * A fenced ```sql block of an Evidence-style markdown page: a line "```sql name" opens it (up to
 * three spaces before it, "sql" in any case), the next line starting with "```" closes it.
 * Other fences (```python, ```) hide their content until a bare "```" line. line is the 1-based
 * line of the opening fence. \r\n line ends are read as \n.
 */
struct md_query {
    char *name; /* the first word after "sql"; NULL when the fence names none */
    char *sql;  /* the lines between the fences, joined with \n, without a final \n */
    int line;
};

/*
 * The sql blocks of a markdown text, in order. Returns the count and *out; free each
 * name and sql, then the array (md_queries_free()). An unclosed block runs to the end.
 */
size_t md_sql_blocks(const char *text, struct md_query **out);
void md_queries_free(struct md_query *q, size_t n);

#endif
