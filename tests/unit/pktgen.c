/* Byte builder and the NetFlow v5 datagram builder. */
#include "pktgen.h"

#include <string.h>

void fdx_pktgen_init(struct fdx_pktgen *p)
{
    p->len = 0;
    p->overflow = false;
}

void fdx_pktgen_bytes(struct fdx_pktgen *p, const void *data, size_t n)
{
    if (n > FDX_PKTGEN_MAX - p->len) {
        p->overflow = true;
        return;
    }
    memcpy(p->buf + p->len, data, n);
    p->len += n;
}

void fdx_pktgen_zeros(struct fdx_pktgen *p, size_t n)
{
    if (n > FDX_PKTGEN_MAX - p->len) {
        p->overflow = true;
        return;
    }
    memset(p->buf + p->len, 0, n);
    p->len += n;
}

void fdx_pktgen_u8(struct fdx_pktgen *p, uint8_t v)
{
    fdx_pktgen_bytes(p, &v, 1);
}

void fdx_pktgen_u16(struct fdx_pktgen *p, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    fdx_pktgen_bytes(p, b, 2);
}

void fdx_pktgen_u32(struct fdx_pktgen *p, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    fdx_pktgen_bytes(p, b, 4);
}

void fdx_pktgen_u64(struct fdx_pktgen *p, uint64_t v)
{
    fdx_pktgen_u32(p, (uint32_t)(v >> 32));
    fdx_pktgen_u32(p, (uint32_t)v);
}

void fdx_pktgen_patch_u16(struct fdx_pktgen *p, size_t off, uint16_t v)
{
    if (off + 2 <= p->len) {
        p->buf[off] = (uint8_t)(v >> 8);
        p->buf[off + 1] = (uint8_t)v;
    }
}

void fdx_pktgen_patch_u32(struct fdx_pktgen *p, size_t off, uint32_t v)
{
    if (off + 4 <= p->len) {
        fdx_pktgen_patch_u16(p, off, (uint16_t)(v >> 16));
        fdx_pktgen_patch_u16(p, off + 2, (uint16_t)v);
    }
}

void fdx_pktgen_nf5_hdr_default(struct fdx_pktgen_nf5_hdr *h, uint16_t n)
{
    memset(h, 0, sizeof(*h));
    h->version = 5;
    h->count = n;
    h->uptime_ms = 3600000;      /* one hour after boot */
    h->unix_secs = 1700000000;   /* 2023-11-14T22:13:20Z */
    h->unix_nsecs = 250000000;   /* .250 */
    h->sequence = 1000;
    h->engine_type = 1;
    h->engine_id = 2;
}

void fdx_pktgen_nf5_rec_default(struct fdx_pktgen_nf5_rec *r)
{
    memset(r, 0, sizeof(*r));
    r->src = FDX_PKTGEN_V4(10, 0, 0, 1);
    r->dst = FDX_PKTGEN_V4(192, 0, 2, 7);
    r->next_hop = FDX_PKTGEN_V4(10, 0, 0, 254);
    r->in_if = 3;
    r->out_if = 4;
    r->packets = 10;
    r->bytes = 1500;
    r->first_ms = 3590000;
    r->last_ms = 3599000;
    r->src_port = 1234;
    r->dst_port = 443;
    r->tcp_flags = 0x1b;
    r->ip_proto = 6;
    r->tos = 0x28;
    r->src_as = 64500;
    r->dst_as = 64501;
    r->src_mask = 24;
    r->dst_mask = 16;
}

void fdx_pktgen_nf5(struct fdx_pktgen *p, const struct fdx_pktgen_nf5_hdr *h,
                    const struct fdx_pktgen_nf5_rec *recs, unsigned n)
{
    fdx_pktgen_u16(p, h->version);
    fdx_pktgen_u16(p, h->count);
    fdx_pktgen_u32(p, h->uptime_ms);
    fdx_pktgen_u32(p, h->unix_secs);
    fdx_pktgen_u32(p, h->unix_nsecs);
    fdx_pktgen_u32(p, h->sequence);
    fdx_pktgen_u8(p, h->engine_type);
    fdx_pktgen_u8(p, h->engine_id);
    fdx_pktgen_u16(p, h->sampling);
    for (unsigned i = 0; i < n; i++) {
        const struct fdx_pktgen_nf5_rec *r = &recs[i];
        fdx_pktgen_u32(p, r->src);
        fdx_pktgen_u32(p, r->dst);
        fdx_pktgen_u32(p, r->next_hop);
        fdx_pktgen_u16(p, r->in_if);
        fdx_pktgen_u16(p, r->out_if);
        fdx_pktgen_u32(p, r->packets);
        fdx_pktgen_u32(p, r->bytes);
        fdx_pktgen_u32(p, r->first_ms);
        fdx_pktgen_u32(p, r->last_ms);
        fdx_pktgen_u16(p, r->src_port);
        fdx_pktgen_u16(p, r->dst_port);
        fdx_pktgen_u8(p, 0); /* pad1 */
        fdx_pktgen_u8(p, r->tcp_flags);
        fdx_pktgen_u8(p, r->ip_proto);
        fdx_pktgen_u8(p, r->tos);
        fdx_pktgen_u16(p, r->src_as);
        fdx_pktgen_u16(p, r->dst_as);
        fdx_pktgen_u8(p, r->src_mask);
        fdx_pktgen_u8(p, r->dst_mask);
        fdx_pktgen_u16(p, 0); /* pad2 */
    }
}
