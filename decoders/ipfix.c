/* IPFIX (RFC 7011) decoder: not implemented yet; datagrams are counted as unsupported. */
#include "ipfix.h"

size_t fdx_ipfix_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    (void)dg;
    return fdx_decode_drop(ctx, FDX_DROP_UNSUPPORTED_PROTOCOL);
}
