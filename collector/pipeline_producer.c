/* Producer side of the pipeline: the decode sink, routing by flow-key hash, pushing batches
 * to the workers and taking them back. Runs on the producer's thread only; never allocates
 * after init, never blocks indefinitely unless the pipeline is lossless (replay) or the
 * producer reads a stream (IPFIX over TCP: fdx_producer_set_lossless). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline_impl.h"
#include "timeconv.h"

/* Takes back every batch the workers returned. */
static void reclaim(struct fdx_producer *pr)
{
    struct fdx_pipeline *p = pr->p;
    for (unsigned w = 0; w < p->nwork; w++) {
        void *items[32];
        unsigned n;
        while ((n = fdx_ring_pop_burst(fdx__pipeline_back(p, pr->id, w), items, 32)) > 0) {
            pr->inflight[w] -= n;
            for (unsigned i = 0; i < n; i++) {
                pr->free[pr->nfree++] = items[i];
            }
        }
    }
}

/* True while the producer may keep waiting for room: always in lossless mode (until the
 * drain gives up), otherwise until listener_wait after the wait began. The deadline is
 * cleared when room is seen again (fdx_producer_backpressure), so each congestion episode
 * gets one bounded wait, during which the socket buffer holds what arrives. */
static bool wait_more(struct fdx_producer *pr)
{
    if (pr->lossless) {
        return !fdx__pipeline_aborted(pr->p);
    }
    int64_t now = fdx_time_mono_ms();
    if (pr->wait_deadline_ms == 0) {
        pr->wait_deadline_ms = now + (int64_t)pr->p->cfg->core.listener_wait;
    }
    return now < pr->wait_deadline_ms;
}

/* A producer waiting for room sleeps at most this long between two looks (it is woken as
 * soon as a worker returns a batch). */
#define PRODUCER_PARK_NS (1000L * 1000)

static bool ring_room(struct fdx_producer *pr, unsigned w)
{
    const struct fdx_ring *r = fdx__pipeline_fwd(pr->p, pr->id, w);
    return fdx_ring_count(r) < fdx_ring_capacity(r);
}

/* True when the producer can go on. w >= 0: room in the ring to worker w; w == -1: a free
 * batch (after taking back the returned ones); w == -2: a free batch and room in every ring
 * (what fdx_producer_backpressure asks). */
static bool has_room(struct fdx_producer *pr, int w)
{
    if (w >= 0) {
        return ring_room(pr, (unsigned)w);
    }
    reclaim(pr);
    bool room = pr->nfree > 0;
    for (unsigned i = 0; room && w == -2 && i < pr->p->nwork; i++) {
        room = ring_room(pr, i);
    }
    return room;
}

/* Sleeps until a worker returns a batch (or PRODUCER_PARK_NS), unless there is room already. */
static void park(struct fdx_producer *pr, int w)
{
    uint32_t ticket = fdx_wake_prepare(&pr->wake);
    if (has_room(pr, w)) {
        fdx_wake_cancel(&pr->wake);
        return;
    }
    fdx_wake_wait(&pr->wake, ticket, PRODUCER_PARK_NS);
}

/* A free batch, or NULL when the pool stays empty (counted by the caller as no_batch). */
static struct fdx_batch *get_free(struct fdx_producer *pr)
{
    if (pr->nfree == 0) {
        reclaim(pr);
    }
    while (pr->nfree == 0 && wait_more(pr)) {
        park(pr, -1);
        reclaim(pr);
    }
    if (pr->nfree == 0) {
        return NULL;
    }
    struct fdx_batch *b = pr->free[--pr->nfree];
    b->n = 0;
    b->pool_id = pr->id;
    return b;
}

/* Hands b to worker w. When the ring stays full its records are counted as ring_full and
 * the batch goes back to the free stack. */
static void push(struct fdx_producer *pr, unsigned w, struct fdx_batch *b)
{
    struct fdx_ring *r = fdx__pipeline_fwd(pr->p, pr->id, w);
    void *item = b;
    while (fdx_ring_push_burst(r, &item, 1) == 0) {
        if (!wait_more(pr)) {
            fdx_counter_add(&pr->counters.record_drop[FDX_DROP_RING_FULL], b->n);
            b->n = 0;
            pr->free[pr->nfree++] = b;
            return;
        }
        park(pr, (int)w);
    }
    pr->inflight[w]++;
    fdx_wake_notify(&pr->p->work[w].wake);
}

/* Flow-key hash: records with the same key always go to the same worker. */
static uint64_t flow_key_hash(const struct fdx_flow *f)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    const struct fdx_addr *a[3] = {&f->src, &f->dst, &f->exporter};
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 16; i += 8) {
            uint64_t v;
            memcpy(&v, a[k]->b + i, 8);
            h = (h ^ v) * 0x100000001b3ULL;
            h ^= h >> 29;
        }
    }
    h = (h ^ ((uint64_t)f->src_port << 24 | (uint64_t)f->dst_port << 8 | f->ip_proto)) *
        0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    return h;
}

/* Routing mode: spreads the staging batch over the per-worker outgoing batches. */
static void distribute(struct fdx_producer *pr)
{
    struct fdx_pipeline *p = pr->p;
    struct fdx_batch *st = pr->staging;
    for (uint32_t i = 0; i < st->n; i++) {
        const struct fdx_slot *s = &st->slot[i];
        unsigned w = (unsigned)(flow_key_hash(&s->flow) % p->nwork);
        if (pr->out[w] == NULL) {
            pr->out[w] = get_free(pr);
            if (pr->out[w] == NULL) {
                fdx_counter_add(&pr->counters.record_drop[FDX_DROP_NO_BATCH], 1);
                continue;
            }
        }
        fdx_batch_copy_slot(pr->out[w], s);
        if (pr->out[w]->n == pr->out[w]->cap) {
            push(pr, w, pr->out[w]);
            pr->out[w] = NULL;
        }
    }
    st->n = 0;
}

static struct fdx_batch *swap_routed(void *owner, struct fdx_batch *full)
{
    struct fdx_producer *pr = owner;
    (void)full; /* always the staging batch */
    distribute(pr);
    return pr->staging;
}

static struct fdx_batch *swap_direct(void *owner, struct fdx_batch *full)
{
    struct fdx_producer *pr = owner;
    if (full != NULL) {
        if (full->n == 0) {
            return full;
        }
        push(pr, 0, full);
    }
    return get_free(pr);
}

/* Lossless producers (replay) wait for room instead of dropping, so a deep pool only holds
 * records that wait anyway, and cycles through more memory than the caches hold: a few
 * batches per worker keep every worker fed. */
#define LOSSLESS_POOL_PER_WORKER 4

int fdx__pipeline_producer_init(struct fdx_pipeline *p, struct fdx_producer *pr, unsigned id)
{
    const struct fdx_core_conf *c = &p->cfg->core;
    uint32_t count = (uint32_t)c->batch_count;
    if (p->lossless && count > LOSSLESS_POOL_PER_WORKER * (p->nwork + 1)) {
        count = LOSSLESS_POOL_PER_WORKER * (p->nwork + 1);
    }
    pr->p = p;
    pr->id = id;
    pr->lossless = p->lossless;
    atomic_init(&pr->finished, false);
    fdx_wake_init(&pr->wake);
    pr->all = calloc(count, sizeof(*pr->all));
    pr->free = calloc(count, sizeof(*pr->free));
    pr->inflight = calloc(p->nwork, sizeof(*pr->inflight));
    if (pr->all == NULL || pr->free == NULL || pr->inflight == NULL) {
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < count; i++) {
        pr->all[i] = fdx_batch_new((uint32_t)c->batch_size);
        if (pr->all[i] == NULL) {
            return -ENOMEM;
        }
        pr->nall = i + 1;
        pr->all[i]->pool_id = id;
        pr->free[pr->nfree++] = pr->all[i];
    }
    if (p->nwork > 1) {
        pr->staging = fdx_batch_new((uint32_t)c->batch_size);
        pr->out = calloc(p->nwork, sizeof(*pr->out));
        if (pr->staging == NULL || pr->out == NULL) {
            return -ENOMEM;
        }
    }
    return 0;
}

void fdx__pipeline_producer_fini(struct fdx_producer *pr)
{
    for (uint32_t i = 0; pr->all != NULL && i < pr->nall; i++) {
        fdx_batch_free(pr->all[i]);
    }
    free(pr->all);
    free(pr->free);
    free(pr->inflight);
    fdx_batch_free(pr->staging);
    free(pr->out);
}

struct fdx_counters *fdx_producer_counters(struct fdx_producer *pr)
{
    return &pr->counters;
}

void fdx_producer_bind(struct fdx_producer *pr, struct fdx_decode_ctx *ctx)
{
    pr->ctx = ctx;
    ctx->sink.owner = pr;
    if (pr->p->nwork > 1) {
        ctx->sink.swap = swap_routed;
        ctx->sink.batch = pr->staging;
    } else {
        ctx->sink.swap = swap_direct;
        ctx->sink.batch = get_free(pr);
    }
}

void fdx_producer_flush(struct fdx_producer *pr)
{
    struct fdx_decode_ctx *ctx = pr->ctx;
    if (pr->p->nwork > 1) {
        distribute(pr);
        for (unsigned w = 0; w < pr->p->nwork; w++) {
            if (pr->out[w] != NULL) {
                push(pr, w, pr->out[w]);
                pr->out[w] = NULL;
            }
        }
        return;
    }
    if (ctx->sink.batch != NULL && ctx->sink.batch->n > 0) {
        push(pr, 0, ctx->sink.batch);
        ctx->sink.batch = get_free(pr);
    }
}

void fdx_producer_flush_idle(struct fdx_producer *pr)
{
    struct fdx_decode_ctx *ctx = pr->ctx;
    reclaim(pr); /* a worker that gave back every batch it had is idle, or about to be */
    if (pr->p->nwork > 1) {
        distribute(pr);
        for (unsigned w = 0; w < pr->p->nwork; w++) {
            if (pr->out[w] != NULL && pr->inflight[w] == 0) {
                push(pr, w, pr->out[w]);
                pr->out[w] = NULL;
            }
        }
        return;
    }
    if (ctx->sink.batch != NULL && ctx->sink.batch->n > 0 && pr->inflight[0] == 0) {
        push(pr, 0, ctx->sink.batch);
        ctx->sink.batch = get_free(pr);
    }
}

void fdx_producer_finish(struct fdx_producer *pr)
{
    fdx_producer_flush(pr);
    /* Release pairs with the acquire load in all_finished() (pipeline_threads.c): every push
     * above is visible to a worker that sees the flag. */
    atomic_store_explicit(&pr->finished, true, memory_order_release);
    fdx__pipeline_wake_all(pr->p);
}

void fdx_producer_park(struct fdx_producer *pr)
{
    park(pr, -2);
}

bool fdx_producer_backpressure(struct fdx_producer *pr)
{
    return !fdx_producer_room(pr) && wait_more(pr);
}

bool fdx_producer_room(struct fdx_producer *pr)
{
    bool room = has_room(pr, -2);
    if (room) {
        pr->wait_deadline_ms = 0;
    }
    return room;
}

void fdx_producer_set_lossless(struct fdx_producer *pr)
{
    pr->lossless = true;
}

void fdx_producer_set_connections(struct fdx_producer *pr, uint64_t open)
{
    /* Relaxed: a single-writer gauge read by metrics. */
    atomic_store_explicit(&pr->connections, open, memory_order_relaxed);
}

void fdx_producer_set_kernel_drops(struct fdx_producer *pr, uint64_t drops)
{
    /* Relaxed: a single-writer gauge read by metrics. */
    atomic_store_explicit(&pr->kernel_drops, drops, memory_order_relaxed);
}
