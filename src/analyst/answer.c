/*
 * Questions and answers (answer.h): releasing an answer and adding its SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "analyst/answer.h"
#include "util/xmalloc.h"

void answer_add_sql(struct answer *a, const char *sql)
{
    a->sql = xrealloc(a->sql, (a->nsql + 1) * sizeof(*a->sql));
    a->sql[a->nsql++] = xstrdup(sql);
}

void answer_release(struct answer *a)
{
    size_t i;

    for (i = 0; i < a->nsql; i++)
        free(a->sql[i]);
    free(a->sql);
    free(a->text);
    free(a->mode);
    free(a->error);
    memset(a, 0, sizeof(*a));
}
