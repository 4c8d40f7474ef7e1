/* Layer 2-4 parsing of a captured, possibly truncated packet header (sFlow raw packet header
 * records; reusable by pcap-based features). Module tag: pkthdr. Pure: no allocation, no
 * state; every byte is read through the bounds-checked reader. */
#ifndef FDX_PACKET_HEADERS_H
#define FDX_PACKET_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "drop.h"
#include "flow.h"

/* What the first byte of the capture is. */
enum fdx_pkthdr_link {
    FDX_PKTHDR_ETHERNET = 0, /* Ethernet II (802.3 with LLC stops after the MAC addresses) */
    FDX_PKTHDR_IPV4,         /* the capture starts at an IPv4 header */
    FDX_PKTHDR_IPV6,         /* the capture starts at an IPv6 header */
    FDX_PKTHDR_MPLS,         /* the capture starts at an MPLS label stack */
};

/* Depth limits; a header that needs more is reported with FDX_DROP_LIMIT_EXCEEDED. */
#define FDX_PKTHDR_VLAN_MAX 4 /* 802.1Q / 802.1ad tags */
#define FDX_PKTHDR_EXT_MAX 8  /* IPv6 extension headers */

/* Which layers were read completely (bits of struct fdx_pkthdr.layers). */
enum fdx_pkthdr_layer {
    FDX_PKTHDR_L_ETH = 1u << 0,  /* MAC addresses and ethertype */
    FDX_PKTHDR_L_VLAN = 1u << 1, /* at least one VLAN tag */
    FDX_PKTHDR_L_MPLS = 1u << 2, /* at least one label */
    FDX_PKTHDR_L_IP = 1u << 3,   /* IPv4 or IPv6 fixed header */
    FDX_PKTHDR_L_PORTS = 1u << 4, /* TCP/UDP/SCTP ports */
    FDX_PKTHDR_L_TCP_FLAGS = 1u << 5,
    FDX_PKTHDR_L_ICMP = 1u << 6,  /* ICMP / ICMPv6 type and code */
    FDX_PKTHDR_L_FRAG = 1u << 7,  /* IPv4 fragment fields or an IPv6 fragment header */
};

struct fdx_pkthdr {
    uint32_t layers; /* enum fdx_pkthdr_layer bits */
    uint8_t stop;    /* enum fdx_drop: why parsing stopped early (TRUNCATED, BAD_LENGTH,
                      * LIMIT_EXCEEDED); FDX_DROP_NONE when it reached L4 or a payload it does
                      * not parse */
    uint8_t dst_mac[6], src_mac[6];
    uint16_t ethertype;                  /* innermost ethertype (after VLAN tags); 0 for an
                                          * 802.3 frame (length field) */
    uint16_t vlan[FDX_PKTHDR_VLAN_MAX];  /* VLAN ids, outermost first */
    uint8_t vlan_pcp[FDX_PKTHDR_VLAN_MAX]; /* 802.1p priority of each tag */
    uint8_t vlan_count;
    uint32_t mpls[FDX_MPLS_MAX]; /* label stack entries as on the wire, outermost first */
    uint8_t mpls_depth;
    uint8_t ip_version; /* 4 or 6; 0 when no IP header was read */
    struct fdx_addr src, dst;
    uint8_t ip_proto;   /* upper-layer protocol (after IPv6 extension headers) */
    uint8_t tos;        /* IPv4 TOS / IPv6 traffic class */
    uint8_t ttl;        /* IPv4 TTL / IPv6 hop limit */
    uint16_t ip_len;    /* IPv4 total length / IPv6 payload length + 40, bytes */
    uint32_t flow_label; /* IPv6 only, 20 bits */
    uint16_t fragment;  /* IPv4 flags+offset word (MF = 0x2000, offset in 8-byte units);
                         * IPv6 fragment header mapped to the same layout */
    uint32_t frag_id;   /* IPv4 identification / IPv6 fragment identification */
    uint8_t ext_count;  /* IPv6 extension headers walked */
    uint16_t src_port, dst_port;
    uint8_t tcp_flags;
    uint8_t icmp_type, icmp_code;
};

/* Parses len bytes of a capture starting at the given link layer into h (fully overwritten).
 * A capture that ends inside a header is normal (sampled headers are cut at 128 bytes):
 * h->layers says what was complete and h->stop is FDX_DROP_TRUNCATED. A non-first fragment
 * has no ports. Returns h->stop. */
uint8_t fdx_pkthdr_parse(struct fdx_pkthdr *h, const uint8_t *data, size_t len,
                         enum fdx_pkthdr_link link);

/* Copies what h holds into the flow record fields (addresses, ports, protocol, TOS, TTL,
 * flags, ICMP, VLANs: outermost tag to src_vlan, MACs, MPLS stack, ethertype, flow label,
 * fragment) and sets their presence bits. Does not touch the other fields of f. */
void fdx_pkthdr_to_flow(const struct fdx_pkthdr *h, struct fdx_flow *f);

#endif
