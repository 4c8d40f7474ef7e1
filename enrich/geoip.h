/* Stage "geoip": country, continent, region, city and location of source and destination
 * from a MaxMind City or Country database, multicast destinations tagged, and any other MMDB
 * mapped to document fields by configuration ("custom"). Results cached per worker. */
#ifndef FDX_GEOIP_H
#define FDX_GEOIP_H

#include "stage.h"

extern const struct fdx_stage_ops fdx_stage_geoip;

#endif
