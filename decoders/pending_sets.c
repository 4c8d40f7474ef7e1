/* Pending data sets: a FIFO list (arrival order = expiry order). Lookups walk the list; it
 * is short by construction (bounded count), and only walked when a template arrives. */
#include "pending_sets.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct pset {
    struct pset *next;
    struct fdx_tmpl_key key;
    struct fdx_msg_info msg;
    int64_t arrived_ms;
    size_t len;
    uint8_t data[];
};

struct fdx_pending {
    size_t max_bytes;
    uint32_t max_sets;
    size_t bytes;
    uint32_t count;
    struct pset *head;
    struct pset **tail;
};

struct fdx_pending *fdx_pending_new(size_t max_bytes, uint32_t max_sets)
{
    struct fdx_pending *p = calloc(1, sizeof(*p));
    if (p != NULL) {
        p->max_bytes = max_bytes;
        p->max_sets = max_sets;
        p->tail = &p->head;
    }
    return p;
}

void fdx_pending_free(struct fdx_pending *p)
{
    if (p != NULL) {
        fdx_pending_clear(p);
        free(p);
    }
}

int fdx_pending_add(struct fdx_pending *p, const struct fdx_tmpl_key *key,
                    const struct fdx_msg_info *m, const uint8_t *data, size_t len,
                    int64_t now_ms)
{
    if (p->count >= p->max_sets || len > p->max_bytes || p->bytes + len > p->max_bytes) {
        return -ENOSPC;
    }
    struct pset *s = malloc(sizeof(*s) + len);
    if (s == NULL) {
        return -ENOSPC;
    }
    s->next = NULL;
    s->key = *key;
    s->msg = *m;
    s->arrived_ms = now_ms;
    s->len = len;
    memcpy(s->data, data, len);
    *p->tail = s;
    p->tail = &s->next;
    p->count++;
    p->bytes += len;
    return 0;
}

static bool key_eq(const struct fdx_tmpl_key *a, const struct fdx_tmpl_key *b)
{
    return a->id == b->id && a->domain_id == b->domain_id && a->proto == b->proto &&
           fdx_addr_eq(&a->addr, &b->addr);
}

/* Unlinks *pp (whose successor becomes *pp) and fixes the tail. */
static struct pset *unlink_at(struct fdx_pending *p, struct pset **pp)
{
    struct pset *s = *pp;
    *pp = s->next;
    if (p->tail == &s->next) {
        p->tail = pp;
    }
    p->count--;
    p->bytes -= s->len;
    return s;
}

unsigned fdx_pending_take(struct fdx_pending *p, const struct fdx_tmpl_key *key,
                          void (*fn)(void *arg, const struct fdx_msg_info *m,
                                     const uint8_t *data, size_t len),
                          void *arg)
{
    unsigned n = 0;
    struct pset **pp = &p->head;
    while (*pp != NULL) {
        if (key_eq(&(*pp)->key, key)) {
            struct pset *s = unlink_at(p, pp);
            fn(arg, &s->msg, s->data, s->len);
            free(s);
            n++;
        } else {
            pp = &(*pp)->next;
        }
    }
    return n;
}

unsigned fdx_pending_expire(struct fdx_pending *p, int64_t now_ms, int64_t timeout_ms)
{
    unsigned n = 0;
    while (p->head != NULL && p->head->arrived_ms < now_ms - timeout_ms) {
        free(unlink_at(p, &p->head));
        n++;
    }
    return n;
}

unsigned fdx_pending_clear(struct fdx_pending *p)
{
    unsigned n = 0;
    while (p->head != NULL) {
        free(unlink_at(p, &p->head));
        n++;
    }
    return n;
}

uint32_t fdx_pending_count(const struct fdx_pending *p)
{
    return p->count;
}

size_t fdx_pending_bytes(const struct fdx_pending *p)
{
    return p->bytes;
}
