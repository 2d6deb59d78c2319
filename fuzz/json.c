/*
 * Fuzz target: the JSON wrapper. Whatever parses must print and parse again.
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct json *j, *again;
    struct strbuf sb = STRBUF_INIT;

    error_quiet(1);
    j = json_parse("fuzz", (const char *)data, size);
    if (j) {
        json_print(&sb, j, 1);
        again = json_parse("printed", sb.buf, sb.len);
        if (!again)
            abort();
        json_free(again);
    }
    json_free(j);
    strbuf_release(&sb);
    return 0;
}
