/*
 * Results as text: aligned terminal tables, CSV, JSON and Markdown.
 */
#ifndef MDP_RENDER_TABLE_H
#define MDP_RENDER_TABLE_H

struct strbuf;
struct wh_result;

enum render_format { RENDER_TABLE, RENDER_CSV, RENDER_JSON, RENDER_MARKDOWN };

/* "table", "csv", "json", "markdown" (or "md"); -1 for anything else. */
int render_format_parse(const char *name, enum render_format *out);

struct render_options {
    int width;  /* terminal width to fit the table into; 0: no limit */
    int color;  /* dim NULLs and the header rule */
    int footer; /* "(3 rows)" under tables */
};

/* Appends r in the given format to sb. */
void render_result(struct strbuf *sb, const struct wh_result *r, enum render_format fmt,
                   const struct render_options *opts);

/* Display width of a UTF-8 string (code points; wide characters count as one). */
size_t render_text_width(const char *s);

#endif
