/*
 * `mdp seed`: loads a dbt project's seeds (the CSV files under its seed-paths, default
 * seeds/) into the warehouse, each into the schema and name its configs give (dbt_project.yml
 * `seeds:` with +schema, +alias, +enabled, +column_types, +delimiter; the project's
 * generate_schema_name macro), so that ref('seed_name') reads it.
 *
 * Each seed loads exactly as ingest loads a source (ingest_load(): DuckDB's CSV reader, smart
 * typing except for the columns +column_types names, swap in one transaction, skipped when the
 * file and its config are unchanged), and its description and column docs from the yml
 * `seeds:` entries are recorded in _mdp.models like a model's.
 */
#ifndef MDP_SEED_H
#define MDP_SEED_H

#include <signal.h>
#include <stddef.h>

struct ingest_report;
struct wh;

struct seed_options {
    const char *const *select; /* seed names (dbt selectors); none: every seed */
    size_t nselect;
    const char *vars;              /* --vars YAML, or NULL */
    int full_refresh;              /* reload unchanged seeds too, and accept a changed column set */
    volatile sig_atomic_t *cancel; /* Ctrl-C: the seed under way rolls back (ingest_options) */
};

/*
 * Loads the seeds of the dbt project under root into wh, open read-write and not locked down
 * (borrowed: left open). The report is an ingest report (one item per seed, its table
 * written schema.name). Returns 0 when every selected seed loaded or was unchanged (also when
 * the project has none), 1 when some failed (the others still loaded), -1 on a fatal error
 * after error() (bad project files set report->bad_input).
 */
int seed_run(const char *root, struct wh *wh, const struct seed_options *opts,
             struct ingest_report *report);

#endif
