/* UDP payloads out of a capture read offline with libpcap: Ethernet (with 802.1Q / 802.1ad
 * tags), raw IP, Linux cooked (SLL and SLL2) and null/loopback link types; IPv4 and IPv6.
 * Packets that are not UDP, IP fragments and truncated packets are skipped (and counted by
 * the caller from the return value). Used by the golden decoder dump and the seed splitter. */
#ifndef FDX_PCAP_UDP_H
#define FDX_PCAP_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct fdx_udp_pkt {
    const uint8_t *payload;
    size_t len;
    struct fdx_addr src, dst;
    uint16_t sport, dport;
};

enum fdx_pcap_skip {
    FDX_PCAP_OK = 0,
    FDX_PCAP_SKIP_LINKTYPE, /* unsupported link layer or ethertype */
    FDX_PCAP_SKIP_NOT_UDP,
    FDX_PCAP_SKIP_FRAGMENT,
    FDX_PCAP_SKIP_TRUNCATED,
};

/* Finds the UDP payload of one captured frame of link type dlt (pcap_datalink()). Returns
 * FDX_PCAP_OK and fills out, or the reason the packet was skipped. */
enum fdx_pcap_skip fdx_pcap_udp(int dlt, const uint8_t *frame, size_t caplen,
                                struct fdx_udp_pkt *out);

#endif
