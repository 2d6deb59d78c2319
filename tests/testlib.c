/*
 * Test helpers (see testlib.h).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testlib.h"
#include "util/fs.h"
#include "util/xmalloc.h"

char *tl_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = xstrfmt("%s/mdp-test-XXXXXX", base && *base ? base : "/tmp");

    if (!mkdtemp(tmpl)) {
        perror("mkdtemp");
        abort();
    }
    return tmpl;
}

void tl_rmdir(const char *dir)
{
    struct tl_run r;
    tl_sh(&r, "rm -rf '%s'", dir);
    tl_run_release(&r);
}

const char *tl_src(void)
{
    const char *s = getenv("MDP_SRC");
    return s && *s ? s : ".";
}

int tl_sh(struct tl_run *r, const char *fmt, ...)
{
    char *dir = tl_tmpdir(), *out = fs_join(dir, "out"), *err = fs_join(dir, "err");
    struct strbuf cmd = STRBUF_INIT;
    va_list ap;
    int st;

    strbuf_init(&r->out, 0);
    strbuf_init(&r->err, 0);
    strbuf_addstr(&cmd, "( ");
    va_start(ap, fmt);
    strbuf_vaddf(&cmd, fmt, ap);
    va_end(ap);
    strbuf_addf(&cmd, " ) </dev/null >'%s' 2>'%s'", out, err);
    st = system(cmd.buf);
    if (WIFEXITED(st))
        r->code = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
        r->code = 128 + WTERMSIG(st);
    else
        r->code = -1;
    fs_read_file(&r->out, out);
    fs_read_file(&r->err, err);
    unlink(out);
    unlink(err);
    rmdir(dir);
    free(out);
    free(err);
    free(dir);
    strbuf_release(&cmd);
    return r->code;
}

int tl_mdp(struct tl_run *r, const char *dir, const char *fmt, ...)
{
    struct strbuf args = STRBUF_INIT;
    va_list ap;
    int code;

    va_start(ap, fmt);
    strbuf_vaddf(&args, fmt, ap);
    va_end(ap);
    code = tl_sh(r, "cd '%s' && \"$MDP_BIN\" --no-color %s", dir, args.buf);
    strbuf_release(&args);
    return code;
}

void tl_run_release(struct tl_run *r)
{
    strbuf_release(&r->out);
    strbuf_release(&r->err);
}

void tl_write(const char *dir, const char *name, const char *text)
{
    char *path = fs_join(dir, name), *parent = fs_dirname(path);

    fs_mkdirs(parent, 0755);
    if (fs_write_atomic(path, text, strlen(text)) < 0)
        abort();
    free(parent);
    free(path);
}

char *tl_seed_platform(void)
{
    const char *env = getenv("MDP_SEED_PLATFORM");
    char *src = fs_absolute(tl_src());
    char *tries[3];
    char *found = NULL;
    size_t i;

    tries[0] = env && *env ? xstrdup(env) : NULL;
    tries[1] = xstrfmt("%s/../shared/seed-platform", src);
    tries[2] = xstrdup("/work/shared/seed-platform");
    for (i = 0; i < 3; i++) {
        if (!found && tries[i] && fs_is_dir(tries[i]))
            found = tries[i];
        else
            free(tries[i]);
    }
    free(src);
    return found;
}

char *tl_table_digest(const char *dir, const char *table)
{
    struct tl_run r;
    char *out;

    tl_sh(&r,
          "cd '%s' && { \"$MDP_BIN\" query --format csv -c 'DESCRIBE %s' && "
          "\"$MDP_BIN\" query --format csv -c 'SELECT * FROM %s ORDER BY ALL'; } >.digest && "
          "md5sum <.digest && rm .digest",
          dir, table, table);
    if (r.code != 0 || r.out.len < 32) {
        fprintf(stderr, "tl_table_digest %s: %s\n", table, r.err.buf);
        abort();
    }
    out = xstrfmt("%.32s", r.out.buf);
    tl_run_release(&r);
    return out;
}

char *tl_value(const char *dir, const char *sql)
{
    struct tl_run r;
    char *nl, *v;
    size_t n;

    tl_write(dir, ".tl_value.sql", sql);
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --project . query --format csv -f .tl_value.sql", dir);
    cr_assert_eq(r.code, 0, "%s: %s", sql, r.err.buf);
    nl = strchr(r.out.buf, '\n');
    cr_assert_not_null(nl, "%s: %s", sql, r.out.buf);
    v = xstrdup(nl + 1);
    tl_run_release(&r);
    if (strchr(v, '\n'))
        *strchr(v, '\n') = '\0';
    n = strlen(v);
    if (n >= 2 && v[0] == '"' && v[n - 1] == '"') { /* a CSV-quoted cell: "a ""b""" */
        size_t i, k = 0;
        for (i = 1; i < n - 1; i++) {
            v[k++] = v[i];
            if (v[i] == '"' && v[i + 1] == '"')
                i++;
        }
        v[k] = '\0';
    }
    return v;
}

void tl_expect_value(const char *dir, const char *sql, const char *want)
{
    char *v = tl_value(dir, sql);

    cr_assert_str_eq(v, want, "%s: got [%s]", sql, v);
    free(v);
}
