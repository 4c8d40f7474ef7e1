/* Data sets that arrived before their template (NetFlow v9 / IPFIX over UDP after a
 * collector or exporter restart). They are kept for a short, bounded time and decoded when
 * the template arrives; what expires undecoded is counted (FDX_DROP_NO_TEMPLATE).
 * Module tag: pending. Owned by one thread. Allocates per waiting set (never per record),
 * within a byte bound and a count bound. */
#ifndef FDX_PENDING_SETS_H
#define FDX_PENDING_SETS_H

#include <stddef.h>
#include <stdint.h>

#include "template_program.h"
#include "templates.h"

struct fdx_pending;

/* Holds at most max_bytes of set data in at most max_sets sets. NULL on allocation failure. */
struct fdx_pending *fdx_pending_new(size_t max_bytes, uint32_t max_sets);
void fdx_pending_free(struct fdx_pending *p);

/* Keeps a copy of a data set body for key, with its message's header info. Returns 0, or
 * -ENOSPC when a bound is reached (the caller counts FDX_DROP_PENDING_LIMIT). */
int fdx_pending_add(struct fdx_pending *p, const struct fdx_tmpl_key *key,
                    const struct fdx_msg_info *m, const uint8_t *data, size_t len,
                    int64_t now_ms);

/* Calls fn for every set waiting for key, oldest first, then forgets them. Returns how
 * many sets were handed over. fn must not add to p. */
unsigned fdx_pending_take(struct fdx_pending *p, const struct fdx_tmpl_key *key,
                          void (*fn)(void *arg, const struct fdx_msg_info *m,
                                     const uint8_t *data, size_t len),
                          void *arg);

/* Forgets sets that waited longer than timeout_ms; returns how many. */
unsigned fdx_pending_expire(struct fdx_pending *p, int64_t now_ms, int64_t timeout_ms);

/* Forgets every set; returns how many (shutdown accounting). */
unsigned fdx_pending_clear(struct fdx_pending *p);

uint32_t fdx_pending_count(const struct fdx_pending *p);
size_t fdx_pending_bytes(const struct fdx_pending *p);

#endif
