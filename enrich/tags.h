/* Stage "tags": sensor (exporter) names from a table, fields from regular expressions on the
 * sensor name (group, type ...), interface names by exporter and ifIndex, country scope
 * (domestic / international / mixed against home countries) and port-based tags. */
#ifndef FDX_TAGS_H
#define FDX_TAGS_H

#include "stage.h"

extern const struct fdx_stage_ops fdx_stage_tags;

#endif
