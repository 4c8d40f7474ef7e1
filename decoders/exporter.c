/* Exporter table: open addressing over a fixed array; entries are never removed. */
#include "exporter.h"

#include "if_names.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fdx_exporters {
    uint32_t max;   /* bound on entries */
    uint32_t count; /* owner only */
    uint32_t mask;
    uint32_t ifname_tables; /* exporters with an interface name table (owner only) */
    struct fdx_exporter *e;
};

/* Sequence jumps larger than this are taken as an exporter restart, not as loss. */
#define SEQ_RESTART_WINDOW 0x40000000u

struct fdx_exporters *fdx_exporters_new(uint32_t cap)
{
    struct fdx_exporters *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    uint32_t slots = 16;
    while (slots < cap * 2) {
        slots *= 2;
    }
    t->max = cap;
    t->mask = slots - 1;
    t->e = calloc(slots, sizeof(*t->e));
    if (t->e == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

void fdx_exporters_free(struct fdx_exporters *t)
{
    if (t != NULL) {
        for (uint32_t i = 0; i <= t->mask; i++) {
            fdx_ifname_table_free(t->e[i].ifnames);
        }
        free(t->e);
        free(t);
    }
}

static uint32_t key_hash(const struct fdx_addr *a, uint32_t domain, uint8_t proto)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++) {
        h = (h ^ a->b[i]) * 16777619u;
    }
    h = (h ^ domain) * 16777619u;
    return (h ^ proto) * 16777619u;
}

struct fdx_exporter *fdx_exporter_get(struct fdx_exporters *t, const struct fdx_addr *addr,
                                      uint32_t domain_id, uint8_t proto, int64_t now_ms)
{
    for (uint32_t i = key_hash(addr, domain_id, proto) & t->mask;; i = (i + 1) & t->mask) {
        struct fdx_exporter *e = &t->e[i];
        /* Relaxed: the owner thread is the only writer of in_use. */
        if (atomic_load_explicit(&e->in_use, memory_order_relaxed) == 0) {
            if (t->count >= t->max) {
                return NULL;
            }
            e->addr = *addr;
            e->domain_id = domain_id;
            e->proto = proto;
            e->last_seen_ms = now_ms;
            e->owner = t;
            t->count++;
            /* Release pairs with the acquire load in fdx_exporters_foreach(): the key is
             * visible before the entry is. */
            atomic_store_explicit(&e->in_use, 1, memory_order_release);
            return e;
        }
        if (e->domain_id == domain_id && e->proto == proto && fdx_addr_eq(&e->addr, addr)) {
            e->last_seen_ms = now_ms;
            return e;
        }
    }
}

void fdx_exporter_track_sequence(struct fdx_exporter *e, struct fdx_counters *c, uint32_t seq,
                                 uint32_t units)
{
    if (e->seq_valid && seq != e->next_seq) {
        uint32_t gap = seq - e->next_seq; /* wraps with the 32-bit counter */
        if (gap < SEQ_RESTART_WINDOW) {
            fdx_counter_add(&e->seq_lost, gap);
            fdx_counter_add(&c->seq_lost, gap);
        }
        /* Otherwise: reordering or a restart; not loss. */
    }
    e->seq_valid = true;
    e->next_seq = seq + units;
}

uint32_t fdx_exporter_sampling(const struct fdx_exporter *e, uint32_t sampler_id)
{
    for (unsigned i = 0; i < e->nsamplers; i++) {
        if (e->sampler[i].id == sampler_id) {
            return e->sampler[i].rate;
        }
    }
    return e->sampling_rate;
}

void fdx_exporter_set_sampling(struct fdx_exporter *e, uint32_t sampler_id, uint32_t rate)
{
    if (sampler_id == 0) {
        e->sampling_rate = rate;
    }
    for (unsigned i = 0; i < e->nsamplers; i++) {
        if (e->sampler[i].id == sampler_id) {
            e->sampler[i].rate = rate;
            return;
        }
    }
    /* Bounded: the oldest remembered sampler makes room. */
    unsigned i = e->nsamplers < FDX_EXPORTER_SAMPLERS ? e->nsamplers++ : 0;
    e->sampler[i].id = sampler_id;
    e->sampler[i].rate = rate;
}

int fdx_exporter_learn_ifname(struct fdx_exporter *e, uint32_t idx, const uint8_t *raw,
                              size_t len)
{
    if (e->ifnames == NULL) {
        if (e->owner->ifname_tables >= FDX_IFNAME_TABLES_MAX) {
            return -ENOSPC;
        }
        e->ifnames = fdx_ifname_table_new(); /* once per exporter, never per record */
        if (e->ifnames == NULL) {
            return -ENOMEM;
        }
        e->owner->ifname_tables++;
    }
    return fdx_ifname_put(e->ifnames, idx, raw, len);
}

void fdx_exporters_foreach(const struct fdx_exporters *t,
                           void (*fn)(const struct fdx_exporter *e, void *arg), void *arg)
{
    for (uint32_t i = 0; i <= t->mask; i++) {
        const struct fdx_exporter *e = &t->e[i];
        /* Acquire pairs with the release store in fdx_exporter_get(). */
        if (atomic_load_explicit((_Atomic uint32_t *)&e->in_use, memory_order_acquire)) {
            fn(e, arg);
        }
    }
}
