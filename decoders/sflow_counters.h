/* sFlow v5 counter records (sFlow v5 §5 "Counter Data"): generic interface, Ethernet
 * interface, processor. Module tag: sflow. */
#ifndef FDX_SFLOW_COUNTERS_H
#define FDX_SFLOW_COUNTERS_H

#include <stdint.h>

#include "batch.h"
#include "reader.h"

#define SFLOW_CTR_GENERIC 1
#define SFLOW_CTR_ETHERNET 2
#define SFLOW_CTR_PROCESSOR 1001

/* Decodes counter record `format` (enterprise 0) from rd into s->ctr. Returns FDX_DROP_NONE,
 * or TRUNCATED when the record is shorter than its format. Unknown formats return
 * FDX_DROP_NONE without reading. */
uint8_t fdx__sflow_counter_record(struct fdx_slot *s, uint32_t format, struct fdx_rd *rd);

#endif
