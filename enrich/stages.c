/* The static registry of stages: the whole list, in one place. */
#include "stage.h"

#include <string.h>

#include "anonymize.h"
#include "asn.h"
#include "asorg.h"
#include "community_id.h"
#include "filter.h"
#include "geoip.h"
#include "prefix_table.h"
#include "tags.h"

static const struct fdx_stage_ops *const all_stages[] = {
    &fdx_stage_filter,
    &fdx_stage_geoip,
    &fdx_stage_asn,
    &fdx_stage_asorg,
    &fdx_stage_prefix_table,
    &fdx_stage_tags,
    &fdx_stage_community_id,
    &fdx_stage_anonymize,
    NULL,
};

const struct fdx_stage_ops *const *fdx_stage_all(void)
{
    return all_stages;
}

const struct fdx_stage_ops *fdx_stage_find(const char *name)
{
    for (size_t i = 0; all_stages[i] != NULL; i++) {
        if (strcmp(all_stages[i]->name, name) == 0) {
            return all_stages[i];
        }
    }
    return NULL;
}
