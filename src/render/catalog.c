/*
 * The readable report of `mdp catalog`: per table its layer, size, grain, lineage, joins,
 * measures, dimensions, time ranges, derived columns and caveats; for one table, also every
 * column with its roles and profile.
 */
#include <math.h>
#include <string.h>

#include "render/catalog.h"
#include "util/strbuf.h"
#include "util/error.h"
#include "util/term.h"
#include "util/xmalloc.h"

#define LABEL_WIDTH 11
#define LINE_WIDTH  100

static void label(struct strbuf *sb, const char *name)
{
    strbuf_addf(sb, "  %s%-*s%s", term_dim(), LABEL_WIDTH, name, term_reset());
}

/* Appends items separated by "; ", wrapping lines under the label's column. */
struct list {
    struct strbuf *sb;
    size_t col, n;
};

static void list_start(struct list *l, struct strbuf *sb, const char *name)
{
    label(sb, name);
    l->sb = sb;
    l->col = 2 + LABEL_WIDTH;
    l->n = 0;
}

static void list_add(struct list *l, const char *item)
{
    size_t len = strlen(item);

    if (l->n) {
        strbuf_addch(l->sb, ';');
        l->col++;
        if (l->col + 1 + len > LINE_WIDTH) {
            strbuf_addf(l->sb, "\n%*s", 2 + LABEL_WIDTH, "");
            l->col = 2 + LABEL_WIDTH;
        } else {
            strbuf_addch(l->sb, ' ');
            l->col++;
        }
    }
    strbuf_addstr(l->sb, item);
    l->col += len;
    l->n++;
}

static void list_end(struct list *l)
{
    strbuf_addch(l->sb, '\n');
}

static void add_number(struct strbuf *sb, double v)
{
    if (fabs(v) >= 1e15 || (v == floor(v) && fabs(v) < 1e15))
        strbuf_addf(sb, "%.0f", v);
    else if (fabs(v) >= 100)
        strbuf_addf(sb, "%.1f", v);
    else
        strbuf_addf(sb, "%.4g", v);
}

/* "status (4: completed, cancelled, refunded, pending)" */
static void describe_values(struct strbuf *sb, const struct cat_column *col, size_t max)
{
    size_t i, start = sb->len;

    if (!col->nvalues) {
        if (col->distinct)
            strbuf_addf(sb, "~%llu values", (unsigned long long)col->distinct);
        return;
    }
    strbuf_addf(sb, "%s%zu: ", col->values_complete ? "" : ">", col->nvalues);
    for (i = 0; i < col->nvalues && i < max; i++) {
        size_t len = strlen(col->values[i].text);
        /* the first value always, the others while the line stays short */
        if (i && sb->len - start + len > 60)
            break;
        strbuf_addf(sb, "%s%s", i ? ", " : "", col->values[i].text);
    }
    if (i < col->nvalues)
        strbuf_addstr(sb, ", ...");
}

static void table_heading(struct strbuf *sb, const struct cat_table *t)
{
    strbuf_addf(sb, "%s%s%s  %s %s, ", term_bold(), t->relation, term_reset(),
                cat_layer_name(t->layer), t->is_view ? "view" : "table");
    strbuf_add_count(sb, t->rows);
    strbuf_addstr(sb, t->rows == 1 ? " row" : " rows");
    if (t->sampled)
        strbuf_addstr(sb, " (profiled on a sample)");
    if (t->model)
        strbuf_addf(sb, ", model %s", t->model);
    strbuf_addch(sb, '\n');
    if (t->description) {
        const char *d = t->description;
        size_t n = strcspn(d, "\n");
        strbuf_addstr(sb, "  ");
        if (n > LINE_WIDTH - 2) {
            size_t cut = LINE_WIDTH - 5;
            while (cut && ((unsigned char)d[cut] & 0xC0) == 0x80)
                cut--; /* not inside a UTF-8 character */
            strbuf_add(sb, d, cut);
            strbuf_addstr(sb, "...");
        } else {
            strbuf_add(sb, d, n);
        }
        strbuf_addch(sb, '\n');
    }
}

static void table_grain(struct strbuf *sb, const struct cat_table *t)
{
    size_t i;
    int shown = 0;

    label(sb, "grain");
    if (t->ngrain) {
        strbuf_addstr(sb, "one row per ");
        for (i = 0; i < t->ngrain; i++)
            strbuf_addf(sb, "%s%s", i ? " and " : "", t->grain[i]);
        shown = 1;
    }
    for (i = 0; i < t->ngroupings; i++) {
        const struct cat_grouping *g = &t->groupings[i];
        if (!(t->columns[g->column].roles & CAT_ROLE_GROUP_KEY))
            continue;
        strbuf_addf(sb, "%s%.1f rows per %s (group key)", shown ? "; " : "",
                    g->groups ? (double)t->rows / (double)g->groups : 0.0,
                    t->columns[g->column].name);
        shown = 1;
    }
    if (!shown)
        strbuf_addstr(sb, "no column identifies a row");
    strbuf_addch(sb, '\n');
}

/*
 * The lines of a table's summary that list columns: which columns each shows and how it
 * words one. item() appends to an empty strbuf.
 */
struct section {
    const char *label;
    int (*shows)(const struct cat_column *col);
    void (*item)(const struct catalog *c, const struct cat_table *t, const struct cat_column *col,
                 struct strbuf *sb);
};

static int is_reference(const struct cat_column *col)
{
    return col->ref_table >= 0;
}

static void reference_item(const struct catalog *c, const struct cat_table *t,
                           const struct cat_column *col, struct strbuf *sb)
{
    const struct cat_table *to = &c->tables[col->ref_table];

    strbuf_addf(sb, "%s -> %s.%s", col->name, to->relation, to->columns[col->ref_column].name);
    if (col->containment >= 0 && col->containment < 0.9995)
        strbuf_addf(sb, " (%.0f%% found)", col->containment * 100);
}

static int is_measure(const struct cat_column *col)
{
    return col->roles & CAT_ROLE_MEASURE;
}

static void measure_item(const struct catalog *c, const struct cat_table *t,
                         const struct cat_column *col, struct strbuf *sb)
{
    strbuf_addf(sb, "%s (%s", col->name, cat_agg_name(col->agg));
    if (col->repeated_within >= 0)
        strbuf_addf(sb, ", once per %s", t->columns[col->repeated_within].name);
    strbuf_addch(sb, ')');
}

static int is_dimension(const struct cat_column *col)
{
    return col->roles & CAT_ROLE_DIMENSION && !(col->roles & CAT_ROLE_MEASURE);
}

static void dimension_item(const struct catalog *c, const struct cat_table *t,
                           const struct cat_column *col, struct strbuf *sb)
{
    strbuf_addf(sb, "%s (", col->name);
    describe_values(sb, col, 4);
    strbuf_addch(sb, ')');
}

static int is_time(const struct cat_column *col)
{
    return col->roles & CAT_ROLE_TIME;
}

static void time_item(const struct catalog *c, const struct cat_table *t,
                      const struct cat_column *col, struct strbuf *sb)
{
    strbuf_addf(sb, "%s %s .. %s", col->name, col->min_text ? col->min_text : "?",
                col->max_text ? col->max_text : "?");
    if (col->anchor && col->max_text && strcmp(col->anchor, col->max_text))
        strbuf_addf(sb, " (latest not after today: %s)", col->anchor);
}

static int is_derived(const struct cat_column *col)
{
    return col->derived != NULL;
}

static void derived_item(const struct catalog *c, const struct cat_table *t,
                         const struct cat_column *col, struct strbuf *sb)
{
    strbuf_addf(sb, "%s = %s", col->name, col->derived);
}

static int is_personal(const struct cat_column *col)
{
    return col->roles & CAT_ROLE_PII;
}

static void name_item(const struct catalog *c, const struct cat_table *t,
                      const struct cat_column *col, struct strbuf *sb)
{
    strbuf_addstr(sb, col->name);
}

static const struct section sections[] = {
    {"joins", is_reference, reference_item},      {"measures", is_measure, measure_item},
    {"dimensions", is_dimension, dimension_item}, {"time", is_time, time_item},
    {"derived", is_derived, derived_item},        {"personal", is_personal, name_item},
};

static void table_summary(const struct catalog *c, const struct cat_table *t, struct strbuf *sb)
{
    struct strbuf item = STRBUF_INIT;
    struct list l;
    size_t i, s;

    table_heading(sb, t);
    table_grain(sb, t);
    if (t->nupstream) {
        list_start(&l, sb, "reads");
        for (i = 0; i < t->nupstream; i++)
            list_add(&l, t->upstream[i]);
        list_end(&l);
    }
    for (s = 0; s < ARRAY_SIZE(sections); s++) {
        int started = 0;
        for (i = 0; i < t->ncolumns; i++) {
            if (!sections[s].shows(&t->columns[i]))
                continue;
            if (!started++)
                list_start(&l, sb, sections[s].label);
            strbuf_reset(&item);
            sections[s].item(c, t, &t->columns[i], &item);
            list_add(&l, item.buf);
        }
        if (started)
            list_end(&l);
    }
    for (i = 0; i < t->ncaveats; i++) {
        label(sb, i ? "" : "caveats");
        strbuf_addf(sb, "%s%s%s\n", term_yellow(), t->caveats[i], term_reset());
    }
    strbuf_release(&item);
}

static void column_roles(struct strbuf *sb, const struct cat_column *col)
{
    int r, n = 0;

    for (r = 0; r < CAT_NROLES; r++)
        if (col->roles & (1u << r))
            strbuf_addf(sb, "%s%s", n++ ? "," : "", cat_role_name((enum cat_role)(1u << r)));
    if (!n)
        strbuf_addch(sb, '-');
}

static void column_detail(const struct cat_table *t, struct strbuf *sb)
{
    size_t i;

    strbuf_addf(sb, "\n  %s%-24s %-16s %-28s %6s %8s  %s%s\n", term_dim(), "column", "type",
                "roles", "nulls", "distinct", "range, values, description", term_reset());
    for (i = 0; i < t->ncolumns; i++) {
        const struct cat_column *col = &t->columns[i];
        struct strbuf roles = STRBUF_INIT, rest = STRBUF_INIT;

        column_roles(&roles, col);
        if (col->has_range && !(col->roles & CAT_ROLE_TIME)) {
            add_number(&rest, col->min);
            strbuf_addstr(&rest, " .. ");
            add_number(&rest, col->max);
        } else if (col->roles & CAT_ROLE_TIME && col->min_text) {
            strbuf_addf(&rest, "%s .. %s", col->min_text, col->max_text ? col->max_text : "?");
        } else if (col->nvalues) {
            describe_values(&rest, col, 3);
        }
        if (col->description)
            strbuf_addf(&rest, "%s%s", rest.len ? "  " : "", col->description);
        strbuf_addf(sb, "  %-24s %-16s %-28s %5.1f%% %8llu  %s\n", col->name, col->type_name,
                    roles.buf, col->null_fraction * 100, (unsigned long long)col->distinct,
                    rest.buf);
        strbuf_release(&roles);
        strbuf_release(&rest);
    }
}

int catalog_report(const struct catalog *c, const char *table, struct strbuf *sb)
{
    size_t i;
    int t = -1;

    if (table) {
        t = catalog_find_table(c, table);
        if (t < 0)
            return error("no table or view '%s' in the warehouse; `mdp catalog` lists them", table);
        table_summary(c, &c->tables[t], sb);
        column_detail(&c->tables[t], sb);
        return 0;
    }
    if (!c->ntables)
        strbuf_addstr(sb, "the warehouse has no tables or views yet: `mdp pipeline` builds them\n");
    for (i = 0; i < c->ntables; i++) {
        if (i)
            strbuf_addch(sb, '\n');
        table_summary(c, &c->tables[i], sb);
    }
    if (c->nexamples || c->nmeasures)
        strbuf_addf(sb,
                    "\n%zu known-good queries from dashboards and verified queries; %zu "
                    "named measures\n",
                    c->nexamples, c->nmeasures);
    for (i = 0; i < c->nnotes; i++)
        strbuf_addf(sb, "%snote:%s %s\n", term_yellow(), term_reset(), c->notes[i]);
    return 0;
}
