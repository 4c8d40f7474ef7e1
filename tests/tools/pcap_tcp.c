/* TCP segments of a capture and in-order reassembly of IPFIX-over-TCP streams. */
#include "pcap_tcp.h"

#include <pcap/pcap.h>
#include <string.h>

#include "reader.h"

static bool walk_tcp(struct fdx_rd *r, struct fdx_tcp_seg *out)
{
    out->sport = fdx_rd_u16(r);
    out->dport = fdx_rd_u16(r);
    out->seq = fdx_rd_u32(r);
    fdx_rd_skip(r, 4); /* ack */
    uint8_t off = fdx_rd_u8(r);
    uint8_t flags = fdx_rd_u8(r);
    size_t hlen = (size_t)(off >> 4) * 4;
    if (r->err || hlen < 20) {
        return false;
    }
    fdx_rd_skip(r, hlen - 14);
    if (r->err) {
        return false;
    }
    out->syn = (flags & 0x02) != 0;
    out->fin = (flags & 0x01) != 0;
    out->payload = r->p;
    out->len = fdx_rd_left(r);
    return true;
}

static bool walk_ip(struct fdx_rd *r, struct fdx_tcp_seg *out)
{
    if (fdx_rd_left(r) < 1) {
        return false;
    }
    if ((r->p[0] >> 4) == 4) {
        uint8_t vihl = fdx_rd_u8(r);
        fdx_rd_skip(r, 1);
        uint16_t total = fdx_rd_u16(r);
        fdx_rd_skip(r, 5);
        uint8_t proto = fdx_rd_u8(r);
        fdx_rd_skip(r, 2);
        uint8_t a[4];
        fdx_rd_bytes(r, a, 4);
        fdx_addr_set_v4(&out->src, a);
        fdx_rd_bytes(r, a, 4);
        fdx_addr_set_v4(&out->dst, a);
        size_t ihl = (size_t)(vihl & 15) * 4;
        if (r->err || proto != 6 || ihl < 20 || total < ihl) {
            return false;
        }
        fdx_rd_skip(r, ihl - 20);
        struct fdx_rd body = fdx_rd_sub(r, total - ihl);
        return body.err == 0 && walk_tcp(&body, out);
    }
    if ((r->p[0] >> 4) == 6) {
        fdx_rd_skip(r, 4);
        uint16_t plen = fdx_rd_u16(r);
        uint8_t next = fdx_rd_u8(r);
        fdx_rd_skip(r, 1);
        uint8_t a[16];
        fdx_rd_bytes(r, a, 16);
        fdx_addr_set_v6(&out->src, a);
        fdx_rd_bytes(r, a, 16);
        fdx_addr_set_v6(&out->dst, a);
        struct fdx_rd body = fdx_rd_sub(r, plen);
        return body.err == 0 && next == 6 && walk_tcp(&body, out);
    }
    return false;
}

bool fdx_pcap_tcp(int dlt, const uint8_t *frame, size_t caplen, struct fdx_tcp_seg *out)
{
    struct fdx_rd r;
    fdx_rd_init(&r, frame, caplen);
    memset(out, 0, sizeof(*out));
    uint16_t type;
    switch (dlt) {
    case DLT_EN10MB:
        fdx_rd_skip(&r, 12);
        type = fdx_rd_u16(&r);
        break;
    case DLT_LINUX_SLL:
        fdx_rd_skip(&r, 14);
        type = fdx_rd_u16(&r);
        break;
    case DLT_RAW:
        return walk_ip(&r, out);
    default:
        return false;
    }
    for (int i = 0; i < 2 && type == 0x8100; i++) {
        fdx_rd_skip(&r, 2);
        type = fdx_rd_u16(&r);
    }
    if (r.err || (type != 0x0800 && type != 0x86dd)) {
        return false;
    }
    return walk_ip(&r, out);
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
