/* Interface name tables: open addressing over a fixed array of entry numbers; entries are
 * replaced in place and never removed. */
#include "if_names.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exporter.h"
#include "ie_registry.h"

#define SLOTS (2 * FDX_IFNAMES_PER_EXPORTER) /* power of two: load factor <= 1/2 */
_Static_assert((SLOTS & (SLOTS - 1)) == 0, "slot count must be a power of two");
_Static_assert(FDX_IFNAMES_PER_EXPORTER < UINT16_MAX, "entry numbers are 16-bit");

#define IE_IF_NAME 82
#define IE_IF_DESCRIPTION 83
#define NF9_SCOPE_INTERFACE 2 /* NetFlow v9 options scope "Interface" (RFC 3954 §6.1) */

struct ifname_entry {
    uint32_t idx;
    uint8_t len;
    char name[FDX_IFNAME_MAX];
};

struct fdx_ifname_table {
    uint32_t n;
    uint16_t slot[SLOTS]; /* 0 = empty, else entry number + 1 */
    struct ifname_entry e[FDX_IFNAMES_PER_EXPORTER];
};

struct fdx_ifname_table *fdx_ifname_table_new(void)
{
    return calloc(1, sizeof(struct fdx_ifname_table));
}

void fdx_ifname_table_free(struct fdx_ifname_table *t)
{
    free(t);
}

static uint32_t first_slot(uint32_t idx)
{
    return (idx * 2654435761u) & (SLOTS - 1);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one (RFC 3629 §4). */
static size_t utf8_seq(const uint8_t *p, size_t left)
{
    uint8_t c = p[0];
    size_t n;
    uint8_t lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (left < n || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return 0;
        }
    }
    return n;
}

size_t fdx_ifname_clean(char *out, const uint8_t *raw, size_t len)
{
    const uint8_t *nul = memchr(raw, 0, len);
    if (nul != NULL) {
        len = (size_t)(nul - raw);
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(raw + i, len - i);
        if (o + (n == 0 ? 1 : n) > FDX_IFNAME_MAX) {
            break;
        }
        if (n == 0 || (n == 1 && (raw[i] < 0x20 || raw[i] == 0x7f))) {
            out[o++] = '?';
            i++;
            continue;
        }
        memcpy(out + o, raw + i, n);
        o += n;
        i += n;
    }
    return o;
}

int fdx_ifname_put(struct fdx_ifname_table *t, uint32_t idx, const uint8_t *raw, size_t len)
{
    char name[FDX_IFNAME_MAX];
    size_t n = fdx_ifname_clean(name, raw, len);
    if (n == 0) {
        return 0;
    }
    uint32_t i = first_slot(idx);
    for (; t->slot[i] != 0; i = (i + 1) & (SLOTS - 1)) {
        if (t->e[t->slot[i] - 1].idx == idx) {
            break;
        }
    }
    struct ifname_entry *e;
    if (t->slot[i] != 0) {
        e = &t->e[t->slot[i] - 1]; /* the exporter renamed the interface: replace */
    } else {
        if (t->n >= FDX_IFNAMES_PER_EXPORTER) {
            return -ENOSPC;
        }
        e = &t->e[t->n++];
        e->idx = idx;
        t->slot[i] = (uint16_t)t->n;
    }
    memcpy(e->name, name, n);
    e->len = (uint8_t)n;
    return 0;
}

const char *fdx_ifname_get(const struct fdx_ifname_table *t, uint32_t idx, size_t *len)
{
    for (uint32_t i = first_slot(idx); t->slot[i] != 0; i = (i + 1) & (SLOTS - 1)) {
        const struct ifname_entry *e = &t->e[t->slot[i] - 1];
        if (e->idx == idx) {
            *len = e->len;
            return e->name;
        }
    }
    return NULL;
}

/* The interface an options record describes: ingressInterface, else egressInterface, else
 * the v9 "Interface" scope field. */
static bool options_index(const struct fdx_slot *s, uint32_t *idx)
{
    const struct fdx_flow *f = &s->flow;
    if (fdx_flow_has(f, FDX_F_IN_IF)) {
        *idx = f->in_if;
        return true;
    }
    if (fdx_flow_has(f, FDX_F_OUT_IF)) {
        *idx = f->out_if;
        return true;
    }
    for (unsigned i = 0; i < s->extra.n; i++) {
        const struct fdx_extra_ie *ie = &s->extra.ie[i];
        if (ie->pen == FDX_PEN_NF9_SCOPE && ie->id == NF9_SCOPE_INTERFACE && ie->len >= 1 &&
            ie->len <= 4) {
            uint32_t v = 0;
            for (unsigned k = 0; k < ie->len; k++) {
                v = v << 8 | s->extra.data[ie->off + k];
            }
            *idx = v;
            return true;
        }
    }
    return false;
}

static void learn(struct fdx_exporter *exp, const struct fdx_slot *s, struct fdx_counters *c)
{
    const struct fdx_extra_ie *name = NULL;
    for (unsigned i = 0; i < s->extra.n; i++) {
        const struct fdx_extra_ie *ie = &s->extra.ie[i];
        if (ie->pen == 0 && ie->len > 0 &&
            (ie->id == IE_IF_NAME || (ie->id == IE_IF_DESCRIPTION && name == NULL))) {
            name = ie;
        }
    }
    uint32_t idx;
    if (name == NULL || !options_index(s, &idx)) {
        return;
    }
    if (fdx_exporter_learn_ifname(exp, idx, s->extra.data + name->off, name->len) != 0) {
        fdx_counter_add(&c->ifname_overflow, 1);
    }
}

static void apply(const struct fdx_ifname_table *t, struct fdx_slot *s)
{
    struct fdx_flow *f = &s->flow;
    size_t len;
    const char *n;
    if (fdx_flow_has(f, FDX_F_IN_IF) && (n = fdx_ifname_get(t, f->in_if, &len)) != NULL) {
        memcpy(s->ifn.in, n, len);
        s->ifn.in_len = (uint8_t)len;
        fdx_flow_set(f, FDX_F_IN_IF_NAME);
    }
    if (fdx_flow_has(f, FDX_F_OUT_IF) && (n = fdx_ifname_get(t, f->out_if, &len)) != NULL) {
        memcpy(s->ifn.out, n, len);
        s->ifn.out_len = (uint8_t)len;
        fdx_flow_set(f, FDX_F_OUT_IF_NAME);
    }
}

void fdx_ifname_record(struct fdx_exporter *exp, struct fdx_slot *s, struct fdx_counters *c)
{
    if (s->flow.kind == FDX_KIND_OPTIONS) {
        learn(exp, s, c);
    } else if (exp->ifnames != NULL && s->flow.kind == FDX_KIND_FLOW) {
        apply(exp->ifnames, s);
    }
}
