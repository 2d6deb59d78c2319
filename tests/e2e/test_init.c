/*
 * End to end: `mdp init` through the built binary: the sample platform, refusing to scaffold
 * over a platform, --force, --empty.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

Test(init_cmd, writes_the_sample_platform_then_refuses)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" init shop", dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "wrote sources/sources.yml"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "wrote dbt_project/models/marts/fct_orders.sql"));
    tl_run_release(&r);
    tl_sh(&r,
          "cd '%s/shop' && test -d dashboards && test -d evals && "
          "grep -q 'path: sources/postgres/products.csv' sources/sources.yml && "
          "ls dbt_project/models/staging/stg_*.sql | wc -l && "
          "grep -l \"ref('stg_transactions')\" dbt_project/models/marts/*.sql",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert_str_eq(r.out.buf, "5\ndbt_project/models/marts/fct_orders.sql\n");
    tl_run_release(&r);

    /* a platform already: refused, nothing touched */
    tl_sh(&r,
          "cd '%s' && echo mine > shop/dbt_project/models/marts/dim_products.sql && "
          "\"$MDP_BIN\" init shop; echo \"exit $?\"; cat shop/dbt_project/models/marts/"
          "dim_products.sql",
          dir);
    cr_assert(strstr(r.err.buf, "already a platform folder") && strstr(r.err.buf, "--force"), "%s",
              r.err.buf);
    cr_assert_str_eq(r.out.buf, "exit 1\nmine\n");
    tl_run_release(&r);

    /* --force restores the sample's file */
    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" init --force shop >/dev/null && grep -c margin "
          "shop/dbt_project/models/marts/dim_products.sql",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(init_cmd, keeps_existing_files_and_uses_project)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_write(dir, "p/dashboards/sales.md", "# my page\n");
    tl_write(dir, "p/sources/postgres/products.csv", "x\n1\n");
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --project p init && cat p/sources/postgres/products.csv",
          dir);
    cr_assert_eq(r.code, 0, "%s", r.err.buf);
    cr_assert(strstr(r.out.buf, "wrote sources/sources.yml"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "x\n1\n"));
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(init_cmd, empty_skeleton)
{
    char *dir = tl_tmpdir();
    struct tl_run r;

    tl_sh(&r,
          "cd '%s' && \"$MDP_BIN\" init --empty 9lives && cd 9lives && cat sources/sources.yml "
          "dbt_project/dbt_project.yml && test -d dbt_project/models && test -d dashboards && "
          "test -d evals && test -z \"$(ls -A dbt_project/models)\"",
          dir);
    cr_assert_eq(r.code, 0, "%s%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "\nsources: []\n"), "%s", r.out.buf);
    cr_assert(strstr(r.out.buf, "name: p_9lives\n") &&
                  strstr(r.out.buf, "model-paths: [\"models\"]\n"),
              "%s", r.out.buf);
    tl_run_release(&r);
    tl_rmdir(dir);
    free(dir);
}

Test(init_cmd, help_and_bad_usage)
{
    struct tl_run r;

    tl_sh(&r, "\"$MDP_BIN\" init --help");
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out.buf, "--empty") && strstr(r.out.buf, "--force"));
    tl_run_release(&r);
    tl_sh(&r, "\"$MDP_BIN\" init --nope");
    cr_assert_eq(r.code, 2);
    tl_run_release(&r);
    tl_sh(&r, "\"$MDP_BIN\" init a b");
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err.buf, "unexpected argument 'b'"), "%s", r.err.buf);
    tl_run_release(&r);
}
