/*
 * JSON values (cJSON is wrapped here and nowhere else).
 *
 * Ownership: json_parse() and the json_new_*() constructors return a tree the caller releases
 * with json_free(). json_set*()/json_push*() take ownership of the child they are given.
 * Lookups return pointers borrowed from the tree.
 */
#ifndef MDP_JSON_H
#define MDP_JSON_H

#include <stddef.h>

struct strbuf;
struct json;

/* Parses text; on failure returns NULL after error("name:line:col: ..."). */
struct json *json_parse(const char *name, const char *text, size_t len);
void json_free(struct json *j);

struct json *json_get(const struct json *obj, const char *key);
struct json *json_at(const struct json *arr, size_t i);
/*
 * Walking an array or object in order, in constant time per step (json_at() and json_size()
 * walk from the start each time):  for (e = json_first(a); e; e = json_next(e)) ...
 */
struct json *json_first(const struct json *arr_or_obj);
struct json *json_next(const struct json *item);
size_t json_size(const struct json *arr_or_obj);
/* The key of a member reached through json_at() on an object. */
const char *json_key(const struct json *member);
int json_is_null(const struct json *j);
int json_is_array(const struct json *j);
int json_is_object(const struct json *j);
/* The string, or NULL if j is not a string. */
const char *json_str(const struct json *j);
/* 0 and *out set when j is a number or a boolean, else -1. */
int json_num(const struct json *j, double *out);
/* The string at key, or NULL. */
const char *json_get_str(const struct json *obj, const char *key);

struct json *json_new_object(void);
struct json *json_new_array(void);
struct json *json_new_str(const char *s);
struct json *json_new_num(double v);
struct json *json_new_bool(int v);
struct json *json_new_null(void);
void json_set(struct json *obj, const char *key, struct json *child);
void json_set_str(struct json *obj, const char *key, const char *s); /* NULL s -> null */
void json_set_num(struct json *obj, const char *key, double v);
void json_set_bool(struct json *obj, const char *key, int v);
void json_push(struct json *arr, struct json *child);

/* Appends j as text (pretty: indented) to sb. */
void json_print(struct strbuf *sb, const struct json *j, int pretty);
/* Appends s as a JSON string literal with escapes. */
void json_add_string(struct strbuf *sb, const char *s);

#endif
