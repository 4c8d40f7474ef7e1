/* flowgen: a bounded generator of valid NetFlow v5/v9, IPFIX and sFlow v5 export datagrams,
 * sent over UDP to a loopback collector or written to a pcap file. Always stops by itself:
 * after --count datagrams or --duration seconds, whichever comes first. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "flowgen_encode.h"

#define BURST 64
#define MAX_EXPORTERS 64

struct options {
    enum flowgen_proto proto;
    const char *dest;
    const char *pcap;
    uint64_t count;
    double duration_s;
    double rate; /* datagrams per second; 0 = as fast as possible */
    unsigned flows_per_packet;
    unsigned exporters;
    uint32_t tuples;
    uint32_t template_every;
    uint32_t sampling_rate;
    int sndbuf;
    bool allow_remote; /* lab use only (docker compose): any destination, host names resolved */
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: flowgen --proto v5|v9|ipfix|sflow (--dest ADDR:PORT | --pcap FILE) [options]\n"
            "  --count N            datagrams to send (default 10000)\n"
            "  --duration S         stop after S seconds at most (default 60)\n"
            "  --rate R             datagrams per second, 0 = as fast as possible (default 0)\n"
            "  --flows K            records (or sFlow samples) per datagram (default: max)\n"
            "  --exporters E        distinct exporters, 127.0.0.1..E as sources (default 1)\n"
            "  --tuples T           distinct 5-tuples per exporter (default 100000)\n"
            "  --template-every N   v9/IPFIX: template in every Nth datagram (default 20)\n"
            "  --sampling N         sFlow sampling rate (default 1000)\n"
            "  --allow-remote       allow a non-loopback destination or a host name (lab use)\n"
            "Prints datagrams, records and elapsed seconds when done.\n");
}

static int parse_proto(const char *s, enum flowgen_proto *p)
{
    static const struct {
        const char *name;
        enum flowgen_proto p;
    } names[] = {{"v5", FLOWGEN_V5},       {"netflow5", FLOWGEN_V5}, {"v9", FLOWGEN_V9},
                 {"netflow9", FLOWGEN_V9}, {"ipfix", FLOWGEN_IPFIX}, {"sflow", FLOWGEN_SFLOW}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            *p = names[i].p;
            return 0;
        }
    }
    return -EINVAL;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"proto", required_argument, NULL, 'p'},    {"dest", required_argument, NULL, 'd'},
        {"pcap", required_argument, NULL, 'w'},     {"count", required_argument, NULL, 'n'},
        {"duration", required_argument, NULL, 't'}, {"rate", required_argument, NULL, 'r'},
        {"flows", required_argument, NULL, 'f'},    {"exporters", required_argument, NULL, 'e'},
        {"tuples", required_argument, NULL, 'u'},   {"template-every", required_argument, NULL, 'T'},
        {"sampling", required_argument, NULL, 's'}, {"sndbuf", required_argument, NULL, 'b'},
        {"allow-remote", no_argument, NULL, 'R'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (struct options){.proto = FLOWGEN_V5, .count = 10000, .duration_s = 60, .exporters = 1,
                          .tuples = 100000, .template_every = 20, .sampling_rate = 1000,
                          .sndbuf = 8 << 20};
    bool have_proto = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_proto(optarg, &o->proto) != 0) {
                fprintf(stderr, "flowgen: --proto %s: expected v5, v9, ipfix or sflow\n", optarg);
                return -EINVAL;
            }
            have_proto = true;
            break;
        case 'd':
            o->dest = optarg;
            break;
        case 'w':
            o->pcap = optarg;
            break;
        case 'n':
            o->count = strtoull(optarg, NULL, 10);
            break;
        case 't':
            o->duration_s = strtod(optarg, NULL);
            break;
        case 'r':
            o->rate = strtod(optarg, NULL);
            break;
        case 'f':
            o->flows_per_packet = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'e':
            o->exporters = (unsigned)strtoul(optarg, NULL, 10);
            break;
        case 'u':
            o->tuples = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 'T':
            o->template_every = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 's':
            o->sampling_rate = (uint32_t)strtoul(optarg, NULL, 10);
            break;
        case 'b':
            o->sndbuf = (int)strtol(optarg, NULL, 10);
            break;
        case 'R':
            o->allow_remote = true;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -EINVAL;
        }
    }
    if (!have_proto || (o->dest == NULL) == (o->pcap == NULL)) {
        usage(stderr);
        return -EINVAL;
    }
    if (o->exporters == 0 || o->exporters > MAX_EXPORTERS || o->duration_s <= 0 ||
        o->duration_s > 3600) {
        fprintf(stderr, "flowdex flowgen: --exporters 1..%d and --duration (0, 3600] only\n",
                MAX_EXPORTERS);
        return -EINVAL;
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Loopback destinations only, unless allow_remote: this tool is for tests and benchmarks on
 * one machine, and for the lab stack where the collector is another container. */
static int parse_dest(const char *text, bool allow_remote, struct sockaddr_storage *ss,
                      socklen_t *len)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    if (colon == NULL || (size_t)(colon - text) >= sizeof(host)) {
        return -EINVAL;
    }
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *h = host;
    if (h[0] == '[') {
        h++;
        h[strlen(h) - 1] = '\0';
    }
    int port = atoi(colon + 1);
    memset(ss, 0, sizeof(*ss));
    if (allow_remote) {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM};
        struct addrinfo *res = NULL;
        if (getaddrinfo(h, colon + 1, &hints, &res) != 0 || res == NULL) {
            return -EINVAL;
        }
        memcpy(ss, res->ai_addr, res->ai_addrlen);
        *len = res->ai_addrlen;
        freeaddrinfo(res);
        return 0;
    }
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, h, &in4->sin_addr) == 1) {
        if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127) {
            return -EPERM;
        }
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *len = sizeof(*in4);
        return 0;
    }
    if (inet_pton(AF_INET6, h, &in6->sin6_addr) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
            return -EPERM;
        }
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*in6);
        return 0;
    }
    return -EINVAL;
}

/* exporter < 0: no bind (the kernel picks the source address). */
static int open_socket(const struct sockaddr_storage *dst, int exporter, int sndbuf)
{
    int fd = socket(dst->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
    if (dst->ss_family == AF_INET && exporter >= 0) {
        /* Each exporter sends from its own loopback address: 127.0.0.1, 127.0.0.2, … */
        struct sockaddr_in src = {.sin_family = AF_INET};
        src.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)exporter);
        if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0) {
            int rc = -errno;
            close(fd);
            return rc;
        }
    }
    return fd;
}

/* Classic pcap: Ethernet + IPv4 + UDP around each datagram, sources 192.0.2.(1+exporter). */
static void pcap_write_header(FILE *f)
{
    uint32_t hdr[6] = {0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 1};
    uint16_t v[2] = {2, 4};
    fwrite(&hdr[0], 4, 1, f);
    fwrite(v, 2, 2, f);
    fwrite(&hdr[2], 4, 4, f);
}

static void pcap_write_packet(FILE *f, const uint8_t *data, size_t len, unsigned exporter,
                              uint16_t dport, int64_t ts_ms)
{
    uint8_t hdr[42] = {0};
    static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
    memcpy(hdr, macs, 12);
    hdr[12] = 0x08;
    uint8_t *ip = hdr + 14;
    uint16_t ip_len = (uint16_t)(20 + 8 + len);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(ip_len >> 8);
    ip[3] = (uint8_t)ip_len;
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = 17;
    uint8_t src[4] = {192, 0, 2, (uint8_t)(1 + exporter)};
    uint8_t dst[4] = {198, 51, 100, 1};
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) {
        sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ip[10] = (uint8_t)(~sum >> 8);
    ip[11] = (uint8_t)~sum;
    uint8_t *udp = ip + 20;
    udp[0] = 40000 >> 8;
    udp[1] = 40000 & 0xff;
    udp[2] = (uint8_t)(dport >> 8);
    udp[3] = (uint8_t)dport;
    udp[4] = (uint8_t)((8 + len) >> 8);
    udp[5] = (uint8_t)(8 + len);
    uint32_t rec[4] = {(uint32_t)(ts_ms / 1000), (uint32_t)(ts_ms % 1000) * 1000,
                       (uint32_t)(42 + len), (uint32_t)(42 + len)};
    fwrite(rec, 4, 4, f);
    fwrite(hdr, 1, sizeof(hdr), f);
    fwrite(data, 1, len, f);
}

static uint16_t default_port(enum flowgen_proto p)
{
    return p == FLOWGEN_SFLOW ? 6343 : (p == FLOWGEN_IPFIX ? 4739 : 2055);
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_options(argc, argv, &o) != 0) {
        return 2;
    }
    static struct flowgen_state st[MAX_EXPORTERS];
    int64_t start_ms = wall_ms();
    for (unsigned e = 0; e < o.exporters; e++) {
        st[e] = (struct flowgen_state){.proto = o.proto, .flows_per_packet = o.flows_per_packet,
                                       .tuples = o.tuples, .exporter_id = e + 1,
                                       .template_every = o.template_every,
                                       .sampling_rate = o.sampling_rate,
                                       .start_unix_ms = start_ms, .now_ms = start_ms};
    }

    FILE *pcap = NULL;
    int fds[MAX_EXPORTERS];
    struct sockaddr_storage dst;
    socklen_t dst_len = 0;
    if (o.pcap != NULL) {
        pcap = fopen(o.pcap, "wb");
        if (pcap == NULL) {
            fprintf(stderr, "flowgen: %s: %s\n", o.pcap, strerror(errno));
            return 1;
        }
        pcap_write_header(pcap);
    } else {
        int rc = parse_dest(o.dest, o.allow_remote, &dst, &dst_len);
        if (rc != 0) {
            fprintf(stderr, "flowgen: --dest %s: %s\n", o.dest,
                    rc == -EPERM ? "only loopback destinations are allowed" : "expected ADDR:PORT");
            return 2;
        }
        for (unsigned e = 0; e < o.exporters; e++) {
            fds[e] = open_socket(&dst, o.allow_remote ? -1 : (int)e, o.sndbuf);
            if (fds[e] < 0) {
                fprintf(stderr, "flowgen: socket for exporter %u: %s\n", e, strerror(-fds[e]));
                return 1;
            }
        }
    }

    static uint8_t bufs[BURST][FLOWGEN_MAX_DGRAM];
    struct mmsghdr msgs[BURST];
    struct iovec iov[BURST];
    uint64_t sent = 0, records = 0, send_errors = 0;
    double t0 = now_s();
    double deadline = t0 + o.duration_s;
    unsigned e = 0;
    while (sent < o.count) {
        double t = now_s();
        if (t >= deadline) {
            break;
        }
        unsigned burst = BURST;
        if (o.rate > 0) {
            double due = (t - t0) * o.rate - (double)sent; /* datagrams owed by now */
            if (due < 1) {
                struct timespec ts = {0, 200000};
                nanosleep(&ts, NULL);
                continue;
            }
            if (due < burst) {
                burst = (unsigned)due;
            }
        }
        if (burst > o.count - sent) {
            burst = (unsigned)(o.count - sent);
        }
        /* One burst comes from one exporter, so sendmmsg can batch on its socket. */
        struct flowgen_state *s = &st[e];
        s->now_ms = start_ms + (int64_t)((t - t0) * 1000);
        for (unsigned i = 0; i < burst; i++) {
            size_t len = flowgen_build(s, bufs[i], &records);
            if (pcap != NULL) {
                pcap_write_packet(pcap, bufs[i], len, e, default_port(o.proto), s->now_ms);
            }
            iov[i] = (struct iovec){bufs[i], len};
            msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &dst, .msg_namelen = dst_len,
                                                   .msg_iov = &iov[i], .msg_iovlen = 1}};
        }
        if (pcap == NULL) {
            unsigned done = 0;
            while (done < burst) {
                int n = sendmmsg(fds[e], msgs + done, burst - done, 0);
                if (n < 0) {
                    if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) {
                        send_errors++;
                        continue;
                    }
                    fprintf(stderr, "flowgen: sendmmsg: %s\n", strerror(errno));
                    return 1;
                }
                done += (unsigned)n;
            }
        }
        sent += burst;
        e = (e + 1) % o.exporters;
    }
    double elapsed = now_s() - t0;
    if (pcap != NULL) {
        fclose(pcap);
    }
    uint64_t packets = 0, bytes = 0;
    for (unsigned i = 0; i < o.exporters; i++) {
        packets += st[i].total_packets;
        bytes += st[i].total_bytes;
    }
    printf("datagrams %llu records %llu packets %llu bytes %llu seconds %.3f datagrams_per_s %.0f "
           "records_per_s %.0f send_retries %llu\n",
           (unsigned long long)sent, (unsigned long long)records, (unsigned long long)packets,
           (unsigned long long)bytes, elapsed,
           elapsed > 0 ? (double)sent / elapsed : 0, elapsed > 0 ? (double)records / elapsed : 0,
           (unsigned long long)send_errors);
    return 0;
}
