/* Time conversions: sysUptime-relative (wrap, skew), NTP 64-bit, signed counter difference. */
#include "check.h"
#include "timeconv.h"

static void test_signed_diff(void)
{
    CHECK_EQ_I64(fdx_u32_signed_diff(10, 3), 7);
    CHECK_EQ_I64(fdx_u32_signed_diff(3, 10), -7);
    CHECK_EQ_I64(fdx_u32_signed_diff(5, 0xfffffffbu), 10); /* across the wrap */
    CHECK_EQ_I64(fdx_u32_signed_diff(0xfffffffbu, 5), -10);
    CHECK_EQ_I64(fdx_u32_signed_diff(0x7fffffffu, 0), INT32_MAX);
    CHECK_EQ_I64(fdx_u32_signed_diff(0x80000000u, 0), INT32_MIN);
}

static void test_from_uptime(void)
{
    const int64_t export_ms = INT64_C(1700000000250);
    /* Plain: 10 s before the export. */
    CHECK_EQ_I64(fdx_time_from_uptime(export_ms, 3600000, 3590000), export_ms - 10000);
    /* Same instant. */
    CHECK_EQ_I64(fdx_time_from_uptime(export_ms, 3600000, 3600000), export_ms);
    /* sysUptime wrapped after the switch time. */
    CHECK_EQ_I64(fdx_time_from_uptime(export_ms, 1000, 0xffffff00u), export_ms - 1000 - 256);
    /* Switch time a little after the export's sysUptime (skew): near future, not 49 days. */
    CHECK_EQ_I64(fdx_time_from_uptime(export_ms, 3600000, 3600020), export_ms + 20);
    /* Uptime 0 just after boot, switch time at boot. */
    CHECK_EQ_I64(fdx_time_from_uptime(export_ms, 0, 0), export_ms);
}

static void test_from_ntp64(void)
{
    /* 2023-11-14T22:13:20.500Z */
    uint64_t secs = 1700000000ULL + FDX_NTP_UNIX_OFFSET_S;
    CHECK_EQ_I64(fdx_time_from_ntp64(secs << 32 | 0x80000000u), INT64_C(1700000000500));
    /* The fraction is truncated to whole ms: 0.9999 s -> 999 ms. */
    CHECK_EQ_I64(fdx_time_from_ntp64(secs << 32 | 0xffffffffu), INT64_C(1700000000999));
    CHECK_EQ_I64(fdx_time_from_ntp64(secs << 32), INT64_C(1700000000000));
    /* The Unix epoch itself, and the NTP epoch (before it). */
    CHECK_EQ_I64(fdx_time_from_ntp64((uint64_t)FDX_NTP_UNIX_OFFSET_S << 32), 0);
    CHECK_EQ_I64(fdx_time_from_ntp64(0), -(int64_t)FDX_NTP_UNIX_OFFSET_S * 1000);
}

static void test_clocks(void)
{
    int64_t now = fdx_time_now_ms();
    CHECK_TRUE(now > INT64_C(1600000000000)); /* after 2020: a real wall clock, in ms */
    int64_t m1 = fdx_time_mono_ms();
    int64_t m2 = fdx_time_mono_ms();
    CHECK_TRUE(m2 >= m1);
}

TEST_LIST{
    {"signed_diff", test_signed_diff},
    {"from_uptime", test_from_uptime},
    {"from_ntp64", test_from_ntp64},
    {"clocks", test_clocks},
};

CHECK_MAIN()
