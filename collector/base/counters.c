/* Summation of per-thread counter blocks. */
#include "counters.h"

const char *const fdx_proto_label[FDX_PROTO__COUNT] = {
    [FDX_PROTO_UNKNOWN] = "unknown", [FDX_PROTO_NF5] = "netflow_v5",
    [FDX_PROTO_NF9] = "netflow_v9",  [FDX_PROTO_IPFIX] = "ipfix",
    [FDX_PROTO_SFLOW5] = "sflow_v5",
};

void fdx_counters_sum(struct fdx_counter_totals *dst, const struct fdx_counters *src)
{
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        dst->datagrams[i] += fdx_counter_get(&src->datagrams[i]);
        dst->records[i] += fdx_counter_get(&src->records[i]);
    }
    for (int i = 0; i < FDX_DROP__COUNT; i++) {
        dst->dgram_drop[i] += fdx_counter_get(&src->dgram_drop[i]);
        dst->record_drop[i] += fdx_counter_get(&src->record_drop[i]);
    }
    dst->datagram_bytes += fdx_counter_get(&src->datagram_bytes);
    dst->seq_lost += fdx_counter_get(&src->seq_lost);
    dst->extra_ie_overflow += fdx_counter_get(&src->extra_ie_overflow);
    dst->ifname_overflow += fdx_counter_get(&src->ifname_overflow);
}
