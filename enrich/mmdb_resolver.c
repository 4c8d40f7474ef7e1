/* The order of a lookup: the jump table (one read, no cache), then the address cache, then a
 * walk (queued, eight at a time) or libmaxminddb. A walked or jump-table answer is a database
 * record, whose value comes from the record cache; the address cache keeps a copy, shared
 * with the address's /24 (/48) when the database's network covers it. */
#include "mmdb_resolver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "lookup_cache.h"
#include "metrics.h"
#include "mmdb_jump.h"
#include "mmdb_walk.h"

/* Database records whose values are kept. */
#define RECORD_CACHE_ENTRIES 4096
/* How many records ahead the cache sets are prefetched. */
#define PREFETCH_AHEAD 8

struct fdx_mmdb_resolver {
    const MMDB_s *db;           /* NULL: libmaxminddb only */
    struct fdx_mmdb_jump *jump; /* NULL without db */
    struct fdx_mmdb_tree tree;
    bool walk; /* the tree's layout is understood */
    struct fdx_lcache *cache;   /* by address */
    struct fdx_lcache *records; /* by database record; NULL without db */
    size_t value_size;
    const struct fdx_mmdb_resolver_ops *ops;
    void *stage;
    void *none; /* the value of "no record" */
    struct fdx_mmdb_queue queue;
    fdx_counter blocks;
};

struct fdx_mmdb_resolver *fdx_mmdb_resolver_new(const MMDB_s *db, size_t cache_entries,
                                                size_t value_size,
                                                const struct fdx_mmdb_resolver_ops *ops,
                                                void *stage)
{
    struct fdx_mmdb_resolver *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return NULL;
    }
    r->db = db;
    r->value_size = value_size;
    r->ops = ops;
    r->stage = stage;
    r->cache = fdx_lcache_new(cache_entries, value_size);
    r->none = calloc(1, value_size);
    bool ok = r->cache != NULL && r->none != NULL && fdx_lcache_enable_networks(r->cache) == 0;
    if (ok && db != NULL) {
        r->jump = fdx_mmdb_jump_new(db);
        r->records = fdx_lcache_new(RECORD_CACHE_ENTRIES, value_size);
        r->walk = fdx_mmdb_tree_init(&r->tree, db);
        ok = r->jump != NULL && r->records != NULL;
    }
    if (!ok) {
        fdx_mmdb_resolver_free(r);
        return NULL;
    }
    ops->fill(stage, NULL, r->none);
    return r;
}

void fdx_mmdb_resolver_free(struct fdx_mmdb_resolver *r)
{
    if (r != NULL) {
        fdx_mmdb_jump_free(r->jump);
        fdx_lcache_free(r->cache);
        fdx_lcache_free(r->records);
        free(r->none);
        free(r);
    }
}

void fdx_mmdb_resolver_clear(struct fdx_mmdb_resolver *r)
{
    fdx_lcache_clear(r->cache);
    if (r->records != NULL) {
        fdx_lcache_clear(r->records);
    }
}

void fdx_mmdb_resolver_prefetch(const struct fdx_mmdb_resolver *r, const struct fdx_batch *b,
                                uint32_t i)
{
    uint32_t k = i + PREFETCH_AHEAD;
    if (k >= b->n) {
        return;
    }
    /* Addresses the jump table answers need no cache. */
    const struct fdx_flow *f = &b->slot[k].flow;
    if (r->jump == NULL || fdx_mmdb_jump_get(r->jump, &f->src) == FDX_JUMP_DEEPER) {
        fdx_lcache_prefetch(r->cache, &f->src);
    }
    if (r->jump == NULL || fdx_mmdb_jump_get(r->jump, &f->dst) == FDX_JUMP_DEEPER) {
        fdx_lcache_prefetch(r->cache, &f->dst);
    }
}

/* The value of a database answer (a jump table or walk answer other than FDX_JUMP_DEEPER). */
static const void *record_value(struct fdx_mmdb_resolver *r, uint32_t answer)
{
    if (answer == FDX_JUMP_EMPTY) {
        return r->none;
    }
    struct fdx_addr key = fdx_mmdb_jump_key(answer);
    void *v = fdx_lcache_get(r->records, &key);
    if (v == NULL) {
        MMDB_entry_s e = fdx_mmdb_jump_entry(r->db, answer);
        v = fdx_lcache_put(r->records, &key);
        r->ops->fill(r->stage, &e, v);
    }
    return v;
}

/* Looks a up with libmaxminddb and caches the answer. */
static const void *by_lookup(struct fdx_mmdb_resolver *r, const struct fdx_addr *a)
{
    void *v = fdx_lcache_put(r->cache, a);
    fdx_lcache_share(r->cache, a, v, r->ops->lookup(r->stage, a, v));
    return v;
}

/* Caches a walked answer for a (libmaxminddb's when the walk met a broken path). */
static const void *store_walked(struct fdx_mmdb_resolver *r, const struct fdx_addr *a,
                                uint32_t answer, unsigned prefix)
{
    if (answer == FDX_JUMP_DEEPER) {
        return by_lookup(r, a);
    }
    const void *rv = record_value(r, answer);
    void *v = fdx_lcache_put(r->cache, a);
    memcpy(v, rv, r->value_size);
    fdx_lcache_share(r->cache, a, v, prefix);
    return v;
}

void fdx_mmdb_resolver_flush(struct fdx_mmdb_resolver *r)
{
    struct fdx_mmdb_queue *q = &r->queue;
    uint32_t answer[FDX_MMDB_LANES];
    unsigned prefix[FDX_MMDB_LANES];
    fdx_mmdb_tree_find(&r->tree, q->addr, q->n, answer, prefix);
    for (unsigned k = 0; k < q->n; k++) {
        const void *v = store_walked(r, q->addr[k], answer[k], prefix[k]);
        r->ops->apply(r->stage, q->slot[k], q->src[k], v);
    }
    q->n = 0;
}

void fdx_mmdb_resolve(struct fdx_mmdb_resolver *r, struct fdx_slot *s, bool src)
{
    const struct fdx_addr *a = src ? &s->flow.src : &s->flow.dst;
    const void *v = NULL;
    if (r->jump != NULL) {
        uint32_t answer = fdx_mmdb_jump_get(r->jump, a);
        if (answer != FDX_JUMP_DEEPER) {
            fdx_counter_add(&r->blocks, 1);
            v = record_value(r, answer);
        }
    }
    if (v == NULL && (v = fdx_lcache_get(r->cache, a)) == NULL && !r->walk) {
        v = by_lookup(r, a);
    }
    if (v != NULL) {
        r->ops->apply(r->stage, s, src, v);
        return;
    }
    struct fdx_mmdb_queue *q = &r->queue;
    q->addr[q->n] = a;
    q->slot[q->n] = s;
    q->src[q->n] = src;
    if (++q->n == FDX_MMDB_LANES) {
        fdx_mmdb_resolver_flush(r);
    }
}

uint64_t fdx_mmdb_resolver_hits(const struct fdx_mmdb_resolver *r)
{
    return fdx_lcache_hits(r->cache);
}

uint64_t fdx_mmdb_resolver_misses(const struct fdx_mmdb_resolver *r)
{
    return fdx_lcache_misses(r->cache);
}

uint64_t fdx_mmdb_resolver_blocks(const struct fdx_mmdb_resolver *r)
{
    return fdx_counter_get(&r->blocks);
}

void fdx_mmdb_resolver_stats(const struct fdx_mmdb_resolver *r, struct fdx_metrics *m,
                             const char *family, const char *stage, unsigned worker)
{
    fdx_metrics_family(m, family, "counter",
                       "Lookup cache hits and misses per stage, and addresses whose /16 the "
                       "database answers as a whole (block)");
    const char *names[3] = {"hit", "miss", "block"};
    const uint64_t vals[3] = {fdx_mmdb_resolver_hits(r), fdx_mmdb_resolver_misses(r),
                              fdx_mmdb_resolver_blocks(r)};
    for (unsigned i = 0; i < 3; i++) {
        char labels[96];
        snprintf(labels, sizeof(labels), "stage=\"%s\",result=\"%s\",worker=\"%u\"", stage,
                 names[i], worker);
        fdx_metrics_sample(m, family, labels, vals[i]);
    }
}
