/* NetFlow v9 (RFC 3954) decoder: not implemented yet; datagrams are counted as unsupported. */
#include "netflow_v9.h"

size_t fdx_nf9_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    (void)dg;
    return fdx_decode_drop(ctx, FDX_DROP_UNSUPPORTED_PROTOCOL);
}
