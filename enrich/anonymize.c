/* The anonymize stage. Crypto-PAn costs 32 (IPv4) or 128 (IPv6) AES blocks per address, so
 * its results are cached per worker. */
#include "anonymize.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cryptopan.h"
#include "enrich_util.h"
#include "intern.h"
#include "lookup_cache.h"

#define REDACT_AS_MAX 256
#define REDACT_CC_MAX 64

static const char *const mode_choices[] = {"none", "truncate", "cryptopan", NULL};
enum { MODE_NONE, MODE_TRUNCATE, MODE_CRYPTOPAN };

struct anon_conf {
    int mode;
    uint64_t ipv4_prefix;
    uint64_t ipv6_prefix;
    char *key_file;
    struct fdx_strlist addresses;
    struct json_object *redact_as;
    struct fdx_strlist redact_countries;
    char *redact_value;
    uint64_t cache_entries;
};

static const struct fdx_cfg_key anon_keys[] = {
    {"mode", FDX_CFG_ENUM, "\"truncate\"", offsetof(struct anon_conf, mode), 0, 0, mode_choices,
     "how addresses are anonymized: none (redaction only), truncate, cryptopan"},
    {"ipv4_prefix", FDX_CFG_UINT, "24", offsetof(struct anon_conf, ipv4_prefix), 0, 32, NULL,
     "truncate: IPv4 bits kept (24 zeroes the last octet)"},
    {"ipv6_prefix", FDX_CFG_UINT, "64", offsetof(struct anon_conf, ipv6_prefix), 0, 128, NULL,
     "truncate: IPv6 bits kept (64 zeroes the last four hextets)"},
    {"key_file", FDX_CFG_STRING, "\"\"", offsetof(struct anon_conf, key_file), 0, 0, NULL,
     "cryptopan: file holding the 32-byte secret key (raw, or 64 hex digits)"},
    {"addresses", FDX_CFG_STRLIST, "[\"source\",\"destination\"]",
     offsetof(struct anon_conf, addresses), 0, 0, NULL,
     "which addresses: source, destination, next_hop, bgp_next_hop, post_nat"},
    {"redact_as", FDX_CFG_JSON, "[]", offsetof(struct anon_conf, redact_as), 0, 0, NULL,
     "AS numbers whose records are fully redacted (either side)"},
    {"redact_countries", FDX_CFG_STRLIST, "[]", offsetof(struct anon_conf, redact_countries), 0,
     0, NULL, "ISO country codes whose records are fully redacted (either side; needs geoip)"},
    {"redact_value", FDX_CFG_STRING, "\"REDACTED\"", offsetof(struct anon_conf, redact_value), 0,
     0, NULL, "value given to organisation and label fields of a redacted record"},
    {"cache_entries", FDX_CFG_UINT, "65536", offsetof(struct anon_conf, cache_entries), 16,
     16777216, NULL, "cryptopan: addresses whose results are cached per worker"},
    FDX_CFG_END,
};

struct anon_state {
    int mode;
    unsigned v4_bits, v6_bits;
    uint8_t which; /* FDX_ANON_* address bits */
    struct fdx_cryptopan cpan;
    size_t nas;
    uint32_t as[REDACT_AS_MAX];
    size_t ncc;
    char cc[REDACT_CC_MAX][3];
    char *redact_value;
};

struct anon {
    struct anon_state st;
    struct fdx_lcache *cache;
    struct fdx_intern *strings;
    unsigned worker;
    fdx_counter anonymized, redacted;
};

void fdx_anon_truncate(struct fdx_addr *a, unsigned v4_bits, unsigned v6_bits)
{
    bool v4 = fdx_addr_is_v4(a);
    unsigned keep = v4 ? 96 + (v4_bits > 32 ? 32 : v4_bits) : (v6_bits > 128 ? 128 : v6_bits);
    for (unsigned i = 0; i < 16; i++) {
        unsigned k = keep >= 8 * (i + 1) ? 8 : keep > 8 * i ? keep - 8 * i : 0;
        a->b[i] &= (uint8_t)(0xff00 >> k);
    }
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

static int load_key(const char *path, uint8_t key[32], struct fdx_err *err)
{
    char *text = NULL;
    size_t len = 0;
    if (path[0] == '\0') {
        fdx_err_set(err, "config: \"anonymize.key_file\": required with mode \"cryptopan\"");
        return -EINVAL;
    }
    int rc = fdx_enrich_read_file(path, 4096, &text, &len, err);
    if (rc != 0) {
        return rc;
    }
    size_t n = len;
    while (n > 0 && isspace((unsigned char)text[n - 1])) {
        n--;
    }
    rc = 0;
    if (n == 64) {
        for (unsigned i = 0; i < 32 && rc == 0; i++) {
            int hi = hexval((unsigned char)text[2 * i]), lo = hexval((unsigned char)text[2 * i + 1]);
            if (hi < 0 || lo < 0) {
                rc = -EINVAL;
            }
            key[i] = (uint8_t)(hi << 4 | lo);
        }
    } else if (len == 32) {
        memcpy(key, text, 32);
    } else {
        rc = -EINVAL;
    }
    free(text);
    if (rc != 0) {
        fdx_err_set(err, "anonymize: key file \"%s\": expected 32 bytes or 64 hex digits", path);
    }
    return rc;
}

static int parse_which(const struct fdx_strlist *l, uint8_t *which, struct fdx_err *err)
{
    static const struct {
        const char *name;
        uint8_t bit;
    } names[] = {{"source", FDX_ANON_SRC_ADDR},       {"destination", FDX_ANON_DST_ADDR},
                 {"next_hop", FDX_ANON_NEXT_HOP},     {"bgp_next_hop", FDX_ANON_BGP_NEXT_HOP},
                 {"post_nat", FDX_ANON_POST_NAT}};
    *which = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t k = 0;
        while (k < sizeof(names) / sizeof(names[0]) && strcmp(names[k].name, l->v[i]) != 0) {
            k++;
        }
        if (k == sizeof(names) / sizeof(names[0])) {
            fdx_err_set(err, "config: \"anonymize.addresses\": \"%s\" is not valid (expected "
                             "source, destination, next_hop, bgp_next_hop or post_nat)", l->v[i]);
            return -EINVAL;
        }
        *which |= names[k].bit;
    }
    return 0;
}

static int state_build(struct anon_state *st, const struct anon_conf *c, struct fdx_err *err)
{
    memset(st, 0, sizeof(*st));
    st->mode = c->mode;
    st->v4_bits = (unsigned)c->ipv4_prefix;
    st->v6_bits = (unsigned)c->ipv6_prefix;
    int rc = parse_which(&c->addresses, &st->which, err);
    if (rc != 0) {
        return rc;
    }
    if (c->mode == MODE_CRYPTOPAN) {
        uint8_t key[32];
        rc = load_key(c->key_file, key, err);
        if (rc != 0) {
            return rc;
        }
        fdx_cryptopan_init(&st->cpan, key);
        memset(key, 0, sizeof(key));
    }
    size_t n = c->redact_as != NULL && json_object_is_type(c->redact_as, json_type_array)
                   ? json_object_array_length(c->redact_as)
                   : 0;
    if ((c->redact_as != NULL && !json_object_is_type(c->redact_as, json_type_array)) ||
        n > REDACT_AS_MAX) {
        fdx_err_set(err, "config: \"anonymize.redact_as\": expected an array of at most %d AS "
                         "numbers", REDACT_AS_MAX);
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(c->redact_as, i);
        int64_t as = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
        if (as < 0 || as > (int64_t)UINT32_MAX) {
            fdx_err_set(err, "config: \"anonymize.redact_as[%zu]\": expected an AS number", i);
            return -EINVAL;
        }
        st->as[st->nas++] = (uint32_t)as;
    }
    for (size_t i = 0; i < c->redact_countries.n; i++) {
        const char *cc = c->redact_countries.v[i];
        if (i >= REDACT_CC_MAX || strlen(cc) != 2) {
            fdx_err_set(err, "config: \"anonymize.redact_countries\": \"%s\" is not valid "
                             "(expected two-letter ISO codes)", cc);
            return -EINVAL;
        }
        memcpy(st->cc[st->ncc++], cc, 3);
    }
    st->redact_value = strdup(c->redact_value);
    return st->redact_value == NULL ? -ENOMEM : 0;
}

static void *anon_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    const struct anon_conf *c = conf;
    struct anon *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return NULL;
    }
    if (state_build(&a->st, c, err) != 0) {
        free(a->st.redact_value);
        free(a);
        return NULL;
    }
    a->cache = fdx_lcache_new(c->cache_entries, sizeof(struct fdx_addr));
    if (a->cache == NULL) {
        free(a->st.redact_value);
        free(a);
        fdx_err_set(err, "anonymize: out of memory for the cache");
        return NULL;
    }
    a->strings = env->strings;
    a->worker = env->worker_id;
    return a;
}

static void cryptopan_addr(struct anon *a, struct fdx_addr *addr)
{
    struct fdx_addr *hit = fdx_lcache_get(a->cache, addr);
    if (hit != NULL) {
        *addr = *hit;
        return;
    }
    struct fdx_addr out = *addr;
    if (fdx_addr_is_v4(addr)) {
        uint32_t v = (uint32_t)addr->b[12] << 24 | (uint32_t)addr->b[13] << 16 |
                     (uint32_t)addr->b[14] << 8 | addr->b[15];
        fdx_addr_set_v4_u32(&out, fdx_cryptopan_v4(&a->st.cpan, v));
    } else {
        fdx_cryptopan_v6(&a->st.cpan, addr->b, out.b);
    }
    *(struct fdx_addr *)fdx_lcache_put(a->cache, addr) = out;
    *addr = out;
}

static void anon_addr(struct anon *a, struct fdx_addr *addr)
{
    if (a->st.mode == MODE_TRUNCATE) {
        fdx_anon_truncate(addr, a->st.v4_bits, a->st.v6_bits);
    } else if (a->st.mode == MODE_CRYPTOPAN) {
        cryptopan_addr(a, addr);
    }
}

static bool listed_as(const struct anon_state *st, uint32_t as)
{
    for (size_t i = 0; i < st->nas; i++) {
        if (st->as[i] == as) {
            return true;
        }
    }
    return false;
}

static bool listed_cc(const struct anon_state *st, const struct fdx_intern *strings, uint32_t id)
{
    size_t len;
    const char *s = fdx_intern_str(strings, id, &len);
    for (size_t i = 0; s != NULL && len == 2 && i < st->ncc; i++) {
        if (memcmp(st->cc[i], s, 2) == 0) {
            return true;
        }
    }
    return false;
}

static bool side_listed(const struct anon_state *st, const struct fdx_intern *strings,
                        const struct fdx_slot *s, bool src)
{
    const struct fdx_enrichment *e = &s->enr;
    int64_t as = -1;
    if (e->present & FDX_EBIT(src ? FDX_E_SRC_AS : FDX_E_DST_AS)) {
        as = src ? e->src_as : e->dst_as;
    } else if (fdx_flow_has(&s->flow, src ? FDX_F_SRC_AS : FDX_F_DST_AS)) {
        as = src ? s->flow.src_as : s->flow.dst_as;
    }
    if (as >= 0 && listed_as(st, (uint32_t)as)) {
        return true;
    }
    const struct fdx_geo *g = src ? &e->src_geo : &e->dst_geo;
    return (e->present & FDX_EBIT(src ? FDX_E_SRC_GEO : FDX_E_DST_GEO)) && g->country_iso != 0 &&
           listed_cc(st, strings, g->country_iso);
}

static void clear_geo_detail(struct fdx_geo *g)
{
    g->city_name = 0;
    g->region_name = 0;
    g->has_location = false;
    g->lat = g->lon = 0;
}

/* Full redaction: both addresses zeroed, organisations and labels set to redact_value. */
static void redact(struct anon *a, struct fdx_intern *strings, struct fdx_slot *s)
{
    struct fdx_enrichment *e = &s->enr;
    uint32_t v = fdx_intern_get(strings, a->st.redact_value, strlen(a->st.redact_value));
    fdx_anon_truncate(&s->flow.src, 0, 0);
    fdx_anon_truncate(&s->flow.dst, 0, 0);
    e->src_as_org = e->dst_as_org = v;
    if (v != 0) {
        e->present |= FDX_EBIT(FDX_E_SRC_AS_ORG) | FDX_EBIT(FDX_E_DST_AS_ORG);
    }
    clear_geo_detail(&e->src_geo);
    clear_geo_detail(&e->dst_geo);
    for (unsigned i = 0; i < e->nlabels; i++) {
        e->label[i].value = v;
    }
    e->anonymized |= FDX_ANON_REDACTED | FDX_ANON_SRC_ADDR | FDX_ANON_DST_ADDR;
    fdx_counter_add(&a->redacted, 1);
}

static void anon_record(struct anon *a, struct fdx_intern *strings, struct fdx_slot *s)
{
    struct fdx_flow *f = &s->flow;
    uint8_t w = a->st.which, done = 0;
    if ((a->st.nas > 0 || a->st.ncc > 0) && f->kind == FDX_KIND_FLOW &&
        (side_listed(&a->st, strings, s, true) || side_listed(&a->st, strings, s, false))) {
        redact(a, strings, s);
        return;
    }
    if (a->st.mode == MODE_NONE) {
        return;
    }
    if ((w & FDX_ANON_SRC_ADDR) && fdx_flow_has(f, FDX_F_SRC_ADDR)) {
        anon_addr(a, &f->src);
        done |= FDX_ANON_SRC_ADDR;
    }
    if ((w & FDX_ANON_DST_ADDR) && fdx_flow_has(f, FDX_F_DST_ADDR)) {
        anon_addr(a, &f->dst);
        done |= FDX_ANON_DST_ADDR;
    }
    if ((w & FDX_ANON_NEXT_HOP) && fdx_flow_has(f, FDX_F_NEXT_HOP)) {
        anon_addr(a, &f->next_hop);
        done |= FDX_ANON_NEXT_HOP;
    }
    if ((w & FDX_ANON_BGP_NEXT_HOP) && fdx_flow_has(f, FDX_F_BGP_NEXT_HOP)) {
        anon_addr(a, &f->bgp_next_hop);
        done |= FDX_ANON_BGP_NEXT_HOP;
    }
    if ((w & FDX_ANON_POST_NAT) &&
        (fdx_flow_has(f, FDX_F_POST_NAT_SRC) || fdx_flow_has(f, FDX_F_POST_NAT_DST))) {
        anon_addr(a, &f->post_nat_src);
        anon_addr(a, &f->post_nat_dst);
        done |= FDX_ANON_POST_NAT;
    }
    if (done != 0) {
        s->enr.anonymized |= done;
        s->enr.anon_mode = a->st.mode == MODE_TRUNCATE ? FDX_ANON_MODE_TRUNCATE
                                                       : FDX_ANON_MODE_CRYPTOPAN;
        fdx_counter_add(&a->anonymized, 1);
    }
}

static void anon_process(void *self, struct fdx_batch *batch)
{
    struct anon *a = self;
    struct fdx_intern *st = fdx_enrich_batch_strings(batch, a->strings, NULL, NULL);
    if (st == NULL) {
        return;
    }
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        if (!s->dropped) {
            anon_record(a, st, s);
        }
    }
}

static int anon_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct anon *a = self;
    struct anon_state ns;
    int rc = state_build(&ns, conf, err);
    if (rc != 0) {
        free(ns.redact_value);
        return rc;
    }
    free(a->st.redact_value);
    a->st = ns;
    fdx_lcache_clear(a->cache);
    return 0;
}

static void anon_stats(const void *self, struct fdx_metrics *m)
{
    const struct anon *a = self;
    char labels[96];
    fdx_metrics_family(m, "flowdex_anonymize_records_total", "counter",
                       "Records whose addresses were anonymized, or that were fully redacted");
    snprintf(labels, sizeof(labels), "action=\"anonymized\",worker=\"%u\"", a->worker);
    fdx_metrics_sample(m, "flowdex_anonymize_records_total", labels,
                       fdx_counter_get(&a->anonymized));
    snprintf(labels, sizeof(labels), "action=\"redacted\",worker=\"%u\"", a->worker);
    fdx_metrics_sample(m, "flowdex_anonymize_records_total", labels,
                       fdx_counter_get(&a->redacted));
}

static void anon_free(void *self)
{
    struct anon *a = self;
    if (a != NULL) {
        free(a->st.redact_value);
        memset(&a->st.cpan, 0, sizeof(a->st.cpan));
        fdx_lcache_free(a->cache);
        free(a);
    }
}

const struct fdx_stage_ops fdx_stage_anonymize = {
    .name = "anonymize",
    .summary = "truncation or Crypto-PAn anonymization of addresses; redaction of listed AS "
               "or countries",
    .keys = anon_keys,
    .conf_size = sizeof(struct anon_conf),
    .init = anon_init,
    .process = anon_process,
    .reload = anon_reload,
    .stats = anon_stats,
    .free = anon_free,
};
