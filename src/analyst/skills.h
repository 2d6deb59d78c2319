/*
 * Analysis skills: the questions that are not one aggregate ("which products are bought
 * together?", "are there anomalies?", "what is our customer lifetime value?"). Each skill
 * finds its inputs from the catalog's roles (a group key over line rows, a foreign key to a
 * table that names the item, a money measure, a time column with its anchor, a customer key),
 * never from table or column names it knows in advance; runs set-based SQL in the sandbox;
 * and answers like analyst_ask() does: the finding in words with formatted numbers, the
 * evidence table, a chart where one helps, which columns were chosen and why, the assumptions
 * and traps, and every statement it ran.
 *
 * Skills:
 *   basket        items bought together: pairs counted once per basket, support, confidence
 *                 both ways, lift (ranked by count, or by lift with by_lift); items from a
 *                 table the line refers to, else a text category of the line
 *   clv           average historical customer lifetime value = revenue per customer (over
 *                 buyers, and over all customers), as average order value x purchase frequency
 *   anomalies     unusual days of the main measure (robust z over median/MAD, weekly
 *                 seasonality when the history allows) and the data-quality findings
 *   quality       the data-quality findings alone: negative values, duplicate keys, exact
 *                 duplicate rows, future dates, NULL spikes, ranked, each with the SQL to see it
 *   distribution  percentiles and a histogram of a measure, outliers named
 *   growth        the latest complete month against the month before and a year earlier,
 *                 and which values of the main dimensions drove the change
 *   cohorts       customers by the month of their first order, and the share of each cohort
 *                 ordering again 1..12 months later (a named cohort stated in words)
 *   funnel        journeys (sessions, else customers) through the steps of a purchase named
 *                 in event rows, in time order, and where they drop off
 *   roas          campaign return on ad spend: attributed revenue over spend, the spend
 *                 counted once per campaign
 *
 * Deterministic: the same catalog and data give the same SQL and wording.
 * Ownership: *out owns everything (analyst_answer_release()); catalog and sandbox are borrowed.
 */
#ifndef MDP_ANALYST_SKILLS_H
#define MDP_ANALYST_SKILLS_H

#include <stddef.h>

#include "analyst/analyst.h"

struct catalog;
struct wh;

/* Rows to keep: a column's values named in the question ("completed orders"). */
struct skill_filter {
    int table, column;         /* in the catalog the skill runs on */
    int negate;                /* keep the rows with none of the values (NULL rows kept) */
    const char *const *values; /* as found in the data; borrowed */
    size_t nvalues;
};

#define SKILL_MAX_PERCENTILES 4
/* basket --lift: pairs seen in fewer baskets than this are not ranked (a lift from two
   baskets means nothing) */
#define SKILL_LIFT_MIN_BASKETS 5

struct skill_options {
    const char *table; /* the table to analyse ("schema.name" or "name"); NULL: chosen */
    const char *by;    /* basket: the item level (a column of the line table or of the item's
                          table: "category"); clv, distribution: a segment column; anomalies:
                          the measure; NULL: chosen */
    int top;           /* rows in the evidence; 0: 10 */
    int by_lift;       /* basket: rank the pairs by lift (pairs in at least SKILL_LIFT_MIN_BASKETS
                          baskets), not by how often they are bought together */
    int today;         /* days since 1970-01-01; 0: the clock's date */
    /*
     * From the question, when `mdp ask` routes it here (all borrowed, all optional):
     * filters: applied to the table analysed where it has the filter's column (or a column
     * of the same name with the same values), and disclosed; percentiles: fractions 0..1 the
     * distribution reports besides its own ("p90", "the 90th percentile"); months: the first
     * days (days since 1970-01-01) of the calendar months named, in the question's order
     * (cohorts: the cohort, then the month it is followed to).
     */
    const struct skill_filter *filters;
    size_t nfilters;
    int by_guessed;    /* `by` was read from the question: when the skill cannot use it, it
                          answers without it instead of refusing */
    const int *prefer; /* tables the question names: chosen first among the tables that
                          have the skill's inputs (after those its filters apply to) */
    size_t nprefer;
    double percentiles[SKILL_MAX_PERCENTILES];
    size_t npercentiles;
    int months[2];
    size_t nmonths;
};

/*
 * Runs skill `name` over catalog c on sandbox, filling *out (always initialised; release it).
 * Returns 0 with the answer, or with out->base.unanswerable set and the text saying what the
 * warehouse lacks ("no repeating basket key next to a product key"); -1 with error() when a
 * query failed or `name` is no skill (the message lists them).
 */
int skill_run(const char *name, const struct catalog *c, struct wh *sandbox,
              const struct skill_options *opts, struct analyst_answer *out);

/* The skills' names, NULL-terminated, and a line about each (for usage and routing). */
extern const char *const skill_names[];
const char *skill_summary(const char *name);

#endif
