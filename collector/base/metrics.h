/* Prometheus text exposition writer. Modules write their own counters through it in their
 * stats() callbacks; the control thread serves the result on /metrics. */
#ifndef FDX_METRICS_H
#define FDX_METRICS_H

#include <stdint.h>

#include "buf.h"

struct fdx_metrics {
    struct fdx_buf *out;
};

/* Writes "# HELP" and "# TYPE" once per metric family (call before its samples). */
void fdx_metrics_family(struct fdx_metrics *m, const char *name, const char *type,
                        const char *help);
/* One sample: name{labels} value. labels is "" or 'k="v",k2="v2"' (already escaped). */
void fdx_metrics_sample(struct fdx_metrics *m, const char *name, const char *labels,
                        uint64_t value);
void fdx_metrics_sample_f(struct fdx_metrics *m, const char *name, const char *labels,
                          double value);

#endif
