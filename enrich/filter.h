/* Stage "filter": drops records whose source or destination is private/reserved, whose time
 * is too old or in the future, or whose exporter is not allowed; each with its own reason. */
#ifndef FDX_FILTER_H
#define FDX_FILTER_H

#include "stage.h"

extern const struct fdx_stage_ops fdx_stage_filter;

#endif
