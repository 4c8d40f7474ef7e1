/* Growable, bounded byte buffer. */
#include "buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void fdx_buf_init(struct fdx_buf *b, size_t max)
{
    b->p = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void fdx_buf_fini(struct fdx_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

int fdx_buf_reserve(struct fdx_buf *b, size_t n)
{
    if (b->cap - b->len >= n) {
        return 0;
    }
    size_t need = b->len + n;
    if (b->max != 0 && need > b->max) {
        return -ENOSPC;
    }
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need) {
        cap *= 2;
    }
    if (b->max != 0 && cap > b->max) {
        cap = b->max;
    }
    char *p = realloc(b->p, cap);
    if (p == NULL) {
        return -ENOMEM;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

int fdx_buf_append(struct fdx_buf *b, const void *data, size_t n)
{
    int rc = fdx_buf_reserve(b, n);
    if (rc == 0) {
        fdx_buf_put(b, data, n);
    }
    return rc;
}

int fdx_buf_printf(struct fdx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return -EINVAL;
    }
    int rc = fdx_buf_reserve(b, (size_t)n + 1);
    if (rc != 0) {
        return rc;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}
