/* Reads a capture with libpcap, feeds every UDP payload to the decoders in process and prints
 * one JSON line per sFlow record (raw decoded fields, not the document), then one summary
 * line with the counters. Used by the sFlow oracle check and the sfacctd side-by-side. */
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "decode.h"
#include "dispatch.h"
#include "reader.h"

#define DUMP_BATCH_CAP 4096

struct dump {
    struct fdx_batch *batch;
    int frame;
};

static struct fdx_batch *swap_full(void *owner, struct fdx_batch *full)
{
    (void)owner;
    (void)full;
    return NULL; /* one batch per datagram is plenty: it is drained after each */
}

static void print_addr(const char *key, const struct fdx_addr *a)
{
    char s[FDX_ADDR_STRLEN];
    fdx_addr_format(a, s);
    printf(",\"%s\":\"%s\"", key, s);
}

#define HAS(f, x) fdx_flow_has(f, FDX_F_##x)

static void print_flow(const struct fdx_slot *s)
{
    const struct fdx_flow *f = &s->flow;
    print_addr("agent", &f->agent);
    printf(",\"sub_agent_id\":%" PRIu32 ",\"seq\":%" PRIu32 ",\"source_id\":%" PRIu32,
           f->domain_id, f->export_seq, f->sampler_id);
    if (HAS(f, SAMPLING)) printf(",\"sampling_rate\":%" PRIu32, f->sampling_rate);
    if (HAS(f, IN_IF)) printf(",\"in_if\":%" PRIu32, f->in_if);
    if (HAS(f, OUT_IF)) printf(",\"out_if\":%" PRIu32, f->out_if);
    if (f->kind == FDX_KIND_COUNTERS) {
        const struct fdx_if_counters *c = &s->ctr;
        if (c->has_generic) {
            printf(",\"if_index\":%" PRIu32 ",\"if_type\":%" PRIu32 ",\"if_speed\":%" PRIu64
                   ",\"if_direction\":%" PRIu32 ",\"if_status\":%" PRIu32
                   ",\"in_octets\":%" PRIu64 ",\"in_ucast\":%" PRIu64 ",\"in_mcast\":%" PRIu64
                   ",\"in_bcast\":%" PRIu64 ",\"in_discards\":%" PRIu64 ",\"in_errors\":%" PRIu64
                   ",\"in_unknown_protos\":%" PRIu64 ",\"out_octets\":%" PRIu64
                   ",\"out_ucast\":%" PRIu64 ",\"out_mcast\":%" PRIu64 ",\"out_bcast\":%" PRIu64
                   ",\"out_discards\":%" PRIu64 ",\"out_errors\":%" PRIu64 ",\"promisc\":%" PRIu32,
                   c->if_index, c->if_type, c->if_speed, c->if_direction, c->if_status,
                   c->in_octets, c->in_ucast, c->in_mcast, c->in_bcast, c->in_discards,
                   c->in_errors, c->in_unknown_protos, c->out_octets, c->out_ucast, c->out_mcast,
                   c->out_bcast, c->out_discards, c->out_errors, c->promisc);
        }
        if (c->has_ethernet) {
            printf(",\"eth_alignment_errors\":%" PRIu32 ",\"eth_fcs_errors\":%" PRIu32
                   ",\"eth_single_collisions\":%" PRIu32 ",\"eth_multiple_collisions\":%" PRIu32
                   ",\"eth_sqe_errors\":%" PRIu32 ",\"eth_deferred\":%" PRIu32
                   ",\"eth_late_collisions\":%" PRIu32 ",\"eth_excessive_collisions\":%" PRIu32
                   ",\"eth_internal_mac_tx_errors\":%" PRIu32
                   ",\"eth_carrier_sense_errors\":%" PRIu32 ",\"eth_frame_too_longs\":%" PRIu32
                   ",\"eth_internal_mac_rx_errors\":%" PRIu32 ",\"eth_symbol_errors\":%" PRIu32,
                   c->eth_alignment_errors, c->eth_fcs_errors, c->eth_single_collisions,
                   c->eth_multiple_collisions, c->eth_sqe_errors, c->eth_deferred,
                   c->eth_late_collisions, c->eth_excessive_collisions,
                   c->eth_internal_mac_tx_errors, c->eth_carrier_sense_errors,
                   c->eth_frame_too_longs, c->eth_internal_mac_rx_errors, c->eth_symbol_errors);
        }
        if (c->has_processor) {
            printf(",\"cpu_5s\":%" PRIu32 ",\"cpu_1m\":%" PRIu32 ",\"cpu_5m\":%" PRIu32
                   ",\"mem_total\":%" PRIu64 ",\"mem_free\":%" PRIu64,
                   c->cpu_5s_pct_x100, c->cpu_1m_pct_x100, c->cpu_5m_pct_x100,
                   c->mem_total_bytes, c->mem_free_bytes);
        }
        return;
    }
    if (HAS(f, FRAME_LEN)) printf(",\"frame_len\":%" PRIu32, f->frame_len);
    printf(",\"bytes\":%" PRIu64 ",\"packets\":%" PRIu64 ",\"raw_bytes\":%" PRIu64
           ",\"raw_packets\":%" PRIu64, f->bytes, f->packets, f->raw_bytes, f->raw_packets);
    if (HAS(f, SRC_ADDR)) print_addr("src", &f->src);
    if (HAS(f, DST_ADDR)) print_addr("dst", &f->dst);
    if (HAS(f, IP_VERSION)) printf(",\"ip_version\":%u", f->ip_version);
    if (HAS(f, IP_PROTO)) printf(",\"proto\":%u", f->ip_proto);
    if (HAS(f, SRC_PORT)) printf(",\"sport\":%u,\"dport\":%u", f->src_port, f->dst_port);
    if (HAS(f, TCP_FLAGS)) printf(",\"tcp_flags\":%u", f->tcp_flags);
    if (HAS(f, ICMP)) printf(",\"icmp_type\":%u,\"icmp_code\":%u", f->icmp_type, f->icmp_code);
    if (HAS(f, TOS)) printf(",\"tos\":%u", f->tos);
    if (HAS(f, TTL)) printf(",\"ttl\":%u", f->ttl);
    if (HAS(f, FLOW_LABEL)) printf(",\"flow_label\":%" PRIu32, f->flow_label);
    if (HAS(f, FRAGMENT)) printf(",\"fragment\":%u", f->fragment);
    if (HAS(f, ETHERTYPE)) printf(",\"ethertype\":%u", f->ethertype);
    if (HAS(f, SRC_MAC)) {
        printf(",\"src_mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"", f->src_mac[0], f->src_mac[1],
               f->src_mac[2], f->src_mac[3], f->src_mac[4], f->src_mac[5]);
        printf(",\"dst_mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\"", f->dst_mac[0], f->dst_mac[1],
               f->dst_mac[2], f->dst_mac[3], f->dst_mac[4], f->dst_mac[5]);
    }
    if (HAS(f, SRC_VLAN)) printf(",\"src_vlan\":%u", f->src_vlan);
    if (HAS(f, DST_VLAN)) printf(",\"dst_vlan\":%u", f->dst_vlan);
    if (HAS(f, MPLS)) {
        printf(",\"mpls\":[");
        for (unsigned i = 0; i < f->mpls_depth; i++) {
            printf("%s%" PRIu32, i ? "," : "", f->mpls[i] >> 4);
        }
        printf("]");
    }
    if (HAS(f, NEXT_HOP)) print_addr("next_hop", &f->next_hop);
    if (HAS(f, SRC_MASK)) printf(",\"src_mask\":%u,\"dst_mask\":%u", f->src_mask, f->dst_mask);
    if (HAS(f, BGP_NEXT_HOP)) print_addr("bgp_next_hop", &f->bgp_next_hop);
    if (HAS(f, SRC_AS)) printf(",\"src_as\":%" PRIu32, f->src_as);
    if (HAS(f, DST_AS)) printf(",\"dst_as\":%" PRIu32, f->dst_as);
    for (unsigned i = 0; i < s->extra.n; i++) {
        const struct fdx_extra_ie *ie = &s->extra.ie[i];
        printf(",\"x_%" PRIu32 "_%u\":\"", ie->pen, ie->id);
        for (unsigned j = 0; j < ie->len; j++) {
            printf("%02x", s->extra.data[ie->off + j]);
        }
        printf("\"");
    }
}

static void drain(struct dump *d)
{
    for (uint32_t i = 0; i < d->batch->n; i++) {
        const struct fdx_slot *s = &d->batch->slot[i];
        char ex[FDX_ADDR_STRLEN];
        fdx_addr_format(&s->flow.exporter, ex);
        printf("{\"frame\":%d,\"exporter\":\"%s\",\"kind\":\"%s\"", d->frame, ex,
               s->flow.kind == FDX_KIND_COUNTERS ? "counters" : "flow");
        print_flow(s);
        printf("}\n");
    }
    d->batch->n = 0;
}

/* Finds the UDP payload of an Ethernet (or Linux SLL / raw IP) frame; NULL when none. */
static const uint8_t *udp_payload(int dlt, const uint8_t *p, size_t len, size_t *out_len,
                                  struct fdx_addr *src, uint16_t *sport)
{
    struct fdx_rd rd;
    fdx_rd_init(&rd, p, len);
    uint16_t type = 0x0800;
    if (dlt == DLT_EN10MB) {
        fdx_rd_skip(&rd, 12);
        type = fdx_rd_u16(&rd);
        while (type == 0x8100 && !rd.err) {
            fdx_rd_skip(&rd, 2);
            type = fdx_rd_u16(&rd);
        }
    } else if (dlt == DLT_LINUX_SLL) {
        fdx_rd_skip(&rd, 14);
        type = fdx_rd_u16(&rd);
    } else if (dlt == DLT_RAW || dlt == DLT_IPV4) {
        type = (rd.p < rd.end && (rd.p[0] >> 4) == 6) ? 0x86dd : 0x0800;
    }
    uint8_t proto;
    if (type == 0x0800) {
        uint8_t vihl = fdx_rd_u8(&rd);
        fdx_rd_skip(&rd, 8);
        proto = fdx_rd_u8(&rd);
        fdx_rd_skip(&rd, 2);
        uint8_t a[4];
        fdx_rd_bytes(&rd, a, 4);
        fdx_addr_set_v4(src, a);
        fdx_rd_skip(&rd, 4 + (size_t)((vihl & 15) * 4 - 20));
    } else if (type == 0x86dd) {
        fdx_rd_skip(&rd, 6);
        proto = fdx_rd_u8(&rd);
        fdx_rd_skip(&rd, 1);
        uint8_t a[16];
        fdx_rd_bytes(&rd, a, 16);
        fdx_addr_set_v6(src, a);
        fdx_rd_skip(&rd, 16);
    } else {
        return NULL;
    }
    if (proto != 17) {
        return NULL;
    }
    *sport = fdx_rd_u16(&rd);
    fdx_rd_skip(&rd, 2);
    uint16_t ulen = fdx_rd_u16(&rd);
    fdx_rd_skip(&rd, 2);
    if (rd.err || ulen < 8) {
        return NULL;
    }
    size_t n = ulen - 8u < fdx_rd_left(&rd) ? ulen - 8u : fdx_rd_left(&rd);
    *out_len = n;
    return rd.p;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CAPTURE.pcap\n", argv[0]);
        return 2;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *pc = pcap_open_offline(argv[1], errbuf);
    if (pc == NULL) {
        fprintf(stderr, "%s\n", errbuf);
        return 2;
    }
    struct fdx_decode_cfg cfg;
    fdx_decode_cfg_defaults(&cfg);
    struct fdx_counters *counters = calloc(1, sizeof(*counters));
    struct dump d = {.batch = fdx_batch_new(DUMP_BATCH_CAP)};
    struct fdx_decode_ctx ctx;
    if (counters == NULL || d.batch == NULL || fdx_decode_ctx_init(&ctx, &cfg, counters) != 0) {
        return 2;
    }
    ctx.sink = (struct fdx_sink){.batch = d.batch, .swap = swap_full, .owner = &d};
    int dlt = pcap_datalink(pc);
    struct pcap_pkthdr *ph;
    const u_char *pkt;
    while (pcap_next_ex(pc, &ph, &pkt) == 1) {
        d.frame++;
        struct fdx_datagram dg = {0};
        dg.data = udp_payload(dlt, pkt, ph->caplen, &dg.len, &dg.exporter, &dg.exporter_port);
        if (dg.data == NULL || fdx_dispatch_detect(dg.data, dg.len) != FDX_PROTO_SFLOW5) {
            continue;
        }
        dg.recv_ms = (int64_t)ph->ts.tv_sec * 1000 + ph->ts.tv_usec / 1000;
        ctx.now_ms = dg.recv_ms;
        ctx.sink.batch = d.batch;
        fdx_dispatch_datagram(&ctx, &dg);
        drain(&d);
    }
    struct fdx_counter_totals t = {0};
    fdx_counters_sum(&t, counters);
    printf("{\"summary\":true,\"datagrams\":%" PRIu64 ",\"records\":%" PRIu64
           ",\"seq_lost\":%" PRIu64, t.datagrams[FDX_PROTO_SFLOW5], t.records[FDX_PROTO_SFLOW5],
           t.seq_lost);
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        if (t.dgram_drop[i] || t.record_drop[i]) {
            printf(",\"drop_%s\":[%" PRIu64 ",%" PRIu64 "]", fdx_drop_label[i], t.dgram_drop[i],
                   t.record_drop[i]);
        }
    }
    printf("}\n");
    fdx_decode_ctx_fini(&ctx);
    fdx_batch_free(d.batch);
    free(counters);
    pcap_close(pc);
    return 0;
}
