/*
 * SQL from a plan: DuckDB's dialect, every name quoted as the catalog spelled it, every value
 * a literal of the column's type taken from the data. Nothing of the question's text is
 * pasted in.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "analyst/plan.h"
#include "catalog/catalog.h"
#include "util/strbuf.h"

struct sqlctx {
    const struct catalog *c;
    const struct plan *p;
    int dedupe;   /* read the base once per group identity (a repeated amount taken once) */
    int unnested; /* groups by a list column read its elements (FROM ..., unnest(...) AS gN) */
};

static const struct cat_column *colp(const struct catalog *c, struct plan_col pc)
{
    return &c->tables[pc.table].columns[pc.column];
}

/* The alias of table t in the query: t for the base, jN for the Nth joined table. */
static void add_alias(const struct sqlctx *x, struct strbuf *sb, int t)
{
    size_t i;

    if (t == x->p->base) {
        strbuf_addstr(sb, "t");
        return;
    }
    for (i = 0; i < x->p->njoins; i++)
        if (x->c->joins[x->p->joins[i]].to_table == t) {
            strbuf_addf(sb, "j%zu", i + 1);
            return;
        }
    strbuf_addstr(sb, "t");
}

static void add_ident(struct strbuf *sb, const char *name)
{
    const char *p;
    int plain = (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_';

    for (p = name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
    if (plain && strcmp(name, "order") && strcmp(name, "group") && strcmp(name, "select") &&
        strcmp(name, "from") && strcmp(name, "where") && strcmp(name, "table") &&
        strcmp(name, "user") && strcmp(name, "to") && strcmp(name, "end") && strcmp(name, "year") &&
        strcmp(name, "month") && strcmp(name, "day"))
        strbuf_addstr(sb, name);
    else
        strbuf_add_sql_ident(sb, name);
}

static void add_col(const struct sqlctx *x, struct strbuf *sb, struct plan_col pc)
{
    add_alias(x, sb, pc.table);
    strbuf_addch(sb, '.');
    add_ident(sb, colp(x->c, pc)->name);
}

static void add_measure(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan_measure *m = &x->p->measure;
    size_t i;

    if (m->learned) {
        strbuf_addstr(sb, m->learned);
        return;
    }
    if (m->span) {
        strbuf_addstr(sb, "(epoch(");
        add_col(x, sb, m->span_to);
        strbuf_addstr(sb, ") - epoch(");
        add_col(x, sb, m->span_from);
        strbuf_addf(sb, ")) / %.0f", m->span_unit);
        return;
    }
    for (i = 1; i < m->ncols; i++)
        strbuf_addch(sb, '(');
    add_col(x, sb, m->cols[0]);
    for (i = 1; i < m->ncols; i++) {
        char op = m->ops[i - 1];
        if (op == '%' || op == '&') {
            /* times (1 - discount): a fraction, or a percentage ('&') */
            strbuf_addstr(sb, " * (1 - coalesce(");
            add_col(x, sb, m->cols[i]);
            strbuf_addstr(sb, op == '&' ? ", 0) / 100.0))" : ", 0)))");
            continue;
        }
        strbuf_addf(sb, " %c ", op);
        if (op == '/')
            strbuf_addstr(sb, "nullif(");
        add_col(x, sb, m->cols[i]);
        if (op == '/')
            strbuf_addstr(sb, ", 0)");
        strbuf_addch(sb, ')');
    }
}

static void add_value(const struct sqlctx *x, struct strbuf *sb, struct plan_col pc, const char *v)
{
    const struct cat_column *col = colp(x->c, pc);

    switch (col->type) {
    case WH_T_INT:
    case WH_T_FLOAT:
    case WH_T_DECIMAL:
    case WH_T_BOOL: strbuf_addstr(sb, v); break;
    case WH_T_DATE:
        strbuf_addstr(sb, "DATE ");
        strbuf_add_sql_string(sb, v);
        break;
    case WH_T_TIMESTAMP:
        strbuf_addstr(sb, "TIMESTAMP ");
        strbuf_add_sql_string(sb, v);
        break;
    default: strbuf_add_sql_string(sb, v); break;
    }
}

/* A list column's elements: regexp_split_to_array(t.genre, '\s*,\s*') */
static void add_elements(const struct sqlctx *x, struct strbuf *sb, struct plan_col pc)
{
    struct strbuf col = STRBUF_INIT;

    add_col(x, &col, pc);
    catalog_list_sql(colp(x->c, pc), col.buf, sb);
    strbuf_release(&col);
}

/* A value filter on a list column: the list holds the value (one of the values). */
static void add_list_filter(const struct sqlctx *x, struct strbuf *sb, const struct plan_filter *f)
{
    size_t i;

    strbuf_addstr(sb, f->negate ? "NOT coalesce(list_has_any(" : "list_has_any(");
    add_elements(x, sb, f->col);
    strbuf_addstr(sb, ", [");
    for (i = 0; i < f->nvalues; i++) {
        if (i)
            strbuf_addstr(sb, ", ");
        add_value(x, sb, f->col, f->values[i]);
    }
    strbuf_addstr(sb, f->negate ? "]), false)" : "])");
}

static void add_filter(const struct sqlctx *x, struct strbuf *sb, const struct plan_filter *f)
{
    size_t i;

    if ((f->op == F_EQ || f->op == F_IN) && colp(x->c, f->col)->separator) {
        add_list_filter(x, sb, f);
        return;
    }
    switch (f->op) {
    case F_EQ:
        add_col(x, sb, f->col);
        strbuf_addstr(sb, f->negate ? " IS DISTINCT FROM " : " = ");
        add_value(x, sb, f->col, f->values[0]);
        break;
    case F_IN:
        if (f->negate)
            strbuf_addch(sb, '(');
        add_col(x, sb, f->col);
        strbuf_addstr(sb, f->negate ? " NOT IN (" : " IN (");
        for (i = 0; i < f->nvalues; i++) {
            if (i)
                strbuf_addstr(sb, ", ");
            add_value(x, sb, f->col, f->values[i]);
        }
        strbuf_addch(sb, ')');
        if (f->negate) {
            strbuf_addstr(sb, " OR ");
            add_col(x, sb, f->col);
            strbuf_addstr(sb, " IS NULL)");
        }
        break;
    case F_NULL:
        add_col(x, sb, f->col);
        strbuf_addstr(sb, f->negate ? " IS NOT NULL" : " IS NULL");
        break;
    case F_NOT_NULL:
        add_col(x, sb, f->col);
        strbuf_addstr(sb, f->negate ? " IS NULL" : " IS NOT NULL");
        break;
    case F_ZERO:
        strbuf_addstr(sb, "coalesce(");
        add_col(x, sb, f->col);
        strbuf_addstr(sb, f->negate ? ", 0) <> 0" : ", 0) = 0");
        break;
    case F_CMP:
        add_col(x, sb, f->col);
        strbuf_addf(sb, " %s %.15g", f->cmp, f->num);
        break;
    case F_CMP_COL:
        add_col(x, sb, f->col);
        strbuf_addf(sb, " %s ", f->cmp);
        add_col(x, sb, f->other);
        break;
    }
}

static void add_range(const struct sqlctx *x, struct strbuf *sb, const struct time_range *r)
{
    int any = 0;

    if (r->from != INT_MIN) {
        add_col(x, sb, x->p->time_col);
        strbuf_addstr(sb, " >= DATE '");
        days_add(sb, r->from);
        strbuf_addch(sb, '\'');
        any = 1;
    }
    if (r->to != INT_MAX) {
        if (any)
            strbuf_addstr(sb, " AND ");
        add_col(x, sb, x->p->time_col);
        strbuf_addstr(sb, " < DATE '");
        days_add(sb, r->to);
        strbuf_addch(sb, '\'');
        any = 1;
    }
    if (!any)
        strbuf_addstr(sb, "true");
}

/* The aggregate of the plan's op, e.g. "sum(t.total)", "count(DISTINCT t.id)". */
static void add_agg(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan *p = x->p;
    size_t i;

    switch (p->op) {
    case OP_COUNT: strbuf_addstr(sb, "count(*)"); return;
    case OP_COUNT_DISTINCT:
        if (p->nidentity <= 1 && colp(x->c, p->entity)->separator) {
            /* "how many genres": the distinct elements of the lists */
            strbuf_addstr(sb, "length(list_distinct(flatten(list(");
            add_elements(x, sb, p->entity);
            strbuf_addstr(sb, ") FILTER (WHERE ");
            add_col(x, sb, p->entity);
            strbuf_addstr(sb, " IS NOT NULL))))");
            return;
        }
        strbuf_addstr(sb, "count(DISTINCT ");
        if (p->nidentity > 1 && p->identity[0].column == p->entity.column &&
            p->identity[0].table == p->entity.table) {
            strbuf_addch(sb, '(');
            for (i = 0; i < p->nidentity; i++) {
                if (i)
                    strbuf_addstr(sb, ", ");
                add_col(x, sb, p->identity[i]);
            }
            strbuf_addch(sb, ')');
        } else
            add_col(x, sb, p->entity);
        strbuf_addch(sb, ')');
        return;
    case OP_SUM: strbuf_addstr(sb, "sum("); break;
    case OP_AVG: strbuf_addstr(sb, "avg("); break;
    case OP_MEDIAN: strbuf_addstr(sb, "median("); break;
    case OP_MIN: strbuf_addstr(sb, "min("); break;
    case OP_MAX: strbuf_addstr(sb, "max("); break;
    }
    add_measure(x, sb);
    strbuf_addch(sb, ')');
}

static void add_from(const struct sqlctx *x, struct strbuf *sb)
{
    const struct catalog *c = x->c;
    const struct plan *p = x->p;
    size_t i;

    strbuf_addstr(sb, "\nFROM ");
    if (x->dedupe && p->nidentity) {
        /* one row per group: a group-level amount repeated on its rows is taken once */
        strbuf_addf(sb, "(SELECT * FROM %s AS t QUALIFY row_number() OVER (PARTITION BY ",
                    c->tables[p->base].relation);
        for (i = 0; i < p->nidentity; i++) {
            if (i)
                strbuf_addstr(sb, ", ");
            add_col(x, sb, p->identity[i]);
        }
        strbuf_addstr(sb, ") = 1)");
    } else
        strbuf_addstr(sb, c->tables[p->base].relation);
    strbuf_addstr(sb, " AS t");
    for (i = 0; i < p->njoins; i++) {
        const struct cat_join *j = &c->joins[p->joins[i]];
        strbuf_addf(sb, "\nLEFT JOIN %s AS j%zu ON ", c->tables[j->to_table].relation, i + 1);
        add_col(x, sb, (struct plan_col){j->from_table, j->from_column});
        strbuf_addstr(sb, " = ");
        add_col(x, sb, (struct plan_col){j->to_table, j->to_column});
    }
    /* by a list column: one row per element ("Comedy, Drama" counts in both) */
    for (i = 0; x->unnested && i < p->ngroups; i++)
        if (colp(c, p->groups[i])->separator) {
            strbuf_addstr(sb, ",\n  unnest(");
            add_elements(x, sb, p->groups[i]);
            strbuf_addf(sb, ") AS g%zu(", i + 1);
            add_ident(sb, colp(c, p->groups[i])->name);
            strbuf_addch(sb, ')');
        }
}

/* A group's column: the element for a list column, as add_from() unnests it. */
static void add_group(const struct sqlctx *x, struct strbuf *sb, size_t i)
{
    if (x->unnested && colp(x->c, x->p->groups[i])->separator) {
        strbuf_addf(sb, "g%zu.", i + 1);
        add_ident(sb, colp(x->c, x->p->groups[i])->name);
    } else
        add_col(x, sb, x->p->groups[i]);
}

/* WHERE: the filters (all, or without the share's part), the time range, NULL groups. */
static void add_where(const struct sqlctx *x, struct strbuf *sb, int with_range, int skip_part)
{
    const struct plan *p = x->p;
    size_t i;
    int n = 0;

#define AND() strbuf_addstr(sb, n++ ? "\n  AND " : "\nWHERE ")
    for (i = 0; i < p->nfilters; i++) {
        if (skip_part && p->filters[i].share_part)
            continue;
        AND();
        add_filter(x, sb, &p->filters[i]);
    }
    if (with_range && p->time.nranges == 1) {
        AND();
        add_range(x, sb, &p->time.r[0]);
    }
    if (p->time.future && p->time_col.table >= 0) {
        AND();
        add_col(x, sb, p->time_col);
        strbuf_addstr(sb, " > current_timestamp");
    }
    for (i = 0; i < p->ngroups; i++)
        if (p->rank_named) {
            AND();
            add_col(x, sb, p->groups[i]);
            strbuf_addstr(sb, " IS NOT NULL");
        }
#undef AND
}

static const char *grain_name(enum time_grain g)
{
    switch (g) {
    case GRAIN_DAY: return "day";
    case GRAIN_WEEK: return "week";
    case GRAIN_MONTH: return "month";
    case GRAIN_QUARTER: return "quarter";
    case GRAIN_YEAR: return "year";
    case GRAIN_MONTH_OF_YEAR: return "month_of_year";
    case GRAIN_WEEKDAY: return "weekday";
    case GRAIN_HOUR: return "hour";
    default: return "";
    }
}

static void add_grain(const struct sqlctx *x, struct strbuf *sb)
{
    enum time_grain g = x->p->grain;

    switch (g) {
    case GRAIN_MONTH_OF_YEAR:
        strbuf_addstr(sb, "monthname(");
        add_col(x, sb, x->p->time_col);
        strbuf_addch(sb, ')');
        break;
    case GRAIN_WEEKDAY:
        strbuf_addstr(sb, "dayname(");
        add_col(x, sb, x->p->time_col);
        strbuf_addch(sb, ')');
        break;
    case GRAIN_HOUR:
        strbuf_addstr(sb, "hour(");
        add_col(x, sb, x->p->time_col);
        strbuf_addch(sb, ')');
        break;
    default:
        strbuf_addf(sb, "CAST(date_trunc('%s', ", grain_name(g));
        add_col(x, sb, x->p->time_col);
        strbuf_addstr(sb, ") AS DATE)");
        break;
    }
}

static void add_value_name(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan *p = x->p;

    switch (p->op) {
    case OP_COUNT:
    case OP_COUNT_DISTINCT: strbuf_addstr(sb, "n"); return;
    case OP_SUM: strbuf_addstr(sb, "total_"); break;
    case OP_AVG: strbuf_addstr(sb, "avg_"); break;
    case OP_MEDIAN: strbuf_addstr(sb, "median_"); break;
    case OP_MIN: strbuf_addstr(sb, "min_"); break;
    case OP_MAX: strbuf_addstr(sb, "max_"); break;
    }
    if (p->measure.learned || p->measure.ncols != 1)
        strbuf_addstr(sb, "value");
    else
        strbuf_addstr(sb, colp(x->c, p->measure.cols[0])->name);
}

static void sql_aggregate(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan *p = x->p;
    size_t i;
    struct strbuf name = STRBUF_INIT;

    add_value_name(x, &name);
    strbuf_addstr(sb, "SELECT ");
    for (i = 0; i < p->ngroups; i++) {
        add_group(x, sb, i);
        strbuf_addstr(sb, ", ");
    }
    if (p->grain) {
        add_grain(x, sb);
        strbuf_addf(sb, " AS %s, ", grain_name(p->grain));
    }
    add_agg(x, sb);
    strbuf_addstr(sb, " AS ");
    add_ident(sb, name.buf);
    add_from(x, sb);
    add_where(x, sb, 1, 0);
    if (p->ngroups || p->grain) {
        strbuf_addstr(sb, "\nGROUP BY ALL\nORDER BY ");
        if (p->order_desc || p->order_asc || !p->grain) {
            add_ident(sb, name.buf);
            strbuf_addstr(sb, p->order_asc ? " ASC, 1" : " DESC, 1");
        } else if (p->grain == GRAIN_WEEKDAY || p->grain == GRAIN_MONTH_OF_YEAR) {
            strbuf_addstr(sb, p->grain == GRAIN_WEEKDAY ? "min(isodow(" : "min(month(");
            add_col(x, sb, p->time_col);
            strbuf_addstr(sb, "))");
        } else
            strbuf_addstr(sb, "1");
        if (p->limit > 0)
            strbuf_addf(sb, "\nLIMIT %d", p->limit);
    }
    strbuf_release(&name);
}

static void sql_compare(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan *p = x->p;
    int k;

    strbuf_addstr(sb, "SELECT ");
    for (k = 0; k < 2; k++) {
        if (k)
            strbuf_addstr(sb, ",\n       ");
        add_agg(x, sb);
        strbuf_addstr(sb, " FILTER (WHERE ");
        add_range(x, sb, &p->time.r[k]);
        strbuf_addstr(sb, ") AS ");
        strbuf_add_sql_ident(sb, p->time.r[k].label);
    }
    add_from(x, sb);
    add_where(x, sb, 0, 0);
}

static void sql_share(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan *p = x->p;
    size_t i;
    int n = 0;

    strbuf_addstr(sb, "SELECT part, whole, round(100.0 * part / nullif(whole, 0), 2) AS percent\n"
                      "FROM (SELECT ");
    add_agg(x, sb);
    strbuf_addstr(sb, " FILTER (WHERE ");
    for (i = 0; i < p->nfilters; i++)
        if (p->filters[i].share_part) {
            if (n++)
                strbuf_addstr(sb, " AND ");
            add_filter(x, sb, &p->filters[i]);
        }
    strbuf_addstr(sb, ") AS part, ");
    add_agg(x, sb);
    strbuf_addstr(sb, " AS whole");
    add_from(x, sb);
    add_where(x, sb, 1, 1);
    strbuf_addstr(sb, ")");
}

static void sql_per_group(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan *p = x->p;
    size_t i;

    strbuf_addstr(sb,
                  "SELECT avg(n) AS average, median(n) AS median, max(n) AS most\nFROM (SELECT ");
    for (i = 0; i < p->nidentity; i++) {
        add_col(x, sb, p->identity[i]);
        strbuf_addstr(sb, ", ");
    }
    if (p->has_measure) {
        /* an amount per group: the sum of its rows */
        strbuf_addstr(sb, "sum(");
        add_measure(x, sb);
        strbuf_addstr(sb, ") AS n");
    } else
        strbuf_addstr(sb, "count(*) AS n");
    add_from(x, sb);
    add_where(x, sb, 1, 0);
    strbuf_addstr(sb, "\nGROUP BY ALL)");
}

static void sql_ratio(const struct sqlctx *x, struct strbuf *sb)
{
    const struct plan *p = x->p;

    strbuf_addstr(sb, "SELECT n, per, round(n / nullif(per, 0), 2) AS ratio\nFROM (SELECT ");
    add_agg(x, sb);
    strbuf_addstr(sb, " AS n, count(DISTINCT ");
    add_col(x, sb, p->absent_fk);
    strbuf_addstr(sb, ") AS per");
    add_from(x, sb);
    add_where(x, sb, 1, 0);
    strbuf_addstr(sb, ")");
}

static void sql_absent(const struct sqlctx *x, struct strbuf *sb)
{
    const struct catalog *c = x->c;
    const struct plan *p = x->p;
    const struct cat_table *e = &c->tables[p->base];
    int j = -1;
    size_t i;

    for (i = 0; i < c->njoins; i++)
        if (c->joins[i].from_table == p->absent_fk.table &&
            c->joins[i].from_column == p->absent_fk.column && c->joins[i].to_table == p->base)
            j = (int)i;
    strbuf_addf(sb, "SELECT count(*) AS n\nFROM %s AS t", e->relation);
    strbuf_addf(sb, "\nWHERE NOT EXISTS (SELECT 1 FROM %s AS f WHERE f.",
                c->tables[p->absent_fk.table].relation);
    add_ident(sb, colp(c, p->absent_fk)->name);
    strbuf_addstr(sb, " = t.");
    add_ident(sb, e->columns[j >= 0 ? c->joins[j].to_column : (e->key >= 0 ? e->key : 0)].name);
    strbuf_addstr(sb, ")");
    for (i = 0; i < p->nfilters; i++) {
        strbuf_addstr(sb, "\n  AND ");
        add_filter(x, sb, &p->filters[i]);
    }
}

int plan_sql(const struct catalog *c, const struct plan *p, int which, struct strbuf *sb)
{
    struct sqlctx x = {c, p, 0, 0};

    if (p->base < 0 || p->refusal)
        return -1;
    if (which == 1) {
        /* the companion: a repeated amount once per group, or the rows behind a group count */
        if (p->has_measure && p->measure.repeated && p->nidentity && p->kind != PLAN_PER_GROUP &&
            p->kind != PLAN_RATIO && p->kind != PLAN_ABSENT &&
            (p->op == OP_SUM || p->op == OP_AVG || p->op == OP_MEDIAN)) {
            x.dedupe = 1;
        } else if (p->kind == PLAN_AGGREGATE && p->op == OP_COUNT_DISTINCT && p->nidentity &&
                   !p->ngroups && !p->grain) {
            strbuf_addstr(sb, "SELECT count(*) AS line_rows");
            add_from(&x, sb);
            add_where(&x, sb, 1, 0);
            return 0;
        } else
            return -1;
    }
    switch (p->kind) {
    case PLAN_AGGREGATE:
        x.unnested = 1;
        sql_aggregate(&x, sb);
        break;
    case PLAN_COMPARE: sql_compare(&x, sb); break;
    case PLAN_SHARE: sql_share(&x, sb); break;
    case PLAN_PER_GROUP: sql_per_group(&x, sb); break;
    case PLAN_RATIO: sql_ratio(&x, sb); break;
    case PLAN_ABSENT: sql_absent(&x, sb); break;
    }
    return 0;
}
