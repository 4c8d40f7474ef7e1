/* SHA-1 (FIPS 180-4), for the Community ID flow hash only (not for security). */
#ifndef FDX_SHA1_H
#define FDX_SHA1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdx_sha1 {
    uint32_t h[5];
    uint64_t total_len; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block[] */
    bool hw;     /* use the x86 SHA extensions */
};

/* True when the CPU has the x86 SHA extensions (and SSE4.1); a CPUID query: call it once at
 * set-up, not per hash. */
bool fdx_sha1_hw_available(void);

/* hw: use the SHA extensions (only when fdx_sha1_hw_available() said so). */
void fdx_sha1_init(struct fdx_sha1 *s, bool hw);
void fdx_sha1_update(struct fdx_sha1 *s, const void *data, size_t len);
void fdx_sha1_final(struct fdx_sha1 *s, uint8_t digest[20]);

/* Largest message fdx_sha1_short() takes: with its padding it fills one 64-byte block. */
#define FDX_SHA1_SHORT_MAX 55

/* SHA-1 of a message of at most FDX_SHA1_SHORT_MAX bytes: one compression, no context. */
void fdx_sha1_short(const void *data, size_t len, bool hw, uint8_t digest[20]);

#endif
