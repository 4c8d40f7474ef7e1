/* Batches: fixed-capacity arrays of slots (flow record + extra IEs + counters + enrichment)
 * that travel through the rings by pointer. Allocated once at start-up from a pool; never
 * allocated per record. A removed record is marked in its slot (drop reason), not moved. */
#ifndef FDX_BATCH_H
#define FDX_BATCH_H

#include <stdint.h>

#include "enrichment.h"
#include "flow.h"

struct fdx_intern;

/* Laid out so that what every record touches comes first and together: the flow record, the
 * drop mark and the enrichment header (the lines a fresh slot clears), then the rest. */
struct fdx_slot {
    struct fdx_flow flow;
    uint8_t dropped; /* enum fdx_drop: a stage removed the record; 0 = live */
    struct fdx_enrichment enr;
    struct fdx_flow_extra extra;
    struct fdx_if_counters ctr; /* meaningful when flow.kind == FDX_KIND_COUNTERS */
    struct fdx_if_names ifn;    /* under FDX_F_IN_IF_NAME / FDX_F_OUT_IF_NAME only */
};

#define FDX_BATCH_CAP_DEFAULT 256

struct fdx_batch {
    uint32_t n;                 /* slots filled */
    uint32_t cap;               /* slots allocated */
    uint32_t pool_id;           /* which pool (producer) it returns to */
    struct fdx_intern *strings; /* worker's intern table; set by the worker before its stages */
    struct fdx_slot slot[];
};

/* Allocates a batch of cap slots. */
struct fdx_batch *fdx_batch_new(uint32_t cap);
void fdx_batch_free(struct fdx_batch *b);

/* Next free slot; NULL when the batch is full. The flow record is zeroed; of the enrichment
 * only present, anonymized, anon_mode and nlabels are: its other fields hold stale data and
 * may be read only under their presence bit (a stage setting a bit writes the whole field).
 * The extra area is empty (n = used = 0), the counters are stale (written in full by the
 * decoder of a counter record). */
struct fdx_slot *fdx_batch_next(struct fdx_batch *b);

/* Copies a live slot into another batch (routing between workers); only the used part of the
 * extra area is copied. The destination must have room. */
void fdx_batch_copy_slot(struct fdx_batch *dst, const struct fdx_slot *src);

#endif
