/* sFlow v5 decoder: not implemented yet; datagrams are counted as unsupported. */
#include "sflow_v5.h"

size_t fdx_sflow_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    (void)dg;
    return fdx_decode_drop(ctx, FDX_DROP_UNSUPPORTED_PROTOCOL);
}
