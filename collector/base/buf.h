/* Growable byte buffer with a hard bound: for bulk bodies, documents, spool and config text.
 * Never per record: a buffer is reused across records and reset, not freed. */
#ifndef FDX_BUF_H
#define FDX_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"

struct fdx_buf {
    char *p;
    size_t len;
    size_t cap;
    size_t max; /* growth bound in bytes; 0 = no bound */
};

void fdx_buf_init(struct fdx_buf *b, size_t max);
void fdx_buf_fini(struct fdx_buf *b);
/* Makes room for n more bytes; returns 0, or -ENOSPC past the bound, -ENOMEM. May move p. */
int fdx_buf_reserve(struct fdx_buf *b, size_t n);
int fdx_buf_append(struct fdx_buf *b, const void *data, size_t n);
int fdx_buf_printf(struct fdx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void fdx_buf_reset(struct fdx_buf *b)
{
    b->len = 0;
}

/* Caller reserved room beforehand: no check. */
static inline void fdx_buf_put(struct fdx_buf *b, const void *data, size_t n)
{
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static inline void fdx_buf_putc(struct fdx_buf *b, char c)
{
    b->p[b->len++] = c;
}

#endif
