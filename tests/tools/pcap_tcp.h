/* TCP segments out of a capture read offline (Ethernet with 802.1Q tags, raw IP, Linux
 * cooked SLL; IPv4 and IPv6 without extension headers), and in-order reassembly of IPFIX
 * over TCP streams (RFC 7011 §10.4) through the IPFIX stream framing. For the golden decoder
 * dump and the benchmarks: captures of IPFIX exported over TCP. */
#ifndef FDX_PCAP_TCP_H
#define FDX_PCAP_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "counters.h"
#include "ipfix_stream.h"

struct fdx_tcp_seg {
    const uint8_t *payload;
    size_t len;
    struct fdx_addr src, dst;
    uint16_t sport, dport;
    uint32_t seq;
    bool syn, fin;
};

/* Finds the TCP segment of one frame of link type dlt; false when the frame is not TCP. */
bool fdx_pcap_tcp(int dlt, const uint8_t *frame, size_t caplen, struct fdx_tcp_seg *out);

#define FDX_TCP_STREAMS 8

/* A few TCP connections, each reassembled in order; retransmitted bytes are skipped, a gap
 * (lost segment) closes the connection's framing. */
struct fdx_tcp_streams {
    struct {
        bool used;
        struct fdx_addr src, dst;
        uint16_t sport, dport;
        uint32_t next_seq;
        struct fdx_ipfix_stream s;
    } c[FDX_TCP_STREAMS];
};

/* Feeds one segment; complete IPFIX messages go to fn with the segment's source as exporter.
 * ts is a heap object (the framing buffers are 64 KiB each), zeroed before first use. */
void fdx_tcp_streams_feed(struct fdx_tcp_streams *ts, struct fdx_counters *c,
                          const struct fdx_tcp_seg *seg,
                          void (*fn)(void *arg, const struct fdx_tcp_seg *seg,
                                     const uint8_t *msg, size_t len),
                          void *arg);

#endif
