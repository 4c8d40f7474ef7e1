/* Decode-only benchmark of the NetFlow v9 and IPFIX decoders, single thread: records/s
 * (median of several runs) on the corpus captures given on the command line and on
 * generated datagrams. Also prints, per capture, records decoded and drops by reason, so
 * it doubles as a quick corpus check. Not a test: it only prints figures.
 * Usage: bench_decode_template [-r RUNS] [CAPTURE.pcap ...] */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "batch.h"
#include "decode.h"
#include "dispatch.h"
#include "flowgen_encode.h"
#include "timeconv.h"

struct pkt {
    uint8_t *data;
    size_t len;
    struct fdx_addr src;
    int64_t ts_ms;
};

struct pktlist {
    struct pkt *p;
    size_t n, cap;
};

static int dump_records; /* -d: print each record of the first pass (corpus check) */

static void dump_batch(const struct fdx_batch *b)
{
    for (uint32_t i = 0; i < b->n; i++) {
        const struct fdx_flow *f = &b->slot[i].flow;
        char s[FDX_ADDR_STRLEN], d[FDX_ADDR_STRLEN];
        fdx_addr_format(&f->src, s);
        fdx_addr_format(&f->dst, d);
        printf("  rec kind=%u seq=%u dom=%u %s:%u -> %s:%u p=%u bytes=%llu pkts=%llu start=%lld "
               "end=%lld rate=%u extras=%u present=%llx\n",
               f->kind, f->export_seq, f->domain_id, s, f->src_port, d, f->dst_port, f->ip_proto,
               (unsigned long long)f->raw_bytes, (unsigned long long)f->raw_packets,
               (long long)f->start_ms, (long long)f->end_ms, f->sampling_rate,
               b->slot[i].extra.n, (unsigned long long)f->present);
    }
}

static struct fdx_batch *recycle(void *owner, struct fdx_batch *full)
{
    (void)owner;
    if (dump_records) {
        dump_batch(full);
    }
    full->n = 0;
    return full;
}

static void add_pkt(struct pktlist *l, const uint8_t *data, size_t len, const struct fdx_addr *src,
                    int64_t ts_ms)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->p = realloc(l->p, l->cap * sizeof(*l->p));
    }
    struct pkt *k = &l->p[l->n++];
    k->data = malloc(len);
    memcpy(k->data, data, len);
    k->len = len;
    k->src = *src;
    k->ts_ms = ts_ms;
}

/* UDP payloads of an Ethernet / raw-IP / Linux-cooked capture. */
static int load_pcap(const char *path, struct pktlist *l)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(path, err);
    if (pc == NULL) {
        fprintf(stderr, "%s: %s\n", path, err);
        return -1;
    }
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(pc, &h, &d) == 1) {
        size_t off = dlt == DLT_EN10MB ? 14 : dlt == DLT_LINUX_SLL ? 16 : 0;
        size_t caplen = h->caplen;
        uint16_t et = off >= 2 && caplen >= off ? (uint16_t)(d[off - 2] << 8 | d[off - 1]) : 0;
        while (et == 0x8100 && caplen >= off + 4) {
            et = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
            off += 4;
        }
        if (caplen < off + 20) {
            continue;
        }
        struct fdx_addr src;
        size_t l4;
        uint8_t proto;
        if ((d[off] >> 4) == 4) {
            fdx_addr_set_v4(&src, d + off + 12);
            proto = d[off + 9];
            l4 = off + (size_t)(d[off] & 15) * 4;
        } else if ((d[off] >> 4) == 6 && caplen >= off + 40) {
            fdx_addr_set_v6(&src, d + off + 8);
            proto = d[off + 6];
            l4 = off + 40;
        } else {
            continue;
        }
        if (proto != 17 || caplen < l4 + 8) {
            continue;
        }
        /* The UDP length, not the capture length: some captures keep the Ethernet FCS. */
        size_t ulen = (size_t)(d[l4 + 4] << 8 | d[l4 + 5]);
        if (ulen < 8 || ulen > caplen - l4) {
            ulen = caplen - l4;
        }
        add_pkt(l, d + l4 + 8, ulen - 8, &src,
                (int64_t)h->ts.tv_sec * 1000 + h->ts.tv_usec / 1000);
    }
    pcap_close(pc);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass of every packet through a fresh context; returns records decoded. */
static uint64_t run_pass(const struct pktlist *l, struct fdx_counters *c, struct fdx_batch *b)
{
    struct fdx_decode_cfg cfg;
    fdx_decode_cfg_defaults(&cfg);
    struct fdx_decode_ctx ctx;
    if (fdx_decode_ctx_init(&ctx, &cfg, c) != 0) {
        exit(1);
    }
    ctx.sink.batch = b;
    ctx.sink.swap = recycle;
    uint64_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        struct fdx_datagram dg = {l->p[i].data, l->p[i].len, l->p[i].src, 2055, l->p[i].ts_ms};
        ctx.now_ms = l->p[i].ts_ms;
        n += fdx_dispatch_datagram(&ctx, &dg);
    }
    if (dump_records) {
        dump_batch(b);
    }
    b->n = 0;
    fdx_decode_ctx_fini(&ctx);
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median records/s over runs; a run repeats passes (each with a fresh decode context, so
 * templates are learnt again every pass) until it lasts at least 0.2 s. */
static double measure(const struct pktlist *l, int runs, struct fdx_batch *b, uint64_t *recs)
{
    double rate[32];
    for (int r = 0; r < runs; r++) {
        static struct fdx_counters c;
        uint64_t n = 0, passes = 0;
        double t0 = now_s(), t;
        do {
            n += run_pass(l, &c, b);
            passes++;
            t = now_s() - t0;
        } while (t < 0.2);
        rate[r] = (double)n / t;
        *recs = n / passes;
    }
    qsort(rate, (size_t)runs, sizeof(double), cmp_double);
    return rate[runs / 2];
}

static void report_file(const char *path, const struct pktlist *l, struct fdx_batch *b)
{
    static struct fdx_counters c;
    memset(&c, 0, sizeof(c));
    uint64_t n = run_pass(l, &c, b);
    dump_records = 0;
    printf("%-70s pkts %5zu records %6llu", strrchr(path, '/') ? strrchr(path, '/') + 1 : path,
           l->n, (unsigned long long)n);
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        uint64_t d = fdx_counter_get(&c.dgram_drop[i]), r = fdx_counter_get(&c.record_drop[i]);
        if (d || r) {
            printf(" %s=%llu/%llu", fdx_drop_label[i], (unsigned long long)d,
                   (unsigned long long)r);
        }
    }
    printf(" seq_lost=%llu\n", (unsigned long long)fdx_counter_get(&c.seq_lost));
}

static void generated(enum flowgen_proto proto, const char *name, int runs, struct fdx_batch *b)
{
    struct pktlist l = {0};
    struct flowgen_state st;
    memset(&st, 0, sizeof(st));
    st.proto = proto;
    st.flows_per_packet = flowgen_max_flows(proto);
    st.tuples = 100000;
    st.template_every = 20;
    st.start_unix_ms = 1700000000000;
    uint8_t buf[FLOWGEN_MAX_DGRAM];
    uint64_t recs = 0;
    struct fdx_addr src;
    fdx_addr_set_v4_u32(&src, 0xc0000201);
    for (int i = 0; i < 2000; i++) {
        size_t len = flowgen_build(&st, buf, &recs);
        add_pkt(&l, buf, len, &src, st.now_ms);
    }
    uint64_t n;
    double rate = measure(&l, runs, b, &n);
    printf("generated %-6s %zu datagrams, %llu records/pass: %.0f records/s (median of %d)\n", name,
           l.n, (unsigned long long)recs, rate, runs);
    for (size_t i = 0; i < l.n; i++) {
        free(l.p[i].data);
    }
    free(l.p);
}

int main(int argc, char **argv)
{
    int runs = 5;
    int first = 1;
    int dump = 0;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        runs = atoi(argv[2]);
        runs = runs < 1 ? 1 : runs > 31 ? 31 : runs;
        first = 3;
    }
    if (argc > first && strcmp(argv[first], "-d") == 0) {
        dump = 1;
        first++;
    }
    struct fdx_batch *b = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
    struct pktlist all = {0};
    for (int i = first; i < argc; i++) {
        struct pktlist l = {0};
        if (load_pcap(argv[i], &l) != 0) {
            continue;
        }
        dump_records = dump;
        report_file(argv[i], &l, b);
        for (size_t k = 0; k < l.n; k++) {
            add_pkt(&all, l.p[k].data, l.p[k].len, &l.p[k].src, l.p[k].ts_ms);
            free(l.p[k].data);
        }
        free(l.p);
    }
    if (all.n > 0) {
        uint64_t n;
        dump_records = 0;
        double rate = measure(&all, runs, b, &n);
        printf("corpus: %zu datagrams, %llu records/pass: %.0f records/s (median of %d)\n", all.n,
               (unsigned long long)n, rate, runs);
    }
    generated(FLOWGEN_V9, "v9", runs, b);
    generated(FLOWGEN_IPFIX, "ipfix", runs, b);
    fdx_batch_free(b);
    return 0;
}
