/* NDJSON bulk bodies for Elasticsearch's _bulk API: for each document an action line
 * ({"create":{"_index":"…","_id":"…"}}) followed by the document source line. A body is
 * sealed when it reaches its document count or byte threshold, or when its first document
 * has waited the flush interval (whichever comes first). Output thread only. */
#ifndef FDX_ES_BULK_H
#define FDX_ES_BULK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum fdx_es_op { FDX_ES_OP_CREATE = 0, FDX_ES_OP_INDEX = 1 };

struct fdx_es_bulk {
    struct fdx_buf body;
    uint32_t n;             /* documents (action + source line pairs) */
    uint32_t attempts;      /* whole-request failures so far */
    int64_t first_ms;       /* monotonic time the first document arrived */
    int64_t not_before_ms;  /* monotonic time of the next attempt (backoff) */
    uint64_t spool_id;      /* spool file this bulk came from (0 = none) */
    bool in_flight;
    struct fdx_es_bulk *next;
};

struct fdx_es_bulk *fdx_es_bulk_new(size_t reserve);
void fdx_es_bulk_free(struct fdx_es_bulk *b);
/* Empties b for reuse (keeps its memory). */
void fdx_es_bulk_clear(struct fdx_es_bulk *b);

/* Appends one document: action line for op on index (with "_id" when id is not NULL), then
 * the source (len bytes, no newline). Returns 0 or -ENOMEM. */
int fdx_es_bulk_append(struct fdx_es_bulk *b, enum fdx_es_op op, const char *index,
                       size_t index_len, const char *id, const char *doc, size_t len);
/* Appends an already formed item (action line and source line, without their newlines). */
int fdx_es_bulk_append_item(struct fdx_es_bulk *b, const char *action, size_t action_len,
                            const char *doc, size_t doc_len);

/* One item of a body. */
struct fdx_es_item {
    const char *action;
    size_t action_len;
    const char *doc;
    size_t doc_len;
};
/* Walks the items of a body: start with *pos = 0; returns false at the end or on a body that
 * is not made of newline-terminated line pairs. */
bool fdx_es_bulk_next(const char *body, size_t len, size_t *pos, struct fdx_es_item *it);
/* Counts the items of a body; returns -EPROTO when it is not well formed. */
int64_t fdx_es_bulk_count(const char *body, size_t len);

/* Copies the "_index" and "_id" values of an action line (empty when absent). */
void fdx_es_action_fields(const struct fdx_es_item *it, char *index, size_t index_cap, char *id,
                          size_t id_cap);

/* Whether b should be sealed now. */
bool fdx_es_bulk_full(const struct fdx_es_bulk *b, uint32_t max_docs, size_t max_bytes);

#endif
