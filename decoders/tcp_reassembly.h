/* In-order reassembly of IPFIX-over-TCP streams from captured segments (RFC 7011 §10.4 in a
 * capture read offline: `flowdex replay`, the golden decoder dump). Each stream (one
 * direction of one connection) is framed into IPFIX messages by its own
 * struct fdx_ipfix_stream. A stream is taken as IPFIX when its first payload byte pair is
 * the version 10; other TCP streams (BGP, BMP, HTTP …) are ignored, not counted as drops.
 * Bounds: at most max_streams streams (the least recently seen one is evicted), and per
 * stream at most FDX_TCP_REASM_HELD_BYTES / FDX_TCP_REASM_HELD_SEGS of segments held ahead
 * of a hole. Retransmitted bytes are skipped; a segment that arrives early waits for the
 * hole to fill; a hole that never fills (a lost segment, or the bound) abandons the stream
 * and counts tcp_gap; a stream that ends inside a message counts tcp_partial.
 * Module tag: tcp_reasm. Pure (no I/O); allocates when a stream starts, never per segment. */
#ifndef FDX_TCP_REASSEMBLY_H
#define FDX_TCP_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"
#include "counters.h"

#define FDX_TCP_REASM_HELD_BYTES (256u << 10)
#define FDX_TCP_REASM_HELD_SEGS 64

struct fdx_tcp_reasm;

struct fdx_tcp_reasm_stats {
    uint64_t segments;      /* TCP segments fed */
    uint64_t ipfix_streams; /* streams recognised as IPFIX */
    uint64_t other_streams; /* streams ignored (not IPFIX) */
    uint64_t retransmitted; /* segments wholly or partly seen before (bytes skipped) */
    uint64_t out_of_order;  /* segments held until an earlier hole filled */
    uint64_t gaps;          /* streams abandoned at a hole (also dgram_drop[TCP_GAP]) */
    uint64_t evicted;       /* streams evicted by the stream bound */
};

/* Called for each complete message of a stream, in stream order; seg is the segment that
 * completed it (its source is the exporter). */
typedef void (*fdx_tcp_reasm_msg_fn)(void *arg, const struct fdx_capture_pkt *seg,
                                     const uint8_t *msg, size_t len);
/* Called when an IPFIX stream ends (FIN, gap, eviction, new SYN, end of capture). */
typedef void (*fdx_tcp_reasm_end_fn)(void *arg, const struct fdx_addr *src, uint16_t sport);

struct fdx_tcp_reasm *fdx_tcp_reasm_new(unsigned max_streams);
void fdx_tcp_reasm_free(struct fdx_tcp_reasm *r);

/* Feeds one TCP segment (seg->l4 == FDX_CAPTURE_IPPROTO_TCP). Drops are counted in c. */
void fdx_tcp_reasm_feed(struct fdx_tcp_reasm *r, struct fdx_counters *c,
                        const struct fdx_capture_pkt *seg, fdx_tcp_reasm_msg_fn msg,
                        fdx_tcp_reasm_end_fn end, void *arg);

/* End of the capture: every open IPFIX stream ends; held segments behind a hole count
 * tcp_gap, a message cut short tcp_partial. */
void fdx_tcp_reasm_finish(struct fdx_tcp_reasm *r, struct fdx_counters *c,
                          fdx_tcp_reasm_end_fn end, void *arg);

const struct fdx_tcp_reasm_stats *fdx_tcp_reasm_stats(const struct fdx_tcp_reasm *r);

#endif
