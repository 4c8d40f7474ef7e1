/* Private layout of the pipeline, shared by pipeline.c (setup, drain, stats),
 * pipeline_producer.c (producer side) and pipeline_threads.c (workers, output thread).
 * Ownership: a producer's fields belong to its thread; a worker's to its thread; the output
 * fields to the output thread; _Atomic fields and fdx_counter blocks may be read anywhere. */
#ifndef FDX_PIPELINE_IMPL_H
#define FDX_PIPELINE_IMPL_H

#include <pthread.h>
#include <stdatomic.h>

#include "intern.h"
#include "output.h"
#include "pipeline.h"
#include "pipeline_wake.h"
#include "ring.h"

#define FDX_DOCS_PER_BATCH 4096 /* documents per doc batch (its body has its own bound) */

struct fdx_producer {
    struct fdx_counters counters; /* first: cache-line aligned; single writer */
    struct fdx_pipeline *p;
    unsigned id;
    struct fdx_decode_ctx *ctx;
    struct fdx_batch **all;     /* every batch of this producer's pool (for freeing) */
    unsigned nall;              /* batches in the pool */
    struct fdx_batch **free;    /* stack of free batches */
    unsigned nfree;
    struct fdx_batch *staging;  /* routing mode: the sink's batch, never sent */
    struct fdx_batch **out;     /* routing mode: batch being filled per worker */
    unsigned *inflight;         /* per worker: batches pushed and not yet returned */
    int64_t wait_deadline_ms;   /* monotonic end of the current wait for room; 0 = none */
    struct fdx_wake wake;       /* parks the producer while it waits for a returned batch */
    bool lossless;              /* waits for room without bound (pipeline lossless, or a
                                 * stream producer: fdx_producer_set_lossless) */
    _Atomic bool finished;      /* stored (release) after the last push; see worker_main */
    fdx_counter kernel_drops;
    fdx_counter connections; /* gauge, set by a stream listener */
};

struct fdx_worker {
    struct fdx_counters counters; /* single writer: this worker */
    struct fdx_pipeline *p;
    unsigned id;
    pthread_t thread;
    bool started;
    void **stage_self;            /* one instance per configured stage */
    struct fdx_intern *strings;
    struct fdx_doc_batch **docs_all;
    struct fdx_doc_batch **docs_free;
    unsigned ndocs_free;
    struct fdx_doc_batch *cur;    /* doc batch being filled */
    struct fdx_ring to_out;       /* worker -> output thread */
    struct fdx_ring from_out;     /* output thread -> worker (never full: pool size) */
    unsigned reload_seen;
    struct fdx_wake wake;         /* parks the idle worker; producers and the output wake it */
    fdx_counter records_in;
    fdx_counter docs_encoded;
    _Atomic bool done;            /* stored (release) after the last doc push */
};

struct fdx_pipeline {
    const struct fdx_config *cfg;
    unsigned nprod, nwork;
    bool lossless;
    struct fdx_producer *prod;
    struct fdx_worker *work;
    struct fdx_ring *fwd;  /* [prod * nwork + work]: batches to the worker */
    struct fdx_ring *back; /* [prod * nwork + work]: batches returned (never full) */

    /* Output thread. */
    struct fdx_counters out_counters;
    void **out_self;
    pthread_t out_thread;
    bool out_started;
    unsigned out_reload_seen;
    fdx_counter docs_written;
    struct fdx_wake out_wake;     /* parks the idle output thread; workers wake it */
    _Atomic bool out_done;

    _Atomic unsigned reload_gen;                    /* stored (release) after reload_cfg */
    _Atomic(const struct fdx_config *) reload_cfg;
    _Atomic int64_t deadline_ms;                    /* monotonic; 0 = not draining */
    _Atomic bool abort;                             /* past the deadline: stop waiting */
};

static inline struct fdx_ring *fdx__pipeline_fwd(struct fdx_pipeline *p, unsigned prod,
                                                 unsigned w)
{
    return &p->fwd[prod * p->nwork + w];
}

static inline struct fdx_ring *fdx__pipeline_back(struct fdx_pipeline *p, unsigned prod,
                                                  unsigned w)
{
    return &p->back[prod * p->nwork + w];
}

static inline bool fdx__pipeline_aborted(struct fdx_pipeline *p)
{
    /* Relaxed: a flag polled in loops; pairs with nothing, no data travels with it. */
    return atomic_load_explicit(&p->abort, memory_order_relaxed);
}

/* Sleeps a short while in an idle loop (shutdown drain). */
void fdx__pipeline_idle(void);
/* Wakes every worker and the output thread (producers finished, abort, reload). */
void fdx__pipeline_wake_all(struct fdx_pipeline *p);

void *fdx__pipeline_worker_main(void *arg);
void *fdx__pipeline_output_main(void *arg);
/* Sets up the producer side of prod (pool, routing buffers); returns 0 or -ENOMEM. */
int fdx__pipeline_producer_init(struct fdx_pipeline *p, struct fdx_producer *pr, unsigned id);
void fdx__pipeline_producer_fini(struct fdx_producer *pr);

#endif
