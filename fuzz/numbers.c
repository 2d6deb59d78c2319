/*
 * libFuzzer target for the number reader (eval/numbers.h): any bytes, and every number found
 * must lie inside the input, in order, with a finite value and a positive precision.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "eval/numbers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct number_list l = NUMBER_LIST_INIT;
    size_t i, prev_end = 0;

    numbers_extract((const char *)data, size, &l);
    for (i = 0; i < l.n; i++) {
        if (l.v[i].start >= l.v[i].end || l.v[i].end > size || l.v[i].start < prev_end)
            abort();
        if (!isfinite(l.v[i].value) || !(l.v[i].precision > 0))
            abort();
        prev_end = l.v[i].end;
    }
    number_list_release(&l);
    return 0;
}
