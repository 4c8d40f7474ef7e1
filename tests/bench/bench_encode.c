/* Document encoding benchmark: ns per document and documents/s of fdx_document_encode for the
 * ECS and pmacct schemas, over the records of real captures (decoded by the product decoders,
 * with the community id stage run over them as the default pipeline does). Times are the
 * thread's CPU time; prints the median of 5 runs and never fails on speed.
 * Usage: bench_encode CAPTURE.pcap [CAPTURE.pcap ...]
 * e.g. flowgen --proto v9 --pcap v9.pcap --count 20000 --template-every 50 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "batch.h"
#include "capture.h"
#include "counters.h"
#include "decode.h"
#include "dispatch.h"
#include "document.h"
#include "intern.h"
#include "output.h"
#include "stage.h"

#define RUNS 5
/* Records kept: 16 batches of 256, a few MB of slots (a worker encodes a batch right after its
 * stages ran over it, so its slots are in cache; a larger set would measure memory). */
#define MAX_BATCHES  17
#define DOCS_PER_RUN 500000

struct bench {
    struct fdx_batch *b[MAX_BATCHES];
    unsigned nb;
    uint64_t records;
};

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keeps every full batch and hands the decoder a fresh one. */
static struct fdx_batch *swap_batch(void *owner, struct fdx_batch *full)
{
    struct bench *bn = owner;
    if (full->n == 0) {
        return full;
    }
    if (bn->nb + 1 >= MAX_BATCHES) {
        full->n = 0; /* enough records: drop the rest */
        return full;
    }
    bn->records += full->n;
    bn->b[bn->nb++] = full;
    struct fdx_batch *next = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
    if (next == NULL) {
        fprintf(stderr, "bench_encode: out of memory\n");
        exit(1);
    }
    return next;
}

static int load(struct fdx_decode_ctx *ctx, const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, errbuf);
    if (pc == NULL) {
        fprintf(stderr, "bench_encode: %s: %s\n", path, errbuf);
        return -1;
    }
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *pkt;
    while (pcap_next_ex(pc, &h, &pkt) == 1) {
        struct fdx_capture_pkt cp;
        if (fdx_capture_udp(dlt, pkt, h->caplen, &cp) != FDX_CAPTURE_OK) {
            continue;
        }
        struct fdx_datagram dg;
        memset(&dg, 0, sizeof(dg));
        dg.data = cp.payload;
        dg.len = cp.len;
        dg.exporter = cp.src;
        dg.exporter_port = cp.sport;
        dg.recv_ms = (int64_t)h->ts.tv_sec * 1000 + h->ts.tv_usec / 1000;
        ctx->now_ms = dg.recv_ms;
        fdx_dispatch_datagram(ctx, &dg);
    }
    pcap_close(pc);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void pass(struct bench *bn, struct fdx_doc_batch *d, const struct fdx_intern *st,
                 const struct fdx_doc_opts *o, uint64_t *bytes, uint64_t *fails);

/* Passes over every record until DOCS_PER_RUN documents; returns CPU seconds per document,
 * sets *bytes to the body bytes of one pass. */
static double run(struct bench *bn, struct fdx_doc_batch *d, const struct fdx_intern *st,
                  const struct fdx_doc_opts *o, uint64_t *bytes, uint64_t *fails)
{
    unsigned passes = (unsigned)(DOCS_PER_RUN / bn->records) + 1;
    double t0 = cpu_s();
    for (unsigned p = 0; p < passes; p++) {
        *bytes = 0;
        pass(bn, d, st, o, bytes, fails);
    }
    return (cpu_s() - t0) / ((double)passes * (double)bn->records);
}

static void pass(struct bench *bn, struct fdx_doc_batch *d, const struct fdx_intern *st,
                 const struct fdx_doc_opts *o, uint64_t *bytes, uint64_t *fails)
{
    for (unsigned i = 0; i < bn->nb; i++) {
        const struct fdx_batch *b = bn->b[i];
        for (uint32_t k = 0; k < b->n; k++) {
            int rc = fdx_document_encode(d, &b->slot[k], st, o);
            if (rc == -ENOSPC || rc == -ENOBUFS) {
                *bytes += d->body.len;
                fdx_doc_batch_reset(d);
                rc = fdx_document_encode(d, &b->slot[k], st, o);
            }
            *fails += rc != 0;
        }
    }
    *bytes += d->body.len;
    fdx_doc_batch_reset(d);
}

static void measure(struct bench *bn, const struct fdx_intern *st, enum fdx_schema schema,
                    const char *label)
{
    struct fdx_doc_opts o = {schema, true, false};
    struct fdx_doc_batch *d = fdx_doc_batch_new(1024, 4u << 20);
    uint64_t bytes = 0, fails = 0;
    pass(bn, d, st, &o, &bytes, &fails); /* warm-up: buffers grown, caches filled */
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        t[r] = run(bn, d, st, &o, &bytes, &fails);
    }
    qsort(t, RUNS, sizeof(t[0]), cmp_double);
    double med = t[RUNS / 2];
    printf("%-7s %llu records  %.1f ns/doc  %.0f docs/s  %.0f bytes/doc  (median of %d runs "
           "of %d docs; failures %llu)\n",
           label, (unsigned long long)bn->records, med * 1e9, 1.0 / med,
           (double)bytes / (double)bn->records, RUNS, DOCS_PER_RUN, (unsigned long long)fails);
    fdx_doc_batch_free(d);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_encode CAPTURE.pcap [CAPTURE.pcap ...]\n");
        return 2;
    }
    static struct bench bn;
    static struct fdx_counters counters;
    struct fdx_decode_cfg dcfg;
    fdx_decode_cfg_defaults(&dcfg);
    struct fdx_decode_ctx ctx;
    fdx_decode_ctx_init(&ctx, &dcfg, &counters);
    ctx.sink.batch = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
    ctx.sink.swap = swap_batch;
    ctx.sink.owner = &bn;
    for (int i = 1; i < argc; i++) {
        if (load(&ctx, argv[i]) != 0) {
            return 1;
        }
    }
    ctx.sink.batch = swap_batch(&bn, ctx.sink.batch);
    if (bn.records == 0) {
        fprintf(stderr, "bench_encode: no records decoded\n");
        return 1;
    }

    struct fdx_intern *strings = fdx_intern_new(1024, 1 << 16);
    struct fdx_stage_env env = {0, 1, strings, &counters};
    const struct fdx_stage_ops *cid = fdx_stage_find("community_id");
    void *conf = calloc(1, cid->conf_size);
    struct fdx_err err = {{0}};
    void *self = NULL;
    if (fdx_cfg_apply(cid->keys, conf, NULL, "community_id", NULL, &err) == 0) {
        self = cid->init(conf, &env, &err);
    }
    if (self == NULL) {
        fprintf(stderr, "bench_encode: community_id: %s\n", err.msg);
        return 1;
    }
    for (unsigned i = 0; i < bn.nb; i++) {
        bn.b[i]->strings = strings;
        cid->process(self, bn.b[i]);
    }

    measure(&bn, strings, FDX_SCHEMA_ECS, "ecs");
    measure(&bn, strings, FDX_SCHEMA_PMACCT, "pmacct");

    cid->free(self);
    fdx_cfg_release(cid->keys, conf);
    free(conf);
    fdx_intern_free(strings);
    for (unsigned i = 0; i < bn.nb; i++) {
        fdx_batch_free(bn.b[i]);
    }
    fdx_batch_free(ctx.sink.batch);
    fdx_decode_ctx_fini(&ctx);
    return 0;
}
