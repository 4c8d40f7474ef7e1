/* IPFIX-over-TCP listener: listening sockets, accept with the connection bound, reads into
 * one large buffer framed per connection, idle sweep, back-pressure by not reading. */
#include "listener_tcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dispatch.h"
#include "ipfix_stream.h"
#include "log.h"
#include "templates.h"
#include "timeconv.h"

#define WAIT_MS 100            /* epoll wait: bounds the reaction to a stop request */
#define READ_BUF (256u << 10)  /* bytes per read() */
#define MAX_EVENTS 64
#define ACCEPTS_PER_WAKE 64
#define BACKLOG 128

/* What an epoll event points at: a listening socket or a connection (first member). */
struct fdx_tcp_sock {
    int fd;
    bool listening;
};

struct fdx_tcp_conn {
    struct fdx_tcp_sock sock; /* first: epoll data */
    uint32_t slot;            /* index in l->conns */
    struct fdx_addr peer;
    uint16_t peer_port;
    int64_t last_rx_ms;       /* monotonic */
    struct fdx_ipfix_stream s;
};

static int open_one(struct fdx_listener_tcp *l, struct fdx_tcp_sock *ls,
                    const struct sockaddr_storage *addr, socklen_t addr_len, bool dual,
                    const char *text, struct fdx_err *err)
{
    int one = 1, zero = 0;
    ls->listening = true;
    ls->fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (ls->fd < 0) {
        int rc = -errno;
        fdx_err_set(err, "tcp %s: socket: %s", text, strerror(errno));
        return rc;
    }
    if (addr->ss_family == AF_INET6) {
        setsockopt(ls->fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &zero : &one, sizeof(int));
    }
    setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(ls->fd, (const struct sockaddr *)addr, addr_len) != 0 ||
        listen(ls->fd, BACKLOG) != 0) {
        int rc = -errno;
        fdx_err_set(err, "tcp %s: bind/listen: %s", text, strerror(errno));
        close(ls->fd);
        ls->fd = -1;
        return rc;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ls};
    if (epoll_ctl(l->ep, EPOLL_CTL_ADD, ls->fd, &ev) != 0) {
        int rc = -errno;
        fdx_err_set(err, "tcp %s: epoll: %s", text, strerror(errno));
        return rc;
    }
    return 0;
}

static int open_spec(struct fdx_listener_tcp *l, struct fdx_tcp_sock *ls,
                     const struct fdx_sockaddr_spec *spec, struct fdx_err *err)
{
    int rc = open_one(l, ls, &spec->addr, spec->addr_len, spec->any, spec->text, err);
    if (rc == -EAFNOSUPPORT && spec->any) {
        struct sockaddr_storage v4;
        memset(&v4, 0, sizeof(v4));
        struct sockaddr_in *s4 = (struct sockaddr_in *)&v4;
        s4->sin_family = AF_INET;
        s4->sin_addr.s_addr = htonl(INADDR_ANY);
        s4->sin_port = ((const struct sockaddr_in6 *)&spec->addr)->sin6_port;
        fdx_info("tcp %s: IPv6 unavailable, listening on 0.0.0.0", spec->text);
        rc = open_one(l, ls, &v4, sizeof(struct sockaddr_in), false, spec->text, err);
    }
    return rc;
}

int fdx_listener_tcp_open(struct fdx_listener_tcp *l, const struct fdx_config *cfg,
                          const struct fdx_sockaddr_spec *specs, size_t n, struct fdx_err *err)
{
    memset(l, 0, sizeof(*l));
    l->cfg = cfg;
    l->ep = -1;
    atomic_init(&l->stop, false);
    snprintf(l->name, sizeof(l->name), "ipfix-tcp");
    if (n == 0 || n > FDX_TCP_MAX_LISTEN) {
        fdx_err_set(err, "tcp: %zu IPFIX listen addresses (expected 1 to %d)", n,
                    FDX_TCP_MAX_LISTEN);
        return -EINVAL;
    }
    l->max_conns = (uint32_t)cfg->core.tcp_max_connections;
    l->rbuf_len = READ_BUF;
    l->rbuf = malloc(l->rbuf_len);
    l->conns = calloc(l->max_conns, sizeof(*l->conns));
    l->lsock = calloc(n, sizeof(*l->lsock));
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    if (l->rbuf == NULL || l->conns == NULL || l->lsock == NULL || l->ep < 0) {
        fdx_err_set(err, "tcp: out of memory or descriptors for the listener");
        fdx_listener_tcp_close(l);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        l->lsock[i].fd = -1;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = open_spec(l, &l->lsock[i], &specs[i], err);
        l->nlsock = i + 1;
        if (rc != 0) {
            fdx_listener_tcp_close(l);
            return rc;
        }
    }
    return 0;
}

uint16_t fdx_listener_tcp_port(const struct fdx_listener_tcp *l, size_t i)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (i >= l->nlsock || getsockname(l->lsock[i].fd, (struct sockaddr *)&ss, &len) != 0) {
        return 0;
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void peer_of(const struct sockaddr_storage *ss, struct fdx_tcp_conn *c)
{
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        fdx_addr_set_v6(&c->peer, s6->sin6_addr.s6_addr); /* v4-mapped stays mapped */
        c->peer_port = ntohs(s6->sin6_port);
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        fdx_addr_set_v4(&c->peer, (const uint8_t *)&s4->sin_addr.s_addr);
        c->peer_port = ntohs(s4->sin_port);
    }
}

static void count(struct fdx_listener_tcp *l, enum fdx_drop why)
{
    fdx_counter_add(&fdx_producer_counters(l->producer)->dgram_drop[why], 1);
}

/* Closes c; why (FDX_DROP_NONE for a clean end) is counted. The session's templates go with
 * the last connection from its exporter address. */
static void conn_close(struct fdx_listener_tcp *l, struct fdx_tcp_conn *c, enum fdx_drop why)
{
    if (why == FDX_DROP_NONE && fdx_ipfix_stream_pending(&c->s) > 0) {
        why = FDX_DROP_TCP_PARTIAL;
    }
    if (why != FDX_DROP_NONE && why != FDX_DROP_TCP_FRAMING) { /* framing: counted by feed */
        count(l, why);
    }
    char a[FDX_ADDR_STRLEN];
    fdx_addr_format(&c->peer, a);
    fdx_debug("%s: %s:%u closed (%s)", l->name, a, c->peer_port,
              why == FDX_DROP_NONE ? "end of stream" : fdx_drop_label[why]);
    epoll_ctl(l->ep, EPOLL_CTL_DEL, c->sock.fd, NULL);
    close(c->sock.fd);
    l->conns[c->slot] = l->conns[--l->nconns];
    l->conns[c->slot]->slot = c->slot;
    l->conns[l->nconns] = NULL;
    fdx_producer_set_connections(l->producer, l->nconns);
    bool last = true;
    for (uint32_t i = 0; i < l->nconns && last; i++) {
        last = !fdx_addr_eq(&l->conns[i]->peer, &c->peer);
    }
    if (last) {
        fdx_templates_forget(l->ctx.templates, &c->peer, FDX_PROTO_IPFIX);
    }
    free(c);
}

static void accept_one(struct fdx_listener_tcp *l, int fd, const struct sockaddr_storage *ss)
{
    static struct fdx_log_limit lim = {0, 0};
    struct fdx_tcp_conn *c = NULL;
    if (l->nconns < l->max_conns) {
        c = malloc(sizeof(*c));
    }
    if (c == NULL) {
        close(fd);
        count(l, FDX_DROP_TCP_CONN_LIMIT);
        fdx_log_ratelimited(&lim, 10000, FDX_LOG_WARN, "%s: connection refused: %u open "
                            "(tcp_max_connections)", l->name, l->nconns);
        return;
    }
    c->sock.fd = fd;
    c->sock.listening = false;
    c->last_rx_ms = fdx_time_mono_ms();
    peer_of(ss, c);
    fdx_ipfix_stream_init(&c->s);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = &c->sock};
    if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(fd);
        free(c);
        count(l, FDX_DROP_TCP_CONN_LIMIT);
        return;
    }
    c->slot = l->nconns;
    l->conns[l->nconns++] = c;
    fdx_producer_set_connections(l->producer, l->nconns);
    char a[FDX_ADDR_STRLEN];
    fdx_addr_format(&c->peer, a);
    fdx_debug("%s: %s:%u connected (%u open)", l->name, a, c->peer_port, l->nconns);
}

static void accept_some(struct fdx_listener_tcp *l, struct fdx_tcp_sock *ls)
{
    static struct fdx_log_limit lim = {0, 0};
    for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = accept4(ls->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            accept_one(l, fd, &ss);
            continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            /* Out of descriptors: the connection waits in the backlog; do not spin. */
            fdx_log_ratelimited(&lim, 10000, FDX_LOG_ERROR, "%s: accept: %s", l->name,
                                strerror(errno));
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        return; /* EAGAIN, or an aborted connection: nothing more to accept now */
    }
}

struct msg_arg {
    struct fdx_listener_tcp *l;
    struct fdx_tcp_conn *c;
};

/* One framed message: decoded exactly as a UDP datagram from the peer. */
static void deliver(void *arg, const uint8_t *msg, size_t len)
{
    struct msg_arg *a = arg;
    struct fdx_datagram dg = {
        .data = msg,
        .len = len,
        .exporter = a->c->peer,
        .exporter_port = a->c->peer_port,
        .recv_ms = a->l->recv_ms,
    };
    fdx_dispatch_datagram(&a->l->ctx, &dg);
}

static void conn_read(struct fdx_listener_tcp *l, struct fdx_tcp_conn *c)
{
    ssize_t n = read(c->sock.fd, l->rbuf, l->rbuf_len);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        conn_close(l, c, FDX_DROP_NONE); /* end of stream or reset; cut message counted */
        return;
    }
    c->last_rx_ms = fdx_time_mono_ms();
    l->recv_ms = fdx_time_now_ms();
    l->ctx.now_ms = l->recv_ms;
    struct msg_arg a = {l, c};
    if (fdx_ipfix_stream_feed(&c->s, fdx_producer_counters(l->producer), l->rbuf, (size_t)n,
                              deliver, &a) != 0) {
        static struct fdx_log_limit lim = {0, 0};
        char s[FDX_ADDR_STRLEN];
        fdx_addr_format(&c->peer, s);
        fdx_log_ratelimited(&lim, 10000, FDX_LOG_WARN, "%s: %s:%u: not an IPFIX message "
                            "stream, connection closed", l->name, s, c->peer_port);
        conn_close(l, c, FDX_DROP_TCP_FRAMING);
    }
}

/* Closes connections silent for tcp_idle_timeout. Data waiting in the socket (not read
 * because the workers were behind) is not silence. */
static void idle_sweep(struct fdx_listener_tcp *l, int64_t mono)
{
    int64_t limit = mono - (int64_t)l->cfg->core.tcp_idle_timeout;
    for (uint32_t i = 0; i < l->nconns;) {
        struct fdx_tcp_conn *c = l->conns[i];
        int queued = 0;
        if (c->last_rx_ms < limit &&
            (ioctl(c->sock.fd, FIONREAD, &queued) != 0 || queued == 0)) {
            conn_close(l, c, FDX_DROP_TCP_IDLE); /* moves the last entry into slot i */
            continue;
        }
        i++;
    }
}

static void handle(struct fdx_listener_tcp *l, const struct epoll_event *ev)
{
    struct fdx_tcp_sock *s = ev->data.ptr;
    if (s->listening) {
        accept_some(l, s);
    } else {
        conn_read(l, (struct fdx_tcp_conn *)s);
    }
}

static void *listener_main(void *arg)
{
    struct fdx_listener_tcp *l = arg;
    struct epoll_event ev[MAX_EVENTS];
    int64_t next_tick = fdx_time_mono_ms() + 1000;
    /* Relaxed: a stop request carries no data; the thread is joined afterwards. */
    while (!atomic_load_explicit(&l->stop, memory_order_relaxed)) {
        int n = 0;
        if (fdx_producer_room(l->producer)) {
            n = epoll_wait(l->ep, ev, MAX_EVENTS, WAIT_MS);
        } else {
            fdx_producer_park(l->producer); /* bytes wait in the socket buffers */
        }
        /* Each descriptor appears once per wait, and a connection is closed only while
         * its own event is handled: no event refers to a freed connection. */
        for (int i = 0; i < n; i++) {
            handle(l, &ev[i]);
        }
        if (n > 0) {
            fdx_producer_flush(l->producer);
        }
        int64_t mono = fdx_time_mono_ms();
        if (mono >= next_tick) {
            fdx_decode_ctx_tick(&l->ctx, fdx_time_now_ms());
            idle_sweep(l, mono);
            next_tick = mono + 1000;
        }
    }
    while (l->nconns > 0) {
        conn_close(l, l->conns[l->nconns - 1], FDX_DROP_NONE);
    }
    fdx_decode_ctx_drain(&l->ctx);
    fdx_producer_finish(l->producer);
    return NULL;
}

int fdx_listener_tcp_start(struct fdx_listener_tcp *l, struct fdx_producer *pr,
                           struct fdx_err *err)
{
    l->producer = pr;
    l->dcfg = l->cfg->decode;
    l->dcfg.template_timeout_s = 0; /* a TCP session's templates live as long as it does */
    int rc = fdx_decode_ctx_init(&l->ctx, &l->dcfg, fdx_producer_counters(pr));
    if (rc != 0) {
        fdx_err_set(err, "%s: out of memory for decoder state", l->name);
        return rc;
    }
    l->ctx_ready = true;
    l->ctx.now_ms = fdx_time_now_ms();
    fdx_producer_set_lossless(pr); /* a full pipeline waits; TCP holds the exporter back */
    fdx_producer_bind(pr, &l->ctx);
    rc = pthread_create(&l->thread, NULL, listener_main, l);
    if (rc != 0) {
        fdx_err_set(err, "%s: cannot start thread: %s", l->name, strerror(rc));
        return -rc;
    }
    l->started = true;
    pthread_setname_np(l->thread, "fdx-tcp"); /* shown by top -H and ps -L */
    for (size_t i = 0; i < l->nlsock; i++) {
        fdx_info("%s: listening on TCP port %u (max %u connections)", l->name,
                 fdx_listener_tcp_port(l, i), l->max_conns);
    }
    return 0;
}

void fdx_listener_tcp_stop(struct fdx_listener_tcp *l)
{
    if (!l->started) {
        return;
    }
    atomic_store_explicit(&l->stop, true, memory_order_relaxed);
    pthread_join(l->thread, NULL);
    l->started = false;
}

void fdx_listener_tcp_close(struct fdx_listener_tcp *l)
{
    for (uint32_t i = 0; l->conns != NULL && i < l->nconns; i++) {
        close(l->conns[i]->sock.fd);
        free(l->conns[i]);
    }
    l->nconns = 0;
    for (size_t i = 0; l->lsock != NULL && i < l->nlsock; i++) {
        if (l->lsock[i].fd >= 0) {
            close(l->lsock[i].fd);
        }
    }
    if (l->ep >= 0) {
        close(l->ep);
        l->ep = -1;
    }
    if (l->ctx_ready) {
        fdx_decode_ctx_fini(&l->ctx);
        l->ctx_ready = false;
    }
    free(l->lsock);
    free(l->conns);
    free(l->rbuf);
    l->lsock = NULL;
    l->conns = NULL;
    l->rbuf = NULL;
    l->nlsock = 0;
}
