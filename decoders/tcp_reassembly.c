/* TCP stream reassembly for IPFIX captures: stream table with least-recently-seen eviction,
 * sequence arithmetic modulo 2^32, a bounded hold area per stream for early segments. */
#include "tcp_reassembly.h"

#include <stdlib.h>
#include <string.h>

#include "ipfix_stream.h"

enum stream_state {
    ST_NEW,   /* no payload yet: the protocol is not known */
    ST_IPFIX, /* framed into IPFIX messages */
    ST_OTHER, /* not IPFIX: segments ignored */
    ST_DEAD,  /* IPFIX, abandoned (gap or framing): segments ignored until FIN or SYN */
};

struct held {
    uint32_t seq, off, len; /* off: into the stream's held buffer */
};

struct stream {
    bool used;
    enum stream_state state;
    bool have_seq;
    struct fdx_addr src, dst;
    uint16_t sport, dport;
    uint32_t next_seq;
    uint64_t last_use;
    struct fdx_ipfix_stream *fr; /* ST_IPFIX only */
    uint8_t *held_buf;           /* FDX_TCP_REASM_HELD_BYTES, on the first early segment */
    uint32_t held_used;
    unsigned nheld;
    struct held held[FDX_TCP_REASM_HELD_SEGS];
};

struct fdx_tcp_reasm {
    unsigned max;
    uint64_t tick;
    struct stream *s;
    struct fdx_tcp_reasm_stats st;
};

/* Everything one feed needs on the way down to the message callback. */
struct feed {
    struct fdx_tcp_reasm *r;
    struct fdx_counters *c;
    const struct fdx_capture_pkt *seg;
    fdx_tcp_reasm_msg_fn msg;
    fdx_tcp_reasm_end_fn end;
    void *arg;
};

struct fdx_tcp_reasm *fdx_tcp_reasm_new(unsigned max_streams)
{
    struct fdx_tcp_reasm *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return NULL;
    }
    r->max = max_streams ? max_streams : 1;
    r->s = calloc(r->max, sizeof(*r->s));
    if (r->s == NULL) {
        free(r);
        return NULL;
    }
    return r;
}

static void release(struct stream *s)
{
    free(s->fr);
    free(s->held_buf);
    memset(s, 0, sizeof(*s));
}

void fdx_tcp_reasm_free(struct fdx_tcp_reasm *r)
{
    if (r == NULL) {
        return;
    }
    for (unsigned i = 0; i < r->max; i++) {
        release(&r->s[i]);
    }
    free(r->s);
    free(r);
}

const struct fdx_tcp_reasm_stats *fdx_tcp_reasm_stats(const struct fdx_tcp_reasm *r)
{
    return &r->st;
}

static void count(struct fdx_counters *c, enum fdx_drop why)
{
    fdx_counter_add(&c->dgram_drop[why], 1);
}

/* The stream stops being decoded: what is left is counted, the caller told. */
static void stop_ipfix(struct feed *f, struct stream *s, enum stream_state next)
{
    if (s->state == ST_IPFIX) {
        if (s->nheld > 0) {
            count(f->c, FDX_DROP_TCP_GAP);
            f->r->st.gaps++;
        } else if (s->fr != NULL && fdx_ipfix_stream_pending(s->fr) > 0) {
            count(f->c, FDX_DROP_TCP_PARTIAL);
        }
        if (f->end != NULL) {
            f->end(f->arg, &s->src, s->sport);
        }
    }
    free(s->fr);
    free(s->held_buf);
    s->fr = NULL;
    s->held_buf = NULL;
    s->nheld = 0;
    s->held_used = 0;
    s->state = next;
}

static void end_stream(struct feed *f, struct stream *s)
{
    stop_ipfix(f, s, ST_NEW);
    release(s);
}

static void on_msg(void *arg, const uint8_t *msg, size_t len)
{
    struct feed *f = arg;
    f->msg(f->arg, f->seg, msg, len);
}

/* Bytes in stream order. */
static void deliver(struct feed *f, struct stream *s, const uint8_t *p, size_t len)
{
    if (s->state == ST_NEW) {
        bool ipfix = p[0] == 0 && (len < 2 || p[1] == 10);
        s->fr = ipfix ? malloc(sizeof(*s->fr)) : NULL;
        s->state = ipfix ? ST_IPFIX : ST_OTHER;
        if (ipfix && s->fr == NULL) {
            count(f->c, FDX_DROP_LIMIT_EXCEEDED); /* no memory for the stream's framing */
            s->state = ST_DEAD;
            return;
        }
        if (s->state == ST_IPFIX) {
            fdx_ipfix_stream_init(s->fr);
            f->r->st.ipfix_streams++;
        } else {
            f->r->st.other_streams++;
        }
    }
    if (s->state == ST_IPFIX && fdx_ipfix_stream_feed(s->fr, f->c, p, len, on_msg, f) != 0) {
        stop_ipfix(f, s, ST_DEAD); /* tcp_framing counted by the framing */
    }
}

/* Keeps an early segment until the hole before it fills; false when a bound is reached. */
static bool hold(struct stream *s, uint32_t seq, const uint8_t *p, size_t len)
{
    if (s->held_buf == NULL) {
        s->held_buf = malloc(FDX_TCP_REASM_HELD_BYTES);
        if (s->held_buf == NULL) {
            return false;
        }
    }
    if (s->nheld == FDX_TCP_REASM_HELD_SEGS || len > FDX_TCP_REASM_HELD_BYTES - s->held_used) {
        return false;
    }
    memcpy(s->held_buf + s->held_used, p, len);
    s->held[s->nheld++] = (struct held){seq, s->held_used, (uint32_t)len};
    s->held_used += (uint32_t)len;
    return true;
}

/* Delivers the held segments the stream has reached, in order. */
static void release_held(struct feed *f, struct stream *s)
{
    bool progress = true;
    while (progress && s->nheld > 0 && s->state == ST_IPFIX) {
        progress = false;
        for (unsigned i = 0; i < s->nheld; i++) {
            struct held h = s->held[i];
            int32_t ahead = (int32_t)(h.seq - s->next_seq);
            if (ahead > 0) {
                continue;
            }
            s->held[i] = s->held[--s->nheld];
            uint32_t skip = (uint32_t)-ahead;
            if (skip < h.len) {
                s->next_seq += h.len - skip;
                deliver(f, s, s->held_buf + h.off + skip, h.len - skip);
            }
            progress = true;
            break;
        }
    }
    if (s->nheld == 0) {
        s->held_used = 0;
    }
}

static void data(struct feed *f, struct stream *s, uint32_t seq, const uint8_t *p, size_t len)
{
    int32_t ahead = (int32_t)(seq - s->next_seq);
    if (ahead > 0) {
        if (s->state == ST_NEW || s->state == ST_IPFIX) {
            f->r->st.out_of_order++;
            if (!hold(s, seq, p, len)) {
                if (s->nheld == 0) {
                    count(f->c, FDX_DROP_TCP_GAP); /* stop_ipfix counts a gap only when held */
                }
                s->state = ST_IPFIX; /* a hole before the first byte: count it as IPFIX's */
                stop_ipfix(f, s, ST_DEAD);
            }
        }
        return;
    }
    uint32_t skip = (uint32_t)-ahead;
    if (skip > 0) {
        f->r->st.retransmitted++;
    }
    if (skip >= len) {
        return;
    }
    s->next_seq += (uint32_t)(len - skip);
    deliver(f, s, p + skip, len - skip);
    release_held(f, s);
}

static struct stream *find(struct fdx_tcp_reasm *r, const struct fdx_capture_pkt *seg,
                           struct stream **lru, struct stream **free_slot)
{
    for (unsigned i = 0; i < r->max; i++) {
        struct stream *s = &r->s[i];
        if (!s->used) {
            *free_slot = *free_slot ? *free_slot : s;
        } else if (s->sport == seg->sport && s->dport == seg->dport &&
                   fdx_addr_eq(&s->src, &seg->src) && fdx_addr_eq(&s->dst, &seg->dst)) {
            return s;
        } else if (*lru == NULL || s->last_use < (*lru)->last_use) {
            *lru = s;
        }
    }
    return NULL;
}

void fdx_tcp_reasm_feed(struct fdx_tcp_reasm *r, struct fdx_counters *c,
                        const struct fdx_capture_pkt *seg, fdx_tcp_reasm_msg_fn msg,
                        fdx_tcp_reasm_end_fn end, void *arg)
{
    struct feed f = {r, c, seg, msg, end, arg};
    struct stream *lru = NULL, *free_slot = NULL;
    r->st.segments++;
    struct stream *s = find(r, seg, &lru, &free_slot);
    if (s == NULL) {
        if (seg->len == 0 && !seg->tcp_syn) {
            return; /* an ACK or FIN of a stream not followed */
        }
        if (free_slot == NULL) {
            r->st.evicted++;
            end_stream(&f, lru);
            free_slot = lru;
        }
        s = free_slot;
        s->used = true;
        s->src = seg->src;
        s->dst = seg->dst;
        s->sport = seg->sport;
        s->dport = seg->dport;
    }
    s->last_use = ++r->tick;
    uint32_t seq = seg->tcp_seq;
    if (seg->tcp_syn) {
        if (s->have_seq && s->next_seq == seq + 1) {
            return; /* the SYN retransmitted */
        }
        stop_ipfix(&f, s, ST_NEW); /* a new connection on the same addresses and ports */
        s->next_seq = ++seq;
        s->have_seq = true;
    }
    if (!s->have_seq) {
        s->next_seq = seq; /* the capture starts inside the connection */
        s->have_seq = true;
    }
    if (seg->len > 0 && s->state != ST_OTHER && s->state != ST_DEAD) {
        data(&f, s, seq, seg->payload, seg->len);
    }
    if (seg->tcp_fin) {
        end_stream(&f, s);
    }
}

void fdx_tcp_reasm_finish(struct fdx_tcp_reasm *r, struct fdx_counters *c,
                          fdx_tcp_reasm_end_fn end, void *arg)
{
    struct feed f = {r, c, NULL, NULL, end, arg};
    for (unsigned i = 0; i < r->max; i++) {
        if (r->s[i].used) {
            end_stream(&f, &r->s[i]);
        }
    }
}
