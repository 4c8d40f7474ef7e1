/* JSON writer: dotted-path keys to nested objects, escaping, numbers, addresses, times. */
#include "json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static inline void put(struct fdx_jw *w, const char *s, size_t n)
{
    struct fdx_buf *b = w->b;
    if (FDX_LIKELY(w->err == 0 && b->cap - b->len >= n)) { /* room reserved: no call */
        memcpy(b->p + b->len, s, n);
        b->len += n;
    } else if (w->err == 0) {
        w->err = fdx_buf_append(b, s, n);
    }
}

size_t fdx_fmt_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

static void put2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm), so
 * documents need neither gmtime_r nor snprintf. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

size_t fdx_fmt_datetime(char *out, int64_t epoch_ms, char sep, int frac_digits, bool utc_z)
{
    int64_t secs = epoch_ms / 1000;
    int64_t ms = epoch_ms % 1000;
    if (ms < 0) {
        ms += 1000;
        secs -= 1;
    }
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999; /* outside what RFC 3339 and Elasticsearch dates hold */
    }
    char *p = out;
    put2(p, (unsigned)y / 100);
    put2(p + 2, (unsigned)y % 100);
    p[4] = '-';
    put2(p + 5, m);
    p[7] = '-';
    put2(p + 8, d);
    p[10] = sep;
    put2(p + 11, (unsigned)(rem / 3600));
    p[13] = ':';
    put2(p + 14, (unsigned)(rem / 60 % 60));
    p[16] = ':';
    put2(p + 17, (unsigned)(rem % 60));
    p[19] = '.';
    p[20] = (char)('0' + ms / 100);
    p[21] = (char)('0' + ms / 10 % 10);
    p[22] = (char)('0' + ms % 10);
    size_t n = 23;
    for (int i = 3; i < frac_digits; i++) {
        p[n++] = '0';
    }
    if (utc_z) {
        p[n++] = 'Z';
    }
    return n;
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
    w->open_len = 0;
    put(w, "{", 1);
}

static void close_to(struct fdx_jw *w, unsigned depth)
{
    while (w->depth > depth) {
        put(w, "}", 1);
        w->depth--;
    }
    w->open_len = depth > 0 ? w->seg_end[depth - 1] : 0;
}

int fdx_jw_end(struct fdx_jw *w)
{
    close_to(w, 0);
    put(w, "}", 1);
    return w->err;
}

static void member_name(struct fdx_jw *w, const char *name, size_t len)
{
    char tmp[FDX_JW_PATH_MAX + 4];
    size_t n = 0;
    if (!w->first[w->depth]) {
        tmp[n++] = ',';
    }
    w->first[w->depth] = false;
    if (len > FDX_JW_PATH_MAX) {
        len = FDX_JW_PATH_MAX; /* names are ours and short; never overrun tmp */
    }
    tmp[n++] = '"';
    memcpy(tmp + n, name, len);
    n += len;
    tmp[n++] = '"';
    tmp[n++] = ':';
    put(w, tmp, n);
}

/* Makes the parent path of key the open one (closing and opening objects), then writes the
 * last segment's name. Keys are flowdex's own (schema tables, registry names): plain ASCII
 * without quotes, at most FDX_JW_DEPTH levels. Consecutive fields of one object (the common
 * case) cost one comparison. */
static void key(struct fdx_jw *w, const char *k)
{
    const char *last_dot = strrchr(k, '.');
    size_t parent_len = last_dot != NULL ? (size_t)(last_dot - k) + 1 : 0;
    if (parent_len != w->open_len || memcmp(k, w->open, parent_len) != 0) {
        unsigned common = 0;
        while (common < w->depth && w->seg_end[common] <= parent_len &&
               memcmp(k, w->open, w->seg_end[common]) == 0) {
            common++;
        }
        close_to(w, common);
        FDX_ASSERT(parent_len < FDX_JW_PATH_MAX);
        for (size_t at = w->open_len; at < parent_len;) {
            const char *dot = memchr(k + at, '.', parent_len - at);
            size_t len = (size_t)(dot - (k + at));
            FDX_ASSERT(w->depth < FDX_JW_DEPTH);
            member_name(w, k + at, len);
            put(w, "{", 1);
            memcpy(w->open + at, k + at, len + 1);
            at += len + 1;
            w->seg_end[w->depth++] = (uint8_t)at;
            w->first[w->depth] = true;
        }
        w->open_len = parent_len;
    }
    member_name(w, k + parent_len, strlen(k + parent_len));
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
    char tmp[20];
    size_t n = fdx_fmt_u64(tmp, v);
    key(w, k);
    put(w, tmp, n);
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
    int n = snprintf(tmp, sizeof(tmp), "%.10g", v);
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
    char tmp[40];
    tmp[0] = '"';
    size_t n = 1 + fdx_fmt_datetime(tmp + 1, epoch_ms, 'T', 3, true);
    tmp[n++] = '"';
    key(w, k);
    put(w, tmp, n);
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
    int n = snprintf(tmp, sizeof(tmp), "{\"lat\":%.10g,\"lon\":%.10g}", lat, lon);
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
