/* IPFIX (RFC 7011) decoder. Module tag: ipfix. */
#ifndef FDX_IPFIX_H
#define FDX_IPFIX_H

#include <stddef.h>

#include "decode.h"

/* Decodes one IPFIX (RFC 7011) datagram into records appended to ctx->sink. Never fails on bad input:
 * what it refuses is counted in ctx->counters under its reason. Returns the number of
 * records appended. Runs on the thread that owns ctx. */
size_t fdx_ipfix_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg);

#endif
