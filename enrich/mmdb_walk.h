/* Search-tree walks over an open MMDB's mapped tree, several addresses in lockstep: each step
 * advances every address by one node and starts loading the next nodes before any is read,
 * so the memory misses of a large tree (one per level below the cached top) overlap instead of
 * following one another. Answers as the jump table gives them (FDX_JUMP_EMPTY or a data
 * offset), and the prefix length libmaxminddb would report. */
#ifndef FDX_MMDB_WALK_H
#define FDX_MMDB_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include <maxminddb.h>

#include "addr.h"
#include "mmdb_jump.h"

/* Addresses walked together. */
#define FDX_MMDB_LANES 8

struct fdx_mmdb_tree {
    const uint8_t *nodes; /* node_count nodes of node_bytes */
    uint32_t node_count;
    uint32_t data_size;   /* records above node_count + 16 + data_size are invalid */
    unsigned node_bytes;  /* 6, 7 or 8 (record sizes 24, 28, 32) */
    bool ipv6;            /* an IPv6 tree (IPv4 below ::/96) */
    uint32_t v4_node;     /* where IPv4 addresses start, or */
    uint32_t v4_answer;   /* FDX_JUMP_DEEPER, else the answer for all of IPv4 */
    unsigned v4_depth;    /* levels above the IPv4 start (96 in an IPv6 tree) */
};

/* Reads the tree's layout from db; false when the walk cannot be used (an unknown record
 * size, a broken tree): lookups then stay with libmaxminddb. */
bool fdx_mmdb_tree_init(struct fdx_mmdb_tree *t, const MMDB_s *db);

/* Walks n (at most FDX_MMDB_LANES) addresses. answer[i] is FDX_JUMP_EMPTY, FDX_JUMP_DATA +
 * the record's data offset, or FDX_JUMP_DEEPER where the tree is invalid on that path (ask
 * libmaxminddb, which reports the error); prefix[i] is the length, in the address's own
 * family, of the network that answer covers. */
void fdx_mmdb_tree_find(const struct fdx_mmdb_tree *t, const struct fdx_addr *const a[],
                        unsigned n, uint32_t answer[], unsigned prefix[]);

struct fdx_slot;

/* Addresses of a batch waiting for a walk, with the record and side each belongs to. */
struct fdx_mmdb_queue {
    const struct fdx_addr *addr[FDX_MMDB_LANES];
    struct fdx_slot *slot[FDX_MMDB_LANES];
    bool src[FDX_MMDB_LANES];
    unsigned n;
};

#endif
