/* libFuzzer target: TCP reassembly of an IPFIX stream. A known stream of IPFIX messages is
 * cut into segments, which the input reorders, duplicates, overlaps or loses. Every message
 * handed over must be the next message of the stream, byte for byte; when no segment was
 * lost and no stream was abandoned (tcp_gap), every message must arrive. Input: pairs of
 * bytes (segment length, what to do with the segment). */
#include <stdlib.h>
#include <string.h>

#include "tcp_reassembly.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STREAM_MAX 8192
#define SEGS_MAX 512

static uint8_t stream[STREAM_MAX];
static size_t stream_len, delivered;

static void build(void)
{
    static const size_t lens[] = {16, 100, 300, 40, 1000, 17, 200};
    stream_len = 0;
    for (unsigned r = 0; r < 3; r++) {
        for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
            uint8_t *m = stream + stream_len;
            m[0] = 0;
            m[1] = 10;
            m[2] = (uint8_t)(lens[i] >> 8);
            m[3] = (uint8_t)lens[i];
            for (size_t k = 4; k < lens[i]; k++) {
                m[k] = (uint8_t)(r * 7 + i * 31 + k);
            }
            stream_len += lens[i];
        }
    }
}

static void on_msg(void *arg, const struct fdx_capture_pkt *seg, const uint8_t *msg,
                   size_t len)
{
    (void)arg;
    (void)seg;
    if (len < 16 || delivered + len > stream_len || memcmp(msg, stream + delivered, len) != 0) {
        abort();
    }
    delivered += len;
}

struct seg {
    uint32_t off, len;
};

static void feed(struct fdx_tcp_reasm *r, struct fdx_counters *c, uint32_t isn, struct seg s)
{
    struct fdx_capture_pkt p;
    memset(&p, 0, sizeof(p));
    p.l4 = FDX_CAPTURE_IPPROTO_TCP;
    p.sport = 40000;
    p.dport = 4739;
    p.tcp_seq = isn + 1 + s.off;
    p.payload = stream + s.off;
    p.len = s.len;
    fdx_tcp_reasm_feed(r, c, &p, on_msg, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct seg segs[SEGS_MAX];
    static struct fdx_counters c;
    if (stream_len == 0) {
        build();
    }
    memset(&c, 0, sizeof(c));
    delivered = 0;
    /* Cut the stream: lengths 1..256 from the input, the rest in one segment. */
    unsigned n = 0;
    size_t off = 0, i = 0;
    while (off < stream_len && n < SEGS_MAX - 1) {
        size_t len = i < size ? (size_t)data[i] + 1 : stream_len - off;
        len = len > stream_len - off ? stream_len - off : len;
        segs[n++] = (struct seg){(uint32_t)off, (uint32_t)len};
        off += len;
        i += 2;
    }
    if (off < stream_len) {
        segs[n++] = (struct seg){(uint32_t)off, (uint32_t)(stream_len - off)};
    }
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(4);
    if (r == NULL) {
        return 0;
    }
    uint32_t isn = size > 0 ? (uint32_t)data[0] * 0x01010101u : 0; /* wraps for some inputs */
    struct fdx_capture_pkt syn;
    memset(&syn, 0, sizeof(syn));
    syn.l4 = FDX_CAPTURE_IPPROTO_TCP;
    syn.sport = 40000;
    syn.dport = 4739;
    syn.tcp_seq = isn;
    syn.tcp_syn = true;
    fdx_tcp_reasm_feed(r, &c, &syn, on_msg, NULL, NULL);
    bool lost = false;
    for (unsigned k = 0; k < n; k++) {
        uint8_t op = 2 * (size_t)k + 1 < size ? data[2 * k + 1] : 0;
        switch (op & 7) {
        case 1: /* swapped with the next segment */
            if (k + 1 < n) {
                feed(r, &c, isn, segs[k + 1]);
                feed(r, &c, isn, segs[k]);
                k++;
                continue;
            }
            break;
        case 2: /* sent twice */
            feed(r, &c, isn, segs[k]);
            break;
        case 3: /* preceded by a segment overlapping the previous one */
            if (k > 0) {
                uint32_t back = segs[k - 1].len / 2;
                feed(r, &c, isn, (struct seg){segs[k].off - back, back + segs[k].len / 2});
            }
            break;
        case 4: /* lost */
            if ((op & 0xf8) == 0xf8) {
                lost = true;
                continue;
            }
            break;
        default:
            break;
        }
        feed(r, &c, isn, segs[k]);
    }
    fdx_tcp_reasm_finish(r, &c, NULL, NULL);
    bool gap = fdx_counter_get(&c.dgram_drop[FDX_DROP_TCP_GAP]) > 0;
    if (!lost && !gap && delivered != stream_len) {
        abort();
    }
    if (fdx_counter_get(&c.dgram_drop[FDX_DROP_TCP_FRAMING]) != 0) {
        abort(); /* reassembly never hands the framing a wrong byte */
    }
    fdx_tcp_reasm_free(r);
    return 0;
}
