/*
 * A small, fast, seedable pseudo-random generator for reproducible sample data: xoshiro256**
 * (Blackman and Vigna), seeded through splitmix64 so that any 64-bit seed, including 0, gives a
 * well-mixed state. Never rand(): the sequence depends on nothing but the seed, so the same seed
 * yields the same values on every machine.
 */
#ifndef MDP_PRNG_H
#define MDP_PRNG_H

#include <stdint.h>

struct prng {
    uint64_t s[4];
};

static inline uint64_t prng_splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void prng_seed(struct prng *r, uint64_t seed)
{
    int i;

    for (i = 0; i < 4; i++)
        r->s[i] = prng_splitmix64(&seed);
}

static inline uint64_t prng_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* The next 64 uniformly distributed bits. */
static inline uint64_t prng_next(struct prng *r)
{
    uint64_t *s = r->s;
    uint64_t result = prng_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = prng_rotl(s[3], 45);
    return result;
}

/*
 * Uniform in [0, n) by the multiply-shift method (n > 0). The bias is below n / 2^64, far
 * beyond what sample data can show.
 */
static inline uint64_t prng_below(struct prng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)prng_next(r) * n) >> 64);
}

/* Uniform integer in [lo, hi] (lo <= hi). */
static inline int64_t prng_range(struct prng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)prng_below(r, (uint64_t)(hi - lo) + 1);
}

/* Uniform double in [0, 1). */
static inline double prng_double(struct prng *r)
{
    return (double)(prng_next(r) >> 11) * 0x1.0p-53;
}

/* 1 with probability p, else 0. */
static inline int prng_chance(struct prng *r, double p)
{
    return prng_double(r) < p;
}

#endif
