/*
 * The Jinja subset dbt models are written in, rendered to plain SQL.
 *
 * Supported: {{ expr }}, {# comments #}, {% if %}/{% elif %}/{% else %}/{% endif %},
 * {% for x in expr %}...{% endfor %} (with loop.index, loop.index0, loop.first, loop.last,
 * loop.length), {% set x = expr %}, whitespace control ({%- -%}, {{- -}}, {#- -#}).
 * Expressions: strings, numbers, true/false/none, lists, names bound by set/for, parentheses,
 * == != < > <= >= in, not in, and/or/not, + - * / % ~, the filters upper, lower, trim, length
 * and join, and the calls ref(), source(), config() and var(), which go to the caller's hooks.
 *
 * Anything else (custom macros, adapter.*, this, is_incremental(), unknown tags or filters)
 * is refused with "file:line:col: unsupported ..." when the template is parsed, whether or not
 * the branch it sits in would run: nothing is silently dropped.
 */
#ifndef MDP_TEMPLATE_H
#define MDP_TEMPLATE_H

#include <stddef.h>

struct strbuf;
struct yaml_node;

enum tpl_type { TPL_NONE, TPL_STR, TPL_NUM, TPL_BOOL, TPL_LIST };

/* A template value. Owns str and items; release with tpl_value_release(). */
struct tpl_value {
    enum tpl_type type;
    char *str;               /* TPL_STR */
    double num;              /* TPL_NUM */
    int boolean;             /* TPL_BOOL */
    struct tpl_value *items; /* TPL_LIST */
    size_t n;
};

void tpl_value_release(struct tpl_value *v);
/* Appends v as Jinja prints it: strings as is, 3, 1.5, True, None, ['a', 1]. */
void tpl_value_print(struct strbuf *sb, const struct tpl_value *v);
/*
 * Converts a YAML value (a scalar, or a sequence of them) into *out, typing unquoted scalars:
 * null, booleans and numbers. Returns 0, or -1 (mappings are not template values).
 */
int tpl_value_from_yaml(const struct yaml_node *node, struct tpl_value *out);

/* Where a call stands, for the hooks' messages. */
struct tpl_site {
    const char *file;
    int line;
    int col;
};

/*
 * What the calls do. Each hook returns 0, or -1 after error() (naming site->file:line).
 * Every hook may be NULL, which makes its call an error.
 */
struct tpl_hooks {
    void *ctx;
    /* ref('model') (or ref('package', 'model')): append the relation's SQL name to out. */
    int (*ref)(void *ctx, const char *model, const struct tpl_site *at, struct strbuf *out);
    /* source('source', 'table'): append the relation's SQL name to out. */
    int (*source)(void *ctx, const char *source, const char *table, const struct tpl_site *at,
                  struct strbuf *out);
    /* config(key=value, ...): called once per keyword; config() itself renders as "". */
    int (*config)(void *ctx, const char *key, const struct tpl_value *value,
                  const struct tpl_site *at);
    /* var('name'): the variable's YAML value (borrowed), or NULL when it is not defined. */
    const struct yaml_node *(*var)(void *ctx, const char *name);
};

/*
 * Renders text (len bytes; file names it in messages) and appends the result to out.
 * Returns 0, or -1 after error("file:line:col: ...") for a syntax error, an unsupported
 * construct, an undefined name, a failing hook or output beyond 64 MB.
 */
int template_render(const char *file, const char *text, size_t len, const struct tpl_hooks *hooks,
                    struct strbuf *out);

#endif
