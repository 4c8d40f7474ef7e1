/* The stage interface. A worker runs a fixed chain of stages over each batch: filter,
 * enrichment, anonymization. Stages are configured, not compiled in or out. */
#ifndef FDX_STAGE_H
#define FDX_STAGE_H

#include <stdint.h>

#include "batch.h"
#include "cfg.h"
#include "counters.h"
#include "err.h"
#include "metrics.h"

struct fdx_intern;

/* What a stage instance gets from its worker. */
struct fdx_stage_env {
    unsigned worker_id;
    unsigned nworkers;
    struct fdx_intern *strings;   /* the worker's intern table (batch->strings) */
    struct fdx_counters *counters; /* the worker's counters (record_drop[FILTERED] …) */
};

/* Contract. One instance per worker; its functions are never called concurrently for that
 * instance, but instances of the same stage run in parallel on other workers, so a stage keeps
 * no mutable static or global state. process() never fails: a record it removes gets
 * slot->dropped = reason and is counted in env->counters->record_drop[reason] and in the
 * stage's own stats. Stages skip slots whose dropped is already set.
 * conf is a struct of conf_size bytes filled from keys by fdx_cfg_apply(); it stays valid
 * until free(). reload() is called on the worker's thread between batches, with a conf newly
 * parsed from the reloaded configuration; it builds new state and swaps it in, or returns a
 * negative errno with *err filled and keeps the old state. */
struct fdx_stage_ops {
    const char *name;    /* config name: "geoip" */
    const char *summary; /* one line for --help and docs */
    const struct fdx_cfg_key *keys;
    size_t conf_size;
    void *(*init)(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err);
    void (*process)(void *self, struct fdx_batch *batch);
    int (*reload)(void *self, const void *conf, struct fdx_err *err);
    /* Writes the instance's counters; labels carry worker="N". Called from the control thread
     * at any time: reads only fdx_counter fields and immutable state. */
    void (*stats)(const void *self, struct fdx_metrics *m);
    void (*free)(void *self);
};

/* The registry (enrich/stages.c): every stage flowdex has, in one table. */
const struct fdx_stage_ops *fdx_stage_find(const char *name);
/* NULL-terminated list of all stages. */
const struct fdx_stage_ops *const *fdx_stage_all(void);

#endif
