/* UDP payload extraction from captured frames: every supported link type, VLAN tags, IPv4
 * options, IPv6 extension headers, and the packets that must be skipped. */
#include <pcap/pcap.h>

#include "check.h"
#include "capture.h"
#include "pktgen.h"

static struct fdx_pktgen p;
static const uint8_t payload[5] = {0, 5, 0, 1, 0xaa};

static void ipv4_udp(uint16_t frag, uint8_t proto, uint8_t ihl_words)
{
    size_t opt = (size_t)(ihl_words - 5) * 4;
    fdx_pktgen_u8(&p, (uint8_t)(0x40 | ihl_words));
    fdx_pktgen_u8(&p, 0);
    fdx_pktgen_u16(&p, (uint16_t)(20 + opt + 8 + sizeof(payload)));
    fdx_pktgen_u16(&p, 1);
    fdx_pktgen_u16(&p, frag);
    fdx_pktgen_u8(&p, 64);
    fdx_pktgen_u8(&p, proto);
    fdx_pktgen_u16(&p, 0);
    fdx_pktgen_u32(&p, FDX_PKTGEN_V4(192, 0, 2, 9));
    fdx_pktgen_u32(&p, FDX_PKTGEN_V4(198, 51, 100, 1));
    fdx_pktgen_zeros(&p, opt);
    fdx_pktgen_u16(&p, 40000);
    fdx_pktgen_u16(&p, 2055);
    fdx_pktgen_u16(&p, (uint16_t)(8 + sizeof(payload)));
    fdx_pktgen_u16(&p, 0);
    fdx_pktgen_bytes(&p, payload, sizeof(payload));
}

static void ipv6_udp(bool hop_by_hop, uint8_t first_next)
{
    size_t ext = hop_by_hop ? 8 : 0;
    fdx_pktgen_u32(&p, 0x60000000);
    fdx_pktgen_u16(&p, (uint16_t)(ext + 8 + sizeof(payload)));
    fdx_pktgen_u8(&p, hop_by_hop ? 0 : first_next);
    fdx_pktgen_u8(&p, 64);
    static const uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01};
    static const uint8_t dst[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x02};
    fdx_pktgen_bytes(&p, src, 16);
    fdx_pktgen_bytes(&p, dst, 16);
    if (hop_by_hop) {
        fdx_pktgen_u8(&p, first_next);
        fdx_pktgen_u8(&p, 0); /* 8 bytes in all */
        fdx_pktgen_zeros(&p, 6);
    }
    fdx_pktgen_u16(&p, 6343);
    fdx_pktgen_u16(&p, 6343);
    fdx_pktgen_u16(&p, (uint16_t)(8 + sizeof(payload)));
    fdx_pktgen_u16(&p, 0);
    fdx_pktgen_bytes(&p, payload, sizeof(payload));
}

static void ethernet(uint16_t type)
{
    fdx_pktgen_zeros(&p, 12);
    fdx_pktgen_u16(&p, type);
}

static void expect_payload(int dlt, const char *src, uint16_t sport)
{
    struct fdx_capture_pkt u;
    CHECK_EQ_U64(fdx_capture_udp(dlt, p.buf, p.len, &u), FDX_CAPTURE_OK);
    CHECK_EQ_U64(u.len, sizeof(payload));
    if (u.len == sizeof(payload)) {
        CHECK_MEM_EQ(u.payload, payload, sizeof(payload));
    }
    char a[FDX_ADDR_STRLEN];
    fdx_addr_format(&u.src, a);
    CHECK_EQ_STR(a, src);
    CHECK_EQ_U64(u.sport, sport);
}

static void expect_skip(int dlt, enum fdx_capture_skip why)
{
    struct fdx_capture_pkt u;
    CHECK_EQ_U64(fdx_capture_udp(dlt, p.buf, p.len, &u), why);
}

static void test_link_types(void)
{
    fdx_pktgen_init(&p);
    ethernet(0x0800);
    ipv4_udp(0x4000, 17, 5); /* DF set: not a fragment */
    expect_payload(DLT_EN10MB, "192.0.2.9", 40000);

    fdx_pktgen_init(&p);
    ethernet(0x88a8); /* 802.1ad outer tag, 802.1Q inner tag */
    fdx_pktgen_u16(&p, 100);
    fdx_pktgen_u16(&p, 0x8100);
    fdx_pktgen_u16(&p, 200);
    fdx_pktgen_u16(&p, 0x0800);
    ipv4_udp(0, 17, 7); /* with 8 bytes of IP options */
    expect_payload(DLT_EN10MB, "192.0.2.9", 40000);

    fdx_pktgen_init(&p);
    fdx_pktgen_zeros(&p, 14); /* Linux cooked v1 */
    fdx_pktgen_u16(&p, 0x86dd);
    ipv6_udp(true, 17);
    expect_payload(DLT_LINUX_SLL, "2001:db8::1", 6343);

    fdx_pktgen_init(&p);
    fdx_pktgen_u16(&p, 0x0800); /* Linux cooked v2: protocol first */
    fdx_pktgen_zeros(&p, 18);
    ipv4_udp(0, 17, 5);
    expect_payload(DLT_LINUX_SLL2, "192.0.2.9", 40000);

    fdx_pktgen_init(&p);
    fdx_pktgen_u32(&p, 0x02000000); /* BSD null: AF_INET in little-endian */
    ipv4_udp(0, 17, 5);
    expect_payload(DLT_NULL, "192.0.2.9", 40000);

    fdx_pktgen_init(&p);
    ipv6_udp(false, 17);
    expect_payload(DLT_RAW, "2001:db8::1", 6343);
}

static void test_skipped(void)
{
    fdx_pktgen_init(&p);
    ethernet(0x0806); /* ARP */
    fdx_pktgen_zeros(&p, 28);
    expect_skip(DLT_EN10MB, FDX_CAPTURE_SKIP_LINKTYPE);

    fdx_pktgen_init(&p);
    ethernet(0x0800);
    ipv4_udp(0, 6, 5); /* TCP */
    expect_skip(DLT_EN10MB, FDX_CAPTURE_SKIP_NOT_UDP);

    fdx_pktgen_init(&p);
    ethernet(0x0800);
    ipv4_udp(0x2000, 17, 5); /* more fragments */
    expect_skip(DLT_EN10MB, FDX_CAPTURE_SKIP_FRAGMENT);

    fdx_pktgen_init(&p);
    ethernet(0x0800);
    ipv4_udp(0x0010, 17, 5); /* non-zero offset */
    expect_skip(DLT_EN10MB, FDX_CAPTURE_SKIP_FRAGMENT);

    fdx_pktgen_init(&p);
    ipv6_udp(false, 44); /* IPv6 fragment header */
    expect_skip(DLT_RAW, FDX_CAPTURE_SKIP_FRAGMENT);

    /* Snap length cut the datagram: every shorter capture of a good frame is skipped. */
    fdx_pktgen_init(&p);
    ethernet(0x0800);
    ipv4_udp(0, 17, 5);
    size_t full = p.len;
    for (size_t len = 0; len < full; len++) {
        p.len = len;
        struct fdx_capture_pkt u;
        enum fdx_capture_skip why = fdx_capture_udp(DLT_EN10MB, p.buf, p.len, &u);
        CHECK_TRUE(why == FDX_CAPTURE_SKIP_TRUNCATED);
    }
    expect_skip(DLT_IEEE802_11, FDX_CAPTURE_SKIP_LINKTYPE);
}

TEST_LIST{
    {"link_types", test_link_types},
    {"skipped", test_skipped},
};

CHECK_MAIN()
