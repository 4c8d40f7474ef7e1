/* Template cache: a fixed bucket array with chained entries. Entries are allocated when a
 * template arrives or changes (control path) and freed on withdrawal, replacement or
 * expiry; lookups on the data path never allocate. */
#include "templates.h"

#include <stdlib.h>
#include <string.h>

#include "exporter.h"

struct tmpl {
    struct tmpl *next;
    struct fdx_tmpl_key key;
    struct fdx_exporter *exp; /* owner of the per-exporter count; never freed before us */
    int64_t seen_ms;
    size_t bytes;
    unsigned nfields;
    struct fdx_field_spec *fields; /* as declared, to recognise a resent template */
    struct fdx_program *prog;
};

struct fdx_templates {
    uint32_t max_total;
    uint32_t max_per_exporter;
    uint32_t count;
    size_t bytes;
    uint32_t mask;
    struct tmpl **bucket;
    struct fdx_field_spec scratch[FDX_TEMPLATE_MAX_FIELDS];
};

size_t fdx_templates_max_entry_bytes(void)
{
    return sizeof(struct tmpl) + FDX_TEMPLATE_MAX_FIELDS * sizeof(struct fdx_field_spec) +
           fdx_program_size(FDX_TEMPLATE_MAX_FIELDS);
}

struct fdx_templates *fdx_templates_new(uint32_t max_total, uint32_t max_per_exporter)
{
    struct fdx_templates *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    uint32_t n = 64;
    while (n < max_total && n < (1u << 16)) {
        n *= 2;
    }
    t->bucket = calloc(n, sizeof(*t->bucket));
    if (t->bucket == NULL) {
        free(t);
        return NULL;
    }
    t->mask = n - 1;
    t->max_total = max_total;
    t->max_per_exporter = max_per_exporter;
    return t;
}

static void entry_free(struct fdx_templates *t, struct tmpl *e)
{
    t->count--;
    t->bytes -= e->bytes;
    if (e->exp != NULL && e->exp->templates > 0) {
        e->exp->templates--;
    }
    free(e->prog);
    free(e->fields);
    free(e);
}

void fdx_templates_free(struct fdx_templates *t)
{
    if (t == NULL) {
        return;
    }
    for (uint32_t i = 0; i <= t->mask; i++) {
        struct tmpl *e = t->bucket[i];
        while (e != NULL) {
            struct tmpl *next = e->next;
            free(e->prog);
            free(e->fields);
            free(e);
            e = next;
        }
    }
    free(t->bucket);
    free(t);
}

static bool key_eq(const struct fdx_tmpl_key *a, const struct fdx_tmpl_key *b)
{
    return a->id == b->id && a->domain_id == b->domain_id && a->proto == b->proto &&
           fdx_addr_eq(&a->addr, &b->addr);
}

static uint32_t key_hash(const struct fdx_tmpl_key *k)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 16; i++) {
        h = (h ^ k->addr.b[i]) * 16777619u;
    }
    h = (h ^ k->domain_id) * 16777619u;
    h = (h ^ k->id) * 16777619u;
    return (h ^ k->proto) * 16777619u;
}

static struct tmpl **slot_of(struct fdx_templates *t, const struct fdx_tmpl_key *key)
{
    struct tmpl **pp = &t->bucket[key_hash(key) & t->mask];
    while (*pp != NULL && !key_eq(&(*pp)->key, key)) {
        pp = &(*pp)->next;
    }
    return pp;
}

const struct fdx_program *fdx_templates_find(struct fdx_templates *t,
                                             const struct fdx_tmpl_key *key, int64_t now_ms)
{
    (void)now_ms;
    struct tmpl *e = *slot_of(t, key);
    return e != NULL ? e->prog : NULL;
}

static bool same_fields(const struct tmpl *e, const struct fdx_field_spec *f, unsigned n,
                        bool is_options, unsigned scope_count)
{
    return e->nfields == n && e->prog->is_options == is_options &&
           e->prog->scope_count == scope_count &&
           memcmp(e->fields, f, n * sizeof(*f)) == 0;
}

enum fdx_drop fdx_templates_put(struct fdx_templates *t, const struct fdx_tmpl_key *key,
                                const struct fdx_field_spec *f, unsigned n,
                                unsigned scope_count, bool is_options,
                                struct fdx_exporter *exp, int64_t now_ms, bool *changed)
{
    *changed = false;
    struct tmpl **pp = slot_of(t, key);
    struct tmpl *old = *pp;
    if (old != NULL && same_fields(old, f, n, is_options, scope_count)) {
        old->seen_ms = now_ms;
        return FDX_DROP_NONE;
    }
    if (old == NULL && (t->count >= t->max_total ||
                        (exp != NULL && exp->templates >= t->max_per_exporter))) {
        return FDX_DROP_TEMPLATE_LIMIT;
    }
    enum fdx_drop why;
    struct fdx_program *prog = fdx_program_compile(f, n, scope_count, is_options, key->proto,
                                                   &why);
    if (prog == NULL) {
        return why != FDX_DROP_NONE ? why : FDX_DROP_TEMPLATE_LIMIT;
    }
    struct tmpl *e = calloc(1, sizeof(*e));
    struct fdx_field_spec *copy = malloc(n * sizeof(*f));
    if (e == NULL || copy == NULL) {
        free(e);
        free(copy);
        free(prog);
        return FDX_DROP_TEMPLATE_LIMIT;
    }
    memcpy(copy, f, n * sizeof(*f));
    e->key = *key;
    e->seen_ms = now_ms;
    e->nfields = n;
    e->fields = copy;
    e->prog = prog;
    e->bytes = sizeof(*e) + n * sizeof(*f) + fdx_program_size(n);
    if (old != NULL) {
        /* Replacement (RFC 7011 §8.1 / RFC 3954 §5.2): the new definition takes effect for
         * the records that follow it. */
        e->next = old->next;
        e->exp = old->exp;
        old->exp = NULL;
        t->count--;
        t->bytes -= old->bytes;
        free(old->prog);
        free(old->fields);
        free(old);
    } else {
        e->exp = exp;
        if (exp != NULL) {
            exp->templates++;
        }
    }
    *pp = e;
    t->count++;
    t->bytes += e->bytes;
    *changed = true;
    return FDX_DROP_NONE;
}

bool fdx_templates_withdraw(struct fdx_templates *t, const struct fdx_tmpl_key *key)
{
    struct tmpl **pp = slot_of(t, key);
    struct tmpl *e = *pp;
    if (e == NULL) {
        return false;
    }
    *pp = e->next;
    entry_free(t, e);
    return true;
}

/* Removes every entry for which keep() is false. */
static unsigned sweep(struct fdx_templates *t, bool (*drop)(const struct tmpl *, const void *),
                      const void *arg)
{
    unsigned n = 0;
    for (uint32_t i = 0; i <= t->mask; i++) {
        struct tmpl **pp = &t->bucket[i];
        while (*pp != NULL) {
            struct tmpl *e = *pp;
            if (drop(e, arg)) {
                *pp = e->next;
                entry_free(t, e);
                n++;
            } else {
                pp = &e->next;
            }
        }
    }
    return n;
}

struct all_arg {
    const struct fdx_tmpl_key *key;
    bool is_options;
};

static bool drop_all(const struct tmpl *e, const void *arg)
{
    const struct all_arg *a = arg;
    return e->key.domain_id == a->key->domain_id && e->key.proto == a->key->proto &&
           e->prog->is_options == a->is_options && fdx_addr_eq(&e->key.addr, &a->key->addr);
}

unsigned fdx_templates_withdraw_all(struct fdx_templates *t, const struct fdx_tmpl_key *key,
                                    bool is_options)
{
    struct all_arg a = {key, is_options};
    return sweep(t, drop_all, &a);
}

static bool drop_exporter(const struct tmpl *e, const void *arg)
{
    const struct fdx_tmpl_key *k = arg;
    return e->key.proto == k->proto && fdx_addr_eq(&e->key.addr, &k->addr);
}

unsigned fdx_templates_forget(struct fdx_templates *t, const struct fdx_addr *addr,
                              uint8_t proto)
{
    if (t->count == 0) {
        return 0;
    }
    struct fdx_tmpl_key k;
    memset(&k, 0, sizeof(k));
    k.addr = *addr;
    k.proto = proto;
    return sweep(t, drop_exporter, &k);
}

static bool drop_old(const struct tmpl *e, const void *arg)
{
    return e->seen_ms < *(const int64_t *)arg;
}

unsigned fdx_templates_expire(struct fdx_templates *t, int64_t now_ms, int64_t timeout_ms)
{
    if (t->count == 0) {
        return 0;
    }
    int64_t oldest = now_ms - timeout_ms;
    return sweep(t, drop_old, &oldest);
}

uint32_t fdx_templates_count(const struct fdx_templates *t)
{
    return t->count;
}

size_t fdx_templates_bytes(const struct fdx_templates *t)
{
    return t->bytes;
}

struct fdx_field_spec *fdx_templates_scratch(struct fdx_templates *t)
{
    return t->scratch;
}
