/* IPFIX message framing over a byte stream: IPFIX over TCP (RFC 7011 §10.4) and IPFIX
 * files (RFC 5655, a sequence of messages). Pure: the caller reads the socket or file and
 * feeds what it got; complete messages are handed to a callback, whole and in order.
 * Module tag: ipfix_stream. One stream per connection or file; no allocation. */
#ifndef FDX_IPFIX_STREAM_H
#define FDX_IPFIX_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

#define FDX_IPFIX_MAX_MSG 65535 /* the header's 16-bit length */

struct fdx_ipfix_stream {
    size_t have;  /* bytes of an incomplete message held in buf */
    bool failed;  /* framing lost: the connection must be closed */
    uint8_t buf[FDX_IPFIX_MAX_MSG];
};

/* Called for each complete message; msg is valid only during the call. */
typedef void (*fdx_ipfix_msg_fn)(void *arg, const uint8_t *msg, size_t len);

void fdx_ipfix_stream_init(struct fdx_ipfix_stream *s);

/* Feeds len bytes. Complete messages go to fn; a partial one is kept for the next call.
 * Returns 0, or -EPROTO when a message header is impossible (version not 10 or length
 * below 16): counted once in c->dgram_drop[TCP_FRAMING]; the stream stays failed and the
 * caller closes the connection (or stops reading the file). */
int fdx_ipfix_stream_feed(struct fdx_ipfix_stream *s, struct fdx_counters *c,
                          const uint8_t *data, size_t len, fdx_ipfix_msg_fn fn, void *arg);

/* Bytes of an incomplete message held at the end of a stream (0 for a clean end). */
static inline size_t fdx_ipfix_stream_pending(const struct fdx_ipfix_stream *s)
{
    return s->have;
}

#endif
