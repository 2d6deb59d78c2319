/*
 * Reports drawn for people (report.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "platform/manifest.h"
#include "render/report.h"
#include "util/strbuf.h"
#include "util/term.h"

void render_pipeline_event(const struct pipeline_event *ev, void *ctx)
{
    FILE *f = stdout;

    (void)ctx;
    if (!ev->done) {
        if (!term_quiet)
            fprintf(f, "%s== %s%s\n", term_bold(), ev->name, term_reset());
        return;
    }
    switch (ev->stage) {
    case PIPELINE_SYNC:
        if (ev->no_sources) {
            if (!term_quiet)
                fprintf(f, "no sources/ folder: sync and ingest skipped\n\n");
            break;
        }
        if (!term_quiet)
            putc('\n', f);
        if (ev->status >= 0 && !term_quiet)
            sync_report_print(f, ev->sync);
        break;
    case PIPELINE_INGEST:
    case PIPELINE_SEED:
    case PIPELINE_TRANSFORM:
    case PIPELINE_TEST:
        if (!term_quiet || ev->status) {
            if (ev->ingest)
                ingest_report_print(f, ev->ingest);
            else if (ev->transform)
                transform_report_print(f, ev->transform);
            else if (ev->test)
                dbt_test_report_print(f, ev->test);
        }
        if (!term_quiet)
            putc('\n', f);
        if (ev->no_dbt_project && !term_quiet)
            fprintf(f, "no dbt project (dbt_project/dbt_project.yml): seed, transform and test "
                       "skipped; the raw tables are the warehouse\n");
        break;
    case SETUP_INIT:
        if (!term_quiet && ev->scaffold)
            scaffold_report_print(f, ev->scaffold);
        break;
    case SETUP_GENERATE:
        if (!term_quiet && ev->generate)
            generate_report_print(f, ev->generate);
        putc('\n', f);
        break;
    default: break;
    }
    fflush(f);
}

void render_pipeline_summary(FILE *f, const struct pipeline_report *r)
{
    int i;

    if (term_quiet)
        return;
    fprintf(f, "%spipeline%s:", term_bold(), term_reset());
    for (i = 0; i < PIPELINE_NSTAGES; i++) {
        const struct pipeline_step *s = &r->steps[i];
        if (i == PIPELINE_SEED && s->status < STAGE_FATAL)
            continue; /* shown only when it ran: a project without seeds has none */
        const char *what = s->status == STAGE_OK            ? "ok"
                           : s->status == STAGE_SOME_FAILED ? "some failed"
                           : s->status == STAGE_FATAL       ? "FAILED"
                           : s->status == STAGE_SKIPPED     ? "skipped"
                                                            : "not run";
        fprintf(f, " %s %s%s%s (%.2f s)%s", s->name,
                s->status == STAGE_OK ? term_green()
                : s->status < -1      ? term_dim()
                                      : term_red(),
                what, term_reset(), s->seconds, i < PIPELINE_NSTAGES - 1 ? "," : "");
    }
    fprintf(f, "; %.2f s in all%s\n", r->seconds,
            r->interrupted ? "; interrupted (Ctrl-C): what did not finish was rolled back" : "");
}

void sync_report_print(FILE *f, const struct sync_report *r)
{
    size_t i, added = 0;

    for (i = 0; i < r->n; i++) {
        int plus = r->changes[i].op == '+';
        added += plus;
        fprintf(f, "%s%c %s (%s)%s\n", plus ? term_green() : term_red(), r->changes[i].op,
                r->changes[i].table, r->changes[i].path, term_reset());
    }
    if (!r->n && r->created)
        fprintf(f, "%s: %s with no sources (no files under sources/<system>/)\n", MANIFEST_PATH,
                r->dry_run ? "would be created" : "created");
    else if (!r->n)
        fprintf(f, "%s is up to date (%zu source%s)\n", MANIFEST_PATH, r->total,
                r->total == 1 ? "" : "s");
    else
        fprintf(f, "%s: %zu added, %zu removed, %zu source%s%s\n", MANIFEST_PATH, added,
                r->n - added, r->total, r->total == 1 ? "" : "s",
                r->dry_run ? " (dry run: nothing written)" : "");
}

static void add_size(struct strbuf *sb, uint64_t bytes)
{
    if (bytes < 1024)
        strbuf_addf(sb, "%" PRIu64 " B", bytes);
    else if (bytes < 1024 * 1024)
        strbuf_addf(sb, "%.1f KB", (double)bytes / 1024);
    else if (bytes < 1024ULL * 1024 * 1024)
        strbuf_addf(sb, "%.1f MB", (double)bytes / (1024 * 1024));
    else
        strbuf_addf(sb, "%.2f GB", (double)bytes / (1024.0 * 1024 * 1024));
}

void ingest_report_print(FILE *f, const struct ingest_report *r)
{
    static const char *status[] = {"not run", "loaded", "skipped", "FAILED"};
    size_t i, k, w = 5;
    struct strbuf sb = STRBUF_INIT, num = STRBUF_INIT, size = STRBUF_INIT;

    for (i = 0; i < r->n; i++)
        if (strlen(r->items[i].table) > w)
            w = strlen(r->items[i].table);
    strbuf_addf(&sb, "%s%-*s  %-8s %12s %5s %10s %8s%s\n", term_bold(), (int)w, "table", "status",
                "rows", "cols", "size", "time", term_reset());
    for (i = 0; i < r->n; i++) {
        const struct ingest_item *it = &r->items[i];
        const char *color = it->status == INGEST_FAILED    ? term_red()
                            : it->status == INGEST_LOADED  ? term_green()
                            : it->status == INGEST_SKIPPED ? term_dim()
                                                           : term_yellow();
        strbuf_reset(&num);
        strbuf_reset(&size);
        strbuf_add_count(&num, it->rows);
        add_size(&size, it->bytes);
        strbuf_addf(&sb, "%-*s  %s%-8s%s ", (int)w, it->table, color, status[it->status],
                    term_reset());
        if (it->status == INGEST_FAILED || it->status == INGEST_NOT_RUN)
            strbuf_addf(&sb, "%12s %5s %10s", "-", "-", size.buf);
        else
            strbuf_addf(&sb, "%12s %5zu %10s", num.buf, it->columns, size.buf);
        if (it->status == INGEST_SKIPPED)
            strbuf_addf(&sb, " %8s  unchanged since the last load\n", "-");
        else if (it->status == INGEST_NOT_RUN)
            strbuf_addf(&sb, " %8s\n", "-");
        else
            strbuf_addf(&sb, " %7.2fs\n", it->seconds);
        if (it->error)
            strbuf_addf(&sb, "%*s  %s%s%s\n", (int)w, "", term_red(), it->error, term_reset());
        for (k = 0; k < it->nnotes; k++)
            strbuf_addf(&sb, "%*s  %s%s%s\n", (int)w, "", term_dim(), it->notes[k], term_reset());
    }
    strbuf_reset(&num);
    strbuf_reset(&size);
    strbuf_add_count(&num, r->rows_loaded);
    add_size(&size, r->bytes_loaded);
    strbuf_addf(&sb, "%s: %zu loaded, %zu skipped, %zu failed", r->stage ? r->stage : "ingest",
                r->loaded, r->skipped, r->failed);
    if (r->n > r->loaded + r->skipped + r->failed)
        strbuf_addf(&sb, ", %zu not run (%s)", r->n - r->loaded - r->skipped - r->failed,
                    r->interrupted ? "interrupted" : "--fail-fast");
    strbuf_addf(&sb, "; %s rows, %s in %.2f s", num.buf, size.buf, r->seconds);
    if (r->rows_loaded && r->seconds > 0)
        strbuf_addf(&sb, " (%.0f rows/s)", (double)r->rows_loaded / r->seconds);
    strbuf_addch(&sb, '\n');
    fwrite(sb.buf, 1, sb.len, f);
    strbuf_release(&sb);
    strbuf_release(&num);
    strbuf_release(&size);
}

/* A message over several lines (DuckDB's LINE n: context), each after an indent. */
static void print_indented(FILE *f, const char *msg)
{
    const char *nl;

    fputs("  ", f);
    while ((nl = strchr(msg, '\n')) != NULL) {
        fprintf(f, "%.*s\n        ", (int)(nl - msg), msg);
        msg = nl + 1;
    }
    fprintf(f, "%s\n", msg);
}

void transform_report_print(FILE *f, const struct transform_report *rep)
{
    size_t i, width = 8;

    for (i = 0; i < rep->n; i++)
        if (strlen(rep->results[i].relation) > width)
            width = strlen(rep->results[i].relation);
    for (i = 0; i < rep->n; i++) {
        const struct transform_result *r = &rep->results[i];
        const char *color = r->status == TRANSFORM_OK       ? term_green()
                            : r->status == TRANSFORM_FAILED ? term_red()
                                                            : term_yellow();
        const char *word = r->status == TRANSFORM_OK       ? "OK"
                           : r->status == TRANSFORM_FAILED ? "FAILED"
                                                           : "SKIPPED";
        char rows[32] = "-";

        if (r->rows >= 0)
            snprintf(rows, sizeof(rows), "%lld rows", (long long)r->rows);
        fprintf(f, "%s%-7s%s %-5s %-*s", color, word, term_reset(), r->materialized, (int)width,
                r->relation);
        if (r->status == TRANSFORM_OK)
            fprintf(f, " %14s %8.2f s\n", rows, r->seconds);
        else
            print_indented(f, r->message);
    }
    fprintf(f, "transform: %zu built, %zu failed, %zu skipped in %.2f s\n", rep->ok, rep->failed,
            rep->skipped, rep->seconds);
}

void dbt_test_report_print(FILE *f, const struct dbt_test_report *rep)
{
    static const char *const words[] = {"PASS", "WARN", "FAIL", "ERROR", "SKIP", "SKIP"};
    size_t i, width = 10;

    for (i = 0; i < rep->n; i++)
        if (strlen(rep->results[i].name) > width)
            width = strlen(rep->results[i].name);
    for (i = 0; i < rep->n; i++) {
        const struct dbt_test_result *r = &rep->results[i];
        const char *color = r->status == DBT_RESULT_PASS ? term_green()
                            : r->status == DBT_RESULT_FAIL || r->status == DBT_RESULT_ERROR
                                ? term_red()
                                : term_yellow();

        fprintf(f, "%s%-5s%s %-*s", color, words[r->status], term_reset(), (int)width, r->name);
        if (r->message)
            fprintf(f, "  %s\n", r->message);
        else
            fprintf(f, "  %.2f s\n", r->seconds);
    }
    fprintf(f, "test: %zu passed, %zu failed, %zu warned, %zu errors, %zu not supported", rep->pass,
            rep->fail, rep->warn, rep->errors, rep->unsupported);
    if (rep->not_run)
        fprintf(f, ", %zu not run (model not built)", rep->not_run);
    fprintf(f, " (%zu tests in %.2f s)\n", rep->n, rep->seconds);
}

void scaffold_report_print(FILE *f, const struct scaffold_report *report)
{
    size_t i;

    for (i = 0; i < report->nr_written; i++)
        fprintf(f, "  wrote %s\n", report->written[i]);
    for (i = 0; i < report->nr_kept; i++)
        fprintf(f, "  kept  %s (exists; --force to overwrite)\n", report->kept[i]);
}

static double rate(double x, double seconds)
{
    return seconds > 0 ? x / seconds : 0;
}

void generate_report_print(FILE *f, const struct generate_report *r)
{
    size_t i;

    for (i = 0; i < r->nr; i++)
        fprintf(f, "  %-36s %10llu rows %12llu bytes %8.2f s\n", r->files[i].path,
                (unsigned long long)r->files[i].rows, (unsigned long long)r->files[i].bytes,
                r->files[i].seconds);
    fprintf(f,
            "generated %llu rows, %.1f MB in %.2f s (scale %g, seed %llu): %.2fM rows/s, "
            "%.1f MB/s, peak RSS %.1f MB\n",
            (unsigned long long)r->rows, (double)r->bytes / 1e6, r->seconds, r->scale,
            (unsigned long long)r->seed, rate((double)r->rows, r->seconds) / 1e6,
            rate((double)r->bytes, r->seconds) / 1e6, (double)r->peak_rss_kb / 1024.0);
}

void generate_report_print_json(FILE *f, const struct generate_report *r)
{
    size_t i;

    fprintf(f, "{\"scale\": %g, \"seed\": %llu, \"files\": [", r->scale,
            (unsigned long long)r->seed);
    for (i = 0; i < r->nr; i++)
        fprintf(f, "%s{\"path\": \"%s\", \"rows\": %llu, \"bytes\": %llu, \"seconds\": %.4f}",
                i ? ", " : "", r->files[i].path, (unsigned long long)r->files[i].rows,
                (unsigned long long)r->files[i].bytes, r->files[i].seconds);
    fprintf(f,
            "], \"rows\": %llu, \"bytes\": %llu, \"seconds\": %.4f, \"rows_per_s\": %.0f, "
            "\"mb_per_s\": %.1f, \"peak_rss_kb\": %ld}\n",
            (unsigned long long)r->rows, (unsigned long long)r->bytes, r->seconds,
            rate((double)r->rows, r->seconds), rate((double)r->bytes, r->seconds) / 1e6,
            r->peak_rss_kb);
}
