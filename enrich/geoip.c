/* The geoip stage. One MMDB handle set and resolver per worker instance; reload opens the new
 * files first and keeps the old ones when that fails. */
#include "geoip.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "enrich_util.h"
#include "intern.h"
#include "mmdb_lookup.h"
#include "mmdb_resolver.h"

#define CUSTOM_MAX 8
#define PATH_KEYS 8

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

/* Everything reload replaces (allocated: the resolver keeps the address of db). */
struct geo_state {
    MMDB_s db;
    /* With custom mappings every address is looked up in all the databases through
     * libmaxminddb (their networks differ): no jump table or walks. */
    struct fdx_mmdb_resolver *res;
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
    struct geo_state *st;
    struct fdx_intern *strings;
    struct fdx_intern *batch_strings; /* the batch's table, while a batch is processed */
    uint32_t intern_gen;              /* intern table generation the cached ids belong to */
    unsigned worker;
    fdx_counter found, not_found, multicast;
};

static void state_free(struct geo_state *st)
{
    if (st == NULL) {
        return;
    }
    fdx_mmdb_resolver_free(st->res);
    MMDB_close(&st->db); /* a state exists only once its database is open */
    for (unsigned i = 0; i < st->ncustom; i++) {
        MMDB_close(&st->custom[i].db);
        free(st->custom[i].path_buf);
        free(st->custom[i].src_field);
        free(st->custom[i].dst_field);
    }
    free(st->lang);
    free(st);
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

static const struct fdx_mmdb_resolver_ops geoip_resolver_ops;

/* Opens the databases of c, with their resolver for stage g; NULL with err set on failure. */
static struct geo_state *state_build(struct geoip *g, const struct geoip_conf *c,
                                     struct fdx_err *err)
{
    struct geo_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        fdx_err_set(err, "geoip: out of memory");
        return NULL;
    }
    if (fdx_mmdb_open(&st->db, "geoip", c->database, err) != 0) {
        free(st);
        return NULL;
    }
    st->lang = strdup(c->language);
    if (st->lang == NULL) {
        fdx_err_set(err, "geoip: out of memory");
        state_free(st);
        return NULL;
    }
    if (c->custom != NULL && !json_object_is_type(c->custom, json_type_array)) {
        fdx_err_set(err, "config: \"geoip.custom\": expected an array of objects");
        state_free(st);
        return NULL;
    }
    size_t n = c->custom ? json_object_array_length(c->custom) : 0;
    if (n > CUSTOM_MAX) {
        fdx_err_set(err, "config: \"geoip.custom\": %zu mappings (at most %d)", n, CUSTOM_MAX);
        state_free(st);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        struct custom *cu = &st->custom[i];
        int rc = custom_build(cu, json_object_array_get_idx(c->custom, i), (unsigned)i, err);
        if (rc != 0) {
            /* The failed one owns what it allocated but has no open database. */
            free(cu->path_buf);
            free(cu->src_field);
            free(cu->dst_field);
            memset(cu, 0, sizeof(*cu));
            if (rc == -ENOMEM) {
                fdx_err_set(err, "geoip: out of memory");
            }
            state_free(st);
            return NULL;
        }
        st->ncustom = (unsigned)i + 1;
    }
    /* A value holds an interned id per custom mapping. */
    st->res = fdx_mmdb_resolver_new(n == 0 ? &st->db : NULL, c->cache_entries,
                                    sizeof(struct geo_val) + n * sizeof(uint32_t),
                                    &geoip_resolver_ops, g);
    if (st->res == NULL) {
        fdx_err_set(err, "geoip: out of memory for the cache");
        state_free(st);
        return NULL;
    }
    return st;
}

/* Fills a value (zeroed) from the City/Country database's record e (NULL: none). */
static void fill(void *self, MMDB_entry_s *e, void *value)
{
    const struct geoip *g = self;
    struct geo_val *v = value;
    if (e == NULL) {
        return;
    }
    const char *lang = g->st->lang;
    const char *iso[] = {"country", "iso_code", NULL};
    const char *riso[] = {"registered_country", "iso_code", NULL};
    const char *cname[] = {"country", "names", lang, NULL};
    const char *rname[] = {"registered_country", "names", lang, NULL};
    const char *cont[] = {"continent", "code", NULL};
    const char *city[] = {"city", "names", lang, NULL};
    const char *region[] = {"subdivisions", "0", "names", lang, NULL};
    const char *lat[] = {"location", "latitude", NULL};
    const char *lon[] = {"location", "longitude", NULL};
    v->geo.country_iso = fdx_mmdb_str(e, g->batch_strings, iso);
    v->geo.country_name = fdx_mmdb_str(e, g->batch_strings, cname);
    if (v->geo.country_iso == 0) {
        v->geo.country_iso = fdx_mmdb_str(e, g->batch_strings, riso);
        v->geo.country_name = fdx_mmdb_str(e, g->batch_strings, rname);
    }
    v->geo.continent_code = fdx_mmdb_str(e, g->batch_strings, cont);
    v->geo.city_name = fdx_mmdb_str(e, g->batch_strings, city);
    v->geo.region_name = fdx_mmdb_str(e, g->batch_strings, region);
    v->geo.has_location = fdx_mmdb_num(e, lat, &v->geo.lat) &&
                          fdx_mmdb_num(e, lon, &v->geo.lon);
    v->found = v->geo.country_iso != 0 || v->geo.continent_code != 0 ||
               v->geo.has_location;
}

/* Fills a value from the databases through libmaxminddb; returns the prefix length of the
 * network around a for which every database consulted gives the same answer (the longest of
 * their networks). */
static unsigned lookup_mmdb(void *self, const struct fdx_addr *a, void *value)
{
    struct geoip *g = self;
    struct geo_val *v = value;
    MMDB_entry_s e;
    unsigned prefix, longest;
    if (fdx_mmdb_find(&g->st->db, a, &e, &longest)) {
        fill(g, &e, v);
    }
    for (unsigned i = 0; i < g->st->ncustom; i++) {
        struct custom *c = &g->st->custom[i];
        if (fdx_mmdb_find(&c->db, a, &e, &prefix)) {
            v->custom[i] = fdx_mmdb_str(&e, g->batch_strings, c->keys);
        }
        longest = prefix > longest ? prefix : longest;
    }
    return longest;
}

static void apply(void *self, struct fdx_slot *s, bool src, const void *value)
{
    struct geoip *g = self;
    const struct geo_val *v = value;
    struct fdx_geo *out = src ? &s->enr.src_geo : &s->enr.dst_geo;
    if (v->found) {
        *out = v->geo;
        s->enr.present |= FDX_EBIT(src ? FDX_E_SRC_GEO : FDX_E_DST_GEO);
        fdx_counter_add(&g->found, 1);
    } else {
        fdx_counter_add(&g->not_found, 1);
    }
    for (unsigned i = 0; i < g->st->ncustom; i++) {
        const char *field = src ? g->st->custom[i].src_field : g->st->custom[i].dst_field;
        if (field != NULL && v->custom[i] != 0) {
            uint32_t key = fdx_intern_get(g->batch_strings, field, strlen(field));
            fdx_enr_label_set(&s->enr, key, v->custom[i]);
        }
    }
}

static const struct fdx_mmdb_resolver_ops geoip_resolver_ops = {
    .fill = fill,
    .lookup = lookup_mmdb,
    .apply = apply,
};

static void *geoip_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    struct geoip *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return NULL;
    }
    g->st = state_build(g, conf, err);
    if (g->st == NULL) {
        free(g);
        return NULL;
    }
    g->strings = env->strings;
    g->worker = env->worker_id;
    return g;
}

static void enrich_side(struct geoip *g, struct fdx_slot *s, bool src)
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
    fdx_mmdb_resolve(g->st->res, s, src);
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
        fdx_mmdb_resolver_clear(g->st->res);
    }
    g->batch_strings = st;
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        fdx_mmdb_resolver_prefetch(g->st->res, batch, i);
        if (s->dropped || s->flow.kind != FDX_KIND_FLOW) {
            continue;
        }
        if (fdx_flow_has(&s->flow, FDX_F_SRC_ADDR)) {
            enrich_side(g, s, true);
        }
        if (fdx_flow_has(&s->flow, FDX_F_DST_ADDR)) {
            enrich_side(g, s, false);
        }
    }
    fdx_mmdb_resolver_flush(g->st->res);
}

static int geoip_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct geoip *g = self;
    struct geo_state *ns = state_build(g, conf, err);
    if (ns == NULL) {
        return -EINVAL;
    }
    state_free(g->st);
    g->st = ns;
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
    fdx_mmdb_resolver_stats(g->st->res, m, "flowdex_geoip_cache_total", "geoip", g->worker);
}

static void geoip_free(void *self)
{
    struct geoip *g = self;
    if (g != NULL) {
        state_free(g->st);
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
