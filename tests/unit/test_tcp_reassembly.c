/* TCP reassembly of IPFIX streams from captured segments: in order, out of order, across
 * the sequence wrap, retransmitted and overlapping segments, a lost segment (tcp_gap), a
 * stream cut inside a message (tcp_partial), non-IPFIX streams ignored, the stream bound. */
#include <stdlib.h>

#include "check.h"
#include "tcp_reassembly.h"

#define NMSG 5
static const size_t msg_len[NMSG] = {16, 100, 300, 40, 1000};
static uint8_t stream[2048];
static size_t stream_len;

/* What the callbacks saw. */
static uint8_t got[2048];
static size_t got_len;
static unsigned got_msgs, got_ends;
static bool msgs_ok;

static void build_stream(void)
{
    stream_len = 0;
    for (unsigned i = 0; i < NMSG; i++) {
        uint8_t *m = stream + stream_len;
        m[0] = 0;
        m[1] = 10;
        m[2] = (uint8_t)(msg_len[i] >> 8);
        m[3] = (uint8_t)msg_len[i];
        for (size_t k = 4; k < msg_len[i]; k++) {
            m[k] = (uint8_t)(i * 31 + k);
        }
        stream_len += msg_len[i];
    }
}

static void on_msg(void *arg, const struct fdx_capture_pkt *seg, const uint8_t *msg,
                   size_t len)
{
    (void)arg;
    msgs_ok = msgs_ok && seg != NULL && seg->sport == 40000 && len == msg_len[got_msgs];
    memcpy(got + got_len, msg, len);
    got_len += len;
    got_msgs++;
}

static void on_end(void *arg, const struct fdx_addr *src, uint16_t sport)
{
    (void)arg;
    (void)src;
    (void)sport;
    got_ends++;
}

static void reset(void)
{
    build_stream();
    got_len = 0;
    got_msgs = 0;
    got_ends = 0;
    msgs_ok = true;
}

static struct fdx_capture_pkt seg_of(uint16_t sport, uint32_t seq, const uint8_t *p,
                                     size_t len)
{
    struct fdx_capture_pkt s;
    memset(&s, 0, sizeof(s));
    uint8_t a[4] = {192, 0, 2, 1}, b[4] = {192, 0, 2, 9};
    fdx_addr_set_v4(&s.src, a);
    fdx_addr_set_v4(&s.dst, b);
    s.sport = sport;
    s.dport = 4739;
    s.l4 = FDX_CAPTURE_IPPROTO_TCP;
    s.tcp_seq = seq;
    s.payload = p;
    s.len = len;
    return s;
}

/* Feeds the stream bytes [off, off + len) as one segment of the connection with isn. */
static void feed_part(struct fdx_tcp_reasm *r, struct fdx_counters *c, uint32_t isn,
                      size_t off, size_t len)
{
    struct fdx_capture_pkt s = seg_of(40000, isn + 1 + (uint32_t)off, stream + off, len);
    fdx_tcp_reasm_feed(r, c, &s, on_msg, on_end, NULL);
}

static void feed_syn(struct fdx_tcp_reasm *r, struct fdx_counters *c, uint32_t isn)
{
    struct fdx_capture_pkt s = seg_of(40000, isn, NULL, 0);
    s.tcp_syn = true;
    fdx_tcp_reasm_feed(r, c, &s, on_msg, on_end, NULL);
}

static void feed_fin(struct fdx_tcp_reasm *r, struct fdx_counters *c, uint32_t isn, size_t off)
{
    struct fdx_capture_pkt s = seg_of(40000, isn + 1 + (uint32_t)off, NULL, 0);
    s.tcp_fin = true;
    fdx_tcp_reasm_feed(r, c, &s, on_msg, on_end, NULL);
}

static uint64_t drops(const struct fdx_counters *c, enum fdx_drop why)
{
    return fdx_counter_get(&c->dgram_drop[why]);
}

static void check_whole_stream(const struct fdx_counters *c)
{
    CHECK_EQ_U64(got_msgs, NMSG);
    CHECK_EQ_U64(got_len, stream_len);
    CHECK_MEM_EQ(got, stream, stream_len);
    CHECK_TRUE(msgs_ok);
    CHECK_EQ_U64(drops(c, FDX_DROP_TCP_GAP), 0);
    CHECK_EQ_U64(drops(c, FDX_DROP_TCP_PARTIAL), 0);
    CHECK_EQ_U64(drops(c, FDX_DROP_TCP_FRAMING), 0);
}

static void test_in_order_across_wrap(void)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    reset();
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(4);
    uint32_t isn = 0xFFFFFF00u; /* the sequence numbers wrap inside the stream */
    feed_syn(r, &c, isn);
    for (size_t off = 0; off < stream_len; off += 97) {
        size_t n = stream_len - off < 97 ? stream_len - off : 97;
        feed_part(r, &c, isn, off, n);
    }
    feed_fin(r, &c, isn, stream_len);
    check_whole_stream(&c);
    CHECK_EQ_U64(got_ends, 1);
    const struct fdx_tcp_reasm_stats *st = fdx_tcp_reasm_stats(r);
    CHECK_EQ_U64(st->ipfix_streams, 1);
    CHECK_EQ_U64(st->out_of_order, 0);
    CHECK_EQ_U64(st->retransmitted, 0);
    fdx_tcp_reasm_free(r);
}

static void test_out_of_order(void)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    reset();
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(4);
    feed_syn(r, &c, 1000);
    /* Segments 3, 2, 1, 0, then the rest: three held until the first fills the hole. */
    feed_part(r, &c, 1000, 600, 200);
    feed_part(r, &c, 1000, 400, 200);
    feed_part(r, &c, 1000, 200, 200);
    CHECK_EQ_U64(got_msgs, 0);
    feed_part(r, &c, 1000, 0, 200);
    feed_part(r, &c, 1000, 800, stream_len - 800);
    check_whole_stream(&c);
    CHECK_EQ_U64(fdx_tcp_reasm_stats(r)->out_of_order, 3);
    fdx_tcp_reasm_finish(r, &c, on_end, NULL);
    CHECK_EQ_U64(got_ends, 1);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_GAP), 0);
    fdx_tcp_reasm_free(r);
}

static void test_retransmission(void)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    reset();
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(4);
    feed_syn(r, &c, 7);
    feed_syn(r, &c, 7);                  /* SYN retransmitted */
    feed_part(r, &c, 7, 0, 300);
    feed_part(r, &c, 7, 0, 300);         /* whole segment again */
    feed_part(r, &c, 7, 250, 300);       /* overlaps 50 bytes, brings 250 new */
    feed_part(r, &c, 7, 100, 100);       /* old bytes only */
    feed_part(r, &c, 7, 550, stream_len - 550);
    feed_fin(r, &c, 7, stream_len);
    check_whole_stream(&c);
    CHECK_EQ_U64(fdx_tcp_reasm_stats(r)->retransmitted, 3);
    fdx_tcp_reasm_free(r);
}

static void test_gap(void)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    reset();
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(4);
    feed_syn(r, &c, 50);
    feed_part(r, &c, 50, 0, 116);   /* messages 0 and 1 */
    feed_part(r, &c, 50, 200, 300); /* bytes 116..199 never arrive */
    fdx_tcp_reasm_finish(r, &c, on_end, NULL);
    CHECK_EQ_U64(got_msgs, 2);
    CHECK_MEM_EQ(got, stream, 116);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_GAP), 1);
    CHECK_EQ_U64(fdx_tcp_reasm_stats(r)->gaps, 1);
    CHECK_EQ_U64(got_ends, 1);
    fdx_tcp_reasm_free(r);
}

static void test_hold_bound(void)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    reset();
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(4);
    feed_syn(r, &c, 50);
    feed_part(r, &c, 50, 0, 16);
    /* More early segments than the hold area takes: the stream is abandoned, counted once,
     * and what follows the hole is ignored. */
    for (unsigned i = 0; i <= FDX_TCP_REASM_HELD_SEGS; i++) {
        feed_part(r, &c, 50, 100 + i, 1);
    }
    feed_part(r, &c, 50, 16, stream_len - 16);
    CHECK_EQ_U64(got_msgs, 1);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_GAP), 1);
    fdx_tcp_reasm_finish(r, &c, on_end, NULL);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_GAP), 1);
    CHECK_EQ_U64(got_ends, 1);
    fdx_tcp_reasm_free(r);
}

static void test_partial_and_other(void)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    reset();
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(4);
    feed_syn(r, &c, 0);
    feed_part(r, &c, 0, 0, 150); /* message 0, 1 and 34 bytes of message 2 */
    feed_fin(r, &c, 0, 150);
    CHECK_EQ_U64(got_msgs, 2);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_PARTIAL), 1);
    /* A BGP-like stream on another port: ignored without a drop. */
    static const uint8_t bgp[19] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 19, 4};
    struct fdx_capture_pkt s = seg_of(179, 5, bgp, sizeof(bgp));
    fdx_tcp_reasm_feed(r, &c, &s, on_msg, on_end, NULL);
    CHECK_EQ_U64(fdx_tcp_reasm_stats(r)->other_streams, 1);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_FRAMING), 0);
    fdx_tcp_reasm_free(r);
}

static void test_stream_bound(void)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    reset();
    struct fdx_tcp_reasm *r = fdx_tcp_reasm_new(2);
    for (uint16_t port = 1; port <= 3; port++) {
        struct fdx_capture_pkt s = seg_of(port, 100, stream, 50); /* inside message 1 */
        fdx_tcp_reasm_feed(r, &c, &s, on_msg, on_end, NULL);
    }
    /* Port 1's stream was evicted with 34 bytes of a message: counted. */
    CHECK_EQ_U64(fdx_tcp_reasm_stats(r)->evicted, 1);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_PARTIAL), 1);
    CHECK_EQ_U64(got_ends, 1);
    fdx_tcp_reasm_finish(r, &c, on_end, NULL);
    CHECK_EQ_U64(drops(&c, FDX_DROP_TCP_PARTIAL), 3);
    CHECK_EQ_U64(got_ends, 3);
    fdx_tcp_reasm_free(r);
}

TEST_LIST{
    {"in_order_across_wrap", test_in_order_across_wrap},
    {"out_of_order", test_out_of_order},
    {"retransmission", test_retransmission},
    {"gap", test_gap},
    {"hold_bound", test_hold_bound},
    {"partial_and_other", test_partial_and_other},
    {"stream_bound", test_stream_bound},
};

CHECK_MAIN()
