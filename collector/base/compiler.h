/* Compiler helpers shared by every layer: branch hints, cache-line size, array length,
 * and the always-on assertion for impossible states of flowdex's own data (never wire data). */
#ifndef FDX_COMPILER_H
#define FDX_COMPILER_H

#include <stdio.h>
#include <stdlib.h>

#define FDX_LIKELY(x) __builtin_expect(!!(x), 1)
#define FDX_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define FDX_CACHELINE 64
#define FDX_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define FDX_UNUSED(x) ((void)(x))
#define FDX_MIN(a, b) ((a) < (b) ? (a) : (b))
#define FDX_MAX(a, b) ((a) > (b) ? (a) : (b))

/* On in every build: an assertion failure means flowdex's own state is corrupt. */
#define FDX_ASSERT(expr)                                                                   \
    do {                                                                                   \
        if (FDX_UNLIKELY(!(expr))) {                                                       \
            fprintf(stderr, "flowdex: assertion failed: %s (%s:%d)\n", #expr, __FILE__,   \
                    __LINE__);                                                             \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#endif
