/*
 * libFuzzer target for the dashboard page reader (src/dash/page.c), its markdown renderer and
 * the value formats: any bytes, read as a page, must give well-formed blocks (every component
 * named, every attribute with a value, lines increasing), render as markdown, and have their
 * attribute values read as formats, without crashing, leaking or reading out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dash/format.h"
#include "dash/markdown.h"
#include "dash/page.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_component(const struct dash_component *c, int depth)
{
    size_t i;
    struct dash_fmt f;
    struct strbuf sb = STRBUF_INIT;

    if (!c->name || c->line < 1 || c->col < 1 || depth > 16)
        abort();
    for (i = 0; i < c->nattrs; i++) {
        if (!c->attrs[i].name || !c->attrs[i].value)
            abort();
        if (dash_fmt_parse(c->attrs[i].value, &f) == 0) {
            dash_fmt_number(&f, -1234567.891, &sb);
            if (f.kind == DASH_FMT_DATE)
                dash_fmt_time(f.date, 1709288430, &sb);
        }
    }
    strbuf_release(&sb);
    for (i = 0; i < c->nchildren; i++)
        check_component(&c->children[i], depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *)data, size);
    struct strbuf html = STRBUF_INIT;
    struct dash_page p;
    size_t i;
    int line = 0;

    dash_page_parse(text, &p);
    for (i = 0; i < p.nqueries; i++)
        if (!p.queries[i].name || !p.queries[i].sql)
            abort();
    for (i = 0; i < p.nblocks; i++) {
        const struct dash_block *b = &p.blocks[i];
        if (b->line < line && b->kind != DASH_BLOCK_PROBLEM)
            abort();
        if (b->kind != DASH_BLOCK_PROBLEM)
            line = b->line;
        if (b->kind == DASH_BLOCK_QUERY && b->query >= p.nqueries)
            abort();
        if ((b->kind == DASH_BLOCK_MARKDOWN || b->kind == DASH_BLOCK_PROBLEM) && !b->text)
            abort();
        if (b->kind == DASH_BLOCK_MARKDOWN)
            markdown_to_html(b->text, NULL, &html);
        if (b->kind == DASH_BLOCK_COMPONENT)
            check_component(&b->component, 0);
    }
    markdown_to_html(text, NULL, &html);
    dash_page_release(&p);
    strbuf_release(&html);
    free(text);
    return 0;
}
