/* sFlow v5 flow record formats (sFlow v5 §5: sampled_header, sampled_ethernet, sampled_ipv4,
 * sampled_ipv6, extended_switch, extended_router, extended_gateway). Reads only through its
 * record's sub-reader; never allocates. */
#include "sflow_flow_records.h"

#include <string.h>

#include "packet_headers.h"
#include "sflow_v5.h"

/* sampled_header.header_protocol values (sFlow v5 "header_protocol"). */
#define SFLOW_HP_ETHERNET 1
#define SFLOW_HP_IPV4 11
#define SFLOW_HP_IPV6 12
#define SFLOW_HP_MPLS 13

#define FDX_SFLOW_NO_VLAN 0xffff
#define SFLOW_HEADER_MAX_LEN 1024 /* longer sampled headers are malformed (agents send ~128) */

static void add_extra(struct fdx__sflow_acc *a, struct fdx_slot *s, uint32_t pen, uint16_t id,
                      const uint8_t *data, uint16_t len)
{
    if (!fdx_extra_add(&s->extra, pen, id, 0, data, len)) {
        fdx_counter_add(&a->counters->extra_ie_overflow, 1);
    }
}

static void put_u32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
}

static uint8_t raw_header(struct fdx__sflow_acc *a, struct fdx_slot *s, struct fdx_rd *rd)
{
    uint32_t proto = fdx_rd_u32(rd);
    uint32_t frame_len = fdx_rd_u32(rd);
    fdx_rd_u32(rd); /* bytes stripped (FCS): frame_len is kept as the agent reports it */
    uint32_t hlen = fdx_rd_u32(rd);
    if (rd->err == FDX_DROP_NONE && hlen > SFLOW_HEADER_MAX_LEN) {
        return FDX_DROP_BAD_LENGTH;
    }
    const uint8_t *bytes = fdx_rd_ptr(rd, hlen);
    if (rd->err) {
        return rd->err;
    }
    a->has_hdr = true;
    a->frame_len_hdr = frame_len;
    enum fdx_pkthdr_link link;
    switch (proto) {
    case SFLOW_HP_ETHERNET:
        link = FDX_PKTHDR_ETHERNET;
        break;
    case SFLOW_HP_IPV4:
        link = FDX_PKTHDR_IPV4;
        break;
    case SFLOW_HP_IPV6:
        link = FDX_PKTHDR_IPV6;
        break;
    case SFLOW_HP_MPLS:
        link = FDX_PKTHDR_MPLS;
        break;
    default:
        return FDX_DROP_NONE; /* another link type: frame length only */
    }
    struct fdx_pkthdr ph;
    uint8_t stop = fdx_pkthdr_parse(&ph, bytes, hlen, link);
    if (stop == FDX_DROP_LIMIT_EXCEEDED) {
        return stop;
    }
    /* A header cut short (TRUNCATED) or odd (BAD_LENGTH) still gives what was complete. */
    fdx_pkthdr_to_flow(&ph, &s->flow);
    return FDX_DROP_NONE;
}

static uint8_t ethernet_data(struct fdx__sflow_acc *a, struct fdx_slot *s, struct fdx_rd *rd)
{
    uint32_t len = fdx_rd_u32(rd);
    uint8_t src[8], dst[8]; /* 6-byte MACs padded to 8 (XDR) */
    fdx_rd_bytes(rd, src, 8);
    fdx_rd_bytes(rd, dst, 8);
    uint32_t type = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    struct fdx_flow *f = &s->flow;
    a->has_eth = true;
    a->frame_len_eth = len;
    if (!fdx_flow_has(f, FDX_F_SRC_MAC)) {
        memcpy(f->src_mac, src, 6);
        memcpy(f->dst_mac, dst, 6);
        f->present |= FDX_BIT(FDX_F_SRC_MAC) | FDX_BIT(FDX_F_DST_MAC);
    }
    if (!fdx_flow_has(f, FDX_F_ETHERTYPE)) {
        f->ethertype = (uint16_t)type;
        f->present |= FDX_BIT(FDX_F_ETHERTYPE);
    }
    return FDX_DROP_NONE;
}

/* sampled_ipv4 / sampled_ipv6: fills only what a raw header record did not. */
static uint8_t ip_data(struct fdx__sflow_acc *a, struct fdx_slot *s, struct fdx_rd *rd, bool v6)
{
    uint32_t len = fdx_rd_u32(rd);
    uint32_t proto = fdx_rd_u32(rd);
    struct fdx_addr src, dst;
    uint8_t b[16];
    fdx_rd_bytes(rd, b, v6 ? 16 : 4);
    v6 ? fdx_addr_set_v6(&src, b) : fdx_addr_set_v4(&src, b);
    fdx_rd_bytes(rd, b, v6 ? 16 : 4);
    v6 ? fdx_addr_set_v6(&dst, b) : fdx_addr_set_v4(&dst, b);
    uint32_t sport = fdx_rd_u32(rd);
    uint32_t dport = fdx_rd_u32(rd);
    uint32_t tcp_flags = fdx_rd_u32(rd);
    uint32_t tos = fdx_rd_u32(rd); /* IPv4 TOS / IPv6 priority */
    if (rd->err) {
        return rd->err;
    }
    struct fdx_flow *f = &s->flow;
    a->has_ip = true;
    a->frame_len_ip = len;
    if (fdx_flow_has(f, FDX_F_SRC_ADDR)) {
        return FDX_DROP_NONE;
    }
    f->src = src;
    f->dst = dst;
    f->ip_version = v6 ? 6 : 4;
    f->ip_proto = (uint8_t)proto;
    f->tos = (uint8_t)tos;
    f->present |= FDX_BIT(FDX_F_SRC_ADDR) | FDX_BIT(FDX_F_DST_ADDR) | FDX_BIT(FDX_F_IP_VERSION) |
                  FDX_BIT(FDX_F_IP_PROTO) | FDX_BIT(FDX_F_TOS);
    if (proto == 1 || proto == 58) {
        /* sFlow carries ICMP type and code in the port fields. */
        f->icmp_type = (uint8_t)sport;
        f->icmp_code = (uint8_t)dport;
        f->present |= FDX_BIT(FDX_F_ICMP);
    } else {
        f->src_port = (uint16_t)sport;
        f->dst_port = (uint16_t)dport;
        f->present |= FDX_BIT(FDX_F_SRC_PORT) | FDX_BIT(FDX_F_DST_PORT);
    }
    if (proto == 6) {
        f->tcp_flags = (uint8_t)tcp_flags;
        f->present |= FDX_BIT(FDX_F_TCP_FLAGS);
    }
    return FDX_DROP_NONE;
}

static uint8_t ext_switch(struct fdx__sflow_acc *a, struct fdx_rd *rd)
{
    uint32_t src_vlan = fdx_rd_u32(rd);
    uint32_t src_pri = fdx_rd_u32(rd);
    uint32_t dst_vlan = fdx_rd_u32(rd);
    uint32_t dst_pri = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    a->has_switch = true;
    /* A value above 4095 (some agents send 0xffffffff) means "unknown": left out. */
    a->sw_src_vlan = src_vlan <= 4095 ? (uint16_t)src_vlan : FDX_SFLOW_NO_VLAN;
    a->sw_dst_vlan = dst_vlan <= 4095 ? (uint16_t)dst_vlan : FDX_SFLOW_NO_VLAN;
    a->sw_src_pri = (uint8_t)src_pri;
    a->sw_dst_pri = (uint8_t)dst_pri;
    return FDX_DROP_NONE;
}

static uint8_t ext_router(struct fdx_slot *s, struct fdx_rd *rd)
{
    struct fdx_addr nh;
    fdx__sflow_read_addr(rd, &nh);
    uint32_t src_mask = fdx_rd_u32(rd);
    uint32_t dst_mask = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    struct fdx_flow *f = &s->flow;
    f->next_hop = nh;
    f->src_mask = (uint8_t)src_mask;
    f->dst_mask = (uint8_t)dst_mask;
    f->present |= FDX_BIT(FDX_F_NEXT_HOP) | FDX_BIT(FDX_F_SRC_MASK) | FDX_BIT(FDX_F_DST_MASK);
    return FDX_DROP_NONE;
}

/* AS path segments (type, count, ASNs); keeps up to FDX_SFLOW_AS_PATH_MAX ASNs in path. */
static uint32_t read_as_path(struct fdx_rd *rd, uint8_t *path, uint32_t *first_as)
{
    uint32_t nseg = fdx_rd_u32(rd);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < nseg && rd->err == FDX_DROP_NONE; i++) {
        fdx_rd_u32(rd); /* segment type: 1 AS_SET, 2 AS_SEQUENCE */
        uint32_t count = fdx_rd_u32(rd);
        if (count > fdx_rd_left(rd) / 4) {
            fdx_rd_fail(rd, FDX_DROP_BAD_LENGTH);
            break;
        }
        for (uint32_t j = 0; j < count; j++) {
            uint32_t as = fdx_rd_u32(rd);
            if (kept == 0) {
                *first_as = as;
            }
            if (kept < FDX_SFLOW_AS_PATH_MAX) {
                put_u32(path + 4 * kept, as);
                kept++;
            }
        }
    }
    return kept;
}

static uint8_t ext_gateway(struct fdx__sflow_acc *a, struct fdx_slot *s, struct fdx_rd *rd)
{
    struct fdx_addr nh;
    fdx__sflow_read_addr(rd, &nh);
    uint32_t as = fdx_rd_u32(rd);
    uint32_t src_as = fdx_rd_u32(rd);
    uint32_t src_peer_as = fdx_rd_u32(rd);
    uint8_t path[4 * FDX_SFLOW_AS_PATH_MAX];
    uint32_t first_as = 0;
    uint32_t npath = read_as_path(rd, path, &first_as);
    uint32_t ncomm = fdx_rd_u32(rd);
    if (rd->err == FDX_DROP_NONE && ncomm > fdx_rd_left(rd) / 4) {
        return FDX_DROP_BAD_LENGTH;
    }
    const uint8_t *comm = fdx_rd_ptr(rd, (size_t)ncomm * 4);
    uint32_t local_pref = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    struct fdx_flow *f = &s->flow;
    f->bgp_next_hop = nh;
    f->src_as = src_as;
    /* The destination AS is the origin: the last ASN of the path; with no path, the
     * agent's own AS (the destination is local to it). */
    f->dst_as = npath > 0 ? (uint32_t)path[4 * npath - 4] << 24 |
                                (uint32_t)path[4 * npath - 3] << 16 |
                                (uint32_t)path[4 * npath - 2] << 8 | path[4 * npath - 1]
                          : as;
    f->present |= FDX_BIT(FDX_F_BGP_NEXT_HOP) | FDX_BIT(FDX_F_SRC_AS) | FDX_BIT(FDX_F_DST_AS);
    uint8_t b[4];
    put_u32(b, src_peer_as);
    add_extra(a, s, 0, 129, b, 4); /* bgpPrevAdjacentAsNumber */
    if (npath > 0) {
        put_u32(b, first_as);
        add_extra(a, s, 0, 128, b, 4); /* bgpNextAdjacentAsNumber */
        add_extra(a, s, FDX_SFLOW_PEN, FDX_SFLOW_X_AS_PATH, path, (uint16_t)(4 * npath));
    }
    if (ncomm > 0) {
        /* bgpDestinationCommunityList, as a plain array of 32-bit communities. */
        uint32_t keep = ncomm > 64 ? 64 : ncomm;
        add_extra(a, s, 0, 484, comm, (uint16_t)(4 * keep));
    }
    put_u32(b, local_pref);
    add_extra(a, s, FDX_SFLOW_PEN, FDX_SFLOW_X_LOCAL_PREF, b, 4);
    return FDX_DROP_NONE;
}

uint8_t fdx__sflow_flow_record(struct fdx__sflow_acc *a, struct fdx_slot *s, uint32_t format,
                               struct fdx_rd *rd)
{
    switch (format) {
    case SFLOW_FLOW_RAW_HEADER:
        return raw_header(a, s, rd);
    case SFLOW_FLOW_ETHERNET:
        return ethernet_data(a, s, rd);
    case SFLOW_FLOW_IPV4:
        return ip_data(a, s, rd, false);
    case SFLOW_FLOW_IPV6:
        return ip_data(a, s, rd, true);
    case SFLOW_FLOW_EXT_SWITCH:
        return ext_switch(a, rd);
    case SFLOW_FLOW_EXT_ROUTER:
        return ext_router(s, rd);
    case SFLOW_FLOW_EXT_GATEWAY:
        return ext_gateway(a, s, rd);
    default:
        return FDX_DROP_NONE;
    }
}

void fdx__sflow_flow_finish(const struct fdx__sflow_acc *a, struct fdx_slot *s,
                            bool renormalize)
{
    struct fdx_flow *f = &s->flow;
    if (a->has_switch && a->sw_src_vlan != FDX_SFLOW_NO_VLAN) {
        f->src_vlan = a->sw_src_vlan;
        f->present |= FDX_BIT(FDX_F_SRC_VLAN);
    }
    if (a->has_switch && a->sw_dst_vlan != FDX_SFLOW_NO_VLAN) {
        f->dst_vlan = a->sw_dst_vlan;
        f->present |= FDX_BIT(FDX_F_DST_VLAN);
    }
    uint32_t frame_len = a->has_hdr ? a->frame_len_hdr
                         : a->has_eth ? a->frame_len_eth
                                      : a->frame_len_ip;
    if (a->has_hdr || a->has_eth || a->has_ip) {
        f->frame_len = frame_len;
        f->present |= FDX_BIT(FDX_F_FRAME_LEN);
    }
    uint64_t mult = (renormalize && f->sampling_rate > 1) ? f->sampling_rate : 1;
    f->raw_bytes = frame_len;
    f->raw_packets = 1;
    f->bytes = (uint64_t)frame_len * mult;
    f->packets = mult;
    f->present |= FDX_BIT(FDX_F_BYTES) | FDX_BIT(FDX_F_PACKETS);
}
