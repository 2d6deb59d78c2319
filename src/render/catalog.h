/*
 * The catalog drawn for people (`mdp catalog` without --json): what mdp inferred about the
 * warehouse, per table, from the catalog's public data (catalog.h).
 */
#ifndef MDP_RENDER_CATALOG_H
#define MDP_RENDER_CATALOG_H

#include "catalog/catalog.h"

struct strbuf;

/*
 * The readable report `mdp catalog` prints: every table (or only `table` when not NULL) with
 * its layer, rows, grain, keys, joins, measures, dimensions, time ranges, caveats and
 * description. Returns 0, or -1 with error() when `table` names no table.
 */
int catalog_report(const struct catalog *c, const char *table, struct strbuf *sb);

#endif
