/* The bulk queue of the Elasticsearch output: sealing bodies, sending them, reading the
 * answers item by item, retrying with exponential backoff and jitter, dead-lettering
 * permanent failures, and spooling to disk beyond the memory bound. See es_output.h. */
#include "es_output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_writer.h"


#define FREE_LIST_MAX 8

int64_t fdx__es_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct fdx_es_bulk *fdx__es_bulk_get(struct es_output *o)
{
    struct fdx_es_bulk *b = o->free_list;
    if (b != NULL) {
        o->free_list = b->next;
        o->n_free--;
        fdx_es_bulk_clear(b);
        return b;
    }
    return fdx_es_bulk_new(64 * 1024);
}

void fdx__es_bulk_put(struct es_output *o, struct fdx_es_bulk *b)
{
    if (o->n_free >= FREE_LIST_MAX || b->body.cap > 2 * o->conf.bulk_max_bytes + 65536) {
        fdx_es_bulk_free(b);
        return;
    }
    b->next = o->free_list;
    o->free_list = b;
    o->n_free++;
}

static void gauges(struct es_output *o)
{
    atomic_store_explicit(&o->st.queued_docs, o->mem_docs, memory_order_relaxed);
    if (o->spool != NULL) {
        atomic_store_explicit(&o->st.spool_bytes, fdx_spool_bytes(o->spool),
                              memory_order_relaxed);
        atomic_store_explicit(&o->st.spool_docs, fdx_spool_docs(o->spool), memory_order_relaxed);
    }
}

static void enqueue(struct es_output *o, struct fdx_es_bulk *b)
{
    b->next = NULL;
    if (o->tail != NULL) {
        o->tail->next = b;
    } else {
        o->head = b;
    }
    o->tail = b;
}

/* Takes b out of the queue; if repl is not NULL, it takes b's place. */
static void unlink_bulk(struct es_output *o, struct fdx_es_bulk *b, struct fdx_es_bulk *repl)
{
    struct fdx_es_bulk **pp = &o->head, *prev = NULL;
    while (*pp != NULL && *pp != b) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (*pp == NULL) {
        return;
    }
    if (repl != NULL) {
        repl->next = b->next;
        *pp = repl;
        if (o->tail == b) {
            o->tail = repl;
        }
    } else {
        *pp = b->next;
        if (o->tail == b) {
            o->tail = prev;
        }
    }
    b->next = NULL;
}

static void forget(struct es_output *o, struct fdx_es_bulk *b)
{
    o->mem_bytes -= b->body.len;
    o->mem_docs -= b->n;
}

void fdx__es_seal(struct es_output *o)
{
    struct fdx_es_bulk *b = o->cur;
    if (b == NULL || b->n == 0) {
        return;
    }
    o->cur = NULL;
    bool to_disk = o->spool != NULL &&
                   (fdx_spool_peek(o->spool) > 0 || o->mem_bytes > o->conf.buffer_max_bytes);
    if (to_disk && fdx_spool_push(o->spool, b->body.p, b->body.len, b->n, false) == 0) {
        fdx_counter_add(&o->st.spooled, b->n);
        forget(o, b);
        fdx__es_bulk_put(o, b);
        gauges(o);
        return;
    }
    enqueue(o, b);
    gauges(o);
}

static uint64_t next_rand(struct es_output *o)
{
    /* xorshift64*: jitter only, not security. */
    o->rng ^= o->rng >> 12;
    o->rng ^= o->rng << 25;
    o->rng ^= o->rng >> 27;
    return o->rng * 0x2545F4914F6CDD1DULL;
}

/* Exponential backoff with "equal jitter": half the delay fixed, half random. */
static int64_t backoff_ms(struct es_output *o, uint32_t attempts)
{
    uint64_t d = o->conf.retry_initial_ms;
    for (uint32_t i = 1; i < attempts && d < o->conf.retry_max_ms; i++) {
        d *= 2;
    }
    if (d > o->conf.retry_max_ms) {
        d = o->conf.retry_max_ms;
    }
    uint64_t half = d / 2;
    return (int64_t)(half + (half > 0 ? next_rand(o) % (half + 1) : 0));
}

static void whole_failure(struct es_output *o, struct fdx_es_bulk *b, const char *why, long status)
{
    fdx_counter_add(&o->st.bulk_failures, 1);
    fdx_counter_add(&o->st.retried, b->n);
    b->attempts++;
    b->not_before_ms = fdx__es_now_ms() + backoff_ms(o, b->attempts);
    fdx_log_ratelimited(&o->req_log, 10000, FDX_LOG_WARN,
                        "elasticsearch: bulk of %u documents failed (%s, HTTP %ld), attempt %u; "
                        "retrying",
                        b->n, why, status, b->attempts);
}

static void log_first_error(struct es_output *o, const struct fdx_es_item_result *r,
                            const struct fdx_es_item *it)
{
    const char *type = r->type.p != NULL ? r->type.p : "unknown";
    size_t type_len = r->type.p != NULL ? r->type.len : 7;
    int i = 0;
    for (; i < ES_LOGGED_TYPES && o->logged_types[i] != NULL; i++) {
        if (strlen(o->logged_types[i]) == type_len &&
            memcmp(o->logged_types[i], type, type_len) == 0) {
            return;
        }
    }
    if (i < ES_LOGGED_TYPES) {
        o->logged_types[i] = strndup(type, type_len);
    }
    fdx_warn("elasticsearch refused a document (HTTP %u, %.*s: %.*s); it goes to the "
             "dead-letter file. Document: %.*s",
             r->status, (int)type_len, type, (int)r->reason.len,
             r->reason.p != NULL ? r->reason.p : "", (int)it->doc_len, it->doc);
}

static void dead_letter(struct es_output *o, const struct fdx_es_item *it,
                        const struct fdx_es_item_result *r)
{
    char index[FDX_ES_INDEX_MAX], id[64];
    fdx_es_action_fields(it, index, sizeof(index), id, sizeof(id));
    struct fdx_dead_letter_entry e = {index,         id,          r->status,   r->type.p,
                                      r->type.len,   r->reason.p, r->reason.len, it->doc,
                                      it->doc_len};
    if (o->dl != NULL && fdx_dead_letter_write(o->dl, &e) == 0) {
        fdx_counter_add(&o->st.dead_lettered, 1);
    } else {
        fdx_counter_add(&o->st.lost, 1);
    }
}

/* The bulk is resolved: drop it from memory, and its spool file when it came from one. */
static void retire(struct es_output *o, struct fdx_es_bulk *b, struct fdx_es_bulk *repl)
{
    unlink_bulk(o, b, repl);
    if (b->spool_id != 0 && o->spool != NULL) {
        fdx_spool_remove(o->spool, b->spool_id);
    }
    forget(o, b);
    fdx__es_bulk_put(o, b);
    gauges(o);
}

static void items_done(struct es_output *o, struct fdx_es_bulk *b, const struct fdx_es_response *r)
{
    struct fdx_es_bulk *again = NULL;
    size_t pos = 0;
    struct fdx_es_item it;
    for (uint32_t i = 0; i < r->n && fdx_es_bulk_next(b->body.p, b->body.len, &pos, &it); i++) {
        const struct fdx_es_item_result *res = &r->items[i];
        if (res->verdict == FDX_OUT_OK) {
            fdx_counter_add(res->duplicate ? &o->st.duplicates : &o->st.indexed, 1);
        } else if (res->verdict == FDX_OUT_RETRY) {
            if (again == NULL) {
                again = fdx__es_bulk_get(o);
            }
            if (again == NULL ||
                fdx_es_bulk_append_item(again, it.action, it.action_len, it.doc, it.doc_len)) {
                fdx_counter_add(&o->st.lost, 1);
            }
        } else {
            log_first_error(o, res, &it);
            dead_letter(o, &it, res);
        }
    }
    if (again != NULL && again->n == 0) {
        fdx__es_bulk_put(o, again);
        again = NULL;
    }
    if (again != NULL) {
        fdx_counter_add(&o->st.retried, again->n);
        again->attempts = b->attempts + 1;
        again->not_before_ms = fdx__es_now_ms() + backoff_ms(o, again->attempts);
        again->spool_id = b->spool_id; /* the file holds these too: keep it until they land */
        b->spool_id = 0;
        o->mem_bytes += again->body.len;
        o->mem_docs += again->n;
    }
    retire(o, b, again);
}

static void reject_all(struct es_output *o, struct fdx_es_bulk *b, long status, const char *body,
                       size_t len)
{
    int err = 0;
    fdx_buf_reset(&o->scratch);
    fdx_json_escape(&o->scratch, body, len < 400 ? len : 400, &err);
    static const char type[] = "request_rejected";
    struct fdx_es_item_result res = {FDX_OUT_REJECT, false, (uint16_t)status,
                                     {type, sizeof(type) - 1},
                                     {err == 0 ? o->scratch.p : "", err == 0 ? o->scratch.len : 0}};
    size_t pos = 0;
    struct fdx_es_item it;
    bool first = true;
    while (fdx_es_bulk_next(b->body.p, b->body.len, &pos, &it)) {
        if (first) {
            log_first_error(o, &res, &it);
            first = false;
        }
        dead_letter(o, &it, &res);
    }
    retire(o, b, NULL);
}

static void on_done(void *ctx, void *user, const struct fdx_es_result *res)
{
    struct es_output *o = ctx;
    if (fdx__es_is_template_req(o, user)) {
        fdx__es_template_answer(o, res);
        return;
    }
    struct fdx_es_bulk *b = user;
    b->in_flight = false;
    fdx_counter_add(&o->st.latency_ms_sum, (uint64_t)res->latency_ms);
    fdx_counter_add(&o->st.bytes_sent, res->sent_bytes);
    if (!res->transport_ok) {
        whole_failure(o, b, res->error, 0);
        return;
    }
    enum fdx_out_verdict v = fdx_es_request_verdict(res->status);
    if (v == FDX_OUT_RETRY) {
        whole_failure(o, b, "server", res->status);
        return;
    }
    if (v == FDX_OUT_REJECT) {
        reject_all(o, b, res->status, res->body, res->body_len);
        return;
    }
    int rc = fdx_es_response_parse(&o->resp, res->body, res->body_len);
    if (rc != 0 || o->resp.n != b->n) {
        whole_failure(o, b, rc != 0 ? "unreadable bulk response" : "item count mismatch",
                      res->status);
    } else {
        items_done(o, b, &o->resp);
    }
}

static void send_due(struct es_output *o)
{
    if (!o->template_done) {
        return; /* no index may be created before its mappings are in place */
    }
    int64_t now = fdx__es_now_ms();
    for (struct fdx_es_bulk *b = o->head; b != NULL; b = b->next) {
        if (b->in_flight || b->not_before_ms > now) {
            continue;
        }
        if (!fdx_es_client_ready(o->client, now)) {
            return;
        }
        int rc = fdx_es_client_send(o->client, "POST", "/_bulk", "application/x-ndjson",
                                    b->body.p, b->body.len, b);
        if (rc != 0) {
            return;
        }
        b->in_flight = true;
        fdx_counter_add(&o->st.bulk_requests, 1);
    }
}

static void load_spool(struct es_output *o)
{
    if (o->spool == NULL) {
        return;
    }
    uint64_t next;
    while ((next = fdx_spool_peek(o->spool)) > 0 &&
           (o->head == NULL || o->mem_bytes + next <= o->conf.buffer_max_bytes)) {
        struct fdx_es_bulk *b = fdx__es_bulk_get(o);
        if (b == NULL) {
            return;
        }
        uint64_t id;
        uint32_t ndocs;
        if (fdx_spool_read(o->spool, &b->body, &id, &ndocs) != 0) {
            fdx__es_bulk_put(o, b);
            continue;
        }
        int64_t n = fdx_es_bulk_count(b->body.p, b->body.len);
        b->n = n >= 0 ? (uint32_t)n : ndocs;
        b->spool_id = id;
        o->mem_bytes += b->body.len;
        o->mem_docs += b->n;
        enqueue(o, b);
    }
    gauges(o);
}

void fdx__es_pump(struct es_output *o, int timeout_ms)
{
    load_spool(o);
    send_due(o);
    fdx_es_client_poll(o->client, timeout_ms, on_done, o);
    send_due(o);
}

static void abort_cb(void *ctx, void *user, const struct fdx_es_result *res)
{
    struct es_output *o = ctx;
    (void)res;
    if (fdx__es_is_template_req(o, user)) {
        o->template_phase = 0; /* idle */
        return;
    }
    struct fdx_es_bulk *b = user;
    b->in_flight = false;
}

uint64_t fdx__es_spool_all(struct es_output *o)
{
    fdx_es_client_abort(o->client, abort_cb, o);
    if (o->cur != NULL && o->cur->n > 0) {
        enqueue(o, o->cur);
        o->cur = NULL;
    }
    size_t n = 0;
    for (struct fdx_es_bulk *b = o->head; b != NULL; b = b->next) {
        n++;
    }
    struct fdx_es_bulk **v = calloc(n > 0 ? n : 1, sizeof(*v));
    if (v == NULL) {
        return o->mem_docs;
    }
    n = 0;
    for (struct fdx_es_bulk *b = o->head; b != NULL; b = b->next) {
        v[n++] = b;
    }
    uint64_t lost = 0;
    /* Newest first, each in front of the others: the spool ends up oldest first. */
    for (size_t i = n; i-- > 0;) {
        struct fdx_es_bulk *b = v[i];
        if (b->spool_id != 0) {
            continue; /* still on disk */
        }
        if (o->spool != NULL && fdx_spool_push(o->spool, b->body.p, b->body.len, b->n, true) == 0) {
            fdx_counter_add(&o->st.spooled, b->n);
        } else {
            lost += b->n;
        }
    }
    free(v);
    fdx_counter_add(&o->st.lost, lost);
    for (struct fdx_es_bulk *b = o->head; b != NULL; b = b->next) {
        b->spool_id = 0; /* memory copies go; the files stay for the next start */
    }
    fdx__es_release_queue(o);
    if (o->spool != NULL) {
        fdx_spool_rewind(o->spool);
    }
    gauges(o);
    return lost;
}

void fdx__es_release_queue(struct es_output *o)
{
    struct fdx_es_bulk *b = o->head;
    while (b != NULL) {
        struct fdx_es_bulk *next = b->next;
        fdx_es_bulk_free(b);
        b = next;
    }
    o->head = o->tail = NULL;
    fdx_es_bulk_free(o->cur);
    o->cur = NULL;
    o->mem_bytes = 0;
    o->mem_docs = 0;
}
