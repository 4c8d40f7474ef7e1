/* Link layer, IP and UDP header walk for offline captures. Every byte goes through the
 * bounds-checked reader. */
#include "pcap_udp.h"

#include <pcap/pcap.h>

#include "reader.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ_OLD 0x9100
#define IPPROTO_NUM_UDP 17
#define VLAN_TAGS_MAX 4

static enum fdx_pcap_skip walk_udp(struct fdx_rd *r, struct fdx_udp_pkt *out)
{
    out->sport = fdx_rd_u16(r);
    out->dport = fdx_rd_u16(r);
    uint16_t ulen = fdx_rd_u16(r);
    fdx_rd_skip(r, 2); /* checksum (0 in derived captures) */
    if (r->err || ulen < 8) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    const uint8_t *p = fdx_rd_ptr(r, (size_t)ulen - 8);
    if (p == NULL) {
        return FDX_PCAP_SKIP_TRUNCATED; /* snap length cut the datagram */
    }
    out->payload = p;
    out->len = (size_t)ulen - 8;
    return FDX_PCAP_OK;
}

static enum fdx_pcap_skip walk_ipv4(struct fdx_rd *r, struct fdx_udp_pkt *out)
{
    uint8_t vihl = fdx_rd_u8(r);
    fdx_rd_skip(r, 1); /* tos */
    uint16_t total = fdx_rd_u16(r);
    fdx_rd_skip(r, 2); /* id */
    uint16_t frag = fdx_rd_u16(r);
    fdx_rd_skip(r, 1); /* ttl */
    uint8_t proto = fdx_rd_u8(r);
    fdx_rd_skip(r, 2); /* checksum */
    uint8_t a[4];
    fdx_rd_bytes(r, a, 4);
    fdx_addr_set_v4(&out->src, a);
    fdx_rd_bytes(r, a, 4);
    fdx_addr_set_v4(&out->dst, a);
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    if (r->err || (vihl >> 4) != 4 || ihl < 20 || total < ihl) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    fdx_rd_skip(r, ihl - 20); /* options */
    if ((frag & 0x3fff) != 0) {
        return FDX_PCAP_SKIP_FRAGMENT; /* MF set or non-zero offset */
    }
    if (proto != IPPROTO_NUM_UDP) {
        return FDX_PCAP_SKIP_NOT_UDP;
    }
    struct fdx_rd body = fdx_rd_sub(r, total - ihl);
    if (body.err) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    return walk_udp(&body, out);
}

static enum fdx_pcap_skip walk_ipv6(struct fdx_rd *r, struct fdx_udp_pkt *out)
{
    uint32_t vtf = fdx_rd_u32(r);
    uint16_t plen = fdx_rd_u16(r);
    uint8_t next = fdx_rd_u8(r);
    fdx_rd_skip(r, 1); /* hop limit */
    uint8_t a[16];
    fdx_rd_bytes(r, a, 16);
    fdx_addr_set_v6(&out->src, a);
    fdx_rd_bytes(r, a, 16);
    fdx_addr_set_v6(&out->dst, a);
    if (r->err || (vtf >> 28) != 6) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    struct fdx_rd body = fdx_rd_sub(r, plen);
    if (body.err) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    /* Extension headers: hop-by-hop (0), routing (43), destination options (60). */
    for (int i = 0; i < 8 && (next == 0 || next == 43 || next == 60); i++) {
        next = fdx_rd_u8(&body);
        uint8_t hlen = fdx_rd_u8(&body);
        fdx_rd_skip(&body, (size_t)hlen * 8 + 6);
    }
    if (body.err) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    if (next == 44) {
        return FDX_PCAP_SKIP_FRAGMENT;
    }
    if (next != IPPROTO_NUM_UDP) {
        return FDX_PCAP_SKIP_NOT_UDP;
    }
    return walk_udp(&body, out);
}

static enum fdx_pcap_skip walk_ethertype(struct fdx_rd *r, uint16_t type, struct fdx_udp_pkt *out)
{
    for (int i = 0; i < VLAN_TAGS_MAX &&
                    (type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ_OLD);
         i++) {
        fdx_rd_skip(r, 2); /* TCI */
        type = fdx_rd_u16(r);
    }
    if (r->err) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    if (type == ETH_P_IPV4) {
        return walk_ipv4(r, out);
    }
    if (type == ETH_P_IPV6) {
        return walk_ipv6(r, out);
    }
    return FDX_PCAP_SKIP_LINKTYPE;
}

/* Raw IP: the version nibble tells IPv4 from IPv6. */
static enum fdx_pcap_skip walk_ip(struct fdx_rd *r, struct fdx_udp_pkt *out)
{
    if (fdx_rd_left(r) < 1) {
        return FDX_PCAP_SKIP_TRUNCATED;
    }
    switch (r->p[0] >> 4) {
    case 4:
        return walk_ipv4(r, out);
    case 6:
        return walk_ipv6(r, out);
    default:
        return FDX_PCAP_SKIP_LINKTYPE;
    }
}

enum fdx_pcap_skip fdx_pcap_udp(int dlt, const uint8_t *frame, size_t caplen,
                                struct fdx_udp_pkt *out)
{
    struct fdx_rd r;
    fdx_rd_init(&r, frame, caplen);
    uint16_t type;
    switch (dlt) {
    case DLT_EN10MB:
        fdx_rd_skip(&r, 12); /* destination and source MAC */
        type = fdx_rd_u16(&r);
        return walk_ethertype(&r, type, out);
    case DLT_LINUX_SLL:
        fdx_rd_skip(&r, 14); /* packet type, ARPHRD, address length, address */
        type = fdx_rd_u16(&r);
        return walk_ethertype(&r, type, out);
    case DLT_LINUX_SLL2:
        type = fdx_rd_u16(&r);
        fdx_rd_skip(&r, 18); /* reserved, ifindex, ARPHRD, packet type, address */
        return walk_ethertype(&r, type, out);
    case DLT_NULL:
    case DLT_LOOP:
        fdx_rd_skip(&r, 4); /* address family, in either byte order */
        return walk_ip(&r, out);
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        return walk_ip(&r, out);
    default:
        return FDX_PCAP_SKIP_LINKTYPE;
    }
}
