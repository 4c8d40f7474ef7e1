/* Batch allocation and slot handling. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

#include "compiler.h"

struct fdx_batch *fdx_batch_new(uint32_t cap)
{
    struct fdx_batch *b = calloc(1, sizeof(*b) + (size_t)cap * sizeof(struct fdx_slot));
    if (b != NULL) {
        b->cap = cap;
    }
    return b;
}

void fdx_batch_free(struct fdx_batch *b)
{
    free(b);
}

struct fdx_slot *fdx_batch_next(struct fdx_batch *b)
{
    if (b->n >= b->cap) {
        return NULL;
    }
    struct fdx_slot *s = &b->slot[b->n++];
    /* Clear what decoders and stages read. The flow record is cleared whole: decoders set
     * only what they saw, and fields without a presence bit (exporter, domain_id …) mean
     * "none" when zero. Of the enrichment only the header is cleared: every other field is
     * read only under its presence bit (or below nlabels), and is written in full with it.
     * The extra data bytes are valid only up to used. */
    memset(&s->flow, 0, sizeof(s->flow));
    s->enr.present = 0;
    s->enr.anonymized = 0;
    s->enr.anon_mode = 0;
    s->enr.nlabels = 0;
    s->extra.n = 0;
    s->extra.used = 0;
    s->dropped = 0;
    return s;
}

void fdx_batch_copy_slot(struct fdx_batch *dst, const struct fdx_slot *src)
{
    FDX_ASSERT(dst->n < dst->cap);
    struct fdx_slot *d = &dst->slot[dst->n++];
    d->flow = src->flow;
    if (src->enr.present != 0 || src->enr.nlabels != 0 || src->enr.anonymized != 0) {
        d->enr = src->enr;
    } else {
        /* Not enriched yet (routing happens before the stages): the header is all there is. */
        d->enr.present = 0;
        d->enr.anonymized = src->enr.anonymized;
        d->enr.anon_mode = src->enr.anon_mode;
        d->enr.nlabels = 0;
    }
    d->dropped = src->dropped;
    d->extra.n = src->extra.n;
    d->extra.used = src->extra.used;
    memcpy(d->extra.ie, src->extra.ie, src->extra.n * sizeof(src->extra.ie[0]));
    memcpy(d->extra.data, src->extra.data, src->extra.used);
    if (src->flow.kind == FDX_KIND_COUNTERS) {
        d->ctr = src->ctr;
    }
    if (src->flow.present & (FDX_BIT(FDX_F_IN_IF_NAME) | FDX_BIT(FDX_F_OUT_IF_NAME))) {
        d->ifn = src->ifn;
    }
}
