/* Extra-area IEs (vendor, enterprise and unmapped IANA elements) as netflow.<name>: the IANA
 * name in snake_case from the IE registry (RFC 5103 reverse elements as reverse_<name>),
 * written with their abstract data type (RFC 7012 §3.1): integers as numbers, addresses as
 * text, strings as strings, times as RFC 3339 text, anything else as hex. Unknown elements
 * are netflow.ie<id> (IANA) or netflow.pen<enterprise>_<id>. */
#include "document.h"

#include <stdio.h>
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

/* Writes one value by type; falls back to hex when the length does not fit the type. */
static void write_value(struct fdx_jw *w, const char *key, uint8_t type, const uint8_t *p,
                        size_t len)
{
    switch (type) {
    case FDX_IE_UNSIGNED:
        if (len >= 1 && len <= 8) {
            fdx_jw_u64(w, key, be_uint(p, len));
            return;
        }
        break;
    case FDX_IE_SIGNED:
        if (len >= 1 && len <= 8) {
            uint64_t v = be_uint(p, len);
            unsigned shift = (unsigned)(64 - 8 * len);
            fdx_jw_i64(w, key, (int64_t)(v << shift) >> shift); /* sign-extend */
            return;
        }
        break;
    case FDX_IE_FLOAT:
        if (len == 4) {
            uint32_t u = (uint32_t)be_uint(p, 4);
            float f;
            memcpy(&f, &u, 4);
            fdx_jw_f64(w, key, f);
            return;
        }
        if (len == 8) {
            uint64_t u = be_uint(p, 8);
            double d;
            memcpy(&d, &u, 8);
            fdx_jw_f64(w, key, d);
            return;
        }
        break;
    case FDX_IE_BOOL:
        if (len == 1 && (p[0] == 1 || p[0] == 2)) {
            fdx_jw_bool(w, key, p[0] == 1); /* RFC 7011 §6.1.5: 1 true, 2 false */
            return;
        }
        break;
    case FDX_IE_MAC:
        if (len == 6) {
            fdx_jw_mac(w, key, p);
            return;
        }
        break;
    case FDX_IE_STRING: {
        size_t n = len;
        while (n > 0 && p[n - 1] == 0) {
            n--; /* fixed-length strings are often NUL-padded */
        }
        fdx_jw_str(w, key, (const char *)p, n);
        return;
    }
    case FDX_IE_TIME_S:
        if (len == 4) {
            fdx_jw_time(w, key, (int64_t)be_uint(p, 4) * 1000);
            return;
        }
        break;
    case FDX_IE_TIME_MS:
        if (len == 8) {
            fdx_jw_time(w, key, (int64_t)be_uint(p, 8));
            return;
        }
        break;
    case FDX_IE_TIME_US:
    case FDX_IE_TIME_NS:
        if (len == 8) {
            fdx_jw_time(w, key, fdx_time_from_ntp64(be_uint(p, 8)));
            return;
        }
        break;
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
            return;
        }
        break;
    default:
        break;
    }
    fdx_jw_hex(w, key, p, len);
}

void fdx_document_extra_ies(struct fdx_jw *w, const struct fdx_slot *s, const char *prefix)
{
    const struct fdx_flow_extra *x = &s->extra;
    for (unsigned i = 0; i < x->n; i++) {
        const struct fdx_extra_ie *ie = &x->ie[i];
        bool reverse;
        const struct fdx_ie_info *info = fdx_ie_lookup_any(ie->pen, ie->id, &reverse);
        char key[128];
        if (info != NULL) {
            snprintf(key, sizeof(key), "%s.%s%s", prefix, reverse ? "reverse_" : "",
                     info->snake);
        } else if (ie->pen != 0) {
            snprintf(key, sizeof(key), "%s.pen%u_%u", prefix, ie->pen, ie->id);
        } else {
            snprintf(key, sizeof(key), "%s.ie%u", prefix, ie->id);
        }
        write_value(w, key, ie->type, x->data + ie->off, ie->len);
    }
}
