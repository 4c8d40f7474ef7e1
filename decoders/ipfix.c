/* IPFIX (RFC 7011): message header (§3.1), set walk (§3.3), template and options template
 * sets with enterprise elements and withdrawals (§3.4, §8.1), data sets through the shared
 * template cache (set_walk.c). Sequence numbers count data records (§3.1). Never allocates
 * per record; every refusal is counted. */
#include "ipfix.h"

#include <string.h>

#include "exporter.h"
#include "reader.h"
#include "set_walk.h"
#include "templates.h"

#define IPFIX_HDR_LEN 16
#define IPFIX_SET_TEMPLATE 2
#define IPFIX_SET_OPTIONS 3
#define IPFIX_MIN_DATA_ID 256
#define IPFIX_ENTERPRISE_BIT 0x8000u

/* Reads n field specifiers: {id, length[, enterprise number when the id's top bit is set]}
 * (§3.2). Returns false when the set ends inside them. */
static bool read_fields(struct fdx_rd *rd, struct fdx_field_spec *f, unsigned n)
{
    memset(f, 0, n * sizeof(f[0]));
    for (unsigned i = 0; i < n; i++) {
        uint16_t id = fdx_rd_u16(rd);
        f[i].len = fdx_rd_u16(rd);
        if (id & IPFIX_ENTERPRISE_BIT) {
            f[i].pen = fdx_rd_u32(rd);
        }
        f[i].id = id & (uint16_t)~IPFIX_ENTERPRISE_BIT;
    }
    return rd->err == FDX_DROP_NONE;
}

/* Template set (id 2) or options template set (id 3). */
static void template_set(struct fdx_set_walk *w, struct fdx_rd *rd, bool is_options)
{
    struct fdx_field_spec *f = fdx_templates_scratch(w->ctx->templates);
    while (fdx_rd_left(rd) >= 4) {
        uint16_t tid = fdx_rd_u16(rd);
        uint16_t count = fdx_rd_u16(rd);
        if (tid == 0 && count == 0) {
            return; /* padding (§3.3.1) */
        }
        if (count == 0) {
            /* Withdrawal: a template record with no fields (§8.1). */
            if (tid >= IPFIX_MIN_DATA_ID || tid == (is_options ? IPFIX_SET_OPTIONS
                                                               : IPFIX_SET_TEMPLATE)) {
                fdx__sets_withdraw(w, tid, is_options);
                continue;
            }
            fdx_decode_count(w->ctx, FDX_DROP_BAD_TEMPLATE, 1);
            return;
        }
        unsigned scope = 0;
        if (is_options) {
            scope = fdx_rd_u16(rd);
        }
        if (tid < IPFIX_MIN_DATA_ID || count > FDX_TEMPLATE_MAX_FIELDS ||
            (is_options && (scope == 0 || scope > count))) {
            fdx_decode_count(w->ctx, FDX_DROP_BAD_TEMPLATE, 1);
            return; /* the rest of the set cannot be trusted */
        }
        if (!read_fields(rd, f, count)) {
            fdx_decode_count(w->ctx, FDX_DROP_TRUNCATED, 1);
            return;
        }
        fdx__sets_template(w, tid, f, count, scope, is_options);
    }
}

size_t fdx_ipfix_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    struct fdx_rd rd;
    fdx_rd_init(&rd, dg->data, dg->len);
    uint16_t version = fdx_rd_u16(&rd);
    uint16_t length = fdx_rd_u16(&rd);
    uint32_t export_s = fdx_rd_u32(&rd);
    uint32_t seq = fdx_rd_u32(&rd);
    uint32_t domain = fdx_rd_u32(&rd);
    if (rd.err) {
        return fdx_decode_drop(ctx, (enum fdx_drop)rd.err);
    }
    if (version != 10) {
        return fdx_decode_drop(ctx, FDX_DROP_BAD_VERSION);
    }
    if (length < IPFIX_HDR_LEN) {
        return fdx_decode_drop(ctx, FDX_DROP_BAD_LENGTH);
    }
    if (length > dg->len) {
        return fdx_decode_drop(ctx, FDX_DROP_TRUNCATED);
    }
    /* The message length bounds the sets; bytes after it (datagram padding) are ignored. */
    struct fdx_rd msg = fdx_rd_sub(&rd, length - IPFIX_HDR_LEN);
    struct fdx_msg_info m = {
        .exporter = dg->exporter,
        .exporter_port = dg->exporter_port,
        .proto = FDX_PROTO_IPFIX,
        .domain_id = domain,
        .seq = seq,
        .export_ms = (int64_t)export_s * 1000,
        .recv_ms = dg->recv_ms,
    };
    struct fdx_set_walk w;
    struct fdx_exporter *exp = fdx__sets_begin(&w, ctx, &m);
    if (exp == NULL) {
        return fdx_decode_drop(ctx, FDX_DROP_EXPORTER_LIMIT);
    }
    fdx_counter_add(&exp->datagrams, 1);

    uint16_t id;
    struct fdx_rd body;
    while (fdx__sets_next(&w, &msg, &rd, &id, &body)) {
        if (id == IPFIX_SET_TEMPLATE || id == IPFIX_SET_OPTIONS) {
            template_set(&w, &body, id == IPFIX_SET_OPTIONS);
        } else if (id >= IPFIX_MIN_DATA_ID) {
            fdx__sets_data(&w, id, &body);
        }
        /* Set ids 0, 1 and 4..255 are reserved (§3.3.2): skipped by their length. */
    }
    /* The sequence number counts data records sent before this message (§3.1). When some
     * sets could not be decoded yet, this message's record count is unknown: resynchronise
     * on the next message instead of reporting a false loss. */
    fdx_exporter_track_sequence(exp, ctx->counters, seq, (uint32_t)w.records);
    if (w.unresolved > 0) {
        exp->seq_valid = false;
    }
    return fdx__sets_end(&w);
}
