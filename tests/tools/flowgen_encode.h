/* Builders of valid export datagrams for the flow generator and the benchmarks: NetFlow v5,
 * NetFlow v9, IPFIX and sFlow v5, with deterministic synthetic flows. */
#ifndef FDX_FLOWGEN_ENCODE_H
#define FDX_FLOWGEN_ENCODE_H

#include <stddef.h>
#include <stdint.h>

enum flowgen_proto { FLOWGEN_V5, FLOWGEN_V9, FLOWGEN_IPFIX, FLOWGEN_SFLOW };

struct flowgen_state {
    enum flowgen_proto proto;
    unsigned flows_per_packet; /* records (v5/v9/IPFIX) or flow samples (sFlow) per datagram */
    uint32_t tuples;           /* distinct 5-tuples cycled through */
    uint32_t exporter_id;      /* distinguishes exporters: source id / agent address */
    uint32_t template_every;   /* v9/IPFIX: resend the template every N datagrams */
    uint32_t sampling_rate;    /* sFlow sampling rate (1 in N) */
    uint64_t next_tuple;       /* position in the tuple cycle */
    uint32_t seq;              /* export sequence number (protocol-specific unit) */
    uint64_t datagrams;        /* datagrams built so far */
    int64_t start_unix_ms;     /* wall clock at start; export times advance from here */
    int64_t now_ms;            /* export time of the datagram being built */
    uint64_t total_packets;    /* packets and bytes of all records built, as encoded (sFlow: */
    uint64_t total_bytes;      /*   one packet of frame length per sample) */
};

/* Largest datagram the builders make. */
#define FLOWGEN_MAX_DGRAM 1500

/* Maximum records per datagram for the protocol (v5: 30; others by size). */
unsigned flowgen_max_flows(enum flowgen_proto p);

/* Builds the next datagram into out (FLOWGEN_MAX_DGRAM bytes); returns its length and adds
 * the number of flow records it carries to *records. */
size_t flowgen_build(struct flowgen_state *st, uint8_t *out, uint64_t *records);

/* The synthetic 5-tuple number i: public-looking IPv4 addresses spread over the space. */
void flowgen_tuple(uint64_t i, uint32_t *src, uint32_t *dst, uint16_t *sport, uint16_t *dport,
                   uint8_t *proto);

#endif
