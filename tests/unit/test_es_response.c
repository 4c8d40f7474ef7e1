/* Bulk response parsing on canned bodies shaped as Elasticsearch's _bulk documentation shows
 * them: all created, mixed results (409 conflict on create, 429 rejection, 400 mapping
 * error), malformed answers; and the whole-request verdicts. */
#include <errno.h>
#include <stdio.h>

#include "check.h"
#include "es_response.h"

static bool str_eq(struct fdx_es_str s, const char *lit)
{
    return s.p != NULL && s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

static void test_all_created(void)
{
    static const char body[] =
        "{\"took\":30,\"errors\":false,\"items\":["
        "{\"create\":{\"_index\":\"flows\",\"_id\":\"1\",\"_version\":1,\"result\":\"created\","
        "\"_shards\":{\"total\":2,\"successful\":1,\"failed\":0},\"status\":201,\"_seq_no\":0,"
        "\"_primary_term\":1}},"
        "{\"index\":{\"_index\":\"flows\",\"_id\":\"2\",\"_version\":2,\"result\":\"updated\","
        "\"_shards\":{\"total\":2,\"successful\":1,\"failed\":0},\"status\":200,\"_seq_no\":1,"
        "\"_primary_term\":1}}]}";
    struct fdx_es_response r;
    fdx_es_response_init(&r);
    CHECK_EQ_I64(fdx_es_response_parse(&r, body, sizeof(body) - 1), 0);
    CHECK_TRUE(!r.errors);
    CHECK_EQ_U64(r.n, 2);
    CHECK_EQ_U64(r.items[0].verdict, FDX_OUT_OK);
    CHECK_EQ_U64(r.items[0].status, 201);
    CHECK_TRUE(!r.items[0].duplicate);
    CHECK_EQ_U64(r.items[1].verdict, FDX_OUT_OK);
    CHECK_EQ_U64(r.items[1].status, 200);
    fdx_es_response_fini(&r);
}

static void test_mixed(void)
{
    static const char body[] =
        "{\"took\":486,\"errors\":true,\"items\":["
        "{\"create\":{\"_index\":\"flows\",\"_id\":\"a\",\"status\":409,\"error\":{"
        "\"type\":\"version_conflict_engine_exception\",\"reason\":\"[a]: version conflict, "
        "document already exists (current version [1])\",\"index_uuid\":\"x\",\"shard\":\"0\","
        "\"index\":\"flows\"}}},"
        "{\"create\":{\"_index\":\"flows\",\"_id\":\"b\",\"status\":429,\"error\":{"
        "\"type\":\"es_rejected_execution_exception\",\"reason\":\"rejected execution\"}}},"
        "{\"create\":{\"_index\":\"flows\",\"_id\":\"c\",\"status\":400,\"error\":{"
        "\"type\":\"document_parsing_exception\",\"reason\":\"[1:36] failed to parse field "
        "[source.ip] of type [ip] in document with id 'c'\"}}},"
        "{\"create\":{\"_index\":\"flows\",\"_id\":\"d\",\"status\":503,\"error\":{"
        "\"type\":\"unavailable_shards_exception\",\"reason\":\"primary shard is not active\"}}},"
        "{\"create\":{\"_index\":\"flows\",\"_id\":\"e\",\"_version\":1,\"result\":\"created\","
        "\"status\":201}}]}";
    struct fdx_es_response r;
    fdx_es_response_init(&r);
    CHECK_EQ_I64(fdx_es_response_parse(&r, body, sizeof(body) - 1), 0);
    CHECK_TRUE(r.errors);
    CHECK_EQ_U64(r.n, 5);
    CHECK_EQ_U64(r.items[0].verdict, FDX_OUT_OK);
    CHECK_TRUE(r.items[0].duplicate);
    CHECK_TRUE(str_eq(r.items[0].type, "version_conflict_engine_exception"));
    CHECK_EQ_U64(r.items[1].verdict, FDX_OUT_RETRY);
    CHECK_TRUE(str_eq(r.items[1].type, "es_rejected_execution_exception"));
    CHECK_EQ_U64(r.items[2].verdict, FDX_OUT_REJECT);
    CHECK_EQ_U64(r.items[2].status, 400);
    CHECK_TRUE(str_eq(r.items[2].type, "document_parsing_exception"));
    CHECK_TRUE(r.items[2].reason.p != NULL &&
               memmem(r.items[2].reason.p, r.items[2].reason.len, "source.ip", 9) != NULL);
    CHECK_EQ_U64(r.items[3].verdict, FDX_OUT_RETRY);
    CHECK_EQ_U64(r.items[4].verdict, FDX_OUT_OK);
    CHECK_TRUE(!r.items[4].duplicate);
    CHECK_TRUE(r.items[4].type.p == NULL);
    fdx_es_response_fini(&r);
}

static void test_malformed(void)
{
    static const char *const bad[] = {
        "",
        "not json",
        "{\"took\":1,\"errors\":false}",
        "{\"took\":1,\"errors\":false,\"items\":{}}",
        "{\"took\":1,\"errors\":false,\"items\":[{\"create\":{\"_id\":\"x\"}}]}",
        "{\"took\":1,\"errors\":false,\"items\":[{\"create\":{\"status\":\"201\"}}]}",
        "{\"took\":1,\"errors\":false,\"items\":[42]}",
        "{\"took\":1,\"errors\":false,\"items\":[{\"create\":{\"status\":201}}]",
        "[]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fdx_es_response r;
        fdx_es_response_init(&r);
        int rc = fdx_es_response_parse(&r, bad[i], strlen(bad[i]));
        if (rc != -EPROTO) {
            fprintf(stderr, "case %zu: rc %d\n", i, rc);
        }
        CHECK_EQ_I64(rc, -EPROTO);
        fdx_es_response_fini(&r);
    }
}

/* Escaped strings, unknown members of every kind, whitespace, an error given as a string. */
static void test_shapes(void)
{
    static const char body[] =
        " {\n \"took\" : 2 , \"ingest_took\": 0, \"errors\" : true, \"items\" : [\n"
        "  { \"index\" : { \"_index\": \"f\", \"_shards\": {\"failures\": [[], {}, 1.5e3, "
        "null, false]}, \"error\": { \"type\": \"mapper_parsing_exception\", \"reason\": "
        "\"failed to parse [a\\\"b] \\u00e9\", \"caused_by\": {\"type\": \"x\", "
        "\"reason\": \"y\"}}, \"status\" : 400 } },\n"
        "  {\"create\":{\"error\":\"plain text\",\"status\":500}}\n ] }\n";
    struct fdx_es_response r;
    fdx_es_response_init(&r);
    CHECK_EQ_I64(fdx_es_response_parse(&r, body, sizeof(body) - 1), 0);
    CHECK_EQ_U64(r.n, 2);
    CHECK_EQ_U64(r.items[0].status, 400);
    CHECK_EQ_U64(r.items[0].verdict, FDX_OUT_REJECT);
    CHECK_TRUE(str_eq(r.items[0].type, "mapper_parsing_exception"));
    CHECK_TRUE(str_eq(r.items[0].reason, "failed to parse [a\\\"b] \\u00e9"));
    CHECK_EQ_U64(r.items[1].verdict, FDX_OUT_RETRY);
    CHECK_TRUE(str_eq(r.items[1].reason, "plain text"));
    /* The same object reused for a second, larger answer. */
    static char big[200000];
    size_t n = (size_t)snprintf(big, sizeof(big), "{\"errors\":false,\"items\":[");
    for (int i = 0; i < 3000; i++) {
        n += (size_t)snprintf(big + n, sizeof(big) - n, "%s{\"create\":{\"status\":201}}",
                              i ? "," : "");
    }
    n += (size_t)snprintf(big + n, sizeof(big) - n, "]}");
    CHECK_EQ_I64(fdx_es_response_parse(&r, big, n), 0);
    CHECK_EQ_U64(r.n, 3000);
    CHECK_TRUE(!r.errors);
    CHECK_EQ_U64(r.items[2999].status, 201);
    /* Nesting beyond the bound is refused, not recursed into. */
    static char deep[400];
    n = (size_t)snprintf(deep, sizeof(deep), "{\"x\":");
    for (int i = 0; i < 100; i++) {
        deep[n++] = '[';
    }
    for (int i = 0; i < 100; i++) {
        deep[n++] = ']';
    }
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, ",\"items\":[]}");
    CHECK_EQ_I64(fdx_es_response_parse(&r, deep, n), -EPROTO);
    fdx_es_response_fini(&r);
}

static void test_verdicts(void)
{
    bool dup;
    CHECK_EQ_U64(fdx_es_item_verdict(201, &dup), FDX_OUT_OK);
    CHECK_TRUE(!dup);
    CHECK_EQ_U64(fdx_es_item_verdict(409, &dup), FDX_OUT_OK);
    CHECK_TRUE(dup);
    CHECK_EQ_U64(fdx_es_item_verdict(429, &dup), FDX_OUT_RETRY);
    CHECK_EQ_U64(fdx_es_item_verdict(500, &dup), FDX_OUT_RETRY);
    CHECK_EQ_U64(fdx_es_item_verdict(400, &dup), FDX_OUT_REJECT);
    CHECK_EQ_U64(fdx_es_item_verdict(404, &dup), FDX_OUT_REJECT);
    CHECK_EQ_U64(fdx_es_request_verdict(200), FDX_OUT_OK);
    CHECK_EQ_U64(fdx_es_request_verdict(429), FDX_OUT_RETRY);
    CHECK_EQ_U64(fdx_es_request_verdict(502), FDX_OUT_RETRY);
    CHECK_EQ_U64(fdx_es_request_verdict(503), FDX_OUT_RETRY);
    CHECK_EQ_U64(fdx_es_request_verdict(504), FDX_OUT_RETRY);
    CHECK_EQ_U64(fdx_es_request_verdict(401), FDX_OUT_RETRY);
    CHECK_EQ_U64(fdx_es_request_verdict(400), FDX_OUT_REJECT);
    CHECK_EQ_U64(fdx_es_request_verdict(413), FDX_OUT_REJECT);
}

TEST_LIST{
    {"all_created", test_all_created},
    {"mixed", test_mixed},
    {"malformed", test_malformed},
    {"shapes", test_shapes},
    {"verdicts", test_verdicts},
};

CHECK_MAIN()
