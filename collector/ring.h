/* SPSC burst ring of pointers (one producer thread, one consumer thread), header-only, C11
 * atomics. Indices run free and wrap; capacity is a power of two. The ring carries batch
 * pointers, never records. Never blocks: a full ring is the caller's counted drop. */
#ifndef FDX_RING_H
#define FDX_RING_H

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "compiler.h"

struct fdx_ring {
    /* Producer's line. */
    _Alignas(FDX_CACHELINE) _Atomic uint32_t tail; /* next slot to fill; only the producer stores */
    uint32_t head_seen;                             /* producer's last view of head */
    /* Consumer's line. */
    _Alignas(FDX_CACHELINE) _Atomic uint32_t head; /* next slot to drain; only the consumer stores */
    uint32_t tail_seen;                             /* consumer's last view of tail */
    /* Read-only after init. */
    _Alignas(FDX_CACHELINE) uint32_t mask; /* capacity - 1 */
    void **slot;
};

/* Allocates the slots; cap is rounded up to a power of two (at least 2, at most 2^30).
 * Returns 0 or -ENOMEM / -EINVAL. Control path only. */
static inline int fdx_ring_init(struct fdx_ring *r, uint32_t cap)
{
    if (cap == 0 || cap > (1u << 30)) {
        return -EINVAL;
    }
    uint32_t c = 2;
    while (c < cap) {
        c <<= 1;
    }
    r->slot = calloc(c, sizeof(*r->slot));
    if (r->slot == NULL) {
        return -ENOMEM;
    }
    r->mask = c - 1;
    r->head_seen = 0;
    r->tail_seen = 0;
    atomic_init(&r->tail, 0);
    atomic_init(&r->head, 0);
    return 0;
}

/* Frees the slots (not the items); a zeroed ring is a no-op. */
static inline void fdx_ring_fini(struct fdx_ring *r)
{
    free(r->slot);
    r->slot = NULL;
}

static inline uint32_t fdx_ring_capacity(const struct fdx_ring *r)
{
    return r->mask + 1;
}

/* Producer only. Queues up to n pointers and returns how many it took; the caller counts the
 * rest as a drop (FDX_DROP_RING_FULL …) and recycles them. Ownership of the queued items
 * passes to the consumer. Never blocks. */
static inline unsigned fdx_ring_push_burst(struct fdx_ring *r, void *const *item, unsigned n)
{
    /* Relaxed: the producer is the only writer of tail. */
    uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint32_t room = r->mask + 1 - (tail - r->head_seen);

    if (room < n) {
        /* Acquire pairs with the release store of head in fdx_ring_pop_burst(): the consumer
         * has finished reading the slots it gave back. */
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        room = r->mask + 1 - (tail - r->head_seen);
        if (n > room) {
            n = room;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        r->slot[(tail + i) & r->mask] = item[i];
    }
    /* Release pairs with the acquire load of tail in fdx_ring_pop_burst(): the slot stores
     * above are visible before the new tail. */
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

/* Consumer only. Takes up to n pointers into item[] in FIFO order and returns how many; the
 * consumer owns them from then on. Never blocks. */
static inline unsigned fdx_ring_pop_burst(struct fdx_ring *r, void **item, unsigned n)
{
    /* Relaxed: the consumer is the only writer of head. */
    uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint32_t avail = r->tail_seen - head;

    if (avail < n) {
        /* Acquire pairs with the release store of tail in fdx_ring_push_burst(): the slots
         * up to the new tail are written. */
        r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
        avail = r->tail_seen - head;
        if (n > avail) {
            n = avail;
        }
    }
    for (unsigned i = 0; i < n; i++) {
        item[i] = r->slot[(head + i) & r->mask];
    }
    /* Release pairs with the acquire load of head in fdx_ring_push_burst(): our reads of the
     * slots are done before the producer may overwrite them. */
    atomic_store_explicit(&r->head, head + n, memory_order_release);
    return n;
}

/* Any thread: approximate number of queued items (metrics). */
static inline uint32_t fdx_ring_count(const struct fdx_ring *r)
{
    /* Relaxed loads of both indices (pairs with nothing): a gauge may be slightly stale. Read
     * head first so a concurrent push cannot make the difference negative. */
    uint32_t head = atomic_load_explicit((_Atomic uint32_t *)&r->head, memory_order_relaxed);
    uint32_t tail = atomic_load_explicit((_Atomic uint32_t *)&r->tail, memory_order_relaxed);
    uint32_t n = tail - head;
    return n > r->mask + 1 ? 0 : n;
}

#endif
