/* Doc batches: encoded documents on their way from a worker to the output thread. */
#include "output.h"

#include <stdlib.h>

struct fdx_doc_batch *fdx_doc_batch_new(uint32_t cap, size_t body_max)
{
    struct fdx_doc_batch *d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return NULL;
    }
    d->meta = calloc(cap, sizeof(*d->meta));
    fdx_buf_init(&d->body, body_max);
    if (d->meta == NULL || fdx_buf_reserve(&d->body, 64 * 1024) != 0) {
        fdx_doc_batch_free(d);
        return NULL;
    }
    d->cap = cap;
    return d;
}

void fdx_doc_batch_free(struct fdx_doc_batch *d)
{
    if (d == NULL) {
        return;
    }
    fdx_buf_fini(&d->body);
    free(d->meta);
    free(d);
}

void fdx_doc_batch_reset(struct fdx_doc_batch *d)
{
    d->n = 0;
    fdx_buf_reset(&d->body);
}

void fdx_doc_id_format(const struct fdx_doc_meta *m, char out[23])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t raw[16];
    for (int i = 0; i < 8; i++) {
        raw[i] = (uint8_t)(m->id_hi >> (56 - 8 * i));
        raw[8 + i] = (uint8_t)(m->id_lo >> (56 - 8 * i));
    }
    int o = 0;
    for (int i = 0; i < 15; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = b64[v >> 6 & 63];
        out[o++] = b64[v & 63];
    }
    out[o++] = b64[raw[15] >> 2];
    out[o++] = b64[(raw[15] & 3) << 4];
    out[o] = '\0';
}
