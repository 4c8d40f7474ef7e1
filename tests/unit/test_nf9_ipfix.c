/* NetFlow v9 and IPFIX decoders: templates (add, replace, withdrawal, flood bound), data
 * before its template, options-based sampling, variable-length, enterprise and reverse
 * elements, sequence gaps, truncation at every byte boundary. Datagrams are built here
 * field by field. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "document.h"
#include "json_writer.h"
#include "decode.h"
#include "dispatch.h"
#include "exporter.h"
#include "ie_registry.h"
#include "pending_sets.h"
#include "templates.h"

/* ---- datagram builder ---- */
struct pb {
    uint8_t b[4096];
    size_t n;
    size_t set_start;
};
static void p8(struct pb *p, uint32_t v) { p->b[p->n++] = (uint8_t)v; }
static void p16(struct pb *p, uint32_t v) { p8(p, v >> 8); p8(p, v); }
static void p32(struct pb *p, uint32_t v) { p16(p, v >> 16); p16(p, v); }
static void p64(struct pb *p, uint64_t v) { p32(p, (uint32_t)(v >> 32)); p32(p, (uint32_t)v); }
static void pbytes(struct pb *p, const void *d, size_t n) { memcpy(p->b + p->n, d, n); p->n += n; }
static void set_begin(struct pb *p, uint16_t id) { p->set_start = p->n; p16(p, id); p16(p, 0); }
static void set_end(struct pb *p)
{
    size_t len = p->n - p->set_start;
    p->b[p->set_start + 2] = (uint8_t)(len >> 8);
    p->b[p->set_start + 3] = (uint8_t)len;
}
static void ipfix_hdr(struct pb *p, uint32_t export_s, uint32_t seq, uint32_t domain)
{
    p->n = 0;
    p16(p, 10); p16(p, 0); p32(p, export_s); p32(p, seq); p32(p, domain);
}
static void ipfix_fix_len(struct pb *p) { p->b[2] = (uint8_t)(p->n >> 8); p->b[3] = (uint8_t)p->n; }
static void nf9_hdr(struct pb *p, uint32_t uptime, uint32_t secs, uint32_t seq, uint32_t src_id)
{
    p->n = 0;
    p16(p, 9); p16(p, 1); p32(p, uptime); p32(p, secs); p32(p, seq); p32(p, src_id);
}

/* ---- decoding harness ---- */
struct env {
    struct fdx_decode_cfg cfg;
    struct fdx_counters c;
    struct fdx_decode_ctx ctx;
    struct fdx_batch *b;
};
static struct fdx_batch *no_swap(void *owner, struct fdx_batch *full)
{
    (void)owner;
    (void)full;
    return NULL;
}
static void env_init(struct env *e)
{
    memset(e, 0, sizeof(*e));
    fdx_decode_cfg_defaults(&e->cfg);
    e->b = fdx_batch_new(512);
}
static void env_start(struct env *e)
{
    CHECK_EQ_I64(fdx_decode_ctx_init(&e->ctx, &e->cfg, &e->c), 0);
    e->ctx.sink.batch = e->b;
    e->ctx.sink.swap = no_swap;
    e->ctx.now_ms = 1700000000000;
}
static void env_fini(struct env *e)
{
    fdx_decode_ctx_fini(&e->ctx);
    fdx_batch_free(e->b);
}
static size_t feed(struct env *e, const struct pb *p, uint32_t src_v4)
{
    struct fdx_datagram dg = {p->b, p->n, {{0}}, 2055, e->ctx.now_ms};
    fdx_addr_set_v4_u32(&dg.exporter, src_v4);
    return fdx_dispatch_datagram(&e->ctx, &dg);
}
static uint64_t drops(const struct env *e, enum fdx_drop why)
{
    return fdx_counter_get(&e->c.dgram_drop[why]) + fdx_counter_get(&e->c.record_drop[why]);
}
static uint64_t all_drops(const struct env *e)
{
    uint64_t n = 0;
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        n += drops(e, (enum fdx_drop)i);
    }
    return n;
}

/* IPFIX template 256: src v4, dst v4, sport, dport, proto, octets(8), packets(4, reduced),
 * flowStartMilliseconds, flowEndMilliseconds. */
static void tmpl_256(struct pb *p)
{
    set_begin(p, 2);
    p16(p, 256); p16(p, 9);
    p16(p, 8); p16(p, 4); p16(p, 12); p16(p, 4); p16(p, 7); p16(p, 2); p16(p, 11); p16(p, 2);
    p16(p, 4); p16(p, 1); p16(p, 1); p16(p, 8); p16(p, 2); p16(p, 4);
    p16(p, 152); p16(p, 8); p16(p, 153); p16(p, 8);
    set_end(p);
}
static void data_256(struct pb *p, uint32_t src, uint16_t sport, uint64_t octets)
{
    set_begin(p, 256);
    p32(p, src); p32(p, 0x0a000002); p16(p, sport); p16(p, 443); p8(p, 6);
    p64(p, octets); p32(p, 7); p64(p, 1700000000123ULL); p64(p, 1700000001456ULL);
    set_end(p);
}

static void test_ipfix_basic_and_sequence(void)
{
    struct env e;
    env_init(&e);
    env_start(&e);
    struct pb p;
    ipfix_hdr(&p, 1700000002, 100, 7);
    tmpl_256(&p);
    data_256(&p, 0x0a000001, 1234, 5000);
    data_256(&p, 0x0a000003, 1235, 6000);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 2);
    const struct fdx_flow *f = &e.b->slot[0].flow;
    char s[FDX_ADDR_STRLEN];
    fdx_addr_format(&f->src, s);
    CHECK_EQ_STR(s, "10.0.0.1");
    CHECK_EQ_U64(f->src_port, 1234);
    CHECK_EQ_U64(f->dst_port, 443);
    CHECK_EQ_U64(f->ip_proto, 6);
    CHECK_EQ_U64(f->bytes, 5000);
    CHECK_EQ_U64(f->packets, 7);
    CHECK_EQ_I64(f->start_ms, 1700000000123LL);
    CHECK_EQ_I64(f->end_ms, 1700000001456LL);
    CHECK_EQ_I64(f->export_ms, 1700000002000LL);
    CHECK_EQ_U64(f->domain_id, 7);
    CHECK_EQ_U64(f->proto, FDX_PROTO_IPFIX);
    CHECK_TRUE(fdx_flow_has(f, FDX_F_START) && fdx_flow_has(f, FDX_F_BYTES));
    CHECK_EQ_U64(e.b->slot[1].flow.bytes, 6000);
    /* Next message: sequence 102 is expected; 105 means 3 records lost at the exporter. */
    ipfix_hdr(&p, 1700000003, 105, 7);
    data_256(&p, 0x0a000001, 1, 1);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 1);
    CHECK_EQ_U64(fdx_counter_get(&e.c.seq_lost), 3);
    CHECK_EQ_U64(all_drops(&e), 0);
    env_fini(&e);
}

static void test_ipfix_withdrawal(void)
{
    struct env e;
    env_init(&e);
    env_start(&e);
    struct pb p;
    ipfix_hdr(&p, 1700000002, 0, 1);
    tmpl_256(&p);
    ipfix_fix_len(&p);
    feed(&e, &p, 0xc0000201);
    CHECK_EQ_U64(fdx_templates_count(e.ctx.templates), 1);
    ipfix_hdr(&p, 1700000002, 0, 1);
    set_begin(&p, 2);
    p16(&p, 256); p16(&p, 0); /* withdraw 256 */
    set_end(&p);
    data_256(&p, 0x0a000001, 1, 1);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 0);
    CHECK_EQ_U64(fdx_templates_count(e.ctx.templates), 0);
    /* The data set waits, then expires undecoded: counted once. */
    CHECK_EQ_U64(fdx_pending_count(e.ctx.pending), 1);
    fdx_decode_ctx_tick(&e.ctx, e.ctx.now_ms + e.cfg.pending_timeout_ms + 1);
    CHECK_EQ_U64(drops(&e, FDX_DROP_NO_TEMPLATE), 1);
    /* Withdraw all (template id = set id 2). */
    ipfix_hdr(&p, 1700000002, 0, 1);
    tmpl_256(&p);
    ipfix_fix_len(&p);
    feed(&e, &p, 0xc0000201);
    ipfix_hdr(&p, 1700000002, 0, 1);
    set_begin(&p, 2);
    p16(&p, 2); p16(&p, 0);
    set_end(&p);
    ipfix_fix_len(&p);
    feed(&e, &p, 0xc0000201);
    CHECK_EQ_U64(fdx_templates_count(e.ctx.templates), 0);
    env_fini(&e);
}

static void test_template_replace(void)
{
    struct env e;
    env_init(&e);
    env_start(&e);
    struct pb p;
    ipfix_hdr(&p, 1700000002, 0, 1);
    tmpl_256(&p);
    data_256(&p, 0x0a000001, 1, 10);
    /* Same id, new definition mid-message: octets (4 bytes) then sport. */
    set_begin(&p, 2);
    p16(&p, 256); p16(&p, 2);
    p16(&p, 1); p16(&p, 4); p16(&p, 7); p16(&p, 2);
    set_end(&p);
    set_begin(&p, 256);
    p32(&p, 999); p16(&p, 53);
    set_end(&p);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 2);
    CHECK_EQ_U64(e.b->slot[0].flow.bytes, 10);
    CHECK_EQ_U64(e.b->slot[1].flow.bytes, 999);
    CHECK_EQ_U64(e.b->slot[1].flow.src_port, 53);
    CHECK_TRUE(!fdx_flow_has(&e.b->slot[1].flow, FDX_F_SRC_ADDR));
    CHECK_EQ_U64(fdx_templates_count(e.ctx.templates), 1);
    CHECK_EQ_U64(all_drops(&e), 0);
    env_fini(&e);
}

static void test_data_before_template(void)
{
    struct env e;
    env_init(&e);
    env_start(&e);
    struct pb p;
    /* NetFlow v9: data flowset 300 first (uptime 10 s, export 1700000000 s) … */
    nf9_hdr(&p, 10000, 1700000000, 1, 5);
    set_begin(&p, 300);
    p32(&p, 0x0a000001); p32(&p, 4000); p32(&p, 9000); p32(&p, 1500); /* src, last, first, bytes */
    set_end(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000202), 0);
    CHECK_EQ_U64(fdx_pending_count(e.ctx.pending), 1);
    /* … then its template, 20 s later: the waiting records come out with their own times. */
    nf9_hdr(&p, 30000, 1700000020, 2, 5);
    set_begin(&p, 0);
    p16(&p, 300); p16(&p, 4);
    p16(&p, 8); p16(&p, 4); p16(&p, 21); p16(&p, 4); p16(&p, 22); p16(&p, 4); p16(&p, 1); p16(&p, 4);
    set_end(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000202), 1);
    const struct fdx_flow *f = &e.b->slot[0].flow;
    CHECK_EQ_U64(f->bytes, 1500);
    CHECK_EQ_I64(f->start_ms, 1700000000000LL - 1000);
    CHECK_EQ_I64(f->end_ms, 1700000000000LL - 6000);
    CHECK_EQ_U64(f->export_seq, 1);
    CHECK_EQ_U64(fdx_pending_count(e.ctx.pending), 0);
    CHECK_EQ_U64(all_drops(&e), 0);
    env_fini(&e);
}

static void test_options_sampling(void)
{
    struct env e;
    env_init(&e);
    env_start(&e);
    struct pb p;
    /* v9 options template 257: scope system(4); sampler id (1), random interval (4). */
    nf9_hdr(&p, 1000, 1700000000, 1, 0);
    set_begin(&p, 1);
    p16(&p, 257); p16(&p, 4); p16(&p, 8);
    p16(&p, 1); p16(&p, 4);
    p16(&p, 48); p16(&p, 1); p16(&p, 50); p16(&p, 4);
    p16(&p, 0); /* padding */
    set_end(&p);
    set_begin(&p, 257);
    p32(&p, 0); p8(&p, 3); p32(&p, 100);
    p8(&p, 0); p8(&p, 0); p8(&p, 0);
    set_end(&p);
    /* Data template 258: sampler id, bytes, packets. */
    set_begin(&p, 0);
    p16(&p, 258); p16(&p, 3);
    p16(&p, 48); p16(&p, 1); p16(&p, 1); p16(&p, 4); p16(&p, 2); p16(&p, 4);
    set_end(&p);
    set_begin(&p, 258);
    p8(&p, 3); p32(&p, 1000); p32(&p, 2);
    p8(&p, 9); p32(&p, 1000); p32(&p, 2); /* unknown sampler: not renormalised */
    set_end(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000203), 3);
    CHECK_EQ_U64(e.b->slot[0].flow.kind, FDX_KIND_OPTIONS);
    const struct fdx_flow *f = &e.b->slot[1].flow;
    CHECK_EQ_U64(f->sampling_rate, 100);
    CHECK_EQ_U64(f->raw_bytes, 1000);
    CHECK_EQ_U64(f->bytes, 100000);
    CHECK_EQ_U64(f->packets, 200);
    CHECK_EQ_U64(e.b->slot[2].flow.bytes, 1000);
    CHECK_EQ_U64(e.b->slot[2].flow.sampling_rate, 0);
    CHECK_EQ_U64(all_drops(&e), 0);

    /* IPFIX: samplingPacketInterval 1 / samplingPacketSpace 99 -> 1 in 100, exporter-wide. */
    ipfix_hdr(&p, 1700000002, 0, 3);
    set_begin(&p, 3);
    p16(&p, 400); p16(&p, 3); p16(&p, 1);
    p16(&p, 149); p16(&p, 4); p16(&p, 305); p16(&p, 4); p16(&p, 306); p16(&p, 4);
    set_end(&p);
    set_begin(&p, 400);
    p32(&p, 3); p32(&p, 1); p32(&p, 99);
    set_end(&p);
    tmpl_256(&p);
    data_256(&p, 0x0a000001, 1, 10);
    ipfix_fix_len(&p);
    e.b->n = 0;
    CHECK_EQ_U64(feed(&e, &p, 0xc0000203), 2);
    CHECK_EQ_U64(e.b->slot[1].flow.sampling_rate, 100);
    CHECK_EQ_U64(e.b->slot[1].flow.bytes, 1000);
    CHECK_EQ_U64(e.b->slot[1].flow.raw_bytes, 10);
    env_fini(&e);
}

static void test_varlen_enterprise_reverse(void)
{
    struct env e;
    env_init(&e);
    env_start(&e);
    struct pb p;
    ipfix_hdr(&p, 1700000002, 0, 1);
    set_begin(&p, 2);
    p16(&p, 500); p16(&p, 6);
    p16(&p, 82); p16(&p, 0xffff);               /* interfaceName, variable */
    p16(&p, 0x8000 | 1); p16(&p, 8); p32(&p, 29305); /* reverseOctetDeltaCount */
    p16(&p, 0x8000 | 2); p16(&p, 4); p32(&p, 29305); /* reversePacketDeltaCount */
    p16(&p, 0x8000 | 7); p16(&p, 2); p32(&p, 29305); /* reverseSourceTransportPort: extra */
    p16(&p, 0x8000 | 42); p16(&p, 0xffff); p32(&p, 35632); /* vendor, variable */
    p16(&p, 210); p16(&p, 3);                   /* paddingOctets */
    set_end(&p);
    set_begin(&p, 500);
    p8(&p, 4); pbytes(&p, "eth0", 4);
    p64(&p, 777); p32(&p, 5); p16(&p, 8080);
    uint8_t big[300];
    memset(big, 'x', sizeof(big));
    p8(&p, 255); p16(&p, 300); pbytes(&p, big, 300); /* long form */
    p8(&p, 0); p8(&p, 0); p8(&p, 0);
    set_end(&p);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 1);
    const struct fdx_slot *s = &e.b->slot[0];
    CHECK_EQ_U64(s->flow.rev_bytes, 777);
    CHECK_EQ_U64(s->flow.rev_packets, 5);
    CHECK_TRUE(fdx_flow_has(&s->flow, FDX_F_REV_BYTES));
    CHECK_EQ_U64(s->extra.n, 3);
    CHECK_EQ_U64(s->extra.ie[0].id, 82);
    CHECK_EQ_U64(s->extra.ie[0].type, FDX_IE_STRING);
    CHECK_MEM_EQ(s->extra.data + s->extra.ie[0].off, "eth0", 4);
    CHECK_EQ_U64(s->extra.ie[1].pen, 29305);
    CHECK_EQ_U64(s->extra.ie[1].reverse, 1);
    CHECK_EQ_U64(s->extra.ie[1].len, 2);
    CHECK_EQ_U64(s->extra.ie[2].pen, 35632);
    CHECK_EQ_U64(s->extra.ie[2].len, 300);
    CHECK_EQ_U64(all_drops(&e), 0);
    /* Rendered as netflow.<iana name>, typed; unknown enterprise elements as hex. */
    struct fdx_buf buf;
    fdx_buf_init(&buf, 1 << 16);
    struct fdx_jw w;
    fdx_jw_begin(&w, &buf);
    fdx_jw_cstr(&w, "netflow.type", "ipfix");
    fdx_document_extra_ies(&w, s, "netflow");
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    fdx_buf_append(&buf, "", 1);
    CHECK_TRUE(strstr(buf.p, "\"interface_name\":\"eth0\"") != NULL);
    CHECK_TRUE(strstr(buf.p, "\"reverse_source_transport_port\":8080") != NULL);
    CHECK_TRUE(strstr(buf.p, "\"pen35632_42\":\"787878") != NULL);
    fdx_buf_fini(&buf);
    /* A variable-length field whose length runs past the set: one record drop. */
    ipfix_hdr(&p, 1700000002, 0, 1);
    set_begin(&p, 500);
    p8(&p, 200); pbytes(&p, big, 24); /* longer than the minimum record, shorter than 200 */
    set_end(&p);
    ipfix_fix_len(&p);
    e.b->n = 0;
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 0);
    CHECK_EQ_U64(drops(&e, FDX_DROP_TRUNCATED), 1);
    env_fini(&e);
}

/* Truncating a valid datagram at every length: never a crash, never a record more than the
 * complete datagram, and exactly one drop unless the cut falls between sets. */
static void truncation_loop(const struct pb *full, bool is_ipfix, bool patch_len,
                            const size_t *boundaries, size_t nb, size_t full_records)
{
    for (size_t len = 0; len < full->n; len++) {
        struct env e;
        env_init(&e);
        env_start(&e);
        struct pb p = *full;
        p.n = len;
        if (patch_len && len >= 4) {
            ipfix_fix_len(&p);
        }
        size_t n = feed(&e, &p, 0xc0000209);
        CHECK_TRUE(n <= full_records);
        bool at_boundary = false;
        for (size_t i = 0; i < nb; i++) {
            /* v9 ignores fewer than 4 bytes after the last flowset. */
            size_t slack = is_ipfix ? 0 : 3;
            at_boundary |= len >= boundaries[i] && len <= boundaries[i] + slack;
        }
        if (is_ipfix && !patch_len) {
            at_boundary = false;
        }
        uint64_t d = all_drops(&e);
        if (d != (at_boundary ? 0u : 1u)) {
            fprintf(stderr, "truncated at %zu of %zu: %llu drops\n", len, full->n,
                    (unsigned long long)d);
            CHECK_TRUE(false);
        }
        env_fini(&e);
    }
}

static void test_truncation_every_byte(void)
{
    struct pb p;
    ipfix_hdr(&p, 1700000002, 0, 1);
    size_t b_ipfix[4];
    b_ipfix[0] = p.n;
    tmpl_256(&p);
    b_ipfix[1] = p.n;
    data_256(&p, 0x0a000001, 1, 10);
    b_ipfix[2] = p.n;
    data_256(&p, 0x0a000002, 2, 20);
    ipfix_fix_len(&p);
    truncation_loop(&p, true, false, b_ipfix, 3, 2);
    truncation_loop(&p, true, true, b_ipfix, 3, 2);

    struct pb q;
    nf9_hdr(&q, 1000, 1700000000, 1, 0);
    size_t b_nf9[3];
    b_nf9[0] = q.n;
    set_begin(&q, 0);
    p16(&q, 256); p16(&q, 2); p16(&q, 8); p16(&q, 4); p16(&q, 1); p16(&q, 4);
    set_end(&q);
    b_nf9[1] = q.n;
    set_begin(&q, 256);
    p32(&q, 1); p32(&q, 2); p32(&q, 3); p32(&q, 4);
    set_end(&q);
    b_nf9[2] = q.n;
    truncation_loop(&q, false, false, b_nf9, 2, 2);
}

static void test_template_flood_bound(void)
{
    struct env e;
    env_init(&e);
    e.cfg.max_templates = 64;
    e.cfg.max_templates_per_exporter = 16;
    env_start(&e);
    struct pb p;
    /* 10 exporters x 30 templates of 100 fields each. */
    for (uint32_t x = 0; x < 10; x++) {
        for (uint32_t t = 0; t < 30; t++) {
            ipfix_hdr(&p, 1700000002, 0, 1);
            set_begin(&p, 2);
            p16(&p, 256 + t); p16(&p, 100);
            for (int i = 0; i < 100; i++) {
                p16(&p, 0x8000 | (uint32_t)i); p16(&p, 4); p32(&p, 9999);
            }
            set_end(&p);
            ipfix_fix_len(&p);
            feed(&e, &p, 0xc0000100 + x);
        }
    }
    /* 4 exporters fill 16 each (64), the rest is refused and counted. */
    CHECK_EQ_U64(fdx_templates_count(e.ctx.templates), 64);
    CHECK_EQ_U64(drops(&e, FDX_DROP_TEMPLATE_LIMIT), 300 - 64);
    CHECK_TRUE(fdx_templates_bytes(e.ctx.templates) <= 64 * fdx_templates_max_entry_bytes());
    printf("template flood: %u templates, %zu bytes held (bound %zu)\n",
           fdx_templates_count(e.ctx.templates), fdx_templates_bytes(e.ctx.templates),
           (size_t)64 * fdx_templates_max_entry_bytes());
    /* Expiry frees them all. */
    fdx_decode_ctx_tick(&e.ctx, e.ctx.now_ms + (int64_t)e.cfg.template_timeout_s * 1000 + 1);
    CHECK_EQ_U64(fdx_templates_count(e.ctx.templates), 0);
    CHECK_EQ_U64(fdx_templates_bytes(e.ctx.templates), 0);
    env_fini(&e);
}

static void test_ie_registry(void)
{
    const struct fdx_ie_info *i = fdx_ie_lookup(225);
    CHECK_TRUE(i != NULL);
    CHECK_EQ_STR(i ? i->snake : NULL, "post_nat_source_ipv4_address");
    i = fdx_ie_lookup(236);
    CHECK_EQ_STR(i ? i->snake : NULL, "vr_fname");
    CHECK_EQ_U64(fdx_ie_target(0, 1, FDX_PROTO_IPFIX), FDX_T_BYTES);
    CHECK_EQ_U64(fdx_ie_target(FDX_PEN_REVERSE, 2, FDX_PROTO_IPFIX), FDX_T_REV_PACKETS);
    for (unsigned k = 1; k < fdx_ie_count(); k++) {
        CHECK_TRUE(fdx_ie_at(k - 1)->id < fdx_ie_at(k)->id);
    }
}

TEST_LIST{
    {"ipfix_basic_and_sequence", test_ipfix_basic_and_sequence},
    {"ipfix_withdrawal", test_ipfix_withdrawal},
    {"template_replace", test_template_replace},
    {"data_before_template", test_data_before_template},
    {"options_sampling", test_options_sampling},
    {"varlen_enterprise_reverse", test_varlen_enterprise_reverse},
    {"truncation_every_byte", test_truncation_every_byte},
    {"template_flood_bound", test_template_flood_bound},
    {"ie_registry", test_ie_registry},
};
CHECK_MAIN()
