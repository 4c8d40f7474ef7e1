/* HTTP client for Elasticsearch on libcurl multi: keep-alive connections (curl's connection
 * cache), a bounded number of requests in flight, a per-request timeout, optional gzip
 * request bodies, several hosts taken round-robin, a host marked down after consecutive
 * failures and tried again after a re-check delay. Basic auth or API key; HTTPS with a CA
 * file, an optional client certificate, verification on by default. Every handle belongs to
 * the output thread that created the client. */
#ifndef FDX_ES_CLIENT_H
#define FDX_ES_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cfg.h"
#include "err.h"

struct fdx_es_client_cfg {
    const struct fdx_strlist *hosts; /* base URLs ("http://127.0.0.1:9200") */
    const char *user;                /* basic auth when not NULL */
    const char *password;
    const char *api_key;             /* "Authorization: ApiKey <api_key>" when not NULL */
    const char *ca_file, *client_cert, *client_key;
    bool tls_verify;
    bool gzip;
    uint32_t max_in_flight;
    uint64_t request_timeout_ms;
    uint64_t connect_timeout_ms;
    uint32_t host_down_after;  /* consecutive failures that mark a host down */
    uint64_t host_recheck_ms;  /* how long a down host rests before it is tried again */
};

struct fdx_es_client;

/* The outcome of one request. transport_ok is false for connection refused/reset, timeout,
 * aborted; status is then 0. body is valid during the callback only. */
struct fdx_es_result {
    bool transport_ok;
    long status;
    const char *body;
    size_t body_len;
    int64_t latency_ms;
    const char *error;  /* transport error text, or "" */
    int host;
    size_t sent_bytes;  /* request body bytes on the wire (after gzip) */
};

typedef void (*fdx_es_done_fn)(void *ctx, void *user, const struct fdx_es_result *r);

struct fdx_es_client *fdx_es_client_new(const struct fdx_es_client_cfg *cfg, struct fdx_err *err);
void fdx_es_client_free(struct fdx_es_client *c);

/* Whether a request slot is free and some host is up (or due for a re-check). */
bool fdx_es_client_ready(struct fdx_es_client *c, int64_t now_ms);
/* Starts a request on the next host; body is borrowed until the completion callback. Returns
 * 0, -EAGAIN when no slot or host is available, or -ENOMEM. */
int fdx_es_client_send(struct fdx_es_client *c, const char *method, const char *path,
                       const char *content_type, const char *body, size_t len, void *user);
/* Does I/O for up to timeout_ms and calls done for each finished request. */
void fdx_es_client_poll(struct fdx_es_client *c, int timeout_ms, fdx_es_done_fn done, void *ctx);
/* Aborts every request in flight; done is called for each with transport_ok false. */
void fdx_es_client_abort(struct fdx_es_client *c, fdx_es_done_fn done, void *ctx);
uint32_t fdx_es_client_in_flight(const struct fdx_es_client *c);
/* Replaces the credentials for the next requests (SIGHUP re-reads secrets). The strings are
 * borrowed like those of the configuration. Returns 0 or -ENOMEM. */
int fdx_es_client_set_auth(struct fdx_es_client *c, const char *user, const char *password,
                           const char *api_key);

/* A blocking request (control path: version, template, retention), on the next host that is
 * up. resp receives the body. Returns 0 with *status set, or a negative errno when no host
 * answered. */
int fdx_es_client_sync(struct fdx_es_client *c, const char *method, const char *path,
                       const char *body, size_t len, long *status, struct fdx_buf *resp);

#endif
