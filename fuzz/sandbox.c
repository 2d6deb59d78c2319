/*
 * Fuzz target: the sandbox's statement allow-list on arbitrary text.
 */
#include <stdint.h>

#include "util/error.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);

    error_quiet(1);
    sandbox_check_text(text);
    free(text);
    return 0;
}
