/* Addresses: 16 bytes, IPv4 stored v4-mapped (::ffff:a.b.c.d), so every stage handles one form. */
#ifndef FDX_ADDR_H
#define FDX_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fdx_addr {
    uint8_t b[16];
};

#define FDX_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

static inline bool fdx_addr_is_v4(const struct fdx_addr *a)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a->b, prefix, 12) == 0;
}

/* From 4 bytes in network order. */
static inline void fdx_addr_set_v4(struct fdx_addr *a, const uint8_t v4[4])
{
    memset(a->b, 0, 10);
    a->b[10] = 0xff;
    a->b[11] = 0xff;
    memcpy(a->b + 12, v4, 4);
}

/* From a host-order uint32 (as read by the reader). */
static inline void fdx_addr_set_v4_u32(struct fdx_addr *a, uint32_t v4)
{
    uint8_t b[4] = {(uint8_t)(v4 >> 24), (uint8_t)(v4 >> 16), (uint8_t)(v4 >> 8), (uint8_t)v4};
    fdx_addr_set_v4(a, b);
}

static inline void fdx_addr_set_v6(struct fdx_addr *a, const uint8_t v6[16])
{
    memcpy(a->b, v6, 16);
}

static inline bool fdx_addr_eq(const struct fdx_addr *a, const struct fdx_addr *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

/* Writes the canonical text form (dotted quad for v4-mapped, RFC 5952 for IPv6) into out,
 * which holds FDX_ADDR_STRLEN bytes; returns the length written. */
size_t fdx_addr_format(const struct fdx_addr *a, char *out);

/* Parses an IPv4 or IPv6 literal; returns 0 or -EINVAL. */
int fdx_addr_parse(const char *text, struct fdx_addr *out);

/* Parses "ADDR/LEN" (LEN optional: the full length); an IPv4 prefix length is stored as
 * 96 + LEN so it applies to the v4-mapped form. Returns 0 or -EINVAL. */
int fdx_addr_parse_prefix(const char *text, struct fdx_addr *out, unsigned *bits);

/* True when the first bits of a and b are equal. */
bool fdx_addr_prefix_match(const struct fdx_addr *a, const struct fdx_addr *b, unsigned bits);

#endif
