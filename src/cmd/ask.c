/*
 * mdp ask [--json] [--explain] [--offline] "QUESTION": answer one question about the
 * warehouse in plain English, with the SQL behind the answer.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyst/analyst.h"
#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "render/answer.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/term.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

static const char usage[] =
    "usage: mdp ask [--json] [--explain] [--save] [--offline] \"QUESTION\"\n"
    "\n"
    "Answer a question about the warehouse in plain English: the answer with its numbers, the\n"
    "result table, a chart for a series or a ranking, how the question was read, caveats, and\n"
    "the SQL that produced it. With no LLM configured the offline analyst answers: it reads the\n"
    "question against what `mdp catalog` inferred (tables, columns, values, measures, joins,\n"
    "time columns). A question it cannot read with confidence is refused, naming the words\n"
    "that matched nothing and what the warehouse does have (exit 1).\n"
    "\n"
    "  --json        print one JSON object: question, answer, mode, interpretation, sql,\n"
    "                columns, rows, caveats, elapsed_ms (and unanswerable)\n"
    "  --explain     print every stage: tokens, links with scores, the plan, the SQL\n"
    "  --save        add the question and its SQL to semantic/verified.yml: asked again\n"
    "                (or nearly so), it is answered from that SQL, which a person may edit\n"
    "  --offline     use the offline analyst (the default: no LLM provider is built in yet)\n"
    "  -h, --help    this help\n"
    "\n"
    "Exit status: 0 answered, 1 unanswerable or the query failed, 2 bad usage.\n";

int cmd_ask(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},        {"explain", no_argument, NULL, 'e'},
        {"offline", no_argument, NULL, 'o'},     {"provider", required_argument, NULL, 'p'},
        {"model", required_argument, NULL, 'm'}, {"save", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    struct analyst_options ao = {0};
    struct analyst_answer a;
    struct catalog *c = NULL;
    struct wh *sandbox;
    struct strbuf q = STRBUF_INIT, out = STRBUF_INIT;
    int opt, json = 0, ret = EXIT_FAIL, have = 0, save = 0;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (opt) {
        case 'j': json = 1; break;
        case 'e': ao.explain = 1; break;
        case 'o': break;
        case 's': save = 1; break;
        case 'p':
        case 'm':
            return cmd_usage_error(usage, "no LLM provider is built into this version of mdp; "
                                          "the offline analyst answers (drop --provider/--model)");
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    for (; optind < argc; optind++) {
        if (q.len)
            strbuf_addch(&q, ' ');
        strbuf_addstr(&q, argv[optind]);
    }
    strbuf_trim(&q);
    if (!q.len)
        return cmd_usage_error(usage, "ask what? give the question as an argument");

    if (cmd_ready(s)) {
        ret = EXIT_USAGE;
        goto out;
    }
    if (session_catalog(s, &c) < 0 || !(sandbox = session_sandbox(s)))
        goto out;
    if (analyst_ask(c, sandbox, q.buf, &ao, &a) < 0) {
        analyst_answer_release(&a);
        goto out;
    }
    have = 1;
    if (json)
        render_answer_json(&out, q.buf, &a);
    else
        render_answer(&out, &a, term_color, term_width());
    fputs(out.buf, stdout);
    ret = a.base.unanswerable ? EXIT_FAIL : EXIT_OK;
    if (save && !a.base.unanswerable && a.base.nsql) {
        if (!s->root) {
            error("--save writes semantic/verified.yml in the platform folder, and there is none");
            ret = EXIT_USAGE;
        } else if (analyst_save_verified(s->root, q.buf, a.base.sql[0]) < 0)
            ret = EXIT_FAIL;
        else if (!json)
            fprintf(stderr, "saved to semantic/verified.yml: the next time this question is "
                            "asked, this SQL answers it\n");
    }
out:
    if (have)
        analyst_answer_release(&a);
    strbuf_release(&q);
    strbuf_release(&out);
    return ret;
}
