/* Crypto-PAn prefix-preserving address anonymization (Xu, Fan, Ammar, Moon, 2002): two
 * addresses sharing a k-bit prefix map to addresses sharing a k-bit prefix. AES-128 is the
 * pseudo-random function; the 32-byte key is the AES key (16 bytes) and the pad seed (16). */
#ifndef FDX_CRYPTOPAN_H
#define FDX_CRYPTOPAN_H

#include <stdint.h>

#include "aes128.h"

struct fdx_cryptopan {
    struct fdx_aes128 aes;
    uint8_t pad[16]; /* AES(key, second half of the secret) */
};

void fdx_cryptopan_init(struct fdx_cryptopan *c, const uint8_t key[32]);
/* IPv4 address in host order. */
uint32_t fdx_cryptopan_v4(const struct fdx_cryptopan *c, uint32_t addr);
/* IPv6 address (16 bytes, network order); the 128-bit generalisation of the same scheme. */
void fdx_cryptopan_v6(const struct fdx_cryptopan *c, const uint8_t in[16], uint8_t out[16]);

#endif
