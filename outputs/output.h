/* The output interface. Workers encode documents into doc batches; the output thread hands
 * them to each configured output. Outputs answer per document (never per request): indexed,
 * retry later, or rejected permanently (dead-letter with the reason). */
#ifndef FDX_OUTPUT_H
#define FDX_OUTPUT_H

#include <stdint.h>

#include "buf.h"
#include "cfg.h"
#include "err.h"
#include "metrics.h"

enum fdx_out_verdict { FDX_OUT_OK, FDX_OUT_RETRY, FDX_OUT_REJECT };

/* Where one document sits in a doc batch, and what an output needs to route it. */
struct fdx_doc_meta {
    uint32_t off;      /* offset of the document in body */
    uint32_t len;      /* length without the trailing newline */
    int64_t event_ms;  /* the flow's own time (end, else start, else receive): index naming */
    uint64_t id_hi;    /* deterministic 128-bit document id (hash of exporter, domain, flow */
    uint64_t id_lo;    /*   key and start time) */
    uint8_t kind;      /* enum fdx_kind: flows and counter samples go to different indices */
};

/* Documents encoded by one worker: body holds each document followed by '\n' (NDJSON). */
struct fdx_doc_batch {
    struct fdx_buf body;
    uint32_t n;
    uint32_t cap;
    uint32_t pool_id; /* the worker it returns to */
    struct fdx_doc_meta *meta;
};

struct fdx_doc_batch *fdx_doc_batch_new(uint32_t cap, size_t body_max);
void fdx_doc_batch_free(struct fdx_doc_batch *d);
void fdx_doc_batch_reset(struct fdx_doc_batch *d);

/* Formats a document id (22 characters, URL-safe base64 of the 128-bit hash) into out[23]. */
void fdx_doc_id_format(const struct fdx_doc_meta *m, char out[23]);

struct fdx_output_env {
    const char *data_dir; /* where outputs keep spool and dead-letter files */
};

/* Contract. Every output function runs on the output thread only. submit() takes the
 * documents (it copies what it keeps; the doc batch returns to its worker afterwards) and
 * returns 0, or -EAGAIN when it cannot take more now (back-pressure: the caller retries the
 * same batch after poll()). poll() does pending I/O for up to timeout_ms; NULL for an output
 * with nothing on a clock (no I/O in flight, no timers), whose submit() never returns -EAGAIN:
 * the output thread then sleeps until documents arrive. flush() finishes or
 * persists everything in flight before the monotonic deadline_ms (shutdown); returns 0 or
 * -ETIMEDOUT. reopen() is called on SIGHUP (log rotation, re-reading secrets). stats() is the
 * exception: the control thread calls it at any time, so it reads only fdx_counter fields
 * (single-writer atomics) and immutable state. */
struct fdx_output_ops {
    const char *name; /* config type: "file", "elasticsearch" */
    const char *summary;
    const struct fdx_cfg_key *keys;
    size_t conf_size;
    bool uses_doc_ids; /* reads fdx_doc_meta id_hi/id_lo (else the encoder skips them) */
    void *(*open)(const void *conf, const struct fdx_output_env *env, struct fdx_err *err);
    int (*submit)(void *self, const struct fdx_doc_batch *docs);
    void (*poll)(void *self, int timeout_ms);
    int (*flush)(void *self, int64_t deadline_ms);
    int (*reopen)(void *self);
    void (*stats)(const void *self, struct fdx_metrics *m);
    void (*close)(void *self);
};

const struct fdx_output_ops *fdx_output_find(const char *name);
const struct fdx_output_ops *const *fdx_output_all(void);

#endif
