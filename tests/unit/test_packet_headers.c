/* Packet-header parser: Ethernet/VLAN/QinQ/MPLS/IPv4 options/IPv6 extension headers/L4,
 * fragments, depth limits, truncation at every length. */
#include <stdlib.h>

#include "check.h"
#include "packet_headers.h"
#include "sflow_gen.h"

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0b};
static const uint8_t V6_A[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t V6_B[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};

static void test_ipv4_options_tcp(void)
{
    struct sg g;
    sg_init(&g);
    sg_eth(&g, MAC_A, MAC_B);
    sg_u16(&g, 0x0800);
    sg_ipv4(&g, 7, 0x28, 1500, 0x4000, 61, 6, 0xc0000201, 0xc6336401);
    sg_tcp(&g, 443, 50000, 0x12);
    struct fdx_pkthdr h;
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_ETHERNET), FDX_DROP_NONE);
    CHECK_EQ_U64(h.ip_version, 4);
    CHECK_EQ_U64(h.ip_proto, 6);
    CHECK_EQ_U64(h.tos, 0x28);
    CHECK_EQ_U64(h.ttl, 61);
    CHECK_EQ_U64(h.ip_len, 1500);
    CHECK_EQ_U64(h.src_port, 443);
    CHECK_EQ_U64(h.dst_port, 50000);
    CHECK_EQ_U64(h.tcp_flags, 0x12);
    CHECK_EQ_U64(h.ethertype, 0x0800);
    CHECK_MEM_EQ(h.dst_mac, MAC_A, 6);
    CHECK_MEM_EQ(h.src_mac, MAC_B, 6);
    CHECK_TRUE(!(h.layers & FDX_PKTHDR_L_FRAG)); /* DF alone is not a fragment */

    struct fdx_flow f = {0};
    fdx_pkthdr_to_flow(&h, &f);
    CHECK_TRUE(fdx_flow_has(&f, FDX_F_SRC_ADDR) && fdx_flow_has(&f, FDX_F_TCP_FLAGS));
    CHECK_TRUE(!fdx_flow_has(&f, FDX_F_FLOW_LABEL) && !fdx_flow_has(&f, FDX_F_SRC_VLAN));
    uint8_t want[4] = {192, 0, 2, 1};
    CHECK_MEM_EQ(f.src.b + 12, want, 4);
    CHECK_EQ_U64(f.src_port, 443);
}

/* QinQ (802.1ad + 802.1Q), two MPLS labels, IPv6 with hop-by-hop, routing and a first
 * fragment header, then UDP. */
static size_t build_deep(struct sg *g, uint16_t frag_word)
{
    sg_init(g);
    sg_eth(g, MAC_A, MAC_B);
    sg_vlan(g, 0x88a8, 5, 100);
    sg_vlan(g, 0x8100, 3, 200);
    sg_u16(g, 0x8847);
    sg_mpls(g, 16001, 0, 0, 64);
    sg_mpls(g, 24, 5, 1, 63);
    sg_ipv6(g, 0xb8, 0x12345, 100, 0, 57, V6_A, V6_B);
    /* hop-by-hop: next routing, 8 bytes */
    sg_u8(g, 43);
    sg_u8(g, 0);
    sg_u8(g, 1);
    sg_u8(g, 4);
    sg_u32(g, 0);
    /* routing: next fragment, 24 bytes */
    sg_u8(g, 44);
    sg_u8(g, 2);
    sg_u8(g, 4);
    sg_u8(g, 0);
    sg_u32(g, 0);
    sg_bytes(g, V6_A, 16);
    /* fragment: next UDP */
    sg_u8(g, 17);
    sg_u8(g, 0);
    sg_u16(g, frag_word);
    sg_u32(g, 0xabcdef01);
    sg_udp(g, 5353, 53);
    return g->len;
}

static void test_qinq_mpls_ipv6_ext(void)
{
    struct sg g;
    build_deep(&g, 0x0001); /* offset 0, M set */
    struct fdx_pkthdr h;
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_ETHERNET), FDX_DROP_NONE);
    CHECK_EQ_U64(h.vlan_count, 2);
    CHECK_EQ_U64(h.vlan[0], 100);
    CHECK_EQ_U64(h.vlan_pcp[0], 5);
    CHECK_EQ_U64(h.vlan[1], 200);
    CHECK_EQ_U64(h.ethertype, 0x8847);
    CHECK_EQ_U64(h.mpls_depth, 2);
    CHECK_EQ_U64(h.mpls[0] >> 4, 16001);
    CHECK_EQ_U64(h.mpls[1] >> 4, 24);
    CHECK_EQ_U64((h.mpls[1] >> 1) & 7, 5);
    CHECK_EQ_U64(h.mpls[1] & 1, 1);
    CHECK_EQ_U64(h.ip_version, 6);
    CHECK_EQ_U64(h.tos, 0xb8);
    CHECK_EQ_U64(h.flow_label, 0x12345);
    CHECK_EQ_U64(h.ttl, 57);
    CHECK_EQ_U64(h.ext_count, 3);
    CHECK_EQ_U64(h.ip_proto, 17);
    CHECK_EQ_U64(h.fragment, 0x2000); /* MF, offset 0 */
    CHECK_EQ_U64(h.frag_id, 0xabcdef01);
    CHECK_EQ_U64(h.src_port, 5353);
    CHECK_EQ_U64(h.dst_port, 53);
    CHECK_MEM_EQ(h.src.b, V6_A, 16);

    struct fdx_flow f = {0};
    fdx_pkthdr_to_flow(&h, &f);
    CHECK_EQ_U64(f.src_vlan, 100); /* outermost tag */
    CHECK_EQ_U64(f.mpls_depth, 2);
    CHECK_EQ_U64(f.flow_label, 0x12345);
    CHECK_EQ_U64(f.fragment, 0x2000);
    CHECK_TRUE(fdx_flow_has(&f, FDX_F_MPLS) && fdx_flow_has(&f, FDX_F_FRAGMENT));

    /* A later fragment (offset 185 x 8 bytes) carries no ports. */
    build_deep(&g, (uint16_t)(185 << 3));
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_ETHERNET), FDX_DROP_NONE);
    CHECK_EQ_U64(h.fragment, 185);
    CHECK_TRUE(!(h.layers & FDX_PKTHDR_L_PORTS));
    CHECK_EQ_U64(h.ip_proto, 17);
}

static void test_ipv4_later_fragment_and_icmp(void)
{
    struct sg g;
    sg_init(&g);
    sg_ipv4(&g, 5, 0, 576, 0x2000 | 100, 64, 17, 1, 2);
    sg_udp(&g, 1, 2);
    struct fdx_pkthdr h;
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_IPV4), FDX_DROP_NONE);
    CHECK_EQ_U64(h.fragment, 0x2000 | 100);
    CHECK_TRUE(!(h.layers & FDX_PKTHDR_L_PORTS));

    sg_init(&g);
    sg_ipv6(&g, 0, 0, 8, 58, 255, V6_A, V6_B);
    sg_u8(&g, 135);
    sg_u8(&g, 0);
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_IPV6), FDX_DROP_NONE);
    CHECK_EQ_U64(h.icmp_type, 135);
    CHECK_EQ_U64(h.icmp_code, 0);
    CHECK_TRUE(h.layers & FDX_PKTHDR_L_ICMP);
}

static void test_limits(void)
{
    struct sg g;
    sg_init(&g);
    sg_eth(&g, MAC_A, MAC_B);
    for (int i = 0; i < FDX_PKTHDR_VLAN_MAX + 1; i++) {
        sg_vlan(&g, 0x8100, 0, (uint16_t)(10 + i));
    }
    sg_u16(&g, 0x0800);
    struct fdx_pkthdr h;
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_ETHERNET),
                 FDX_DROP_LIMIT_EXCEEDED);
    CHECK_EQ_U64(h.vlan_count, FDX_PKTHDR_VLAN_MAX);

    sg_init(&g);
    for (int i = 0; i < FDX_MPLS_MAX + 1; i++) {
        sg_mpls(&g, (uint32_t)(100 + i), 0, 0, 64);
    }
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_MPLS), FDX_DROP_LIMIT_EXCEEDED);
    CHECK_EQ_U64(h.mpls_depth, FDX_MPLS_MAX);

    sg_init(&g);
    sg_ipv6(&g, 0, 0, 200, 60, 64, V6_A, V6_B);
    for (int i = 0; i < FDX_PKTHDR_EXT_MAX + 1; i++) {
        sg_u8(&g, 60);
        sg_u8(&g, 0);
        sg_u16(&g, 0);
        sg_u32(&g, 0);
    }
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_IPV6), FDX_DROP_LIMIT_EXCEEDED);
    CHECK_EQ_U64(h.ext_count, FDX_PKTHDR_EXT_MAX);
    CHECK_TRUE(!(h.layers & FDX_PKTHDR_L_PORTS));
}

static void test_llc_frame(void)
{
    struct sg g;
    sg_init(&g);
    sg_eth(&g, MAC_A, MAC_B);
    sg_u16(&g, 46); /* 802.3 length */
    sg_u32(&g, 0xaaaa0300);
    struct fdx_pkthdr h;
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_ETHERNET), FDX_DROP_NONE);
    CHECK_EQ_U64(h.layers, FDX_PKTHDR_L_ETH);
    struct fdx_flow f = {0};
    fdx_pkthdr_to_flow(&h, &f);
    CHECK_TRUE(fdx_flow_has(&f, FDX_F_SRC_MAC) && !fdx_flow_has(&f, FDX_F_ETHERTYPE));
}

static void test_bad_ipv4_ihl(void)
{
    struct sg g;
    sg_init(&g);
    sg_ipv4(&g, 5, 0, 40, 0, 64, 6, 1, 2);
    g.b[0] = 0x43; /* IHL 3 words: impossible */
    struct fdx_pkthdr h;
    CHECK_EQ_U64(fdx_pkthdr_parse(&h, g.b, g.len, FDX_PKTHDR_IPV4), FDX_DROP_BAD_LENGTH);
    CHECK_TRUE(!(h.layers & FDX_PKTHDR_L_IP));
}

/* Cut the deep header at every length: never a read past the end, TRUNCATED for every cut,
 * and the layers complete at a cut are a subset of those of the whole header. */
static void test_truncate_every_length(void)
{
    struct sg g;
    size_t full = build_deep(&g, 0x0001);
    struct fdx_pkthdr whole, h;
    fdx_pkthdr_parse(&whole, g.b, full, FDX_PKTHDR_ETHERNET);
    unsigned ports_seen = 0;
    for (size_t n = 0; n < full; n++) {
        uint8_t *heap = malloc(n ? n : 1); /* exactly n bytes, so ASan sees any overread */
        memcpy(heap, g.b, n);
        uint8_t stop = fdx_pkthdr_parse(&h, heap, n, FDX_PKTHDR_ETHERNET);
        free(heap);
        if (n < full - 4) {
            CHECK_EQ_U64(stop, FDX_DROP_TRUNCATED);
        }
        CHECK_EQ_U64(h.layers & ~whole.layers, 0);
        ports_seen += (h.layers & FDX_PKTHDR_L_PORTS) != 0;
    }
    CHECK_EQ_U64(ports_seen, 4); /* ports complete once 4 bytes of UDP are there */
}

TEST_LIST{
    {"ipv4_options_tcp", test_ipv4_options_tcp},
    {"qinq_mpls_ipv6_ext", test_qinq_mpls_ipv6_ext},
    {"ipv4_later_fragment_and_icmp", test_ipv4_later_fragment_and_icmp},
    {"limits", test_limits},
    {"llc_frame", test_llc_frame},
    {"bad_ipv4_ihl", test_bad_ipv4_ihl},
    {"truncate_every_length", test_truncate_every_length},
};

CHECK_MAIN()
