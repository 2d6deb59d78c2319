/*
 * Questions and answers: the types every answerer shares. The offline analyst and the LLM
 * agent implement struct answerer; `mdp eval` (eval/runner.h) asks through it, and the file
 * answerer (eval/answerer.h) replays answers written elsewhere.
 *
 * An answerer fills a struct answer: the text a person reads, the SQL statements that
 * produced it and its mode. When it cannot answer it says why in `error` (a failed LLM call,
 * a missing answer) and returns -1; when the question cannot be answered from the data it
 * returns 0 with `unanswerable` set and the text saying why (that is an answer, and the case's
 * assertions decide whether it was the right one).
 *
 * Ownership: every pointer in a struct answer is owned by it; answer_release() frees them.
 * The answerer's state is owned by the answerer and freed by its release().
 */
#ifndef MDP_ANALYST_ANSWER_H
#define MDP_ANALYST_ANSWER_H

#include <stddef.h>

struct answer {
    char *text; /* the answer a person reads; NULL when there is none */
    char **sql; /* the statements that produced it, in order */
    size_t nsql;
    char *mode;       /* "file", "offline", "llm:<provider>/<model>" */
    char *error;      /* why there is no answer (ask() returned -1), or NULL */
    int unanswerable; /* the answerer said the data cannot answer the question */
};

/* Which question is asked: its text, and the eval case's id when it comes from one. */
struct question {
    const char *text;
    const char *case_id; /* NULL outside mdp eval */
};

struct answerer {
    const char *name; /* for messages: "answers.yml", "offline", "llm:openai/gpt-4o" */
    /*
     * Answers q into *out (zeroed by the caller). Returns 0 with out->text set, or -1 with
     * out->error set. Called from several threads at once only when `concurrent` is set;
     * otherwise the runner serialises the calls.
     */
    int (*ask)(struct answerer *self, const struct question *q, struct answer *out);
    /* Frees the state; the struct itself belongs to whoever made it. May be NULL. */
    void (*release)(struct answerer *self);
    void *state;
    int concurrent;
};

void answer_release(struct answer *a);
/* Appends a copy of sql to a->sql. */
void answer_add_sql(struct answer *a, const char *sql);

#endif
