/* Stage "prefix_table": CSV files mapping CIDR prefixes (IPv4 and IPv6) to document fields
 * (member or customer organisation, site, ...), longest-prefix match for source and
 * destination; reloaded (rebuilt, then swapped) on SIGHUP. */
#ifndef FDX_PREFIX_TABLE_H
#define FDX_PREFIX_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"
#include "stage.h"

/* A parsed table: immutable. Column 0 of the CSV is the prefix; columns 1..ncols are
 * values, named by the header line. */
struct fdx_ptable;

struct fdx_ptable *fdx_ptable_parse(const char *text, size_t len, const char *name,
                                    size_t max_entries, struct fdx_err *err);
void fdx_ptable_free(struct fdx_ptable *t);
size_t fdx_ptable_count(const struct fdx_ptable *t);
unsigned fdx_ptable_ncols(const struct fdx_ptable *t);
/* Header name of value column col (0-based, not counting the prefix column). */
const char *fdx_ptable_col_name(const struct fdx_ptable *t, unsigned col);
/* Row of the longest prefix containing a, or -1. */
long fdx_ptable_lookup(const struct fdx_ptable *t, const struct fdx_addr *a);
/* Value of column col in row; NULL when empty. */
const char *fdx_ptable_value(const struct fdx_ptable *t, long row, unsigned col, size_t *len);

extern const struct fdx_stage_ops fdx_stage_prefix_table;

#endif
