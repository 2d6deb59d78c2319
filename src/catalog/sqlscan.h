/*
 * A light reader of SQL text: what a model, a view or a dashboard query reads, how it joins,
 * which expressions its SELECT list computes and which aggregates it uses. The catalog learns
 * lineage, derived columns, joins people write and measures people compute from it.
 *
 * It is not a validator: it tokenizes (strings, quoted identifiers, comments, dollar-quoted and
 * Evidence ${...} templates are skipped as units), then walks the tokens with the nesting depth
 * of parentheses. Syntax it does not know is passed over, never an error, and any input, even
 * binary, gives a result without reading out of bounds (there is a fuzz target).
 *
 * Names are kept as written, unquoted ("My Table" -> My Table), without changing case.
 *
 * Ownership: sql_scan() fills a struct sql_facts the caller releases with
 * sql_facts_release(); every string in it is owned by it.
 */
#ifndef MDP_SQLSCAN_H
#define MDP_SQLSCAN_H

#include <stddef.h>

/* A relation read in a FROM or JOIN clause (CTE names and table functions excluded). */
struct sql_relation {
    char *schema; /* NULL when unqualified; a three-part name keeps its last two parts */
    char *name;
    char *alias; /* NULL when none */
};

/*
 * An equality between columns of two different relations in an ON clause
 * (`ON o.user_id = c.user_id`, also inside AND chains) or a USING (col, ...) list.
 * left/right index into sql_facts.relations.
 */
struct sql_join {
    size_t left, right;
    char *left_column, *right_column;
};

/* An item of the SELECT list of the query's final, outermost SELECT. */
struct sql_item {
    char *expr;   /* the expression text, whitespace collapsed to single spaces */
    char *alias;  /* AS alias (or a bare trailing alias); NULL when none */
    char *column; /* when expr is a bare column reference (a.b or b): its column name; else NULL */
    int star;     /* the item is * or x.* */
};

/* An aggregate call anywhere in the query: sum(x), avg(x), count(DISTINCT x), ... */
struct sql_aggregate {
    char *func;  /* lowercase: sum, avg, count, min, max, median, ... */
    int distinct;
    char *arg;   /* the argument text, whitespace collapsed; "*" for count(*) */
    char *alias; /* the alias of the final SELECT item the call is in, or NULL */
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

/* Reads sql (NUL-terminated) into *out. Never fails. */
void sql_scan(const char *sql, struct sql_facts *out);
void sql_facts_release(struct sql_facts *f);

/*
 * A fenced ```sql block of an Evidence-style markdown page: "```sql name" opens it, "```"
 * closes it. line is the 1-based line of the opening fence.
 */
struct md_query {
    char *name; /* NULL when the fence names none */
    char *sql;
    int line;
};

/*
 * The sql blocks of a markdown text, in order. Returns the count and *out; free each
 * name and sql, then the array (md_queries_free()). An unclosed block runs to the end.
 */
size_t md_sql_blocks(const char *text, struct md_query **out);
void md_queries_free(struct md_query *q, size_t n);

#endif
