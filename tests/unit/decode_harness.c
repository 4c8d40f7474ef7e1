/* Decode context + one batch, for tests. */
#include "decode_harness.h"

#include <errno.h>
#include <string.h>

#include "addr.h"
#include "dispatch.h"

/* Only one batch: when it is full there is none to swap in (records count as no_batch). */
static struct fdx_batch *no_more_batches(void *owner, struct fdx_batch *full)
{
    (void)owner;
    (void)full;
    return NULL;
}

int fdx_harness_init(struct fdx_harness *h, uint32_t batch_cap)
{
    memset(h, 0, sizeof(*h));
    fdx_decode_cfg_defaults(&h->cfg);
    h->batch = fdx_batch_new(batch_cap);
    if (h->batch == NULL) {
        return -ENOMEM;
    }
    int rc = fdx_decode_ctx_init(&h->ctx, &h->cfg, &h->counters);
    if (rc != 0) {
        fdx_batch_free(h->batch);
        h->batch = NULL;
        return rc;
    }
    h->ctx.sink.swap = no_more_batches;
    return 0;
}

void fdx_harness_fini(struct fdx_harness *h)
{
    fdx_decode_ctx_fini(&h->ctx);
    fdx_batch_free(h->batch);
    h->batch = NULL;
}

size_t fdx_harness_feed(struct fdx_harness *h, const uint8_t *data, size_t len,
                        const char *exporter, int64_t recv_ms)
{
    struct fdx_datagram dg = {.data = data, .len = len, .exporter_port = 40000,
                              .recv_ms = recv_ms};
    if (fdx_addr_parse(exporter, &dg.exporter) != 0) {
        memset(&dg.exporter, 0, sizeof(dg.exporter));
    }
    h->batch->n = 0;
    h->ctx.sink.batch = h->batch;
    /* Housekeeping as a collector's timer runs it: at most once per second of input time
     * (a sweep per datagram would make every decode cost a walk of the template cache). */
    if (!h->ticked || recv_ms - h->tick_ms >= FDX_HARNESS_TICK_MS || recv_ms < h->tick_ms) {
        fdx_decode_ctx_tick(&h->ctx, recv_ms);
        h->ticked = true;
        h->tick_ms = recv_ms;
    }
    h->ctx.now_ms = recv_ms;
    return fdx_dispatch_datagram(&h->ctx, &dg);
}

void fdx_harness_reset_counters(struct fdx_harness *h)
{
    memset(&h->counters, 0, sizeof(h->counters));
}

uint64_t fdx_harness_drops(const struct fdx_harness *h)
{
    uint64_t n = 0;
    for (int i = 0; i < FDX_DROP__COUNT; i++) {
        n += fdx_counter_get(&h->counters.dgram_drop[i]) +
             fdx_counter_get(&h->counters.record_drop[i]);
    }
    return n;
}
