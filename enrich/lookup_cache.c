/* Set-associative LRU: a set holds 3 ways, their keys and age stamps (from a per-cache clock)
 * in one 64-byte cache line, so a lookup touches the set's line and the value's. The network
 * level is a second such table keyed by /24 or /48. */
#include "lookup_cache.h"

#include <errno.h>
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

/* One level of sets and values: addresses, or networks (an address's /24 or /48). */
struct level {
    struct set *set;     /* sets, 64-byte aligned; NULL for a network level not enabled */
    unsigned char *vals; /* sets * WAYS * value_size */
};

struct fdx_lcache {
    size_t sets_mask;
    size_t value_size;
    uint32_t clock;
    struct level addr, net;
    fdx_counter hits, misses;
};

static int level_init(struct level *l, size_t sets, size_t value_size)
{
    l->set = aligned_alloc(64, sets * sizeof(*l->set));
    l->vals = malloc(sets * WAYS * value_size);
    if (l->set == NULL || l->vals == NULL) {
        return -ENOMEM;
    }
    /* Touched now, not page by page on the first misses: memory use is what it will be from
     * the start, and the first minutes of traffic pay no page faults. */
    memset(l->set, 0, sets * sizeof(*l->set));
    memset(l->vals, 0, sets * WAYS * value_size);
    return 0;
}

static void level_fini(struct level *l)
{
    free(l->set);
    free(l->vals);
}

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
    if (level_init(&c->addr, sets, c->value_size) != 0) {
        fdx_lcache_free(c);
        return NULL;
    }
    return c;
}

int fdx_lcache_enable_networks(struct fdx_lcache *c)
{
    if (c->net.set != NULL) {
        return 0;
    }
    if (level_init(&c->net, c->sets_mask + 1, c->value_size) != 0) {
        level_fini(&c->net);
        c->net.set = NULL;
        c->net.vals = NULL;
        return -ENOMEM;
    }
    return 0;
}

void fdx_lcache_free(struct fdx_lcache *c)
{
    if (c != NULL) {
        level_fini(&c->addr);
        level_fini(&c->net);
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

/* The network key of an address: its /24 (IPv4) or /48 (IPv6), host bits zero. */
static struct fdx_addr net_key(const struct fdx_addr *a)
{
    struct fdx_addr k = *a;
    if (fdx_addr_is_v4(a)) {
        k.b[15] = 0;
    } else {
        memset(k.b + 6, 0, 10);
    }
    return k;
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

static void *level_get(struct fdx_lcache *c, struct level *l, const struct fdx_addr *key)
{
    size_t set = set_of(c, key);
    struct set *s = &l->set[set];
    for (size_t w = 0; w < WAYS; w++) {
        if (same(&s->key[w], key) && s->stamp[w] != 0) {
            s->stamp[w] = tick(c);
            return l->vals + (set * WAYS + w) * c->value_size;
        }
    }
    return NULL;
}

static void *level_put(struct fdx_lcache *c, struct level *l, const struct fdx_addr *key)
{
    size_t set = set_of(c, key);
    uint32_t now = tick(c); /* first: a wrap clears every stamp */
    struct set *s = &l->set[set];
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
    return l->vals + (set * WAYS + victim) * c->value_size;
}

void fdx_lcache_prefetch(const struct fdx_lcache *c, const struct fdx_addr *key)
{
    __builtin_prefetch(&c->addr.set[set_of(c, key)]);
    if (c->net.set != NULL) {
        struct fdx_addr k = net_key(key);
        __builtin_prefetch(&c->net.set[set_of(c, &k)]);
    }
}

void *fdx_lcache_get(struct fdx_lcache *c, const struct fdx_addr *key)
{
    void *v = level_get(c, &c->addr, key);
    if (v == NULL && c->net.set != NULL) {
        struct fdx_addr k = net_key(key);
        v = level_get(c, &c->net, &k);
    }
    fdx_counter_add(v != NULL ? &c->hits : &c->misses, 1);
    return v;
}

void *fdx_lcache_put(struct fdx_lcache *c, const struct fdx_addr *key)
{
    void *v = level_put(c, &c->addr, key);
    memset(v, 0, c->value_size);
    return v;
}

void fdx_lcache_share(struct fdx_lcache *c, const struct fdx_addr *key, const void *value,
                      unsigned prefix)
{
    if (c->net.set == NULL || prefix > (fdx_addr_is_v4(key) ? 24u : 48u)) {
        return;
    }
    struct fdx_addr k = net_key(key);
    memcpy(level_put(c, &c->net, &k), value, c->value_size);
}

void fdx_lcache_clear(struct fdx_lcache *c)
{
    memset(c->addr.set, 0, (c->sets_mask + 1) * sizeof(*c->addr.set));
    if (c->net.set != NULL) {
        memset(c->net.set, 0, (c->sets_mask + 1) * sizeof(*c->net.set));
    }
}

uint64_t fdx_lcache_hits(const struct fdx_lcache *c)
{
    return fdx_counter_get(&c->hits);
}

uint64_t fdx_lcache_misses(const struct fdx_lcache *c)
{
    return fdx_counter_get(&c->misses);
}
