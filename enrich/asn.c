/* The asn stage: per-worker MMDB handle and cache; reload swaps the handle after opening. */
#include "asn.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrich_util.h"
#include "intern.h"
#include "lookup_cache.h"
#include "mmdb_jump.h"
#include "mmdb_lookup.h"
#include "mmdb_walk.h"

static const char *const unknown_choices[] = {"minus_one", "absent", NULL};
enum { UNKNOWN_MINUS_ONE, UNKNOWN_ABSENT };

struct asn_conf {
    char *database;
    uint64_t cache_entries;
    bool organizations;
    bool always;
    int unknown;
};

static const struct fdx_cfg_key asn_keys[] = {
    {"database", FDX_CFG_PATH, NULL, offsetof(struct asn_conf, database), 0, 0, NULL,
     "path of a MaxMind (GeoLite2/GeoIP2) ASN database (.mmdb)"},
    {"cache_entries", FDX_CFG_UINT, "65536", offsetof(struct asn_conf, cache_entries), 16,
     16777216, NULL, "addresses whose results are cached per worker (bounded LRU)"},
    {"organizations", FDX_CFG_BOOL, "true", offsetof(struct asn_conf, organizations), 0, 0, NULL,
     "also take the AS organisation name from the database"},
    {"always", FDX_CFG_BOOL, "false", offsetof(struct asn_conf, always), 0, 0, NULL,
     "look up every address, even when the record carries a meaningful AS"},
    {"unknown", FDX_CFG_ENUM, "\"minus_one\"", offsetof(struct asn_conf, unknown), 0, 0,
     unknown_choices, "what an AS that could not be found becomes: -1, or no field"},
    FDX_CFG_END,
};

struct asn_val {
    int64_t as; /* -1: not in the database */
    uint32_t org;
};

/* Records held by the record cache: what one database record says, so that it is decoded
 * once for all the addresses it answers. */
#define RECORD_CACHE_ENTRIES 4096

struct asn {
    MMDB_s db;
    bool organizations, always, absent;
    struct fdx_mmdb_jump *jump;   /* answers for whole /16s of db */
    struct fdx_mmdb_tree tree;    /* walks for the other addresses ... */
    bool walk;                    /* ... unless the tree's layout is not understood */
    struct fdx_lcache *cache;     /* by address, for the others */
    struct fdx_lcache *records;   /* by database record */
    fdx_counter by_jump;          /* addresses answered by the jump table */
    struct fdx_intern *strings;
    uint32_t intern_gen; /* intern table generation the cached ids belong to */
    unsigned worker;
    fdx_counter found, not_found, kept;
};

bool fdx_asn_is_meaningless(uint32_t as)
{
    return as == 0 || as == 23456 || (as >= 64496 && as <= 131071) ||
           as >= 4200000000u; /* documentation, private and reserved (RFC 5398, 6996, 7300) */
}

static void apply_conf(struct asn *a, const struct asn_conf *c)
{
    a->organizations = c->organizations;
    a->always = c->always;
    a->absent = c->unknown == UNKNOWN_ABSENT;
}

static void asn_free(void *self);

static void *asn_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    const struct asn_conf *c = conf;
    struct asn *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return NULL;
    }
    if (fdx_mmdb_open(&a->db, "asn", c->database, err) != 0) {
        free(a);
        return NULL;
    }
    a->jump = fdx_mmdb_jump_new(&a->db);
    a->walk = fdx_mmdb_tree_init(&a->tree, &a->db);
    a->cache = fdx_lcache_new(c->cache_entries, sizeof(struct asn_val));
    a->records = fdx_lcache_new(RECORD_CACHE_ENTRIES, sizeof(struct asn_val));
    if (a->jump == NULL || a->cache == NULL || a->records == NULL ||
        fdx_lcache_enable_networks(a->cache) != 0) {
        asn_free(a);
        fdx_err_set(err, "asn: out of memory for the cache");
        return NULL;
    }
    apply_conf(a, c);
    a->strings = env->strings;
    a->worker = env->worker_id;
    return a;
}

/* Fills v (zeroed) from a database record, or as not found when e is NULL. */
static void fill(const struct asn *a, struct fdx_intern *st, MMDB_entry_s *e, struct asn_val *v)
{
    v->as = -1;
    if (e == NULL) {
        return;
    }
    const char *num[] = {"autonomous_system_number", NULL};
    const char *org[] = {"autonomous_system_organization", NULL};
    double d;
    if (fdx_mmdb_num(e, num, &d) && d >= 0 && d <= 4294967295.0) {
        v->as = (int64_t)d;
    }
    if (a->organizations) {
        v->org = fdx_mmdb_str(e, st, org);
    }
}

/* What database answer says (a jump table or walk answer other than FDX_JUMP_DEEPER), from
 * the record cache. */
static const struct asn_val *record_value(struct asn *a, struct fdx_intern *st, uint32_t answer)
{
    static const struct asn_val none = {.as = -1};
    if (answer == FDX_JUMP_EMPTY) {
        return &none;
    }
    struct fdx_addr key = fdx_mmdb_jump_key(answer);
    struct asn_val *v = fdx_lcache_get(a->records, &key);
    if (v == NULL) {
        MMDB_entry_s e = fdx_mmdb_jump_entry(&a->db, answer);
        v = fdx_lcache_put(a->records, &key);
        fill(a, st, &e, v);
    }
    return v;
}

/* Looks addr up with the library and caches the answer. */
static const struct asn_val *lookup_library(struct asn *a, struct fdx_intern *st,
                                            const struct fdx_addr *addr)
{
    struct asn_val *v = fdx_lcache_put(a->cache, addr);
    MMDB_entry_s e;
    unsigned prefix;
    fill(a, st, fdx_mmdb_find(&a->db, addr, &e, &prefix) ? &e : NULL, v);
    fdx_lcache_share(a->cache, addr, v, prefix);
    return v;
}

/* The answer when it is at hand (jump table, caches, or the library when walks are off);
 * NULL when the address is to be walked. */
static const struct asn_val *lookup_now(struct asn *a, struct fdx_intern *st,
                                        const struct fdx_addr *addr)
{
    uint32_t answer = fdx_mmdb_jump_get(a->jump, addr);
    if (answer != FDX_JUMP_DEEPER) {
        fdx_counter_add(&a->by_jump, 1);
        return record_value(a, st, answer);
    }
    const struct asn_val *v = fdx_lcache_get(a->cache, addr);
    if (v != NULL || a->walk) {
        return v;
    }
    return lookup_library(a, st, addr);
}

/* Caches a walked answer for addr (the library's when the walk met a broken path). */
static const struct asn_val *store_walked(struct asn *a, struct fdx_intern *st,
                                          const struct fdx_addr *addr, uint32_t answer,
                                          unsigned prefix)
{
    if (answer == FDX_JUMP_DEEPER) {
        return lookup_library(a, st, addr);
    }
    const struct asn_val *r = record_value(a, st, answer);
    struct asn_val *v = fdx_lcache_put(a->cache, addr);
    *v = *r;
    fdx_lcache_share(a->cache, addr, v, prefix);
    return v;
}

static void apply(struct asn *a, struct fdx_slot *s, bool src, const struct asn_val *v)
{
    int64_t *as = src ? &s->enr.src_as : &s->enr.dst_as;
    *as = v->as >= 0 ? v->as : (a->absent ? FDX_AS_ABSENT : -1);
    s->enr.present |= FDX_EBIT(src ? FDX_E_SRC_AS : FDX_E_DST_AS);
    if (v->org != 0) {
        *(src ? &s->enr.src_as_org : &s->enr.dst_as_org) = v->org;
        s->enr.present |= FDX_EBIT(src ? FDX_E_SRC_AS_ORG : FDX_E_DST_AS_ORG);
    }
    fdx_counter_add(v->as >= 0 ? &a->found : &a->not_found, 1);
}

/* Walks the queued addresses together and applies their answers. */
static void flush(struct asn *a, struct fdx_intern *st, struct fdx_mmdb_queue *q)
{
    uint32_t answer[FDX_MMDB_LANES];
    unsigned prefix[FDX_MMDB_LANES];
    fdx_mmdb_tree_find(&a->tree, q->addr, q->n, answer, prefix);
    for (unsigned k = 0; k < q->n; k++) {
        apply(a, q->slot[k], q->src[k], store_walked(a, st, q->addr[k], answer[k], prefix[k]));
    }
    q->n = 0;
}

static void enrich_side(struct asn *a, struct fdx_intern *st, struct fdx_slot *s, bool src,
                        struct fdx_mmdb_queue *q)
{
    const struct fdx_flow *f = &s->flow;
    uint32_t carried = src ? f->src_as : f->dst_as;
    bool has = fdx_flow_has(f, src ? FDX_F_SRC_AS : FDX_F_DST_AS);
    if (!a->always && has && !fdx_asn_is_meaningless(carried)) {
        fdx_counter_add(&a->kept, 1);
        return;
    }
    const struct fdx_addr *addr = src ? &f->src : &f->dst;
    const struct asn_val *v = lookup_now(a, st, addr);
    if (v != NULL) {
        apply(a, s, src, v);
        return;
    }
    q->addr[q->n] = addr;
    q->slot[q->n] = s;
    q->src[q->n] = src;
    if (++q->n == FDX_MMDB_LANES) {
        flush(a, st, q);
    }
}

static void asn_process(void *self, struct fdx_batch *batch)
{
    struct asn *a = self;
    bool stale;
    struct fdx_intern *st = fdx_enrich_batch_strings(batch, a->strings, &a->intern_gen, &stale);
    if (st == NULL) {
        return;
    }
    if (stale) {
        fdx_lcache_clear(a->cache);
        fdx_lcache_clear(a->records);
    }
    struct fdx_mmdb_queue q = {.n = 0};
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        fdx_enrich_prefetch(a->cache, a->jump, batch, i);
        if (s->dropped || s->flow.kind != FDX_KIND_FLOW) {
            continue;
        }
        if (fdx_flow_has(&s->flow, FDX_F_SRC_ADDR)) {
            enrich_side(a, st, s, true, &q);
        }
        if (fdx_flow_has(&s->flow, FDX_F_DST_ADDR)) {
            enrich_side(a, st, s, false, &q);
        }
    }
    if (q.n > 0) {
        flush(a, st, &q);
    }
}

static int asn_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct asn *a = self;
    const struct asn_conf *c = conf;
    MMDB_s nd;
    int rc = fdx_mmdb_open(&nd, "asn", c->database, err);
    if (rc != 0) {
        return rc;
    }
    struct fdx_mmdb_jump *nj = fdx_mmdb_jump_new(&nd);
    if (nj == NULL) {
        MMDB_close(&nd);
        fdx_err_set(err, "asn: out of memory for the jump table");
        return -ENOMEM;
    }
    MMDB_close(&a->db);
    a->db = nd;
    fdx_mmdb_jump_free(a->jump);
    a->jump = nj;
    a->walk = fdx_mmdb_tree_init(&a->tree, &a->db);
    apply_conf(a, c);
    fdx_lcache_clear(a->cache);
    fdx_lcache_clear(a->records);
    return 0;
}

static void asn_stats(const void *self, struct fdx_metrics *m)
{
    const struct asn *a = self;
    char labels[96];
    fdx_metrics_family(m, "flowdex_asn_lookups_total", "counter",
                       "AS numbers per address: found, not_found, or kept (record's own AS)");
    const char *names[3] = {"found", "not_found", "kept"};
    const fdx_counter *vals[3] = {&a->found, &a->not_found, &a->kept};
    for (unsigned i = 0; i < 3; i++) {
        snprintf(labels, sizeof(labels), "result=\"%s\",worker=\"%u\"", names[i], a->worker);
        fdx_metrics_sample(m, "flowdex_asn_lookups_total", labels, fdx_counter_get(vals[i]));
    }
    fdx_metrics_family(m, "flowdex_asn_cache_total", "counter",
                       "Lookup cache hits and misses per stage, and addresses whose /16 the database answers as a whole (block)");
    snprintf(labels, sizeof(labels), "stage=\"asn\",result=\"hit\",worker=\"%u\"", a->worker);
    fdx_metrics_sample(m, "flowdex_asn_cache_total", labels, fdx_lcache_hits(a->cache));
    snprintf(labels, sizeof(labels), "stage=\"asn\",result=\"miss\",worker=\"%u\"", a->worker);
    fdx_metrics_sample(m, "flowdex_asn_cache_total", labels, fdx_lcache_misses(a->cache));
    snprintf(labels, sizeof(labels), "stage=\"asn\",result=\"block\",worker=\"%u\"", a->worker);
    fdx_metrics_sample(m, "flowdex_asn_cache_total", labels, fdx_counter_get(&a->by_jump));
}

static void asn_free(void *self)
{
    struct asn *a = self;
    if (a != NULL) {
        MMDB_close(&a->db);
        fdx_mmdb_jump_free(a->jump);
        fdx_lcache_free(a->cache);
        fdx_lcache_free(a->records);
        free(a);
    }
}

const struct fdx_stage_ops fdx_stage_asn = {
    .name = "asn",
    .summary = "AS number and organisation from a MaxMind ASN MMDB when the record has none",
    .keys = asn_keys,
    .conf_size = sizeof(struct asn_conf),
    .init = asn_init,
    .process = asn_process,
    .reload = asn_reload,
    .stats = asn_stats,
    .free = asn_free,
};
