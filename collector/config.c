/* Configuration loading and validation with the key tables of cfg.h. Control path only. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const schema_names[] = {"ecs", "pmacct", NULL};
static const char *const level_names[] = {"error", "warn", "info", "debug", NULL};

#define CORE(f) offsetof(struct fdx_core_conf, f)
const struct fdx_cfg_key fdx_config_core_keys[] = {
    {"listen", FDX_CFG_STRLIST, "[\":2055\", \":4739\", \":6343\"]", CORE(listen), 0, 0, NULL,
     "listen addresses \"[PROTO@]ADDR:PORT\" (UDP; IPFIX entries also TCP, see ipfix_tcp); "
     "an empty ADDR is every address"},
    {"workers", FDX_CFG_UINT, "1", CORE(workers), 1, 64, NULL,
     "worker threads running the stage chain and the document encoder"},
    {"schema", FDX_CFG_ENUM, "\"ecs\"", CORE(schema), 0, 0, schema_names,
     "document field names: ecs (Elastic Common Schema) or pmacct"},
    {"log_level", FDX_CFG_ENUM, "\"info\"", CORE(log_level), 0, 0, level_names,
     "log verbosity: error, warn, info or debug"},
    {"metrics", FDX_CFG_STRING, "\"\"", CORE(metrics), 0, 0, NULL,
     "ADDR:PORT of the HTTP endpoint for /metrics and /health; empty = off"},
    {"data_dir", FDX_CFG_STRING, "\".\"", CORE(data_dir), 0, 0, NULL,
     "directory where outputs keep spool and dead-letter files"},
    {"batch_size", FDX_CFG_UINT, "256", CORE(batch_size), 1, 65536, NULL,
     "records per batch"},
    {"batch_count", FDX_CFG_UINT, "64", CORE(batch_count), 2, 1048576, NULL,
     "batches preallocated per producer (listener socket or replay)"},
    {"ring_size", FDX_CFG_UINT, "32", CORE(ring_size), 2, 1048576, NULL,
     "batches a producer-to-worker ring holds (rounded up to a power of two)"},
    {"doc_batch_count", FDX_CFG_UINT, "8", CORE(doc_batch_count), 2, 4096, NULL,
     "encoded-document batches preallocated per worker"},
    {"doc_batch_bytes", FDX_CFG_BYTES, "\"4MiB\"", CORE(doc_batch_bytes), 65536, 1073741824,
     NULL, "bound of one encoded-document batch"},
    {"recv_batch", FDX_CFG_UINT, "64", CORE(recv_batch), 1, 1024, NULL,
     "datagrams received per recvmmsg call"},
    {"max_datagram_bytes", FDX_CFG_BYTES, "65535", CORE(max_datagram_bytes), 1500, 65535, NULL,
     "receive buffer per datagram; longer datagrams are truncated by the kernel"},
    {"rcvbuf_bytes", FDX_CFG_BYTES, "\"32MiB\"", CORE(rcvbuf_bytes), 65536, 2147483647, NULL,
     "SO_RCVBUF asked for each UDP socket (the granted size is logged)"},
    {"reuseport", FDX_CFG_UINT, "1", CORE(reuseport), 1, 64, NULL,
     "sockets (and listener threads) per listen address, with SO_REUSEPORT when above 1"},
    {"shutdown_timeout", FDX_CFG_DURATION, "\"10s\"", CORE(shutdown_timeout), 100, 3600000,
     NULL, "time allowed to drain rings and flush outputs on SIGTERM"},
    {"output_wait", FDX_CFG_DURATION, "\"1s\"", CORE(output_wait), 0, 600000, NULL,
     "how long a worker waits for the output thread before counting output_full"},
    {"listener_wait", FDX_CFG_DURATION, "\"1s\"", CORE(listener_wait), 0, 10000, NULL,
     "how long a listener leaves datagrams in the socket buffer while workers are behind"},
    {"extra_ies", FDX_CFG_BOOL, "true", CORE(extra_ies), 0, 0, NULL,
     "write information elements without a fixed field as netflow.<name>"},
    {"ipfix_tcp", FDX_CFG_BOOL, "true", CORE(ipfix_tcp), 0, 0, NULL,
     "IPFIX listen entries (ipfix@ADDR:PORT, or port 4739) also accept IPFIX over TCP"},
    {"tcp_max_connections", FDX_CFG_UINT, "256", CORE(tcp_max_connections), 1, 65536, NULL,
     "open IPFIX-over-TCP connections; one more is accepted, closed and counted"},
    {"tcp_idle_timeout", FDX_CFG_DURATION, "\"10m\"", CORE(tcp_idle_timeout), 1000,
     86400000, NULL, "an IPFIX-over-TCP connection silent this long is closed"},
    {"decode", FDX_CFG_JSON, "{}", CORE(decode), 0, 0, NULL,
     "decoder settings (object; keys below)"},
    {"stages", FDX_CFG_JSON, "null", CORE(stages), 0, 0, NULL,
     "enrichment chain: array of {\"type\": NAME, ...}"},
    {"outputs", FDX_CFG_JSON, "null", CORE(outputs), 0, 0, NULL,
     "outputs: array of {\"type\": NAME, ...}"},
    FDX_CFG_END,
};
#undef CORE

#define DEC(f) offsetof(struct fdx_decode_conf, f)
const struct fdx_cfg_key fdx_config_decode_keys[] = {
    {"renormalize", FDX_CFG_BOOL, "true", DEC(renormalize), 0, 0, NULL,
     "multiply bytes and packets by the sampling rate"},
    {"max_exporters", FDX_CFG_UINT, "4096", DEC(max_exporters), 1, 1048576, NULL,
     "exporter/domain entries per listener thread"},
    {"template_timeout", FDX_CFG_DURATION, "1800", DEC(template_timeout), 1000, 604800000,
     NULL, "lifetime of a NetFlow v9 / IPFIX-over-UDP template"},
    {"max_templates", FDX_CFG_UINT, "65536", DEC(max_templates), 1, 16777216, NULL,
     "templates cached per listener thread"},
    {"max_templates_per_exporter", FDX_CFG_UINT, "4096", DEC(max_templates_per_exporter), 1,
     65536, NULL, "templates cached per exporter and domain"},
    {"pending_timeout", FDX_CFG_DURATION, "60", DEC(pending_timeout), 0, 3600000, NULL,
     "how long a data set waits for its template"},
    {"pending_max_bytes", FDX_CFG_BYTES, "\"16MiB\"", DEC(pending_max_bytes), 0, 1073741824,
     NULL, "bound on data held waiting for templates, per listener thread"},
    FDX_CFG_END,
};
#undef DEC

static const struct {
    const char *name;
    uint8_t proto;
} proto_hints[] = {
    {"netflow", FDX_PROTO_NF5}, {"netflow5", FDX_PROTO_NF5}, {"netflow9", FDX_PROTO_NF9},
    {"ipfix", FDX_PROTO_IPFIX}, {"sflow", FDX_PROTO_SFLOW5},
};

static int parse_port(const char *s, uint16_t *port)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > 65535 || s[0] == '-' || s[0] == '+') {
        return -EINVAL;
    }
    *port = (uint16_t)v;
    return 0;
}

static int spec_proto(const char **text, bool allow_proto, struct fdx_sockaddr_spec *out,
                      struct fdx_err *err)
{
    const char *at = strchr(*text, '@');
    if (at == NULL) {
        return 0;
    }
    size_t n = (size_t)(at - *text);
    for (size_t i = 0; allow_proto && i < FDX_ARRAY_LEN(proto_hints); i++) {
        if (strlen(proto_hints[i].name) == n && strncmp(*text, proto_hints[i].name, n) == 0) {
            out->proto_hint = proto_hints[i].proto;
            *text = at + 1;
            return 0;
        }
    }
    fdx_err_set(err, "\"%s\": unknown protocol before '@' (expected netflow, netflow9, ipfix "
                     "or sflow)", out->text);
    return -EINVAL;
}

int fdx_sockaddr_spec_parse(const char *text, bool allow_proto, struct fdx_sockaddr_spec *out,
                            struct fdx_err *err)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->text, sizeof(out->text), "%s", text);
    if (strlen(text) >= sizeof(out->text) || spec_proto(&text, allow_proto, out, err) != 0) {
        if (strlen(text) >= sizeof(out->text)) {
            fdx_err_set(err, "\"%.40s...\": address too long", text);
        }
        return -EINVAL;
    }
    const char *colon = strrchr(text, ':');
    uint16_t port;
    if (colon == NULL || parse_port(colon + 1, &port) != 0 || port == 0) {
        fdx_err_set(err, "\"%s\": expected [PROTO@]ADDR:PORT with PORT in 1..65535", out->text);
        return -EINVAL;
    }
    char host[64];
    size_t hlen = (size_t)(colon - text);
    if (hlen >= sizeof(host)) {
        fdx_err_set(err, "\"%s\": address too long", out->text);
        return -EINVAL;
    }
    memcpy(host, text, hlen);
    host[hlen] = '\0';
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->addr;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&out->addr;
    if (hlen == 0 || strcmp(host, "*") == 0 || strcmp(host, "[::]") == 0) {
        out->any = hlen == 0 || host[0] == '*';
        s6->sin6_family = AF_INET6;
        s6->sin6_addr = in6addr_any;
        s6->sin6_port = htons(port);
        out->addr_len = sizeof(*s6);
        return 0;
    }
    if (host[0] == '[' && host[hlen - 1] == ']') {
        host[hlen - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1) {
            s6->sin6_family = AF_INET6;
            s6->sin6_port = htons(port);
            out->addr_len = sizeof(*s6);
            return 0;
        }
    } else if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        out->addr_len = sizeof(*s4);
        return 0;
    }
    fdx_err_set(err, "\"%s\": address is not an IPv4 literal or a bracketed IPv6 literal",
                out->text);
    return -EINVAL;
}

bool fdx_sockaddr_spec_is_ipfix(const struct fdx_sockaddr_spec *s)
{
    if (s->proto_hint != FDX_PROTO_UNKNOWN) {
        return s->proto_hint == FDX_PROTO_IPFIX;
    }
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)&s->addr;
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&s->addr;
    uint16_t port = ntohs(s->addr.ss_family == AF_INET6 ? s6->sin6_port : s4->sin_port);
    return port == 4739;
}

/* The TCP listen addresses: every IPFIX entry once (two entries for one address and port
 * share a socket). */
static int tcp_addresses(struct fdx_config *c)
{
    if (!c->core.ipfix_tcp) {
        return 0;
    }
    c->tcp_listen = calloc(c->nlisten, sizeof(*c->tcp_listen));
    if (c->tcp_listen == NULL) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < c->nlisten; i++) {
        const struct fdx_sockaddr_spec *s = &c->listen[i];
        bool dup = false;
        for (size_t k = 0; k < c->ntcp_listen && !dup; k++) {
            dup = c->tcp_listen[k].addr_len == s->addr_len &&
                  memcmp(&c->tcp_listen[k].addr, &s->addr, s->addr_len) == 0;
        }
        if (!dup && fdx_sockaddr_spec_is_ipfix(s)) {
            c->tcp_listen[c->ntcp_listen++] = *s;
        }
    }
    return 0;
}

struct json_object *fdx_config_read_file(const char *path, struct fdx_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fdx_err_set(err, "config: cannot open \"%s\": %s", path, strerror(errno));
        return NULL;
    }
    struct fdx_buf b;
    fdx_buf_init(&b, 16u << 20);
    char chunk[8192];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        rc = fdx_buf_append(&b, chunk, n);
    }
    bool read_err = ferror(f) != 0;
    fclose(f);
    if (rc != 0 || read_err) {
        fdx_err_set(err, "config: cannot read \"%s\": %s", path,
                    rc != 0 ? "file too large (over 16 MiB)" : "read error");
        fdx_buf_fini(&b);
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new();
    struct json_object *root = NULL;
    if (tok != NULL) {
        root = json_tokener_parse_ex(tok, b.len ? b.p : "", (int)b.len);
        enum json_tokener_error jerr = json_tokener_get_error(tok);
        if (root == NULL || jerr != json_tokener_success || tok->char_offset < (int)b.len) {
            size_t off = (size_t)tok->char_offset, line = 1;
            for (size_t i = 0; i < off && i < b.len; i++) {
                line += b.p[i] == '\n';
            }
            const char *why = jerr == json_tokener_continue ? "unexpected end of file"
                              : jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                                                             : "text after the JSON document";
            fdx_err_set(err, "config: \"%s\" line %zu: %s (expected a JSON object)", path,
                        line, why);
            json_object_put(root);
            root = NULL;
        }
        json_tokener_free(tok);
    }
    fdx_buf_fini(&b);
    if (root != NULL && !json_object_is_type(root, json_type_object)) {
        fdx_err_set(err, "config: \"%s\": the top level must be a JSON object", path);
        json_object_put(root);
        root = NULL;
    }
    return root;
}

void fdx_config_default_stages(struct json_object *root)
{
    if (!json_object_object_get_ex(root, "stages", NULL)) {
        struct json_object *a = json_object_new_array();
        if (fdx_stage_find("community_id") != NULL) {
            struct json_object *s = json_object_new_object();
            json_object_object_add(s, "type", json_object_new_string("community_id"));
            json_object_array_add(a, s);
        }
        json_object_object_add(root, "stages", a);
    }
}

void fdx_config_fill_defaults(struct json_object *root)
{
    fdx_config_default_stages(root);
    if (!json_object_object_get_ex(root, "outputs", NULL)) {
        struct json_object *a = json_object_new_array();
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "type", json_object_new_string("file"));
        json_object_object_add(o, "path", json_object_new_string("-"));
        json_object_array_add(a, o);
        json_object_object_add(root, "outputs", a);
    }
}

static const char *const type_only[] = {"type", NULL};

/* Finds the type of section i of an array ("stages[1]"); NULL with err filled. */
static const char *section_type(struct json_object *sec, const char *path, struct fdx_err *err)
{
    struct json_object *t = NULL;
    if (!json_object_is_type(sec, json_type_object)) {
        fdx_err_set(err, "config: \"%s\": expected an object {\"type\": NAME, ...}", path);
        return NULL;
    }
    if (!json_object_object_get_ex(sec, "type", &t) || !json_object_is_type(t, json_type_string)) {
        fdx_err_set(err, "config: \"%s.type\" is required (a string naming the module)", path);
        return NULL;
    }
    return json_object_get_string(t);
}

static void list_names(char *out, size_t cap, const char *(*name_at)(size_t))
{
    out[0] = '\0';
    for (size_t i = 0; name_at(i) != NULL; i++) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%s", used ? ", " : "", name_at(i));
    }
    if (out[0] == '\0') {
        snprintf(out, cap, "none are built in");
    }
}

static const char *stage_name_at(size_t i)
{
    const struct fdx_stage_ops *const *all = fdx_stage_all();
    for (size_t k = 0; k <= i; k++) {
        if (all[k] == NULL) {
            return NULL;
        }
    }
    return all[i]->name;
}

static const char *output_name_at(size_t i)
{
    const struct fdx_output_ops *const *all = fdx_output_all();
    for (size_t k = 0; k <= i; k++) {
        if (all[k] == NULL) {
            return NULL;
        }
    }
    return all[i]->name;
}

static int load_array(struct json_object *arr, const char *what, bool is_stage,
                      struct fdx_config *c, struct fdx_err *err)
{
    if (!json_object_is_type(arr, json_type_array)) {
        fdx_err_set(err, "config: \"%s\": %s is not valid (expected an array of objects)", what,
                    json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
        return -EINVAL;
    }
    size_t n = json_object_array_length(arr);
    void *v = calloc(n ? n : 1, is_stage ? sizeof(struct fdx_stage_conf)
                                         : sizeof(struct fdx_output_conf));
    if (v == NULL) {
        return -ENOMEM;
    }
    if (is_stage) {
        c->stages = v;
    } else {
        c->outputs = v;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *sec = json_object_array_get_idx(arr, i);
        char path[48], names[512];
        snprintf(path, sizeof(path), "%s[%zu]", what, i);
        const char *type = section_type(sec, path, err);
        if (type == NULL) {
            return -EINVAL;
        }
        const struct fdx_cfg_key *keys;
        size_t size;
        void **conf;
        if (is_stage) {
            const struct fdx_stage_ops *ops = fdx_stage_find(type);
            if (ops == NULL) {
                list_names(names, sizeof(names), stage_name_at);
                fdx_err_set(err, "config: \"%s.type\": \"%s\" is not a known stage (known: %s)",
                            path, type, names);
                return -EINVAL;
            }
            c->stages[i].ops = ops;
            keys = ops->keys;
            size = ops->conf_size;
            conf = &c->stages[i].conf;
            c->nstages = i + 1;
        } else {
            const struct fdx_output_ops *ops = fdx_output_find(type);
            if (ops == NULL) {
                list_names(names, sizeof(names), output_name_at);
                fdx_err_set(err, "config: \"%s.type\": \"%s\" is not a known output (known: %s)",
                            path, type, names);
                return -EINVAL;
            }
            c->outputs[i].ops = ops;
            keys = ops->keys;
            size = ops->conf_size;
            conf = &c->outputs[i].conf;
            c->noutputs = i + 1;
        }
        *conf = calloc(1, size ? size : 1);
        if (*conf == NULL) {
            return -ENOMEM;
        }
        static const struct fdx_cfg_key no_keys[] = {FDX_CFG_END};
        int rc = fdx_cfg_apply(keys ? keys : no_keys, *conf, sec, path, type_only, err);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

static int load_decode(struct fdx_config *c, struct fdx_err *err)
{
    int rc = fdx_cfg_apply(fdx_config_decode_keys, &c->decode_raw, c->core.decode, "decode",
                           NULL, err);
    if (rc != 0) {
        return rc;
    }
    const struct fdx_decode_conf *d = &c->decode_raw;
    fdx_decode_cfg_defaults(&c->decode);
    c->decode.renormalize = d->renormalize;
    c->decode.max_exporters = (uint32_t)d->max_exporters;
    c->decode.template_timeout_s = (uint32_t)(d->template_timeout / 1000);
    c->decode.max_templates = (uint32_t)d->max_templates;
    c->decode.max_templates_per_exporter = (uint32_t)d->max_templates_per_exporter;
    c->decode.pending_timeout_ms = (uint32_t)d->pending_timeout;
    c->decode.pending_max_bytes = (uint32_t)d->pending_max_bytes;
    return 0;
}

static int load_addresses(struct fdx_config *c, struct fdx_err *err)
{
    struct fdx_err e;
    if (c->core.listen.n == 0) {
        fdx_err_set(err, "config: \"listen\": [] is not valid (expected at least one address)");
        return -EINVAL;
    }
    c->listen = calloc(c->core.listen.n, sizeof(*c->listen));
    if (c->listen == NULL) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < c->core.listen.n; i++) {
        if (fdx_sockaddr_spec_parse(c->core.listen.v[i], true, &c->listen[i], &e) != 0) {
            fdx_err_set(err, "config: \"listen[%zu]\": %s", i, e.msg);
            return -EINVAL;
        }
        c->nlisten = i + 1;
    }
    if (tcp_addresses(c) != 0) {
        return -ENOMEM;
    }
    if (c->core.metrics[0] != '\0') {
        if (fdx_sockaddr_spec_parse(c->core.metrics, false, &c->metrics, &e) != 0) {
            fdx_err_set(err, "config: \"metrics\": %s", e.msg);
            return -EINVAL;
        }
        c->has_metrics = true;
    }
    return 0;
}

struct fdx_config *fdx_config_load(struct json_object *root, struct fdx_err *err)
{
    struct fdx_config *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        fdx_err_set(err, "config: out of memory");
        return NULL;
    }
    int rc = fdx_cfg_apply(fdx_config_core_keys, &c->core, root, "", NULL, err);
    if (rc == 0) {
        rc = load_decode(c, err);
    }
    if (rc == 0) {
        rc = load_addresses(c, err);
    }
    if (rc == 0 && c->core.stages != NULL) {
        rc = load_array(c->core.stages, "stages", true, c, err);
    }
    if (rc == 0 && c->core.outputs != NULL) {
        rc = load_array(c->core.outputs, "outputs", false, c, err);
    }
    if (rc == 0 && c->noutputs == 0) {
        fdx_err_set(err, "config: \"outputs\": no output configured (expected at least one)");
        rc = -EINVAL;
    }
    if (rc != 0) {
        if (rc == -ENOMEM) {
            fdx_err_set(err, "config: out of memory");
        }
        fdx_config_free(c);
        return NULL;
    }
    c->doc.schema = (enum fdx_schema)c->core.schema;
    c->doc.extra_ies = c->core.extra_ies;
    c->doc.skip_ids = true;
    for (size_t i = 0; i < c->noutputs; i++) {
        c->doc.skip_ids = c->doc.skip_ids && !c->outputs[i].ops->uses_doc_ids;
    }
    return c;
}

void fdx_config_free(struct fdx_config *c)
{
    if (c == NULL) {
        return;
    }
    for (size_t i = 0; i < c->nstages; i++) {
        if (c->stages[i].conf != NULL && c->stages[i].ops->keys != NULL) {
            fdx_cfg_release(c->stages[i].ops->keys, c->stages[i].conf);
        }
        free(c->stages[i].conf);
    }
    for (size_t i = 0; i < c->noutputs; i++) {
        if (c->outputs[i].conf != NULL && c->outputs[i].ops->keys != NULL) {
            fdx_cfg_release(c->outputs[i].ops->keys, c->outputs[i].conf);
        }
        free(c->outputs[i].conf);
    }
    free(c->stages);
    free(c->outputs);
    free(c->listen);
    free(c->tcp_listen);
    fdx_cfg_release(fdx_config_decode_keys, &c->decode_raw);
    fdx_cfg_release(fdx_config_core_keys, &c->core);
    free(c);
}

static void print_sections(struct fdx_buf *out, const char *name, size_t n,
                           const struct fdx_stage_conf *st, const struct fdx_output_conf *oc)
{
    fdx_buf_printf(out, ",\n  \"%s\": [", name);
    for (size_t i = 0; i < n; i++) {
        const char *type = st ? st[i].ops->name : oc[i].ops->name;
        const struct fdx_cfg_key *keys = st ? st[i].ops->keys : oc[i].ops->keys;
        const void *conf = st ? st[i].conf : oc[i].conf;
        fdx_buf_printf(out, "%s\n    {\"type\": \"%s\"", i ? "," : "", type);
        struct fdx_buf tmp;
        fdx_buf_init(&tmp, 0);
        if (keys != NULL && keys[0].name != NULL) {
            fdx_cfg_print(keys, conf, &tmp, 4);
        }
        /* tmp is "{\n      \"key\": value,...\n    }": continue the object after "type". */
        fdx_buf_printf(out, "%s%.*s", tmp.len > 1 ? "," : "}", tmp.len > 1 ? (int)tmp.len - 1 : 0,
                       tmp.len > 1 ? tmp.p + 1 : "");
        fdx_buf_fini(&tmp);
    }
    fdx_buf_printf(out, "%s]", n ? "\n  " : "");
}

void fdx_config_print(const struct fdx_config *c, struct fdx_buf *out)
{
    /* The core table minus its three nested sections, then each section. */
    fdx_buf_printf(out, "{");
    bool first = true;
    for (const struct fdx_cfg_key *k = fdx_config_core_keys; k->name != NULL; k++) {
        if (k->type == FDX_CFG_JSON) {
            continue;
        }
        const struct fdx_cfg_key one[] = {*k, FDX_CFG_END};
        struct fdx_buf tmp;
        fdx_buf_init(&tmp, 0);
        fdx_cfg_print(one, &c->core, &tmp, 0);
        /* tmp is "{\n  \"key\": value\n}": keep the middle line. */
        if (tmp.len > 6) {
            fdx_buf_printf(out, "%s\n  %.*s", first ? "" : ",", (int)(tmp.len - 6), tmp.p + 4);
        }
        fdx_buf_fini(&tmp);
        first = false;
    }
    fdx_buf_printf(out, ",\n  \"decode\": ");
    fdx_cfg_print(fdx_config_decode_keys, &c->decode_raw, out, 2);
    print_sections(out, "stages", c->nstages, c->stages, NULL);
    print_sections(out, "outputs", c->noutputs, NULL, c->outputs);
    fdx_buf_printf(out, "\n}\n");
}
