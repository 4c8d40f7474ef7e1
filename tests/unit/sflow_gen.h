/* Builders for synthetic sFlow v5 datagrams and sampled packet headers, field by field. */
#ifndef FDX_SFLOW_GEN_H
#define FDX_SFLOW_GEN_H

#include <stddef.h>
#include <stdint.h>

#define SG_CAP 16384
#define SG_DEPTH 4

struct sg {
    uint8_t b[SG_CAP];
    size_t len;
    size_t open[SG_DEPTH]; /* offsets of length words still to patch */
    unsigned depth;
};

void sg_init(struct sg *g);
void sg_u8(struct sg *g, uint8_t v);
void sg_u16(struct sg *g, uint16_t v);
void sg_u32(struct sg *g, uint32_t v);
void sg_u64(struct sg *g, uint64_t v);
void sg_bytes(struct sg *g, const void *p, size_t n);
/* Opaque bytes padded to 4 (XDR). */
void sg_opaque(struct sg *g, const void *p, size_t n);

/* Datagram header: IPv4 agent (agent6 == NULL) or IPv6 agent. */
void sg_header(struct sg *g, uint32_t agent_v4, const uint8_t *agent6, uint32_t sub_agent,
               uint32_t seq, uint32_t nsamples);
/* Opens a sample / record: writes format and a length word patched by sg_end(). */
void sg_begin(struct sg *g, uint32_t format);
void sg_end(struct sg *g);

/* Compact flow sample fields up to the record count. */
void sg_flow_sample_fields(struct sg *g, uint32_t source_id, uint32_t rate, uint32_t pool,
                           uint32_t drops, uint32_t in, uint32_t out, uint32_t nrec);

/* Packet headers. */
void sg_eth(struct sg *g, const uint8_t dst[6], const uint8_t src[6]);
void sg_vlan(struct sg *g, uint16_t tpid, uint8_t pcp, uint16_t vid);
void sg_mpls(struct sg *g, uint32_t label, uint8_t exp, int bos, uint8_t ttl);
void sg_ipv4(struct sg *g, uint8_t ihl_words, uint8_t tos, uint16_t total, uint16_t frag,
             uint8_t ttl, uint8_t proto, uint32_t src, uint32_t dst);
void sg_ipv6(struct sg *g, uint8_t tclass, uint32_t flow, uint16_t plen, uint8_t next,
             uint8_t hlim, const uint8_t src[16], const uint8_t dst[16]);
void sg_tcp(struct sg *g, uint16_t sport, uint16_t dport, uint8_t flags);
void sg_udp(struct sg *g, uint16_t sport, uint16_t dport);

#endif
