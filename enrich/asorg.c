/* CAIDA as-org2info parsing and the asorg stage. The file has two sections, each introduced
 * by a "# format:" comment:
 *   # format:org_id|changed|org_name|country|source
 *   # format:aut|changed|aut_name|org_id|opaque_id|source
 */
#include "asorg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrich_util.h"
#include "intern.h"

#define MAX_FIELDS 8

struct org {
    const char *id;
    size_t id_len;
    const char *name;
    size_t name_len;
};

struct as_entry {
    uint32_t as;
    uint32_t name_off; /* into names */
    uint32_t name_len;
};

struct fdx_asorg_table {
    size_t n;
    struct as_entry *e;
    char *names;
};

/* Splits line[0..len) on '|' into at most MAX_FIELDS fields. */
static unsigned split(const char *line, size_t len, const char **f, size_t *fl)
{
    unsigned n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len && n < MAX_FIELDS; i++) {
        if (i == len || line[i] == '|') {
            f[n] = line + start;
            fl[n] = i - start;
            n++;
            start = i + 1;
        }
    }
    return n;
}

static int cmp_org(const void *a, const void *b)
{
    const struct org *x = a, *y = b;
    size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
    int c = memcmp(x->id, y->id, n);
    return c != 0 ? c : (x->id_len > y->id_len) - (x->id_len < y->id_len);
}

static int cmp_as(const void *a, const void *b)
{
    const struct as_entry *x = a, *y = b;
    return (x->as > y->as) - (x->as < y->as);
}

static bool parse_u32(const char *s, size_t len, uint32_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 10) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > UINT32_MAX) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

/* Line iterator over the file text; sets *sec when a "# format:" line opens a section. */
enum section { SEC_NONE, SEC_ORGS, SEC_AUTS };

static bool next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *ll,
                      enum section *sec)
{
    while (*pos < len) {
        const char *l = text + *pos;
        const char *nl = memchr(l, '\n', len - *pos);
        size_t n = nl ? (size_t)(nl - l) : len - *pos;
        *pos += n + (nl ? 1 : 0);
        if (n > 0 && l[n - 1] == '\r') {
            n--;
        }
        if (n == 0) {
            continue;
        }
        if (l[0] == '#') {
            if (n > 16 && memcmp(l, "# format:org_id|", 16) == 0) {
                *sec = SEC_ORGS;
            } else if (n > 13 && memcmp(l, "# format:aut|", 13) == 0) {
                *sec = SEC_AUTS;
            }
            continue;
        }
        *line = l;
        *ll = n;
        return true;
    }
    return false;
}

struct fdx_asorg_table *fdx_asorg_parse(const char *text, size_t len, const char *name,
                                        struct fdx_err *err)
{
    const char *line, *f[MAX_FIELDS];
    size_t ll, fl[MAX_FIELDS], pos = 0, norgs = 0, nas = 0;
    enum section sec = SEC_NONE;
    while (next_line(text, len, &pos, &line, &ll, &sec)) {
        norgs += sec == SEC_ORGS;
        nas += sec == SEC_AUTS;
    }
    if (nas == 0 || len > UINT32_MAX) {
        fdx_err_set(err, "asorg: \"%s\": no AS lines found (expected the CAIDA as-org2info "
                         "text format with a \"# format:aut|...\" section)", name);
        return NULL;
    }
    struct fdx_asorg_table *t = calloc(1, sizeof(*t));
    struct org *orgs = calloc(norgs ? norgs : 1, sizeof(*orgs));
    struct as_entry *e = calloc(nas, sizeof(*e));
    /* One copy of the text; entries point into it. Several ASes may share an organisation's
     * name, so copying each entry's name could exceed the text's length. */
    char *names = malloc(len + 1);
    if (t == NULL || orgs == NULL || e == NULL || names == NULL) {
        free(t);
        free(orgs);
        free(e);
        free(names);
        fdx_err_set(err, "asorg: out of memory");
        return NULL;
    }
    size_t no = 0;
    pos = 0;
    sec = SEC_NONE;
    while (next_line(text, len, &pos, &line, &ll, &sec)) {
        if (sec == SEC_ORGS && split(line, ll, f, fl) >= 3 && no < norgs) {
            orgs[no++] = (struct org){f[0], fl[0], f[2], fl[2]};
        }
    }
    qsort(orgs, no, sizeof(*orgs), cmp_org);
    memcpy(names, text, len);
    names[len] = '\0';
    size_t ne = 0;
    pos = 0;
    sec = SEC_NONE;
    while (next_line(text, len, &pos, &line, &ll, &sec)) {
        uint32_t as;
        if (sec != SEC_AUTS || ne >= nas || split(line, ll, f, fl) < 4 ||
            !parse_u32(f[0], fl[0], &as)) {
            continue;
        }
        struct org key = {f[3], fl[3], NULL, 0};
        const struct org *o = bsearch(&key, orgs, no, sizeof(key), cmp_org);
        bool named = o != NULL && o->name_len > 0;
        const char *nm = named ? o->name : f[2];
        size_t nml = named ? o->name_len : fl[2];
        e[ne++] = (struct as_entry){as, (uint32_t)(nm - text), (uint32_t)nml};
    }
    free(orgs);
    qsort(e, ne, sizeof(*e), cmp_as);
    t->n = ne;
    t->e = e;
    t->names = names;
    return t;
}

void fdx_asorg_table_free(struct fdx_asorg_table *t)
{
    if (t != NULL) {
        free(t->e);
        free(t->names);
        free(t);
    }
}

size_t fdx_asorg_count(const struct fdx_asorg_table *t)
{
    return t->n;
}

/* Index of as in the table, or -1. */
static long find_index(const struct fdx_asorg_table *t, uint32_t as)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->e[mid].as < as) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < t->n && t->e[lo].as == as && t->e[lo].name_len > 0 ? (long)lo : -1;
}

const char *fdx_asorg_find(const struct fdx_asorg_table *t, uint32_t as, size_t *len)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->e[mid].as < as) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == t->n || t->e[lo].as != as || t->e[lo].name_len == 0) {
        return NULL;
    }
    *len = t->e[lo].name_len;
    return t->names + t->e[lo].name_off;
}

/* ---- stage ---- */

struct asorg_conf {
    char *file;
    bool override;
    uint64_t max_bytes;
};

static const struct fdx_cfg_key asorg_keys[] = {
    {"file", FDX_CFG_PATH, NULL, offsetof(struct asorg_conf, file), 0, 0, NULL,
     "CAIDA AS-to-organisation file (as-org2info.txt, pipe-separated text format)"},
    {"override", FDX_CFG_BOOL, "false", offsetof(struct asorg_conf, override), 0, 0, NULL,
     "replace an organisation name already set by the asn stage"},
    {"max_bytes", FDX_CFG_BYTES, "\"256MiB\"", offsetof(struct asorg_conf, max_bytes), 1024, 0,
     NULL, "refuse a file larger than this"},
    FDX_CFG_END,
};

struct asorg {
    struct fdx_asorg_table *t;
    uint32_t *ids;       /* intern id per table entry, filled on first use */
    uint32_t intern_gen; /* generation of the intern table the ids belong to */
    bool override;
    struct fdx_intern *strings;
    unsigned worker;
    fdx_counter found, not_found;
};

static struct fdx_asorg_table *load(const struct asorg_conf *c, struct fdx_err *err)
{
    char *text = NULL;
    size_t len = 0;
    if (fdx_enrich_read_file(c->file, c->max_bytes, &text, &len, err) != 0) {
        return NULL;
    }
    struct fdx_asorg_table *t = fdx_asorg_parse(text, len, c->file, err);
    free(text);
    return t;
}

static void *asorg_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    const struct asorg_conf *c = conf;
    struct asorg *a = calloc(1, sizeof(*a));
    if (a == NULL) {
        return NULL;
    }
    a->t = load(c, err);
    a->ids = a->t != NULL ? calloc(a->t->n, sizeof(*a->ids)) : NULL;
    if (a->ids == NULL) {
        fdx_asorg_table_free(a->t);
        free(a);
        return NULL;
    }
    a->override = c->override;
    a->strings = env->strings;
    a->worker = env->worker_id;
    return a;
}

static void enrich_side(struct asorg *a, struct fdx_intern *st, struct fdx_slot *s, bool src)
{
    struct fdx_enrichment *e = &s->enr;
    const struct fdx_flow *f = &s->flow;
    enum fdx_enr_field org_bit = src ? FDX_E_SRC_AS_ORG : FDX_E_DST_AS_ORG;
    if (!a->override && (e->present & FDX_EBIT(org_bit))) {
        return;
    }
    int64_t as = -1;
    if (e->present & FDX_EBIT(src ? FDX_E_SRC_AS : FDX_E_DST_AS)) {
        as = src ? e->src_as : e->dst_as;
    } else if (fdx_flow_has(f, src ? FDX_F_SRC_AS : FDX_F_DST_AS)) {
        as = src ? f->src_as : f->dst_as;
    }
    if (as <= 0) {
        return;
    }
    long k = as <= UINT32_MAX ? find_index(a->t, (uint32_t)as) : -1;
    uint32_t id = 0;
    if (k >= 0) {
        if (a->ids[k] == 0) {
            const struct as_entry *ent = &a->t->e[k];
            a->ids[k] = fdx_intern_get(st, a->t->names + ent->name_off, ent->name_len);
        }
        id = a->ids[k];
    }
    if (id == 0) {
        fdx_counter_add(&a->not_found, 1);
        return;
    }
    *(src ? &e->src_as_org : &e->dst_as_org) = id;
    e->present |= FDX_EBIT(org_bit);
    fdx_counter_add(&a->found, 1);
}

static void asorg_process(void *self, struct fdx_batch *batch)
{
    struct asorg *a = self;
    bool stale;
    struct fdx_intern *st = fdx_enrich_batch_strings(batch, a->strings, &a->intern_gen, &stale);
    if (st == NULL) {
        return;
    }
    if (stale) {
        memset(a->ids, 0, a->t->n * sizeof(*a->ids));
    }
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        if (s->dropped || s->flow.kind != FDX_KIND_FLOW) {
            continue;
        }
        enrich_side(a, st, s, true);
        enrich_side(a, st, s, false);
    }
}

static int asorg_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct asorg *a = self;
    struct fdx_asorg_table *t = load(conf, err);
    uint32_t *ids = t != NULL ? calloc(t->n, sizeof(*ids)) : NULL;
    if (ids == NULL) {
        fdx_asorg_table_free(t);
        return -EINVAL;
    }
    fdx_asorg_table_free(a->t);
    free(a->ids);
    a->t = t;
    a->ids = ids;
    a->override = ((const struct asorg_conf *)conf)->override;
    return 0;
}

static void asorg_stats(const void *self, struct fdx_metrics *m)
{
    const struct asorg *a = self;
    char labels[96];
    fdx_metrics_family(m, "flowdex_asorg_lookups_total", "counter",
                       "AS organisation lookups in the CAIDA table (found, not_found)");
    snprintf(labels, sizeof(labels), "result=\"found\",worker=\"%u\"", a->worker);
    fdx_metrics_sample(m, "flowdex_asorg_lookups_total", labels, fdx_counter_get(&a->found));
    snprintf(labels, sizeof(labels), "result=\"not_found\",worker=\"%u\"", a->worker);
    fdx_metrics_sample(m, "flowdex_asorg_lookups_total", labels, fdx_counter_get(&a->not_found));
}

static void asorg_free(void *self)
{
    struct asorg *a = self;
    if (a != NULL) {
        fdx_asorg_table_free(a->t);
        free(a->ids);
        free(a);
    }
}

const struct fdx_stage_ops fdx_stage_asorg = {
    .name = "asorg",
    .summary = "AS organisation names from a CAIDA AS-to-organisation file",
    .keys = asorg_keys,
    .conf_size = sizeof(struct asorg_conf),
    .init = asorg_init,
    .process = asorg_process,
    .reload = asorg_reload,
    .stats = asorg_stats,
    .free = asorg_free,
};
