/* Stage "anonymize": runs after enrichment, so lookups saw the real addresses. Truncation
 * (IPv4 last octet, IPv6 last four hextets by default) or Crypto-PAn prefix-preserving keyed
 * anonymization of the chosen addresses, and full redaction of records whose AS or country
 * is listed. Which fields were changed is reported in the document (flowdex.anonymized). */
#ifndef FDX_ANONYMIZE_H
#define FDX_ANONYMIZE_H

#include "addr.h"
#include "stage.h"

/* Keeps the first bits of a (v4-mapped: of the IPv4 address) and zeroes the rest. */
void fdx_anon_truncate(struct fdx_addr *a, unsigned v4_bits, unsigned v6_bits);

extern const struct fdx_stage_ops fdx_stage_anonymize;

#endif
