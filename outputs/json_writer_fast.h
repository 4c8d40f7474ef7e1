/* The precompiled-key writers of json_writer.h that a document calls many times, inline: each
 * call site then has its own branch for "does this key open another object" (always the same
 * answer at one site), and a member costs one bound check, one fixed-size copy of its name and
 * the value's formatting. The rare cases (another object, no room, an error) are calls into
 * json_writer.c. Included by json_writer.h only. */
#ifndef FDX_JSON_WRITER_FAST_H
#define FDX_JSON_WRITER_FAST_H

#include <string.h>

#include "compiler.h"

/* Inline at every call site even in long schema functions: the point of these writers. */
#define FDX_JW_INLINE static inline __attribute__((always_inline))

/* Makes o the open object (closing and opening objects as needed). */
void fdx_jw_enter(struct fdx_jw *w, const struct fdx_jw_obj *o);
/* The key step when the fast bound does not hold: grows the buffer or records the error. */
char *fdx_jw_kkey_slow(struct fdx_jw *w, const struct fdx_jw_key *k, size_t vmax);
/* "00".."99" */
extern const char fdx_jw_digits2[201];

/* Writes ,"name": (no ',' before an object's first member) and returns where the value goes,
 * with room for vmax bytes; NULL after an error. */
FDX_JW_INLINE char *fdx_jw_kkey(struct fdx_jw *w, const struct fdx_jw_key *k, size_t vmax)
{
    if (FDX_UNLIKELY(w->cur != k->parent)) {
        fdx_jw_enter(w, k->parent);
    }
    struct fdx_buf *b = w->b;
    if (FDX_UNLIKELY(b->len + FDX_JW_FRAG_MAX + vmax > w->fast_cap)) {
        return fdx_jw_kkey_slow(w, k, vmax);
    }
    char *p = b->p + b->len;
    size_t skip = w->first;
    w->first = false;
    /* Fixed size: a few vector moves instead of a call; the bytes past the name are
     * overwritten by the value or lie beyond the end. */
    memcpy(p, k->frag + skip, FDX_JW_FRAG_MAX - 1);
    return p + k->len - skip;
}

/* The value written in place ends at end. */
FDX_JW_INLINE void fdx_jw_done(struct fdx_jw *w, char *end)
{
    w->b->len = (size_t)(end - w->b->p);
}

FDX_JW_INLINE unsigned fdx_jw_u64_digits(uint64_t v)
{
    unsigned n = 1;
    for (;;) {
        if (v < 10) {
            return n;
        }
        if (v < 100) {
            return n + 1;
        }
        if (v < 1000) {
            return n + 2;
        }
        if (v < 10000) {
            return n + 3;
        }
        v /= 10000;
        n += 4;
    }
}

/* Decimal text of v at out (20 bytes), two digits at a time from the end; returns the
 * length. */
FDX_JW_INLINE size_t fdx_jw_put_u64(char *out, uint64_t v)
{
    unsigned n = fdx_jw_u64_digits(v);
    char *p = out + n;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, fdx_jw_digits2 + 2 * r, 2);
    }
    if (v >= 10) {
        memcpy(p - 2, fdx_jw_digits2 + 2 * v, 2);
    } else {
        p[-1] = (char)('0' + v);
    }
    return n;
}

FDX_JW_INLINE void fdx_jwk_u64(struct fdx_jw *w, const struct fdx_jw_key *k, uint64_t v)
{
    char *p = fdx_jw_kkey(w, k, 20);
    if (p != NULL) {
        fdx_jw_done(w, p + fdx_jw_put_u64(p, v));
    }
}

FDX_JW_INLINE void fdx_jwk_i64(struct fdx_jw *w, const struct fdx_jw_key *k, int64_t v)
{
    char *p = fdx_jw_kkey(w, k, 21);
    if (p == NULL) {
        return;
    }
    if (v < 0) {
        *p++ = '-';
        fdx_jw_done(w, p + fdx_jw_put_u64(p, (uint64_t)0 - (uint64_t)v));
    } else {
        fdx_jw_done(w, p + fdx_jw_put_u64(p, (uint64_t)v));
    }
}

/* Copies len bytes; the short texts of a document (names, numbers, addresses, up to 32
 * bytes) with two overlapping fixed-size moves instead of a call. */
FDX_JW_INLINE void fdx_jw_copy(char *p, const char *s, size_t len)
{
    if (len >= 16 && len <= 32) {
        memcpy(p, s, 16);
        memcpy(p + len - 16, s + len - 16, 16);
    } else if (len >= 8 && len < 16) {
        memcpy(p, s, 8);
        memcpy(p + len - 8, s + len - 8, 8);
    } else if (len >= 4 && len < 8) {
        memcpy(p, s, 4);
        memcpy(p + len - 4, s + len - 4, 4);
    } else if (len > 32) {
        memcpy(p, s, len);
    } else if (len > 0) {
        p[0] = s[0];
        p[len / 2] = s[len / 2];
        p[len - 1] = s[len - 1];
    }
}

/* A string that needs no escaping (flowdex's own constant texts, formatted numbers and
 * addresses): quoted and copied as it is. */
FDX_JW_INLINE void fdx_jwk_lit(struct fdx_jw *w, const struct fdx_jw_key *k, const char *s,
                               size_t len)
{
    char *p = fdx_jw_kkey(w, k, len + 2);
    if (p != NULL) {
        *p++ = '"';
        fdx_jw_copy(p, s, len);
        p[len] = '"';
        fdx_jw_done(w, p + len + 1);
    }
}

/* A string that needs no escaping by its origin (a hash's base64 text), with the room an
 * escaped string of its length asks (fdx_jwk_str's bound), so a document fails at the same
 * size either way. */
FDX_JW_INLINE void fdx_jwk_str_plain(struct fdx_jw *w, const struct fdx_jw_key *k, const char *s,
                                     size_t len)
{
    char *p = fdx_jw_kkey(w, k, len * 6 + 2);
    if (p != NULL) {
        *p++ = '"';
        fdx_jw_copy(p, s, len);
        p[len] = '"';
        fdx_jw_done(w, p + len + 1);
    }
}

/* An unsigned number as a JSON string ("6"). */
FDX_JW_INLINE void fdx_jwk_u64_text(struct fdx_jw *w, const struct fdx_jw_key *k, uint64_t v)
{
    char *p = fdx_jw_kkey(w, k, fdx_jw_u64_digits(v) + 2); /* as fdx_jwk_lit of the text */
    if (p != NULL) {
        *p++ = '"';
        p += fdx_jw_put_u64(p, v);
        *p++ = '"';
        fdx_jw_done(w, p);
    }
}

/* Raw JSON text as the value (must be valid JSON). */
FDX_JW_INLINE void fdx_jwk_raw(struct fdx_jw *w, const struct fdx_jw_key *k, const char *json,
                               size_t len)
{
    char *p = fdx_jw_kkey(w, k, len);
    if (p != NULL) {
        memcpy(p, json, len);
        fdx_jw_done(w, p + len);
    }
}

FDX_JW_INLINE void fdx_jwk_bool(struct fdx_jw *w, const struct fdx_jw_key *k, bool v)
{
    char *p = fdx_jw_kkey(w, k, 5); /* room for either */
    if (p != NULL) {
        memcpy(p, v ? "true " : "false", 5);
        fdx_jw_done(w, p + 5 - v);
    }
}

/* Decimal text of each byte value followed by '.' (the unused bytes are NUL). */
extern const char fdx_jw_octet_text[256][5];

/* fdx_fmt_addr: IPv4 inline (four bytes per octet, its digits and a dot; the last dot lies
 * past the end), IPv6 by the generic formatter. */
FDX_JW_INLINE size_t fdx_jw_put_ip(char *out, const struct fdx_addr *a)
{
    if (!fdx_addr_is_v4(a)) {
        return fdx_addr_format(a, out);
    }
    char *p = out;
    for (int i = 12; i < 16; i++) {
        unsigned v = a->b[i];
        memcpy(p, fdx_jw_octet_text[v], 4);
        p += 2 + (v >= 10) + (v >= 100);
    }
    return (size_t)(p - out) - 1;
}

FDX_JW_INLINE void fdx_jwk_ip(struct fdx_jw *w, const struct fdx_jw_key *k,
                              const struct fdx_addr *a)
{
    char *p = fdx_jw_kkey(w, k, FDX_ADDR_STRLEN + 2);
    if (p != NULL) {
        *p++ = '"';
        p += fdx_jw_put_ip(p, a);
        *p++ = '"';
        fdx_jw_done(w, p);
    }
}

/* "XX-" of each byte value, upper-case (the fourth byte is NUL). */
extern const char fdx_jw_hex_dash[256][4];

/* ECS writes MAC addresses upper-case, dash-separated (RFC 7042 notation). */
FDX_JW_INLINE void fdx_jwk_mac(struct fdx_jw *w, const struct fdx_jw_key *k,
                               const uint8_t mac[6])
{
    char *p = fdx_jw_kkey(w, k, 19);
    if (p == NULL) {
        return;
    }
    *p++ = '"';
    for (int i = 0; i < 6; i++) {
        memcpy(p, fdx_jw_hex_dash[mac[i]], 4); /* the fourth byte is overwritten next */
        p += 3;
    }
    p[-1] = '"';
    fdx_jw_done(w, p);
}

/* A time fdx_fmt_rfc3339 formatted (24 bytes), with fdx_jwk_time's room. */
FDX_JW_INLINE void fdx_jwk_time_text(struct fdx_jw *w, const struct fdx_jw_key *k,
                                     const char text[24])
{
    char *p = fdx_jw_kkey(w, k, 34);
    if (p != NULL) {
        *p++ = '"';
        memcpy(p, text, 24);
        p[24] = '"';
        fdx_jw_done(w, p + 25);
    }
}

/* RFC 3339 UTC with milliseconds. */
FDX_JW_INLINE void fdx_jwk_time(struct fdx_jw *w, const struct fdx_jw_key *k, int64_t epoch_ms)
{
    char *p = fdx_jw_kkey(w, k, 34);
    if (p != NULL) {
        *p++ = '"';
        p += fdx_fmt_rfc3339(p, epoch_ms);
        *p++ = '"';
        fdx_jw_done(w, p);
    }
}

#endif
