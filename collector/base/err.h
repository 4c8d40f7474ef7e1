/* Error convention: fallible calls return 0 or a negative errno; the human message travels
 * in a struct fdx_err filled once at the failure point (key, value, expectation). */
#ifndef FDX_ERR_H
#define FDX_ERR_H

struct fdx_err {
    char msg[256];
};

/* Formats the message into err (a NULL err is allowed and ignored). */
void fdx_err_set(struct fdx_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
