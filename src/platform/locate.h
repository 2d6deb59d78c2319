/*
 * Finding the platform folder, its warehouse and its .env (platform-layout.md):
 *
 *   root       --project DIR, else the nearest directory from the current one up to 6 parents
 *              that holds sources/sources.yml, dbt_project/dbt_project.yml or
 *              warehouse/data.duckdb;
 *   warehouse  --warehouse PATH, else $MDP_WAREHOUSE, else <root>/warehouse/data.duckdb;
 *   .env       <root>/.env only (never one in a parent folder: a planted /tmp/.env must not
 *              redirect commands); its KEY=VALUE lines are set in the environment unless the
 *              variable is already set.
 */
#ifndef MDP_LOCATE_H
#define MDP_LOCATE_H

struct strbuf;

struct platform_paths {
    char *root;      /* absolute, or NULL when no platform folder was found */
    char *warehouse; /* absolute, or NULL when neither a root nor an override exists */
};

/*
 * Fills *out (release with platform_paths_release()). project/warehouse are the command-line
 * overrides, or NULL. Never fails for a missing platform: callers that need one say so with
 * platform_require_*().
 */
void platform_locate(const char *project, const char *warehouse, struct platform_paths *out);
void platform_paths_release(struct platform_paths *p);
/*
 * The first marker that makes dir a platform folder (sources/sources.yml,
 * dbt_project/dbt_project.yml, warehouse/data.duckdb; static), or NULL.
 */
const char *platform_root_marker(const char *dir);
/*
 * Checks a --project DIR for a command that works on an existing platform (all but init,
 * setup and generate, which write one): 0 when project is
 * NULL, or a directory with a platform marker or a sources/ folder (which `mdp sync` turns into
 * a platform); else -1 with error() saying it is missing or not a platform, and how to make one.
 */
int platform_check_project(const char *project);
/* 0 if p->root is set, else -1 with an error that says how to make or point at one. */
int platform_require_root(const struct platform_paths *p);
int platform_require_warehouse(const struct platform_paths *p);

/*
 * Loads the .env of the platform root: --project DIR (project), else the root found from the
 * current directory; nothing when there is no root or no .env there. The path of the file
 * read is appended to file (may be NULL). Returns the number of variables set, or -1 with
 * error() naming the file.
 */
int platform_load_env(const char *project, struct strbuf *file);
/*
 * Parses one .env text, calling each(key, value, ctx) per entry (key and value are borrowed
 * for the call); each returns 1 when it used the entry. Malformed lines get a warning naming
 * name:line. Returns the sum of each()'s results.
 */
int platform_parse_env(const char *name, const char *text,
                       int (*each)(const char *key, const char *value, void *ctx), void *ctx);

#endif
