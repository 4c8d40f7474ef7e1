/* NetFlow v5: header validation, sysUptime-relative times to epoch ms, header sampling
 * interval, sequence tracking (flows). Never allocates; every refusal is counted. */
#include "netflow_v5.h"

#include "exporter.h"
#include "reader.h"
#include "timeconv.h"

struct nf5_header {
    uint16_t version;
    uint16_t count;
    uint32_t uptime_ms;
    uint32_t unix_secs;
    uint32_t unix_nsecs;
    uint32_t sequence;
    uint8_t engine_type;
    uint8_t engine_id;
    uint16_t sampling; /* 2 bits mode, 14 bits interval */
};

static void decode_record(struct fdx_rd *rd, const struct nf5_header *h, int64_t export_ms,
                          uint32_t rate, bool renormalize, const struct fdx_datagram *dg,
                          struct fdx_flow *f)
{
    fdx_addr_set_v4_u32(&f->src, fdx_rd_u32(rd));
    fdx_addr_set_v4_u32(&f->dst, fdx_rd_u32(rd));
    fdx_addr_set_v4_u32(&f->next_hop, fdx_rd_u32(rd));
    f->in_if = fdx_rd_u16(rd);
    f->out_if = fdx_rd_u16(rd);
    f->raw_packets = fdx_rd_u32(rd);
    f->raw_bytes = fdx_rd_u32(rd);
    uint32_t first = fdx_rd_u32(rd);
    uint32_t last = fdx_rd_u32(rd);
    f->src_port = fdx_rd_u16(rd);
    f->dst_port = fdx_rd_u16(rd);
    fdx_rd_skip(rd, 1); /* pad1 */
    f->tcp_flags = fdx_rd_u8(rd);
    f->ip_proto = fdx_rd_u8(rd);
    f->tos = fdx_rd_u8(rd);
    f->src_as = fdx_rd_u16(rd);
    f->dst_as = fdx_rd_u16(rd);
    f->src_mask = fdx_rd_u8(rd);
    f->dst_mask = fdx_rd_u8(rd);
    fdx_rd_skip(rd, 2); /* pad2 */

    f->start_ms = fdx_time_from_uptime(export_ms, h->uptime_ms, first);
    f->end_ms = fdx_time_from_uptime(export_ms, h->uptime_ms, last);
    f->export_ms = export_ms;
    f->recv_ms = dg->recv_ms;
    f->exporter = dg->exporter;
    f->exporter_port = dg->exporter_port;
    f->domain_id = (uint32_t)h->engine_type << 8 | h->engine_id;
    f->engine_type = h->engine_type;
    f->engine_id = h->engine_id;
    f->export_seq = h->sequence;
    f->ip_version = 4;
    f->proto = FDX_PROTO_NF5;
    f->kind = FDX_KIND_FLOW;
    f->sampling_rate = rate;
    uint64_t mult = (renormalize && rate > 1) ? rate : 1;
    f->bytes = f->raw_bytes * mult;
    f->packets = f->raw_packets * mult;
    f->present = FDX_BIT(FDX_F_SRC_ADDR) | FDX_BIT(FDX_F_DST_ADDR) | FDX_BIT(FDX_F_NEXT_HOP) |
                 FDX_BIT(FDX_F_IN_IF) | FDX_BIT(FDX_F_OUT_IF) | FDX_BIT(FDX_F_PACKETS) |
                 FDX_BIT(FDX_F_BYTES) | FDX_BIT(FDX_F_START) | FDX_BIT(FDX_F_END) |
                 FDX_BIT(FDX_F_SRC_PORT) | FDX_BIT(FDX_F_DST_PORT) | FDX_BIT(FDX_F_TCP_FLAGS) |
                 FDX_BIT(FDX_F_IP_PROTO) | FDX_BIT(FDX_F_TOS) | FDX_BIT(FDX_F_SRC_AS) |
                 FDX_BIT(FDX_F_DST_AS) | FDX_BIT(FDX_F_SRC_MASK) | FDX_BIT(FDX_F_DST_MASK) |
                 FDX_BIT(FDX_F_ENGINE) | FDX_BIT(FDX_F_IP_VERSION);
    if (rate != 0) {
        f->present |= FDX_BIT(FDX_F_SAMPLING);
    }
    /* ICMP type and code travel in the destination port (type << 8 | code). */
    if (f->ip_proto == 1) {
        f->icmp_type = (uint8_t)(f->dst_port >> 8);
        f->icmp_code = (uint8_t)f->dst_port;
        f->present |= FDX_BIT(FDX_F_ICMP);
    }
}

size_t fdx_nf5_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    struct fdx_rd rd;
    fdx_rd_init(&rd, dg->data, dg->len);

    struct nf5_header h;
    h.version = fdx_rd_u16(&rd);
    h.count = fdx_rd_u16(&rd);
    h.uptime_ms = fdx_rd_u32(&rd);
    h.unix_secs = fdx_rd_u32(&rd);
    h.unix_nsecs = fdx_rd_u32(&rd);
    h.sequence = fdx_rd_u32(&rd);
    h.engine_type = fdx_rd_u8(&rd);
    h.engine_id = fdx_rd_u8(&rd);
    h.sampling = fdx_rd_u16(&rd);
    if (rd.err) {
        return fdx_decode_drop(ctx, (enum fdx_drop)rd.err);
    }
    if (h.version != 5) {
        return fdx_decode_drop(ctx, FDX_DROP_BAD_VERSION);
    }
    if (h.count == 0 || h.count > NF5_MAX_COUNT) {
        return fdx_decode_drop(ctx, FDX_DROP_NF5_BAD_COUNT);
    }
    /* Validate count against length once, before any record. Trailing bytes beyond the
     * records are tolerated (some exporters pad the datagram). */
    if (fdx_rd_left(&rd) < (size_t)h.count * NF5_REC_LEN) {
        return fdx_decode_drop(ctx, FDX_DROP_NF5_COUNT_MISMATCH);
    }

    uint32_t domain = (uint32_t)h.engine_type << 8 | h.engine_id;
    struct fdx_exporter *exp =
        fdx_exporter_get(ctx->exporters, &dg->exporter, domain, FDX_PROTO_NF5, ctx->now_ms);
    if (exp == NULL) {
        return fdx_decode_drop(ctx, FDX_DROP_EXPORTER_LIMIT);
    }
    fdx_counter_add(&exp->datagrams, 1);
    fdx_exporter_track_sequence(exp, ctx->counters, h.sequence, h.count);

    uint32_t interval = h.sampling & 0x3fff;
    uint32_t rate = interval != 0 ? interval : fdx_exporter_sampling(exp, 0);
    int64_t export_ms = (int64_t)h.unix_secs * 1000 + h.unix_nsecs / 1000000;

    size_t n = 0;
    for (unsigned i = 0; i < h.count; i++) {
        struct fdx_rd rec = fdx_rd_sub(&rd, NF5_REC_LEN);
        struct fdx_slot *s = fdx_decode_slot(ctx);
        if (s == NULL) {
            fdx_decode_count(ctx, FDX_DROP_NO_BATCH, h.count - i);
            break;
        }
        decode_record(&rec, &h, export_ms, rate, ctx->cfg->renormalize, dg, &s->flow);
        n++;
    }
    fdx_counter_add(&exp->records, n);
    return n;
}
