/* libFuzzer target: any datagram through the protocol dispatcher, with NetFlow v5 invariants
 * checked on every input. The decode context lives across inputs (exporter state, as in a
 * collector) and is rebuilt every FUZZ_RESET_EVERY inputs so its state stays bounded;
 * counters are reset per input so each input's accounting is checked exactly. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "decode_harness.h"
#include "dispatch.h"
#include "netflow_v5.h"

#define FUZZ_BATCH_CAP 64
#define FUZZ_RESET_EVERY 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fdx_harness harness;
static bool ready;
static unsigned inputs;

static void fail(const char *what, size_t size)
{
    fprintf(stderr, "fuzz_netflow_v5: invariant broken: %s (input of %zu bytes)\n", what, size);
    abort();
}

/* A decoded v5 datagram: as many records as the header says, each a v5 flow in order. */
static void check_records(const uint8_t *data, size_t size, size_t n)
{
    if (size < NF5_HDR_LEN) {
        fail("records from a datagram shorter than the header", size);
    }
    size_t count = (size_t)data[2] << 8 | data[3];
    if (n != count || count > NF5_MAX_COUNT || size < NF5_HDR_LEN + count * NF5_REC_LEN) {
        fail("record count differs from a valid header count", size);
    }
    for (size_t i = 0; i < n; i++) {
        const struct fdx_flow *f = &harness.batch->slot[i].flow;
        if (f->proto != FDX_PROTO_NF5 || f->kind != FDX_KIND_FLOW || f->rec_index != i ||
            f->ip_version != 4 || f->raw_bytes > UINT32_MAX || f->raw_packets > UINT32_MAX) {
            fail("record fields out of range", size);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready || ++inputs % FUZZ_RESET_EVERY == 0) {
        if (ready) {
            fdx_harness_fini(&harness);
        }
        if (fdx_harness_init(&harness, FUZZ_BATCH_CAP) != 0) {
            abort();
        }
        ready = true;
    }
    fdx_harness_reset_counters(&harness);
    /* A handful of exporters, chosen by the input, so sequence state is exercised. */
    static const char *const exporters[] = {"192.0.2.1", "192.0.2.2", "2001:db8::1",
                                            "198.51.100.7"};
    const char *exporter = exporters[size % 4];
    size_t n = fdx_harness_feed(&harness, data, size, exporter, INT64_C(1700000000000));

    uint64_t drops = fdx_harness_drops(&harness);
    if (n != harness.batch->n) {
        fail("returned count differs from records in the batch", size);
    }
    if (fdx_dispatch_detect(data, size) != FDX_PROTO_NF5) {
        return 0; /* other decoders have their own targets and invariants */
    }
    /* Every v5 datagram is either decoded whole or refused once with one reason. */
    if (n == 0 && drops != 1) {
        fail("refused datagram not counted exactly once", size);
    }
    if (n != 0) {
        if (drops != 0) {
            fail("decoded datagram also counted as dropped", size);
        }
        check_records(data, size, n);
    }
    return 0;
}
