/* JSON writer: nesting from dotted keys, escaping, number/time/address forms, the bound. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "json_path.h"
#include "json_writer.h"

static char *text_of(const struct fdx_buf *b)
{
    return strndup(b->p, b->len);
}

static void test_nesting(void)
{
    struct fdx_buf b;
    fdx_buf_init(&b, 0);
    struct fdx_jw w;
    fdx_jw_begin(&w, &b);
    fdx_jw_u64(&w, "@version", 1);
    fdx_jw_cstr(&w, "event.kind", "event");
    fdx_jw_u64(&w, "event.duration", 5);
    fdx_jw_cstr(&w, "source.ip", "x");
    fdx_jw_geo(&w, "source.geo.location", 1.5, -2.25);
    fdx_jw_cstr(&w, "source.geo.country_iso_code", "FR");
    fdx_jw_u64(&w, "source.port", 53);
    fdx_jw_u64(&w, "a.b.c.d", 4);
    fdx_jw_u64(&w, "a.b.e", 3);
    fdx_jw_u64(&w, "a.f", 2);
    fdx_jw_bool(&w, "top", true);
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    char *t = text_of(&b);
    CHECK_EQ_STR(t, "{\"@version\":1,\"event\":{\"kind\":\"event\",\"duration\":5},"
                    "\"source\":{\"ip\":\"x\",\"geo\":{\"location\":{\"lat\":1.5,\"lon\":-2.25},"
                    "\"country_iso_code\":\"FR\"},\"port\":53},"
                    "\"a\":{\"b\":{\"c\":{\"d\":4},\"e\":3},\"f\":2},\"top\":true}");
    struct json_object *doc = json_tokener_parse(t);
    CHECK_TRUE(doc != NULL);
    CHECK_EQ_STR(fdx_json_str(doc, "source.geo.country_iso_code"), "FR");
    CHECK_EQ_U64(fdx_json_u64(doc, "a.b.c.d"), 4);
    json_object_put(doc);
    free(t);

    /* An empty document, and one whose last key is nested: every object is closed. */
    fdx_buf_reset(&b);
    fdx_jw_begin(&w, &b);
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    CHECK_TRUE(b.len == 2 && memcmp(b.p, "{}", 2) == 0);
    fdx_buf_reset(&b);
    fdx_jw_begin(&w, &b);
    fdx_jw_u64(&w, "x.y.z", 0);
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    t = text_of(&b);
    CHECK_EQ_STR(t, "{\"x\":{\"y\":{\"z\":0}}}");
    free(t);
    fdx_buf_fini(&b);
}

static void test_escaping(void)
{
    struct fdx_buf b;
    fdx_buf_init(&b, 0);
    struct fdx_jw w;
    fdx_jw_begin(&w, &b);
    static const char raw[] = "q\"b\\s/n\nr\rt\t1\x01" "1f\x1f" "7f\x7f" "u\xc3\xa9";
    fdx_jw_str(&w, "k", raw, sizeof(raw) - 1);
    fdx_jw_str(&w, "nul", "a\0b", 3);
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    char *t = text_of(&b);
    CHECK_EQ_STR(t, "{\"k\":\"q\\\"b\\\\s/n\\nr\\rt\\t1\\u00011f\\u001f7f\x7fu\xc3\xa9\","
                    "\"nul\":\"a\\u0000b\"}");
    /* json-c reads back exactly the bytes that were written. */
    struct json_object *doc = json_tokener_parse(t);
    CHECK_TRUE(doc != NULL);
    CHECK_EQ_STR(fdx_json_str(doc, "k"), raw);
    struct json_object *nul = fdx_json_path(doc, "nul");
    CHECK_TRUE(nul != NULL && json_object_get_string_len(nul) == 3 &&
               memcmp(json_object_get_string(nul), "a\0b", 3) == 0);
    json_object_put(doc);
    free(t);
    fdx_buf_fini(&b);
}

static void test_values(void)
{
    struct fdx_buf b;
    fdx_buf_init(&b, 0);
    struct fdx_jw w;
    fdx_jw_begin(&w, &b);
    fdx_jw_u64(&w, "u0", 0);
    fdx_jw_u64(&w, "umax", UINT64_MAX);
    fdx_jw_i64(&w, "ineg", INT64_MIN);
    fdx_jw_i64(&w, "ipos", 42);
    fdx_jw_time(&w, "t", INT64_C(1700000000250));
    fdx_jw_time(&w, "before_epoch", -1);
    struct fdx_addr a;
    CHECK_EQ_I64(fdx_addr_parse("2001:db8::1", &a), 0);
    fdx_jw_ip(&w, "ip6", &a);
    CHECK_EQ_I64(fdx_addr_parse("198.51.100.7", &a), 0);
    fdx_jw_ip(&w, "ip4", &a);
    static const uint8_t mac[6] = {0x00, 0x1b, 0x21, 0xab, 0xcd, 0xef};
    fdx_jw_mac(&w, "mac", mac);
    static const uint8_t bytes[3] = {0x00, 0xfe, 0x10};
    fdx_jw_hex(&w, "hex", bytes, 3);
    static const uint64_t arr[3] = {1, 20, 300};
    fdx_jw_u64_array(&w, "arr", arr, 3);
    fdx_jw_u64_array(&w, "empty", arr, 0);
    fdx_jw_raw(&w, "raw", "[\"network\"]", 11);
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    char *t = text_of(&b);
    CHECK_EQ_STR(t, "{\"u0\":0,\"umax\":18446744073709551615,\"ineg\":-9223372036854775808,"
                    "\"ipos\":42,\"t\":\"2023-11-14T22:13:20.250Z\","
                    "\"before_epoch\":\"1969-12-31T23:59:59.999Z\",\"ip6\":\"2001:db8::1\","
                    "\"ip4\":\"198.51.100.7\",\"mac\":\"00-1B-21-AB-CD-EF\",\"hex\":\"00fe10\","
                    "\"arr\":[1,20,300],\"empty\":[],\"raw\":[\"network\"]}");
    struct json_object *doc = json_tokener_parse(t);
    CHECK_TRUE(doc != NULL);
    CHECK_EQ_U64(fdx_json_u64(doc, "umax"), UINT64_MAX);
    json_object_put(doc);
    free(t);
    fdx_buf_fini(&b);
}

/* The bound: the first append that does not fit sets -ENOSPC, nothing past it is written,
 * and the writer's error is sticky (later small values do not sneak in). */
static void test_bound(void)
{
    struct fdx_buf b;
    fdx_buf_init(&b, 96); /* escaping reserves 6 bytes per input byte up front */
    struct fdx_jw w;
    fdx_jw_begin(&w, &b);
    fdx_jw_cstr(&w, "a", "0123456789");
    CHECK_EQ_I64(w.err, 0);
    size_t ok_len = b.len;
    fdx_jw_cstr(&w, "b", "0123456789012345678901234567890123456789");
    CHECK_EQ_I64(w.err, -ENOSPC);
    size_t failed_len = b.len;
    CHECK_TRUE(failed_len <= 96);
    fdx_jw_u64(&w, "c", 1);
    CHECK_EQ_U64(b.len, failed_len);
    CHECK_EQ_I64(fdx_jw_end(&w), -ENOSPC);
    CHECK_EQ_U64(b.len, failed_len);
    CHECK_TRUE(ok_len <= failed_len);
    fdx_buf_fini(&b);

    /* Escaping alone at the bound reports the error to its caller. */
    fdx_buf_init(&b, 8);
    int err = 0;
    fdx_json_escape(&b, "\x01\x02", 2, &err);
    CHECK_EQ_I64(err, -ENOSPC);
    CHECK_EQ_U64(b.len, 0);
    fdx_buf_fini(&b);
}

/* A run of members written as raw text after a precompiled key, its object recorded as
 * opened: precompiled and dotted keys after it continue that object. */
static void test_opened(void)
{
    static const struct fdx_jw_obj obj_a = FDX_JW_OBJ_INIT(&fdx_jw_root, "a.", "a");
    static const struct fdx_jw_key key_t = FDX_JW_KEY_INIT(&fdx_jw_root, "t");
    static const struct fdx_jw_key key_a_x = FDX_JW_KEY_INIT(&obj_a, "x");
    struct fdx_buf b;
    fdx_buf_init(&b, 0);
    struct fdx_jw w;
    fdx_jw_begin(&w, &b);
    static const char run[] = "1,\"a\":{\"y\":2";
    fdx_jwk_raw(&w, &key_t, run, sizeof(run) - 1);
    fdx_jw_opened(&w, &obj_a);
    fdx_jwk_u64(&w, &key_a_x, 3);
    fdx_jw_u64(&w, "a.z", 4);
    fdx_jw_u64(&w, "b", 5);
    CHECK_EQ_I64(fdx_jw_end(&w), 0);
    char *t = text_of(&b);
    CHECK_EQ_STR(t, "{\"t\":1,\"a\":{\"y\":2,\"x\":3,\"z\":4},\"b\":5}");
    free(t);

    /* After an error nothing is recorded and the document fails. */
    struct fdx_buf small;
    fdx_buf_init(&small, 4);
    fdx_jw_begin(&w, &small);
    fdx_jwk_raw(&w, &key_t, run, sizeof(run) - 1);
    fdx_jw_opened(&w, &obj_a);
    fdx_jwk_u64(&w, &key_a_x, 3);
    CHECK_EQ_I64(fdx_jw_end(&w), -ENOSPC);
    CHECK_EQ_U64(small.len, 1);
    fdx_buf_fini(&small);
    fdx_buf_fini(&b);
}

TEST_LIST{
    {"nesting", test_nesting},
    {"escaping", test_escaping},
    {"values", test_values},
    {"bound", test_bound},
    {"opened", test_opened},
};

CHECK_MAIN()
