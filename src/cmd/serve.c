/*
 * mdp serve [PAGES_DIR] [--port 3000] [--host 127.0.0.1]: the dashboards served live
 * (src/dash/serve.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "dash/serve.h"
#include "util/error.h"
#include "util/term.h"

static const char usage[] =
    "usage: mdp serve [PAGES_DIR] [--port N] [--host ADDR]\n"
    "\n"
    "Serve the dashboards (see `mdp dashboard build`) over HTTP, rendering each page when it is\n"
    "asked for, with any dropdown choice (checked against the dropdown's options). A page is\n"
    "rendered again when its file or the warehouse changes. Prints the URL; Ctrl-C stops.\n"
    "\n"
    "  PAGES_DIR          the pages (default: <project>/dashboards, as for dashboard build)\n"
    "  -p, --port N       the port (default: 3000; 0 picks a free one)\n"
    "  --host ADDR        the IPv4 address to listen on (default: 127.0.0.1, this machine only;\n"
    "                     0.0.0.0 for every interface)\n"
    "  -h, --help         this help\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void on_ready(void *ctx, const char *url)
{
    (void)ctx;
    printf("serving the dashboards at %s (Ctrl-C stops)\n", url);
    fflush(stdout);
}

static void on_request(void *ctx, const char *path, int status, double seconds)
{
    (void)ctx;
    if (term_verbose || (status >= 400 && !term_quiet))
        fprintf(stderr, "%d %s (%.0f ms)\n", status, path, seconds * 1000);
}

int cmd_serve(int argc, char **argv, struct session *s)
{
    static const struct option longopts[] = {{"port", required_argument, NULL, 'p'},
                                             {"host", required_argument, NULL, 'H'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct dash_serve_options so = {0};
    struct sigaction sa;
    char *pages = NULL, *end;
    long port = 3000;
    int opt, ret;

    optind = 1;
    while ((opt = cmd_getopt(argc, argv, "hp:", longopts)) != -1) {
        switch (opt) {
        case 'p':
            port = strtol(optarg, &end, 10);
            if (*end || !*optarg || port < 0 || port > 65535)
                return cmd_usage_error(usage, "--port needs a number from 0 to 65535, not '%s'",
                                       optarg);
            break;
        case 'H': so.host = optarg; break;
        case 'h': return cmd_help(usage);
        default: return cmd_option_error(usage, longopts);
        }
    }
    if ((ret = cmd_dashboard_pages(argc, argv, usage, s, &pages)) != EXIT_OK)
        return ret;
    /* not the session's sandbox: each render opens the warehouse and closes it after, so that
     * the pipeline can write it between requests */
    so.pages_dir = pages;
    so.warehouse = s->warehouse;
    so.port = (int)port;
    so.on_ready = on_ready;
    so.on_request = on_request;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    ret = dash_serve(&so, &stop_flag) < 0 ? EXIT_USAGE : EXIT_OK;
    free(pages);
    return ret;
}
