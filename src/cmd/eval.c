/*
 * mdp eval [CASES] [--sql-only] [--tag T] [--id ID] [--json] [--junit FILE] [-j N]
 *          [--answers FILE]: run evaluation cases (eval-format.md) and report pass rates.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "analyst/analyst.h"
#include "catalog/catalog.h"
#include "eval/answerer.h"
#include "eval/cases.h"
#include "eval/runner.h"
#include "render/eval.h"
#include "render/progress.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/term.h"
#include "util/xmalloc.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

static const char usage[] =
    "usage: mdp eval [CASES] [--sql-only] [--tag T]... [--id ID]... [--json] [--junit FILE]\n"
    "                [-j N] [--answers FILE] [--with-verified] [--timeout MS]\n"
    "\n"
    "Run evaluation cases: each case's verification_sql gives the truth (run in the sandbox),\n"
    "the question is answered, and the answer is checked by the case's assertions\n"
    "(exact_number, row_count, approx_number, contains_all, contains_any, ordered_list;\n"
    "refuses: the answer must be marked unanswerable).\n"
    "Prints every case with its answer, the SQL used, each assertion's reason and the time\n"
    "taken, then pass rates overall and per tag, 'confident answers to unanswerable\n"
    "questions: N of M', answer latency p50/p95, and 'N passed, N failed' as the last line.\n"
    "Exit 1 when any case fails.\n"
    "\n"
    "  CASES            the case file (default: <project>/evals/cases.yml)\n"
    "  --sql-only       only check that every verification_sql runs and returns a row\n"
    "                   (and that from_sql values are usable); no question is asked\n"
    "  (no --answers)   the offline analyst answers, as `mdp ask` does, but without\n"
    "                   semantic/verified.yml, so the pass rate measures reading, not recall\n"
    "  --with-verified  let the offline analyst answer from semantic/verified.yml too\n"
    "  --answers FILE   score the answers in FILE, a YAML map of case id to\n"
    "                   {answer: TEXT, sql: [STATEMENTS], unanswerable: BOOL} (or just\n"
    "                   TEXT): for testing cases and for scoring answers produced elsewhere\n"
    "  --tag T          only cases with tag T (repeat for any of several tags)\n"
    "  --id ID          only the case ID (repeat for several)\n"
    "  --json           print one JSON document instead of the text report\n"
    "  --junit FILE     also write a JUnit XML report to FILE (for CI)\n"
    "  -j, --jobs N     ask N questions at once (default 1)\n"
    "  --timeout MS     interrupt a verification query after MS milliseconds (default 30000)\n"
    "  -q, --quiet      print only the failed cases and the summary\n"
    "  -v, --verbose    with --sql-only, print every verification_sql too\n"
    "  -h, --help       this help\n";

/* A growing list of borrowed option values. */
struct optlist {
    const char **v;
    size_t n, alloc;
};

static void optlist_add(struct optlist *l, const char *s)
{
    ALLOC_GROW(l->v, l->n + 1, l->alloc);
    l->v[l->n++] = s;
}

/* "a, b, c": every tag used in set, once, in order of first use. */
static void add_known_tags(struct strbuf *sb, const struct case_set *set)
{
    size_t i, j, k, l;

    for (i = 0; i < set->n; i++)
        for (j = 0; j < set->cases[i].ntags; j++) {
            const char *t = set->cases[i].tags[j];
            int seen = 0;
            for (k = 0; k <= i && !seen; k++)
                for (l = 0; l < set->cases[k].ntags && !seen; l++) {
                    if (k == i && l == j)
                        break;
                    seen = !strcmp(set->cases[k].tags[l], t);
                }
            if (!seen)
                strbuf_addf(sb, "%s%s", sb->len ? ", " : "", t);
        }
}

/* Text mode prints each case as soon as it and the ones before it are done. */
static void print_result(const struct case_result *cr, void *ctx)
{
    const struct eval_options *eo = ctx;

    if (term_quiet && cr->pass)
        return;
    eval_case_print(stdout, cr, eo->sql_only, term_verbose);
    fflush(stdout);
}

int cmd_eval(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"sql-only", no_argument, NULL, 'S'},
                                             {"tag", required_argument, NULL, 't'},
                                             {"id", required_argument, NULL, 'i'},
                                             {"json", no_argument, NULL, 'J'},
                                             {"junit", required_argument, NULL, 'U'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"answers", required_argument, NULL, 'A'},
                                             {"timeout", required_argument, NULL, 'T'},
                                             {"with-verified", no_argument, NULL, 'W'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct optlist tags = {0}, ids = {0};
    int with_verified = 0;
    const char *junit = NULL, *answers = NULL;
    char *cases_path = NULL, *end;
    int json = 0, opt, ret = EXIT_USAGE, rc;
    struct eval_options eo;
    struct case_set set = CASE_SET_INIT;
    struct answerer answerer;
    struct catalog *catalog = NULL;
    struct wh *sandbox;
    struct eval_report report;
    const struct eval_case **sel = NULL;
    int have_answerer = 0, have_report = 0, selected;
    long n;

    memset(&eo, 0, sizeof(eo));
    memset(&answerer, 0, sizeof(answerer));
    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "j:h", longopts)) != -1) {
        switch (opt) {
        case 'S': eo.sql_only = 1; break;
        case 't': optlist_add(&tags, optarg); break;
        case 'i': optlist_add(&ids, optarg); break;
        case 'J': json = 1; break;
        case 'U': junit = optarg; break;
        case 'A': answers = optarg; break;
        case 'W': with_verified = 1; break;
        case 'j':
            n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 64) {
                ret = cmd_usage_error(usage, "-j needs a number of jobs from 1 to 64, not '%s'",
                                      optarg);
                goto out;
            }
            eo.jobs = (int)n;
            break;
        case 'T':
            n = strtol(optarg, &end, 10);
            if (*end || n < 1) {
                ret = cmd_usage_error(usage, "--timeout needs milliseconds > 0, not '%s'", optarg);
                goto out;
            }
            eo.timeout_ms = (int)n;
            break;
        case 'h': ret = cmd_help(usage); goto out;
        default: ret = cmd_option_error(usage, longopts); goto out;
        }
    }
    if (argc - optind > 1) {
        ret = cmd_usage_error(usage, "one case file at most, got '%s' and '%s'", argv[optind],
                              argv[optind + 1]);
        goto out;
    }
    if (eo.sql_only && answers) {
        ret = cmd_usage_error(usage, "--sql-only asks no questions, so --answers has no use");
        goto out;
    }

    if (optind < argc) {
        cases_path = xstrdup(argv[optind]);
    } else {
        if (!s->root) {
            error("no platform folder found, so no evals/cases.yml: give the case file as an "
                  "argument, or use --project DIR (mdp init makes a platform)");
            goto out;
        }
        cases_path = fs_join(s->root, "evals/cases.yml");
        if (!fs_is_file(cases_path)) {
            error("'%s' does not exist: write evaluation cases there (see mdp init's sample) "
                  "or give a case file as an argument",
                  cases_path);
            goto out;
        }
    }
    if (session_require_warehouse(s) < 0)
        goto out;
    if (cases_load(cases_path, &set) < 0)
        goto out;
    if (answers) {
        if (answerer_file_init(&answerer, answers) < 0)
            goto out;
        have_answerer = 1;
        eo.answerer = &answerer;
    } else if (!eo.sql_only) {
        /* the offline analyst; verified SQL is never consulted here */
        if (session_catalog(s, &catalog) < 0 || !(sandbox = session_sandbox(s)))
            goto out;
        answerer_offline_init(&answerer, catalog, sandbox, with_verified);
        have_answerer = 1;
        eo.answerer = &answerer;
    }
    eo.warehouse = s->warehouse;
    eo.tags = tags.v;
    eo.ntags = tags.n;
    eo.ids = ids.v;
    eo.nids = ids.n;
    /* a progress bar would tear the cases printed on the same terminal */
    if (!term_quiet && (json || !isatty(STDOUT_FILENO)))
        eo.progress = render_progress;
    if (!json) {
        eo.on_result = print_result;
        eo.on_result_ctx = &eo;
    }

    selected = eval_select(&set, &eo, &sel);
    free(sel);
    if (selected < 0)
        goto out;
    if (!selected) {
        struct strbuf known = STRBUF_INIT;

        add_known_tags(&known, &set);
        error("no case in %s matches %s (tags in the file: %s)", set.path,
              ids.n ? "both --id and --tag" : "--tag", known.len ? known.buf : "none");
        strbuf_release(&known);
        goto out;
    }
    rc = eval_run(&set, &eo, &report);
    if (rc < 0) {
        ret = EXIT_FAIL;
        goto out;
    }
    have_report = 1;
    if (junit) {
        struct strbuf x = STRBUF_INIT;

        eval_report_junit(&x, &report);
        if (cmd_write_report(junit, &x) < 0) {
            strbuf_release(&x);
            ret = EXIT_FAIL;
            goto out;
        }
        strbuf_release(&x);
    }
    if (json) {
        struct strbuf j = STRBUF_INIT;
        eval_report_json(&j, &report);
        fwrite(j.buf, 1, j.len, stdout);
        strbuf_release(&j);
    } else {
        eval_summary_print(stdout, &report);
    }
    ret = cmd_exit_code(rc, 0);
out:
    fflush(stdout);
    if (have_report)
        eval_report_release(&report);
    if (have_answerer && answerer.release)
        answerer.release(&answerer);
    case_set_release(&set);
    free(cases_path);
    free(tags.v);
    free(ids.v);
    return ret;
}
