/* Replay: reads pcap/pcapng files with libpcap (offline), and IPFIX files (RFC 5655), and
 * feeds every flow datagram to the same decoders, stages and outputs as the daemon (one
 * producer, lossless: the reader waits for the workers instead of dropping). Link types,
 * VLAN tags and IP versions: see capture.h. The protocol is recognised from the payload,
 * not the port; the packet's source address and port are the exporter, its timestamp the
 * receive time. IP fragments are not reassembled: they are skipped and counted. IPFIX over
 * TCP is reassembled per connection (tcp_reassembly.h); the templates of a stream are
 * forgotten when it ends, as the daemon does when a connection closes. */
#ifndef FDX_REPLAY_H
#define FDX_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct fdx_replay_opts {
    const char *filter; /* BPF expression applied to every capture, or NULL: every packet */
    double speed;       /* 0: as fast as possible; else the capture's pace times speed */
    bool progress;      /* a progress line on stderr (the caller checks it is a terminal) */
};

/* Counts of what the captures held besides flow datagrams. */
struct fdx_replay_stats {
    uint64_t packets;    /* packets read */
    uint64_t udp;        /* UDP payloads handed to the decoders */
    uint64_t ipfix_msgs; /* messages of IPFIX files handed to the decoders */
    uint64_t tcp;        /* TCP segments (IPFIX over TCP is reassembled) */
    uint64_t tcp_msgs;   /* IPFIX messages reassembled from TCP streams */
    uint64_t not_udp;    /* IP but neither UDP nor TCP (ICMP …) */
    uint64_t not_ip;     /* unsupported link type or ethertype (ARP, LLC …) */
    uint64_t fragments;  /* IP fragments (not reassembled) */
    uint64_t truncated;  /* headers or payload cut short by the capture length */
};

/* Parses a --speed value: a positive number (1 = the capture's pace). Returns 0 or -EINVAL. */
int fdx_replay_parse_speed(const char *text, double *out);

/* Runs files through a new pipeline built from cfg and drains it. Returns the exit code:
 * 0, or 1 when a file cannot be read (message on stderr naming the file). */
int fdx_replay_run(const struct fdx_config *cfg, const struct fdx_replay_opts *opts,
                   char *const *files, size_t nfiles);

#endif
