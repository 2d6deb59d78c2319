/*
 * A dbt project as mdp reads it: <root>/dbt_project/dbt_project.yml (name, model-paths,
 * per-folder +materialized / +schema / +alias / +enabled, vars), the models (every .sql file under
 * the model paths), and their docs (every .yml file there: `models:` with descriptions, config and
 * column tests, `sources:` with schema, identifier and column tests).
 *
 * dbt_project_load() reads the files; dbt_project_compile() renders every model twice with
 * the template engine (first to learn its refs and config, then with every relation known),
 * checks the graph and fills the build order. Errors name file:line:column.
 *
 * Configuration precedence, as in dbt: config() in the model > `config:` in its yml entry >
 * the most specific folder in dbt_project.yml > defaults (view, schema main, alias = name).
 * A custom schema is used as is (no target-schema prefix).
 *
 * Ownership: everything in a struct dbt_project is owned by it; release with
 * dbt_project_release(). Pointers into it are borrowed.
 */
#ifndef MDP_DBT_PROJECT_H
#define MDP_DBT_PROJECT_H

#include <stddef.h>

#include "platform/dag.h"

struct strbuf;
struct tpl_lib;
struct yaml_node;

enum dbt_test_kind {
    DBT_TEST_UNIQUE,
    DBT_TEST_NOT_NULL,
    DBT_TEST_ACCEPTED_VALUES,
    DBT_TEST_RELATIONSHIPS,
    DBT_TEST_UNSUPPORTED /* a test mdp does not run (reported, never silently dropped) */
};

struct dbt_test {
    enum dbt_test_kind kind;
    char *name;    /* as written: "unique", "dbt_utils.expression_is_true" */
    char **values; /* accepted_values */
    size_t nvalues;
    int quote;                  /* accepted_values: quote the values as strings (default 1) */
    char *to_model;             /* relationships to ref('m'): m */
    char *to_source, *to_table; /* relationships to source('s', 't') */
    char *field;                /* relationships */
    int warn;                   /* config: {severity: warn} */
    char *where;                /* config: {where: "SQL condition"}: test only the rows it keeps */
    char *file;                 /* the yml file, relative to the dbt project */
    int line, col;
};

struct dbt_column {
    char *name;
    char *description;
    struct dbt_test *tests;
    size_t ntests;
};

/* v[k]: the line of the model's file that line k + 1 of its compiled SQL came from. */
struct dbt_lines {
    int *v;
    size_t n;
};

struct dbt_model {
    char *name;
    char *path; /* relative to the dbt project: models/staging/stg_users.sql */
    char *file; /* absolute */
    char *raw_sql;
    char *description; /* from the yml, or NULL */
    struct dbt_column *columns;
    size_t ncolumns;
    int enabled;
    /* configuration, with where each value was set ("file:line:col") */
    char *materialized, *materialized_at;
    char *schema;
    char *alias;
    const struct yaml_node *column_types; /* seeds: column: SQL type (borrowed) */
    char **unique_key;                    /* incremental: the columns that identify a row */
    size_t nunique_key;
    int append; /* incremental_strategy: append (never merge on unique_key) */
    int warn;   /* singular tests: config(severity='warn') */
    const struct yaml_node *delimiter; /* seeds: the CSV delimiter (borrowed), or NULL */
    /* filled by dbt_project_compile() */
    char **refs; /* model names, in order of first use */
    size_t nrefs;
    char **sources; /* "source.table" */
    size_t nsources;
    char *compiled_sql;
    char *incremental_sql; /* incremental models: compiled with is_incremental() true */
    /* the line of the file each line of compiled_sql (incremental_sql) came from */
    struct dbt_lines compiled_lines, incremental_lines;
};

struct dbt_source {
    char *source_name, *table_name;
    char *database;                     /* NULL: the warehouse's own */
    char *loaded_at_field;              /* freshness: a column or SQL expression, or NULL */
    double warn_after_s, error_after_s; /* freshness thresholds in seconds; 0: none */
    char *schema;                       /* default: the source name */
    char *identifier;                   /* default: the table name */
    char *description;
    struct dbt_column *columns;
    size_t ncolumns;
    char *file; /* relative to the dbt project */
    int line, col;
};

struct dbt_project {
    char *dir; /* <root>/dbt_project */
    char *name;
    char **model_paths, **seed_paths, **macro_paths, **test_paths;
    size_t nmodel_paths, nseed_paths, nmacro_paths, ntest_paths;
    struct yaml_node *project_yml; /* dbt_project.yml */
    struct yaml_node *cli_vars;    /* --vars, or NULL */
    struct dbt_model *models;
    size_t nmodels;
    struct dbt_model *singular; /* singular tests: the .sql files under test-paths (not in a
                                   generic/ folder); compiled_sql returns the failing rows */
    size_t nsingular;
    struct dbt_source *sources;
    size_t nsources;
    char **doc_names, **doc_texts; /* {% docs name %}text{% enddocs %} blocks of .md files */
    size_t ndoc_blocks;
    struct tpl_lib *macros;  /* the .sql files under macro-paths */
    struct yaml_node **docs; /* the parsed yml files the columns point into */
    size_t ndocs;
    /* filled by dbt_project_compile() */
    const char **names; /* model names for the dag (borrowed from models) */
    struct dag dag;
    size_t *order; /* indexes into models, parents first */
};

/*
 * Reads the dbt project under root (the platform folder). cli_vars is the --vars YAML text
 * ("k: v" or "{k: v}"), or NULL. Returns 0, or -1 after error() naming file:line:col.
 */
int dbt_project_load(const char *root, const char *cli_vars, struct dbt_project *out);

/*
 * Compiles every enabled model: refs, sources, config(), vars, the dependency graph (unknown
 * refs and cycles are errors naming the chain and the file) and the compiled SQL. Reports
 * every model's error before returning -1; 0 when all compiled.
 */
int dbt_project_compile(struct dbt_project *p);

void dbt_project_release(struct dbt_project *p);

/*
 * Load and compile, then mark in *selected (one byte per model; the caller frees it) the
 * models the dbt selectors name, or every model when there are none. Returns 0, or -1 after
 * error() with nothing to release (a bad project file or selector: an exit-2 problem).
 */
int dbt_project_open(const char *root, const char *vars, const char *const *select, size_t nselect,
                     struct dbt_project *p, unsigned char **selected);

/* The index of the model called name, or -1. */
int dbt_project_find_model(const struct dbt_project *p, const char *name);
/* The declared source table, or NULL. */
const struct dbt_source *dbt_project_find_source(const struct dbt_project *p, const char *source,
                                                 const char *table);

/* Is the model materialized incremental? */
int dbt_model_is_incremental(const struct dbt_model *m);
/* Is the node a seed (a CSV under the seed paths) rather than a model? */
int dbt_model_is_seed(const struct dbt_model *m);
/* The schema and name the model builds (defaults applied); borrowed. */
const char *dbt_model_schema(const struct dbt_model *m);
const char *dbt_model_alias(const struct dbt_model *m);
/* Appends the model's relation as quoted SQL: "schema"."alias". */
void dbt_model_relation(const struct dbt_model *m, struct strbuf *sb);
void dbt_source_relation(const struct dbt_source *s, struct strbuf *sb);
/* Is test t (a singular test) about a selected model (mark from dag_select)? */
int dbt_singular_selected(const struct dbt_project *p, const struct dbt_model *t,
                          const unsigned char *mark);

/*
 * Appends a column's tests as a JSON array: ["unique","not_null",{"accepted_values":[..]},
 * {"relationships":{"to":"model","field":"f"}}] (a source target is written "source.table").
 */
void dbt_column_tests_json(const struct dbt_column *c, struct strbuf *sb);

#endif
