/* Interface counter samples (sFlow) as metric documents. */
#include "document.h"

void fdx_document_counters_ecs(struct fdx_jw *w, const struct fdx_slot *s)
{
    (void)w;
    (void)s;
}
