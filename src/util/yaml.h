/*
 * YAML documents as a small tree (libyaml is wrapped here and nowhere else). Every node keeps
 * its line and column, so callers can write "cases.yml:12:5: ..." errors.
 *
 * Ownership: yaml_parse_* give the caller a tree to release with yaml_node_free(); every pointer
 * returned by a lookup is borrowed from that tree.
 */
#ifndef MDP_YAML_H
#define MDP_YAML_H

#include <stddef.h>

struct strbuf;

enum yaml_type { YAML_SCALAR, YAML_SEQ, YAML_MAP };

struct yaml_node {
    enum yaml_type type;
    char *value; /* scalars: the text; NULL otherwise */
    int quoted;  /* scalars: written with quotes ("yes" is a string, yes is a bool) */
    int line;    /* 1-based */
    int col;     /* 1-based */
    /* SEQ: items[i]; MAP: keys[i] -> items[i] (keys are scalars) */
    size_t n, alloc;
    struct yaml_node **keys;
    struct yaml_node **items;
};

/*
 * Parses the first document of text. `name` is used in error messages. An empty document
 * gives NULL in *out and returns 0. Returns -1 with error("name:line:col: problem").
 */
int yaml_parse_string(const char *name, const char *text, size_t len, struct yaml_node **out);
int yaml_parse_file(const char *path, struct yaml_node **out);
void yaml_node_free(struct yaml_node *node);

/*
 * Reports a problem found at node n of the file `name`: error("name:line:col: <fmt>"), at line 1
 * column 1 when n is NULL. Returns -1, like error().
 */
int yaml_error_at(const char *name, const struct yaml_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Checks that every key of map is one of the n known keys. Returns 0, or -1 with
 * "name:line:col: unknown key 'x' (did you mean 'y'?)" (or the list of known keys when none is
 * close) at the first key that is not.
 */
int yaml_check_keys(const char *name, const struct yaml_node *map, const char *const *known,
                    size_t n);

/* MAP lookup by key; NULL if absent or node is not a map. */
struct yaml_node *yaml_get(const struct yaml_node *map, const char *key);
/* The scalar text at key, or NULL when absent or not a scalar. */
const char *yaml_get_str(const struct yaml_node *map, const char *key);
/* A scalar that reads as null (~, null, empty and unquoted). */
int yaml_is_null(const struct yaml_node *node);
/* true/yes/on -> 1, false/no/off -> 0, else -1. */
int yaml_bool(const struct yaml_node *node);
const char *yaml_type_name(enum yaml_type t);

/* Building trees (for writing files): new nodes owned by the tree they are added to. */
struct yaml_node *yaml_new(enum yaml_type type, const char *value);
void yaml_seq_add(struct yaml_node *seq, struct yaml_node *item);
void yaml_map_set(struct yaml_node *map, const char *key, struct yaml_node *value);
/* Removes item i of a SEQ or MAP and frees it. */
void yaml_remove(struct yaml_node *node, size_t i);

/* Appends node in block style, quoting scalars only where YAML needs it. */
void yaml_emit(struct strbuf *sb, const struct yaml_node *node);

#endif
