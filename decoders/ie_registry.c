/* IPFIX information element registry: the generated IANA table (RFC 7012), the NetFlow v9
 * vendor ids seen in the wild (Cisco ASA NSEL) and the mapping of ids to record fields.
 * Read-only tables; no state. */
#include "ie_registry.h"

#include <stddef.h>

#include "flow.h"

static const struct fdx_ie_info iana[] = {
#include "ie_registry_table.inc"
};

/* NetFlow v9 field types above the IANA range, as Cisco ASA (NSEL) exports them. */
static const struct fdx_ie_info nf9_vendor[] = {
    {33000, FDX_IE_OCTETS, "NF_F_INGRESS_ACL_ID", "ingress_acl_id"},
    {33001, FDX_IE_OCTETS, "NF_F_EGRESS_ACL_ID", "egress_acl_id"},
    {33002, FDX_IE_UNSIGNED, "NF_F_FW_EXT_EVENT", "fw_ext_event"},
    {40000, FDX_IE_STRING, "NF_F_USERNAME", "username"},
    {40001, FDX_IE_IPV4, "NF_F_XLATE_SRC_ADDR_IPV4", "xlate_src_addr_ipv4"},
    {40002, FDX_IE_IPV4, "NF_F_XLATE_DST_ADDR_IPV4", "xlate_dst_addr_ipv4"},
    {40003, FDX_IE_UNSIGNED, "NF_F_XLATE_SRC_PORT", "xlate_src_port"},
    {40004, FDX_IE_UNSIGNED, "NF_F_XLATE_DST_PORT", "xlate_dst_port"},
    {40005, FDX_IE_UNSIGNED, "NF_F_FW_EVENT", "fw_event"},
};

/* NetFlow v9 options scope field types (RFC 3954 §6.1). */
static const struct fdx_ie_info nf9_scope[] = {
    {1, FDX_IE_UNSIGNED, "System", "scope_system"},
    {2, FDX_IE_UNSIGNED, "Interface", "scope_interface"},
    {3, FDX_IE_UNSIGNED, "LineCard", "scope_line_card"},
    {4, FDX_IE_UNSIGNED, "Cache", "scope_cache"},
    {5, FDX_IE_UNSIGNED, "Template", "scope_template"},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct fdx_ie_info *search(const struct fdx_ie_info *t, size_t n, uint16_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid].id == id) {
            return &t[mid];
        }
        if (t[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

const struct fdx_ie_info *fdx_ie_lookup(uint16_t id)
{
    return search(iana, NELEM(iana), id);
}

const struct fdx_ie_info *fdx_ie_lookup_any(uint32_t pen, uint16_t id, bool *is_reverse)
{
    *is_reverse = false;
    switch (pen) {
    case 0:
        if (id >= 32768) {
            return search(nf9_vendor, NELEM(nf9_vendor), id);
        }
        return fdx_ie_lookup(id);
    case FDX_PEN_REVERSE:
        *is_reverse = true;
        return fdx_ie_lookup(id);
    case FDX_PEN_NF9_SCOPE:
        return search(nf9_scope, NELEM(nf9_scope), id);
    default:
        return NULL;
    }
}

unsigned fdx_ie_count(void)
{
    return (unsigned)NELEM(iana);
}

const struct fdx_ie_info *fdx_ie_at(unsigned i)
{
    return i < NELEM(iana) ? &iana[i] : NULL;
}

static enum fdx_ie_target reverse_target(uint16_t id)
{
    switch (id) {
    case 1:
        return FDX_T_REV_BYTES;
    case 2:
        return FDX_T_REV_PACKETS;
    case 210:
        return FDX_T_SKIP;
    default:
        return FDX_T_NONE;
    }
}

static enum fdx_ie_target nf9_vendor_target(uint16_t id)
{
    switch (id) {
    case 40001:
        return FDX_T_POST_NAT_SRC;
    case 40002:
        return FDX_T_POST_NAT_DST;
    case 40003:
        return FDX_T_POST_NAT_SRC_PORT;
    case 40004:
        return FDX_T_POST_NAT_DST_PORT;
    case 40005:
        return FDX_T_FW_EVENT;
    default:
        return FDX_T_NONE;
    }
}

/* IANA ids that have a fixed slot. The v9 field types below 128 are the same numbers with
 * the same meaning (RFC 3954 §8, RFC 7012 §4). */
static const uint8_t iana_target[] = {
    [1] = FDX_T_BYTES,
    [2] = FDX_T_PACKETS,
    [4] = FDX_T_PROTO,
    [5] = FDX_T_TOS,
    [6] = FDX_T_TCP_FLAGS,
    [7] = FDX_T_SRC_PORT,
    [8] = FDX_T_SRC_ADDR,
    [9] = FDX_T_SRC_MASK,
    [10] = FDX_T_IN_IF,
    [11] = FDX_T_DST_PORT,
    [12] = FDX_T_DST_ADDR,
    [13] = FDX_T_DST_MASK,
    [14] = FDX_T_OUT_IF,
    [15] = FDX_T_NEXT_HOP,
    [16] = FDX_T_SRC_AS,
    [17] = FDX_T_DST_AS,
    [18] = FDX_T_BGP_NEXT_HOP,
    [21] = FDX_T_END_UPTIME,
    [22] = FDX_T_START_UPTIME,
    [27] = FDX_T_SRC_ADDR,
    [28] = FDX_T_DST_ADDR,
    [29] = FDX_T_SRC_MASK,
    [30] = FDX_T_DST_MASK,
    [31] = FDX_T_FLOW_LABEL,
    [32] = FDX_T_ICMP_TYPECODE,
    [34] = FDX_T_SAMPLING_INTERVAL,
    [38] = FDX_T_ENGINE_TYPE,
    [39] = FDX_T_ENGINE_ID,
    [48] = FDX_T_SAMPLER_ID,
    [50] = FDX_T_SAMPLING_INTERVAL,
    [52] = FDX_T_TTL,
    [56] = FDX_T_SRC_MAC,
    [58] = FDX_T_SRC_VLAN,
    [59] = FDX_T_DST_VLAN,
    [60] = FDX_T_IP_VERSION,
    [61] = FDX_T_DIRECTION,
    [62] = FDX_T_NEXT_HOP,
    [63] = FDX_T_BGP_NEXT_HOP,
    [70] = FDX_T_MPLS,
    [71] = FDX_T_MPLS,
    [72] = FDX_T_MPLS,
    [73] = FDX_T_MPLS,
    [74] = FDX_T_MPLS,
    [75] = FDX_T_MPLS,
    [76] = FDX_T_MPLS,
    [77] = FDX_T_MPLS,
    [78] = FDX_T_MPLS,
    [79] = FDX_T_MPLS,
    [80] = FDX_T_DST_MAC,
    [85] = FDX_T_BYTES_TOTAL,
    [86] = FDX_T_PACKETS_TOTAL,
    [88] = FDX_T_FRAGMENT,
    [136] = FDX_T_END_REASON,
    [139] = FDX_T_ICMP_TYPECODE,
    [148] = FDX_T_FLOW_ID,
    [150] = FDX_T_START_S,
    [151] = FDX_T_END_S,
    [152] = FDX_T_START_MS,
    [153] = FDX_T_END_MS,
    [154] = FDX_T_START_US,
    [155] = FDX_T_END_US,
    [156] = FDX_T_START_NS,
    [157] = FDX_T_END_NS,
    [158] = FDX_T_START_DELTA_US,
    [159] = FDX_T_END_DELTA_US,
    [160] = FDX_T_SYS_INIT_MS,
    [176] = FDX_T_ICMP_TYPE,
    [177] = FDX_T_ICMP_CODE,
    [178] = FDX_T_ICMP_TYPE,
    [179] = FDX_T_ICMP_CODE,
    [210] = FDX_T_SKIP,
    [225] = FDX_T_POST_NAT_SRC,
    [226] = FDX_T_POST_NAT_DST,
    [227] = FDX_T_POST_NAT_SRC_PORT,
    [228] = FDX_T_POST_NAT_DST_PORT,
    [233] = FDX_T_FW_EVENT,
    [256] = FDX_T_ETHERTYPE,
    [281] = FDX_T_POST_NAT_SRC,
    [282] = FDX_T_POST_NAT_DST,
    [302] = FDX_T_SAMPLER_ID,
    [305] = FDX_T_SAMPLING_PKT_INTERVAL,
    [306] = FDX_T_SAMPLING_PKT_SPACE,
    [309] = FDX_T_SAMPLING_SIZE,
    [310] = FDX_T_SAMPLING_POPULATION,
    [311] = FDX_T_SAMPLING_PROBABILITY,
    [312] = FDX_T_FRAME_LEN,
};
_Static_assert(FDX_T__COUNT <= 255, "targets fit in uint8_t");

enum fdx_ie_target fdx_ie_target(uint32_t pen, uint16_t id, uint8_t proto)
{
    (void)proto;
    switch (pen) {
    case 0:
        if (id < NELEM(iana_target)) {
            return (enum fdx_ie_target)iana_target[id];
        }
        return nf9_vendor_target(id);
    case FDX_PEN_REVERSE:
        return reverse_target(id);
    default:
        return FDX_T_NONE;
    }
}
