/* NetFlow v5 decoder (Cisco's fixed format: 24-byte header, up to 30 records of 48 bytes).
 * Module tag: nf5. */
#ifndef FDX_NETFLOW_V5_H
#define FDX_NETFLOW_V5_H

#include <stddef.h>

#include "decode.h"

#define NF5_HDR_LEN 24
#define NF5_REC_LEN 48
#define NF5_MAX_COUNT 30

/* Decodes one NetFlow v5 datagram into records appended to ctx->sink. Never fails on bad
 * input: a datagram it refuses is counted once (truncated, bad_version, nf5_bad_count,
 * nf5_count_mismatch). Returns the number of records appended. Runs on the thread that owns
 * ctx; not reentrant across threads. */
size_t fdx_nf5_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg);

#endif
