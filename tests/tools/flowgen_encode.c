/* Datagram builders: NetFlow v5 (Cisco format), NetFlow v9 (RFC 3954), IPFIX (RFC 7011) and
 * sFlow v5 (raw Ethernet/IPv4/L4 headers in flow samples). */
#include "flowgen_encode.h"

#include <stdbool.h>
#include <string.h>

#define V9_TEMPLATE_ID 256
#define IPFIX_TEMPLATE_ID 256

static uint8_t *put8(uint8_t *p, uint8_t v)
{
    *p = v;
    return p + 1;
}

static uint8_t *put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

static uint8_t *put64(uint8_t *p, uint64_t v)
{
    p = put32(p, (uint32_t)(v >> 32));
    return put32(p, (uint32_t)v);
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* Keeps addresses out of 0/8, 10/8, 127/8 and 224/3 so filters do not drop them. */
static uint32_t public_addr(uint64_t h)
{
    uint32_t a = (uint32_t)h;
    uint8_t first = (uint8_t)(a >> 24);
    if (first == 0 || first == 10 || first == 127 || first >= 224) {
        a = (a & 0x00ffffffu) | (uint32_t)(1 + (first % 200)) << 24;
        if ((a >> 24) == 10 || (a >> 24) == 127) {
            a += 1u << 24;
        }
    }
    return a;
}

void flowgen_tuple(uint64_t i, uint32_t *src, uint32_t *dst, uint16_t *sport, uint16_t *dport,
                   uint8_t *proto)
{
    uint64_t h = mix(i);
    *src = public_addr(h);
    *dst = public_addr(mix(h));
    *sport = (uint16_t)(1024 + (h >> 40) % 60000);
    static const uint16_t ports[] = {443, 80, 53, 22, 123, 5201, 8080, 25};
    *dport = ports[(h >> 20) % 8];
    *proto = *dport == 53 || *dport == 123 ? 17 : 6;
}

unsigned flowgen_max_flows(enum flowgen_proto p)
{
    switch (p) {
    case FLOWGEN_V5:
        return 30;
    case FLOWGEN_V9:
        return 28;
    case FLOWGEN_IPFIX:
        return 22;
    case FLOWGEN_SFLOW:
        return 10;
    }
    return 1;
}

struct flowgen_flow {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint8_t proto, tcp_flags, tos;
    uint32_t bytes, packets;
    uint32_t in_if, out_if;
};

static void next_flow(struct flowgen_state *st, struct flowgen_flow *f)
{
    uint64_t i = st->next_tuple++ % (st->tuples ? st->tuples : 1);
    flowgen_tuple(i + (uint64_t)st->exporter_id * 1000003u, &f->src, &f->dst, &f->sport,
                  &f->dport, &f->proto);
    uint64_t h = mix(st->next_tuple ^ ((uint64_t)st->exporter_id << 40));
    f->packets = (uint32_t)(1 + h % 100);
    f->bytes = f->packets * (uint32_t)(64 + (h >> 12) % 1400);
    f->tcp_flags = f->proto == 6 ? 0x1b : 0;
    f->tos = 0;
    f->in_if = (uint32_t)(1 + (h >> 30) % 8);
    f->out_if = (uint32_t)(1 + (h >> 34) % 8);
    if (st->proto != FLOWGEN_SFLOW) {
        st->total_packets += f->packets;
        st->total_bytes += f->bytes;
    }
}

static size_t build_v5(struct flowgen_state *st, uint8_t *out, unsigned n)
{
    uint32_t uptime = (uint32_t)(st->now_ms - st->start_unix_ms) + 3600000u;
    uint8_t *p = out;
    p = put16(p, 5);
    p = put16(p, (uint16_t)n);
    p = put32(p, uptime);
    p = put32(p, (uint32_t)(st->now_ms / 1000));
    p = put32(p, (uint32_t)(st->now_ms % 1000) * 1000000u);
    p = put32(p, st->seq);
    p = put8(p, 0);
    p = put8(p, (uint8_t)st->exporter_id);
    p = put16(p, 0);
    for (unsigned i = 0; i < n; i++) {
        struct flowgen_flow f;
        next_flow(st, &f);
        p = put32(p, f.src);
        p = put32(p, f.dst);
        p = put32(p, 0);
        p = put16(p, (uint16_t)f.in_if);
        p = put16(p, (uint16_t)f.out_if);
        p = put32(p, f.packets);
        p = put32(p, f.bytes);
        p = put32(p, uptime - 2000);
        p = put32(p, uptime - 100);
        p = put16(p, f.sport);
        p = put16(p, f.dport);
        p = put8(p, 0);
        p = put8(p, f.tcp_flags);
        p = put8(p, f.proto);
        p = put8(p, f.tos);
        p = put16(p, 0);
        p = put16(p, 0);
        p = put8(p, 24);
        p = put8(p, 24);
        p = put16(p, 0);
    }
    st->seq += n; /* v5 counts flows */
    return (size_t)(p - out);
}

/* (type, length) pairs shared by the v9 and IPFIX templates (IANA ids = v9 field types). */
static const uint16_t tmpl_fields[][2] = {
    {8, 4},  /* source IPv4 */
    {12, 4}, /* destination IPv4 */
    {7, 2},  /* source port */
    {11, 2}, /* destination port */
    {4, 1},  /* protocol */
    {6, 1},  /* TCP flags */
    {5, 1},  /* ToS */
    {1, 4},  /* bytes */
    {2, 4},  /* packets */
    {10, 2}, /* input ifIndex */
    {14, 2}, /* output ifIndex */
};
#define TMPL_NFIELDS (sizeof(tmpl_fields) / sizeof(tmpl_fields[0]))
#define TMPL_FIXED_LEN 27 /* sum of the lengths above */

static uint8_t *put_flow_fields(uint8_t *p, const struct flowgen_flow *f)
{
    p = put32(p, f->src);
    p = put32(p, f->dst);
    p = put16(p, f->sport);
    p = put16(p, f->dport);
    p = put8(p, f->proto);
    p = put8(p, f->tcp_flags);
    p = put8(p, f->tos);
    p = put32(p, f->bytes);
    p = put32(p, f->packets);
    p = put16(p, (uint16_t)f->in_if);
    return put16(p, (uint16_t)f->out_if);
}

static size_t build_v9(struct flowgen_state *st, uint8_t *out, unsigned n)
{
    uint32_t uptime = (uint32_t)(st->now_ms - st->start_unix_ms) + 3600000u;
    bool with_template = st->template_every == 0 || st->datagrams % st->template_every == 0;
    uint8_t *p = out;
    uint8_t *count_at;
    p = put16(p, 9);
    count_at = p;
    p = put16(p, 0);
    p = put32(p, uptime);
    p = put32(p, (uint32_t)(st->now_ms / 1000));
    p = put32(p, st->seq);
    p = put32(p, st->exporter_id);
    uint16_t count = 0;
    if (with_template) {
        /* Template flowset: first/last switched (22/21) follow the shared fields. */
        p = put16(p, 0);
        p = put16(p, (uint16_t)(4 + 4 + 4 * (TMPL_NFIELDS + 2)));
        p = put16(p, V9_TEMPLATE_ID);
        p = put16(p, (uint16_t)(TMPL_NFIELDS + 2));
        for (size_t i = 0; i < TMPL_NFIELDS; i++) {
            p = put16(p, tmpl_fields[i][0]);
            p = put16(p, tmpl_fields[i][1]);
        }
        p = put16(p, 22);
        p = put16(p, 4);
        p = put16(p, 21);
        p = put16(p, 4);
        count++;
    }
    size_t rec_len = TMPL_FIXED_LEN + 8;
    size_t body = rec_len * n;
    size_t pad = (4 - (4 + body) % 4) % 4;
    p = put16(p, V9_TEMPLATE_ID);
    p = put16(p, (uint16_t)(4 + body + pad));
    for (unsigned i = 0; i < n; i++) {
        struct flowgen_flow f;
        next_flow(st, &f);
        p = put_flow_fields(p, &f);
        p = put32(p, uptime - 2000);
        p = put32(p, uptime - 100);
        count++;
    }
    memset(p, 0, pad);
    p += pad;
    put16(count_at, count);
    st->seq++; /* v9 counts export packets */
    return (size_t)(p - out);
}

static size_t build_ipfix(struct flowgen_state *st, uint8_t *out, unsigned n)
{
    bool with_template = st->template_every == 0 || st->datagrams % st->template_every == 0;
    uint8_t *p = out;
    uint8_t *len_at;
    p = put16(p, 10);
    len_at = p;
    p = put16(p, 0);
    p = put32(p, (uint32_t)(st->now_ms / 1000));
    p = put32(p, st->seq);
    p = put32(p, st->exporter_id);
    if (with_template) {
        /* flowStartMilliseconds (152) and flowEndMilliseconds (153) follow. */
        p = put16(p, 2);
        p = put16(p, (uint16_t)(4 + 4 + 4 * (TMPL_NFIELDS + 2)));
        p = put16(p, IPFIX_TEMPLATE_ID);
        p = put16(p, (uint16_t)(TMPL_NFIELDS + 2));
        for (size_t i = 0; i < TMPL_NFIELDS; i++) {
            p = put16(p, tmpl_fields[i][0]);
            p = put16(p, tmpl_fields[i][1]);
        }
        p = put16(p, 152);
        p = put16(p, 8);
        p = put16(p, 153);
        p = put16(p, 8);
    }
    size_t rec_len = TMPL_FIXED_LEN + 16;
    p = put16(p, IPFIX_TEMPLATE_ID);
    p = put16(p, (uint16_t)(4 + rec_len * n));
    for (unsigned i = 0; i < n; i++) {
        struct flowgen_flow f;
        next_flow(st, &f);
        p = put_flow_fields(p, &f);
        p = put64(p, (uint64_t)(st->now_ms - 2000));
        p = put64(p, (uint64_t)(st->now_ms - 100));
    }
    put16(len_at, (uint16_t)(p - out));
    st->seq += n; /* IPFIX counts data records */
    return (size_t)(p - out);
}

/* Ethernet + IPv4 + TCP/UDP header of a sampled packet: 54 bytes, 2 of XDR padding. */
static uint8_t *put_sampled_header(uint8_t *p, const struct flowgen_flow *f, uint16_t ip_len)
{
    static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};
    memcpy(p, macs, 12);
    p += 12;
    p = put16(p, 0x0800);
    p = put8(p, 0x45);
    p = put8(p, f->tos);
    p = put16(p, ip_len);
    p = put16(p, 0);
    p = put16(p, 0x4000);
    p = put8(p, 64);
    p = put8(p, f->proto);
    p = put16(p, 0); /* checksum not computed: collectors do not verify it */
    p = put32(p, f->src);
    p = put32(p, f->dst);
    p = put16(p, f->sport);
    p = put16(p, f->dport);
    if (f->proto == 6) {
        p = put32(p, 1);
        p = put32(p, 0);
        p = put8(p, 0x50);
        p = put8(p, 0x18);
        p = put16(p, 65535);
        p = put16(p, 0);
        p = put16(p, 0);
    } else {
        p = put16(p, (uint16_t)(ip_len - 20));
        p = put16(p, 0);
        memset(p, 0, 12); /* start of the UDP payload */
        p += 12;
    }
    return p;
}

static size_t build_sflow(struct flowgen_state *st, uint8_t *out, unsigned n)
{
    uint8_t *p = out;
    uint32_t rate = st->sampling_rate ? st->sampling_rate : 1;
    p = put32(p, 5);
    p = put32(p, 1);                              /* agent address type: IPv4 */
    p = put32(p, 0xc0000200u + (st->exporter_id & 0xff)); /* 192.0.2.x */
    p = put32(p, 0);                              /* sub-agent */
    p = put32(p, st->seq);
    p = put32(p, (uint32_t)(st->now_ms - st->start_unix_ms) + 3600000u);
    p = put32(p, n);
    for (unsigned i = 0; i < n; i++) {
        struct flowgen_flow f;
        next_flow(st, &f);
        uint32_t frame_len = f.bytes / f.packets + 18;
        if (frame_len < 64) {
            frame_len = 64;
        }
        uint16_t ip_len = (uint16_t)(frame_len - 18);
        st->total_packets += 1;
        st->total_bytes += frame_len;
        uint32_t sample_seq = (uint32_t)(st->datagrams * n + i);
        p = put32(p, 1); /* flow_sample, enterprise 0 */
        p = put32(p, 32 + 8 + 16 + 56);
        p = put32(p, sample_seq);
        p = put32(p, f.in_if);
        p = put32(p, rate);
        p = put32(p, sample_seq * rate);
        p = put32(p, 0);
        p = put32(p, f.in_if);
        p = put32(p, f.out_if);
        p = put32(p, 1); /* one flow record */
        p = put32(p, 1); /* raw packet header */
        p = put32(p, 16 + 56);
        p = put32(p, 1); /* header protocol: Ethernet */
        p = put32(p, frame_len);
        p = put32(p, 4); /* FCS stripped */
        p = put32(p, 54);
        p = put_sampled_header(p, &f, ip_len);
        p = put16(p, 0); /* XDR padding of the 54-byte header */
    }
    st->seq++; /* sFlow counts datagrams */
    return (size_t)(p - out);
}

size_t flowgen_build(struct flowgen_state *st, uint8_t *out, uint64_t *records)
{
    unsigned n = st->flows_per_packet;
    unsigned max = flowgen_max_flows(st->proto);
    if (n == 0 || n > max) {
        n = max;
    }
    size_t len = 0;
    switch (st->proto) {
    case FLOWGEN_V5:
        len = build_v5(st, out, n);
        break;
    case FLOWGEN_V9:
        len = build_v9(st, out, n);
        break;
    case FLOWGEN_IPFIX:
        len = build_ipfix(st, out, n);
        break;
    case FLOWGEN_SFLOW:
        len = build_sflow(st, out, n);
        break;
    }
    st->datagrams++;
    *records += n;
    return len;
}
