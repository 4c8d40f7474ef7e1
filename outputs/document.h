/* Flow slot -> one JSON document, in the ECS schema (as Filebeat's netflow input writes it)
 * or the pmacct schema (pmacct's JSON field names). Pure: no I/O, no allocation beyond the
 * doc batch's bounded body. docs/fields.md lists every field (checked by a test). */
#ifndef FDX_DOCUMENT_H
#define FDX_DOCUMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "batch.h"
#include "json_writer.h"
#include "output.h"

struct fdx_intern;

enum fdx_schema { FDX_SCHEMA_ECS = 0, FDX_SCHEMA_PMACCT = 1 };

struct fdx_doc_opts {
    enum fdx_schema schema;
    bool extra_ies; /* write the extra-area IEs as netflow.<name> (default on) */
    bool skip_ids;  /* no output reads document ids: meta id_hi/id_lo stay 0 (saves a hash) */
};

/* Appends the document for slot s to d (body + meta). Returns 0, -ENOSPC when the body
 * bound is reached (nothing appended), or -ENOBUFS when d has no meta slot left. */
int fdx_document_encode(struct fdx_doc_batch *d, const struct fdx_slot *s,
                        const struct fdx_intern *strings, const struct fdx_doc_opts *o);

/* The deterministic document id of a record: a 128-bit hash of exporter, domain, flow key,
 * start/end time, export time, sequence number and position in its datagram. Replays give the
 * same ids; a datagram the exporter sent twice gives the same ids too (a counted duplicate). */
void fdx_document_id(const struct fdx_flow *f, uint64_t *hi, uint64_t *lo);

/* The id's hash in steps: fdx_doc_id_begin gathers the words (none when on is false: the
 * steps then do nothing and the id stays 0), each fdx_doc_id_step absorbs up to count of
 * them. Each word is a chain of dependent multiplications; the encoder takes a few steps
 * between the parts of a document, so that the processor works through them while it
 * writes the next part. */
#define FDX_DOC_ID_WORDS 16
struct fdx_doc_id_hash {
    uint64_t words[FDX_DOC_ID_WORDS];
    uint64_t hi, lo;
    unsigned n, done;
};
void fdx_doc_id_begin(struct fdx_doc_id_hash *h, const struct fdx_flow *f, bool on);
void fdx__doc_id_absorb(struct fdx_doc_id_hash *h, unsigned count);
/* Inline so that a document without an id (no output reads ids) pays no call per step. */
static inline void fdx_doc_id_step(struct fdx_doc_id_hash *h, unsigned count)
{
    if (h->done < h->n) {
        fdx__doc_id_absorb(h, count);
    }
}

/* Time that names the record's index: end, else start, else export, else receive. */
int64_t fdx_document_event_ms(const struct fdx_flow *f);

/* Object groups of an ECS document, in the order they are written. A writer of an optional
 * section is called once at the end of each group and writes keys under that group only
 * (JSON objects cannot be reopened). */
enum fdx_doc_group {
    FDX_DOC_EVENT,       /* event.* */
    FDX_DOC_SOURCE,      /* source.* */
    FDX_DOC_DESTINATION, /* destination.* */
    FDX_DOC_NETWORK,     /* network.* */
    FDX_DOC_OBSERVER,    /* observer.* */
    FDX_DOC_TAIL,        /* after netflow.*: any other top-level objects (labels, flowdex.*) */
};

/* Sections written by their own modules (document_enrich.c, document_counters.c). */
void fdx_document_enrich_ecs(struct fdx_jw *w, const struct fdx_slot *s,
                             const struct fdx_intern *strings, enum fdx_doc_group g);

/* The enrichment bits the writer of each group reads (document_enrich.c keeps it next to the
 * writers). */
extern const uint32_t fdx_doc_enrich_bits[FDX_DOC_TAIL + 1];

/* Whether fdx_document_enrich_ecs has anything to write for group g: most records carry
 * only a few enrichment fields, and the encoder skips the call for the other groups. */
static inline bool fdx_document_enrich_any(const struct fdx_slot *s, enum fdx_doc_group g)
{
    const uint64_t if_names = FDX_BIT(FDX_F_IN_IF_NAME) | FDX_BIT(FDX_F_OUT_IF_NAME);
    return (s->enr.present & fdx_doc_enrich_bits[g]) != 0 || s->enr.nlabels != 0 ||
           s->enr.anonymized != 0 || (g == FDX_DOC_OBSERVER && (s->flow.present & if_names));
}
void fdx_document_enrich_pmacct(struct fdx_jw *w, const struct fdx_slot *s,
                                const struct fdx_intern *strings);
void fdx_document_counters_ecs(struct fdx_jw *w, const struct fdx_slot *s);
/* Extra-area IEs as netflow.<name> (names from the IE registry when known). */
void fdx_document_extra_ies(struct fdx_jw *w, const struct fdx_slot *s, const char *prefix);

/* IANA protocol number -> lower-case keyword name ("tcp", "udp", "ipv6-icmp"), or NULL. */
const char *fdx_ip_proto_name(uint8_t proto);

#endif
