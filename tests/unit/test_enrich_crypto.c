/* SHA-1 (FIPS 180 examples), AES-128 (FIPS 197 appendix C.1), Crypto-PAn (the sample trace
 * of the original implementation) and Community ID v1 (the community-id-spec baseline). */
#include <stdio.h>
#include <string.h>

#include "aes128.h"
#include "check.h"
#include "community_id.h"
#include "cryptopan.h"
#include "sha1.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        sprintf(out + 2 * i, "%02x", p[i]);
    }
}

static bool hw; /* this pass uses the SHA extensions */

static void sha1_hex(const void *data, size_t len, char out[41])
{
    struct fdx_sha1 s;
    uint8_t d[20];
    fdx_sha1_init(&s, hw);
    fdx_sha1_update(&s, data, len);
    fdx_sha1_final(&s, d);
    hex(d, 20, out);
}

static void test_sha1_vectors(void)
{
    char out[41];
    sha1_hex("abc", 3, out);
    CHECK_EQ_STR(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1_hex("", 0, out);
    CHECK_EQ_STR(out, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha1_hex(m, strlen(m), out);
    CHECK_EQ_STR(out, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    /* One million 'a', fed in uneven pieces to exercise the block buffering. */
    struct fdx_sha1 s;
    uint8_t d[20], chunk[997];
    memset(chunk, 'a', sizeof(chunk));
    fdx_sha1_init(&s, hw);
    size_t left = 1000000;
    while (left > 0) {
        size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
        fdx_sha1_update(&s, chunk, n);
        left -= n;
    }
    fdx_sha1_final(&s, d);
    hex(d, 20, out);
    CHECK_EQ_STR(out, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void test_aes128_fips197(void)
{
    uint8_t key[16], pt[16], ct[16];
    for (unsigned i = 0; i < 16; i++) {
        key[i] = (uint8_t)i;
        pt[i] = (uint8_t)(i * 0x11);
    }
    struct fdx_aes128 a;
    fdx_aes128_init(&a, key);
    fdx_aes128_encrypt(&a, pt, ct);
    char out[33];
    hex(ct, 16, out);
    CHECK_EQ_STR(out, "69c4e0d86a7b0430d8cdb78070b4c55a");
    /* FIPS 197 appendix B. */
    const uint8_t k2[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                            0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
    const uint8_t p2[16] = {0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d,
                            0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34};
    fdx_aes128_init(&a, k2);
    fdx_aes128_encrypt(&a, p2, ct);
    hex(ct, 16, out);
    CHECK_EQ_STR(out, "3925841d02dc09fbdc118597196a0b32");
}

static const uint8_t cpan_key[32] = {21,  34,  23,  141, 51,  164, 207, 128, 19,  10, 91,
                                     22,  73,  144, 125, 16,  216, 152, 143, 131, 121, 121,
                                     101, 39,  98,  87,  76,  45,  42,  132, 34,  2};

static uint32_t v4(const char *s)
{
    unsigned a, b, c, d;
    sscanf(s, "%u.%u.%u.%u", &a, &b, &c, &d);
    return a << 24 | b << 16 | c << 8 | d;
}

static void test_cryptopan_reference_vectors(void)
{
    static const char *const vec[][2] = {
        {"128.11.68.132", "135.242.180.132"}, {"129.118.74.4", "134.136.186.123"},
        {"130.132.252.244", "133.68.164.234"}, {"141.223.7.43", "141.167.8.160"},
        {"141.233.145.108", "141.129.237.235"}, {"152.163.225.39", "151.140.114.167"},
        {"156.29.3.236", "147.225.12.42"},     {"165.247.96.84", "162.9.99.234"},
        {"166.107.77.190", "160.132.178.185"}, {"192.102.249.13", "252.138.62.131"},
        {"192.215.32.125", "252.43.47.189"},   {"192.233.80.103", "252.25.108.8"},
        {"192.41.57.43", "252.222.221.184"},   {"193.150.244.223", "253.169.52.216"},
        {"195.205.63.100", "255.186.223.5"},
    };
    struct fdx_cryptopan c;
    fdx_cryptopan_init(&c, cpan_key);
    for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
        CHECK_EQ_U64(fdx_cryptopan_v4(&c, v4(vec[i][0])), v4(vec[i][1]));
    }
}

static unsigned common_prefix(const uint8_t *a, const uint8_t *b)
{
    unsigned n = 0;
    while (n < 128 && ((a[n / 8] ^ b[n / 8]) & (0x80 >> (n % 8))) == 0) {
        n++;
    }
    return n;
}

static void test_cryptopan_v6_prefix_preserving(void)
{
    struct fdx_cryptopan c;
    fdx_cryptopan_init(&c, cpan_key);
    uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    uint8_t b[16];
    memcpy(b, a, 16);
    b[6] = 0x80; /* differs from bit 48 on */
    uint8_t ea[16], eb[16], ea2[16];
    fdx_cryptopan_v6(&c, a, ea);
    fdx_cryptopan_v6(&c, b, eb);
    fdx_cryptopan_v6(&c, a, ea2);
    CHECK_MEM_EQ(ea, ea2, 16);            /* deterministic */
    CHECK_EQ_U64(common_prefix(a, b), 48);
    CHECK_EQ_U64(common_prefix(ea, eb), 48); /* prefix preserved, exactly */
    CHECK_TRUE(memcmp(ea, a, 16) != 0);
}

struct cid_vec {
    const char *src, *dst;
    uint8_t proto;
    uint16_t sp, dp;
    int has_ports;
    uint16_t seed;
    const char *want;
};

static void test_community_id_spec_vectors(void)
{
    static const char *a6 = "fe80:0001:0203:0405:0607:0809:0a0b:0c0d";
    static const char *b6 = "fe80:1011:1213:1415:1617:1819:1a1b:1c1d";
    const struct cid_vec v[] = {
        {"1.2.3.4", "5.6.7.8", 6, 1122, 3344, 1, 0, "1:wCb3OG7yAFWelaUydu0D+125CLM="},
        {"5.6.7.8", "1.2.3.4", 6, 3344, 1122, 1, 0, "1:wCb3OG7yAFWelaUydu0D+125CLM="},
        {"1.2.3.4", "5.6.7.8", 17, 1122, 3344, 1, 0, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg="},
        {"1.2.3.4", "5.6.7.8", 132, 1122, 3344, 1, 0, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8="},
        {"1.2.3.4", "5.6.7.8", 1, 8, 0, 1, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0="},
        {"5.6.7.8", "1.2.3.4", 1, 0, 0, 1, 0, "1:crodRHL2FEsHjbv3UkRrfbs4bZ0="},
        {"1.2.3.4", "5.6.7.8", 1, 11, 0, 1, 0, "1:f/YiSyWqczrTgfUCZlBUnvHRcPk="},
        {a6, b6, 58, 128, 0, 1, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo="},
        {b6, a6, 58, 129, 0, 1, 0, "1:0bf7hyMJUwt3fMED7z8LIfRpBeo="},
        {a6, b6, 58, 146, 0, 1, 0, "1:fYC8+pz24E+EhANP1EZhpX0Dw10="},
        {"1.2.3.4", "5.6.7.8", 46, 0, 0, 0, 0, "1:ikv3kmf89luf73WPz1jOs49S768="},
        {a6, b6, 46, 0, 0, 0, 0, "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0="},
        {"1.2.3.4", "5.6.7.8", 6, 1122, 3344, 1, 1, "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk="},
        {"1.2.3.4", "5.6.7.8", 17, 1122, 3344, 1, 1, "1:OShq+iKDAMVouh/4bMxB9Sz4amw="},
        {"1.2.3.4", "5.6.7.8", 1, 8, 0, 1, 1, "1:9pr4ZGTICiuZoIh90RRYE2RyXpU="},
        {a6, b6, 58, 128, 0, 1, 1, "1:IO27GQzPuCtNnwFvjWALMHu5tJE="},
        {b6, a6, 46, 0, 0, 0, 1, "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM="},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        struct fdx_addr s, d;
        CHECK_EQ_U64(fdx_addr_parse(v[i].src, &s), 0);
        CHECK_EQ_U64(fdx_addr_parse(v[i].dst, &d), 0);
        char out[32];
        unsigned n = fdx_community_id_v1(v[i].seed, &s, &d, v[i].proto, v[i].sp, v[i].dp,
                                         v[i].has_ports != 0, hw, out);
        CHECK_EQ_U64(n, 30);
        CHECK_EQ_STR(out, v[i].want);
    }
}

/* The same vectors through the x86 SHA extensions, when the CPU has them. */
static void test_sha1_hw_same_results(void)
{
    if (!fdx_sha1_hw_available()) {
        printf("note: no SHA extensions on this CPU; hardware path not tested\n");
        return;
    }
    hw = true;
    test_sha1_vectors();
    test_community_id_spec_vectors();
    hw = false;
}

TEST_LIST{
    {"sha1_vectors", test_sha1_vectors},
    {"aes128_fips197", test_aes128_fips197},
    {"cryptopan_reference_vectors", test_cryptopan_reference_vectors},
    {"cryptopan_v6_prefix_preserving", test_cryptopan_v6_prefix_preserving},
    {"community_id_spec_vectors", test_community_id_spec_vectors},
    {"sha1_hw_same_results", test_sha1_hw_same_results},
};

CHECK_MAIN()
