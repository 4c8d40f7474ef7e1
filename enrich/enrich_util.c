/* Utilities shared by the enrichment stages. */
#include "enrich_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"

int fdx_prefix_list_parse(struct fdx_prefix_list *out, const struct fdx_strlist *l,
                          const char *what, struct fdx_err *err)
{
    out->n = 0;
    out->p = calloc(l->n ? l->n : 1, sizeof(*out->p));
    if (out->p == NULL) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < l->n; i++) {
        struct fdx_addr a;
        unsigned bits;
        if (fdx_addr_parse_prefix(l->v[i], &a, &bits) != 0) {
            fdx_err_set(err, "config: \"%s\": \"%s\" is not valid (expected an address or "
                             "CIDR prefix such as 10.0.0.0/8 or fc00::/7)",
                        what, l->v[i]);
            fdx_prefix_list_fini(out);
            return -EINVAL;
        }
        struct fdx_prefix *p = &out->p[i];
        fdx_addr_halves(&a, &p->hi, &p->lo);
        p->mhi = bits == 0 ? 0 : bits >= 64 ? ~0ULL : ~0ULL << (64 - bits);
        p->mlo = bits <= 64 ? 0 : bits >= 128 ? ~0ULL : ~0ULL << (128 - bits);
        p->hi &= p->mhi;
        p->lo &= p->mlo;
        out->n = i + 1;
    }
    return 0;
}

void fdx_addr_halves(const struct fdx_addr *a, uint64_t *hi, uint64_t *lo)
{
    uint64_t h = 0, l = 0;
    for (unsigned i = 0; i < 8; i++) {
        h = h << 8 | a->b[i];
        l = l << 8 | a->b[8 + i];
    }
    *hi = h;
    *lo = l;
}

bool fdx_prefix_list_match(const struct fdx_prefix_list *pl, const struct fdx_addr *a)
{
    uint64_t hi, lo;
    fdx_addr_halves(a, &hi, &lo);
    for (size_t i = 0; i < pl->n; i++) {
        const struct fdx_prefix *p = &pl->p[i];
        if (((hi & p->mhi) ^ p->hi) == 0 && ((lo & p->mlo) ^ p->lo) == 0) {
            return true;
        }
    }
    return false;
}

void fdx_prefix_list_fini(struct fdx_prefix_list *pl)
{
    free(pl->p);
    pl->p = NULL;
    pl->n = 0;
}

bool fdx_enr_label_set(struct fdx_enrichment *e, uint32_t key, uint32_t value)
{
    if (key == 0 || value == 0) {
        return false;
    }
    for (unsigned i = 0; i < e->nlabels; i++) {
        if (e->label[i].key == key) {
            e->label[i].value = value;
            return true;
        }
    }
    if (e->nlabels >= FDX_ENR_LABELS_MAX) {
        return false;
    }
    e->label[e->nlabels].key = key;
    e->label[e->nlabels].value = value;
    e->nlabels++;
    return true;
}

int fdx_enrich_check_field(const char *name, const char *what, struct fdx_err *err)
{
    static const char *const reserved[] = {
        "source.ip", "source.port", "source.mac", "source.as", "source.geo",
        "destination.ip", "destination.port", "destination.mac", "destination.as",
        "destination.geo", "netflow", "flowdex", "@timestamp", "observer.ip",
        "observer.name", "observer.ingress", "observer.egress", "network.community_id",
        "event.kind", "event.category", "event.action", "event.start", "event.end",
        "event.duration", "event.created", NULL};
    size_t len = strlen(name);
    bool ok = len > 0 && len < 128 && name[0] != '.' && name[len - 1] != '.' &&
              strstr(name, "..") == NULL;
    for (size_t i = 0; ok && i < len; i++) {
        char c = name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '.' || c == '-';
    }
    for (unsigned i = 0; ok && reserved[i] != NULL; i++) {
        size_t rl = strlen(reserved[i]);
        if (strncmp(name, reserved[i], rl) == 0 && (name[rl] == '\0' || name[rl] == '.')) {
            ok = false;
        }
    }
    if (!ok) {
        fdx_err_set(err, "config: \"%s\": field \"%s\" is not valid (expected a dotted name "
                         "of letters, digits, '_' or '-', not one flowdex writes itself)",
                    what, name);
        return -EINVAL;
    }
    return 0;
}

int fdx_enrich_read_file(const char *path, size_t max_bytes, char **out, size_t *len,
                         struct fdx_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int rc = -errno;
        fdx_err_set(err, "%s: %s", path, strerror(-rc));
        return rc;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf != NULL) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            break;
        }
        if (cap >= max_bytes) {
            fclose(f);
            free(buf);
            fdx_err_set(err, "%s: larger than %zu bytes", path, max_bytes);
            return -EFBIG;
        }
        cap = cap * 2 > max_bytes ? max_bytes : cap * 2;
        char *nb = realloc(buf, cap + 1);
        if (nb == NULL) {
            free(buf);
        }
        buf = nb;
    }
    bool failed = buf == NULL || ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        fdx_err_set(err, "%s: read error", path);
        return buf == NULL ? -ENOMEM : -EIO;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

bool fdx_addr_is_multicast(const struct fdx_addr *a)
{
    if (fdx_addr_is_v4(a)) {
        return (a->b[12] & 0xf0) == 0xe0;
    }
    return a->b[0] == 0xff;
}

static void intern_housekeeping(struct fdx_intern *strings, const struct fdx_batch *b)
{
    if (strings == NULL || !fdx_intern_nearly_full(strings)) {
        return;
    }
    for (uint32_t i = 0; i < b->n; i++) {
        const struct fdx_enrichment *e = &b->slot[i].enr;
        if ((e->present & ~FDX_EBIT(FDX_E_COMMUNITY_ID)) != 0 || e->nlabels != 0) {
            return; /* an earlier stage of this batch already holds ids */
        }
    }
    fdx_intern_clear(strings);
}

struct fdx_intern *fdx_enrich_batch_strings(const struct fdx_batch *b, struct fdx_intern *own,
                                            uint32_t *gen, bool *stale)
{
    struct fdx_intern *st = b->strings != NULL ? b->strings : own;
    if (st == NULL) {
        return NULL;
    }
    intern_housekeeping(st, b);
    if (gen != NULL) {
        uint32_t now = fdx_intern_generation(st);
        *stale = now != *gen;
        *gen = now;
    }
    return st;
}
