/* The shutdown summary on stderr: datagrams and records per protocol, drops by reason,
 * per-exporter counters, documents written. Same counters as /metrics. */
#ifndef FDX_SUMMARY_H
#define FDX_SUMMARY_H

#include <stdio.h>

#include "pipeline.h"

void fdx_summary_print(const struct fdx_pipeline *p, FILE *f);

#endif
