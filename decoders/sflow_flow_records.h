/* sFlow v5 flow records (sFlow v5 §5 "Flow Data"): raw packet header, Ethernet frame, IPv4
 * and IPv6 data, extended switch, router and gateway. Module tag: sflow. */
#ifndef FDX_SFLOW_FLOW_RECORDS_H
#define FDX_SFLOW_FLOW_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "batch.h"
#include "counters.h"
#include "reader.h"

#define SFLOW_FLOW_RAW_HEADER 1
#define SFLOW_FLOW_ETHERNET 2
#define SFLOW_FLOW_IPV4 3
#define SFLOW_FLOW_IPV6 4
#define SFLOW_FLOW_EXT_SWITCH 1001
#define SFLOW_FLOW_EXT_ROUTER 1002
#define SFLOW_FLOW_EXT_GATEWAY 1003

#define FDX_SFLOW_AS_PATH_MAX 32 /* ASNs of the gateway AS path kept (the rest is counted) */

/* What the records of one flow sample said, merged at the end of the sample: the raw header
 * wins over the IPv4/IPv6 data records, extended switch VLANs over header tags. */
struct fdx__sflow_acc {
    struct fdx_counters *counters; /* extra_ie_overflow */
    uint32_t frame_len_hdr, frame_len_eth, frame_len_ip;
    bool has_hdr, has_eth, has_ip, has_switch;
    uint16_t sw_src_vlan, sw_dst_vlan;
    uint8_t sw_src_pri, sw_dst_pri;
};

/* Decodes flow record `format` (enterprise 0) from rd into slot s. Returns FDX_DROP_NONE, or
 * the reason the record (and with it the sample) is refused: TRUNCATED / BAD_LENGTH for a
 * malformed record, LIMIT_EXCEEDED for a header deeper than the parser's limits. Unknown
 * formats return FDX_DROP_NONE without reading. */
uint8_t fdx__sflow_flow_record(struct fdx__sflow_acc *a, struct fdx_slot *s, uint32_t format,
                               struct fdx_rd *rd);

/* Merges the accumulated records into the flow: frame length, bytes = frame length x rate
 * and packets = rate when renormalize is set (raw_bytes = frame length, raw_packets = 1). */
void fdx__sflow_flow_finish(const struct fdx__sflow_acc *a, struct fdx_slot *s,
                            bool renormalize);

#endif
