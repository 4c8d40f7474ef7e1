/* The table is filled by a walk of the tree's first 16 levels below each family's start: a
 * record that ends the walk at depth d answers 2^(16-d) consecutive entries at once, so the
 * walk reads at most one node per entry. Nodes are read through libmaxminddb
 * (MMDB_read_node), which checks them against the tree's size. */
#include "mmdb_jump.h"

#include <stdbool.h>
#include <stdlib.h>

/* What a record of a node means for the table; false for a record libmaxminddb calls
 * invalid. */
static bool answer_of(uint8_t type, const MMDB_entry_s *entry, uint32_t *answer)
{
    switch (type) {
    case MMDB_RECORD_TYPE_EMPTY:
        *answer = FDX_JUMP_EMPTY;
        return true;
    case MMDB_RECORD_TYPE_DATA:
        if (entry->offset > UINT32_MAX - FDX_JUMP_DATA) {
            return false;
        }
        *answer = entry->offset + FDX_JUMP_DATA;
        return true;
    default:
        return false;
    }
}

static void fill(uint32_t *t, uint32_t first, uint32_t count, uint32_t answer)
{
    for (uint32_t i = 0; i < count; i++) {
        t[first + i] = answer;
    }
}

/* Fills the entries of the block below node, which sits at depth bits under the start and
 * covers entries first .. first + 2^(16-depth) - 1. Returns false on an invalid record. */
static bool walk(const MMDB_s *db, uint32_t *t, uint64_t node, unsigned depth, uint32_t first)
{
    uint32_t span = 1u << (FDX_JUMP_BITS - depth);
    if (depth == FDX_JUMP_BITS) {
        t[first] = FDX_JUMP_DEEPER;
        return true;
    }
    MMDB_search_node_s n;
    if (node > UINT32_MAX || MMDB_read_node(db, (uint32_t)node, &n) != MMDB_SUCCESS) {
        return false;
    }
    const uint64_t rec[2] = {n.left_record, n.right_record};
    const uint8_t type[2] = {n.left_record_type, n.right_record_type};
    const MMDB_entry_s *entry[2] = {&n.left_record_entry, &n.right_record_entry};
    for (unsigned bit = 0; bit < 2; bit++) {
        uint32_t half = first + bit * (span / 2);
        if (type[bit] == MMDB_RECORD_TYPE_SEARCH_NODE) {
            if (!walk(db, t, rec[bit], depth + 1, half)) {
                return false;
            }
            continue;
        }
        uint32_t answer;
        if (!answer_of(type[bit], entry[bit], &answer)) {
            return false;
        }
        fill(t, half, span / 2, answer);
    }
    return true;
}

/* Follows zero bits from the root to where IPv4 starts in an IPv6 tree (::/96). Returns true
 * with *node set, or true with *answer set when the walk ends before (one answer for all of
 * IPv4); false on an invalid record. */
static bool ipv4_start(const MMDB_s *db, uint64_t *node, uint32_t *answer)
{
    *node = 0;
    *answer = FDX_JUMP_DEEPER;
    for (unsigned depth = 0; depth < 96; depth++) {
        MMDB_search_node_s n;
        if (*node > UINT32_MAX || MMDB_read_node(db, (uint32_t)*node, &n) != MMDB_SUCCESS) {
            return false;
        }
        if (n.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE) {
            return answer_of(n.left_record_type, &n.left_record_entry, answer);
        }
        *node = n.left_record;
    }
    return true;
}

static bool build(const MMDB_s *db, struct fdx_mmdb_jump *j)
{
    uint32_t all = 1u << FDX_JUMP_BITS;
    if (db->metadata.ip_version != 6) {
        /* An IPv4 database answers no IPv6 address (libmaxminddb refuses the lookup). */
        fill(j->v6, 0, all, FDX_JUMP_EMPTY);
        return walk(db, j->v4, 0, 0, 0);
    }
    uint64_t start;
    uint32_t answer;
    if (!ipv4_start(db, &start, &answer)) {
        return false;
    }
    if (answer != FDX_JUMP_DEEPER) {
        fill(j->v4, 0, all, answer);
    } else if (!walk(db, j->v4, start, 0, 0)) {
        return false;
    }
    return walk(db, j->v6, 0, 0, 0);
}

struct fdx_mmdb_jump *fdx_mmdb_jump_new(const MMDB_s *db)
{
    struct fdx_mmdb_jump *j = malloc(sizeof(*j));
    if (j == NULL) {
        return NULL;
    }
    if (!build(db, j)) {
        uint32_t all = 1u << FDX_JUMP_BITS;
        fill(j->v4, 0, all, FDX_JUMP_DEEPER);
        fill(j->v6, 0, all, FDX_JUMP_DEEPER);
    }
    return j;
}

void fdx_mmdb_jump_free(struct fdx_mmdb_jump *j)
{
    free(j);
}
