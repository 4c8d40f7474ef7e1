/* The index template: explicit mappings for every field flowdex writes (both schemas), as a
 * composable _index_template (Elasticsearch >= 7.8, OpenSearch) or a legacy _template
 * (older Elasticsearch). The server version comes from GET /. docker/elasticsearch/ holds
 * the same template as a file (checked equal by a test). Control path (json-c). */
#ifndef FDX_ES_TEMPLATE_H
#define FDX_ES_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct fdx_es_field {
    const char *name;   /* dotted document path */
    const char *type;   /* mapping type: ip, long, date, keyword, geo_point, … */
    const char *schema; /* "ecs", "pmacct" or "ecs, pmacct" */
    const char *doc;    /* one line for docs/fields.md */
};

/* Every mapped field, NULL-terminated (name == NULL). */
extern const struct fdx_es_field fdx_es_fields[];

struct fdx_es_template_opts {
    const char *const *patterns; /* index patterns ("flowdex-flows-*"), n_patterns of them */
    size_t n_patterns;
    bool legacy;          /* _template body instead of _index_template */
    bool data_stream;     /* composable only: "data_stream": {} */
    unsigned shards;      /* 0 = leave to the cluster */
    unsigned replicas;    /* UINT_MAX = leave to the cluster */
};

/* Writes the template body as JSON (pretty when pretty is set). Returns 0 or -ENOMEM. */
int fdx_es_template_body(const struct fdx_es_template_opts *o, bool pretty, struct fdx_buf *out);

struct fdx_es_version {
    int major, minor;
    bool opensearch;
};

/* Parses the body of GET / ({"version":{"number":"8.11.1","distribution":…}}).
 * Returns 0 or -EPROTO. */
int fdx_es_version_parse(const char *body, size_t len, struct fdx_es_version *v);
/* Composable templates exist from Elasticsearch 7.8 and in every OpenSearch. */
bool fdx_es_version_composable(const struct fdx_es_version *v);

#endif
