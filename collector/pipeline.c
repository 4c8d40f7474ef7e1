/* Pipeline set-up, start, drain, reload requests and the readers of its counters. The data
 * path itself is in pipeline_producer.c and pipeline_threads.c. */
#include "pipeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pipeline_impl.h"
#include "timeconv.h"

/* Zeroed memory aligned for the cache-line aligned counter blocks and rings. */
static void *zalloc_aligned(size_t n, size_t size)
{
    size_t bytes = n * size;
    bytes = (bytes + FDX_CACHELINE - 1) / FDX_CACHELINE * FDX_CACHELINE;
    void *v = aligned_alloc(FDX_CACHELINE, bytes ? bytes : FDX_CACHELINE);
    if (v != NULL) {
        memset(v, 0, bytes ? bytes : FDX_CACHELINE);
    }
    return v;
}

static int init_worker(struct fdx_pipeline *p, struct fdx_worker *wk, unsigned id,
                       struct fdx_err *err)
{
    const struct fdx_config *cfg = p->cfg;
    uint32_t ndocs = (uint32_t)cfg->core.doc_batch_count;
    wk->p = p;
    wk->id = id;
    atomic_init(&wk->done, false);
    fdx_wake_init(&wk->wake);
    wk->strings = fdx_intern_new(65536, 8u << 20);
    wk->stage_self = calloc(cfg->nstages + 1, sizeof(void *));
    wk->docs_all = calloc(ndocs, sizeof(*wk->docs_all));
    wk->docs_free = calloc(ndocs, sizeof(*wk->docs_free));
    if (wk->strings == NULL || wk->stage_self == NULL || wk->docs_all == NULL ||
        wk->docs_free == NULL || fdx_ring_init(&wk->to_out, ndocs) != 0 ||
        fdx_ring_init(&wk->from_out, ndocs) != 0) {
        fdx_err_set(err, "pipeline: out of memory");
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < ndocs; i++) {
        wk->docs_all[i] = fdx_doc_batch_new(FDX_DOCS_PER_BATCH, cfg->core.doc_batch_bytes);
        if (wk->docs_all[i] == NULL) {
            fdx_err_set(err, "pipeline: out of memory for document batches");
            return -ENOMEM;
        }
        wk->docs_free[wk->ndocs_free++] = wk->docs_all[i];
    }
    struct fdx_stage_env env = {
        .worker_id = id, .nworkers = p->nwork, .strings = wk->strings, .counters = &wk->counters};
    for (size_t i = 0; i < cfg->nstages; i++) {
        const struct fdx_stage_ops *ops = cfg->stages[i].ops;
        struct fdx_err e = {""};
        wk->stage_self[i] = ops->init(cfg->stages[i].conf, &env, &e);
        if (wk->stage_self[i] == NULL) {
            fdx_err_set(err, "stages[%zu] (%s): %s", i, ops->name, e.msg);
            return -EINVAL;
        }
    }
    return 0;
}

static void fini_worker(const struct fdx_config *cfg, struct fdx_worker *wk)
{
    for (size_t i = 0; wk->stage_self != NULL && i < cfg->nstages; i++) {
        if (wk->stage_self[i] != NULL) {
            cfg->stages[i].ops->free(wk->stage_self[i]);
        }
    }
    for (uint32_t i = 0; wk->docs_all != NULL && i < cfg->core.doc_batch_count; i++) {
        fdx_doc_batch_free(wk->docs_all[i]);
    }
    free(wk->stage_self);
    free(wk->docs_all);
    free(wk->docs_free);
    fdx_ring_fini(&wk->to_out);
    fdx_ring_fini(&wk->from_out);
    fdx_intern_free(wk->strings);
}

static int open_outputs(struct fdx_pipeline *p, struct fdx_err *err)
{
    const struct fdx_config *cfg = p->cfg;
    p->out_self = calloc(cfg->noutputs + 1, sizeof(void *));
    if (p->out_self == NULL) {
        return -ENOMEM;
    }
    struct fdx_output_env env = {.data_dir = cfg->core.data_dir};
    for (size_t o = 0; o < cfg->noutputs; o++) {
        struct fdx_err e = {""};
        p->out_self[o] = cfg->outputs[o].ops->open(cfg->outputs[o].conf, &env, &e);
        if (p->out_self[o] == NULL) {
            fdx_err_set(err, "outputs[%zu] (%s): %s", o, cfg->outputs[o].ops->name, e.msg);
            return -EIO;
        }
    }
    return 0;
}

static int init_rings(struct fdx_pipeline *p)
{
    size_t n = (size_t)p->nprod * p->nwork;
    p->fwd = zalloc_aligned(n, sizeof(struct fdx_ring));
    p->back = zalloc_aligned(n, sizeof(struct fdx_ring));
    if (p->fwd == NULL || p->back == NULL) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (fdx_ring_init(&p->fwd[i], (uint32_t)p->cfg->core.ring_size) != 0 ||
            fdx_ring_init(&p->back[i], (uint32_t)p->cfg->core.batch_count) != 0) {
            return -ENOMEM;
        }
    }
    return 0;
}

struct fdx_pipeline *fdx_pipeline_new(const struct fdx_config *cfg, unsigned nproducers,
                                      bool lossless, struct fdx_err *err)
{
    struct fdx_pipeline *p = zalloc_aligned(1, sizeof(*p));
    if (p == NULL) {
        fdx_err_set(err, "pipeline: out of memory");
        return NULL;
    }
    p->cfg = cfg;
    p->nprod = nproducers;
    p->nwork = (unsigned)cfg->core.workers;
    p->lossless = lossless;
    atomic_init(&p->reload_gen, 0);
    atomic_init(&p->reload_cfg, cfg);
    atomic_init(&p->deadline_ms, 0);
    atomic_init(&p->abort, false);
    atomic_init(&p->out_done, false);
    fdx_wake_init(&p->out_wake);
    p->prod = zalloc_aligned(nproducers, sizeof(*p->prod));
    p->work = zalloc_aligned(p->nwork, sizeof(*p->work));
    int rc = (p->prod == NULL || p->work == NULL) ? -ENOMEM : init_rings(p);
    for (unsigned i = 0; rc == 0 && i < nproducers; i++) {
        rc = fdx__pipeline_producer_init(p, &p->prod[i], i);
    }
    if (rc != 0) {
        fdx_err_set(err, "pipeline: out of memory for %u producers x %llu batches of %llu records",
                    nproducers, (unsigned long long)cfg->core.batch_count,
                    (unsigned long long)cfg->core.batch_size);
    }
    for (unsigned i = 0; rc == 0 && i < p->nwork; i++) {
        rc = init_worker(p, &p->work[i], i, err);
    }
    if (rc == 0) {
        rc = open_outputs(p, err);
    }
    if (rc != 0) {
        fdx_pipeline_free(p);
        return NULL;
    }
    fdx_info("pipeline: %u producer(s) x %llu batches of %llu records, %u worker(s), %zu "
             "stage(s), %zu output(s)",
             nproducers, (unsigned long long)(nproducers > 0 ? p->prod[0].nall : 0),
             (unsigned long long)cfg->core.batch_size, p->nwork, cfg->nstages, cfg->noutputs);
    return p;
}

int fdx_pipeline_start(struct fdx_pipeline *p, struct fdx_err *err)
{
    for (unsigned i = 0; i < p->nwork; i++) {
        int rc = pthread_create(&p->work[i].thread, NULL, fdx__pipeline_worker_main, &p->work[i]);
        if (rc != 0) {
            fdx_err_set(err, "pipeline: cannot start worker %u: %s", i, strerror(rc));
            return -rc;
        }
        p->work[i].started = true;
        char name[16]; /* the kernel's limit: shown by top -H and ps -L */
        snprintf(name, sizeof(name), "fdx-worker%u", i % 100000);
        pthread_setname_np(p->work[i].thread, name);
    }
    int rc = pthread_create(&p->out_thread, NULL, fdx__pipeline_output_main, p);
    if (rc != 0) {
        fdx_err_set(err, "pipeline: cannot start the output thread: %s", strerror(rc));
        return -rc;
    }
    p->out_started = true;
    pthread_setname_np(p->out_thread, "fdx-output");
    return 0;
}

struct fdx_producer *fdx_pipeline_producer(struct fdx_pipeline *p, unsigned i)
{
    FDX_ASSERT(i < p->nprod);
    return &p->prod[i];
}

static void join_all(struct fdx_pipeline *p)
{
    for (unsigned i = 0; i < p->nwork; i++) {
        if (p->work[i].started) {
            pthread_join(p->work[i].thread, NULL);
            p->work[i].started = false;
        }
    }
    if (p->out_started) {
        pthread_join(p->out_thread, NULL);
        p->out_started = false;
    }
}

int fdx_pipeline_drain(struct fdx_pipeline *p, int64_t deadline_ms)
{
    /* Relaxed: read by the output thread only after it saw every worker done (acquire). */
    atomic_store_explicit(&p->deadline_ms, deadline_ms, memory_order_relaxed);
    int rc = 0;
    /* Acquire pairs with the release store at the end of fdx__pipeline_output_main(). */
    while (p->out_started && !atomic_load_explicit(&p->out_done, memory_order_acquire)) {
        if (fdx_time_mono_ms() >= deadline_ms) {
            fdx_error("shutdown: the pipeline did not drain before the deadline; giving up");
            atomic_store_explicit(&p->abort, true, memory_order_relaxed);
            fdx__pipeline_wake_all(p);
            rc = -ETIMEDOUT;
            break;
        }
        fdx__pipeline_idle();
    }
    join_all(p);
    return rc;
}

void fdx_pipeline_free(struct fdx_pipeline *p)
{
    if (p == NULL) {
        return;
    }
    for (unsigned i = 0; i < p->nprod; i++) {
        /* Release pairs with the workers' acquire loads: they may stop. */
        atomic_store_explicit(&p->prod[i].finished, true, memory_order_release);
    }
    atomic_store_explicit(&p->abort, true, memory_order_relaxed);
    fdx__pipeline_wake_all(p);
    join_all(p);
    const struct fdx_config *cfg = p->cfg;
    for (size_t o = 0; p->out_self != NULL && o < cfg->noutputs; o++) {
        if (p->out_self[o] != NULL) {
            cfg->outputs[o].ops->close(p->out_self[o]);
        }
    }
    free(p->out_self);
    for (unsigned i = 0; p->work != NULL && i < p->nwork; i++) {
        fini_worker(cfg, &p->work[i]);
    }
    for (unsigned i = 0; p->prod != NULL && i < p->nprod; i++) {
        if (p->prod[i].p != NULL) {
            fdx__pipeline_producer_fini(&p->prod[i]);
        }
    }
    for (size_t i = 0; p->fwd != NULL && i < (size_t)p->nprod * p->nwork; i++) {
        fdx_ring_fini(&p->fwd[i]);
        fdx_ring_fini(&p->back[i]);
    }
    free(p->fwd);
    free(p->back);
    free(p->work);
    free(p->prod);
    free(p);
}

int fdx_pipeline_reload(struct fdx_pipeline *p, const struct fdx_config *cfg,
                        struct fdx_err *err)
{
    if (cfg->nstages != p->cfg->nstages) {
        fdx_err_set(err, "reload: the stage chain changed from %zu to %zu stages (restart to "
                         "change the chain)", p->cfg->nstages, cfg->nstages);
        return -EINVAL;
    }
    for (size_t i = 0; i < cfg->nstages; i++) {
        if (cfg->stages[i].ops != p->cfg->stages[i].ops) {
            fdx_err_set(err, "reload: stages[%zu] changed from %s to %s (restart to change the "
                             "chain)", i, p->cfg->stages[i].ops->name, cfg->stages[i].ops->name);
            return -EINVAL;
        }
    }
    atomic_store_explicit(&p->reload_cfg, cfg, memory_order_release);
    /* Release pairs with the acquire loads in check_reload() and output_reload(): the new
     * configuration pointer is visible before the new generation. */
    atomic_fetch_add_explicit(&p->reload_gen, 1, memory_order_release);
    fdx__pipeline_wake_all(p);
    return 0;
}

void fdx_pipeline_totals(const struct fdx_pipeline *p, struct fdx_pipeline_totals *t)
{
    memset(t, 0, sizeof(*t));
    for (unsigned i = 0; i < p->nprod; i++) {
        fdx_counters_sum(&t->c, &p->prod[i].counters);
        t->kernel_drops += fdx_counter_get(&p->prod[i].kernel_drops);
        t->connections += fdx_counter_get(&p->prod[i].connections);
    }
    for (unsigned i = 0; i < p->nwork; i++) {
        fdx_counters_sum(&t->c, &p->work[i].counters);
        t->worker_records += fdx_counter_get(&p->work[i].records_in);
        t->docs_encoded += fdx_counter_get(&p->work[i].docs_encoded);
    }
    fdx_counters_sum(&t->c, &p->out_counters);
    t->docs_written = fdx_counter_get(&p->docs_written);
}

void fdx_pipeline_foreach_exporter(const struct fdx_pipeline *p,
                                   void (*fn)(const struct fdx_exporter *e, void *arg),
                                   void *arg)
{
    for (unsigned i = 0; i < p->nprod; i++) {
        /* ctx is set at bind, before the producer thread's first datagram; the exporter
         * table publishes its entries with release stores. */
        const struct fdx_decode_ctx *ctx = p->prod[i].ctx;
        if (ctx != NULL && ctx->exporters != NULL) {
            fdx_exporters_foreach(ctx->exporters, fn, arg);
        }
    }
}

void fdx_pipeline_stats(const struct fdx_pipeline *p, struct fdx_metrics *m)
{
    char labels[64];
    fdx_metrics_family(m, "flowdex_ring_batches", "gauge",
                       "Batches queued in a producer-to-worker ring");
    for (unsigned i = 0; i < p->nprod; i++) {
        for (unsigned w = 0; w < p->nwork; w++) {
            snprintf(labels, sizeof(labels), "producer=\"%u\",worker=\"%u\"", i, w);
            fdx_metrics_sample(m, "flowdex_ring_batches", labels,
                               fdx_ring_count(&p->fwd[i * p->nwork + w]));
        }
    }
    fdx_metrics_family(m, "flowdex_ring_capacity", "gauge", "Capacity of each ring, in batches");
    fdx_metrics_sample(m, "flowdex_ring_capacity", "", fdx_ring_capacity(&p->fwd[0]));
    fdx_metrics_family(m, "flowdex_output_ring_batches", "gauge",
                       "Document batches queued from a worker to the output thread");
    for (unsigned w = 0; w < p->nwork; w++) {
        snprintf(labels, sizeof(labels), "worker=\"%u\"", w);
        fdx_metrics_sample(m, "flowdex_output_ring_batches", labels,
                           fdx_ring_count(&p->work[w].to_out));
    }
    for (size_t i = 0; i < p->cfg->nstages; i++) {
        for (unsigned w = 0; w < p->nwork; w++) {
            if (p->cfg->stages[i].ops->stats != NULL) {
                p->cfg->stages[i].ops->stats(p->work[w].stage_self[i], m);
            }
        }
    }
    for (size_t o = 0; o < p->cfg->noutputs; o++) {
        if (p->cfg->outputs[o].ops->stats != NULL) {
            p->cfg->outputs[o].ops->stats(p->out_self[o], m);
        }
    }
}
