/* Canonical JSON line for one decoded slot (golden tests): every field of struct fdx_flow
 * whose presence bit is set, with raw decoded values, plus the extra-area IEs and, for counter
 * samples, struct fdx_if_counters. Field names are the struct member names. */
#ifndef FDX_RECORD_JSON_H
#define FDX_RECORD_JSON_H

#include <stdint.h>
#include <stdio.h>

#include "batch.h"

void fdx_golden_print_slot(FILE *out, uint64_t frame, const struct fdx_slot *s);

#endif
