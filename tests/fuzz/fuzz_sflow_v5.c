/* libFuzzer target: one sFlow v5 datagram through the decoder, with exporter state kept
 * across inputs (sequence tracking) and the batch reset per input. */
#include <stdlib.h>

#include "sflow_v5.h"

static struct fdx_batch *no_swap(void *owner, struct fdx_batch *full)
{
    (void)owner;
    (void)full;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct fdx_decode_cfg cfg;
    static struct fdx_counters *counters;
    static struct fdx_batch *batch;
    static struct fdx_decode_ctx ctx;
    if (batch == NULL) {
        fdx_decode_cfg_defaults(&cfg);
        cfg.max_exporters = 64;
        counters = calloc(1, sizeof(*counters));
        batch = fdx_batch_new(FDX_SFLOW_MAX_SAMPLES);
        if (counters == NULL || batch == NULL || fdx_decode_ctx_init(&ctx, &cfg, counters)) {
            abort();
        }
    }
    batch->n = 0;
    ctx.sink = (struct fdx_sink){.batch = batch, .swap = no_swap};
    ctx.rec_index = 0;
    struct fdx_datagram dg = {.data = data, .len = size};
    size_t n = fdx_sflow_decode(&ctx, &dg);
    if (n > batch->n) {
        abort(); /* every record returned must be in the batch */
    }
    return 0;
}
