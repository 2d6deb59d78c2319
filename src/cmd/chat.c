/*
 * mdp chat (alias mdp agent): questions in a conversation. Each answer is shown as `mdp ask`
 * shows it; a follow-up ("and in 2023?", "break that down by category", "only Electronics",
 * "top 10 instead") is read against the previous question. Slash commands show the SQL, the
 * stages, and export the last result.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analyst/analyst.h"
#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "render/answer.h"
#include "render/table.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/lineedit.h"
#include "util/strbuf.h"
#include "util/term.h"
#include "util/xmalloc.h"
#include "wh/result.h"
#include "wh/sandbox.h"
#include "wh/wh.h"

static const char usage[] =
    "usage: mdp chat\n"
    "       mdp agent\n"
    "\n"
    "Ask questions about the warehouse in a conversation, with line editing and history\n"
    "(~/.mdp_chat_history). Answers come from the offline analyst, as with `mdp ask`. A\n"
    "follow-up keeps what it does not change: \"and in 2023?\", \"break that down by\n"
    "category\", \"only Electronics\", \"top 10 instead\". Ctrl-C cancels a running query or\n"
    "the line being typed; Ctrl-D (or /quit) leaves. With no terminal, questions are read\n"
    "from standard input, one per line.\n"
    "\n"
    "Commands:\n"
    "  /sql               the SQL of the last answer (also: \"show the SQL\")\n"
    "  /explain           every stage of the last answer: tokens, links, plan, SQL\n"
    "  /export csv FILE   write the last result as CSV (or json) to FILE\n"
    "  /reset             forget the conversation\n"
    "  /help              this list\n"
    "  /quit              leave\n"
    "\n"
    "  -h, --help   this help\n";

static volatile sig_atomic_t cancel_flag;

static void on_sigint(int sig)
{
    (void)sig;
    cancel_flag = 1;
}

struct chat {
    const struct catalog *c;
    struct wh *sandbox;
    char *last_question;
    struct analyst_answer last;
    int have_last;
    int interactive;
};

static void forget(struct chat *ch)
{
    free(ch->last_question);
    ch->last_question = NULL;
    if (ch->have_last)
        analyst_answer_release(&ch->last);
    ch->have_last = 0;
}

static void show_sql(const struct chat *ch)
{
    size_t i;

    if (!ch->have_last || !ch->last.base.nsql) {
        puts("no SQL yet: ask a question first");
        return;
    }
    for (i = 0; i < ch->last.base.nsql; i++)
        printf("%s%s;\n", i ? "\n" : "", ch->last.base.sql[i]);
}

static void export_result(const struct chat *ch, const char *args)
{
    char fmtname[16] = "", path[4096] = "";
    enum render_format fmt;
    struct strbuf out = STRBUF_INIT;
    struct render_options ro = {0, 0, 0};

    if (sscanf(args, "%15s %4095s", fmtname, path) != 2 ||
        (strcmp(fmtname, "csv") && strcmp(fmtname, "json"))) {
        puts("usage: /export csv|json FILE");
        return;
    }
    if (!ch->have_last || !ch->last.table) {
        puts("no result yet: ask a question first");
        return;
    }
    render_format_parse(fmtname, &fmt);
    render_result(&out, ch->last.table, fmt, &ro);
    if (fs_write_atomic(path, out.buf, out.len) == 0)
        printf("wrote %zu rows to %s\n", ch->last.table->nrows, path);
    strbuf_release(&out);
}

/* Slash commands and their spoken forms; returns 1 to quit, 0 handled, -1 not a command. */
static int command(struct chat *ch, const char *line)
{
    if (!strcmp(line, "/quit") || !strcmp(line, "/exit") || !strcmp(line, "/q"))
        return 1;
    if (!strcmp(line, "/sql") || !strcasecmp(line, "show the sql") ||
        !strcasecmp(line, "show sql") || !strcasecmp(line, "show me the sql")) {
        show_sql(ch);
        return 0;
    }
    if (!strcmp(line, "/explain")) {
        struct analyst_options o = {0};
        struct analyst_answer a;
        if (!ch->last_question) {
            puts("nothing to explain yet: ask a question first");
            return 0;
        }
        o.explain = 1;
        o.cancel = &cancel_flag;
        if (analyst_ask(ch->c, ch->sandbox, ch->last_question, &o, &a) == 0 && a.explain)
            fputs(a.explain, stdout);
        analyst_answer_release(&a);
        return 0;
    }
    if (!strncmp(line, "/export", 7)) {
        export_result(ch, line + 7);
        return 0;
    }
    if (!strcmp(line, "/reset")) {
        forget(ch);
        puts("conversation reset");
        return 0;
    }
    if (!strcmp(line, "/help")) {
        fputs(strstr(usage, "Commands:"), stdout);
        return 0;
    }
    if (line[0] == '/') {
        printf("unknown command '%s': /help lists them\n", line);
        return 0;
    }
    return -1;
}

static void turn(struct chat *ch, const char *line)
{
    struct analyst_options o = {0};
    struct analyst_answer a;
    struct strbuf out = STRBUF_INIT;
    char *merged = analyst_followup(ch->last_question, line);
    const char *q = merged ? merged : line;

    if (merged)
        printf("%s(read as: %s)%s\n", term_dim(), merged, term_reset());
    o.cancel = &cancel_flag;
    cancel_flag = 0;
    if (analyst_ask(ch->c, ch->sandbox, q, &o, &a) < 0) {
        fprintf(stderr, "error: %s\n", a.base.error ? a.base.error : "the query failed");
        analyst_answer_release(&a);
        free(merged);
        return;
    }
    render_answer(&out, &a, term_color, term_width());
    fputs(out.buf, stdout);
    putchar('\n');
    fflush(stdout);
    strbuf_release(&out);
    if (!a.base.unanswerable) {
        forget(ch);
        ch->last_question = xstrdup(q);
        ch->last = a;
        ch->have_last = 1;
    } else
        analyst_answer_release(&a);
    free(merged);
}

int cmd_chat(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct catalog *c = NULL;
    struct chat ch;
    struct sigaction sa;
    int opt, ret = EXIT_FAIL;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (opt) {
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if (optind < argc)
        return cmd_usage_error(usage,
                               "unexpected argument '%s' (ask questions at the prompt, "
                               "or use `mdp ask`)",
                               argv[optind]);
    memset(&ch, 0, sizeof(ch));
    if (cmd_ready(s)) {
        ret = EXIT_USAGE;
        goto out;
    }
    if (session_catalog(s, &c) < 0 || !(ch.sandbox = session_sandbox(s)))
        goto out;
    ch.c = c;
    ch.interactive = isatty(STDIN_FILENO);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);

    if (ch.interactive) {
        lineedit_open(".mdp_chat_history");
        printf("mdp chat on %s: ask about the data; /help for commands, Ctrl-D to leave.\n",
               s->warehouse);
    }
    for (;;) {
        char *line = NULL;
        struct strbuf sb = STRBUF_INIT;
        int rc;

        cancel_flag = 0;
        if (ch.interactive) {
            line = lineedit_read("? ");
            if (!line) {
                if (cancel_flag) {
                    putchar('\n');
                    continue;
                }
                putchar('\n');
                break;
            }
        } else {
            char buf[4096];
            if (!fgets(buf, sizeof(buf), stdin))
                break;
            line = xstrdup(buf);
        }
        strbuf_addstr(&sb, line);
        free(line);
        strbuf_trim(&sb);
        if (!sb.len) {
            strbuf_release(&sb);
            continue;
        }
        if (!ch.interactive)
            printf("? %s\n", sb.buf);
        rc = command(&ch, sb.buf);
        if (rc < 0)
            turn(&ch, sb.buf);
        strbuf_release(&sb);
        if (rc == 1)
            break;
    }
    if (ch.interactive)
        lineedit_close();
    ret = EXIT_OK;
out:
    forget(&ch);
    return ret;
}
