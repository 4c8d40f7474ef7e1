/* The flow record: one fixed struct filled by every decoder, so every later stage is
 * protocol-blind. Presence bits keep "absent" apart from "zero"; IEs with no fixed slot go to
 * the bounded extra area. One layout in every build: no #ifdef in these structs. */
#ifndef FDX_FLOW_H
#define FDX_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* One presence bit per optional field of struct fdx_flow. */
enum fdx_field {
    FDX_F_SRC_ADDR,
    FDX_F_DST_ADDR,
    FDX_F_SRC_PORT,
    FDX_F_DST_PORT,
    FDX_F_IP_PROTO,
    FDX_F_TCP_FLAGS,
    FDX_F_TOS,
    FDX_F_ICMP, /* icmp_type and icmp_code */
    FDX_F_IN_IF,
    FDX_F_OUT_IF,
    FDX_F_DIRECTION,
    FDX_F_SRC_AS,
    FDX_F_DST_AS,
    FDX_F_SRC_MASK,
    FDX_F_DST_MASK,
    FDX_F_NEXT_HOP,
    FDX_F_BGP_NEXT_HOP,
    FDX_F_SRC_VLAN,
    FDX_F_DST_VLAN,
    FDX_F_SRC_MAC,
    FDX_F_DST_MAC,
    FDX_F_MPLS,
    FDX_F_END_REASON,
    FDX_F_START, /* start_ms */
    FDX_F_END,   /* end_ms */
    FDX_F_BYTES,
    FDX_F_PACKETS,
    FDX_F_SAMPLING, /* sampling_rate */
    FDX_F_ENGINE,   /* engine_type and engine_id (NetFlow v5/v9 header or IEs 38/39) */
    FDX_F_IP_VERSION,
    FDX_F_FLOW_LABEL,
    FDX_F_FRAME_LEN, /* sFlow: length of the sampled frame */
    FDX_F_ETHERTYPE,
    FDX_F_TTL,       /* minimum TTL / hop limit */
    FDX_F_FRAGMENT,  /* fragment offset / flags */
    FDX_F_REV_BYTES, /* RFC 5103 biflow reverse counters */
    FDX_F_REV_PACKETS,
    FDX_F_FLOW_ID,
    FDX_F_SAMPLER_ID,
    FDX_F_POST_NAT_SRC, /* NAT translated address and port (NSEL, IPFIX 225..228) */
    FDX_F_POST_NAT_DST,
    FDX_F_FW_EVENT,
    FDX_F_IN_IF_NAME,  /* slot ifn.in: the exporter's name for in_if (options data) */
    FDX_F_OUT_IF_NAME, /* slot ifn.out: the exporter's name for out_if (options data) */
    FDX_F__COUNT
};
_Static_assert(FDX_F__COUNT <= 64, "presence bits must fit in one uint64_t");

#define FDX_BIT(f) (UINT64_C(1) << (f))

/* Which decoder produced the record (the document's netflow.type / event.dataset). */
enum fdx_proto {
    FDX_PROTO_UNKNOWN = 0,
    FDX_PROTO_NF5,
    FDX_PROTO_NF9,
    FDX_PROTO_IPFIX,
    FDX_PROTO_SFLOW5,
    FDX_PROTO__COUNT
};

/* What the record describes: a flow, or an interface counter sample (sFlow). */
enum fdx_kind {
    FDX_KIND_FLOW = 0,
    FDX_KIND_COUNTERS,
    FDX_KIND_OPTIONS, /* options data that is also worth a document (interface names …) */
};

enum fdx_direction { FDX_DIR_INGRESS = 0, FDX_DIR_EGRESS = 1 };

#define FDX_MPLS_MAX 10

struct fdx_flow {
    uint64_t present;     /* bit FDX_BIT(FDX_F_x): the exporter sent x */
    int64_t start_ms;     /* Unix epoch ms, UTC */
    int64_t end_ms;       /* Unix epoch ms, UTC */
    int64_t export_ms;    /* the export header's time (epoch ms); 0 if the protocol has none */
    int64_t recv_ms;      /* when flowdex received the datagram (epoch ms) */
    uint64_t bytes;       /* renormalised by the sampling rate when configured … */
    uint64_t packets;     /* … */
    uint64_t raw_bytes;   /* … as sent */
    uint64_t raw_packets; /* … as sent */
    uint64_t rev_bytes;   /* RFC 5103 reverse direction, as sent */
    uint64_t rev_packets;
    uint64_t flow_id;
    uint32_t sampling_rate; /* 1 in N; 0 unknown, 1 unsampled */
    struct fdx_addr src, dst, next_hop, bgp_next_hop, exporter;
    struct fdx_addr post_nat_src, post_nat_dst;
    uint16_t post_nat_src_port, post_nat_dst_port;
    uint32_t domain_id;  /* v9 source id, IPFIX observation domain, sFlow sub-agent id */
    struct fdx_addr agent; /* sFlow agent address (the exporter's own idea of its address) */
    uint32_t export_seq; /* sequence number from the export header */
    uint32_t in_if, out_if;
    uint32_t src_as, dst_as;
    uint32_t mpls[FDX_MPLS_MAX]; /* label stack entries as on the wire (label<<4|exp<<1|bos) */
    uint32_t flow_label;
    uint32_t sampler_id;
    uint32_t frame_len;
    uint16_t src_port, dst_port;
    uint16_t src_vlan, dst_vlan;
    uint16_t ethertype;
    uint16_t fragment;
    uint16_t exporter_port; /* UDP source port of the export datagram */
    uint16_t rec_index;     /* position of the record in its datagram (document ids) */
    uint8_t ip_proto, tcp_flags, tos, icmp_type, icmp_code, ttl;
    uint8_t src_mask, dst_mask, direction, end_reason, mpls_depth;
    uint8_t ip_version;   /* 4 or 6 */
    uint8_t engine_type, engine_id;
    uint8_t fw_event;
    uint8_t proto;        /* enum fdx_proto */
    uint8_t kind;         /* enum fdx_kind */
    uint8_t src_mac[6], dst_mac[6];
};

static inline bool fdx_flow_has(const struct fdx_flow *f, enum fdx_field field)
{
    return (f->present & FDX_BIT(field)) != 0;
}

static inline void fdx_flow_set(struct fdx_flow *f, enum fdx_field field)
{
    f->present |= FDX_BIT(field);
}

/* Interface counters (sFlow generic/Ethernet counter samples; RFC 2863 / RFC 3635 names).
 * Meaningful when flow.kind == FDX_KIND_COUNTERS. */
struct fdx_if_counters {
    uint32_t if_index, if_type, if_direction, if_status;
    uint64_t if_speed;
    uint64_t in_octets, in_ucast, in_mcast, in_bcast, in_discards, in_errors, in_unknown_protos;
    uint64_t out_octets, out_ucast, out_mcast, out_bcast, out_discards, out_errors;
    uint32_t promisc;
    bool has_generic;
    bool has_ethernet;
    uint32_t eth_alignment_errors, eth_fcs_errors, eth_single_collisions,
        eth_multiple_collisions, eth_sqe_errors, eth_deferred, eth_late_collisions,
        eth_excessive_collisions, eth_internal_mac_tx_errors, eth_carrier_sense_errors,
        eth_frame_too_longs, eth_internal_mac_rx_errors, eth_symbol_errors;
    bool has_processor; /* sFlow processor information (counter format 1001) */
    uint32_t cpu_5s_pct_x100, cpu_1m_pct_x100, cpu_5m_pct_x100; /* CPU %, in 1/100 % */
    uint64_t mem_total_bytes, mem_free_bytes;
};

/* Interface names the exporter announced in options data (interfaceName), applied to its data
 * records by the decoder. Valid only under FDX_F_IN_IF_NAME / FDX_F_OUT_IF_NAME: the bytes
 * are not cleared when a slot is reused. Names are valid UTF-8 without control characters,
 * truncated to FDX_IFNAME_MAX bytes on a character boundary. */
#define FDX_IFNAME_MAX 64

struct fdx_if_names {
    uint8_t in_len, out_len;
    char in[FDX_IFNAME_MAX];
    char out[FDX_IFNAME_MAX];
};

/* Information elements with no fixed slot (vendor and enterprise IEs, unmapped IANA IEs),
 * rendered as netflow.<name>. Bounded: what does not fit is counted (extra_ie_overflow). */
#define FDX_EXTRA_MAX 24
#define FDX_EXTRA_BYTES 512

struct fdx_extra_ie {
    uint32_t pen; /* enterprise number; 0 = IANA */
    uint16_t id;  /* element id (without the enterprise bit) */
    uint16_t len; /* bytes in data[] */
    uint16_t off; /* offset in data[] */
    uint8_t type; /* enum fdx_ie_type of the registry, or 0 (octets) when unknown */
    uint8_t reverse; /* RFC 5103 reverse IE (PEN 29305) */
};

struct fdx_flow_extra {
    uint8_t n;
    uint16_t used; /* bytes used in data[] */
    struct fdx_extra_ie ie[FDX_EXTRA_MAX];
    uint8_t data[FDX_EXTRA_BYTES];
};

/* Appends an IE to the extra area; returns false (nothing stored) when it does not fit, so
 * the caller counts the overflow. */
static inline bool fdx_extra_add(struct fdx_flow_extra *x, uint32_t pen, uint16_t id,
                                 uint8_t type, const uint8_t *data, uint16_t len)
{
    if (x->n >= FDX_EXTRA_MAX || (size_t)x->used + len > FDX_EXTRA_BYTES) {
        return false;
    }
    struct fdx_extra_ie *ie = &x->ie[x->n++];
    ie->pen = pen;
    ie->id = id;
    ie->len = len;
    ie->off = x->used;
    ie->type = type;
    ie->reverse = 0;
    for (uint16_t i = 0; i < len; i++) {
        x->data[x->used + i] = data[i];
    }
    x->used = (uint16_t)(x->used + len);
    return true;
}

#endif
