/* Counter samples as metric documents: decoded from a synthetic datagram, encoded with the
 * ECS schema, checked key by key. */
#include <stdlib.h>

#include "check.h"
#include "document.h"
#include "json_writer.h"
#include "sflow_gen.h"
#include "sflow_v5.h"

static struct fdx_batch *no_swap(void *owner, struct fdx_batch *full)
{
    (void)owner;
    (void)full;
    return NULL;
}

static void encode(const struct fdx_slot *s, struct fdx_buf *b)
{
    struct fdx_jw w;
    fdx_buf_init(b, 0);
    fdx_jw_begin(&w, b);
    fdx_document_counters_ecs(&w, s);
    CHECK_EQ_U64(fdx_jw_end(&w), 0);
    fdx_buf_putc(b, '\0');
}

static void test_counters_document(void)
{
    struct sg g;
    sg_init(&g);
    sg_header(&g, 0x0a000001, NULL, 0, 1, 1);
    sg_begin(&g, 2);
    sg_u32(&g, 1);
    sg_u32(&g, 12);
    sg_u32(&g, 3);
    sg_begin(&g, 1);
    sg_u32(&g, 12);
    sg_u32(&g, 6);
    sg_u64(&g, 1000000000ULL);
    sg_u32(&g, 1);
    sg_u32(&g, 1); /* admin up, oper down */
    sg_u64(&g, 5000);
    uint32_t in[6] = {10, 11, 12, 13, 14, UINT32_MAX};
    for (int i = 0; i < 6; i++) {
        sg_u32(&g, in[i]);
    }
    sg_u64(&g, 7000);
    for (int i = 0; i < 5; i++) {
        sg_u32(&g, (uint32_t)(20 + i));
    }
    sg_u32(&g, 2);
    sg_end(&g);
    sg_begin(&g, 2);
    for (int i = 0; i < 13; i++) {
        sg_u32(&g, (uint32_t)i);
    }
    sg_end(&g);
    sg_begin(&g, 1001);
    sg_u32(&g, 1250);
    sg_u32(&g, 50);
    sg_u32(&g, UINT32_MAX);
    sg_u64(&g, 4096);
    sg_u64(&g, 1024);
    sg_end(&g);
    sg_end(&g);

    struct fdx_decode_cfg cfg;
    fdx_decode_cfg_defaults(&cfg);
    struct fdx_counters *c = calloc(1, sizeof(*c));
    struct fdx_batch *batch = fdx_batch_new(4);
    struct fdx_decode_ctx ctx;
    fdx_decode_ctx_init(&ctx, &cfg, c);
    ctx.sink = (struct fdx_sink){.batch = batch, .swap = no_swap};
    struct fdx_datagram dg = {.data = g.b, .len = g.len};
    CHECK_EQ_U64(fdx_sflow_decode(&ctx, &dg), 1);

    struct fdx_buf b;
    encode(&batch->slot[0], &b);
    CHECK_EQ_STR(b.p,
                 "{\"interface\":{\"index\":12,\"type\":6,\"speed_bps\":1000000000,"
                 "\"direction\":\"full-duplex\",\"admin_status\":\"up\",\"oper_status\":\"down\","
                 "\"promiscuous\":false,\"in\":{\"octets\":5000,\"unicast_packets\":10,"
                 "\"multicast_packets\":11,\"broadcast_packets\":12,\"discards\":13,"
                 "\"errors\":14},\"out\":{\"octets\":7000,\"unicast_packets\":20,"
                 "\"multicast_packets\":21,\"broadcast_packets\":22,\"discards\":23,"
                 "\"errors\":24}},\"sflow\":{\"counters\":{\"source_id_type\":0,"
                 "\"source_id_index\":12,\"ethernet\":{\"alignment_errors\":0,"
                 "\"fcs_errors\":1,\"single_collision_frames\":2,"
                 "\"multiple_collision_frames\":3,\"sqe_test_errors\":4,"
                 "\"deferred_transmissions\":5,\"late_collisions\":6,"
                 "\"excessive_collisions\":7,\"internal_mac_transmit_errors\":8,"
                 "\"carrier_sense_errors\":9,\"frame_too_longs\":10,"
                 "\"internal_mac_receive_errors\":11,\"symbol_errors\":12},"
                 "\"processor\":{\"cpu_5s_pct\":12.5,\"cpu_1m_pct\":0.5,"
                 "\"memory_total_bytes\":4096,\"memory_free_bytes\":1024}}}}");
    fdx_buf_fini(&b);

    /* The whole ECS document: a metric event with the counters and the sFlow identity. */
    struct fdx_doc_batch *d = fdx_doc_batch_new(4, 1 << 16);
    struct fdx_doc_opts o = {.schema = FDX_SCHEMA_ECS, .extra_ies = true};
    CHECK_EQ_U64(fdx_document_encode(d, &batch->slot[0], NULL, &o), 0);
    fdx_buf_putc(&d->body, '\0');
    CHECK_TRUE(strstr(d->body.p, "\"kind\":\"metric\"") != NULL);
    CHECK_TRUE(strstr(d->body.p, "\"action\":\"sflow_counters\"") != NULL);
    CHECK_TRUE(strstr(d->body.p, "\"interface\":{\"index\":12,") != NULL);
    CHECK_TRUE(strstr(d->body.p, "\"agent_address\":\"10.0.0.1\"") != NULL);
    CHECK_TRUE(strstr(d->body.p, "\"source\":") == NULL); /* no flow endpoints */
    fdx_doc_batch_free(d);
    fdx_decode_ctx_fini(&ctx);
    fdx_batch_free(batch);
    free(c);
}

TEST_LIST{
    {"counters_document", test_counters_document},
};

CHECK_MAIN()
