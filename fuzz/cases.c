/*
 * libFuzzer target for case files (eval/cases.h) and answers files (eval/answerer.h): any
 * bytes parse or fail cleanly, and what parses is checked against an answer built from the
 * input, so the assertion engine runs on it too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/answerer.h"
#include "eval/assert.h"
#include "eval/cases.h"
#include "util/error.h"
#include "util/xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct case_set set;
    struct answerer a;
    char *text = xstrndup((const char *)data, size);
    size_t i, j;

    error_quiet(1);
    if (cases_parse("fuzz.yml", text, strlen(text), &set) == 0) {
        for (i = 0; i < set.n; i++) {
            for (j = 0; j < set.cases[i].nassertions; j++) {
                const struct assertion *as = &set.cases[i].assertions[j];
                struct expectation e;
                char *why = NULL, *msg = NULL;

                if (expectation_resolve(as, NULL, &e, &why) == 0) {
                    struct answer ans = {0};
                    ans.text = set.cases[i].question;
                    ans.unanswerable = (int)(j & 1);
                    assertion_check(as, &e, &ans, &msg);
                    free(msg);
                    expectation_release(&e);
                }
                free(why);
            }
        }
        case_set_release(&set);
    }
    if (answerer_file_init_text(&a, "fuzz.yml", text, strlen(text)) == 0) {
        struct question q = {"q", "a"};
        struct answer ans;

        memset(&ans, 0, sizeof(ans));
        a.ask(&a, &q, &ans);
        answer_release(&ans);
        a.release(&a);
    }
    free(text);
    return 0;
}
