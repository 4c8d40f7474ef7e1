/* sFlow v5 decoder. Module tag: sflow. */
#ifndef FDX_SFLOW_V5_H
#define FDX_SFLOW_V5_H

#include <stddef.h>

#include "decode.h"

/* Decodes one sFlow v5 datagram into records appended to ctx->sink. Never fails on bad input:
 * what it refuses is counted in ctx->counters under its reason. Returns the number of
 * records appended. Runs on the thread that owns ctx. */
size_t fdx_sflow_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg);

#endif
