/* sFlow v5 datagram and sample walk (sFlow v5 §4 "Datagram", §5 flow_sample, counters_sample
 * and their expanded forms). Record formats are in sflow_flow_records.c and sflow_counters.c.
 * Never allocates; every refusal is counted; a bad sample never costs the other samples. */
#include "sflow_v5.h"

#include <string.h>

#include "exporter.h"
#include "sflow_counters.h"
#include "sflow_flow_records.h"

#define SFLOW_HDR_MIN_LEN 28 /* version, IPv4 agent, sub-agent, sequence, uptime, count */

#define SFLOW_SAMPLE_FLOW 1
#define SFLOW_SAMPLE_COUNTERS 2
#define SFLOW_SAMPLE_FLOW_EXPANDED 3
#define SFLOW_SAMPLE_COUNTERS_EXPANDED 4

/* Interface word of a compact flow sample: 2 format bits, 30 value bits (sFlow v5 §5). */
#define SFLOW_IF_FORMAT_SHIFT 30
#define SFLOW_IF_VALUE_MASK 0x3fffffffu

bool fdx__sflow_read_addr(struct fdx_rd *rd, struct fdx_addr *out)
{
    uint32_t type = fdx_rd_u32(rd);
    if (type == 1) {
        uint8_t v4[4];
        fdx_rd_bytes(rd, v4, 4);
        fdx_addr_set_v4(out, v4);
    } else if (type == 2) {
        uint8_t v6[16];
        fdx_rd_bytes(rd, v6, 16);
        fdx_addr_set_v6(out, v6);
    } else {
        fdx_rd_fail(rd, FDX_DROP_BAD_LENGTH);
    }
    return rd->err == FDX_DROP_NONE;
}

static void fill_common(struct fdx_flow *f, const struct fdx__sflow_hdr *h,
                        const struct fdx_datagram *dg, uint32_t source_id)
{
    f->proto = FDX_PROTO_SFLOW5;
    f->recv_ms = dg->recv_ms;
    f->exporter = dg->exporter;
    f->exporter_port = dg->exporter_port;
    f->agent = h->agent;
    f->domain_id = h->sub_agent_id;
    f->export_seq = h->sequence;
    f->sampler_id = source_id;
    f->present |= FDX_BIT(FDX_F_SAMPLER_ID);
}

static void add_extra_u32(struct fdx_slot *s, struct fdx_counters *c, uint32_t pen, uint16_t id,
                          uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    if (!fdx_extra_add(&s->extra, pen, id, 0, b, 4)) {
        fdx_counter_add(&c->extra_ie_overflow, 1);
    }
}

/* Interface format 0 is an ifIndex (0x3fffffff = the agent itself); 1 = packet discarded
 * (value = reason), 2 = sent to several interfaces (value = count, 0 unknown). Only format 0
 * fills in_if/out_if; the others keep the raw word in the extra area, and a discard also
 * sets IANA forwardingStatus (IE 89) to 128 ("dropped, unknown reason", RFC 7270). */
static void set_interface(struct fdx_slot *s, struct fdx_counters *c, bool out, uint32_t format,
                          uint32_t value)
{
    struct fdx_flow *f = &s->flow;
    if (format == 0) {
        if (out) {
            f->out_if = value;
            f->present |= FDX_BIT(FDX_F_OUT_IF);
        } else {
            f->in_if = value;
            f->present |= FDX_BIT(FDX_F_IN_IF);
        }
        return;
    }
    add_extra_u32(s, c, FDX_SFLOW_PEN, out ? FDX_SFLOW_X_OUT_IF_RAW : FDX_SFLOW_X_IN_IF_RAW,
                  format << SFLOW_IF_FORMAT_SHIFT | value);
    if (format == 1) {
        uint8_t dropped = 128;
        if (!fdx_extra_add(&s->extra, 0, 89, 0, &dropped, 1)) {
            fdx_counter_add(&c->extra_ie_overflow, 1);
        }
    }
}

/* Walks the records of a flow sample; returns the first refusal reason or FDX_DROP_NONE. */
static uint8_t walk_flow_records(struct fdx_decode_ctx *ctx, struct fdx_rd *rd,
                                 struct fdx_slot *s)
{
    struct fdx__sflow_acc acc = {.counters = ctx->counters};
    uint32_t nrec = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    if (nrec > FDX_SFLOW_MAX_RECORDS) {
        return FDX_DROP_LIMIT_EXCEEDED;
    }
    for (uint32_t i = 0; i < nrec; i++) {
        uint32_t format = fdx_rd_u32(rd);
        uint32_t len = fdx_rd_u32(rd);
        struct fdx_rd rec = fdx_rd_sub(rd, len);
        if (rd->err) {
            return rd->err;
        }
        if ((format >> 12) != 0) {
            continue; /* enterprise-specific record: skipped by its length */
        }
        uint8_t why = fdx__sflow_flow_record(&acc, s, format, &rec);
        if (why != FDX_DROP_NONE) {
            return why;
        }
    }
    fdx__sflow_flow_finish(&acc, s, ctx->cfg->renormalize);
    return FDX_DROP_NONE;
}

static uint8_t flow_sample(struct fdx_decode_ctx *ctx, const struct fdx__sflow_hdr *h,
                           const struct fdx_datagram *dg, struct fdx_rd *rd, bool expanded,
                           struct fdx_slot *s)
{
    struct fdx_flow *f = &s->flow;
    f->kind = FDX_KIND_FLOW;
    uint32_t seq = fdx_rd_u32(rd);
    uint32_t source_id, in_fmt, in_val, out_fmt, out_val;
    if (expanded) {
        uint32_t type = fdx_rd_u32(rd);
        uint32_t index = fdx_rd_u32(rd);
        source_id = type << 24 | (index & 0xffffff);
    } else {
        source_id = fdx_rd_u32(rd);
    }
    uint32_t rate = fdx_rd_u32(rd);
    uint32_t pool = fdx_rd_u32(rd);
    uint32_t drops = fdx_rd_u32(rd);
    if (expanded) {
        in_fmt = fdx_rd_u32(rd);
        in_val = fdx_rd_u32(rd);
        out_fmt = fdx_rd_u32(rd);
        out_val = fdx_rd_u32(rd);
    } else {
        uint32_t in = fdx_rd_u32(rd);
        uint32_t out = fdx_rd_u32(rd);
        in_fmt = in >> SFLOW_IF_FORMAT_SHIFT;
        in_val = in & SFLOW_IF_VALUE_MASK;
        out_fmt = out >> SFLOW_IF_FORMAT_SHIFT;
        out_val = out & SFLOW_IF_VALUE_MASK;
    }
    if (rd->err) {
        return rd->err;
    }
    (void)seq; /* per-source sample sequence: not tracked (datagram sequence is) */
    fill_common(f, h, dg, source_id);
    f->sampling_rate = rate;
    f->present |= FDX_BIT(FDX_F_SAMPLING);
    set_interface(s, ctx->counters, false, in_fmt, in_val);
    set_interface(s, ctx->counters, true, out_fmt, out_val);
    add_extra_u32(s, ctx->counters, FDX_SFLOW_PEN, FDX_SFLOW_X_SAMPLE_POOL, pool);
    add_extra_u32(s, ctx->counters, FDX_SFLOW_PEN, FDX_SFLOW_X_DROPS, drops);
    return walk_flow_records(ctx, rd, s);
}

static uint8_t counter_sample(struct fdx_decode_ctx *ctx, const struct fdx__sflow_hdr *h,
                              const struct fdx_datagram *dg, struct fdx_rd *rd, bool expanded,
                              struct fdx_slot *s)
{
    (void)ctx;
    struct fdx_flow *f = &s->flow;
    f->kind = FDX_KIND_COUNTERS;
    memset(&s->ctr, 0, sizeof(s->ctr)); /* slots are reused; only flow is cleared for us */
    fdx_rd_u32(rd); /* sample sequence number */
    uint32_t source_id;
    if (expanded) {
        uint32_t type = fdx_rd_u32(rd);
        uint32_t index = fdx_rd_u32(rd);
        source_id = type << 24 | (index & 0xffffff);
    } else {
        source_id = fdx_rd_u32(rd);
    }
    uint32_t nrec = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    if (nrec > FDX_SFLOW_MAX_RECORDS) {
        return FDX_DROP_LIMIT_EXCEEDED;
    }
    fill_common(f, h, dg, source_id);
    for (uint32_t i = 0; i < nrec; i++) {
        uint32_t format = fdx_rd_u32(rd);
        uint32_t len = fdx_rd_u32(rd);
        struct fdx_rd rec = fdx_rd_sub(rd, len);
        if (rd->err) {
            return rd->err;
        }
        if ((format >> 12) != 0) {
            continue; /* enterprise-specific counters: skipped by their length */
        }
        uint8_t why = fdx__sflow_counter_record(s, format, &rec);
        if (why != FDX_DROP_NONE) {
            return why;
        }
    }
    if (s->ctr.has_generic) {
        f->in_if = s->ctr.if_index;
        f->present |= FDX_BIT(FDX_F_IN_IF);
    }
    return FDX_DROP_NONE;
}

/* Decodes one sample whose data is rd; returns 1 when it produced a record. */
static size_t decode_sample(struct fdx_decode_ctx *ctx, const struct fdx__sflow_hdr *h,
                            const struct fdx_datagram *dg, uint32_t type, struct fdx_rd *rd)
{
    bool is_flow = type == SFLOW_SAMPLE_FLOW || type == SFLOW_SAMPLE_FLOW_EXPANDED;
    bool is_ctr = type == SFLOW_SAMPLE_COUNTERS || type == SFLOW_SAMPLE_COUNTERS_EXPANDED;
    if (!is_flow && !is_ctr) {
        return 0; /* another sample type (e.g. discarded packets): skipped by its length */
    }
    struct fdx_slot *s = fdx_decode_slot(ctx);
    if (s == NULL) {
        fdx_decode_count(ctx, FDX_DROP_NO_BATCH, 1);
        return 0;
    }
    bool expanded = type == SFLOW_SAMPLE_FLOW_EXPANDED || type == SFLOW_SAMPLE_COUNTERS_EXPANDED;
    uint8_t why = is_flow ? flow_sample(ctx, h, dg, rd, expanded, s)
                          : counter_sample(ctx, h, dg, rd, expanded, s);
    if (why != FDX_DROP_NONE) {
        fdx_decode_unslot(ctx);
        fdx_decode_count(ctx,
                         why == FDX_DROP_LIMIT_EXCEEDED ? FDX_DROP_LIMIT_EXCEEDED
                                                        : FDX_DROP_SFLOW_BAD_SAMPLE,
                         1);
        return 0;
    }
    return 1;
}

size_t fdx_sflow_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    struct fdx_rd rd;
    fdx_rd_init(&rd, dg->data, dg->len);
    struct fdx__sflow_hdr h = {0};
    uint32_t version = fdx_rd_u32(&rd);
    if (rd.err == FDX_DROP_NONE && version != 5) {
        return fdx_decode_drop(ctx, FDX_DROP_BAD_VERSION);
    }
    fdx__sflow_read_addr(&rd, &h.agent);
    h.sub_agent_id = fdx_rd_u32(&rd);
    h.sequence = fdx_rd_u32(&rd);
    h.uptime_ms = fdx_rd_u32(&rd);
    h.num_samples = fdx_rd_u32(&rd);
    if (rd.err) {
        return fdx_decode_drop(ctx, (enum fdx_drop)rd.err);
    }

    struct fdx_exporter *exp = fdx_exporter_get(ctx->exporters, &dg->exporter, h.sub_agent_id,
                                                 FDX_PROTO_SFLOW5, ctx->now_ms);
    if (exp == NULL) {
        return fdx_decode_drop(ctx, FDX_DROP_EXPORTER_LIMIT);
    }
    fdx_counter_add(&exp->datagrams, 1);
    fdx_exporter_track_sequence(exp, ctx->counters, h.sequence, 1);

    size_t n = 0;
    uint32_t todo = h.num_samples;
    if (todo > FDX_SFLOW_MAX_SAMPLES) {
        fdx_decode_count(ctx, FDX_DROP_LIMIT_EXCEEDED, todo - FDX_SFLOW_MAX_SAMPLES);
        todo = FDX_SFLOW_MAX_SAMPLES;
    }
    for (uint32_t i = 0; i < todo; i++) {
        uint32_t format = fdx_rd_u32(&rd);
        uint32_t len = fdx_rd_u32(&rd);
        struct fdx_rd sample = fdx_rd_sub(&rd, len);
        if (rd.err) {
            /* The datagram ends inside sample i: it and every later one are lost. */
            fdx_decode_count(ctx, FDX_DROP_TRUNCATED, todo - i);
            break;
        }
        if ((format >> 12) != 0) {
            continue; /* enterprise-specific sample: skipped by its length */
        }
        n += decode_sample(ctx, &h, dg, format, &sample);
    }
    fdx_counter_add(&exp->records, n);
    return n;
}
