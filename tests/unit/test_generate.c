/*
 * Unit tests for the sample data generator (platform/generate.h): determinism, shapes, value
 * ranges, fault rates and the correlations spec/ecommerce-data.md promises. The files are read
 * back with a small CSV splitter (the generator never quotes: no value holds a comma).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "platform/generate.h"
#include "testlib.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/xmalloc.h"

struct csv {
    struct strbuf text;
    char **cells; /* nrows * ncols, pointing into text */
    size_t ncols, nrows;
    char **header;
};

static void csv_load(struct csv *t, const char *dir, const char *rel)
{
    char *path = fs_join(dir, rel), *p, *line;
    size_t alloc = 0, n = 0, col;

    memset(t, 0, sizeof(*t));
    strbuf_init(&t->text, 0);
    cr_assert_eq(fs_read_file(&t->text, path), 0, "cannot read %s", path);
    free(path);
    p = t->text.buf;
    for (line = p; *line; line = p) {
        char *nl = strchr(line, '\n');
        cr_assert(nl, "%s: last line not terminated", rel);
        *nl = '\0';
        p = nl + 1;
        col = 0;
        for (;;) {
            char *comma = strchr(line, ',');
            ALLOC_GROW(t->cells, n + 1, alloc);
            t->cells[n++] = line;
            col++;
            if (!comma)
                break;
            *comma = '\0';
            line = comma + 1;
        }
        if (!t->ncols)
            t->ncols = col;
        cr_assert_eq(col, t->ncols, "%s: row %zu has %zu fields, header has %zu", rel, n / t->ncols,
                     col, t->ncols);
    }
    t->header = t->cells;
    t->nrows = n / t->ncols - 1;
}

static void csv_release(struct csv *t)
{
    strbuf_release(&t->text);
    free(t->cells);
}

static size_t col(const struct csv *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->ncols; i++)
        if (!strcmp(t->header[i], name))
            return i;
    cr_assert_fail("no column %s", name);
    return 0;
}

/* Cell of data row r (0-based), column c. */
static const char *cell(const struct csv *t, size_t r, size_t c)
{
    return t->cells[(r + 1) * t->ncols + c];
}

static void run(const char *dir, double scale, uint64_t seed)
{
    struct generate_options o = {0};
    struct generate_report rep;

    o.scale = scale;
    o.seed = seed;
    o.seed_set = 1;
    cr_assert_eq(generate_run(dir, &o, &rep), 0, "%s", error_last());
    cr_assert_eq(rep.nr, 5);
    generate_report_release(&rep);
}

static const char *const files[] = {"sources/postgres/products.csv", "sources/postgres/users.csv",
                                    "sources/salesforce/campaigns.csv",
                                    "sources/analytics/pageviews.csv",
                                    "sources/postgres/transactions.csv"};

static int same_file(const char *a_dir, const char *b_dir, const char *rel)
{
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    char *pa = fs_join(a_dir, rel), *pb = fs_join(b_dir, rel);
    int same;

    cr_assert_eq(fs_read_file(&a, pa), 0);
    cr_assert_eq(fs_read_file(&b, pb), 0);
    same = a.len == b.len && !memcmp(a.buf, b.buf, a.len);
    strbuf_release(&a);
    strbuf_release(&b);
    free(pa);
    free(pb);
    return same;
}

Test(generate, same_seed_same_bytes_other_seed_other_bytes)
{
    char *a = tl_tmpdir(), *b = tl_tmpdir(), *c = tl_tmpdir();
    size_t i;

    run(a, 0.1, 7);
    run(b, 0.1, 7);
    run(c, 0.1, 8);
    for (i = 0; i < ARRAY_SIZE(files); i++) {
        cr_assert(same_file(a, b, files[i]), "%s differs between two runs", files[i]);
        cr_assert(!same_file(a, c, files[i]), "%s is the same for seeds 7 and 8", files[i]);
    }
    tl_rmdir(a);
    tl_rmdir(b);
    tl_rmdir(c);
    free(a);
    free(b);
    free(c);
}

Test(generate, headers_and_row_counts)
{
    static const char *const headers[] = {
        "product_id,product_name,brand,category,price,cost,stock_quantity,created_at,updated_at",
        "user_id,email,first_name,last_name,city,state,age,customer_segment,created_at,"
        "last_login",
        "campaign_id,campaign_name,campaign_type,platform,product_id,start_date,end_date,budget,"
        "actual_spend,impressions,clicks,created_at",
        "event_id,event_time,user_id,session_id,page_type,product_id,campaign_id,device,browser,"
        "session_duration_seconds",
        "transaction_id,user_id,product_id,transaction_date,quantity,price,subtotal,tax,shipping,"
        "discount,discount_code,total,payment_method,status,campaign_id,created_at"};
    char *dir = tl_tmpdir();
    struct csv t[5];
    size_t i;
    DIR *d;
    struct dirent *e;
    char *sub;

    run(dir, 0.1, GENERATE_DEFAULT_SEED);
    for (i = 0; i < 5; i++) {
        struct strbuf h = STRBUF_INIT;
        size_t c;

        csv_load(&t[i], dir, files[i]);
        for (c = 0; c < t[i].ncols; c++) {
            if (c)
                strbuf_addch(&h, ',');
            strbuf_addstr(&h, t[i].header[c]);
        }
        cr_assert_str_eq(h.buf, headers[i]);
        strbuf_release(&h);
    }
    cr_assert(t[0].nrows >= 33 && t[0].nrows <= 99, "%zu products", t[0].nrows);
    cr_assert_eq(t[1].nrows, 500);
    cr_assert(t[2].nrows >= 50 && t[2].nrows <= 250, "%zu campaign rows", t[2].nrows);
    cr_assert_eq(t[3].nrows, 5000);
    cr_assert(t[4].nrows >= 3000 && t[4].nrows <= 4400, "%zu transaction lines", t[4].nrows);
    for (i = 0; i < 5; i++)
        csv_release(&t[i]);

    /* no temporary files left behind */
    sub = fs_join(dir, "sources/postgres");
    d = opendir(sub);
    cr_assert(d);
    while ((e = readdir(d)))
        cr_assert(e->d_name[0] != '.' || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."),
                  "left over: %s", e->d_name);
    closedir(d);
    free(sub);
    tl_rmdir(dir);
    free(dir);
}

/* 1 when s is "YYYY-MM-DDTHH:MM:SS". */
static int is_timestamp(const char *s)
{
    static const char shape[] = "dddd-dd-ddTdd:dd:dd";
    size_t i;

    for (i = 0; shape[i]; i++)
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
            return 0;
    return s[i] == '\0';
}

static void assert_near(double got, double want, double tol, const char *what)
{
    cr_assert(fabs(got - want) <= tol, "%s: %.4f, expected %.4f +/- %.4f", what, got, want, tol);
}

/* The whole generated data set at scale 1, loaded once for the tests below. */
static char *big;
static struct csv P, U, C, V, T;

static void load_big(void)
{
    big = tl_tmpdir();
    run(big, 1, 1234);
    csv_load(&P, big, files[0]);
    csv_load(&U, big, files[1]);
    csv_load(&C, big, files[2]);
    csv_load(&V, big, files[3]);
    csv_load(&T, big, files[4]);
}

static void drop_big(void)
{
    csv_release(&P);
    csv_release(&U);
    csv_release(&C);
    csv_release(&V);
    csv_release(&T);
    tl_rmdir(big);
    free(big);
}

TestSuite(generate_data, .init = load_big, .fini = drop_big);

Test(generate_data, users_ranges_and_faults)
{
    size_t i, n = U.nrows, null_email = 0, no_at = 0, null_place = 0, bad_age = 0, seg[4] = {0};
    size_t c_email = col(&U, "email"), c_city = col(&U, "city"), c_state = col(&U, "state"),
           c_age = col(&U, "age"), c_seg = col(&U, "customer_segment");
    static const char *const segs[] = {"high_value", "medium_value", "low_value", "churned"};

    cr_assert_eq(n, 5000);
    for (i = 0; i < n; i++) {
        const char *email = cell(&U, i, c_email);
        long age = strtol(cell(&U, i, c_age), NULL, 10);
        int s;

        null_email += !*email;
        no_at += *email && !strchr(email, '@');
        cr_assert_eq(!*cell(&U, i, c_city), !*cell(&U, i, c_state), "city and state go together");
        null_place += !*cell(&U, i, c_city);
        if (age < 18 || age > 75) {
            cr_assert(age == 0 || age == -5 || age == 150 || age == 999, "age %ld", age);
            bad_age++;
        }
        for (s = 0; s < 4 && strcmp(cell(&U, i, c_seg), segs[s]); s++)
            ;
        cr_assert_lt(s, 4, "segment %s", cell(&U, i, c_seg));
        seg[s]++;
        cr_assert(is_timestamp(cell(&U, i, col(&U, "created_at"))));
        cr_assert(strcmp(cell(&U, i, col(&U, "last_login")), cell(&U, i, col(&U, "created_at"))) >=
                  0);
    }
    assert_near((double)null_email / n, 0.03, 0.01, "NULL email");
    assert_near((double)no_at / n, 0.02, 0.008, "email without domain");
    assert_near((double)null_place / n, 0.10, 0.02, "NULL city+state");
    assert_near((double)bad_age / n, 0.05, 0.012, "impossible age");
    assert_near((double)seg[0] / n, 0.10, 0.02, "high_value");
    assert_near((double)seg[1] / n, 0.30, 0.03, "medium_value");
    assert_near((double)seg[2] / n, 0.50, 0.03, "low_value");
}

Test(generate_data, campaigns_ranges_and_faults)
{
    size_t i, n = C.nrows, null_spend = 0, neg_imp = 0, too_many = 0;
    size_t c_imp = col(&C, "impressions"), c_clk = col(&C, "clicks");

    cr_assert(n >= 1200 && n <= 1800, "%zu campaign rows", n);
    for (i = 0; i < n; i++) {
        long long imp = strtoll(cell(&C, i, c_imp), NULL, 10);
        long long clk = strtoll(cell(&C, i, c_clk), NULL, 10);
        const char *start = cell(&C, i, col(&C, "start_date")),
                   *end = cell(&C, i, col(&C, "end_date"));

        cr_assert_eq(strtoull(cell(&C, i, col(&C, "campaign_id")), NULL, 10), i + 1,
                     "campaign_id is the row number");
        cr_assert(strcmp(start, end) < 0 && strlen(start) == 10);
        cr_assert(strstr(cell(&C, i, col(&C, "campaign_name")), cell(&C, i, col(&C, "platform"))));
        null_spend += !*cell(&C, i, col(&C, "actual_spend"));
        neg_imp += imp < 0;
        too_many += clk > llabs(imp);
    }
    assert_near((double)null_spend / n, 0.05, 0.02, "NULL actual_spend");
    assert_near((double)neg_imp / n, 0.03, 0.015, "negative impressions");
    assert_near((double)too_many / n, 0.02, 0.012, "clicks > impressions");
}

/* Index of the campaign row with this id (ids are row numbers). */
static size_t campaign_row(const char *id)
{
    size_t r = strtoull(id, NULL, 10) - 1;

    cr_assert_lt(r, C.nrows, "campaign %s does not exist", id);
    return r;
}

/* The campaign row promotes product and is live on the day of the timestamp ts. */
static void assert_live(const char *campaign, const char *product, const char *ts)
{
    size_t r = campaign_row(campaign);
    char day[11];

    memcpy(day, ts, 10);
    day[10] = '\0';
    cr_assert_str_eq(cell(&C, r, col(&C, "product_id")), product,
                     "campaign %s does not promote product %s", campaign, product);
    cr_assert(strcmp(cell(&C, r, col(&C, "start_date")), day) <= 0 &&
                  strcmp(cell(&C, r, col(&C, "end_date")), day) >= 0,
              "campaign %s is not live on %s", campaign, day);
}

Test(generate_data, pageviews_ranges_faults_and_attribution)
{
    size_t i, n = V.nrows, null_dev = 0, neg = 0, future = 0, users = 0, attributed = 0, pd = 0;
    size_t c_user = col(&V, "user_id"), c_time = col(&V, "event_time"),
           c_page = col(&V, "page_type"), c_prod = col(&V, "product_id"),
           c_camp = col(&V, "campaign_id"), c_dur = col(&V, "session_duration_seconds");

    cr_assert_eq(n, 50000);
    for (i = 0; i < n; i++) {
        const char *t = cell(&V, i, c_time), *user = cell(&V, i, c_user);
        long d = strtol(cell(&V, i, c_dur), NULL, 10);
        int detail = !strcmp(cell(&V, i, c_page), "product_detail");

        cr_assert(is_timestamp(t), "%s", t);
        cr_assert_eq(!*cell(&V, i, col(&V, "device")), !*cell(&V, i, col(&V, "browser")));
        null_dev += !*cell(&V, i, col(&V, "device"));
        cr_assert(labs(d) >= 60 && labs(d) <= 1800 + 300, "duration %ld", d);
        neg += d < 0;
        future += !strncmp(t, "2030", 4);
        cr_assert_eq(detail, *cell(&V, i, c_prod) != '\0', "product_id only on product pages");
        pd += detail;
        if (*user) {
            size_t u = strtoull(user, NULL, 10) - 1;
            cr_assert_lt(u, U.nrows);
            if (strncmp(t, "2030", 4))
                cr_assert(strcmp(cell(&U, u, col(&U, "created_at")), t) <= 0,
                          "user %s viewed a page before signing up", user);
            users++;
        }
        if (*cell(&V, i, c_camp)) {
            attributed++;
            if (strncmp(t, "2030", 4))
                assert_live(cell(&V, i, c_camp), cell(&V, i, c_prod), t);
        }
    }
    assert_near((double)null_dev / n, 0.05, 0.006, "NULL device+browser");
    assert_near((double)neg / n, 0.02, 0.004, "negative duration");
    assert_near((double)future / n, 0.03, 0.005, "events in 2030");
    assert_near((double)users / n, 0.70, 0.03, "registered visitors");
    cr_assert_gt(attributed, pd / 5, "campaigns drive product page attribution");
}

Test(generate_data, transactions_orders_faults_and_correlations)
{
    size_t c_id = col(&T, "transaction_id"), c_user = col(&T, "user_id"),
           c_prod = col(&T, "product_id"), c_date = col(&T, "transaction_date"),
           c_price = col(&T, "price"), c_camp = col(&T, "campaign_id");
    static const char *const order_cols[] = {"subtotal",      "tax",   "shipping",       "discount",
                                             "discount_code", "total", "payment_method", "status"};
    size_t i, start, n = T.nrows, orders = 0, null_pay = 0, neg_total = 0, completed = 0;
    size_t extra = 0, extra_same = 0, disc = 0, reused = 0, max_id = 0;
    double per_seg[4] = {0}, users_seg[4] = {0};
    size_t c_seg = col(&U, "customer_segment"), c_cat = col(&P, "category");
    static const char *const segs[] = {"high_value", "medium_value", "low_value", "churned"};
    size_t *order_count = xcalloc(U.nrows, sizeof(size_t));
    char(*cats)[32] = xcalloc(P.nrows, 32);

    cr_assert(n >= 32000 && n <= 40000, "%zu lines", n);
    /* a product's true category; the file hides a few: take them from the name's type */
    for (i = 0; i < P.nrows; i++)
        snprintf(cats[i], 32, "%s", *cell(&P, i, c_cat) ? cell(&P, i, c_cat) : "?");

    for (start = 0; start < n; start = i) {
        double sub = 0, subtotal, tax, shipping, discount, total;
        size_t first_prod = strtoull(cell(&T, start, c_prod), NULL, 10) - 1, id, k;

        /* an order: consecutive lines with the same id, user and date */
        for (i = start; i < n && !strcmp(cell(&T, i, c_id), cell(&T, start, c_id)) &&
                        !strcmp(cell(&T, i, c_user), cell(&T, start, c_user)) &&
                        !strcmp(cell(&T, i, c_date), cell(&T, start, c_date));
             i++) {
            size_t p = strtoull(cell(&T, i, c_prod), NULL, 10) - 1;

            for (k = 0; k < ARRAY_SIZE(order_cols); k++)
                cr_assert_str_eq(
                    cell(&T, i, col(&T, order_cols[k])), cell(&T, start, col(&T, order_cols[k])),
                    "%s differs within order %s", order_cols[k], cell(&T, start, c_id));
            cr_assert_lt(p, P.nrows);
            cr_assert_str_eq(cell(&T, i, col(&T, "quantity")), "1");
            sub += strtod(cell(&T, i, c_price), NULL);
            if (i > start && strcmp(cats[first_prod], "?") && strcmp(cats[p], "?")) {
                extra++;
                extra_same += !strcmp(cats[p], cats[first_prod]);
            }
            if (*cell(&T, i, c_camp))
                assert_live(cell(&T, i, c_camp), cell(&T, i, c_prod), cell(&T, i, c_date));
        }
        cr_assert_leq(i - start, 5, "at most 5 items per order");
        subtotal = strtod(cell(&T, start, col(&T, "subtotal")), NULL);
        tax = strtod(cell(&T, start, col(&T, "tax")), NULL);
        shipping = strtod(cell(&T, start, col(&T, "shipping")), NULL);
        discount = strtod(cell(&T, start, col(&T, "discount")), NULL);
        total = strtod(cell(&T, start, col(&T, "total")), NULL);
        assert_near(subtotal, sub, 0.005, "subtotal = sum of line prices");
        assert_near(tax, subtotal * 0.08, 0.006, "tax = 8%");
        cr_assert_eq(shipping, subtotal > 50 ? 0 : 8);
        assert_near(fabs(total), subtotal + tax + shipping - discount, 0.005, "total");
        cr_assert_eq(discount > 0, *cell(&T, start, col(&T, "discount_code")) != '\0');
        orders++;
        disc += discount > 0;
        null_pay += !*cell(&T, start, col(&T, "payment_method"));
        neg_total += total < 0;
        completed += !strcmp(cell(&T, start, col(&T, "status")), "completed");
        id = strtoull(cell(&T, start, c_id), NULL, 10);
        if (id <= max_id)
            reused++;
        else
            max_id = id;
        order_count[strtoull(cell(&T, start, c_user), NULL, 10) - 1]++;
    }
    for (i = 0; i < U.nrows; i++) {
        int s;
        for (s = 0; strcmp(cell(&U, i, c_seg), segs[s]); s++)
            ;
        per_seg[s] += (double)order_count[i];
        users_seg[s]++;
    }
    cr_assert(orders >= 16000 && orders <= 21000, "%zu orders", orders);
    assert_near((double)null_pay / orders, 0.05, 0.008, "NULL payment_method");
    assert_near((double)neg_total / orders, 0.02, 0.005, "negative total");
    assert_near((double)reused / orders, 0.03, 0.006, "reused transaction_id");
    assert_near((double)completed / orders, 0.90, 0.015, "completed");
    assert_near((double)disc / orders, 0.10, 0.012, "discounted orders");
    assert_near(per_seg[0] / users_seg[0], 12, 0.5, "orders per high_value user");
    assert_near(per_seg[1] / users_seg[1], 5, 0.3, "orders per medium_value user");
    assert_near(per_seg[2] / users_seg[2], 2, 0.2, "orders per low_value user");
    cr_assert_gt(per_seg[2] / users_seg[2], per_seg[3] / users_seg[3]);
    /* 60% from the first item's category, plus a fifth of the random 40% */
    cr_assert_gt((double)extra_same / (double)extra, 0.6, "multi-item orders favour a category");
    free(order_count);
    free(cats);
}

Test(generate, product_faults_over_many_seeds)
{
    size_t n = 0, null_brand = 0, null_cat = 0, neg_price = 0, old = 0, old_null_stock = 0;
    uint64_t seed;

    for (seed = 1; seed <= 20; seed++) {
        char *dir = tl_tmpdir();
        struct csv p;
        size_t i;

        run(dir, 0.01, seed);
        csv_load(&p, dir, files[0]);
        cr_assert(p.nrows >= 33 && p.nrows <= 99);
        for (i = 0; i < p.nrows; i++) {
            double price = strtod(cell(&p, i, col(&p, "price")), NULL);
            double cost = strtod(cell(&p, i, col(&p, "cost")), NULL);
            const char *brand = cell(&p, i, col(&p, "brand"));

            n++;
            null_brand += !*brand;
            if (*brand)
                cr_assert(!strncmp(cell(&p, i, col(&p, "product_name")), brand, strlen(brand)),
                          "name starts with the brand");
            null_cat += !*cell(&p, i, col(&p, "category"));
            neg_price += price < 0;
            cr_assert(cost >= fabs(price) * 0.3 - 0.01 && cost <= fabs(price) * 0.7 + 0.01);
            cr_assert(fabs(price) >= 10 && fabs(price) <= 1500);
            if (strcmp(cell(&p, i, col(&p, "created_at")), "2021") < 0) {
                old++;
                old_null_stock += !*cell(&p, i, col(&p, "stock_quantity"));
            } else {
                cr_assert(*cell(&p, i, col(&p, "stock_quantity")), "only old products lack stock");
            }
        }
        csv_release(&p);
        tl_rmdir(dir);
        free(dir);
    }
    assert_near((double)null_brand / n, 0.05, 0.02, "NULL brand");
    assert_near((double)null_cat / n, 0.02, 0.012, "NULL category");
    assert_near((double)neg_price / n, 0.03, 0.015, "negative price");
    assert_near((double)old_null_stock / old, 0.10, 0.05, "NULL stock on old products");
}
