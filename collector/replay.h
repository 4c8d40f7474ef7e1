/* Replay: reads pcap/pcapng files with libpcap (offline) and feeds every UDP payload to the
 * same decoders, stages and outputs as the daemon (one producer, lossless: the reader waits
 * for the workers instead of dropping). Link types: Ethernet (802.1Q/802.1ad tags), raw IP,
 * Linux SLL and SLL2, BSD null/loopback. IPv4 and IPv6; the packet's source address and
 * port are the exporter, its timestamp the receive time. IP fragments are not reassembled:
 * they are skipped and counted in the replay log line. */
#ifndef FDX_REPLAY_H
#define FDX_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "decode.h"

/* Counts of what the capture held besides flow datagrams. */
struct fdx_replay_stats {
    uint64_t packets;      /* packets read */
    uint64_t udp;          /* UDP payloads handed to the decoders */
    uint64_t not_udp;      /* not IPv4/IPv6 UDP (ARP, TCP, ICMP …) */
    uint64_t fragments;    /* IP fragments (not reassembled) */
    uint64_t truncated;    /* headers cut short by the capture length */
    uint64_t bad_link;     /* packets of an unsupported link type */
};

/* Extracts the UDP datagram of one captured frame: fills dg (data, len, exporter, port) and
 * returns 0, or a negative value with the reason counted in st. linktype is the pcap DLT.
 * Pure (no I/O); every byte read through the bounds-checked reader. */
int fdx_replay_extract(int linktype, const uint8_t *frame, size_t caplen, struct fdx_datagram *dg,
                       struct fdx_replay_stats *st);

/* Runs files through a new pipeline built from cfg and drains it. Returns the exit code:
 * 0, or 1 when a file cannot be read as a capture (message on stderr). */
int fdx_replay_run(const struct fdx_config *cfg, char *const *files, size_t nfiles);

#endif
