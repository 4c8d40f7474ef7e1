/* IPFIX stream framing: messages split across reads at every byte boundary, several
 * messages in one read, a corrupt length (counted tcp_framing, stream failed). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ipfix_stream.h"

struct got {
    unsigned n;
    size_t len[8];
    uint8_t first[8];
};

static void on_msg(void *arg, const uint8_t *msg, size_t len)
{
    struct got *g = arg;
    if (g->n < 8) {
        g->len[g->n] = len;
        g->first[g->n] = msg[len - 1];
    }
    g->n++;
}

/* Two messages of 20 and 24 bytes; the last byte of each tells them apart. */
static size_t two_messages(uint8_t *b)
{
    memset(b, 0, 44);
    b[1] = 10;
    b[3] = 20;
    b[19] = 0xa1;
    b[20 + 1] = 10;
    b[20 + 3] = 24;
    b[43] = 0xb2;
    return 44;
}

static void test_split_every_boundary(void)
{
    uint8_t b[44];
    size_t n = two_messages(b);
    for (size_t cut = 0; cut <= n; cut++) {
        for (size_t cut2 = cut; cut2 <= n; cut2++) {
            struct fdx_ipfix_stream *s = malloc(sizeof(*s));
            struct fdx_counters c;
            memset(&c, 0, sizeof(c));
            struct got g = {0};
            fdx_ipfix_stream_init(s);
            CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, b, cut, on_msg, &g), 0);
            CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, b + cut, cut2 - cut, on_msg, &g), 0);
            CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, b + cut2, n - cut2, on_msg, &g), 0);
            CHECK_EQ_U64(g.n, 2);
            CHECK_EQ_U64(g.len[0], 20);
            CHECK_EQ_U64(g.len[1], 24);
            CHECK_EQ_U64(g.first[0], 0xa1);
            CHECK_EQ_U64(g.first[1], 0xb2);
            CHECK_EQ_U64(fdx_ipfix_stream_pending(s), 0);
            CHECK_EQ_U64(fdx_counter_get(&c.dgram_drop[FDX_DROP_TCP_FRAMING]), 0);
            free(s);
        }
    }
}

static void test_byte_by_byte(void)
{
    uint8_t b[44];
    size_t n = two_messages(b);
    struct fdx_ipfix_stream *s = malloc(sizeof(*s));
    struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    struct got g = {0};
    fdx_ipfix_stream_init(s);
    for (size_t i = 0; i < n; i++) {
        CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, b + i, 1, on_msg, &g), 0);
        CHECK_EQ_U64(g.n, i >= 43 ? 2 : i >= 19 ? 1 : 0);
    }
    free(s);
}

static void test_corrupt_length(void)
{
    uint8_t b[44];
    two_messages(b);
    b[20 + 3] = 8; /* second message claims 8 bytes: below the header size */
    struct fdx_ipfix_stream *s = malloc(sizeof(*s));
    struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    struct got g = {0};
    fdx_ipfix_stream_init(s);
    CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, b, 30, on_msg, &g), -EPROTO);
    CHECK_EQ_U64(g.n, 1);
    CHECK_EQ_U64(fdx_counter_get(&c.dgram_drop[FDX_DROP_TCP_FRAMING]), 1);
    /* Failed for good: later bytes are refused without a second count. */
    CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, b + 30, 14, on_msg, &g), -EPROTO);
    CHECK_EQ_U64(fdx_counter_get(&c.dgram_drop[FDX_DROP_TCP_FRAMING]), 1);
    /* A wrong version split across reads is caught too. */
    fdx_ipfix_stream_init(s);
    uint8_t bad[4] = {0, 9, 0, 20};
    CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, bad, 1, on_msg, &g), 0);
    CHECK_EQ_I64(fdx_ipfix_stream_feed(s, &c, bad + 1, 3, on_msg, &g), -EPROTO);
    CHECK_EQ_U64(fdx_counter_get(&c.dgram_drop[FDX_DROP_TCP_FRAMING]), 2);
    free(s);
}

TEST_LIST{
    {"split_every_boundary", test_split_every_boundary},
    {"byte_by_byte", test_byte_by_byte},
    {"corrupt_length", test_corrupt_length},
};
CHECK_MAIN()
