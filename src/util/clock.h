/*
 * Elapsed time for reports and timeouts: a monotonic clock, unaffected by changes to the
 * wall-clock time.
 */
#ifndef MDP_CLOCK_H
#define MDP_CLOCK_H

/* Seconds on the monotonic clock since an arbitrary start; subtract two readings. */
double clock_seconds(void);

#endif
