/* The bounds-checked reader: values, sticky errors, sub-readers, reduced-size integers. */
#include "check.h"
#include "reader.h"

static void test_values(void)
{
    const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                         0x0c, 0x0d, 0x0e, 0x0f};
    struct fdx_rd r;
    fdx_rd_init(&r, b, sizeof(b));
    CHECK_EQ_U64(fdx_rd_u8(&r), 0x01);
    CHECK_EQ_U64(fdx_rd_u16(&r), 0x0203);
    CHECK_EQ_U64(fdx_rd_u32(&r), 0x04050607);
    CHECK_EQ_U64(fdx_rd_u64(&r), 0x08090a0b0c0d0e0fULL);
    CHECK_EQ_U64(fdx_rd_left(&r), 0);
    CHECK_EQ_U64(r.err, FDX_DROP_NONE);
}

static void test_sticky_error(void)
{
    const uint8_t b[] = {0xaa, 0xbb, 0xcc};
    struct fdx_rd r;
    fdx_rd_init(&r, b, sizeof(b));
    CHECK_EQ_U64(fdx_rd_u32(&r), 0);
    CHECK_EQ_U64(r.err, FDX_DROP_TRUNCATED);
    /* Every later read fails too, even one that would have fit before the failure. */
    CHECK_EQ_U64(fdx_rd_u8(&r), 0);
    CHECK_EQ_U64(fdx_rd_left(&r), 0);
    CHECK_EQ_U64(r.err, FDX_DROP_TRUNCATED);
}

static void test_sub_reader(void)
{
    const uint8_t b[] = {0, 4, 1, 2, 3, 4, 9};
    struct fdx_rd r;
    fdx_rd_init(&r, b, sizeof(b));
    uint16_t len = fdx_rd_u16(&r);
    struct fdx_rd sub = fdx_rd_sub(&r, len);
    CHECK_EQ_U64(fdx_rd_u8(&sub), 1);
    /* The parent moved by exactly len, whatever the child used. */
    CHECK_EQ_U64(fdx_rd_u8(&r), 9);
    CHECK_EQ_U64(fdx_rd_u32(&sub), 0); /* 3 bytes left in the child */
    CHECK_EQ_U64(sub.err, FDX_DROP_TRUNCATED);
    CHECK_EQ_U64(r.err, FDX_DROP_NONE);

    fdx_rd_init(&r, b, sizeof(b));
    struct fdx_rd big = fdx_rd_sub(&r, 100);
    CHECK_EQ_U64(big.err, FDX_DROP_TRUNCATED);
    CHECK_EQ_U64(r.err, FDX_DROP_TRUNCATED);
    CHECK_EQ_U64(fdx_rd_left(&big), 0);
}

static void test_reduced_size(void)
{
    const uint8_t b[] = {0x12, 0x34, 0x56, 0x01, 0x02};
    struct fdx_rd r;
    fdx_rd_init(&r, b, sizeof(b));
    CHECK_EQ_U64(fdx_rd_uint(&r, 3), 0x123456);
    CHECK_EQ_U64(fdx_rd_uint(&r, 2), 0x0102);
    fdx_rd_init(&r, b, sizeof(b));
    CHECK_EQ_U64(fdx_rd_uint(&r, 9), 0);
    CHECK_EQ_U64(r.err, FDX_DROP_BAD_LENGTH);
}

static void test_xdr_pad(void)
{
    const uint8_t b[] = {1, 2, 3, 0, 7};
    struct fdx_rd r;
    fdx_rd_init(&r, b, sizeof(b));
    fdx_rd_skip(&r, 3);
    fdx_rd_skip_xdr_pad(&r, 3);
    CHECK_EQ_U64(fdx_rd_u8(&r), 7);
}

TEST_LIST{
    {"values", test_values},
    {"sticky_error", test_sticky_error},
    {"sub_reader", test_sub_reader},
    {"reduced_size", test_reduced_size},
    {"xdr_pad", test_xdr_pad},
};

CHECK_MAIN()
