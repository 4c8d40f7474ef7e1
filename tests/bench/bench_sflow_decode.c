/* sFlow v5 decode benchmark: loads the sFlow datagrams of a capture into memory and decodes
 * them again and again in process (one thread, no output), printing the median of several
 * runs in samples per second and nanoseconds per sample. Prints figures; never fails on speed.
 *
 * Usage: bench_sflow_decode CAPTURE [ROUNDS] */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch.h"
#include "pcap_udp.h"
#include "sflow_v5.h"

#define MAX_DGRAMS 100000
#define RUNS 5

struct dgram {
    uint8_t *data;
    size_t len;
};

static struct fdx_batch *recycle(void *owner, struct fdx_batch *full)
{
    (void)owner;
    full->n = 0; /* the records are dropped on the floor: decode cost only */
    return full;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CAPTURE [ROUNDS]\n", argv[0]);
        return 2;
    }
    unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 2000;
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(argv[1], errbuf);
    if (pc == NULL) {
        fprintf(stderr, "%s\n", errbuf);
        return 2;
    }
    static struct dgram dg[MAX_DGRAMS];
    size_t n = 0;
    struct pcap_pkthdr *ph;
    const u_char *pkt;
    while (n < MAX_DGRAMS && pcap_next_ex(pc, &ph, &pkt) == 1) {
        struct fdx_udp_pkt u;
        if (fdx_pcap_udp(pcap_datalink(pc), pkt, ph->caplen, &u) != FDX_PCAP_OK ||
            fdx_dispatch_detect(u.payload, u.len) != FDX_PROTO_SFLOW5) {
            continue;
        }
        dg[n].data = malloc(u.len);
        memcpy(dg[n].data, u.payload, u.len);
        dg[n].len = u.len;
        n++;
    }
    pcap_close(pc);
    if (n == 0) {
        fprintf(stderr, "no sFlow datagrams in %s\n", argv[1]);
        return 2;
    }

    struct fdx_decode_cfg cfg;
    fdx_decode_cfg_defaults(&cfg);
    struct fdx_counters *counters = calloc(1, sizeof(*counters));
    struct fdx_batch *batch = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
    struct fdx_decode_ctx ctx;
    if (counters == NULL || batch == NULL || fdx_decode_ctx_init(&ctx, &cfg, counters) != 0) {
        return 2;
    }
    ctx.sink = (struct fdx_sink){.batch = batch, .swap = recycle};
    double rate[RUNS];
    uint64_t records = 0;
    for (int r = 0; r < RUNS; r++) {
        records = 0;
        double t0 = now_s();
        for (unsigned k = 0; k < rounds; k++) {
            for (size_t i = 0; i < n; i++) {
                struct fdx_datagram d = {.data = dg[i].data, .len = dg[i].len};
                ctx.rec_index = 0;
                records += fdx_sflow_decode(&ctx, &d);
            }
        }
        rate[r] = (double)records / (now_s() - t0);
    }
    qsort(rate, RUNS, sizeof(rate[0]), cmp_double);
    printf("%s: %zu datagrams x %u rounds, %" PRIu64 " records per run; median of %d runs: "
           "%.0f records/s, %.1f ns/record\n",
           argv[1], n, rounds, records, RUNS, rate[RUNS / 2], 1e9 / rate[RUNS / 2]);
    fdx_decode_ctx_fini(&ctx);
    fdx_batch_free(batch);
    free(counters);
    for (size_t i = 0; i < n; i++) {
        free(dg[i].data);
    }
    return 0;
}
