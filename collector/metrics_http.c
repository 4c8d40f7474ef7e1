/* /metrics and /health over HTTP/1.1 on libuv TCP (control thread only). */
#include "metrics_http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"

#define REQ_MAX 4096

struct conn {
    uv_tcp_t tcp;
    struct fdx_metrics_http *h;
    char req[REQ_MAX];
    size_t len;
    bool answered;
    uv_write_t wr;
    struct fdx_buf resp;
};

static void render_protocols(const struct fdx_pipeline_totals *t, struct fdx_metrics *m)
{
    char labels[64];
    fdx_metrics_family(m, "flowdex_datagrams_total", "counter",
                       "Datagrams received, by recognised protocol");
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        snprintf(labels, sizeof(labels), "protocol=\"%s\"", fdx_proto_label[i]);
        fdx_metrics_sample(m, "flowdex_datagrams_total", labels, t->c.datagrams[i]);
    }
    fdx_metrics_family(m, "flowdex_records_total", "counter", "Records decoded, by protocol");
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        snprintf(labels, sizeof(labels), "protocol=\"%s\"", fdx_proto_label[i]);
        fdx_metrics_sample(m, "flowdex_records_total", labels, t->c.records[i]);
    }
    fdx_metrics_family(m, "flowdex_datagram_bytes_total", "counter", "Payload bytes received");
    fdx_metrics_sample(m, "flowdex_datagram_bytes_total", "", t->c.datagram_bytes);
}

static void render_drops(const struct fdx_pipeline_totals *t, struct fdx_metrics *m)
{
    char labels[96];
    fdx_metrics_family(m, "flowdex_dropped_total", "counter",
                       "Datagrams and records dropped, by stage and reason");
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        snprintf(labels, sizeof(labels), "stage=\"%s\",reason=\"%s\"",
                 fdx_drop_stage[i], fdx_drop_label[i]);
        fdx_metrics_sample(m, "flowdex_dropped_total", labels,
                           t->c.dgram_drop[i] + t->c.record_drop[i]);
    }
    fdx_metrics_family(m, "flowdex_dropped_datagrams_total", "counter",
                       "Whole datagrams refused, by reason");
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        snprintf(labels, sizeof(labels), "reason=\"%s\"", fdx_drop_label[i]);
        fdx_metrics_sample(m, "flowdex_dropped_datagrams_total", labels, t->c.dgram_drop[i]);
    }
    fdx_metrics_family(m, "flowdex_dropped_records_total", "counter",
                       "Records (or data sets) lost, by reason");
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        snprintf(labels, sizeof(labels), "reason=\"%s\"", fdx_drop_label[i]);
        fdx_metrics_sample(m, "flowdex_dropped_records_total", labels, t->c.record_drop[i]);
    }
}

static void render_pipeline(const struct fdx_pipeline_totals *t, bool draining,
                            struct fdx_metrics *m)
{
    static const struct {
        const char *name, *type, *help;
        size_t off;
    } rows[] = {
        {"flowdex_sequence_lost_total", "counter", "Exporter-side loss seen in sequence gaps",
         offsetof(struct fdx_pipeline_totals, c.seq_lost)},
        {"flowdex_extra_ie_overflow_total", "counter", "IEs that did not fit the extra area",
         offsetof(struct fdx_pipeline_totals, c.extra_ie_overflow)},
        {"flowdex_interface_name_overflow_total", "counter",
         "Interface names from options data not stored (per-exporter or global table full)",
         offsetof(struct fdx_pipeline_totals, c.ifname_overflow)},
        {"flowdex_kernel_drops_total", "counter",
         "Datagrams the kernel dropped on full socket buffers (SO_RXQ_OVFL)",
         offsetof(struct fdx_pipeline_totals, kernel_drops)},
        {"flowdex_worker_records_total", "counter", "Records that reached a worker",
         offsetof(struct fdx_pipeline_totals, worker_records)},
        {"flowdex_documents_encoded_total", "counter", "Documents encoded by the workers",
         offsetof(struct fdx_pipeline_totals, docs_encoded)},
        {"flowdex_documents_written_total", "counter", "Documents accepted by every output",
         offsetof(struct fdx_pipeline_totals, docs_written)},
    };
    for (size_t i = 0; i < FDX_ARRAY_LEN(rows); i++) {
        fdx_metrics_family(m, rows[i].name, rows[i].type, rows[i].help);
        fdx_metrics_sample(m, rows[i].name, "",
                           *(const uint64_t *)((const char *)t + rows[i].off));
    }
    fdx_metrics_family(m, "flowdex_tcp_connections", "gauge",
                       "Open IPFIX-over-TCP connections");
    fdx_metrics_sample(m, "flowdex_tcp_connections", "", t->connections);
    fdx_metrics_family(m, "flowdex_draining", "gauge", "1 while shutting down");
    fdx_metrics_sample(m, "flowdex_draining", "", draining ? 1 : 0);
}

struct exp_pass {
    struct fdx_metrics *m;
    int which;
};

static void exporter_sample(const struct fdx_exporter *e, void *arg)
{
    static const char *const names[] = {
        "flowdex_exporter_datagrams_total", "flowdex_exporter_records_total",
        "flowdex_exporter_sequence_lost_total", "flowdex_exporter_drops_total"};
    struct exp_pass *x = arg;
    char ip[FDX_ADDR_STRLEN], labels[160];
    fdx_addr_format(&e->addr, ip);
    snprintf(labels, sizeof(labels), "exporter=\"%s\",domain=\"%u\",protocol=\"%s\"", ip,
             e->domain_id, fdx_proto_label[e->proto < FDX_PROTO__COUNT ? e->proto : 0]);
    const fdx_counter *c[] = {&e->datagrams, &e->records, &e->seq_lost, &e->drops};
    fdx_metrics_sample(x->m, names[x->which], labels, fdx_counter_get(c[x->which]));
}

static void render_exporters(const struct fdx_pipeline *p, struct fdx_metrics *m)
{
    static const char *const fam[][2] = {
        {"flowdex_exporter_datagrams_total", "Datagrams per exporter and domain"},
        {"flowdex_exporter_records_total", "Records per exporter and domain"},
        {"flowdex_exporter_sequence_lost_total", "Sequence-gap loss per exporter and domain"},
        {"flowdex_exporter_drops_total", "Drops per exporter and domain"},
    };
    for (int i = 0; i < 4; i++) {
        fdx_metrics_family(m, fam[i][0], "counter", fam[i][1]);
        struct exp_pass x = {m, i};
        fdx_pipeline_foreach_exporter(p, exporter_sample, &x);
    }
}

#define MAX_FAMILIES 512

struct family {
    char name[128];
    struct fdx_buf head;    /* "# HELP" and "# TYPE", first occurrence only */
    bool has_help, has_type;
    struct fdx_buf samples; /* every sample, in order of appearance */
};

/* The family a line belongs to: the name after "# HELP " / "# TYPE ", or the sample name
 * (histogram and summary suffixes folded onto a known base family). */
static size_t line_family(const char *line, size_t len, bool *is_meta, const char **name)
{
    *is_meta = len > 7 && (strncmp(line, "# HELP ", 7) == 0 || strncmp(line, "# TYPE ", 7) == 0);
    *name = *is_meta ? line + 7 : line;
    size_t n = 0;
    while (*name + n < line + len && (*name)[n] != ' ' && (*name)[n] != '{') {
        n++;
    }
    return n;
}

static struct family *find_family(struct family *f, size_t *nf, const char *name, size_t n,
                                  bool create)
{
    for (size_t i = 0; i < *nf; i++) {
        if (strlen(f[i].name) == n && strncmp(f[i].name, name, n) == 0) {
            return &f[i];
        }
    }
    static const char *const suffixes[] = {"_bucket", "_sum", "_count"};
    for (size_t k = 0; !create && k < FDX_ARRAY_LEN(suffixes); k++) {
        size_t sl = strlen(suffixes[k]);
        if (n > sl && strncmp(name + n - sl, suffixes[k], sl) == 0) {
            struct family *base = find_family(f, nf, name, n - sl, false);
            if (base != NULL) {
                return base;
            }
        }
    }
    if (*nf == MAX_FAMILIES || n >= sizeof(f[0].name)) {
        return NULL;
    }
    struct family *x = &f[(*nf)++];
    memcpy(x->name, name, n);
    x->name[n] = '\0';
    fdx_buf_init(&x->head, 0);
    fdx_buf_init(&x->samples, 0);
    return x;
}

/* The exposition format wants each family once, as one group; stages and outputs write their
 * families once per instance (one per worker), so the page is regrouped here. */
static void regroup(const struct fdx_buf *in, struct fdx_buf *out)
{
    struct family *f = calloc(MAX_FAMILIES, sizeof(*f));
    size_t nf = 0;
    const char *p = in->p, *end = in->p + in->len;
    while (f != NULL && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        bool meta;
        const char *name;
        size_t n = line_family(p, len, &meta, &name);
        struct family *x = find_family(f, &nf, name, n, meta);
        if (x != NULL && meta) {
            bool *seen = p[2] == 'H' ? &x->has_help : &x->has_type;
            if (!*seen) {
                fdx_buf_append(&x->head, p, len + 1);
                *seen = true;
            }
        } else if (x != NULL) {
            fdx_buf_append(&x->samples, p, len + 1);
        }
        p += len + 1;
    }
    for (size_t i = 0; i < nf; i++) {
        if (f[i].head.len > 0) {
            fdx_buf_append(out, f[i].head.p, f[i].head.len);
        }
        if (f[i].samples.len > 0) {
            fdx_buf_append(out, f[i].samples.p, f[i].samples.len);
        }
        fdx_buf_fini(&f[i].head);
        fdx_buf_fini(&f[i].samples);
    }
    free(f);
}

void fdx_metrics_http_render(const struct fdx_pipeline *p, bool draining, struct fdx_buf *out)
{
    struct fdx_buf raw;
    fdx_buf_init(&raw, 0);
    struct fdx_metrics m = {&raw};
    struct fdx_pipeline_totals t;
    fdx_pipeline_totals(p, &t);
    render_protocols(&t, &m);
    render_drops(&t, &m);
    render_pipeline(&t, draining, &m);
    render_exporters(p, &m);
    fdx_pipeline_stats(p, &m);
    regroup(&raw, out);
    fdx_buf_fini(&raw);
}

static void on_closed(uv_handle_t *h)
{
    struct conn *c = h->data;
    fdx_buf_fini(&c->resp);
    free(c);
}

static void on_written(uv_write_t *wr, int status)
{
    (void)status;
    struct conn *c = wr->data;
    uv_close((uv_handle_t *)&c->tcp, on_closed);
}

static void respond(struct conn *c, int code, const char *reason, const char *type,
                    const char *body, size_t body_len)
{
    fdx_buf_printf(&c->resp,
                   "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                   "Connection: close\r\n\r\n",
                   code, reason, type, body_len);
    fdx_buf_append(&c->resp, body, body_len);
    uv_buf_t b = uv_buf_init(c->resp.p, (unsigned)c->resp.len);
    c->wr.data = c;
    if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
        uv_close((uv_handle_t *)&c->tcp, on_closed);
    }
}

static void handle(struct conn *c)
{
    c->answered = true;
    uv_read_stop((uv_stream_t *)&c->tcp);
    bool get = strncmp(c->req, "GET ", 4) == 0;
    const char *path = c->req + 4;
    if (get && strncmp(path, "/metrics", 8) == 0 && (path[8] == ' ' || path[8] == '?')) {
        struct fdx_buf body;
        fdx_buf_init(&body, 0);
        fdx_metrics_http_render(c->h->p, c->h->draining, &body);
        respond(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", body.p ? body.p : "",
                body.len);
        fdx_buf_fini(&body);
    } else if (get && strncmp(path, "/health", 7) == 0 && (path[7] == ' ' || path[7] == '?')) {
        if (c->h->draining) {
            respond(c, 503, "Service Unavailable", "text/plain", "draining\n", 9);
        } else {
            respond(c, 200, "OK", "text/plain", "ok\n", 3);
        }
    } else if (!get) {
        respond(c, 405, "Method Not Allowed", "text/plain", "only GET\n", 9);
    } else {
        respond(c, 404, "Not Found", "text/plain", "try /metrics or /health\n", 24);
    }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct conn *c = h->data;
    *buf = uv_buf_init(c->req + c->len, (unsigned)(REQ_MAX - 1 - c->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    (void)buf;
    struct conn *c = s->data;
    if (c->answered) {
        return;
    }
    if (n < 0) {
        uv_close((uv_handle_t *)&c->tcp, on_closed);
        return;
    }
    c->len += (size_t)n;
    c->req[c->len] = '\0';
    if (strstr(c->req, "\r\n\r\n") != NULL || strstr(c->req, "\n\n") != NULL) {
        handle(c);
    } else if (c->len >= REQ_MAX - 1) {
        c->answered = true;
        uv_read_stop(s);
        respond(c, 431, "Request Header Fields Too Large", "text/plain", "too large\n", 10);
    }
}

static void on_connection(uv_stream_t *server, int status)
{
    struct fdx_metrics_http *h = server->data;
    if (status < 0) {
        return;
    }
    struct conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return;
    }
    c->h = h;
    fdx_buf_init(&c->resp, 0);
    uv_tcp_init(server->loop, &c->tcp);
    c->tcp.data = c;
    if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0 ||
        uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
        uv_close((uv_handle_t *)&c->tcp, on_closed);
    }
}

int fdx_metrics_http_start(struct fdx_metrics_http *h, uv_loop_t *loop,
                           const struct fdx_sockaddr_spec *addr, const struct fdx_pipeline *p,
                           struct fdx_err *err)
{
    h->p = p;
    h->draining = false;
    uv_tcp_init(loop, &h->server);
    h->server.data = h;
    h->open = true;
    int rc = uv_tcp_bind(&h->server, (const struct sockaddr *)&addr->addr, 0);
    if (rc == 0) {
        rc = uv_listen((uv_stream_t *)&h->server, 64, on_connection);
    }
    if (rc != 0) {
        fdx_err_set(err, "metrics %s: %s", addr->text, uv_strerror(rc));
        return rc;
    }
    fdx_info("metrics: serving /metrics and /health on %s", addr->text);
    return 0;
}

void fdx_metrics_http_close(struct fdx_metrics_http *h)
{
    if (h->open) {
        uv_close((uv_handle_t *)&h->server, NULL);
        h->open = false;
    }
}
