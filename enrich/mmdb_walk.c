/* The tree format is the MaxMind DB one: node_count nodes of two records (24, 28 or 32 bits,
 * big-endian; with 28 bits the middle byte's high nibble belongs to the left record). A record
 * below node_count is the next node, node_count itself means no data, and a larger value
 * points into the data section (16 bytes of separator after the tree). */
#include "mmdb_walk.h"

#include <stddef.h>

#define DATA_SEPARATOR 16u

static uint32_t be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t record(const struct fdx_mmdb_tree *t, uint32_t node, unsigned bit)
{
    const uint8_t *p = t->nodes + (size_t)node * t->node_bytes;
    switch (t->node_bytes) {
    case 6:
        return be24(p + 3 * bit);
    case 7:
        return bit == 0 ? ((uint32_t)(p[3] & 0xf0) << 20 | be24(p))
                        : ((uint32_t)(p[3] & 0x0f) << 24 | be24(p + 4));
    default:
        p += 4 * bit;
        return (uint32_t)p[0] << 24 | be24(p + 1);
    }
}

/* The answer a terminal record gives (FDX_JUMP_DEEPER when it points outside the data). */
static uint32_t terminal(const struct fdx_mmdb_tree *t, uint32_t value)
{
    if (value == t->node_count) {
        return FDX_JUMP_EMPTY;
    }
    uint64_t offset = (uint64_t)value - t->node_count - DATA_SEPARATOR;
    if (value < t->node_count + DATA_SEPARATOR || offset >= t->data_size ||
        offset > UINT32_MAX - FDX_JUMP_DATA) {
        return FDX_JUMP_DEEPER;
    }
    return (uint32_t)offset + FDX_JUMP_DATA;
}

bool fdx_mmdb_tree_init(struct fdx_mmdb_tree *t, const MMDB_s *db)
{
    unsigned rs = db->metadata.record_size;
    if ((rs != 24 && rs != 28 && rs != 32) || db->metadata.node_count == 0 ||
        (uint64_t)db->metadata.node_count * (rs / 4) > (uint64_t)db->file_size) {
        return false;
    }
    t->nodes = db->file_content;
    t->node_count = db->metadata.node_count;
    t->data_size = db->data_section_size;
    t->node_bytes = rs / 4;
    t->ipv6 = db->metadata.ip_version == 6;
    t->v4_node = 0;
    t->v4_answer = FDX_JUMP_DEEPER;
    t->v4_depth = 0;
    if (!t->ipv6) {
        return true;
    }
    /* IPv4 starts below 96 zero bits; the tree may end before (one answer for all IPv4). */
    uint32_t node = 0;
    for (unsigned depth = 0; depth < 96; depth++) {
        uint32_t v = record(t, node, 0);
        if (v >= t->node_count) {
            t->v4_answer = terminal(t, v);
            t->v4_depth = depth + 1;
            return t->v4_answer != FDX_JUMP_DEEPER;
        }
        node = v;
    }
    t->v4_node = node;
    t->v4_depth = 96;
    return true;
}

struct lane {
    const uint8_t *key; /* the address bits walked: IPv4's 4 bytes or IPv6's 16 */
    uint32_t node;
    unsigned depth, bits;
};

/* Sets up lane i; false when its answer is known without a walk. */
static bool lane_start(const struct fdx_mmdb_tree *t, const struct fdx_addr *a, struct lane *l,
                       uint32_t *answer, unsigned *prefix)
{
    l->depth = 0;
    if (fdx_addr_is_v4(a)) {
        if (t->v4_answer != FDX_JUMP_DEEPER) {
            /* As libmaxminddb reports it: the IPv6 depth, read as an IPv4 prefix when it
             * can be one (see fdx_mmdb_find). */
            *answer = t->v4_answer;
            *prefix = t->v4_depth <= 32 ? t->v4_depth : 0;
            return false;
        }
        l->key = a->b + 12;
        l->bits = 32;
        l->node = t->v4_node;
    } else {
        if (!t->ipv6) {
            *answer = FDX_JUMP_EMPTY; /* libmaxminddb refuses IPv6 in an IPv4 tree */
            *prefix = 128;
            return false;
        }
        l->key = a->b;
        l->bits = 128;
        l->node = 0;
    }
    __builtin_prefetch(t->nodes + (size_t)l->node * t->node_bytes);
    return true;
}

void fdx_mmdb_tree_find(const struct fdx_mmdb_tree *t, const struct fdx_addr *const a[],
                        unsigned n, uint32_t answer[], unsigned prefix[])
{
    struct lane lane[FDX_MMDB_LANES];
    unsigned live[FDX_MMDB_LANES], nlive = 0;
    for (unsigned i = 0; i < n && i < FDX_MMDB_LANES; i++) {
        if (lane_start(t, a[i], &lane[i], &answer[i], &prefix[i])) {
            live[nlive++] = i;
        }
    }
    while (nlive > 0) {
        unsigned kept = 0;
        for (unsigned k = 0; k < nlive; k++) {
            unsigned i = live[k];
            struct lane *l = &lane[i];
            if (l->depth == l->bits) {
                answer[i] = FDX_JUMP_DEEPER; /* no terminal on a full path: corrupt */
                prefix[i] = l->bits;
                continue;
            }
            unsigned bit = (l->key[l->depth >> 3] >> (7 - (l->depth & 7))) & 1;
            uint32_t v = record(t, l->node, bit);
            l->depth++;
            if (v < t->node_count) {
                l->node = v;
                __builtin_prefetch(t->nodes + (size_t)v * t->node_bytes);
                live[kept++] = i;
                continue;
            }
            answer[i] = terminal(t, v);
            prefix[i] = l->depth;
        }
        nlive = kept;
    }
}
