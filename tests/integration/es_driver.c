/* A driver for the Elasticsearch output's integration tests: decodes captures with the
 * product decoders (fdx_dispatch_datagram), encodes documents with fdx_document_encode, and
 * feeds them to the output exactly as the output thread does (open, submit with -EAGAIN
 * back-pressure, poll, flush, close). SIGTERM stops feeding and flushes (deliver or spool);
 * SIGHUP calls reopen().
 * At the end it prints the output's metrics and its own counts, one "name value" per line.
 *
 *   es_driver --config OUT.json [--data-dir DIR] [--schema ecs|pmacct] [--pace-ms N]
 *             [--linger-ms N] [--flush-ms N] [CAPTURE.pcap ...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <pcap/pcap.h>

#include "batch.h"
#include "counters.h"
#include "decode.h"
#include "dispatch.h"
#include "document.h"
#include "log.h"
#include "output.h"

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t hup_flag;

struct driver {
    const struct fdx_output_ops *ops;
    void *out;
    struct fdx_doc_batch *docs;
    struct fdx_doc_opts opts;
    uint64_t records, encoded, encode_fail;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_term(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void on_hup(int sig)
{
    (void)sig;
    hup_flag = 1;
}

/* poll(), and reopen() when SIGHUP arrived (as the output thread does). */
static void poll_out(struct driver *d, int ms)
{
    if (hup_flag) {
        hup_flag = 0;
        d->ops->reopen(d->out);
    }
    d->ops->poll(d->out, ms);
}

static void submit_docs(struct driver *d)
{
    if (d->docs->n == 0) {
        return;
    }
    while (d->ops->submit(d->out, d->docs) == -EAGAIN) {
        poll_out(d, 20);
    }
    d->encoded += d->docs->n;
    fdx_doc_batch_reset(d->docs);
}

static void encode_batch(struct driver *d, struct fdx_batch *b)
{
    for (uint32_t i = 0; i < b->n; i++) {
        const struct fdx_slot *s = &b->slot[i];
        if (s->dropped) {
            continue;
        }
        d->records++;
        int rc = fdx_document_encode(d->docs, s, NULL, &d->opts);
        if (rc == -ENOSPC || rc == -ENOBUFS) {
            submit_docs(d);
            rc = fdx_document_encode(d->docs, s, NULL, &d->opts);
        }
        if (rc != 0) {
            d->encode_fail++;
        }
    }
    b->n = 0;
}

static struct fdx_batch *swap_batch(void *owner, struct fdx_batch *full)
{
    encode_batch(owner, full);
    return full;
}

/* UDP payload of one captured frame, or NULL. */
static const uint8_t *udp_payload(int dlt, const uint8_t *p, size_t len, size_t *plen,
                                  struct fdx_addr *src, uint16_t *sport)
{
    size_t off = 0;
    uint16_t et = 0;
    if (dlt == DLT_EN10MB) {
        if (len < 14) {
            return NULL;
        }
        et = (uint16_t)(p[12] << 8 | p[13]);
        off = 14;
        while ((et == 0x8100 || et == 0x88a8) && len >= off + 4) {
            et = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
            off += 4;
        }
    } else if (dlt == DLT_LINUX_SLL) {
        if (len < 16) {
            return NULL;
        }
        et = (uint16_t)(p[14] << 8 | p[15]);
        off = 16;
    } else if (dlt == DLT_NULL || dlt == DLT_LOOP) {
        off = 4;
        et = len > 4 && (p[4] >> 4) == 6 ? 0x86dd : 0x0800;
    } else {
        et = len > 0 && (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
    }
    size_t l4;
    if (et == 0x0800) {
        if (len < off + 20 || p[off + 9] != 17) {
            return NULL;
        }
        if ((p[off + 6] & 0x3f) != 0 || p[off + 7] != 0) {
            return NULL; /* fragment */
        }
        fdx_addr_set_v4(src, p + off + 12);
        l4 = off + (size_t)(p[off] & 0x0f) * 4;
    } else if (et == 0x86dd) {
        if (len < off + 40 || p[off + 6] != 17) {
            return NULL;
        }
        fdx_addr_set_v6(src, p + off + 8);
        l4 = off + 40;
    } else {
        return NULL;
    }
    if (len < l4 + 8) {
        return NULL;
    }
    *sport = (uint16_t)(p[l4] << 8 | p[l4 + 1]);
    size_t ulen = (size_t)(p[l4 + 4] << 8 | p[l4 + 5]);
    size_t avail = len - l4 - 8;
    *plen = ulen >= 8 && ulen - 8 <= avail ? ulen - 8 : avail;
    return p + l4 + 8;
}

static void pace(struct driver *d, int ms)
{
    int64_t until = mono_ms() + ms;
    while (!stop_flag && mono_ms() < until) {
        poll_out(d, 10);
    }
}

static int replay(struct driver *d, struct fdx_decode_ctx *ctx, const char *path, int pace_ms)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, errbuf);
    if (pc == NULL) {
        fprintf(stderr, "es_driver: %s: %s\n", path, errbuf);
        return -1;
    }
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *pkt;
    while (!stop_flag && pcap_next_ex(pc, &h, &pkt) == 1) {
        struct fdx_datagram dg;
        memset(&dg, 0, sizeof(dg));
        dg.data = udp_payload(dlt, pkt, h->caplen, &dg.len, &dg.exporter, &dg.exporter_port);
        if (dg.data == NULL) {
            continue;
        }
        dg.recv_ms = (int64_t)h->ts.tv_sec * 1000 + h->ts.tv_usec / 1000;
        ctx->now_ms = dg.recv_ms;
        fdx_dispatch_datagram(ctx, &dg);
        encode_batch(d, ctx->sink.batch);
        submit_docs(d);
        d->ops->poll(d->out, 0);
        if (pace_ms > 0) {
            pace(d, pace_ms);
        }
    }
    pcap_close(pc);
    return 0;
}

static uint64_t metric(const char *text, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        if (strncmp(p, name, n) == 0 && p[n] == ' ') {
            return strtoull(p + n + 1, NULL, 10);
        }
    }
    return 0;
}

/* Nothing in memory or in the spool, and every document answered. */
static bool settled(struct driver *d)
{
    struct fdx_buf text;
    fdx_buf_init(&text, 0);
    struct fdx_metrics m = {&text};
    d->ops->stats(d->out, &m);
    fdx_buf_append(&text, "", 1);
    bool done = metric(text.p, "flowdex_es_queued_documents") == 0 &&
                metric(text.p, "flowdex_es_spool_documents") == 0;
    fdx_buf_fini(&text);
    return done;
}

static void *open_output(struct driver *d, const char *config, const char *data_dir,
                         void *conf)
{
    struct json_object *obj = json_object_from_file(config);
    if (obj == NULL) {
        fprintf(stderr, "es_driver: cannot read %s\n", config);
        return NULL;
    }
    static const char *const ignore[] = {"type", NULL};
    struct fdx_err err = {{0}};
    void *out = NULL;
    if (fdx_cfg_apply(d->ops->keys, conf, obj, "outputs[0]", ignore, &err) == 0) {
        struct fdx_output_env env = {data_dir};
        out = d->ops->open(conf, &env, &err);
    }
    if (out == NULL) {
        fprintf(stderr, "es_driver: %s\n", err.msg);
    }
    json_object_put(obj);
    return out;
}

int main(int argc, char **argv)
{
    const char *config = NULL, *data_dir = ".";
    int pace_ms = 0, linger_ms = 0, flush_ms = 30000;
    struct driver d;
    memset(&d, 0, sizeof(d));
    int first_file = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
            data_dir = argv[++i];
        } else if (strcmp(argv[i], "--schema") == 0 && i + 1 < argc) {
            d.opts.schema = strcmp(argv[++i], "pmacct") == 0 ? FDX_SCHEMA_PMACCT : FDX_SCHEMA_ECS;
        } else if (strcmp(argv[i], "--pace-ms") == 0 && i + 1 < argc) {
            pace_ms = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--linger-ms") == 0 && i + 1 < argc) {
            linger_ms = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--flush-ms") == 0 && i + 1 < argc) {
            flush_ms = atoi(argv[++i]);
        } else {
            first_file = i;
            break;
        }
    }
    if (config == NULL) {
        fprintf(stderr, "usage: es_driver --config FILE [options] [CAPTURE ...]\n");
        return 2;
    }
    d.opts.extra_ies = true;
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    signal(SIGHUP, on_hup);
    fdx_log_set_level(FDX_LOG_INFO);
    d.ops = fdx_output_find("elasticsearch");
    void *conf = calloc(1, d.ops->conf_size);
    d.out = open_output(&d, config, data_dir, conf);
    if (d.out == NULL) {
        fdx_cfg_release(d.ops->keys, conf);
        free(conf);
        return 2;
    }
    d.docs = fdx_doc_batch_new(1024, 4u << 20);
    struct fdx_decode_cfg dcfg;
    fdx_decode_cfg_defaults(&dcfg);
    static struct fdx_counters counters;
    struct fdx_decode_ctx ctx;
    fdx_decode_ctx_init(&ctx, &dcfg, &counters);
    ctx.sink.batch = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
    ctx.sink.swap = swap_batch;
    ctx.sink.owner = &d;

    for (int i = first_file; i < argc && !stop_flag; i++) {
        /* Each capture is its own export session: NetFlow v9/IPFIX template state must not
         * carry over to another capture that reuses the exporter address and template ids. */
        if (i > first_file) {
            struct fdx_sink sink = ctx.sink;
            fdx_decode_ctx_fini(&ctx);
            fdx_decode_ctx_init(&ctx, &dcfg, &counters);
            ctx.sink = sink;
        }
        replay(&d, &ctx, argv[i], pace_ms);
    }
    encode_batch(&d, ctx.sink.batch);
    submit_docs(&d);
    /* Linger: let retries run (up to linger_ms), until nothing is queued or spooled. */
    int64_t until = mono_ms() + linger_ms;
    while (!stop_flag && mono_ms() < until) {
        for (int i = 0; i < 10 && !stop_flag; i++) {
            poll_out(&d, 20);
        }
        if (settled(&d)) {
            break;
        }
    }
    int frc = d.ops->flush(d.out, mono_ms() + flush_ms);

    struct fdx_buf text;
    fdx_buf_init(&text, 0);
    struct fdx_metrics m = {&text};
    d.ops->stats(d.out, &m);
    fwrite(text.p, 1, text.len, stdout);
    printf("driver_records %llu\ndriver_encoded %llu\ndriver_encode_failures %llu\n"
           "driver_flush_rc %d\n",
           (unsigned long long)d.records, (unsigned long long)d.encoded,
           (unsigned long long)d.encode_fail, frc);
    fdx_buf_fini(&text);
    d.ops->close(d.out);
    fdx_cfg_release(d.ops->keys, conf);
    free(conf);
    fdx_decode_ctx_fini(&ctx);
    fdx_batch_free(ctx.sink.batch);
    fdx_doc_batch_free(d.docs);
    return 0;
}
