/* The worker threads (stage chain + document encoding) and the output thread (hands doc
 * batches to every output, respecting -EAGAIN back-pressure). Each thread owns its state;
 * they meet only through the SPSC rings and the _Atomic flags of pipeline_impl.h. */
#include <errno.h>
#include <time.h>

#include "document.h"
#include "log.h"
#include "pipeline_impl.h"
#include "timeconv.h"

void fdx__pipeline_idle(void)
{
    struct timespec ts = {0, 500 * 1000};
    nanosleep(&ts, NULL);
}

/* An idle worker sleeps until a producer, the output thread or the control path wakes it;
 * the timeout is only a safety net. */
#define WORKER_PARK_NS (100L * 1000 * 1000)
/* The output thread also polls outputs that have I/O in flight or timers while idle: it sleeps
 * 50 µs after the first empty pass, doubling up to 6.4 ms, unless a worker wakes it first.
 * With only outputs that have nothing on a clock (no poll), it sleeps until woken: each timed
 * wake-up costs a context switch and a timer, as much as a batch of documents to /dev/null. */
#define OUTPUT_PARK_FIRST_NS 50000L
#define OUTPUT_PARK_MAX_SHIFT 7
#define OUTPUT_IDLE_NS WORKER_PARK_NS
/* A worker waiting for a free doc batch: woken when the output thread returns one. */
#define DOC_WAIT_NS (1000L * 1000)

void fdx__pipeline_wake_all(struct fdx_pipeline *p)
{
    for (unsigned i = 0; p->work != NULL && i < p->nwork; i++) {
        fdx_wake_notify(&p->work[i].wake);
    }
    fdx_wake_notify(&p->out_wake);
}

static bool all_producers_finished(struct fdx_pipeline *p)
{
    for (unsigned i = 0; i < p->nprod; i++) {
        /* Acquire pairs with the release store in fdx_producer_finish(). */
        if (!atomic_load_explicit(&p->prod[i].finished, memory_order_acquire)) {
            return false;
        }
    }
    return true;
}

static void reclaim_docs(struct fdx_worker *wk)
{
    void *items[16];
    unsigned n;
    while ((n = fdx_ring_pop_burst(&wk->from_out, items, 16)) > 0) {
        for (unsigned i = 0; i < n; i++) {
            wk->docs_free[wk->ndocs_free++] = items[i];
        }
    }
}

/* A free doc batch; waits up to output_wait (lossless: until the output takes one). */
static struct fdx_doc_batch *get_doc(struct fdx_worker *wk)
{
    struct fdx_pipeline *p = wk->p;
    reclaim_docs(wk);
    int64_t until = fdx_time_mono_ms() + (int64_t)p->cfg->core.output_wait;
    while (wk->ndocs_free == 0 && !fdx__pipeline_aborted(p) &&
           (p->lossless || fdx_time_mono_ms() < until)) {
        uint32_t ticket = fdx_wake_prepare(&wk->wake);
        reclaim_docs(wk);
        if (wk->ndocs_free > 0) {
            fdx_wake_cancel(&wk->wake);
            break;
        }
        fdx_wake_wait(&wk->wake, ticket, DOC_WAIT_NS);
        reclaim_docs(wk);
    }
    if (wk->ndocs_free == 0) {
        return NULL;
    }
    struct fdx_doc_batch *d = wk->docs_free[--wk->ndocs_free];
    fdx_doc_batch_reset(d);
    d->pool_id = wk->id;
    return d;
}

static void push_docs(struct fdx_worker *wk)
{
    if (wk->cur == NULL || wk->cur->n == 0) {
        return;
    }
    void *item = wk->cur;
    /* The ring holds the whole doc pool, so there is always room. */
    unsigned n = fdx_ring_push_burst(&wk->to_out, &item, 1);
    FDX_ASSERT(n == 1);
    fdx_wake_notify(&wk->p->out_wake);
    fdx_counter_add(&wk->docs_encoded, wk->cur->n);
    wk->cur = NULL;
}

static void encode_slot(struct fdx_worker *wk, const struct fdx_slot *s, struct fdx_intern *st)
{
    const struct fdx_doc_opts *o = &wk->p->cfg->doc;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (wk->cur == NULL) {
            wk->cur = get_doc(wk);
            if (wk->cur == NULL) {
                fdx_counter_add(&wk->counters.record_drop[FDX_DROP_OUTPUT_FULL], 1);
                return;
            }
        }
        int rc = fdx_document_encode(wk->cur, s, st, o);
        if (rc == 0) {
            if (wk->cur->n == wk->cur->cap) {
                push_docs(wk);
            }
            return;
        }
        if (wk->cur->n == 0) {
            break; /* does not fit even an empty doc batch */
        }
        push_docs(wk);
    }
    fdx_counter_add(&wk->counters.record_drop[FDX_DROP_OUTPUT_ERROR], 1);
}

static void check_reload(struct fdx_worker *wk)
{
    struct fdx_pipeline *p = wk->p;
    /* Acquire pairs with the release store in fdx_pipeline_reload(): reload_cfg is set. */
    unsigned gen = atomic_load_explicit(&p->reload_gen, memory_order_acquire);
    if (gen == wk->reload_seen) {
        return;
    }
    wk->reload_seen = gen;
    const struct fdx_config *cfg = atomic_load_explicit(&p->reload_cfg, memory_order_acquire);
    for (size_t i = 0; i < cfg->nstages; i++) {
        const struct fdx_stage_ops *ops = p->cfg->stages[i].ops;
        struct fdx_err err = {""};
        if (ops->reload != NULL && ops->reload(wk->stage_self[i], cfg->stages[i].conf, &err)) {
            fdx_error("worker %u: stage %s: reload refused, keeping the old state: %s", wk->id,
                      ops->name, err.msg);
        }
    }
}

static void process_batch(struct fdx_worker *wk, struct fdx_batch *b)
{
    const struct fdx_config *cfg = wk->p->cfg;
    fdx_counter_add(&wk->records_in, b->n);
    b->strings = wk->strings;
    for (size_t i = 0; i < cfg->nstages; i++) {
        cfg->stages[i].ops->process(wk->stage_self[i], b);
    }
    for (uint32_t i = 0; i < b->n; i++) {
        if (b->slot[i].dropped == 0) {
            encode_slot(wk, &b->slot[i], wk->strings);
        }
    }
}

/* One pass over every input ring; returns true when it found work. */
static bool worker_pass(struct fdx_worker *wk)
{
    struct fdx_pipeline *p = wk->p;
    bool busy = false;
    for (unsigned pi = 0; pi < p->nprod; pi++) {
        void *items[16];
        unsigned n = fdx_ring_pop_burst(fdx__pipeline_fwd(p, pi, wk->id), items, 16);
        for (unsigned i = 0; i < n; i++) {
            process_batch(wk, items[i]);
            /* The reverse ring holds the producer's whole pool: always room. */
            unsigned ok = fdx_ring_push_burst(fdx__pipeline_back(p, pi, wk->id), &items[i], 1);
            FDX_ASSERT(ok == 1);
            /* A producer waiting for room is woken every few batches and at the end of the
             * burst, not for each one: fewer context switches, and it still never starves. */
            if ((i & 3) == 3 || i + 1 == n) {
                fdx_wake_notify(&p->prod[pi].wake);
            }
        }
        busy |= n > 0;
    }
    return busy;
}

/* True when something is waiting for the worker: a batch in one of its rings, the end of
 * every producer, an abort or a reload. */
static bool worker_wanted(struct fdx_worker *wk)
{
    struct fdx_pipeline *p = wk->p;
    for (unsigned pi = 0; pi < p->nprod; pi++) {
        if (fdx_ring_count(fdx__pipeline_fwd(p, pi, wk->id)) > 0) {
            return true;
        }
    }
    /* Relaxed: a hint only; the main loop reads the generation again with acquire. */
    return all_producers_finished(p) || fdx__pipeline_aborted(p) ||
           atomic_load_explicit(&p->reload_gen, memory_order_relaxed) != wk->reload_seen;
}

static void worker_park(struct fdx_worker *wk)
{
    uint32_t ticket = fdx_wake_prepare(&wk->wake);
    if (worker_wanted(wk)) {
        fdx_wake_cancel(&wk->wake);
        return;
    }
    fdx_wake_wait(&wk->wake, ticket, WORKER_PARK_NS);
}

void *fdx__pipeline_worker_main(void *arg)
{
    struct fdx_worker *wk = arg;
    struct fdx_pipeline *p = wk->p;
    for (;;) {
        check_reload(wk);
        /* Read the flag before the pass: a pass that starts after every producer finished
         * sees all of their batches, so an empty pass then means the end. */
        bool finished = all_producers_finished(p);
        if (worker_pass(wk)) {
            continue;
        }
        push_docs(wk); /* idle: hand on what is encoded, for latency */
        if (finished || fdx__pipeline_aborted(p)) {
            break;
        }
        worker_park(wk);
    }
    push_docs(wk);
    /* Release pairs with the acquire load in all_workers_done(). */
    atomic_store_explicit(&wk->done, true, memory_order_release);
    fdx_wake_notify(&p->out_wake);
    return NULL;
}

/* Output thread. */

static bool all_workers_done(struct fdx_pipeline *p)
{
    for (unsigned i = 0; i < p->nwork; i++) {
        /* Acquire pairs with the release store at the end of fdx__pipeline_worker_main(). */
        if (!atomic_load_explicit(&p->work[i].done, memory_order_acquire)) {
            return false;
        }
    }
    return true;
}

static void deliver(struct fdx_pipeline *p, const struct fdx_doc_batch *d)
{
    bool lost = false;
    for (size_t o = 0; o < p->cfg->noutputs; o++) {
        const struct fdx_output_ops *ops = p->cfg->outputs[o].ops;
        int rc;
        while ((rc = ops->submit(p->out_self[o], d)) == -EAGAIN) {
            if (fdx__pipeline_aborted(p)) {
                fdx_counter_add(&p->out_counters.record_drop[FDX_DROP_OUTPUT_FULL], d->n);
                lost = true;
                break;
            }
            if (ops->poll == NULL) {
                rc = -EIO; /* outside the contract: without poll nothing would change */
                break;
            }
            ops->poll(p->out_self[o], 10);
        }
        if (rc != 0 && rc != -EAGAIN) {
            fdx_counter_add(&p->out_counters.record_drop[FDX_DROP_OUTPUT_ERROR], d->n);
            lost = true;
        }
    }
    if (!lost) {
        fdx_counter_add(&p->docs_written, d->n);
    }
}

static void output_reload(struct fdx_pipeline *p)
{
    /* Acquire pairs with the release store in fdx_pipeline_reload(). */
    unsigned gen = atomic_load_explicit(&p->reload_gen, memory_order_acquire);
    if (gen == p->out_reload_seen) {
        return;
    }
    p->out_reload_seen = gen;
    for (size_t o = 0; o < p->cfg->noutputs; o++) {
        const struct fdx_output_ops *ops = p->cfg->outputs[o].ops;
        if (ops->reopen != NULL && ops->reopen(p->out_self[o]) != 0) {
            fdx_error("output %s: reopen failed; it keeps its old state", ops->name);
        }
    }
}

static bool output_pass(struct fdx_pipeline *p)
{
    bool busy = false;
    for (unsigned w = 0; w < p->nwork; w++) {
        struct fdx_worker *wk = &p->work[w];
        void *items[8];
        unsigned n;
        while ((n = fdx_ring_pop_burst(&wk->to_out, items, 8)) > 0) {
            for (unsigned i = 0; i < n; i++) {
                deliver(p, items[i]);
                unsigned ok = fdx_ring_push_burst(&wk->from_out, &items[i], 1);
                FDX_ASSERT(ok == 1); /* the reverse ring holds the worker's whole doc pool */
            }
            fdx_wake_notify(&wk->wake);
            busy = true;
        }
    }
    return busy;
}

/* True when a worker handed on documents or finished, or the pipeline aborts or reloads. */
static bool output_wanted(struct fdx_pipeline *p)
{
    for (unsigned w = 0; w < p->nwork; w++) {
        if (fdx_ring_count(&p->work[w].to_out) > 0) {
            return true;
        }
    }
    /* Relaxed: a hint only; the main loop reads the generation again with acquire. */
    return all_workers_done(p) || fdx__pipeline_aborted(p) ||
           atomic_load_explicit(&p->reload_gen, memory_order_relaxed) != p->out_reload_seen;
}

/* Sleeps OUTPUT_PARK_FIRST_NS << min(*passes, max) unless woken; *passes counts empty passes
 * and is reset by the main loop when a pass finds work. */
static void output_park(struct fdx_pipeline *p, unsigned *passes)
{
    unsigned shift = *passes < OUTPUT_PARK_MAX_SHIFT ? *passes : OUTPUT_PARK_MAX_SHIFT;
    (*passes)++;
    bool timed = false;
    for (size_t o = 0; o < p->cfg->noutputs; o++) {
        timed |= p->cfg->outputs[o].ops->poll != NULL;
    }
    uint32_t ticket = fdx_wake_prepare(&p->out_wake);
    if (output_wanted(p)) {
        fdx_wake_cancel(&p->out_wake);
        return;
    }
    fdx_wake_wait(&p->out_wake, ticket, timed ? OUTPUT_PARK_FIRST_NS << shift : OUTPUT_IDLE_NS);
}

void *fdx__pipeline_output_main(void *arg)
{
    struct fdx_pipeline *p = arg;
    unsigned idle = 0;
    for (;;) {
        output_reload(p);
        bool done = all_workers_done(p);
        if (output_pass(p)) {
            idle = 0;
            continue;
        }
        if (done || fdx__pipeline_aborted(p)) {
            break;
        }
        for (size_t o = 0; o < p->cfg->noutputs; o++) {
            if (p->cfg->outputs[o].ops->poll != NULL) {
                p->cfg->outputs[o].ops->poll(p->out_self[o], 0);
            }
        }
        output_park(p, &idle);
    }
    int64_t deadline = atomic_load_explicit(&p->deadline_ms, memory_order_relaxed);
    if (deadline == 0) {
        deadline = fdx_time_mono_ms() + (int64_t)p->cfg->core.shutdown_timeout;
    }
    for (size_t o = 0; o < p->cfg->noutputs; o++) {
        const struct fdx_output_ops *ops = p->cfg->outputs[o].ops;
        if (ops->flush(p->out_self[o], deadline) != 0) {
            fdx_error("output %s: flush did not finish before the shutdown deadline", ops->name);
        }
    }
    /* Release pairs with the acquire load in fdx_pipeline_drain(). */
    atomic_store_explicit(&p->out_done, true, memory_order_release);
    return NULL;
}
