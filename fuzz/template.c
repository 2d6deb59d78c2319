/*
 * libFuzzer target for the model template engine (src/platform/template.c): any input must
 * render or fail with an error, never crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/template.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/yaml.h"

static struct yaml_node *vars;

static int ref(void *ctx, const char *model, const struct tpl_site *at, struct strbuf *out)
{
    if (!strcmp(model, "bad"))
        return error("%s:%d: bad ref", at->file, at->line);
    strbuf_addf(out, "\"main\".\"%s\"", model);
    return 0;
}

static int source(void *ctx, const char *s, const char *t, const struct tpl_site *at,
                  struct strbuf *out)
{
    strbuf_addf(out, "\"%s\".\"%s\"", s, t);
    return 0;
}

static int config(void *ctx, const char *key, const struct tpl_value *v, const struct tpl_site *at)
{
    struct strbuf sb = STRBUF_INIT;
    tpl_value_print(&sb, v);
    strbuf_release(&sb);
    return 0;
}

static const struct yaml_node *var(void *ctx, const char *name)
{
    return yaml_get(vars, name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char v[] = "n: 3\ns: text\nb: true\nl: [a, 1, false]\nm: {k: v}\n";
    struct tpl_hooks h = {NULL, ref, source, config, var};
    struct strbuf out = STRBUF_INIT;

    if (!vars) {
        error_quiet(1);
        yaml_parse_string("vars", v, strlen(v), &vars);
    }
    template_render("fuzz.sql", (const char *)data, size, &h, &out);
    strbuf_release(&out);
    return 0;
}
