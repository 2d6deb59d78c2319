/*
 * An Evidence-style dashboard page, parsed: front matter, markdown, named ```sql blocks and
 * components such as <BigValue data={orders} value=total fmt=usd/>.
 *
 * The page is read line by line. A ```sql NAME fence opens a query (the blocks themselves are
 * found by md_sql_blocks() of the catalog's SQL reader, so both read pages the same way); other
 * fences are markdown code. A line that starts with '<' and an uppercase letter opens a
 * component, which may span lines; unless it ends with "/>" its content up to </Name> holds
 * child components (<Column/>, <DropdownOption/>). Everything else is markdown.
 *
 * Attribute values are "text", 'text', {expression} (braced: a query name, a list, true) or a
 * bare word; an attribute without a value is "true".
 *
 * Parsing never fails: what it cannot read (an unclosed tag, a stray closing tag, a query
 * without a name) becomes a DASH_BLOCK_PROBLEM block at its place, which the page shows as a
 * warning box and the build reports. There is a fuzz target (fuzz/dash_page.c).
 *
 * Ownership: dash_page_parse() fills a struct dash_page released with dash_page_release();
 * every string in it is owned by it.
 */
#ifndef MDP_DASH_PAGE_H
#define MDP_DASH_PAGE_H

#include <stddef.h>

#include "catalog/sqlscan.h"

struct dash_attr {
    char *name;
    char *value;
    int braced; /* written as {value} */
    int line, col;
};

struct dash_component {
    char *name;
    int line, col;
    struct dash_attr *attrs;
    size_t nattrs;
    struct dash_component *children;
    size_t nchildren;
};

enum dash_block_kind {
    DASH_BLOCK_MARKDOWN,  /* text: markdown */
    DASH_BLOCK_QUERY,     /* query: index into dash_page.queries */
    DASH_BLOCK_COMPONENT, /* component */
    DASH_BLOCK_PROBLEM    /* text: what is wrong, for a warning box */
};

struct dash_block {
    enum dash_block_kind kind;
    int line, col; /* where it starts, 1-based */
    char *text;
    size_t query;
    struct dash_component component;
};

struct dash_page {
    char *title; /* the front matter's title, or NULL */
    /*
     * The named sql blocks (catalog/sqlscan.h), each sql without a final ';'. name is never
     * NULL: blocks without a name are problems, not queries.
     */
    struct md_query *queries;
    size_t nqueries;
    struct dash_block *blocks;
    size_t nblocks;
};

/* Parses text (NUL-terminated) into *out. Never fails. */
void dash_page_parse(const char *text, struct dash_page *out);
void dash_page_release(struct dash_page *p);

/* The attribute's value, or NULL when c has no such attribute (names are case-sensitive). */
const char *dash_attr(const struct dash_component *c, const char *name);
const struct dash_attr *dash_attr_find(const struct dash_component *c, const char *name);

#endif
