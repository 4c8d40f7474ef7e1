/* Data sets, template arrival and pending sets, shared by NetFlow v9 and IPFIX
 * (RFC 3954 §5, RFC 7011 §3.3, §8). Never allocates per record; a pending set is copied
 * once, within the pending bound. */
#include "set_walk.h"

#include <string.h>

#include "exporter.h"
#include "pending_sets.h"
#include "templates.h"

static struct fdx_tmpl_key key_of(const struct fdx_msg_info *m, uint16_t id)
{
    struct fdx_tmpl_key k;
    memset(&k, 0, sizeof(k));
    k.addr = m->exporter;
    k.domain_id = m->domain_id;
    k.id = id;
    k.proto = m->proto;
    return k;
}

struct fdx_exporter *fdx__sets_begin(struct fdx_set_walk *w, struct fdx_decode_ctx *ctx,
                                     const struct fdx_msg_info *m)
{
    memset(w, 0, sizeof(*w));
    w->ctx = ctx;
    w->msg = *m;
    w->exp = fdx_exporter_get(ctx->exporters, &m->exporter, m->domain_id, m->proto,
                              ctx->now_ms);
    return w->exp;
}

bool fdx__sets_next(struct fdx_set_walk *w, struct fdx_rd *rd, const struct fdx_rd *outer,
                    uint16_t *id, struct fdx_rd *body)
{
    bool nf9 = w->msg.proto == FDX_PROTO_NF9;
    if (nf9 ? fdx_rd_left(rd) < 4 : fdx_rd_left(rd) == 0) {
        return false;
    }
    uint16_t set_id = fdx_rd_u16(rd);
    uint16_t len = fdx_rd_u16(rd);
    if (rd->err) {
        fdx_decode_count(w->ctx, FDX_DROP_TRUNCATED, 1);
        return false;
    }
    if (nf9 && set_id == 0 && len == 0) {
        return false; /* zero fill after the last flowset (logstash cisco_aci, paloalto_81) */
    }
    if (len < 4) {
        fdx_decode_count(w->ctx, FDX_DROP_BAD_LENGTH, 1);
        return false;
    }
    if (outer != NULL && len - 4u > fdx_rd_left(rd) &&
        len - 4u <= fdx_rd_left(rd) + fdx_rd_left(outer)) {
        /* The last set ends past the message length but inside the datagram (corpus:
         * telegraf issue_14370). Trust the set, which the datagram bounds. */
        rd->end = outer->end;
    }
    *body = fdx_rd_sub(rd, len - 4u);
    if (body->err) {
        fdx_decode_count(w->ctx, FDX_DROP_TRUNCATED, 1);
        return false;
    }
    *id = set_id;
    return true;
}

void fdx__sets_data(struct fdx_set_walk *w, uint16_t set_id, struct fdx_rd *body)
{
    struct fdx_decode_ctx *ctx = w->ctx;
    struct fdx_tmpl_key key = key_of(&w->msg, set_id);
    const struct fdx_program *p = fdx_templates_find(ctx->templates, &key, ctx->now_ms);
    if (p != NULL) {
        w->records += fdx_program_decode_set(ctx, p, w->exp, &w->msg, body);
        return;
    }
    w->unresolved++;
    size_t len = fdx_rd_left(body);
    if (ctx->pending == NULL ||
        fdx_pending_add(ctx->pending, &key, &w->msg, body->p, len, ctx->now_ms) != 0) {
        fdx_decode_count(ctx, ctx->pending == NULL ? FDX_DROP_NO_TEMPLATE
                                                   : FDX_DROP_PENDING_LIMIT, 1);
    }
}

struct late_arg {
    struct fdx_set_walk *w;
    const struct fdx_program *p;
};

static void decode_late(void *arg, const struct fdx_msg_info *m, const uint8_t *data,
                        size_t len)
{
    struct late_arg *a = arg;
    struct fdx_rd rd;
    fdx_rd_init(&rd, data, len);
    /* The records keep their own datagram's header times and sequence number. */
    a->w->late_records += fdx_program_decode_set(a->w->ctx, a->p, a->w->exp, m, &rd);
}

void fdx__sets_template(struct fdx_set_walk *w, uint16_t tid, struct fdx_field_spec *f,
                        unsigned n, unsigned scope_count, bool is_options)
{
    struct fdx_decode_ctx *ctx = w->ctx;
    struct fdx_tmpl_key key = key_of(&w->msg, tid);
    bool changed;
    enum fdx_drop why = fdx_templates_put(ctx->templates, &key, f, n, scope_count, is_options,
                                          w->exp, ctx->now_ms, &changed);
    if (why != FDX_DROP_NONE) {
        fdx_decode_count(ctx, why, 1);
        return;
    }
    if (changed && ctx->pending != NULL) {
        struct late_arg a = {w, fdx_templates_find(ctx->templates, &key, ctx->now_ms)};
        fdx_pending_take(ctx->pending, &key, decode_late, &a);
    }
}

void fdx__sets_withdraw(struct fdx_set_walk *w, uint16_t tid, bool is_options)
{
    struct fdx_tmpl_key key = key_of(&w->msg, tid);
    if (tid == 2 || tid == 3) {
        fdx_templates_withdraw_all(w->ctx->templates, &key, is_options);
    } else {
        fdx_templates_withdraw(w->ctx->templates, &key);
    }
}

size_t fdx__sets_end(struct fdx_set_walk *w)
{
    size_t n = w->records + w->late_records;
    fdx_counter_add(&w->exp->records, n);
    return n;
}
