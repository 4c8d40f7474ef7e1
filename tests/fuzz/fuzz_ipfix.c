/* libFuzzer target: IPFIX messages as UDP datagrams, and the same bytes as a TCP stream
 * through the message framing; template state kept across inputs (bounded). */
#include <stddef.h>
#include <stdint.h>

#include "dispatch.h"
#include "fuzz_nf9_common.h"
#include "ipfix_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_msg(void *arg, const uint8_t *msg, size_t len)
{
    fuzz_datagram(arg, msg, len, 0xc0000202);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fdx_decode_ctx *ctx = fuzz_ctx();
    uint8_t *buf = malloc(size + 1);
    if (buf == NULL) {
        return 0;
    }
    memcpy(buf, data, size);
    if (size >= 2) {
        buf[0] = 0;
        buf[1] = 10;
    }
    fuzz_datagram(ctx, buf, size, 0xc0000201);

    static struct fdx_ipfix_stream stream;
    fdx_ipfix_stream_init(&stream);
    /* Split the stream in two reads at a point chosen by the input. */
    size_t cut = size > 0 ? data[size - 1] % (size + 1) : 0;
    if (fdx_ipfix_stream_feed(&stream, ctx->counters, buf, cut, on_msg, ctx) == 0) {
        fdx_ipfix_stream_feed(&stream, ctx->counters, buf + cut, size - cut, on_msg, ctx);
    }
    free(buf);
    return 0;
}
