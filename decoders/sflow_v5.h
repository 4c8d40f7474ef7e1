/* sFlow v5 decoder (sFlow Version 5, sflow.org, July 2004). Module tag: sflow. */
#ifndef FDX_SFLOW_V5_H
#define FDX_SFLOW_V5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "reader.h"

/* Limits; what exceeds one is counted under FDX_DROP_LIMIT_EXCEEDED (one per lost record). */
#define FDX_SFLOW_MAX_SAMPLES 512 /* samples decoded per datagram */
#define FDX_SFLOW_MAX_RECORDS 64  /* flow or counter records walked per sample */

/* Pseudo enterprise number under which sFlow values with no fixed flow-record slot and no
 * IANA IPFIX element are kept in the extra area (documents: netflow.pen6343_<id>). It is a
 * flowdex convention (the sFlow UDP port), not an IANA assignment. */
#define FDX_SFLOW_PEN 6343
enum fdx_sflow_extra_id {
    FDX_SFLOW_X_AS_PATH = 1,    /* destination AS path, every ASN as uint32, segments flattened */
    FDX_SFLOW_X_LOCAL_PREF = 2, /* BGP local preference, uint32 */
    FDX_SFLOW_X_IN_IF_RAW = 3,  /* input interface word when its format is not 0, uint32 */
    FDX_SFLOW_X_OUT_IF_RAW = 4, /* output interface word when its format is not 0, uint32 */
    FDX_SFLOW_X_SAMPLE_POOL = 5, /* packets that could have been sampled, uint32 */
    FDX_SFLOW_X_DROPS = 6,      /* samples dropped by the agent for lack of resources, uint32 */
};

/* The datagram header, as the sample decoders need it. */
struct fdx__sflow_hdr {
    struct fdx_addr agent;
    uint32_t sub_agent_id;
    uint32_t sequence;
    uint32_t uptime_ms;
    uint32_t num_samples;
};

/* Decodes one sFlow v5 datagram: every flow sample becomes a FDX_KIND_FLOW record, every
 * counter sample a FDX_KIND_COUNTERS record (slot->ctr). Never fails on bad input: a bad
 * datagram header is counted in dgram_drop; a malformed sample is counted
 * (record_drop[SFLOW_BAD_SAMPLE]) and skipped by its length; samples lost to truncation are
 * counted in record_drop[TRUNCATED]. Unknown sample and record formats are skipped by their
 * length. Sequence gaps per (source address, sub-agent id) add to seq_lost (datagrams).
 * Returns the number of records appended. Runs on the thread that owns ctx. */
size_t fdx_sflow_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg);

/* Reads an sFlow address (type 1 = IPv4, 2 = IPv6); false (rd failed with BAD_LENGTH or
 * TRUNCATED) for any other type or a short read. */
bool fdx__sflow_read_addr(struct fdx_rd *rd, struct fdx_addr *out);

#endif
