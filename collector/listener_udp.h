/* UDP listeners: one socket and one thread per listener, IPv4 or IPv6 (dual-stack for "all
 * addresses"), SO_REUSEPORT when several sockets share a port, a large SO_RCVBUF (what the
 * kernel granted is logged), recvmmsg into preallocated buffers. Each listener owns its
 * struct fdx_decode_ctx (exporters, templates) and the counters of its pipeline producer,
 * and runs the decode housekeeping itself once a second. No allocation after open. */
#ifndef FDX_LISTENER_UDP_H
#define FDX_LISTENER_UDP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "decode.h"
#include "err.h"
#include "pipeline.h"

struct fdx_listener_udp {
    int fd;
    char name[112];             /* "udp [::]:2055 #0" for logs */
    const struct fdx_config *cfg;
    struct fdx_producer *producer;
    struct fdx_decode_ctx ctx;
    bool ctx_ready;
    uint32_t vlen;              /* datagrams per recvmmsg */
    uint32_t buf_len;           /* bytes per datagram buffer */
    uint8_t *bufs;              /* vlen x buf_len */
    struct mmsghdr *msgs;
    struct iovec *iov;
    struct sockaddr_storage *from;
    uint8_t *cmsg;              /* vlen control buffers (SO_RXQ_OVFL) */
    size_t cmsg_len;
    int rcvbuf_granted;         /* bytes, as reported by getsockopt */
    pthread_t thread;
    bool started;
    _Atomic bool stop;          /* set by the control thread; polled every receive timeout */
};

/* Opens the socket for spec (bound, options set) and allocates the receive buffers. With
 * reuseport, SO_REUSEPORT is set so that several listeners share the port. spec->any tries
 * IPv6 dual-stack [::] and falls back to 0.0.0.0 when IPv6 is unavailable. Returns 0 or a
 * negative errno with err naming the address. */
int fdx_listener_udp_open(struct fdx_listener_udp *l, const struct fdx_config *cfg,
                          const struct fdx_sockaddr_spec *spec, unsigned index, bool reuseport,
                          struct fdx_err *err);

/* Creates the decode context on producer pr and starts the thread. Returns 0 or -errno. */
int fdx_listener_udp_start(struct fdx_listener_udp *l, struct fdx_producer *pr,
                           struct fdx_err *err);

/* Asks the thread to stop (prompt: within the receive timeout), joins it; the thread hands
 * its last records on and finishes its producer. */
void fdx_listener_udp_stop(struct fdx_listener_udp *l);

/* Closes the socket and frees the buffers and the decode context (after stop, and before the
 * pipeline is freed: the context counts into its producer's counter block). */
void fdx_listener_udp_close(struct fdx_listener_udp *l);

/* The bound port (useful with port 0). */
uint16_t fdx_listener_udp_port(const struct fdx_listener_udp *l);

#endif
