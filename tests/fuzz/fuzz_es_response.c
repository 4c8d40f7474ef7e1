/* Fuzz target: a bulk response body from the network, and the walk of a bulk body. The
 * parser must never crash or read out of bounds, whatever the server sends. */
#include <stddef.h>
#include <stdint.h>

#include "es_bulk.h"
#include "es_response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fdx_es_response r;
    fdx_es_response_init(&r);
    if (fdx_es_response_parse(&r, (const char *)data, size) == 0) {
        for (uint32_t i = 0; i < r.n; i++) {
            (void)r.items[i].verdict;
        }
    }
    fdx_es_response_fini(&r);
    size_t pos = 0;
    struct fdx_es_item it;
    while (fdx_es_bulk_next((const char *)data, size, &pos, &it)) {
        char ix[64], id[32];
        fdx_es_action_fields(&it, ix, sizeof(ix), id, sizeof(id));
    }
    return 0;
}
