/* IPFIX over TCP (RFC 7011 §10.4): one thread with one epoll set over the listening sockets
 * (one per IPFIX listen address) and their connections. Each connection has its own message
 * framing (struct fdx_ipfix_stream, allocated at accept); every complete message goes to
 * fdx_dispatch_datagram exactly like a UDP datagram from the connection's peer. The thread
 * owns one pipeline producer and one decode context, shared by its connections; templates
 * learnt over a connection do not expire while it is open and are forgotten when the last
 * connection from that exporter address closes (RFC 7011 §8).
 * Bounds: tcp_max_connections (one more is accepted, closed and counted tcp_conn_limit),
 * tcp_idle_timeout (counted tcp_idle); a framing error closes the connection (tcp_framing);
 * a connection that ends inside a message counts tcp_partial. While the workers are behind
 * the thread reads nothing: TCP flow control holds the exporters back, nothing is dropped. */
#ifndef FDX_LISTENER_TCP_H
#define FDX_LISTENER_TCP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "decode.h"
#include "err.h"
#include "pipeline.h"

#define FDX_TCP_MAX_LISTEN 16 /* listening sockets per TCP listener */

struct fdx_tcp_sock;
struct fdx_tcp_conn;

struct fdx_listener_tcp {
    int ep; /* epoll instance */
    struct fdx_tcp_sock *lsock; /* nlsock listening sockets */
    size_t nlsock;
    char name[32];
    const struct fdx_config *cfg;
    struct fdx_decode_cfg dcfg; /* cfg->decode, but templates never time out */
    struct fdx_producer *producer;
    struct fdx_decode_ctx ctx;
    bool ctx_ready;
    uint8_t *rbuf; /* one read buffer for every connection */
    size_t rbuf_len;
    struct fdx_tcp_conn **conns; /* open connections, compact; max_conns entries */
    uint32_t nconns, max_conns;
    int64_t recv_ms; /* receive time of the read being framed */
    pthread_t thread;
    bool started;
    _Atomic bool stop;               /* set by the control thread; polled every wait */
};

/* Opens a listening TCP socket for each of the n specs (an "all addresses" spec tries [::]
 * dual-stack, then 0.0.0.0) and allocates the read buffer and the connection table.
 * Returns 0 or a negative errno with err naming the address. */
int fdx_listener_tcp_open(struct fdx_listener_tcp *l, const struct fdx_config *cfg,
                          const struct fdx_sockaddr_spec *specs, size_t n, struct fdx_err *err);

/* Creates the decode context on producer pr and starts the thread. Returns 0 or -errno. */
int fdx_listener_tcp_start(struct fdx_listener_tcp *l, struct fdx_producer *pr,
                           struct fdx_err *err);

/* Asks the thread to stop (within one epoll wait), joins it. The thread closes every
 * connection (a message cut short counts tcp_partial) and finishes its producer. */
void fdx_listener_tcp_stop(struct fdx_listener_tcp *l);

/* Closes the sockets, frees the connections, buffers and decode context (after stop, before
 * the pipeline is freed). */
void fdx_listener_tcp_close(struct fdx_listener_tcp *l);

/* Bound port of listening socket i (useful with port 0); 0 when i is out of range. */
uint16_t fdx_listener_tcp_port(const struct fdx_listener_tcp *l, size_t i);

#endif
