/* How a lookup stage (geoip, asn) answers addresses from its database: the jump table for
 * whole /16s, the address cache, lockstep walks of a batch's address-cache misses, and a cache
 * of what the stage made of each database record, so a record is decoded once. The stage
 * gives the size of its values and three callbacks; values live in the caches and are read
 * straight away. Per worker, single-threaded (counters may be read from another thread). */
#ifndef FDX_MMDB_RESOLVER_H
#define FDX_MMDB_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <maxminddb.h>

#include "addr.h"
#include "batch.h"

struct fdx_mmdb_resolver_ops {
    /* Makes value (zeroed, value_size bytes) from database record e; e NULL: no record. */
    void (*fill)(void *stage, MMDB_entry_s *e, void *value);
    /* Makes value (zeroed) by libmaxminddb's lookups; returns the prefix length of the network
     * around a that this answer holds for. Used where walks cannot be. */
    unsigned (*lookup)(void *stage, const struct fdx_addr *a, void *value);
    /* Writes the answer for the record's source or destination address. */
    void (*apply)(void *stage, struct fdx_slot *s, bool src, const void *value);
};

struct fdx_mmdb_resolver;

/* db NULL: every miss of the address cache goes to ops->lookup (a stage that consults several
 * databases per address). NULL when out of memory. */
struct fdx_mmdb_resolver *fdx_mmdb_resolver_new(const MMDB_s *db, size_t cache_entries,
                                                size_t value_size,
                                                const struct fdx_mmdb_resolver_ops *ops,
                                                void *stage);
void fdx_mmdb_resolver_free(struct fdx_mmdb_resolver *r);

/* Forgets every cached value (their interned strings are gone). */
void fdx_mmdb_resolver_clear(struct fdx_mmdb_resolver *r);

/* Starts loading the cache sets record i + a few will need. */
void fdx_mmdb_resolver_prefetch(const struct fdx_mmdb_resolver *r, const struct fdx_batch *b,
                                uint32_t i);

/* Answers the record's source (src) or destination address: applied now, or queued for a walk
 * and applied by the time fdx_mmdb_resolver_flush returns. */
void fdx_mmdb_resolve(struct fdx_mmdb_resolver *r, struct fdx_slot *s, bool src);
/* Walks and applies what is queued; a stage calls it at the end of each batch. */
void fdx_mmdb_resolver_flush(struct fdx_mmdb_resolver *r);

uint64_t fdx_mmdb_resolver_hits(const struct fdx_mmdb_resolver *r);
uint64_t fdx_mmdb_resolver_misses(const struct fdx_mmdb_resolver *r);
/* Addresses answered by the jump table. */
uint64_t fdx_mmdb_resolver_blocks(const struct fdx_mmdb_resolver *r);

struct fdx_metrics;
/* Writes the metric family (a counter) of address cache hits and misses and jump table
 * answers (result="hit", "miss", "block"), labelled with the stage and worker. */
void fdx_mmdb_resolver_stats(const struct fdx_mmdb_resolver *r, struct fdx_metrics *m,
                             const char *family, const char *stage, unsigned worker);

#endif
