/* Builders for synthetic export datagrams, field by field, for unit tests, benchmarks and
 * fuzz seeds. A generic big-endian byte builder (with length back-patching for headers and
 * sets) that protocol builders use; NetFlow v5 is built here, and each protocol's tests add
 * their own builders (pktgen_<proto>.c) on the same byte builder. */
#ifndef FDX_PKTGEN_H
#define FDX_PKTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDX_PKTGEN_MAX 65535

/* The byte builder. Writes past FDX_PKTGEN_MAX are dropped and set overflow. */
struct fdx_pktgen {
    uint8_t buf[FDX_PKTGEN_MAX];
    size_t len;
    bool overflow;
};

void fdx_pktgen_init(struct fdx_pktgen *p);
void fdx_pktgen_u8(struct fdx_pktgen *p, uint8_t v);
void fdx_pktgen_u16(struct fdx_pktgen *p, uint16_t v);
void fdx_pktgen_u32(struct fdx_pktgen *p, uint32_t v);
void fdx_pktgen_u64(struct fdx_pktgen *p, uint64_t v);
void fdx_pktgen_bytes(struct fdx_pktgen *p, const void *data, size_t n);
void fdx_pktgen_zeros(struct fdx_pktgen *p, size_t n);
/* Overwrites a 16-bit value at off (e.g. a set length once its content is written). */
void fdx_pktgen_patch_u16(struct fdx_pktgen *p, size_t off, uint16_t v);
void fdx_pktgen_patch_u32(struct fdx_pktgen *p, size_t off, uint32_t v);

/* IPv4 address from dotted-quad parts, host order (as the reader returns it). */
#define FDX_PKTGEN_V4(a, b, c, d)                                                          \
    ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* NetFlow v5 (Cisco's fixed format: 24-byte header, 48-byte records). */
struct fdx_pktgen_nf5_hdr {
    uint16_t version; /* 5 unless a test wants a bad one */
    uint16_t count;   /* written as is: a test may lie about it */
    uint32_t uptime_ms;
    uint32_t unix_secs;
    uint32_t unix_nsecs;
    uint32_t sequence;
    uint8_t engine_type, engine_id;
    uint16_t sampling; /* 2 bits mode, 14 bits interval */
};

struct fdx_pktgen_nf5_rec {
    uint32_t src, dst, next_hop;
    uint16_t in_if, out_if;
    uint32_t packets, bytes;
    uint32_t first_ms, last_ms; /* sysUptime at the first and last packet */
    uint16_t src_port, dst_port;
    uint8_t tcp_flags, ip_proto, tos;
    uint16_t src_as, dst_as;
    uint8_t src_mask, dst_mask;
};

/* A plausible header (version 5, count n, fixed times) and record (TCP 10.0.0.1:1234 ->
 * 192.0.2.7:443), so a test only sets what it checks. */
void fdx_pktgen_nf5_hdr_default(struct fdx_pktgen_nf5_hdr *h, uint16_t n);
void fdx_pktgen_nf5_rec_default(struct fdx_pktgen_nf5_rec *r);

/* Appends a NetFlow v5 header and n records (h->count is written as given). */
void fdx_pktgen_nf5(struct fdx_pktgen *p, const struct fdx_pktgen_nf5_hdr *h,
                    const struct fdx_pktgen_nf5_rec *recs, unsigned n);

#endif
