/* pcap replay through the daemon's pipeline. */
#include "replay.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "dispatch.h"
#include "log.h"
#include "pending_sets.h"
#include "pipeline.h"
#include "reader.h"
#include "summary.h"
#include "timeconv.h"

#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define ETH_QINQ_OLD 0x9100
#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define LINKTYPE_SLL2 276

static int skip(struct fdx_replay_stats *st, uint64_t *which)
{
    (void)st;
    (*which)++;
    return -1;
}

static int udp_payload(struct fdx_rd *rd, struct fdx_datagram *dg, struct fdx_replay_stats *st)
{
    dg->exporter_port = fdx_rd_u16(rd);
    fdx_rd_skip(rd, 2); /* destination port */
    uint16_t len = fdx_rd_u16(rd);
    fdx_rd_skip(rd, 2); /* checksum */
    if (rd->err || len < 8) {
        return skip(st, &st->truncated);
    }
    struct fdx_rd pl = fdx_rd_sub(rd, (size_t)len - 8);
    if (rd->err) {
        return skip(st, &st->truncated);
    }
    dg->len = fdx_rd_left(&pl);
    dg->data = fdx_rd_ptr(&pl, dg->len);
    return 0;
}

static int ipv4(struct fdx_rd *rd, struct fdx_datagram *dg, struct fdx_replay_stats *st)
{
    uint8_t vihl = fdx_rd_u8(rd);
    fdx_rd_skip(rd, 1);
    uint16_t total = fdx_rd_u16(rd);
    fdx_rd_skip(rd, 2);
    uint16_t frag = fdx_rd_u16(rd);
    fdx_rd_skip(rd, 1);
    uint8_t proto = fdx_rd_u8(rd);
    fdx_rd_skip(rd, 2);
    uint8_t src[4];
    fdx_rd_bytes(rd, src, 4);
    fdx_rd_skip(rd, 4);
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    if (rd->err || (vihl >> 4) != 4 || ihl < 20 || total < ihl) {
        return skip(st, &st->truncated);
    }
    fdx_rd_skip(rd, ihl - 20); /* options */
    if ((frag & 0x3fff) != 0) {
        return skip(st, &st->fragments);
    }
    if (proto != 17) {
        return skip(st, &st->not_udp);
    }
    struct fdx_rd body = fdx_rd_sub(rd, total - ihl);
    if (rd->err) {
        return skip(st, &st->truncated);
    }
    fdx_addr_set_v4(&dg->exporter, src);
    return udp_payload(&body, dg, st);
}

static int ipv6(struct fdx_rd *rd, struct fdx_datagram *dg, struct fdx_replay_stats *st)
{
    uint32_t vtf = fdx_rd_u32(rd);
    uint16_t plen = fdx_rd_u16(rd);
    uint8_t next = fdx_rd_u8(rd);
    fdx_rd_skip(rd, 1);
    uint8_t src[16];
    fdx_rd_bytes(rd, src, 16);
    fdx_rd_skip(rd, 16);
    if (rd->err || (vtf >> 28) != 6) {
        return skip(st, &st->truncated);
    }
    struct fdx_rd body = fdx_rd_sub(rd, plen);
    /* Extension headers: hop-by-hop, routing, destination options (bounded walk). */
    for (int i = 0; i < 8 && (next == 0 || next == 43 || next == 60); i++) {
        next = fdx_rd_u8(&body);
        uint8_t len8 = fdx_rd_u8(&body);
        fdx_rd_skip(&body, (size_t)len8 * 8 + 6);
    }
    if (rd->err || body.err) {
        return skip(st, &st->truncated);
    }
    if (next == 44) {
        return skip(st, &st->fragments);
    }
    if (next != 17) {
        return skip(st, &st->not_udp);
    }
    fdx_addr_set_v6(&dg->exporter, src);
    return udp_payload(&body, dg, st);
}

static int by_ethertype(uint16_t et, struct fdx_rd *rd, struct fdx_datagram *dg,
                        struct fdx_replay_stats *st)
{
    if (et == ETH_IPV4) {
        return ipv4(rd, dg, st);
    }
    if (et == ETH_IPV6) {
        return ipv6(rd, dg, st);
    }
    return skip(st, &st->not_udp);
}

static int by_version(struct fdx_rd *rd, struct fdx_datagram *dg, struct fdx_replay_stats *st)
{
    struct fdx_rd peek = *rd;
    uint8_t v = fdx_rd_u8(&peek) >> 4;
    if (peek.err) {
        return skip(st, &st->truncated);
    }
    return v == 4 ? ipv4(rd, dg, st) : v == 6 ? ipv6(rd, dg, st) : skip(st, &st->not_udp);
}

int fdx_replay_extract(int linktype, const uint8_t *frame, size_t caplen, struct fdx_datagram *dg,
                       struct fdx_replay_stats *st)
{
    struct fdx_rd rd;
    fdx_rd_init(&rd, frame, caplen);
    uint16_t et;
    switch (linktype) {
    case DLT_EN10MB:
        fdx_rd_skip(&rd, 12);
        et = fdx_rd_u16(&rd);
        for (int i = 0; i < 4 && (et == ETH_VLAN || et == ETH_QINQ || et == ETH_QINQ_OLD); i++) {
            fdx_rd_skip(&rd, 2); /* tag control information */
            et = fdx_rd_u16(&rd);
        }
        return rd.err ? skip(st, &st->truncated) : by_ethertype(et, &rd, dg, st);
    case DLT_LINUX_SLL:
        fdx_rd_skip(&rd, 14);
        et = fdx_rd_u16(&rd);
        return rd.err ? skip(st, &st->truncated) : by_ethertype(et, &rd, dg, st);
    case LINKTYPE_SLL2:
        et = fdx_rd_u16(&rd);
        fdx_rd_skip(&rd, 18);
        return rd.err ? skip(st, &st->truncated) : by_ethertype(et, &rd, dg, st);
    case DLT_NULL:
    case DLT_LOOP:
        fdx_rd_skip(&rd, 4); /* address family, in either byte order: the IP version says */
        return by_version(&rd, dg, st);
    case DLT_RAW:
    case 101: /* LINKTYPE_RAW as stored in the file */
    case 228: /* IPv4 */
    case 229: /* IPv6 */
        return by_version(&rd, dg, st);
    default:
        return skip(st, &st->bad_link);
    }
}

static int replay_file(pcap_t *pc, struct fdx_decode_ctx *ctx, struct fdx_producer *pr,
                       struct fdx_replay_stats *st)
{
    int linktype = pcap_datalink(pc);
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int64_t next_tick = 0;
    int rc;
    while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
        st->packets++;
        struct fdx_datagram dg;
        memset(&dg, 0, sizeof(dg));
        if (fdx_replay_extract(linktype, data, hdr->caplen, &dg, st) != 0) {
            continue;
        }
        st->udp++;
        dg.recv_ms = (int64_t)hdr->ts.tv_sec * 1000 + hdr->ts.tv_usec / 1000;
        if (dg.recv_ms >= next_tick) {
            fdx_decode_ctx_tick(ctx, dg.recv_ms); /* housekeeping on the capture's clock */
            next_tick = dg.recv_ms + 1000;
        }
        ctx->now_ms = dg.recv_ms;
        fdx_dispatch_datagram(ctx, &dg);
    }
    fdx_producer_flush(pr);
    return rc == PCAP_ERROR ? -EIO : 0;
}

int fdx_replay_run(const struct fdx_config *cfg, char *const *files, size_t nfiles)
{
    struct fdx_err err = {""};
    struct fdx_pipeline *p = fdx_pipeline_new(cfg, 1, true, &err);
    if (p == NULL || fdx_pipeline_start(p, &err) != 0) {
        fprintf(stderr, "flowdex: %s\n", err.msg);
        fdx_pipeline_free(p);
        return 1;
    }
    struct fdx_producer *pr = fdx_pipeline_producer(p, 0);
    struct fdx_decode_ctx ctx;
    int code = 0;
    if (fdx_decode_ctx_init(&ctx, &cfg->decode, fdx_producer_counters(pr)) != 0) {
        fprintf(stderr, "flowdex: out of memory for decoder state\n");
        fdx_pipeline_free(p);
        return 1;
    }
    fdx_producer_bind(pr, &ctx);
    struct fdx_replay_stats st;
    memset(&st, 0, sizeof(st));
    for (size_t i = 0; i < nfiles && code == 0; i++) {
        char ebuf[PCAP_ERRBUF_SIZE] = "";
        pcap_t *pc = pcap_open_offline(files[i], ebuf);
        if (pc == NULL) {
            fprintf(stderr, "flowdex: replay: \"%s\" is not a readable capture: %s\n", files[i],
                    ebuf);
            code = 1;
            break;
        }
        if (replay_file(pc, &ctx, pr, &st) != 0) {
            fprintf(stderr, "flowdex: replay: \"%s\": read error: %s\n", files[i],
                    pcap_geterr(pc));
            code = 1;
        }
        pcap_close(pc);
    }
    if (ctx.pending != NULL) { /* sets still waiting for their template are lost now */
        fdx_decode_count(&ctx, FDX_DROP_NO_TEMPLATE, fdx_pending_clear(ctx.pending));
    }
    fdx_producer_finish(pr);
    fdx_decode_ctx_drain(&ctx); /* sets still waiting for a template: counted, not lost */
    fdx_pipeline_drain(p, fdx_time_mono_ms() + (int64_t)cfg->core.shutdown_timeout);
    fdx_info("replay: %llu packets, %llu UDP datagrams; skipped: %llu not UDP, %llu fragments, "
             "%llu truncated, %llu unsupported link type",
             (unsigned long long)st.packets, (unsigned long long)st.udp,
             (unsigned long long)st.not_udp, (unsigned long long)st.fragments,
             (unsigned long long)st.truncated, (unsigned long long)st.bad_link);
    fdx_summary_print(p, stderr);
    fdx_decode_ctx_fini(&ctx);
    fdx_pipeline_free(p);
    return code;
}
