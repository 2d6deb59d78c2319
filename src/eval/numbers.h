/*
 * Numbers read out of prose the way a person writes them, for checking answers against
 * expected values. Only the text is looked at; nothing about any data set is known here.
 *
 * What yields a number (value as written, scaled):
 *   35,980 -> 35980            thousands separators: ',' then groups of exactly 3 digits
 *   1,234.5 -> 1234.5          '.' is the decimal point ("1.234,5" is not read as one number)
 *   $1,006.25 / €5 / £5 -> 1006.25 / 5 / 5   currency signs before (or after a sign) are skipped
 *   -3, +3, −3 (U+2212) -> -3, 3, -3   a sign counts only when no letter or digit is glued
 *                              before it, so 2024-12-31 gives 2024, 12, 31 and 10-20 gives 10, 20
 *   18.6 million, 2.1 billion, 3 thousand, 1 trillion (also glued, plural "millions")
 *   1.2k, 18.6M, 18.6m, 2.1B, 2.1bn, 2.1b, 1T, 1tn      (suffix letters glued to the digits)
 *   42.6% / 42.6 % / 42.6 percent -> 42.6 with percent set
 *   1.5e6 -> 1500000            exponents, as databases print large doubles
 *   .5 -> 0.5                   a leading point when nothing alphanumeric is glued before it
 *   (1,234) -> 1234             parentheses are NOT read as a negative (prose uses them as asides)
 *   five, Twenty-three, three thousand, ten percent   whole words zero..nineteen and the tens,
 *                              with a hyphenated unit, then a scale word or percent as above
 *                              ("one" in "one of them" is read as 1: extra numbers are harmless
 *                              to "some number in the answer matches" checks)
 *
 * What yields nothing:
 *   digits glued to letters or '_' on either side: Q4, top10, v2, x_1, 10x, 4GB, 1990s
 *   ordinals: 1st, 2nd, 3rd, 4th (positions, not quantities)
 *   version-like or dotted tokens: 1.2.3, 10.0.0.1, file.2
 *   a separator group that is not 3 digits splits numbers: "1,2,3" -> 1, 2, 3; "1 234" -> 1, 234
 *   number words inside other words (someone, alone), "hundred" on its own, "a dozen"
 *   exponents or decimals so extreme that the precision underflows (1e-3202)
 *
 * Ownership: numbers_extract() appends to a list the caller owns and releases with
 * number_list_release(); the numbers point into nothing (offsets only).
 *
 * Every number carries its printed precision, the unit of its last written digit: 35,980 -> 1,
 * 1,006.25 -> 0.01, 18.6 million -> 100000, 1.2k -> 100. The assertion engine uses it (assert.h).
 */
#ifndef MDP_EVAL_NUMBERS_H
#define MDP_EVAL_NUMBERS_H

#include <stddef.h>

struct prose_number {
    double value;     /* as written and scaled; 42.6 for "42.6%" */
    double precision; /* the unit of the last written digit, after scaling */
    int percent;      /* written with %, "percent" or "per cent" */
    size_t start;     /* byte offsets of the whole token (sign, currency, suffix) in the text */
    size_t end;
};

struct number_list {
    struct prose_number *v;
    size_t n, alloc;
};

#define NUMBER_LIST_INIT                                                                           \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/*
 * Appends to *out every number in text[0..len) in order of appearance. Never fails; text
 * need not be NUL-terminated nor valid UTF-8.
 */
void numbers_extract(const char *text, size_t len, struct number_list *out);
void number_list_release(struct number_list *list);

#endif
