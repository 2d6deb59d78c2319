/*
 * The readable report of `mdp catalog`: per table its layer, size, grain, lineage, joins,
 * measures, dimensions, time ranges, derived columns and caveats; for one table, also every
 * column with its roles and profile.
 */
#include <math.h>
#include <string.h>

#include "catalog/catalog_internal.h"
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
            strbuf_add(sb, d, LINE_WIDTH - 5);
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

static void table_summary(const struct catalog *c, const struct cat_table *t, struct strbuf *sb)
{
    struct strbuf item = STRBUF_INIT;
    struct list l;
    size_t i;

    table_heading(sb, t);
    table_grain(sb, t);
    if (t->nupstream) {
        list_start(&l, sb, "reads");
        for (i = 0; i < t->nupstream; i++)
            list_add(&l, t->upstream[i]);
        list_end(&l);
    }

#define EACH_COLUMN_WITH(cond)                                                                     \
    for (i = 0; i < t->ncolumns; i++)                                                              \
        if (col = &t->columns[i], (cond))

    {
        const struct cat_column *col;
        int any = 0;

        EACH_COLUMN_WITH(col->ref_table >= 0) any = 1;
        if (any) {
            list_start(&l, sb, "joins");
            EACH_COLUMN_WITH(col->ref_table >= 0)
            {
                const struct cat_table *to = &c->tables[col->ref_table];
                strbuf_reset(&item);
                strbuf_addf(&item, "%s -> %s.%s", col->name, to->relation,
                            to->columns[col->ref_column].name);
                if (col->containment >= 0 && col->containment < 0.9995)
                    strbuf_addf(&item, " (%.0f%% found)", col->containment * 100);
                list_add(&l, item.buf);
            }
            list_end(&l);
        }
        any = 0;
        EACH_COLUMN_WITH(col->roles & CAT_ROLE_MEASURE) any = 1;
        if (any) {
            list_start(&l, sb, "measures");
            EACH_COLUMN_WITH(col->roles & CAT_ROLE_MEASURE)
            {
                strbuf_reset(&item);
                strbuf_addf(&item, "%s (%s", col->name, cat_agg_name(col->agg));
                if (col->repeated_within >= 0)
                    strbuf_addf(&item, ", once per %s", t->columns[col->repeated_within].name);
                strbuf_addch(&item, ')');
                list_add(&l, item.buf);
            }
            list_end(&l);
        }
        any = 0;
        EACH_COLUMN_WITH(col->roles & CAT_ROLE_DIMENSION && !(col->roles & CAT_ROLE_MEASURE))
        any = 1;
        if (any) {
            list_start(&l, sb, "dimensions");
            EACH_COLUMN_WITH(col->roles & CAT_ROLE_DIMENSION && !(col->roles & CAT_ROLE_MEASURE))
            {
                strbuf_reset(&item);
                strbuf_addf(&item, "%s (", col->name);
                describe_values(&item, col, 4);
                strbuf_addch(&item, ')');
                list_add(&l, item.buf);
            }
            list_end(&l);
        }
        any = 0;
        EACH_COLUMN_WITH(col->roles & CAT_ROLE_TIME) any = 1;
        if (any) {
            list_start(&l, sb, "time");
            EACH_COLUMN_WITH(col->roles & CAT_ROLE_TIME)
            {
                strbuf_reset(&item);
                strbuf_addf(&item, "%s %s .. %s", col->name, col->min_text ? col->min_text : "?",
                            col->max_text ? col->max_text : "?");
                if (col->anchor && col->max_text && strcmp(col->anchor, col->max_text))
                    strbuf_addf(&item, " (latest not after today: %s)", col->anchor);
                list_add(&l, item.buf);
            }
            list_end(&l);
        }
        any = 0;
        EACH_COLUMN_WITH(col->derived) any = 1;
        if (any) {
            list_start(&l, sb, "derived");
            EACH_COLUMN_WITH(col->derived)
            {
                strbuf_reset(&item);
                strbuf_addf(&item, "%s = %s", col->name, col->derived);
                list_add(&l, item.buf);
            }
            list_end(&l);
        }
        any = 0;
        EACH_COLUMN_WITH(col->roles & CAT_ROLE_PII) any = 1;
        if (any) {
            list_start(&l, sb, "personal");
            EACH_COLUMN_WITH(col->roles & CAT_ROLE_PII) list_add(&l, col->name);
            list_end(&l);
        }
    }
#undef EACH_COLUMN_WITH
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
