/*
 * Fuzz target: the .env parser (entries are counted, never set).
 */
#include <stdint.h>
#include <string.h>

#include "platform/locate.h"
#include "util/error.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(const char *key, const char *value, void *ctx)
{
    (void)ctx;
    return key[0] && strlen(value) < (size_t)-1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);

    error_quiet(1);
    platform_parse_env("fuzz", text, count, NULL);
    free(text);
    return 0;
}
