/*
 * Unit tests for platform/scaffold.h: every embedded sample-platform file is written as is,
 * existing files are kept unless forced, and a platform folder is refused.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "platform/scaffold.h"
#include "testlib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/share.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

#define PREFIX "sample-platform/"

static int file_is(const char *dir, const char *rel, const char *data, size_t len)
{
    struct strbuf sb = STRBUF_INIT;
    char *path = fs_join(dir, rel);
    int same = fs_read_file(&sb, path) == 0 && sb.len == len && !memcmp(sb.buf, data, len);

    strbuf_release(&sb);
    free(path);
    return same;
}

Test(scaffold, writes_every_embedded_file)
{
    char *dir = tl_tmpdir();
    struct scaffold_options o = {0};
    struct scaffold_report r;
    const struct share_file *f;
    size_t n = 0;

    cr_assert_null(scaffold_platform_marker(dir));
    cr_assert_eq(scaffold_run(dir, &o, &r), 0, "%s", error_last());
    for (f = share_files; f->path; f++) {
        if (strncmp(f->path, PREFIX, strlen(PREFIX)))
            continue;
        cr_assert(file_is(dir, f->path + strlen(PREFIX), f->data, f->len), "%s", f->path);
        n++;
    }
    cr_assert_geq(n, 12, "the sample platform has sources.yml and the dbt project");
    cr_assert_eq(r.nr_written, n + 1, "plus warehouse/.gitignore");
    cr_assert_eq(r.nr_kept, 0);
    scaffold_report_release(&r);
    cr_assert_str_eq(scaffold_platform_marker(dir), "sources/sources.yml");

    error_quiet(1);
    cr_assert_eq(scaffold_run(dir, &o, &r), -1);
    error_quiet(0);
    cr_assert(strstr(error_last(), "already a platform folder"), "%s", error_last());
    cr_assert_eq(r.nr_written, 0);
    scaffold_report_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(scaffold, keeps_existing_unless_forced)
{
    char *dir = tl_tmpdir();
    struct scaffold_options o = {0};
    struct scaffold_report r;
    const struct share_file *yml = share_find(PREFIX "dbt_project/dbt_project.yml");

    cr_assert_not_null(yml);
    tl_write(dir, "dbt_project/models/x.sql", "select 1\n");
    tl_write(dir, "dbt_project/dbt_project.txt", "");
    tl_write(dir, "sources/sources.yml.bak", "");
    tl_write(dir, "dbt_project/models/staging/stg_users.sql", "select 2\n");
    cr_assert_eq(scaffold_run(dir, &o, &r), 0, "%s", error_last());
    cr_assert_eq(r.nr_kept, 1);
    cr_assert_str_eq(r.kept[0], "dbt_project/models/staging/stg_users.sql");
    cr_assert(file_is(dir, "dbt_project/models/staging/stg_users.sql", "select 2\n", 9));
    cr_assert(file_is(dir, "dbt_project/dbt_project.yml", yml->data, yml->len));
    scaffold_report_release(&r);

    o.force = 1;
    cr_assert_eq(scaffold_run(dir, &o, &r), 0, "%s", error_last());
    cr_assert_eq(r.nr_kept, 0);
    cr_assert(!file_is(dir, "dbt_project/models/staging/stg_users.sql", "select 2\n", 9));
    scaffold_report_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(scaffold, empty_skeleton)
{
    char *dir = tl_tmpdir();
    char *sub = fs_join(dir, "My Shop");
    struct scaffold_options o = {.empty = 1};
    struct scaffold_report r;
    struct strbuf sb = STRBUF_INIT;
    char *p;

    cr_assert_eq(scaffold_run(sub, &o, &r), 0, "%s", error_last());
    cr_assert_eq(r.nr_written, 3);
    scaffold_report_release(&r);
    p = fs_join(sub, "dbt_project/dbt_project.yml");
    cr_assert_eq(fs_read_file(&sb, p), 0);
    cr_assert(strstr(sb.buf, "name: my_shop\n"), "%s", sb.buf);
    free(p);
    p = fs_join(sub, "evals");
    cr_assert(fs_is_dir(p));
    free(p);
    p = fs_join(sub, "dbt_project/models/staging");
    cr_assert(!fs_is_dir(p), "no models in the skeleton");
    free(p);
    strbuf_release(&sb);
    free(sub);
    tl_rmdir(dir);
    free(dir);
}

/*
 * The sample platform's yml files parse, and each model .sql under models/ is documented in a
 * yml file of its folder (the names listed under `models:`).
 */
Test(scaffold, sample_yml_parses_and_documents_every_model)
{
    const struct share_file *f, *g;
    size_t models = 0;

    for (f = share_files; f->path; f++) {
        struct yaml_node *doc = NULL;
        size_t n = strlen(f->path);

        if (strncmp(f->path, PREFIX, strlen(PREFIX)))
            continue;
        if (n > 4 && !strcmp(f->path + n - 4, ".yml")) {
            cr_assert_eq(yaml_parse_string(f->path, f->data, f->len, &doc), 0, "%s: %s", f->path,
                         error_last());
            yaml_node_free(doc);
        }
        if (n > 4 && !strcmp(f->path + n - 4, ".sql") && strstr(f->path, "/models/")) {
            const char *base = strrchr(f->path, '/') + 1;
            char *needle = xstrfmt("- name: %.*s\n", (int)(strlen(base) - 4), base);
            int documented = 0;

            for (g = share_files; g->path; g++)
                if (!strncmp(g->path, f->path, (size_t)(base - f->path)) &&
                    strstr(g->path, ".yml") && strstr(g->data, needle))
                    documented = 1;
            cr_assert(documented, "%s has no yml entry", f->path);
            free(needle);
            models++;
        }
    }
    cr_assert_eq(models, 8, "5 staging views and 3 marts");
}
