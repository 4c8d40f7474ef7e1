/* The document id: a 128-bit hash of the record's identity (document.h), in steps that the
 * encoder spreads over the document (see fdx_doc_id_hash). */
#include "document.h"

#include <string.h>

/* 64-bit mixing (the finaliser of SplitMix64); two lanes with different seeds give the
 * 128-bit id. Not cryptographic: ids need to be stable and practically collision-free. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static void absorb(uint64_t *h, uint64_t v, uint64_t k)
{
    *h = mix64(*h ^ (v + k));
}

void fdx_doc_id_begin(struct fdx_doc_id_hash *h, const struct fdx_flow *f, bool on)
{
    h->done = 0;
    h->n = 0;
    if (!on) {
        h->hi = h->lo = 0; /* no id */
        return;
    }
    h->hi = 0x6a09e667f3bcc908ULL;
    h->lo = 0xbb67ae8584caa73bULL;
    uint64_t *words = h->words;
    unsigned n = 0;
    uint64_t w;
    for (int i = 0; i < 16; i += 8) {
        memcpy(&w, f->exporter.b + i, 8);
        words[n++] = w;
        memcpy(&w, f->src.b + i, 8);
        words[n++] = w;
        memcpy(&w, f->dst.b + i, 8);
        words[n++] = w;
    }
    words[n++] = (uint64_t)f->domain_id << 32 | f->export_seq;
    words[n++] = (uint64_t)f->src_port << 48 | (uint64_t)f->dst_port << 32 |
                 (uint64_t)f->ip_proto << 24 | (uint64_t)f->proto << 16 | f->rec_index;
    words[n++] = (uint64_t)f->start_ms;
    words[n++] = (uint64_t)f->end_ms;
    words[n++] = f->raw_bytes;
    words[n++] = f->raw_packets;
    words[n++] = (uint64_t)f->in_if << 32 | f->out_if;
    words[n++] = (uint64_t)f->kind;
    /* Export time: two exports from one address (another session, another sampling) may
     * repeat sequence numbers and flow keys, and records without start/end times would
     * otherwise share ids across them. A replayed export keeps its export time. */
    words[n++] = (uint64_t)f->export_ms;
    h->n = n;
}

void fdx__doc_id_absorb(struct fdx_doc_id_hash *h, unsigned count)
{
    unsigned end = FDX_MIN(h->done + count, h->n);
    uint64_t a = h->hi, b = h->lo;
    for (unsigned i = h->done; i < end; i++) {
        absorb(&a, h->words[i], 0x9e3779b97f4a7c15ULL);
        absorb(&b, h->words[i], 0xc2b2ae3d27d4eb4fULL);
    }
    h->hi = a;
    h->lo = b;
    h->done = end;
}

void fdx_document_id(const struct fdx_flow *f, uint64_t *hi, uint64_t *lo)
{
    struct fdx_doc_id_hash h;
    fdx_doc_id_begin(&h, f, true);
    fdx_doc_id_step(&h, FDX_DOC_ID_WORDS);
    *hi = h.hi;
    *lo = h.lo;
}
