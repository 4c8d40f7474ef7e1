/* geoip and asn stages against the MaxMind test databases of the shared corpus (exact
 * values from their source data) and the databases built at test time (custom mappings,
 * multicast), reload, and the enriched ECS and pmacct documents. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "enrich_testlib.h"

#define MM FDX_CORPUS "/mmdb/maxmind/test-data/"

static int have(const char *path)
{
    return access(path, R_OK) == 0;
}

static struct fdx_slot *v4v6(struct tenv *t, const char *src, const char *dst)
{
    return tflow(t->batch, src, 1000, dst, 443, 6);
}

static void test_geoip_city_test_db(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "geoip", "{\"database\": \"" MM "GeoIP2-City-Test.mmdb\"}",
                             &t.env, &err),
                 0);
    struct fdx_slot *a = v4v6(&t, "81.2.69.142", "216.160.83.56");
    struct fdx_slot *b = v4v6(&t, "2001:218::1", "10.0.0.1");
    struct fdx_slot *c = v4v6(&t, "89.160.20.112", "239.255.255.250");
    s.ops->process(s.self, t.batch);
    const struct fdx_geo *g = &a->enr.src_geo;
    CHECK_TRUE(a->enr.present & FDX_EBIT(FDX_E_SRC_GEO));
    CHECK_EQ_STR(tstr(&t, g->country_iso), "GB");
    CHECK_EQ_STR(tstr(&t, g->country_name), "United Kingdom");
    CHECK_EQ_STR(tstr(&t, g->continent_code), "EU");
    CHECK_EQ_STR(tstr(&t, g->city_name), "London");
    CHECK_EQ_STR(tstr(&t, g->region_name), "England");
    CHECK_TRUE(g->has_location && fabs(g->lat - 51.5142) < 1e-9 && fabs(g->lon + 0.0931) < 1e-9);
    g = &a->enr.dst_geo;
    CHECK_EQ_STR(tstr(&t, g->country_iso), "US");
    CHECK_EQ_STR(tstr(&t, g->city_name), "Milton");
    CHECK_EQ_STR(tstr(&t, g->region_name), "Washington");
    CHECK_EQ_STR(tstr(&t, g->continent_code), "NA");
    CHECK_TRUE(fabs(g->lat - 47.2513) < 1e-9 && fabs(g->lon + 122.3149) < 1e-9);
    g = &b->enr.src_geo; /* IPv6: country-level record */
    CHECK_EQ_STR(tstr(&t, g->country_iso), "JP");
    CHECK_EQ_STR(tstr(&t, g->continent_code), "AS");
    CHECK_EQ_U64(g->city_name, 0);
    CHECK_TRUE(fabs(g->lat - 35.68536) < 1e-9 && fabs(g->lon - 139.75309) < 1e-9);
    CHECK_TRUE((b->enr.present & FDX_EBIT(FDX_E_DST_GEO)) == 0); /* 10.0.0.1: not found */
    CHECK_EQ_STR(tstr(&t, c->enr.src_geo.city_name), "Linköping");
    CHECK_TRUE(c->enr.dst_geo.is_multicast);
    CHECK_EQ_U64(c->enr.dst_geo.country_iso, 0);

    /* The same addresses again: answered from the cache, same values. */
    t.batch->n = 0;
    a = v4v6(&t, "81.2.69.142", "216.160.83.56");
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(tstr(&t, a->enr.src_geo.city_name), "London");
    CHECK_EQ_STR(tstr(&t, a->enr.dst_geo.city_name), "Milton");

    /* The document: source.geo.* and destination.geo.* in ECS, flat names in pmacct. */
    struct json_object *j = tdoc(a, t.strings, FDX_SCHEMA_ECS);
    CHECK_TRUE(j != NULL);
    CHECK_EQ_STR(jstr_at(j, "source.geo.country_iso_code"), "GB");
    CHECK_EQ_STR(jstr_at(j, "source.geo.city_name"), "London");
    CHECK_EQ_STR(jstr_at(j, "source.geo.continent_code"), "EU");
    CHECK_EQ_STR(jstr_at(j, "source.geo.region_name"), "England");
    CHECK_EQ_STR(jstr_at(j, "source.geo.country_name"), "United Kingdom");
    CHECK_TRUE(fabs(jdbl_at(j, "source.geo.location.lat") - 51.5142) < 1e-6);
    CHECK_TRUE(fabs(jdbl_at(j, "source.geo.location.lon") + 0.0931) < 1e-6);
    CHECK_EQ_STR(jstr_at(j, "destination.geo.city_name"), "Milton");
    CHECK_EQ_STR(jstr_at(j, "source.ip"), "81.2.69.142");
    json_object_put(j);
    j = tdoc(a, t.strings, FDX_SCHEMA_PMACCT);
    CHECK_EQ_STR(jstr_at(j, "country_ip_src"), "GB");
    CHECK_EQ_STR(jstr_at(j, "country_ip_dst"), "US");
    CHECK_EQ_STR(jstr_at(j, "city_ip_dst"), "Milton");
    CHECK_TRUE(fabs(jdbl_at(j, "lat_ip_dst") - 47.2513) < 1e-6);
    json_object_put(j);
    j = tdoc(c, t.strings, FDX_SCHEMA_ECS);
    CHECK_EQ_STR(jstr_at(j, "destination.geo.name"), "multicast");
    json_object_put(j);

    /* Reload onto the Country database: no city any more; a bad path keeps it. */
    CHECK_EQ_I64(tstage_reload(&s, "{\"database\": \"" MM "GeoIP2-Country-Test.mmdb\"}", &err),
                 0);
    CHECK_TRUE(tstage_reload(&s, "{\"database\": \"/nonexistent/x.mmdb\"}", &err) != 0);
    CHECK_TRUE(strstr(err.msg, "/nonexistent/x.mmdb") != NULL);
    t.batch->n = 0;
    a = v4v6(&t, "81.2.69.142", "216.160.83.56");
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(tstr(&t, a->enr.src_geo.country_iso), "GB");
    CHECK_EQ_U64(a->enr.src_geo.city_name, 0);
    CHECK_TRUE(!a->enr.src_geo.has_location);
    tstage_close(&s);

    /* A corrupt database is refused at start with the file named. */
    CHECK_TRUE(tstage_open(&s, "geoip",
                           "{\"database\": \"" FDX_CORPUS "/mmdb/maxmind/bad-data/libmaxminddb/"
                           "libmaxminddb-metadata-marker-only.mmdb\"}",
                           &t.env, &err) != 0);
    CHECK_TRUE(strstr(err.msg, "metadata-marker-only") != NULL);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_asn_test_db(void)
{
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "asn", "{\"database\": \"" MM "GeoLite2-ASN-Test.mmdb\"}",
                             &t.env, &err),
                 0);
    struct fdx_slot *a = v4v6(&t, "1.128.0.1", "12.81.92.7");
    struct fdx_slot *b = v4v6(&t, "2600:6000::1", "2001:db8::1");
    struct fdx_slot *c = v4v6(&t, "1.128.0.1", "12.81.92.7");
    c->flow.src_as = 3356; /* meaningful: kept */
    c->flow.dst_as = 23456; /* AS_TRANS: looked up */
    c->flow.present |= FDX_BIT(FDX_F_SRC_AS) | FDX_BIT(FDX_F_DST_AS);
    s.ops->process(s.self, t.batch);
    CHECK_EQ_I64(a->enr.src_as, 1221);
    CHECK_EQ_STR(tstr(&t, a->enr.src_as_org), "Telstra Pty Ltd");
    CHECK_EQ_I64(a->enr.dst_as, 7018);
    CHECK_EQ_STR(tstr(&t, a->enr.dst_as_org), "AT&T Services");
    CHECK_EQ_I64(b->enr.src_as, 237);
    CHECK_EQ_STR(tstr(&t, b->enr.src_as_org), "Merit Network Inc.");
    CHECK_EQ_I64(b->enr.dst_as, -1);
    CHECK_TRUE((b->enr.present & FDX_EBIT(FDX_E_DST_AS_ORG)) == 0);
    CHECK_TRUE((c->enr.present & FDX_EBIT(FDX_E_SRC_AS)) == 0);
    CHECK_EQ_I64(c->enr.dst_as, 7018);

    struct json_object *j = tdoc(a, t.strings, FDX_SCHEMA_ECS);
    CHECK_EQ_I64(jint_at(j, "source.as.number"), 1221);
    CHECK_EQ_STR(jstr_at(j, "source.as.organization.name"), "Telstra Pty Ltd");
    CHECK_EQ_STR(jstr_at(j, "destination.as.organization.name"), "AT&T Services");
    json_object_put(j);
    j = tdoc(b, t.strings, FDX_SCHEMA_ECS);
    CHECK_EQ_I64(jint_at(j, "destination.as.number"), -1);
    json_object_put(j);
    j = tdoc(c, t.strings, FDX_SCHEMA_ECS);
    CHECK_EQ_I64(jint_at(j, "source.as.number"), 3356);
    CHECK_EQ_I64(jint_at(j, "destination.as.number"), 7018);
    json_object_put(j);
    j = tdoc(a, t.strings, FDX_SCHEMA_PMACCT);
    CHECK_EQ_I64(jint_at(j, "as_src"), 1221);
    CHECK_EQ_STR(jstr_at(j, "as_name_dst"), "AT&T Services");
    json_object_put(j);
    tstage_close(&s);

    /* unknown: absent -> no field. */
    t.batch->n = 0;
    CHECK_EQ_I64(tstage_open(&s, "asn",
                             "{\"database\": \"" MM "GeoLite2-ASN-Test.mmdb\", \"unknown\": "
                             "\"absent\"}",
                             &t.env, &err),
                 0);
    b = v4v6(&t, "2600:6000::1", "2001:db8::1");
    s.ops->process(s.self, t.batch);
    CHECK_EQ_I64(b->enr.dst_as, FDX_AS_ABSENT);
    j = tdoc(b, t.strings, FDX_SCHEMA_ECS);
    CHECK_TRUE(jget(j, "destination.as.number") == NULL);
    CHECK_EQ_I64(jint_at(j, "source.as.number"), 237);
    json_object_put(j);
    tstage_close(&s);
    tenv_fini(&t);
}

static void test_geoip_custom_mmdb(void)
{
    if (!have(FDX_ENRICH_DATA "/enrich-city.mmdb")) {
        printf("SKIP: test databases were not built (MaxMind::DB::Writer missing)\n");
        return;
    }
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "geoip",
                             "{\"database\": \"" FDX_ENRICH_DATA "/enrich-city.mmdb\", \"custom\": "
                             "[{\"database\": \"" FDX_ENRICH_DATA "/enrich-site.mmdb\", \"path\": "
                             "\"organization/name\", \"source_field\": \"source.organization.name\", "
                             "\"destination_field\": \"destination.organization.name\"}]}",
                             &t.env, &err),
                 0);
    if (s.self == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        tenv_fini(&t);
        return;
    }
    struct fdx_slot *a = v4v6(&t, "8.8.8.8", "192.168.7.7");
    struct fdx_slot *b = v4v6(&t, "2001:db8:1::99", "8.8.4.4");
    s.ops->process(s.self, t.batch);
    CHECK_EQ_STR(tstr(&t, a->enr.src_geo.city_name), "Mountain View");
    CHECK_EQ_STR(tstr(&t, a->enr.src_geo.region_name), "California");
    CHECK_EQ_STR(tlabel(&t, a, "source.organization.name"), "Public Resolver");
    CHECK_EQ_STR(tlabel(&t, a, "destination.organization.name"), "Lab LAN");
    CHECK_EQ_STR(tstr(&t, b->enr.src_geo.country_iso), "SE");
    CHECK_EQ_STR(tlabel(&t, b, "source.organization.name"), "");
    CHECK_TRUE((b->enr.present & FDX_EBIT(FDX_E_DST_GEO)) == 0);
    struct json_object *j = tdoc(a, t.strings, FDX_SCHEMA_ECS);
    CHECK_EQ_STR(jstr_at(j, "source.organization.name"), "Public Resolver");
    CHECK_EQ_STR(jstr_at(j, "destination.organization.name"), "Lab LAN");
    CHECK_EQ_STR(jstr_at(j, "source.geo.city_name"), "Mountain View");
    json_object_put(j);
    j = tdoc(a, t.strings, FDX_SCHEMA_PMACCT);
    CHECK_EQ_STR(jstr_at(j, "source_organization_name"), "Public Resolver");
    json_object_put(j);
    tstage_close(&s);
    CHECK_TRUE(tstage_open(&s, "geoip",
                           "{\"database\": \"" FDX_ENRICH_DATA "/enrich-city.mmdb\", \"custom\": "
                           "[{\"database\": \"" FDX_ENRICH_DATA "/enrich-site.mmdb\", \"path\": "
                           "\"organization/name\", \"source_field\": \"source.ip\"}]}",
                           &t.env, &err) != 0);
    CHECK_TRUE(strstr(err.msg, "source.ip") != NULL);
    tstage_close(&s);
    tenv_fini(&t);
}

/* Addresses of one /24 split into /28 networks, and of a /16 where a custom database has a
 * /25: answers are per network, whatever was looked up before (the network level of the
 * lookup cache shares an answer only across a /24 the databases hold as one). */
static void test_geoip_network_cache(void)
{
    if (!have(FDX_ENRICH_DATA "/enrich-city.mmdb")) {
        printf("SKIP: test databases were not built (MaxMind::DB::Writer missing)\n");
        return;
    }
    struct tenv t;
    struct tstage s;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    CHECK_EQ_I64(tstage_open(&s, "geoip",
                             "{\"database\": \"" FDX_ENRICH_DATA "/enrich-city.mmdb\", \"custom\": "
                             "[{\"database\": \"" FDX_ENRICH_DATA "/enrich-site.mmdb\", \"path\": "
                             "\"organization/name\", \"source_field\": \"source.organization.name\"}]}",
                             &t.env, &err),
                 0);
    if (s.self == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        tenv_fini(&t);
        return;
    }
    static const struct {
        const char *addr, *city, *site;
    } want[] = {
        {"203.0.113.5", "Oslo", ""},        {"203.0.113.20", "Helsinki", ""},
        {"203.0.113.200", NULL, ""},        {"203.0.113.6", "Oslo", ""},
        {"100.64.3.1", "Berlin", ""},       {"100.64.3.2", "Berlin", ""},
        {"100.64.7.5", "Berlin", "Small Site"}, {"100.64.7.200", "Berlin", ""},
        {"100.64.7.6", "Berlin", "Small Site"}, {"100.64.9.1", "Berlin", ""},
    };
    for (unsigned round = 0; round < 2; round++) { /* the second round from the cache */
        t.batch->n = 0;
        struct fdx_slot *sl[sizeof(want) / sizeof(want[0])];
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
            sl[i] = v4v6(&t, want[i].addr, "8.8.8.8");
        }
        s.ops->process(s.self, t.batch);
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
            bool found = (sl[i]->enr.present & FDX_EBIT(FDX_E_SRC_GEO)) != 0;
            if (want[i].city == NULL) {
                CHECK_TRUE(!found);
            } else {
                CHECK_TRUE(found);
                CHECK_EQ_STR(found ? tstr(&t, sl[i]->enr.src_geo.city_name) : "", want[i].city);
            }
            CHECK_EQ_STR(tlabel(&t, sl[i], "source.organization.name"), want[i].site);
        }
    }
    tstage_close(&s);
    tenv_fini(&t);
}

/* A long run fills the worker's intern table: it is cleared between batches and the cached
 * results (which hold ids) are forgotten, so names stay right. */
static void test_intern_table_recycled(void)
{
    struct tenv t;
    struct tstage g, a;
    struct fdx_err err = {{0}};
    tenv_init(&t);
    fdx_intern_free(t.strings);
    t.strings = fdx_intern_new(20, 4096); /* one batch fits; a few do not */
    t.batch->strings = t.strings;
    t.env.strings = t.strings;
    CHECK_EQ_I64(tstage_open(&g, "geoip", "{\"database\": \"" MM "GeoIP2-City-Test.mmdb\"}",
                             &t.env, &err),
                 0);
    CHECK_EQ_I64(tstage_open(&a, "asn", "{\"database\": \"" MM "GeoLite2-ASN-Test.mmdb\"}",
                             &t.env, &err),
                 0);
    uint32_t gen0 = fdx_intern_generation(t.strings);
    for (unsigned round = 0; round < 20; round++) {
        t.batch->n = 0;
        struct fdx_slot *x = v4v6(&t, "81.2.69.142", "216.160.83.56");
        struct fdx_slot *y = v4v6(&t, round % 2 ? "89.160.20.112" : "1.128.0.1", "12.81.92.7");
        g.ops->process(g.self, t.batch);
        a.ops->process(a.self, t.batch);
        CHECK_EQ_STR(tstr(&t, x->enr.src_geo.city_name), "London");
        CHECK_EQ_STR(tstr(&t, x->enr.dst_geo.city_name), "Milton");
        CHECK_EQ_STR(tstr(&t, y->enr.dst_as_org), "AT&T Services");
        if (round % 2) {
            CHECK_EQ_STR(tstr(&t, y->enr.src_geo.city_name), "Linköping");
            CHECK_EQ_STR(tstr(&t, y->enr.src_as_org), "Bredband2 AB");
        } else {
            CHECK_EQ_STR(tstr(&t, y->enr.src_as_org), "Telstra Pty Ltd");
        }
    }
    CHECK_TRUE(fdx_intern_generation(t.strings) > gen0);
    tstage_close(&g);
    tstage_close(&a);
    tenv_fini(&t);
}

TEST_LIST{
    {"intern_table_recycled", test_intern_table_recycled},
    {"geoip_city_test_db", test_geoip_city_test_db},
    {"asn_test_db", test_asn_test_db},
    {"geoip_custom_mmdb", test_geoip_custom_mmdb},
    {"geoip_network_cache", test_geoip_network_cache},
};

int main(void)
{
    if (!have(MM "GeoIP2-City-Test.mmdb")) {
        printf("SKIP: shared corpus not found at %s\n", FDX_CORPUS);
        return 77;
    }
    return CHECK_RUN_ALL();
}
