/* SHA-1 compression and padding as in FIPS 180-4 sections 5.1.1 and 6.1.2. */
#include "sha1.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define FDX_SHA1_X86 1
#endif

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

#ifdef FDX_SHA1_X86
/* One 4-round group with the SHA extensions: e carries the E term for the next group. */
#define SHANI_GROUP(abcd, e_in, e_out, msg, func)                                            \
    do {                                                                                     \
        e_in = _mm_sha1nexte_epu32(e_in, msg);                                               \
        e_out = abcd;                                                                        \
        abcd = _mm_sha1rnds4_epu32(abcd, e_in, func);                                        \
    } while (0)

__attribute__((target("sha,sse4.1"))) static void compress_hw(uint32_t h[5], const uint8_t p[64])
{
    const __m128i bswap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1b);
    __m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), e1;
    const __m128i abcd_save = abcd, e_save = e0;
    __m128i m[4];
    for (unsigned i = 0; i < 4; i++) {
        m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
    }
    /* Rounds 0-3. */
    e0 = _mm_add_epi32(e0, m[0]);
    e1 = abcd;
    abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
    /* Groups 1..19: schedule words four at a time (msg1/xor/msg2) and run rounds. The group
     * function (0..3) changes every five groups. Unrolled, so that m[] stays in registers
     * and the switch disappears. */
#pragma GCC unroll 19
    for (unsigned g = 1; g < 20; g++) {
        __m128i *cur = &m[g % 4];
        if (g >= 4) {
            /* m[g%4] holds w[4g-16..] updated by msg1 and xor; finish it with msg2. */
            *cur = _mm_sha1msg2_epu32(*cur, m[(g + 3) % 4]);
        }
        __m128i *e_in = (g % 2) ? &e1 : &e0, *e_out = (g % 2) ? &e0 : &e1;
        switch (g / 5) {
        case 0:
            SHANI_GROUP(abcd, *e_in, *e_out, *cur, 0);
            break;
        case 1:
            SHANI_GROUP(abcd, *e_in, *e_out, *cur, 1);
            break;
        case 2:
            SHANI_GROUP(abcd, *e_in, *e_out, *cur, 2);
            break;
        default:
            SHANI_GROUP(abcd, *e_in, *e_out, *cur, 3);
            break;
        }
        /* Schedule ahead: msg1 starts the words of group g+3, the xor adds w[i-8]. */
        if (g <= 16) {
            m[(g + 3) % 4] = _mm_sha1msg1_epu32(m[(g + 3) % 4], *cur);
        }
        if (g >= 2 && g <= 17) {
            m[(g + 2) % 4] = _mm_xor_si128(m[(g + 2) % 4], *cur);
        }
    }
    /* After group 19 the E term sits in e0 (odd group wrote e0). */
    e0 = _mm_sha1nexte_epu32(e0, e_save);
    abcd = _mm_add_epi32(abcd, abcd_save);
    abcd = _mm_shuffle_epi32(abcd, 0x1b);
    _mm_storeu_si128((__m128i *)h, abcd);
    h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}
#endif

bool fdx_sha1_hw_available(void)
{
#ifdef FDX_SHA1_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || (c & (1u << 19)) == 0 || (c & (1u << 9)) == 0) {
        return false; /* SSE4.1, SSSE3 */
    }
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        return false;
    }
    return (b & (1u << 29)) != 0;
#else
    return false;
#endif
}

static void run(struct fdx_sha1 *s, const uint8_t p[64])
{
#ifdef FDX_SHA1_X86
    if (s->hw) {
        compress_hw(s->h, p);
        return;
    }
#endif
    compress(s->h, p);
}

void fdx_sha1_init(struct fdx_sha1 *s, bool hw)
{
    s->hw = hw;
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
            run(s, s->block);
            s->used = 0;
        }
    }
}

static void put_digest(const uint32_t h[5], uint8_t digest[20])
{
    for (unsigned i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t)(h[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(h[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(h[i] >> 8);
        digest[4 * i + 3] = (uint8_t)h[i];
    }
}

void fdx_sha1_short(const void *data, size_t len, bool hw, uint8_t digest[20])
{
    struct fdx_sha1 s;
    fdx_sha1_init(&s, hw);
    if (len > FDX_SHA1_SHORT_MAX) {
        fdx_sha1_update(&s, data, len);
        fdx_sha1_final(&s, digest);
        return;
    }
    /* The message, 0x80, zeros, and the bit length in the last 8 bytes: one block. */
    memset(s.block, 0, sizeof(s.block));
    memcpy(s.block, data, len);
    s.block[len] = 0x80;
    uint64_t bits = (uint64_t)len * 8;
    s.block[62] = (uint8_t)(bits >> 8);
    s.block[63] = (uint8_t)bits;
    run(&s, s.block);
    put_digest(s.h, digest);
}

void fdx_sha1_final(struct fdx_sha1 *s, uint8_t digest[20])
{
    uint64_t bits = s->total_len * 8;
    s->block[s->used++] = 0x80;
    if (s->used > 56) {
        memset(s->block + s->used, 0, 64 - s->used);
        run(s, s->block);
        s->used = 0;
    }
    memset(s->block + s->used, 0, 56 - s->used);
    for (unsigned i = 0; i < 8; i++) {
        s->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    }
    run(s, s->block);
    put_digest(s->h, digest);
}
