/* Per-thread counter blocks. Each block has one writer thread, which updates with a relaxed
 * load and store (no locked read-modify-write); readers (metrics, shutdown summary) sum the
 * blocks with relaxed loads. Every drop in flowdex lands in one of these arrays. */
#ifndef FDX_COUNTERS_H
#define FDX_COUNTERS_H

#include <stdatomic.h>
#include <stdint.h>

#include "compiler.h"
#include "drop.h"
#include "flow.h"

typedef _Atomic uint64_t fdx_counter;

struct fdx_counters {
    _Alignas(FDX_CACHELINE) fdx_counter datagrams[FDX_PROTO__COUNT]; /* received, by protocol */
    fdx_counter datagram_bytes;                   /* payload bytes received */
    fdx_counter records[FDX_PROTO__COUNT];        /* records decoded, by protocol */
    fdx_counter dgram_drop[FDX_DROP__COUNT];      /* whole datagrams refused, by reason */
    fdx_counter record_drop[FDX_DROP__COUNT];     /* records (or data sets) lost, by reason */
    fdx_counter seq_lost;                         /* exporter-side loss from sequence gaps */
    fdx_counter extra_ie_overflow;                /* IEs that did not fit the extra area */
    fdx_counter ifname_overflow; /* interface names not stored: exporter's table (or all) full */
};

/* Single-writer add: only the owning thread may call it on a given counter. */
static inline void fdx_counter_add(fdx_counter *c, uint64_t n)
{
    /* Relaxed: the owner is the only writer; readers only need an eventually fresh value. */
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static inline uint64_t fdx_counter_get(const fdx_counter *c)
{
    return atomic_load_explicit((fdx_counter *)c, memory_order_relaxed);
}

/* Adds every counter of src into the plain totals of dst (a reader's snapshot). */
struct fdx_counter_totals {
    uint64_t datagrams[FDX_PROTO__COUNT];
    uint64_t datagram_bytes;
    uint64_t records[FDX_PROTO__COUNT];
    uint64_t dgram_drop[FDX_DROP__COUNT];
    uint64_t record_drop[FDX_DROP__COUNT];
    uint64_t seq_lost;
    uint64_t extra_ie_overflow;
    uint64_t ifname_overflow;
};
void fdx_counters_sum(struct fdx_counter_totals *dst, const struct fdx_counters *src);

extern const char *const fdx_proto_label[FDX_PROTO__COUNT];

#endif
