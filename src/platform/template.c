/*
 * The Jinja subset of template.h: a parser that turns a model's text into a tree of text,
 * output, if, for and set nodes with expression trees, then an evaluator that walks it.
 * Parsing checks the whole template (dead branches too), so an unsupported construct is
 * always reported, with its file, line and column.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "platform/template.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

#define MAX_DEPTH  64
#define MAX_OUTPUT (64u << 20)

/* Values */

void tpl_value_release(struct tpl_value *v)
{
    size_t i;

    if (!v)
        return;
    free(v->str);
    for (i = 0; i < v->n; i++)
        tpl_value_release(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof(*v));
}

static void value_copy(struct tpl_value *dst, const struct tpl_value *src)
{
    size_t i;

    *dst = *src;
    if (src->str)
        dst->str = xstrdup(src->str);
    if (src->n) {
        dst->items = xcalloc(src->n, sizeof(*dst->items));
        for (i = 0; i < src->n; i++)
            value_copy(&dst->items[i], &src->items[i]);
    } else {
        dst->items = NULL;
    }
}

static void value_str(struct tpl_value *v, char *owned)
{
    memset(v, 0, sizeof(*v));
    v->type = TPL_STR;
    v->str = owned;
}

static void value_num(struct tpl_value *v, double n)
{
    memset(v, 0, sizeof(*v));
    v->type = TPL_NUM;
    v->num = n;
}

static void value_bool(struct tpl_value *v, int b)
{
    memset(v, 0, sizeof(*v));
    v->type = TPL_BOOL;
    v->boolean = !!b;
}

static void print_num(struct strbuf *sb, double n)
{
    if (n == floor(n) && fabs(n) < 1e15)
        strbuf_addf(sb, "%.0f", n);
    else
        strbuf_addf(sb, "%.15g", n);
}

static void print_item(struct strbuf *sb, const struct tpl_value *v)
{
    if (v->type == TPL_STR) {
        const char *p;
        strbuf_addch(sb, '\'');
        for (p = v->str; *p; p++) {
            if (*p == '\'' || *p == '\\')
                strbuf_addch(sb, '\\');
            strbuf_addch(sb, *p);
        }
        strbuf_addch(sb, '\'');
    } else {
        tpl_value_print(sb, v);
    }
}

void tpl_value_print(struct strbuf *sb, const struct tpl_value *v)
{
    size_t i;

    switch (v->type) {
    case TPL_NONE: strbuf_addstr(sb, "None"); break;
    case TPL_STR: strbuf_addstr(sb, v->str); break;
    case TPL_NUM: print_num(sb, v->num); break;
    case TPL_BOOL: strbuf_addstr(sb, v->boolean ? "True" : "False"); break;
    case TPL_LIST:
        strbuf_addch(sb, '[');
        for (i = 0; i < v->n; i++) {
            if (i)
                strbuf_addstr(sb, ", ");
            print_item(sb, &v->items[i]);
        }
        strbuf_addch(sb, ']');
        break;
    }
}

int tpl_value_from_yaml(const struct yaml_node *node, struct tpl_value *out)
{
    size_t i;
    char *end;
    double d;
    int b;

    memset(out, 0, sizeof(*out));
    if (!node || yaml_is_null(node))
        return 0;
    if (node->type == YAML_SEQ) {
        out->type = TPL_LIST;
        out->items = xcalloc(node->n ? node->n : 1, sizeof(*out->items));
        for (i = 0; i < node->n; i++) {
            if (tpl_value_from_yaml(node->items[i], &out->items[i]) < 0) {
                out->n = i;
                tpl_value_release(out);
                return -1;
            }
            out->n = i + 1;
        }
        return 0;
    }
    if (node->type != YAML_SCALAR)
        return -1;
    if (!node->quoted && (b = yaml_bool(node)) >= 0) {
        value_bool(out, b);
        return 0;
    }
    if (!node->quoted && *node->value) {
        errno = 0;
        d = strtod(node->value, &end);
        if (!*end && !errno && isfinite(d)) {
            value_num(out, d);
            return 0;
        }
    }
    value_str(out, xstrdup(node->value));
    return 0;
}

static int truthy(const struct tpl_value *v)
{
    switch (v->type) {
    case TPL_NONE: return 0;
    case TPL_STR: return *v->str != '\0';
    case TPL_NUM: return v->num != 0;
    case TPL_BOOL: return v->boolean;
    case TPL_LIST: return v->n != 0;
    }
    return 0;
}

static const char *type_name(enum tpl_type t)
{
    static const char *const names[] = {"none", "string", "number", "boolean", "list"};
    return names[t];
}

/* Trees */

enum ex_kind {
    EX_LIT,
    EX_LIST,
    EX_NAME, /* a name, or a dotted one: target.schema */
    EX_LOOP,
    EX_CALL, /* name(args), name may be dotted: dbt_utils.generate_surrogate_key(...) */
    EX_FILTER,
    EX_UNARY,
    EX_BINARY,
    EX_TEST, /* a is [not] name: op is OP_NOT when negated */
    EX_COND  /* a if args[0] else b */
};

enum ex_op {
    OP_OR,
    OP_AND,
    OP_NOT,
    OP_NEG,
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_GT,
    OP_LE,
    OP_GE,
    OP_IN,
    OP_NOTIN,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_CAT
};

struct ex {
    enum ex_kind kind;
    int line, col;
    struct tpl_value lit; /* EX_LIT */
    char *name;           /* NAME, CALL, FILTER; LOOP: the attribute */
    enum ex_op op;
    struct ex *a, *b; /* operands; FILTER: a is the input */
    struct ex **args; /* LIST items, CALL and FILTER arguments */
    char **kw;        /* CALL: keyword of each argument, NULL when positional */
    size_t nargs, alloc;
};

enum tn_kind { TN_TEXT, TN_OUTPUT, TN_IF, TN_FOR, TN_SET, TN_SET_BLOCK, TN_DO, TN_MACRO };

struct tn_list {
    struct tn **v;
    size_t n, alloc;
};

struct tn {
    enum tn_kind kind;
    int line, col;
    const char *text; /* TEXT: borrowed from the template */
    size_t len;
    struct ex *expr; /* OUTPUT, SET value, FOR iterable, DO */
    char *var;       /* SET, SET_BLOCK, FOR; MACRO: its name */
    /* MACRO: parameter names, and their defaults (NULL: none); the body is bodies[0] */
    char **params;
    struct ex **defaults;
    size_t nparams;
    /* IF: conds[i] guards bodies[i]; a final NULL cond is the else branch. FOR: bodies[0]. */
    struct ex **conds;
    struct tn_list *bodies;
    size_t nbranches, alloc;
};

static void ex_free(struct ex *e);
static void tn_list_release(struct tn_list *l);

static void ex_free(struct ex *e)
{
    size_t i;

    if (!e)
        return;
    tpl_value_release(&e->lit);
    free(e->name);
    ex_free(e->a);
    ex_free(e->b);
    for (i = 0; i < e->nargs; i++) {
        ex_free(e->args[i]);
        if (e->kw)
            free(e->kw[i]);
    }
    free(e->args);
    free(e->kw);
    free(e);
}

static void tn_free(struct tn *t)
{
    size_t i;

    if (!t)
        return;
    ex_free(t->expr);
    free(t->var);
    for (i = 0; i < t->nparams; i++) {
        free(t->params[i]);
        ex_free(t->defaults[i]);
    }
    free(t->params);
    free(t->defaults);
    for (i = 0; i < t->nbranches; i++) {
        if (t->conds)
            ex_free(t->conds[i]);
        tn_list_release(&t->bodies[i]);
    }
    free(t->conds);
    free(t->bodies);
    free(t);
}

static void tn_list_release(struct tn_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        tn_free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static void tn_list_add(struct tn_list *l, struct tn *t)
{
    ALLOC_GROW(l->v, l->n + 1, l->alloc);
    l->v[l->n++] = t;
}

/* Lexing */

enum tok_type { T_EOF, T_END_EXPR, T_END_STMT, T_NAME, T_STR, T_NUM, T_OP };

struct token {
    enum tok_type type;
    size_t start, len;
    int line, col;
    int trim;   /* END tokens: written -}} or -%} */
    char op[3]; /* T_OP */
    char *str;  /* T_STR: the decoded text (owned by the parser) */
    double num;
};

struct parser {
    const char *file;
    const char *s;
    size_t len, pos;
    /* a cursor for turning positions into line:col, moving forward */
    size_t lpos;
    int lline, lcol;
    struct token tok;
    int trim_next; /* the last tag ended with '-': strip the whitespace that follows */
    int depth;
};

static void where(struct parser *p, size_t pos, int *line, int *col)
{
    if (pos < p->lpos) {
        p->lpos = 0;
        p->lline = 1;
        p->lcol = 1;
    }
    while (p->lpos < pos && p->lpos < p->len) {
        if (p->s[p->lpos++] == '\n') {
            p->lline++;
            p->lcol = 1;
        } else {
            p->lcol++;
        }
    }
    *line = p->lline;
    *col = p->lcol;
}

static int perr_at(struct parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int perr_at(struct parser *p, int line, int col, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;
    int ret;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ret = error("%s:%d:%d: %s", p->file, line, col, sb.buf);
    strbuf_release(&sb);
    return ret;
}

#define perr(p, ...) perr_at((p), (p)->tok.line, (p)->tok.col, __VA_ARGS__)

static void tok_describe(const struct parser *p, struct strbuf *sb)
{
    const struct token *t = &p->tok;

    switch (t->type) {
    case T_EOF: strbuf_addstr(sb, "the end of the file"); break;
    case T_END_EXPR: strbuf_addstr(sb, "'}}'"); break;
    case T_END_STMT: strbuf_addstr(sb, "'%}'"); break;
    default: strbuf_addf(sb, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), p->s + t->start); break;
    }
}

static int unexpected(struct parser *p, const char *wanted)
{
    struct strbuf sb = STRBUF_INIT;
    int ret;

    tok_describe(p, &sb);
    ret = perr(p, "expected %s, found %s", wanted, sb.buf);
    strbuf_release(&sb);
    return ret;
}

static int lex_string(struct parser *p, struct token *t)
{
    char q = p->s[p->pos++];
    struct strbuf sb = STRBUF_INIT;

    while (p->pos < p->len && p->s[p->pos] != q) {
        char c = p->s[p->pos++];
        if (c == '\\' && p->pos < p->len) {
            c = p->s[p->pos++];
            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
        }
        strbuf_addch(&sb, c);
    }
    if (p->pos >= p->len) {
        strbuf_release(&sb);
        return perr_at(p, t->line, t->col, "unterminated string");
    }
    p->pos++;
    t->type = T_STR;
    t->str = strbuf_detach(&sb, NULL);
    return 0;
}

/* Reads the next token into p->tok. */
static int lex(struct parser *p)
{
    struct token *t = &p->tok;
    const char *s = p->s;
    static const char *const ops2[] = {"==", "!=", "<=", ">="};
    size_t i;

    free(t->str);
    memset(t, 0, sizeof(*t));
    while (p->pos < p->len && isspace((unsigned char)s[p->pos]))
        p->pos++;
    t->start = p->pos;
    where(p, p->pos, &t->line, &t->col);
    if (p->pos >= p->len) {
        t->type = T_EOF;
        return 0;
    }
    if (s[p->pos] == '-' && p->pos + 2 < p->len &&
        ((s[p->pos + 1] == '}' && s[p->pos + 2] == '}') ||
         (s[p->pos + 1] == '%' && s[p->pos + 2] == '}'))) {
        t->trim = 1;
        p->pos++;
    }
    if (p->pos + 1 < p->len && s[p->pos] == '}' && s[p->pos + 1] == '}') {
        t->type = T_END_EXPR;
        p->pos += 2;
    } else if (p->pos + 1 < p->len && s[p->pos] == '%' && s[p->pos + 1] == '}') {
        t->type = T_END_STMT;
        p->pos += 2;
    } else if (isalpha((unsigned char)s[p->pos]) || s[p->pos] == '_') {
        while (p->pos < p->len && (isalnum((unsigned char)s[p->pos]) || s[p->pos] == '_'))
            p->pos++;
        t->type = T_NAME;
    } else if (isdigit((unsigned char)s[p->pos])) {
        char buf[64];
        size_t n = 0;
        while (p->pos < p->len && (isdigit((unsigned char)s[p->pos]) || s[p->pos] == '.') &&
               n < sizeof(buf) - 1)
            buf[n++] = s[p->pos++];
        buf[n] = '\0';
        t->type = T_NUM;
        t->num = strtod(buf, NULL);
    } else if (s[p->pos] == '\'' || s[p->pos] == '"') {
        if (lex_string(p, t) < 0)
            return -1;
    } else {
        t->type = T_OP;
        for (i = 0; i < ARRAY_SIZE(ops2); i++) {
            if (p->pos + 1 < p->len && s[p->pos] == ops2[i][0] && s[p->pos + 1] == ops2[i][1]) {
                memcpy(t->op, ops2[i], 2);
                p->pos += 2;
                break;
            }
        }
        if (!t->op[0]) {
            if (!strchr("()[]{},.:|=<>+-*/%~", s[p->pos]))
                return perr(p, "unexpected character '%c'", s[p->pos]);
            t->op[0] = s[p->pos++];
        }
    }
    t->len = p->pos - t->start;
    return 0;
}

static int tok_is_op(const struct parser *p, const char *op)
{
    return p->tok.type == T_OP && !strcmp(p->tok.op, op);
}

static int tok_is_name(const struct parser *p, const char *name)
{
    return p->tok.type == T_NAME && p->tok.len == strlen(name) &&
           !strncmp(p->s + p->tok.start, name, p->tok.len);
}

static int tok_in(const struct parser *p, const char *const *names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (tok_is_name(p, names[i]))
            return 1;
    return 0;
}

static char *tok_text(const struct parser *p)
{
    return xstrndup(p->s + p->tok.start, p->tok.len);
}

static int expect_op(struct parser *p, const char *op)
{
    char want[8];

    if (!tok_is_op(p, op)) {
        snprintf(want, sizeof(want), "'%s'", op);
        return unexpected(p, want);
    }
    return lex(p);
}

/* Expressions: or > and > not > comparison > additive > multiplicative > unary > postfix */

static struct ex *ex_new(struct parser *p, enum ex_kind kind)
{
    struct ex *e = xcalloc(1, sizeof(*e));

    e->kind = kind;
    e->line = p->tok.line;
    e->col = p->tok.col;
    return e;
}

static void ex_add_arg(struct ex *e, struct ex *arg, char *kw)
{
    size_t a = e->alloc;

    ALLOC_GROW(e->args, e->nargs + 1, e->alloc);
    if (kw || e->kw) {
        if (!e->kw)
            e->kw = xcalloc(e->alloc, sizeof(*e->kw));
        else
            ALLOC_GROW(e->kw, e->nargs + 1, a);
        e->kw[e->nargs] = kw;
    }
    e->args[e->nargs++] = arg;
}

static struct ex *parse_expr(struct parser *p);

/* Names of dbt's context that have no plain-SQL meaning here: refused where they are used. */
static const char *const dbt_context_names[] = {
    "adapter", "graph",   "builtins",  "modules",       "exceptions",     "flags",
    "api",     "context", "run_query", "statement",     "load_result",    "print",
    "zip",     "range",   "model",     "invocation_id", "run_started_at", "dbt_version",
};

/* Calls the engine itself answers (the hooks, or a plain-SQL meaning). */
static const char *const supported_calls[] = {
    "ref",
    "source",
    "config",
    "var",
    "doc",
    "env_var",
    "log",
    "return",
    "is_incremental",
    "adapter.quote",
    "dbt_utils.generate_surrogate_key",
    "dbt_utils.surrogate_key",
    "dbt.current_timestamp",
    "dbt_utils.current_timestamp",
    "dbt.date_trunc",
    "dbt_utils.date_trunc",
    "dbt.dateadd",
    "dbt_utils.dateadd",
    "dbt.datediff",
    "dbt_utils.datediff",
    "dbt.safe_cast",
    "dbt_utils.safe_cast",
    "dbt.concat",
    "dbt.hash",
    "dbt.split_part",
    "dbt_utils.split_part",
    "dbt.type_string",
    "dbt.type_int",
    "dbt.type_bigint",
    "dbt.type_float",
    "dbt.type_numeric",
    "dbt.type_timestamp",
    "dbt.type_boolean",
};
/* Names (not calls) the engine answers. */
static const char *const supported_names[] = {
    "this",           "this.name",     "this.identifier", "this.schema",
    "target.name",    "target.schema", "target.type",     "target.profile_name",
    "target.threads", "execute",       "project_name",
};
static const char *const supported_filters[] = {"upper", "lower", "trim", "length", "join"};

static int in_list(const char *name, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(name, list[i]))
            return 1;
    return 0;
}

static int unsupported(struct parser *p, int line, int col, const char *what, const char *name)
{
    return perr_at(p, line, col,
                   "unsupported %s '%s': mdp's dbt subset has ref(), source(), config(), var(), "
                   "the project's macros, if, for, set and simple expressions; rewrite it in "
                   "plain SQL",
                   what, name);
}

static int parse_args(struct parser *p, struct ex *call, int allow_kw)
{
    if (expect_op(p, "(") < 0)
        return -1;
    while (!tok_is_op(p, ")")) {
        char *kw = NULL;
        struct ex *arg;

        if (p->tok.type == T_NAME) {
            /* name= is a keyword argument: look one token ahead without consuming */
            size_t save = p->pos;
            const char *q = p->s + save;
            while (q < p->s + p->len && isspace((unsigned char)*q))
                q++;
            if (q < p->s + p->len && *q == '=' && (q + 1 >= p->s + p->len || q[1] != '=')) {
                if (!allow_kw)
                    return perr(p, "keyword arguments are not accepted here");
                kw = tok_text(p);
                p->pos = (size_t)(q - p->s) + 1;
                if (lex(p) < 0) {
                    free(kw);
                    return -1;
                }
            }
        }
        arg = parse_expr(p);
        if (!arg) {
            free(kw);
            return -1;
        }
        ex_add_arg(call, arg, kw);
        if (tok_is_op(p, ",")) {
            if (lex(p) < 0)
                return -1;
        } else if (!tok_is_op(p, ")")) {
            return unexpected(p, "',' or ')'");
        }
    }
    return lex(p);
}

static struct ex *parse_primary(struct parser *p)
{
    struct ex *e = NULL;

    if (++p->depth > MAX_DEPTH) {
        perr(p, "expression nested too deeply");
        return NULL;
    }
    switch (p->tok.type) {
    case T_STR:
        e = ex_new(p, EX_LIT);
        value_str(&e->lit, p->tok.str);
        p->tok.str = NULL;
        break;
    case T_NUM:
        e = ex_new(p, EX_LIT);
        value_num(&e->lit, p->tok.num);
        break;
    case T_OP:
        if (tok_is_op(p, "(")) {
            if (lex(p) < 0)
                goto fail;
            e = parse_expr(p);
            if (!e || !tok_is_op(p, ")")) {
                if (e)
                    unexpected(p, "')'");
                goto fail;
            }
            break;
        }
        if (tok_is_op(p, "[")) {
            e = ex_new(p, EX_LIST);
            if (lex(p) < 0)
                goto fail;
            while (!tok_is_op(p, "]")) {
                struct ex *item = parse_expr(p);
                if (!item)
                    goto fail;
                ex_add_arg(e, item, NULL);
                if (tok_is_op(p, ",")) {
                    if (lex(p) < 0)
                        goto fail;
                } else if (!tok_is_op(p, "]")) {
                    unexpected(p, "',' or ']'");
                    goto fail;
                }
            }
            break;
        }
        if (tok_is_op(p, "{")) {
            unsupported(p, p->tok.line, p->tok.col, "expression", "{...} dictionary");
            goto fail;
        }
        unexpected(p, "a value");
        goto fail;
    case T_NAME: {
        char *name = tok_text(p);
        int line = p->tok.line, col = p->tok.col;

        if (!strcmp(name, "true") || !strcmp(name, "True") || !strcmp(name, "false") ||
            !strcmp(name, "False")) {
            e = ex_new(p, EX_LIT);
            value_bool(&e->lit, name[0] == 't' || name[0] == 'T');
            free(name);
            break;
        }
        if (!strcmp(name, "none") || !strcmp(name, "None")) {
            e = ex_new(p, EX_LIT);
            free(name);
            break;
        }
        if (lex(p) < 0) {
            free(name);
            goto fail;
        }
        if (tok_is_op(p, ".") && !strcmp(name, "loop")) {
            free(name);
            if (lex(p) < 0)
                goto fail;
            if (p->tok.type != T_NAME) {
                unexpected(p, "a loop attribute");
                goto fail;
            }
            e = ex_new(p, EX_LOOP);
            e->line = line;
            e->col = col;
            e->name = tok_text(p);
            if (!in_list(e->name,
                         (const char *const[]){"index", "index0", "first", "last", "length",
                                               "revindex", "revindex0"},
                         7)) {
                unsupported(p, line, col, "loop attribute", e->name);
                goto fail;
            }
            break;
        }
        while (tok_is_op(p, ".")) {
            /* a dotted name: target.schema, dbt_utils.generate_surrogate_key(...) */
            char *part, *full;
            if (lex(p) < 0) {
                free(name);
                goto fail;
            }
            if (p->tok.type != T_NAME) {
                free(name);
                unexpected(p, "a name after '.'");
                goto fail;
            }
            part = tok_text(p);
            full = xstrfmt("%s.%s", name, part);
            free(part);
            free(name);
            name = full;
            if (lex(p) < 0) {
                free(name);
                goto fail;
            }
        }
        if (tok_is_op(p, "(")) {
            e = ex_new(p, EX_CALL);
            e->line = line;
            e->col = col;
            e->name = name;
            if (parse_args(p, e, 1) < 0)
                goto fail;
            p->depth--;
            return e;
        }
        e = ex_new(p, EX_NAME);
        e->line = line;
        e->col = col;
        e->name = name;
        p->depth--;
        return e;
    }
    default: unexpected(p, "a value"); goto fail;
    }
    if (lex(p) < 0)
        goto fail;
    p->depth--;
    return e;
fail:
    ex_free(e);
    return NULL;
}

static struct ex *parse_postfix(struct parser *p)
{
    struct ex *e = parse_primary(p);

    while (e && tok_is_op(p, "|")) {
        struct ex *f;
        if (lex(p) < 0)
            goto fail;
        if (p->tok.type != T_NAME) {
            unexpected(p, "a filter name");
            goto fail;
        }
        f = ex_new(p, EX_FILTER);
        f->name = tok_text(p);
        f->a = e;
        e = f;
        if (!in_list(f->name, supported_filters, ARRAY_SIZE(supported_filters))) {
            unsupported(p, f->line, f->col, "filter", f->name);
            goto fail;
        }
        if (lex(p) < 0)
            goto fail;
        if (tok_is_op(p, "(") && parse_args(p, f, 0) < 0)
            goto fail;
    }
    if (e && tok_is_op(p, "[")) {
        unsupported(p, p->tok.line, p->tok.col, "expression", "[] indexing");
        goto fail;
    }
    return e;
fail:
    ex_free(e);
    return NULL;
}

static struct ex *binary(struct parser *p, enum ex_op op, struct ex *a, struct ex *b)
{
    struct ex *e;

    if (!b) {
        ex_free(a);
        return NULL;
    }
    e = xcalloc(1, sizeof(*e));
    e->kind = EX_BINARY;
    e->op = op;
    e->a = a;
    e->b = b;
    e->line = a->line;
    e->col = a->col;
    return e;
}

/* A prefix operator (op) applied to what operand parses. */
static struct ex *parse_prefix(struct parser *p, enum ex_op op,
                               struct ex *(*operand)(struct parser *))
{
    struct ex *e = ex_new(p, EX_UNARY);

    e->op = op;
    if (lex(p) < 0 || ++p->depth > MAX_DEPTH || !(e->a = operand(p))) {
        if (p->depth > MAX_DEPTH)
            perr(p, "expression nested too deeply");
        ex_free(e);
        return NULL;
    }
    p->depth--;
    return e;
}

/* Folds e (op) next (op) next ... to the left; op is the operator p->tok stands on. */
static struct ex *fold_left(struct parser *p, struct ex *e, enum ex_op op,
                            struct ex *(*next)(struct parser *))
{
    if (lex(p) < 0) {
        ex_free(e);
        return NULL;
    }
    return binary(p, op, e, next(p));
}

static struct ex *parse_unary(struct parser *p)
{
    if (tok_is_op(p, "-"))
        return parse_prefix(p, OP_NEG, parse_unary);
    return parse_postfix(p);
}

struct op_word {
    const char *text; /* an operator, or a word (and, or) */
    enum ex_op op;
};

static const struct op_word mul_ops[] = {{"*", OP_MUL}, {"/", OP_DIV}, {"%", OP_MOD}};
static const struct op_word add_ops[] = {{"+", OP_ADD}, {"-", OP_SUB}, {"~", OP_CAT}};
static const struct op_word and_ops[] = {{"and", OP_AND}};
static const struct op_word or_ops[] = {{"or", OP_OR}};

/* The operator p->tok stands on among ops, or -1. */
static int match_op(const struct parser *p, const struct op_word *ops, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (tok_is_op(p, ops[i].text) || tok_is_name(p, ops[i].text))
            return (int)ops[i].op;
    return -1;
}

/* One level of left-associative binary operators over what next parses. */
static struct ex *parse_level(struct parser *p, const struct op_word *ops, size_t n,
                              struct ex *(*next)(struct parser *))
{
    struct ex *e = next(p);
    int op;

    while (e && (op = match_op(p, ops, n)) >= 0)
        e = fold_left(p, e, (enum ex_op)op, next);
    return e;
}

static struct ex *parse_mul(struct parser *p)
{
    return parse_level(p, mul_ops, ARRAY_SIZE(mul_ops), parse_unary);
}

static struct ex *parse_add(struct parser *p)
{
    return parse_level(p, add_ops, ARRAY_SIZE(add_ops), parse_mul);
}

static struct ex *parse_cmp(struct parser *p)
{
    static const struct {
        const char *op;
        enum ex_op code;
    } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE},
               {">=", OP_GE}, {"<", OP_LT},  {">", OP_GT}};
    struct ex *e = parse_add(p);
    size_t i;

    while (e) {
        int found = -1;
        for (i = 0; i < ARRAY_SIZE(ops); i++)
            if (tok_is_op(p, ops[i].op))
                found = (int)ops[i].code;
        if (found < 0 && tok_is_name(p, "in"))
            found = OP_IN;
        if (found < 0 && tok_is_name(p, "not")) {
            /* "not in" */
            if (lex(p) < 0 || !tok_is_name(p, "in")) {
                if (!error_last()[0] || p->tok.type != T_EOF)
                    unexpected(p, "'in' after 'not'");
                ex_free(e);
                return NULL;
            }
            found = OP_NOTIN;
        }
        if (found < 0 && tok_is_name(p, "is")) {
            static const char *const tests[] = {"none", "defined", "undefined", "string", "number"};
            struct ex *t = ex_new(p, EX_TEST);
            t->a = e;
            t->op = OP_EQ;
            e = t;
            if (lex(p) < 0)
                goto fail_test;
            if (tok_is_name(p, "not")) {
                t->op = OP_NOT;
                if (lex(p) < 0)
                    goto fail_test;
            }
            if (p->tok.type != T_NAME || !tok_in(p, tests, ARRAY_SIZE(tests))) {
                if (p->tok.type == T_NAME) {
                    char *n = tok_text(p);
                    unsupported(p, p->tok.line, p->tok.col, "test", n);
                    free(n);
                } else {
                    unexpected(p, "a test name (none, defined, string, number)");
                }
                goto fail_test;
            }
            t->name = tok_text(p);
            if (lex(p) < 0)
                goto fail_test;
            continue;
        fail_test:
            ex_free(e);
            return NULL;
        }
        if (found < 0)
            break;
        e = fold_left(p, e, (enum ex_op)found, parse_add);
    }
    return e;
}

static struct ex *parse_not(struct parser *p)
{
    if (tok_is_name(p, "not"))
        return parse_prefix(p, OP_NOT, parse_not);
    return parse_cmp(p);
}

static struct ex *parse_and(struct parser *p)
{
    return parse_level(p, and_ops, ARRAY_SIZE(and_ops), parse_not);
}

static struct ex *parse_expr(struct parser *p)
{
    struct ex *e;

    if (++p->depth > MAX_DEPTH) {
        perr(p, "expression nested too deeply");
        return NULL;
    }
    e = parse_level(p, or_ops, ARRAY_SIZE(or_ops), parse_and);
    if (e && tok_is_name(p, "if")) {
        /* a if cond else b (without else: none) */
        struct ex *c = ex_new(p, EX_COND), *cond;
        c->a = e;
        e = c;
        if (lex(p) < 0 || !(cond = parse_level(p, or_ops, ARRAY_SIZE(or_ops), parse_and))) {
            ex_free(e);
            p->depth--;
            return NULL;
        }
        ex_add_arg(c, cond, NULL);
        if (tok_is_name(p, "else")) {
            if (lex(p) < 0 || !(c->b = parse_expr(p))) {
                ex_free(e);
                p->depth--;
                return NULL;
            }
        }
    }
    p->depth--;
    return e;
}

/* Template structure */

static int expect_end(struct parser *p, enum tok_type end)
{
    if (p->tok.type != end)
        return unexpected(p, end == T_END_EXPR ? "'}}'" : "'%}'");
    p->trim_next = p->tok.trim;
    return 0;
}

static void add_text(struct parser *p, struct tn_list *body, size_t start, size_t end,
                     int trim_left, int trim_right)
{
    struct tn *t;

    if (trim_left)
        while (start < end && isspace((unsigned char)p->s[start]))
            start++;
    if (trim_right)
        while (end > start && isspace((unsigned char)p->s[end - 1]))
            end--;
    if (start >= end)
        return;
    t = xcalloc(1, sizeof(*t));
    t->kind = TN_TEXT;
    where(p, start, &t->line, &t->col);
    t->text = p->s + start;
    t->len = end - start;
    tn_list_add(body, t);
}

/* The next "{{", "{%" or "{#" at or after pos, or NULL. */
static const char *find_tag(const struct parser *p, size_t pos)
{
    const char *s = p->s + pos, *end = p->s + p->len;

    while (s + 1 < end) {
        const char *b = memchr(s, '{', (size_t)(end - s - 1));
        if (!b)
            return NULL;
        if (b[1] == '{' || b[1] == '%' || b[1] == '#')
            return b;
        s = b + 1;
    }
    return NULL;
}

static int parse_body(struct parser *p, struct tn_list *body, const char *const *stops,
                      size_t nstops, char **stop);

/* t's one body, up to the end tag stops[0], and the token after that tag's name. */
static int parse_one_body(struct parser *p, struct tn *t, const char *const *stops)
{
    char *stop = NULL;

    t->bodies = xcalloc(1, sizeof(*t->bodies));
    t->nbranches = 1;
    if (parse_body(p, &t->bodies[0], stops, 1, &stop) < 0)
        return -1;
    free(stop);
    return lex(p);
}

/* After "{% if": the branches up to {% endif %}. */
static int parse_if(struct parser *p, struct tn *t)
{
    static const char *const stops[] = {"elif", "else", "endif"};
    char *stop = NULL;
    int have_else = 0;
    struct ex *cond;

    if (lex(p) < 0 || !(cond = parse_expr(p)))
        return -1;
    for (;;) {
        size_t a = t->alloc;
        ALLOC_GROW(t->bodies, t->nbranches + 1, t->alloc);
        ALLOC_GROW(t->conds, t->nbranches + 1, a);
        t->conds[t->nbranches] = cond;
        memset(&t->bodies[t->nbranches], 0, sizeof(t->bodies[0]));
        t->nbranches++;
        if (expect_end(p, T_END_STMT) < 0)
            return -1;
        if (parse_body(p, &t->bodies[t->nbranches - 1], stops, 3, &stop) < 0)
            return -1;
        if (!strcmp(stop, "endif")) {
            free(stop);
            if (lex(p) < 0)
                return -1;
            return expect_end(p, T_END_STMT);
        }
        if (have_else) {
            int ret = perr(p, "'%s' after 'else' in the if at line %d", stop, t->line);
            free(stop);
            return ret;
        }
        if (!strcmp(stop, "else")) {
            have_else = 1;
            cond = NULL;
            free(stop);
            if (lex(p) < 0)
                return -1;
            continue;
        }
        free(stop);
        if (lex(p) < 0 || !(cond = parse_expr(p)))
            return -1;
    }
}

static int parse_for(struct parser *p, struct tn *t)
{
    static const char *const stops[] = {"endfor", "else"};
    char *stop = NULL;

    if (lex(p) < 0)
        return -1;
    if (p->tok.type != T_NAME)
        return unexpected(p, "a loop variable name");
    t->var = tok_text(p);
    if (lex(p) < 0)
        return -1;
    if (tok_is_op(p, ","))
        return unsupported(p, p->tok.line, p->tok.col, "loop", "for a, b in ...");
    if (!tok_is_name(p, "in"))
        return unexpected(p, "'in'");
    if (lex(p) < 0 || !(t->expr = parse_expr(p)))
        return -1;
    if (tok_is_name(p, "if"))
        return unsupported(p, p->tok.line, p->tok.col, "loop", "for ... if ...");
    if (expect_end(p, T_END_STMT) < 0)
        return -1;
    t->bodies = xcalloc(1, sizeof(*t->bodies));
    t->nbranches = 1;
    if (parse_body(p, &t->bodies[0], stops, 2, &stop) < 0)
        return -1;
    if (!strcmp(stop, "else")) {
        free(stop);
        return unsupported(p, p->tok.line, p->tok.col, "loop", "for ... else");
    }
    free(stop);
    if (lex(p) < 0)
        return -1;
    return expect_end(p, T_END_STMT);
}

static int parse_set(struct parser *p, struct tn *t)
{
    if (lex(p) < 0)
        return -1;
    if (p->tok.type != T_NAME)
        return unexpected(p, "a variable name");
    t->var = tok_text(p);
    if (in_list(t->var, dbt_context_names, ARRAY_SIZE(dbt_context_names)) ||
        in_list(t->var, supported_calls, ARRAY_SIZE(supported_calls)) ||
        in_list(t->var, supported_names, ARRAY_SIZE(supported_names)) || !strcmp(t->var, "loop"))
        return perr(p, "cannot set '%s': the name is reserved", t->var);
    if (lex(p) < 0)
        return -1;
    if (p->tok.type == T_END_STMT) {
        /* {% set x %}text{% endset %}: x is the rendered text */
        static const char *const stops[] = {"endset"};
        t->kind = TN_SET_BLOCK;
        if (expect_end(p, T_END_STMT) < 0 || parse_one_body(p, t, stops) < 0)
            return -1;
        return expect_end(p, T_END_STMT);
    }
    if (expect_op(p, "=") < 0 || !(t->expr = parse_expr(p)))
        return -1;
    return expect_end(p, T_END_STMT);
}

/* After "{% macro": name(params, with=defaults) %} body {% endmacro %}. */
static int parse_macro(struct parser *p, struct tn *t)
{
    static const char *const stops[] = {"endmacro"};
    size_t alloc = 0;

    if (lex(p) < 0)
        return -1;
    if (p->tok.type != T_NAME)
        return unexpected(p, "a macro name");
    t->var = tok_text(p);
    if (lex(p) < 0 || expect_op(p, "(") < 0)
        return -1;
    while (!tok_is_op(p, ")")) {
        if (p->tok.type != T_NAME)
            return unexpected(p, "a parameter name");
        ALLOC_GROW(t->params, t->nparams + 1, alloc);
        t->defaults = xrealloc(t->defaults, alloc * sizeof(*t->defaults));
        t->params[t->nparams] = tok_text(p);
        t->defaults[t->nparams] = NULL;
        t->nparams++;
        if (lex(p) < 0)
            return -1;
        if (tok_is_op(p, "=")) {
            if (lex(p) < 0 || !(t->defaults[t->nparams - 1] = parse_expr(p)))
                return -1;
        }
        if (tok_is_op(p, ",")) {
            if (lex(p) < 0)
                return -1;
        } else if (!tok_is_op(p, ")")) {
            return unexpected(p, "',' or ')'");
        }
    }
    if (lex(p) < 0 || expect_end(p, T_END_STMT) < 0 || parse_one_body(p, t, stops) < 0)
        return -1;
    if (p->tok.type == T_NAME) /* {% endmacro name %} */
        if (lex(p) < 0)
            return -1;
    return expect_end(p, T_END_STMT);
}

/*
 * Parses text and tags into body until the end of the file (stops == NULL) or one of the
 * stop keywords, which is returned in *stop (the caller frees it) with p->tok on it.
 */
static int parse_body(struct parser *p, struct tn_list *body, const char *const *stops,
                      size_t nstops, char **stop)
{
    static const char *const closers[] = {"elif", "else", "endif", "endfor", "endset", "endmacro"};
    int open_line = p->tok.line;

    if (++p->depth > MAX_DEPTH)
        return perr(p, "blocks nested too deeply");
    for (;;) {
        const char *tag = find_tag(p, p->pos);
        size_t end = tag ? (size_t)(tag - p->s) : p->len;
        int left_trim = tag && tag + 2 < p->s + p->len && tag[2] == '-';
        struct tn *t;
        int line, col;

        add_text(p, body, p->pos, end, p->trim_next, left_trim);
        p->trim_next = 0;
        if (!tag) {
            p->pos = p->len;
            if (stops) {
                /* the block's end tag: {% endfor %}, not the {% else %} it may also have */
                const char *want = stops[nstops - 1];
                size_t k;
                for (k = 0; k < nstops; k++)
                    if (!strncmp(stops[k], "end", 3))
                        want = stops[k];
                where(p, p->len, &line, &col);
                return perr_at(p, line, col, "missing {%% %s %%} for the block opened at line %d",
                               want, open_line);
            }
            p->depth--;
            return 0;
        }
        where(p, end, &line, &col);
        p->pos = end + 2 + (size_t)left_trim;
        if (tag[1] == '#') {
            const char *close =
                p->pos <= p->len ? memmem(p->s + p->pos, p->len - p->pos, "#}", 2) : NULL;
            if (!close)
                return perr_at(p, line, col, "unterminated comment: missing '#}'");
            p->trim_next = (size_t)(close - p->s) > p->pos && close[-1] == '-';
            p->pos = (size_t)(close - p->s) + 2;
            continue;
        }
        if (lex(p) < 0)
            return -1;
        if (tag[1] == '{') {
            t = xcalloc(1, sizeof(*t));
            t->kind = TN_OUTPUT;
            t->line = line;
            t->col = col;
            tn_list_add(body, t);
            if (!(t->expr = parse_expr(p)) || expect_end(p, T_END_EXPR) < 0)
                return -1;
            continue;
        }
        if (p->tok.type != T_NAME)
            return unexpected(p, "a tag name");
        if (stops && tok_in(p, stops, nstops)) {
            *stop = tok_text(p);
            p->depth--;
            return 0;
        }
        {
            char *kw = tok_text(p);
            int r = 0;

            if (in_list(kw, closers, ARRAY_SIZE(closers))) {
                r = perr_at(p, line, col, "unexpected {%% %s %%} with no open block to close", kw);
            } else if (!strcmp(kw, "if") || !strcmp(kw, "for") || !strcmp(kw, "set") ||
                       !strcmp(kw, "macro") || !strcmp(kw, "do")) {
                t = xcalloc(1, sizeof(*t));
                t->kind = kw[0] == 'i'   ? TN_IF
                          : kw[0] == 'f' ? TN_FOR
                          : kw[0] == 'm' ? TN_MACRO
                          : kw[0] == 'd' ? TN_DO
                                         : TN_SET;
                t->line = line;
                t->col = col;
                tn_list_add(body, t);
                if (t->kind == TN_MACRO && stops)
                    r = perr_at(p, line, col,
                                "a macro must be defined at the top level of a "
                                "file, not inside a block");
                else if (t->kind == TN_DO)
                    r = lex(p) < 0 || !(t->expr = parse_expr(p)) ? -1 : expect_end(p, T_END_STMT);
                else
                    r = t->kind == TN_IF      ? parse_if(p, t)
                        : t->kind == TN_FOR   ? parse_for(p, t)
                        : t->kind == TN_MACRO ? parse_macro(p, t)
                                              : parse_set(p, t);
            } else {
                r = unsupported(p, line, col, "tag", kw);
            }
            free(kw);
            if (r < 0)
                return -1;
        }
    }
}

/* Evaluation */

struct binding {
    char *name;
    struct tpl_value v;
};

struct loop_state {
    size_t index, length;
};

/* A parsed file: a model, or a file of macros. */
struct tpl_unit {
    char *file;
    char *text; /* the tree's text nodes point into it */
    struct tn_list root;
};

struct tpl_macro {
    const char *name;
    const struct tpl_unit *unit;
    const struct tn *t;
};

struct tpl_lib {
    struct tpl_unit **units;
    size_t nunits, ualloc;
    struct tpl_macro *macros;
    size_t nmacros, malloc_;
};

struct render {
    const char *file;
    const struct tpl_hooks *h;
    struct binding *vars;
    size_t nvars, alloc;
    size_t scope; /* bindings at or above this index belong to the innermost scope */
    size_t frame; /* a macro sees only the bindings at or above this index */
    struct loop_state *loops;
    size_t nloops, lalloc;
    struct strbuf *out;
    size_t out_start;
    const struct tpl_macro *local; /* the macros the rendered file defines */
    size_t nlocal;
    int calls;     /* macro calls in progress */
    int returning; /* return() was called: the macro's body stops */
    struct tpl_value ret;
    /*
     * Where the top-level output came from, when asked (template_render_lines()): from
     * out offset off on, the text is the file's from line (advance: its newlines are the
     * file's) or was printed by a tag on line (no advance).
     */
    struct strbuf *top;
    struct anchor {
        size_t off;
        int line, advance;
    } * anchors;
    size_t nanchors, aalloc;
};

/* Notes that the top-level output from here on comes from line. */
static void anchor(struct render *r, int line, int advance)
{
    if (r->out != r->top)
        return;
    ALLOC_GROW(r->anchors, r->nanchors + 1, r->aalloc);
    r->anchors[r->nanchors].off = r->out->len;
    r->anchors[r->nanchors].line = line;
    r->anchors[r->nanchors].advance = advance;
    r->nanchors++;
}

static int rerr(const struct render *r, const struct ex *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int rerr(const struct render *r, const struct ex *e, const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list ap;
    int ret;

    va_start(ap, fmt);
    strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    ret = error("%s:%d:%d: %s", r->file, e->line, e->col, sb.buf);
    strbuf_release(&sb);
    return ret;
}

static void unbind_to(struct render *r, size_t n)
{
    while (r->nvars > n) {
        r->nvars--;
        free(r->vars[r->nvars].name);
        tpl_value_release(&r->vars[r->nvars].v);
    }
}

/* Binds name to v (taking ownership of its contents) in the innermost scope. */
static void bind(struct render *r, const char *name, struct tpl_value *v)
{
    size_t i;

    for (i = r->scope; i < r->nvars; i++) {
        if (!strcmp(r->vars[i].name, name)) {
            tpl_value_release(&r->vars[i].v);
            r->vars[i].v = *v;
            return;
        }
    }
    ALLOC_GROW(r->vars, r->nvars + 1, r->alloc);
    r->vars[r->nvars].name = xstrdup(name);
    r->vars[r->nvars].v = *v;
    r->nvars++;
}

static int eval(struct render *r, const struct ex *e, struct tpl_value *out);
static int render_list(struct render *r, const struct tn_list *l);

/* The value bound to name in the current macro frame, or NULL. */
static const struct tpl_value *lookup(const struct render *r, const char *name)
{
    size_t i;

    for (i = r->nvars; i-- > r->frame;)
        if (!strcmp(r->vars[i].name, name))
            return &r->vars[i].v;
    return NULL;
}

/* this, target.*, execute, project_name: 0 with *out set, 1 when name is none of them, -1. */
static int builtin_name(struct render *r, const struct ex *e, struct tpl_value *out)
{
    const struct tpl_hooks *h = r->h;
    const char *n = e->name;

    if (!strcmp(n, "execute")) {
        value_bool(out, 1);
        return 0;
    }
    if (!strcmp(n, "target.name") || !strcmp(n, "target.profile_name")) {
        value_str(out, xstrdup(h && h->target_name ? h->target_name : "dev"));
        return 0;
    }
    if (!strcmp(n, "target.schema")) {
        value_str(out, xstrdup(h && h->target_schema ? h->target_schema : "main"));
        return 0;
    }
    if (!strcmp(n, "target.type")) {
        value_str(out, xstrdup("duckdb"));
        return 0;
    }
    if (!strcmp(n, "target.threads")) {
        value_num(out, 1);
        return 0;
    }
    if (!strcmp(n, "project_name")) {
        value_str(out, xstrdup(h && h->project_name ? h->project_name : ""));
        return 0;
    }
    if (!strcmp(n, "this") || !strncmp(n, "this.", 5)) {
        struct strbuf sb = STRBUF_INIT;
        const char *part = n[4] ? n + 5 : NULL;
        if (part && !strcmp(part, "identifier"))
            part = "name";
        if (!h || !h->this_relation)
            return rerr(r, e, "'this' is only defined in a model");
        if (h->this_relation(h->ctx, part, &sb) < 0) {
            strbuf_release(&sb);
            return rerr(r, e, "'%s' is not known here", n);
        }
        value_str(out, strbuf_detach(&sb, NULL));
        return 0;
    }
    return 1;
}

static const struct tpl_macro *find_macro(const struct render *r, const char *name)
{
    const struct tpl_lib *lib = r->h ? r->h->macros : NULL;
    const char *dot = strrchr(name, '.');
    size_t i;

    for (i = 0; i < r->nlocal; i++)
        if (!strcmp(r->local[i].name, name))
            return &r->local[i];
    for (i = 0; lib && i < lib->nmacros; i++)
        if (!strcmp(lib->macros[i].name, name) || (dot && !strcmp(lib->macros[i].name, dot + 1)))
            return &lib->macros[i];
    return NULL;
}

/* Calls macro m with the evaluated arguments (vals[i] set where have[i]). */
static int invoke(struct render *r, const struct ex *at, const struct tpl_macro *m,
                  struct tpl_value *vals, unsigned char *have, const char *const *extra_names,
                  struct tpl_value *extra_vals, size_t nextra, struct tpl_value *out)
{
    const struct tn *t = m->t;
    struct strbuf body = STRBUF_INIT;
    size_t saved_nvars = r->nvars, saved_scope = r->scope, saved_frame = r->frame, i;
    size_t saved_start = r->out_start;
    const char *saved_file = r->file;
    struct strbuf *saved_out = r->out;
    int ret = -1;

    if (r->calls >= MAX_DEPTH)
        return rerr(r, at, "macro calls nested too deeply (is '%s' recursive?)", t->var);
    r->calls++;
    r->frame = r->scope = r->nvars;
    r->file = m->unit->file;
    for (i = 0; i < t->nparams; i++) {
        struct tpl_value v;
        if (have[i]) {
            v = vals[i];
            memset(&vals[i], 0, sizeof(vals[i]));
            have[i] = 0;
        } else if (t->defaults[i]) {
            if (eval(r, t->defaults[i], &v) < 0)
                goto out;
        } else {
            memset(&v, 0, sizeof(v));
        }
        bind(r, t->params[i], &v);
    }
    for (i = 0; i < nextra; i++) {
        struct tpl_value v;
        value_copy(&v, &extra_vals[i]);
        bind(r, extra_names[i], &v);
    }
    r->out = &body;
    r->out_start = 0;
    ret = render_list(r, &t->bodies[0]);
    r->out = saved_out;
    r->out_start = saved_start;
    if (ret == 0) {
        if (r->returning) {
            *out = r->ret;
            memset(&r->ret, 0, sizeof(r->ret));
        } else {
            value_str(out, strbuf_detach(&body, NULL));
        }
    }
out:
    r->returning = 0;
    tpl_value_release(&r->ret);
    r->out = saved_out;
    r->out_start = saved_start;
    unbind_to(r, saved_nvars);
    r->scope = saved_scope;
    r->frame = saved_frame;
    r->file = saved_file;
    r->calls--;
    strbuf_release(&body);
    return ret;
}

/* A call of a project macro: arguments evaluated here, then bound in the macro's frame. */
static int call_macro(struct render *r, const struct ex *e, const struct tpl_macro *m,
                      struct tpl_value *out)
{
    const struct tn *t = m->t;
    struct tpl_value *vals = xcalloc(t->nparams + 1, sizeof(*vals));
    unsigned char *have = xcalloc(t->nparams + 1, 1);
    size_t i, k, pos = 0;
    int ret = -1;

    for (i = 0; i < e->nargs; i++) {
        if (e->kw && e->kw[i]) {
            for (k = 0; k < t->nparams && strcmp(t->params[k], e->kw[i]); k++)
                ;
            if (k == t->nparams) {
                rerr(r, e, "macro '%s' has no parameter '%s'", t->var, e->kw[i]);
                goto out;
            }
        } else {
            k = pos++;
            if (k >= t->nparams) {
                rerr(r, e, "macro '%s' takes %zu argument%s, not more", t->var, t->nparams,
                     t->nparams == 1 ? "" : "s");
                goto out;
            }
        }
        if (have[k]) {
            rerr(r, e, "macro '%s': '%s' is given twice", t->var, t->params[k]);
            goto out;
        }
        if (eval(r, e->args[i], &vals[k]) < 0)
            goto out;
        have[k] = 1;
    }
    ret = invoke(r, e, m, vals, have, NULL, NULL, 0, out);
out:
    for (i = 0; i < t->nparams; i++)
        tpl_value_release(&vals[i]);
    free(vals);
    free(have);
    return ret;
}

/* The dbt helpers with a plain SQL meaning: $N is argument N's text. */
static const struct {
    const char *name; /* after "dbt." or "dbt_utils." */
    size_t nargs;
    const char *sql;
} sql_helpers[] = {
    {"current_timestamp", 0, "current_timestamp"},
    {"type_string", 0, "VARCHAR"},
    {"type_int", 0, "INTEGER"},
    {"type_bigint", 0, "BIGINT"},
    {"type_float", 0, "DOUBLE"},
    {"type_numeric", 0, "NUMERIC(28,6)"},
    {"type_timestamp", 0, "TIMESTAMP"},
    {"type_boolean", 0, "BOOLEAN"},
    {"hash", 1, "md5(cast($0 as VARCHAR))"},
    {"date_trunc", 2, "date_trunc('$0', $1)"},
    {"dateadd", 3, "date_add($2, interval ($1) $0)"},
    {"datediff", 3, "date_diff('$2', $0, $1)"},
    {"safe_cast", 2, "try_cast($0 as $1)"},
    {"split_part", 3, "split_part($0, $1, $2)"},
};

/* concat([a, b]) and generate_surrogate_key([a, b]): one list, or the items as arguments. */
static int add_concat(struct render *r, const struct ex *e, const struct tpl_value *args, size_t n,
                      int key, struct strbuf *sb)
{
    const struct tpl_value *list = args;
    size_t i, nitems = n;

    if (n == 1 && args[0].type == TPL_LIST) {
        list = args[0].items;
        nitems = args[0].n;
    }
    if (!nitems)
        return rerr(r, e, "%s() needs a list of columns", e->name);
    strbuf_addstr(sb, key ? "md5(cast(" : "(");
    for (i = 0; i < nitems; i++) {
        if (i)
            strbuf_addstr(sb, key ? " || '-' || " : " || ");
        if (key)
            strbuf_addstr(sb, "coalesce(cast(");
        tpl_value_print(sb, &list[i]);
        if (key)
            strbuf_addstr(sb, " as VARCHAR), '_dbt_utils_surrogate_key_null_')");
    }
    strbuf_addstr(sb, key ? " as VARCHAR))" : ")");
    return 0;
}

/* The calls with a plain SQL meaning (adapter.quote, dbt.*, dbt_utils.*). */
static int call_sql_builtin(struct render *r, const struct ex *e, struct tpl_value *out)
{
    const char *fn = strchr(e->name, '.') + 1, *q;
    struct tpl_value *args = xcalloc(e->nargs + 1, sizeof(*args));
    struct strbuf sb = STRBUF_INIT;
    size_t i, n = e->nargs;
    int ret = -1;

    for (i = 0; i < n; i++)
        if (eval(r, e->args[i], &args[i]) < 0)
            goto out;
    if (!strcmp(fn, "quote")) {
        struct strbuf v = STRBUF_INIT;
        if (n != 1) {
            rerr(r, e, "%s() takes 1 argument", e->name);
            goto out;
        }
        tpl_value_print(&v, &args[0]);
        strbuf_add_sql_ident(&sb, v.buf);
        strbuf_release(&v);
    } else if (!strcmp(fn, "concat") || strstr(fn, "surrogate_key")) {
        if (add_concat(r, e, args, n, fn[0] != 'c', &sb) < 0)
            goto out;
    } else {
        for (i = 0; i < ARRAY_SIZE(sql_helpers) && strcmp(fn, sql_helpers[i].name); i++)
            ;
        if (i == ARRAY_SIZE(sql_helpers))
            BUG("no SQL for %s", e->name);
        if (n != sql_helpers[i].nargs) {
            rerr(r, e, "%s() takes %zu argument%s", e->name, sql_helpers[i].nargs,
                 sql_helpers[i].nargs == 1 ? "" : "s");
            goto out;
        }
        for (q = sql_helpers[i].sql; *q; q++) {
            if (q[0] == '$' && q[1] >= '0' && q[1] <= '9') {
                tpl_value_print(&sb, &args[q[1] - '0']);
                q++;
            } else {
                strbuf_addch(&sb, *q);
            }
        }
    }
    value_str(out, strbuf_detach(&sb, NULL));
    ret = 0;
out:
    for (i = 0; i < n; i++)
        tpl_value_release(&args[i]);
    free(args);
    strbuf_release(&sb);
    return ret;
}

static int eval_string_arg(struct render *r, const struct ex *call, size_t i, char **out)
{
    struct tpl_value v;

    if (eval(r, call->args[i], &v) < 0)
        return -1;
    if (v.type != TPL_STR) {
        tpl_value_release(&v);
        return rerr(r, call->args[i], "%s() expects a string, not a %s", call->name,
                    type_name(v.type));
    }
    *out = v.str;
    return 0;
}

static int positional_count(const struct ex *call)
{
    size_t i;
    int n = 0;

    for (i = 0; i < call->nargs; i++)
        if (!call->kw || !call->kw[i])
            n++;
    return n;
}

/* The methods of lists and strings a template may call on a variable: x.append(1). */
static const char *const methods[] = {"append",  "extend",     "upper",    "lower", "strip",
                                      "replace", "startswith", "endswith", "split"};

/* Is name "variable.method" with a method above (and no namespace mdp knows as prefix)? */
static int is_method_call(const char *name)
{
    const char *dot = strchr(name, '.');
    char *prefix;
    int yes;

    if (!dot || strchr(dot + 1, '.') || !in_list(dot + 1, methods, ARRAY_SIZE(methods)))
        return 0;
    prefix = xstrndup(name, (size_t)(dot - name));
    yes = strcmp(prefix, "dbt") && strcmp(prefix, "dbt_utils") && strcmp(prefix, "adapter") &&
          !in_list(prefix, dbt_context_names, ARRAY_SIZE(dbt_context_names));
    free(prefix);
    return yes;
}

/* x.append(v), x.extend(list) change the list bound to x; the string methods return a value. */
static int call_method(struct render *r, const struct ex *e, struct tpl_value *out)
{
    const char *dot = strchr(e->name, '.'), *m = dot + 1;
    char *var = xstrndup(e->name, (size_t)(dot - e->name));
    struct tpl_value *self = (struct tpl_value *)lookup(r, var);
    struct tpl_value args[2];
    size_t i, want = !strcmp(m, "replace") ? 2 : !strcmp(m, "split") ? e->nargs : 1;
    int ret = -1;

    memset(args, 0, sizeof(args));
    if (in_list(m, methods + 2, 3))
        want = 0;
    if (!self) {
        rerr(r, e, "undefined name '%s'", var);
        goto out;
    }
    if (e->nargs != want || want > 2) {
        rerr(r, e, "%s() takes %zu argument%s", e->name, want, want == 1 ? "" : "s");
        goto out;
    }
    for (i = 0; i < e->nargs; i++)
        if (eval(r, e->args[i], &args[i]) < 0)
            goto out;
    if (!strcmp(m, "append") || !strcmp(m, "extend")) {
        const struct tpl_value *add = !strcmp(m, "append") ? &args[0] : args[0].items;
        size_t n = !strcmp(m, "append") ? 1 : args[0].n;
        if (self->type != TPL_LIST || (m[0] == 'e' && args[0].type != TPL_LIST)) {
            rerr(r, e, "%s on a %s", m, type_name(self->type));
            goto out;
        }
        if (self->n + n > 1000000) {
            rerr(r, e, "list too long");
            goto out;
        }
        self->items = xrealloc(self->items, (self->n + n + 1) * sizeof(*self->items));
        for (i = 0; i < n; i++)
            value_copy(&self->items[self->n++], &add[i]);
        memset(out, 0, sizeof(*out));
        ret = 0;
        goto out;
    }
    if (self->type != TPL_STR || (want && args[0].type != TPL_STR) ||
        (want == 2 && args[1].type != TPL_STR)) {
        rerr(r, e, "%s() works on strings", e->name);
        goto out;
    }
    if (!strcmp(m, "startswith") || !strcmp(m, "endswith")) {
        size_t n = strlen(self->str), k = strlen(args[0].str);
        value_bool(out,
                   k <= n && !memcmp(m[0] == 's' ? self->str : self->str + n - k, args[0].str, k));
    } else if (!strcmp(m, "split")) {
        const char *p = self->str, *sep = e->nargs ? args[0].str : " ";
        size_t k = strlen(sep);
        memset(out, 0, sizeof(*out));
        out->type = TPL_LIST;
        if (!k) {
            rerr(r, e, "split() needs a non-empty separator");
            goto out;
        }
        for (;;) {
            const char *q = strstr(p, sep);
            size_t len = q ? (size_t)(q - p) : strlen(p);
            out->items = xrealloc(out->items, (out->n + 1) * sizeof(*out->items));
            value_str(&out->items[out->n++], xstrndup(p, len));
            if (!q)
                break;
            p = q + k;
        }
    } else if (!strcmp(m, "replace")) {
        struct strbuf sb = STRBUF_INIT;
        const char *p = self->str, *q;
        size_t k = strlen(args[0].str);
        while (k && (q = strstr(p, args[0].str)) != NULL) {
            strbuf_add(&sb, p, (size_t)(q - p));
            strbuf_addstr(&sb, args[1].str);
            if (sb.len > MAX_OUTPUT) {
                strbuf_release(&sb);
                rerr(r, e, "string too long");
                goto out;
            }
            p = q + k;
        }
        strbuf_addstr(&sb, p);
        value_str(out, strbuf_detach(&sb, NULL));
    } else {
        struct strbuf sb = STRBUF_INIT;
        char *c;
        strbuf_addstr(&sb, self->str);
        if (m[0] == 's')
            strbuf_trim(&sb);
        for (c = sb.buf; m[0] != 's' && *c; c++)
            *c = (char)(m[0] == 'u' ? toupper((unsigned char)*c) : tolower((unsigned char)*c));
        value_str(out, strbuf_detach(&sb, NULL));
    }
    ret = 0;
out:
    tpl_value_release(&args[0]);
    tpl_value_release(&args[1]);
    free(var);
    return ret;
}

static int eval_call(struct render *r, const struct ex *e, struct tpl_value *out)
{
    struct tpl_site at = {r->file, e->line, e->col};
    struct strbuf sb = STRBUF_INIT;
    char *a = NULL, *b = NULL;
    int npos = positional_count(e), ret = -1;
    size_t i;

    if (strchr(e->name, '.') && in_list(e->name, supported_calls, ARRAY_SIZE(supported_calls)))
        return call_sql_builtin(r, e, out);
    if (is_method_call(e->name) && !find_macro(r, e->name))
        return call_method(r, e, out);
    if (!in_list(e->name, supported_calls, ARRAY_SIZE(supported_calls))) {
        const struct tpl_macro *m = find_macro(r, e->name);
        if (!m)
            return rerr(r, e, "unknown macro '%s'", e->name);
        return call_macro(r, e, m, out);
    }
    if (!strcmp(e->name, "log")) {
        struct tpl_value msg, info = {0};
        if (!e->nargs || eval(r, e->args[0], &msg) < 0)
            return e->nargs ? -1 : rerr(r, e, "log() takes a message");
        for (i = 1; i < e->nargs; i++) {
            tpl_value_release(&info);
            if (eval(r, e->args[i], &info) < 0) {
                tpl_value_release(&msg);
                return -1;
            }
        }
        if (truthy(&info) && !(r->h && r->h->quiet_log)) {
            tpl_value_print(&sb, &msg);
            fprintf(stderr, "%s:%d: %s\n", r->file, e->line, sb.buf);
            strbuf_release(&sb);
        }
        tpl_value_release(&msg);
        tpl_value_release(&info);
        value_str(out, xstrdup(""));
        return 0;
    }
    if (!strcmp(e->name, "return")) {
        if (!r->calls)
            return rerr(r, e, "return() outside a macro");
        if (e->nargs != 1)
            return rerr(r, e, "return() takes one value");
        {
            struct tpl_value v;
            /* evaluated aside: a macro called in the value has its own return */
            if (eval(r, e->args[0], &v) < 0)
                return -1;
            tpl_value_release(&r->ret);
            r->ret = v;
        }
        r->returning = 1;
        value_str(out, xstrdup(""));
        return 0;
    }
    if (!strcmp(e->name, "is_incremental")) {
        if (e->nargs)
            return rerr(r, e, "is_incremental() takes no arguments");
        value_bool(out, r->h && r->h->is_incremental && r->h->is_incremental(r->h->ctx));
        return 0;
    }
    if (!strcmp(e->name, "config")) {
        if (npos)
            return rerr(r, e,
                        "config() takes keyword arguments, e.g. config(materialized='table')");
        for (i = 0; i < e->nargs; i++) {
            struct tpl_value v;
            if (eval(r, e->args[i], &v) < 0)
                return -1;
            if (!r->h || !r->h->config) {
                tpl_value_release(&v);
                return rerr(r, e, "config() is not available here");
            }
            ret = r->h->config(r->h->ctx, e->kw[i], &v, &at);
            tpl_value_release(&v);
            if (ret < 0)
                return -1;
        }
        value_str(out, xstrdup(""));
        return 0;
    }
    if (npos != (int)e->nargs)
        return rerr(r, e, "%s() takes no keyword arguments", e->name);
    if (!strcmp(e->name, "env_var")) {
        const char *v;
        if (npos < 1 || npos > 2)
            return rerr(r, e, "env_var() takes a name and an optional default");
        if (eval_string_arg(r, e, 0, &a) < 0)
            return -1;
        v = getenv(a);
        if (v)
            value_str(out, xstrdup(v));
        else if (npos == 2)
            ret = eval(r, e->args[1], out);
        else
            ret = rerr(r, e,
                       "env_var('%s'): the variable is not set; export it, add it to the "
                       "platform's .env, or give env_var() a default",
                       a);
        free(a);
        return v ? 0 : ret;
    }
    if (!strcmp(e->name, "doc")) {
        if (npos != 1)
            return rerr(r, e, "doc() takes a docs block name");
        if (eval_string_arg(r, e, 0, &a) < 0)
            return -1;
        if (!r->h || !r->h->doc)
            rerr(r, e, "doc() is only available in yml descriptions");
        else if (r->h->doc(r->h->ctx, a, &at, &sb) == 0)
            ret = 0;
        free(a);
        if (ret == 0)
            value_str(out, strbuf_detach(&sb, NULL));
        strbuf_release(&sb);
        return ret;
    }
    if (!strcmp(e->name, "var")) {
        const struct yaml_node *node = NULL;
        if (npos < 1 || npos > 2)
            return rerr(r, e, "var() takes a name and an optional default");
        if (eval_string_arg(r, e, 0, &a) < 0)
            return -1;
        if (r->h && r->h->var)
            node = r->h->var(r->h->ctx, a);
        if (node) {
            if (tpl_value_from_yaml(node, out) < 0)
                rerr(r, e, "var '%s' is a mapping, which templates cannot use", a);
            else
                ret = 0;
        } else if (npos == 2) {
            ret = eval(r, e->args[1], out);
        } else {
            rerr(r, e,
                 "undefined variable '%s': define it under vars: in dbt_project.yml, pass "
                 "--vars '%s: VALUE', or give var() a default",
                 a, a);
        }
        free(a);
        return ret;
    }
    if (!strcmp(e->name, "ref")) {
        if (npos < 1 || npos > 2)
            return rerr(r, e, "ref() takes a model name");
        if (eval_string_arg(r, e, (size_t)npos - 1, &a) < 0)
            return -1;
        if (!r->h || !r->h->ref)
            rerr(r, e, "ref() is not available here");
        else if (r->h->ref(r->h->ctx, a, &at, &sb) == 0)
            ret = 0;
    } else {
        /* source */
        if (npos != 2)
            return rerr(r, e, "source() takes a source name and a table name");
        if (eval_string_arg(r, e, 0, &a) < 0)
            return -1;
        if (eval_string_arg(r, e, 1, &b) < 0)
            goto out;
        if (!r->h || !r->h->source)
            rerr(r, e, "source() is not available here");
        else if (r->h->source(r->h->ctx, a, b, &at, &sb) == 0)
            ret = 0;
    }
out:
    free(a);
    free(b);
    if (ret == 0)
        value_str(out, strbuf_detach(&sb, NULL));
    strbuf_release(&sb);
    return ret;
}

static int eval_filter(struct render *r, const struct ex *e, struct tpl_value *out)
{
    struct tpl_value in, sep = {0};
    struct strbuf sb = STRBUF_INIT;
    size_t i;
    int ret = -1;

    if (eval(r, e->a, &in) < 0)
        return -1;
    if (e->nargs > (strcmp(e->name, "join") ? 0u : 1u)) {
        rerr(r, e, "too many arguments to the filter '%s'", e->name);
        goto out;
    }
    if (e->nargs && eval(r, e->args[0], &sep) < 0)
        goto out;
    if (!strcmp(e->name, "length")) {
        if (in.type == TPL_LIST)
            value_num(out, (double)in.n);
        else if (in.type == TPL_STR)
            value_num(out, (double)strlen(in.str));
        else {
            rerr(r, e, "length of a %s", type_name(in.type));
            goto out;
        }
    } else if (!strcmp(e->name, "join")) {
        if (in.type != TPL_LIST) {
            rerr(r, e, "join expects a list, not a %s", type_name(in.type));
            goto out;
        }
        for (i = 0; i < in.n; i++) {
            if (i && e->nargs)
                tpl_value_print(&sb, &sep);
            tpl_value_print(&sb, &in.items[i]);
        }
        value_str(out, strbuf_detach(&sb, NULL));
    } else {
        char *p;
        tpl_value_print(&sb, &in);
        if (!strcmp(e->name, "trim"))
            strbuf_trim(&sb);
        for (p = sb.buf; *p && strcmp(e->name, "trim"); p++)
            *p =
                (char)(e->name[0] == 'u' ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
        value_str(out, strbuf_detach(&sb, NULL));
    }
    ret = 0;
out:
    tpl_value_release(&in);
    tpl_value_release(&sep);
    strbuf_release(&sb);
    return ret;
}

static int values_equal(const struct tpl_value *a, const struct tpl_value *b)
{
    size_t i;
    int an = a->type == TPL_NUM || a->type == TPL_BOOL,
        bn = b->type == TPL_NUM || b->type == TPL_BOOL;

    if (an && bn)
        return (a->type == TPL_NUM ? a->num : a->boolean) ==
               (b->type == TPL_NUM ? b->num : b->boolean);
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case TPL_NONE: return 1;
    case TPL_STR: return !strcmp(a->str, b->str);
    case TPL_LIST:
        if (a->n != b->n)
            return 0;
        for (i = 0; i < a->n; i++)
            if (!values_equal(&a->items[i], &b->items[i]))
                return 0;
        return 1;
    default: return 0;
    }
}

static int eval_binary(struct render *r, const struct ex *e, struct tpl_value *out)
{
    struct tpl_value a, b;
    int ret = -1;
    size_t i;

    if (eval(r, e->a, &a) < 0)
        return -1;
    if (e->op == OP_AND || e->op == OP_OR) {
        /* Python semantics: the deciding operand is the value */
        if (truthy(&a) == (e->op == OP_OR)) {
            *out = a;
            return 0;
        }
        tpl_value_release(&a);
        return eval(r, e->b, out);
    }
    if (eval(r, e->b, &b) < 0) {
        tpl_value_release(&a);
        return -1;
    }
    switch (e->op) {
    case OP_EQ:
    case OP_NE: value_bool(out, values_equal(&a, &b) == (e->op == OP_EQ)); break;
    case OP_LT:
    case OP_GT:
    case OP_LE:
    case OP_GE: {
        int c;
        if (a.type == TPL_NUM && b.type == TPL_NUM)
            c = a.num < b.num ? -1 : a.num > b.num;
        else if (a.type == TPL_STR && b.type == TPL_STR)
            c = strcmp(a.str, b.str);
        else {
            rerr(r, e, "cannot compare a %s with a %s", type_name(a.type), type_name(b.type));
            goto out;
        }
        value_bool(out, e->op == OP_LT   ? c < 0
                        : e->op == OP_GT ? c > 0
                        : e->op == OP_LE ? c <= 0
                                         : c >= 0);
        break;
    }
    case OP_IN:
    case OP_NOTIN: {
        int found = 0;
        if (b.type == TPL_LIST) {
            for (i = 0; i < b.n && !found; i++)
                found = values_equal(&a, &b.items[i]);
        } else if (b.type == TPL_STR && a.type == TPL_STR) {
            found = strstr(b.str, a.str) != NULL;
        } else {
            rerr(r, e, "'in' needs a list or a string on its right, not a %s", type_name(b.type));
            goto out;
        }
        value_bool(out, found == (e->op == OP_IN));
        break;
    }
    case OP_CAT: {
        struct strbuf sb = STRBUF_INIT;
        tpl_value_print(&sb, &a);
        tpl_value_print(&sb, &b);
        if (sb.len > MAX_OUTPUT) {
            strbuf_release(&sb);
            rerr(r, e, "string too long");
            goto out;
        }
        value_str(out, strbuf_detach(&sb, NULL));
        break;
    }
    case OP_ADD:
        if (a.type == TPL_STR && b.type == TPL_STR) {
            if (strlen(a.str) + strlen(b.str) > MAX_OUTPUT) {
                rerr(r, e, "string too long");
                goto out;
            }
            value_str(out, xstrfmt("%s%s", a.str, b.str));
            break;
        }
        if (a.type == TPL_LIST && b.type == TPL_LIST) {
            if (a.n + b.n > 1000000) {
                rerr(r, e, "list too long");
                goto out;
            }
            memset(out, 0, sizeof(*out));
            out->type = TPL_LIST;
            out->items = xcalloc(a.n + b.n + 1, sizeof(*out->items));
            for (i = 0; i < a.n; i++)
                value_copy(&out->items[out->n++], &a.items[i]);
            for (i = 0; i < b.n; i++)
                value_copy(&out->items[out->n++], &b.items[i]);
            break;
        }
        /* fall through */
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD:
        if (a.type != TPL_NUM || b.type != TPL_NUM) {
            rerr(r, e, "arithmetic on a %s and a %s", type_name(a.type), type_name(b.type));
            goto out;
        }
        if ((e->op == OP_DIV || e->op == OP_MOD) && b.num == 0) {
            rerr(r, e, "division by zero");
            goto out;
        }
        value_num(out, e->op == OP_ADD   ? a.num + b.num
                       : e->op == OP_SUB ? a.num - b.num
                       : e->op == OP_MUL ? a.num * b.num
                       : e->op == OP_DIV ? a.num / b.num
                                         : fmod(a.num, b.num));
        break;
    default: BUG("unknown operator %d", (int)e->op);
    }
    ret = 0;
out:
    tpl_value_release(&a);
    tpl_value_release(&b);
    return ret;
}

static int eval(struct render *r, const struct ex *e, struct tpl_value *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    switch (e->kind) {
    case EX_LIT: value_copy(out, &e->lit); return 0;
    case EX_LIST:
        out->type = TPL_LIST;
        out->items = xcalloc(e->nargs + 1, sizeof(*out->items));
        for (i = 0; i < e->nargs; i++) {
            if (eval(r, e->args[i], &out->items[i]) < 0) {
                tpl_value_release(out);
                return -1;
            }
            out->n = i + 1;
        }
        return 0;
    case EX_NAME: {
        const struct tpl_value *v = lookup(r, e->name);
        if (v) {
            value_copy(out, v);
            return 0;
        }
        i = (size_t)builtin_name(r, e, out);
        if ((int)i <= 0)
            return (int)i;
        return rerr(r, e,
                    "undefined name '%s': bind it with {%% set %s = ... %%}, or read a project "
                    "variable with var('%s')",
                    e->name, e->name, e->name);
    }
    case EX_TEST: {
        struct tpl_value a;
        int yes;
        if (!strcmp(e->name, "defined") || !strcmp(e->name, "undefined")) {
            yes = e->a->kind != EX_NAME || lookup(r, e->a->name) ||
                  in_list(e->a->name, supported_names, ARRAY_SIZE(supported_names));
            if (e->name[0] == 'u')
                yes = !yes;
        } else {
            if (e->a->kind == EX_NAME && !lookup(r, e->a->name) &&
                !in_list(e->a->name, supported_names, ARRAY_SIZE(supported_names))) {
                memset(&a, 0, sizeof(a));
                a.type = TPL_STR; /* undefined: not none, not a number */
                yes = !strcmp(e->name, "none") ? 0 : 0;
            } else {
                if (eval(r, e->a, &a) < 0)
                    return -1;
                yes = !strcmp(e->name, "none")     ? a.type == TPL_NONE
                      : !strcmp(e->name, "string") ? a.type == TPL_STR
                                                   : a.type == TPL_NUM;
                tpl_value_release(&a);
            }
        }
        value_bool(out, e->op == OP_NOT ? !yes : yes);
        return 0;
    }
    case EX_COND: {
        struct tpl_value c;
        int yes;
        if (eval(r, e->args[0], &c) < 0)
            return -1;
        yes = truthy(&c);
        tpl_value_release(&c);
        if (yes)
            return eval(r, e->a, out);
        if (e->b)
            return eval(r, e->b, out);
        return 0;
    }
    case EX_LOOP: {
        const struct loop_state *l;
        if (!r->nloops)
            return rerr(r, e, "'loop.%s' outside a for loop", e->name);
        l = &r->loops[r->nloops - 1];
        if (!strcmp(e->name, "index"))
            value_num(out, (double)l->index + 1);
        else if (!strcmp(e->name, "index0"))
            value_num(out, (double)l->index);
        else if (!strcmp(e->name, "revindex"))
            value_num(out, (double)(l->length - l->index));
        else if (!strcmp(e->name, "revindex0"))
            value_num(out, (double)(l->length - l->index - 1));
        else if (!strcmp(e->name, "first"))
            value_bool(out, l->index == 0);
        else if (!strcmp(e->name, "last"))
            value_bool(out, l->index + 1 == l->length);
        else
            value_num(out, (double)l->length);
        return 0;
    }
    case EX_CALL: return eval_call(r, e, out);
    case EX_FILTER: return eval_filter(r, e, out);
    case EX_UNARY: {
        struct tpl_value a;
        if (eval(r, e->a, &a) < 0)
            return -1;
        if (e->op == OP_NOT) {
            value_bool(out, !truthy(&a));
        } else if (a.type == TPL_NUM) {
            value_num(out, -a.num);
        } else {
            tpl_value_release(&a);
            return rerr(r, e, "cannot negate a %s", type_name(a.type));
        }
        tpl_value_release(&a);
        return 0;
    }
    case EX_BINARY: return eval_binary(r, e, out);
    }
    return -1;
}

static int render_for(struct render *r, const struct tn *t)
{
    struct tpl_value seq, item;
    size_t i, n, saved_nvars = r->nvars, saved_scope = r->scope;
    int ret = -1;

    if (eval(r, t->expr, &seq) < 0)
        return -1;
    if (seq.type != TPL_LIST && seq.type != TPL_STR) {
        rerr(r, t->expr, "cannot loop over a %s", type_name(seq.type));
        goto out;
    }
    n = seq.type == TPL_LIST ? seq.n : strlen(seq.str);
    ALLOC_GROW(r->loops, r->nloops + 1, r->lalloc);
    r->loops[r->nloops].length = n;
    r->nloops++;
    r->scope = r->nvars;
    for (i = 0; i < n; i++) {
        r->loops[r->nloops - 1].index = i;
        if (seq.type == TPL_LIST)
            value_copy(&item, &seq.items[i]);
        else
            value_str(&item, xstrndup(seq.str + i, 1));
        bind(r, t->var, &item);
        if (render_list(r, &t->bodies[0]) < 0)
            break;
        unbind_to(r, saved_nvars);
        if (r->returning) {
            i = n;
            break;
        }
    }
    r->nloops--;
    if (i == n)
        ret = 0;
out:
    unbind_to(r, saved_nvars);
    r->scope = saved_scope;
    tpl_value_release(&seq);
    return ret;
}

static int render_list(struct render *r, const struct tn_list *l)
{
    size_t i, b;

    for (i = 0; i < l->n; i++) {
        const struct tn *t = l->v[i];
        struct tpl_value v;

        switch (t->kind) {
        case TN_TEXT:
            anchor(r, t->line, 1);
            strbuf_add(r->out, t->text, t->len);
            break;
        case TN_OUTPUT:
            if (eval(r, t->expr, &v) < 0)
                return -1;
            anchor(r, t->line, 0);
            tpl_value_print(r->out, &v);
            tpl_value_release(&v);
            break;
        case TN_SET:
            if (eval(r, t->expr, &v) < 0)
                return -1;
            bind(r, t->var, &v);
            break;
        case TN_SET_BLOCK: {
            struct strbuf body = STRBUF_INIT, *saved = r->out;
            size_t start = r->out_start;
            int ret;
            r->out = &body;
            r->out_start = 0;
            ret = render_list(r, &t->bodies[0]);
            r->out = saved;
            r->out_start = start;
            if (ret < 0) {
                strbuf_release(&body);
                return -1;
            }
            value_str(&v, strbuf_detach(&body, NULL));
            bind(r, t->var, &v);
            break;
        }
        case TN_DO:
            if (eval(r, t->expr, &v) < 0)
                return -1;
            tpl_value_release(&v);
            break;
        case TN_MACRO: break;
        case TN_IF:
            for (b = 0; b < t->nbranches; b++) {
                if (t->conds[b]) {
                    int yes;
                    if (eval(r, t->conds[b], &v) < 0)
                        return -1;
                    yes = truthy(&v);
                    tpl_value_release(&v);
                    if (!yes)
                        continue;
                }
                if (render_list(r, &t->bodies[b]) < 0)
                    return -1;
                break;
            }
            break;
        case TN_FOR:
            if (render_for(r, t) < 0)
                return -1;
            break;
        }
        if (r->out->len - r->out_start > MAX_OUTPUT)
            return error("%s:%d:%d: the rendered model is larger than %u MB", r->file, t->line,
                         t->col, MAX_OUTPUT >> 20);
        if (r->returning)
            break;
    }
    return 0;
}

/* Checking: every call and context name is known, in every branch */

struct checker {
    const char *file;
    const struct tpl_lib *lib;
    const struct tn_list *root; /* the file's top level, for its own macros */
};

static int defines_macro(const struct tn_list *root, const char *name)
{
    size_t i;

    for (i = 0; root && i < root->n; i++)
        if (root->v[i]->kind == TN_MACRO && !strcmp(root->v[i]->var, name))
            return 1;
    return 0;
}

static int lib_has(const struct tpl_lib *lib, const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t i;

    for (i = 0; lib && i < lib->nmacros; i++)
        if (!strcmp(lib->macros[i].name, name) || (dot && !strcmp(lib->macros[i].name, dot + 1)))
            return 1;
    return 0;
}

static int check_error(const struct checker *c, const struct ex *e, const char *what)
{
    return error("%s:%d:%d: unsupported %s '%s': it is neither a macro of the project (under "
                 "macro-paths) nor one mdp knows (ref, source, config, var, doc, env_var, log, "
                 "return, is_incremental, this, target.name/schema, adapter.quote and the "
                 "dbt/dbt_utils SQL helpers listed in the README); define it in macros/ or "
                 "rewrite it in plain SQL",
                 c->file, e->line, e->col, what, e->name);
}

static int check_ex(const struct checker *c, const struct ex *e)
{
    size_t i;

    if (!e)
        return 0;
    if (e->kind == EX_CALL && !in_list(e->name, supported_calls, ARRAY_SIZE(supported_calls)) &&
        !defines_macro(c->root, e->name) && !lib_has(c->lib, e->name) && !is_method_call(e->name))
        return check_error(c, e, "macro");
    if (e->kind == EX_NAME) {
        const char *dot = strchr(e->name, '.');
        size_t plen = dot ? (size_t)(dot - e->name) : strlen(e->name);
        char *prefix = xstrndup(e->name, plen);
        int bad = in_list(prefix, dbt_context_names, ARRAY_SIZE(dbt_context_names)) ||
                  ((!strcmp(prefix, "this") || !strcmp(prefix, "target")) &&
                   !in_list(e->name, supported_names, ARRAY_SIZE(supported_names)));
        free(prefix);
        if (bad)
            return check_error(c, e, "name");
    }
    if (check_ex(c, e->a) < 0 || check_ex(c, e->b) < 0)
        return -1;
    for (i = 0; i < e->nargs; i++)
        if (check_ex(c, e->args[i]) < 0)
            return -1;
    return 0;
}

static int check_list(const struct checker *c, const struct tn_list *l)
{
    size_t i, b;

    for (i = 0; i < l->n; i++) {
        const struct tn *t = l->v[i];
        if (check_ex(c, t->expr) < 0)
            return -1;
        for (b = 0; b < t->nparams; b++)
            if (check_ex(c, t->defaults[b]) < 0)
                return -1;
        for (b = 0; b < t->nbranches; b++)
            if ((t->conds && check_ex(c, t->conds[b]) < 0) || check_list(c, &t->bodies[b]) < 0)
                return -1;
    }
    return 0;
}

/* Parses text into u (which keeps a copy of it). */
static int parse_unit(struct tpl_unit *u, const char *file, const char *text, size_t len)
{
    struct parser p;
    int ret;

    memset(u, 0, sizeof(*u));
    u->file = xstrdup(file);
    u->text = xmalloc(len + 1);
    memcpy(u->text, text, len);
    u->text[len] = '\0';
    memset(&p, 0, sizeof(p));
    p.file = u->file;
    p.s = u->text;
    p.len = len;
    p.lline = p.lcol = 1;
    p.tok.line = p.tok.col = 1;
    ret = parse_body(&p, &u->root, NULL, 0, NULL);
    free(p.tok.str);
    return ret;
}

static void unit_release(struct tpl_unit *u)
{
    free(u->file);
    free(u->text);
    tn_list_release(&u->root);
}

struct tpl_lib *tpl_lib_new(void)
{
    return xcalloc(1, sizeof(struct tpl_lib));
}

void tpl_lib_free(struct tpl_lib *lib)
{
    size_t i;

    if (!lib)
        return;
    for (i = 0; i < lib->nunits; i++) {
        unit_release(lib->units[i]);
        free(lib->units[i]);
    }
    free(lib->units);
    free(lib->macros);
    free(lib);
}

int tpl_lib_add(struct tpl_lib *lib, const char *file, const char *text, size_t len)
{
    struct tpl_unit *u = xcalloc(1, sizeof(*u));
    size_t i, k;

    if (parse_unit(u, file, text, len) < 0) {
        unit_release(u);
        free(u);
        return -1;
    }
    ALLOC_GROW(lib->units, lib->nunits + 1, lib->ualloc);
    lib->units[lib->nunits++] = u;
    for (i = 0; i < u->root.n; i++) {
        const struct tn *t = u->root.v[i];
        if (t->kind != TN_MACRO)
            continue;
        for (k = 0; k < lib->nmacros; k++)
            if (!strcmp(lib->macros[k].name, t->var))
                return error("%s:%d:%d: macro '%s' is already defined at %s:%d:%d; rename one",
                             file, t->line, t->col, t->var, lib->macros[k].unit->file,
                             lib->macros[k].t->line, lib->macros[k].t->col);
        ALLOC_GROW(lib->macros, lib->nmacros + 1, lib->malloc_);
        lib->macros[lib->nmacros].name = t->var;
        lib->macros[lib->nmacros].unit = u;
        lib->macros[lib->nmacros].t = t;
        lib->nmacros++;
    }
    return 0;
}

int tpl_lib_check(const struct tpl_lib *lib)
{
    size_t i;

    for (i = 0; i < lib->nunits; i++) {
        struct checker c = {lib->units[i]->file, lib, &lib->units[i]->root};
        if (check_list(&c, &lib->units[i]->root) < 0)
            return -1;
    }
    return 0;
}

int tpl_lib_has(const struct tpl_lib *lib, const char *name)
{
    size_t i;

    for (i = 0; lib && i < lib->nmacros; i++)
        if (!strcmp(lib->macros[i].name, name))
            return 1;
    return 0;
}

static void render_init(struct render *r, const char *file, const struct tpl_hooks *hooks,
                        struct strbuf *out)
{
    memset(r, 0, sizeof(*r));
    r->file = file;
    r->h = hooks;
    r->out = out;
    r->out_start = out->len;
}

static void render_release(struct render *r)
{
    unbind_to(r, 0);
    free(r->anchors);
    free(r->vars);
    free(r->loops);
    tpl_value_release(&r->ret);
}

int tpl_lib_call(const char *name, const struct tpl_value *args, size_t nargs,
                 const char *const *names, const struct tpl_value *values, size_t nnamed,
                 const struct tpl_hooks *hooks, struct tpl_value *out)
{
    const struct tpl_lib *lib = hooks->macros;
    struct render r;
    struct strbuf sink = STRBUF_INIT;
    struct tpl_value *vals;
    unsigned char *have;
    struct ex at;
    size_t i, k;
    int ret;

    memset(out, 0, sizeof(*out));
    for (k = 0; lib && k < lib->nmacros && strcmp(lib->macros[k].name, name); k++)
        ;
    if (!lib || k == lib->nmacros)
        return error("no macro '%s'", name);
    memset(&at, 0, sizeof(at));
    at.line = lib->macros[k].t->line;
    at.col = lib->macros[k].t->col;
    at.name = (char *)name;
    vals = xcalloc(lib->macros[k].t->nparams + 1, sizeof(*vals));
    have = xcalloc(lib->macros[k].t->nparams + 1, 1);
    for (i = 0; i < nargs && i < lib->macros[k].t->nparams; i++) {
        value_copy(&vals[i], &args[i]);
        have[i] = 1;
    }
    render_init(&r, lib->macros[k].unit->file, hooks, &sink);
    ret = invoke(&r, &at, &lib->macros[k], vals, have, names, (struct tpl_value *)values, nnamed,
                 out);
    for (i = 0; i < lib->macros[k].t->nparams; i++)
        tpl_value_release(&vals[i]);
    free(vals);
    free(have);
    render_release(&r);
    strbuf_release(&sink);
    return ret;
}

/* lines[k]: the file's line that output line k + 1 (from start on) came from. */
static void anchor_lines(const struct render *r, size_t start, int **lines, size_t *nlines)
{
    const struct strbuf *out = r->top;
    size_t a = 0, alloc = 0, n = 0, pos = start, counted = 0;
    int *v = NULL, line = 1, cur = -1; /* line: at counted, within anchor cur */

    for (;;) {
        while (a < r->nanchors && r->anchors[a].off <= pos)
            a++; /* anchors[a - 1] is the last one at or before pos */
        if (a && (int)(a - 1) != cur) {
            cur = (int)(a - 1);
            counted = r->anchors[cur].off;
            line = r->anchors[cur].line;
        }
        if (cur >= 0 && r->anchors[cur].advance)
            for (; counted < pos; counted++)
                line += out->buf[counted] == '\n';
        ALLOC_GROW(v, n + 1, alloc);
        v[n++] = line;
        {
            const char *nl = memchr(out->buf + pos, '\n', out->len - pos);
            if (!nl)
                break;
            pos = (size_t)(nl - out->buf) + 1;
        }
    }
    *lines = v;
    *nlines = n;
}

int template_render(const char *file, const char *text, size_t len, const struct tpl_hooks *hooks,
                    struct strbuf *out)
{
    return template_render_lines(file, text, len, hooks, out, NULL, NULL);
}

int template_render_lines(const char *file, const char *text, size_t len,
                          const struct tpl_hooks *hooks, struct strbuf *out, int **lines,
                          size_t *nlines)
{
    struct tpl_unit u;
    struct render r;
    struct tpl_macro *local = NULL;
    size_t i, n = 0;
    int ret = -1;

    if (parse_unit(&u, file, text, len) < 0)
        goto out;
    {
        struct checker c = {file, hooks ? hooks->macros : NULL, &u.root};
        if (check_list(&c, &u.root) < 0)
            goto out;
    }
    local = xcalloc(u.root.n + 1, sizeof(*local));
    for (i = 0; i < u.root.n; i++) {
        if (u.root.v[i]->kind != TN_MACRO)
            continue;
        local[n].name = u.root.v[i]->var;
        local[n].unit = &u;
        local[n].t = u.root.v[i];
        n++;
    }
    render_init(&r, file, hooks, out);
    r.local = local;
    r.nlocal = n;
    if (lines)
        r.top = out;
    ret = render_list(&r, &u.root);
    if (ret == 0 && lines)
        anchor_lines(&r, r.out_start, lines, nlines);
    render_release(&r);
out:
    free(local);
    unit_release(&u);
    return ret;
}
