/*
 * Files and paths.
 */
#ifndef MDP_FS_H
#define MDP_FS_H

#include <stddef.h>
#include <sys/types.h>

struct strbuf;

/* Appends the whole file to sb. Returns 0, or -1 with error() naming the path. */
int fs_read_file(struct strbuf *sb, const char *path);
/*
 * Writes data to path atomically: a temporary file beside it, fsync, rename. A crash leaves
 * either the old or the new file. Returns 0 or -1 with error().
 */
int fs_write_atomic(const char *path, const void *data, size_t len);
/* mkdir -p. Returns 0 or -1 with error(). */
int fs_mkdirs(const char *path, mode_t mode);
int fs_is_dir(const char *path);
int fs_is_file(const char *path);
/* "a" + "/" + "b", normalising a doubled slash; the caller frees. */
char *fs_join(const char *a, const char *b);
/* The directory part of path ("." if none); the caller frees. */
char *fs_dirname(const char *path);
/* The final component of path; points into path. */
const char *fs_basename(const char *path);
/* Absolute, normalised path (the file need not exist); the caller frees. */
char *fs_absolute(const char *path);

#endif
