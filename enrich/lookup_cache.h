/* Per-worker bounded cache of lookup results keyed by address (GeoIP, ASN, Crypto-PAn):
 * 3-way set-associative, least recently used entry of the set evicted. Fixed memory,
 * allocated once; no allocation per lookup. Single-threaded (one per stage instance); the
 * hit/miss counters may be read from another thread. */
#ifndef FDX_LOOKUP_CACHE_H
#define FDX_LOOKUP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "counters.h"

struct fdx_lcache;

/* Room for at least entries values (3 per set, a power of two of sets); value_size bytes
 * per entry.
 * Returns NULL on allocation failure. */
struct fdx_lcache *fdx_lcache_new(size_t entries, size_t value_size);
void fdx_lcache_free(struct fdx_lcache *c);

/* Adds a network level of the same size: a value the database gave for a whole /24 (IPv4)
 * or /48 (IPv6) — see fdx_lcache_share — answers every address of that network, so traffic
 * spread over many hosts of few networks looks each network up once. Returns 0 or -ENOMEM. */
int fdx_lcache_enable_networks(struct fdx_lcache *c);

/* Starts loading key's set into the CPU cache: a stage calls it a few records ahead, so that
 * lookups of addresses not seen lately do not each wait for memory. */
void fdx_lcache_prefetch(const struct fdx_lcache *c, const struct fdx_addr *key);
/* The cached value of key (from the address level, else the network level), or NULL
 * (counts a hit or a miss). */
void *fdx_lcache_get(struct fdx_lcache *c, const struct fdx_addr *key);
/* Room for key's value (evicting the set's least recently used entry), to fill in. */
void *fdx_lcache_put(struct fdx_lcache *c, const struct fdx_addr *key);
/* After filling key's value: the databases' answer holds for a network of prefix length
 * prefix around key (the longest of the networks of every database consulted); when that
 * network contains key's whole /24 (/48), the value is copied to the network level. */
void fdx_lcache_share(struct fdx_lcache *c, const struct fdx_addr *key, const void *value,
                      unsigned prefix);
/* Forgets everything (after a reload or when interned ids are no longer valid). */
void fdx_lcache_clear(struct fdx_lcache *c);

uint64_t fdx_lcache_hits(const struct fdx_lcache *c);
uint64_t fdx_lcache_misses(const struct fdx_lcache *c);

#endif
