/* Link layer, IP and transport header walk of captured packets. */
#include "capture.h"

#include <pcap/dlt.h>
#include <string.h>

#include "reader.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ_OLD 0x9100
#define VLAN_TAGS_MAX 4
#define IPV6_EXT_MAX 8
#define LINKTYPE_RAW_FILE 101 /* LINKTYPE_RAW, should a reader pass the file's value */

static enum fdx_capture_skip walk_udp(struct fdx_rd *r, struct fdx_capture_pkt *out)
{
    out->sport = fdx_rd_u16(r);
    out->dport = fdx_rd_u16(r);
    uint16_t ulen = fdx_rd_u16(r);
    fdx_rd_skip(r, 2); /* checksum */
    if (r->err || ulen < 8) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    struct fdx_rd pl = fdx_rd_sub(r, (size_t)ulen - 8);
    if (pl.err) {
        return FDX_CAPTURE_SKIP_TRUNCATED; /* snap length cut the datagram */
    }
    out->l4 = FDX_CAPTURE_IPPROTO_UDP;
    out->len = fdx_rd_left(&pl);
    out->payload = fdx_rd_ptr(&pl, out->len);
    return FDX_CAPTURE_OK;
}

static enum fdx_capture_skip walk_tcp(struct fdx_rd *r, struct fdx_capture_pkt *out)
{
    out->sport = fdx_rd_u16(r);
    out->dport = fdx_rd_u16(r);
    out->tcp_seq = fdx_rd_u32(r);
    fdx_rd_skip(r, 4); /* acknowledgment */
    uint8_t off = fdx_rd_u8(r);
    uint8_t flags = fdx_rd_u8(r);
    size_t hlen = (size_t)(off >> 4) * 4;
    if (r->err || hlen < 20) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    fdx_rd_skip(r, hlen - 14); /* window, checksum, urgent pointer, options */
    if (r->err) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    out->l4 = FDX_CAPTURE_IPPROTO_TCP;
    out->tcp_syn = (flags & 0x02) != 0;
    out->tcp_fin = (flags & 0x01) != 0;
    out->len = fdx_rd_left(r);
    out->payload = fdx_rd_ptr(r, out->len);
    return FDX_CAPTURE_OK;
}

static enum fdx_capture_skip walk_l4(uint8_t proto, struct fdx_rd *body,
                                     struct fdx_capture_pkt *out)
{
    if (proto == FDX_CAPTURE_IPPROTO_UDP) {
        return walk_udp(body, out);
    }
    if (proto == FDX_CAPTURE_IPPROTO_TCP && walk_tcp(body, out) == FDX_CAPTURE_OK) {
        return FDX_CAPTURE_OK;
    }
    return FDX_CAPTURE_SKIP_NOT_UDP;
}

static enum fdx_capture_skip walk_ipv4(struct fdx_rd *r, struct fdx_capture_pkt *out)
{
    uint8_t vihl = fdx_rd_u8(r);
    fdx_rd_skip(r, 1); /* tos */
    uint16_t total = fdx_rd_u16(r);
    fdx_rd_skip(r, 2); /* identification */
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
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    fdx_rd_skip(r, ihl - 20); /* options */
    if ((frag & 0x3fff) != 0) {
        return FDX_CAPTURE_SKIP_FRAGMENT; /* MF set or non-zero offset */
    }
    struct fdx_rd body = fdx_rd_sub(r, total - ihl);
    if (body.err) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    return walk_l4(proto, &body, out);
}

static enum fdx_capture_skip walk_ipv6(struct fdx_rd *r, struct fdx_capture_pkt *out)
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
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    struct fdx_rd body = fdx_rd_sub(r, plen);
    if (body.err) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    /* Extension headers: hop-by-hop (0), routing (43), destination options (60). */
    for (int i = 0; i < IPV6_EXT_MAX && (next == 0 || next == 43 || next == 60); i++) {
        next = fdx_rd_u8(&body);
        uint8_t hlen = fdx_rd_u8(&body);
        fdx_rd_skip(&body, (size_t)hlen * 8 + 6);
    }
    if (body.err) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    if (next == 44) {
        return FDX_CAPTURE_SKIP_FRAGMENT;
    }
    return walk_l4(next, &body, out);
}

static enum fdx_capture_skip walk_ethertype(struct fdx_rd *r, uint16_t type,
                                            struct fdx_capture_pkt *out)
{
    for (int i = 0; i < VLAN_TAGS_MAX &&
                    (type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ_OLD);
         i++) {
        fdx_rd_skip(r, 2); /* tag control information */
        type = fdx_rd_u16(r);
    }
    if (r->err) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    if (type == ETH_P_IPV4) {
        return walk_ipv4(r, out);
    }
    if (type == ETH_P_IPV6) {
        return walk_ipv6(r, out);
    }
    return FDX_CAPTURE_SKIP_LINKTYPE;
}

/* No link header (or one already skipped): the version nibble tells IPv4 from IPv6. */
static enum fdx_capture_skip walk_ip(struct fdx_rd *r, struct fdx_capture_pkt *out)
{
    struct fdx_rd peek = *r;
    uint8_t v = fdx_rd_u8(&peek) >> 4;
    if (peek.err) {
        return FDX_CAPTURE_SKIP_TRUNCATED;
    }
    if (v == 4) {
        return walk_ipv4(r, out);
    }
    if (v == 6) {
        return walk_ipv6(r, out);
    }
    return FDX_CAPTURE_SKIP_LINKTYPE;
}

enum fdx_capture_skip fdx_capture_parse(int linktype, const uint8_t *frame, size_t caplen,
                                        struct fdx_capture_pkt *out)
{
    struct fdx_rd r;
    fdx_rd_init(&r, frame, caplen);
    memset(out, 0, sizeof(*out));
    uint16_t type;
    switch (linktype) {
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
        fdx_rd_skip(&r, 4); /* address family, in either byte order: the IP version says */
        return walk_ip(&r, out);
    case DLT_RAW:
    case LINKTYPE_RAW_FILE:
    case DLT_IPV4:
    case DLT_IPV6:
        return walk_ip(&r, out);
    default:
        return FDX_CAPTURE_SKIP_LINKTYPE;
    }
}
