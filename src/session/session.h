/*
 * The session: what one mdp command works on, like git's struct repository. main.c makes one
 * per run from the global options (--project, --warehouse) and hands it to the command, whose
 * table entry says what it needs (a platform root, a warehouse, write access); libraries
 * above the catalog (analyst, dash) take it instead of paths they would each reopen.
 *
 *   root, warehouse   the platform folder and the warehouse file (locate.h's rules);
 *   session_wh()      the warehouse, opened on first use, once per command, read-only or
 *                     read-write as the command said;
 *   session_sandbox() a sandboxed connection for SQL from questions and models, on the open
 *                     warehouse when there is one (sandbox_connect()), else opened read-only;
 *   session_catalog() the catalog (catalog.h), loaded on first use.
 *
 * Ownership: the session owns everything it opens and loads; what the session_*() getters
 * return is borrowed until session_release().
 */
#ifndef MDP_SESSION_H
#define MDP_SESSION_H

#include "catalog/catalog.h"
#include "wh/wh.h"

/* What a command needs (main.c's command table); session_check() enforces it. */
#define SESSION_NEED_ROOT      (1u << 0) /* a platform folder */
#define SESSION_NEED_WAREHOUSE (1u << 1) /* a warehouse path */
#define SESSION_WRITE          (1u << 2) /* session_wh() opens the warehouse read-write */

struct session {
    unsigned needs;               /* SESSION_* flags */
    char *root;                   /* absolute, or NULL when no platform folder was found */
    char *warehouse;              /* absolute, or NULL when neither a root nor an override exists */
    const char *project_override; /* --project as given, or NULL; borrowed */
    enum wh_mode mode;            /* how session_wh() opens the warehouse */
    struct wh *wh;
    struct wh *sandbox;
    struct catalog *catalog;
    struct catalog_options catalog_opts; /* used by the first session_catalog() */
};

/*
 * Locates the platform from the overrides (either may be NULL) and fills *s, opening nothing.
 * Release with session_release().
 */
void session_init(struct session *s, const char *project, const char *warehouse);
/* Locates again, e.g. after `mdp setup` made a platform in project. Closes what was open. */
void session_relocate(struct session *s, const char *project);
void session_release(struct session *s);

/* 0 if s->root is set, else -1 with an error that says how to make or point at one. */
int session_require_root(const struct session *s);
/* 0 if s->warehouse is set, else -1 with an error. */
int session_require_warehouse(const struct session *s);

/*
 * Checks what s->needs asks for, once the command has parsed its options (so that usage
 * errors and --help come first). Returns 0, or -1 after an error that says how to make or
 * point at a platform or warehouse.
 */
int session_check(const struct session *s);

/* The warehouse in s->mode, opened on the first call. Returns NULL after error(). */
struct wh *session_wh(struct session *s);
/* The sandbox (see above), opened on the first call. Returns NULL after error(). */
struct wh *session_sandbox(struct session *s);
/*
 * The catalog, loaded on the first call with s->catalog_opts (root defaults to s->root).
 * Returns 0 and *out (borrowed); -1 or -2 as catalog_load() does.
 */
int session_catalog(struct session *s, struct catalog **out);

#endif
