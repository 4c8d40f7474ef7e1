/* One JSON line per decoded slot, in a fixed key order (canonical). */
#include "record_json.h"

#include <inttypes.h>

#include "addr.h"
#include "counters.h"

struct line {
    FILE *out;
    const char *sep;
};

static void key(struct line *l, const char *k)
{
    fprintf(l->out, "%s\"%s\":", l->sep, k);
    l->sep = ",";
}

static void u64(struct line *l, const char *k, uint64_t v)
{
    key(l, k);
    fprintf(l->out, "%" PRIu64, v);
}

static void i64(struct line *l, const char *k, int64_t v)
{
    key(l, k);
    fprintf(l->out, "%" PRId64, v);
}

static void str(struct line *l, const char *k, const char *v)
{
    key(l, k);
    fprintf(l->out, "\"%s\"", v);
}

static void addr(struct line *l, const char *k, const struct fdx_addr *a)
{
    char text[FDX_ADDR_STRLEN];
    fdx_addr_format(a, text);
    str(l, k, text);
}

static void mac(struct line *l, const char *k, const uint8_t m[6])
{
    key(l, k);
    fprintf(l->out, "\"%02x:%02x:%02x:%02x:%02x:%02x\"", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const char *const kind_label[] = {"flow", "counters", "options"};

/* Fields of the record header and identity (always written). */
static void print_identity(struct line *l, const struct fdx_flow *f)
{
    str(l, "proto", fdx_proto_label[f->proto < FDX_PROTO__COUNT ? f->proto : 0]);
    str(l, "kind", f->kind <= FDX_KIND_OPTIONS ? kind_label[f->kind] : "unknown");
    u64(l, "rec_index", f->rec_index);
    addr(l, "exporter", &f->exporter);
    u64(l, "exporter_port", f->exporter_port);
    u64(l, "domain_id", f->domain_id);
    u64(l, "export_seq", f->export_seq);
    i64(l, "export_ms", f->export_ms);
    i64(l, "recv_ms", f->recv_ms);
    static const struct fdx_addr zero;
    if (!fdx_addr_eq(&f->agent, &zero)) {
        addr(l, "agent", &f->agent);
    }
}

/* Address, port and interface fields. */
static void print_key_fields(struct line *l, const struct fdx_flow *f)
{
    if (fdx_flow_has(f, FDX_F_SRC_ADDR)) {
        addr(l, "src", &f->src);
    }
    if (fdx_flow_has(f, FDX_F_DST_ADDR)) {
        addr(l, "dst", &f->dst);
    }
    if (fdx_flow_has(f, FDX_F_SRC_PORT)) {
        u64(l, "src_port", f->src_port);
    }
    if (fdx_flow_has(f, FDX_F_DST_PORT)) {
        u64(l, "dst_port", f->dst_port);
    }
    if (fdx_flow_has(f, FDX_F_IP_PROTO)) {
        u64(l, "ip_proto", f->ip_proto);
    }
    if (fdx_flow_has(f, FDX_F_TCP_FLAGS)) {
        u64(l, "tcp_flags", f->tcp_flags);
    }
    if (fdx_flow_has(f, FDX_F_TOS)) {
        u64(l, "tos", f->tos);
    }
    if (fdx_flow_has(f, FDX_F_ICMP)) {
        u64(l, "icmp_type", f->icmp_type);
        u64(l, "icmp_code", f->icmp_code);
    }
    if (fdx_flow_has(f, FDX_F_IN_IF)) {
        u64(l, "in_if", f->in_if);
    }
    if (fdx_flow_has(f, FDX_F_OUT_IF)) {
        u64(l, "out_if", f->out_if);
    }
    if (fdx_flow_has(f, FDX_F_DIRECTION)) {
        u64(l, "direction", f->direction);
    }
    if (fdx_flow_has(f, FDX_F_SRC_AS)) {
        u64(l, "src_as", f->src_as);
    }
    if (fdx_flow_has(f, FDX_F_DST_AS)) {
        u64(l, "dst_as", f->dst_as);
    }
    if (fdx_flow_has(f, FDX_F_SRC_MASK)) {
        u64(l, "src_mask", f->src_mask);
    }
    if (fdx_flow_has(f, FDX_F_DST_MASK)) {
        u64(l, "dst_mask", f->dst_mask);
    }
    if (fdx_flow_has(f, FDX_F_NEXT_HOP)) {
        addr(l, "next_hop", &f->next_hop);
    }
    if (fdx_flow_has(f, FDX_F_BGP_NEXT_HOP)) {
        addr(l, "bgp_next_hop", &f->bgp_next_hop);
    }
    if (fdx_flow_has(f, FDX_F_SRC_VLAN)) {
        u64(l, "src_vlan", f->src_vlan);
    }
    if (fdx_flow_has(f, FDX_F_DST_VLAN)) {
        u64(l, "dst_vlan", f->dst_vlan);
    }
    if (fdx_flow_has(f, FDX_F_SRC_MAC)) {
        mac(l, "src_mac", f->src_mac);
    }
    if (fdx_flow_has(f, FDX_F_DST_MAC)) {
        mac(l, "dst_mac", f->dst_mac);
    }
    if (fdx_flow_has(f, FDX_F_MPLS)) {
        key(l, "mpls");
        fputc('[', l->out);
        for (unsigned i = 0; i < f->mpls_depth && i < FDX_MPLS_MAX; i++) {
            fprintf(l->out, "%s%" PRIu32, i ? "," : "", f->mpls[i]);
        }
        fputc(']', l->out);
    }
}

/* Times, counters and the remaining optional fields. */
static void print_measures(struct line *l, const struct fdx_flow *f)
{
    if (fdx_flow_has(f, FDX_F_END_REASON)) {
        u64(l, "end_reason", f->end_reason);
    }
    if (fdx_flow_has(f, FDX_F_START)) {
        i64(l, "start_ms", f->start_ms);
    }
    if (fdx_flow_has(f, FDX_F_END)) {
        i64(l, "end_ms", f->end_ms);
    }
    if (fdx_flow_has(f, FDX_F_BYTES)) {
        u64(l, "bytes", f->bytes);
        u64(l, "raw_bytes", f->raw_bytes);
    }
    if (fdx_flow_has(f, FDX_F_PACKETS)) {
        u64(l, "packets", f->packets);
        u64(l, "raw_packets", f->raw_packets);
    }
    if (fdx_flow_has(f, FDX_F_SAMPLING)) {
        u64(l, "sampling_rate", f->sampling_rate);
    }
    if (fdx_flow_has(f, FDX_F_ENGINE)) {
        u64(l, "engine_type", f->engine_type);
        u64(l, "engine_id", f->engine_id);
    }
    if (fdx_flow_has(f, FDX_F_IP_VERSION)) {
        u64(l, "ip_version", f->ip_version);
    }
    if (fdx_flow_has(f, FDX_F_FLOW_LABEL)) {
        u64(l, "flow_label", f->flow_label);
    }
    if (fdx_flow_has(f, FDX_F_FRAME_LEN)) {
        u64(l, "frame_len", f->frame_len);
    }
    if (fdx_flow_has(f, FDX_F_ETHERTYPE)) {
        u64(l, "ethertype", f->ethertype);
    }
    if (fdx_flow_has(f, FDX_F_TTL)) {
        u64(l, "ttl", f->ttl);
    }
    if (fdx_flow_has(f, FDX_F_FRAGMENT)) {
        u64(l, "fragment", f->fragment);
    }
    if (fdx_flow_has(f, FDX_F_REV_BYTES)) {
        u64(l, "rev_bytes", f->rev_bytes);
    }
    if (fdx_flow_has(f, FDX_F_REV_PACKETS)) {
        u64(l, "rev_packets", f->rev_packets);
    }
    if (fdx_flow_has(f, FDX_F_FLOW_ID)) {
        u64(l, "flow_id", f->flow_id);
    }
    if (fdx_flow_has(f, FDX_F_SAMPLER_ID)) {
        u64(l, "sampler_id", f->sampler_id);
    }
    if (fdx_flow_has(f, FDX_F_POST_NAT_SRC)) {
        addr(l, "post_nat_src", &f->post_nat_src);
        u64(l, "post_nat_src_port", f->post_nat_src_port);
    }
    if (fdx_flow_has(f, FDX_F_POST_NAT_DST)) {
        addr(l, "post_nat_dst", &f->post_nat_dst);
        u64(l, "post_nat_dst_port", f->post_nat_dst_port);
    }
    if (fdx_flow_has(f, FDX_F_FW_EVENT)) {
        u64(l, "fw_event", f->fw_event);
    }
}

static void print_extra(struct line *l, const struct fdx_flow_extra *x)
{
    if (x->n == 0) {
        return;
    }
    key(l, "extra");
    fputc('[', l->out);
    for (unsigned i = 0; i < x->n; i++) {
        const struct fdx_extra_ie *ie = &x->ie[i];
        fprintf(l->out, "%s{\"pen\":%" PRIu32 ",\"id\":%u,\"reverse\":%u,\"hex\":\"",
                i ? "," : "", ie->pen, (unsigned)ie->id, (unsigned)ie->reverse);
        for (unsigned j = 0; j < ie->len && ie->off + j < FDX_EXTRA_BYTES; j++) {
            fprintf(l->out, "%02x", x->data[ie->off + j]);
        }
        fputs("\"}", l->out);
    }
    fputc(']', l->out);
}

static void print_counters(struct line *l, const struct fdx_if_counters *c)
{
    key(l, "if_counters");
    struct line in = {l->out, ""};
    fputc('{', l->out);
    u64(&in, "if_index", c->if_index);
    u64(&in, "if_type", c->if_type);
    u64(&in, "if_direction", c->if_direction);
    u64(&in, "if_status", c->if_status);
    u64(&in, "if_speed", c->if_speed);
    u64(&in, "promisc", c->promisc);
    if (c->has_generic) {
        u64(&in, "in_octets", c->in_octets);
        u64(&in, "in_ucast", c->in_ucast);
        u64(&in, "in_mcast", c->in_mcast);
        u64(&in, "in_bcast", c->in_bcast);
        u64(&in, "in_discards", c->in_discards);
        u64(&in, "in_errors", c->in_errors);
        u64(&in, "in_unknown_protos", c->in_unknown_protos);
        u64(&in, "out_octets", c->out_octets);
        u64(&in, "out_ucast", c->out_ucast);
        u64(&in, "out_mcast", c->out_mcast);
        u64(&in, "out_bcast", c->out_bcast);
        u64(&in, "out_discards", c->out_discards);
        u64(&in, "out_errors", c->out_errors);
    }
    if (c->has_ethernet) {
        u64(&in, "eth_alignment_errors", c->eth_alignment_errors);
        u64(&in, "eth_fcs_errors", c->eth_fcs_errors);
        u64(&in, "eth_single_collisions", c->eth_single_collisions);
        u64(&in, "eth_multiple_collisions", c->eth_multiple_collisions);
        u64(&in, "eth_sqe_errors", c->eth_sqe_errors);
        u64(&in, "eth_deferred", c->eth_deferred);
        u64(&in, "eth_late_collisions", c->eth_late_collisions);
        u64(&in, "eth_excessive_collisions", c->eth_excessive_collisions);
        u64(&in, "eth_internal_mac_tx_errors", c->eth_internal_mac_tx_errors);
        u64(&in, "eth_carrier_sense_errors", c->eth_carrier_sense_errors);
        u64(&in, "eth_frame_too_longs", c->eth_frame_too_longs);
        u64(&in, "eth_internal_mac_rx_errors", c->eth_internal_mac_rx_errors);
        u64(&in, "eth_symbol_errors", c->eth_symbol_errors);
    }
    if (c->has_processor) {
        u64(&in, "cpu_5s_pct_x100", c->cpu_5s_pct_x100);
        u64(&in, "cpu_1m_pct_x100", c->cpu_1m_pct_x100);
        u64(&in, "cpu_5m_pct_x100", c->cpu_5m_pct_x100);
        u64(&in, "mem_total_bytes", c->mem_total_bytes);
        u64(&in, "mem_free_bytes", c->mem_free_bytes);
    }
    fputc('}', l->out);
}

void fdx_golden_print_slot(FILE *out, uint64_t frame, const struct fdx_slot *s)
{
    struct line l = {out, ""};
    fputc('{', out);
    u64(&l, "frame", frame);
    print_identity(&l, &s->flow);
    print_key_fields(&l, &s->flow);
    print_measures(&l, &s->flow);
    print_extra(&l, &s->extra);
    if (s->flow.kind == FDX_KIND_COUNTERS) {
        print_counters(&l, &s->ctr);
    }
    fputs("}\n", out);
}
