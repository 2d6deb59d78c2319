/*
 * The Jinja subset dbt models are written in, rendered to plain SQL.
 *
 * Supported: {{ expr }}, {# comments #}, {% if %}/{% elif %}/{% else %}/{% endif %},
 * {% for x in expr %}...{% endfor %} (with loop.index, loop.index0, loop.first, loop.last,
 * loop.length), {% set x = expr %}, whitespace control ({%- -%}, {{- -}}, {#- -#}).
 * {% set x %}...{% endset %}, {% do expr %}, {% macro name(a, b=default) %}...{% endmacro %}.
 * Expressions: strings, numbers, true/false/none, lists, names bound by set/for, parentheses,
 * == != < > <= >= in, not in, and/or/not, + - * / % ~, a if c else b, the tests is [not]
 * none/defined/undefined/string/number, the filters upper, lower, trim, length and join, the
 * calls ref(), source(), config(), var(), doc(), this and is_incremental(), which go to the
 * caller's hooks, env_var(), log(), return(), target.name/.schema/.type, execute,
 * project_name, the project's macros (struct tpl_lib) and the macros of this file, and the
 * dbt helpers with a plain SQL meaning: adapter.quote, dbt_utils.generate_surrogate_key,
 * dbt.{current_timestamp, date_trunc, dateadd, datediff, safe_cast, concat, hash, split_part,
 * type_*} (also spelt dbt_utils.*).
 *
 * Anything else (unknown macros, adapter.get_relation, graph, run_query, unknown tags or
 * filters) is refused with "file:line:col: unsupported ..." when the template is parsed,
 * whether or not the branch it sits in would run: nothing is silently dropped.
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
    /* doc('name'): append the text of the project's {% docs name %} block to out. */
    int (*doc)(void *ctx, const char *name, const struct tpl_site *at, struct strbuf *out);
    /*
     * this (part NULL: the relation's SQL name), this.name / this.identifier (part "name"),
     * this.schema (part "schema"): append it to out. NULL makes `this` an error.
     */
    int (*this_relation)(void *ctx, const char *part, struct strbuf *out);
    /* is_incremental(): 1 when the model is incremental and its table exists (NULL: 0). */
    int (*is_incremental)(void *ctx);
    const struct tpl_lib *macros; /* the project's macros, callable by name; or NULL */
    const char *project_name;     /* project_name */
    const char *target_name;      /* target.name (NULL: "dev") */
    const char *target_schema;    /* target.schema (NULL: "main") */
    int quiet_log; /* log() prints nothing: a render whose output is only looked at */
};

/*
 * A library of macro files: {% macro name(a, b='default') %}...{% endmacro %} at their top
 * level. Add every file, then tpl_lib_check() once: it refuses unknown calls in every file
 * (macros may call each other across files). A macro's result is its rendered text, or the
 * value it passes to return().
 */
struct tpl_lib;
struct tpl_lib *tpl_lib_new(void);
void tpl_lib_free(struct tpl_lib *lib);
/* Parses one file's macros. Returns 0, or -1 after error() (syntax, a macro defined twice). */
int tpl_lib_add(struct tpl_lib *lib, const char *file, const char *text, size_t len);
int tpl_lib_check(const struct tpl_lib *lib);
/* Is there a macro called name? */
int tpl_lib_has(const struct tpl_lib *lib, const char *name);
/*
 * Calls hooks->macros' macro name with positional args, and extra names bound in its scope
 * (e.g. "node.name"); *out is its result (release it). Returns 0, or -1 after error().
 */
int tpl_lib_call(const char *name, const struct tpl_value *args, size_t nargs,
                 const char *const *names, const struct tpl_value *values, size_t nnamed,
                 const struct tpl_hooks *hooks, struct tpl_value *out);

/*
 * Renders text (len bytes; file names it in messages) and appends the result to out.
 * Returns 0, or -1 after error("file:line:col: ...") for a syntax error, an unsupported
 * construct, an undefined name, a failing hook or output beyond 64 MB.
 */
int template_render(const char *file, const char *text, size_t len, const struct tpl_hooks *hooks,
                    struct strbuf *out);
/*
 * template_render(), and on success *lines (the caller frees): (*lines)[k] is the line of the
 * file that the appended output's line k + 1 came from (its text, or the tag that printed
 * it), so that an error on a line of the SQL can name the line of the model.
 */
int template_render_lines(const char *file, const char *text, size_t len,
                          const struct tpl_hooks *hooks, struct strbuf *out, int **lines,
                          size_t *nlines);

#endif
