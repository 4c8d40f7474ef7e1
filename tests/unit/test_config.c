/* Configuration: a good file parses with its values; each kind of bad value gives a message
 * naming the key, the value and the expectation; unknown keys are refused; command-line
 * options land on the same keys. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli_options.h"
#include "config.h"

static struct fdx_config *load_text(const char *text, struct fdx_err *err)
{
    struct json_object *root = json_tokener_parse(text);
    if (root == NULL) {
        snprintf(err->msg, sizeof(err->msg), "test: bad JSON");
        return NULL;
    }
    fdx_config_fill_defaults(root);
    struct fdx_config *c = fdx_config_load(root, err);
    json_object_put(root);
    return c;
}

/* The load must fail and the message must contain every fragment. */
static void expect_error(const char *text, const char *frag1, const char *frag2)
{
    struct fdx_err err = {""};
    struct fdx_config *c = load_text(text, &err);
    CHECK_TRUE(c == NULL);
    fdx_config_free(c);
    if (strstr(err.msg, frag1) == NULL || (frag2 && strstr(err.msg, frag2) == NULL)) {
        fprintf(stderr, "for %s: message \"%s\" lacks \"%s\"/\"%s\"\n", text, err.msg, frag1,
                frag2 ? frag2 : "");
        CHECK_TRUE(false);
    }
}

static void test_good_config(void)
{
    struct fdx_err err = {""};
    struct fdx_config *c = load_text(
        "{\"listen\": [\"127.0.0.1:2055\", \"sflow@[::1]:6343\", \":4739\"], \"workers\": 3,"
        " \"schema\": \"pmacct\", \"metrics\": \"127.0.0.1:9100\", \"shutdown_timeout\": \"2s\","
        " \"rcvbuf_bytes\": \"8MiB\", \"decode\": {\"max_exporters\": 10, \"renormalize\": false},"
        " \"outputs\": [{\"type\": \"file\", \"path\": \"/dev/null\"}]}",
        &err);
    CHECK_TRUE(c != NULL);
    if (c == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    CHECK_EQ_U64(c->nlisten, 3);
    CHECK_EQ_U64(c->listen[0].addr.ss_family, AF_INET);
    CHECK_EQ_U64(c->listen[1].addr.ss_family, AF_INET6);
    CHECK_EQ_U64(c->listen[1].proto_hint, FDX_PROTO_SFLOW5);
    CHECK_TRUE(c->listen[2].any);
    CHECK_EQ_U64(c->core.workers, 3);
    CHECK_EQ_U64(c->doc.schema, FDX_SCHEMA_PMACCT);
    CHECK_TRUE(c->has_metrics);
    CHECK_EQ_U64(c->core.shutdown_timeout, 2000);
    CHECK_EQ_U64(c->core.rcvbuf_bytes, 8u << 20);
    CHECK_EQ_U64(c->decode.max_exporters, 10);
    CHECK_TRUE(!c->decode.renormalize);
    CHECK_EQ_U64(c->decode.template_timeout_s, 1800);
    CHECK_EQ_U64(c->noutputs, 1);
    CHECK_EQ_STR(c->outputs[0].ops->name, "file");
    fdx_config_free(c);
}

static void test_defaults(void)
{
    struct fdx_err err = {""};
    struct fdx_config *c = load_text("{}", &err);
    CHECK_TRUE(c != NULL);
    if (c == NULL) {
        return;
    }
    CHECK_EQ_U64(c->nlisten, 3); /* 2055, 4739, 6343 on every address */
    CHECK_TRUE(c->listen[0].any && c->listen[1].any && c->listen[2].any);
    CHECK_EQ_U64(c->core.workers, 1);
    CHECK_TRUE(!c->has_metrics);
    CHECK_EQ_U64(c->noutputs, 1); /* NDJSON to stdout */
    CHECK_EQ_U64(c->nstages, fdx_stage_find("community_id") != NULL ? 1 : 0);
    fdx_config_free(c);
}

static void test_bad_values(void)
{
    expect_error("{\"workers\": 0}", "\"workers\": 0", "1..64");
    expect_error("{\"workers\": \"two\"}", "\"workers\"", "integer");
    expect_error("{\"schema\": \"kibana\"}", "\"schema\": \"kibana\"", "\"ecs\", \"pmacct\"");
    expect_error("{\"log_level\": 3}", "\"log_level\"", NULL);
    expect_error("{\"shutdown_timeout\": \"soon\"}", "\"shutdown_timeout\": \"soon\"", "duration");
    expect_error("{\"rcvbuf_bytes\": \"12XB\"}", "\"rcvbuf_bytes\"", "size");
    expect_error("{\"extra_ies\": \"yes\"}", "\"extra_ies\"", "true or false");
    expect_error("{\"listen\": [\"127.0.0.1\"]}", "listen[0]", "PORT");
    expect_error("{\"listen\": [\"bogus@127.0.0.1:1\"]}", "listen[0]", "protocol");
    expect_error("{\"listen\": [\"1.2.3:80\"]}", "listen[0]", "IPv4 literal");
    expect_error("{\"listen\": []}", "\"listen\"", "at least one");
    expect_error("{\"metrics\": \"localhost\"}", "\"metrics\"", "PORT");
    expect_error("{\"decode\": {\"max_exporters\": 0}}", "\"decode.max_exporters\"", NULL);
    expect_error("{\"decode\": 5}", "decode", "object");
}

static void test_unknown_keys(void)
{
    expect_error("{\"wokers\": 2}", "\"wokers\": unknown key", "workers");
    expect_error("{\"decode\": {\"renormalise\": true}}", "\"decode.renormalise\": unknown key",
                 NULL);
    expect_error("{\"outputs\": [{\"type\": \"file\", \"pth\": \"x\"}]}",
                 "\"outputs[0].pth\": unknown key", "path");
    expect_error("{\"outputs\": [{\"type\": \"carrier-pigeon\"}]}", "\"outputs[0].type\"",
                 "carrier-pigeon");
    expect_error("{\"outputs\": [{\"path\": \"x\"}]}", "\"outputs[0].type\" is required", NULL);
    expect_error("{\"outputs\": []}", "\"outputs\"", "at least one");
    expect_error("{\"outputs\": {}}", "\"outputs\"", "array");
    expect_error("{\"stages\": [{\"type\": \"no-such-stage\"}]}", "\"stages[0].type\"",
                 "no-such-stage");
}

static struct fdx_config *from_argv(int argc, char **argv, struct fdx_err *err)
{
    struct fdx_cli cli;
    if (fdx_cli_parse(argc, argv, &cli, err) != 0) {
        return NULL;
    }
    return fdx_cli_build_config(&cli, err);
}

static void test_cli_options(void)
{
    struct fdx_err err = {""};
    char *a1[] = {"flowdex", "--listen", "127.0.0.1:5000", "--listen=[::1]:5001", "--workers",
                  "2", "--output", "/dev/null", "--schema", "pmacct", "--log-level", "debug",
                  "--metrics", "127.0.0.1:9100"};
    struct fdx_config *c = from_argv(14, a1, &err);
    CHECK_TRUE(c != NULL);
    if (c != NULL) {
        CHECK_EQ_U64(c->nlisten, 2);
        CHECK_EQ_U64(c->core.workers, 2);
        CHECK_EQ_U64(c->noutputs, 1); /* --output replaces the stdout default */
        CHECK_EQ_U64(c->doc.schema, FDX_SCHEMA_PMACCT);
        CHECK_EQ_U64(c->core.log_level, FDX_LOG_DEBUG);
        CHECK_TRUE(c->has_metrics);
        fdx_config_free(c);
    }
    char *a2[] = {"flowdex", "--workers", "many"};
    CHECK_TRUE(from_argv(3, a2, &err) == NULL);
    CHECK_TRUE(strstr(err.msg, "--workers") != NULL);
    char *a3[] = {"flowdex", "--workers", "100"};
    CHECK_TRUE(from_argv(3, a3, &err) == NULL);
    CHECK_TRUE(strstr(err.msg, "\"workers\": 100") != NULL);
    char *a4[] = {"flowdex", "--frobnicate"};
    CHECK_TRUE(from_argv(2, a4, &err) == NULL);
    CHECK_TRUE(strstr(err.msg, "--frobnicate") != NULL);
    char *a5[] = {"flowdex", "--es", "http://127.0.0.1:9200"};
    c = from_argv(3, a5, &err);
    if (fdx_output_find("elasticsearch") == NULL) {
        CHECK_TRUE(c == NULL);
        CHECK_TRUE(strstr(err.msg, "elasticsearch") != NULL);
    } else {
        CHECK_TRUE(c != NULL);
        CHECK_EQ_U64(c ? c->noutputs : 0, 1);
        CHECK_EQ_STR(c ? c->outputs[0].ops->name : "", "elasticsearch");
    }
    fdx_config_free(c);
    struct fdx_cli cli;
    char *a6[] = {"flowdex", "replay"};
    CHECK_EQ_I64(fdx_cli_parse(2, a6, &cli, &err), -EINVAL);
    char *a7[] = {"flowdex", "replay", "--workers", "2", "a.pcap", "b.pcap"};
    CHECK_EQ_I64(fdx_cli_parse(6, a7, &cli, &err), 0);
    CHECK_EQ_U64(cli.mode, FDX_CLI_REPLAY);
    CHECK_EQ_U64(cli.nfiles, 2);
    CHECK_EQ_STR(cli.files[1], "b.pcap");
}

static void test_file_with_comments(void)
{
    char path[] = "/tmp/fdx_test_config_XXXXXX";
    int fd = mkstemp(path);
    CHECK_TRUE(fd >= 0);
    const char *text = "// flowdex test\n{\n  /* two workers */\n  \"workers\": 2,\n"
                       "  \"listen\": [\"127.0.0.1:2055\"]\n}\n";
    CHECK_EQ_I64(write(fd, text, strlen(text)), (int64_t)strlen(text));
    close(fd);
    struct fdx_err err = {""};
    struct json_object *root = fdx_config_read_file(path, &err);
    CHECK_TRUE(root != NULL);
    json_object_put(root);
    fd = open(path, O_WRONLY | O_TRUNC);
    const char *bad = "{\n  \"workers\": 2,\n  \"listen\": [\n}\n";
    CHECK_EQ_I64(write(fd, bad, strlen(bad)), (int64_t)strlen(bad));
    close(fd);
    root = fdx_config_read_file(path, &err);
    CHECK_TRUE(root == NULL);
    CHECK_TRUE(strstr(err.msg, "line 4") != NULL);
    unlink(path);
}

TEST_LIST{
    {"good_config", test_good_config},
    {"defaults", test_defaults},
    {"bad_values", test_bad_values},
    {"unknown_keys", test_unknown_keys},
    {"cli_options", test_cli_options},
    {"file_with_comments", test_file_with_comments},
};

CHECK_MAIN()
