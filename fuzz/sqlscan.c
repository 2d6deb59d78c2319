/*
 * libFuzzer target for the SQL reader (src/catalog/sqlscan.c): any bytes, read as SQL and as a
 * markdown page whose sql blocks are read in turn, must give well-formed facts without crashing,
 * leaking or reading out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "catalog/sqlscan.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *sql)
{
    struct sql_facts f;
    size_t k;

    sql_scan(sql, &f);
    for (k = 0; k < f.nrelations; k++)
        if (!f.relations[k].name)
            abort();
    for (k = 0; k < f.njoins; k++)
        if (f.joins[k].left >= f.nrelations || f.joins[k].right >= f.nrelations ||
            f.joins[k].left == f.joins[k].right || !f.joins[k].left_column ||
            !f.joins[k].right_column)
            abort();
    for (k = 0; k < f.nitems; k++)
        if (!f.items[k].expr || (f.items[k].star && (f.items[k].alias || f.items[k].column)))
            abort();
    for (k = 0; k < f.naggregates; k++)
        if (!f.aggregates[k].func || !f.aggregates[k].arg)
            abort();
    sql_facts_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    struct md_query *q;
    size_t n, k;

    check(text);
    n = md_sql_blocks(text, &q);
    for (k = 0; k < n; k++) {
        if (!q[k].sql || q[k].line < 1 || (k && q[k].line <= q[k - 1].line))
            abort();
        check(q[k].sql);
    }
    md_queries_free(q, n);
    free(text);
    return 0;
}
