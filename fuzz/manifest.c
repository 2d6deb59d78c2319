/*
 * libFuzzer target for the source manifest parser: any bytes must parse or fail cleanly, and
 * what parses must format to text that parses again to the same sources.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/manifest.h"
#include "util/error.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct manifest m, again;
    struct strbuf out = STRBUF_INIT;
    size_t i;

    error_quiet(1);
    if (manifest_parse("fuzz.yml", (const char *)data, size, &m) < 0)
        return 0;
    manifest_format(&m, &out);
    if (manifest_parse("formatted.yml", out.buf, out.len, &again) < 0)
        BUG("formatted manifest does not parse: %s\n%s", error_last(), out.buf);
    if (again.n != m.n)
        BUG("formatted manifest has %zu sources, not %zu", again.n, m.n);
    for (i = 0; i < m.n; i++)
        if (strcmp(m.sources[i].table, again.sources[i].table) ||
            strcmp(m.sources[i].path, again.sources[i].path))
            BUG("source %zu changed when formatted", i);
    manifest_release(&again);
    manifest_release(&m);
    strbuf_release(&out);
    return 0;
}
