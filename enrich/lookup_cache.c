/* Set-associative LRU: a set holds 3 ways, their keys and age stamps (from a per-cache clock)
 * in one 64-byte cache line, so a lookup touches the set's line and the value's. */
#include "lookup_cache.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 3

struct set {
    struct fdx_addr key[WAYS];
    uint32_t stamp[WAYS]; /* last use; 0 = empty */
    uint32_t pad;
};
_Static_assert(sizeof(struct set) == 64, "a set is one cache line");

struct fdx_lcache {
    size_t sets_mask;
    size_t value_size;
    uint32_t clock;
    struct set *set;     /* sets, 64-byte aligned */
    unsigned char *vals; /* sets * WAYS * value_size */
    fdx_counter hits, misses;
};

struct fdx_lcache *fdx_lcache_new(size_t entries, size_t value_size)
{
    size_t sets = 1;
    while (sets * WAYS < entries) {
        sets *= 2;
    }
    struct fdx_lcache *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return NULL;
    }
    c->sets_mask = sets - 1;
    /* Values hold doubles and ids: keep every one aligned like malloc's memory. */
    c->value_size = (value_size + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
    c->set = aligned_alloc(64, sets * sizeof(*c->set));
    c->vals = malloc(sets * WAYS * c->value_size);
    if (c->set == NULL || c->vals == NULL) {
        fdx_lcache_free(c);
        return NULL;
    }
    /* Touched now, not page by page on the first misses: memory use is what it will be from
     * the start, and the first minutes of traffic pay no page faults. */
    memset(c->set, 0, sets * sizeof(*c->set));
    memset(c->vals, 0, sets * WAYS * c->value_size);
    return c;
}

void fdx_lcache_free(struct fdx_lcache *c)
{
    if (c != NULL) {
        free(c->set);
        free(c->vals);
        free(c);
    }
}

static bool same(const struct fdx_addr *a, const struct fdx_addr *b)
{
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, a->b, 8);
    memcpy(&a1, a->b + 8, 8);
    memcpy(&b0, b->b, 8);
    memcpy(&b1, b->b + 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static size_t set_of(const struct fdx_lcache *c, const struct fdx_addr *a)
{
    uint64_t x, y;
    memcpy(&x, a->b, 8);
    memcpy(&y, a->b + 8, 8);
    /* Every input bit must reach the low bits: IPv4 addresses differ mostly in their last
     * octets, which sit in the high bytes of y. */
    uint64_t h = x ^ (y * 0x9e3779b97f4a7c15ULL);
    h ^= h >> 32;
    h *= 0xc2b2ae3d27d4eb4fULL;
    h ^= h >> 29;
    return (size_t)(h & c->sets_mask);
}

static uint32_t tick(struct fdx_lcache *c)
{
    if (++c->clock == 0) {
        /* The clock wrapped: forget ages rather than compare across the wrap. */
        fdx_lcache_clear(c);
        c->clock = 1;
    }
    return c->clock;
}

void fdx_lcache_prefetch(const struct fdx_lcache *c, const struct fdx_addr *key)
{
    __builtin_prefetch(&c->set[set_of(c, key)]);
}

void *fdx_lcache_get(struct fdx_lcache *c, const struct fdx_addr *key)
{
    size_t set = set_of(c, key);
    struct set *s = &c->set[set];
    for (size_t w = 0; w < WAYS; w++) {
        if (same(&s->key[w], key) && s->stamp[w] != 0) {
            uint32_t now = tick(c);
            s->stamp[w] = now;
            fdx_counter_add(&c->hits, 1);
            return c->vals + (set * WAYS + w) * c->value_size;
        }
    }
    fdx_counter_add(&c->misses, 1);
    return NULL;
}

void *fdx_lcache_put(struct fdx_lcache *c, const struct fdx_addr *key)
{
    size_t set = set_of(c, key);
    uint32_t now = tick(c); /* first: a wrap clears every stamp */
    struct set *s = &c->set[set];
    size_t victim = 0;
    for (size_t w = 0; w < WAYS; w++) {
        if (s->stamp[w] == 0 || same(&s->key[w], key)) {
            victim = w;
            break;
        }
        if (s->stamp[w] < s->stamp[victim]) {
            victim = w;
        }
    }
    s->key[victim] = *key;
    s->stamp[victim] = now;
    unsigned char *v = c->vals + (set * WAYS + victim) * c->value_size;
    memset(v, 0, c->value_size);
    return v;
}

void fdx_lcache_clear(struct fdx_lcache *c)
{
    memset(c->set, 0, (c->sets_mask + 1) * sizeof(*c->set));
}

uint64_t fdx_lcache_hits(const struct fdx_lcache *c)
{
    return fdx_counter_get(&c->hits);
}

uint64_t fdx_lcache_misses(const struct fdx_lcache *c)
{
    return fdx_counter_get(&c->misses);
}
