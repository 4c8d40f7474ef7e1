/* Per-worker string interning: enrichment results (GeoIP names, AS organisations, tags) are
 * stored in batch slots as small integer ids; the document encoder looks the text up while
 * writing. Bounded: when full, fdx_intern_get() returns 0 ("no value") and counts a miss.
 * Single-threaded: one table per worker. */
#ifndef FDX_INTERN_H
#define FDX_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fdx_intern;

/* max_strings and max_bytes bound the table. Returns NULL on allocation failure. */
struct fdx_intern *fdx_intern_new(uint32_t max_strings, size_t max_bytes);
void fdx_intern_free(struct fdx_intern *t);

/* Id of the string s[0..len) (added if new); 0 when the table is full or len is 0. The id
 * stays valid until fdx_intern_clear(). */
uint32_t fdx_intern_get(struct fdx_intern *t, const char *s, size_t len);

/* Text of an id (NUL-terminated) and its length; NULL for 0 or an unknown id. */
const char *fdx_intern_str(const struct fdx_intern *t, uint32_t id, size_t *len);

/* Forgets every string (used on reload, when no batch holds old ids). */
void fdx_intern_clear(struct fdx_intern *t);

/* Incremented by every fdx_intern_clear(): a holder of cached ids compares it with the value
 * it saw when it stored them. */
uint32_t fdx_intern_generation(const struct fdx_intern *t);

/* True when more than three quarters of the strings or bytes are used. */
bool fdx_intern_nearly_full(const struct fdx_intern *t);

uint64_t fdx_intern_full_count(const struct fdx_intern *t);
uint32_t fdx_intern_count(const struct fdx_intern *t);

#endif
