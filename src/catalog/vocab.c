/*
 * Words, stems and the thesaurus (see vocab.h). The splitter walks a text one character at a
 * time (ASCII, Latin-1 letters, other UTF-8 bytes), the shared Snowball stemmer turns each word
 * into its stem, and each thesaurus kind keeps an open-addressing hash table from a key to the
 * groups that hold it, so that vocab_expand() costs one lookup and a short walk.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <libstemmer.h>

#include "catalog/vocab.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/share.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"
#include "util/yaml.h"

#define SYNONYMS_PATH "semantic/synonyms.yml"
#define BUILTIN_NAME  "share/thesaurus.yml"

/* Longer words are not English words: they are kept as they are, unstemmed. */
#define MAX_STEM_BYTES 64

/* ---- characters ------------------------------------------------------------------------- */

enum char_class {
    CH_SEP,   /* separates words, dropped */
    CH_LOWER, /* a lowercase letter */
    CH_UPPER, /* an uppercase letter */
    CH_DIGIT,
    CH_OTHER, /* a byte of some other character: kept inside the word, no case */
};

/* One character of the text: its class, its length in bytes and its lowercase bytes. */
struct unit {
    enum char_class cls;
    size_t len;
    unsigned char low[2];
};

/*
 * Unicode spaces and punctuation that separate words as ASCII punctuation does: no-break
 * space and Latin-1 signs (U+00A0..U+00BF), the General Punctuation block (U+2000..U+206F:
 * dashes, curly quotes, ellipsis, bullets, zero-width spaces), the ideographic space and the
 * byte order mark. Returns the length of the sequence at s, or 0.
 */
static size_t unicode_separator(const unsigned char *s)
{
    if (s[0] == 0xC2 && s[1] >= 0xA0 && s[1] <= 0xBF)
        return 2;
    if (s[0] == 0xC3 && (s[1] == 0x97 || s[1] == 0xB7)) /* multiplication and division signs */
        return 2;
    if (s[0] == 0xE2 && (s[1] == 0x80 || s[1] == 0x81) && s[2] >= 0x80 && s[2] <= 0xBF)
        return 3;
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return 3;
    return 0;
}

/* The character at s (not at the terminating NUL). Reads no further than the NUL. */
static struct unit unit_at(const unsigned char *s)
{
    struct unit u = {CH_OTHER, 1, {s[0], 0}};
    unsigned char c = s[0];

    if (c >= 'a' && c <= 'z') {
        u.cls = CH_LOWER;
    } else if (c >= 'A' && c <= 'Z') {
        u.cls = CH_UPPER;
        u.low[0] = (unsigned char)(c + ('a' - 'A'));
    } else if (c >= '0' && c <= '9') {
        u.cls = CH_DIGIT;
    } else if (c < 0x80) {
        u.cls = CH_SEP;
    } else if ((u.len = unicode_separator(s)) != 0) {
        u.cls = CH_SEP;
    } else if (c == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
        /* Latin-1 letters: U+00C0..U+00DE are the capitals of U+00E0..U+00FE */
        u.len = 2;
        u.low[1] = s[1];
        u.cls = CH_LOWER;
        if (s[1] < 0x9F) {
            u.cls = CH_UPPER;
            u.low[1] = (unsigned char)(s[1] + 0x20);
        }
    } else {
        u.len = 1;
    }
    return u;
}

static int is_letter(enum char_class c)
{
    return c == CH_LOWER || c == CH_UPPER;
}

/* An apostrophe (' or U+2019) at s that joins two letters, as in "customer's". */
static int is_inner_apostrophe(const unsigned char *s, struct unit u, enum char_class prev)
{
    if (!is_letter(prev))
        return 0;
    if (u.len == 1 && s[0] == '\'')
        return is_letter(unit_at(s + 1).cls);
    if (u.len == 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x99)
        return is_letter(unit_at(s + 3).cls);
    return 0;
}

/* A lowercase "s" ending a run of capitals: the plural of an acronym ("URLs", "IDs"). */
static int is_acronym_plural(const unsigned char *s, struct unit u)
{
    enum char_class next = unit_at(s + u.len).cls;

    return s[0] == 's' && next != CH_LOWER && next != CH_OTHER;
}

/* Ends the word in out before its last character (last_len bytes), which starts the next. */
static void split_before_last(struct strbuf *out, size_t last_len)
{
    char last[2];

    memcpy(last, out->buf + out->len - last_len, last_len);
    strbuf_setlen(out, out->len - last_len);
    strbuf_addch(out, '\0');
    strbuf_add(out, last, last_len);
}

/*
 * Appends the words of text to out, each followed by a NUL; returns how many. Words break at
 * separators, between digits and non-digits, before an uppercase letter that follows a
 * lowercase one ("customerSegment"), and before the last capital of a run of capitals followed
 * by lowercase ("HTTPServer"), except for a plural "s" ("URLs", "customerIDs").
 */
static size_t split_words(const char *text, struct strbuf *out)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    enum char_class prev = CH_SEP, prev2 = CH_SEP, last_letter = CH_SEP;
    size_t i = 0, n = 0, prev_len = 0;

    while (s[i]) {
        struct unit u = unit_at(s + i);

        if (u.cls == CH_SEP) {
            if (is_inner_apostrophe(s + i, u, prev)) {
                i += u.len;
                continue;
            }
            if (prev != CH_SEP) {
                strbuf_addch(out, '\0');
                n++;
            }
            prev = prev2 = last_letter = CH_SEP;
            i += u.len;
            continue;
        }
        if (prev != CH_SEP && ((u.cls == CH_DIGIT) != (prev == CH_DIGIT) ||
                               (u.cls == CH_UPPER && last_letter == CH_LOWER))) {
            strbuf_addch(out, '\0');
            n++;
            prev = last_letter = CH_SEP;
        } else if (u.cls == CH_LOWER && prev == CH_UPPER && prev2 == CH_UPPER &&
                   !is_acronym_plural(s + i, u)) {
            split_before_last(out, prev_len);
            n++;
        }
        strbuf_add(out, u.low, u.len);
        prev2 = prev;
        prev = u.cls;
        prev_len = u.len;
        if (is_letter(u.cls))
            last_letter = u.cls;
        i += u.len;
    }
    if (prev != CH_SEP) {
        strbuf_addch(out, '\0');
        n++;
    }
    return n;
}

size_t vocab_split(const char *text, char ***out)
{
    struct strbuf words = STRBUF_INIT;
    size_t n = split_words(text, &words), i;
    const char *w = words.buf;

    *out = NULL;
    if (n) {
        *out = xcalloc(n, sizeof(**out));
        for (i = 0; i < n; i++) {
            (*out)[i] = xstrdup(w);
            w += strlen(w) + 1;
        }
    }
    strbuf_release(&words);
    return n;
}

/* ---- stemming --------------------------------------------------------------------------- */

/*
 * One stemmer for the process, made on first use. It is not thread-safe, so every call holds
 * stemmer_lock. It lives until exit, reachable from this pointer.
 */
static struct sb_stemmer *stemmer;
static pthread_once_t stemmer_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t stemmer_lock = PTHREAD_MUTEX_INITIALIZER;

static void stemmer_create(void)
{
    stemmer = sb_stemmer_new("english", NULL);
}

static void stemmer_acquire(void)
{
    pthread_once(&stemmer_once, stemmer_create);
    /* libstemmer returns NULL only when out of memory: exit as xmalloc() does */
    if (!stemmer)
        die("out of memory creating the English stemmer");
    pthread_mutex_lock(&stemmer_lock);
}

static void stemmer_release(void)
{
    pthread_mutex_unlock(&stemmer_lock);
}

static int is_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0, k, more;

    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            more = 1;
        else if (c >= 0xE0 && c <= 0xEF)
            more = 2;
        else if (c >= 0xF0 && c <= 0xF4)
            more = 3;
        else
            return 0;
        if (len - i <= more)
            return 0;
        for (k = 1; k <= more; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += more + 1;
    }
    return 1;
}

/*
 * Appends the stem of one lowercase word to sb; the caller holds stemmer_lock. Numbers, very
 * long words and bytes that are not UTF-8 are kept as they are.
 */
static void stem_locked(struct strbuf *sb, const char *word, size_t len)
{
    /* plurals the stemmer does not know: "sales people" is "sales person" */
    static const char *const irregular[][2] = {{"people", "person"},
                                               {"children", "child"},
                                               {"men", "man"},
                                               {"women", "woman"},
                                               {NULL, NULL}};
    const sb_symbol *stem;
    int stem_len;
    size_t k;

    for (k = 0; irregular[k][0]; k++)
        if (strlen(irregular[k][0]) == len && !memcmp(irregular[k][0], word, len)) {
            word = irregular[k][1];
            len = strlen(word);
            break;
        }

    if (!len || len > MAX_STEM_BYTES || (word[0] >= '0' && word[0] <= '9') ||
        !is_utf8((const unsigned char *)word, len)) {
        strbuf_add(sb, word, len);
        return;
    }
    stem = sb_stemmer_stem(stemmer, (const sb_symbol *)word, (int)len);
    if (!stem)
        die("out of memory stemming '%.*s'", (int)len, word);
    stem_len = sb_stemmer_length(stemmer);
    if (stem_len <= 0)
        strbuf_add(sb, word, len);
    else
        strbuf_add(sb, stem, (size_t)stem_len);
}

char *vocab_stem(const char *word)
{
    struct strbuf low = STRBUF_INIT, sb = STRBUF_INIT;
    const unsigned char *s = (const unsigned char *)word;
    size_t i = 0;

    while (s[i]) {
        struct unit u = unit_at(s + i);
        /* separators are copied as they are: only letters change case */
        if (u.cls == CH_SEP)
            strbuf_add(&low, s + i, u.len);
        else
            strbuf_add(&low, u.low, u.len);
        i += u.len;
    }
    stemmer_acquire();
    stem_locked(&sb, low.buf, low.len);
    stemmer_release();
    strbuf_release(&low);
    return strbuf_detach(&sb, NULL);
}

char *vocab_key(const char *text)
{
    struct strbuf words = STRBUF_INIT, key = STRBUF_INIT;
    size_t n = split_words(text, &words), i;
    const char *w = words.buf;

    if (n) {
        strbuf_grow(&key, words.len);
        stemmer_acquire();
        for (i = 0; i < n; i++) {
            size_t len = strlen(w);
            if (i)
                strbuf_addch(&key, ' ');
            stem_locked(&key, w, len);
            w += len + 1;
        }
        stemmer_release();
    }
    strbuf_release(&words);
    return strbuf_detach(&key, NULL);
}

/* ---- the thesaurus ---------------------------------------------------------------------- */

/* A key known to one kind of thesaurus, and the groups holding it. */
struct entry {
    char *key;
    uint64_t hash;
    size_t *groups; /* indexes into thesaurus.groups, ascending, each once */
    size_t ngroups, alloc;
};

/* A group of keys that mean the same: indexes into thesaurus.entries, each once. */
struct group {
    size_t *members;
    size_t n;
};

struct thesaurus {
    struct entry *entries;
    size_t nentries, entries_alloc;
    size_t *slots; /* open addressing, linear probing: entry index + 1, 0 when empty */
    size_t nslots; /* 0 or a power of two, at least twice nentries */
    struct group *groups;
    size_t ngroups, groups_alloc;
};

struct vocab {
    struct thesaurus kinds[2]; /* by enum vocab_kind */
};

static const char *const section_names[] = {
    [VOCAB_SYNONYMS] = "synonyms", [VOCAB_VALUES] = "values"};

/* FNV-1a, 64 bits. */
static uint64_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *p;

    for (p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot of key: the one holding it, or the empty one where it would go. */
static size_t find_slot(const struct thesaurus *t, const char *key, uint64_t hash)
{
    size_t mask = t->nslots - 1, i = (size_t)hash & mask;

    while (t->slots[i]) {
        const struct entry *e = &t->entries[t->slots[i] - 1];
        if (e->hash == hash && !strcmp(e->key, key))
            break;
        i = (i + 1) & mask;
    }
    return i;
}

static void rehash(struct thesaurus *t, size_t nslots)
{
    size_t i;

    free(t->slots);
    t->nslots = nslots;
    t->slots = xcalloc(nslots, sizeof(*t->slots));
    for (i = 0; i < t->nentries; i++) {
        size_t j = (size_t)t->entries[i].hash & (nslots - 1);
        while (t->slots[j])
            j = (j + 1) & (nslots - 1);
        t->slots[j] = i + 1;
    }
}

static const struct entry *lookup(const struct thesaurus *t, const char *key)
{
    size_t slot;

    if (!t->nentries)
        return NULL;
    slot = find_slot(t, key, hash_key(key));
    return t->slots[slot] ? &t->entries[t->slots[slot] - 1] : NULL;
}

/* The index of key's entry, added when new; takes ownership of key. */
static size_t intern(struct thesaurus *t, char *key)
{
    uint64_t hash = hash_key(key);
    size_t slot;
    struct entry *e;

    if ((t->nentries + 1) * 2 > t->nslots)
        rehash(t, t->nslots ? t->nslots * 2 : 64);
    slot = find_slot(t, key, hash);
    if (t->slots[slot]) {
        free(key);
        return t->slots[slot] - 1;
    }
    ALLOC_GROW(t->entries, t->nentries + 1, t->entries_alloc);
    e = &t->entries[t->nentries];
    memset(e, 0, sizeof(*e));
    e->key = key;
    e->hash = hash;
    t->slots[slot] = ++t->nentries;
    return t->nentries - 1;
}

/* Adds a group of keys (owned by the thesaurus from now on). */
static void add_group(struct thesaurus *t, char **keys, size_t nkeys)
{
    struct group *g;
    size_t i, j, gi = t->ngroups;

    ALLOC_GROW(t->groups, t->ngroups + 1, t->groups_alloc);
    g = &t->groups[t->ngroups++];
    g->members = xcalloc(nkeys, sizeof(*g->members));
    g->n = 0;
    for (i = 0; i < nkeys; i++) {
        size_t idx = intern(t, keys[i]);
        struct entry *e = &t->entries[idx];
        for (j = 0; j < g->n && g->members[j] != idx; j++)
            ;
        if (j < g->n)
            continue; /* two phrases with one key, as "sale" and "sales" */
        g->members[g->n++] = idx;
        ALLOC_GROW(e->groups, e->ngroups + 1, e->alloc);
        e->groups[e->ngroups++] = gi;
    }
}

static void thesaurus_release(struct thesaurus *t)
{
    size_t i;

    for (i = 0; i < t->nentries; i++) {
        free(t->entries[i].key);
        free(t->entries[i].groups);
    }
    for (i = 0; i < t->ngroups; i++)
        free(t->groups[i].members);
    free(t->entries);
    free(t->slots);
    free(t->groups);
    memset(t, 0, sizeof(*t));
}

struct vocab *vocab_new(void)
{
    return xcalloc(1, sizeof(struct vocab));
}

void vocab_free(struct vocab *v)
{
    if (!v)
        return;
    thesaurus_release(&v->kinds[VOCAB_SYNONYMS]);
    thesaurus_release(&v->kinds[VOCAB_VALUES]);
    free(v);
}

static const struct thesaurus *kind_of(const struct vocab *v, enum vocab_kind kind)
{
    if (kind != VOCAB_SYNONYMS && kind != VOCAB_VALUES)
        BUG("unknown vocabulary kind %d", (int)kind);
    return &v->kinds[kind];
}

size_t vocab_groups(const struct vocab *v, enum vocab_kind kind)
{
    return kind_of(v, kind)->ngroups;
}

size_t vocab_expand(const struct vocab *v, enum vocab_kind kind, const char *key, char ***out)
{
    const struct thesaurus *t = kind_of(v, kind);
    const struct entry *e = lookup(t, key);
    size_t *found = NULL, nfound = 0, alloc = 0, self, i, j, k;

    *out = NULL;
    if (!e)
        return 0;
    self = (size_t)(e - t->entries);
    for (i = 0; i < e->ngroups; i++) {
        const struct group *g = &t->groups[e->groups[i]];
        for (j = 0; j < g->n; j++) {
            size_t m = g->members[j];
            if (m == self)
                continue;
            for (k = 0; k < nfound && found[k] != m; k++)
                ;
            if (k < nfound)
                continue;
            ALLOC_GROW(found, nfound + 1, alloc);
            found[nfound++] = m;
        }
    }
    if (nfound) {
        *out = xcalloc(nfound, sizeof(**out));
        for (i = 0; i < nfound; i++)
            (*out)[i] = xstrdup(t->entries[found[i]].key);
    }
    free(found);
    return nfound;
}

/* ---- reading thesaurus files ------------------------------------------------------------ */

/* Groups read from one section of a file, before they join the thesaurus. */
struct pending_group {
    char **keys;
    size_t n;
};

struct pending {
    struct pending_group *groups;
    size_t n, alloc;
};

static void pending_release(struct pending *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        strv_free(p->groups[i].keys, p->groups[i].n);
    free(p->groups);
    memset(p, 0, sizeof(*p));
}

/* Reads one group: a list of at least two words or phrases, each reduced to its key. */
static int read_group(const char *name, const struct yaml_node *n, size_t number,
                      struct pending_group *out)
{
    size_t i;

    out->keys = NULL;
    out->n = 0;
    if (n->type != YAML_SEQ)
        return yaml_error_at(
            name, n, "group %zu is not a list of words (write it as [revenue, sales])", number);
    if (n->n < 2)
        return yaml_error_at(name, n, "group %zu needs at least two words that mean the same",
                             number);
    out->keys = xcalloc(n->n, sizeof(*out->keys));
    for (i = 0; i < n->n; i++) {
        const struct yaml_node *w = n->items[i];
        char *key;

        if (w->type != YAML_SCALAR || yaml_is_null(w))
            return yaml_error_at(name, w, "group %zu: item %zu is %s, not a word", number, i + 1,
                                 w->type == YAML_SCALAR ? "empty" : yaml_type_name(w->type));
        key = vocab_key(w->value);
        if (!*key) {
            free(key);
            return yaml_error_at(name, w, "group %zu: '%s' has no letters or digits", number,
                                 w->value);
        }
        out->keys[out->n++] = key;
    }
    return 0;
}

static int read_section(const char *name, const char *section, const struct yaml_node *n,
                        struct pending *out)
{
    size_t i;

    if (yaml_is_null(n))
        return 0;
    if (n->type != YAML_SEQ)
        return yaml_error_at(name, n,
                             "'%s' must be a list of groups, each a list of words like "
                             "[revenue, sales]",
                             section);
    for (i = 0; i < n->n; i++) {
        ALLOC_GROW(out->groups, out->n + 1, out->alloc);
        if (read_group(name, n->items[i], i + 1, &out->groups[out->n]) < 0) {
            strv_free(out->groups[out->n].keys, out->groups[out->n].n);
            return -1;
        }
        out->n++;
    }
    return 0;
}

int vocab_add_text(struct vocab *v, const char *name, const char *text, size_t len)
{
    struct yaml_node *root = NULL;
    struct pending sections[2];
    size_t i, j;
    int ret = -1, kind;

    memset(sections, 0, sizeof(sections));
    if (yaml_parse_string(name, text, len, &root) < 0)
        goto out;
    if (!root) {
        ret = 0; /* an empty file */
        goto out;
    }
    if (root->type != YAML_MAP) {
        yaml_error_at(name, root, "a thesaurus is a mapping with 'synonyms' and 'values', not %s",
                      yaml_type_name(root->type));
        goto out;
    }
    if (yaml_check_keys(name, root, section_names, 2) < 0)
        goto out;
    for (i = 0; i < root->n; i++) {
        const char *k = root->keys[i]->value;

        for (j = 0; j < i; j++) {
            if (!strcmp(k, root->keys[j]->value)) {
                yaml_error_at(name, root->keys[i], "duplicate key '%s' (first at line %d)", k,
                              root->keys[j]->line);
                goto out;
            }
        }
        kind = strcmp(k, section_names[0]) ? 1 : 0; /* one of the two: checked above */
        if (read_section(name, k, root->items[i], &sections[kind]) < 0)
            goto out;
    }
    /* the whole file is good: only now does it change v */
    for (kind = 0; kind < 2; kind++) {
        for (i = 0; i < sections[kind].n; i++) {
            struct pending_group *g = &sections[kind].groups[i];
            add_group(&v->kinds[kind], g->keys, g->n);
            free(g->keys);
            g->keys = NULL;
            g->n = 0;
        }
    }
    ret = 0;
out:
    pending_release(&sections[0]);
    pending_release(&sections[1]);
    yaml_node_free(root);
    return ret;
}

int vocab_load(const char *root, struct vocab **out)
{
    const struct share_file *builtin = share_find("thesaurus.yml");
    struct vocab *v = vocab_new();
    struct strbuf text = STRBUF_INIT;
    char *path = NULL;
    int ret = -1;

    *out = NULL;
    if (!builtin)
        BUG("share/thesaurus.yml is not embedded in the binary");
    if (vocab_add_text(v, BUILTIN_NAME, builtin->data, builtin->len) < 0)
        goto out;
    if (root) {
        path = fs_join(root, SYNONYMS_PATH);
        if (fs_is_file(path)) {
            if (fs_read_file(&text, path) < 0)
                goto out;
            if (vocab_add_text(v, SYNONYMS_PATH, text.buf, text.len) < 0)
                goto out;
        }
    }
    *out = v;
    v = NULL;
    ret = 0;
out:
    vocab_free(v);
    free(path);
    strbuf_release(&text);
    return ret;
}
