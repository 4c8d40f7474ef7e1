/* Document encoder: ECS and pmacct schemas. Field names are listed in docs/fields.md. */
#include "document.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "doc_keys.h"

/* A text that needs no JSON escaping, with its length. */
struct text {
    const char *s;
    size_t len;
};

#define TEXT(lit) ((struct text){(lit), sizeof(lit) - 1})

static inline void put_text(struct fdx_jw *w, const struct fdx_jw_key *k, struct text t)
{
    fdx_jwk_lit(w, k, t.s, t.len);
}

static const struct text proto_names[256] = {
    [0] = TEXT("hopopt"), [1] = TEXT("icmp"),   [2] = TEXT("igmp"),       [4] = TEXT("ipv4"),
    [6] = TEXT("tcp"),    [17] = TEXT("udp"),   [41] = TEXT("ipv6"),      [47] = TEXT("gre"),
    [50] = TEXT("esp"),   [51] = TEXT("ah"),    [58] = TEXT("ipv6-icmp"), [89] = TEXT("ospf"),
    [103] = TEXT("pim"),  [112] = TEXT("vrrp"), [132] = TEXT("sctp"),
};

const char *fdx_ip_proto_name(uint8_t proto)
{
    return proto_names[proto].s;
}

int64_t fdx_document_event_ms(const struct fdx_flow *f)
{
    if (fdx_flow_has(f, FDX_F_END)) {
        return f->end_ms;
    }
    if (fdx_flow_has(f, FDX_F_START)) {
        return f->start_ms;
    }
    return f->export_ms != 0 ? f->export_ms : f->recv_ms;
}

static struct text dataset_name(uint8_t proto)
{
    switch (proto) {
    case FDX_PROTO_NF5:
    case FDX_PROTO_NF9:
    case FDX_PROTO_IPFIX:
        return TEXT("netflow_flow");
    case FDX_PROTO_SFLOW5:
        return TEXT("sflow_flow");
    default:
        return TEXT("flow");
    }
}

/* The exporter as text ("192.0.2.1" and "192.0.2.1:2055", "[2001:db8::1]:2055"): the same
 * for every record of a datagram, so the last one formatted on this thread is kept. */
struct exporter_text {
    struct fdx_addr addr;
    uint16_t port;
    bool valid;
    uint8_t ip_len, addr_port_len;
    char ip[FDX_ADDR_STRLEN];
    char addr_port[FDX_ADDR_STRLEN + 8];
};

static _Thread_local struct exporter_text exporter_cache;

static const struct exporter_text *exporter_text(const struct fdx_flow *f)
{
    struct exporter_text *x = &exporter_cache;
    if (x->valid && x->port == f->exporter_port &&
        memcmp(x->addr.b, f->exporter.b, sizeof(x->addr.b)) == 0) {
        return x;
    }
    x->addr = f->exporter;
    x->port = f->exporter_port;
    x->valid = true;
    size_t n = fdx_fmt_addr(x->ip, &f->exporter);
    x->ip_len = (uint8_t)n;
    char *p = x->addr_port;
    if (!fdx_addr_is_v4(&f->exporter)) {
        *p++ = '[';
        memcpy(p, x->ip, n);
        p += n;
        *p++ = ']';
    } else {
        memcpy(p, x->ip, n);
        p += n;
    }
    *p++ = ':';
    p += fdx_fmt_u64(p, f->exporter_port);
    x->addr_port_len = (uint8_t)(p - x->addr_port);
    return x;
}

static char *cat(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

static char *cat_quoted(char *p, struct text t)
{
    *p++ = '"';
    p = cat(p, t.s, t.len);
    *p++ = '"';
    return p;
}

/* A run of members written as one text: built from the precompiled names once per thread,
 * for values that are the same for many records. */
struct member_run {
    bool valid;
    uint16_t len;
    uint16_t room; /* what the members' own writes would ask: a document fails at the same size */
    char text[192];
};

static void put_run(struct fdx_jw *w, const struct fdx_jw_key *k, const struct member_run *r)
{
    char *p = fdx_jw_kkey(w, k, r->room);
    if (p != NULL) {
        memcpy(p, r->text, r->len);
        fdx_jw_done(w, p + r->len);
    }
}

/* The values of event.kind, event.category and event.action, which depend only on the kind
 * of record and its protocol: "event","category":["network"],"action":"netflow_flow". */
static _Thread_local struct member_run event_heads[FDX_PROTO__COUNT + 1];

static const struct member_run *event_head(const struct fdx_flow *f)
{
    bool metric = f->kind == FDX_KIND_COUNTERS;
    unsigned i = metric ? FDX_PROTO__COUNT : f->proto < FDX_PROTO__COUNT ? f->proto : 0;
    struct member_run *r = &event_heads[i];
    if (FDX_LIKELY(r->valid)) {
        return r;
    }
    char *p = cat_quoted(r->text, metric ? TEXT("metric") : TEXT("event"));
    p = cat(p, fdx_key_event_category.frag, fdx_key_event_category.len);
    p = cat(p, "[\"network\"]", 11);
    p = cat(p, fdx_key_event_action.frag, fdx_key_event_action.len);
    p = cat_quoted(p, metric ? TEXT("sflow_counters") : dataset_name(f->proto));
    r->len = (uint16_t)(p - r->text);
    r->room = r->len; /* texts: each asks its exact size */
    r->valid = true;
    return r;
}

static unsigned proto_version(uint8_t proto);

/* The value of netflow.type and the first members of netflow.exporter, the same for every
 * record of an exporter's datagrams (per kind of record): "netflow_flow","exporter":{
 * "address":"192.0.2.1:2055","source_id":1,"version":9 (netflow.exporter stays open). */
struct netflow_head {
    struct fdx_addr addr;
    uint16_t port;
    uint8_t proto;
    uint32_t domain;
    struct member_run run;
};

static _Thread_local struct netflow_head netflow_heads[2]; /* flows, counters */

static const struct member_run *netflow_head(const struct fdx_flow *f,
                                             const struct exporter_text *x)
{
    bool counters = f->kind == FDX_KIND_COUNTERS;
    struct netflow_head *h = &netflow_heads[counters];
    if (FDX_LIKELY(h->run.valid && h->port == f->exporter_port && h->proto == f->proto &&
                   h->domain == f->domain_id &&
                   memcmp(h->addr.b, f->exporter.b, sizeof(h->addr.b)) == 0)) {
        return &h->run;
    }
    const struct fdx_jw_obj *o = &fdx_obj_netflow_exporter;
    const struct fdx_jw_key *address = &fdx_key_netflow_exporter_address;
    const struct fdx_jw_key *source_id = &fdx_key_netflow_exporter_source_id;
    const struct fdx_jw_key *version = &fdx_key_netflow_exporter_version;
    char *p = cat_quoted(h->run.text, counters ? TEXT("sflow_counters") : dataset_name(f->proto));
    p = cat(p, o->frag, o->frag_len);
    p = cat(p, address->frag + 1, address->len - 1U); /* its first member: no ',' */
    p = cat_quoted(p, (struct text){x->addr_port, x->addr_port_len});
    p = cat(p, source_id->frag, source_id->len);
    p += fdx_fmt_u64(p, f->domain_id);
    p = cat(p, version->frag, version->len);
    size_t digits = fdx_fmt_u64(p, proto_version(f->proto));
    h->run.len = (uint16_t)(p + digits - h->run.text);
    h->run.room = (uint16_t)(p + 20 - h->run.text); /* a number asks 20, the last one most */
    h->run.valid = true;
    h->addr = f->exporter;
    h->port = f->exporter_port;
    h->proto = f->proto;
    h->domain = f->domain_id;
    return &h->run;
}

static inline void enrich(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st,
                          enum fdx_doc_group g)
{
    if (fdx_document_enrich_any(s, g)) {
        fdx_document_enrich_ecs(w, s, st, g);
    }
}

static unsigned proto_version(uint8_t proto)
{
    static const unsigned v[FDX_PROTO__COUNT] = {0, 5, 9, 10, 5};
    return proto < FDX_PROTO__COUNT ? v[proto] : 0;
}

/* end_text: the end time already formatted for @timestamp, NULL without one. */
static void ecs_event(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st,
                      const char *end_text)
{
    const struct fdx_flow *f = &s->flow;
    const struct member_run *head = event_head(f); /* kind, category, action */
    put_run(w, FDX_KEY(event_kind), head);
    if (fdx_flow_has(f, FDX_F_START)) {
        fdx_jwk_time(w, FDX_KEY(event_start), f->start_ms);
    }
    if (end_text != NULL) {
        fdx_jwk_time_text(w, FDX_KEY(event_end), end_text);
    }
    if (fdx_flow_has(f, FDX_F_START) && fdx_flow_has(f, FDX_F_END) && f->end_ms >= f->start_ms) {
        /* ECS event.duration is in nanoseconds. */
        fdx_jwk_u64(w, FDX_KEY(event_duration), (uint64_t)(f->end_ms - f->start_ms) * 1000000u);
    }
    fdx_jwk_time(w, FDX_KEY(event_created), f->recv_ms);
    enrich(w, s, st, FDX_DOC_EVENT);
}

static void ecs_endpoint(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st,
                         bool src)
{
    const struct fdx_flow *f = &s->flow;
    if (fdx_flow_has(f, src ? FDX_F_SRC_ADDR : FDX_F_DST_ADDR)) {
        fdx_jwk_ip(w, src ? FDX_KEY(source_ip) : FDX_KEY(destination_ip), src ? &f->src : &f->dst);
    }
    if (fdx_flow_has(f, src ? FDX_F_SRC_PORT : FDX_F_DST_PORT)) {
        fdx_jwk_u64(w, src ? FDX_KEY(source_port) : FDX_KEY(destination_port),
                    src ? f->src_port : f->dst_port);
    }
    if (fdx_flow_has(f, src ? FDX_F_SRC_MAC : FDX_F_DST_MAC)) {
        fdx_jwk_mac(w, src ? FDX_KEY(source_mac) : FDX_KEY(destination_mac),
                    src ? f->src_mac : f->dst_mac);
    }
    /* The record's AS when it carries a meaningful one; a looked-up AS is the enricher's. */
    uint32_t as = src ? f->src_as : f->dst_as;
    bool looked_up = (s->enr.present & FDX_EBIT(src ? FDX_E_SRC_AS : FDX_E_DST_AS)) != 0;
    if (!looked_up && as != 0 && fdx_flow_has(f, src ? FDX_F_SRC_AS : FDX_F_DST_AS)) {
        fdx_jwk_u64(w, src ? FDX_KEY(source_as_number) : FDX_KEY(destination_as_number), as);
    }
    enrich(w, s, st, src ? FDX_DOC_SOURCE : FDX_DOC_DESTINATION);
}

static void ecs_network(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st)
{
    const struct fdx_flow *f = &s->flow;
    if (fdx_flow_has(f, FDX_F_IP_PROTO)) {
        if (proto_names[f->ip_proto].s != NULL) {
            put_text(w, FDX_KEY(network_transport), proto_names[f->ip_proto]);
        }
        fdx_jwk_u64_text(w, FDX_KEY(network_iana_number), f->ip_proto);
    }
    if (f->ip_version == 4 || f->ip_version == 6) {
        put_text(w, FDX_KEY(network_type), f->ip_version == 4 ? TEXT("ipv4") : TEXT("ipv6"));
    } else if (fdx_flow_has(f, FDX_F_SRC_ADDR)) {
        put_text(w, FDX_KEY(network_type), fdx_addr_is_v4(&f->src) ? TEXT("ipv4") : TEXT("ipv6"));
    }
    if (fdx_flow_has(f, FDX_F_BYTES)) {
        fdx_jwk_u64(w, FDX_KEY(network_bytes), f->bytes);
    }
    if (fdx_flow_has(f, FDX_F_PACKETS)) {
        fdx_jwk_u64(w, FDX_KEY(network_packets), f->packets);
    }
    if (fdx_flow_has(f, FDX_F_DIRECTION)) {
        put_text(w, FDX_KEY(network_direction),
                 f->direction == FDX_DIR_EGRESS ? TEXT("egress") : TEXT("ingress"));
    }
    if (fdx_flow_has(f, FDX_F_SRC_VLAN)) {
        fdx_jwk_u64(w, FDX_KEY(network_vlan_id), f->src_vlan);
    }
    enrich(w, s, st, FDX_DOC_NETWORK);
}

/* netflow.type and netflow.exporter.* */
static void ecs_netflow_exporter(struct fdx_jw *w, const struct fdx_flow *f,
                                 const struct exporter_text *x)
{
    const struct member_run *head = netflow_head(f, x); /* type, exporter address to version */
    put_run(w, FDX_KEY(netflow_type), head);
    fdx_jw_opened(w, &fdx_obj_netflow_exporter);
    if (f->export_ms != 0) {
        fdx_jwk_time(w, FDX_KEY(netflow_exporter_timestamp), f->export_ms);
    }
    if (f->proto == FDX_PROTO_SFLOW5) {
        fdx_jwk_ip(w, FDX_KEY(netflow_exporter_agent_address), &f->agent);
    }
    fdx_jwk_u64(w, FDX_KEY(netflow_exporter_sequence), f->export_seq);
}

/* The record's own fields under netflow.* (IPFIX names). */
static void ecs_netflow_fields(struct fdx_jw *w, const struct fdx_flow *f)
{
    bool v4 = fdx_addr_is_v4(&f->src);
    if (fdx_flow_has(f, FDX_F_ENGINE)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_engine_type), f->engine_type);
        fdx_jwk_u64(w, FDX_KEY(netflow_engine_id), f->engine_id);
    }
    if (fdx_flow_has(f, FDX_F_SAMPLING)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_sampling_interval), f->sampling_rate);
    }
    if (fdx_flow_has(f, FDX_F_BYTES) && f->bytes != f->raw_bytes) {
        fdx_jwk_u64(w, FDX_KEY(netflow_octet_delta_count), f->raw_bytes);
    }
    if (fdx_flow_has(f, FDX_F_PACKETS) && f->packets != f->raw_packets) {
        fdx_jwk_u64(w, FDX_KEY(netflow_packet_delta_count), f->raw_packets);
    }
    if (fdx_flow_has(f, FDX_F_IN_IF)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_ingress_interface), f->in_if);
    }
    if (fdx_flow_has(f, FDX_F_OUT_IF)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_egress_interface), f->out_if);
    }
    if (fdx_flow_has(f, FDX_F_TCP_FLAGS)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_tcp_control_bits), f->tcp_flags);
    }
    if (fdx_flow_has(f, FDX_F_TOS)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_ip_class_of_service), f->tos);
    }
    if (fdx_flow_has(f, FDX_F_ICMP)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_icmp_type), f->icmp_type);
        fdx_jwk_u64(w, FDX_KEY(netflow_icmp_code), f->icmp_code);
    }
    if (fdx_flow_has(f, FDX_F_SRC_MASK)) {
        fdx_jwk_u64(w,
                    v4 ? FDX_KEY(netflow_source_ipv4_prefix_length)
                       : FDX_KEY(netflow_source_ipv6_prefix_length),
                    f->src_mask);
    }
    if (fdx_flow_has(f, FDX_F_DST_MASK)) {
        fdx_jwk_u64(w,
                    v4 ? FDX_KEY(netflow_destination_ipv4_prefix_length)
                       : FDX_KEY(netflow_destination_ipv6_prefix_length),
                    f->dst_mask);
    }
    if (fdx_flow_has(f, FDX_F_NEXT_HOP)) {
        fdx_jwk_ip(w, FDX_KEY(netflow_ip_next_hop_address), &f->next_hop);
    }
    if (fdx_flow_has(f, FDX_F_BGP_NEXT_HOP)) {
        fdx_jwk_ip(w, FDX_KEY(netflow_bgp_next_hop_address), &f->bgp_next_hop);
    }
    if (fdx_flow_has(f, FDX_F_SRC_AS)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_bgp_source_as_number), f->src_as);
    }
    if (fdx_flow_has(f, FDX_F_DST_AS)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_bgp_destination_as_number), f->dst_as);
    }
    if (fdx_flow_has(f, FDX_F_SRC_VLAN)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_vlan_id), f->src_vlan);
    }
    if (fdx_flow_has(f, FDX_F_DST_VLAN)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_post_vlan_id), f->dst_vlan);
    }
    if (fdx_flow_has(f, FDX_F_MPLS) && f->mpls_depth > 0) {
        uint64_t labels[FDX_MPLS_MAX];
        unsigned depth = FDX_MIN(f->mpls_depth, FDX_MPLS_MAX);
        for (unsigned i = 0; i < depth; i++) {
            labels[i] = f->mpls[i] >> 4; /* the 20-bit label */
        }
        fdx_jwk_u64_array(w, FDX_KEY(netflow_mpls_labels), labels, depth);
    }
}

/* Less common record fields under netflow.*: IPFIX flow details, biflows, NAT, firewall. */
static void ecs_netflow_details(struct fdx_jw *w, const struct fdx_flow *f)
{
    if (fdx_flow_has(f, FDX_F_END_REASON)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_flow_end_reason), f->end_reason);
    }
    if (fdx_flow_has(f, FDX_F_TTL)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_minimum_ttl), f->ttl);
    }
    if (fdx_flow_has(f, FDX_F_ETHERTYPE)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_ethernet_type), f->ethertype);
    }
    if (fdx_flow_has(f, FDX_F_FRAME_LEN)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_frame_length), f->frame_len);
    }
    if (fdx_flow_has(f, FDX_F_FLOW_LABEL)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_flow_label_ipv6), f->flow_label);
    }
    if (fdx_flow_has(f, FDX_F_FRAGMENT)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_fragment_offset), f->fragment);
    }
    if (fdx_flow_has(f, FDX_F_REV_BYTES)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_reverse_octet_delta_count), f->rev_bytes);
    }
    if (fdx_flow_has(f, FDX_F_REV_PACKETS)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_reverse_packet_delta_count), f->rev_packets);
    }
    if (fdx_flow_has(f, FDX_F_FLOW_ID)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_flow_id), f->flow_id);
    }
    if (fdx_flow_has(f, FDX_F_SAMPLER_ID)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_sampler_id), f->sampler_id);
    }
    if (fdx_flow_has(f, FDX_F_POST_NAT_SRC)) {
        fdx_jwk_ip(w, FDX_KEY(netflow_post_nat_source_address), &f->post_nat_src);
        fdx_jwk_u64(w, FDX_KEY(netflow_post_napt_source_transport_port), f->post_nat_src_port);
    }
    if (fdx_flow_has(f, FDX_F_POST_NAT_DST)) {
        fdx_jwk_ip(w, FDX_KEY(netflow_post_nat_destination_address), &f->post_nat_dst);
        fdx_jwk_u64(w, FDX_KEY(netflow_post_napt_destination_transport_port), f->post_nat_dst_port);
    }
    if (fdx_flow_has(f, FDX_F_FW_EVENT)) {
        fdx_jwk_u64(w, FDX_KEY(netflow_firewall_event), f->fw_event);
    }
}

static void ecs_netflow(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_doc_opts *o,
                        const struct exporter_text *x)
{
    ecs_netflow_exporter(w, &s->flow, x);
    ecs_netflow_fields(w, &s->flow);
    ecs_netflow_details(w, &s->flow);
    if (o->extra_ies) {
        fdx_document_extra_ies(w, s, "netflow");
    }
}

/* The id's words are absorbed a few at a time between the parts (fdx_doc_id_step). */
static void encode_ecs(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st,
                       const struct fdx_doc_opts *o, struct fdx_doc_id_hash *id)
{
    const struct fdx_flow *f = &s->flow;
    const struct exporter_text *x = exporter_text(f);
    fdx_doc_id_step(id, 4);
    /* @timestamp is the end time when there is one: formatted once for both. */
    char event_text[24];
    fdx_fmt_rfc3339(event_text, fdx_document_event_ms(f));
    fdx_jwk_time_text(w, FDX_KEY(timestamp), event_text);
    ecs_event(w, s, st, fdx_flow_has(f, FDX_F_END) ? event_text : NULL);
    fdx_doc_id_step(id, 4);
    if (f->kind == FDX_KIND_COUNTERS) {
        fdx_jwk_lit(w, FDX_KEY(observer_ip), x->ip, x->ip_len);
        enrich(w, s, st, FDX_DOC_OBSERVER);
        fdx_document_counters_ecs(w, s);
        ecs_netflow(w, s, o, x);
        enrich(w, s, st, FDX_DOC_TAIL);
        return;
    }
    ecs_endpoint(w, s, st, true);
    ecs_endpoint(w, s, st, false);
    fdx_doc_id_step(id, 4);
    ecs_network(w, s, st);
    fdx_jwk_lit(w, FDX_KEY(observer_ip), x->ip, x->ip_len);
    enrich(w, s, st, FDX_DOC_OBSERVER);
    fdx_doc_id_step(id, 4);
    ecs_netflow(w, s, o, x);
    enrich(w, s, st, FDX_DOC_TAIL);
}

/* pmacct prints times as "YYYY-MM-DD HH:MM:SS.uuuuuu" (timestamps_since_epoch false). */
static void pmacct_time(struct fdx_jw *w, const struct fdx_jw_key *key, int64_t ms)
{
    char *p = fdx_jw_kkey(w, key, 26 + 2); /* 26 bytes of text, quoted */
    if (p != NULL) {
        *p++ = '"';
        p += fdx_fmt_datetime(p, ms, ' ', 6, false);
        *p++ = '"';
        fdx_jw_done(w, p);
    }
}

static void encode_pmacct(struct fdx_jw *w, const struct fdx_slot *s, const struct fdx_intern *st)
{
    const struct fdx_flow *f = &s->flow;
    const struct exporter_text *x = exporter_text(f);
    put_text(w, FDX_KEY(pm_event_type), TEXT("purge"));
    fdx_jwk_lit(w, FDX_KEY(pm_peer_ip_src), x->ip, x->ip_len);
    if (fdx_flow_has(f, FDX_F_IN_IF)) {
        fdx_jwk_u64(w, FDX_KEY(pm_iface_in), f->in_if);
    }
    if (fdx_flow_has(f, FDX_F_OUT_IF)) {
        fdx_jwk_u64(w, FDX_KEY(pm_iface_out), f->out_if);
    }
    if (fdx_flow_has(f, FDX_F_SRC_ADDR)) {
        fdx_jwk_ip(w, FDX_KEY(pm_ip_src), &f->src);
    }
    if (fdx_flow_has(f, FDX_F_DST_ADDR)) {
        fdx_jwk_ip(w, FDX_KEY(pm_ip_dst), &f->dst);
    }
    if (fdx_flow_has(f, FDX_F_SRC_MASK)) {
        fdx_jwk_u64(w, FDX_KEY(pm_mask_src), f->src_mask);
    }
    if (fdx_flow_has(f, FDX_F_DST_MASK)) {
        fdx_jwk_u64(w, FDX_KEY(pm_mask_dst), f->dst_mask);
    }
    if (fdx_flow_has(f, FDX_F_SRC_PORT)) {
        fdx_jwk_u64(w, FDX_KEY(pm_port_src), f->src_port);
    }
    if (fdx_flow_has(f, FDX_F_DST_PORT)) {
        fdx_jwk_u64(w, FDX_KEY(pm_port_dst), f->dst_port);
    }
    if (fdx_flow_has(f, FDX_F_SRC_MAC)) {
        fdx_jwk_mac(w, FDX_KEY(pm_mac_src), f->src_mac);
    }
    if (fdx_flow_has(f, FDX_F_DST_MAC)) {
        fdx_jwk_mac(w, FDX_KEY(pm_mac_dst), f->dst_mac);
    }
    if (fdx_flow_has(f, FDX_F_SRC_VLAN)) {
        fdx_jwk_u64(w, FDX_KEY(pm_vlan_in), f->src_vlan);
    }
    if (fdx_flow_has(f, FDX_F_DST_VLAN)) {
        fdx_jwk_u64(w, FDX_KEY(pm_vlan_out), f->dst_vlan);
    }
    if (fdx_flow_has(f, FDX_F_SRC_AS)) {
        fdx_jwk_u64(w, FDX_KEY(pm_as_src), f->src_as);
    }
    if (fdx_flow_has(f, FDX_F_DST_AS)) {
        fdx_jwk_u64(w, FDX_KEY(pm_as_dst), f->dst_as);
    }
    if (fdx_flow_has(f, FDX_F_BGP_NEXT_HOP)) {
        fdx_jwk_ip(w, FDX_KEY(pm_peer_ip_dst), &f->bgp_next_hop);
    }
    if (fdx_flow_has(f, FDX_F_TCP_FLAGS)) {
        fdx_jwk_u64_text(w, FDX_KEY(pm_tcp_flags), f->tcp_flags);
    }
    if (fdx_flow_has(f, FDX_F_IP_PROTO)) {
        if (proto_names[f->ip_proto].s != NULL) {
            put_text(w, FDX_KEY(pm_ip_proto), proto_names[f->ip_proto]);
        } else {
            fdx_jwk_u64_text(w, FDX_KEY(pm_ip_proto), f->ip_proto);
        }
    }
    if (fdx_flow_has(f, FDX_F_TOS)) {
        fdx_jwk_u64(w, FDX_KEY(pm_tos), f->tos);
    }
    if (fdx_flow_has(f, FDX_F_SAMPLING)) {
        fdx_jwk_u64(w, FDX_KEY(pm_sampling_rate), f->sampling_rate);
    }
    if (fdx_flow_has(f, FDX_F_START)) {
        pmacct_time(w, FDX_KEY(pm_timestamp_start), f->start_ms);
    }
    if (fdx_flow_has(f, FDX_F_END)) {
        pmacct_time(w, FDX_KEY(pm_timestamp_end), f->end_ms);
    }
    pmacct_time(w, FDX_KEY(pm_timestamp_arrival), f->recv_ms);
    fdx_jwk_u64(w, FDX_KEY(pm_packets), f->packets);
    fdx_jwk_u64(w, FDX_KEY(pm_flows), 1);
    fdx_jwk_u64(w, FDX_KEY(pm_bytes), f->bytes);
    fdx_document_enrich_pmacct(w, s, st);
}

int fdx_document_encode(struct fdx_doc_batch *d, const struct fdx_slot *s,
                        const struct fdx_intern *strings, const struct fdx_doc_opts *o)
{
    if (d->n >= d->cap) {
        return -ENOBUFS;
    }
    struct fdx_doc_id_hash id;
    fdx_doc_id_begin(&id, &s->flow, !o->skip_ids);
    size_t start = d->body.len;
    struct fdx_jw w;
    fdx_jw_begin(&w, &d->body);
    if (o->schema == FDX_SCHEMA_PMACCT) {
        fdx_doc_id_step(&id, FDX_DOC_ID_WORDS / 2);
        encode_pmacct(&w, s, strings);
    } else {
        encode_ecs(&w, s, strings, o, &id);
    }
    fdx_doc_id_step(&id, FDX_DOC_ID_WORDS); /* the rest */
    int rc = fdx_jw_end(&w);
    if (rc == 0 && d->body.cap > d->body.len) {
        d->body.p[d->body.len++] = '\n';
    } else if (rc == 0) {
        rc = fdx_buf_append(&d->body, "\n", 1);
    }
    if (rc != 0) {
        d->body.len = start; /* nothing half-written stays in the body */
        return rc;
    }
    struct fdx_doc_meta *m = &d->meta[d->n++];
    m->off = (uint32_t)start;
    m->len = (uint32_t)(d->body.len - start - 1);
    m->event_ms = fdx_document_event_ms(&s->flow);
    m->kind = s->flow.kind;
    m->id_hi = id.hi;
    m->id_lo = id.lo;
    return 0;
}
