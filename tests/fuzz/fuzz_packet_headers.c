/* libFuzzer target: the packet-header parser; the first input byte picks the link type. */
#include <stdlib.h>

#include "packet_headers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    struct fdx_pkthdr h;
    fdx_pkthdr_parse(&h, data + 1, size - 1, (enum fdx_pkthdr_link)(data[0] & 3));
    struct fdx_flow f = {0};
    fdx_pkthdr_to_flow(&h, &f);
    if (h.vlan_count > FDX_PKTHDR_VLAN_MAX || h.mpls_depth > FDX_MPLS_MAX ||
        h.ext_count > FDX_PKTHDR_EXT_MAX) {
        abort();
    }
    return 0;
}
