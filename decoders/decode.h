/* The decoding context: per-thread state every decoder works against (exporters, templates,
 * counters) and the sink its records go to. Owned by exactly one thread (a listener or the
 * replay loop): decoders take no locks and keep no static mutable state. */
#ifndef FDX_DECODE_H
#define FDX_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "batch.h"
#include "counters.h"

/* One received export datagram (or one IPFIX message from a TCP stream or file). */
struct fdx_datagram {
    const uint8_t *data;
    size_t len;
    struct fdx_addr exporter; /* source address of the datagram */
    uint16_t exporter_port;   /* source port */
    int64_t recv_ms;          /* receive time, epoch ms */
};

/* Where decoded records go: slots of the current batch; when it is full, swap() hands it on
 * (ownership passes to the sink's owner) and returns an empty batch, or NULL when none is
 * free (the decoder then counts FDX_DROP_NO_BATCH for the records it cannot store). */
struct fdx_sink {
    struct fdx_batch *batch;
    struct fdx_batch *(*swap)(void *owner, struct fdx_batch *full);
    void *owner;
};

/* Decoder settings (from the configuration; read-only while decoding). */
struct fdx_decode_cfg {
    bool renormalize;              /* bytes/packets × sampling rate (default on) */
    uint32_t max_exporters;        /* exporter table bound */
    uint32_t template_timeout_s;   /* NetFlow v9 / IPFIX-over-UDP template lifetime */
    uint32_t max_templates;        /* global bound on cached templates */
    uint32_t max_templates_per_exporter;
    uint32_t pending_timeout_ms;   /* how long data sets wait for their template */
    uint32_t pending_max_bytes;    /* bound on data held waiting for templates */
};

void fdx_decode_cfg_defaults(struct fdx_decode_cfg *cfg);

struct fdx_exporters;
struct fdx_templates;
struct fdx_pending;

struct fdx_decode_ctx {
    const struct fdx_decode_cfg *cfg;
    struct fdx_counters *counters;   /* the owning thread's block */
    struct fdx_exporters *exporters; /* exporter/domain state */
    struct fdx_templates *templates; /* NetFlow v9 / IPFIX template cache */
    struct fdx_pending *pending;     /* data sets waiting for their template */
    struct fdx_sink sink;
    int64_t now_ms;                  /* set by the owner before each burst (epoch ms) */
    uint32_t rec_index;              /* records taken for the current datagram */
};

/* Creates the per-thread state (exporters, templates, pending sets) for cfg. Returns 0 or
 * -ENOMEM. The sink and counters are the caller's to set. */
int fdx_decode_ctx_init(struct fdx_decode_ctx *ctx, const struct fdx_decode_cfg *cfg,
                        struct fdx_counters *counters);
/* Frees the per-thread state. Does not touch ctx->counters (they may already be gone): data
 * sets still waiting for their template are discarded; call fdx_decode_ctx_drain() first to
 * count them. */
void fdx_decode_ctx_fini(struct fdx_decode_ctx *ctx);

/* Shutdown: counts the data sets still waiting for their template as FDX_DROP_NO_TEMPLATE
 * (one per set) and forgets them. */
void fdx_decode_ctx_drain(struct fdx_decode_ctx *ctx);

/* Periodic housekeeping on the owning thread: template expiry, pending sets that waited too
 * long (counted FDX_DROP_NO_TEMPLATE). */
void fdx_decode_ctx_tick(struct fdx_decode_ctx *ctx, int64_t now_ms);

/* Next free record slot in the sink, or NULL when no batch is free. */
static inline struct fdx_slot *fdx_decode_slot(struct fdx_decode_ctx *ctx)
{
    struct fdx_slot *s = NULL;
    if (ctx->sink.batch != NULL) {
        s = fdx_batch_next(ctx->sink.batch);
    }
    if (s == NULL) {
        ctx->sink.batch = ctx->sink.swap(ctx->sink.owner, ctx->sink.batch);
        if (ctx->sink.batch == NULL) {
            return NULL;
        }
        s = fdx_batch_next(ctx->sink.batch);
    }
    s->flow.rec_index = (uint16_t)ctx->rec_index++;
    return s;
}

/* Gives back the slot most recently taken (a record that turned out to be malformed). */
static inline void fdx_decode_unslot(struct fdx_decode_ctx *ctx)
{
    ctx->sink.batch->n--;
    ctx->rec_index--;
}

/* Counts one refused datagram; returns 0 so decoders can `return fdx_decode_drop(...)`. */
static inline size_t fdx_decode_drop(struct fdx_decode_ctx *ctx, enum fdx_drop why)
{
    fdx_counter_add(&ctx->counters->dgram_drop[why], 1);
    return 0;
}

static inline void fdx_decode_count(struct fdx_decode_ctx *ctx, enum fdx_drop why, uint64_t n)
{
    fdx_counter_add(&ctx->counters->record_drop[why], n);
}

#endif
