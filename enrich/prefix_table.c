/* Prefix tables. Longest-prefix match by prefix length, longest first: for each length that
 * occurs in the table, one open-addressing hash of the masked prefixes. Tables usually hold
 * a handful of distinct lengths, so a lookup is a few hash probes. */
#include "prefix_table.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrich_util.h"
#include "intern.h"
#include "lookup_cache.h"

#define MAX_COLS 8

struct row {
    struct fdx_addr prefix; /* masked */
    uint32_t val_off[MAX_COLS];
    uint16_t val_len[MAX_COLS];
    uint8_t bits;
};

/* One hash of masked prefixes per prefix length; IPv4 lengths (v4-mapped /96../128) keep
 * 32-bit keys, IPv6 lengths two 64-bit halves. Keys sit in the slots: no indirection. */
struct pslot {
    uint64_t hi, lo; /* masked address (IPv4: lo holds the 32-bit address) */
    int32_t row;     /* row index + 1; 0 empty */
};

struct by_len {
    unsigned bits;   /* over the 128-bit (v4-mapped) form */
    uint64_t mhi, mlo; /* masks of the two halves */
    uint32_t mask;   /* hash size - 1 */
    struct pslot *slot;
};

struct fdx_ptable {
    unsigned ncols;
    char *col[MAX_COLS];
    size_t nrows;
    struct row *rows;
    char *text; /* values */
    unsigned nv4, nv6;
    struct by_len v4[33];  /* IPv4 lengths, longest first */
    struct by_len v6[129]; /* IPv6 lengths, longest first */
};

static void len_masks(unsigned bits, uint64_t *mhi, uint64_t *mlo)
{
    *mhi = bits == 0 ? 0 : bits >= 64 ? ~0ULL : ~0ULL << (64 - bits);
    *mlo = bits <= 64 ? 0 : bits >= 128 ? ~0ULL : ~0ULL << (128 - bits);
}

static uint32_t hash2(uint64_t hi, uint64_t lo)
{
    uint64_t h = (hi ^ (lo * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
    return (uint32_t)(h >> 32);
}

static void mask_addr(struct fdx_addr *a, unsigned bits)
{
    for (unsigned i = 0; i < 16; i++) {
        unsigned keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
        a->b[i] &= (uint8_t)(0xff00 >> keep);
    }
}

/* CSV field: unquoted, or double-quoted with "" for a quote. Advances *p past the comma.
 * Writes the unescaped text into out (which has room for len bytes). */
static size_t csv_field(const char **p, const char *end, char *out)
{
    const char *s = *p;
    size_t n = 0;
    if (s < end && *s == '"') {
        s++;
        while (s < end) {
            if (*s == '"' && s + 1 < end && s[1] == '"') {
                out[n++] = '"';
                s += 2;
            } else if (*s == '"') {
                s++;
                break;
            } else {
                out[n++] = *s++;
            }
        }
        while (s < end && *s != ',') {
            s++;
        }
    } else {
        while (s < end && *s != ',') {
            out[n++] = *s++;
        }
        while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t')) {
            n--;
        }
    }
    *p = s < end ? s + 1 : end;
    return n;
}

static bool next_line(const char *text, size_t len, size_t *pos, const char **line,
                      const char **end)
{
    while (*pos < len) {
        const char *l = text + *pos;
        const char *nl = memchr(l, '\n', len - *pos);
        const char *e = nl ? nl : text + len;
        *pos = (size_t)(e - text) + (nl ? 1 : 0);
        if (e > l && e[-1] == '\r') {
            e--;
        }
        while (l < e && (*l == ' ' || *l == '\t')) {
            l++;
        }
        if (l == e || *l == '#') {
            continue;
        }
        *line = l;
        *end = e;
        return true;
    }
    return false;
}

static bool row_is_v4(const struct row *r)
{
    return r->bits >= 96 && fdx_addr_is_v4(&r->prefix);
}

static int build_index(struct fdx_ptable *t)
{
    size_t count[2][129] = {{0}};
    for (size_t i = 0; i < t->nrows; i++) {
        count[row_is_v4(&t->rows[i]) ? 0 : 1][t->rows[i].bits]++;
    }
    for (int bits = 128; bits >= 0; bits--) {
        for (int fam = 0; fam < 2; fam++) {
            if (count[fam][bits] == 0) {
                continue;
            }
            struct by_len *bl = fam == 0 ? &t->v4[t->nv4++] : &t->v6[t->nv6++];
            uint32_t size = 16;
            while (size < count[fam][bits] * 2) {
                size *= 2;
            }
            bl->bits = (unsigned)bits;
            len_masks(bl->bits, &bl->mhi, &bl->mlo);
            bl->mask = size - 1;
            bl->slot = calloc(size, sizeof(*bl->slot));
            if (bl->slot == NULL) {
                return -ENOMEM;
            }
        }
    }
    for (size_t i = 0; i < t->nrows; i++) {
        const struct row *r = &t->rows[i];
        bool v4 = row_is_v4(r);
        struct by_len *bl = v4 ? t->v4 : t->v6;
        unsigned n = v4 ? t->nv4 : t->nv6, k = 0;
        while (k < n && bl[k].bits != r->bits) {
            k++;
        }
        if (k == n) {
            continue; /* cannot happen: every length was indexed */
        }
        bl += k;
        uint64_t hi, lo;
        fdx_addr_halves(&r->prefix, &hi, &lo);
        for (uint32_t h = hash2(hi, lo) & bl->mask;; h = (h + 1) & bl->mask) {
            struct pslot *sl = &bl->slot[h];
            if (sl->row == 0 || (sl->hi == hi && sl->lo == lo)) {
                /* A later line for the same prefix wins. */
                sl->hi = hi;
                sl->lo = lo;
                sl->row = (int32_t)i + 1;
                break;
            }
        }
    }
    return 0;
}

static int parse_header(struct fdx_ptable *t, const char *line, const char *end, char *scratch,
                        const char *name, struct fdx_err *err)
{
    const char *p = line;
    unsigned n = 0;
    while (p < end) {
        size_t len = csv_field(&p, end, scratch);
        if (n > 0) {
            if (n > MAX_COLS) {
                fdx_err_set(err, "prefix_table: \"%s\": more than %d value columns", name,
                            MAX_COLS);
                return -EINVAL;
            }
            t->col[n - 1] = strndup(scratch, len);
            if (t->col[n - 1] == NULL) {
                return -ENOMEM;
            }
            t->ncols = n;
        }
        n++;
    }
    if (t->ncols == 0) {
        fdx_err_set(err, "prefix_table: \"%s\": the header line needs a prefix column and at "
                         "least one value column (\"prefix,organization.name\")", name);
        return -EINVAL;
    }
    return 0;
}

struct fdx_ptable *fdx_ptable_parse(const char *text, size_t len, const char *name,
                                    size_t max_entries, struct fdx_err *err)
{
    struct fdx_ptable *t = calloc(1, sizeof(*t));
    char *scratch = malloc(len + 1);
    size_t lines = 0, pos = 0, used = 0, lineno = 0;
    const char *line, *end;
    if (t == NULL || scratch == NULL || len > UINT32_MAX) {
        goto fail_nomem;
    }
    while (next_line(text, len, &pos, &line, &end)) {
        lines++;
    }
    if (lines < 2) {
        fdx_err_set(err, "prefix_table: \"%s\": expected a header line and at least one row",
                    name);
        goto fail;
    }
    if (lines - 1 > max_entries) {
        fdx_err_set(err, "prefix_table: \"%s\": %zu rows (max_entries is %zu)", name, lines - 1,
                    max_entries);
        goto fail;
    }
    t->rows = calloc(lines - 1, sizeof(*t->rows));
    t->text = malloc(len + 1);
    if (t->rows == NULL || t->text == NULL) {
        goto fail_nomem;
    }
    pos = 0;
    next_line(text, len, &pos, &line, &end);
    if (parse_header(t, line, end, scratch, name, err) != 0) {
        goto fail;
    }
    while (next_line(text, len, &pos, &line, &end)) {
        lineno++;
        const char *p = line;
        size_t n = csv_field(&p, end, scratch);
        scratch[n] = '\0';
        struct row *r = &t->rows[t->nrows];
        unsigned bits;
        if (fdx_addr_parse_prefix(scratch, &r->prefix, &bits) != 0) {
            fdx_err_set(err, "prefix_table: \"%s\": row %zu: \"%s\" is not a CIDR prefix", name,
                        lineno, scratch);
            goto fail;
        }
        mask_addr(&r->prefix, bits);
        for (unsigned c = 0; c < t->ncols && p < end; c++) {
            size_t vl = csv_field(&p, end, t->text + used);
            r->val_off[c] = (uint32_t)used;
            r->val_len[c] = (uint16_t)(vl > 65535 ? 65535 : vl);
            used += vl;
        }
        r->bits = (uint8_t)bits;
        t->nrows++;
    }
    free(scratch);
    if (build_index(t) != 0) {
        fdx_ptable_free(t);
        fdx_err_set(err, "prefix_table: out of memory");
        return NULL;
    }
    return t;

fail_nomem:
    fdx_err_set(err, "prefix_table: \"%s\": out of memory", name);
fail:
    free(scratch);
    fdx_ptable_free(t);
    return NULL;
}

void fdx_ptable_free(struct fdx_ptable *t)
{
    if (t == NULL) {
        return;
    }
    for (unsigned i = 0; i < MAX_COLS; i++) {
        free(t->col[i]);
    }
    for (unsigned i = 0; i < t->nv4; i++) {
        free(t->v4[i].slot);
    }
    for (unsigned i = 0; i < t->nv6; i++) {
        free(t->v6[i].slot);
    }
    free(t->rows);
    free(t->text);
    free(t);
}

size_t fdx_ptable_count(const struct fdx_ptable *t)
{
    return t->nrows;
}

unsigned fdx_ptable_ncols(const struct fdx_ptable *t)
{
    return t->ncols;
}

const char *fdx_ptable_col_name(const struct fdx_ptable *t, unsigned col)
{
    return col < t->ncols ? t->col[col] : NULL;
}

long fdx_ptable_lookup(const struct fdx_ptable *t, const struct fdx_addr *a)
{
    uint64_t hi, lo;
    fdx_addr_halves(a, &hi, &lo);
    bool v4 = fdx_addr_is_v4(a);
    const struct by_len *bl = v4 ? t->v4 : t->v6;
    unsigned n = v4 ? t->nv4 : t->nv6;
    for (unsigned i = 0; i < n; i++, bl++) {
        uint64_t mh = hi & bl->mhi, ml = lo & bl->mlo;
        for (uint32_t h = hash2(mh, ml) & bl->mask;; h = (h + 1) & bl->mask) {
            const struct pslot *sl = &bl->slot[h];
            if (sl->row == 0) {
                break;
            }
            if (sl->hi == mh && sl->lo == ml) {
                return sl->row - 1;
            }
        }
    }
    return -1;
}

const char *fdx_ptable_value(const struct fdx_ptable *t, long row, unsigned col, size_t *len)
{
    if (row < 0 || (size_t)row >= t->nrows || col >= t->ncols) {
        return NULL;
    }
    const struct row *r = &t->rows[row];
    if (r->val_len[col] == 0) {
        return NULL;
    }
    *len = r->val_len[col];
    return t->text + r->val_off[col];
}

/* ---- stage ---- */

struct pt_conf {
    char *file;
    char *source_prefix;
    char *destination_prefix;
    uint64_t max_entries;
    uint64_t cache_entries;
};

static const struct fdx_cfg_key pt_keys[] = {
    {"file", FDX_CFG_PATH, NULL, offsetof(struct pt_conf, file), 0, 0, NULL,
     "CSV file: header \"prefix,<field>,...\", then one CIDR prefix and its values per line"},
    {"source_prefix", FDX_CFG_STRING, "\"source.\"", offsetof(struct pt_conf, source_prefix), 0,
     0, NULL, "prepended to each column name for the source address match (\"\" = no field)"},
    {"destination_prefix", FDX_CFG_STRING, "\"destination.\"",
     offsetof(struct pt_conf, destination_prefix), 0, 0, NULL,
     "prepended to each column name for the destination address match (\"\" = no field)"},
    {"max_entries", FDX_CFG_UINT, "1000000", offsetof(struct pt_conf, max_entries), 1, 100000000,
     NULL, "refuse a file with more rows than this"},
    {"cache_entries", FDX_CFG_UINT, "65536", offsetof(struct pt_conf, cache_entries), 16,
     16777216, NULL, "addresses whose matching row is cached per worker (bounded LRU)"},
    FDX_CFG_END,
};

struct pt_state {
    struct fdx_ptable *t;
    char *src_field[MAX_COLS]; /* NULL: not written */
    char *dst_field[MAX_COLS];
    /* Intern ids of the field names and of each row's values, filled on first use and
     * forgotten when the worker's intern table is cleared. */
    uint32_t src_key[MAX_COLS], dst_key[MAX_COLS];
    uint32_t *val_id; /* nrows * ncols */
    uint32_t intern_gen;
};

struct pt {
    struct pt_state st;
    struct fdx_lcache *cache; /* address -> row (-1: no match) */
    struct fdx_intern *strings;
    unsigned worker;
    fdx_counter matched, unmatched;
};

static void pt_state_fini(struct pt_state *st)
{
    fdx_ptable_free(st->t);
    free(st->val_id);
    for (unsigned i = 0; i < MAX_COLS; i++) {
        free(st->src_field[i]);
        free(st->dst_field[i]);
    }
    memset(st, 0, sizeof(*st));
}

static int make_field(char **out, const char *prefix, const char *col, struct fdx_err *err)
{
    if (prefix[0] == '\0') {
        return 0;
    }
    size_t n = strlen(prefix) + strlen(col) + 1;
    *out = malloc(n);
    if (*out == NULL) {
        return -ENOMEM;
    }
    snprintf(*out, n, "%s%s", prefix, col);
    return fdx_enrich_check_field(*out, "prefix_table column", err);
}

static int pt_state_build(struct pt_state *st, const struct pt_conf *c, struct fdx_err *err)
{
    memset(st, 0, sizeof(*st));
    char *text = NULL;
    size_t len = 0;
    int rc = fdx_enrich_read_file(c->file, 1024u * 1024u * 1024u, &text, &len, err);
    if (rc != 0) {
        return rc;
    }
    st->t = fdx_ptable_parse(text, len, c->file, c->max_entries, err);
    free(text);
    if (st->t == NULL) {
        return -EINVAL;
    }
    st->val_id = calloc(st->t->nrows * st->t->ncols, sizeof(*st->val_id));
    if (st->val_id == NULL) {
        pt_state_fini(st);
        fdx_err_set(err, "prefix_table: out of memory");
        return -ENOMEM;
    }
    for (unsigned i = 0; i < st->t->ncols; i++) {
        rc = make_field(&st->src_field[i], c->source_prefix, st->t->col[i], err);
        if (rc == 0) {
            rc = make_field(&st->dst_field[i], c->destination_prefix, st->t->col[i], err);
        }
        if (rc != 0) {
            pt_state_fini(st);
            return rc;
        }
    }
    return 0;
}

static void *pt_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    struct pt *p = calloc(1, sizeof(*p));
    if (p == NULL) {
        return NULL;
    }
    if (pt_state_build(&p->st, conf, err) != 0) {
        free(p);
        return NULL;
    }
    p->cache = fdx_lcache_new(((const struct pt_conf *)conf)->cache_entries, sizeof(long));
    if (p->cache == NULL) {
        pt_state_fini(&p->st);
        free(p);
        fdx_err_set(err, "prefix_table: out of memory for the cache");
        return NULL;
    }
    p->strings = env->strings;
    p->worker = env->worker_id;
    return p;
}

static void enrich_side(struct pt *p, struct fdx_intern *st, struct fdx_slot *s, bool src)
{
    struct pt_state *ps = &p->st;
    char *const *fields = src ? ps->src_field : ps->dst_field;
    uint32_t *keys = src ? ps->src_key : ps->dst_key;
    if (fields[0] == NULL) {
        return;
    }
    const struct fdx_addr *a = src ? &s->flow.src : &s->flow.dst;
    long *cached = fdx_lcache_get(p->cache, a);
    long row;
    if (cached != NULL) {
        row = *cached;
    } else {
        row = fdx_ptable_lookup(ps->t, a);
        *(long *)fdx_lcache_put(p->cache, a) = row;
    }
    if (row < 0) {
        fdx_counter_add(&p->unmatched, 1);
        return;
    }
    fdx_counter_add(&p->matched, 1);
    uint32_t *ids = ps->val_id + (size_t)row * ps->t->ncols;
    for (unsigned c = 0; c < ps->t->ncols; c++) {
        size_t len;
        if (ids[c] == 0) {
            const char *v = fdx_ptable_value(ps->t, row, c, &len);
            if (v == NULL) {
                continue;
            }
            ids[c] = fdx_intern_get(st, v, len);
        }
        if (keys[c] == 0) {
            keys[c] = fdx_intern_get(st, fields[c], strlen(fields[c]));
        }
        fdx_enr_label_set(&s->enr, keys[c], ids[c]);
    }
}

static void pt_process(void *self, struct fdx_batch *batch)
{
    struct pt *p = self;
    bool stale;
    struct fdx_intern *st = fdx_enrich_batch_strings(batch, p->strings, &p->st.intern_gen, &stale);
    if (st == NULL) {
        return;
    }
    if (stale) {
        memset(p->st.val_id, 0, p->st.t->nrows * p->st.t->ncols * sizeof(*p->st.val_id));
        memset(p->st.src_key, 0, sizeof(p->st.src_key));
        memset(p->st.dst_key, 0, sizeof(p->st.dst_key));
    }
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        if (s->dropped || s->flow.kind != FDX_KIND_FLOW) {
            continue;
        }
        if (fdx_flow_has(&s->flow, FDX_F_SRC_ADDR)) {
            enrich_side(p, st, s, true);
        }
        if (fdx_flow_has(&s->flow, FDX_F_DST_ADDR)) {
            enrich_side(p, st, s, false);
        }
    }
}

static int pt_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct pt *p = self;
    struct pt_state ns;
    int rc = pt_state_build(&ns, conf, err);
    if (rc != 0) {
        return rc;
    }
    pt_state_fini(&p->st);
    p->st = ns;
    fdx_lcache_clear(p->cache);
    return 0;
}

static void pt_stats(const void *self, struct fdx_metrics *m)
{
    const struct pt *p = self;
    char labels[96];
    fdx_metrics_family(m, "flowdex_prefix_table_lookups_total", "counter",
                       "Prefix table lookups per address (matched, unmatched)");
    snprintf(labels, sizeof(labels), "result=\"matched\",worker=\"%u\"", p->worker);
    fdx_metrics_sample(m, "flowdex_prefix_table_lookups_total", labels,
                       fdx_counter_get(&p->matched));
    snprintf(labels, sizeof(labels), "result=\"unmatched\",worker=\"%u\"", p->worker);
    fdx_metrics_sample(m, "flowdex_prefix_table_lookups_total", labels,
                       fdx_counter_get(&p->unmatched));
}

static void pt_free(void *self)
{
    struct pt *p = self;
    if (p != NULL) {
        pt_state_fini(&p->st);
        fdx_lcache_free(p->cache);
        free(p);
    }
}

const struct fdx_stage_ops fdx_stage_prefix_table = {
    .name = "prefix_table",
    .summary = "fields from a CSV of CIDR prefixes, longest-prefix match on source and "
               "destination",
    .keys = pt_keys,
    .conf_size = sizeof(struct pt_conf),
    .init = pt_init,
    .process = pt_process,
    .reload = pt_reload,
    .stats = pt_stats,
    .free = pt_free,
};
