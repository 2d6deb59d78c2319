/*
 * The catalog: the semantic model of a warehouse, inferred from its metadata, its data and the
 * platform's code. Nothing in it is written by hand about any particular warehouse. The
 * analyst and the LLM agent learn everything they know about the data from here.
 *
 * What is inferred, per table and per column:
 *   - introspection: schemas, tables and views, columns and types, row counts, declared keys,
 *     comments;
 *   - profiles: null fraction, approximate distinct count, min/max/mean, share of negative
 *     values, text patterns (emails, codes, dates or money kept as text), and for columns with
 *     few distinct values every value with its count (the *value index*: how "Texas" or
 *     "Electronics" in a question finds its column); large tables are profiled on a sample;
 *   - roles: key, group key (an id that repeats, like an order id over its lines), foreign key
 *     (a name match and the values contained in another table's key), measure, dimension,
 *     time, geography, flag, free text, PII;
 *   - grain, and columns whose value is constant within a group key (an order total repeated
 *     on every line), so sums over lines can be explained;
 *   - layers and lineage (raw, staging, intermediate, mart) from the models the pipeline
 *     recorded in _mdp.models, or from view definitions; derived columns and how they are
 *     computed, from the model SQL;
 *   - documentation from code: the models' yml descriptions and column tests, COMMENTs, and
 *     known-good queries from dashboard pages (dashboards/ and evidence/pages/, *.md files) and
 *     semantic/verified.yml. Never the eval cases: they are the test set;
 *   - vocabulary: words for every table, column and value (vocab.h);
 *   - the time anchor of each time column: its latest value that is not in the future.
 *
 * The result is cached beside the warehouse (<warehouse>.catalog.json), keyed by a
 * fingerprint of the schema, row counts, the pipeline's records and the platform's semantic
 * files; only tables whose own fingerprint changed are profiled again.
 *
 * Ownership: catalog_load() gives the caller a struct catalog to release with
 * catalog_free(). Every pointer reached from it, or returned by a lookup, is borrowed from it.
 * A loaded catalog is read-only and may be shared between threads.
 */
#ifndef MDP_CATALOG_H
#define MDP_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "wh/result.h"

struct strbuf;
struct vocab;

enum cat_layer {
    CAT_LAYER_RAW,          /* loaded from files, not built by a model */
    CAT_LAYER_STAGING,      /* a model that cleans one source */
    CAT_LAYER_INTERMEDIATE, /* a model between staging and marts */
    CAT_LAYER_MART,         /* a model meant to be queried: facts and dimensions */
    CAT_LAYER_OTHER         /* neither name nor lineage says */
};

/* Roles of a column: a set of these bits. */
enum cat_role {
    CAT_ROLE_KEY = 1 << 0,         /* identifies a row: unique, never NULL, and named like an id
                                      or declared (or, in a table without one, the unique
                                      category its rows are about: a summary by tier) */
    CAT_ROLE_GROUP_KEY = 1 << 1,   /* an id repeated over rows that are the parts of one whole:
                                      an order over its lines (it may also be a foreign key) */
    CAT_ROLE_FOREIGN_KEY = 1 << 2, /* values found in another table's key */
    CAT_ROLE_MEASURE = 1 << 3,     /* a number to sum or average */
    CAT_ROLE_DIMENSION = 1 << 4,   /* a category to group or filter by */
    CAT_ROLE_TIME = 1 << 5,        /* a date, timestamp, or a year */
    CAT_ROLE_GEOGRAPHY = 1 << 6,   /* country, state, city, region, postal code, coordinates */
    CAT_ROLE_FLAG = 1 << 7,        /* a yes/no value */
    CAT_ROLE_FREE_TEXT = 1 << 8,   /* long, mostly distinct text */
    CAT_ROLE_PII = 1 << 9          /* personal data: emails, phone numbers, people's names */
};
#define CAT_NROLES 10

/* How a measure adds up by default (the analyst may choose otherwise from the question). */
enum cat_agg { CAT_AGG_NONE, CAT_AGG_SUM, CAT_AGG_AVG };

/* What text values look like, when at least 85% of the profiled values agree. */
enum cat_pattern {
    CAT_PAT_NONE,
    CAT_PAT_EMAIL,
    CAT_PAT_URL,
    CAT_PAT_PHONE,
    CAT_PAT_MONEY_TEXT,   /* "$5,320.00" */
    CAT_PAT_NUMBER_TEXT,  /* "1,234", "12.5" */
    CAT_PAT_PERCENT_TEXT, /* "45%" */
    CAT_PAT_DATE_TEXT,    /* "2024-01-31", "31/01/2024" */
    CAT_PAT_CODE,         /* short upper-case or digit codes: "TX", "SKU-0042" */
    CAT_PAT_PERSON_NAME   /* "Ada Lovelace" */
};

struct cat_value {
    char *text;
    uint64_t count;
    char *key; /* vocab_key(text) */
};

struct cat_column {
    char *name;
    char *type_name; /* DuckDB's spelling */
    enum wh_type type;
    char *description; /* from the yml or a COMMENT, or NULL */
    char **tests; /* declared tests: "unique", "not_null", "accepted_values", "relationships" */
    size_t ntests;

    unsigned roles; /* enum cat_role bits */
    enum cat_agg agg;
    enum cat_pattern pattern;

    /* profile (of the sample when the table's is sampled) */
    double null_fraction;
    uint64_t distinct; /* approximate */
    int unique;        /* exactly: no two rows share a value, and no NULL */
    int has_range;     /* min/max (and mean for numbers) are set */
    double min, max, mean;
    char *min_text, *max_text;
    double negative_fraction;
    double avg_length;        /* text: mean length of non-NULL values */
    struct cat_value *values; /* most frequent first; every value when values_complete */
    size_t nvalues;
    int values_complete;
    char separator; /* text holding lists ("Comedy, Drama"): ',', ';' or '|', and values and
                       distinct are its elements'; 0 for a plain column */

    /* time */
    char *anchor;         /* latest value not after today, as text; NULL if not time */
    uint64_t future_rows; /* values after today */

    /* relations (indexes into the catalog's tables and their columns; -1 for none) */
    int ref_table, ref_column;
    double containment;  /* share of distinct values found in the referenced key */
    int declared_key;    /* a PRIMARY KEY or UNIQUE constraint, or unique + not_null tests */
    int repeated_within; /* the group key column of this table the value is constant within */
    char *derived;       /* the model expression computing it ("price - cost"), or NULL */

    char **words; /* vocabulary keys of its name (vocab.h); the thesaurus adds more at lookup */
    size_t nwords;
};

/* Groups of one kind: which parts are filled and constant in them, which take several values. */
struct cat_group_kind {
    unsigned same;   /* bit k: parts[k] is filled and has one value in each of these groups */
    unsigned varies; /* bit k: parts[k] has several values in each of these groups */
    uint64_t groups; /* how many groups are of this kind */
    uint64_t multi;  /* of which with more than one row */
};

/* At most this many parts are measured: references first, then times. */
#define CAT_GROUP_PARTS 12

/*
 * A column whose values repeat over rows (an id over several rows, like an order id over its
 * lines), and the columns whose value is the same on every row of one value of it (on at
 * least 90% of the values that have several rows): order-level totals, a customer's segment.
 */
struct cat_grouping {
    int column;
    uint64_t groups; /* distinct values */
    uint64_t multi;  /* values found on more than one row */
    int sampled;     /* measured on a sample of whole groups: the counts are estimates */
    int *constant;   /* column indexes */
    size_t nconstant;
    /*
     * For a group key, exactly, over all rows: how its references to other tables and the
     * times constant within it behave inside each group. An id reused for several baskets
     * (an order id given to two customers) shows as a part that varies. kinds_known is 0
     * when it was not measured.
     */
    int parts[CAT_GROUP_PARTS];
    size_t nparts;
    struct cat_group_kind *kinds;
    size_t nkinds;
    int kinds_known;
};

struct cat_table {
    char *schema, *name;
    char *relation; /* schema.name, quoted where SQL needs it */
    int is_view;
    enum cat_layer layer;
    int depth;   /* longest path from a raw table through the lineage: raw 0, staging 1, ... */
    char *model; /* the dbt model that builds it, or NULL */
    char *description;
    char *sql;       /* the model's compiled SQL or the view's definition, or NULL */
    char **upstream; /* relations it reads (schema.name), from lineage */
    size_t nupstream;
    uint64_t rows;
    int sampled;            /* profiled on a sample of the rows */
    uint64_t profiled_rows; /* rows the profile read: all, or the sample's */
    int64_t copies;         /* rows that are exact copies of another row (exact); -1: not
                               measured (views, and tables too wide to hash) */
    int key;                /* index of its key column, or -1 */
    char **grain;           /* column names that identify a row; none when no key was found */
    size_t ngrain;
    struct cat_column *columns;
    size_t ncolumns;
    struct cat_grouping *groupings; /* candidate group keys, profiled */
    size_t ngroupings;
    char **caveats; /* data-quality notes: "3% of event_time values are after today" */
    size_t ncaveats;
    char **words; /* keys of its name, with and without prefixes such as stg_, dim_, fct_ */
    size_t nwords;
    char *fingerprint; /* what its profile was computed from */
};

enum cat_join_source {
    CAT_JOIN_INFERRED, /* name match and value containment */
    CAT_JOIN_DECLARED, /* a FOREIGN KEY constraint */
    CAT_JOIN_TESTED,   /* a dbt relationships test */
    CAT_JOIN_EXAMPLE   /* written in a dashboard or verified query */
};

/* An edge between tables: from.column holds values of to.column (many-to-one). */
struct cat_join {
    int from_table, from_column;
    int to_table, to_column;
    double containment;
    enum cat_join_source source;
};

/* A known-good query from a dashboard page or semantic/verified.yml. */
struct cat_example {
    char *source;   /* "dashboards/sales.md:12" */
    char *name;     /* the query's name, or NULL */
    char *question; /* verified.yml: the question it answers, or NULL */
    char *sql;
};

/* A measure people compute in known-good queries: sum(unit_price * quantity) AS revenue. */
struct cat_measure {
    char *name;       /* the alias it was given, or NULL */
    char *expression; /* "sum(unit_price * quantity)" */
    int table;        /* the table it reads, when the query reads one; else -1 */
    int example;      /* index into examples */
    char **words;
    size_t nwords;
};

struct catalog {
    char *warehouse;
    char *fingerprint;
    char *built_at; /* ISO 8601, UTC */
    double build_ms;
    size_t profiled; /* tables profiled in this load (0: all from the cache) */
    struct cat_table *tables;
    size_t ntables;
    struct cat_join *joins;
    size_t njoins;
    struct cat_example *examples;
    size_t nexamples;
    struct cat_measure *measures;
    size_t nmeasures;
    char **notes; /* problems met while reading the platform's files (skipped, not fatal) */
    size_t nnotes;
    struct vocab *vocab;
    struct cat_index *index; /* word -> hits; built by catalog_load() */
};

struct catalog_options {
    const char *root;     /* the platform folder (semantic/, dashboards/), or NULL */
    int refresh;          /* ignore the cache and profile every table */
    int no_cache;         /* neither read nor write the cache file */
    uint64_t sample_rows; /* profile tables larger than this on a sample; 0: default (1M) */
    void (*progress)(size_t done, size_t total, const char *table, void *ctx);
    void *progress_ctx;
};

/*
 * Builds or loads the catalog of the warehouse at path (opened read-only). Returns 0 and *out;
 * -1 with error() when the warehouse cannot be read; -2 with error() naming file:line:col when
 * a platform file is malformed (semantic/synonyms.yml, semantic/verified.yml).
 */
int catalog_load(const char *warehouse, const struct catalog_options *opts, struct catalog **out);
void catalog_free(struct catalog *c);

/* The table by "schema.name", or by "name" alone when only one schema has it; -1 if none. */
int catalog_find_table(const struct catalog *c, const char *name);
/* The column of table t by name (case-insensitive), or -1. */
int catalog_find_column(const struct catalog *c, int t, const char *name);

enum cat_hit_kind { CAT_HIT_TABLE, CAT_HIT_COLUMN, CAT_HIT_VALUE, CAT_HIT_MEASURE };

struct cat_hit {
    enum cat_hit_kind kind;
    int table;    /* CAT_HIT_TABLE, _COLUMN, _VALUE; for _MEASURE its table or -1 */
    int column;   /* CAT_HIT_COLUMN, _VALUE */
    size_t value; /* CAT_HIT_VALUE: index into the column's values */
    int measure;  /* CAT_HIT_MEASURE: index into measures */
    double score; /* 1: the item's name (or value) is the phrase; 0.5: one word of a longer
                     name; each times 0.8 when reached through the thesaurus */
};

/*
 * What a phrase of one or more words names: tables, columns, values and known measures whose
 * key equals the phrase's key, or one the thesaurus relates to it. Best first: higher score,
 * then more downstream layers. Returns the count and *out (the caller frees the array).
 */
size_t catalog_lookup(const struct catalog *c, const char *phrase, struct cat_hit **out);

/*
 * The joins that connect table from to table to, fewest first (preferring edges within one
 * layer), as indexes into c->joins in order of travel. Returns the number of joins (0 when
 * from == to), or -1 when no path exists. *out is set when the count is positive (the caller
 * frees it).
 */
int catalog_join_path(const struct catalog *c, int from, int to, int **out);

/*
 * The table that has every one of the named columns (by name or vocabulary key), preferring
 * the most downstream layer, then the deepest in the lineage, then the fewest rows. Returns
 * its index or -1.
 */
int catalog_best_table(const struct catalog *c, const char *const *columns, size_t n);

const char *cat_layer_name(enum cat_layer l);
const char *cat_role_name(enum cat_role r);
const char *cat_pattern_name(enum cat_pattern p);
const char *cat_agg_name(enum cat_agg a);

/*
 * The catalog as JSON (the form `mdp catalog --json` prints, the cache stores and the LLM
 * context builder reads):
 *
 * {"version": 2, "warehouse": "...", "fingerprint": "...", "built_at": "...", "build_ms": 12,
 *  "profiled": 3,
 *  "tables": [
 *   {"schema": "marts", "name": "fct_orders", "relation": "marts.fct_orders", "kind": "table",
 *    "layer": "mart", "depth": 3, "model": "fct_orders", "description": "...", "rows": 35737,
 *    "sampled": false, "upstream": ["staging.stg_transactions", ...], "key": "id" | null,
 *    "grain": ["id"], "caveats": ["..."], "words": ["fct order", ...], "fingerprint": "...",
 *    "sql": "...",
 *    "groupings": [{"column": "transaction_id", "groups": 18000, "multi": 9000,
 *                   "sampled": false, "constant": ["total", "status"]}],
 *    "columns": [
 *     {"name": "total", "type": "DECIMAL(18,2)", "description": "...", "tests": ["not_null"],
 *      "roles": ["measure"], "aggregation": "sum" | "avg" | null, "pattern": "email" | null,
 *      "null_fraction": 0.0, "distinct": 9000, "unique": false, "declared_key": false,
 *      "min": 1.5, "max": 2000, "mean": 300.2, "min_text": "1.50", "max_text": "2000.00",
 *      "negative_fraction": 0.0, "avg_length": 5.2 (text columns only),
 *      "values": [{"value": "TX", "count": 120}], "values_complete": true,
 *      "anchor": "2024-12-31" | null, "future_rows": 0,
 *      "references": {"table": "marts.dim_customers", "column": "user_id",
 *                     "containment": 1.0} | null,
 *      "repeated_within": "transaction_id" | null,
 *      "derived": "price - cost" | null,
 *      "words": ["total"]}]}],
 *  "joins": [{"from": "marts.fct_orders", "from_column": "user_id",
 *             "to": "marts.dim_customers", "to_column": "user_id", "containment": 1.0,
 *             "source": "inferred" | "declared" | "tested" | "example"}],
 *  "examples": [{"source": "dashboards/sales.md:12", "name": "...", "question": null,
 *                "sql": "..."}],
 *  "measures": [{"name": "revenue", "expression": "sum(total)", "table": "marts.fct_orders",
 *                "source": "dashboards/sales.md:12", "words": ["revenu"]}],
 *  "notes": ["..."]}
 *
 * Keys whose value is unknown are null or absent; "min"/"max"/"mean" only for numbers. Roles
 * are spelled key, group_key, foreign_key, measure, dimension, time, geography, flag,
 * free_text, pii; patterns email, url, phone, money_text, number_text, percent_text,
 * date_text, code, person_name; layers raw, staging, intermediate, mart, other. An anchor is
 * the value as DuckDB prints it (a date, a timestamp or a year). Schemas that hold mdp's own
 * records (_mdp) or DuckDB's are not part of the catalog.
 * with_values=0 leaves out the values and the SQL (a smaller document for prompts).
 */
void catalog_to_json(const struct catalog *c, struct strbuf *sb, int pretty, int with_values);
/* One table's object of that document. */
void catalog_table_to_json(const struct catalog *c, int table, struct strbuf *sb, int pretty,
                           int with_values);
/*
 * Appends the list of elements of a list column (col->separator set) whose value is the SQL
 * expression expr: regexp_split_to_array(expr, '\s*,\s*').
 */
void catalog_list_sql(const struct cat_column *col, const char *expr, struct strbuf *sb);
/*
 * Appends a query whose one value is the number of t's rows that are exact copies of another
 * row (what t->copies holds), reading `relation` (t's, as SQL).
 */
void catalog_copies_sql(const struct cat_table *t, const char *relation, struct strbuf *sb);

#endif
