/* NetFlow v9 (RFC 3954): packet header, template and options template flowsets (§5.2,
 * §6.1), data flowsets through the shared template cache (set_walk.c). Sequence numbers
 * count export packets (§5.1). Never allocates per record; every refusal is counted. */
#include "netflow_v9.h"

#include <string.h>

#include "exporter.h"
#include "reader.h"
#include "set_walk.h"
#include "templates.h"

#define NF9_HDR_LEN 20
#define NF9_FLOWSET_TEMPLATE 0
#define NF9_FLOWSET_OPTIONS 1
#define NF9_MIN_DATA_ID 256

/* Template flowset: {template id, field count, count x {type, length}} (§5.2). */
static void template_flowset(struct fdx_set_walk *w, struct fdx_rd *rd)
{
    struct fdx_field_spec *f = fdx_templates_scratch(w->ctx->templates);
    while (fdx_rd_left(rd) >= 4) {
        uint16_t tid = fdx_rd_u16(rd);
        uint16_t count = fdx_rd_u16(rd);
        if (tid == 0 && count == 0) {
            return; /* padding at the end of the flowset */
        }
        if (tid < NF9_MIN_DATA_ID || count == 0 || count > FDX_TEMPLATE_MAX_FIELDS) {
            fdx_decode_count(w->ctx, FDX_DROP_BAD_TEMPLATE, 1);
            return; /* the rest of the flowset cannot be trusted */
        }
        struct fdx_rd fields = fdx_rd_sub(rd, (size_t)count * 4);
        if (fields.err) {
            fdx_decode_count(w->ctx, FDX_DROP_TRUNCATED, 1);
            return;
        }
        memset(f, 0, count * sizeof(f[0]));
        for (unsigned i = 0; i < count; i++) {
            f[i].id = fdx_rd_u16(&fields);
            f[i].len = fdx_rd_u16(&fields);
        }
        fdx__sets_template(w, tid, f, count, 0, false);
    }
}

/* Options template flowset: {template id, scope length, option length, scope fields,
 * option fields} (§6.1); lengths are in bytes. Scope field types have their own id space. */
static void options_flowset(struct fdx_set_walk *w, struct fdx_rd *rd)
{
    struct fdx_field_spec *f = fdx_templates_scratch(w->ctx->templates);
    while (fdx_rd_left(rd) >= 6) {
        uint16_t tid = fdx_rd_u16(rd);
        uint16_t scope_len = fdx_rd_u16(rd);
        uint16_t opt_len = fdx_rd_u16(rd);
        if (tid == 0 && scope_len == 0) {
            return; /* padding */
        }
        unsigned nscope = scope_len / 4u, nopt = opt_len / 4u, n = nscope + nopt;
        if (tid < NF9_MIN_DATA_ID || (scope_len % 4) != 0 || (opt_len % 4) != 0 || n == 0 ||
            n > FDX_TEMPLATE_MAX_FIELDS) {
            fdx_decode_count(w->ctx, FDX_DROP_BAD_TEMPLATE, 1);
            return;
        }
        struct fdx_rd fields = fdx_rd_sub(rd, (size_t)scope_len + opt_len);
        if (fields.err) {
            fdx_decode_count(w->ctx, FDX_DROP_TRUNCATED, 1);
            return;
        }
        memset(f, 0, n * sizeof(f[0]));
        for (unsigned i = 0; i < n; i++) {
            f[i].id = fdx_rd_u16(&fields);
            f[i].len = fdx_rd_u16(&fields);
            f[i].scope = i < nscope;
        }
        fdx__sets_template(w, tid, f, n, nscope, true);
    }
}

size_t fdx_nf9_decode(struct fdx_decode_ctx *ctx, const struct fdx_datagram *dg)
{
    struct fdx_rd rd;
    fdx_rd_init(&rd, dg->data, dg->len);
    uint16_t version = fdx_rd_u16(&rd);
    fdx_rd_u16(&rd); /* count: templates + records; not reliable across vendors (§5.1) */
    uint32_t uptime_ms = fdx_rd_u32(&rd);
    uint32_t unix_secs = fdx_rd_u32(&rd);
    uint32_t seq = fdx_rd_u32(&rd);
    uint32_t source_id = fdx_rd_u32(&rd);
    if (rd.err) {
        return fdx_decode_drop(ctx, (enum fdx_drop)rd.err);
    }
    if (version != 9) {
        return fdx_decode_drop(ctx, FDX_DROP_BAD_VERSION);
    }
    struct fdx_msg_info m = {
        .exporter = dg->exporter,
        .exporter_port = dg->exporter_port,
        .proto = FDX_PROTO_NF9,
        .domain_id = source_id,
        .seq = seq,
        .uptime_ms = uptime_ms,
        .export_ms = (int64_t)unix_secs * 1000,
        .recv_ms = dg->recv_ms,
    };
    struct fdx_set_walk w;
    struct fdx_exporter *exp = fdx__sets_begin(&w, ctx, &m);
    if (exp == NULL) {
        return fdx_decode_drop(ctx, FDX_DROP_EXPORTER_LIMIT);
    }
    fdx_counter_add(&exp->datagrams, 1);
    fdx_exporter_track_sequence(exp, ctx->counters, seq, 1);

    uint16_t id;
    struct fdx_rd body;
    while (fdx__sets_next(&w, &rd, NULL, &id, &body)) {
        if (id == NF9_FLOWSET_TEMPLATE) {
            template_flowset(&w, &body);
        } else if (id == NF9_FLOWSET_OPTIONS) {
            options_flowset(&w, &body);
        } else if (id >= NF9_MIN_DATA_ID) {
            fdx__sets_data(&w, id, &body);
        }
        /* Flowset ids 2..255 are reserved (§5.3): skipped by their length. */
    }
    return fdx__sets_end(&w);
}
