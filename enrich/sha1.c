/* SHA-1 compression and padding as in FIPS 180-4 sections 5.1.1 and 6.1.2. */
#include "sha1.h"

#include <string.h>

static uint32_t rol(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

#define SHA1_ROUND(f, k)                                                                     \
    do {                                                                                     \
        uint32_t t = rol(a, 5) + (f) + e + (k) + w[i & 15];                                  \
        e = d;                                                                               \
        d = c;                                                                               \
        c = rol(b, 30);                                                                      \
        b = a;                                                                               \
        a = t;                                                                               \
    } while (0)

static void compress(uint32_t h[5], const uint8_t p[64])
{
    uint32_t w[16];
    for (unsigned i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    unsigned i = 0;
    /* w[i & 15] is extended in place: w[i] = rol(w[i-3] ^ w[i-8] ^ w[i-14] ^ w[i-16], 1). */
#define SHA1_EXPAND()                                                                        \
    (w[i & 15] = rol(w[(i + 13) & 15] ^ w[(i + 8) & 15] ^ w[(i + 2) & 15] ^ w[i & 15], 1))
    for (; i < 16; i++) {
        SHA1_ROUND((b & c) | (~b & d), 0x5a827999u);
    }
    for (; i < 20; i++) {
        SHA1_EXPAND();
        SHA1_ROUND((b & c) | (~b & d), 0x5a827999u);
    }
    for (; i < 40; i++) {
        SHA1_EXPAND();
        SHA1_ROUND(b ^ c ^ d, 0x6ed9eba1u);
    }
    for (; i < 60; i++) {
        SHA1_EXPAND();
        SHA1_ROUND((b & c) | (b & d) | (c & d), 0x8f1bbcdcu);
    }
    for (; i < 80; i++) {
        SHA1_EXPAND();
        SHA1_ROUND(b ^ c ^ d, 0xca62c1d6u);
    }
#undef SHA1_EXPAND
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void fdx_sha1_init(struct fdx_sha1 *s)
{
    static const uint32_t iv[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u,
                                   0xc3d2e1f0u};
    memcpy(s->h, iv, sizeof(iv));
    s->total_len = 0;
    s->used = 0;
}

void fdx_sha1_update(struct fdx_sha1 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    s->total_len += len;
    while (len > 0) {
        size_t take = 64 - s->used;
        if (take > len) {
            take = len;
        }
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        len -= take;
        if (s->used == 64) {
            compress(s->h, s->block);
            s->used = 0;
        }
    }
}

void fdx_sha1_final(struct fdx_sha1 *s, uint8_t digest[20])
{
    uint64_t bits = s->total_len * 8;
    s->block[s->used++] = 0x80;
    if (s->used > 56) {
        memset(s->block + s->used, 0, 64 - s->used);
        compress(s->h, s->block);
        s->used = 0;
    }
    memset(s->block + s->used, 0, 56 - s->used);
    for (unsigned i = 0; i < 8; i++) {
        s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    compress(s->h, s->block);
    for (unsigned i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t)(s->h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)s->h[i];
    }
}
