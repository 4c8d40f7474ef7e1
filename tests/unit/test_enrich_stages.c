/* The stages that need no MMDB: filter, prefix_table, asorg, tags, anonymize, community_id
 * on records, the lookup cache, and reload keeping the old state on failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anonymize.h"
#include "asorg.h"
#include "check.h"
#include "community_id.h"
#include "enrich_testlib.h"
#include "enrich_util.h"
#include "lookup_cache.h"
#include "prefix_table.h"

static uint64_t drops(const struct tenv *t, enum fdx_drop why)
{
    return fdx_counter_get(&t->counters->record_drop[why]);
}

static void test_filter_private(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "filter", "{\"max_future\": 0}", &t.env, &err), 0);
    tflow(t.batch, "10.1.2.3", 1, "8.8.8.8", 53, 17);          /* private source */
    tflow(t.batch, "8.8.8.8", 53, "192.168.1.1", 1, 17);       /* private destination */
    tflow(t.batch, "8.8.8.8", 53, "1.1.1.1", 1, 17);           /* public: kept */
    tflow(t.batch, "fd00::1", 1, "2001:db8:1::1", 1, 17);      /* ULA */
    tflow(t.batch, "2001:db8:1::1", 1, "2a00:1450::1", 443, 6); /* public v6: kept */
    tflow(t.batch, "8.8.8.8", 1, "239.1.1.1", 5000, 17);       /* multicast kept by default */
    s.ops->process(s.self, t.batch);
    CHECK_EQ_U64(t.batch->slot[0].dropped, FDX_DROP_FILTER_PRIVATE);
    CHECK_EQ_U64(t.batch->slot[1].dropped, FDX_DROP_FILTER_PRIVATE);
    CHECK_EQ_U64(t.batch->slot[2].dropped, 0);
    CHECK_EQ_U64(t.batch->slot[3].dropped, FDX_DROP_FILTER_PRIVATE);
    CHECK_EQ_U64(t.batch->slot[4].dropped, 0);
    CHECK_EQ_U64(t.batch->slot[5].dropped, 0);
    CHECK_EQ_U64(drops(&t, FDX_DROP_FILTER_PRIVATE), 3);
    tstage_close(&s);

    /* private_match "both" and a custom list. */
    t.batch->n = 0;
    CHECK_EQ_I64(tstage_open(&s, "filter",
                             "{\"private_match\": \"both\", \"private_networks\": "
                             "[\"10.0.0.0/8\", \"2001:db8::/32\"]}",
                             &t.env, &err),
                 0);
    tflow(t.batch, "10.1.2.3", 1, "8.8.8.8", 53, 17);
    tflow(t.batch, "10.1.2.3", 1, "10.9.9.9", 53, 17);
    tflow(t.batch, "2001:db8::1", 1, "2001:db8::2", 53, 17);
    tflow(t.batch, "192.168.1.1", 1, "192.168.1.2", 53, 17);
    s.ops->process(s.self, t.batch);
    CHECK_EQ_U64(t.batch->slot[0].dropped, 0);
    CHECK_EQ_U64(t.batch->slot[1].dropped, FDX_DROP_FILTER_PRIVATE);
    CHECK_EQ_U64(t.batch->slot[2].dropped, FDX_DROP_FILTER_PRIVATE);
    CHECK_EQ_U64(t.batch->slot[3].dropped, 0);
    CHECK_EQ_U64(drops(&t, FDX_DROP_FILTER_PRIVATE), 5);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_filter_time(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "filter",
                             "{\"drop_private\": false, \"max_age\": \"1h\", \"max_future\": "
                             "\"10s\"}",
                             &t.env, &err),
                 0);
    const int64_t recv = 1795353244000;
    const int64_t end[] = {recv - 3600000 - 1, recv - 3600000, recv + 10000, recv + 10001, recv};
    for (unsigned i = 0; i < 5; i++) {
        struct fdx_slot *sl = tflow(t.batch, "8.8.8.8", 1, "1.1.1.1", 2, 6);
        sl->flow.recv_ms = recv;
        sl->flow.end_ms = end[i];
        sl->flow.start_ms = end[i] - 1000;
        sl->flow.present |= FDX_BIT(FDX_F_START) | FDX_BIT(FDX_F_END);
    }
    /* A record with no times passes. */
    tflow(t.batch, "8.8.8.8", 1, "1.1.1.1", 2, 6)->flow.recv_ms = recv;
    s.ops->process(s.self, t.batch);
    CHECK_EQ_U64(t.batch->slot[0].dropped, FDX_DROP_FILTER_TOO_OLD);
    CHECK_EQ_U64(t.batch->slot[1].dropped, 0);
    CHECK_EQ_U64(t.batch->slot[2].dropped, 0);
    CHECK_EQ_U64(t.batch->slot[3].dropped, FDX_DROP_FILTER_FUTURE);
    CHECK_EQ_U64(t.batch->slot[4].dropped, 0);
    CHECK_EQ_U64(t.batch->slot[5].dropped, 0);
    CHECK_EQ_U64(drops(&t, FDX_DROP_FILTER_TOO_OLD), 1);
    CHECK_EQ_U64(drops(&t, FDX_DROP_FILTER_FUTURE), 1);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_filter_exporters(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "filter",
                             "{\"drop_private\": false, \"exporters_allow\": [\"192.0.2.0/24\", "
                             "\"2001:db8:ff::/48\"], \"exporters_deny\": [\"192.0.2.66\"]}",
                             &t.env, &err),
                 0);
    const char *exp[] = {"192.0.2.1", "192.0.2.66", "198.51.100.1", "2001:db8:ff::9", "::1"};
    for (unsigned i = 0; i < 5; i++) {
        fdx_addr_parse(exp[i], &tflow(t.batch, "8.8.8.8", 1, "1.1.1.1", 2, 6)->flow.exporter);
    }
    t.batch->slot[4].dropped = FDX_DROP_FILTERED; /* already removed: not counted again */
    s.ops->process(s.self, t.batch);
    CHECK_EQ_U64(t.batch->slot[0].dropped, 0);
    CHECK_EQ_U64(t.batch->slot[1].dropped, FDX_DROP_FILTER_EXPORTER);
    CHECK_EQ_U64(t.batch->slot[2].dropped, FDX_DROP_FILTER_EXPORTER);
    CHECK_EQ_U64(t.batch->slot[3].dropped, 0);
    CHECK_EQ_U64(drops(&t, FDX_DROP_FILTER_EXPORTER), 2);
    CHECK_EQ_U64(drops(&t, FDX_DROP_FILTERED), 0);
    /* A bad reload keeps the old rules. */
    CHECK_TRUE(tstage_reload(&s, "{\"exporters_deny\": [\"not-an-address\"]}", &err) != 0);
    CHECK_TRUE(strstr(err.msg, "not-an-address") != NULL);
    t.batch->n = 0;
    fdx_addr_parse("198.51.100.1", &tflow(t.batch, "8.8.8.8", 1, "1.1.1.1", 2, 6)->flow.exporter);
    s.ops->process(s.self, t.batch);
    CHECK_EQ_U64(t.batch->slot[0].dropped, FDX_DROP_FILTER_EXPORTER);
    tstage_close(&s);
    /* Bad configuration is refused at init with a message naming the key. */
    CHECK_TRUE(tstage_open(&s, "filter", "{\"private_networks\": [\"10.0.0.0/99\"]}", &t.env,
                           &err) != 0);
    CHECK_TRUE(strstr(err.msg, "private_networks") != NULL);
    tstage_close(&s);
    tenv_fini(&t);
}

static const char ptable_csv[] = "# member organisations\n"
                                 "prefix,organization.name,organization.id\n"
                                 "10.0.0.0/8,Big Net,1\n"
                                 "10.1.0.0/16,\"Campus, North\",2\n"
                                 "10.1.2.0/24,Lab,3\n"
                                 "10.1.2.128/25,,4\n"
                                 "2001:db8::/32,V6 Org,5\n"
                                 "2001:db8:1::/48,V6 Site,6\n"
                                 "0.0.0.0/0,Internet,0\n";

static void test_prefix_table_longest_match(void)
{
    struct fdx_err err = {{0}};
    struct fdx_ptable *t = fdx_ptable_parse(ptable_csv, strlen(ptable_csv), "t.csv", 100, &err);
    CHECK_TRUE(t != NULL);
    if (t == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    CHECK_EQ_U64(fdx_ptable_count(t), 7);
    CHECK_EQ_U64(fdx_ptable_ncols(t), 2);
    CHECK_EQ_STR(fdx_ptable_col_name(t, 0), "organization.name");
    const struct {
        const char *addr, *name, *id;
    } cases[] = {
        {"10.200.0.1", "Big Net", "1"},   {"10.1.9.9", "Campus, North", "2"},
        {"10.1.2.3", "Lab", "3"},         {"10.1.2.200", NULL, "4"},
        {"2001:db8:2::1", "V6 Org", "5"}, {"2001:db8:1:ffff::1", "V6 Site", "6"},
        {"8.8.8.8", "Internet", "0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fdx_addr a;
        fdx_addr_parse(cases[i].addr, &a);
        long row = fdx_ptable_lookup(t, &a);
        CHECK_TRUE(row >= 0);
        size_t len = 0;
        const char *v = fdx_ptable_value(t, row, 0, &len);
        char buf[64] = "";
        if (v != NULL) {
            snprintf(buf, sizeof(buf), "%.*s", (int)len, v);
        }
        if (cases[i].name == NULL) {
            CHECK_TRUE(v == NULL);
        } else {
            CHECK_EQ_STR(buf, cases[i].name);
        }
        v = fdx_ptable_value(t, row, 1, &len);
        CHECK_TRUE(v != NULL && len == strlen(cases[i].id) && memcmp(v, cases[i].id, len) == 0);
    }
    struct fdx_addr a;
    fdx_addr_parse("2a00::1", &a);
    CHECK_EQ_I64(fdx_ptable_lookup(t, &a), -1); /* ::/0 is not in the table, 0.0.0.0/0 is v4 */
    fdx_ptable_free(t);
    const char *bad = "prefix,x\n10.0.0.0/33,y\n";
    CHECK_TRUE(fdx_ptable_parse(bad, strlen(bad), "bad.csv", 100, &err) == NULL);
    CHECK_TRUE(strstr(err.msg, "row 1") != NULL);
}

static void test_prefix_table_stage_and_reload(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    char path[256], cfg[512];
    snprintf(path, sizeof(path), "%s/members.csv", FDX_ENRICH_DATA);
    twrite(path, ptable_csv);
    snprintf(cfg, sizeof(cfg), "{\"file\": \"%s\"}", path);
    CHECK_EQ_I64(tstage_open(&s, "prefix_table", cfg, &t.env, &err), 0);
    struct fdx_slot *sl = tflow(t.batch, "10.1.2.3", 1, "2001:db8:1::5", 2, 6);
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(tlabel(&t, sl, "source.organization.name"), "Lab");
    CHECK_EQ_STR(tlabel(&t, sl, "source.organization.id"), "3");
    CHECK_EQ_STR(tlabel(&t, sl, "destination.organization.name"), "V6 Site");
    /* SIGHUP: the file changed; a broken file is refused and the old table kept. */
    twrite(path, "prefix,organization.name\n10.1.2.0/24,Renamed Lab\n");
    CHECK_EQ_I64(tstage_reload(&s, cfg, &err), 0);
    t.batch->n = 0;
    sl = tflow(t.batch, "10.1.2.3", 1, "10.200.0.1", 2, 6);
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(tlabel(&t, sl, "source.organization.name"), "Renamed Lab");
    CHECK_EQ_STR(tlabel(&t, sl, "destination.organization.name"), "");
    twrite(path, "garbage\n");
    CHECK_TRUE(tstage_reload(&s, cfg, &err) != 0);
    t.batch->n = 0;
    sl = tflow(t.batch, "10.1.2.3", 1, "10.200.0.1", 2, 6);
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(tlabel(&t, sl, "source.organization.name"), "Renamed Lab");
    tstage_close(&s);
    tenv_fini(&t);
}

static const char caida[] =
    "# name: AS Org\n"
    "# format:org_id|changed|org_name|country|source\n"
    "LVLT-ARIN|20120130|Level 3 Communications, Inc.|US|ARIN\n"
    "SUNET-ORG|20200101|Vetenskapsradet / SUNET|SE|RIPE\n"
    "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
    "1|20120224|LVLT-1|LVLT-ARIN|e5e3b9c13678dfc483fb1f819d70883c_ARIN|ARIN\n"
    "1653|20200101|SUNET|SUNET-ORG|x|RIPE\n"
    "64999|20200101|ORPHAN-AS|NO-SUCH-ORG|x|RIPE\n";

static void test_asorg_caida_format(void)
{
    struct fdx_err err = {{0}};
    struct fdx_asorg_table *t = fdx_asorg_parse(caida, strlen(caida), "caida.txt", &err);
    CHECK_TRUE(t != NULL);
    if (t == NULL) {
        return;
    }
    CHECK_EQ_U64(fdx_asorg_count(t), 3);
    size_t len = 0;
    const char *n = fdx_asorg_find(t, 1653, &len);
    CHECK_TRUE(n != NULL && len == 23 && memcmp(n, "Vetenskapsradet / SUNET", 23) == 0);
    n = fdx_asorg_find(t, 1, &len);
    CHECK_TRUE(n != NULL && len == 28 && memcmp(n, "Level 3 Communications, Inc.", 28) == 0);
    n = fdx_asorg_find(t, 64999, &len); /* unknown org id: the AS name */
    CHECK_TRUE(n != NULL && len == 9 && memcmp(n, "ORPHAN-AS", 9) == 0);
    CHECK_TRUE(fdx_asorg_find(t, 2, &len) == NULL);
    fdx_asorg_table_free(t);
    CHECK_TRUE(fdx_asorg_parse("hello\n", 6, "x", &err) == NULL);

    /* As a stage: the record's AS, or the one the asn stage looked up. */
    struct tenv te;
    struct tstage s;
    tenv_init(&te);
    char path[256], cfg[512];
    snprintf(path, sizeof(path), "%s/as-org2info.txt", FDX_ENRICH_DATA);
    twrite(path, caida);
    snprintf(cfg, sizeof(cfg), "{\"file\": \"%s\"}", path);
    CHECK_EQ_I64(tstage_open(&s, "asorg", cfg, &te.env, &err), 0);
    struct fdx_slot *sl = tflow(te.batch, "8.8.8.8", 1, "1.1.1.1", 2, 6);
    sl->flow.src_as = 1653;
    sl->flow.present |= FDX_BIT(FDX_F_SRC_AS);
    sl->enr.dst_as = 1;
    sl->enr.present |= FDX_EBIT(FDX_E_DST_AS);
    s.ops->process(s.self, te.batch);
    CHECK_EQ_STR(tstr(&te, sl->enr.src_as_org), "Vetenskapsradet / SUNET");
    CHECK_EQ_STR(tstr(&te, sl->enr.dst_as_org), "Level 3 Communications, Inc.");
    CHECK_TRUE(sl->enr.present & FDX_EBIT(FDX_E_SRC_AS_ORG));
    tstage_close(&s);
    tenv_fini(&te);
}

static void test_tags(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    const char *cfg =
        "{\"sensors\": {\"192.0.2.1\": \"rtr1.nyc.example.net\", \"192.0.2.2\": "
        "\"tap-ams-1\"},"
        " \"sensor_rules\": [{\"match\": \"^rtr\", \"fields\": {\"observer.type\": \"router\", "
        "\"labels.sensor_group\": \"backbone\"}}, {\"match\": \"\\\\.nyc\\\\.\", \"fields\": "
        "{\"labels.site\": \"nyc\"}}, {\"match\": \"^tap\", \"fields\": {\"observer.type\": "
        "\"tap\"}}],"
        " \"interfaces\": {\"192.0.2.1\": {\"7\": \"xe-0/0/7\", \"8\": \"xe-0/0/8\"}},"
        " \"home_countries\": [\"US\", \"CA\"],"
        " \"port_tags\": {\"5201\": \"network_testing\", \"5001\": \"network_testing\"}}";
    CHECK_EQ_I64(tstage_open(&s, "tags", cfg, &t.env, &err), 0);
    if (s.self == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        tenv_fini(&t);
        return;
    }
    struct fdx_slot *a = tflow(t.batch, "8.8.8.8", 40000, "1.1.1.1", 5201, 6);
    a->flow.in_if = 7;
    a->flow.out_if = 9;
    a->flow.present |= FDX_BIT(FDX_F_IN_IF) | FDX_BIT(FDX_F_OUT_IF);
    struct fdx_slot *b = tflow(t.batch, "8.8.8.8", 80, "1.1.1.1", 40000, 6);
    fdx_addr_parse("192.0.2.2", &b->flow.exporter);
    struct fdx_slot *c = tflow(t.batch, "8.8.8.8", 80, "1.1.1.1", 40000, 6);
    fdx_addr_parse("192.0.2.99", &c->flow.exporter);
    /* Country scope from geo results. */
    const char *pairs[3][2] = {{"US", "CA"}, {"US", "SE"}, {"SE", "DE"}};
    struct fdx_slot *g[3];
    for (unsigned i = 0; i < 3; i++) {
        g[i] = tflow(t.batch, "8.8.8.8", 1, "1.1.1.1", 2, 17);
        g[i]->enr.src_geo.country_iso = fdx_intern_get(t.strings, pairs[i][0], 2);
        g[i]->enr.dst_geo.country_iso = fdx_intern_get(t.strings, pairs[i][1], 2);
        g[i]->enr.present |= FDX_EBIT(FDX_E_SRC_GEO) | FDX_EBIT(FDX_E_DST_GEO);
    }
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(tstr(&t, a->enr.sensor), "rtr1.nyc.example.net");
    CHECK_EQ_STR(tlabel(&t, a, "observer.type"), "router");
    CHECK_EQ_STR(tlabel(&t, a, "labels.sensor_group"), "backbone");
    CHECK_EQ_STR(tlabel(&t, a, "labels.site"), "nyc");
    CHECK_EQ_STR(tstr(&t, a->enr.in_if_name), "xe-0/0/7");
    CHECK_TRUE((a->enr.present & FDX_EBIT(FDX_E_OUT_IF_NAME)) == 0); /* ifIndex 9 unknown */
    CHECK_EQ_STR(tlabel(&t, a, "tags"), "network_testing");
    CHECK_EQ_STR(tstr(&t, b->enr.sensor), "tap-ams-1");
    CHECK_EQ_STR(tlabel(&t, b, "observer.type"), "tap");
    CHECK_EQ_STR(tlabel(&t, b, "labels.site"), "");
    CHECK_EQ_STR(tlabel(&t, b, "tags"), "");
    CHECK_TRUE((c->enr.present & FDX_EBIT(FDX_E_SENSOR)) == 0);
    CHECK_EQ_STR(tstr(&t, g[0]->enr.country_scope), "domestic");
    CHECK_EQ_STR(tstr(&t, g[1]->enr.country_scope), "mixed");
    CHECK_EQ_STR(tstr(&t, g[2]->enr.country_scope), "international");
    tstage_close(&s);
    CHECK_TRUE(tstage_open(&s, "tags", "{\"sensor_rules\": [{\"match\": \"(\", \"fields\": {}}]}",
                           &t.env, &err) != 0);
    CHECK_TRUE(strstr(err.msg, "sensor_rules[0].match") != NULL);
    tstage_close(&s);
    CHECK_TRUE(tstage_open(&s, "tags", "{\"port_tag_field\": \"source.ip\"}", &t.env, &err) != 0);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_anonymize_truncate(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "anonymize", NULL, &t.env, &err), 0);
    struct fdx_slot *a = tflow(t.batch, "198.51.100.77", 1, "2001:db8:1:2:3:4:5:6", 2, 6);
    a->flow.next_hop = a->flow.src;
    a->flow.present |= FDX_BIT(FDX_F_NEXT_HOP);
    s.ops->process(s.self, t.batch);
    char text[FDX_ADDR_STRLEN];
    fdx_addr_format(&a->flow.src, text);
    CHECK_EQ_STR(text, "198.51.100.0");
    fdx_addr_format(&a->flow.dst, text);
    CHECK_EQ_STR(text, "2001:db8:1:2::");
    fdx_addr_format(&a->flow.next_hop, text); /* not in the default address list */
    CHECK_EQ_STR(text, "198.51.100.77");
    CHECK_EQ_U64(a->enr.anonymized, FDX_ANON_SRC_ADDR | FDX_ANON_DST_ADDR);
    CHECK_EQ_U64(a->enr.anon_mode, FDX_ANON_MODE_TRUNCATE);
    tstage_close(&s);

    t.batch->n = 0;
    CHECK_EQ_I64(tstage_open(&s, "anonymize",
                             "{\"ipv4_prefix\": 16, \"ipv6_prefix\": 48, \"addresses\": "
                             "[\"destination\", \"next_hop\"]}",
                             &t.env, &err),
                 0);
    a = tflow(t.batch, "198.51.100.77", 1, "203.0.113.9", 2, 6);
    fdx_addr_parse("2001:db8:1:2::1", &a->flow.next_hop);
    a->flow.present |= FDX_BIT(FDX_F_NEXT_HOP);
    s.ops->process(s.self, t.batch);
    fdx_addr_format(&a->flow.src, text);
    CHECK_EQ_STR(text, "198.51.100.77");
    fdx_addr_format(&a->flow.dst, text);
    CHECK_EQ_STR(text, "203.0.0.0");
    fdx_addr_format(&a->flow.next_hop, text);
    CHECK_EQ_STR(text, "2001:db8:1::");
    CHECK_EQ_U64(a->enr.anonymized, FDX_ANON_DST_ADDR | FDX_ANON_NEXT_HOP);
    tstage_close(&s);
    CHECK_TRUE(tstage_open(&s, "anonymize", "{\"addresses\": [\"everything\"]}", &t.env,
                           &err) != 0);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_anonymize_cryptopan(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    char path[256], cfg[512];
    snprintf(path, sizeof(path), "%s/cryptopan.key", FDX_ENRICH_DATA);
    /* The reference implementation's sample key, as hex. */
    twrite(path, "15221 78d33a4cf80130a5b16499 07d10d8988f8379796527625 74c2d2a842202\n");
    snprintf(cfg, sizeof(cfg), "{\"mode\": \"cryptopan\", \"key_file\": \"%s\"}", path);
    CHECK_TRUE(tstage_open(&s, "anonymize", cfg, &t.env, &err) != 0); /* not 64 hex digits */
    CHECK_TRUE(strstr(err.msg, "64 hex digits") != NULL);
    tstage_close(&s);
    twrite(path, "1522178d33a4cf80130a5b1649907d10d8988f83797965276257 4c2d2a842202");
    CHECK_TRUE(tstage_open(&s, "anonymize", cfg, &t.env, &err) != 0);
    tstage_close(&s);
    twrite(path, "1522178d33a4cf80130a5b1649907d10d8988f8379796527625742d2a842202\n");
    CHECK_TRUE(tstage_open(&s, "anonymize", cfg, &t.env, &err) != 0); /* 63 digits */
    tstage_close(&s);
    twrite(path, "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202\n");
    CHECK_EQ_I64(tstage_open(&s, "anonymize", cfg, &t.env, &err), 0);
    struct fdx_slot *a = tflow(t.batch, "128.11.68.132", 1, "192.41.57.43", 2, 6);
    struct fdx_slot *b = tflow(t.batch, "128.11.68.132", 1, "193.150.244.223", 2, 6);
    s.ops->process(s.self, t.batch);
    char text[FDX_ADDR_STRLEN];
    fdx_addr_format(&a->flow.src, text);
    CHECK_EQ_STR(text, "135.242.180.132");
    fdx_addr_format(&a->flow.dst, text);
    CHECK_EQ_STR(text, "252.222.221.184");
    fdx_addr_format(&b->flow.src, text); /* second time: from the cache */
    CHECK_EQ_STR(text, "135.242.180.132");
    fdx_addr_format(&b->flow.dst, text);
    CHECK_EQ_STR(text, "253.169.52.216");
    CHECK_EQ_U64(a->enr.anon_mode, FDX_ANON_MODE_CRYPTOPAN);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_anonymize_redaction(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "anonymize",
                             "{\"mode\": \"none\", \"redact_as\": [64500], \"redact_countries\": "
                             "[\"KP\"], \"redact_value\": \"Hidden\"}",
                             &t.env, &err),
                 0);
    struct fdx_slot *a = tflow(t.batch, "198.51.100.7", 1, "203.0.113.9", 2, 6);
    a->flow.dst_as = 64500;
    a->flow.present |= FDX_BIT(FDX_F_DST_AS);
    a->enr.dst_as_org = fdx_intern_get(t.strings, "Secret Org", 10);
    a->enr.present |= FDX_EBIT(FDX_E_DST_AS_ORG);
    fdx_enr_label_set(&a->enr, fdx_intern_get(t.strings, "destination.organization.name", 29),
                      fdx_intern_get(t.strings, "Secret Member", 13));
    struct fdx_slot *b = tflow(t.batch, "2001:db8::1", 1, "2001:db8::2", 2, 6);
    b->enr.src_geo.country_iso = fdx_intern_get(t.strings, "KP", 2);
    b->enr.src_geo.city_name = fdx_intern_get(t.strings, "Pyongyang", 9);
    b->enr.src_geo.has_location = true;
    b->enr.present |= FDX_EBIT(FDX_E_SRC_GEO);
    struct fdx_slot *c = tflow(t.batch, "198.51.100.7", 1, "203.0.113.9", 2, 6);
    s.ops->process(s.self, t.batch);
    char text[FDX_ADDR_STRLEN];
    fdx_addr_format(&a->flow.src, text);
    CHECK_EQ_STR(text, "0.0.0.0");
    fdx_addr_format(&a->flow.dst, text);
    CHECK_EQ_STR(text, "0.0.0.0");
    CHECK_EQ_STR(tstr(&t, a->enr.dst_as_org), "Hidden");
    CHECK_EQ_STR(tstr(&t, a->enr.src_as_org), "Hidden");
    CHECK_EQ_STR(tlabel(&t, a, "destination.organization.name"), "Hidden");
    CHECK_TRUE(a->enr.anonymized & FDX_ANON_REDACTED);
    fdx_addr_format(&b->flow.dst, text);
    CHECK_EQ_STR(text, "::");
    CHECK_EQ_U64(b->enr.src_geo.city_name, 0);
    CHECK_TRUE(!b->enr.src_geo.has_location);
    CHECK_EQ_STR(tstr(&t, b->enr.src_geo.country_iso), "KP"); /* country stays */
    fdx_addr_format(&c->flow.src, text);
    CHECK_EQ_STR(text, "198.51.100.7"); /* mode none: untouched */
    CHECK_EQ_U64(c->enr.anonymized, 0);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_community_id_stage(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "community_id", NULL, &t.env, &err), 0);
    struct fdx_slot *a = tflow(t.batch, "5.6.7.8", 3344, "1.2.3.4", 1122, 6);
    /* NetFlow v5 ICMP: type/code in the destination port. */
    struct fdx_slot *b = tflow(t.batch, "1.2.3.4", 0, "5.6.7.8", 8 << 8, 1);
    struct fdx_slot *c = tflow(t.batch, "1.2.3.4", 0, "5.6.7.8", 0, 1);
    c->flow.icmp_type = 11;
    c->flow.present |= FDX_BIT(FDX_F_ICMP);
    struct fdx_slot *d = tflow(t.batch, "1.2.3.4", 0, "::1", 0, 6); /* mixed families */
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(a->enr.community_id, "1:wCb3OG7yAFWelaUydu0D+125CLM=");
    CHECK_EQ_STR(b->enr.community_id, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
    CHECK_EQ_STR(c->enr.community_id, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=");
    CHECK_TRUE((d->enr.present & FDX_EBIT(FDX_E_COMMUNITY_ID)) == 0);
    tstage_close(&s);
    CHECK_EQ_I64(tstage_open(&s, "community_id", "{\"seed\": 1}", &t.env, &err), 0);
    t.batch->n = 0;
    a = tflow(t.batch, "1.2.3.4", 1122, "5.6.7.8", 3344, 17);
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(a->enr.community_id, "1:OShq+iKDAMVouh/4bMxB9Sz4amw=");
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_lookup_cache_bounded_lru(void)
{
    struct fdx_lcache *c = fdx_lcache_new(3, sizeof(uint32_t)); /* one set of 3 ways */
    struct fdx_addr k[4];
    for (unsigned i = 0; i < 4; i++) {
        fdx_addr_set_v4_u32(&k[i], 0x0a000001u + i);
    }
    for (unsigned i = 0; i < 3; i++) {
        *(uint32_t *)fdx_lcache_put(c, &k[i]) = i;
    }
    CHECK_TRUE(fdx_lcache_get(c, &k[0]) != NULL); /* k[0] becomes most recent */
    *(uint32_t *)fdx_lcache_put(c, &k[3]) = 3;    /* evicts k[1], the least recent */
    CHECK_TRUE(fdx_lcache_get(c, &k[1]) == NULL);
    uint32_t *v = fdx_lcache_get(c, &k[0]);
    CHECK_TRUE(v != NULL && *v == 0);
    v = fdx_lcache_get(c, &k[2]);
    CHECK_TRUE(v != NULL && *v == 2);
    v = fdx_lcache_get(c, &k[3]);
    CHECK_TRUE(v != NULL && *v == 3);
    CHECK_EQ_U64(fdx_lcache_hits(c), 4);
    CHECK_EQ_U64(fdx_lcache_misses(c), 1);
    fdx_lcache_clear(c);
    CHECK_TRUE(fdx_lcache_get(c, &k[0]) == NULL);
    fdx_lcache_free(c);
}

/* The network level answers the other addresses of a /24 (/48) only for a value shared as
 * holding for the whole /24 (/48) or wider. */
static void test_lookup_cache_networks(void)
{
    struct fdx_lcache *c = fdx_lcache_new(64, sizeof(uint32_t));
    CHECK_EQ_I64(fdx_lcache_enable_networks(c), 0);
    struct fdx_addr a, b, x, y;
    fdx_addr_parse("203.0.113.5", &a);
    fdx_addr_parse("203.0.113.200", &b);
    fdx_addr_parse("2001:db8:1:2::1", &x);
    fdx_addr_parse("2001:db8:1:ff::9", &y);
    uint32_t *v = fdx_lcache_put(c, &a);
    *v = 7;
    fdx_lcache_share(c, &a, v, 25); /* a /25: the /24's other half may differ */
    CHECK_TRUE(fdx_lcache_get(c, &b) == NULL);
    fdx_lcache_share(c, &a, v, 24);
    v = fdx_lcache_get(c, &b);
    CHECK_TRUE(v != NULL && *v == 7);
    v = fdx_lcache_put(c, &x);
    *v = 9;
    fdx_lcache_share(c, &x, v, 49);
    CHECK_TRUE(fdx_lcache_get(c, &y) == NULL);
    fdx_lcache_share(c, &x, v, 32);
    v = fdx_lcache_get(c, &y);
    CHECK_TRUE(v != NULL && *v == 9);
    CHECK_EQ_U64(fdx_lcache_hits(c), 2);
    CHECK_EQ_U64(fdx_lcache_misses(c), 2);
    fdx_lcache_clear(c); /* both levels */
    CHECK_TRUE(fdx_lcache_get(c, &b) == NULL && fdx_lcache_get(c, &y) == NULL);
    fdx_lcache_free(c);
}

TEST_LIST{
    {"filter_private", test_filter_private},
    {"filter_time", test_filter_time},
    {"filter_exporters", test_filter_exporters},
    {"prefix_table_longest_match", test_prefix_table_longest_match},
    {"prefix_table_stage_and_reload", test_prefix_table_stage_and_reload},
    {"asorg_caida_format", test_asorg_caida_format},
    {"tags", test_tags},
    {"anonymize_truncate", test_anonymize_truncate},
    {"anonymize_cryptopan", test_anonymize_cryptopan},
    {"anonymize_redaction", test_anonymize_redaction},
    {"community_id_stage", test_community_id_stage},
    {"lookup_cache_bounded_lru", test_lookup_cache_bounded_lru},
    {"lookup_cache_networks", test_lookup_cache_networks},
};

CHECK_MAIN()
