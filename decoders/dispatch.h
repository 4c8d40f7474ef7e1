/* Protocol recognition from the datagram itself (DESIGN §8): 16-bit version 5, 9 or 10 for
 * NetFlow v5, v9 and IPFIX; 32-bit version 5 for sFlow. One port can take any mix. */
#ifndef FDX_DISPATCH_H
#define FDX_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Which protocol the payload looks like (enum fdx_proto; FDX_PROTO_UNKNOWN if none). */
uint8_t fdx_dispatch_detect(const uint8_t *data, size_t len);

/* Counts the datagram, recognises its protocol and runs its decoder. Never fails on bad
 * input: refusals are counted in ctx->counters. Returns the number of records produced. */
size_t fdx_dispatch_datagram(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg);

#endif
