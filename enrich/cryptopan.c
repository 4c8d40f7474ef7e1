/* Crypto-PAn: bit i of the result is bit i of the input XOR the first bit of
 * AES(input's first i bits followed by the pad's remaining bits). */
#include "cryptopan.h"

#include <string.h>

void fdx_cryptopan_init(struct fdx_cryptopan *c, const uint8_t key[32])
{
    fdx_aes128_init(&c->aes, key);
    fdx_aes128_encrypt(&c->aes, key + 16, c->pad);
}

/* One-time-pad bits for an address of nbits bits (nbits = 32 or 128). */
static void otp(const struct fdx_cryptopan *c, const uint8_t *in, unsigned nbits, uint8_t *out)
{
    unsigned nbytes = nbits / 8;
    memset(out, 0, nbytes);
    for (unsigned pos = 0; pos < nbits; pos++) {
        uint8_t block[16];
        memcpy(block, c->pad, 16);
        /* The first pos bits come from the address, the rest from the pad. */
        unsigned full = pos / 8, rem = pos % 8;
        memcpy(block, in, full);
        if (rem != 0) {
            uint8_t mask = (uint8_t)(0xff << (8 - rem));
            block[full] = (uint8_t)((in[full] & mask) | (c->pad[full] & (uint8_t)~mask));
        }
        uint8_t enc[16];
        fdx_aes128_encrypt(&c->aes, block, enc);
        out[pos / 8] |= (uint8_t)((enc[0] >> 7) << (7 - pos % 8));
    }
}

uint32_t fdx_cryptopan_v4(const struct fdx_cryptopan *c, uint32_t addr)
{
    uint8_t in[4] = {(uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
                     (uint8_t)addr};
    uint8_t pad[4];
    otp(c, in, 32, pad);
    uint32_t p = (uint32_t)pad[0] << 24 | (uint32_t)pad[1] << 16 | (uint32_t)pad[2] << 8 | pad[3];
    return addr ^ p;
}

void fdx_cryptopan_v6(const struct fdx_cryptopan *c, const uint8_t in[16], uint8_t out[16])
{
    uint8_t pad[16];
    otp(c, in, 128, pad);
    for (unsigned i = 0; i < 16; i++) {
        out[i] = in[i] ^ pad[i];
    }
}
