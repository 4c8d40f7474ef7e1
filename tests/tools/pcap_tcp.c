/* TCP segments of a capture and in-order reassembly of IPFIX-over-TCP streams. */
#include "pcap_tcp.h"

#include <string.h>

#include "capture.h"

bool fdx_pcap_tcp(int dlt, const uint8_t *frame, size_t caplen, struct fdx_tcp_seg *out)
{
    struct fdx_capture_pkt pkt;
    memset(out, 0, sizeof(*out));
    if (fdx_capture_parse(dlt, frame, caplen, &pkt) != FDX_CAPTURE_OK ||
        pkt.l4 != FDX_CAPTURE_IPPROTO_TCP) {
        return false;
    }
    out->payload = pkt.payload;
    out->len = pkt.len;
    out->src = pkt.src;
    out->dst = pkt.dst;
    out->sport = pkt.sport;
    out->dport = pkt.dport;
    out->seq = pkt.tcp_seq;
    out->syn = pkt.tcp_syn;
    out->fin = pkt.tcp_fin;
    return true;
}

/* The stream framing's callback carries no segment: this passes it along. */
struct trampoline {
    void (*fn)(void *, const struct fdx_tcp_seg *, const uint8_t *, size_t);
    void *arg;
    const struct fdx_tcp_seg *seg;
};

static void deliver(void *t, const uint8_t *msg, size_t len)
{
    struct trampoline *tr = t;
    tr->fn(tr->arg, tr->seg, msg, len);
}

void fdx_tcp_streams_feed(struct fdx_tcp_streams *ts, struct fdx_counters *c,
                          const struct fdx_tcp_seg *seg,
                          void (*fn)(void *arg, const struct fdx_tcp_seg *seg,
                                     const uint8_t *msg, size_t len),
                          void *arg)
{
    int slot = -1, free_slot = -1;
    for (int i = 0; i < FDX_TCP_STREAMS; i++) {
        if (!ts->c[i].used) {
            free_slot = free_slot < 0 ? i : free_slot;
        } else if (ts->c[i].sport == seg->sport && ts->c[i].dport == seg->dport &&
                   fdx_addr_eq(&ts->c[i].src, &seg->src) &&
                   fdx_addr_eq(&ts->c[i].dst, &seg->dst)) {
            slot = i;
        }
    }
    if (slot < 0) {
        if (free_slot < 0 || (seg->len == 0 && !seg->syn)) {
            return;
        }
        slot = free_slot;
        ts->c[slot].used = true;
        ts->c[slot].src = seg->src;
        ts->c[slot].dst = seg->dst;
        ts->c[slot].sport = seg->sport;
        ts->c[slot].dport = seg->dport;
        ts->c[slot].next_seq = seg->syn ? seg->seq + 1 : seg->seq;
        fdx_ipfix_stream_init(&ts->c[slot].s);
    }
    const uint8_t *p = seg->payload;
    size_t len = seg->len;
    uint32_t skip = ts->c[slot].next_seq - seg->seq; /* bytes already seen (retransmission) */
    if (skip >= 0x80000000u) {
        /* A gap: a segment is missing; the framing cannot resynchronise. */
        ts->c[slot].s.failed = true;
        return;
    }
    if (skip >= len) {
        return;
    }
    p += skip;
    len -= skip;
    ts->c[slot].next_seq += (uint32_t)len;
    struct trampoline t = {fn, arg, seg};
    fdx_ipfix_stream_feed(&ts->c[slot].s, c, p, len, deliver, &t);
}
