/*
 * gzip files: zlib is wrapped here and nowhere else.
 */
#ifndef MDP_GZ_H
#define MDP_GZ_H

#include <stdint.h>

/*
 * Reads the whole gzip file at path and checks that it ends where its last stream says it ends
 * (DuckDB's reader stops quietly at a cut, losing the rest). Sets *bytes to the uncompressed
 * size read. Returns 0, or -1 with error("name: ...; what to do") (name: the path to show).
 */
int gz_check(const char *path, const char *name, uint64_t *bytes)
    __attribute__((warn_unused_result));

#endif
