/* Elasticsearch _bulk response -> one verdict per item. The response is
 * {"took":N,"errors":bool,"items":[{"<op>":{"_index":…,"_id":…,"status":N,
 * "error":{"type":…,"reason":…}}}, …]} with items in request order. A purpose-built scanner
 * (no allocation per item: this runs for every document sent); unknown members are skipped,
 * nesting is bounded. Pure: no I/O. */
#ifndef FDX_ES_RESPONSE_H
#define FDX_ES_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"

/* A JSON string's content as it appears on the wire (still escaped), pointing into the body. */
struct fdx_es_str {
    const char *p; /* NULL when absent */
    size_t len;
};

struct fdx_es_item_result {
    uint8_t verdict;  /* enum fdx_out_verdict */
    bool duplicate;   /* 409 version conflict: the document is already there */
    uint16_t status;  /* per-item HTTP status */
    struct fdx_es_str type;   /* error.type */
    struct fdx_es_str reason; /* error.reason (or error, when it is a bare string) */
};

struct fdx_es_response {
    bool errors;                      /* the top-level "errors" flag */
    uint32_t n;                       /* items */
    uint32_t cap;
    struct fdx_es_item_result *items; /* n results, in request order; reused across parses */
};

void fdx_es_response_init(struct fdx_es_response *r);
void fdx_es_response_fini(struct fdx_es_response *r);

/* Parses a bulk response body into r (valid while body is). Returns 0, -EPROTO when it is not
 * a well-formed bulk response, or -ENOMEM. */
int fdx_es_response_parse(struct fdx_es_response *r, const char *body, size_t len);

/* Verdict for one item's HTTP status: 2xx OK; 409 OK (duplicate); 429 and 5xx RETRY;
 * any other status REJECT (mapping errors, bad documents). */
enum fdx_out_verdict fdx_es_item_verdict(int status, bool *duplicate);

/* Verdict for a whole request's HTTP status (before looking at items): 2xx means "read the
 * items"; 408, 429, 5xx and 401/403 (credentials may be fixed by reloading) RETRY;
 * other 4xx REJECT the whole request. */
enum fdx_out_verdict fdx_es_request_verdict(long status);

#endif
