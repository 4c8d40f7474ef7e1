/* Template compilation and data record decoding (RFC 3954 §5.3, RFC 7011 §3.4.3, §6-7,
 * RFC 7012 §6 reduced-size encoding). Compiles on the control path (template arrival);
 * decoding never allocates. Time slots are finalised into start_ms/end_ms by one rule,
 * documented in docs/decoders.md. */
#include "template_program.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exporter.h"
#include "flow.h"
#include "ie_registry.h"
#include "if_names.h"
#include "timeconv.h"

size_t fdx_program_size(unsigned n)
{
    return sizeof(struct fdx_program) + (size_t)n * sizeof(struct fdx_op);
}

static bool is_addr_target(uint8_t t)
{
    return t == FDX_T_SRC_ADDR || t == FDX_T_DST_ADDR || t == FDX_T_NEXT_HOP ||
           t == FDX_T_BGP_NEXT_HOP || t == FDX_T_POST_NAT_SRC || t == FDX_T_POST_NAT_DST;
}

/* Chooses how one field is decoded; anything that does not fit its slot's width is kept in
 * the extra area rather than misread. */
static void compile_field(const struct fdx_field_spec *f, uint8_t proto, struct fdx_op *op)
{
    memset(op, 0, sizeof(*op));
    op->wire_len = f->len;
    op->id = f->id;
    op->pen = f->pen;
    bool reverse = false;
    const struct fdx_ie_info *info;
    if (f->scope) {
        op->pen = FDX_PEN_NF9_SCOPE;
        info = fdx_ie_lookup_any(op->pen, f->id, &reverse);
        op->kind = FDX_OP_EXTRA;
        op->type = (f->len >= 1 && f->len <= 8) ? FDX_IE_UNSIGNED : FDX_IE_OCTETS;
        return;
    }
    info = fdx_ie_lookup_any(f->pen, f->id, &reverse);
    op->reverse = reverse;
    op->type = info != NULL ? info->type : FDX_IE_OCTETS;
    uint8_t t = (uint8_t)fdx_ie_target(f->pen, f->id, proto);
    op->target = t;
    op->kind = FDX_OP_EXTRA;
    if (f->len == 0 || t == FDX_T_SKIP) {
        op->kind = FDX_OP_SKIP;
    } else if (t == FDX_T_NONE || f->len == FDX_VARLEN) {
        op->kind = FDX_OP_EXTRA;
    } else if (is_addr_target(t)) {
        if (f->len == 4) {
            op->kind = FDX_OP_ADDR4;
        } else if (f->len == 16) {
            op->kind = FDX_OP_ADDR6;
        }
    } else if (t == FDX_T_SRC_MAC || t == FDX_T_DST_MAC) {
        if (f->len == 6) {
            op->kind = FDX_OP_MAC;
        }
    } else if (t == FDX_T_MPLS) {
        if (f->len == 3 || f->len == 4) {
            op->kind = FDX_OP_MPLS;
        }
    } else if (t == FDX_T_SAMPLING_PROBABILITY) {
        if (f->len == 4 || f->len == 8) {
            op->kind = FDX_OP_FLOAT;
        }
    } else if (f->len <= 8) {
        op->kind = FDX_OP_UINT;
    }
    if (op->kind == FDX_OP_EXTRA && op->type == FDX_IE_UNSIGNED && f->len > 8) {
        op->type = FDX_IE_OCTETS;
    }
}

struct fdx_program *fdx_program_compile(const struct fdx_field_spec *f, unsigned n,
                                        unsigned scope_count, bool is_options, uint8_t proto,
                                        enum fdx_drop *why)
{
    *why = FDX_DROP_BAD_TEMPLATE;
    if (n == 0 || n > FDX_TEMPLATE_MAX_FIELDS) {
        return NULL;
    }
    struct fdx_program *p = malloc(fdx_program_size(n));
    if (p == NULL) {
        *why = FDX_DROP_NONE;
        return NULL;
    }
    bool has_var = false;
    uint32_t off = 0, min_len = 0;
    for (unsigned i = 0; i < n; i++) {
        has_var |= f[i].len == FDX_VARLEN;
        min_len += f[i].len == FDX_VARLEN ? 1u : f[i].len;
    }
    if (min_len == 0 || min_len > 65535) {
        free(p);
        return NULL;
    }
    p->nops = 0;
    for (unsigned i = 0; i < n; i++) {
        struct fdx_op op;
        compile_field(&f[i], proto, &op);
        /* An element repeated in one template (inner and outer headers, telegraf's
         * ipfix_example): the first occurrence fills the record field, the others are kept
         * in the extra area. */
        for (unsigned k = 0; k < i && op.kind != FDX_OP_EXTRA && op.kind != FDX_OP_SKIP; k++) {
            if (f[k].id == f[i].id && f[k].pen == f[i].pen && f[k].scope == f[i].scope) {
                op.kind = FDX_OP_EXTRA;
                op.type = op.type == FDX_IE_UNSIGNED && f[i].len > 8 ? FDX_IE_OCTETS : op.type;
            }
        }
        op.off = (uint16_t)off;
        off += f[i].len == FDX_VARLEN ? 0u : f[i].len;
        /* Fixed-length programs address fields by offset: padding needs no op. */
        if (op.kind == FDX_OP_SKIP && !has_var) {
            continue;
        }
        p->op[p->nops++] = op;
    }
    p->fixed_len = has_var ? 0 : (uint16_t)min_len;
    p->min_len = (uint16_t)min_len;
    p->scope_count = (uint16_t)scope_count;
    p->is_options = is_options;
    return p;
}

/* Per-record scratch: time slots and sampling parameters before finalisation. */
struct rec_state {
    struct fdx_flow *f;
    struct fdx_flow_extra *x;
    struct fdx_counters *c;
    uint32_t ts_has; /* bit (target - FDX_T_START_UPTIME) */
    uint64_t ts[FDX_T_SYS_INIT_MS - FDX_T_START_UPTIME + 1];
    bool has_delta_bytes, has_delta_packets;
    uint32_t sampler_id;
    bool has_sampler;
    uint64_t samp_interval, samp_pkt_interval, samp_pkt_space, samp_size, samp_pop;
    double samp_prob;
};

/* Big-endian unsigned of len bytes (the last 8 when longer). The common widths are spelled
 * out so that the compiler makes each one load and byte swap instead of a loop. */
static uint64_t load_uint(const uint8_t *p, unsigned len)
{
    switch (len) {
    case 1:
        return p[0];
    case 2:
        return (uint64_t)p[0] << 8 | p[1];
    case 4:
        return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
    case 8:
        return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
               (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
               (uint64_t)p[6] << 8 | p[7];
    default:
        break;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < len; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static double load_float(const uint8_t *p, unsigned len)
{
    if (len == 4) {
        uint32_t u = (uint32_t)load_uint(p, 4);
        float fl;
        memcpy(&fl, &u, 4);
        return fl;
    }
    uint64_t u = load_uint(p, 8);
    double d;
    memcpy(&d, &u, 8);
    return d;
}

static void set_uint(struct rec_state *r, uint8_t target, uint64_t v)
{
    struct fdx_flow *f = r->f;
    switch (target) {
    case FDX_T_BYTES:
        f->raw_bytes = v;
        r->has_delta_bytes = true;
        fdx_flow_set(f, FDX_F_BYTES);
        break;
    case FDX_T_PACKETS:
        f->raw_packets = v;
        r->has_delta_packets = true;
        fdx_flow_set(f, FDX_F_PACKETS);
        break;
    case FDX_T_BYTES_TOTAL:
        if (!r->has_delta_bytes) {
            f->raw_bytes = v;
            fdx_flow_set(f, FDX_F_BYTES);
        }
        break;
    case FDX_T_PACKETS_TOTAL:
        if (!r->has_delta_packets) {
            f->raw_packets = v;
            fdx_flow_set(f, FDX_F_PACKETS);
        }
        break;
    case FDX_T_REV_BYTES:
        f->rev_bytes = v;
        fdx_flow_set(f, FDX_F_REV_BYTES);
        break;
    case FDX_T_REV_PACKETS:
        f->rev_packets = v;
        fdx_flow_set(f, FDX_F_REV_PACKETS);
        break;
    case FDX_T_PROTO:
        f->ip_proto = (uint8_t)v;
        fdx_flow_set(f, FDX_F_IP_PROTO);
        break;
    case FDX_T_TOS:
        f->tos = (uint8_t)v;
        fdx_flow_set(f, FDX_F_TOS);
        break;
    case FDX_T_TCP_FLAGS:
        f->tcp_flags = (uint8_t)v; /* the low 8 bits: the NetFlow v5/v9 flags */
        fdx_flow_set(f, FDX_F_TCP_FLAGS);
        break;
    case FDX_T_SRC_PORT:
        f->src_port = (uint16_t)v;
        fdx_flow_set(f, FDX_F_SRC_PORT);
        break;
    case FDX_T_DST_PORT:
        f->dst_port = (uint16_t)v;
        fdx_flow_set(f, FDX_F_DST_PORT);
        break;
    case FDX_T_SRC_MASK:
        f->src_mask = (uint8_t)v;
        fdx_flow_set(f, FDX_F_SRC_MASK);
        break;
    case FDX_T_DST_MASK:
        f->dst_mask = (uint8_t)v;
        fdx_flow_set(f, FDX_F_DST_MASK);
        break;
    case FDX_T_IN_IF:
        f->in_if = (uint32_t)v;
        fdx_flow_set(f, FDX_F_IN_IF);
        break;
    case FDX_T_OUT_IF:
        f->out_if = (uint32_t)v;
        fdx_flow_set(f, FDX_F_OUT_IF);
        break;
    case FDX_T_SRC_AS:
        f->src_as = (uint32_t)v;
        fdx_flow_set(f, FDX_F_SRC_AS);
        break;
    case FDX_T_DST_AS:
        f->dst_as = (uint32_t)v;
        fdx_flow_set(f, FDX_F_DST_AS);
        break;
    case FDX_T_ICMP_TYPECODE:
        f->icmp_type = (uint8_t)(v >> 8);
        f->icmp_code = (uint8_t)v;
        fdx_flow_set(f, FDX_F_ICMP);
        break;
    case FDX_T_ICMP_TYPE:
        f->icmp_type = (uint8_t)v;
        fdx_flow_set(f, FDX_F_ICMP);
        break;
    case FDX_T_ICMP_CODE:
        f->icmp_code = (uint8_t)v;
        fdx_flow_set(f, FDX_F_ICMP);
        break;
    case FDX_T_FLOW_LABEL:
        f->flow_label = (uint32_t)v;
        fdx_flow_set(f, FDX_F_FLOW_LABEL);
        break;
    case FDX_T_SRC_VLAN:
        f->src_vlan = (uint16_t)v;
        fdx_flow_set(f, FDX_F_SRC_VLAN);
        break;
    case FDX_T_DST_VLAN:
        f->dst_vlan = (uint16_t)v;
        fdx_flow_set(f, FDX_F_DST_VLAN);
        break;
    case FDX_T_IP_VERSION:
        f->ip_version = (uint8_t)v;
        fdx_flow_set(f, FDX_F_IP_VERSION);
        break;
    case FDX_T_DIRECTION:
        f->direction = (uint8_t)v;
        fdx_flow_set(f, FDX_F_DIRECTION);
        break;
    case FDX_T_END_REASON:
        f->end_reason = (uint8_t)v;
        fdx_flow_set(f, FDX_F_END_REASON);
        break;
    case FDX_T_FLOW_ID:
        f->flow_id = v;
        fdx_flow_set(f, FDX_F_FLOW_ID);
        break;
    case FDX_T_ENGINE_TYPE:
        f->engine_type = (uint8_t)v;
        fdx_flow_set(f, FDX_F_ENGINE);
        break;
    case FDX_T_ENGINE_ID:
        f->engine_id = (uint8_t)v;
        fdx_flow_set(f, FDX_F_ENGINE);
        break;
    case FDX_T_TTL:
        f->ttl = (uint8_t)v;
        fdx_flow_set(f, FDX_F_TTL);
        break;
    case FDX_T_FRAGMENT:
        f->fragment = (uint16_t)v;
        fdx_flow_set(f, FDX_F_FRAGMENT);
        break;
    case FDX_T_ETHERTYPE:
        f->ethertype = (uint16_t)v;
        fdx_flow_set(f, FDX_F_ETHERTYPE);
        break;
    case FDX_T_FRAME_LEN:
        f->frame_len = (uint32_t)v;
        fdx_flow_set(f, FDX_F_FRAME_LEN);
        break;
    case FDX_T_POST_NAT_SRC_PORT:
        f->post_nat_src_port = (uint16_t)v;
        fdx_flow_set(f, FDX_F_POST_NAT_SRC);
        break;
    case FDX_T_POST_NAT_DST_PORT:
        f->post_nat_dst_port = (uint16_t)v;
        fdx_flow_set(f, FDX_F_POST_NAT_DST);
        break;
    case FDX_T_FW_EVENT:
        f->fw_event = (uint8_t)v;
        fdx_flow_set(f, FDX_F_FW_EVENT);
        break;
    case FDX_T_SAMPLER_ID:
        f->sampler_id = (uint32_t)v;
        r->sampler_id = (uint32_t)v;
        r->has_sampler = true;
        fdx_flow_set(f, FDX_F_SAMPLER_ID);
        break;
    case FDX_T_SAMPLING_INTERVAL:
        r->samp_interval = v;
        break;
    case FDX_T_SAMPLING_PKT_INTERVAL:
        r->samp_pkt_interval = v;
        break;
    case FDX_T_SAMPLING_PKT_SPACE:
        r->samp_pkt_space = v;
        break;
    case FDX_T_SAMPLING_SIZE:
        r->samp_size = v;
        break;
    case FDX_T_SAMPLING_POPULATION:
        r->samp_pop = v;
        break;
    default:
        if (target >= FDX_T_START_UPTIME && target <= FDX_T_SYS_INIT_MS) {
            unsigned slot = target - FDX_T_START_UPTIME;
            r->ts[slot] = v;
            r->ts_has |= 1u << slot;
        }
        break;
    }
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

/* Templates that carry both the IPv4 and the IPv6 form of an address (Cisco, pmacct) fill the
 * unused one with zeros: an all-zero address never replaces one already decoded, and a real
 * address replaces a zero one, whatever their order in the template. */
static void add_extra(struct rec_state *r, const struct fdx_op *op, const uint8_t *p,
                      unsigned len);

/* IANA id of the IPv6 element for an address target (an address moved to the extra area). */
static uint16_t v6_id_of(uint8_t target)
{
    switch (target) {
    case FDX_T_SRC_ADDR:
        return 27;
    case FDX_T_DST_ADDR:
        return 28;
    case FDX_T_NEXT_HOP:
        return 62;
    case FDX_T_BGP_NEXT_HOP:
        return 63;
    case FDX_T_POST_NAT_SRC:
        return 281;
    default:
        return 282;
    }
}

static void set_addr(struct rec_state *r, const struct fdx_op *op, const uint8_t *p, bool v6)
{
    uint8_t target = op->target;
    struct fdx_flow *f = r->f;
    struct fdx_addr *a;
    enum fdx_field bit;
    switch (target) {
    case FDX_T_SRC_ADDR:
        a = &f->src;
        bit = FDX_F_SRC_ADDR;
        break;
    case FDX_T_DST_ADDR:
        a = &f->dst;
        bit = FDX_F_DST_ADDR;
        break;
    case FDX_T_NEXT_HOP:
        a = &f->next_hop;
        bit = FDX_F_NEXT_HOP;
        break;
    case FDX_T_BGP_NEXT_HOP:
        a = &f->bgp_next_hop;
        bit = FDX_F_BGP_NEXT_HOP;
        break;
    case FDX_T_POST_NAT_SRC:
        a = &f->post_nat_src;
        bit = FDX_F_POST_NAT_SRC;
        break;
    default:
        a = &f->post_nat_dst;
        bit = FDX_F_POST_NAT_DST;
        break;
    }
    if (fdx_flow_has(f, bit)) {
        static const uint8_t v4_zero[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        bool old_unset = all_zero(a->b, 16) || memcmp(a->b, v4_zero, 16) == 0;
        if (all_zero(p, v6 ? 16 : 4)) {
            if (!old_unset || v6) {
                return; /* between two zero addresses, the IPv4 form wins */
            }
        } else if (!old_unset) {
            /* Both forms carry a real address (Cisco SRv6: the IPv6 outer header beside the
             * IPv4 flow): the IPv4 address stays in the field, as pmacct and Wireshark show
             * it, and the IPv6 one is kept in the extra area. */
            if (v6) {
                add_extra(r, op, p, 16);
                return;
            }
            if (!fdx_addr_is_v4(a)) {
                struct fdx_op moved = *op;
                moved.id = v6_id_of(target);
                moved.type = FDX_IE_IPV6;
                add_extra(r, &moved, a->b, 16);
            }
        }
    }
    if (v6) {
        fdx_addr_set_v6(a, p);
    } else {
        fdx_addr_set_v4(a, p);
    }
    if (bit == FDX_F_SRC_ADDR && !fdx_flow_has(f, FDX_F_IP_VERSION)) {
        f->ip_version = v6 ? 6 : 4;
    }
    fdx_flow_set(f, bit);
}

static void add_extra(struct rec_state *r, const struct fdx_op *op, const uint8_t *p,
                      unsigned len)
{
    if (fdx_extra_add(r->x, op->pen, op->id, op->type, p, (uint16_t)len)) {
        r->x->ie[r->x->n - 1].reverse = op->reverse;
    } else {
        fdx_counter_add(&r->c->extra_ie_overflow, 1);
    }
}

static void run_op(struct rec_state *r, const struct fdx_op *op, const uint8_t *p, unsigned len)
{
    switch (op->kind) {
    case FDX_OP_UINT:
        set_uint(r, op->target, load_uint(p, len));
        break;
    case FDX_OP_ADDR4:
        set_addr(r, op, p, false);
        break;
    case FDX_OP_ADDR6:
        set_addr(r, op, p, true);
        break;
    case FDX_OP_MAC:
        memcpy(op->target == FDX_T_SRC_MAC ? r->f->src_mac : r->f->dst_mac, p, 6);
        fdx_flow_set(r->f, op->target == FDX_T_SRC_MAC ? FDX_F_SRC_MAC : FDX_F_DST_MAC);
        break;
    case FDX_OP_MPLS: {
        unsigned idx = op->id >= 70 && op->id <= 79 ? op->id - 70u : 0u;
        r->f->mpls[idx] = (uint32_t)load_uint(p, 3);
        if (r->f->mpls_depth < idx + 1) {
            r->f->mpls_depth = (uint8_t)(idx + 1);
        }
        fdx_flow_set(r->f, FDX_F_MPLS);
        break;
    }
    case FDX_OP_FLOAT:
        r->samp_prob = load_float(p, len);
        break;
    case FDX_OP_EXTRA:
        add_extra(r, op, p, len);
        break;
    default:
        break;
    }
}

/* Runs a variable-length program: every field through the reader, variable-length fields
 * through a sub-reader (RFC 7011 §7: 1-byte length, or 255 then a 2-byte length). */
static void run_var(struct rec_state *r, const struct fdx_program *p, struct fdx_rd *rd)
{
    for (unsigned i = 0; i < p->nops; i++) {
        const struct fdx_op *op = &p->op[i];
        size_t len = op->wire_len;
        if (len == FDX_VARLEN) {
            len = fdx_rd_u8(rd);
            if (len == 255) {
                len = fdx_rd_u16(rd);
            }
        }
        struct fdx_rd field = fdx_rd_sub(rd, len);
        if (rd->err) {
            return;
        }
        if (len > 0) {
            run_op(r, op, field.p, (unsigned)len);
        }
    }
}

/* Largest time value taken from the wire, in ms (2^61, some 73 million years): keeps the
 * conversions below free of signed overflow whatever a damaged record holds. */
#define MAX_TIME_MS (UINT64_C(1) << 61)

/* init_ms: the exporter's system init time (RFC 7011 systemInitTimeMilliseconds) learnt from
 * options data, used when the record does not carry its own; 0 when unknown. */
static int64_t slot_ms(const struct rec_state *r, const struct fdx_msg_info *m, bool end,
                       int64_t init_ms, bool *ok)
{
    /* Precedence, most precise absolute clock first: ms, µs, ns, s, then sysUptime-relative,
     * then delta to the export time. */
    static const uint8_t order[] = {FDX_T_START_MS, FDX_T_START_US, FDX_T_START_NS,
                                    FDX_T_START_S,  FDX_T_START_UPTIME, FDX_T_START_DELTA_US};
    const unsigned init = FDX_T_SYS_INIT_MS - FDX_T_START_UPTIME;
    *ok = true;
    for (unsigned i = 0; i < sizeof(order); i++) {
        unsigned t = order[i] + (end ? 1u : 0u);
        unsigned slot = t - FDX_T_START_UPTIME;
        if (!(r->ts_has & (1u << slot))) {
            continue;
        }
        uint64_t v = r->ts[slot];
        if (v == 0 && order[i] != FDX_T_START_UPTIME && order[i] != FDX_T_START_DELTA_US) {
            continue; /* an absolute time of 0 means "not set" (nProbe): try the next form */
        }
        bool is_ntp = order[i] == FDX_T_START_US || order[i] == FDX_T_START_NS;
        if (!is_ntp && v > MAX_TIME_MS) {
            continue; /* beyond any clock (a damaged or oversized field): not a time */
        }
        switch (order[i]) {
        case FDX_T_START_MS:
            return (int64_t)v;
        case FDX_T_START_US:
        case FDX_T_START_NS:
            return fdx_time_from_ntp64(v);
        case FDX_T_START_S:
            if (v > MAX_TIME_MS / 1000) {
                continue;
            }
            return (int64_t)v * 1000;
        case FDX_T_START_UPTIME:
            if (r->ts_has & (1u << init)) {
                /* systemInitTimeMilliseconds; both bounded, so the sum cannot overflow. */
                if (r->ts[init] <= MAX_TIME_MS) {
                    return (int64_t)r->ts[init] + (int64_t)v;
                }
                continue;
            }
            if (m->proto == FDX_PROTO_NF9) {
                return fdx_time_from_uptime(m->export_ms, m->uptime_ms, (uint32_t)v);
            }
            if (init_ms > 0 && init_ms <= (int64_t)MAX_TIME_MS) {
                return init_ms + (int64_t)v;
            }
            continue; /* IPFIX without an init time: no clock to anchor it */
        default:
            return m->export_ms - (int64_t)(v / 1000);
        }
    }
    *ok = false;
    return 0;
}

static uint32_t record_rate(const struct rec_state *r)
{
    if (r->samp_interval > 0) {
        return (uint32_t)r->samp_interval;
    }
    if (r->samp_pkt_interval > 0) {
        return (uint32_t)((r->samp_pkt_interval + r->samp_pkt_space) / r->samp_pkt_interval);
    }
    if (r->samp_size > 0 && r->samp_pop >= r->samp_size) {
        return (uint32_t)(r->samp_pop / r->samp_size);
    }
    if (r->samp_prob >= 1e-9 && r->samp_prob <= 1.0) { /* 1/p fits the 32-bit rate */
        return (uint32_t)lround(1.0 / r->samp_prob);
    }
    return 0;
}

static void finalise(struct fdx_decode_ctx *ctx, struct rec_state *r,
                     const struct fdx_program *p, struct fdx_exporter *exp,
                     const struct fdx_msg_info *m)
{
    struct fdx_flow *f = r->f;
    const unsigned init_slot = FDX_T_SYS_INIT_MS - FDX_T_START_UPTIME;
    if (p->is_options && (r->ts_has & (1u << init_slot)) && r->ts[init_slot] != 0) {
        if (r->ts[init_slot] <= MAX_TIME_MS) {
            exp->sys_init_ms = (int64_t)r->ts[init_slot]; /* softflowd, Cisco: options data */
        }
    }
    bool ok;
    int64_t t = slot_ms(r, m, false, exp->sys_init_ms, &ok);
    if (ok) {
        f->start_ms = t;
        fdx_flow_set(f, FDX_F_START);
    }
    t = slot_ms(r, m, true, exp->sys_init_ms, &ok);
    if (ok) {
        f->end_ms = t;
        fdx_flow_set(f, FDX_F_END);
    }
    uint32_t rate = record_rate(r);
    if (p->is_options) {
        if (rate != 0) {
            fdx_exporter_set_sampling(exp, r->has_sampler ? r->sampler_id : 0, rate);
        }
    } else if (rate == 0) {
        rate = fdx_exporter_sampling(exp, r->has_sampler ? r->sampler_id : 0);
    }
    f->sampling_rate = rate;
    if (rate != 0) {
        fdx_flow_set(f, FDX_F_SAMPLING);
    }
    uint64_t mult = (ctx->cfg->renormalize && rate > 1) ? rate : 1;
    f->bytes = f->raw_bytes * mult;
    f->packets = f->raw_packets * mult;
}

static void init_record(struct fdx_flow *f, const struct fdx_program *p,
                        const struct fdx_msg_info *m)
{
    f->exporter = m->exporter;
    f->exporter_port = m->exporter_port;
    f->recv_ms = m->recv_ms;
    f->export_ms = m->export_ms;
    f->domain_id = m->domain_id;
    f->export_seq = m->seq;
    f->proto = m->proto;
    f->kind = p->is_options ? FDX_KIND_OPTIONS : FDX_KIND_FLOW;
}

size_t fdx_program_decode_set(struct fdx_decode_ctx *ctx, const struct fdx_program *p,
                              struct fdx_exporter *exp, const struct fdx_msg_info *m,
                              struct fdx_rd *set)
{
    size_t n = 0;
    while (fdx_rd_left(set) >= p->min_len) {
        struct fdx_slot *s = fdx_decode_slot(ctx);
        if (s == NULL) {
            fdx_decode_count(ctx, FDX_DROP_NO_BATCH, fdx_rd_left(set) / p->min_len);
            break;
        }
        struct rec_state r;
        memset(&r, 0, sizeof(r));
        r.f = &s->flow;
        r.x = &s->extra;
        r.c = ctx->counters;
        init_record(r.f, p, m);
        if (p->fixed_len != 0) {
            /* Checked once for the whole record; the ops load at fixed offsets. */
            const uint8_t *base = fdx_rd_ptr(set, p->fixed_len);
            for (unsigned i = 0; i < p->nops; i++) {
                const struct fdx_op *op = &p->op[i];
                run_op(&r, op, base + op->off, op->wire_len);
            }
        } else {
            struct fdx_rd rec = *set;
            run_var(&r, p, &rec);
            if (rec.err) {
                fdx_decode_unslot(ctx);
                fdx_decode_count(ctx, (enum fdx_drop)rec.err, 1);
                break;
            }
            set->p = rec.p;
        }
        finalise(ctx, &r, p, exp, m);
        if (p->is_options || exp->ifnames != NULL) {
            fdx_ifname_record(exp, s, ctx->counters);
        }
        n++;
    }
    return n;
}
