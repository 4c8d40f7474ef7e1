/* NetFlow v9 (RFC 3954) decoder. Module tag: nf9. */
#ifndef FDX_NETFLOW_V9_H
#define FDX_NETFLOW_V9_H

#include <stddef.h>

#include "decode.h"

/* Decodes one NetFlow v9 (RFC 3954) datagram into records appended to ctx->sink. Never fails on bad input:
 * what it refuses is counted in ctx->counters under its reason. Returns the number of
 * records appended. Runs on the thread that owns ctx. */
size_t fdx_nf9_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg);

#endif
