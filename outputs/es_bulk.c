/* Bulk body builder; see es_bulk.h. */
#include "es_bulk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fdx_es_bulk *fdx_es_bulk_new(size_t reserve)
{
    struct fdx_es_bulk *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        return NULL;
    }
    fdx_buf_init(&b->body, 0);
    if (reserve > 0 && fdx_buf_reserve(&b->body, reserve) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

void fdx_es_bulk_free(struct fdx_es_bulk *b)
{
    if (b == NULL) {
        return;
    }
    fdx_buf_fini(&b->body);
    free(b);
}

void fdx_es_bulk_clear(struct fdx_es_bulk *b)
{
    fdx_buf_reset(&b->body);
    b->n = 0;
    b->attempts = 0;
    b->first_ms = 0;
    b->not_before_ms = 0;
    b->spool_id = 0;
    b->in_flight = false;
    b->next = NULL;
}

static const char *op_name(enum fdx_es_op op)
{
    return op == FDX_ES_OP_CREATE ? "create" : "index";
}

int fdx_es_bulk_append(struct fdx_es_bulk *b, enum fdx_es_op op, const char *index,
                       size_t index_len, const char *id, const char *doc, size_t len)
{
    const char *name = op_name(op);
    size_t id_len = id != NULL ? strlen(id) : 0;
    /* {"create":{"_index":"","_id":""}}\n + doc + \n */
    size_t need = 40 + strlen(name) + index_len + id_len + len;
    if (fdx_buf_reserve(&b->body, need) != 0) {
        return -ENOMEM;
    }
    fdx_buf_put(&b->body, "{\"", 2);
    fdx_buf_put(&b->body, name, strlen(name));
    fdx_buf_put(&b->body, "\":{\"_index\":\"", 13);
    fdx_buf_put(&b->body, index, index_len);
    fdx_buf_putc(&b->body, '"');
    if (id != NULL) {
        fdx_buf_put(&b->body, ",\"_id\":\"", 8);
        fdx_buf_put(&b->body, id, id_len);
        fdx_buf_putc(&b->body, '"');
    }
    fdx_buf_put(&b->body, "}}\n", 3);
    fdx_buf_put(&b->body, doc, len);
    fdx_buf_putc(&b->body, '\n');
    b->n++;
    return 0;
}

int fdx_es_bulk_append_item(struct fdx_es_bulk *b, const char *action, size_t action_len,
                            const char *doc, size_t doc_len)
{
    if (fdx_buf_reserve(&b->body, action_len + doc_len + 2) != 0) {
        return -ENOMEM;
    }
    fdx_buf_put(&b->body, action, action_len);
    fdx_buf_putc(&b->body, '\n');
    fdx_buf_put(&b->body, doc, doc_len);
    fdx_buf_putc(&b->body, '\n');
    b->n++;
    return 0;
}

bool fdx_es_bulk_next(const char *body, size_t len, size_t *pos, struct fdx_es_item *it)
{
    size_t p = *pos;
    if (p >= len) {
        return false;
    }
    const char *nl1 = memchr(body + p, '\n', len - p);
    if (nl1 == NULL) {
        return false;
    }
    size_t q = (size_t)(nl1 - body) + 1;
    const char *nl2 = q < len ? memchr(body + q, '\n', len - q) : NULL;
    if (nl2 == NULL) {
        return false;
    }
    it->action = body + p;
    it->action_len = (size_t)(nl1 - (body + p));
    it->doc = body + q;
    it->doc_len = (size_t)(nl2 - (body + q));
    *pos = (size_t)(nl2 - body) + 1;
    return true;
}

int64_t fdx_es_bulk_count(const char *body, size_t len)
{
    size_t pos = 0;
    int64_t n = 0;
    struct fdx_es_item it;
    while (fdx_es_bulk_next(body, len, &pos, &it)) {
        n++;
    }
    return pos == len ? n : -EPROTO;
}

static void copy_field(const char *line, size_t len, const char *key, char *out, size_t cap)
{
    out[0] = '\0';
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen <= len; i++) {
        if (memcmp(line + i, key, klen) != 0) {
            continue;
        }
        size_t s = i + klen;
        size_t o = 0;
        while (s < len && line[s] != '"' && o + 1 < cap) {
            out[o++] = line[s++];
        }
        out[o] = '\0';
        return;
    }
}

void fdx_es_action_fields(const struct fdx_es_item *it, char *index, size_t index_cap, char *id,
                          size_t id_cap)
{
    copy_field(it->action, it->action_len, "\"_index\":\"", index, index_cap);
    copy_field(it->action, it->action_len, "\"_id\":\"", id, id_cap);
}

bool fdx_es_bulk_full(const struct fdx_es_bulk *b, uint32_t max_docs, size_t max_bytes)
{
    return b->n >= max_docs || b->body.len >= max_bytes;
}
