/* The pipeline: producers (listener threads or the replay loop) decode into preallocated
 * batches, which travel by pointer through one SPSC ring per producer x worker; workers run
 * the stage chain and encode documents into doc batches, which travel through one ring per
 * worker to the output thread; every batch returns to its owner through a reverse ring.
 * With more than one worker, records are routed by a hash of their flow key (src, dst,
 * ports, protocol, exporter), so records that must meet reach the same worker.
 * Nothing is lost silently: a missing batch, a full ring or a stalled output is a counted
 * drop (no_batch, ring_full, output_full). Accounting: records decoded = records handed to
 * workers + no_batch + ring_full; documents written = records in - filtered - output drops. */
#ifndef FDX_PIPELINE_H
#define FDX_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "counters.h"
#include "decode.h"
#include "err.h"
#include "exporter.h"
#include "metrics.h"

struct fdx_pipeline;
struct fdx_producer;

/* Creates the pools, rings, stage instances (one per worker) and opens the outputs, all
 * before any thread starts. lossless: producers and workers wait for room instead of
 * dropping (replay, where there is no socket to protect). cfg must outlive the pipeline.
 * Returns NULL with err filled. */
struct fdx_pipeline *fdx_pipeline_new(const struct fdx_config *cfg, unsigned nproducers,
                                      bool lossless, struct fdx_err *err);

/* Starts the worker threads and the output thread. Returns 0 or a negative errno. */
int fdx_pipeline_start(struct fdx_pipeline *p, struct fdx_err *err);

/* Producer i (0 <= i < nproducers): belongs to exactly one thread from its bind on. */
struct fdx_producer *fdx_pipeline_producer(struct fdx_pipeline *p, unsigned i);

/* The producer's counter block (give it to fdx_decode_ctx_init). */
struct fdx_counters *fdx_producer_counters(struct fdx_producer *pr);

/* Points ctx's sink at this producer. Producer thread only; ctx is remembered for exporter
 * metrics (read with fdx_exporters_foreach, which any thread may call). */
void fdx_producer_bind(struct fdx_producer *pr, struct fdx_decode_ctx *ctx);

/* Hands the records decoded so far to the workers. */
void fdx_producer_flush(struct fdx_producer *pr);

/* End of a receive burst: hands the records decoded so far to each worker that has nothing
 * queued (it would otherwise wait for them); a busy worker gets them later in a fuller batch
 * (when it fills, at a later burst end, or at fdx_producer_flush). Under load this keeps
 * batches full instead of one per burst. */
void fdx_producer_flush_idle(struct fdx_producer *pr);

/* Flushes and marks the producer finished; it must not be used afterwards. */
void fdx_producer_finish(struct fdx_producer *pr);

/* Listener side of back-pressure: true while the workers are behind (no free batch or a
 * full ring) and the producer's bounded wait (listener_wait) is not over: the caller should
 * leave datagrams in the socket buffer, which absorbs the burst, and ask again shortly.
 * Pushes made while the workers are behind wait within the same bound before counting
 * ring_full / no_batch. */
bool fdx_producer_backpressure(struct fdx_producer *pr);

/* Listener side: sleeps while back-pressure lasts, until a worker returns a batch or about a
 * millisecond passed (the caller asks fdx_producer_backpressure() again). */
void fdx_producer_park(struct fdx_producer *pr);
/* Stream listener side of back-pressure: true when a free batch and room in every ring
 * are there now. Unlike fdx_producer_backpressure there is no time bound: a TCP listener
 * stops reading for as long as the workers are behind (TCP flow control holds the
 * exporter), and its producer is lossless (fdx_producer_set_lossless), so the records of a
 * read that fills the pipeline wait too: nothing is dropped. */
bool fdx_producer_room(struct fdx_producer *pr);

/* Before the producer's thread starts: the producer waits for room without bound instead of
 * counting no_batch / ring_full, as in a lossless pipeline (until the drain deadline). For a
 * stream listener, whose data the sender holds back while it waits (TCP flow control). */
void fdx_producer_set_lossless(struct fdx_producer *pr);

/* Kernel receive-queue drops of the producer's socket (SO_RXQ_OVFL, cumulative). */
void fdx_producer_set_kernel_drops(struct fdx_producer *pr, uint64_t drops);
/* Open stream connections of the producer's listener (IPFIX over TCP), a gauge. */
void fdx_producer_set_connections(struct fdx_producer *pr, uint64_t open);

/* After every producer has finished: lets the workers empty their rings, the output thread
 * deliver everything and flush the outputs, before the monotonic deadline_ms. Past the
 * deadline the threads give up (what is left is counted) and are joined. Returns 0 or
 * -ETIMEDOUT. */
int fdx_pipeline_drain(struct fdx_pipeline *p, int64_t deadline_ms);

/* Stops and joins the threads if still running, closes outputs, frees everything. */
void fdx_pipeline_free(struct fdx_pipeline *p);

/* Control thread: asks every worker to reload its stages from cfg (on its own thread,
 * between batches) and the output thread to reopen its outputs. The stage chain must have
 * the same types in the same order; otherwise -EINVAL with err filled and nothing changes.
 * cfg must outlive the pipeline. */
int fdx_pipeline_reload(struct fdx_pipeline *p, const struct fdx_config *cfg,
                        struct fdx_err *err);

struct fdx_pipeline_totals {
    struct fdx_counter_totals c; /* producers, workers and the output thread */
    uint64_t worker_records;     /* records that reached a worker */
    uint64_t docs_encoded;
    uint64_t docs_written;       /* documents accepted by every output */
    uint64_t kernel_drops;
    uint64_t connections; /* open IPFIX-over-TCP connections */
};

/* Any thread: sums of every counter block (relaxed reads). */
void fdx_pipeline_totals(const struct fdx_pipeline *p, struct fdx_pipeline_totals *t);

/* Any thread: every exporter of every producer. */
void fdx_pipeline_foreach_exporter(const struct fdx_pipeline *p,
                                   void (*fn)(const struct fdx_exporter *e, void *arg),
                                   void *arg);

/* Control thread: ring occupancy gauges, then each stage's and output's stats(). */
void fdx_pipeline_stats(const struct fdx_pipeline *p, struct fdx_metrics *m);

#endif
