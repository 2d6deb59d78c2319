/*
 * Scaffolding a platform folder: the embedded sample platform, or a bare skeleton.
 */
#include <ctype.h>
#include <string.h>

#include "platform/locate.h"
#include "platform/scaffold.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/share.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

#define SAMPLE_PREFIX "sample-platform/"

/* Folders every platform has, even before it has files in them. */
static const char *const skeleton_dirs[] = {"sources", "dbt_project/models", "dashboards", "evals",
                                            "warehouse"};

static const char warehouse_gitignore[] = "# the warehouse is built from sources/ and the dbt "
                                          "project: not worth committing\n*\n!.gitignore\n";

static const char empty_sources[] =
    "# Source manifest: one entry per raw file under sources/<system>/, e.g.\n"
    "#   - table: orders\n"
    "#     path: sources/shop/orders.csv\n"
    "#     system: shop\n"
    "# `mdp sync` adds new files and drops entries whose file is gone.\n"
    "sources: []\n";

const char *scaffold_platform_marker(const char *dir)
{
    return platform_root_marker(dir);
}

/* A dbt project name from the folder's name: lowercase letters, digits and underscores. */
static char *project_name(const char *dir)
{
    char *abs = fs_absolute(dir);
    const char *base = fs_basename(abs);
    struct strbuf sb = STRBUF_INIT;

    if (isdigit((unsigned char)*base))
        strbuf_addstr(&sb, "p_");
    for (; *base; base++) {
        unsigned char c = (unsigned char)*base;
        strbuf_addch(&sb, isalnum(c) ? (char)tolower(c) : '_');
    }
    if (!sb.len)
        strbuf_addstr(&sb, "platform");
    free(abs);
    return strbuf_detach(&sb, NULL);
}

static void note(char ***list, size_t *nr, size_t *alloc, const char *rel)
{
    ALLOC_GROW(*list, *nr + 1, *alloc);
    (*list)[(*nr)++] = xstrdup(rel);
}

/* Writes one file unless it exists and force is off. Returns 0 or -1 with error(). */
static int put_file(const char *dir, const char *rel, const char *data, size_t len,
                    const struct scaffold_options *opts, struct scaffold_report *r)
{
    char *path = fs_join(dir, rel);
    char *parent = fs_dirname(path);
    int ret = -1;

    if (!opts->force && fs_is_file(path)) {
        note(&r->kept, &r->nr_kept, &r->alloc_kept, rel);
        ret = 0;
        goto out;
    }
    if (fs_mkdirs(parent, 0777) < 0 || fs_write_atomic(path, data, len) < 0)
        goto out;
    note(&r->written, &r->nr_written, &r->alloc_written, rel);
    ret = 0;
out:
    free(parent);
    free(path);
    return ret;
}

int scaffold_run(const char *dir, const struct scaffold_options *opts,
                 struct scaffold_report *report)
{
    const char *marker = scaffold_platform_marker(dir);
    char *name = NULL, *project = NULL;
    size_t i;
    int ret = -1;

    memset(report, 0, sizeof(*report));
    if (marker && !opts->force)
        return error("'%s' is already a platform folder (it has %s); nothing written: pick "
                     "another directory, or use --force to overwrite its files",
                     dir, marker);
    if (fs_mkdirs(dir, 0777) < 0)
        goto out;
    for (i = 0; i < ARRAY_SIZE(skeleton_dirs); i++) {
        char *p = fs_join(dir, skeleton_dirs[i]);
        int r = fs_mkdirs(p, 0777);

        free(p);
        if (r < 0)
            goto out;
    }
    if (opts->empty) {
        name = project_name(dir);
        project = xstrfmt("# dbt-style project: models under models/, built by `mdp transform`.\n"
                          "name: %s\n"
                          "version: \"1.0.0\"\n"
                          "model-paths: [\"models\"]\n",
                          name);
        if (put_file(dir, "sources/sources.yml", empty_sources, strlen(empty_sources), opts,
                     report) < 0 ||
            put_file(dir, "dbt_project/dbt_project.yml", project, strlen(project), opts, report) <
                0)
            goto out;
    } else {
        const struct share_file *f;
        size_t plen = strlen(SAMPLE_PREFIX);

        for (f = share_files; f->path; f++) {
            if (strncmp(f->path, SAMPLE_PREFIX, plen) || !f->path[plen])
                continue;
            if (put_file(dir, f->path + plen, f->data, f->len, opts, report) < 0)
                goto out;
        }
    }
    if (put_file(dir, "warehouse/.gitignore", warehouse_gitignore, strlen(warehouse_gitignore),
                 opts, report) < 0)
        goto out;
    ret = 0;
out:
    free(project);
    free(name);
    return ret;
}

void scaffold_report_release(struct scaffold_report *report)
{
    size_t i;

    for (i = 0; i < report->nr_written; i++)
        free(report->written[i]);
    for (i = 0; i < report->nr_kept; i++)
        free(report->kept[i]);
    free(report->written);
    free(report->kept);
    memset(report, 0, sizeof(*report));
}
