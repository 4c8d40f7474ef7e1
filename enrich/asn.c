/* The asn stage: per-worker MMDB handle and resolver; reload opens the new database and builds
 * its resolver before it lets go of the old ones. */
#include "asn.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrich_util.h"
#include "intern.h"
#include "mmdb_lookup.h"
#include "mmdb_resolver.h"

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

struct asn {
    MMDB_s *db;
    struct fdx_mmdb_resolver *res;
    bool organizations, always, absent;
    struct fdx_intern *strings;
    struct fdx_intern *batch_strings; /* the batch's table, while a batch is processed */
    uint32_t intern_gen;              /* intern table generation the cached ids belong to */
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

/* Fills a value (zeroed) from a database record, or as not found when e is NULL. */
static void fill(void *self, MMDB_entry_s *e, void *value)
{
    const struct asn *a = self;
    struct asn_val *v = value;
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
        v->org = fdx_mmdb_str(e, a->batch_strings, org);
    }
}

static unsigned lookup_mmdb(void *self, const struct fdx_addr *addr, void *value)
{
    struct asn *a = self;
    MMDB_entry_s e;
    unsigned prefix;
    fill(a, fdx_mmdb_find(a->db, addr, &e, &prefix) ? &e : NULL, value);
    return prefix;
}

static void apply(void *self, struct fdx_slot *s, bool src, const void *value)
{
    struct asn *a = self;
    const struct asn_val *v = value;
    int64_t *as = src ? &s->enr.src_as : &s->enr.dst_as;
    *as = v->as >= 0 ? v->as : (a->absent ? FDX_AS_ABSENT : -1);
    s->enr.present |= FDX_EBIT(src ? FDX_E_SRC_AS : FDX_E_DST_AS);
    if (v->org != 0) {
        *(src ? &s->enr.src_as_org : &s->enr.dst_as_org) = v->org;
        s->enr.present |= FDX_EBIT(src ? FDX_E_SRC_AS_ORG : FDX_E_DST_AS_ORG);
    }
    fdx_counter_add(v->as >= 0 ? &a->found : &a->not_found, 1);
}

static const struct fdx_mmdb_resolver_ops asn_resolver_ops = {
    .fill = fill,
    .lookup = lookup_mmdb,
    .apply = apply,
};

/* Opens the database and builds its resolver; returns 0, or an error with err set. */
static int open_db(struct asn *a, const struct asn_conf *c, MMDB_s **db,
                   struct fdx_mmdb_resolver **res, struct fdx_err *err)
{
    *db = calloc(1, sizeof(**db));
    if (*db == NULL) {
        fdx_err_set(err, "asn: out of memory");
        return -ENOMEM;
    }
    int rc = fdx_mmdb_open(*db, "asn", c->database, err);
    if (rc != 0) {
        free(*db);
        return rc;
    }
    *res = fdx_mmdb_resolver_new(*db, c->cache_entries, sizeof(struct asn_val),
                                 &asn_resolver_ops, a);
    if (*res == NULL) {
        MMDB_close(*db);
        free(*db);
        fdx_err_set(err, "asn: out of memory for the cache");
        return -ENOMEM;
    }
    return 0;
}

static void close_db(MMDB_s *db, struct fdx_mmdb_resolver *res)
{
    fdx_mmdb_resolver_free(res);
    if (db != NULL) {
        MMDB_close(db);
        free(db);
    }
}

static void *asn_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    const struct asn_conf *c = conf;
    struct asn *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return NULL;
    }
    apply_conf(a, c);
    if (open_db(a, c, &a->db, &a->res, err) != 0) {
        free(a);
        return NULL;
    }
    a->strings = env->strings;
    a->worker = env->worker_id;
    return a;
}

static void enrich_side(struct asn *a, struct fdx_slot *s, bool src)
{
    const struct fdx_flow *f = &s->flow;
    uint32_t carried = src ? f->src_as : f->dst_as;
    bool has = fdx_flow_has(f, src ? FDX_F_SRC_AS : FDX_F_DST_AS);
    if (!a->always && has && !fdx_asn_is_meaningless(carried)) {
        fdx_counter_add(&a->kept, 1);
        return;
    }
    fdx_mmdb_resolve(a->res, s, src);
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
        fdx_mmdb_resolver_clear(a->res);
    }
    a->batch_strings = st;
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        fdx_mmdb_resolver_prefetch(a->res, batch, i);
        if (s->dropped || s->flow.kind != FDX_KIND_FLOW) {
            continue;
        }
        if (fdx_flow_has(&s->flow, FDX_F_SRC_ADDR)) {
            enrich_side(a, s, true);
        }
        if (fdx_flow_has(&s->flow, FDX_F_DST_ADDR)) {
            enrich_side(a, s, false);
        }
    }
    fdx_mmdb_resolver_flush(a->res);
}

static int asn_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct asn *a = self;
    const struct asn_conf *c = conf;
    MMDB_s *db;
    struct fdx_mmdb_resolver *res;
    int rc = open_db(a, c, &db, &res, err);
    if (rc != 0) {
        return rc;
    }
    close_db(a->db, a->res);
    a->db = db;
    a->res = res;
    apply_conf(a, c);
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
    fdx_mmdb_resolver_stats(a->res, m, "flowdex_asn_cache_total", "asn", a->worker);
}

static void asn_free(void *self)
{
    struct asn *a = self;
    if (a != NULL) {
        close_db(a->db, a->res);
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
