/* Precompiled JSON writer keys (doc_keys.h): each gives exactly the JSON of its dotted path,
 * alone, in a whole document, and mixed with dotted keys in one object; every value writer
 * gives the same bytes through both kinds of key; the fast number, address and time
 * formatters agree with the C library. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <arpa/inet.h>

#include "check.h"
#include "doc_keys.h"
#include "json_writer.h"

static char full_path[FDX_JW_PATH_MAX + 64];

/* The dotted path a precompiled key stands for. */
static const char *path_of(const struct fdx_doc_key_info *ki)
{
    snprintf(full_path, sizeof(full_path), "%s%s", ki->key->parent->path, ki->name);
    return full_path;
}

static char *text_of(const struct fdx_buf *b)
{
    return strndup(b->p, b->len);
}

/* Objects: each path is its parent's path plus one segment and a dot. */
static void test_tables(void)
{
    CHECK_TRUE(fdx_doc_objs_count > 20);
    CHECK_TRUE(fdx_doc_keys_count > 150);
    for (size_t i = 0; i < fdx_doc_objs_count; i++) {
        const struct fdx_jw_obj *o = fdx_doc_objs_all[i];
        const struct fdx_jw_obj *p = o->parent;
        CHECK_TRUE(p != NULL);
        CHECK_EQ_U64(o->path_len, strlen(o->path));
        CHECK_TRUE(o->path_len > p->path_len + 1);
        CHECK_MEM_EQ(o->path, p->path, p->path_len);
        CHECK_TRUE(o->path[o->path_len - 1] == '.');
        CHECK_TRUE(memchr(o->path + p->path_len, '.', o->path_len - p->path_len - 1) == NULL);
        /* The pre-rendered opening is ,"<last segment>":{ and fits its fixed-size move. */
        char frag[96];
        snprintf(frag, sizeof(frag), ",\"%.*s\":{", (int)(o->path_len - p->path_len - 1),
                 o->path + p->path_len);
        CHECK_EQ_STR(o->frag, frag);
        CHECK_EQ_U64(o->frag_len, strlen(frag));
        CHECK_TRUE(o->frag_len < FDX_JW_OBJ_FRAG_MAX);
    }
    for (size_t i = 0; i < fdx_doc_keys_count; i++) {
        const struct fdx_doc_key_info *ki = &fdx_doc_keys_all[i];
        char frag[96];
        snprintf(frag, sizeof(frag), ",\"%s\":", ki->name);
        CHECK_EQ_STR(ki->key->frag, frag);
        CHECK_EQ_U64(ki->key->len, strlen(frag));
        CHECK_TRUE(ki->key->len < FDX_JW_FRAG_MAX); /* copied with its NUL in a fixed move */
        CHECK_TRUE(strchr(ki->name, '.') == NULL);
        /* No two keys name the same field. */
        for (size_t j = 0; j < i; j++) {
            char other[FDX_JW_PATH_MAX + 64];
            snprintf(other, sizeof(other), "%s%s", fdx_doc_keys_all[j].key->parent->path,
                     fdx_doc_keys_all[j].name);
            if (strcmp(other, path_of(ki)) == 0) {
                fprintf(stderr, "duplicate key %s\n", other);
                check_failures_++;
            }
        }
    }
}

/* Every key alone, and after an unrelated member, is its dotted path's JSON. */
static void test_each_key(void)
{
    struct fdx_buf a, b;
    fdx_buf_init(&a, 0);
    fdx_buf_init(&b, 0);
    for (size_t i = 0; i < fdx_doc_keys_count; i++) {
        const struct fdx_doc_key_info *ki = &fdx_doc_keys_all[i];
        for (int lead = 0; lead < 2; lead++) {
            struct fdx_jw w1, w2;
            fdx_buf_reset(&a);
            fdx_buf_reset(&b);
            fdx_jw_begin(&w1, &a);
            fdx_jw_begin(&w2, &b);
            if (lead) {
                fdx_jw_u64(&w1, "zz.lead", 1);
                fdx_jw_u64(&w2, "zz.lead", 1);
            }
            fdx_jw_u64(&w1, path_of(ki), 12345);
            fdx_jwk_u64(&w2, ki->key, 12345);
            CHECK_EQ_I64(fdx_jw_end(&w1), 0);
            CHECK_EQ_I64(fdx_jw_end(&w2), 0);
            CHECK_EQ_U64(a.len, b.len);
            if (a.len == b.len && memcmp(a.p, b.p, a.len) != 0) {
                fprintf(stderr, "key %s: %.*s != %.*s\n", path_of(ki), (int)a.len, a.p, (int)b.len,
                        b.p);
                check_failures_++;
            }
        }
    }
    fdx_buf_fini(&a);
    fdx_buf_fini(&b);
}

/* All keys in table order (the order of the encoder's groups) in one document. */
static void test_whole_document(void)
{
    struct fdx_buf a, b;
    fdx_buf_init(&a, 0);
    fdx_buf_init(&b, 0);
    struct fdx_jw w1, w2;
    fdx_jw_begin(&w1, &a);
    fdx_jw_begin(&w2, &b);
    for (size_t i = 0; i < fdx_doc_keys_count; i++) {
        fdx_jw_u64(&w1, path_of(&fdx_doc_keys_all[i]), i);
        fdx_jwk_u64(&w2, fdx_doc_keys_all[i].key, i);
    }
    CHECK_EQ_I64(fdx_jw_end(&w1), 0);
    CHECK_EQ_I64(fdx_jw_end(&w2), 0);
    char *t1 = text_of(&a), *t2 = text_of(&b);
    CHECK_EQ_STR(t2, t1);
    CHECK_TRUE(strstr(t1, "\"source\":{\"ip\":8,\"port\":9,\"mac\":10,\"as\":{\"number\":11,"
                          "\"organization\":{\"name\":12}},\"geo\":{\"city_name\":13,") != NULL);
    free(t1);
    free(t2);
    fdx_buf_fini(&a);
    fdx_buf_fini(&b);
}

/* Dotted keys between precompiled ones (extra IEs after netflow.*, labels after a group):
 * the same objects stay open, none is reopened. */
static void test_mixed(void)
{
    struct fdx_buf a, b;
    fdx_buf_init(&a, 0);
    fdx_buf_init(&b, 0);
    struct fdx_jw w1, w2;
    fdx_jw_begin(&w1, &a);
    fdx_jw_begin(&w2, &b);

    fdx_jw_u64(&w1, "source.custom", 1); /* a label opens source. */
    fdx_jw_u64(&w1, "source.ip", 2);
    fdx_jw_u64(&w1, "source.geo.city_name", 3);
    fdx_jw_u64(&w1, "source.geo.tag", 4);
    fdx_jw_u64(&w1, "source.geo.country_name", 5);
    fdx_jw_u64(&w1, "netflow.type", 6);
    fdx_jw_u64(&w1, "netflow.exporter.address", 7);
    fdx_jw_u64(&w1, "netflow.exporter.extra", 8);
    fdx_jw_u64(&w1, "netflow.exporter.sequence", 9);
    fdx_jw_u64(&w1, "netflow.application_name", 10);
    fdx_jw_u64(&w1, "netflow.firewall_event", 11);
    fdx_jw_u64(&w1, "netflow.x.y", 12);
    fdx_jw_u64(&w1, "labels.team", 13);
    fdx_jw_u64(&w1, "flowdex.redacted", 14);

    fdx_jw_u64(&w2, "source.custom", 1);
    fdx_jwk_u64(&w2, FDX_KEY(source_ip), 2);
    fdx_jwk_u64(&w2, FDX_KEY(source_geo_city_name), 3);
    fdx_jw_u64(&w2, "source.geo.tag", 4);
    fdx_jwk_u64(&w2, FDX_KEY(source_geo_country_name), 5);
    fdx_jwk_u64(&w2, FDX_KEY(netflow_type), 6);
    fdx_jwk_u64(&w2, FDX_KEY(netflow_exporter_address), 7);
    fdx_jw_u64(&w2, "netflow.exporter.extra", 8);
    fdx_jwk_u64(&w2, FDX_KEY(netflow_exporter_sequence), 9);
    fdx_jw_u64(&w2, "netflow.application_name", 10);
    fdx_jwk_u64(&w2, FDX_KEY(netflow_firewall_event), 11);
    fdx_jw_u64(&w2, "netflow.x.y", 12);
    fdx_jw_u64(&w2, "labels.team", 13);
    fdx_jwk_u64(&w2, FDX_KEY(flowdex_redacted), 14);

    CHECK_EQ_I64(fdx_jw_end(&w1), 0);
    CHECK_EQ_I64(fdx_jw_end(&w2), 0);
    char *t1 = text_of(&a), *t2 = text_of(&b);
    CHECK_EQ_STR(t2, t1);
    CHECK_EQ_STR(t2, "{\"source\":{\"custom\":1,\"ip\":2,\"geo\":{\"city_name\":3,\"tag\":4,"
                     "\"country_name\":5}},\"netflow\":{\"type\":6,\"exporter\":{\"address\":7,"
                     "\"extra\":8,\"sequence\":9},\"application_name\":10,"
                     "\"firewall_event\":11,\"x\":{\"y\":12}},\"labels\":{\"team\":13},"
                     "\"flowdex\":{\"redacted\":14}}");
    free(t1);
    free(t2);
    fdx_buf_fini(&a);
    fdx_buf_fini(&b);
}

/* Schema objects opened by precompiled keys, then dotted keys inside and beside them, then
 * precompiled keys again (the open path's text is written only when a dotted key needs it). */
static void test_mixed_nested(void)
{
    struct fdx_buf a;
    fdx_buf_init(&a, 0);
    struct fdx_jw w;
    fdx_jw_begin(&w, &a);
    fdx_jwk_u64(&w, FDX_KEY(source_geo_city_name), 1);
    fdx_jw_u64(&w, "source.geo.extra", 2);
    fdx_jw_u64(&w, "source.x.y", 3);
    fdx_jwk_u64(&w, FDX_KEY(source_port), 4);
    fdx_jwk_u64(&w, FDX_KEY(source_as_organization_name), 5);
    fdx_jw_u64(&w, "source.as.z", 6);
    fdx_jwk_u64(&w, FDX_KEY(destination_geo_name), 7);
    fdx_jw_u64(&w, "destination.geo.w", 8);
    fdx_jwk_u64(&w, FDX_KEY(destination_geo_region_name), 9);
    fdx_jwk_u64(&w, FDX_KEY(observer_egress_interface_name), 10);
    fdx_jw_u64(&w, "observer.egress.interface.alias", 11);
    fdx_jwk_u64(&w, FDX_KEY(timestamp), 12);
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    char *t = text_of(&a);
    CHECK_EQ_STR(t, "{\"source\":{\"geo\":{\"city_name\":1,\"extra\":2},\"x\":{\"y\":3},"
                    "\"port\":4,\"as\":{\"organization\":{\"name\":5},\"z\":6}},"
                    "\"destination\":{\"geo\":{\"name\":7,\"w\":8,\"region_name\":9}},"
                    "\"observer\":{\"egress\":{\"interface\":{\"name\":10,\"alias\":11}}},"
                    "\"@timestamp\":12}");
    free(t);
    fdx_buf_fini(&a);
}

/* Every value writer: the same bytes through a dotted and a precompiled key. */
static void write_values(struct fdx_jw *w, bool keyed)
{
    static const char esc[] = "q\"b\\n\nr\rt\t\x01\x1f\x7f\xc3\xa9 plain";
    static const uint8_t mac[6] = {0x00, 0x1b, 0x21, 0xab, 0xcd, 0xef};
    static const uint64_t arr[3] = {7, 1000, UINT64_MAX};
    struct fdx_addr v4, v6;
    fdx_addr_parse("255.0.10.199", &v4);
    fdx_addr_parse("2001:db8::1", &v6);
    if (keyed) {
        fdx_jwk_str(w, FDX_KEY(event_kind), esc, sizeof(esc) - 1);
        fdx_jwk_cstr(w, FDX_KEY(event_action), "netflow_flow");
        fdx_jwk_u64(w, FDX_KEY(event_duration), UINT64_MAX);
        fdx_jwk_i64(w, FDX_KEY(source_as_number), INT64_MIN);
        fdx_jwk_i64(w, FDX_KEY(source_as_organization_name), 123);
        fdx_jwk_f64(w, FDX_KEY(source_geo_city_name), 12.345);
        fdx_jwk_geo(w, FDX_KEY(source_geo_location), 48.8566, -2.3522);
        fdx_jwk_bool(w, FDX_KEY(source_geo_name), false);
        fdx_jwk_ip(w, FDX_KEY(destination_ip), &v4);
        fdx_jwk_mac(w, FDX_KEY(destination_mac), mac);
        fdx_jwk_ip(w, FDX_KEY(observer_ip), &v6);
        fdx_jwk_time(w, FDX_KEY(netflow_exporter_timestamp), INT64_C(1700000000250));
        fdx_jwk_u64_array(w, FDX_KEY(netflow_mpls_labels), arr, 3);
        fdx_jwk_raw(w, FDX_KEY(flowdex_anonymized), "[\"source.ip\"]", 13);
        fdx_jwk_bool(w, FDX_KEY(flowdex_redacted), true);
    } else {
        fdx_jw_str(w, "event.kind", esc, sizeof(esc) - 1);
        fdx_jw_cstr(w, "event.action", "netflow_flow");
        fdx_jw_u64(w, "event.duration", UINT64_MAX);
        fdx_jw_i64(w, "source.as.number", INT64_MIN);
        fdx_jw_i64(w, "source.as.organization.name", 123);
        fdx_jw_f64(w, "source.geo.city_name", 12.345);
        fdx_jw_geo(w, "source.geo.location", 48.8566, -2.3522);
        fdx_jw_bool(w, "source.geo.name", false);
        fdx_jw_ip(w, "destination.ip", &v4);
        fdx_jw_mac(w, "destination.mac", mac);
        fdx_jw_ip(w, "observer.ip", &v6);
        fdx_jw_time(w, "netflow.exporter.timestamp", INT64_C(1700000000250));
        fdx_jw_u64_array(w, "netflow.mpls_labels", arr, 3);
        fdx_jw_raw(w, "flowdex.anonymized", "[\"source.ip\"]", 13);
        fdx_jw_bool(w, "flowdex.redacted", true);
    }
}

static void test_values(void)
{
    struct fdx_buf a, b;
    fdx_buf_init(&a, 0);
    fdx_buf_init(&b, 0);
    struct fdx_jw w1, w2;
    fdx_jw_begin(&w1, &a);
    fdx_jw_begin(&w2, &b);
    write_values(&w1, false);
    write_values(&w2, true);
    CHECK_EQ_I64(fdx_jw_end(&w1), 0);
    CHECK_EQ_I64(fdx_jw_end(&w2), 0);
    char *t1 = text_of(&a), *t2 = text_of(&b);
    CHECK_EQ_STR(t2, t1);
    CHECK_EQ_STR(t1, "{\"event\":{\"kind\":\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\\u001f\x7f\xc3\xa9 "
                     "plain\",\"action\":\"netflow_flow\",\"duration\":18446744073709551615},"
                     "\"source\":{\"as\":{\"number\":-9223372036854775808,\"organization\":"
                     "{\"name\":123}},\"geo\":{\"city_name\":12.345,\"location\":{\"lat\":"
                     "48.8566,\"lon\":-2.3522},\"name\":false}},\"destination\":{\"ip\":"
                     "\"255.0.10.199\",\"mac\":\"00-1B-21-AB-CD-EF\"},\"observer\":{\"ip\":"
                     "\"2001:db8::1\"},\"netflow\":{\"exporter\":{\"timestamp\":"
                     "\"2023-11-14T22:13:20.250Z\"},\"mpls_labels\":[7,1000,"
                     "18446744073709551615]},\"flowdex\":{\"anonymized\":[\"source.ip\"],"
                     "\"redacted\":true}}");
    free(t1);
    free(t2);
    fdx_buf_fini(&a);
    fdx_buf_fini(&b);
}

/* At the buffer bound both kinds of key stop at the same place with -ENOSPC. */
static void test_bound(void)
{
    for (size_t max = 16; max < 700; max += 7) {
        struct fdx_buf a, b;
        fdx_buf_init(&a, max);
        fdx_buf_init(&b, max);
        struct fdx_jw w1, w2;
        fdx_jw_begin(&w1, &a);
        fdx_jw_begin(&w2, &b);
        write_values(&w1, false);
        write_values(&w2, true);
        int r1 = fdx_jw_end(&w1), r2 = fdx_jw_end(&w2);
        CHECK_EQ_I64(r1, r2);
        CHECK_TRUE(r1 == 0 || r1 == -ENOSPC);
        CHECK_TRUE(a.len <= max && b.len <= max);
        fdx_buf_fini(&a);
        fdx_buf_fini(&b);
    }
}

/* Numbers around every power of ten, and IPv4 addresses, against the C library. */
static void test_formatters(void)
{
    char out[64], ref[64];
    uint64_t v = 1;
    for (int i = 0; i < 20; i++, v *= 10) {
        uint64_t probes[] = {v - 1, v, v + 1, v * 5 + 3};
        for (size_t k = 0; k < 4; k++) {
            size_t n = fdx_fmt_u64(out, probes[k]);
            snprintf(ref, sizeof(ref), "%" PRIu64, probes[k]);
            CHECK_EQ_U64(n, strlen(ref));
            CHECK_MEM_EQ(out, ref, strlen(ref));
        }
    }
    CHECK_EQ_U64(fdx_fmt_u64(out, UINT64_MAX), 20);
    CHECK_MEM_EQ(out, "18446744073709551615", 20);
    uint32_t x = 0x12345678;
    for (int i = 0; i < 2000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t ip = i < 4 ? (uint32_t[]){0, 0xffffffffu, 0x0a000001u, 0x64096309u}[i] : x;
        struct fdx_addr a;
        fdx_addr_set_v4_u32(&a, ip);
        uint32_t be = htonl(ip);
        inet_ntop(AF_INET, &be, ref, sizeof(ref));
        size_t n = fdx_fmt_addr(out, &a);
        CHECK_EQ_U64(n, strlen(ref));
        CHECK_MEM_EQ(out, ref, strlen(ref));
        char generic[FDX_ADDR_STRLEN];
        CHECK_EQ_U64(fdx_addr_format(&a, generic), n);
        CHECK_MEM_EQ(out, generic, n);
    }
}

/* Times: the per-thread cache of formatted seconds gives what gmtime gives, whatever the
 * order of the seconds, the separator and the fraction. */
static void test_times(void)
{
    static const int64_t base[] = {INT64_C(1795353244000), 0, -1, INT64_C(951782400000),
                                   INT64_C(4102444799999)};
    uint32_t x = 99;
    for (int i = 0; i < 5000; i++) {
        x = x * 1103515245u + 12345u;
        int64_t ms = base[i % 5] + (int64_t)(x % 20000) - 10000;
        char sep = (x >> 20) & 1 ? 'T' : ' ';
        int frac = (x >> 21) & 1 ? 6 : 3;
        bool z = (x >> 22) & 1;
        char out[40], ref[64];
        size_t n = fdx_fmt_datetime(out, ms, sep, frac, z);
        int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
        int64_t msec = ms - secs * 1000;
        time_t t = (time_t)secs;
        struct tm tm;
        gmtime_r(&t, &tm);
        int r = snprintf(ref, sizeof(ref), "%04d-%02d-%02d%c%02d:%02d:%02d.%03d%s%s",
                         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, sep, tm.tm_hour, tm.tm_min,
                         tm.tm_sec, (int)msec, frac == 6 ? "000" : "", z ? "Z" : "");
        CHECK_EQ_U64(n, (size_t)r);
        if (n != (size_t)r || memcmp(out, ref, n) != 0) {
            fprintf(stderr, "time %" PRId64 ": %.*s != %s\n", ms, (int)n, out, ref);
            check_failures_++;
            break;
        }
    }
}

/* Keys in random orders, some written dotted in the second document too: every move between
 * objects (child, sibling, uncle, parent, far away, across objects a dotted key opened)
 * gives the bytes of the all-dotted document. */
static void test_random_orders(void)
{
    struct fdx_buf a, b;
    fdx_buf_init(&a, 0);
    fdx_buf_init(&b, 0);
    uint64_t rng = 0x9e3779b97f4a7c15ULL;
    for (int doc = 0; doc < 2000; doc++) {
        struct fdx_jw w1, w2;
        fdx_buf_reset(&a);
        fdx_buf_reset(&b);
        fdx_jw_begin(&w1, &a);
        fdx_jw_begin(&w2, &b);
        for (int i = 0; i < 16; i++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            const struct fdx_doc_key_info *ki = &fdx_doc_keys_all[(rng >> 33) % fdx_doc_keys_count];
            fdx_jw_u64(&w1, path_of(ki), (uint64_t)i);
            if ((rng >> 20) % 4 == 0) {
                fdx_jw_u64(&w2, path_of(ki), (uint64_t)i);
            } else {
                fdx_jwk_u64(&w2, ki->key, (uint64_t)i);
            }
        }
        CHECK_EQ_I64(fdx_jw_end(&w1), 0);
        CHECK_EQ_I64(fdx_jw_end(&w2), 0);
        if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0) {
            fprintf(stderr, "order %d: %.*s != %.*s\n", doc, (int)a.len, a.p, (int)b.len, b.p);
            check_failures_++;
            break;
        }
    }
    fdx_buf_fini(&a);
    fdx_buf_fini(&b);
}

TEST_LIST{
    {"tables", test_tables},
    {"each_key", test_each_key},
    {"whole_document", test_whole_document},
    {"mixed", test_mixed},
    {"mixed_nested", test_mixed_nested},
    {"random_orders", test_random_orders},
    {"values", test_values},
    {"bound", test_bound},
    {"formatters", test_formatters},
    {"times", test_times},
};

CHECK_MAIN()
