/* The geoip stage. One MMDB handle set per worker instance; reload opens the new files
 * first and keeps the old ones when that fails. */
#include "geoip.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "enrich_util.h"
#include "intern.h"
#include "lookup_cache.h"
#include "mmdb_jump.h"
#include "mmdb_lookup.h"
#include "mmdb_walk.h"

#define CUSTOM_MAX 8
#define PATH_KEYS 8
/* Records held by the record cache: what one database record says, so that it is decoded
 * once for all the addresses it answers. */
#define RECORD_CACHE_ENTRIES 4096

struct geoip_conf {
    char *database;
    char *language;
    uint64_t cache_entries;
    struct json_object *custom;
};

static const struct fdx_cfg_key geoip_keys[] = {
    {"database", FDX_CFG_PATH, NULL, offsetof(struct geoip_conf, database), 0, 0, NULL,
     "path of a MaxMind (GeoIP2/GeoLite2) City or Country database (.mmdb)"},
    {"language", FDX_CFG_STRING, "\"en\"", offsetof(struct geoip_conf, language), 0, 0, NULL,
     "language of country, region and city names (a key of the database's names maps)"},
    {"cache_entries", FDX_CFG_UINT, "65536", offsetof(struct geoip_conf, cache_entries), 16,
     16777216, NULL, "addresses whose results are cached per worker (bounded LRU)"},
    {"custom", FDX_CFG_JSON, "[]", offsetof(struct geoip_conf, custom), 0, 0, NULL,
     "other MMDBs mapped to fields: [{\"database\", \"path\", \"source_field\", "
     "\"destination_field\"}]"},
    FDX_CFG_END,
};

/* One custom mapping: a value at path in database -> a document field per side. */
struct custom {
    MMDB_s db;
    char *path_buf;
    const char *keys[PATH_KEYS];
    char *src_field, *dst_field; /* NULL: not written for that side */
};

/* Everything reload replaces. */
struct geo_state {
    MMDB_s db;
    bool is_open;
    /* Answers for whole /16s of db; NULL with custom mappings (their databases' blocks
     * differ, so every address is looked up in all of them). */
    struct fdx_mmdb_jump *jump;
    struct fdx_mmdb_tree tree; /* walks for the addresses the jump table leaves */
    bool walk;                 /* false with custom mappings or a tree not understood */
    char *lang;
    unsigned ncustom;
    struct custom custom[CUSTOM_MAX];
};

/* Cached per address; custom[] has one id per configured custom mapping. */
struct geo_val {
    struct fdx_geo geo;
    bool found;
    uint32_t custom[];
};

struct geoip {
    struct geo_state st;
    struct fdx_lcache *cache;   /* by address */
    struct fdx_lcache *records; /* by database record, for jump table answers */
    uint64_t cache_entries;
    struct fdx_intern *strings;
    uint32_t intern_gen; /* intern table generation the cached ids belong to */
    unsigned worker;
    fdx_counter found, not_found, multicast;
    fdx_counter by_jump; /* addresses answered by the jump table */
};

static void state_fini(struct geo_state *st)
{
    if (st->is_open) {
        MMDB_close(&st->db);
    }
    fdx_mmdb_jump_free(st->jump);
    for (unsigned i = 0; i < st->ncustom; i++) {
        MMDB_close(&st->custom[i].db);
        free(st->custom[i].path_buf);
        free(st->custom[i].src_field);
        free(st->custom[i].dst_field);
    }
    free(st->lang);
    memset(st, 0, sizeof(*st));
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string)) {
        return NULL;
    }
    return json_object_get_string(v);
}

static int custom_build(struct custom *c, struct json_object *o, unsigned idx,
                        struct fdx_err *err)
{
    char what[48];
    snprintf(what, sizeof(what), "geoip.custom[%u]", idx);
    const char *db = jstr(o, "database"), *path = jstr(o, "path");
    const char *sf = jstr(o, "source_field"), *df = jstr(o, "destination_field");
    if (db == NULL || path == NULL || (sf == NULL && df == NULL)) {
        fdx_err_set(err, "config: \"%s\": expected an object with \"database\", \"path\" and "
                         "\"source_field\" and/or \"destination_field\" strings", what);
        return -EINVAL;
    }
    if ((sf != NULL && fdx_enrich_check_field(sf, what, err) != 0) ||
        (df != NULL && fdx_enrich_check_field(df, what, err) != 0)) {
        return -EINVAL;
    }
    c->path_buf = strdup(path);
    c->src_field = sf ? strdup(sf) : NULL;
    c->dst_field = df ? strdup(df) : NULL;
    if (c->path_buf == NULL || (sf && !c->src_field) || (df && !c->dst_field)) {
        return -ENOMEM;
    }
    if (fdx_mmdb_split_path(c->path_buf, c->keys, PATH_KEYS) == 0) {
        fdx_err_set(err, "config: \"%s.path\": \"%s\" is not valid (expected keys separated "
                         "by '/', such as \"organization/name\")", what, path);
        return -EINVAL;
    }
    return fdx_mmdb_open(&c->db, what, db, err);
}

static int state_build(struct geo_state *st, const struct geoip_conf *c, struct fdx_err *err)
{
    memset(st, 0, sizeof(*st));
    int rc = fdx_mmdb_open(&st->db, "geoip", c->database, err);
    if (rc != 0) {
        return rc;
    }
    st->is_open = true;
    st->lang = strdup(c->language);
    if (st->lang == NULL) {
        state_fini(st);
        return -ENOMEM;
    }
    if (c->custom != NULL && !json_object_is_type(c->custom, json_type_array)) {
        fdx_err_set(err, "config: \"geoip.custom\": expected an array of objects");
        state_fini(st);
        return -EINVAL;
    }
    size_t n = c->custom ? json_object_array_length(c->custom) : 0;
    if (n > CUSTOM_MAX) {
        fdx_err_set(err, "config: \"geoip.custom\": %zu mappings (at most %d)", n, CUSTOM_MAX);
        state_fini(st);
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        struct custom *cu = &st->custom[i];
        rc = custom_build(cu, json_object_array_get_idx(c->custom, i), (unsigned)i, err);
        if (rc != 0) {
            /* The failed one owns what it allocated but has no open database. */
            free(cu->path_buf);
            free(cu->src_field);
            free(cu->dst_field);
            memset(cu, 0, sizeof(*cu));
            state_fini(st);
            return rc;
        }
        st->ncustom = (unsigned)i + 1;
    }
    if (n == 0 && (st->jump = fdx_mmdb_jump_new(&st->db)) == NULL) {
        fdx_err_set(err, "geoip: out of memory for the jump table");
        state_fini(st);
        return -ENOMEM;
    }
    st->walk = n == 0 && fdx_mmdb_tree_init(&st->tree, &st->db);
    return 0;
}

/* Address and network levels; the value size depends on the number of custom mappings. */
static struct fdx_lcache *cache_new(uint64_t entries, unsigned ncustom)
{
    size_t value_size = sizeof(struct geo_val) + ncustom * sizeof(uint32_t);
    struct fdx_lcache *c = fdx_lcache_new(entries, value_size);
    if (c != NULL && fdx_lcache_enable_networks(c) != 0) {
        fdx_lcache_free(c);
        c = NULL;
    }
    return c;
}

static void *geoip_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    const struct geoip_conf *c = conf;
    struct geoip *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return NULL;
    }
    if (state_build(&g->st, c, err) != 0) {
        free(g);
        return NULL;
    }
    g->cache_entries = c->cache_entries;
    g->cache = cache_new(c->cache_entries, g->st.ncustom);
    g->records = fdx_lcache_new(RECORD_CACHE_ENTRIES, sizeof(struct geo_val));
    if (g->cache == NULL || g->records == NULL) {
        state_fini(&g->st);
        fdx_lcache_free(g->cache);
        fdx_lcache_free(g->records);
        free(g);
        fdx_err_set(err, "geoip: out of memory for the cache");
        return NULL;
    }
    g->strings = env->strings;
    g->worker = env->worker_id;
    return g;
}

/* Fills v (zeroed) from the City/Country database's record e. */
static void fill(const struct geoip *g, struct fdx_intern *st, MMDB_entry_s *e,
                 struct geo_val *v)
{
    const char *lang = g->st.lang;
    const char *iso[] = {"country", "iso_code", NULL};
    const char *riso[] = {"registered_country", "iso_code", NULL};
    const char *cname[] = {"country", "names", lang, NULL};
    const char *rname[] = {"registered_country", "names", lang, NULL};
    const char *cont[] = {"continent", "code", NULL};
    const char *city[] = {"city", "names", lang, NULL};
    const char *region[] = {"subdivisions", "0", "names", lang, NULL};
    const char *lat[] = {"location", "latitude", NULL};
    const char *lon[] = {"location", "longitude", NULL};
    v->geo.country_iso = fdx_mmdb_str(e, st, iso);
    v->geo.country_name = fdx_mmdb_str(e, st, cname);
    if (v->geo.country_iso == 0) {
        v->geo.country_iso = fdx_mmdb_str(e, st, riso);
        v->geo.country_name = fdx_mmdb_str(e, st, rname);
    }
    v->geo.continent_code = fdx_mmdb_str(e, st, cont);
    v->geo.city_name = fdx_mmdb_str(e, st, city);
    v->geo.region_name = fdx_mmdb_str(e, st, region);
    v->geo.has_location = fdx_mmdb_num(e, lat, &v->geo.lat) &&
                          fdx_mmdb_num(e, lon, &v->geo.lon);
    v->found = v->geo.country_iso != 0 || v->geo.continent_code != 0 ||
               v->geo.has_location;
}

/* Fills v from the databases; returns the prefix length of the network around a for which
 * every database consulted gives the same answer (the longest of their networks). */
static unsigned lookup(struct geoip *g, struct fdx_intern *st, const struct fdx_addr *a,
                       struct geo_val *v)
{
    MMDB_entry_s e;
    unsigned prefix, longest;
    if (fdx_mmdb_find(&g->st.db, a, &e, &longest)) {
        fill(g, st, &e, v);
    }
    for (unsigned i = 0; i < g->st.ncustom; i++) {
        struct custom *c = &g->st.custom[i];
        if (fdx_mmdb_find(&c->db, a, &e, &prefix)) {
            v->custom[i] = fdx_mmdb_str(&e, st, c->keys);
        }
        longest = prefix > longest ? prefix : longest;
    }
    return longest;
}

/* What a database answer says (a jump table or walk answer other than FDX_JUMP_DEEPER),
 * from the record cache. */
static const struct geo_val *record_value(struct geoip *g, struct fdx_intern *st,
                                          uint32_t answer)
{
    static const struct geo_val none = {.found = false};
    if (answer == FDX_JUMP_EMPTY) {
        return &none;
    }
    struct fdx_addr key = fdx_mmdb_jump_key(answer);
    struct geo_val *v = fdx_lcache_get(g->records, &key);
    if (v == NULL) {
        MMDB_entry_s e = fdx_mmdb_jump_entry(&g->st.db, answer);
        v = fdx_lcache_put(g->records, &key);
        fill(g, st, &e, v);
    }
    return v;
}

/* Looks a up with the library (and the custom databases) and caches the answer. */
static const struct geo_val *lookup_library(struct geoip *g, struct fdx_intern *st,
                                            const struct fdx_addr *a)
{
    struct geo_val *v = fdx_lcache_put(g->cache, a);
    fdx_lcache_share(g->cache, a, v, lookup(g, st, a, v));
    return v;
}

/* The answer when it is at hand (jump table, caches, or the library when walks are off);
 * NULL when the address is to be walked. */
static const struct geo_val *lookup_now(struct geoip *g, struct fdx_intern *st,
                                        const struct fdx_addr *a)
{
    if (g->st.jump != NULL) {
        uint32_t answer = fdx_mmdb_jump_get(g->st.jump, a);
        if (answer != FDX_JUMP_DEEPER) {
            fdx_counter_add(&g->by_jump, 1);
            return record_value(g, st, answer);
        }
    }
    const struct geo_val *v = fdx_lcache_get(g->cache, a);
    if (v != NULL || g->st.walk) {
        return v;
    }
    return lookup_library(g, st, a);
}

/* Caches a walked answer for a (the library's when the walk met a broken path). */
static const struct geo_val *store_walked(struct geoip *g, struct fdx_intern *st,
                                          const struct fdx_addr *a, uint32_t answer,
                                          unsigned prefix)
{
    if (answer == FDX_JUMP_DEEPER) {
        return lookup_library(g, st, a);
    }
    const struct geo_val *r = record_value(g, st, answer);
    struct geo_val *v = fdx_lcache_put(g->cache, a);
    *v = *r; /* no custom mappings when walking: the value is the struct alone */
    fdx_lcache_share(g->cache, a, v, prefix);
    return v;
}

static void apply(struct geoip *g, struct fdx_intern *st, struct fdx_slot *s, bool src,
                  const struct geo_val *v)
{
    struct fdx_geo *out = src ? &s->enr.src_geo : &s->enr.dst_geo;
    if (v->found) {
        *out = v->geo;
        s->enr.present |= FDX_EBIT(src ? FDX_E_SRC_GEO : FDX_E_DST_GEO);
        fdx_counter_add(&g->found, 1);
    } else {
        fdx_counter_add(&g->not_found, 1);
    }
    for (unsigned i = 0; i < g->st.ncustom; i++) {
        const char *field = src ? g->st.custom[i].src_field : g->st.custom[i].dst_field;
        if (field != NULL && v->custom[i] != 0) {
            fdx_enr_label_set(&s->enr, fdx_intern_get(st, field, strlen(field)), v->custom[i]);
        }
    }
}

/* Walks the queued addresses together and applies their answers. */
static void flush(struct geoip *g, struct fdx_intern *st, struct fdx_mmdb_queue *q)
{
    uint32_t answer[FDX_MMDB_LANES];
    unsigned prefix[FDX_MMDB_LANES];
    fdx_mmdb_tree_find(&g->st.tree, q->addr, q->n, answer, prefix);
    for (unsigned k = 0; k < q->n; k++) {
        apply(g, st, q->slot[k], q->src[k],
              store_walked(g, st, q->addr[k], answer[k], prefix[k]));
    }
    q->n = 0;
}

static void enrich_side(struct geoip *g, struct fdx_intern *st, struct fdx_slot *s, bool src,
                        struct fdx_mmdb_queue *q)
{
    const struct fdx_addr *a = src ? &s->flow.src : &s->flow.dst;
    if (fdx_addr_is_multicast(a)) {
        struct fdx_geo *out = src ? &s->enr.src_geo : &s->enr.dst_geo;
        memset(out, 0, sizeof(*out));
        out->is_multicast = true;
        s->enr.present |= FDX_EBIT(src ? FDX_E_SRC_GEO : FDX_E_DST_GEO);
        fdx_counter_add(&g->multicast, 1);
        return;
    }
    const struct geo_val *v = lookup_now(g, st, a);
    if (v != NULL) {
        apply(g, st, s, src, v);
        return;
    }
    q->addr[q->n] = a;
    q->slot[q->n] = s;
    q->src[q->n] = src;
    if (++q->n == FDX_MMDB_LANES) {
        flush(g, st, q);
    }
}
static void geoip_process(void *self, struct fdx_batch *batch)
{
    struct geoip *g = self;
    bool stale;
    struct fdx_intern *st = fdx_enrich_batch_strings(batch, g->strings, &g->intern_gen, &stale);
    if (st == NULL) {
        return;
    }
    /* Cached results hold intern ids: forget them when the table was cleared. */
    if (stale) {
        fdx_lcache_clear(g->cache);
        fdx_lcache_clear(g->records);
    }
    struct fdx_mmdb_queue q = {.n = 0};
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        fdx_enrich_prefetch(g->cache, g->st.jump, batch, i);
        if (s->dropped || s->flow.kind != FDX_KIND_FLOW) {
            continue;
        }
        if (fdx_flow_has(&s->flow, FDX_F_SRC_ADDR)) {
            enrich_side(g, st, s, true, &q);
        }
        if (fdx_flow_has(&s->flow, FDX_F_DST_ADDR)) {
            enrich_side(g, st, s, false, &q);
        }
    }
    if (q.n > 0) {
        flush(g, st, &q);
    }
}

static int geoip_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct geoip *g = self;
    const struct geoip_conf *c = conf;
    struct geo_state ns;
    int rc = state_build(&ns, c, err);
    if (rc != 0) {
        return rc;
    }
    /* The value size depends on the number of custom mappings: a new cache. */
    struct fdx_lcache *nc = cache_new(c->cache_entries, ns.ncustom);
    if (nc == NULL) {
        state_fini(&ns);
        fdx_err_set(err, "geoip: out of memory for the cache");
        return -ENOMEM;
    }
    state_fini(&g->st);
    g->st = ns;
    fdx_lcache_free(g->cache);
    g->cache = nc;
    g->cache_entries = c->cache_entries;
    fdx_lcache_clear(g->records);
    return 0;
}

static void geoip_stats(const void *self, struct fdx_metrics *m)
{
    const struct geoip *g = self;
    char labels[96];
    fdx_metrics_family(m, "flowdex_geoip_lookups_total", "counter",
                       "GeoIP results per address (found, not_found, multicast)");
    const char *names[3] = {"found", "not_found", "multicast"};
    const fdx_counter *vals[3] = {&g->found, &g->not_found, &g->multicast};
    for (unsigned i = 0; i < 3; i++) {
        snprintf(labels, sizeof(labels), "result=\"%s\",worker=\"%u\"", names[i], g->worker);
        fdx_metrics_sample(m, "flowdex_geoip_lookups_total", labels, fdx_counter_get(vals[i]));
    }
    fdx_metrics_family(m, "flowdex_geoip_cache_total", "counter",
                       "Lookup cache hits and misses per stage, and addresses whose /16 the database answers as a whole (block)");
    snprintf(labels, sizeof(labels), "stage=\"geoip\",result=\"hit\",worker=\"%u\"", g->worker);
    fdx_metrics_sample(m, "flowdex_geoip_cache_total", labels, fdx_lcache_hits(g->cache));
    snprintf(labels, sizeof(labels), "stage=\"geoip\",result=\"miss\",worker=\"%u\"", g->worker);
    fdx_metrics_sample(m, "flowdex_geoip_cache_total", labels, fdx_lcache_misses(g->cache));
    snprintf(labels, sizeof(labels), "stage=\"geoip\",result=\"block\",worker=\"%u\"", g->worker);
    fdx_metrics_sample(m, "flowdex_geoip_cache_total", labels, fdx_counter_get(&g->by_jump));
}

static void geoip_free(void *self)
{
    struct geoip *g = self;
    if (g != NULL) {
        state_fini(&g->st);
        fdx_lcache_free(g->cache);
        fdx_lcache_free(g->records);
        free(g);
    }
}

const struct fdx_stage_ops fdx_stage_geoip = {
    .name = "geoip",
    .summary = "country, continent, region, city and location from a MaxMind City/Country "
               "MMDB; other MMDBs mapped to fields",
    .keys = geoip_keys,
    .conf_size = sizeof(struct geoip_conf),
    .init = geoip_init,
    .process = geoip_process,
    .reload = geoip_reload,
    .stats = geoip_stats,
    .free = geoip_free,
};
