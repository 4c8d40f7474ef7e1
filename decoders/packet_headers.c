/* Layer 2-4 parsing of a captured packet header: Ethernet II, 802.1Q/802.1ad tags, MPLS
 * (RFC 3032), IPv4 with options (RFC 791), IPv6 with extension headers (RFC 8200 §4),
 * TCP/UDP/SCTP ports, ICMP/ICMPv6 type and code. Stops quietly where the capture ends. */
#include "packet_headers.h"

#include <string.h>

#include "reader.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_VLAN 0x8100
#define ETH_P_QINQ 0x88a8
#define ETH_P_QINQ_OLD 0x9100
#define ETH_P_MPLS_UC 0x8847
#define ETH_P_MPLS_MC 0x8848

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_MOBILITY_ 135
#define IPPROTO_SCTP_ 132
#define IPPROTO_UDPLITE_ 136

static uint8_t stop(struct fdx_pkthdr *h, struct fdx_rd *rd)
{
    h->stop = rd->err;
    return h->stop;
}

static void parse_l4(struct fdx_pkthdr *h, struct fdx_rd *rd)
{
    switch (h->ip_proto) {
    case IPPROTO_TCP_: {
        uint16_t sport = fdx_rd_u16(rd);
        uint16_t dport = fdx_rd_u16(rd);
        if (rd->err) {
            break;
        }
        h->src_port = sport;
        h->dst_port = dport;
        h->layers |= FDX_PKTHDR_L_PORTS;
        fdx_rd_skip(rd, 9); /* sequence, acknowledgment, data offset */
        uint8_t flags = fdx_rd_u8(rd);
        if (!rd->err) {
            h->tcp_flags = flags;
            h->layers |= FDX_PKTHDR_L_TCP_FLAGS;
        }
        break;
    }
    case IPPROTO_UDP_:
    case IPPROTO_SCTP_:
    case IPPROTO_UDPLITE_: {
        uint16_t sport = fdx_rd_u16(rd);
        uint16_t dport = fdx_rd_u16(rd);
        if (!rd->err) {
            h->src_port = sport;
            h->dst_port = dport;
            h->layers |= FDX_PKTHDR_L_PORTS;
        }
        break;
    }
    case IPPROTO_ICMP_:
    case IPPROTO_ICMPV6_: {
        uint8_t type = fdx_rd_u8(rd);
        uint8_t code = fdx_rd_u8(rd);
        if (!rd->err) {
            h->icmp_type = type;
            h->icmp_code = code;
            h->layers |= FDX_PKTHDR_L_ICMP;
        }
        break;
    }
    default:
        break;
    }
}

static bool is_later_fragment(const struct fdx_pkthdr *h)
{
    return (h->layers & FDX_PKTHDR_L_FRAG) && (h->fragment & 0x1fff) != 0;
}

static void parse_ipv4(struct fdx_pkthdr *h, struct fdx_rd *rd)
{
    uint8_t vihl = fdx_rd_u8(rd);
    uint8_t tos = fdx_rd_u8(rd);
    uint16_t total = fdx_rd_u16(rd);
    uint16_t id = fdx_rd_u16(rd);
    uint16_t frag = fdx_rd_u16(rd);
    uint8_t ttl = fdx_rd_u8(rd);
    uint8_t proto = fdx_rd_u8(rd);
    fdx_rd_skip(rd, 2); /* checksum */
    uint8_t src[4], dst[4];
    fdx_rd_bytes(rd, src, 4);
    fdx_rd_bytes(rd, dst, 4);
    if (rd->err) {
        return;
    }
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    if ((vihl >> 4) != 4 || ihl < 20) {
        fdx_rd_fail(rd, FDX_DROP_BAD_LENGTH);
        return;
    }
    h->ip_version = 4;
    h->tos = tos;
    h->ip_len = total;
    h->frag_id = id;
    h->fragment = frag;
    h->ttl = ttl;
    h->ip_proto = proto;
    fdx_addr_set_v4(&h->src, src);
    fdx_addr_set_v4(&h->dst, dst);
    h->layers |= FDX_PKTHDR_L_IP;
    if ((frag & 0x3fff) != 0) { /* MF set or a non-zero offset */
        h->layers |= FDX_PKTHDR_L_FRAG;
    }
    fdx_rd_skip(rd, ihl - 20); /* options */
    if (rd->err || is_later_fragment(h)) {
        return;
    }
    parse_l4(h, rd);
}

/* Walks the IPv6 extension header chain; leaves rd at the upper-layer header and
 * h->ip_proto at its protocol number. */
static void walk_ipv6_ext(struct fdx_pkthdr *h, struct fdx_rd *rd, uint8_t next)
{
    for (;;) {
        switch (next) {
        case IPPROTO_HOPOPTS_:
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
        case IPPROTO_MOBILITY_:
        case IPPROTO_AH_:
        case IPPROTO_FRAGMENT_:
            break;
        default:
            h->ip_proto = next;
            return;
        }
        if (h->ext_count >= FDX_PKTHDR_EXT_MAX) {
            fdx_rd_fail(rd, FDX_DROP_LIMIT_EXCEEDED);
            return;
        }
        uint8_t nh = fdx_rd_u8(rd);
        uint8_t hlen = fdx_rd_u8(rd);
        if (rd->err) {
            return;
        }
        h->ext_count++;
        if (next == IPPROTO_FRAGMENT_) {
            uint16_t offm = fdx_rd_u16(rd);
            uint32_t id = fdx_rd_u32(rd);
            if (rd->err) {
                return;
            }
            /* Same layout as the IPv4 word: MF at 0x2000, offset in 8-byte units. */
            h->fragment = (uint16_t)((offm & 1u) << 13 | offm >> 3);
            h->frag_id = id;
            h->layers |= FDX_PKTHDR_L_FRAG;
        } else if (next == IPPROTO_AH_) {
            fdx_rd_skip(rd, (size_t)(hlen + 2) * 4 - 2); /* RFC 4302: length in 4-byte units */
        } else {
            fdx_rd_skip(rd, (size_t)(hlen + 1) * 8 - 2);
        }
        next = nh;
    }
}

static void parse_ipv6(struct fdx_pkthdr *h, struct fdx_rd *rd)
{
    uint32_t vtcfl = fdx_rd_u32(rd);
    uint16_t plen = fdx_rd_u16(rd);
    uint8_t next = fdx_rd_u8(rd);
    uint8_t hlim = fdx_rd_u8(rd);
    uint8_t src[16], dst[16];
    fdx_rd_bytes(rd, src, 16);
    fdx_rd_bytes(rd, dst, 16);
    if (rd->err) {
        return;
    }
    if ((vtcfl >> 28) != 6) {
        fdx_rd_fail(rd, FDX_DROP_BAD_LENGTH);
        return;
    }
    h->ip_version = 6;
    h->tos = (uint8_t)(vtcfl >> 20);
    h->flow_label = vtcfl & 0xfffff;
    h->ip_len = (uint16_t)(plen + 40u);
    h->ttl = hlim;
    h->ip_proto = next;
    fdx_addr_set_v6(&h->src, src);
    fdx_addr_set_v6(&h->dst, dst);
    h->layers |= FDX_PKTHDR_L_IP;
    walk_ipv6_ext(h, rd, next);
    if (rd->err || is_later_fragment(h)) {
        return;
    }
    parse_l4(h, rd);
}

static void parse_ip_by_version(struct fdx_pkthdr *h, struct fdx_rd *rd)
{
    if (fdx_rd_left(rd) == 0) {
        fdx_rd_fail(rd, FDX_DROP_TRUNCATED);
        return;
    }
    switch (rd->p[0] >> 4) {
    case 4:
        parse_ipv4(h, rd);
        break;
    case 6:
        parse_ipv6(h, rd);
        break;
    default:
        break; /* pseudowire control word or another payload: not parsed */
    }
}

static void parse_mpls(struct fdx_pkthdr *h, struct fdx_rd *rd)
{
    for (;;) {
        if (h->mpls_depth >= FDX_MPLS_MAX) {
            fdx_rd_fail(rd, FDX_DROP_LIMIT_EXCEEDED);
            return;
        }
        uint32_t lse = fdx_rd_u32(rd);
        if (rd->err) {
            return;
        }
        /* The flow record keeps label<<4 | exp<<1 | bos (the 24 upper bits of the entry). */
        h->mpls[h->mpls_depth++] = lse >> 8;
        h->layers |= FDX_PKTHDR_L_MPLS;
        if (lse & 0x100) { /* bottom of stack */
            break;
        }
    }
    parse_ip_by_version(h, rd);
}

static void parse_ethertype(struct fdx_pkthdr *h, struct fdx_rd *rd, uint16_t type)
{
    switch (type) {
    case ETH_P_IPV4:
        parse_ipv4(h, rd);
        break;
    case ETH_P_IPV6:
        parse_ipv6(h, rd);
        break;
    case ETH_P_MPLS_UC:
    case ETH_P_MPLS_MC:
        parse_mpls(h, rd);
        break;
    default:
        break;
    }
}

static void parse_ethernet(struct fdx_pkthdr *h, struct fdx_rd *rd)
{
    uint8_t dst[6], src[6];
    fdx_rd_bytes(rd, dst, 6);
    fdx_rd_bytes(rd, src, 6);
    uint16_t type = fdx_rd_u16(rd);
    if (rd->err) {
        return;
    }
    memcpy(h->dst_mac, dst, 6);
    memcpy(h->src_mac, src, 6);
    while (type == ETH_P_VLAN || type == ETH_P_QINQ || type == ETH_P_QINQ_OLD) {
        if (h->vlan_count >= FDX_PKTHDR_VLAN_MAX) {
            fdx_rd_fail(rd, FDX_DROP_LIMIT_EXCEEDED);
            break;
        }
        uint16_t tci = fdx_rd_u16(rd);
        uint16_t next = fdx_rd_u16(rd);
        if (rd->err) {
            break;
        }
        h->vlan[h->vlan_count] = tci & 0x0fff;
        h->vlan_pcp[h->vlan_count] = (uint8_t)(tci >> 13);
        h->vlan_count++;
        h->layers |= FDX_PKTHDR_L_VLAN;
        type = next;
    }
    if (rd->err) {
        return;
    }
    h->layers |= FDX_PKTHDR_L_ETH;
    if (type < 0x0600) {
        return; /* 802.3 length field, not an ethertype: LLC payload, not parsed */
    }
    h->ethertype = type;
    parse_ethertype(h, rd, type);
}

uint8_t fdx_pkthdr_parse(struct fdx_pkthdr *h, const uint8_t *data, size_t len,
                         enum fdx_pkthdr_link link)
{
    memset(h, 0, sizeof(*h));
    struct fdx_rd rd;
    fdx_rd_init(&rd, data, len);
    switch (link) {
    case FDX_PKTHDR_ETHERNET:
        parse_ethernet(h, &rd);
        break;
    case FDX_PKTHDR_IPV4:
        h->ethertype = ETH_P_IPV4;
        parse_ipv4(h, &rd);
        break;
    case FDX_PKTHDR_IPV6:
        h->ethertype = ETH_P_IPV6;
        parse_ipv6(h, &rd);
        break;
    case FDX_PKTHDR_MPLS:
        h->ethertype = ETH_P_MPLS_UC;
        parse_mpls(h, &rd);
        break;
    }
    return stop(h, &rd);
}

void fdx_pkthdr_to_flow(const struct fdx_pkthdr *h, struct fdx_flow *f)
{
    if (h->layers & FDX_PKTHDR_L_ETH) {
        memcpy(f->src_mac, h->src_mac, 6);
        memcpy(f->dst_mac, h->dst_mac, 6);
        f->present |= FDX_BIT(FDX_F_SRC_MAC) | FDX_BIT(FDX_F_DST_MAC);
    }
    if (h->ethertype != 0) {
        f->ethertype = h->ethertype;
        f->present |= FDX_BIT(FDX_F_ETHERTYPE);
    }
    if (h->layers & FDX_PKTHDR_L_VLAN) {
        f->src_vlan = h->vlan[0];
        f->present |= FDX_BIT(FDX_F_SRC_VLAN);
    }
    if (h->layers & FDX_PKTHDR_L_MPLS) {
        memcpy(f->mpls, h->mpls, sizeof(uint32_t) * h->mpls_depth);
        f->mpls_depth = h->mpls_depth;
        f->present |= FDX_BIT(FDX_F_MPLS);
    }
    if (!(h->layers & FDX_PKTHDR_L_IP)) {
        return;
    }
    f->src = h->src;
    f->dst = h->dst;
    f->ip_version = h->ip_version;
    f->ip_proto = h->ip_proto;
    f->tos = h->tos;
    f->ttl = h->ttl;
    f->present |= FDX_BIT(FDX_F_SRC_ADDR) | FDX_BIT(FDX_F_DST_ADDR) | FDX_BIT(FDX_F_IP_VERSION) |
                  FDX_BIT(FDX_F_IP_PROTO) | FDX_BIT(FDX_F_TOS) | FDX_BIT(FDX_F_TTL);
    if (h->ip_version == 6) {
        f->flow_label = h->flow_label;
        f->present |= FDX_BIT(FDX_F_FLOW_LABEL);
    }
    if (h->layers & FDX_PKTHDR_L_FRAG) {
        f->fragment = h->fragment;
        f->present |= FDX_BIT(FDX_F_FRAGMENT);
    }
    if (h->layers & FDX_PKTHDR_L_PORTS) {
        f->src_port = h->src_port;
        f->dst_port = h->dst_port;
        f->present |= FDX_BIT(FDX_F_SRC_PORT) | FDX_BIT(FDX_F_DST_PORT);
    }
    if (h->layers & FDX_PKTHDR_L_TCP_FLAGS) {
        f->tcp_flags = h->tcp_flags;
        f->present |= FDX_BIT(FDX_F_TCP_FLAGS);
    }
    if (h->layers & FDX_PKTHDR_L_ICMP) {
        f->icmp_type = h->icmp_type;
        f->icmp_code = h->icmp_code;
        f->present |= FDX_BIT(FDX_F_ICMP);
    }
}
