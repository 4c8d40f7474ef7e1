/* libFuzzer target: the capture frame walker; the first input byte picks the link type. The
 * payload found must lie inside the frame, and the UDP-only entry must agree with the
 * general one. */
#include <pcap/dlt.h>
#include <stdlib.h>

#include "capture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[8] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL,
                                 DLT_LOOP,   DLT_RAW,       DLT_IPV4,       DLT_IPV6};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    int lt = linktypes[data[0] & 7];
    const uint8_t *frame = data + 1;
    size_t len = size - 1;
    struct fdx_capture_pkt pkt, udp;
    enum fdx_capture_skip why = fdx_capture_parse(lt, frame, len, &pkt);
    enum fdx_capture_skip why_udp = fdx_capture_udp(lt, frame, len, &udp);
    if (why == FDX_CAPTURE_OK) {
        if (pkt.payload < frame || pkt.payload + pkt.len > frame + len ||
            (pkt.l4 != FDX_CAPTURE_IPPROTO_UDP && pkt.l4 != FDX_CAPTURE_IPPROTO_TCP)) {
            abort();
        }
        bool is_udp = pkt.l4 == FDX_CAPTURE_IPPROTO_UDP;
        if (is_udp != (why_udp == FDX_CAPTURE_OK) || (is_udp && udp.len != pkt.len)) {
            abort();
        }
    } else if (why_udp != why) {
        abort();
    }
    return 0;
}
