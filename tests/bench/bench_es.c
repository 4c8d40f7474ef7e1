/* Benchmark of the Elasticsearch output: documents per second delivered to a local bulk sink
 * over loopback, with and without gzip, and the bytes per document on the wire. The sink is
 * a minimal HTTP/1.1 keep-alive server in this process (one thread per connection) that
 * counts the items of each bulk (inflating gzip bodies) and answers 201 for each, in the
 * shape of Elasticsearch's bulk response. Documents are real ECS documents of synthetic
 * NetFlow v5 records decoded by the product decoder. Prints figures only; asserts nothing.
 *
 *   bench_es [DOCUMENTS]     (default 300000)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <zlib.h>

#include "batch.h"
#include "counters.h"
#include "decode.h"
#include "dispatch.h"
#include "document.h"
#include "output.h"
#include "pktgen.h"

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------------ the sink */

static size_t count_lines(const char *p, size_t n)
{
    size_t c = 0;
    for (const char *q = p; (q = memchr(q, '\n', n - (size_t)(q - p))) != NULL; q++) {
        c++;
    }
    return c;
}

static size_t inflate_lines(const char *p, size_t n)
{
    static __thread char out[1 << 16];
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK) {
        return 0;
    }
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    size_t lines = 0;
    int rc;
    do {
        z.next_out = (Bytef *)out;
        z.avail_out = sizeof(out);
        rc = inflate(&z, Z_NO_FLUSH);
        lines += count_lines(out, sizeof(out) - z.avail_out);
    } while (rc == Z_OK);
    inflateEnd(&z);
    return lines;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void *serve_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    size_t cap = 64u << 20, len = 0;
    char *buf = malloc(cap);
    char *resp = malloc(64u << 20);
    while (buf != NULL && resp != NULL) {
        char *hdr_end = len > 0 ? memmem(buf, len, "\r\n\r\n", 4) : NULL;
        if (hdr_end == NULL) {
            ssize_t r = read(fd, buf + len, cap - len);
            if (r <= 0) {
                break;
            }
            len += (size_t)r;
            continue;
        }
        size_t hlen = (size_t)(hdr_end - buf) + 4;
        char *cl = memmem(buf, hlen, "Content-Length:", 15);
        size_t body_len = cl != NULL ? strtoul(cl + 15, NULL, 10) : 0;
        bool gz = memmem(buf, hlen, "Content-Encoding: gzip", 22) != NULL;
        while (len < hlen + body_len) {
            ssize_t r = read(fd, buf + len, cap - len);
            if (r <= 0) {
                goto out;
            }
            len += (size_t)r;
        }
        size_t items = (gz ? inflate_lines(buf + hlen, body_len)
                           : count_lines(buf + hlen, body_len)) / 2;
        size_t o = 0;
        o += (size_t)sprintf(resp + 256, "{\"took\":1,\"errors\":false,\"items\":[");
        static const char item[] = "{\"create\":{\"_index\":\"x\",\"_id\":\"x\",\"_version\":1,"
                                   "\"result\":\"created\",\"status\":201}},";
        for (size_t i = 0; i < items; i++) {
            memcpy(resp + 256 + o, item, sizeof(item) - 1);
            o += sizeof(item) - 1;
        }
        if (items > 0) {
            o--; /* last comma */
        }
        memcpy(resp + 256 + o, "]}", 2);
        o += 2;
        char head[256];
        int hn = snprintf(head, sizeof(head),
                          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n",
                          o);
        if (write_all(fd, head, (size_t)hn) != 0 || write_all(fd, resp + 256, o) != 0) {
            break;
        }
        size_t used = hlen + body_len;
        memmove(buf, buf + used, len - used);
        len -= used;
    }
out:
    free(buf);
    free(resp);
    close(fd);
    return NULL;
}

static void *sink_main(void *arg)
{
    int lfd = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            return NULL;
        }
        pthread_t t;
        pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)fd);
        pthread_detach(t);
    }
}

static int start_sink(uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof(a);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        return -1;
    }
    *port = ntohs(a.sin_port);
    pthread_t t;
    pthread_create(&t, NULL, sink_main, (void *)(intptr_t)fd);
    pthread_detach(t);
    return 0;
}

/* ------------------------------------------------------------------ the feed */

struct feed {
    const struct fdx_output_ops *ops;
    void *out;
    struct fdx_doc_batch *docs;
    struct fdx_doc_opts opts;
    uint64_t docs_total;
};

static void submit(struct feed *f)
{
    while (f->docs->n > 0 && f->ops->submit(f->out, f->docs) == -EAGAIN) {
        f->ops->poll(f->out, 1);
    }
    f->docs_total += f->docs->n;
    fdx_doc_batch_reset(f->docs);
}

static struct fdx_batch *swap(void *owner, struct fdx_batch *full)
{
    struct feed *f = owner;
    for (uint32_t i = 0; i < full->n; i++) {
        if (fdx_document_encode(f->docs, &full->slot[i], NULL, &f->opts) != 0) {
            submit(f);
            fdx_document_encode(f->docs, &full->slot[i], NULL, &f->opts);
        }
    }
    full->n = 0;
    return full;
}

static uint64_t metric(const char *text, const char *name)
{
    const char *p = strstr(text, name);
    while (p != NULL && (p > text && p[-1] != '\n')) {
        p = strstr(p + 1, name);
    }
    return p != NULL ? strtoull(p + strlen(name) + 1, NULL, 10) : 0;
}

static void run(uint16_t port, bool gzip, uint64_t n_docs)
{
    char tmpl[] = "/tmp/fdx-bench-es-XXXXXX";
    if (mkdtemp(tmpl) == NULL) {
        return;
    }
    char js[512];
    snprintf(js, sizeof(js),
             "{\"hosts\":[\"http://127.0.0.1:%u\"],\"template\":\"skip\",\"gzip\":%s,"
             "\"spool\":false,\"flush_interval\":\"200ms\"}",
             port, gzip ? "true" : "false");
    struct feed f;
    memset(&f, 0, sizeof(f));
    f.ops = fdx_output_find("elasticsearch");
    f.opts.extra_ies = true;
    void *conf = calloc(1, f.ops->conf_size);
    struct json_object *obj = json_tokener_parse(js);
    struct fdx_err err = {{0}};
    static const char *const ignore[] = {"type", NULL};
    struct fdx_output_env env = {tmpl};
    if (fdx_cfg_apply(f.ops->keys, conf, obj, "bench", ignore, &err) != 0 ||
        (f.out = f.ops->open(conf, &env, &err)) == NULL) {
        fprintf(stderr, "bench_es: %s\n", err.msg);
        return;
    }
    json_object_put(obj);
    f.docs = fdx_doc_batch_new(1024, 4u << 20);

    struct fdx_decode_cfg dcfg;
    fdx_decode_cfg_defaults(&dcfg);
    static struct fdx_counters counters;
    struct fdx_decode_ctx ctx;
    fdx_decode_ctx_init(&ctx, &dcfg, &counters);
    ctx.sink.batch = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
    ctx.sink.swap = swap;
    ctx.sink.owner = &f;

    static struct fdx_pktgen pg;
    struct fdx_pktgen_nf5_hdr h;
    struct fdx_pktgen_nf5_rec recs[30];
    int64_t t0 = mono_us();
    for (uint32_t seq = 0; f.docs_total + ctx.sink.batch->n < n_docs; seq++) {
        fdx_pktgen_nf5_hdr_default(&h, 30);
        h.sequence = seq * 30;
        h.unix_secs = 1767225600u + seq;
        for (int i = 0; i < 30; i++) {
            fdx_pktgen_nf5_rec_default(&recs[i]);
            recs[i].src = FDX_PKTGEN_V4(10, 0, 0, 0) | ((seq * 30 + (uint32_t)i) & 0xffffff);
            recs[i].src_port = (uint16_t)(1024 + i);
        }
        fdx_pktgen_init(&pg);
        fdx_pktgen_nf5(&pg, &h, recs, 30);
        struct fdx_datagram dg = {pg.buf, pg.len, {{0}}, 40000, (int64_t)h.unix_secs * 1000};
        ctx.now_ms = dg.recv_ms;
        fdx_dispatch_datagram(&ctx, &dg);
        if (ctx.sink.batch->n >= 240) {
            swap(&f, ctx.sink.batch);
            submit(&f);
            f.ops->poll(f.out, 0);
        }
    }
    swap(&f, ctx.sink.batch);
    submit(&f);
    f.ops->flush(f.out, mono_us() / 1000 + 120000);
    int64_t us = mono_us() - t0;

    struct fdx_buf text;
    fdx_buf_init(&text, 0);
    struct fdx_metrics m = {&text};
    f.ops->stats(f.out, &m);
    fdx_buf_append(&text, "", 1);
    uint64_t indexed = metric(text.p, "flowdex_es_documents_total{result=\"indexed\"}");
    uint64_t bytes = metric(text.p, "flowdex_es_bytes_sent_total");
    uint64_t bulks = metric(text.p, "flowdex_es_bulk_requests_total");
    printf("gzip=%-5s documents=%llu indexed=%llu bulks=%llu seconds=%.2f docs_per_s=%.0f "
           "wire_bytes_per_doc=%.1f\n",
           gzip ? "on" : "off", (unsigned long long)f.docs_total,
           (unsigned long long)indexed, (unsigned long long)bulks, (double)us / 1e6,
           (double)indexed * 1e6 / (double)us, indexed ? (double)bytes / (double)indexed : 0.0);
    fdx_buf_fini(&text);
    f.ops->close(f.out);
    fdx_cfg_release(f.ops->keys, conf);
    free(conf);
    fdx_decode_ctx_fini(&ctx);
    fdx_batch_free(ctx.sink.batch);
    fdx_doc_batch_free(f.docs);
    char path[128];
    snprintf(path, sizeof(path), "%s/es-dead-letter.ndjson", tmpl);
    unlink(path);
    rmdir(tmpl);
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 300000;
    uint16_t port;
    if (start_sink(&port) != 0) {
        fprintf(stderr, "bench_es: cannot start the sink\n");
        return 1;
    }
    run(port, false, n);
    run(port, true, n);
    return 0;
}
