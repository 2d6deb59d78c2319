/*
 * Lookup of files embedded from share/.
 */
#include <string.h>

#include "util/share.h"

const struct share_file *share_find(const char *path)
{
    const struct share_file *f;

    for (f = share_files; f->path; f++)
        if (!strcmp(f->path, path))
            return f;
    return NULL;
}
