/* Captured packets (pcap / pcapng, read offline) down to the transport payload: the link
 * layers a flow capture is found with (Ethernet with 802.1Q / 802.1ad tags, Linux cooked SLL
 * and SLL2, raw IP, BSD null/loopback), IPv4 and IPv6 (hop-by-hop, routing and destination
 * options extension headers), then UDP or TCP. Module tag: capture. Pure: no allocation, no
 * I/O, no libpcap call; every byte is read through the bounds-checked reader and every wire
 * length (IP total/payload length, UDP length) bounds a sub-reader. Used by `flowdex replay`
 * and by the test tools that read captures. */
#ifndef FDX_CAPTURE_H
#define FDX_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define FDX_CAPTURE_IPPROTO_TCP 6
#define FDX_CAPTURE_IPPROTO_UDP 17

/* One packet's transport payload and addresses. payload points into the frame. */
struct fdx_capture_pkt {
    const uint8_t *payload;
    size_t len;               /* UDP: from the UDP length; TCP: to the end of the IP packet */
    struct fdx_addr src, dst; /* the source is the exporter */
    uint16_t sport, dport;
    uint8_t l4;               /* FDX_CAPTURE_IPPROTO_UDP or _TCP */
    uint32_t tcp_seq;         /* TCP only */
    bool tcp_syn, tcp_fin;    /* TCP only */
};

/* Why a packet has no usable payload. */
enum fdx_capture_skip {
    FDX_CAPTURE_OK = 0,
    FDX_CAPTURE_SKIP_LINKTYPE,  /* unsupported link layer or ethertype (ARP, LLC …) */
    FDX_CAPTURE_SKIP_NOT_UDP,   /* IP, but not the transport asked for (or a TCP header that
                                 * does not fit) */
    FDX_CAPTURE_SKIP_FRAGMENT,  /* IP fragment (fragments are not reassembled) */
    FDX_CAPTURE_SKIP_TRUNCATED, /* a header or the payload cut by the snap length, or a
                                 * length field that does not fit */
};

/* Parses one frame of link type linktype (as pcap_datalink() returns it). Returns
 * FDX_CAPTURE_OK with out filled for UDP and TCP packets, or the reason it was skipped. */
enum fdx_capture_skip fdx_capture_parse(int linktype, const uint8_t *frame, size_t caplen,
                                        struct fdx_capture_pkt *out);

/* fdx_capture_parse restricted to UDP: a TCP packet is FDX_CAPTURE_SKIP_NOT_UDP. */
static inline enum fdx_capture_skip fdx_capture_udp(int linktype, const uint8_t *frame,
                                                    size_t caplen, struct fdx_capture_pkt *out)
{
    enum fdx_capture_skip why = fdx_capture_parse(linktype, frame, caplen, out);
    if (why == FDX_CAPTURE_OK && out->l4 != FDX_CAPTURE_IPPROTO_UDP) {
        return FDX_CAPTURE_SKIP_NOT_UDP;
    }
    return why;
}

#endif
