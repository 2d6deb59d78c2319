/*
 * Answers as text: the analyst's answer for a person (sentence, result table, a chart for a
 * series or a ranking, how the question was read, caveats, the SQL) and as the JSON object of
 * the `mdp ask --json` contract (platform-layout.md).
 */
#ifndef MDP_RENDER_ANSWER_H
#define MDP_RENDER_ANSWER_H

struct strbuf;
struct analyst_answer;
struct wh_result;

/* Appends the answer for a terminal of `width` columns (0: no limit). */
void render_answer(struct strbuf *sb, const struct analyst_answer *a, int color, int width);
/* Appends the JSON object, with a newline. */
void render_answer_json(struct strbuf *sb, const char *question, const struct analyst_answer *a);
/*
 * A chart of column value_col by label_col: horizontal bars for a ranking, a sparkline and
 * bars for a series. Unicode blocks when the locale is UTF-8, else ASCII.
 */
void render_chart(struct strbuf *sb, const struct wh_result *r, int label_col, int value_col,
                  int series, int width);
/*
 * A heatmap of the matrix in columns value_col.. of r, a row per row of r labelled by
 * label_col: each cell shaded by its value against the largest (blank when NULL), with a
 * legend. Unicode shades when the locale is UTF-8, else ASCII; color adds nothing it needs.
 */
void render_heatmap(struct strbuf *sb, const struct wh_result *r, int label_col, int value_col,
                    int width);
/* Does the locale (LC_ALL, LC_CTYPE, LANG) say UTF-8? */
int render_utf8(void);

#endif
