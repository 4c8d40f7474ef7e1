/* Stage "asorg": AS organisation names from a CAIDA AS-to-organisation file (as-org2info.txt,
 * their pipe-separated text format), for the record's AS or the one the asn stage found. */
#ifndef FDX_ASORG_H
#define FDX_ASORG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "stage.h"

/* A parsed file: AS numbers sorted, each with its organisation name. Immutable. */
struct fdx_asorg_table;

/* Parses the text of an as-org2info file (both its "org" and "aut" sections). Returns NULL
 * with err filled on failure; an AS whose org_id is unknown gets its aut_name. */
struct fdx_asorg_table *fdx_asorg_parse(const char *text, size_t len, const char *name,
                                        struct fdx_err *err);
void fdx_asorg_table_free(struct fdx_asorg_table *t);
size_t fdx_asorg_count(const struct fdx_asorg_table *t);
/* Organisation name of as (length in *len), or NULL. */
const char *fdx_asorg_find(const struct fdx_asorg_table *t, uint32_t as, size_t *len);

extern const struct fdx_stage_ops fdx_stage_asorg;

#endif
