/*
 * Reading, atomically writing and locating files.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

int fs_read_file(struct strbuf *sb, const char *path)
{
    char tmp[65536];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return error("cannot open '%s': %s", path, strerror(errno));
    while ((n = read(fd, tmp, sizeof(tmp))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return error("cannot read '%s': %s", path, strerror(errno));
        }
        strbuf_add(sb, tmp, (size_t)n);
    }
    close(fd);
    return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
    const char *p = data;
    int ret = -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (fd < 0) {
        error("cannot create '%s': %s", tmp, strerror(errno));
        goto out;
    }
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error("cannot write '%s': %s", tmp, strerror(errno));
            close(fd);
            unlink(tmp);
            goto out;
        }
        p += n;
        len -= (size_t)n;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        error("cannot write '%s': %s", tmp, strerror(errno));
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, path) < 0) {
        error("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    ret = 0;
out:
    free(tmp);
    return ret;
}

int fs_mkdirs(const char *path, mode_t mode)
{
    char *p = xstrdup(path);
    char *s = p;
    int ret = 0;

    if (*s == '/')
        s++;
    for (;; s++) {
        if (*s == '/' || !*s) {
            char c = *s;
            *s = '\0';
            if (mkdir(p, mode) < 0 && errno != EEXIST) {
                ret = error("cannot create directory '%s': %s", p, strerror(errno));
                break;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    return ret;
}

int fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *fs_join(const char *a, const char *b)
{
    size_t n = strlen(a);

    if (!n || b[0] == '/')
        return xstrdup(b);
    if (a[n - 1] == '/')
        return xstrfmt("%s%s", a, b);
    return xstrfmt("%s/%s", a, b);
}

char *fs_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

const char *fs_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *fs_absolute(const char *path)
{
    struct strbuf out = STRBUF_INIT;
    char cwd[PATH_MAX];
    const char *p;

    if (path[0] != '/') {
        if (!getcwd(cwd, sizeof(cwd)))
            return xstrdup(path);
        strbuf_addstr(&out, cwd);
    }
    /* Walk the components, resolving "." and ".." lexically. */
    p = path;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = strrchr(out.buf, '/');
            strbuf_setlen(&out, slash ? (size_t)(slash - out.buf) : 0);
        } else {
            strbuf_addch(&out, '/');
            strbuf_add(&out, p, n);
        }
        p += n;
        if (*p == '/')
            p++;
    }
    if (!out.len)
        strbuf_addch(&out, '/');
    return strbuf_detach(&out, NULL);
}
