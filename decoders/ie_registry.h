/* IPFIX information element registry (IANA, RFC 7012 §4 data types) and the mapping of
 * element ids to flow record fields. Module tag: ie. The IANA table is generated
 * (ie_registry_table.inc); the mapping to fields is written by hand in ie_registry.c.
 * Pure and read-only: safe from any thread. */
#ifndef FDX_IE_REGISTRY_H
#define FDX_IE_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

/* Abstract data types (RFC 7012 §3.1), folded to what rendering needs. Stored in
 * struct fdx_extra_ie.type, so 0 must stay "octets". */
enum fdx_ie_type {
    FDX_IE_OCTETS = 0,
    FDX_IE_UNSIGNED,
    FDX_IE_SIGNED,
    FDX_IE_FLOAT,
    FDX_IE_BOOL,
    FDX_IE_MAC,
    FDX_IE_STRING,
    FDX_IE_TIME_S,
    FDX_IE_TIME_MS,
    FDX_IE_TIME_US, /* NTP 64-bit (RFC 7011 §6.1.9) */
    FDX_IE_TIME_NS, /* NTP 64-bit */
    FDX_IE_IPV4,
    FDX_IE_IPV6,
    FDX_IE_LIST, /* basicList, subTemplateList, subTemplateMultiList (RFC 6313): kept raw */
};

/* Enterprise numbers with a meaning of their own. */
#define FDX_PEN_REVERSE 29305u /* RFC 5103 reverse information elements */
/* NetFlow v9 options scope fields (RFC 3954 §6.1) have their own id space; they are kept in
 * the extra area under this pseudo enterprise number (not a real PEN: above 2^31). */
#define FDX_PEN_NF9_SCOPE 0xfffffff9u

/* Where an element lands in struct fdx_flow (or the per-record time/sampling scratch). */
enum fdx_ie_target {
    FDX_T_NONE = 0, /* no fixed slot: extra area */
    FDX_T_SKIP,     /* padding: not kept */
    FDX_T_BYTES,
    FDX_T_PACKETS,
    FDX_T_BYTES_TOTAL,   /* used only when no delta count is present */
    FDX_T_PACKETS_TOTAL, /* idem */
    FDX_T_REV_BYTES,
    FDX_T_REV_PACKETS,
    FDX_T_PROTO,
    FDX_T_TOS,
    FDX_T_TCP_FLAGS,
    FDX_T_SRC_PORT,
    FDX_T_DST_PORT,
    FDX_T_SRC_ADDR,
    FDX_T_DST_ADDR,
    FDX_T_SRC_MASK,
    FDX_T_DST_MASK,
    FDX_T_IN_IF,
    FDX_T_OUT_IF,
    FDX_T_NEXT_HOP,
    FDX_T_BGP_NEXT_HOP,
    FDX_T_SRC_AS,
    FDX_T_DST_AS,
    FDX_T_ICMP_TYPECODE,
    FDX_T_ICMP_TYPE,
    FDX_T_ICMP_CODE,
    FDX_T_FLOW_LABEL,
    FDX_T_SRC_MAC,
    FDX_T_DST_MAC,
    FDX_T_SRC_VLAN,
    FDX_T_DST_VLAN,
    FDX_T_IP_VERSION,
    FDX_T_DIRECTION,
    FDX_T_MPLS, /* mplsTopLabelStackSection .. mplsLabelStackSection10 */
    FDX_T_END_REASON,
    FDX_T_FLOW_ID,
    FDX_T_ENGINE_TYPE,
    FDX_T_ENGINE_ID,
    FDX_T_TTL,
    FDX_T_FRAGMENT,
    FDX_T_ETHERTYPE,
    FDX_T_FRAME_LEN,
    FDX_T_POST_NAT_SRC,
    FDX_T_POST_NAT_DST,
    FDX_T_POST_NAT_SRC_PORT,
    FDX_T_POST_NAT_DST_PORT,
    FDX_T_FW_EVENT,
    /* Sampling (data and options records). */
    FDX_T_SAMPLER_ID,
    FDX_T_SAMPLING_INTERVAL, /* samplingInterval, samplerRandomInterval: 1 in N */
    FDX_T_SAMPLING_PKT_INTERVAL,
    FDX_T_SAMPLING_PKT_SPACE,
    FDX_T_SAMPLING_SIZE,
    FDX_T_SAMPLING_POPULATION,
    FDX_T_SAMPLING_PROBABILITY,
    /* Time slots, finalised into start_ms/end_ms (template_program.c). */
    FDX_T_START_UPTIME,
    FDX_T_END_UPTIME,
    FDX_T_START_S,
    FDX_T_END_S,
    FDX_T_START_MS,
    FDX_T_END_MS,
    FDX_T_START_US,
    FDX_T_END_US,
    FDX_T_START_NS,
    FDX_T_END_NS,
    FDX_T_START_DELTA_US,
    FDX_T_END_DELTA_US,
    FDX_T_SYS_INIT_MS,
    FDX_T__COUNT
};

struct fdx_ie_info {
    uint16_t id;
    uint8_t type;      /* enum fdx_ie_type */
    const char *name;  /* IANA name, camelCase */
    const char *snake; /* document name (netflow.<snake>) */
};

/* IANA element id -> registry entry, or NULL when unknown. */
const struct fdx_ie_info *fdx_ie_lookup(uint16_t id);

/* Entry for (pen, id) as rendered in documents: IANA ids, RFC 5103 reverse ids (with their
 * reverse name), NetFlow v9 vendor ids and v9 scope fields. NULL when unknown. For reverse
 * elements *is_reverse is set and the returned entry is the forward element. */
const struct fdx_ie_info *fdx_ie_lookup_any(uint32_t pen, uint16_t id, bool *is_reverse);

/* Record field an element fills, for the protocol (FDX_PROTO_NF9 / FDX_PROTO_IPFIX). */
enum fdx_ie_target fdx_ie_target(uint32_t pen, uint16_t id, uint8_t proto);

/* Number of IANA entries, and entry i (0-based, sorted by id): docs and tests. */
unsigned fdx_ie_count(void);
const struct fdx_ie_info *fdx_ie_at(unsigned i);

#endif
