/*
 * Smart typing: after DuckDB's reader has loaded a table, look at the columns it left as
 * VARCHAR and turn them into the type their text spells, when every non-empty value agrees:
 *
 *   "$5,320.00", "1,234", "-€12.50", "7.5 £"  currency, thousands    -> DECIMAL(p,s) or BIGINT
 *   "45%", "12.5 %"                                               -> DOUBLE (0.45, 0.125)
 *   "04/01/2022", "4-1-2022", "04.01.2022"                        -> DATE, day-first or
 *        month-first as the values decide (a part > 12); when no value decides, the date order
 *        the reader found in the file (or another column of the table) decides, and the note
 *        says so; when nothing decides, the column stays text.
 *
 * Nothing is lost silently: a column where some value does not parse stays VARCHAR and the
 * notes say why, with an example; values starting with a 0 ("00123") look like codes and stay
 * text. Empty strings become NULL in a converted column (counted in the note after a full
 * profile). All the work is SQL in DuckDB over the loaded table (a 2,000-row sample first, so
 * plain text columns cost almost nothing); the file is not read again unless a sample misled
 * (see typing_apply).
 *
 * Ownership: a struct typing_result owns its notes; release it with typing_result_release().
 */
#ifndef MDP_TYPING_H
#define MDP_TYPING_H

#include <stddef.h>

struct wh;

struct typing_result {
    char **notes; /* one line per column that changed or was kept for a reason */
    size_t n, alloc;
    int changed; /* number of columns whose type changed */
};

/*
 * What typing may ask the caller, only when a column needs it (asking can cost a re-sniff).
 * date_format returns the date format the reader used for the file ("%d/%m/%Y"), or NULL; the
 * string is the callee's to free.
 */
struct typing_hints {
    char *(*date_format)(void *ctx);
    void *ctx;
    int careful;             /* profile every candidate column in full before converting it */
    const char *const *keep; /* columns left as they are (e.g. dbt seeds' column_types) */
    size_t nkeep;
};

/*
 * Rewrites schema.table with the detected types (same column order and names); hints may be
 * NULL. Meant to run inside the caller's transaction. A column whose whole sample reads as one
 * kind is converted without a profiling pass, the conversion checking every value; when a
 * later value does not fit, the statement fails, the transaction is aborted and typing_apply
 * returns 1: reload the table and call again with hints->careful set. Returns 0 on success,
 * 1 as said, or -1 with error().
 */
int typing_apply(struct wh *wh, const char *schema, const char *table,
                 const struct typing_hints *hints, struct typing_result *out);
void typing_result_release(struct typing_result *r);

#endif
