/* Set-associative LRU: a set holds 4 ways; each way has an age stamp from a per-cache clock. */
#include "lookup_cache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 4

struct way {
    struct fdx_addr key;
    uint32_t stamp; /* last use; 0 = empty */
};

struct fdx_lcache {
    size_t sets_mask;
    size_t value_size;
    uint32_t clock;
    struct way *way;     /* sets * WAYS */
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
    c->value_size = value_size;
    c->way = calloc(sets * WAYS, sizeof(*c->way));
    c->vals = calloc(sets * WAYS, value_size);
    if (c->way == NULL || c->vals == NULL) {
        fdx_lcache_free(c);
        return NULL;
    }
    return c;
}

void fdx_lcache_free(struct fdx_lcache *c)
{
    if (c != NULL) {
        free(c->way);
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
    uint64_t h = (x * 0x9e3779b97f4a7c15ULL) ^ (y * 0xc2b2ae3d27d4eb4fULL);
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

void *fdx_lcache_get(struct fdx_lcache *c, const struct fdx_addr *key)
{
    size_t base = set_of(c, key) * WAYS;
    for (size_t i = base; i < base + WAYS; i++) {
        if (c->way[i].stamp != 0 && same(&c->way[i].key, key)) {
            c->way[i].stamp = tick(c);
            fdx_counter_add(&c->hits, 1);
            return c->vals + i * c->value_size;
        }
    }
    fdx_counter_add(&c->misses, 1);
    return NULL;
}

void *fdx_lcache_put(struct fdx_lcache *c, const struct fdx_addr *key)
{
    size_t base = set_of(c, key) * WAYS, victim = base;
    for (size_t i = base; i < base + WAYS; i++) {
        if (c->way[i].stamp == 0 || same(&c->way[i].key, key)) {
            victim = i;
            break;
        }
        if (c->way[i].stamp < c->way[victim].stamp) {
            victim = i;
        }
    }
    uint32_t now = tick(c);
    c->way[victim].key = *key;
    c->way[victim].stamp = now;
    unsigned char *v = c->vals + victim * c->value_size;
    memset(v, 0, c->value_size);
    return v;
}

void fdx_lcache_clear(struct fdx_lcache *c)
{
    memset(c->way, 0, (c->sets_mask + 1) * WAYS * sizeof(*c->way));
}

uint64_t fdx_lcache_hits(const struct fdx_lcache *c)
{
    return fdx_counter_get(&c->hits);
}

uint64_t fdx_lcache_misses(const struct fdx_lcache *c)
{
    return fdx_counter_get(&c->misses);
}
