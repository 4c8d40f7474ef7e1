/* Bulk bodies (action lines, walking items, thresholds) and index names by event time. */
#include <errno.h>

#include "check.h"
#include "es_bulk.h"
#include "es_index_name.h"
#include "output.h"

static void test_append_and_walk(void)
{
    struct fdx_es_bulk *b = fdx_es_bulk_new(0);
    CHECK_EQ_I64(fdx_es_bulk_append(b, FDX_ES_OP_CREATE, "flows-2026.11.23", 16, "abc",
                                     "{\"a\":1}", 7),
                 0);
    CHECK_EQ_I64(fdx_es_bulk_append(b, FDX_ES_OP_INDEX, "flows-2026.11.24", 16, NULL,
                                     "{\"b\":2}", 7),
                 0);
    static const char want[] = "{\"create\":{\"_index\":\"flows-2026.11.23\",\"_id\":\"abc\"}}\n"
                               "{\"a\":1}\n"
                               "{\"index\":{\"_index\":\"flows-2026.11.24\"}}\n"
                               "{\"b\":2}\n";
    CHECK_EQ_U64(b->body.len, sizeof(want) - 1);
    CHECK_MEM_EQ(b->body.p, want, sizeof(want) - 1);
    CHECK_EQ_U64(b->n, 2);
    CHECK_EQ_I64(fdx_es_bulk_count(b->body.p, b->body.len), 2);

    size_t pos = 0;
    struct fdx_es_item it;
    CHECK_TRUE(fdx_es_bulk_next(b->body.p, b->body.len, &pos, &it));
    CHECK_EQ_U64(it.doc_len, 7);
    CHECK_MEM_EQ(it.doc, "{\"a\":1}", 7);
    char ix[64], id[32];
    fdx_es_action_fields(&it, ix, sizeof(ix), id, sizeof(id));
    CHECK_EQ_STR(ix, "flows-2026.11.23");
    CHECK_EQ_STR(id, "abc");
    CHECK_TRUE(fdx_es_bulk_next(b->body.p, b->body.len, &pos, &it));
    fdx_es_action_fields(&it, ix, sizeof(ix), id, sizeof(id));
    CHECK_EQ_STR(ix, "flows-2026.11.24");
    CHECK_EQ_STR(id, "");
    CHECK_TRUE(!fdx_es_bulk_next(b->body.p, b->body.len, &pos, &it));

    /* Re-built from items (a retry of a subset) gives the same lines. */
    struct fdx_es_bulk *c = fdx_es_bulk_new(0);
    pos = 0;
    while (fdx_es_bulk_next(b->body.p, b->body.len, &pos, &it)) {
        CHECK_EQ_I64(fdx_es_bulk_append_item(c, it.action, it.action_len, it.doc, it.doc_len), 0);
    }
    CHECK_EQ_U64(c->body.len, b->body.len);
    CHECK_MEM_EQ(c->body.p, b->body.p, b->body.len);
    CHECK_TRUE(fdx_es_bulk_full(c, 2, 1 << 20));
    CHECK_TRUE(!fdx_es_bulk_full(c, 3, 1 << 20));
    CHECK_TRUE(fdx_es_bulk_full(c, 3, 10));
    fdx_es_bulk_free(c);
    /* A body cut in the middle of an item is not well formed. */
    CHECK_EQ_I64(fdx_es_bulk_count(b->body.p, b->body.len - 3), -EPROTO);
    fdx_es_bulk_free(b);
}

static void test_index_name(void)
{
    struct fdx_es_index_name n;
    fdx_es_index_name_init(&n, "flows-%Y.%m.%d");
    size_t len;
    /* 2026-03-01T23:59:59.999Z and one millisecond later. */
    const char *s = fdx_es_index_name_get(&n, INT64_C(1772409599999), &len);
    CHECK_EQ_STR(s, "flows-2026.03.01");
    CHECK_EQ_U64(len, 16);
    s = fdx_es_index_name_get(&n, INT64_C(1772409600000), &len);
    CHECK_EQ_STR(s, "flows-2026.03.02");
    /* The cache follows the hour, not the call order. */
    s = fdx_es_index_name_get(&n, INT64_C(1772409599999), &len);
    CHECK_EQ_STR(s, "flows-2026.03.01");

    fdx_es_index_name_init(&n, "f-%Y%m%d-%H%M");
    CHECK_TRUE(!n.hourly_cache);
    s = fdx_es_index_name_get(&n, INT64_C(1772409599999), &len);
    CHECK_EQ_STR(s, "f-20260301-2359");

    fdx_es_index_name_init(&n, "flows");
    s = fdx_es_index_name_get(&n, 0, &len);
    CHECK_EQ_STR(s, "flows");

    char w[64];
    fdx_es_index_wildcard("flowdex-flows-%Y.%m.%d", w, sizeof(w));
    CHECK_EQ_STR(w, "flowdex-flows-*");
    fdx_es_index_wildcard("flows", w, sizeof(w));
    CHECK_EQ_STR(w, "flows");

    int64_t t;
    CHECK_EQ_I64(fdx_es_index_parse_time("flows-%Y.%m.%d", "flows-2026.03.02", &t), 0);
    CHECK_EQ_I64(t, INT64_C(1772409600));
    CHECK_EQ_I64(fdx_es_index_parse_time("flows-%Y.%m.%d", "flows-2026.03.02-x", &t), -EINVAL);
    CHECK_EQ_I64(fdx_es_index_parse_time("flows-%Y.%m.%d", "other-2026.03.02", &t), -EINVAL);
}

static void test_doc_id(void)
{
    struct fdx_doc_meta m = {0};
    m.id_hi = 0;
    m.id_lo = 0;
    char id[23];
    fdx_doc_id_format(&m, id);
    CHECK_EQ_STR(id, "AAAAAAAAAAAAAAAAAAAAAA");
    m.id_hi = ~UINT64_C(0);
    m.id_lo = ~UINT64_C(0);
    fdx_doc_id_format(&m, id);
    CHECK_EQ_STR(id, "_____________________w");
}

TEST_LIST{
    {"append_and_walk", test_append_and_walk},
    {"index_name", test_index_name},
    {"doc_id", test_doc_id},
};

CHECK_MAIN()
