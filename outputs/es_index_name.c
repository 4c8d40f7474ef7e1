/* Index names by event time; see es_index_name.h. */
#include "es_index_name.h"

#include <errno.h>
#include <string.h>
#include <time.h>

void fdx_es_index_name_init(struct fdx_es_index_name *n, const char *pattern)
{
    memset(n, 0, sizeof(*n));
    n->pattern = pattern;
    n->cached_hour = INT64_MIN;
    n->hourly_cache = true;
    for (const char *p = strchr(pattern, '%'); p != NULL; p = strchr(p + 2, '%')) {
        if (p[1] == '\0') {
            break;
        }
        /* Conversions that change within an hour (or are not pure functions of the hour). */
        if (strchr("MSsTRcrXEO+", p[1]) != NULL) {
            n->hourly_cache = false;
        }
    }
}

const char *fdx_es_index_name_get(struct fdx_es_index_name *n, int64_t event_ms, size_t *len)
{
    int64_t sec = event_ms >= 0 ? event_ms / 1000 : (event_ms - 999) / 1000;
    int64_t hour = sec >= 0 ? sec / 3600 : (sec - 3599) / 3600;
    if (n->hourly_cache && hour == n->cached_hour) {
        *len = n->len;
        return n->name;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    size_t w = 0;
    if (gmtime_r(&t, &tm) != NULL) {
        /* The pattern is the operator's strftime format (configuration, not wire data). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        w = strftime(n->name, sizeof(n->name), n->pattern, &tm);
#pragma GCC diagnostic pop
    }
    if (w == 0) {
        fdx_es_index_wildcard(n->pattern, n->name, sizeof(n->name));
        w = strlen(n->name);
        if (w > 0 && n->name[w - 1] == '*') {
            n->name[--w] = '\0';
        }
    }
    n->len = w;
    n->cached_hour = hour;
    *len = w;
    return n->name;
}

void fdx_es_index_wildcard(const char *pattern, char *out, size_t cap)
{
    if (cap == 0) {
        return;
    }
    const char *pct = strchr(pattern, '%');
    size_t n = pct != NULL ? (size_t)(pct - pattern) : strlen(pattern);
    if (n + 2 > cap) {
        n = cap - 2;
    }
    memcpy(out, pattern, n);
    if (pct != NULL) {
        out[n++] = '*';
    }
    out[n] = '\0';
}

int fdx_es_index_parse_time(const char *pattern, const char *name, int64_t *epoch_s)
{
    if (strchr(pattern, '%') == NULL) {
        return -EINVAL;
    }
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_mday = 1;
    const char *end = strptime(name, pattern, &tm);
    if (end == NULL || *end != '\0') {
        return -EINVAL;
    }
    *epoch_s = (int64_t)timegm(&tm);
    return 0;
}
