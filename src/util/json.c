/*
 * The cJSON wrapper.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define C(j)  ((cJSON *)(j))
#define CC(j) ((const cJSON *)(j))
#define J(c)  ((struct json *)(c))

struct json *json_parse(const char *name, const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *c = cJSON_ParseWithLengthOpts(text, len, &end, 0);

    if (!c) {
        int line = 1, col = 1;
        const char *p;
        if (!end || end < text || end > text + len)
            end = text;
        for (p = text; p < end; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        error("%s:%d:%d: invalid JSON", name, line, col);
        return NULL;
    }
    return J(c);
}

void json_free(struct json *j)
{
    cJSON_Delete(C(j));
}

struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || !cJSON_IsObject(CC(obj)))
        return NULL;
    return J(cJSON_GetObjectItemCaseSensitive(CC(obj), key));
}

struct json *json_at(const struct json *arr, size_t i)
{
    if (!arr || i > 0x7fffffff)
        return NULL;
    return J(cJSON_GetArrayItem(CC(arr), (int)i));
}

struct json *json_first(const struct json *j)
{
    return j && (cJSON_IsArray(CC(j)) || cJSON_IsObject(CC(j))) ? J(CC(j)->child) : NULL;
}

struct json *json_next(const struct json *item)
{
    return item ? J(CC(item)->next) : NULL;
}

size_t json_size(const struct json *j)
{
    return j ? (size_t)cJSON_GetArraySize(CC(j)) : 0;
}

const char *json_key(const struct json *member)
{
    return member ? CC(member)->string : NULL;
}

int json_is_null(const struct json *j)
{
    return !j || cJSON_IsNull(CC(j));
}

int json_is_array(const struct json *j)
{
    return j && cJSON_IsArray(CC(j));
}

int json_is_object(const struct json *j)
{
    return j && cJSON_IsObject(CC(j));
}

const char *json_str(const struct json *j)
{
    return j && cJSON_IsString(CC(j)) ? CC(j)->valuestring : NULL;
}

int json_num(const struct json *j, double *out)
{
    if (!j)
        return -1;
    if (cJSON_IsNumber(CC(j))) {
        *out = CC(j)->valuedouble;
        return 0;
    }
    if (cJSON_IsBool(CC(j))) {
        *out = cJSON_IsTrue(CC(j)) ? 1 : 0;
        return 0;
    }
    return -1;
}

const char *json_get_str(const struct json *obj, const char *key)
{
    return json_str(json_get(obj, key));
}

static struct json *checked(cJSON *c)
{
    if (!c)
        xmalloc((size_t)-1); /* dies: cJSON only fails on out-of-memory */
    return J(c);
}

struct json *json_new_object(void)
{
    return checked(cJSON_CreateObject());
}

struct json *json_new_array(void)
{
    return checked(cJSON_CreateArray());
}

struct json *json_new_str(const char *s)
{
    return s ? checked(cJSON_CreateString(s)) : json_new_null();
}

struct json *json_new_num(double v)
{
    return checked(cJSON_CreateNumber(v));
}

struct json *json_new_bool(int v)
{
    return checked(cJSON_CreateBool(v));
}

struct json *json_new_null(void)
{
    return checked(cJSON_CreateNull());
}

void json_set(struct json *obj, const char *key, struct json *child)
{
    if (cJSON_GetObjectItemCaseSensitive(C(obj), key))
        cJSON_ReplaceItemInObjectCaseSensitive(C(obj), key, C(child));
    else
        cJSON_AddItemToObject(C(obj), key, C(child));
}

void json_set_str(struct json *obj, const char *key, const char *s)
{
    json_set(obj, key, json_new_str(s));
}

void json_set_num(struct json *obj, const char *key, double v)
{
    json_set(obj, key, json_new_num(v));
}

void json_set_bool(struct json *obj, const char *key, int v)
{
    json_set(obj, key, json_new_bool(v));
}

void json_push(struct json *arr, struct json *child)
{
    cJSON_AddItemToArray(C(arr), C(child));
}

void json_print(struct strbuf *sb, const struct json *j, int pretty)
{
    char *s = pretty ? cJSON_Print(CC(j)) : cJSON_PrintUnformatted(CC(j));

    if (!s)
        xmalloc((size_t)-1);
    strbuf_addstr(sb, s);
    cJSON_free(s);
}

void json_add_string(struct strbuf *sb, const char *s)
{
    const unsigned char *p;

    strbuf_addch(sb, '"');
    for (p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': strbuf_addstr(sb, "\\\""); break;
        case '\\': strbuf_addstr(sb, "\\\\"); break;
        case '\n': strbuf_addstr(sb, "\\n"); break;
        case '\r': strbuf_addstr(sb, "\\r"); break;
        case '\t': strbuf_addstr(sb, "\\t"); break;
        default:
            if (*p < 0x20)
                strbuf_addf(sb, "\\u%04x", *p);
            else
                strbuf_addch(sb, *p);
        }
    }
    strbuf_addch(sb, '"');
}
