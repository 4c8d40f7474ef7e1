/* Enrichment fields of a document (geo, AS organisation, tags, community id, anonymization).
 * Written by the enrichment stages' owner. */
#include "document.h"

void fdx_document_enrich_ecs(struct fdx_jw *w, const struct fdx_slot *s,
                             const struct fdx_intern *strings, enum fdx_doc_group g)
{
    (void)w;
    (void)s;
    (void)strings;
    (void)g;
}

void fdx_document_enrich_pmacct(struct fdx_jw *w, const struct fdx_slot *s,
                                const struct fdx_intern *strings)
{
    (void)w;
    (void)s;
    (void)strings;
}
