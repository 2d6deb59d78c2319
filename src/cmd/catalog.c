/*
 * mdp catalog [--json] [--refresh] [--no-values] [TABLE]: what mdp inferred about the
 * warehouse, as a report or as JSON.
 */
#include <getopt.h>
#include <stdio.h>

#include "catalog/catalog.h"
#include "cmd/cmd.h"
#include "render/catalog.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/term.h"
#include "util/xmalloc.h"

static const char usage[] =
    "usage: mdp catalog [--json] [--refresh] [--no-values] [TABLE]\n"
    "\n"
    "Show what mdp inferred about the warehouse from its metadata, its data and the\n"
    "platform's code: per table its layer (raw, staging, mart), rows, grain, keys, group keys,\n"
    "joins, measures, dimensions, time ranges, derived columns and data-quality caveats; with\n"
    "TABLE (schema.name, or a name only one schema has), also every column's roles, profile and\n"
    "description.\n"
    "\n"
    "The catalog is cached beside the warehouse (<warehouse>.catalog.json); only tables that\n"
    "changed since are profiled again.\n"
    "\n"
    "  --json        print the catalog as one JSON document (the form tools read); with\n"
    "                TABLE, that table's object only\n"
    "  --no-values   with --json: leave out the value index and the SQL (a smaller document)\n"
    "  --refresh     ignore the cache and profile every table again\n"
    "  -h, --help    this help\n"
    "\n"
    "Exit status: 0 ok, 1 the warehouse could not be read, 2 bad usage or an unknown TABLE, or a\n"
    "malformed semantic/synonyms.yml or semantic/verified.yml.\n";

static void progress(size_t done, size_t total, const char *table, void *ctx)
{
    if (done < total)
        term_progress("profiling", (double)done, (double)total);
    else
        term_progress_end();
}

int cmd_catalog(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
                                             {"refresh", no_argument, NULL, 'r'},
                                             {"no-values", no_argument, NULL, 'n'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct catalog_options *o = &s->catalog_opts;
    struct catalog *c = NULL;
    struct strbuf out = STRBUF_INIT;
    const char *table = NULL;
    int opt, json = 0, no_values = 0, rc, ret = EXIT_FAIL;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "h", longopts)) != -1) {
        switch (opt) {
        case 'j': json = 1; break;
        case 'r': o->refresh = 1; break;
        case 'n': no_values = 1; break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if (optind < argc)
        table = argv[optind++];
    if (optind < argc)
        return cmd_usage_error(usage, "unexpected argument '%s' (one TABLE at most)", argv[optind]);
    if (no_values && !json)
        return cmd_usage_error(usage, "--no-values goes with --json");

    if (cmd_ready(s))
        return EXIT_USAGE;
    o->progress = progress;
    rc = session_catalog(s, &c);
    if (rc < 0) {
        /* a malformed platform file is bad input; an unreadable warehouse is a failure */
        ret = cmd_exit_code(rc, rc == -2);
        goto out;
    }
    if (json && table) {
        int t = catalog_find_table(c, table);
        if (t < 0) {
            error("no table or view '%s' in the warehouse; `mdp catalog` lists them", table);
            ret = EXIT_USAGE;
            goto out;
        }
        catalog_table_to_json(c, t, &out, 1, !no_values);
        strbuf_addch(&out, '\n');
    } else if (json) {
        catalog_to_json(c, &out, 1, !no_values);
        strbuf_addch(&out, '\n');
    } else if (catalog_report(c, table, &out) < 0) {
        ret = EXIT_USAGE;
        goto out;
    }
    fputs(out.buf, stdout);
    if (term_verbose)
        fprintf(stderr, "catalog: %zu tables, %zu profiled, %.1f ms\n", c->ntables, c->profiled,
                c->build_ms);
    ret = EXIT_OK;
out:
    strbuf_release(&out);
    return ret;
}
