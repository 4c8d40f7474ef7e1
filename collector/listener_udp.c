/* UDP receive loop: recvmmsg with MSG_WAITFORONE and a short SO_RCVTIMEO (prompt shutdown),
 * exporter address and receive time attached, fdx_dispatch_datagram per datagram. At the end
 * of a burst the records go to an idle worker at once; a busy one gets them in a fuller batch
 * (at the latest when the socket has been quiet for the receive timeout). SO_RXQ_OVFL reports
 * kernel drops. */
#include "listener_udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dispatch.h"
#include "log.h"
#include "timeconv.h"

#define RECV_TIMEOUT_MS 100

static int set_rcvbuf(struct fdx_listener_udp *l, uint64_t want)
{
    int v = want > 0x7fffffff ? 0x7fffffff : (int)want;
    /* SO_RCVBUFFORCE passes rmem_max when privileged; otherwise fall back. */
    if (setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) != 0) {
        setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
    }
    int got = 0;
    socklen_t len = sizeof(got);
    getsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &got, &len);
    l->rcvbuf_granted = got;
    /* Linux reports twice the usable size (bookkeeping overhead included). */
    if ((uint64_t)got < want) {
        fdx_warn("%s: SO_RCVBUF asked %llu bytes, kernel granted %d (raise net.core.rmem_max)",
                 l->name, (unsigned long long)want, got);
    } else {
        fdx_info("%s: SO_RCVBUF granted %d bytes", l->name, got);
    }
    return 0;
}

static int open_socket(struct fdx_listener_udp *l, const struct sockaddr_storage *addr,
                       socklen_t addr_len, bool dual, bool reuseport, struct fdx_err *err)
{
    int one = 1, zero = 0;
    l->fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (l->fd < 0) {
        int rc = -errno;
        fdx_err_set(err, "%s: socket: %s", l->name, strerror(errno));
        return rc;
    }
    if (addr->ss_family == AF_INET6) {
        setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &zero : &one, sizeof(int));
    }
    if (reuseport && setsockopt(l->fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
        fdx_warn("%s: SO_REUSEPORT: %s", l->name, strerror(errno));
    }
    setsockopt(l->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
    struct timeval tv = {0, RECV_TIMEOUT_MS * 1000};
    setsockopt(l->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    set_rcvbuf(l, l->cfg->core.rcvbuf_bytes);
    if (bind(l->fd, (const struct sockaddr *)addr, addr_len) != 0) {
        int rc = -errno;
        fdx_err_set(err, "%s: bind: %s", l->name, strerror(errno));
        close(l->fd);
        l->fd = -1;
        return rc;
    }
    return 0;
}

static int alloc_buffers(struct fdx_listener_udp *l)
{
    l->vlen = (uint32_t)l->cfg->core.recv_batch;
    l->buf_len = (uint32_t)l->cfg->core.max_datagram_bytes;
    l->cmsg_len = CMSG_SPACE(sizeof(uint32_t));
    l->bufs = malloc((size_t)l->vlen * l->buf_len);
    l->msgs = calloc(l->vlen, sizeof(*l->msgs));
    l->iov = calloc(l->vlen, sizeof(*l->iov));
    l->from = calloc(l->vlen, sizeof(*l->from));
    l->cmsg = calloc(l->vlen, l->cmsg_len);
    if (l->bufs == NULL || l->msgs == NULL || l->iov == NULL || l->from == NULL ||
        l->cmsg == NULL) {
        return -ENOMEM;
    }
    return 0;
}

int fdx_listener_udp_open(struct fdx_listener_udp *l, const struct fdx_config *cfg,
                          const struct fdx_sockaddr_spec *spec, unsigned index, bool reuseport,
                          struct fdx_err *err)
{
    memset(l, 0, sizeof(*l));
    l->fd = -1;
    l->cfg = cfg;
    atomic_init(&l->stop, false);
    snprintf(l->name, sizeof(l->name), "udp %s #%u", spec->text, index);
    int rc = open_socket(l, &spec->addr, spec->addr_len, spec->any, reuseport, err);
    if (rc == -EAFNOSUPPORT && spec->any) {
        struct sockaddr_storage v4;
        memset(&v4, 0, sizeof(v4));
        struct sockaddr_in *s4 = (struct sockaddr_in *)&v4;
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_ANY);
        s4->sin_port = ((const struct sockaddr_in6 *)&spec->addr)->sin6_port;
        fdx_info("%s: IPv6 unavailable, listening on 0.0.0.0", l->name);
        rc = open_socket(l, &v4, sizeof(struct sockaddr_in), false, reuseport, err);
    }
    if (rc != 0) {
        return rc;
    }
    if (alloc_buffers(l) != 0) {
        fdx_err_set(err, "%s: out of memory for receive buffers", l->name);
        fdx_listener_udp_close(l);
        return -ENOMEM;
    }
    return 0;
}

uint16_t fdx_listener_udp_port(const struct fdx_listener_udp *l)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(l->fd, (struct sockaddr *)&ss, &len) != 0) {
        return 0;
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void prepare(struct fdx_listener_udp *l)
{
    for (uint32_t i = 0; i < l->vlen; i++) {
        l->iov[i].iov_base = l->bufs + (size_t)i * l->buf_len;
        l->iov[i].iov_len = l->buf_len;
        struct msghdr *h = &l->msgs[i].msg_hdr;
        h->msg_name = &l->from[i];
        h->msg_namelen = sizeof(l->from[i]);
        h->msg_iov = &l->iov[i];
        h->msg_iovlen = 1;
        h->msg_control = l->cmsg + i * l->cmsg_len;
        h->msg_controllen = l->cmsg_len;
        h->msg_flags = 0;
        l->msgs[i].msg_len = 0;
    }
}

static void exporter_of(const struct sockaddr_storage *ss, struct fdx_datagram *dg)
{
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        fdx_addr_set_v6(&dg->exporter, s6->sin6_addr.s6_addr); /* v4-mapped stays mapped */
        dg->exporter_port = ntohs(s6->sin6_port);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        fdx_addr_set_v4(&dg->exporter, (const uint8_t *)&s4->sin_addr.s_addr);
        dg->exporter_port = ntohs(s4->sin_port);
    }
}

static void kernel_drops(struct fdx_listener_udp *l, struct msghdr *h)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
            uint32_t drops;
            memcpy(&drops, CMSG_DATA(c), sizeof(drops));
            fdx_producer_set_kernel_drops(l->producer, drops);
        }
    }
}

static void receive_burst(struct fdx_listener_udp *l, int n)
{
    int64_t now = fdx_time_now_ms();
    l->ctx.now_ms = now;
    for (int i = 0; i < n; i++) {
        struct fdx_datagram dg;
        dg.data = l->iov[i].iov_base;
        dg.len = l->msgs[i].msg_len;
        dg.recv_ms = now;
        exporter_of(&l->from[i], &dg);
        fdx_dispatch_datagram(&l->ctx, &dg);
    }
    kernel_drops(l, &l->msgs[n - 1].msg_hdr);
    fdx_producer_flush_idle(l->producer);
}

static void *listener_main(void *arg)
{
    struct fdx_listener_udp *l = arg;
    struct fdx_log_limit lim = {0, 0};
    int64_t next_tick = fdx_time_mono_ms() + 1000;
    /* Relaxed: a stop request carries no data; the thread is joined afterwards. */
    while (!atomic_load_explicit(&l->stop, memory_order_relaxed)) {
        if (fdx_producer_backpressure(l->producer)) {
            fdx_producer_park(l->producer); /* datagrams wait in the socket buffer */
            continue;
        }
        prepare(l);
        int n = recvmmsg(l->fd, l->msgs, l->vlen, MSG_WAITFORONE, NULL);
        if (n > 0) {
            receive_burst(l, n);
        } else {
            /* Quiet socket (receive timeout): what a busy worker was not given yet goes now. */
            fdx_producer_flush(l->producer);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                fdx_log_ratelimited(&lim, 10000, FDX_LOG_ERROR, "%s: recvmmsg: %s", l->name,
                                    strerror(errno));
            }
        }
        int64_t mono = fdx_time_mono_ms();
        if (mono >= next_tick) {
            fdx_decode_ctx_tick(&l->ctx, fdx_time_now_ms());
            next_tick = mono + 1000;
        }
    }
    /* Data sets still waiting for their template are lost now: count them while the
     * summary can still see it. */
    fdx_decode_ctx_drain(&l->ctx);
    fdx_producer_finish(l->producer);
    return NULL;
}

int fdx_listener_udp_start(struct fdx_listener_udp *l, struct fdx_producer *pr,
                           struct fdx_err *err)
{
    l->producer = pr;
    int rc = fdx_decode_ctx_init(&l->ctx, &l->cfg->decode, fdx_producer_counters(pr));
    if (rc != 0) {
        fdx_err_set(err, "%s: out of memory for decoder state", l->name);
        return rc;
    }
    l->ctx_ready = true;
    l->ctx.now_ms = fdx_time_now_ms();
    fdx_producer_bind(pr, &l->ctx);
    rc = pthread_create(&l->thread, NULL, listener_main, l);
    if (rc != 0) {
        fdx_err_set(err, "%s: cannot start thread: %s", l->name, strerror(rc));
        return -rc;
    }
    l->started = true;
    char tname[16]; /* the kernel's limit: shown by top -H and ps -L */
    snprintf(tname, sizeof(tname), "fdx-udp:%u", fdx_listener_udp_port(l));
    pthread_setname_np(l->thread, tname);
    fdx_info("%s: listening on port %u", l->name, fdx_listener_udp_port(l));
    return 0;
}

void fdx_listener_udp_stop(struct fdx_listener_udp *l)
{
    if (!l->started) {
        return;
    }
    atomic_store_explicit(&l->stop, true, memory_order_relaxed);
    pthread_join(l->thread, NULL);
    l->started = false;
}

void fdx_listener_udp_close(struct fdx_listener_udp *l)
{
    if (l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }
    if (l->ctx_ready) {
        fdx_decode_ctx_fini(&l->ctx);
        l->ctx_ready = false;
    }
    free(l->bufs);
    free(l->msgs);
    free(l->iov);
    free(l->from);
    free(l->cmsg);
    l->bufs = NULL;
    l->msgs = NULL;
    l->iov = NULL;
    l->from = NULL;
    l->cmsg = NULL;
}
