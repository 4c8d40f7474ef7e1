/* sFlow v5 decoder: every flow and counter record format, expanded samples, interface
 * formats, IPv6 agent, unknown formats, malformed and truncated samples, limits, sequence. */
#include <stdlib.h>

#include "check.h"
#include "exporter.h"
#include "sflow_flow_records.h"
#include "sflow_gen.h"
#include "sflow_v5.h"

struct env {
    struct fdx_decode_cfg cfg;
    struct fdx_counters *c;
    struct fdx_batch *b;
    struct fdx_decode_ctx ctx;
};

static struct fdx_batch *no_swap(void *owner, struct fdx_batch *full)
{
    (void)owner;
    (void)full;
    return NULL;
}

static void env_init(struct env *e)
{
    fdx_decode_cfg_defaults(&e->cfg);
    e->c = calloc(1, sizeof(*e->c));
    e->b = fdx_batch_new(1024);
    fdx_decode_ctx_init(&e->ctx, &e->cfg, e->c);
    e->ctx.sink = (struct fdx_sink){.batch = e->b, .swap = no_swap, .owner = NULL};
}

static void env_fini(struct env *e)
{
    fdx_decode_ctx_fini(&e->ctx);
    fdx_batch_free(e->b);
    free(e->c);
}

static size_t decode(struct env *e, const uint8_t *p, size_t n)
{
    struct fdx_datagram dg = {.data = p, .len = n, .exporter_port = 40000, .recv_ms = 1000};
    fdx_addr_set_v4_u32(&dg.exporter, 0xc0000201);
    e->ctx.rec_index = 0;
    return fdx_sflow_decode(&e->ctx, &dg);
}

static uint64_t rdrop(const struct env *e, enum fdx_drop d)
{
    return fdx_counter_get(&e->c->record_drop[d]);
}

static uint64_t ddrop(const struct env *e, enum fdx_drop d)
{
    return fdx_counter_get(&e->c->dgram_drop[d]);
}

static const struct fdx_extra_ie *find_extra(const struct fdx_slot *s, uint32_t pen, uint16_t id)
{
    for (unsigned i = 0; i < s->extra.n; i++) {
        if (s->extra.ie[i].pen == pen && s->extra.ie[i].id == id) {
            return &s->extra.ie[i];
        }
    }
    return NULL;
}

static uint32_t extra_u32(const struct fdx_slot *s, uint32_t pen, uint16_t id, unsigned idx)
{
    const struct fdx_extra_ie *ie = find_extra(s, pen, id);
    if (ie == NULL || ie->len < 4 * (idx + 1)) {
        return 0xdeadbeef;
    }
    const uint8_t *p = s->extra.data + ie->off + 4 * idx;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};

/* A raw-header record: Ethernet + 802.1Q 42 + IPv4 + TCP, frame length 1000. */
static void rec_raw_header(struct sg *g)
{
    struct sg h;
    sg_init(&h);
    sg_eth(&h, MAC_A, MAC_B);
    sg_vlan(&h, 0x8100, 0, 42);
    sg_u16(&h, 0x0800);
    sg_ipv4(&h, 5, 0x10, 982, 0, 64, 6, 0x0a000001, 0x0a000002);
    sg_tcp(&h, 1234, 80, 0x18);
    sg_begin(g, SFLOW_FLOW_RAW_HEADER);
    sg_u32(g, 1);    /* Ethernet */
    sg_u32(g, 1000); /* frame length */
    sg_u32(g, 4);    /* stripped */
    sg_u32(g, (uint32_t)h.len);
    sg_opaque(g, h.b, h.len);
    sg_end(g);
}

static void rec_switch(struct sg *g, uint32_t in_vlan, uint32_t out_vlan)
{
    sg_begin(g, SFLOW_FLOW_EXT_SWITCH);
    sg_u32(g, in_vlan);
    sg_u32(g, 1);
    sg_u32(g, out_vlan);
    sg_u32(g, 2);
    sg_end(g);
}

static void rec_router(struct sg *g)
{
    sg_begin(g, SFLOW_FLOW_EXT_ROUTER);
    sg_u32(g, 1);
    sg_u32(g, 0xc0a80101);
    sg_u32(g, 24);
    sg_u32(g, 16);
    sg_end(g);
}

static void rec_gateway(struct sg *g)
{
    sg_begin(g, SFLOW_FLOW_EXT_GATEWAY);
    sg_u32(g, 1);
    sg_u32(g, 0xc0a80202); /* BGP next hop */
    sg_u32(g, 65000);      /* own AS */
    sg_u32(g, 64500);      /* src AS */
    sg_u32(g, 64501);      /* src peer AS */
    sg_u32(g, 2);          /* segments */
    sg_u32(g, 2);          /* AS_SEQUENCE */
    sg_u32(g, 2);
    sg_u32(g, 64502);
    sg_u32(g, 64503);
    sg_u32(g, 1); /* AS_SET */
    sg_u32(g, 1);
    sg_u32(g, 64504);
    sg_u32(g, 2); /* communities */
    sg_u32(g, 0xfde80001);
    sg_u32(g, 0xfde80002);
    sg_u32(g, 150); /* local pref */
    sg_end(g);
}

static void test_flow_sample_all_records(void)
{
    struct env e;
    env_init(&e);
    struct sg g;
    sg_init(&g);
    sg_header(&g, 0x0a0000fe, NULL, 3, 100, 1);
    sg_begin(&g, 1);
    sg_flow_sample_fields(&g, 0x00000007, 512, 99999, 5, 7, 9, 6);
    rec_raw_header(&g);
    rec_switch(&g, 300, 301);
    rec_router(&g);
    rec_gateway(&g);
    sg_begin(&g, 0x12345); /* enterprise 0x12, format 0x345: skipped */
    sg_u32(&g, 0xffffffff);
    sg_end(&g);
    sg_begin(&g, 77); /* unknown standard format: skipped */
    sg_u32(&g, 0xffffffff);
    sg_end(&g);
    sg_end(&g);

    CHECK_EQ_U64(decode(&e, g.b, g.len), 1);
    const struct fdx_slot *s = &e.b->slot[0];
    const struct fdx_flow *f = &s->flow;
    CHECK_EQ_U64(f->kind, FDX_KIND_FLOW);
    CHECK_EQ_U64(f->proto, FDX_PROTO_SFLOW5);
    CHECK_EQ_U64(f->domain_id, 3);
    CHECK_EQ_U64(f->export_seq, 100);
    CHECK_EQ_U64(f->agent.b[15], 0xfe);
    CHECK_EQ_U64(f->sampling_rate, 512);
    CHECK_EQ_U64(f->sampler_id, 7);
    CHECK_EQ_U64(f->in_if, 7);
    CHECK_EQ_U64(f->out_if, 9);
    CHECK_EQ_U64(f->frame_len, 1000);
    CHECK_EQ_U64(f->bytes, 512000);
    CHECK_EQ_U64(f->packets, 512);
    CHECK_EQ_U64(f->raw_bytes, 1000);
    CHECK_EQ_U64(f->raw_packets, 1);
    CHECK_EQ_U64(f->src.b[15], 1);
    CHECK_EQ_U64(f->dst.b[15], 2);
    CHECK_EQ_U64(f->ip_proto, 6);
    CHECK_EQ_U64(f->src_port, 1234);
    CHECK_EQ_U64(f->dst_port, 80);
    CHECK_EQ_U64(f->tcp_flags, 0x18);
    CHECK_EQ_U64(f->tos, 0x10);
    CHECK_EQ_U64(f->src_vlan, 300); /* extended switch wins over the header tag (42) */
    CHECK_EQ_U64(f->dst_vlan, 301);
    CHECK_MEM_EQ(f->dst_mac, MAC_A, 6);
    CHECK_EQ_U64(f->next_hop.b[15], 1);
    CHECK_EQ_U64(f->src_mask, 24);
    CHECK_EQ_U64(f->dst_mask, 16);
    CHECK_EQ_U64(f->bgp_next_hop.b[15], 2);
    CHECK_EQ_U64(f->src_as, 64500);
    CHECK_EQ_U64(f->dst_as, 64504); /* origin: last ASN of the path */
    CHECK_EQ_U64(extra_u32(s, 0, 129, 0), 64501);
    CHECK_EQ_U64(extra_u32(s, 0, 128, 0), 64502);
    CHECK_EQ_U64(extra_u32(s, FDX_SFLOW_PEN, FDX_SFLOW_X_AS_PATH, 2), 64504);
    CHECK_EQ_U64(find_extra(s, FDX_SFLOW_PEN, FDX_SFLOW_X_AS_PATH)->len, 12);
    CHECK_EQ_U64(extra_u32(s, 0, 484, 1), 0xfde80002);
    CHECK_EQ_U64(extra_u32(s, FDX_SFLOW_PEN, FDX_SFLOW_X_LOCAL_PREF, 0), 150);
    CHECK_EQ_U64(extra_u32(s, FDX_SFLOW_PEN, FDX_SFLOW_X_SAMPLE_POOL, 0), 99999);
    CHECK_EQ_U64(extra_u32(s, FDX_SFLOW_PEN, FDX_SFLOW_X_DROPS, 0), 5);
    CHECK_EQ_U64(rdrop(&e, FDX_DROP_SFLOW_BAD_SAMPLE), 0);
    env_fini(&e);
}

/* Expanded flow sample with a discarded output and Ethernet + IPv4 data records only. */
static void test_expanded_discard_and_data_records(void)
{
    struct env e;
    env_init(&e);
    e.cfg.renormalize = false;
    struct sg g;
    sg_init(&g);
    sg_header(&g, 0x0a0000fe, NULL, 0, 1, 1);
    sg_begin(&g, 3);
    sg_u32(&g, 1);      /* sequence */
    sg_u32(&g, 0);      /* source type */
    sg_u32(&g, 70000);  /* source index (above 16 bits) */
    sg_u32(&g, 100);    /* rate */
    sg_u32(&g, 5000);   /* pool */
    sg_u32(&g, 0);      /* drops */
    sg_u32(&g, 0);      /* input format */
    sg_u32(&g, 70000);  /* input value */
    sg_u32(&g, 1);      /* output format: discarded */
    sg_u32(&g, 258);    /* reason */
    sg_u32(&g, 2);
    sg_begin(&g, SFLOW_FLOW_ETHERNET);
    sg_u32(&g, 600);
    sg_opaque(&g, MAC_B, 6);
    sg_opaque(&g, MAC_A, 6);
    sg_u32(&g, 0x0800);
    sg_end(&g);
    sg_begin(&g, SFLOW_FLOW_IPV4);
    sg_u32(&g, 582);
    sg_u32(&g, 1); /* ICMP */
    sg_u32(&g, 0x01020304);
    sg_u32(&g, 0x05060708);
    sg_u32(&g, 8); /* type */
    sg_u32(&g, 0); /* code */
    sg_u32(&g, 0);
    sg_u32(&g, 0);
    sg_end(&g);
    sg_end(&g);

    CHECK_EQ_U64(decode(&e, g.b, g.len), 1);
    const struct fdx_slot *s = &e.b->slot[0];
    const struct fdx_flow *f = &s->flow;
    CHECK_EQ_U64(f->in_if, 70000);
    CHECK_TRUE(!fdx_flow_has(f, FDX_F_OUT_IF));
    CHECK_EQ_U64(extra_u32(s, FDX_SFLOW_PEN, FDX_SFLOW_X_OUT_IF_RAW, 0), 0x40000000u | 258);
    CHECK_TRUE(find_extra(s, 0, 89) != NULL);
    CHECK_EQ_U64(s->extra.data[find_extra(s, 0, 89)->off], 128);
    CHECK_EQ_U64(f->sampler_id, 70000);
    CHECK_EQ_U64(f->frame_len, 600); /* Ethernet length when there is no raw header */
    CHECK_EQ_U64(f->bytes, 600);     /* renormalisation off */
    CHECK_EQ_U64(f->packets, 1);
    CHECK_EQ_U64(f->ip_proto, 1);
    CHECK_EQ_U64(f->icmp_type, 8);
    CHECK_TRUE(!fdx_flow_has(f, FDX_F_SRC_PORT));
    CHECK_EQ_U64(f->src.b[15], 4);
    CHECK_EQ_U64(f->ethertype, 0x0800);
    CHECK_MEM_EQ(f->src_mac, MAC_B, 6);
    env_fini(&e);
}

static void test_ipv6_agent_and_multiple_interfaces(void)
{
    struct env e;
    env_init(&e);
    const uint8_t agent6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x99};
    struct sg g;
    sg_init(&g);
    sg_header(&g, 0, agent6, 9, 5, 1);
    sg_begin(&g, 1);
    sg_flow_sample_fields(&g, 3, 0, 1, 0, 0x3fffffff, 0x80000003u, 1);
    rec_raw_header(&g);
    sg_end(&g);
    CHECK_EQ_U64(decode(&e, g.b, g.len), 1);
    const struct fdx_slot *s = &e.b->slot[0];
    CHECK_MEM_EQ(s->flow.agent.b, agent6, 16);
    CHECK_EQ_U64(s->flow.domain_id, 9);
    CHECK_EQ_U64(s->flow.in_if, 0x3fffffff); /* the agent itself */
    CHECK_TRUE(!fdx_flow_has(&s->flow, FDX_F_OUT_IF));
    CHECK_EQ_U64(extra_u32(s, FDX_SFLOW_PEN, FDX_SFLOW_X_OUT_IF_RAW, 0), 0x80000003u);
    CHECK_EQ_U64(s->flow.src_vlan, 42); /* no extended switch: the header tag */
    CHECK_EQ_U64(s->flow.bytes, 1000);  /* rate 0 is taken as 1 */
    CHECK_EQ_U64(s->flow.packets, 1);
    /* A bad agent address type refuses the datagram. */
    g.b[7] = 3;
    CHECK_EQ_U64(decode(&e, g.b, g.len), 0);
    CHECK_EQ_U64(ddrop(&e, FDX_DROP_BAD_LENGTH), 1);
    env_fini(&e);
}

static void build_counters(struct sg *g)
{
    sg_init(g);
    sg_header(g, 0x0a0000fe, NULL, 1, 1, 2);
    sg_begin(g, 2);
    sg_u32(g, 1);
    sg_u32(g, 5);
    sg_u32(g, 3);
    sg_begin(g, 1); /* generic */
    sg_u32(g, 5);
    sg_u32(g, 6);
    sg_u64(g, 10000000000ULL);
    sg_u32(g, 1);
    sg_u32(g, 3);
    sg_u64(g, 123456789012ULL);
    for (int i = 0; i < 6; i++) {
        sg_u32(g, (uint32_t)(100 + i));
    }
    sg_u64(g, 987654321098ULL);
    for (int i = 0; i < 5; i++) {
        sg_u32(g, (uint32_t)(200 + i));
    }
    sg_u32(g, 1);
    sg_end(g);
    sg_begin(g, 2); /* ethernet */
    for (int i = 0; i < 13; i++) {
        sg_u32(g, (uint32_t)(300 + i));
    }
    sg_end(g);
    sg_begin(g, 2000); /* host description: skipped */
    sg_u32(g, 0);
    sg_end(g);
    sg_end(g);
    sg_begin(g, 4); /* expanded, processor only */
    sg_u32(g, 2);
    sg_u32(g, 2);
    sg_u32(g, 1);
    sg_u32(g, 1);
    sg_begin(g, 1001);
    sg_u32(g, 1250);
    sg_u32(g, 2500);
    sg_u32(g, 5000);
    sg_u64(g, 8ULL << 30);
    sg_u64(g, 1ULL << 30);
    sg_end(g);
    sg_end(g);
}

static void test_counter_samples(void)
{
    struct env e;
    env_init(&e);
    struct sg g;
    build_counters(&g);
    CHECK_EQ_U64(decode(&e, g.b, g.len), 2);
    const struct fdx_slot *s = &e.b->slot[0];
    CHECK_EQ_U64(s->flow.kind, FDX_KIND_COUNTERS);
    CHECK_TRUE(s->ctr.has_generic && s->ctr.has_ethernet && !s->ctr.has_processor);
    CHECK_EQ_U64(s->ctr.if_index, 5);
    CHECK_EQ_U64(s->flow.in_if, 5);
    CHECK_EQ_U64(s->ctr.if_speed, 10000000000ULL);
    CHECK_EQ_U64(s->ctr.if_status, 3);
    CHECK_EQ_U64(s->ctr.in_octets, 123456789012ULL);
    CHECK_EQ_U64(s->ctr.in_ucast, 100);
    CHECK_EQ_U64(s->ctr.in_unknown_protos, 105);
    CHECK_EQ_U64(s->ctr.out_octets, 987654321098ULL);
    CHECK_EQ_U64(s->ctr.out_errors, 204);
    CHECK_EQ_U64(s->ctr.promisc, 1);
    CHECK_EQ_U64(s->ctr.eth_alignment_errors, 300);
    CHECK_EQ_U64(s->ctr.eth_symbol_errors, 312);
    s = &e.b->slot[1];
    CHECK_EQ_U64(s->flow.kind, FDX_KIND_COUNTERS);
    CHECK_TRUE(!s->ctr.has_generic && s->ctr.has_processor);
    CHECK_EQ_U64(s->flow.sampler_id, 2u << 24 | 1);
    CHECK_EQ_U64(s->ctr.cpu_1m_pct_x100, 2500);
    CHECK_EQ_U64(s->ctr.mem_total_bytes, 8ULL << 30);
    CHECK_EQ_U64(s->ctr.mem_free_bytes, 1ULL << 30);
    env_fini(&e);
}

/* A bad sample is counted and skipped by its length; the next sample still decodes. */
static void test_malformed_sample_keeps_others(void)
{
    struct env e;
    env_init(&e);
    struct sg g;
    sg_init(&g);
    sg_header(&g, 1, NULL, 0, 1, 3);
    sg_begin(&g, 1);
    sg_flow_sample_fields(&g, 1, 10, 1, 0, 1, 2, 1);
    sg_u32(&g, SFLOW_FLOW_EXT_SWITCH);
    sg_u32(&g, 400); /* record longer than its sample */
    sg_u32(&g, 1);
    sg_end(&g);
    sg_begin(&g, 5); /* another sample type (discards): skipped */
    sg_u32(&g, 1);
    sg_end(&g);
    sg_begin(&g, 1);
    sg_flow_sample_fields(&g, 1, 10, 1, 0, 1, 2, 1);
    rec_raw_header(&g);
    sg_end(&g);
    CHECK_EQ_U64(decode(&e, g.b, g.len), 1);
    CHECK_EQ_U64(e.b->slot[0].flow.frame_len, 1000);
    CHECK_EQ_U64(e.b->slot[0].flow.rec_index, 0);
    CHECK_EQ_U64(rdrop(&e, FDX_DROP_SFLOW_BAD_SAMPLE), 1);
    CHECK_EQ_U64(rdrop(&e, FDX_DROP_TRUNCATED), 0);
    env_fini(&e);
}

static void test_limits(void)
{
    struct env e;
    env_init(&e);
    struct sg g;
    sg_init(&g);
    sg_header(&g, 1, NULL, 0, 1, 1);
    sg_begin(&g, 1);
    sg_flow_sample_fields(&g, 1, 10, 1, 0, 1, 2, FDX_SFLOW_MAX_RECORDS + 1);
    for (int i = 0; i < FDX_SFLOW_MAX_RECORDS + 1; i++) {
        sg_begin(&g, 9999);
        sg_end(&g);
    }
    sg_end(&g);
    CHECK_EQ_U64(decode(&e, g.b, g.len), 0);
    CHECK_EQ_U64(rdrop(&e, FDX_DROP_LIMIT_EXCEEDED), 1);

    /* More samples than the limit: the first FDX_SFLOW_MAX_SAMPLES decode. */
    sg_init(&g);
    sg_header(&g, 1, NULL, 0, 2, FDX_SFLOW_MAX_SAMPLES + 3);
    for (int i = 0; i < FDX_SFLOW_MAX_SAMPLES + 3; i++) {
        sg_begin(&g, 2);
        sg_u32(&g, 1);
        sg_u32(&g, 1);
        sg_u32(&g, 0);
        sg_end(&g);
    }
    CHECK_TRUE(g.len < SG_CAP);
    e.b->n = 0;
    CHECK_EQ_U64(decode(&e, g.b, g.len), FDX_SFLOW_MAX_SAMPLES);
    CHECK_EQ_U64(rdrop(&e, FDX_DROP_LIMIT_EXCEEDED), 1 + 3);
    env_fini(&e);
}

/* Cut a three-sample datagram at every length: no overread, and every sample is either a
 * record or counted exactly once; a cut inside the header is one datagram drop. */
static void test_truncate_every_length(void)
{
    struct sg g;
    sg_init(&g);
    sg_header(&g, 1, NULL, 0, 1, 3);
    sg_begin(&g, 1);
    sg_flow_sample_fields(&g, 1, 10, 1, 0, 1, 2, 4);
    rec_raw_header(&g);
    rec_switch(&g, 1, 2);
    rec_router(&g);
    rec_gateway(&g);
    sg_end(&g);
    size_t first_end = g.len;
    struct sg c;
    build_counters(&c);
    sg_bytes(&g, c.b + 28, c.len - 28); /* the two counter samples */
    for (size_t n = 0; n <= g.len; n++) {
        struct env e;
        env_init(&e);
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, g.b, n);
        size_t got = decode(&e, copy, n);
        free(copy);
        uint64_t lost = rdrop(&e, FDX_DROP_TRUNCATED) + rdrop(&e, FDX_DROP_SFLOW_BAD_SAMPLE);
        if (n < 28) {
            CHECK_EQ_U64(ddrop(&e, FDX_DROP_TRUNCATED), 1);
            CHECK_EQ_U64(got, 0);
        } else {
            CHECK_EQ_U64(got + lost, 3);
            CHECK_EQ_U64(got, n < first_end ? 0 : n == g.len ? 3 : got);
        }
        if (n == g.len) {
            CHECK_EQ_U64(lost, 0);
        }
        env_fini(&e);
    }
}

static void test_sequence_and_version(void)
{
    struct env e;
    env_init(&e);
    struct sg g;
    sg_init(&g);
    sg_header(&g, 1, NULL, 0, 10, 0);
    decode(&e, g.b, g.len);
    g.b[19] = 14; /* sequence 14: datagrams 11..13 lost */
    decode(&e, g.b, g.len);
    CHECK_EQ_U64(fdx_counter_get(&e.c->seq_lost), 3);
    g.b[3] = 4;
    CHECK_EQ_U64(decode(&e, g.b, g.len), 0);
    CHECK_EQ_U64(ddrop(&e, FDX_DROP_BAD_VERSION), 1);
    env_fini(&e);
}

TEST_LIST{
    {"flow_sample_all_records", test_flow_sample_all_records},
    {"expanded_discard_and_data_records", test_expanded_discard_and_data_records},
    {"ipv6_agent_and_multiple_interfaces", test_ipv6_agent_and_multiple_interfaces},
    {"counter_samples", test_counter_samples},
    {"malformed_sample_keeps_others", test_malformed_sample_keeps_others},
    {"limits", test_limits},
    {"truncate_every_length", test_truncate_every_length},
    {"sequence_and_version", test_sequence_and_version},
};

CHECK_MAIN()
