/* The index template: composable and legacy shapes, the server version from GET /, the file
 * in docker/elasticsearch/ equal to what the output installs, and every mapped field named
 * in docs/fields.md. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "check.h"
#include "doc_keys.h"
#include "es_template.h"
#include "output.h"

static const char *const default_patterns[] = {"flowdex-flows-*", "flowdex-counters-*"};

static struct json_object *body_json(bool legacy, bool data_stream)
{
    struct fdx_es_template_opts o = {default_patterns, 2, legacy, data_stream, 0, UINT_MAX};
    struct fdx_buf b;
    fdx_buf_init(&b, 0);
    CHECK_EQ_I64(fdx_es_template_body(&o, true, &b), 0);
    struct json_object *j = json_tokener_parse(b.p);
    fdx_buf_fini(&b);
    CHECK_TRUE(j != NULL);
    return j;
}

static const char *type_at(struct json_object *props, const char *dotted)
{
    char buf[128];
    snprintf(buf, sizeof(buf), "%s", dotted);
    struct json_object *cur = props, *node = NULL;
    for (char *seg = strtok(buf, "."); seg != NULL; seg = strtok(NULL, ".")) {
        if (cur == NULL || !json_object_object_get_ex(cur, seg, &node)) {
            return NULL;
        }
        if (!json_object_object_get_ex(node, "properties", &cur)) {
            cur = NULL;
        }
    }
    struct json_object *t;
    return node != NULL && json_object_object_get_ex(node, "type", &t) ? json_object_get_string(t)
                                                                      : NULL;
}

static void test_composable(void)
{
    struct json_object *j = body_json(false, false);
    struct json_object *tpl, *mappings, *props, *pats, *prio;
    CHECK_TRUE(json_object_object_get_ex(j, "index_patterns", &pats));
    CHECK_EQ_U64(json_object_array_length(pats), 2);
    CHECK_EQ_STR(json_object_get_string(json_object_array_get_idx(pats, 0)), "flowdex-flows-*");
    CHECK_TRUE(json_object_object_get_ex(j, "priority", &prio));
    CHECK_TRUE(json_object_object_get_ex(j, "template", &tpl));
    CHECK_TRUE(json_object_object_get_ex(tpl, "mappings", &mappings));
    CHECK_TRUE(json_object_object_get_ex(mappings, "properties", &props));
    CHECK_EQ_STR(type_at(props, "source.ip"), "ip");
    CHECK_EQ_STR(type_at(props, "source.geo.location"), "geo_point");
    CHECK_EQ_STR(type_at(props, "@timestamp"), "date");
    CHECK_EQ_STR(type_at(props, "network.bytes"), "long");
    CHECK_EQ_STR(type_at(props, "network.transport"), "keyword");
    CHECK_EQ_STR(type_at(props, "ip_src"), "ip");
    CHECK_EQ_STR(type_at(props, "timestamp_start"), "date");
    /* Every field of the table is mapped with its type. */
    for (const struct fdx_es_field *f = fdx_es_fields; f->name != NULL; f++) {
        CHECK_EQ_STR(type_at(props, f->name), f->type);
    }
    struct json_object *ds;
    CHECK_TRUE(!json_object_object_get_ex(j, "data_stream", &ds));
    json_object_put(j);
    j = body_json(false, true);
    CHECK_TRUE(json_object_object_get_ex(j, "data_stream", &ds));
    json_object_put(j);
}

static void test_legacy(void)
{
    struct json_object *j = body_json(true, false);
    struct json_object *x, *mappings, *props;
    CHECK_TRUE(!json_object_object_get_ex(j, "template", &x));
    CHECK_TRUE(!json_object_object_get_ex(j, "priority", &x));
    CHECK_TRUE(json_object_object_get_ex(j, "order", &x));
    CHECK_TRUE(json_object_object_get_ex(j, "mappings", &mappings));
    CHECK_TRUE(json_object_object_get_ex(mappings, "properties", &props));
    CHECK_EQ_STR(type_at(props, "destination.ip"), "ip");
    json_object_put(j);
}

static void test_version(void)
{
    struct fdx_es_version v;
    static const char es8[] = "{\"name\":\"n\",\"cluster_name\":\"c\",\"version\":{\"number\":"
                              "\"8.11.1\",\"build_flavor\":\"default\"},\"tagline\":\"You Know, "
                              "for Search\"}";
    CHECK_EQ_I64(fdx_es_version_parse(es8, sizeof(es8) - 1, &v), 0);
    CHECK_EQ_I64(v.major, 8);
    CHECK_EQ_I64(v.minor, 11);
    CHECK_TRUE(!v.opensearch);
    CHECK_TRUE(fdx_es_version_composable(&v));
    static const char es75[] = "{\"version\":{\"number\":\"7.5.2\"}}";
    CHECK_EQ_I64(fdx_es_version_parse(es75, sizeof(es75) - 1, &v), 0);
    CHECK_TRUE(!fdx_es_version_composable(&v));
    static const char es78[] = "{\"version\":{\"number\":\"7.8.0\"}}";
    CHECK_EQ_I64(fdx_es_version_parse(es78, sizeof(es78) - 1, &v), 0);
    CHECK_TRUE(fdx_es_version_composable(&v));
    static const char os[] = "{\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.11.0\"}}";
    CHECK_EQ_I64(fdx_es_version_parse(os, sizeof(os) - 1, &v), 0);
    CHECK_TRUE(v.opensearch);
    CHECK_TRUE(fdx_es_version_composable(&v));
    static const char bad[] = "{\"version\":{}}";
    CHECK_EQ_I64(fdx_es_version_parse(bad, sizeof(bad) - 1, &v), -EPROTO);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (p != NULL && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    if (p != NULL) {
        p[n] = '\0';
    }
    fclose(f);
    return p;
}

static void test_docker_file(void)
{
    const char *path = FDX_SOURCE_DIR "/docker/elasticsearch/flowdex-template.json";
    const char *write = getenv("FDX_WRITE_TEMPLATE");
    if (write != NULL && strcmp(write, "1") == 0) {
        struct fdx_es_template_opts o = {default_patterns, 2, false, false, 0, UINT_MAX};
        struct fdx_buf b;
        fdx_buf_init(&b, 0);
        fdx_es_template_body(&o, true, &b);
        FILE *f = fopen(path, "wb");
        CHECK_TRUE(f != NULL);
        if (f != NULL) {
            fwrite(b.p, 1, b.len, f);
            fclose(f);
        }
        fdx_buf_fini(&b);
    }
    char *text = slurp(path);
    CHECK_TRUE(text != NULL);
    if (text == NULL) {
        return;
    }
    struct json_object *file = json_tokener_parse(text);
    struct json_object *gen = body_json(false, false);
    CHECK_TRUE(file != NULL && json_object_equal(file, gen));
    json_object_put(file);
    json_object_put(gen);
    free(text);
}

static void test_fields_doc(void)
{
    char *doc = slurp(FDX_SOURCE_DIR "/docs/fields.md");
    CHECK_TRUE(doc != NULL);
    if (doc == NULL) {
        return;
    }
    for (const struct fdx_es_field *f = fdx_es_fields; f->name != NULL; f++) {
        char needle[160];
        snprintf(needle, sizeof(needle), "`%s`", f->name);
        if (strstr(doc, needle) == NULL) {
            fprintf(stderr, "docs/fields.md does not name %s\n", needle);
            check_failures_++;
        }
    }
    free(doc);
}

/* Every configuration key of the output is documented in docs/elasticsearch.md. */
static void test_config_doc(void)
{
    char *doc = slurp(FDX_SOURCE_DIR "/docs/elasticsearch.md");
    CHECK_TRUE(doc != NULL);
    const struct fdx_output_ops *ops = fdx_output_find("elasticsearch");
    CHECK_TRUE(ops != NULL);
    if (doc == NULL || ops == NULL) {
        free(doc);
        return;
    }
    for (const struct fdx_cfg_key *k = ops->keys; k->name != NULL; k++) {
        char needle[96];
        snprintf(needle, sizeof(needle), "| `%s` |", k->name);
        if (strstr(doc, needle) == NULL) {
            fprintf(stderr, "docs/elasticsearch.md does not document key %s\n", k->name);
            check_failures_++;
        }
    }
    free(doc);
}

/* Every name the encoder can write (the precompiled key table of doc_keys.h) has an explicit
 * mapping, so no field of ours is left to dynamic mapping, and no mapped field is one the
 * encoder never writes (but "labels", the free-form object, and "tags", whose name is the
 * tags stage's port_tag_field setting). */
static void test_doc_keys_mapped(void)
{
    for (size_t i = 0; i < fdx_doc_keys_count; i++) {
        const struct fdx_jw_key *k = fdx_doc_keys_all[i].key;
        char path[192];
        snprintf(path, sizeof(path), "%s%s", k->parent->path, fdx_doc_keys_all[i].name);
        bool found = false;
        for (const struct fdx_es_field *f = fdx_es_fields; f->name != NULL && !found; f++) {
            found = strcmp(f->name, path) == 0;
        }
        if (!found) {
            fprintf(stderr, "document field %s has no mapping in the template\n", path);
            check_failures_++;
        }
    }
    for (const struct fdx_es_field *f = fdx_es_fields; f->name != NULL; f++) {
        bool found = strcmp(f->name, "labels") == 0 || strcmp(f->name, "tags") == 0;
        for (size_t i = 0; i < fdx_doc_keys_count && !found; i++) {
            const struct fdx_jw_key *k = fdx_doc_keys_all[i].key;
            size_t plen = strlen(k->parent->path);
            found = strncmp(f->name, k->parent->path, plen) == 0 &&
                    strcmp(f->name + plen, fdx_doc_keys_all[i].name) == 0;
        }
        if (!found) {
            fprintf(stderr, "template maps %s, which no document carries\n", f->name);
            check_failures_++;
        }
    }
}

TEST_LIST{
    {"composable", test_composable},
    {"legacy", test_legacy},
    {"version", test_version},
    {"docker_file", test_docker_file},
    {"fields_doc", test_fields_doc},
    {"doc_keys_mapped", test_doc_keys_mapped},
    {"config_doc", test_config_doc},
};

CHECK_MAIN()
