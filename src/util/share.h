/*
 * Files compiled into the binary from the repository's share/ folder (scripts/embed): the
 * sample platform `mdp init` writes and data files such as the business thesaurus.
 */
#ifndef MDP_SHARE_H
#define MDP_SHARE_H

#include <stddef.h>

struct share_file {
    const char *path; /* relative to share/, e.g. "sample-platform/sources/sources.yml" */
    const char *data; /* NUL-terminated; static */
    size_t len;
};

/* Terminated by an entry with path == NULL. */
extern const struct share_file share_files[];

/* The embedded file at path, or NULL. */
const struct share_file *share_find(const char *path);

#endif
