/* Shared utilities of the enrichment stages: counted removal of a record, prefix lists,
 * enrichment labels and the check of document field names used by configurable stages. */
#ifndef FDX_ENRICH_UTIL_H
#define FDX_ENRICH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "batch.h"
#include "cfg.h"
#include "counters.h"
#include "err.h"

/* Marks a live slot removed with reason and counts it in the worker's counters and in the
 * stage's own counter (may be NULL). */
static inline void fdx_enrich_drop(struct fdx_slot *s, struct fdx_counters *c, enum fdx_drop why,
                                   fdx_counter *stage_counter)
{
    s->dropped = (uint8_t)why;
    if (c != NULL) {
        fdx_counter_add(&c->record_drop[why], 1);
    }
    if (stage_counter != NULL) {
        fdx_counter_add(stage_counter, 1);
    }
}

/* A list of CIDR prefixes (IPv4 stored as v4-mapped /96+len). */
struct fdx_prefix_list {
    size_t n;
    struct fdx_prefix {
        uint64_t hi, lo;   /* masked prefix, as two big-endian halves */
        uint64_t mhi, mlo; /* masks */
    } *p;
};

/* Parses every element of l; what names the key in messages. */
int fdx_prefix_list_parse(struct fdx_prefix_list *out, const struct fdx_strlist *l,
                          const char *what, struct fdx_err *err);
/* The address as two big-endian 64-bit halves. */
void fdx_addr_halves(const struct fdx_addr *a, uint64_t *hi, uint64_t *lo);
bool fdx_prefix_list_match(const struct fdx_prefix_list *pl, const struct fdx_addr *a);
void fdx_prefix_list_fini(struct fdx_prefix_list *pl);

/* Adds (or replaces) a label key=value in the slot's enrichment; false when full. */
bool fdx_enr_label_set(struct fdx_enrichment *e, uint32_t key, uint32_t value);

/* Checks that name may be written by a configurable stage as a document field: a dotted
 * path under source., destination., network., observer., event., labels. or another
 * top-level name, but not a field flowdex writes itself (source.ip, source.geo.*, netflow.*,
 * flowdex.* …). Returns 0 or -EINVAL with err naming what. */
int fdx_enrich_check_field(const char *name, const char *what, struct fdx_err *err);

/* The start of every interning stage's process(): the intern table for batch b (the worker's
 * b->strings, else the stage's own). Housekeeping keeps the table from filling up over a long
 * run: when it is nearly full and no slot of the batch holds an interned id yet (documents of
 * earlier batches are already encoded), it is cleared. When gen is given (the
 * table generation the stage's cached ids belong to) and the table was cleared since, *gen
 * is updated and *stale set, so the stage forgets its cached ids. NULL: no table, skip. */
struct fdx_intern *fdx_enrich_batch_strings(const struct fdx_batch *b, struct fdx_intern *own,
                                            uint32_t *gen, bool *stale);

/* Reads a whole file (at most max_bytes) into a NUL-terminated heap buffer. */
int fdx_enrich_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
                         struct fdx_err *err);

/* True for multicast addresses (224.0.0.0/4, ff00::/8). */
bool fdx_addr_is_multicast(const struct fdx_addr *a);

#endif
