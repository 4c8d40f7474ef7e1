/* NetFlow v5 decoder: every field of a built record, sysUptime-relative times (wrap, switch
 * time after export), sampling, sequence gaps, and every way a datagram can be refused. */
#include <string.h>

#include "check.h"
#include "decode_harness.h"
#include "exporter.h"
#include "netflow_v5.h"
#include "pktgen.h"

#define RECV_MS INT64_C(1700000001000)
#define EXPORT_MS INT64_C(1700000000250) /* the default header: 1700000000 s + 250000000 ns */

static struct fdx_pktgen pkt;

static uint64_t dgram_drops(const struct fdx_harness *h, enum fdx_drop why)
{
    return fdx_counter_get(&h->counters.dgram_drop[why]);
}

static void build(const struct fdx_pktgen_nf5_hdr *hdr, const struct fdx_pktgen_nf5_rec *r,
                  unsigned n)
{
    fdx_pktgen_init(&pkt);
    fdx_pktgen_nf5(&pkt, hdr, r, n);
}

static void test_every_field(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 8), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 2);
    struct fdx_pktgen_nf5_rec r[2];
    fdx_pktgen_nf5_rec_default(&r[0]);
    fdx_pktgen_nf5_rec_default(&r[1]);
    r[1].src = FDX_PKTGEN_V4(198, 51, 100, 9);
    r[1].ip_proto = 17;
    r[1].src_port = 53;
    build(&hdr, r, 2);
    CHECK_EQ_U64(pkt.len, NF5_HDR_LEN + 2 * NF5_REC_LEN);

    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 2);
    CHECK_EQ_U64(h.batch->n, 2);
    const struct fdx_flow *f = &h.batch->slot[0].flow;
    char a[FDX_ADDR_STRLEN];
    fdx_addr_format(&f->src, a);
    CHECK_EQ_STR(a, "10.0.0.1");
    fdx_addr_format(&f->dst, a);
    CHECK_EQ_STR(a, "192.0.2.7");
    fdx_addr_format(&f->next_hop, a);
    CHECK_EQ_STR(a, "10.0.0.254");
    fdx_addr_format(&f->exporter, a);
    CHECK_EQ_STR(a, "192.0.2.1");
    CHECK_EQ_U64(f->exporter_port, 40000);
    CHECK_EQ_U64(f->in_if, 3);
    CHECK_EQ_U64(f->out_if, 4);
    CHECK_EQ_U64(f->packets, 10);
    CHECK_EQ_U64(f->raw_packets, 10);
    CHECK_EQ_U64(f->bytes, 1500);
    CHECK_EQ_U64(f->raw_bytes, 1500);
    CHECK_EQ_I64(f->export_ms, EXPORT_MS);
    CHECK_EQ_I64(f->recv_ms, RECV_MS);
    CHECK_EQ_I64(f->start_ms, EXPORT_MS - 10000); /* uptime 3600000, first 3590000 */
    CHECK_EQ_I64(f->end_ms, EXPORT_MS - 1000);    /* last 3599000 */
    CHECK_EQ_U64(f->src_port, 1234);
    CHECK_EQ_U64(f->dst_port, 443);
    CHECK_EQ_U64(f->tcp_flags, 0x1b);
    CHECK_EQ_U64(f->ip_proto, 6);
    CHECK_EQ_U64(f->tos, 0x28);
    CHECK_EQ_U64(f->src_as, 64500);
    CHECK_EQ_U64(f->dst_as, 64501);
    CHECK_EQ_U64(f->src_mask, 24);
    CHECK_EQ_U64(f->dst_mask, 16);
    CHECK_EQ_U64(f->engine_type, 1);
    CHECK_EQ_U64(f->engine_id, 2);
    CHECK_EQ_U64(f->domain_id, 1 << 8 | 2);
    CHECK_EQ_U64(f->export_seq, 1000);
    CHECK_EQ_U64(f->ip_version, 4);
    CHECK_EQ_U64(f->proto, FDX_PROTO_NF5);
    CHECK_EQ_U64(f->kind, FDX_KIND_FLOW);
    CHECK_EQ_U64(f->rec_index, 0);
    CHECK_EQ_U64(f->sampling_rate, 0);
    uint64_t want = FDX_BIT(FDX_F_SRC_ADDR) | FDX_BIT(FDX_F_DST_ADDR) | FDX_BIT(FDX_F_NEXT_HOP) |
                    FDX_BIT(FDX_F_IN_IF) | FDX_BIT(FDX_F_OUT_IF) | FDX_BIT(FDX_F_PACKETS) |
                    FDX_BIT(FDX_F_BYTES) | FDX_BIT(FDX_F_START) | FDX_BIT(FDX_F_END) |
                    FDX_BIT(FDX_F_SRC_PORT) | FDX_BIT(FDX_F_DST_PORT) |
                    FDX_BIT(FDX_F_TCP_FLAGS) | FDX_BIT(FDX_F_IP_PROTO) | FDX_BIT(FDX_F_TOS) |
                    FDX_BIT(FDX_F_SRC_AS) | FDX_BIT(FDX_F_DST_AS) | FDX_BIT(FDX_F_SRC_MASK) |
                    FDX_BIT(FDX_F_DST_MASK) | FDX_BIT(FDX_F_ENGINE) | FDX_BIT(FDX_F_IP_VERSION);
    CHECK_EQ_U64(f->present, want);
    CHECK_EQ_U64(h.batch->slot[0].extra.n, 0);

    const struct fdx_flow *g = &h.batch->slot[1].flow;
    fdx_addr_format(&g->src, a);
    CHECK_EQ_STR(a, "198.51.100.9");
    CHECK_EQ_U64(g->ip_proto, 17);
    CHECK_EQ_U64(g->src_port, 53);
    CHECK_EQ_U64(g->rec_index, 1);
    CHECK_EQ_U64(fdx_counter_get(&h.counters.datagrams[FDX_PROTO_NF5]), 1);
    CHECK_EQ_U64(fdx_counter_get(&h.counters.records[FDX_PROTO_NF5]), 2);
    CHECK_EQ_U64(fdx_harness_drops(&h), 0);
    fdx_harness_fini(&h);
}

static void test_icmp_type_code(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 8), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 1);
    struct fdx_pktgen_nf5_rec r;
    fdx_pktgen_nf5_rec_default(&r);
    r.ip_proto = 1;
    r.src_port = 0;
    r.dst_port = 3 << 8 | 13; /* destination unreachable, administratively prohibited */
    build(&hdr, &r, 1);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 1);
    const struct fdx_flow *f = &h.batch->slot[0].flow;
    CHECK_TRUE(fdx_flow_has(f, FDX_F_ICMP));
    CHECK_EQ_U64(f->icmp_type, 3);
    CHECK_EQ_U64(f->icmp_code, 13);
    CHECK_EQ_U64(f->dst_port, 3 << 8 | 13); /* the wire value stays as sent */
    fdx_harness_fini(&h);
}

/* sysUptime wrapped (~49.7 days) between the first packet and the export; and a switch time
 * a little after the export's sysUptime (exporter clock skew) stays in the near future. */
static void test_uptime_wrap_and_skew(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 8), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 2);
    hdr.uptime_ms = 5000;
    struct fdx_pktgen_nf5_rec r[2];
    fdx_pktgen_nf5_rec_default(&r[0]);
    r[0].first_ms = 0xfffff000u; /* 4096 ms before the wrap */
    r[0].last_ms = 4000;         /* after the wrap */
    fdx_pktgen_nf5_rec_default(&r[1]);
    r[1].first_ms = 4990;
    r[1].last_ms = 5050; /* 50 ms after the header's sysUptime */
    build(&hdr, r, 2);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 2);
    CHECK_EQ_I64(h.batch->slot[0].flow.start_ms, EXPORT_MS - 5000 - 4096);
    CHECK_EQ_I64(h.batch->slot[0].flow.end_ms, EXPORT_MS - 1000);
    CHECK_EQ_I64(h.batch->slot[1].flow.start_ms, EXPORT_MS - 10);
    CHECK_EQ_I64(h.batch->slot[1].flow.end_ms, EXPORT_MS + 50);
    fdx_harness_fini(&h);
}

static void test_sampling(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 8), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 1);
    hdr.sampling = 1u << 14 | 100; /* mode 1 (deterministic), 1 in 100 */
    struct fdx_pktgen_nf5_rec r;
    fdx_pktgen_nf5_rec_default(&r);
    r.packets = 3;
    r.bytes = 180;
    build(&hdr, &r, 1);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 1);
    const struct fdx_flow *f = &h.batch->slot[0].flow;
    CHECK_TRUE(fdx_flow_has(f, FDX_F_SAMPLING));
    CHECK_EQ_U64(f->sampling_rate, 100);
    CHECK_EQ_U64(f->packets, 300);
    CHECK_EQ_U64(f->bytes, 18000);
    CHECK_EQ_U64(f->raw_packets, 3);
    CHECK_EQ_U64(f->raw_bytes, 180);

    /* Renormalisation off: the rate is kept, the counters stay as sent. */
    h.cfg.renormalize = false;
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 1);
    CHECK_EQ_U64(f->sampling_rate, 100);
    CHECK_EQ_U64(f->packets, 3);
    CHECK_EQ_U64(f->bytes, 180);
    h.cfg.renormalize = true;

    /* Mode bits with interval 0: no sampling information. */
    hdr.sampling = 1u << 14;
    build(&hdr, &r, 1);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.99", RECV_MS), 1);
    CHECK_TRUE(!fdx_flow_has(f, FDX_F_SAMPLING));
    CHECK_EQ_U64(f->bytes, 180);

    /* 1 in 1: unsampled, nothing multiplied. */
    hdr.sampling = 1;
    build(&hdr, &r, 1);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.99", RECV_MS), 1);
    CHECK_EQ_U64(f->sampling_rate, 1);
    CHECK_EQ_U64(f->bytes, 180);
    fdx_harness_fini(&h);
}

/* v5 sequence numbers count flows: seq(next) = seq + count. */
static void test_sequence_gap(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 32), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    struct fdx_pktgen_nf5_rec r[3];
    for (int i = 0; i < 3; i++) {
        fdx_pktgen_nf5_rec_default(&r[i]);
    }
    static const struct {
        uint32_t seq;
        uint16_t count;
        const char *exporter;
        uint64_t lost_after;
    } steps[] = {
        {100, 2, "192.0.2.1", 0},  /* first datagram: nothing to compare with */
        {102, 1, "192.0.2.1", 0},  /* contiguous */
        {106, 3, "192.0.2.1", 3},  /* 103, 104, 105 lost */
        {7, 1, "192.0.2.2", 3},    /* another exporter has its own sequence */
        {109, 1, "192.0.2.1", 3},  /* contiguous again */
        {8, 2, "192.0.2.2", 3},    /* contiguous on the second exporter */
        {111, 1, "192.0.2.1", 4},  /* 110 lost */
    };
    for (size_t i = 0; i < FDX_ARRAY_LEN(steps); i++) {
        fdx_pktgen_nf5_hdr_default(&hdr, steps[i].count);
        hdr.sequence = steps[i].seq;
        build(&hdr, r, steps[i].count);
        CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, steps[i].exporter, RECV_MS),
                     steps[i].count);
        CHECK_EQ_U64(fdx_counter_get(&h.counters.seq_lost), steps[i].lost_after);
    }
    CHECK_EQ_U64(fdx_harness_drops(&h), 0);
    fdx_harness_fini(&h);
}

/* Every truncation of a valid datagram is refused whole, counted once, with the right
 * reason, and emits no record. */
static void test_truncation_property(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 32), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 3);
    struct fdx_pktgen_nf5_rec r[3];
    for (int i = 0; i < 3; i++) {
        fdx_pktgen_nf5_rec_default(&r[i]);
    }
    build(&hdr, r, 3);
    for (size_t len = 0; len < pkt.len; len++) {
        fdx_harness_reset_counters(&h);
        enum fdx_drop want = len < 4 ? FDX_DROP_UNKNOWN_PROTOCOL
                             : len < NF5_HDR_LEN ? FDX_DROP_TRUNCATED
                                                 : FDX_DROP_NF5_COUNT_MISMATCH;
        size_t n = fdx_harness_feed(&h, pkt.buf, len, "192.0.2.1", RECV_MS);
        if (n != 0 || h.batch->n != 0 || dgram_drops(&h, want) != 1 ||
            fdx_harness_drops(&h) != 1) {
            fprintf(stderr, "truncated at %zu: %zu records, drop %s = %" PRIu64
                            ", all drops %" PRIu64 "\n",
                    len, n, fdx_drop_label[want], dgram_drops(&h, want),
                    fdx_harness_drops(&h));
            check_failures_++;
        }
    }
    /* The decoder on its own (no dispatcher): short headers are "truncated". */
    for (size_t len = 0; len < NF5_HDR_LEN; len++) {
        fdx_harness_reset_counters(&h);
        struct fdx_datagram dg = {.data = pkt.buf, .len = len};
        CHECK_EQ_U64(fdx_nf5_decode(&h.ctx, &dg), 0);
        CHECK_EQ_U64(dgram_drops(&h, FDX_DROP_TRUNCATED), 1);
        CHECK_EQ_U64(fdx_harness_drops(&h), 1);
    }
    fdx_harness_fini(&h);
}

static void expect_refused(struct fdx_harness *h, enum fdx_drop why)
{
    fdx_harness_reset_counters(h);
    CHECK_EQ_U64(fdx_harness_feed(h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 0);
    CHECK_EQ_U64(h->batch->n, 0);
    CHECK_EQ_U64(dgram_drops(h, why), 1);
    CHECK_EQ_U64(fdx_harness_drops(h), 1);
}

static void test_bad_counts_and_version(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 64), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    static struct fdx_pktgen_nf5_rec r[31];
    for (int i = 0; i < 31; i++) {
        fdx_pktgen_nf5_rec_default(&r[i]);
    }
    fdx_pktgen_nf5_hdr_default(&hdr, 0); /* count 0, no records */
    build(&hdr, r, 0);
    expect_refused(&h, FDX_DROP_NF5_BAD_COUNT);
    fdx_pktgen_nf5_hdr_default(&hdr, 0); /* count 0 with a record behind it */
    build(&hdr, r, 1);
    expect_refused(&h, FDX_DROP_NF5_BAD_COUNT);
    fdx_pktgen_nf5_hdr_default(&hdr, 31); /* above 30, even with 31 records present */
    build(&hdr, r, 31);
    expect_refused(&h, FDX_DROP_NF5_BAD_COUNT);
    fdx_pktgen_nf5_hdr_default(&hdr, 55582); /* the corpus' corrupt header */
    build(&hdr, r, 30);
    expect_refused(&h, FDX_DROP_NF5_BAD_COUNT);
    fdx_pktgen_nf5_hdr_default(&hdr, 3); /* count says 3, 2 records sent */
    build(&hdr, r, 2);
    expect_refused(&h, FDX_DROP_NF5_COUNT_MISMATCH);

    /* Version 6 never reaches the v5 decoder through the dispatcher … */
    fdx_pktgen_nf5_hdr_default(&hdr, 1);
    hdr.version = 6;
    build(&hdr, r, 1);
    expect_refused(&h, FDX_DROP_UNKNOWN_PROTOCOL);
    /* … and the decoder itself refuses it. */
    fdx_harness_reset_counters(&h);
    struct fdx_datagram dg = {.data = pkt.buf, .len = pkt.len};
    CHECK_EQ_U64(fdx_nf5_decode(&h.ctx, &dg), 0);
    CHECK_EQ_U64(dgram_drops(&h, FDX_DROP_BAD_VERSION), 1);
    CHECK_EQ_U64(fdx_harness_drops(&h), 1);

    /* 30 records: the maximum is accepted. */
    fdx_pktgen_nf5_hdr_default(&hdr, 30);
    build(&hdr, r, 30);
    fdx_harness_reset_counters(&h);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 30);
    CHECK_EQ_U64(fdx_harness_drops(&h), 0);
    fdx_harness_fini(&h);
}

/* Bytes after the last record (some exporters pad the datagram) are tolerated. */
static void test_trailing_padding(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 8), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 1);
    struct fdx_pktgen_nf5_rec r[2];
    fdx_pktgen_nf5_rec_default(&r[0]);
    fdx_pktgen_nf5_rec_default(&r[1]);
    build(&hdr, r, 1);
    fdx_pktgen_zeros(&pkt, 20);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 1);
    /* A whole extra record beyond count is padding too: count rules. */
    build(&hdr, r, 2);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 1);
    CHECK_EQ_U64(fdx_harness_drops(&h), 0);
    fdx_harness_fini(&h);
}

/* No free batch: the records that do not fit are counted, the rest are kept. */
static void test_no_batch(void)
{
    struct fdx_harness h;
    CHECK_EQ_I64(fdx_harness_init(&h, 2), 0);
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 5);
    struct fdx_pktgen_nf5_rec r[5];
    for (int i = 0; i < 5; i++) {
        fdx_pktgen_nf5_rec_default(&r[i]);
    }
    build(&hdr, r, 5);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 2);
    CHECK_EQ_U64(fdx_counter_get(&h.counters.record_drop[FDX_DROP_NO_BATCH]), 3);
    CHECK_EQ_U64(fdx_harness_drops(&h), 3);
    fdx_harness_fini(&h);
}

TEST_LIST{
    {"every_field", test_every_field},
    {"icmp_type_code", test_icmp_type_code},
    {"uptime_wrap_and_skew", test_uptime_wrap_and_skew},
    {"sampling", test_sampling},
    {"sequence_gap", test_sequence_gap},
    {"truncation_property", test_truncation_property},
    {"bad_counts_and_version", test_bad_counts_and_version},
    {"trailing_padding", test_trailing_padding},
    {"no_batch", test_no_batch},
};

CHECK_MAIN()
