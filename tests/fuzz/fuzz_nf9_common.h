/* Shared set-up of the NetFlow v9 and IPFIX fuzz targets: one decode context kept across
 * inputs (so templates learnt from one input decode the data of the next), with small
 * bounds so that template and pending state cannot grow without limit. */
#ifndef FDX_FUZZ_NF9_COMMON_H
#define FDX_FUZZ_NF9_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "decode.h"

static struct fdx_batch *fuzz_recycle(void *owner, struct fdx_batch *full)
{
    (void)owner;
    full->n = 0;
    return full;
}

static struct fdx_decode_ctx *fuzz_ctx(void)
{
    static struct fdx_decode_cfg cfg;
    static struct fdx_counters counters;
    static struct fdx_decode_ctx ctx;
    static int ready;
    if (!ready) {
        fdx_decode_cfg_defaults(&cfg);
        cfg.max_templates = 256;
        cfg.max_templates_per_exporter = 64;
        cfg.pending_max_bytes = 1u << 20;
        if (fdx_decode_ctx_init(&ctx, &cfg, &counters) != 0) {
            abort();
        }
        ctx.sink.batch = fdx_batch_new(64);
        ctx.sink.swap = fuzz_recycle;
        ctx.now_ms = 1700000000000;
        ready = 1;
    }
    /* Time moves on, so expiry paths run too. */
    ctx.now_ms += 1000;
    if ((ctx.now_ms / 1000) % 64 == 0) {
        fdx_decode_ctx_tick(&ctx, ctx.now_ms);
    }
    return &ctx;
}

static void fuzz_datagram(struct fdx_decode_ctx *ctx, const uint8_t *data, size_t size,
                          uint32_t exporter)
{
    struct fdx_datagram dg;
    memset(&dg, 0, sizeof(dg));
    dg.data = data;
    dg.len = size;
    fdx_addr_set_v4_u32(&dg.exporter, exporter);
    dg.exporter_port = 2055;
    dg.recv_ms = ctx->now_ms;
    ctx->rec_index = 0;
    fdx_dispatch_datagram(ctx, &dg);
}

#endif
