/* Error message buffer. */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

void fdx_err_set(struct fdx_err *err, const char *fmt, ...)
{
    if (err == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
}
