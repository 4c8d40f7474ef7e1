/* What NetFlow v9 and IPFIX share once their headers are read: data sets against the
 * template cache (or kept pending until their template arrives), template arrival (which
 * releases pending sets), withdrawals and per-message accounting. Module tag: sets.
 * Layer-internal (fdx__ prefix). Runs on the thread that owns the decode ctx. */
#ifndef FDX_SET_WALK_H
#define FDX_SET_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "reader.h"
#include "template_program.h"

struct fdx_exporter;

/* State of the walk over one message. */
struct fdx_set_walk {
    struct fdx_decode_ctx *ctx;
    struct fdx_exporter *exp;
    struct fdx_msg_info msg;
    size_t records;       /* records decoded from this message's own sets */
    size_t late_records;  /* records of earlier messages released by a template here */
    unsigned unresolved;  /* data sets of this message that could not be decoded now */
};

/* Starts a walk: finds the exporter state (NULL when the exporter table is full). */
struct fdx_exporter *fdx__sets_begin(struct fdx_set_walk *w, struct fdx_decode_ctx *ctx,
                                     const struct fdx_msg_info *m);

/* Next set (NetFlow v9 flowset) of the message in rd: reads its 4-byte header and makes
 * body a sub-reader over the rest. Returns false at the end of the message or when the walk
 * must stop (a bad length or a truncated set is counted in record_drop). Per protocol
 * (w->msg.proto): NetFlow v9 stops silently at fewer than 4 bytes left and at a zero-filled
 * header (padding after the last flowset); IPFIX counts a partial set header as truncated.
 * outer (IPFIX: the datagram, or NULL) lets the last set end past the message length but
 * inside the datagram (an exporter that under-counts the message length). */
bool fdx__sets_next(struct fdx_set_walk *w, struct fdx_rd *rd, const struct fdx_rd *outer,
                    uint16_t *id, struct fdx_rd *body);

/* Decodes one data set (set_id >= 256; body = set without its 4-byte header), or keeps it
 * pending when its template is unknown. */
void fdx__sets_data(struct fdx_set_walk *w, uint16_t set_id, struct fdx_rd *body);

/* Stores a template (fields as declared) and, when it is new or changed, decodes the sets
 * that were waiting for it. A refused template is counted in record_drop[reason]. */
void fdx__sets_template(struct fdx_set_walk *w, uint16_t tid, struct fdx_field_spec *f,
                        unsigned n, unsigned scope_count, bool is_options);

/* IPFIX withdrawal (RFC 7011 §8.1): one template, or all (tid == set id 2 or 3). */
void fdx__sets_withdraw(struct fdx_set_walk *w, uint16_t tid, bool is_options);

/* Ends the walk: per-exporter record count; returns the records appended (own and late). */
size_t fdx__sets_end(struct fdx_set_walk *w);

#endif
