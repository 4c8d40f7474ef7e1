/* Prints docs/ipfix-elements.md from the IE registry (decoders/ie_registry.c), or with
 * --check FILE exits non-zero when FILE differs from what it would print (a ctest keeps the
 * document in step with the table). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ie_registry.h"

static const char *const target_field[FDX_T__COUNT] = {
    [FDX_T_BYTES] = "bytes (raw_bytes as sent)",
    [FDX_T_PACKETS] = "packets (raw_packets as sent)",
    [FDX_T_BYTES_TOTAL] = "bytes, when no octetDeltaCount",
    [FDX_T_PACKETS_TOTAL] = "packets, when no packetDeltaCount",
    [FDX_T_REV_BYTES] = "rev_bytes",
    [FDX_T_REV_PACKETS] = "rev_packets",
    [FDX_T_PROTO] = "ip_proto",
    [FDX_T_TOS] = "tos",
    [FDX_T_TCP_FLAGS] = "tcp_flags (low 8 bits)",
    [FDX_T_SRC_PORT] = "src_port",
    [FDX_T_DST_PORT] = "dst_port",
    [FDX_T_SRC_ADDR] = "src",
    [FDX_T_DST_ADDR] = "dst",
    [FDX_T_SRC_MASK] = "src_mask",
    [FDX_T_DST_MASK] = "dst_mask",
    [FDX_T_IN_IF] = "in_if",
    [FDX_T_OUT_IF] = "out_if",
    [FDX_T_NEXT_HOP] = "next_hop",
    [FDX_T_BGP_NEXT_HOP] = "bgp_next_hop",
    [FDX_T_SRC_AS] = "src_as",
    [FDX_T_DST_AS] = "dst_as",
    [FDX_T_ICMP_TYPECODE] = "icmp_type, icmp_code",
    [FDX_T_ICMP_TYPE] = "icmp_type",
    [FDX_T_ICMP_CODE] = "icmp_code",
    [FDX_T_FLOW_LABEL] = "flow_label",
    [FDX_T_SRC_MAC] = "src_mac",
    [FDX_T_DST_MAC] = "dst_mac",
    [FDX_T_SRC_VLAN] = "src_vlan",
    [FDX_T_DST_VLAN] = "dst_vlan",
    [FDX_T_IP_VERSION] = "ip_version",
    [FDX_T_DIRECTION] = "direction",
    [FDX_T_MPLS] = "mpls[] (label stack entry)",
    [FDX_T_END_REASON] = "end_reason",
    [FDX_T_FLOW_ID] = "flow_id",
    [FDX_T_ENGINE_TYPE] = "engine_type",
    [FDX_T_ENGINE_ID] = "engine_id",
    [FDX_T_TTL] = "ttl",
    [FDX_T_FRAGMENT] = "fragment",
    [FDX_T_ETHERTYPE] = "ethertype",
    [FDX_T_FRAME_LEN] = "frame_len",
    [FDX_T_POST_NAT_SRC] = "post_nat_src",
    [FDX_T_POST_NAT_DST] = "post_nat_dst",
    [FDX_T_POST_NAT_SRC_PORT] = "post_nat_src_port",
    [FDX_T_POST_NAT_DST_PORT] = "post_nat_dst_port",
    [FDX_T_FW_EVENT] = "fw_event",
    [FDX_T_SAMPLER_ID] = "sampler_id",
    [FDX_T_SAMPLING_INTERVAL] = "sampling_rate",
    [FDX_T_SAMPLING_PKT_INTERVAL] = "sampling_rate = (interval + space) / interval",
    [FDX_T_SAMPLING_PKT_SPACE] = "sampling_rate (with samplingPacketInterval)",
    [FDX_T_SAMPLING_SIZE] = "sampling_rate = population / size",
    [FDX_T_SAMPLING_POPULATION] = "sampling_rate (with samplingSize)",
    [FDX_T_SAMPLING_PROBABILITY] = "sampling_rate = 1 / probability",
    [FDX_T_START_UPTIME] = "start_ms",
    [FDX_T_END_UPTIME] = "end_ms",
    [FDX_T_START_S] = "start_ms",
    [FDX_T_END_S] = "end_ms",
    [FDX_T_START_MS] = "start_ms",
    [FDX_T_END_MS] = "end_ms",
    [FDX_T_START_US] = "start_ms",
    [FDX_T_END_US] = "end_ms",
    [FDX_T_START_NS] = "start_ms",
    [FDX_T_END_NS] = "end_ms",
    [FDX_T_START_DELTA_US] = "start_ms",
    [FDX_T_END_DELTA_US] = "end_ms",
    [FDX_T_SYS_INIT_MS] = "anchors flowStart/EndSysUpTime (also learnt from options data)",
};

static const char *const type_name[] = {
    [FDX_IE_OCTETS] = "octets (hex)",  [FDX_IE_UNSIGNED] = "unsigned", [FDX_IE_SIGNED] = "signed",
    [FDX_IE_FLOAT] = "float",          [FDX_IE_BOOL] = "boolean",      [FDX_IE_MAC] = "MAC",
    [FDX_IE_STRING] = "string",        [FDX_IE_TIME_S] = "time (s)",   [FDX_IE_TIME_MS] = "time (ms)",
    [FDX_IE_TIME_US] = "time (µs, NTP)", [FDX_IE_TIME_NS] = "time (ns, NTP)",
    [FDX_IE_IPV4] = "IPv4",            [FDX_IE_IPV6] = "IPv6",         [FDX_IE_LIST] = "list (hex)",
};

static void print_doc(FILE *out)
{
    fputs("# IPFIX and NetFlow v9 information elements\n\n"
          "Every element a NetFlow v9 or IPFIX exporter sends lands either in a fixed field of\n"
          "the flow record (the document names of those fields are in docs/fields.md) or in the\n"
          "record's extra area, written in documents as `netflow.<name>`: the IANA name in\n"
          "snake_case, with its IANA type (integers as numbers, addresses and MACs as text,\n"
          "strings as strings, times as RFC 3339 text, anything else as hex).\n\n"
          "- RFC 5103 reverse elements (enterprise 29305) are `netflow.reverse_<name>`; the\n"
          "  reverse octet and packet delta counts fill `rev_bytes`/`rev_packets`.\n"
          "- Other enterprise elements are `netflow.pen<enterprise>_<id>` (hex), unknown IANA\n"
          "  ids `netflow.ie<id>`.\n"
          "- NetFlow v9 options scope fields are `netflow.scope_system`, `scope_interface`,\n"
          "  `scope_line_card`, `scope_cache`, `scope_template`.\n"
          "- Cisco ASA (NSEL) v9 ids: 33000 `ingress_acl_id`, 33001 `egress_acl_id`, 33002\n"
          "  `fw_ext_event`, 40000 `username`; 40001..40004 fill the post-NAT address and port\n"
          "  fields, 40005 `fw_event`.\n"
          "- An element repeated in one template fills its field once (first occurrence); the\n"
          "  repeats are kept in the extra area. `paddingOctets` (210) is skipped.\n"
          "- A field whose length does not fit its slot (an address that is not 4 or 16 bytes,\n"
          "  an integer longer than 8 bytes, any variable-length field) is kept in the extra\n"
          "  area instead.\n\n"
          "This file is generated by `tests/tools/ie_docs` from decoders/ie_registry.c and\n"
          "decoders/ie_registry_table.inc; a test fails when they drift apart.\n\n"
          "| id | IANA name | type | lands in |\n"
          "|---:|---|---|---|\n",
          out);
    for (unsigned i = 0; i < fdx_ie_count(); i++) {
        const struct fdx_ie_info *e = fdx_ie_at(i);
        enum fdx_ie_target t = fdx_ie_target(0, e->id, 0);
        char dest[128];
        if (t == FDX_T_SKIP) {
            snprintf(dest, sizeof(dest), "skipped (padding)");
        } else if (t != FDX_T_NONE && target_field[t] != NULL) {
            snprintf(dest, sizeof(dest), "record: %s", target_field[t]);
        } else {
            snprintf(dest, sizeof(dest), "`netflow.%s`", e->snake);
        }
        fprintf(out, "| %u | %s | %s | %s |\n", e->id, e->name, type_name[e->type], dest);
    }
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--check") == 0) {
        char *want = NULL, *got = NULL;
        size_t want_len = 0, got_len = 0;
        FILE *m = open_memstream(&want, &want_len);
        print_doc(m);
        fclose(m);
        FILE *f = fopen(argv[2], "rb");
        if (f == NULL) {
            perror(argv[2]);
            return 1;
        }
        m = open_memstream(&got, &got_len);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
            fwrite(buf, 1, n, m);
        }
        fclose(f);
        fclose(m);
        int same = want_len == got_len && memcmp(want, got, want_len) == 0;
        if (!same) {
            fprintf(stderr, "%s is out of date: regenerate it with ie_docs > %s\n", argv[2],
                    argv[2]);
        }
        printf("%d passed, %d failed\n", same, !same);
        free(want);
        free(got);
        return same ? 0 : 1;
    }
    print_doc(stdout);
    return 0;
}
