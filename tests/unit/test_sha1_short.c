/* fdx_sha1_short (the one-block path of the Community ID) against the streaming SHA-1, for
 * every length around the one-block limit, in software and with the SHA extensions when the
 * CPU has them; plus the FIPS 180-4 "abc" vector and a Community ID reference value. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "community_id.h"
#include "sha1.h"

static void hex(const uint8_t d[20], char out[41])
{
    for (int i = 0; i < 20; i++) {
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

static void test_abc(void)
{
    uint8_t d[20];
    char h[41];
    fdx_sha1_short("abc", 3, false, d);
    hex(d, h);
    CHECK_TRUE(strcmp(h, "a9993e364706816aba3e25717850c26c9cd0d89d") == 0);
    if (fdx_sha1_hw_available()) {
        fdx_sha1_short("abc", 3, true, d);
        hex(d, h);
        CHECK_TRUE(strcmp(h, "a9993e364706816aba3e25717850c26c9cd0d89d") == 0);
    }
}

static void test_lengths(void)
{
    uint8_t msg[80];
    for (unsigned i = 0; i < sizeof(msg); i++) {
        msg[i] = (uint8_t)(i * 37 + 11);
    }
    int modes = fdx_sha1_hw_available() ? 2 : 1;
    for (size_t len = 0; len <= sizeof(msg); len++) {
        for (int hw = 0; hw < modes; hw++) {
            struct fdx_sha1 s;
            uint8_t want[20], got[20];
            fdx_sha1_init(&s, false);
            fdx_sha1_update(&s, msg, len);
            fdx_sha1_final(&s, want);
            fdx_sha1_short(msg, len, hw != 0, got);
            CHECK_TRUE(memcmp(want, got, 20) == 0);
        }
    }
}

/* The Community ID specification's TCP example (seed 0). */
static void test_community_id(void)
{
    struct fdx_addr a, b;
    fdx_addr_parse("128.232.110.120", &a);
    fdx_addr_parse("66.35.250.204", &b);
    int modes = fdx_sha1_hw_available() ? 2 : 1;
    for (int hw = 0; hw < modes; hw++) {
        char out[32];
        unsigned n = fdx_community_id_v1(0, &a, &b, 6, 34855, 80, true, hw != 0, out);
        CHECK_EQ_U64(n, 30);
        CHECK_TRUE(strcmp(out, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=") == 0);
    }
}

int main(void)
{
    test_abc();
    test_lengths();
    test_community_id();
    printf("%s\n", check_failures_ == 0 ? "all passed" : "FAILED");
    return check_failures_ == 0 ? 0 : 1;
}
