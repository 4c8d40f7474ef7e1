/* Protocol recognition and decoder dispatch. */
#include "dispatch.h"

#include "ipfix.h"
#include "netflow_v5.h"
#include "netflow_v9.h"
#include "sflow_v5.h"

uint8_t fdx_dispatch_detect(const uint8_t *data, size_t len)
{
    if (len < 4) {
        return FDX_PROTO_UNKNOWN;
    }
    uint16_t v16 = (uint16_t)(data[0] << 8 | data[1]);
    switch (v16) {
    case 5:
        return FDX_PROTO_NF5;
    case 9:
        return FDX_PROTO_NF9;
    case 10:
        return FDX_PROTO_IPFIX;
    case 0:
        if (data[2] == 0 && data[3] == 5) {
            return FDX_PROTO_SFLOW5;
        }
        return FDX_PROTO_UNKNOWN;
    default:
        return FDX_PROTO_UNKNOWN;
    }
}

size_t fdx_dispatch_datagram(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    uint8_t proto = fdx_dispatch_detect(dg->data, dg->len);
    fdx_counter_add(&ctx->counters->datagrams[proto], 1);
    fdx_counter_add(&ctx->counters->datagram_bytes, dg->len);
    ctx->rec_index = 0;
    size_t n;
    switch (proto) {
    case FDX_PROTO_NF5:
        n = fdx_nf5_decode(ctx, dg);
        break;
    case FDX_PROTO_NF9:
        n = fdx_nf9_decode(ctx, dg);
        break;
    case FDX_PROTO_IPFIX:
        n = fdx_ipfix_decode(ctx, dg);
        break;
    case FDX_PROTO_SFLOW5:
        n = fdx_sflow_decode(ctx, dg);
        break;
    default:
        return fdx_decode_drop(ctx, FDX_DROP_UNKNOWN_PROTOCOL);
    }
    fdx_counter_add(&ctx->counters->records[proto], n);
    return n;
}
