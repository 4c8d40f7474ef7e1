/* A jump table over an MMDB's search tree: for every /16 of IPv4, and every value of the first
 * 16 bits of IPv6, whether the database gives one answer to the whole of it (its tree walk
 * ends within those 16 bits) and which answer: a data record, or none. An address of such a
 * block is answered by one read of a 256 KiB table instead of a walk and a cache probe; the
 * others walk the tree as before. Built once per open database (a few ms), read-only after. */
#ifndef FDX_MMDB_JUMP_H
#define FDX_MMDB_JUMP_H

#include <stdint.h>

#include <maxminddb.h>

#include "addr.h"

/* A table entry: FDX_JUMP_DEEPER (the tree goes on: walk it), FDX_JUMP_EMPTY (no record for
 * any address of the block), or a data record's offset in the data section plus
 * FDX_JUMP_DATA. */
enum { FDX_JUMP_DEEPER = 0, FDX_JUMP_EMPTY = 1, FDX_JUMP_DATA = 2 };

#define FDX_JUMP_BITS 16

struct fdx_mmdb_jump {
    uint32_t v4[1u << FDX_JUMP_BITS];
    uint32_t v6[1u << FDX_JUMP_BITS];
};

/* Builds db's table; NULL when out of memory. A database the table cannot describe (a broken
 * tree) gets FDX_JUMP_DEEPER everywhere, so that its lookups meet libmaxminddb's own errors. */
struct fdx_mmdb_jump *fdx_mmdb_jump_new(const MMDB_s *db);
void fdx_mmdb_jump_free(struct fdx_mmdb_jump *j);

static inline uint32_t fdx_mmdb_jump_get(const struct fdx_mmdb_jump *j, const struct fdx_addr *a)
{
    if (fdx_addr_is_v4(a)) {
        return j->v4[(unsigned)a->b[12] << 8 | a->b[13]];
    }
    return j->v6[(unsigned)a->b[0] << 8 | a->b[1]];
}

/* The database entry of a data answer (>= FDX_JUMP_DATA), as a lookup would return it. */
static inline MMDB_entry_s fdx_mmdb_jump_entry(const MMDB_s *db, uint32_t answer)
{
    MMDB_entry_s e = {.mmdb = db, .offset = answer - FDX_JUMP_DATA};
    return e;
}

/* A cache key standing for a data answer, so that a stage caches what it read from a record
 * once per record rather than once per address (a key in its own cache, never an address). */
static inline struct fdx_addr fdx_mmdb_jump_key(uint32_t answer)
{
    struct fdx_addr k = {{0}};
    k.b[0] = (uint8_t)(answer >> 24);
    k.b[1] = (uint8_t)(answer >> 16);
    k.b[2] = (uint8_t)(answer >> 8);
    k.b[3] = (uint8_t)answer;
    return k;
}

#endif
