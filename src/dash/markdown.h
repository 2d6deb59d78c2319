/*
 * Markdown to HTML for dashboard pages: ATX headings, paragraphs, flat bullet and numbered
 * lists, block quotes, horizontal rules, fenced code, pipe tables, and inline code, bold,
 * italics, links and images. Everything else is text: raw HTML is escaped, never passed on.
 * Links to pages of the site ("/sales", "/") are rewritten to their files ("sales.html").
 */
#ifndef MDP_DASH_MARKDOWN_H
#define MDP_DASH_MARKDOWN_H

struct strbuf;

struct markdown_options {
    /* prepended to rewritten site links: "" for a page at the top, "../" one level down */
    const char *root;
};

/* Appends the HTML of text to html. opts may be NULL. */
void markdown_to_html(const char *text, const struct markdown_options *opts, struct strbuf *html);
/* Appends s with &, <, >, " and ' escaped. */
void html_escape(struct strbuf *html, const char *s);
void html_escape_n(struct strbuf *html, const char *s, size_t n);

#endif
