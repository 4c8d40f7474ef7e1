/* pcap / pcapng / IPFIX-file replay through the daemon's pipeline. */
#include "replay.h"

#include <errno.h>
#include <math.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "capture.h"
#include "dispatch.h"
#include "ipfix_stream.h"
#include "log.h"
#include "pipeline.h"
#include "reader.h"
#include "summary.h"
#include "tcp_reassembly.h"
#include "templates.h"
#include "timeconv.h"

#define PROGRESS_EVERY_MS 250
#define PACE_MIN_SLEEP_MS 1
#define TCP_STREAMS 64 /* TCP streams followed at once */

struct replay {
    struct fdx_decode_ctx ctx;
    struct fdx_producer *pr;
    const struct fdx_replay_opts *opts;
    struct fdx_replay_stats st;
    struct fdx_tcp_reasm *tcp;
    int64_t pkt_ms;         /* capture time of the packet being read */
    int64_t next_tick;      /* capture time of the next housekeeping tick */
    int64_t pace_wall0;     /* --speed: monotonic time of the first packet */
    int64_t pace_cap0;      /* --speed: capture time of the first packet (-1: none yet) */
    int64_t started;        /* monotonic ms at the start */
    int64_t next_progress;  /* monotonic ms of the next progress line */
    const char *file;       /* the file being read, and its size, for the progress line */
    long file_size;
};

int fdx_replay_parse_speed(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v > 0) || !isfinite(v) || v > 1e6) {
        return -EINVAL;
    }
    *out = v;
    return 0;
}

static uint64_t records_so_far(struct replay *r)
{
    const struct fdx_counters *c = fdx_producer_counters(r->pr);
    uint64_t n = 0;
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        n += fdx_counter_get(&c->records[i]);
    }
    return n;
}

static void progress(struct replay *r, long pos, bool last)
{
    int64_t now = fdx_time_mono_ms();
    if (!r->opts->progress || (!last && now < r->next_progress)) {
        return;
    }
    r->next_progress = now + PROGRESS_EVERY_MS;
    double secs = (double)(now - r->started) / 1000.0;
    uint64_t recs = records_so_far(r);
    double pct = r->file_size > 0 && pos >= 0 ? 100.0 * (double)pos / (double)r->file_size : 0;
    fprintf(stderr, "\r\033[K%s: %3.0f%%  %llu packets  %llu records  %.0f records/s",
            r->file, pct > 100 ? 100 : pct, (unsigned long long)r->st.packets,
            (unsigned long long)recs, secs > 0 ? (double)recs / secs : 0.0);
    if (last) {
        fputc('\n', stderr);
    }
    fflush(stderr);
}

/* --speed / --realtime: waits until the packet's capture time, scaled, has come. */
static void pace(struct replay *r, int64_t cap_ms)
{
    if (r->opts->speed <= 0) {
        return;
    }
    if (r->pace_cap0 < 0 || cap_ms < r->pace_cap0) {
        r->pace_cap0 = cap_ms;
        r->pace_wall0 = fdx_time_mono_ms();
        return;
    }
    int64_t due = r->pace_wall0 + (int64_t)((double)(cap_ms - r->pace_cap0) / r->opts->speed);
    int64_t wait = due - fdx_time_mono_ms();
    if (wait >= PACE_MIN_SLEEP_MS) {
        fdx_producer_flush(r->pr); /* what was decoded so far goes out on time */
        struct timespec ts = {wait / 1000, (long)(wait % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static void dispatch(struct replay *r, struct fdx_datagram *dg)
{
    if (dg->recv_ms >= r->next_tick) {
        fdx_decode_ctx_tick(&r->ctx, dg->recv_ms); /* housekeeping on the capture's clock */
        r->next_tick = dg->recv_ms + 1000;
    }
    r->ctx.now_ms = dg->recv_ms;
    fdx_dispatch_datagram(&r->ctx, dg);
}

static void count_skip(struct fdx_replay_stats *st, enum fdx_capture_skip why)
{
    switch (why) {
    case FDX_CAPTURE_SKIP_LINKTYPE:
        st->not_ip++;
        break;
    case FDX_CAPTURE_SKIP_NOT_UDP:
        st->not_udp++;
        break;
    case FDX_CAPTURE_SKIP_FRAGMENT:
        st->fragments++;
        break;
    case FDX_CAPTURE_SKIP_TRUNCATED:
    case FDX_CAPTURE_OK:
        st->truncated++;
        break;
    }
}

static int apply_filter(pcap_t *pc, const char *expr, const char *file)
{
    struct bpf_program prog;
    if (pcap_compile(pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        fprintf(stderr, "flowdex: replay: \"%s\": bad --filter \"%s\": %s\n", file, expr,
                pcap_geterr(pc));
        return -EINVAL;
    }
    int rc = pcap_setfilter(pc, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        fprintf(stderr, "flowdex: replay: \"%s\": --filter: %s\n", file, pcap_geterr(pc));
        return -EINVAL;
    }
    return 0;
}

/* One IPFIX message reassembled from a TCP stream: a datagram from the stream's source. */
static void tcp_msg(void *arg, const struct fdx_capture_pkt *seg, const uint8_t *msg,
                    size_t len)
{
    struct replay *r = arg;
    struct fdx_datagram dg = {
        .data = msg,
        .len = len,
        .exporter = seg->src,
        .exporter_port = seg->sport,
        .recv_ms = r->pkt_ms,
    };
    r->st.tcp_msgs++;
    dispatch(r, &dg);
}

/* The end of an IPFIX-over-TCP stream ends its templates (RFC 7011 §8). */
static void tcp_end(void *arg, const struct fdx_addr *src, uint16_t sport)
{
    struct replay *r = arg;
    (void)sport;
    fdx_templates_forget(r->ctx.templates, src, FDX_PROTO_IPFIX);
}

static void tcp_segment(struct replay *r, const struct fdx_capture_pkt *pkt, int64_t ts_ms)
{
    r->st.tcp++;
    r->pkt_ms = ts_ms;
    if (r->tcp == NULL) {
        r->tcp = fdx_tcp_reasm_new(TCP_STREAMS);
        if (r->tcp == NULL) {
            r->st.not_udp++;
            return;
        }
    }
    if (pkt->len > 0) {
        pace(r, ts_ms);
    }
    fdx_tcp_reasm_feed(r->tcp, fdx_producer_counters(r->pr), pkt, tcp_msg, tcp_end, r);
}

static int replay_pcap(struct replay *r, pcap_t *pc)
{
    int linktype = pcap_datalink(pc);
    FILE *f = pcap_file(pc); /* NULL for pcapng on some libpcap versions: no percentage */
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc;
    while ((rc = pcap_next_ex(pc, &hdr, &data)) == 1) {
        r->st.packets++;
        struct fdx_capture_pkt pkt;
        enum fdx_capture_skip why = fdx_capture_parse(linktype, data, hdr->caplen, &pkt);
        int64_t ts_ms = (int64_t)hdr->ts.tv_sec * 1000 + hdr->ts.tv_usec / 1000;
        if (why == FDX_CAPTURE_OK && pkt.l4 == FDX_CAPTURE_IPPROTO_TCP) {
            tcp_segment(r, &pkt, ts_ms);
            continue;
        }
        if (why != FDX_CAPTURE_OK) {
            count_skip(&r->st, why);
            continue;
        }
        r->st.udp++;
        struct fdx_datagram dg = {
            .data = pkt.payload,
            .len = pkt.len,
            .exporter = pkt.src,
            .exporter_port = pkt.sport,
            .recv_ms = ts_ms,
        };
        pace(r, dg.recv_ms);
        dispatch(r, &dg);
        if ((r->st.packets & 1023) == 0) {
            progress(r, f != NULL ? ftell(f) : -1, false);
        }
    }
    if (r->tcp != NULL) {
        /* A stream still open at the end of a file ends there (one file, one capture). */
        fdx_tcp_reasm_finish(r->tcp, fdx_producer_counters(r->pr), tcp_end, r);
    }
    fdx_producer_flush(r->pr);
    return rc == PCAP_ERROR ? -EIO : 0;
}

/* One message of an IPFIX file: the file has no addresses, so the exporter is unspecified;
 * the receive time is the message's export time. */
static void ipfix_file_msg(void *arg, const uint8_t *msg, size_t len)
{
    struct replay *r = arg;
    struct fdx_rd rd;
    fdx_rd_init(&rd, msg, len);
    fdx_rd_skip(&rd, 4); /* version, length */
    uint32_t export_s = fdx_rd_u32(&rd);
    struct fdx_datagram dg = {.data = msg, .len = len, .recv_ms = (int64_t)export_s * 1000};
    r->st.packets++;
    r->st.ipfix_msgs++;
    pace(r, dg.recv_ms);
    dispatch(r, &dg);
}

/* Returns 1 when the file starts like an IPFIX message (version 10), 0 when not, -errno. */
static int is_ipfix_file(FILE *f)
{
    uint8_t h[2];
    size_t n = fread(h, 1, sizeof(h), f);
    rewind(f);
    return ferror(f) ? -EIO : n == 2 && h[0] == 0 && h[1] == 10;
}

static int replay_ipfix_file(struct replay *r, FILE *f)
{
    struct fdx_ipfix_stream *s = malloc(sizeof(*s));
    uint8_t *buf = malloc(FDX_IPFIX_MAX_MSG);
    int rc = 0;
    if (s == NULL || buf == NULL) {
        rc = -ENOMEM;
    } else {
        fdx_ipfix_stream_init(s);
        size_t n;
        while (rc == 0 && (n = fread(buf, 1, FDX_IPFIX_MAX_MSG, f)) > 0) {
            rc = fdx_ipfix_stream_feed(s, fdx_producer_counters(r->pr), buf, n, ipfix_file_msg,
                                       r);
            progress(r, ftell(f), false);
        }
        if (rc == 0 && (ferror(f) || fdx_ipfix_stream_pending(s) != 0)) {
            rc = -EIO; /* read error, or the file ends inside a message */
        }
    }
    fdx_producer_flush(r->pr);
    free(buf);
    free(s);
    return rc;
}

/* Reads one file as a pcap/pcapng capture, or else as an IPFIX file. */
static int replay_one(struct replay *r, const char *file)
{
    FILE *f = fopen(file, "rb");
    if (f == NULL) {
        fprintf(stderr, "flowdex: replay: cannot open \"%s\": %s\n", file, strerror(errno));
        return -ENOENT;
    }
    struct stat sb;
    r->file = file;
    r->file_size = fstat(fileno(f), &sb) == 0 ? (long)sb.st_size : -1;
    if (is_ipfix_file(f) == 1) {
        int rc = replay_ipfix_file(r, f);
        fclose(f);
        if (rc != 0) {
            fprintf(stderr, "flowdex: replay: \"%s\": %s IPFIX file\n", file,
                    rc == -EPROTO ? "not a valid" : "truncated or unreadable");
        }
        return rc;
    }
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *pc = pcap_fopen_offline(f, ebuf); /* takes f: pcap_close closes it */
    if (pc == NULL) {
        fclose(f);
        fprintf(stderr, "flowdex: replay: \"%s\" is not a readable capture: %s\n", file, ebuf);
        return -EINVAL;
    }
    int rc = r->opts->filter != NULL ? apply_filter(pc, r->opts->filter, file) : 0;
    if (rc == 0 && (rc = replay_pcap(r, pc)) != 0) {
        fprintf(stderr, "flowdex: replay: \"%s\": read error after %llu packets: %s\n", file,
                (unsigned long long)r->st.packets, pcap_geterr(pc));
    }
    pcap_close(pc);
    return rc;
}

static void log_stats(const struct fdx_replay_stats *st)
{
    fdx_info("replay: %llu packets, %llu UDP datagrams, %llu IPFIX file messages, %llu TCP "
             "segments (%llu IPFIX messages); skipped: %llu neither UDP nor TCP, %llu not IP, "
             "%llu fragments, %llu truncated",
             (unsigned long long)st->packets, (unsigned long long)st->udp,
             (unsigned long long)st->ipfix_msgs, (unsigned long long)st->tcp,
             (unsigned long long)st->tcp_msgs, (unsigned long long)st->not_udp,
             (unsigned long long)st->not_ip, (unsigned long long)st->fragments,
             (unsigned long long)st->truncated);
}

int fdx_replay_run(const struct fdx_config *cfg, const struct fdx_replay_opts *opts,
                   char *const *files, size_t nfiles)
{
    struct fdx_err err = {""};
    struct fdx_pipeline *p = fdx_pipeline_new(cfg, 1, true, &err);
    if (p == NULL || fdx_pipeline_start(p, &err) != 0) {
        fprintf(stderr, "flowdex: %s\n", err.msg);
        fdx_pipeline_free(p);
        return 1;
    }
    struct replay *r = calloc(1, sizeof(*r));
    if (r == NULL) {
        fdx_pipeline_free(p);
        return 1;
    }
    r->pr = fdx_pipeline_producer(p, 0);
    r->opts = opts;
    r->pace_cap0 = -1;
    r->started = fdx_time_mono_ms();
    if (fdx_decode_ctx_init(&r->ctx, &cfg->decode, fdx_producer_counters(r->pr)) != 0) {
        fprintf(stderr, "flowdex: out of memory for decoder state\n");
        fdx_pipeline_free(p);
        free(r);
        return 1;
    }
    fdx_producer_bind(r->pr, &r->ctx);
    int code = 0;
    for (size_t i = 0; i < nfiles && code == 0; i++) {
        code = replay_one(r, files[i]) == 0 ? 0 : 1;
        progress(r, r->file_size, true);
    }
    /* Data sets still waiting for a template are lost: counted before the summary. */
    fdx_decode_ctx_drain(&r->ctx);
    fdx_producer_finish(r->pr);
    fdx_pipeline_drain(p, fdx_time_mono_ms() + (int64_t)cfg->core.shutdown_timeout);
    log_stats(&r->st);
    if (r->tcp != NULL) {
        const struct fdx_tcp_reasm_stats *ts = fdx_tcp_reasm_stats(r->tcp);
        fdx_info("replay: TCP: %llu IPFIX streams, %llu other streams ignored, %llu segments "
                 "retransmitted, %llu out of order, %llu streams abandoned at a gap, %llu "
                 "evicted", (unsigned long long)ts->ipfix_streams,
                 (unsigned long long)ts->other_streams, (unsigned long long)ts->retransmitted,
                 (unsigned long long)ts->out_of_order, (unsigned long long)ts->gaps,
                 (unsigned long long)ts->evicted);
    }
    fdx_summary_print(p, stderr);
    fdx_decode_ctx_fini(&r->ctx);
    fdx_tcp_reasm_free(r->tcp);
    fdx_pipeline_free(p);
    free(r);
    return code;
}
