/* Enrichment results, stored beside each flow record in its batch slot. Strings are intern
 * ids of the worker's table (batch->strings); 0 means "no value". Filled by the enrich stages,
 * read by the document encoder. */
#ifndef FDX_ENRICHMENT_H
#define FDX_ENRICHMENT_H

#include <stdbool.h>
#include <stdint.h>

/* Presence bits of struct fdx_enrichment. */
enum fdx_enr_field {
    FDX_E_SRC_GEO,
    FDX_E_DST_GEO,
    FDX_E_SRC_AS, /* src_as was looked up (the record carried none or a meaningless one) */
    FDX_E_DST_AS,
    FDX_E_SRC_AS_ORG,
    FDX_E_DST_AS_ORG,
    FDX_E_COMMUNITY_ID,
    FDX_E_SENSOR,
    FDX_E_COUNTRY_SCOPE,
    FDX_E_IN_IF_NAME,
    FDX_E_OUT_IF_NAME,
    FDX_E__COUNT
};

#define FDX_EBIT(f) (UINT32_C(1) << (f))

struct fdx_geo {
    double lat, lon;
    uint32_t country_iso; /* intern id, e.g. "SE" */
    uint32_t country_name;
    uint32_t continent_code;
    uint32_t city_name;
    uint32_t region_name;
    bool has_location;
    bool is_multicast;
};

/* Free-form fields from prefix tables, tag rules and custom MMDBs: document field name
 * (intern id, dotted path such as "source.organization") = value (intern id). */
#define FDX_ENR_LABELS_MAX 16
struct fdx_label {
    uint32_t key;
    uint32_t value;
};

/* Which document fields were anonymized (FDX_ANON_*). */
enum {
    FDX_ANON_SRC_ADDR = 1,
    FDX_ANON_DST_ADDR = 2,
    FDX_ANON_REDACTED = 4,
    FDX_ANON_NEXT_HOP = 8,
    FDX_ANON_BGP_NEXT_HOP = 16,
    FDX_ANON_POST_NAT = 32,
};

/* How addresses were anonymized (anon_mode). */
enum { FDX_ANON_MODE_NONE = 0, FDX_ANON_MODE_TRUNCATE = 1, FDX_ANON_MODE_CRYPTOPAN = 2 };

/* src_as / dst_as value meaning "looked up, not found, write no field". */
#define FDX_AS_ABSENT INT64_MIN

struct fdx_enrichment {
    /* The header a fresh slot clears (fdx_batch_next), kept in one cache line with the end
     * of the flow record. */
    uint32_t present;   /* FDX_EBIT(FDX_E_x) */
    uint8_t anonymized; /* FDX_ANON_* bits */
    uint8_t anon_mode;  /* FDX_ANON_MODE_* */
    uint8_t nlabels;
    struct fdx_geo src_geo, dst_geo;
    int64_t src_as, dst_as; /* looked-up AS numbers; -1 unknown; FDX_AS_ABSENT: no field */
    uint32_t src_as_org, dst_as_org;
    uint32_t sensor;        /* exporter (sensor) name */
    uint32_t country_scope; /* "domestic" / "international" / "mixed" */
    uint32_t in_if_name, out_if_name;
    char community_id[32];  /* "1:" + base64 of SHA-1, NUL-terminated */
    struct fdx_label label[FDX_ENR_LABELS_MAX];
};

#endif
