/* Compiled templates (NetFlow v9 RFC 3954 §5.2-5.3, IPFIX RFC 7011 §3.4): a template is
 * compiled once, when it arrives, into a list of ops; data records then run the ops. Records
 * of a fixed-length template are bounds-checked once and decoded with unchecked loads at
 * precomputed offsets; variable-length records go through a sub-reader per field.
 * Module tag: program. Never allocates per record. */
#ifndef FDX_TEMPLATE_PROGRAM_H
#define FDX_TEMPLATE_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "decode.h"
#include "reader.h"

#define FDX_VARLEN 0xffffu           /* IPFIX variable-length field (RFC 7011 §7) */
#define FDX_TEMPLATE_MAX_FIELDS 1024 /* fields per template; more is refused (bad_template) */

/* One field specifier as the template declared it. */
struct fdx_field_spec {
    uint32_t pen;  /* enterprise number; 0 = IANA / NetFlow v9 */
    uint16_t id;   /* element id, enterprise bit cleared */
    uint16_t len;  /* bytes on the wire, or FDX_VARLEN */
    uint8_t scope; /* NetFlow v9 options scope field (own id space) */
};

enum fdx_op_kind {
    FDX_OP_SKIP = 0, /* padding (only kept in variable-length programs) */
    FDX_OP_UINT,     /* big-endian unsigned of 1..8 bytes into a target */
    FDX_OP_ADDR4,
    FDX_OP_ADDR6,
    FDX_OP_MAC,
    FDX_OP_MPLS,
    FDX_OP_FLOAT, /* float64 (samplingProbability) */
    FDX_OP_EXTRA, /* kept in the extra area */
};

struct fdx_op {
    uint16_t off;      /* offset in the record (fixed-length programs) */
    uint16_t wire_len; /* bytes, or FDX_VARLEN */
    uint8_t kind;      /* enum fdx_op_kind */
    uint8_t target;    /* enum fdx_ie_target */
    uint8_t type;      /* extra: enum fdx_ie_type */
    uint8_t reverse;   /* extra: RFC 5103 reverse element */
    uint16_t id;       /* element id */
    uint32_t pen;
};

struct fdx_program {
    uint16_t nops;
    uint16_t fixed_len; /* record length when no field is variable-length, else 0 */
    uint16_t min_len;   /* smallest possible record (a variable field counts 1 byte) */
    uint16_t scope_count;
    bool is_options;
    struct fdx_op op[];
};

/* What the export header said; kept with data sets that wait for their template, so records
 * decoded late use their own datagram's times. */
struct fdx_msg_info {
    struct fdx_addr exporter;
    uint16_t exporter_port;
    uint8_t proto;      /* FDX_PROTO_NF9 or FDX_PROTO_IPFIX */
    uint32_t domain_id; /* v9 source id, IPFIX observation domain */
    uint32_t seq;
    uint32_t uptime_ms; /* v9 sysUptime */
    int64_t export_ms;
    int64_t recv_ms;
};

/* Compiles n field specs. Returns a program to release with free(), or NULL with *why set
 * (FDX_DROP_BAD_TEMPLATE for an impossible template; 0 on allocation failure). */
struct fdx_program *fdx_program_compile(const struct fdx_field_spec *f, unsigned n,
                                        unsigned scope_count, bool is_options, uint8_t proto,
                                        enum fdx_drop *why);

/* Bytes a compiled program of n fields takes (cache accounting). */
size_t fdx_program_size(unsigned n);

struct fdx_exporter;

/* Decodes every record of one data set (the set header already consumed; set is the set
 * body) into ctx's sink. Options records are emitted as FDX_KIND_OPTIONS and their sampling
 * is stored in exp. Padding after the last record is ignored. A record that runs past the
 * set is counted (record_drop[TRUNCATED]). Returns the number of records appended. */
size_t fdx_program_decode_set(struct fdx_decode_ctx *ctx, const struct fdx_program *p,
                              struct fdx_exporter *exp, const struct fdx_msg_info *m,
                              struct fdx_rd *set);

#endif
