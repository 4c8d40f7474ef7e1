/* A decode context wired to one batch, for decoder unit tests and fuzz targets: feed a
 * datagram, read the records from batch->slot[0..n), read the counters. No threads. */
#ifndef FDX_DECODE_HARNESS_H
#define FDX_DECODE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "counters.h"
#include "decode.h"

struct fdx_harness {
    struct fdx_decode_cfg cfg; /* defaults; a test may change it before feeding */
    struct fdx_counters counters;
    struct fdx_decode_ctx ctx;
    struct fdx_batch *batch; /* one batch; when full, further records count as no_batch */
    bool ticked;             /* housekeeping ran at least once */
    int64_t tick_ms;         /* input time of the last housekeeping run */
};

#define FDX_HARNESS_TICK_MS 1000

/* Returns 0 or -ENOMEM. */
int fdx_harness_init(struct fdx_harness *h, uint32_t batch_cap);
void fdx_harness_fini(struct fdx_harness *h);

/* Empties the batch, then decodes one datagram from exporter (IPv4/IPv6 literal) received
 * at recv_ms, through the protocol dispatcher. Housekeeping (template and pending-set
 * expiry) runs when recv_ms moved by a second or more since its last run, or went back.
 * Returns the records produced. */
size_t fdx_harness_feed(struct fdx_harness *h, const uint8_t *data, size_t len,
                        const char *exporter, int64_t recv_ms);

/* Zeroes every counter (exporter and template state are kept). */
void fdx_harness_reset_counters(struct fdx_harness *h);

/* Sum of datagram and record drops over every reason. */
uint64_t fdx_harness_drops(const struct fdx_harness *h);

#endif
