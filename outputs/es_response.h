/* Elasticsearch _bulk response -> one verdict per item. The response is
 * {"took":N,"errors":bool,"items":[{"<op>":{"_index":…,"_id":…,"status":N,
 * "error":{"type":…,"reason":…}}}, …]} with items in request order. Pure: no I/O. */
#ifndef FDX_ES_RESPONSE_H
#define FDX_ES_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"

struct json_object;

struct fdx_es_item_result {
    uint8_t verdict;     /* enum fdx_out_verdict */
    bool duplicate;      /* 409 version conflict: the document is already there */
    uint16_t status;     /* per-item HTTP status */
    const char *type;    /* error.type, or NULL (valid until fdx_es_response_fini) */
    const char *reason;  /* error.reason, or NULL */
};

struct fdx_es_response {
    struct json_object *root;
    bool errors;                      /* the top-level "errors" flag */
    uint32_t n;                       /* items */
    struct fdx_es_item_result *items; /* n results, in request order */
};

/* Parses a bulk response body. Returns 0, -EPROTO when it is not a bulk response, or -ENOMEM.
 * Call fdx_es_response_fini() afterwards in every case. */
int fdx_es_response_parse(struct fdx_es_response *r, const char *body, size_t len);
void fdx_es_response_fini(struct fdx_es_response *r);

/* Verdict for one item's HTTP status: 2xx OK; 409 OK (duplicate); 429 and 5xx RETRY;
 * any other status REJECT (mapping errors, bad documents). */
enum fdx_out_verdict fdx_es_item_verdict(int status, bool *duplicate);

/* Verdict for a whole request's HTTP status (before looking at items): 200 means "read the
 * items"; 408, 429, 5xx and 401/403 (credentials may be fixed by reloading) RETRY;
 * other 4xx REJECT the whole request. */
enum fdx_out_verdict fdx_es_request_verdict(long status);

#endif
