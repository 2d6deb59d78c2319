/*
 * libFuzzer target for the catalog cache reader (catalog/cache.c): any bytes are rejected or
 * give a catalog that can be indexed, looked up, reported and written back as JSON. Start it
 * from a real cache file (a warehouse's data.duckdb.catalog.json) as its corpus.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog_internal.h"
#include "render/catalog.h"
#include "util/error.h"
#include "util/json.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cat_check *checks = NULL;
    size_t nchecks = 0, i, n;
    struct catalog *c;
    struct json *j;
    struct strbuf sb = STRBUF_INIT;
    struct cat_hit *hits;
    int *path;

    error_quiet(1);
    j = json_parse("fuzz.json", (const char *)data, size);
    c = j ? cat_from_json(j, &checks, &nchecks) : NULL;
    if (c) {
        n = catalog_lookup(c, "total", &hits);
        free(hits);
        (void)n;
        if (c->ntables > 1 && catalog_join_path(c, 0, (int)c->ntables - 1, &path) > 0)
            free(path);
        catalog_report(c, NULL, &sb);
        catalog_to_json(c, &sb, 1, 1);
        catalog_free(c);
    }
    for (i = 0; i < nchecks; i++)
        free(checks[i].key);
    free(checks);
    json_free(j);
    strbuf_release(&sb);
    return 0;
}
