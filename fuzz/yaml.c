/*
 * Fuzz target: the YAML tree builder and emitter. Whatever parses must emit YAML that parses
 * again.
 */
#include <stdint.h>
#include <stdlib.h>

#include "util/error.h"
#include "util/strbuf.h"
#include "util/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct yaml_node *root = NULL, *again = NULL;
    struct strbuf sb = STRBUF_INIT;

    error_quiet(1);
    if (yaml_parse_string("fuzz", (const char *)data, size, &root) == 0 && root) {
        yaml_emit(&sb, root);
        if (yaml_parse_string("emitted", sb.buf, sb.len, &again) < 0)
            abort();
    }
    yaml_node_free(root);
    yaml_node_free(again);
    strbuf_release(&sb);
    return 0;
}
