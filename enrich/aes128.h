/* AES-128 block encryption (FIPS 197), encryption direction only: the pseudo-random function
 * of Crypto-PAn. Byte-oriented and table-free apart from the S-box; no key-dependent branches. */
#ifndef FDX_AES128_H
#define FDX_AES128_H

#include <stdint.h>

struct fdx_aes128 {
    uint8_t rk[176]; /* 11 round keys */
};

void fdx_aes128_init(struct fdx_aes128 *a, const uint8_t key[16]);
/* Encrypts one 16-byte block; in and out may be the same buffer. */
void fdx_aes128_encrypt(const struct fdx_aes128 *a, const uint8_t in[16], uint8_t out[16]);

#endif
