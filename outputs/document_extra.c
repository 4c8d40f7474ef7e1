/* Extra-area IEs (vendor, enterprise and unmapped IANA elements) as netflow.<name>: the IANA
 * name in snake_case from the IE registry (RFC 5103 reverse elements as reverse_<name>),
 * written with their abstract data type (RFC 7012 §3.1): integers as numbers, addresses as
 * text, strings as strings, times as RFC 3339 text, anything else as hex. Unknown elements
 * are netflow.ie<id> (IANA) or netflow.pen<enterprise>_<id>. */
#include "document.h"

#include <string.h>

#include "ie_registry.h"
#include "timeconv.h"

static uint64_t be_uint(const uint8_t *p, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

/* Numbers and booleans; false when the length does not fit the type. */
static bool write_number(struct fdx_jw *w, const char *key, uint8_t type, const uint8_t *p,
                         size_t len)
{
    switch (type) {
    case FDX_IE_UNSIGNED:
        if (len >= 1 && len <= 8) {
            fdx_jw_u64(w, key, be_uint(p, len));
            return true;
        }
        return false;
    case FDX_IE_SIGNED:
        if (len >= 1 && len <= 8) {
            uint64_t v = be_uint(p, len);
            unsigned shift = (unsigned)(64 - 8 * len);
            fdx_jw_i64(w, key, (int64_t)(v << shift) >> shift); /* sign-extend */
            return true;
        }
        return false;
    case FDX_IE_FLOAT:
        if (len == 4) {
            uint32_t u = (uint32_t)be_uint(p, 4);
            float f;
            memcpy(&f, &u, 4);
            fdx_jw_f64(w, key, f);
            return true;
        }
        if (len == 8) {
            uint64_t u = be_uint(p, 8);
            double d;
            memcpy(&d, &u, 8);
            fdx_jw_f64(w, key, d);
            return true;
        }
        return false;
    case FDX_IE_BOOL:
        if (len == 1 && (p[0] == 1 || p[0] == 2)) {
            fdx_jw_bool(w, key, p[0] == 1); /* RFC 7011 §6.1.5: 1 true, 2 false */
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* Times, addresses and strings; false when the length does not fit the type. */
static bool write_text(struct fdx_jw *w, const char *key, uint8_t type, const uint8_t *p,
                       size_t len)
{
    switch (type) {
    case FDX_IE_MAC:
        if (len == 6) {
            fdx_jw_mac(w, key, p);
            return true;
        }
        return false;
    case FDX_IE_STRING: {
        size_t n = len;
        while (n > 0 && p[n - 1] == 0) {
            n--; /* fixed-length strings are often NUL-padded */
        }
        fdx_jw_str(w, key, (const char *)p, n);
        return true;
    }
    case FDX_IE_TIME_S:
        if (len == 4) {
            fdx_jw_time(w, key, (int64_t)be_uint(p, 4) * 1000);
            return true;
        }
        return false;
    case FDX_IE_TIME_MS:
        if (len == 8) {
            fdx_jw_time(w, key, (int64_t)be_uint(p, 8));
            return true;
        }
        return false;
    case FDX_IE_TIME_US:
    case FDX_IE_TIME_NS:
        if (len == 8) {
            fdx_jw_time(w, key, fdx_time_from_ntp64(be_uint(p, 8)));
            return true;
        }
        return false;
    case FDX_IE_IPV4:
    case FDX_IE_IPV6:
        if (len == 4 || len == 16) {
            struct fdx_addr a;
            if (len == 4) {
                fdx_addr_set_v4(&a, p);
            } else {
                fdx_addr_set_v6(&a, p);
            }
            fdx_jw_ip(w, key, &a);
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* A value of its IE type, or its bytes in hex when the type is unknown or the length does
 * not fit it. */
static void write_value(struct fdx_jw *w, const char *key, uint8_t type, const uint8_t *p,
                        size_t len)
{
    if (!write_number(w, key, type, p, len) && !write_text(w, key, type, p, len)) {
        fdx_jw_hex(w, key, p, len);
    }
}

/* Appends len bytes of part to the key of n bytes, truncated as snprintf would at the end of
 * the key buffer; returns the new length. */
#define KEY_MAX 128
static size_t key_part(char *key, size_t n, const char *part, size_t len)
{
    if (len > KEY_MAX - 1 - n) {
        len = KEY_MAX - 1 - n;
    }
    memcpy(key + n, part, len);
    return n + len;
}

static size_t key_number(char *key, size_t n, uint64_t v)
{
    char digits[20];
    return key_part(key, n, digits, fdx_fmt_u64(digits, v));
}

/* "<prefix>.<name>": the registry's name, else pen<enterprise>_<id> or ie<id> (built without
 * stdio: a record may carry several of them). */
static void extra_key(char key[KEY_MAX], const char *prefix, const struct fdx_extra_ie *ie)
{
    bool reverse;
    const struct fdx_ie_info *info = fdx_ie_lookup_any(ie->pen, ie->id, &reverse);
    size_t n = key_part(key, 0, prefix, strlen(prefix));
    n = key_part(key, n, ".", 1);
    if (info != NULL) {
        if (reverse) {
            n = key_part(key, n, "reverse_", 8);
        }
        n = key_part(key, n, info->snake, strlen(info->snake));
    } else if (ie->pen != 0) {
        n = key_part(key, n, "pen", 3);
        n = key_number(key, n, ie->pen);
        n = key_part(key, n, "_", 1);
        n = key_number(key, n, ie->id);
    } else {
        n = key_part(key, n, "ie", 2);
        n = key_number(key, n, ie->id);
    }
    key[n] = '\0';
}

void fdx_document_extra_ies(struct fdx_jw *w, const struct fdx_slot *s, const char *prefix)
{
    const struct fdx_flow_extra *x = &s->extra;
    for (unsigned i = 0; i < x->n; i++) {
        const struct fdx_extra_ie *ie = &x->ie[i];
        char key[KEY_MAX];
        extra_key(key, prefix, ie);
        write_value(w, key, ie->type, x->data + ie->off, ie->len);
    }
}
