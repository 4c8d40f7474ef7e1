/* Enrichment fields of a document (geo, AS organisation, tags, community id, anonymization).
 * ECS: each group's keys are written at the end of that group (document.c calls once per
 * group), with free-form labels sorted by name so that fields sharing a parent object are
 * consecutive. pmacct: flat keys, appended at the end. */
#include "document.h"

#include <stdio.h>
#include <string.h>

#include "doc_keys.h"
#include "intern.h"

static void put_str(struct fdx_jw *w, const struct fdx_jw_key *key, const struct fdx_intern *st,
                    uint32_t id)
{
    size_t len;
    const char *s = fdx_intern_str(st, id, &len);
    if (s != NULL) {
        fdx_jwk_str(w, key, s, len);
    }
}

/* Interface names the exporter announced in options data (carried in the slot by the
 * decoder); a name the operator configured (tags.interfaces, enrichment) wins. */
static void put_exporter_if_names(struct fdx_jw *w, const struct fdx_slot *s,
                                  const struct fdx_jw_key *in, const struct fdx_jw_key *out)
{
    uint64_t p = s->flow.present;
    if ((p & (FDX_BIT(FDX_F_IN_IF_NAME) | FDX_BIT(FDX_F_OUT_IF_NAME))) == 0) {
        return;
    }
    if ((p & FDX_BIT(FDX_F_IN_IF_NAME)) && !(s->enr.present & FDX_EBIT(FDX_E_IN_IF_NAME))) {
        fdx_jwk_str(w, in, s->ifn.in, s->ifn.in_len);
    }
    if ((p & FDX_BIT(FDX_F_OUT_IF_NAME)) && !(s->enr.present & FDX_EBIT(FDX_E_OUT_IF_NAME))) {
        fdx_jwk_str(w, out, s->ifn.out, s->ifn.out_len);
    }
}

/* A label: its key is a dotted path chosen by the operator. */
static void put_label(struct fdx_jw *w, const char *key, const struct fdx_intern *st, uint32_t id)
{
    size_t len;
    const char *s = fdx_intern_str(st, id, &len);
    if (s != NULL) {
        fdx_jw_str(w, key, s, len);
    }
}

static bool has(const struct fdx_slot *s, enum fdx_enr_field f)
{
    return (s->enr.present & FDX_EBIT(f)) != 0;
}

static enum fdx_doc_group label_group(const char *key)
{
    static const struct {
        const char *prefix;
        enum fdx_doc_group g;
    } map[] = {{"event.", FDX_DOC_EVENT},
               {"source.", FDX_DOC_SOURCE},
               {"destination.", FDX_DOC_DESTINATION},
               {"network.", FDX_DOC_NETWORK},
               {"observer.", FDX_DOC_OBSERVER}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strncmp(key, map[i].prefix, strlen(map[i].prefix)) == 0) {
            return map[i].g;
        }
    }
    return FDX_DOC_TAIL;
}

/* Labels of group g, sorted by key (kept out of line: its arrays would cost every caller a
 * larger frame). */
__attribute__((noinline)) static void put_labels_sorted(struct fdx_jw *w,
                                                        const struct fdx_slot *s,
                                                        const struct fdx_intern *st,
                                                        enum fdx_doc_group g)
{
    const char *key[FDX_ENR_LABELS_MAX];
    uint32_t val[FDX_ENR_LABELS_MAX];
    unsigned n = 0;
    for (unsigned i = 0; i < s->enr.nlabels && i < FDX_ENR_LABELS_MAX; i++) {
        const char *k = fdx_intern_str(st, s->enr.label[i].key, NULL);
        if (k == NULL || label_group(k) != g) {
            continue;
        }
        unsigned j = n++;
        while (j > 0 && strcmp(key[j - 1], k) > 0) {
            key[j] = key[j - 1];
            val[j] = val[j - 1];
            j--;
        }
        key[j] = k;
        val[j] = s->enr.label[i].value;
    }
    for (unsigned i = 0; i < n; i++) {
        put_label(w, key[i], st, val[i]);
    }
}

static inline void put_labels(struct fdx_jw *w, const struct fdx_slot *s,
                              const struct fdx_intern *st, enum fdx_doc_group g)
{
    if (s->enr.nlabels != 0) { /* most records have none: no sorting set up per group */
        put_labels_sorted(w, s, st, g);
    }
}

static void put_endpoint(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st,
                         bool src)
{
    const struct fdx_enrichment *e = &s->enr;
    if (has(s, src ? FDX_E_SRC_AS : FDX_E_DST_AS)) {
        int64_t as = src ? e->src_as : e->dst_as;
        if (as != FDX_AS_ABSENT) {
            fdx_jwk_i64(w, src ? FDX_KEY(source_as_number) : FDX_KEY(destination_as_number), as);
        }
    }
    if (has(s, src ? FDX_E_SRC_AS_ORG : FDX_E_DST_AS_ORG)) {
        put_str(w,
                src ? FDX_KEY(source_as_organization_name)
                    : FDX_KEY(destination_as_organization_name),
                st, src ? e->src_as_org : e->dst_as_org);
    }
    if (has(s, src ? FDX_E_SRC_GEO : FDX_E_DST_GEO)) {
        const struct fdx_geo *g = src ? &e->src_geo : &e->dst_geo;
        put_str(w, src ? FDX_KEY(source_geo_city_name) : FDX_KEY(destination_geo_city_name), st,
                g->city_name);
        put_str(w,
                src ? FDX_KEY(source_geo_continent_code) : FDX_KEY(destination_geo_continent_code),
                st, g->continent_code);
        put_str(w,
                src ? FDX_KEY(source_geo_country_iso_code)
                    : FDX_KEY(destination_geo_country_iso_code),
                st, g->country_iso);
        put_str(w, src ? FDX_KEY(source_geo_country_name) : FDX_KEY(destination_geo_country_name),
                st, g->country_name);
        if (g->has_location) {
            fdx_jwk_geo(w, src ? FDX_KEY(source_geo_location) : FDX_KEY(destination_geo_location),
                        g->lat, g->lon);
        }
        if (g->is_multicast) {
            fdx_jwk_cstr(w, src ? FDX_KEY(source_geo_name) : FDX_KEY(destination_geo_name),
                         "multicast");
        }
        put_str(w, src ? FDX_KEY(source_geo_region_name) : FDX_KEY(destination_geo_region_name), st,
                g->region_name);
    }
    put_labels(w, s, st, src ? FDX_DOC_SOURCE : FDX_DOC_DESTINATION);
}

/* JSON array of the names of the anonymized fields. */
static size_t anonymized_list(uint8_t bits, char *out, size_t cap)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{FDX_ANON_SRC_ADDR, "source.ip"},
                 {FDX_ANON_DST_ADDR, "destination.ip"},
                 {FDX_ANON_NEXT_HOP, "netflow.ip_next_hop_address"},
                 {FDX_ANON_BGP_NEXT_HOP, "netflow.bgp_next_hop_address"},
                 {FDX_ANON_POST_NAT, "netflow.post_nat_source_address"},
                 {FDX_ANON_POST_NAT, "netflow.post_nat_destination_address"}};
    size_t n = (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (bits & names[i].bit) {
            n += (size_t)snprintf(out + n, cap - n, "%s\"%s\"", n > 1 ? "," : "", names[i].name);
        }
    }
    n += (size_t)snprintf(out + n, cap - n, "]");
    return n;
}

/* flowdex.anonymized and flowdex.anonymization (out of line: its list buffer would cost
 * every document a larger frame). */
__attribute__((noinline)) static void put_anonymized(struct fdx_jw *w,
                                                     const struct fdx_enrichment *e)
{
    char list[256];
    size_t n = anonymized_list(e->anonymized, list, sizeof(list));
    fdx_jwk_raw(w, FDX_KEY(flowdex_anonymized), list, n);
    if (e->anon_mode != FDX_ANON_MODE_NONE) {
        fdx_jwk_cstr(w, FDX_KEY(flowdex_anonymization),
                     e->anon_mode == FDX_ANON_MODE_TRUNCATE ? "truncate" : "cryptopan");
    }
}

static void put_tail(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st)
{
    const struct fdx_enrichment *e = &s->enr;
    if (e->anonymized != 0) {
        put_anonymized(w, e);
    }
    if (has(s, FDX_E_COUNTRY_SCOPE)) {
        put_str(w, FDX_KEY(flowdex_country_scope), st, e->country_scope);
    }
    if (e->anonymized & FDX_ANON_REDACTED) {
        fdx_jwk_bool(w, FDX_KEY(flowdex_redacted), true);
    }
    put_labels(w, s, st, FDX_DOC_TAIL);
}

const uint32_t fdx_doc_enrich_bits[FDX_DOC_TAIL + 1] = {
    [FDX_DOC_EVENT] = 0,
    [FDX_DOC_SOURCE] =
        FDX_EBIT(FDX_E_SRC_AS) | FDX_EBIT(FDX_E_SRC_AS_ORG) | FDX_EBIT(FDX_E_SRC_GEO),
    [FDX_DOC_DESTINATION] =
        FDX_EBIT(FDX_E_DST_AS) | FDX_EBIT(FDX_E_DST_AS_ORG) | FDX_EBIT(FDX_E_DST_GEO),
    [FDX_DOC_NETWORK] = FDX_EBIT(FDX_E_COMMUNITY_ID),
    [FDX_DOC_OBSERVER] =
        FDX_EBIT(FDX_E_IN_IF_NAME) | FDX_EBIT(FDX_E_OUT_IF_NAME) | FDX_EBIT(FDX_E_SENSOR),
    [FDX_DOC_TAIL] = FDX_EBIT(FDX_E_COUNTRY_SCOPE),
};

void fdx_document_enrich_ecs(struct fdx_jw *w, const struct fdx_slot *s,
                             const struct fdx_intern *strings, enum fdx_doc_group g)
{
    if (s->enr.present == 0 && s->enr.nlabels == 0 && s->enr.anonymized == 0) {
        if (g == FDX_DOC_OBSERVER) {
            put_exporter_if_names(w, s, FDX_KEY(observer_ingress_interface_name),
                                  FDX_KEY(observer_egress_interface_name));
        }
        return;
    }
    switch (g) {
    case FDX_DOC_EVENT:
        put_labels(w, s, strings, g);
        break;
    case FDX_DOC_SOURCE:
    case FDX_DOC_DESTINATION:
        put_endpoint(w, s, strings, g == FDX_DOC_SOURCE);
        break;
    case FDX_DOC_NETWORK:
        if (has(s, FDX_E_COMMUNITY_ID)) {
            /* "1:" + base64: nothing to escape */
            fdx_jwk_str_plain(w, FDX_KEY(network_community_id), s->enr.community_id,
                              strlen(s->enr.community_id));
        }
        put_labels(w, s, strings, g);
        break;
    case FDX_DOC_OBSERVER:
        if (has(s, FDX_E_IN_IF_NAME)) {
            put_str(w, FDX_KEY(observer_ingress_interface_name), strings, s->enr.in_if_name);
        }
        if (has(s, FDX_E_OUT_IF_NAME)) {
            put_str(w, FDX_KEY(observer_egress_interface_name), strings, s->enr.out_if_name);
        }
        put_exporter_if_names(w, s, FDX_KEY(observer_ingress_interface_name),
                              FDX_KEY(observer_egress_interface_name));
        if (has(s, FDX_E_SENSOR)) {
            put_str(w, FDX_KEY(observer_name), strings, s->enr.sensor);
        }
        put_labels(w, s, strings, g);
        break;
    case FDX_DOC_TAIL:
        put_tail(w, s, strings);
        break;
    }
}

/* pmacct: flat names; labels keep their name with '.' turned into '_'. */
static void pmacct_side(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st,
                        bool src)
{
    const struct fdx_enrichment *e = &s->enr;
    /* as_src/as_dst are written by document.c when the record carries them. */
    if (has(s, src ? FDX_E_SRC_AS : FDX_E_DST_AS) &&
        !fdx_flow_has(&s->flow, src ? FDX_F_SRC_AS : FDX_F_DST_AS)) {
        int64_t as = src ? e->src_as : e->dst_as;
        if (as != FDX_AS_ABSENT) {
            fdx_jwk_i64(w, src ? FDX_KEY(pm_as_src) : FDX_KEY(pm_as_dst), as);
        }
    }
    if (has(s, src ? FDX_E_SRC_AS_ORG : FDX_E_DST_AS_ORG)) {
        put_str(w, src ? FDX_KEY(pm_as_name_src) : FDX_KEY(pm_as_name_dst), st,
                src ? e->src_as_org : e->dst_as_org);
    }
    if (has(s, src ? FDX_E_SRC_GEO : FDX_E_DST_GEO)) {
        const struct fdx_geo *g = src ? &e->src_geo : &e->dst_geo;
        put_str(w, src ? FDX_KEY(pm_country_ip_src) : FDX_KEY(pm_country_ip_dst), st,
                g->country_iso);
        put_str(w, src ? FDX_KEY(pm_city_ip_src) : FDX_KEY(pm_city_ip_dst), st, g->city_name);
        if (g->has_location) {
            fdx_jwk_f64(w, src ? FDX_KEY(pm_lat_ip_src) : FDX_KEY(pm_lat_ip_dst), g->lat);
            fdx_jwk_f64(w, src ? FDX_KEY(pm_lon_ip_src) : FDX_KEY(pm_lon_ip_dst), g->lon);
        }
    }
}

void fdx_document_enrich_pmacct(struct fdx_jw *w, const struct fdx_slot *s,
                                const struct fdx_intern *strings)
{
    const struct fdx_enrichment *e = &s->enr;
    put_exporter_if_names(w, s, FDX_KEY(pm_iface_in_name), FDX_KEY(pm_iface_out_name));
    if (e->present == 0 && e->nlabels == 0 && e->anonymized == 0) {
        return;
    }
    pmacct_side(w, s, strings, true);
    pmacct_side(w, s, strings, false);
    if (has(s, FDX_E_COMMUNITY_ID)) {
        fdx_jwk_str_plain(w, FDX_KEY(pm_community_id), e->community_id,
                          strlen(e->community_id));
    }
    if (has(s, FDX_E_SENSOR)) {
        put_str(w, FDX_KEY(pm_sensor), strings, e->sensor);
    }
    if (has(s, FDX_E_IN_IF_NAME)) {
        put_str(w, FDX_KEY(pm_iface_in_name), strings, e->in_if_name);
    }
    if (has(s, FDX_E_OUT_IF_NAME)) {
        put_str(w, FDX_KEY(pm_iface_out_name), strings, e->out_if_name);
    }
    if (has(s, FDX_E_COUNTRY_SCOPE)) {
        put_str(w, FDX_KEY(pm_country_scope), strings, e->country_scope);
    }
    if (e->anonymized != 0) {
        char list[256];
        size_t n = anonymized_list(e->anonymized, list, sizeof(list));
        fdx_jwk_raw(w, FDX_KEY(pm_anonymized), list, n);
    }
    for (unsigned i = 0; i < e->nlabels && i < FDX_ENR_LABELS_MAX; i++) {
        size_t len;
        const char *k = fdx_intern_str(strings, e->label[i].key, &len);
        if (k == NULL || len >= 128) {
            continue;
        }
        char flat[128];
        for (size_t j = 0; j <= len; j++) {
            flat[j] = k[j] == '.' ? '_' : k[j];
        }
        put_label(w, flat, strings, e->label[i].value);
    }
}
