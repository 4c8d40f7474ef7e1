/* Golden decoder dump: reads a capture offline, feeds every UDP payload to the protocol
 * dispatcher in process (no sockets, no threads) and prints one canonical JSON line per
 * decoded record, then one summary line with the decode counters. tests/golden/compare.py
 * holds these lines against Wireshark's decode of the same capture.
 *
 * IPFIX exported over TCP (port 4739) is reassembled per connection (tcp_reassembly.c, as
 * `flowdex replay` does) and framed into messages (ipfix_stream.c); each message is decoded like a datagram, in the frame that
 * completes it.
 *
 * Usage: decode_dump [--raw] [--steady-clock] CAPTURE
 *   --raw            do not renormalise bytes/packets by the sampling rate
 *   --steady-clock   housekeeping (template expiry) runs on a clock that starts at the first
 *                    packet's time and advances 1 ms per packet, for captures stitched from
 *                    separate recordings whose timestamps jump by days; receive times stay
 *                    the packets' own timestamps
 *
 * Record line: {"frame":N,"proto":…,"kind":…,<every present field of struct fdx_flow>,
 *               "extra":[{"pen":…,"id":…,"hex":…}],"if_counters":{…}}
 * Summary line: {"summary":{"packets":…,"skipped":{…},"datagrams":{…},"records":{…},
 *               "dgram_drop":{…},"record_drop":{…},"seq_lost":…,"extra_ie_overflow":…}} */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "counters.h"
#include "decode.h"
#include "dispatch.h"
#include "capture.h"
#include "tcp_reassembly.h"
#include "record_json.h"

#define DUMP_BATCH_CAP 64
#define DUMP_TICK_MS 1000

struct dump {
    struct fdx_batch *batch;
    uint64_t frame; /* pcap packet number, 1-based (Wireshark's frame.number) */
    bool steady_clock;
    int64_t first_ms;
};

static void print_batch(struct dump *d)
{
    for (uint32_t i = 0; i < d->batch->n; i++) {
        fdx_golden_print_slot(stdout, d->frame, &d->batch->slot[i]);
    }
    d->batch->n = 0;
}

/* The sink's swap: print the full batch and hand it back empty. */
static struct fdx_batch *swap_batch(void *owner, struct fdx_batch *full)
{
    struct dump *d = owner;
    (void)full;
    print_batch(d);
    return d->batch;
}

static const char *const skip_label[] = {
    [FDX_CAPTURE_OK] = "ok",
    [FDX_CAPTURE_SKIP_LINKTYPE] = "not_ip",
    [FDX_CAPTURE_SKIP_NOT_UDP] = "not_udp",
    [FDX_CAPTURE_SKIP_FRAGMENT] = "ip_fragment",
    [FDX_CAPTURE_SKIP_TRUNCATED] = "truncated",
};

static void print_summary(uint64_t packets, const uint64_t *skipped,
                          const struct fdx_counters *c)
{
    struct fdx_counter_totals t;
    memset(&t, 0, sizeof(t));
    fdx_counters_sum(&t, c);
    printf("{\"summary\":{\"packets\":%" PRIu64 ",\"skipped\":{", packets);
    const char *sep = "";
    for (int i = 1; i <= FDX_CAPTURE_SKIP_TRUNCATED; i++) {
        printf("%s\"%s\":%" PRIu64, sep, skip_label[i], skipped[i]);
        sep = ",";
    }
    printf("},\"datagrams\":{");
    sep = "";
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        printf("%s\"%s\":%" PRIu64, sep, fdx_proto_label[i], t.datagrams[i]);
        sep = ",";
    }
    printf("},\"records\":{");
    sep = "";
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        printf("%s\"%s\":%" PRIu64, sep, fdx_proto_label[i], t.records[i]);
        sep = ",";
    }
    /* Drops: only the reasons that occurred, so a new reason needs no change here. */
    printf("},\"dgram_drop\":{");
    sep = "";
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        if (t.dgram_drop[i] != 0) {
            printf("%s\"%s\":%" PRIu64, sep, fdx_drop_label[i], t.dgram_drop[i]);
            sep = ",";
        }
    }
    printf("},\"record_drop\":{");
    sep = "";
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        if (t.record_drop[i] != 0) {
            printf("%s\"%s\":%" PRIu64, sep, fdx_drop_label[i], t.record_drop[i]);
            sep = ",";
        }
    }
    printf("},\"seq_lost\":%" PRIu64 ",\"extra_ie_overflow\":%" PRIu64 "}}\n", t.seq_lost,
           t.extra_ie_overflow);
}

struct tcp_arg {
    struct fdx_decode_ctx *ctx;
    int64_t ts_ms;
};

static void on_tcp_message(void *arg, const struct fdx_capture_pkt *seg, const uint8_t *msg,
                           size_t len)
{
    struct tcp_arg *a = arg;
    struct fdx_datagram dg = {
        .data = msg,
        .len = len,
        .exporter = seg->src,
        .exporter_port = seg->sport,
        .recv_ms = a->ts_ms,
    };
    fdx_dispatch_datagram(a->ctx, &dg);
}

static int run(pcap_t *pc, struct fdx_decode_ctx *ctx, struct dump *d,
               struct fdx_counters *counters)
{
    struct fdx_tcp_reasm *tcp = fdx_tcp_reasm_new(8);
    if (tcp == NULL) {
        fprintf(stderr, "decode_dump: out of memory\n");
        return 1;
    }
    uint64_t packets = 0;
    int64_t last_tick_ms = 0;
    uint64_t skipped[FDX_CAPTURE_SKIP_TRUNCATED + 1] = {0};
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *hdr;
    const u_char *bytes;
    int rc;
    while ((rc = pcap_next_ex(pc, &hdr, &bytes)) == 1) {
        packets++;
        d->frame = packets;
        struct fdx_capture_pkt pkt;
        enum fdx_capture_skip why = fdx_capture_parse(dlt, bytes, hdr->caplen, &pkt);
        /* TCP to the IPFIX port (4739) only: the captures also hold BGP and BMP sessions. */
        if (why == FDX_CAPTURE_OK && pkt.l4 == FDX_CAPTURE_IPPROTO_TCP) {
            if (pkt.dport == 4739 || pkt.sport == 4739) {
                struct tcp_arg a = {ctx, (int64_t)hdr->ts.tv_sec * 1000 +
                                             hdr->ts.tv_usec / 1000};
                fdx_decode_ctx_tick(ctx, a.ts_ms);
                fdx_tcp_reasm_feed(tcp, counters, &pkt, on_tcp_message, NULL, &a);
                print_batch(d);
            } else {
                skipped[FDX_CAPTURE_SKIP_NOT_UDP]++;
            }
            continue;
        }
        if (why != FDX_CAPTURE_OK) {
            skipped[why]++;
            continue;
        }
        int64_t ts_ms = (int64_t)hdr->ts.tv_sec * 1000 + hdr->ts.tv_usec / 1000;
        struct fdx_datagram dg = {
            .data = pkt.payload,
            .len = pkt.len,
            .exporter = pkt.src,
            .exporter_port = pkt.sport,
            .recv_ms = ts_ms,
        };
        if (packets == 1) {
            d->first_ms = ts_ms;
        }
        int64_t now_ms = d->steady_clock ? d->first_ms + (int64_t)packets - 1 : ts_ms;
        /* Housekeeping as the collector's timer runs it: once per second of capture time. */
        if (packets == 1 || now_ms - last_tick_ms >= DUMP_TICK_MS || now_ms < last_tick_ms) {
            fdx_decode_ctx_tick(ctx, now_ms);
            last_tick_ms = now_ms;
        }
        ctx->now_ms = now_ms;
        fdx_dispatch_datagram(ctx, &dg);
        print_batch(d);
    }
    fdx_tcp_reasm_free(tcp);
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "decode_dump: %s\n", pcap_geterr(pc));
        return 1;
    }
    print_summary(packets, skipped, counters);
    return 0;
}

int main(int argc, char **argv)
{
    bool renormalize = true;
    bool steady_clock = false;
    int argi = 1;
    for (; argi < argc && argv[argi][0] == '-'; argi++) {
        if (strcmp(argv[argi], "--raw") == 0) {
            renormalize = false;
        } else if (strcmp(argv[argi], "--steady-clock") == 0) {
            steady_clock = true;
        } else {
            break;
        }
    }
    if (argi != argc - 1) {
        fprintf(stderr, "usage: decode_dump [--raw] [--steady-clock] CAPTURE\n");
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(argv[argi], errbuf);
    if (pc == NULL) {
        fprintf(stderr, "decode_dump: %s\n", errbuf);
        return 2;
    }
    struct fdx_decode_cfg cfg;
    fdx_decode_cfg_defaults(&cfg);
    cfg.renormalize = renormalize;
    static struct fdx_counters counters;
    struct fdx_decode_ctx ctx;
    struct dump d = {.batch = fdx_batch_new(DUMP_BATCH_CAP), .steady_clock = steady_clock};
    if (d.batch == NULL || fdx_decode_ctx_init(&ctx, &cfg, &counters) != 0) {
        fprintf(stderr, "decode_dump: out of memory\n");
        pcap_close(pc);
        return 1;
    }
    ctx.sink.batch = d.batch;
    ctx.sink.swap = swap_batch;
    ctx.sink.owner = &d;
    int rc = run(pc, &ctx, &d, &counters);
    fdx_decode_ctx_fini(&ctx);
    fdx_batch_free(d.batch);
    pcap_close(pc);
    return rc;
}
