/* Builders for synthetic sFlow v5 datagrams and sampled packet headers. */
#include "sflow_gen.h"

#include <string.h>

void sg_init(struct sg *g)
{
    memset(g, 0, sizeof(*g));
}

void sg_u8(struct sg *g, uint8_t v)
{
    if (g->len < SG_CAP) {
        g->b[g->len++] = v;
    }
}

void sg_u16(struct sg *g, uint16_t v)
{
    sg_u8(g, (uint8_t)(v >> 8));
    sg_u8(g, (uint8_t)v);
}

void sg_u32(struct sg *g, uint32_t v)
{
    sg_u16(g, (uint16_t)(v >> 16));
    sg_u16(g, (uint16_t)v);
}

void sg_u64(struct sg *g, uint64_t v)
{
    sg_u32(g, (uint32_t)(v >> 32));
    sg_u32(g, (uint32_t)v);
}

void sg_bytes(struct sg *g, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        sg_u8(g, b[i]);
    }
}

void sg_opaque(struct sg *g, const void *p, size_t n)
{
    sg_bytes(g, p, n);
    while (n++ & 3) {
        sg_u8(g, 0);
    }
}

void sg_header(struct sg *g, uint32_t agent_v4, const uint8_t *agent6, uint32_t sub_agent,
               uint32_t seq, uint32_t nsamples)
{
    sg_u32(g, 5);
    if (agent6 != NULL) {
        sg_u32(g, 2);
        sg_bytes(g, agent6, 16);
    } else {
        sg_u32(g, 1);
        sg_u32(g, agent_v4);
    }
    sg_u32(g, sub_agent);
    sg_u32(g, seq);
    sg_u32(g, 123456); /* uptime ms */
    sg_u32(g, nsamples);
}

void sg_begin(struct sg *g, uint32_t format)
{
    sg_u32(g, format);
    g->open[g->depth++] = g->len;
    sg_u32(g, 0);
}

void sg_end(struct sg *g)
{
    size_t at = g->open[--g->depth];
    uint32_t n = (uint32_t)(g->len - at - 4);
    g->b[at] = (uint8_t)(n >> 24);
    g->b[at + 1] = (uint8_t)(n >> 16);
    g->b[at + 2] = (uint8_t)(n >> 8);
    g->b[at + 3] = (uint8_t)n;
}

void sg_flow_sample_fields(struct sg *g, uint32_t source_id, uint32_t rate, uint32_t pool,
                           uint32_t drops, uint32_t in, uint32_t out, uint32_t nrec)
{
    sg_u32(g, 7); /* sample sequence */
    sg_u32(g, source_id);
    sg_u32(g, rate);
    sg_u32(g, pool);
    sg_u32(g, drops);
    sg_u32(g, in);
    sg_u32(g, out);
    sg_u32(g, nrec);
}

void sg_eth(struct sg *g, const uint8_t dst[6], const uint8_t src[6])
{
    sg_bytes(g, dst, 6);
    sg_bytes(g, src, 6);
}

void sg_vlan(struct sg *g, uint16_t tpid, uint8_t pcp, uint16_t vid)
{
    sg_u16(g, tpid);
    sg_u16(g, (uint16_t)(pcp << 13 | vid));
}

void sg_mpls(struct sg *g, uint32_t label, uint8_t exp, int bos, uint8_t ttl)
{
    sg_u32(g, label << 12 | (uint32_t)exp << 9 | (uint32_t)(bos ? 1 : 0) << 8 | ttl);
}

void sg_ipv4(struct sg *g, uint8_t ihl_words, uint8_t tos, uint16_t total, uint16_t frag,
             uint8_t ttl, uint8_t proto, uint32_t src, uint32_t dst)
{
    sg_u8(g, (uint8_t)(0x40 | ihl_words));
    sg_u8(g, tos);
    sg_u16(g, total);
    sg_u16(g, 0x1234);
    sg_u16(g, frag);
    sg_u8(g, ttl);
    sg_u8(g, proto);
    sg_u16(g, 0);
    sg_u32(g, src);
    sg_u32(g, dst);
    for (unsigned i = 5; i < ihl_words; i++) {
        sg_u32(g, 0x01010101); /* NOP options */
    }
}

void sg_ipv6(struct sg *g, uint8_t tclass, uint32_t flow, uint16_t plen, uint8_t next,
             uint8_t hlim, const uint8_t src[16], const uint8_t dst[16])
{
    sg_u32(g, 6u << 28 | (uint32_t)tclass << 20 | (flow & 0xfffff));
    sg_u16(g, plen);
    sg_u8(g, next);
    sg_u8(g, hlim);
    sg_bytes(g, src, 16);
    sg_bytes(g, dst, 16);
}

void sg_tcp(struct sg *g, uint16_t sport, uint16_t dport, uint8_t flags)
{
    sg_u16(g, sport);
    sg_u16(g, dport);
    sg_u32(g, 1000);
    sg_u32(g, 2000);
    sg_u8(g, 0x50);
    sg_u8(g, flags);
    sg_u16(g, 512);
    sg_u32(g, 0);
}

void sg_udp(struct sg *g, uint16_t sport, uint16_t dport)
{
    sg_u16(g, sport);
    sg_u16(g, dport);
    sg_u16(g, 8);
    sg_u16(g, 0);
}
