/* IPFIX-over-TCP configuration: which listen entries open TCP (ipfix@, or port 4739 without
 * a protocol; once per address), ipfix_tcp off, the bounds' defaults, bad values refused
 * with a message naming the key. */
#include <arpa/inet.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <string.h>

#include "check.h"
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

static uint16_t port_of(const struct fdx_sockaddr_spec *s)
{
    if (s->addr.ss_family == AF_INET6) {
        return ntohs(((const struct sockaddr_in6 *)&s->addr)->sin6_port);
    }
    return ntohs(((const struct sockaddr_in *)&s->addr)->sin_port);
}

static void test_which_entries(void)
{
    struct fdx_err err = {""};
    struct fdx_config *c = load_text("{\"listen\": [\":2055\", \":4739\", "
                                     "\"ipfix@127.0.0.1:9996\", \"netflow@:4740\", "
                                     "\"ipfix@[::1]:9997\", \"sflow@:4739\", \"ipfix@:4739\"]}",
                                     &err);
    CHECK_TRUE(c != NULL);
    if (c == NULL) {
        fprintf(stderr, "%s\n", err.msg);
        return;
    }
    /* :4739 (port), ipfix@127.0.0.1:9996, ipfix@[::1]:9997; sflow@:4739 is not IPFIX and
     * ipfix@:4739 is the same address as :4739. */
    CHECK_EQ_U64(c->ntcp_listen, 3);
    CHECK_EQ_U64(port_of(&c->tcp_listen[0]), 4739);
    CHECK_TRUE(c->tcp_listen[0].any);
    CHECK_EQ_U64(port_of(&c->tcp_listen[1]), 9996);
    CHECK_EQ_U64(c->tcp_listen[1].addr.ss_family, AF_INET);
    CHECK_EQ_U64(port_of(&c->tcp_listen[2]), 9997);
    CHECK_EQ_U64(c->tcp_listen[2].addr.ss_family, AF_INET6);
    CHECK_EQ_U64(c->core.tcp_max_connections, 256);
    CHECK_EQ_U64(c->core.tcp_idle_timeout, 600000);
    fdx_config_free(c);
}

static void test_off_and_values(void)
{
    struct fdx_err err = {""};
    struct fdx_config *c = load_text("{\"ipfix_tcp\": false, \"listen\": [\":4739\"]}", &err);
    CHECK_TRUE(c != NULL);
    CHECK_EQ_U64(c ? c->ntcp_listen : 99, 0);
    fdx_config_free(c);
    c = load_text("{\"tcp_max_connections\": 2, \"tcp_idle_timeout\": \"90s\"}", &err);
    CHECK_TRUE(c != NULL);
    CHECK_EQ_U64(c ? c->core.tcp_max_connections : 0, 2);
    CHECK_EQ_U64(c ? c->core.tcp_idle_timeout : 0, 90000);
    CHECK_EQ_U64(c ? c->ntcp_listen : 0, 1); /* the default list holds :4739 */
    fdx_config_free(c);
}

static void expect_error(const char *text, const char *frag)
{
    struct fdx_err err = {""};
    struct fdx_config *c = load_text(text, &err);
    CHECK_TRUE(c == NULL);
    fdx_config_free(c);
    if (strstr(err.msg, frag) == NULL) {
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, frag);
        CHECK_TRUE(false);
    }
}

static void test_bad_values(void)
{
    expect_error("{\"tcp_max_connections\": 0}", "\"tcp_max_connections\": 0 is not valid");
    expect_error("{\"tcp_max_connections\": 70000}", "1..65536");
    expect_error("{\"tcp_idle_timeout\": \"500ms\"}", "\"tcp_idle_timeout\"");
    expect_error("{\"ipfix_tcp\": \"yes\"}", "\"ipfix_tcp\"");
    expect_error("{\"listen\": [\"tcp@:4739\"]}", "unknown protocol before '@'");
}

TEST_LIST{
    {"which_entries", test_which_entries},
    {"off_and_values", test_off_and_values},
    {"bad_values", test_bad_values},
};

CHECK_MAIN()
