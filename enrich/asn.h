/* Stage "asn": when a record carries no AS number or a meaningless one (0, AS_TRANS 23456,
 * private, documentation or reserved ranges), looks it up, with its organisation, in a
 * MaxMind ASN database. Unknown gives -1 (or nothing, by configuration). */
#ifndef FDX_ASN_H
#define FDX_ASN_H

#include <stdbool.h>
#include <stdint.h>

#include "stage.h"

/* True when as is a number that says nothing about the address's network. */
bool fdx_asn_is_meaningless(uint32_t as);

extern const struct fdx_stage_ops fdx_stage_asn;

#endif
