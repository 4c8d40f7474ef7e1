/* libFuzzer target: NetFlow v9 datagrams, template state kept across inputs (bounded). */
#include <stddef.h>
#include <stdint.h>

#include "dispatch.h"
#include "fuzz_nf9_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fdx_decode_ctx *ctx = fuzz_ctx();
    /* Force the version so every input exercises the v9 decoder. */
    uint8_t buf[65536];
    if (size > sizeof(buf)) {
        size = sizeof(buf);
    }
    memcpy(buf, data, size);
    if (size >= 2) {
        buf[0] = 0;
        buf[1] = 9;
    }
    fuzz_datagram(ctx, buf, size, 0xc0000201);
    return 0;
}
