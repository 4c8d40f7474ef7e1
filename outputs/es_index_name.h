/* Index names from a strftime pattern applied to each document's own event time (UTC), not
 * to the wall clock: "flowdex-flows-%Y.%m.%d" puts a flow that ended on 1 March into
 * flowdex-flows-2026.03.01 whenever it arrives. Output thread only. */
#ifndef FDX_ES_INDEX_NAME_H
#define FDX_ES_INDEX_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDX_ES_INDEX_MAX 256

struct fdx_es_index_name {
    const char *pattern;  /* borrowed; lives as long as the output's configuration */
    bool hourly_cache;    /* the pattern names nothing finer than an hour */
    int64_t cached_hour;  /* event hour the cached name belongs to; INT64_MIN = none */
    char name[FDX_ES_INDEX_MAX];
    size_t len;
};

void fdx_es_index_name_init(struct fdx_es_index_name *n, const char *pattern);
/* Name for an event time (epoch ms); *len receives its length. Never NULL: a pattern that
 * expands to nothing or too long yields the pattern's literal prefix. */
const char *fdx_es_index_name_get(struct fdx_es_index_name *n, int64_t event_ms, size_t *len);
/* The wildcard that matches every name of the pattern: the text before the first '%' plus
 * '*' ("flowdex-flows-*"); a pattern without '%' is returned as is. out has cap bytes. */
void fdx_es_index_wildcard(const char *pattern, char *out, size_t cap);
/* Parses a concrete index name back into the UTC start of its period (epoch seconds).
 * Returns 0, or -EINVAL when the name does not match the pattern. */
int fdx_es_index_parse_time(const char *pattern, const char *name, int64_t *epoch_s);

#endif
