/* Time conversions to milliseconds since the Unix epoch (UTC), whatever the wire clock:
 * sysUptime-relative (wrap-safe), NTP 64-bit, seconds/µs/ns. Header-only, pure. */
#ifndef FDX_TIMECONV_H
#define FDX_TIMECONV_H

#include <stdint.h>
#include <time.h>

/* Seconds between the NTP era-0 epoch (1900) and the Unix epoch (1970). */
#define FDX_NTP_UNIX_OFFSET_S 2208988800ULL

static inline int64_t fdx_time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int64_t fdx_time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* a - b of two free-running uint32 counters, read as signed: correct across one wrap, and a
 * value slightly "after" the reference gives a small negative number instead of ~49 days. */
static inline int32_t fdx_u32_signed_diff(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b);
}

/* Epoch ms of a sysUptime-relative switch time (NetFlow v5/v9 first/last switched).
 * export_ms is the header's export time; uptime_ms the header's sysUptime. A switch time a
 * few ms after the export time (clock skew, Cisco CSCei12353) stays in the near past. */
static inline int64_t fdx_time_from_uptime(int64_t export_ms, uint32_t uptime_ms,
                                           uint32_t switched_ms)
{
    return export_ms - fdx_u32_signed_diff(uptime_ms, switched_ms);
}

/* Epoch ms of an NTP 64-bit timestamp (RFC 5905 era 0; RFC 7011 dateTimeMicroseconds and
 * dateTimeNanoseconds). The fraction is truncated to whole ms. */
static inline int64_t fdx_time_from_ntp64(uint64_t ntp)
{
    uint64_t secs = ntp >> 32;
    uint64_t frac = ntp & 0xffffffffULL;
    int64_t ms = ((int64_t)secs - (int64_t)FDX_NTP_UNIX_OFFSET_S) * 1000;
    return ms + (int64_t)((frac * 1000) >> 32);
}

#endif
