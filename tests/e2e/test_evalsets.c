/*
 * The eval sets under tests/evals/ (questions on warehouses of other domains, written before
 * the analyst that answers them): each folder is copied to a temporary directory and built
 * with `mdp pipeline`, and `mdp eval --sql-only` must run every case's verification SQL,
 * including the unanswerable ones (whose SQL fails if the data ever gains the concept).
 *
 *   vetclinic  raw tables only, camelCase names (tests/evals/vetclinic)
 *   saas       a dbt project with staging views and marts (tests/evals/saas)
 *   seed       the seed platform's raw tables (../shared/seed-platform), cases in
 *              tests/evals/seed/cases.yml
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/cases.h"
#include "testlib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xmalloc.h"

/* The last line of s (without its newline). */
static const char *last_line(struct strbuf *s)
{
    char *p;

    strbuf_rtrim(s);
    p = strrchr(s->buf, '\n');
    return p ? p + 1 : s->buf;
}

/*
 * The case file's shape: at least min_cases cases, at least 5 tagged unanswerable, each of
 * those with a refuses assertion and no other case with one, every other expectation from
 * SQL.
 */
static void check_cases(const char *path, size_t min_cases)
{
    struct case_set set;
    size_t i, j, unanswerable = 0;

    cr_assert_eq(cases_load(path, &set), 0, "%s", error_last());
    cr_assert(set.n >= min_cases, "%s: %zu cases, want >= %zu", path, set.n, min_cases);
    for (i = 0; i < set.n; i++) {
        const struct eval_case *c = &set.cases[i];
        int tagged = eval_case_has_tag(c, "unanswerable"), refuses = 0;

        for (j = 0; j < c->nassertions; j++) {
            const struct assertion *a = &c->assertions[j];
            if (a->type == ASSERT_REFUSES)
                refuses = 1;
            else
                cr_assert(a->value_from_sql || a->values_from_sql,
                          "%s: %s takes its truth from SQL", path, c->id);
        }
        cr_assert_eq(tagged, refuses, "%s: %s: the unanswerable tag goes with a refuses assertion",
                     path, c->id);
        unanswerable += tagged;
    }
    cr_assert(unanswerable >= 5, "%s: %zu unanswerable cases, want >= 5", path, unanswerable);
    case_set_release(&set);
}

/* Builds a copy of `from` (its sources/ and dbt_project/ when present) and runs eval --sql-only. */
static void build_and_check(const char *from, const char *cases, size_t min_cases, int min_pass_pct)
{
    struct tl_run r;
    char *dir = tl_tmpdir();

    check_cases(cases, min_cases);
    tl_sh(&r,
          "cp -R '%s/sources' '%s/' && { [ ! -d '%s/dbt_project' ] || cp -R '%s/dbt_project' "
          "'%s/'; } && chmod -R u+w '%s' && cd '%s' && \"$MDP_BIN\" -q pipeline",
          from, dir, from, from, dir, dir, dir);
    cr_assert_eq(r.code, 0, "pipeline of %s failed:\n%s\n%s", from, r.out.buf, r.err.buf);
    tl_run_release(&r);

    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --no-color eval --sql-only -j 2 '%s'", dir, cases);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(!strstr(r.out.buf, "FAIL"), "%s", r.out.buf);
    cr_assert(strstr(last_line(&r.out), " passed, 0 failed") != NULL, "%s", r.out.buf);
    cr_assert((size_t)atoi(last_line(&r.out)) >= min_cases, "%s", last_line(&r.out));
    tl_run_release(&r);

    /* the unanswerable ones alone: their SQL proves the concept is absent */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" eval --sql-only --tag unanswerable '%s'", dir, cases);
    cr_assert_eq(r.code, 0, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(atoi(last_line(&r.out)) >= 5, "%s", r.out.buf);
    tl_run_release(&r);

    /*
     * The offline analyst answers them: no confident answer to an unanswerable question, and
     * a pass rate that must not fall below a floor a little under what was last measured
     * (README: Answer quality). The floor catches regressions; the rate itself is reported.
     */
    tl_sh(&r, "cd '%s' && \"$MDP_BIN\" --no-color eval -q '%s'", dir, cases);
    cr_assert(r.code == 0 || r.code == 1, "%s\n%s", r.out.buf, r.err.buf);
    cr_assert(strstr(r.out.buf, "confident answers to unanswerable questions: 0 of"), "%s",
              r.out.buf);
    {
        int passed = 0, failed = 0;
        cr_assert_eq(sscanf(last_line(&r.out), "%d passed, %d failed", &passed, &failed), 2);
        cr_assert_geq(passed * 100, min_pass_pct * (passed + failed), "%s: %d of %d\n%s", cases,
                      passed, passed + failed, r.out.buf);
    }
    tl_run_release(&r);

    tl_rmdir(dir);
    free(dir);
}

/*
 * The set tests/evals/<name>: its platform is the folder itself, or `platform` when given
 * (the seed's cases live here, its files outside); its cases are <folder>/evals/cases.yml, or
 * tests/evals/<name>/cases.yml beside an outside platform.
 */
static void check_set(const char *name, const char *platform, size_t min_cases, int min_pass_pct)
{
    char *src = fs_absolute(tl_src());
    char *set = xstrfmt("%s/tests/evals/%s", src, name);
    char *cases = xstrfmt("%s/%scases.yml", set, platform ? "" : "evals/");

    build_and_check(platform ? platform : set, cases, min_cases, min_pass_pct);
    free(cases);
    free(set);
    free(src);
}

Test(evalsets, vetclinic_raw_camel_case)
{
    check_set("vetclinic", NULL, 30, 80);
}

Test(evalsets, saas_dbt_project)
{
    check_set("saas", NULL, 30, 85);
}

Test(evalsets, seed_platform_raw_tables)
{
    char *seed = tl_seed_platform();

    cr_assert(seed != NULL, "no seed platform: set MDP_SEED_PLATFORM to ../shared/seed-platform");
    check_set("seed", seed, 15, 85);
    free(seed);
}
