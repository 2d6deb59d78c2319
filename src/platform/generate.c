/*
 * mdp generate's library: the sample e-commerce sources of spec/ecommerce-data.md, written
 * from one seeded xoshiro256** stream in a fixed order (products, users, campaigns, pageviews,
 * transactions) so that seed and scale alone decide every byte.
 *
 * Speed comes from writing rows straight into a 1 MiB buffer with our own integer, money and
 * timestamp formatting (dates come from a precomputed table), and from keeping per-row work
 * to a handful of PRNG draws. Memory holds products, users (signup time and segment) and, per
 * product, its campaigns sorted by start day for the "is a campaign live" lookups; pageviews and
 * transactions are never kept.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "platform/generate.h"
#include "platform/prng.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/xmalloc.h"

/* ---- vocabulary (values of the sample data; this file is the sample's generator) ---- */

struct text {
    const char *s;
    size_t n;
};
#define T(x)                                                                                       \
    {                                                                                              \
        x, sizeof(x) - 1                                                                           \
    }

#define NR_CATEGORIES 5
static const struct category {
    struct text name;
    int64_t lo, hi; /* price range in dollars */
    const char *types[7];
    int nr_types;
} categories[NR_CATEGORIES] = {
    {T("Electronics"),
     100,
     1500,
     {"Laptop", "Phone", "Tablet", "Headphones", "Smartwatch", "Camera", "Speaker"},
     7},
    {T("Clothing"),
     20,
     200,
     {"T-Shirt", "Jeans", "Jacket", "Sneakers", "Dress", "Sweater", "Shorts"},
     7},
    {T("Home & Garden"),
     30,
     300,
     {"Coffee Maker", "Blender", "Vacuum", "Lamp", "Pillow", "Rug", "Plant Pot"},
     7},
    {T("Sports"),
     25,
     500,
     {"Yoga Mat", "Dumbbell Set", "Running Shoes", "Tennis Racket", "Basketball", "Bicycle"},
     6},
    {T("Books"),
     10,
     50,
     {"Fiction Novel", "Cookbook", "Biography", "Self-Help", "Technical Manual", "Children's Book"},
     6},
};

static const char *const brands[] = {"ProBrand",  "ValueCo",     "Premium",   "EcoGoods",
                                     "TechFirst", "ClassicMake", "ModernLine"};

static const char *const first_names[] = {
    "James",   "Mary",      "John",    "Patricia", "Robert",  "Jennifer", "Michael", "Linda",
    "William", "Elizabeth", "David",   "Barbara",  "Richard", "Susan",    "Joseph",  "Jessica",
    "Thomas",  "Sarah",     "Charles", "Karen",    "Daniel",  "Nancy",    "Matthew", "Lisa",
    "Anthony", "Betty",     "Mark",    "Sandra",   "Steven",  "Ashley",   "Paul",    "Emily",
    "Andrew",  "Donna",     "Joshua",  "Michelle", "Kevin",   "Carol",    "Brian",   "Amanda"};
static const char *const last_names[] = {
    "Smith",     "Johnson",  "Williams",  "Brown",  "Jones",    "Garcia", "Miller",   "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez",  "Gonzalez", "Wilson", "Anderson", "Thomas",
    "Taylor",    "Moore",    "Jackson",   "Martin", "Lee",      "Perez",  "Thompson", "White",
    "Harris",    "Sanchez",  "Clark",     "Lewis",  "Robinson", "Walker"};
static const struct text email_domains[] = {T("gmail.com"), T("yahoo.com"), T("outlook.com"),
                                            T("hotmail.com"), T("icloud.com")};

/* 24 cities in 15 states, each city with its real state. */
static const struct {
    struct text city, state;
} places[] = {
    {T("New York"), T("NY")},      {T("Los Angeles"), T("CA")}, {T("Chicago"), T("IL")},
    {T("Houston"), T("TX")},       {T("Phoenix"), T("AZ")},     {T("Philadelphia"), T("PA")},
    {T("San Antonio"), T("TX")},   {T("San Diego"), T("CA")},   {T("Dallas"), T("TX")},
    {T("San Jose"), T("CA")},      {T("Austin"), T("TX")},      {T("Jacksonville"), T("FL")},
    {T("Fort Worth"), T("TX")},    {T("Columbus"), T("OH")},    {T("Charlotte"), T("NC")},
    {T("San Francisco"), T("CA")}, {T("Pittsburgh"), T("PA")},  {T("Seattle"), T("WA")},
    {T("Denver"), T("CO")},        {T("Boston"), T("MA")},      {T("Nashville"), T("TN")},
    {T("Portland"), T("OR")},      {T("Miami"), T("FL")},       {T("Atlanta"), T("GA")},
};

enum segment { SEG_HIGH, SEG_MEDIUM, SEG_LOW, SEG_CHURNED };
static const struct text segment_names[] = {T("high_value"), T("medium_value"), T("low_value"),
                                            T("churned")};
static const int segment_orders[] = {12, 5, 2, 1}; /* mean orders per user, +/- 2 */

static const struct {
    struct text name;
    int64_t lo, hi; /* budget in dollars */
} campaign_types[] = {
    {T("Social Media"), 5000, 50000}, {T("Search"), 10000, 80000}, {T("Display"), 3000, 30000},
    {T("Email"), 1000, 10000},        {T("Video"), 15000, 100000}, {T("Influencer"), 5000, 60000},
};
static const struct text platforms[] = {T("Facebook"), T("Instagram"), T("Google"), T("YouTube"),
                                        T("TikTok"),   T("LinkedIn"),  T("Twitter")};
static const char month_abbr[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static const struct text page_types[] = {T("home"), T("category"), T("product_detail"), T("search"),
                                         T("cart"), T("checkout"), T("account")};
#define PAGE_PRODUCT_DETAIL 2
static const struct text devices[] = {T("desktop"), T("mobile"), T("tablet")};
static const struct text browsers[] = {T("Chrome"), T("Safari"), T("Firefox"), T("Edge"),
                                       T("Samsung Internet")};

static const struct text payment_methods[] = {T("credit_card"), T("debit_card"), T("paypal"),
                                              T("apple_pay"), T("google_pay")};
static const struct {
    struct text code;
    int lo, hi; /* percent off */
} discount_codes[] = {
    {T("SAVE10"), 10, 10}, {T("WELCOME"), 5, 25}, {T("FLASH20"), 20, 20}, {T("VIP15"), 15, 15}};

/* Weighted choices, in percent, summing to 100. */
static const int items_weights[] = {50, 25, 15, 7, 3}; /* 1..5 items per order */
static const int status_weights[] = {90, 2, 5, 3};     /* matches statuses[] */
static const struct text statuses[] = {T("completed"), T("pending"), T("cancelled"), T("refunded")};
static const int segment_weights[] = {10, 30, 50, 10}; /* matches enum segment */
static const int variant_weights[] = {40, 40, 20};     /* 1..3 variants per type */

/* ---- time ---- */

#define SECS_PER_DAY 86400

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's civil-days method). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* ---- buffered CSV output ---- */

#define OUT_BUF         (1u << 20)
#define WRITEBACK_CHUNK (8u << 20)
#define ROW_MAX         1024 /* no row is longer: the buffer is flushed when less is left */

struct csv_out {
    char *path; /* final name */
    char *tmp;  /* where it is written until committed */
    int fd;
    char *buf;
    size_t len;
    uint64_t bytes, rows;
    uint64_t synced; /* bytes handed to writeback */
    int err;         /* errno of the first failed write, or 0 */
};

/* "00".."99", and "YYYY-MM-DD" for every day of 2019..2031 (filled once by tables_init). */
static char digits2[200];
#define DATE_TABLE_DAYS 4800
static char date_table[DATE_TABLE_DAYS][10];
static int64_t date_base, date_count;

static void tables_init(void)
{
    int64_t i;

    if (date_count)
        return;
    for (i = 0; i < 100; i++) {
        digits2[2 * i] = (char)('0' + i / 10);
        digits2[2 * i + 1] = (char)('0' + i % 10);
    }
    date_base = days_from_civil(2019, 1, 1);
    for (i = 0; i < DATE_TABLE_DAYS; i++) {
        int64_t y;
        unsigned m, d;
        char *p = date_table[i];

        civil_from_days(date_base + i, &y, &m, &d);
        p[0] = digits2[2 * (y / 100)];
        p[1] = digits2[2 * (y / 100) + 1];
        p[2] = digits2[2 * (y % 100)];
        p[3] = digits2[2 * (y % 100) + 1];
        p[4] = '-';
        p[5] = digits2[2 * m];
        p[6] = digits2[2 * m + 1];
        p[7] = '-';
        p[8] = digits2[2 * d];
        p[9] = digits2[2 * d + 1];
    }
    date_count = DATE_TABLE_DAYS;
}

static int out_flush(struct csv_out *o)
{
    const char *p = o->buf;
    size_t n = o->len;

    while (n && !o->err) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno != EINTR)
                o->err = errno;
            continue;
        }
        p += w;
        n -= (size_t)w;
    }
    o->bytes += o->len;
    o->len = 0;
    /*
     * Start writing back what is written so far, without waiting: the fsync() before the
     * rename then finds little left to do, instead of the whole file at once.
     */
    if (!o->err && o->bytes - o->synced >= WRITEBACK_CHUNK) {
        sync_file_range(o->fd, (off_t)o->synced, (off_t)(o->bytes - o->synced),
                        SYNC_FILE_RANGE_WRITE);
        o->synced = o->bytes;
    }
    return o->err ? -1 : 0;
}

static inline void put_mem(struct csv_out *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static inline void put_text(struct csv_out *o, struct text t)
{
    put_mem(o, t.s, t.n);
}

static inline void put_c(struct csv_out *o, char c)
{
    o->buf[o->len++] = c;
}

static inline void put_u64(struct csv_out *o, uint64_t v)
{
    char tmp[20];
    int i = 20;

    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        tmp[--i] = digits2[k + 1];
        tmp[--i] = digits2[k];
    }
    if (v >= 10) {
        tmp[--i] = digits2[v * 2 + 1];
        tmp[--i] = digits2[v * 2];
    } else {
        tmp[--i] = (char)('0' + v);
    }
    put_mem(o, tmp + i, (size_t)(20 - i));
}

static inline void put_i64(struct csv_out *o, int64_t v)
{
    if (v < 0) {
        put_c(o, '-');
        put_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(o, (uint64_t)v);
    }
}

/* An amount in cents as a decimal with two places: -1234 -> "-12.34". */
static inline void put_cents(struct csv_out *o, int64_t cents)
{
    uint64_t u;

    if (cents < 0) {
        put_c(o, '-');
        u = (uint64_t)0 - (uint64_t)cents;
    } else {
        u = (uint64_t)cents;
    }
    put_u64(o, u / 100);
    put_c(o, '.');
    put_mem(o, digits2 + 2 * (u % 100), 2);
}

static inline void put_date(struct csv_out *o, int64_t day)
{
    int64_t i = day - date_base;

    if (i >= 0 && i < date_count) {
        put_mem(o, date_table[i], 10);
    } else {
        int64_t y;
        unsigned m, d;

        civil_from_days(day, &y, &m, &d);
        put_i64(o, y);
        put_c(o, '-');
        put_mem(o, digits2 + 2 * m, 2);
        put_c(o, '-');
        put_mem(o, digits2 + 2 * d, 2);
    }
}

/* Seconds since the epoch as an ISO-8601 timestamp without zone: 2023-05-10T14:03:09. */
static inline void put_timestamp(struct csv_out *o, int64_t t)
{
    int64_t day = t >= 0 ? t / SECS_PER_DAY : -((-t + SECS_PER_DAY - 1) / SECS_PER_DAY);
    unsigned s = (unsigned)(t - day * SECS_PER_DAY);
    char *p;

    put_date(o, day);
    p = o->buf + o->len;
    p[0] = 'T';
    memcpy(p + 1, digits2 + 2 * (s / 3600), 2);
    p[3] = ':';
    memcpy(p + 4, digits2 + 2 * (s / 60 % 60), 2);
    p[6] = ':';
    memcpy(p + 7, digits2 + 2 * (s % 60), 2);
    o->len += 9;
}

static inline void row_end(struct csv_out *o)
{
    put_c(o, '\n');
    o->rows++;
    if (o->len > OUT_BUF - ROW_MAX)
        out_flush(o);
}

/*
 * Removes ".<name>.tmp.<pid>" files in dir left by runs that were killed: those whose process
 * is gone. A run still going (another pid alive) keeps its file.
 */
static void remove_stale_temps(const char *dir, const char *name)
{
    char *prefix = xstrfmt(".%s.tmp.", name);
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char *end;
        long pid;

        if (strncmp(e->d_name, prefix, plen))
            continue;
        pid = strtol(e->d_name + plen, &end, 10);
        if (*end || pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno == ESRCH)) {
            char *p = xstrfmt("%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    if (d)
        closedir(d);
    free(prefix);
}

static int out_open(struct csv_out *o, const char *root, const char *rel, const char *header)
{
    char *dir;
    int ret;

    memset(o, 0, sizeof(*o));
    o->fd = -1;
    o->path = fs_join(root, rel);
    dir = fs_dirname(o->path);
    o->tmp = xstrfmt("%s/.%s.tmp.%ld", dir, fs_basename(o->path), (long)getpid());
    ret = fs_mkdirs(dir, 0777);
    if (ret == 0)
        remove_stale_temps(dir, fs_basename(o->path));
    free(dir);
    if (ret < 0)
        return -1;
    o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o->fd < 0)
        return error("cannot create '%s': %s", o->tmp, strerror(errno));
    o->buf = xmalloc(OUT_BUF);
    put_mem(o, header, strlen(header));
    put_c(o, '\n');
    return 0;
}

/* Flushes, syncs and renames the file into place; on failure removes the temporary file. */
static int out_commit(struct csv_out *o)
{
    int ret = -1;

    if (out_flush(o) < 0) {
        error("cannot write '%s': %s", o->tmp, strerror(o->err));
        goto out;
    }
    if (fsync(o->fd) < 0) {
        error("cannot write '%s': %s", o->tmp, strerror(errno));
        goto out;
    }
    if (close(o->fd) < 0) {
        o->fd = -1;
        error("cannot write '%s': %s", o->tmp, strerror(errno));
        goto out;
    }
    o->fd = -1;
    if (rename(o->tmp, o->path) < 0) {
        error("cannot rename '%s' to '%s': %s", o->tmp, o->path, strerror(errno));
        goto out;
    }
    ret = 0;
out:
    if (ret < 0)
        unlink(o->tmp);
    return ret;
}

static void out_release(struct csv_out *o)
{
    if (o->fd >= 0) {
        close(o->fd);
        unlink(o->tmp);
    }
    free(o->buf);
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof(*o));
    o->fd = -1;
}

/* ---- the generator's state: the dimensions later files refer to ---- */

struct product {
    int64_t price_cents; /* the true price (the file may show it negated) */
    int category;
};

struct user {
    uint32_t signup_offset; /* seconds after 2020-01-01 */
    uint8_t segment;
};

/* Users in order of signup, to pick a visitor among those signed up at a given moment. */
struct signup {
    uint32_t offset; /* seconds after 2020-01-01 */
    uint32_t user;   /* index into users[] */
};

struct live_campaign {
    int32_t start_day, end_day; /* inclusive */
    uint32_t id;
};

struct product_campaigns {
    struct live_campaign *items; /* sorted by start_day, then id */
    size_t nr, alloc;
};

struct gen {
    struct prng rng;
    double scale;
    progress_fn *progress;
    void *progress_ctx;
    int64_t day_first, day_last; /* 2020-01-01 .. 2024-12-31 */
    int64_t t_first, t_end;      /* seconds: first instant, one past the last */
    int64_t day_2030;
    struct product *products;
    size_t nr_products;
    size_t *by_category[NR_CATEGORIES]; /* product indexes per true category */
    size_t nr_by_category[NR_CATEGORIES];
    struct user *users;
    size_t nr_users;
    struct signup *by_signup;
    struct product_campaigns *campaigns; /* per product */
    uint64_t progress_done, progress_total;
    const char *progress_label;
};

static int weighted(struct prng *r, const int *weights, int n)
{
    int x = (int)prng_below(r, 100), i;

    for (i = 0; i < n - 1; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

#define PICK(r, array) (array)[prng_below((r), ARRAY_SIZE(array))]

static void tick(struct gen *g, struct csv_out *o)
{
    if (g->progress && !(o->rows & 0xffff))
        g->progress(g->progress_label, (double)(g->progress_done + o->rows),
                    (double)g->progress_total, g->progress_ctx);
}

static void put_lower(struct csv_out *o, const char *s)
{
    for (; *s; s++)
        put_c(o, (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s);
}

/* ---- products ---- */

static void gen_products(struct gen *g, struct csv_out *o)
{
    int64_t day_max = days_from_civil(2024, 12, 5), day_2021 = days_from_civil(2021, 1, 1);
    size_t alloc = 0, cat_alloc[NR_CATEGORIES] = {0};
    int c, t, v;

    for (c = 0; c < NR_CATEGORIES; c++) {
        const struct category *cat = &categories[c];

        for (t = 0; t < cat->nr_types; t++) {
            int variants = 1 + weighted(&g->rng, variant_weights, 3);

            for (v = 0; v < variants; v++) {
                const char *brand = PICK(&g->rng, brands);
                int64_t price = prng_range(&g->rng, cat->lo * 100, cat->hi * 100);
                int64_t cost = price * prng_range(&g->rng, 3000, 7000) / 10000;
                int64_t stock = prng_range(&g->rng, 0, 500);
                int64_t day = prng_range(&g->rng, g->day_first, day_max);
                int64_t created = day * SECS_PER_DAY + prng_range(&g->rng, 0, SECS_PER_DAY - 1);
                int64_t updated = created + prng_range(&g->rng, 0, 60 * SECS_PER_DAY);
                int null_brand = prng_chance(&g->rng, 0.05);
                int null_category = prng_chance(&g->rng, 0.02);
                int neg_price = prng_chance(&g->rng, 0.03);
                int null_stock = prng_chance(&g->rng, 0.10) && day < day_2021;
                struct product *p;

                if (updated >= g->t_end)
                    updated = g->t_end - 1;
                ALLOC_GROW(g->products, g->nr_products + 1, alloc);
                p = &g->products[g->nr_products++];
                p->price_cents = price;
                p->category = c;
                ALLOC_GROW(g->by_category[c], g->nr_by_category[c] + 1, cat_alloc[c]);
                g->by_category[c][g->nr_by_category[c]++] = g->nr_products - 1;

                put_u64(o, g->nr_products);
                put_c(o, ',');
                put_mem(o, brand, strlen(brand));
                put_c(o, ' ');
                put_mem(o, cat->types[t], strlen(cat->types[t]));
                put_c(o, ',');
                if (!null_brand)
                    put_mem(o, brand, strlen(brand));
                put_c(o, ',');
                if (!null_category)
                    put_text(o, cat->name);
                put_c(o, ',');
                put_cents(o, neg_price ? -price : price);
                put_c(o, ',');
                put_cents(o, cost);
                put_c(o, ',');
                if (!null_stock)
                    put_u64(o, (uint64_t)stock);
                put_c(o, ',');
                put_timestamp(o, created);
                put_c(o, ',');
                put_timestamp(o, updated);
                row_end(o);
            }
        }
    }
}

/* ---- users ---- */

static void gen_users(struct gen *g, struct csv_out *o)
{
    char last_email[128] = "";
    size_t last_len = 0;
    size_t i;

    g->users = xcalloc(g->nr_users, sizeof(*g->users));
    for (i = 0; i < g->nr_users; i++) {
        struct user *u = &g->users[i];
        const char *first = PICK(&g->rng, first_names);
        const char *last = PICK(&g->rng, last_names);
        struct text domain = PICK(&g->rng, email_domains);
        int place = (int)prng_below(&g->rng, ARRAY_SIZE(places));
        int64_t age = prng_range(&g->rng, 18, 75);
        int64_t signup = prng_range(&g->rng, 0, g->t_end - g->t_first - 1);
        int64_t login = signup + prng_range(&g->rng, 0, 100 * SECS_PER_DAY);
        double email_roll = prng_double(&g->rng);
        int null_place = prng_chance(&g->rng, 0.10);
        int bad_age = prng_chance(&g->rng, 0.05);
        int bad_kind = (int)prng_below(&g->rng, 4);
        size_t email_start;

        u->segment = (uint8_t)weighted(&g->rng, segment_weights, 4);
        u->signup_offset = (uint32_t)signup;
        if (bad_age) {
            static const int64_t bad_ages[] = {0, -5, 150, 999};
            age = bad_ages[bad_kind];
        }

        put_u64(o, i + 1);
        put_c(o, ',');
        email_start = o->len;
        if (email_roll < 0.03) {
            /* NULL email */
        } else if (email_roll < 0.05) {
            /* no domain at all */
            put_lower(o, first);
            put_c(o, '.');
            put_lower(o, last);
            put_u64(o, i + 1);
        } else if (email_roll < 0.10) {
            if ((bad_kind & 1) && last_len) {
                put_mem(o, last_email, last_len); /* a duplicate of the previous address */
            } else {
                put_lower(o, first);
                put_c(o, '.');
                put_lower(o, last);
                put_u64(o, i + 1);
                if (bad_kind & 2) {
                    put_mem(o, "@@", 2);
                    put_text(o, domain);
                } else {
                    put_c(o, '@');
                    put_mem(o, domain.s, (size_t)(strchr(domain.s, '.') - domain.s));
                }
            }
        } else {
            put_lower(o, first);
            put_c(o, '.');
            put_lower(o, last);
            put_u64(o, i + 1);
            put_c(o, '@');
            put_text(o, domain);
            last_len = o->len - email_start;
            if (last_len < sizeof(last_email))
                memcpy(last_email, o->buf + email_start, last_len);
            else
                last_len = 0;
        }
        put_c(o, ',');
        put_mem(o, first, strlen(first));
        put_c(o, ',');
        put_mem(o, last, strlen(last));
        put_c(o, ',');
        if (!null_place)
            put_text(o, places[place].city);
        put_c(o, ',');
        if (!null_place)
            put_text(o, places[place].state);
        put_c(o, ',');
        put_i64(o, age);
        put_c(o, ',');
        put_text(o, segment_names[u->segment]);
        put_c(o, ',');
        put_timestamp(o, g->t_first + signup);
        put_c(o, ',');
        put_timestamp(o, g->t_first + login);
        row_end(o);
        tick(g, o);
    }
}

static int cmp_signup(const void *a, const void *b)
{
    const struct signup *x = a, *y = b;

    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return x->user < y->user ? -1 : x->user > y->user;
}

static void index_signups(struct gen *g)
{
    size_t i;

    g->by_signup = xmalloc(g->nr_users * sizeof(*g->by_signup));
    for (i = 0; i < g->nr_users; i++) {
        g->by_signup[i].offset = g->users[i].signup_offset;
        g->by_signup[i].user = (uint32_t)i;
    }
    qsort(g->by_signup, g->nr_users, sizeof(*g->by_signup), cmp_signup);
}

/* A user chosen uniformly among those signed up at t, or -1 when nobody has yet. */
static int64_t signed_up_user(struct gen *g, int64_t t)
{
    size_t lo = 0, hi = g->nr_users;
    int64_t off = t - g->t_first;

    while (lo < hi) { /* number of users with signup <= t */
        size_t mid = lo + (hi - lo) / 2;
        if ((int64_t)g->by_signup[mid].offset <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo)
        return -1;
    return g->by_signup[prng_below(&g->rng, lo)].user;
}

/* ---- campaigns ---- */

static int cmp_live(const void *a, const void *b)
{
    const struct live_campaign *x = a, *y = b;

    if (x->start_day != y->start_day)
        return x->start_day < y->start_day ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void gen_campaigns(struct gen *g, struct csv_out *o, uint64_t nr_campaigns)
{
    uint64_t c, row_id = 0;
    size_t i;

    g->campaigns = xcalloc(g->nr_products, sizeof(*g->campaigns));
    for (c = 0; c < nr_campaigns; c++) {
        int type = (int)prng_below(&g->rng, ARRAY_SIZE(campaign_types));
        struct text platform = PICK(&g->rng, platforms);
        int64_t duration = prng_range(&g->rng, 7, 90);
        int64_t start = prng_range(&g->rng, g->day_first, g->day_last - duration);
        int64_t end = start + duration;
        int64_t budget = prng_range(&g->rng, campaign_types[type].lo, campaign_types[type].hi);
        int64_t spend = budget * prng_range(&g->rng, 7000, 12000) / 100;
        int64_t impressions = spend / 100 * prng_range(&g->rng, 50, 500);
        int64_t clicks = impressions * prng_range(&g->rng, 100, 800) / 10000;
        int nr_promoted = (int)prng_range(&g->rng, 1, 5);
        size_t promoted[5];
        int k, j;
        int64_t y;
        unsigned m, d;
        char y_m[7];

        civil_from_days(start, &y, &m, &d);
        /* the campaign's month for its name: "May2021" */
        memcpy(y_m, month_abbr[m - 1], 3);
        memcpy(y_m + 3, digits2 + 2 * (y / 100), 2);
        memcpy(y_m + 5, digits2 + 2 * (y % 100), 2);
        if ((size_t)nr_promoted > g->nr_products)
            nr_promoted = (int)g->nr_products;
        for (k = 0; k < nr_promoted; k++) {
            do { /* distinct products */
                promoted[k] = prng_below(&g->rng, g->nr_products);
                for (j = 0; j < k && promoted[j] != promoted[k]; j++)
                    ;
            } while (j < k);
        }
        for (k = 0; k < nr_promoted; k++) {
            struct product_campaigns *pc = &g->campaigns[promoted[k]];
            int64_t created = (start - prng_range(&g->rng, 0, 14)) * SECS_PER_DAY +
                              prng_range(&g->rng, 0, SECS_PER_DAY - 1);
            int null_spend = prng_chance(&g->rng, 0.05);
            int neg_impressions = prng_chance(&g->rng, 0.03);
            int too_many_clicks = prng_chance(&g->rng, 0.02);
            int64_t row_impressions = impressions, row_clicks = clicks;

            if (too_many_clicks)
                row_clicks = impressions + prng_range(&g->rng, 1, impressions / 10 + 1);
            if (neg_impressions)
                row_impressions = -impressions;
            row_id++;
            ALLOC_GROW(pc->items, pc->nr + 1, pc->alloc);
            pc->items[pc->nr].start_day = (int32_t)start;
            pc->items[pc->nr].end_day = (int32_t)end;
            pc->items[pc->nr].id = (uint32_t)row_id;
            pc->nr++;

            put_u64(o, row_id);
            put_c(o, ',');
            put_text(o, campaign_types[type].name);
            put_mem(o, " - ", 3);
            put_text(o, platform);
            put_mem(o, " - ", 3);
            put_mem(o, y_m, sizeof(y_m));
            put_c(o, ',');
            put_text(o, campaign_types[type].name);
            put_c(o, ',');
            put_text(o, platform);
            put_c(o, ',');
            put_u64(o, promoted[k] + 1);
            put_c(o, ',');
            put_date(o, start);
            put_c(o, ',');
            put_date(o, end);
            put_c(o, ',');
            put_u64(o, (uint64_t)budget);
            put_c(o, ',');
            if (!null_spend)
                put_cents(o, spend);
            put_c(o, ',');
            put_i64(o, row_impressions);
            put_c(o, ',');
            put_i64(o, row_clicks);
            put_c(o, ',');
            put_timestamp(o, created);
            row_end(o);
            tick(g, o);
        }
    }
    for (i = 0; i < g->nr_products; i++)
        if (g->campaigns[i].nr)
            qsort(g->campaigns[i].items, g->campaigns[i].nr, sizeof(struct live_campaign),
                  cmp_live);
}

/*
 * A campaign promoting product p that is live on day, chosen uniformly among those that are;
 * 0 when none is. Campaigns last at most 90 days, so only those started in the 90 days up to
 * day can be live.
 */
static uint32_t live_campaign(struct gen *g, size_t p, int64_t day)
{
    const struct product_campaigns *pc = &g->campaigns[p];
    size_t lo = 0, hi = pc->nr, i, first, count = 0;
    uint64_t pick;

    while (lo < hi) { /* first entry starting after day */
        size_t mid = lo + (hi - lo) / 2;
        if (pc->items[mid].start_day <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    first = lo;
    for (i = lo; i > 0 && pc->items[i - 1].start_day >= day - 90; i--)
        if (pc->items[i - 1].end_day >= day)
            count++;
    if (!count)
        return 0;
    pick = prng_below(&g->rng, count);
    for (i = first; i > 0; i--)
        if (pc->items[i - 1].end_day >= day && !pick--)
            return pc->items[i - 1].id;
    return 0;
}

/* ---- pageviews ---- */

static void gen_pageviews(struct gen *g, struct csv_out *o, uint64_t nr_pageviews)
{
    uint64_t event_id = 0, session = 0;
    int64_t shift_2030 = (g->day_2030 - g->day_first) * SECS_PER_DAY;

    while (event_id < nr_pageviews) {
        uint64_t views = (uint64_t)prng_range(&g->rng, 1, 6);
        int64_t t = prng_range(&g->rng, g->t_first, g->t_end - 1);
        /* 70% of sessions are by a user already signed up at t; the rest are anonymous */
        int64_t user = prng_chance(&g->rng, 0.70) ? signed_up_user(g, t) : -1;
        struct text device = PICK(&g->rng, devices);
        struct text browser = PICK(&g->rng, browsers);
        int64_t duration = prng_range(&g->rng, 60, 1800);
        uint64_t v;

        session++;
        if (views > nr_pageviews - event_id)
            views = nr_pageviews - event_id;
        for (v = 0; v < views; v++) {
            int page = (int)prng_below(&g->rng, ARRAY_SIZE(page_types));
            int no_agent = prng_chance(&g->rng, 0.05);
            int neg_duration = prng_chance(&g->rng, 0.02);
            int future = prng_chance(&g->rng, 0.03);
            size_t product = 0;
            uint32_t campaign = 0;

            if (page == PAGE_PRODUCT_DETAIL) {
                product = prng_below(&g->rng, g->nr_products);
                campaign = live_campaign(g, product, t / SECS_PER_DAY);
            }
            put_u64(o, ++event_id);
            put_c(o, ',');
            /* a clock gone wrong: the same moment of the year, in 2030 */
            put_timestamp(
                o, future ? g->t_first + shift_2030 + (t - g->t_first) % (365 * SECS_PER_DAY) : t);
            put_c(o, ',');
            if (user >= 0)
                put_u64(o, (uint64_t)user + 1);
            put_mem(o, ",session_", 9);
            put_u64(o, session);
            put_c(o, ',');
            put_text(o, page_types[page]);
            put_c(o, ',');
            if (page == PAGE_PRODUCT_DETAIL)
                put_u64(o, product + 1);
            put_c(o, ',');
            if (campaign)
                put_u64(o, campaign);
            put_c(o, ',');
            if (!no_agent)
                put_text(o, device);
            put_c(o, ',');
            if (!no_agent)
                put_text(o, browser);
            put_c(o, ',');
            put_i64(o, neg_duration ? -duration : duration);
            row_end(o);
            tick(g, o);
            t += prng_range(&g->rng, 5, 300);
            if (t >= g->t_end) /* the data ends with 2024 */
                t = g->t_end - 1;
        }
    }
}

/* ---- transactions ---- */

static void gen_transactions(struct gen *g, struct csv_out *o)
{
    uint64_t next_id = 1;
    size_t u;

    for (u = 0; u < g->nr_users; u++) {
        const struct user *usr = &g->users[u];
        int64_t orders = segment_orders[usr->segment] + prng_range(&g->rng, -2, 2);
        int64_t signup = g->t_first + usr->signup_offset;

        for (; orders > 0; orders--) {
            int items = 1 + weighted(&g->rng, items_weights, 5);
            int64_t t = prng_range(&g->rng, signup, g->t_end - 1);
            size_t lines[5];
            int64_t subtotal = 0, tax, shipping, discount = 0, total;
            int code = -1, status, payment, null_payment, neg_total, reused, i;
            uint64_t id;

            lines[0] = prng_below(&g->rng, g->nr_products);
            for (i = 1; i < items; i++) {
                int c = g->products[lines[0]].category;
                if (prng_chance(&g->rng, 0.60))
                    lines[i] = g->by_category[c][prng_below(&g->rng, g->nr_by_category[c])];
                else
                    lines[i] = prng_below(&g->rng, g->nr_products);
            }
            for (i = 0; i < items; i++)
                subtotal += g->products[lines[i]].price_cents;
            tax = (subtotal * 8 + 50) / 100;
            shipping = subtotal > 5000 ? 0 : 800;
            if (prng_chance(&g->rng, 0.10)) {
                code = (int)prng_below(&g->rng, ARRAY_SIZE(discount_codes));
                discount = (subtotal * prng_range(&g->rng, discount_codes[code].lo,
                                                  discount_codes[code].hi) +
                            50) /
                           100;
            }
            total = subtotal + tax + shipping - discount;
            status = weighted(&g->rng, status_weights, 4);
            payment = (int)prng_below(&g->rng, ARRAY_SIZE(payment_methods));
            null_payment = prng_chance(&g->rng, 0.05);
            neg_total = prng_chance(&g->rng, 0.02);
            reused = prng_chance(&g->rng, 0.03) && next_id > 1;
            id = reused ? 1 + prng_below(&g->rng, next_id - 1) : next_id++;
            if (neg_total)
                total = -total;

            for (i = 0; i < items; i++) {
                uint32_t campaign = 0;

                if (prng_chance(&g->rng, 0.40))
                    campaign = live_campaign(g, lines[i], t / SECS_PER_DAY);
                put_u64(o, id);
                put_c(o, ',');
                put_u64(o, u + 1);
                put_c(o, ',');
                put_u64(o, lines[i] + 1);
                put_c(o, ',');
                put_timestamp(o, t);
                put_mem(o, ",1,", 3);
                put_cents(o, g->products[lines[i]].price_cents);
                put_c(o, ',');
                put_cents(o, subtotal);
                put_c(o, ',');
                put_cents(o, tax);
                put_c(o, ',');
                put_cents(o, shipping);
                put_c(o, ',');
                put_cents(o, discount);
                put_c(o, ',');
                if (code >= 0)
                    put_text(o, discount_codes[code].code);
                put_c(o, ',');
                put_cents(o, total);
                put_c(o, ',');
                if (!null_payment)
                    put_text(o, payment_methods[payment]);
                put_c(o, ',');
                put_text(o, statuses[status]);
                put_c(o, ',');
                if (campaign)
                    put_u64(o, campaign);
                put_c(o, ',');
                put_timestamp(o, t);
                row_end(o);
                tick(g, o);
            }
        }
    }
}

/* ---- the run ---- */

static uint64_t scaled(double base, double scale)
{
    double n = base * scale + 0.5;

    return n < 1 ? 1 : (uint64_t)n;
}

enum source { SRC_PRODUCTS, SRC_USERS, SRC_CAMPAIGNS, SRC_PAGEVIEWS, SRC_TRANSACTIONS };

static const struct {
    const char *path;
    const char *header;
} sources[] = {
    {"sources/postgres/products.csv", "product_id,product_name,brand,category,price,cost,"
                                      "stock_quantity,created_at,updated_at"},
    {"sources/postgres/users.csv", "user_id,email,first_name,last_name,city,state,age,"
                                   "customer_segment,created_at,last_login"},
    {"sources/salesforce/campaigns.csv",
     "campaign_id,campaign_name,campaign_type,platform,product_id,start_date,end_date,budget,"
     "actual_spend,impressions,clicks,created_at"},
    {"sources/analytics/pageviews.csv", "event_id,event_time,user_id,session_id,page_type,"
                                        "product_id,campaign_id,device,browser,"
                                        "session_duration_seconds"},
    {"sources/postgres/transactions.csv",
     "transaction_id,user_id,product_id,transaction_date,quantity,price,subtotal,tax,shipping,"
     "discount,discount_code,total,payment_method,status,campaign_id,created_at"},
};

int generate_run(const char *root, const struct generate_options *opts,
                 struct generate_report *report)
{
    struct gen g;
    struct csv_out o;
    struct rusage ru;
    uint64_t nr_campaigns, nr_pageviews;
    double t0 = clock_seconds();
    int ret = -1, s;
    size_t i;

    memset(report, 0, sizeof(*report));
    memset(&g, 0, sizeof(g));
    o.fd = -1;
    o.buf = o.path = o.tmp = NULL;
    g.scale = opts->scale > 0 ? opts->scale : 1.0;
    report->scale = g.scale;
    report->seed = opts->seed_set ? opts->seed : GENERATE_DEFAULT_SEED;
    if (!(g.scale <= 100000)) {
        error("scale %g is too large (at most 100000)", g.scale);
        goto out;
    }
    prng_seed(&g.rng, report->seed);
    tables_init();
    g.progress = opts->progress;
    g.progress_ctx = opts->progress_ctx;
    g.day_first = days_from_civil(2020, 1, 1);
    g.day_last = days_from_civil(2024, 12, 31);
    g.day_2030 = days_from_civil(2030, 1, 1);
    g.t_first = g.day_first * SECS_PER_DAY;
    g.t_end = (g.day_last + 1) * SECS_PER_DAY;
    g.nr_users = (size_t)scaled(5000, g.scale);
    nr_campaigns = scaled(500, g.scale);
    nr_pageviews = scaled(50000, g.scale);
    /* expected rows, for the progress bar only */
    g.progress_total = 60 + g.nr_users + nr_campaigns * 3 + nr_pageviews +
                       (uint64_t)((double)g.nr_users * 3.8 * 1.88);

    for (s = SRC_PRODUCTS; s <= SRC_TRANSACTIONS; s++) {
        struct generate_file *f = &report->files[report->nr];
        double ts = clock_seconds();

        if (out_open(&o, root, sources[s].path, sources[s].header) < 0)
            goto out;
        g.progress_label = fs_basename(sources[s].path);
        switch (s) {
        case SRC_PRODUCTS: gen_products(&g, &o); break;
        case SRC_USERS:
            gen_users(&g, &o);
            index_signups(&g);
            break;
        case SRC_CAMPAIGNS: gen_campaigns(&g, &o, nr_campaigns); break;
        case SRC_PAGEVIEWS: gen_pageviews(&g, &o, nr_pageviews); break;
        case SRC_TRANSACTIONS: gen_transactions(&g, &o); break;
        }
        if (out_commit(&o) < 0)
            goto out;
        f->path = xstrdup(sources[s].path);
        f->rows = o.rows;
        f->bytes = o.bytes;
        f->seconds = clock_seconds() - ts;
        report->nr++;
        report->rows += f->rows;
        report->bytes += f->bytes;
        g.progress_done += o.rows;
        out_release(&o);
    }
    ret = 0;
out:
    if (g.progress)
        g.progress(NULL, 0, 0, g.progress_ctx);
    out_release(&o);
    if (g.campaigns)
        for (i = 0; i < g.nr_products; i++)
            free(g.campaigns[i].items);
    free(g.campaigns);
    for (i = 0; i < NR_CATEGORIES; i++)
        free(g.by_category[i]);
    free(g.products);
    free(g.users);
    free(g.by_signup);
    report->seconds = clock_seconds() - t0;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        report->peak_rss_kb = ru.ru_maxrss;
    return ret;
}

void generate_report_release(struct generate_report *report)
{
    size_t i;

    for (i = 0; i < report->nr; i++)
        free(report->files[i].path);
    memset(report, 0, sizeof(*report));
}
