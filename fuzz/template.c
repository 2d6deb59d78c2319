/*
 * libFuzzer target for the model template engine (src/platform/template.c): any input must
 * render or fail with an error, never crash, leak or read out of bounds. Input up to a first
 * "\n---\n" is a macro file (parsed into a macro library and checked); the rest is the model
 * rendered with it, so macros, their calls across files and return() are fuzzed too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

static int this_relation(void *ctx, const char *part, struct strbuf *out)
{
    strbuf_addstr(out, part ? "m" : "\"main\".\"m\"");
    return 0;
}

static int is_incremental(void *ctx)
{
    return 1;
}

static int doc(void *ctx, const char *name, const struct tpl_site *at, struct strbuf *out)
{
    strbuf_addstr(out, name);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char v[] = "n: 3\ns: text\nb: true\nl: [a, 1, false]\nm: {k: v}\n";
    struct tpl_hooks h;
    struct strbuf out = STRBUF_INIT;
    const char *text = (const char *)data, *sep = memmem(data, size, "\n---\n", 5);
    struct tpl_lib *lib = NULL;
    int *lines = NULL;
    size_t nlines = 0;

    if (!vars) {
        error_quiet(1);
        yaml_parse_string("vars", v, strlen(v), &vars);
    }
    memset(&h, 0, sizeof(h));
    h.ref = ref;
    h.source = source;
    h.config = config;
    h.var = var;
    h.this_relation = this_relation;
    h.is_incremental = is_incremental;
    h.doc = doc;
    h.project_name = "fuzz";
    if (sep) {
        lib = tpl_lib_new();
        if (tpl_lib_add(lib, "macros/fuzz.sql", text, (size_t)(sep - text)) == 0 &&
            tpl_lib_check(lib) == 0)
            h.macros = lib;
        size -= (size_t)(sep + 5 - text);
        text = sep + 5;
    }
    if (template_render_lines("fuzz.sql", text, size, &h, &out, &lines, &nlines) == 0) {
        /* one line of the file per line of the output, each within the file */
        size_t i, nl = 1;
        for (i = 0; i < out.len; i++)
            nl += out.buf[i] == '\n';
        if (nlines != nl)
            abort();
        for (i = 0; i < nlines; i++)
            if (lines[i] < 1)
                abort();
        free(lines);
    }
    strbuf_release(&out);
    tpl_lib_free(lib);
    return 0;
}
