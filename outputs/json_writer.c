/* JSON writer: dotted-path keys to nested objects, escaping, numbers, addresses, times. */
#include "json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void put(struct fdx_jw *w, const char *s, size_t n)
{
    if (w->err == 0) {
        w->err = fdx_buf_append(w->b, s, n);
    }
}

void fdx_json_escape(struct fdx_buf *b, const char *s, size_t len, int *err)
{
    static const char hex[] = "0123456789abcdef";
    /* Worst case every byte becomes \u00XX. */
    int rc = fdx_buf_reserve(b, len * 6);
    if (rc != 0) {
        if (*err == 0) {
            *err = rc;
        }
        return;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fdx_buf_putc(b, '\\');
            fdx_buf_putc(b, (char)c);
        } else if (c < 0x20) {
            switch (c) {
            case '\n':
                fdx_buf_put(b, "\\n", 2);
                break;
            case '\r':
                fdx_buf_put(b, "\\r", 2);
                break;
            case '\t':
                fdx_buf_put(b, "\\t", 2);
                break;
            default: {
                char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                fdx_buf_put(b, u, 6);
            }
            }
        } else {
            fdx_buf_putc(b, (char)c);
        }
    }
}

void fdx_jw_begin(struct fdx_jw *w, struct fdx_buf *b)
{
    w->b = b;
    w->err = 0;
    w->depth = 0;
    w->first[0] = true;
    put(w, "{", 1);
}

static void close_to(struct fdx_jw *w, unsigned depth)
{
    while (w->depth > depth) {
        put(w, "}", 1);
        w->depth--;
    }
}

int fdx_jw_end(struct fdx_jw *w)
{
    close_to(w, 0);
    put(w, "}", 1);
    return w->err;
}

static void member_name(struct fdx_jw *w, const char *name, size_t len)
{
    if (!w->first[w->depth]) {
        put(w, ",", 1);
    }
    w->first[w->depth] = false;
    put(w, "\"", 1);
    put(w, name, len);
    put(w, "\":", 2);
}

/* Opens and closes objects so that the parent path of key is open, then writes the last
 * segment's name. Keys are ours (schema tables): plain ASCII without quotes. */
static void key(struct fdx_jw *w, const char *k)
{
    const char *segs[FDX_JW_DEPTH + 1];
    size_t lens[FDX_JW_DEPTH + 1];
    unsigned n = 0;
    const char *p = k;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (n == FDX_JW_DEPTH || dot == NULL) {
            segs[n] = p;
            lens[n] = dot && n == FDX_JW_DEPTH ? strlen(p) : len;
            n++;
            break;
        }
        segs[n] = p;
        lens[n] = len;
        n++;
        p = dot + 1;
    }
    unsigned parents = n - 1;
    unsigned common = 0;
    while (common < parents && common < w->depth && w->seg_len[common] == lens[common] &&
           memcmp(w->seg[common], segs[common], lens[common]) == 0) {
        common++;
    }
    close_to(w, common);
    while (w->depth < parents) {
        member_name(w, segs[w->depth], lens[w->depth]);
        put(w, "{", 1);
        w->seg[w->depth] = segs[w->depth];
        w->seg_len[w->depth] = (uint8_t)lens[w->depth];
        w->depth++;
        w->first[w->depth] = true;
    }
    member_name(w, segs[parents], lens[parents]);
}

void fdx_jw_str(struct fdx_jw *w, const char *k, const char *s, size_t len)
{
    key(w, k);
    put(w, "\"", 1);
    if (w->err == 0) {
        fdx_json_escape(w->b, s, len, &w->err);
    }
    put(w, "\"", 1);
}

void fdx_jw_cstr(struct fdx_jw *w, const char *k, const char *s)
{
    fdx_jw_str(w, k, s, strlen(s));
}

void fdx_jw_u64(struct fdx_jw *w, const char *k, uint64_t v)
{
    char tmp[24];
    char *e = tmp + sizeof(tmp);
    char *p = e;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    key(w, k);
    put(w, p, (size_t)(e - p));
}

void fdx_jw_i64(struct fdx_jw *w, const char *k, int64_t v)
{
    if (v >= 0) {
        fdx_jw_u64(w, k, (uint64_t)v);
        return;
    }
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%" PRId64, v);
    key(w, k);
    put(w, tmp, (size_t)n);
}

void fdx_jw_f64(struct fdx_jw *w, const char *k, double v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%.6g", v);
    key(w, k);
    put(w, tmp, (size_t)n);
}

void fdx_jw_bool(struct fdx_jw *w, const char *k, bool v)
{
    key(w, k);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void fdx_jw_ip(struct fdx_jw *w, const char *k, const struct fdx_addr *a)
{
    char tmp[FDX_ADDR_STRLEN];
    size_t n = fdx_addr_format(a, tmp);
    key(w, k);
    put(w, "\"", 1);
    put(w, tmp, n);
    put(w, "\"", 1);
}

void fdx_jw_mac(struct fdx_jw *w, const char *k, const uint8_t mac[6])
{
    static const char hex[] = "0123456789ABCDEF";
    /* ECS writes MAC addresses upper-case, dash-separated (RFC 7042 notation). */
    char tmp[19];
    int o = 0;
    tmp[o++] = '"';
    for (int i = 0; i < 6; i++) {
        if (i) {
            tmp[o++] = '-';
        }
        tmp[o++] = hex[mac[i] >> 4];
        tmp[o++] = hex[mac[i] & 15];
    }
    tmp[o++] = '"';
    key(w, k);
    put(w, tmp, (size_t)o);
}

void fdx_jw_time(struct fdx_jw *w, const char *k, int64_t epoch_ms)
{
    int64_t secs = epoch_ms / 1000;
    int64_t ms = epoch_ms % 1000;
    if (ms < 0) {
        ms += 1000;
        secs -= 1;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[40];
    int n = snprintf(tmp, sizeof(tmp), "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (int)ms);
    key(w, k);
    put(w, tmp, (size_t)n);
}

void fdx_jw_hex(struct fdx_jw *w, const char *k, const uint8_t *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    key(w, k);
    put(w, "\"", 1);
    if (w->err == 0 && (w->err = fdx_buf_reserve(w->b, len * 2)) == 0) {
        for (size_t i = 0; i < len; i++) {
            fdx_buf_putc(w->b, hex[p[i] >> 4]);
            fdx_buf_putc(w->b, hex[p[i] & 15]);
        }
    }
    put(w, "\"", 1);
}

void fdx_jw_geo(struct fdx_jw *w, const char *k, double lat, double lon)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof(tmp), "{\"lat\":%.6g,\"lon\":%.6g}", lat, lon);
    key(w, k);
    put(w, tmp, (size_t)n);
}

void fdx_jw_u64_array(struct fdx_jw *w, const char *k, const uint64_t *v, size_t n)
{
    key(w, k);
    put(w, "[", 1);
    for (size_t i = 0; i < n; i++) {
        char tmp[24];
        int len = snprintf(tmp, sizeof(tmp), "%s%" PRIu64, i ? "," : "", v[i]);
        put(w, tmp, (size_t)len);
    }
    put(w, "]", 1);
}

void fdx_jw_raw(struct fdx_jw *w, const char *k, const char *json, size_t len)
{
    key(w, k);
    put(w, json, len);
}
