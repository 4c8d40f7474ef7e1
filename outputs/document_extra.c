/* Extra-area IEs (vendor, enterprise and unmapped IANA elements) as netflow.<name>. */
#include "document.h"

#include <stdio.h>

void fdx_document_extra_ies(struct fdx_jw *w, const struct fdx_slot *s, const char *prefix)
{
    const struct fdx_flow_extra *x = &s->extra;
    for (unsigned i = 0; i < x->n; i++) {
        const struct fdx_extra_ie *ie = &x->ie[i];
        char key[96];
        if (ie->pen != 0) {
            snprintf(key, sizeof(key), "%s.pen%u_%u", prefix, ie->pen, ie->id);
        } else {
            snprintf(key, sizeof(key), "%s.ie%u", prefix, ie->id);
        }
        fdx_jw_hex(w, key, x->data + ie->off, ie->len);
    }
}
