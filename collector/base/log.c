/* Levelled logging to stderr: one fprintf per line, so lines from threads do not interleave. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timeconv.h"

static _Atomic int current_level = FDX_LOG_INFO;
static const char *const level_names[] = {"error", "warn", "info", "debug"};

void fdx_log_set_level(enum fdx_log_level level)
{
    atomic_store_explicit(&current_level, (int)level, memory_order_relaxed);
}

enum fdx_log_level fdx_log_get_level(void)
{
    return (enum fdx_log_level)atomic_load_explicit(&current_level, memory_order_relaxed);
}

int fdx_log_parse_level(const char *text, enum fdx_log_level *out)
{
    for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcmp(text, level_names[i]) == 0) {
            *out = (enum fdx_log_level)i;
            return 0;
        }
    }
    return -EINVAL;
}

__attribute__((format(printf, 2, 0))) static void vlog(enum fdx_log_level level, const char *fmt,
                                                     va_list ap)
{
    char line[1024];
    int64_t now_ms = fdx_time_now_ms();
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ flowdex %s: ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, (int)(now_ms % 1000), level_names[level]);
    if (n < 0 || (size_t)n >= sizeof(line)) {
        return;
    }
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    fprintf(stderr, "%s\n", line);
}

void fdx_log(enum fdx_log_level level, const char *fmt, ...)
{
    if ((int)level > atomic_load_explicit(&current_level, memory_order_relaxed)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

void fdx_log_ratelimited(struct fdx_log_limit *lim, int64_t interval_ms, enum fdx_log_level level,
                         const char *fmt, ...)
{
    int64_t now_ms = fdx_time_now_ms();
    if (lim->last_ms != 0 && now_ms - lim->last_ms < interval_ms) {
        lim->suppressed++;
        return;
    }
    if ((int)level > atomic_load_explicit(&current_level, memory_order_relaxed)) {
        return;
    }
    if (lim->suppressed > 0) {
        fdx_log(level, "(%llu similar messages suppressed)", (unsigned long long)lim->suppressed);
    }
    lim->last_ms = now_ms;
    lim->suppressed = 0;
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}
