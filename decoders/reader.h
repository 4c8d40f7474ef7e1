/* Bounds-checked cursor over wire bytes, with a sticky error: a failed read returns 0 and
 * moves the cursor to the end, so nothing is read past a failure and the caller checks err
 * once per header, record, set or sample. Every length from the wire makes a sub-reader.
 * Header-only; loads use memcpy (no unaligned casts). */
#ifndef FDX_READER_H
#define FDX_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"
#include "drop.h"

struct fdx_rd {
    const uint8_t *p;   /* next unread byte */
    const uint8_t *end; /* one past the last readable byte */
    uint8_t err;        /* first failure (enum fdx_drop); 0 while every read succeeded */
};

static inline void fdx_rd_init(struct fdx_rd *r, const void *buf, size_t len)
{
    r->p = (const uint8_t *)buf;
    r->end = r->p + len;
    r->err = FDX_DROP_NONE;
}

static inline size_t fdx_rd_left(const struct fdx_rd *r)
{
    return (size_t)(r->end - r->p);
}

/* Records the first failure and makes every later read fail fast. */
static inline void fdx_rd_fail(struct fdx_rd *r, enum fdx_drop why)
{
    if (r->err == FDX_DROP_NONE) {
        r->err = (uint8_t)why;
    }
    r->p = r->end;
}

static inline bool fdx_rd_need(struct fdx_rd *r, size_t n)
{
    if (FDX_UNLIKELY(fdx_rd_left(r) < n)) { /* compare lengths; never form p + n past end */
        fdx_rd_fail(r, FDX_DROP_TRUNCATED);
        return false;
    }
    return true;
}

static inline uint8_t fdx_rd_u8(struct fdx_rd *r)
{
    if (!fdx_rd_need(r, 1)) {
        return 0;
    }
    return *r->p++;
}

static inline uint16_t fdx_rd_u16(struct fdx_rd *r)
{
    if (!fdx_rd_need(r, 2)) {
        return 0;
    }
    uint16_t v = (uint16_t)((uint16_t)r->p[0] << 8 | r->p[1]);
    r->p += 2;
    return v;
}

static inline uint32_t fdx_rd_u32(struct fdx_rd *r)
{
    if (!fdx_rd_need(r, 4)) {
        return 0;
    }
    uint32_t v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
                 (uint32_t)r->p[3];
    r->p += 4;
    return v;
}

static inline uint64_t fdx_rd_u64(struct fdx_rd *r)
{
    uint64_t hi = fdx_rd_u32(r);
    uint64_t lo = fdx_rd_u32(r);
    return hi << 32 | lo;
}

/* Unsigned big-endian integer of 1..8 bytes (IPFIX reduced-size encoding, RFC 7011 §6.2).
 * A width above 8 fails with FDX_DROP_BAD_LENGTH. */
static inline uint64_t fdx_rd_uint(struct fdx_rd *r, size_t width)
{
    if (width == 0 || width > 8) {
        fdx_rd_fail(r, FDX_DROP_BAD_LENGTH);
        return 0;
    }
    if (!fdx_rd_need(r, width)) {
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < width; i++) {
        v = v << 8 | r->p[i];
    }
    r->p += width;
    return v;
}

/* Copies n bytes out; on failure out is zeroed. */
static inline void fdx_rd_bytes(struct fdx_rd *r, void *out, size_t n)
{
    if (!fdx_rd_need(r, n)) {
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

/* Points at the next n bytes and advances past them; NULL on failure. */
static inline const uint8_t *fdx_rd_ptr(struct fdx_rd *r, size_t n)
{
    if (!fdx_rd_need(r, n)) {
        return NULL;
    }
    const uint8_t *p = r->p;
    r->p += n;
    return p;
}

static inline void fdx_rd_skip(struct fdx_rd *r, size_t n)
{
    if (fdx_rd_need(r, n)) {
        r->p += n;
    }
}

/* XDR: opaque data is padded to a multiple of 4 bytes (sFlow). */
static inline void fdx_rd_skip_xdr_pad(struct fdx_rd *r, size_t n)
{
    fdx_rd_skip(r, (4 - (n & 3)) & 3);
}

/* Carves the next n bytes into their own reader and advances past them. The parent always
 * moves by exactly n, however much of the child is used; if fewer than n bytes remain, both
 * fail with FDX_DROP_TRUNCATED. */
static inline struct fdx_rd fdx_rd_sub(struct fdx_rd *r, size_t n)
{
    struct fdx_rd sub = {r->p, r->p, FDX_DROP_NONE};
    if (fdx_rd_need(r, n)) {
        sub.end = r->p + n;
        r->p += n;
    } else {
        sub.err = r->err;
    }
    return sub;
}

#endif
