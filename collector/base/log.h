/* Levelled logging to stderr. Never called per packet: hot paths count, and use
 * fdx_log_ratelimited() for the hint that goes with a counter. Thread-safe. */
#ifndef FDX_LOG_H
#define FDX_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum fdx_log_level { FDX_LOG_ERROR, FDX_LOG_WARN, FDX_LOG_INFO, FDX_LOG_DEBUG };

void fdx_log_set_level(enum fdx_log_level level);
enum fdx_log_level fdx_log_get_level(void);
/* Parses "error", "warn", "info" or "debug"; returns 0 or -EINVAL. */
int fdx_log_parse_level(const char *text, enum fdx_log_level *out);
void fdx_log(enum fdx_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A per-call-site limiter: logs the first event, then at most once per interval_ms with the
 * number of events suppressed in between. The state belongs to one thread. */
struct fdx_log_limit {
    int64_t last_ms;
    uint64_t suppressed;
};
void fdx_log_ratelimited(struct fdx_log_limit *lim, int64_t interval_ms, enum fdx_log_level level,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define fdx_error(...) fdx_log(FDX_LOG_ERROR, __VA_ARGS__)
#define fdx_warn(...) fdx_log(FDX_LOG_WARN, __VA_ARGS__)
#define fdx_info(...) fdx_log(FDX_LOG_INFO, __VA_ARGS__)
#define fdx_debug(...) fdx_log(FDX_LOG_DEBUG, __VA_ARGS__)

#endif
