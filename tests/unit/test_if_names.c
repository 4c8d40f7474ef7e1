/* Interface names from options data (IPFIX interfaceName, NetFlow v9 IF_NAME): learnt per
 * exporter, applied to its later data records, written as observer.*.interface.name (ECS)
 * and iface_in_name / iface_out_name (pmacct). Table bound and overflow counter, renaming,
 * truncation and cleaning of names, precedence of the operator's configured names. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "decode.h"
#include "dispatch.h"
#include "document.h"
#include "exporter.h"
#include "if_names.h"
#include "intern.h"
#include "output.h"

/* ---- datagram builder ---- */
struct pb {
    uint8_t b[8192];
    size_t n;
    size_t set_start;
};
static void p8(struct pb *p, uint32_t v) { p->b[p->n++] = (uint8_t)v; }
static void p16(struct pb *p, uint32_t v) { p8(p, v >> 8); p8(p, v); }
static void p32(struct pb *p, uint32_t v) { p16(p, v >> 16); p16(p, v); }
static void pname(struct pb *p, const char *s, size_t width)
{
    size_t n = strlen(s) < width ? strlen(s) : width;
    memcpy(p->b + p->n, s, n);
    memset(p->b + p->n + n, 0, width - n); /* NUL padding, as exporters send it */
    p->n += width;
}
static void set_begin(struct pb *p, uint16_t id) { p->set_start = p->n; p16(p, id); p16(p, 0); }
static void set_end(struct pb *p)
{
    size_t len = p->n - p->set_start;
    p->b[p->set_start + 2] = (uint8_t)(len >> 8);
    p->b[p->set_start + 3] = (uint8_t)len;
}
static void ipfix_hdr(struct pb *p, uint32_t seq)
{
    p->n = 0;
    p16(p, 10); p16(p, 0); p32(p, 1700000000); p32(p, seq); p32(p, 7);
}
static void ipfix_fix_len(struct pb *p) { p->b[2] = (uint8_t)(p->n >> 8); p->b[3] = (uint8_t)p->n; }
static void nf9_hdr(struct pb *p, uint16_t count, uint32_t seq)
{
    p->n = 0;
    p16(p, 9); p16(p, count); p32(p, 100000); p32(p, 1700000000); p32(p, seq); p32(p, 3);
}

/* ---- harness ---- */
struct env {
    struct fdx_decode_cfg cfg;
    struct fdx_counters c;
    struct fdx_decode_ctx ctx;
    struct fdx_batch *b;
    uint32_t seq;
};
static struct fdx_batch *no_swap(void *owner, struct fdx_batch *full)
{
    (void)owner;
    (void)full;
    return NULL;
}
static void env_init(struct env *e)
{
    memset(e, 0, sizeof(*e));
    fdx_decode_cfg_defaults(&e->cfg);
    e->b = fdx_batch_new(1024);
    CHECK_EQ_I64(fdx_decode_ctx_init(&e->ctx, &e->cfg, &e->c), 0);
    e->ctx.sink.batch = e->b;
    e->ctx.sink.swap = no_swap;
    e->ctx.now_ms = 1700000000000;
}
static void env_fini(struct env *e)
{
    fdx_decode_ctx_fini(&e->ctx);
    fdx_batch_free(e->b);
}
static size_t feed(struct env *e, const struct pb *p, uint32_t src_v4)
{
    struct fdx_datagram dg = {p->b, p->n, {{0}}, 2055, e->ctx.now_ms};
    fdx_addr_set_v4_u32(&dg.exporter, src_v4);
    return fdx_dispatch_datagram(&e->ctx, &dg);
}
static struct fdx_slot *last(struct env *e) { return &e->b->slot[e->b->n - 1]; }

/* Encodes s and parses the document back (the caller puts it). */
static struct json_object *encode(const struct fdx_slot *s, enum fdx_schema schema,
                                  const struct fdx_intern *st)
{
    struct fdx_doc_batch *d = fdx_doc_batch_new(4, 1 << 20);
    struct fdx_doc_opts o = {.schema = schema, .extra_ies = true};
    CHECK_EQ_I64(fdx_document_encode(d, s, st, &o), 0);
    char *text = strndup(d->body.p, d->meta[0].len);
    struct json_object *doc = json_tokener_parse(text);
    CHECK_TRUE(doc != NULL);
    free(text);
    fdx_doc_batch_free(d);
    return doc;
}
/* The string at a dotted path of doc, or NULL. */
static const char *path_str(struct json_object *doc, const char *path)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", path);
    struct json_object *o = doc;
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k != NULL;
         k = strtok_r(NULL, ".", &save)) {
        if (!json_object_object_get_ex(o, k, &o)) {
            return NULL;
        }
    }
    return json_object_get_string(o);
}
static void check_names(const struct fdx_slot *s, const char *in, const char *out)
{
    struct json_object *ecs = encode(s, FDX_SCHEMA_ECS, NULL);
    struct json_object *pm = encode(s, FDX_SCHEMA_PMACCT, NULL);
    const char *got[4] = {path_str(ecs, "observer.ingress.interface.name"),
                          path_str(ecs, "observer.egress.interface.name"),
                          path_str(pm, "iface_in_name"), path_str(pm, "iface_out_name")};
    const char *want[4] = {in, out, in, out};
    for (int i = 0; i < 4; i++) {
        if (want[i] == NULL) {
            CHECK_TRUE(got[i] == NULL);
        } else {
            CHECK_TRUE(got[i] != NULL);
            if (got[i] != NULL) {
                CHECK_EQ_STR(got[i], want[i]);
            }
        }
    }
    json_object_put(ecs);
    json_object_put(pm);
}

/* ---- IPFIX ---- */
/* Options template 300: scope ingressInterface(4); interfaceName(32), interfaceDescription(32).
 * Data template 256: ingressInterface(4), egressInterface(4), octetDeltaCount(4). */
static void ipfix_templates(struct pb *p)
{
    set_begin(p, 3);
    p16(p, 300); p16(p, 3); p16(p, 1);
    p16(p, 10); p16(p, 4); p16(p, 82); p16(p, 32); p16(p, 83); p16(p, 32);
    set_end(p);
    set_begin(p, 2);
    p16(p, 256); p16(p, 3);
    p16(p, 10); p16(p, 4); p16(p, 14); p16(p, 4); p16(p, 1); p16(p, 4);
    set_end(p);
}
static void ipfix_names(struct env *e, uint32_t src, const uint32_t *idx, const char *const *name,
                        size_t n)
{
    struct pb p;
    ipfix_hdr(&p, e->seq++);
    ipfix_templates(&p);
    set_begin(&p, 300);
    for (size_t i = 0; i < n; i++) {
        p32(&p, idx[i]);
        pname(&p, name[i], 32);
        pname(&p, "description", 32);
    }
    set_end(&p);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(e, &p, src), n);
}
static struct fdx_slot *ipfix_flow(struct env *e, uint32_t src, uint32_t in, uint32_t out)
{
    struct pb p;
    ipfix_hdr(&p, e->seq++);
    set_begin(&p, 256);
    p32(&p, in); p32(&p, out); p32(&p, 1000);
    set_end(&p);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(e, &p, src), 1);
    return last(e);
}

static void test_ipfix_names_applied(void)
{
    struct env e;
    env_init(&e);
    /* A data record before any options data: no names. */
    struct pb p;
    ipfix_hdr(&p, e.seq++);
    ipfix_templates(&p);
    ipfix_fix_len(&p);
    feed(&e, &p, 0xc0000201);
    check_names(ipfix_flow(&e, 0xc0000201, 5, 6), NULL, NULL);

    const uint32_t idx[] = {5, 6};
    const char *const name[] = {"ge-0/0/5", "xe-1/0/6.100"};
    ipfix_names(&e, 0xc0000201, idx, name, 2);
    CHECK_EQ_U64(last(&e)->flow.kind, FDX_KIND_OPTIONS);
    check_names(ipfix_flow(&e, 0xc0000201, 5, 6), "ge-0/0/5", "xe-1/0/6.100");
    /* One index known, one not. */
    check_names(ipfix_flow(&e, 0xc0000201, 6, 9), "xe-1/0/6.100", NULL);
    check_names(ipfix_flow(&e, 0xc0000201, 9, 10), NULL, NULL);
    /* Another exporter has its own table: the same indexes have no name there. */
    struct pb t;
    ipfix_hdr(&t, 0);
    ipfix_templates(&t);
    ipfix_fix_len(&t);
    feed(&e, &t, 0xc0000202);
    check_names(ipfix_flow(&e, 0xc0000202, 5, 6), NULL, NULL);
    /* Renamed: the new name replaces the old one. */
    const uint32_t idx5[] = {5};
    const char *const renamed[] = {"ge-0/0/5-renamed"};
    ipfix_names(&e, 0xc0000201, idx5, renamed, 1);
    check_names(ipfix_flow(&e, 0xc0000201, 5, 6), "ge-0/0/5-renamed", "xe-1/0/6.100");
    CHECK_EQ_U64(fdx_counter_get(&e.c.ifname_overflow), 0);
    env_fini(&e);
}

/* A description alone (no interfaceName) names the interface; with both, the name wins. */
static void test_ipfix_description_fallback(void)
{
    struct env e;
    env_init(&e);
    struct pb p;
    ipfix_hdr(&p, 0);
    set_begin(&p, 3);
    p16(&p, 301); p16(&p, 2); p16(&p, 1);
    p16(&p, 14); p16(&p, 4); p16(&p, 83); p16(&p, 16); /* scope egressInterface */
    set_end(&p);
    set_begin(&p, 2);
    p16(&p, 256); p16(&p, 3);
    p16(&p, 10); p16(&p, 4); p16(&p, 14); p16(&p, 4); p16(&p, 1); p16(&p, 4);
    set_end(&p);
    set_begin(&p, 301);
    p32(&p, 12);
    pname(&p, "uplink", 16);
    set_end(&p);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 1);
    e.seq = 1;
    check_names(ipfix_flow(&e, 0xc0000201, 1, 12), NULL, "uplink");
    /* Both present (template 300): interfaceName, not the description. */
    const uint32_t idx[] = {12};
    const char *const name[] = {"et-0/0/12"};
    ipfix_names(&e, 0xc0000201, idx, name, 1);
    check_names(ipfix_flow(&e, 0xc0000201, 12, 1), "et-0/0/12", NULL);
    env_fini(&e);
}

/* The per-exporter bound: the name past FDX_IFNAMES_PER_EXPORTER is counted, not stored;
 * names already known can still be replaced. */
static void test_table_bound(void)
{
    struct env e;
    env_init(&e);
    static uint32_t idx[FDX_IFNAMES_PER_EXPORTER + 1];
    static char buf[FDX_IFNAMES_PER_EXPORTER + 1][16];
    static const char *name[FDX_IFNAMES_PER_EXPORTER + 1];
    for (unsigned i = 0; i <= FDX_IFNAMES_PER_EXPORTER; i++) {
        idx[i] = 1000 + i;
        snprintf(buf[i], sizeof(buf[i]), "if%u", 1000 + i);
        name[i] = buf[i];
    }
    /* 100 records a datagram (8 KiB builder). */
    for (unsigned i = 0; i <= FDX_IFNAMES_PER_EXPORTER; i += 100) {
        unsigned n = FDX_IFNAMES_PER_EXPORTER + 1 - i < 100 ? FDX_IFNAMES_PER_EXPORTER + 1 - i
                                                            : 100;
        e.b->n = 0;
        ipfix_names(&e, 0xc0000201, idx + i, name + i, n);
    }
    CHECK_EQ_U64(fdx_counter_get(&e.c.ifname_overflow), 1);
    e.b->n = 0;
    char want[16];
    snprintf(want, sizeof(want), "if%u", 1000 + FDX_IFNAMES_PER_EXPORTER - 1);
    check_names(ipfix_flow(&e, 0xc0000201, 1000, 1000 + FDX_IFNAMES_PER_EXPORTER - 1), "if1000",
                want);
    check_names(ipfix_flow(&e, 0xc0000201, 1000 + FDX_IFNAMES_PER_EXPORTER, 1), NULL, NULL);
    const uint32_t first[] = {1000};
    const char *const renamed[] = {"first"};
    ipfix_names(&e, 0xc0000201, first, renamed, 1);
    CHECK_EQ_U64(fdx_counter_get(&e.c.ifname_overflow), 1);
    check_names(ipfix_flow(&e, 0xc0000201, 1000, 1), "first", NULL);
    env_fini(&e);
}

/* The global bound: at most FDX_IFNAME_TABLES_MAX exporters get a table. */
static void test_global_bound(void)
{
    struct fdx_exporters *t = fdx_exporters_new(FDX_IFNAME_TABLES_MAX + 2);
    CHECK_TRUE(t != NULL);
    const uint8_t nm[] = "eth0";
    for (uint32_t i = 0; i < FDX_IFNAME_TABLES_MAX + 1; i++) {
        struct fdx_addr a;
        fdx_addr_set_v4_u32(&a, 0x0a000000u + i);
        struct fdx_exporter *x = fdx_exporter_get(t, &a, 0, FDX_PROTO_IPFIX, 0);
        CHECK_TRUE(x != NULL);
        int rc = fdx_exporter_learn_ifname(x, 1, nm, 4);
        CHECK_EQ_I64(rc, i < FDX_IFNAME_TABLES_MAX ? 0 : -ENOSPC);
        CHECK_TRUE((x->ifnames != NULL) == (i < FDX_IFNAME_TABLES_MAX));
    }
    fdx_exporters_free(t);
}

/* Names are cut to FDX_IFNAME_MAX bytes on a character boundary; control characters and
 * invalid UTF-8 become '?'; the NUL padding ends the name. */
static void test_clean(void)
{
    char out[FDX_IFNAME_MAX];
    uint8_t raw[200];
    memset(raw, 'a', sizeof(raw));
    CHECK_EQ_U64(fdx_ifname_clean(out, raw, sizeof(raw)), FDX_IFNAME_MAX);
    CHECK_EQ_U64(out[FDX_IFNAME_MAX - 1], 'a');
    /* 63 bytes then a 2-byte character: the character does not fit and is left out. */
    raw[FDX_IFNAME_MAX - 1] = 0xc3;
    raw[FDX_IFNAME_MAX] = 0xa9;
    CHECK_EQ_U64(fdx_ifname_clean(out, raw, sizeof(raw)), FDX_IFNAME_MAX - 1);
    const uint8_t mixed[] = {'e', 0xc3, 0xa9, 0x01, 0xff, 'x', 0xe2, 0x82, '\n', 0x7f, 0, 'z'};
    size_t n = fdx_ifname_clean(out, mixed, sizeof(mixed));
    CHECK_EQ_U64(n, 10);
    CHECK_MEM_EQ(out, "e\xc3\xa9??x????", 10);
    const uint8_t pad[8] = {0};
    CHECK_EQ_U64(fdx_ifname_clean(out, pad, sizeof(pad)), 0);
}

/* A long name on the wire reaches the document truncated; an empty (all-NUL) name is not
 * learnt. */
static void test_long_and_empty_names(void)
{
    struct env e;
    env_init(&e);
    struct pb p;
    ipfix_hdr(&p, 0);
    set_begin(&p, 3);
    p16(&p, 302); p16(&p, 2); p16(&p, 1);
    p16(&p, 10); p16(&p, 4); p16(&p, 82); p16(&p, 0xffff); /* variable-length name */
    set_end(&p);
    set_begin(&p, 2);
    p16(&p, 256); p16(&p, 3);
    p16(&p, 10); p16(&p, 4); p16(&p, 14); p16(&p, 4); p16(&p, 1); p16(&p, 4);
    set_end(&p);
    set_begin(&p, 302);
    p32(&p, 40);
    p8(&p, 100);
    for (int i = 0; i < 100; i++) {
        p8(&p, (uint32_t)('0' + i % 10));
    }
    p32(&p, 41);
    p8(&p, 0);
    set_end(&p);
    ipfix_fix_len(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000201), 2);
    e.seq = 1;
    char want[FDX_IFNAME_MAX + 1];
    for (int i = 0; i < FDX_IFNAME_MAX; i++) {
        want[i] = (char)('0' + i % 10);
    }
    want[FDX_IFNAME_MAX] = 0;
    check_names(ipfix_flow(&e, 0xc0000201, 40, 41), want, NULL);
    env_fini(&e);
}

/* The operator's tags.interfaces name (an enrichment string) wins over the exporter's. */
static void test_operator_name_wins(void)
{
    struct env e;
    env_init(&e);
    struct pb p;
    ipfix_hdr(&p, e.seq++);
    ipfix_templates(&p);
    ipfix_fix_len(&p);
    feed(&e, &p, 0xc0000201);
    const uint32_t idx[] = {5, 6};
    const char *const name[] = {"exp-in", "exp-out"};
    ipfix_names(&e, 0xc0000201, idx, name, 2);
    struct fdx_slot *s = ipfix_flow(&e, 0xc0000201, 5, 6);
    /* Routing a record between workers keeps its names. */
    struct fdx_batch *b2 = fdx_batch_new(1);
    fdx_batch_copy_slot(b2, s);
    check_names(&b2->slot[0], "exp-in", "exp-out");
    fdx_batch_free(b2);
    struct fdx_intern *st = fdx_intern_new(16, 1024);
    s->enr.in_if_name = fdx_intern_get(st, "operator-in", 11);
    s->enr.present |= FDX_EBIT(FDX_E_IN_IF_NAME);
    struct json_object *ecs = encode(s, FDX_SCHEMA_ECS, st);
    struct json_object *pm = encode(s, FDX_SCHEMA_PMACCT, st);
    CHECK_EQ_STR(path_str(ecs, "observer.ingress.interface.name"), "operator-in");
    CHECK_EQ_STR(path_str(ecs, "observer.egress.interface.name"), "exp-out");
    CHECK_EQ_STR(path_str(pm, "iface_in_name"), "operator-in");
    CHECK_EQ_STR(path_str(pm, "iface_out_name"), "exp-out");
    json_object_put(ecs);
    json_object_put(pm);
    fdx_intern_free(st);
    env_fini(&e);
}

/* A reused slot holds the previous record's name bytes; without the presence bits they are
 * not written. */
static void test_reused_slot(void)
{
    struct env e;
    env_init(&e);
    struct pb p;
    ipfix_hdr(&p, e.seq++);
    ipfix_templates(&p);
    ipfix_fix_len(&p);
    feed(&e, &p, 0xc0000201);
    const uint32_t idx[] = {5};
    const char *const name[] = {"stale"};
    ipfix_names(&e, 0xc0000201, idx, name, 1);
    e.b->n = 0;
    check_names(ipfix_flow(&e, 0xc0000201, 5, 5), "stale", "stale");
    e.b->n = 0;
    struct fdx_slot *s = ipfix_flow(&e, 0xc0000201, 8, 9);
    CHECK_EQ_U64(s->ifn.in_len, 5); /* the bytes are still there … */
    check_names(s, NULL, NULL);     /* … but not written */
    env_fini(&e);
}

/* ---- NetFlow v9 ---- */
/* Options template 260: scope Interface(4); IF_NAME(82, 16). Data template 261:
 * INPUT_SNMP(2), OUTPUT_SNMP(2), IN_BYTES(4). */
static void test_nf9_names_applied(void)
{
    struct env e;
    env_init(&e);
    struct pb p;
    nf9_hdr(&p, 4, 0);
    set_begin(&p, 1);
    p16(&p, 260); p16(&p, 4); p16(&p, 4);
    p16(&p, 2); p16(&p, 4); /* scope: Interface */
    p16(&p, 82); p16(&p, 16);
    set_end(&p);
    set_begin(&p, 0);
    p16(&p, 261); p16(&p, 3);
    p16(&p, 10); p16(&p, 2); p16(&p, 14); p16(&p, 2); p16(&p, 1); p16(&p, 4);
    set_end(&p);
    set_begin(&p, 260);
    p32(&p, 3);
    pname(&p, "Gi0/3", 16);
    p32(&p, 4);
    pname(&p, "Gi0/4", 16);
    set_end(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000263), 2);
    nf9_hdr(&p, 2, 1);
    set_begin(&p, 261);
    p16(&p, 3); p16(&p, 4); p32(&p, 100);
    p16(&p, 4); p16(&p, 77); p32(&p, 100);
    set_end(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000263), 2);
    check_names(&e.b->slot[e.b->n - 2], "Gi0/3", "Gi0/4");
    check_names(&e.b->slot[e.b->n - 1], "Gi0/4", NULL);
    /* INPUT_SNMP as a plain options field names the interface too; a rename replaces. */
    nf9_hdr(&p, 2, 2);
    set_begin(&p, 1);
    p16(&p, 262); p16(&p, 4); p16(&p, 8);
    p16(&p, 1); p16(&p, 4); /* scope: System */
    p16(&p, 10); p16(&p, 4); p16(&p, 82); p16(&p, 16);
    set_end(&p);
    set_begin(&p, 262);
    p32(&p, 0); p32(&p, 3);
    pname(&p, "Gi0/3-new", 16);
    set_end(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000263), 1);
    nf9_hdr(&p, 1, 3);
    set_begin(&p, 261);
    p16(&p, 77); p16(&p, 3); p32(&p, 100);
    set_end(&p);
    CHECK_EQ_U64(feed(&e, &p, 0xc0000263), 1);
    check_names(last(&e), NULL, "Gi0/3-new");
    CHECK_EQ_U64(fdx_counter_get(&e.c.ifname_overflow), 0);
    env_fini(&e);
}

TEST_LIST{
    {"ipfix_names_applied", test_ipfix_names_applied},
    {"ipfix_description_fallback", test_ipfix_description_fallback},
    {"table_bound", test_table_bound},
    {"global_bound", test_global_bound},
    {"clean", test_clean},
    {"long_and_empty_names", test_long_and_empty_names},
    {"operator_name_wins", test_operator_name_wins},
    {"reused_slot", test_reused_slot},
    {"nf9_names_applied", test_nf9_names_applied},
};
CHECK_MAIN()
