/* IPFIX stream framing (RFC 7011 §3.1 message header, §10.4 TCP; RFC 5655 files). A message
 * wholly inside the fed bytes is handed over in place; only a message split across feeds
 * is copied into the stream's buffer. */
#include "ipfix_stream.h"

#include <errno.h>
#include <string.h>

#include "reader.h"

#define IPFIX_HDR_LEN 16

void fdx_ipfix_stream_init(struct fdx_ipfix_stream *s)
{
    s->have = 0;
    s->failed = false;
}

/* Message length from a header's first 4 bytes, or 0 when the header is impossible. */
static size_t msg_len(const uint8_t *hdr)
{
    struct fdx_rd rd;
    fdx_rd_init(&rd, hdr, 4);
    uint16_t version = fdx_rd_u16(&rd);
    uint16_t length = fdx_rd_u16(&rd);
    if (version != 10 || length < IPFIX_HDR_LEN) {
        return 0;
    }
    return length;
}

static int fail(struct fdx_ipfix_stream *s, struct fdx_counters *c)
{
    s->failed = true;
    s->have = 0;
    fdx_counter_add(&c->dgram_drop[FDX_DROP_TCP_FRAMING], 1);
    return -EPROTO;
}

int fdx_ipfix_stream_feed(struct fdx_ipfix_stream *s, struct fdx_counters *c,
                          const uint8_t *data, size_t len, fdx_ipfix_msg_fn fn, void *arg)
{
    if (s->failed) {
        return -EPROTO;
    }
    /* First complete the message held from earlier feeds. */
    while (s->have > 0 && len > 0) {
        size_t want = s->have < 4 ? 4 : msg_len(s->buf);
        if (s->have >= 4 && want == 0) {
            return fail(s, c);
        }
        size_t take = want - s->have < len ? want - s->have : len;
        memcpy(s->buf + s->have, data, take);
        s->have += take;
        data += take;
        len -= take;
        if (s->have >= 4 && msg_len(s->buf) == 0) {
            return fail(s, c);
        }
        if (s->have >= 4 && s->have == msg_len(s->buf)) {
            fn(arg, s->buf, s->have);
            s->have = 0;
        }
    }
    /* Then every message wholly inside data, in place. */
    while (len >= 4) {
        size_t m = msg_len(data);
        if (m == 0) {
            return fail(s, c);
        }
        if (m > len) {
            break;
        }
        fn(arg, data, m);
        data += m;
        len -= m;
    }
    /* Keep the start of the next message. */
    if (len > 0) {
        memcpy(s->buf, data, len);
        s->have = len;
    }
    return 0;
}
