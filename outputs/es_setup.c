/* Control requests of the Elasticsearch output, made on the output thread with a bounded
 * timeout: reading the server version (GET /), installing the index template (composable
 * _index_template on Elasticsearch >= 7.8 and OpenSearch, legacy _template otherwise), and
 * the daily retention pass (GET _cat/indices, DELETE of indices past retention_days). */
#include "es_output.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "es_template.h"

static size_t patterns(const struct es_output *o, char pats[2][FDX_ES_INDEX_MAX])
{
    fdx_es_index_wildcard(o->conf.index, pats[0], FDX_ES_INDEX_MAX);
    fdx_es_index_wildcard(o->conf.counters_index, pats[1], FDX_ES_INDEX_MAX);
    return strcmp(pats[0], pats[1]) == 0 ? 1 : 2;
}

int fdx__es_install_template(struct es_output *o)
{
    struct fdx_buf resp, body;
    fdx_buf_init(&resp, 0);
    fdx_buf_init(&body, 0);
    long status = 0;
    int rc = fdx_es_client_sync(o->client, "GET", "/", NULL, 0, &status, &resp);
    struct fdx_es_version v;
    if (rc == 0 && status == 200) {
        rc = fdx_es_version_parse(resp.p, resp.len, &v);
    } else if (rc == 0) {
        rc = -EIO;
    }
    if (rc != 0) {
        fdx_log_ratelimited(&o->req_log, 10000, FDX_LOG_WARN,
                            "elasticsearch: GET / failed (%s, HTTP %ld); will try again",
                            strerror(-rc), status);
        goto out;
    }
    char pats[2][FDX_ES_INDEX_MAX];
    const char *pv[2] = {pats[0], pats[1]};
    struct fdx_es_template_opts opt = {
        .patterns = pv,
        .n_patterns = patterns(o, pats),
        .legacy = !fdx_es_version_composable(&v),
        .data_stream = o->conf.data_stream,
        .shards = 0,
        .replicas = UINT_MAX,
    };
    if (opt.legacy && o->conf.data_stream) {
        fdx_error("elasticsearch %d.%d has no data streams; installing a legacy template",
                  v.major, v.minor);
    }
    rc = fdx_es_template_body(&opt, false, &body);
    if (rc != 0) {
        goto out;
    }
    char path[300];
    snprintf(path, sizeof(path), "/%s/%s", opt.legacy ? "_template" : "_index_template",
             o->conf.template_name);
    rc = fdx_es_client_sync(o->client, "PUT", path, body.p, body.len, &status, &resp);
    if (rc == 0 && status != 200) {
        fdx_error("elasticsearch: PUT %s: HTTP %ld: %.*s", path, status,
                  (int)(resp.len < 400 ? resp.len : 400), resp.p != NULL ? resp.p : "");
        rc = -EIO;
    }
    if (rc == 0) {
        fdx_counter_add(&o->st.template_installs, 1);
        fdx_info("elasticsearch: installed %s %s on %s %d.%d", opt.legacy ? "legacy template"
                                                                             : "index template",
                 o->conf.template_name, v.opensearch ? "OpenSearch" : "Elasticsearch", v.major,
                 v.minor);
    }
out:
    fdx_buf_fini(&resp);
    fdx_buf_fini(&body);
    return rc;
}

static void retention_pattern(struct es_output *o, const char *pattern, int64_t cutoff_s)
{
    char wild[FDX_ES_INDEX_MAX], path[FDX_ES_INDEX_MAX + 64];
    fdx_es_index_wildcard(pattern, wild, sizeof(wild));
    if (strchr(pattern, '%') == NULL) {
        return; /* one fixed index (or a data stream): nothing dated to delete */
    }
    snprintf(path, sizeof(path), "/_cat/indices/%s?format=json&h=index", wild);
    struct fdx_buf resp;
    fdx_buf_init(&resp, 0);
    long status = 0;
    if (fdx_es_client_sync(o->client, "GET", path, NULL, 0, &status, &resp) != 0 ||
        status != 200) {
        fdx_warn("elasticsearch retention: GET %s failed (HTTP %ld)", path, status);
        fdx_buf_fini(&resp);
        return;
    }
    struct json_tokener *tok = json_tokener_new();
    struct json_object *arr = tok ? json_tokener_parse_ex(tok, resp.p, (int)resp.len) : NULL;
    json_tokener_free(tok);
    size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *ix;
        if (!json_object_object_get_ex(json_object_array_get_idx(arr, i), "index", &ix)) {
            continue;
        }
        const char *name = json_object_get_string(ix);
        int64_t t;
        if (name == NULL || fdx_es_index_parse_time(pattern, name, &t) != 0 || t >= cutoff_s) {
            continue;
        }
        snprintf(path, sizeof(path), "/%s", name);
        if (fdx_es_client_sync(o->client, "DELETE", path, NULL, 0, &status, &resp) == 0 &&
            status == 200) {
            fdx_counter_add(&o->st.retention_deleted, 1);
            fdx_info("elasticsearch retention: deleted index %s", name);
        } else {
            fdx_warn("elasticsearch retention: DELETE %s failed (HTTP %ld)", path, status);
        }
    }
    json_object_put(arr);
    fdx_buf_fini(&resp);
}

void fdx__es_retention_run(struct es_output *o)
{
    /* Keep today (UTC) and the retention_days days before it. */
    int64_t now = (int64_t)time(NULL);
    int64_t cutoff = now - now % 86400 - (int64_t)o->conf.retention_days * 86400;
    retention_pattern(o, o->conf.index, cutoff);
    if (strcmp(o->conf.counters_index, o->conf.index) != 0) {
        retention_pattern(o, o->conf.counters_index, cutoff);
    }
}
