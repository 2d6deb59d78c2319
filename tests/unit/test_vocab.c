/*
 * catalog/vocab: splitting names into words, stems and keys, the built-in thesaurus, a
 * platform's semantic/synonyms.yml, and malformed thesaurus files named by file:line:column.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>

#include "catalog/vocab.h"
#include "testlib.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/strutil.h"
#include "util/xmalloc.h"

/* The words of text joined by '|', to compare a whole split at once. */
static char *split_joined(const char *text)
{
    struct strbuf sb = STRBUF_INIT;
    char **words;
    size_t n = vocab_split(text, &words), i;

    for (i = 0; i < n; i++) {
        cr_assert_not_null(words[i]);
        cr_assert(words[i][0], "empty word %zu in '%s'", i, text);
        strbuf_addf(&sb, "%s%s", i ? "|" : "", words[i]);
    }
    strv_free(words, n);
    return strbuf_detach(&sb, NULL);
}

static void expect_split(const char *text, const char *joined)
{
    char *got = split_joined(text);

    cr_expect_str_eq(got, joined, "split('%s') = '%s', expected '%s'", text, got, joined);
    free(got);
}

static void expect_key(const char *text, const char *key)
{
    char *got = vocab_key(text);

    cr_expect_str_eq(got, key, "key('%s') = '%s', expected '%s'", text, got, key);
    free(got);
}

static void expect_stem(const char *word, const char *stem)
{
    char *got = vocab_stem(word);

    cr_expect_str_eq(got, stem, "stem('%s') = '%s', expected '%s'", word, got, stem);
    free(got);
}

Test(vocab, splits_snake_camel_and_pascal_case)
{
    expect_split("stg_users", "stg|users");
    expect_split("order__line__items_", "order|line|items");
    expect_split("customerSegment", "customer|segment");
    expect_split("CustomerSegment", "customer|segment");
    expect_split("StudentPerformanceFactors", "student|performance|factors");
    expect_split("Customer_Segments", "customer|segments");
    expect_split("ORDER_ID", "order|id");
    expect_split("order-id.v2", "order|id|v|2");
}

Test(vocab, splits_acronyms_and_digits)
{
    expect_split("HTTPServer2", "http|server|2");
    expect_split("userID", "user|id");
    expect_split("parseHTTPResponse", "parse|http|response");
    expect_split("URLs", "urls");
    expect_split("customerIDs", "customer|ids");
    expect_split("SKUsByStore", "skus|by|store");
    expect_split("top10Items", "top|10|items");
    expect_split("Q3revenue2024", "q|3|revenue|2024");
    expect_split("2024", "2024");
}

Test(vocab, splits_spaces_and_punctuation)
{
    expect_split("Sales Person", "sales|person");
    expect_split("Home & Garden", "home|garden");
    expect_split("  total\tsales\n", "total|sales");
    expect_split("customer's orders", "customers|orders");
    expect_split("'quoted' -- text", "quoted|text");
    expect_split("e-mail", "e|mail");
}

Test(vocab, splits_nothing_into_no_words)
{
    const char *empty[] = {"", "   ", "\t\n", "&&--__", NULL};
    char **words = (char **)1;
    char *key;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(empty); i++) {
        cr_assert_eq(vocab_split(empty[i], &words), 0, "'%s'", empty[i] ? empty[i] : "NULL");
        cr_assert_null(words);
        key = vocab_key(empty[i]);
        cr_assert_str_empty(key);
        free(key);
    }
}

Test(vocab, keeps_unicode_inside_words)
{
    expect_split("Café_Crème", "café|crème");
    expect_split("naïveBayes", "naïve|bayes");
    expect_split("ÜberCool", "über|cool");
    expect_split("MÜNCHEN", "münchen");
    expect_split("São Paulo", "são|paulo");
    expect_split("日本の売上", "日本の売上");
    expect_split("東京2", "東京|2");
    /* Unicode punctuation separates like ASCII punctuation: en dash, curly quote, no-break space */
    expect_split("Home \xe2\x80\x93 Garden", "home|garden");
    expect_split("Men\xe2\x80\x99s Clothing", "mens|clothing");
    expect_split("net\xc2\xa0sales", "net|sales");
    /* bytes that are not UTF-8 stay in the word, and the key keeps them unstemmed */
    expect_split("ab\xff\xfe"
                 "cd",
                 "ab\xff\xfe"
                 "cd");
    expect_key("ab\xff\xfe"
               "cd",
               "ab\xff\xfe"
               "cd");
}

Test(vocab, stems_plurals_and_case)
{
    expect_stem("orders", "order");
    expect_stem("order", "order");
    expect_stem("categories", "categori");
    expect_stem("category", "categori");
    expect_stem("companies", "compani");
    expect_stem("company", "compani");
    expect_stem("revenue", "revenu");
    expect_stem("Orders", "order");
    expect_stem("SALES", "sale");
    expect_stem("2024", "2024");
    expect_stem("", "");
}

Test(vocab, keys_join_stems)
{
    char *a = vocab_key("Customer_Segments"), *b = vocab_key("customer segment");

    cr_assert_str_eq(a, "custom segment");
    cr_assert_str_eq(a, b);
    expect_key("StudentPerformanceFactors", "student perform factor");
    expect_key("  Sales   Person ", "sale person");
    expect_key("total_sales_2024", "total sale 2024");
    expect_key("Product Categories", "product categori");
    free(a);
    free(b);
}

/* Whether key expands to want (a text, reduced to its key first). */
static int expands_to(const struct vocab *v, enum vocab_kind kind, const char *text,
                      const char *want)
{
    char *key = vocab_key(text), *want_key = vocab_key(want), **out;
    size_t n = vocab_expand(v, kind, key, &out), i;
    int found = 0;

    for (i = 0; i < n; i++) {
        cr_assert_str_neq(out[i], key, "'%s' expands to itself", key);
        if (!strcmp(out[i], want_key))
            found = 1;
    }
    strv_free(out, n);
    free(key);
    free(want_key);
    return found;
}

Test(vocab, builtin_thesaurus_loads_and_expands)
{
    struct vocab *v;

    cr_assert_eq(vocab_load(NULL, &v), 0, "%s", error_last());
    cr_assert_geq(vocab_groups(v, VOCAB_SYNONYMS), 80);
    cr_assert_geq(vocab_groups(v, VOCAB_VALUES), 51 + 40);

    cr_assert(expands_to(v, VOCAB_SYNONYMS, "sales", "revenue"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "Revenue", "sales"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "customers", "client"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "qty", "quantity"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "films", "movie"));
    /* deliberately not synonyms */
    cr_assert_not(expands_to(v, VOCAB_SYNONYMS, "price", "cost"));
    cr_assert_not(expands_to(v, VOCAB_SYNONYMS, "profit", "margin"));
    cr_assert_not(expands_to(v, VOCAB_SYNONYMS, "customer", "user"));

    /* values: codes only among values, never among words for columns */
    cr_assert(expands_to(v, VOCAB_VALUES, "Texas", "TX"));
    cr_assert(expands_to(v, VOCAB_VALUES, "tx", "texas"));
    cr_assert(expands_to(v, VOCAB_VALUES, "New York", "NY"));
    cr_assert(expands_to(v, VOCAB_VALUES, "Germany", "DEU"));
    cr_assert(expands_to(v, VOCAB_VALUES, "U.S.A.", "United States"));
    cr_assert_not(expands_to(v, VOCAB_SYNONYMS, "texas", "tx"));
    cr_assert_not(expands_to(v, VOCAB_VALUES, "sales", "revenue"));
    vocab_free(v);
}

Test(vocab, multi_word_phrases_are_one_key)
{
    struct vocab *v;
    char *key = vocab_key("Lifetime Value"), **out;
    size_t n;

    cr_assert_eq(vocab_load(NULL, &v), 0, "%s", error_last());
    cr_assert_str_eq(key, "lifetim valu");
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "lifetime value", "ltv"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "LTV", "lifetime value"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "customer_lifetime_value", "ltv"));
    /* a word of a phrase is not the phrase */
    n = vocab_expand(v, VOCAB_SYNONYMS, "lifetim", &out);
    cr_assert_eq(n, 0);
    cr_assert_null(out);
    free(key);
    vocab_free(v);
}

Test(vocab, expands_each_key_once_across_groups)
{
    static const char text[] = "synonyms:\n"
                               "  - [alpha, beta]\n"
                               "  - [Alphas, gamma, beta]\n"
                               "  - [delta, epsilon]\n";
    struct vocab *v = vocab_new();
    char **out;
    size_t n;

    cr_assert_eq(vocab_add_text(v, "t.yml", text, strlen(text)), 0, "%s", error_last());
    cr_assert_eq(vocab_groups(v, VOCAB_SYNONYMS), 3);
    cr_assert_eq(vocab_groups(v, VOCAB_VALUES), 0);
    n = vocab_expand(v, VOCAB_SYNONYMS, "alpha", &out);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(out[0], "beta");
    cr_assert_str_eq(out[1], "gamma");
    strv_free(out, n);
    /* not transitive: gamma is with alpha and beta, never with delta */
    n = vocab_expand(v, VOCAB_SYNONYMS, "gamma", &out);
    cr_assert_eq(n, 2);
    strv_free(out, n);
    n = vocab_expand(v, VOCAB_SYNONYMS, "zeta", &out);
    cr_assert_eq(n, 0);
    cr_assert_null(out);
    vocab_free(v);
}

Test(vocab, many_groups_grow_the_table)
{
    struct strbuf text = STRBUF_INIT;
    struct vocab *v = vocab_new();
    char **out, *want;
    size_t i, n;

    strbuf_addstr(&text, "values:\n");
    for (i = 0; i < 5000; i++)
        strbuf_addf(&text, "  - [w%zux, code%zuq]\n", i, i);
    cr_assert_eq(vocab_add_text(v, "big.yml", text.buf, text.len), 0, "%s", error_last());
    cr_assert_eq(vocab_groups(v, VOCAB_VALUES), 5000);
    for (i = 0; i < 5000; i += 7) {
        char *key = xstrfmt("w %zu x", i);
        want = xstrfmt("code %zu q", i);
        n = vocab_expand(v, VOCAB_VALUES, key, &out);
        cr_assert_eq(n, 1, "%s", key);
        cr_assert_str_eq(out[0], want);
        strv_free(out, n);
        free(key);
        free(want);
    }
    strbuf_release(&text);
    vocab_free(v);
}

Test(vocab, platform_synonyms_extend_the_builtin)
{
    char *dir = tl_tmpdir();
    struct vocab *builtin, *v;

    tl_write(dir, "semantic/synonyms.yml",
             "# our own words\n"
             "synonyms:\n"
             "  - [member, customer]\n"
             "  - [gizmo, widget]\n"
             "values:\n"
             "  - [Lone Star State, texas]\n");
    cr_assert_eq(vocab_load(NULL, &builtin), 0, "%s", error_last());
    cr_assert_eq(vocab_load(dir, &v), 0, "%s", error_last());
    cr_assert_eq(vocab_groups(v, VOCAB_SYNONYMS), vocab_groups(builtin, VOCAB_SYNONYMS) + 2);
    cr_assert_eq(vocab_groups(v, VOCAB_VALUES), vocab_groups(builtin, VOCAB_VALUES) + 1);
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "gizmos", "widget"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "members", "customer"));
    /* customer now means member too, and still client */
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "customer", "member"));
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "customer", "client"));
    cr_assert_not(expands_to(builtin, VOCAB_SYNONYMS, "customer", "member"));
    cr_assert(expands_to(v, VOCAB_VALUES, "texas", "lone star state"));
    cr_assert(expands_to(v, VOCAB_VALUES, "texas", "tx"));
    vocab_free(builtin);
    vocab_free(v);
    tl_rmdir(dir);
    free(dir);
}

Test(vocab, a_platform_without_synonyms_gets_the_builtin)
{
    char *dir = tl_tmpdir();
    struct vocab *v;

    cr_assert_eq(vocab_load(dir, &v), 0, "%s", error_last());
    cr_assert(expands_to(v, VOCAB_SYNONYMS, "sales", "revenue"));
    vocab_free(v);
    tl_rmdir(dir);
    free(dir);
}

static void expect_error(const char *text, const char *where, const char *what)
{
    static const char good[] = "synonyms:\n  - [apple, pear]\n";
    struct vocab *v = vocab_new();
    char **out;
    size_t n;

    cr_assert_eq(vocab_add_text(v, "good.yml", good, strlen(good)), 0);
    error_quiet(1);
    cr_assert_eq(vocab_add_text(v, "semantic/synonyms.yml", text, strlen(text)), -1,
                 "accepted:\n%s", text);
    error_quiet(0);
    cr_assert(strstr(error_last(), where) != NULL, "'%s' not in '%s'", where, error_last());
    cr_assert(strstr(error_last(), what) != NULL, "'%s' not in '%s'", what, error_last());
    /* all or nothing: the groups before the mistake were not added */
    cr_assert_eq(vocab_groups(v, VOCAB_SYNONYMS), 1);
    cr_assert_eq(vocab_groups(v, VOCAB_VALUES), 0);
    n = vocab_expand(v, VOCAB_SYNONYMS, "sale", &out);
    cr_assert_eq(n, 0);
    vocab_free(v);
}

Test(vocab, malformed_files_name_line_and_column)
{
    expect_error("synonyms:\n  - [revenue, sales\n", "semantic/synonyms.yml:3:1", "");
    expect_error("synonym:\n  - [revenue, sales]\n", "semantic/synonyms.yml:1:1",
                 "unknown key 'synonym' (did you mean 'synonyms'?)");
    expect_error("synonyms: []\nvalue:\n  - [tx, texas]\n", "semantic/synonyms.yml:2:1",
                 "did you mean 'values'?");
    expect_error("words:\n  - [a, b]\n", "semantic/synonyms.yml:1:1",
                 "unknown key 'words' (known: synonyms, values)");
    expect_error("synonyms:\n  - [revenue, sales]\n  - revenue\n", "semantic/synonyms.yml:3:5",
                 "group 2 is not a list of words");
    expect_error("synonyms:\n  - [revenue, sales]\n  - {a: b}\n", "semantic/synonyms.yml:3:5",
                 "group 2 is not a list of words");
    expect_error("values:\n  - [texas, [tx, tex]]\n", "semantic/synonyms.yml:2:13",
                 "group 1: item 2 is a list, not a word");
    expect_error("synonyms:\n  - [revenue, ~]\n", "semantic/synonyms.yml:2:15",
                 "group 1: item 2 is empty, not a word");
    expect_error("synonyms:\n  - [revenue]\n", "semantic/synonyms.yml:2:5",
                 "group 1 needs at least two words");
    expect_error("synonyms:\n  - [revenue, '&&']\n", "semantic/synonyms.yml:2:15",
                 "'&&' has no letters or digits");
    expect_error("synonyms: revenue\n", "semantic/synonyms.yml:1:11",
                 "'synonyms' must be a list of groups");
    expect_error("- [a, b]\n", "semantic/synonyms.yml:1:1", "a mapping");
    expect_error("synonyms: []\nsynonyms: []\n", "semantic/synonyms.yml:2:1", "duplicate key");
}

Test(vocab, empty_and_null_sections_are_fine)
{
    static const char *const texts[] = {"", "# nothing yet\n", "synonyms:\nvalues: []\n"};
    struct vocab *v = vocab_new();
    size_t i;

    for (i = 0; i < ARRAY_SIZE(texts); i++)
        cr_assert_eq(vocab_add_text(v, "e.yml", texts[i], strlen(texts[i])), 0, "%s", error_last());
    cr_assert_eq(vocab_groups(v, VOCAB_SYNONYMS), 0);
    vocab_free(v);
}

Test(vocab, load_names_the_platform_file)
{
    char *dir = tl_tmpdir();
    struct vocab *v = (struct vocab *)1;

    tl_write(dir, "semantic/synonyms.yml", "synonyms:\n  - [a, b]\n  - c\n");
    error_quiet(1);
    cr_assert_eq(vocab_load(dir, &v), -1);
    error_quiet(0);
    cr_assert_null(v);
    cr_assert(strstr(error_last(), "semantic/synonyms.yml:3:5: group 2 is not a list of words"),
              "%s", error_last());
    tl_rmdir(dir);
    free(dir);
}

/* Keys computed by several threads at once must equal the keys computed alone. */
static const char *const thread_texts[] = {
    "customerSegments",   "Product Categories", "StudentPerformanceFactors",
    "companies_by_state", "HTTPServer2",        "Orders"};

static void *key_many(void *arg)
{
    char **expected = arg;
    size_t i, j;

    for (i = 0; i < 2000; i++) {
        for (j = 0; j < ARRAY_SIZE(thread_texts); j++) {
            char *k = vocab_key(thread_texts[j]);
            if (strcmp(k, expected[j])) {
                free(k);
                return (void *)1;
            }
            free(k);
        }
    }
    return NULL;
}

Test(vocab, keys_are_thread_safe)
{
    char *expected[ARRAY_SIZE(thread_texts)];
    pthread_t t[4];
    void *res;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(thread_texts); i++)
        expected[i] = vocab_key(thread_texts[i]);
    for (i = 0; i < ARRAY_SIZE(t); i++)
        cr_assert_eq(pthread_create(&t[i], NULL, key_many, expected), 0);
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        cr_assert_eq(pthread_join(t[i], &res), 0);
        cr_assert_null(res, "thread %zu computed a different key", i);
    }
    for (i = 0; i < ARRAY_SIZE(thread_texts); i++)
        free(expected[i]);
}
