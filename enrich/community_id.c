/* Community ID v1: SHA-1 over seed, ordered addresses, protocol, padding and ordered ports,
 * base64-encoded, prefixed with the version "1:". */
#include "community_id.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha1.h"

/* ICMP types that have a counterpart (request <-> reply): such flows are ordered like a
 * bidirectional port pair; other types are one-way and keep their orientation. */
static int icmp_counterpart(uint8_t proto, uint8_t type)
{
    if (proto == 1) {
        switch (type) {
        case 8: return 0;
        case 0: return 8;
        case 13: return 14;
        case 14: return 13;
        case 15: return 16;
        case 16: return 15;
        case 10: return 9;
        case 9: return 10;
        case 17: return 18;
        case 18: return 17;
        default: return -1;
        }
    }
    switch (type) {
    case 128: return 129;
    case 129: return 128;
    case 133: return 134;
    case 134: return 133;
    case 135: return 136;
    case 136: return 135;
    case 130: return 131;
    case 131: return 130;
    case 139: return 140;
    case 140: return 139;
    case 144: return 145;
    case 145: return 144;
    default: return -1;
    }
}

/* Base64 of the 20-byte digest: six full groups of three bytes, then two bytes and one '='.
 * Returns the characters written (28), NUL not counted. */
static unsigned base64_digest(const uint8_t in[20], char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (unsigned i = 0; i < 6; i++) {
        uint32_t v = (uint32_t)in[3 * i] << 16 | (uint32_t)in[3 * i + 1] << 8 | in[3 * i + 2];
        out[4 * i] = tab[v >> 18];
        out[4 * i + 1] = tab[(v >> 12) & 63];
        out[4 * i + 2] = tab[(v >> 6) & 63];
        out[4 * i + 3] = tab[v & 63];
    }
    uint32_t v = (uint32_t)in[18] << 16 | (uint32_t)in[19] << 8;
    out[24] = tab[v >> 18];
    out[25] = tab[(v >> 12) & 63];
    out[26] = tab[(v >> 6) & 63];
    out[27] = '=';
    out[28] = '\0';
    return 28;
}

unsigned fdx_community_id_v1(uint16_t seed, const struct fdx_addr *src, const struct fdx_addr *dst,
                             uint8_t proto, uint16_t sport, uint16_t dport, bool has_ports,
                             bool hw, char *out)
{
    bool one_way = false;
    if (has_ports && (proto == 1 || proto == 58)) {
        int peer = icmp_counterpart(proto, (uint8_t)sport);
        if (peer >= 0) {
            dport = (uint16_t)peer;
        } else {
            one_way = true;
        }
    }
    bool v4 = fdx_addr_is_v4(src) && fdx_addr_is_v4(dst);
    unsigned alen = v4 ? 4 : 16;
    const uint8_t *a = v4 ? src->b + 12 : src->b;
    const uint8_t *b = v4 ? dst->b + 12 : dst->b;
    int cmp = memcmp(a, b, alen);
    if (!one_way && (cmp > 0 || (cmp == 0 && has_ports && sport > dport))) {
        const uint8_t *t = a;
        a = b;
        b = t;
        uint16_t tp = sport;
        sport = dport;
        dport = tp;
    }
    uint8_t buf[2 + 16 + 16 + 2 + 4];
    _Static_assert(sizeof(buf) <= FDX_SHA1_SHORT_MAX, "the hash input is one SHA-1 block");
    unsigned n = 0;
    buf[n++] = (uint8_t)(seed >> 8);
    buf[n++] = (uint8_t)seed;
    memcpy(buf + n, a, alen);
    n += alen;
    memcpy(buf + n, b, alen);
    n += alen;
    buf[n++] = proto;
    buf[n++] = 0;
    if (has_ports) {
        buf[n++] = (uint8_t)(sport >> 8);
        buf[n++] = (uint8_t)sport;
        buf[n++] = (uint8_t)(dport >> 8);
        buf[n++] = (uint8_t)dport;
    }
    uint8_t digest[20];
    fdx_sha1_short(buf, n, hw, digest);
    out[0] = '1';
    out[1] = ':';
    return 2 + base64_digest(digest, out + 2);
}

/* ---- stage ---- */

struct cid_conf {
    uint64_t seed;
};

static const struct fdx_cfg_key cid_keys[] = {
    {"seed", FDX_CFG_UINT, "0", offsetof(struct cid_conf, seed), 0, 65535, NULL,
     "Community ID seed (0..65535); must match the seed of the Zeek/Suricata sensors"},
    FDX_CFG_END,
};

struct cid {
    uint16_t seed;
    bool hw; /* the CPU has the SHA extensions */
    unsigned worker;
    fdx_counter computed, skipped;
};

static void *cid_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    (void)err;
    const struct cid_conf *c = conf;
    struct cid *s = calloc(1, sizeof(*s));
    if (s != NULL) {
        s->seed = (uint16_t)c->seed;
        s->worker = env->worker_id;
        s->hw = fdx_sha1_hw_available();
    }
    return s;
}

static bool has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
}

static void cid_process(void *self, struct fdx_batch *batch)
{
    struct cid *s = self;
    uint64_t done = 0, skipped = 0;
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *sl = &batch->slot[i];
        const struct fdx_flow *f = &sl->flow;
        if (sl->dropped || f->kind != FDX_KIND_FLOW || !fdx_flow_has(f, FDX_F_SRC_ADDR) ||
            !fdx_flow_has(f, FDX_F_DST_ADDR) || !fdx_flow_has(f, FDX_F_IP_PROTO) ||
            fdx_addr_is_v4(&f->src) != fdx_addr_is_v4(&f->dst)) {
            skipped += sl->dropped ? 0 : 1;
            continue;
        }
        uint16_t sp = f->src_port, dp = f->dst_port;
        if (f->ip_proto == 1 || f->ip_proto == 58) {
            if (fdx_flow_has(f, FDX_F_ICMP)) {
                sp = f->icmp_type;
                dp = f->icmp_code;
            } else {
                /* NetFlow carries ICMP type and code as type * 256 + code in the dst port. */
                sp = (uint16_t)(f->dst_port >> 8);
                dp = (uint16_t)(f->dst_port & 0xff);
            }
        }
        fdx_community_id_v1(s->seed, &f->src, &f->dst, f->ip_proto, sp, dp,
                            has_ports(f->ip_proto), s->hw, sl->enr.community_id);
        sl->enr.present |= FDX_EBIT(FDX_E_COMMUNITY_ID);
        done++;
    }
    fdx_counter_add(&s->computed, done);
    fdx_counter_add(&s->skipped, skipped);
}

static int cid_reload(void *self, const void *conf, struct fdx_err *err)
{
    (void)err;
    ((struct cid *)self)->seed = (uint16_t)((const struct cid_conf *)conf)->seed;
    return 0;
}

static void cid_stats(const void *self, struct fdx_metrics *m)
{
    const struct cid *s = self;
    char labels[64];
    fdx_metrics_family(m, "flowdex_community_id_total", "counter",
                       "Records given a Community ID (result=computed) or left without one");
    snprintf(labels, sizeof(labels), "result=\"computed\",worker=\"%u\"", s->worker);
    fdx_metrics_sample(m, "flowdex_community_id_total", labels, fdx_counter_get(&s->computed));
    snprintf(labels, sizeof(labels), "result=\"skipped\",worker=\"%u\"", s->worker);
    fdx_metrics_sample(m, "flowdex_community_id_total", labels, fdx_counter_get(&s->skipped));
}

static void cid_free(void *self)
{
    free(self);
}

const struct fdx_stage_ops fdx_stage_community_id = {
    .name = "community_id",
    .summary = "Community ID v1 flow hash (network.community_id) to pivot to Zeek/Suricata",
    .keys = cid_keys,
    .conf_size = sizeof(struct cid_conf),
    .init = cid_init,
    .process = cid_process,
    .reload = cid_reload,
    .stats = cid_stats,
    .free = cid_free,
};
