/* Address text conversion and prefix comparison. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Dotted quad by hand: inet_ntop formats IPv4 through sprintf, which dominated the document
 * encoder's profile. */
static size_t format_v4(const uint8_t *b, char *out)
{
    size_t o = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100) {
            out[o++] = (char)('0' + v / 100);
        }
        if (v >= 10) {
            out[o++] = (char)('0' + v / 10 % 10);
        }
        out[o++] = (char)('0' + v % 10);
        out[o++] = '.';
    }
    out[--o] = '\0';
    return o;
}

size_t fdx_addr_format(const struct fdx_addr *a, char *out)
{
    if (fdx_addr_is_v4(a)) {
        return format_v4(a->b + 12, out);
    }
    inet_ntop(AF_INET6, a->b, out, FDX_ADDR_STRLEN);
    return strlen(out);
}

int fdx_addr_parse(const char *text, struct fdx_addr *out)
{
    uint8_t buf[16];
    if (inet_pton(AF_INET, text, buf) == 1) {
        fdx_addr_set_v4(out, buf);
        return 0;
    }
    if (inet_pton(AF_INET6, text, buf) == 1) {
        fdx_addr_set_v6(out, buf);
        return 0;
    }
    return -EINVAL;
}

int fdx_addr_parse_prefix(const char *text, struct fdx_addr *out, unsigned *bits)
{
    char host[FDX_ADDR_STRLEN + 8];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (n == 0 || n >= sizeof(host)) {
        return -EINVAL;
    }
    memcpy(host, text, n);
    host[n] = '\0';
    if (fdx_addr_parse(host, out) != 0) {
        return -EINVAL;
    }
    bool v4 = strchr(host, ':') == NULL;
    unsigned max = v4 ? 32 : 128;
    unsigned len = max;
    if (slash != NULL) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(slash + 1, &end, 10);
        if (errno != 0 || end == slash + 1 || *end != '\0' || v > max) {
            return -EINVAL;
        }
        len = (unsigned)v;
    }
    *bits = v4 ? 96 + len : len;
    return 0;
}

bool fdx_addr_prefix_match(const struct fdx_addr *a, const struct fdx_addr *b, unsigned bits)
{
    unsigned whole = bits / 8;
    if (whole > 16) {
        whole = 16;
    }
    if (memcmp(a->b, b->b, whole) != 0) {
        return false;
    }
    unsigned rest = bits % 8;
    if (rest == 0 || whole == 16) {
        return true;
    }
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->b[whole] & mask) == (b->b[whole] & mask);
}
