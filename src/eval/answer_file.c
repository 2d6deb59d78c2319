/*
 * The file answerer (answerer.h): answers read from a YAML file keyed by case id.
 */
#include <string.h>

#include "eval/answerer.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

struct file_entry {
    char *id;
    char *text;
    char **sql;
    size_t nsql;
    int unanswerable;
};

struct file_answers {
    char *name;
    struct file_entry *v;
    size_t n;
};

static int file_ask(struct answerer *self, const struct question *q, struct answer *out)
{
    const struct file_answers *fa = self->state;
    size_t i, j;

    out->mode = xstrdup("file");
    for (i = 0; q->case_id && i < fa->n; i++) {
        const struct file_entry *e = &fa->v[i];
        if (strcmp(e->id, q->case_id))
            continue;
        out->text = xstrdup(e->text);
        out->unanswerable = e->unanswerable;
        for (j = 0; j < e->nsql; j++)
            answer_add_sql(out, e->sql[j]);
        return 0;
    }
    out->error =
        xstrfmt("no answer for '%s' in %s (add '%s: {answer: ...}' to it)",
                q->case_id ? q->case_id : q->text, fa->name, q->case_id ? q->case_id : "<case id>");
    return -1;
}

static void file_answers_free(struct file_answers *fa)
{
    size_t i, j;

    if (!fa)
        return;
    for (i = 0; i < fa->n; i++) {
        for (j = 0; j < fa->v[i].nsql; j++)
            free(fa->v[i].sql[j]);
        free(fa->v[i].sql);
        free(fa->v[i].id);
        free(fa->v[i].text);
    }
    free(fa->v);
    free(fa->name);
    free(fa);
}

static void file_release(struct answerer *self)
{
    file_answers_free(self->state);
    self->state = NULL;
}

static int parse_entry(const char *name, const struct yaml_node *key, const struct yaml_node *n,
                       struct file_entry *e)
{
    const struct yaml_node *text, *sql, *unans;
    size_t i;

    e->id = xstrdup(key->value);
    if (n->type == YAML_SCALAR) {
        e->text = xstrdup(n->value);
        return 0;
    }
    if (n->type != YAML_MAP)
        return error("%s:%d:%d: the entry for '%s' must be a string or a mapping with "
                     "'answer' (and optionally 'sql')",
                     name, n->line, n->col, key->value);
    for (i = 0; i < n->n; i++) {
        const char *k = n->keys[i]->value;
        if (strcmp(k, "answer") && strcmp(k, "sql") && strcmp(k, "question") &&
            strcmp(k, "unanswerable"))
            return error("%s:%d:%d: unknown key '%s' (known: answer, sql, question, "
                         "unanswerable)",
                         name, n->keys[i]->line, n->keys[i]->col, k);
    }
    unans = yaml_get(n, "unanswerable");
    if (unans && (e->unanswerable = yaml_bool(unans)) < 0)
        return error("%s:%d:%d: 'unanswerable' must be true or false", name, unans->line,
                     unans->col);
    text = yaml_get(n, "answer");
    if (!text && e->unanswerable) {
        e->text = xstrdup("");
    } else if (!text || text->type != YAML_SCALAR) {
        return error("%s:%d:%d: the entry for '%s' needs 'answer: text'%s", name, n->line, n->col,
                     key->value, unans ? "" : " (or 'unanswerable: true')");
    } else {
        e->text = xstrdup(text->value);
    }
    sql = yaml_get(n, "sql");
    if (!sql || yaml_is_null(sql))
        return 0;
    if (sql->type == YAML_SCALAR) {
        e->sql = xcalloc(1, sizeof(*e->sql));
        e->sql[e->nsql++] = xstrdup(sql->value);
        return 0;
    }
    if (sql->type != YAML_SEQ)
        return error("%s:%d:%d: 'sql' must be a list of statements", name, sql->line, sql->col);
    e->sql = xcalloc(sql->n ? sql->n : 1, sizeof(*e->sql));
    for (i = 0; i < sql->n; i++) {
        if (sql->items[i]->type != YAML_SCALAR)
            return error("%s:%d:%d: each 'sql' item must be a statement", name, sql->items[i]->line,
                         sql->items[i]->col);
        e->sql[e->nsql++] = xstrdup(sql->items[i]->value);
    }
    return 0;
}

int answerer_file_init_text(struct answerer *a, const char *name, const char *text, size_t len)
{
    struct yaml_node *root = NULL;
    struct file_answers *fa = xcalloc(1, sizeof(*fa));
    size_t i, j;
    int ret = -1;

    memset(a, 0, sizeof(*a));
    fa->name = xstrdup(name);
    if (yaml_parse_string(name, text, len, &root) < 0)
        goto out;
    if (!root || root->type != YAML_MAP) {
        error("%s:%d:%d: an answers file maps case ids to answers ('id: {answer: text, sql: "
              "[...]}')",
              name, root ? root->line : 1, root ? root->col : 1);
        goto out;
    }
    fa->v = xcalloc(root->n ? root->n : 1, sizeof(*fa->v));
    for (i = 0; i < root->n; i++) {
        for (j = 0; j < i; j++)
            if (!strcmp(root->keys[i]->value, root->keys[j]->value)) {
                error("%s:%d:%d: duplicate answer for '%s' (first at line %d)", name,
                      root->keys[i]->line, root->keys[i]->col, root->keys[i]->value,
                      root->keys[j]->line);
                goto out;
            }
        fa->n++;
        if (parse_entry(name, root->keys[i], root->items[i], &fa->v[i]) < 0)
            goto out;
    }
    a->name = fa->name;
    a->ask = file_ask;
    a->release = file_release;
    a->state = fa;
    a->concurrent = 1;
    fa = NULL;
    ret = 0;
out:
    file_answers_free(fa);
    yaml_node_free(root);
    return ret;
}

int answerer_file_init(struct answerer *a, const char *path)
{
    struct strbuf sb = STRBUF_INIT;
    int ret;

    memset(a, 0, sizeof(*a));
    if (fs_read_file(&sb, path) < 0)
        return -1;
    ret = answerer_file_init_text(a, path, sb.buf, sb.len);
    strbuf_release(&sb);
    return ret;
}
