/* Interface names learnt from options data (IPFIX interfaceName IE 82, NetFlow v9 IF_NAME
 * field 82; interfaceDescription IE 83 when no name is sent), keyed by ifIndex, and applied
 * to the same exporter's data records. One table per exporter/domain, allocated once when the
 * exporter sends its first name, bounded per exporter (FDX_IFNAMES_PER_EXPORTER) and in all
 * (FDX_IFNAME_TABLES_MAX tables per exporter table); what does not fit is counted
 * (counters->ifname_overflow). Owned by the decoding thread. Module tag: ifname. */
#ifndef FDX_IF_NAMES_H
#define FDX_IF_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "batch.h"
#include "counters.h"

#define FDX_IFNAMES_PER_EXPORTER 256 /* interfaces remembered per exporter/domain */
#define FDX_IFNAME_TABLES_MAX 1024   /* exporters/domains with a name table */

struct fdx_ifname_table;

struct fdx_ifname_table *fdx_ifname_table_new(void);
void fdx_ifname_table_free(struct fdx_ifname_table *t);

/* Stores (or replaces) the name of ifIndex idx: raw wire bytes, cleaned by
 * fdx_ifname_clean(). An empty name is ignored (returns 0). Returns -ENOSPC when the table is
 * full and idx is new. */
int fdx_ifname_put(struct fdx_ifname_table *t, uint32_t idx, const uint8_t *raw, size_t len);

/* The stored name of idx (length in *len), or NULL. */
const char *fdx_ifname_get(const struct fdx_ifname_table *t, uint32_t idx, size_t *len);

/* Copies raw into out (FDX_IFNAME_MAX bytes) as a name fit for a document: stops at the
 * first NUL (fixed-length fields are NUL-padded), replaces control characters and bytes that
 * are not part of a valid UTF-8 sequence by '?', and truncates on a character boundary.
 * Returns the length written. */
size_t fdx_ifname_clean(char *out, const uint8_t *raw, size_t len);

struct fdx_exporter;

/* After a record of exp is decoded into s: an options record teaches exp the names it
 * carries; a flow record of an exporter with names gets those of its interfaces (presence
 * bits FDX_F_IN_IF_NAME / FDX_F_OUT_IF_NAME). */
void fdx_ifname_record(struct fdx_exporter *exp, struct fdx_slot *s, struct fdx_counters *c);

#endif
