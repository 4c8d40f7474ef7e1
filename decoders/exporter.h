/* Exporter/domain state: sequence tracking (gaps = exporter-side loss), sampling learnt from
 * headers and options data, per-exporter counters. A fixed-size table owned by one thread;
 * entries are published once (release) and never move or disappear, so the metrics thread
 * may read their counters at any time. When the table is full, new exporters are refused
 * and counted (FDX_DROP_EXPORTER_LIMIT). */
#ifndef FDX_EXPORTER_H
#define FDX_EXPORTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "counters.h"

#define FDX_EXPORTER_SAMPLERS 8 /* sampler ids remembered per exporter (options data) */

struct fdx_exporter {
    _Atomic uint32_t in_use; /* stored (release) by the owner after the key is written */
    struct fdx_addr addr;
    uint32_t domain_id;
    uint8_t proto; /* enum fdx_proto */

    /* Owner-thread state. */
    bool seq_valid;
    uint32_t next_seq;
    int64_t last_seen_ms;
    uint32_t sampling_rate; /* from the header or options data (sampler 0); 0 unknown */
    struct {
        uint32_t id;
        uint32_t rate;
    } sampler[FDX_EXPORTER_SAMPLERS]; /* options data: sampler id -> 1-in-N */
    uint8_t nsamplers;
    int64_t sys_init_ms; /* IPFIX systemInitTimeMilliseconds from options data; 0 unknown */
    uint32_t templates; /* templates cached for this exporter (templates.c bound) */
    struct fdx_ifname_table *ifnames; /* names from options data (if_names.h); NULL: none */
    struct fdx_exporters *owner;

    /* Counters: written by the owner, read by metrics (relaxed). */
    fdx_counter datagrams;
    fdx_counter records;
    fdx_counter seq_lost;
    fdx_counter drops;
};

struct fdx_exporters;
struct fdx_ifname_table;

struct fdx_exporters *fdx_exporters_new(uint32_t cap);
void fdx_exporters_free(struct fdx_exporters *t);

/* Finds or creates the state for (addr, domain, proto); NULL when the table is full (counted
 * in counters->dgram_drop[EXPORTER_LIMIT] by the caller). */
struct fdx_exporter *fdx_exporter_get(struct fdx_exporters *t, const struct fdx_addr *addr,
                                      uint32_t domain_id, uint8_t proto, int64_t now_ms);

/* Checks seq against the expected value and remembers the next expected one (seq + units).
 * A forward gap adds to e->seq_lost and counters->seq_lost (in the protocol's unit: flows for
 * v5 and IPFIX, datagrams for v9 and sFlow). A large backward jump is a restart, not loss. */
void fdx_exporter_track_sequence(struct fdx_exporter *e, struct fdx_counters *c, uint32_t seq,
                                 uint32_t units);

/* Sampling rate for a sampler id learnt from options data, or the exporter's default. */
uint32_t fdx_exporter_sampling(const struct fdx_exporter *e, uint32_t sampler_id);
void fdx_exporter_set_sampling(struct fdx_exporter *e, uint32_t sampler_id, uint32_t rate);

/* Stores the name of ifIndex idx learnt from options data (if_names.h), allocating the
 * exporter's name table on its first name. -ENOSPC when the exporter's table is full, or when
 * FDX_IFNAME_TABLES_MAX exporters of this table already have one. */
int fdx_exporter_learn_ifname(struct fdx_exporter *e, uint32_t idx, const uint8_t *raw,
                              size_t len);

/* Iteration for metrics (any thread): calls fn for every published entry. */
void fdx_exporters_foreach(const struct fdx_exporters *t,
                           void (*fn)(const struct fdx_exporter *e, void *arg), void *arg);

#endif
