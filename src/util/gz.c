/*
 * gzip integrity check through zlib (see gz.h).
 */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "util/error.h"
#include "util/gz.h"
#include "util/xmalloc.h"

int gz_check(const char *path, const char *name, uint64_t *bytes)
{
    enum { CHUNK = 1 << 18 };
    gzFile f = gzopen(path, "rb");
    char *buf;
    int n, err = Z_OK, ret = -1;
    const char *msg;

    *bytes = 0;
    if (!f)
        return error("cannot read '%s': %s", path, errno ? strerror(errno) : "out of memory");
    buf = xmalloc(CHUNK);
    while ((n = gzread(f, buf, CHUNK)) > 0)
        *bytes += (uint64_t)n;
    msg = gzerror(f, &err);
    if (n < 0 || err != Z_OK)
        error("%s: the gzip data is damaged or cut short after %llu bytes (%s); copy the file "
              "again, or check it with `gzip -t`",
              name, (unsigned long long)*bytes,
              err == Z_BUF_ERROR ? "unexpected end of file"
              : msg && *msg      ? msg
                                 : "read error");
    else
        ret = 0;
    free(buf);
    gzclose(f);
    return ret;
}
