/*
 * Where the platform folder, the warehouse and .env are.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "platform/locate.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define MAX_PARENTS 6

static const char *const root_markers[] = {"sources/sources.yml", "dbt_project/dbt_project.yml",
                                           "warehouse/data.duckdb"};

const char *platform_root_marker(const char *dir)
{
    size_t i;

    for (i = 0; i < sizeof(root_markers) / sizeof(root_markers[0]); i++) {
        char *p = fs_join(dir, root_markers[i]);
        int found = fs_is_file(p);

        free(p);
        if (found)
            return root_markers[i];
    }
    return NULL;
}

static int is_root(const char *dir)
{
    return platform_root_marker(dir) != NULL;
}

int platform_check_project(const char *project)
{
    char *sources;
    int ok;

    if (!project)
        return 0;
    if (!fs_is_dir(project))
        return error("--project '%s': no such directory; make a platform there with `mdp setup "
                     "--project %s` (or `mdp init %s`)",
                     project, project, project);
    if (is_root(project))
        return 0;
    sources = fs_join(project, "sources");
    ok = fs_is_dir(sources);
    free(sources);
    if (ok)
        return 0;
    return error("--project '%s' is not a platform folder (it has none of sources/sources.yml, "
                 "dbt_project/dbt_project.yml, warehouse/data.duckdb, sources/); make one with "
                 "`mdp setup --project %s` or point --project at one",
                 project, project);
}

/* The nearest directory from start up to MAX_PARENTS parents that satisfies pred, or NULL. */
static char *walk_up(const char *start, int (*pred)(const char *))
{
    char *dir = fs_absolute(start);
    int i;

    for (i = 0; i <= MAX_PARENTS; i++) {
        char *parent;
        if (pred(dir))
            return dir;
        if (!strcmp(dir, "/"))
            break;
        parent = fs_dirname(dir);
        free(dir);
        dir = parent;
    }
    free(dir);
    return NULL;
}

void platform_locate(const char *project, const char *warehouse, struct platform_paths *out)
{
    const char *env = getenv("MDP_WAREHOUSE");

    memset(out, 0, sizeof(*out));
    if (project)
        out->root = fs_absolute(project);
    else
        out->root = walk_up(".", is_root);
    if (warehouse)
        out->warehouse = fs_absolute(warehouse);
    else if (env && *env)
        out->warehouse = fs_absolute(env);
    else if (out->root)
        out->warehouse = fs_join(out->root, "warehouse/data.duckdb");
}

void platform_paths_release(struct platform_paths *p)
{
    free(p->root);
    free(p->warehouse);
    memset(p, 0, sizeof(*p));
}

int platform_require_root(const struct platform_paths *p)
{
    if (p->root)
        return 0;
    return error("not inside a platform folder (none of this directory and its 6 parents holds "
                 "sources/sources.yml or warehouse/data.duckdb); run `mdp setup` here, or pass "
                 "--project DIR");
}

int platform_require_warehouse(const struct platform_paths *p)
{
    if (p->warehouse)
        return 0;
    return error("no warehouse found: run inside a platform folder, pass --project DIR or "
                 "--warehouse PATH, or set MDP_WAREHOUSE");
}

int platform_parse_env(const char *name, const char *text,
                       int (*each)(const char *key, const char *value, void *ctx), void *ctx)
{
    const char *p = text;
    int line = 0, count = 0;

    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        struct strbuf key = STRBUF_INIT, val = STRBUF_INIT;
        const char *s = p, *e = p + len, *eq;

        line++;
        p = eol ? eol + 1 : p + len;
        while (s < e && isspace((unsigned char)*s))
            s++;
        if (s == e || *s == '#')
            continue;
        if (e - s > 7 && !strncmp(s, "export ", 7))
            s += 7;
        eq = memchr(s, '=', (size_t)(e - s));
        if (!eq) {
            warning("%s:%d: ignoring a line without '=' (expected KEY=VALUE)", name, line);
            continue;
        }
        strbuf_add(&key, s, (size_t)(eq - s));
        strbuf_trim(&key);
        s = eq + 1;
        while (s < e && isspace((unsigned char)*s))
            s++;
        if (s < e && (*s == '"' || *s == '\'')) {
            const char *q = memchr(s + 1, *s, (size_t)(e - s - 1));
            if (!q) {
                warning("%s:%d: unterminated quote in the value of %s", name, line, key.buf);
                strbuf_release(&key);
                continue;
            }
            strbuf_add(&val, s + 1, (size_t)(q - s - 1));
        } else {
            const char *hash = s;
            while (hash < e && !(*hash == '#' && hash > s && isspace((unsigned char)hash[-1])))
                hash++;
            strbuf_add(&val, s, (size_t)(hash - s));
            strbuf_trim(&val);
        }
        if (key.len)
            count += each(key.buf, val.buf, ctx);
        strbuf_release(&key);
        strbuf_release(&val);
    }
    return count;
}

/* Sets a variable from .env unless the environment already has it. */
static int set_unless_set(const char *key, const char *value, void *ctx)
{
    (void)ctx;
    if (getenv(key))
        return 0;
    setenv(key, value, 1);
    return 1;
}

int platform_load_env(const char *project, struct strbuf *file)
{
    char *root = project ? fs_absolute(project) : walk_up(".", is_root), *path;
    struct strbuf sb = STRBUF_INIT;
    int ret = 0;

    if (!root)
        return 0;
    path = fs_join(root, ".env");
    if (fs_is_file(path)) {
        ret = fs_read_file(&sb, path);
        if (ret == 0)
            ret = platform_parse_env(path, sb.buf, set_unless_set, NULL);
        if (ret >= 0 && file)
            strbuf_addstr(file, path);
    }
    strbuf_release(&sb);
    free(path);
    free(root);
    return ret;
}
