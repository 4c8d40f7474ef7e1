/* The configuration: one JSON document (json-c; comments allowed), validated with key tables
 * before anything starts. Sections: top level (core keys), "decode", "stages" (array of
 * {"type": NAME, ...}), "outputs" (array of {"type": NAME, ...}). Every stage and output
 * section is checked against its ops->keys here, so a bad key fails at start, never later.
 * Control thread only. */
#ifndef FDX_CONFIG_H
#define FDX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cfg.h"
#include "decode.h"
#include "document.h"
#include "err.h"
#include "log.h"
#include "output.h"
#include "stage.h"

/* One "[PROTO@]ADDR:PORT" (listen and metrics). */
struct fdx_sockaddr_spec {
    char text[96];                /* as given, for messages */
    uint8_t proto_hint;           /* enum fdx_proto, or FDX_PROTO_UNKNOWN: a hint only */
    bool any;                     /* all addresses: [::] dual-stack, falling back to 0.0.0.0 */
    struct sockaddr_storage addr; /* family AF_INET or AF_INET6, port set */
    socklen_t addr_len;
};

/* Parses "[PROTO@]ADDR:PORT": ADDR is an IPv4 literal, "[IPv6]", or empty / "*" for all
 * addresses; PROTO is netflow, ipfix or sflow (a hint: the datagram decides). Returns 0 or
 * -EINVAL with err naming what is wrong. */
int fdx_sockaddr_spec_parse(const char *text, bool allow_proto, struct fdx_sockaddr_spec *out,
                            struct fdx_err *err);

/* True when a listen entry is an IPFIX one: "ipfix@ADDR:PORT", or port 4739 (the IPFIX
 * port) without a protocol. With ipfix_tcp on, such an entry also listens on TCP. */
bool fdx_sockaddr_spec_is_ipfix(const struct fdx_sockaddr_spec *s);

/* Core keys (top level), filled by the key table fdx_config_core_keys. */
struct fdx_core_conf {
    struct fdx_strlist listen;
    uint64_t workers;
    int schema;    /* enum fdx_schema */
    int log_level; /* enum fdx_log_level */
    char *metrics; /* "" = no metrics endpoint */
    char *data_dir;
    uint64_t batch_size;      /* records per batch */
    uint64_t batch_count;     /* batches per producer (listener socket or replay) */
    uint64_t ring_size;       /* batches per producer x worker ring */
    uint64_t doc_batch_count; /* doc batches per worker */
    uint64_t doc_batch_bytes; /* bound of one doc batch body */
    uint64_t recv_batch;      /* datagrams per recvmmsg call */
    uint64_t max_datagram_bytes;
    uint64_t rcvbuf_bytes;
    uint64_t reuseport;        /* sockets per listen address */
    uint64_t shutdown_timeout; /* ms */
    uint64_t output_wait;      /* ms a worker waits for a free doc batch */
    uint64_t listener_wait;    /* ms a listener leaves datagrams in the socket buffer */
    bool extra_ies;
    bool ipfix_tcp;               /* IPFIX listen entries also accept TCP on their port */
    uint64_t tcp_max_connections; /* open IPFIX-over-TCP connections, all addresses */
    uint64_t tcp_idle_timeout;    /* ms without data before a TCP connection is closed */
    struct json_object *decode;  /* checked against fdx_config_decode_keys */
    struct json_object *stages;  /* array, checked against each stage's keys */
    struct json_object *outputs; /* array, checked against each output's keys */
};

/* "decode" section, as read (widened); converted into struct fdx_decode_cfg. */
struct fdx_decode_conf {
    bool renormalize;
    uint64_t max_exporters;
    uint64_t template_timeout; /* ms */
    uint64_t max_templates;
    uint64_t max_templates_per_exporter;
    uint64_t pending_timeout; /* ms */
    uint64_t pending_max_bytes;
};

extern const struct fdx_cfg_key fdx_config_core_keys[];
extern const struct fdx_cfg_key fdx_config_decode_keys[];

struct fdx_stage_conf {
    const struct fdx_stage_ops *ops;
    void *conf; /* ops->conf_size bytes, filled from ops->keys */
};

struct fdx_output_conf {
    const struct fdx_output_ops *ops;
    void *conf; /* ops->conf_size bytes, filled from ops->keys */
};

struct fdx_config {
    struct fdx_core_conf core;
    struct fdx_decode_conf decode_raw;
    struct fdx_decode_cfg decode;
    struct fdx_sockaddr_spec *listen;
    size_t nlisten;
    struct fdx_sockaddr_spec *tcp_listen; /* IPFIX over TCP (RFC 7011 §10.4); see
                                           * fdx_sockaddr_spec_wants_tcp */
    size_t ntcp_listen;
    struct fdx_sockaddr_spec metrics;
    bool has_metrics;
    struct fdx_stage_conf *stages;
    size_t nstages;
    struct fdx_output_conf *outputs;
    size_t noutputs;
    struct fdx_doc_opts doc;
};

/* Reads a JSON file (comments allowed) into a new object; NULL with err filled. */
struct json_object *fdx_config_read_file(const char *path, struct fdx_err *err);

/* Fills the defaults that depend on what is registered: no "stages" key gives the default
 * chain (community_id when that stage exists); no "outputs" key gives NDJSON to stdout. */
void fdx_config_fill_defaults(struct json_object *root);
/* Only the stage part of fdx_config_fill_defaults(). */
void fdx_config_default_stages(struct json_object *root);

/* Validates root (which may be NULL: all defaults) into a new configuration. Every key of
 * every section is checked before the call returns. Returns NULL with err naming the key,
 * the bad value and the expectation. root stays the caller's. */
struct fdx_config *fdx_config_load(struct json_object *root, struct fdx_err *err);
void fdx_config_free(struct fdx_config *c);

/* Writes the effective configuration (every key, defaults included) as JSON. */
void fdx_config_print(const struct fdx_config *c, struct fdx_buf *out);

#endif
