/*
 * Evaluation results drawn for people (eval.h): each case, then pass rates and latency.
 */
#include <stdio.h>
#include <string.h>

#include "render/eval.h"
#include "util/term.h"

/* Prints text with every line after the first indented by `indent` spaces. */
static void print_indented(FILE *f, const char *text, int indent)
{
    const char *p;

    for (p = text; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1])
            fprintf(f, "%*s", indent, "");
    }
    fputc('\n', f);
}

static void print_ms(FILE *f, double ms)
{
    if (ms < 10)
        fprintf(f, "%.1f ms", ms);
    else if (ms < 1000)
        fprintf(f, "%.0f ms", ms);
    else
        fprintf(f, "%.2f s", ms / 1000);
}

void eval_case_print(FILE *f, const struct case_result *cr, int sql_only, int verbose)
{
    const struct eval_case *c = cr->c;
    size_t i;

    fprintf(f, "%s%s%s %s", cr->pass ? term_green() : term_red(), cr->pass ? "PASS" : "FAIL",
            term_reset(), c->id);
    if (c->ntags) {
        fputs(" [", f);
        for (i = 0; i < c->ntags; i++)
            fprintf(f, "%s%s", i ? ", " : "", c->tags[i]);
        fputc(']', f);
    }
    fputs("  ", f);
    print_ms(f, cr->total_ms);
    fputc('\n', f);
    if (sql_only) {
        if (cr->error)
            fprintf(f, "  %s\n", cr->error);
        else
            fprintf(f, "  %zu row%s, first cell %s\n", cr->sql_rows, cr->sql_rows == 1 ? "" : "s",
                    cr->expected);
        if (verbose || cr->error) {
            fputs("  verification_sql: ", f);
            print_indented(f, c->verification_sql, 4);
        }
        return;
    }
    fputs("  question: ", f);
    print_indented(f, c->question, 4);
    if (cr->expected)
        fprintf(f, "  truth:    %s (first cell of verification_sql)\n", cr->expected);
    if (cr->error)
        fprintf(f, "  %serror:%s    %s\n", term_red(), term_reset(), cr->error);
    if (cr->answer.text) {
        fputs("  answer:   ", f);
        print_indented(f, cr->answer.text, 4);
        if (cr->answer.unanswerable)
            fputs("            (the answerer says the data cannot answer this)\n", f);
    }
    for (i = 0; i < cr->answer.nsql; i++) {
        fputs("  sql:      ", f);
        print_indented(f, cr->answer.sql[i], 4);
    }
    if (cr->answer.text && !cr->answer.nsql)
        fputs("  sql:      (none given)\n", f);
    for (i = 0; i < cr->nasserts; i++)
        fprintf(f, "  %s%-4s%s %s: %s\n", cr->asserts[i].pass ? term_green() : term_red(),
                cr->asserts[i].pass ? "ok" : "FAIL", term_reset(),
                assertion_type_name(cr->asserts[i].assertion->type), cr->asserts[i].message);
    if (cr->answer.text || cr->error)
        fprintf(f, "  time:     sql %.0f ms, answer %.0f ms\n", cr->sql_ms, cr->answer_ms);
}

void eval_report_print(FILE *f, const struct eval_report *rep, int verbose, int failed_only)
{
    size_t i;

    for (i = 0; i < rep->n; i++)
        if (!failed_only || !rep->results[i].pass)
            eval_case_print(f, &rep->results[i], rep->sql_only, verbose);
    eval_summary_print(f, rep);
}

void eval_summary_print(FILE *f, const struct eval_report *rep)
{
    size_t i, width = 3;

    fputc('\n', f);
    if (rep->ntags) {
        for (i = 0; i < rep->ntags; i++)
            if (strlen(rep->tags[i].tag) > width)
                width = strlen(rep->tags[i].tag);
        fputs("pass rate by tag:\n", f);
        for (i = 0; i < rep->ntags; i++)
            fprintf(f, "  %-*s %3zu/%-3zu %5.1f%%\n", (int)width, rep->tags[i].tag,
                    rep->tags[i].passed, rep->tags[i].total,
                    eval_pass_rate(rep->tags[i].passed, rep->tags[i].total));
    }
    fprintf(f, "pass rate: %zu/%zu %.1f%%%s\n", rep->passed, rep->n,
            eval_pass_rate(rep->passed, rep->n), rep->sql_only ? " (verification SQL only)" : "");
    if (!rep->sql_only)
        fprintf(f, "confident answers to unanswerable questions: %zu of %zu\n",
                rep->confident_unanswerable, rep->unanswerable);
    fprintf(f, "%s latency: p50 ", rep->sql_only ? "verification SQL" : "answer");
    print_ms(f, rep->p50_ms);
    fputs(", p95 ", f);
    print_ms(f, rep->p95_ms);
    fputs(", total ", f);
    print_ms(f, rep->elapsed_ms);
    fputc('\n', f);
    fprintf(f, "%zu passed, %zu failed\n", rep->passed, rep->failed);
}
