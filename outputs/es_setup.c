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

enum { TPL_IDLE, TPL_VERSION, TPL_PUT };

bool fdx__es_is_template_req(const struct es_output *o, const void *user)
{
    return user == &o->template_phase;
}

static void template_failed(struct es_output *o, const char *what, const struct fdx_es_result *r)
{
    o->template_phase = TPL_IDLE;
    o->template_attempts++;
    uint32_t shift = o->template_attempts < 8 ? o->template_attempts : 8;
    uint64_t d = o->conf.retry_initial_ms << shift;
    o->template_next_ms =
        fdx__es_now_ms() + (int64_t)(d < o->conf.retry_max_ms ? d : o->conf.retry_max_ms);
    fdx_log_ratelimited(&o->req_log, 10000, FDX_LOG_WARN,
                        "elasticsearch: %s failed (%s, HTTP %ld: %.*s); will try again", what,
                        r->transport_ok ? "answered" : r->error, r->status,
                        (int)(r->body_len < 300 ? r->body_len : 300), r->body);
}

void fdx__es_template_step(struct es_output *o, int64_t now)
{
    if (o->template_done || o->template_phase != TPL_IDLE || now < o->template_next_ms) {
        return;
    }
    if (fdx_es_client_send(o->client, "GET", "/", "application/json", NULL, 0,
                           &o->template_phase) == 0) {
        o->template_phase = TPL_VERSION;
    }
}

static void put_template(struct es_output *o, const struct fdx_es_result *r)
{
    struct fdx_es_version v;
    if (fdx_es_version_parse(r->body, r->body_len, &v) != 0) {
        template_failed(o, "GET / (no version in the answer)", r);
        return;
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
    fdx_buf_reset(&o->template_body);
    char path[300];
    snprintf(path, sizeof(path), "/%s/%s", opt.legacy ? "_template" : "_index_template",
             o->conf.template_name);
    if (fdx_es_template_body(&opt, false, &o->template_body) != 0 ||
        fdx_es_client_send(o->client, "PUT", path, "application/json", o->template_body.p,
                           o->template_body.len, &o->template_phase) != 0) {
        template_failed(o, "PUT template (not sent)", r);
        return;
    }
    o->template_phase = TPL_PUT;
    fdx_info("elasticsearch: %s %d.%d; installing %s %s", v.opensearch ? "OpenSearch"
                                                                       : "Elasticsearch",
             v.major, v.minor, opt.legacy ? "legacy template" : "index template",
             o->conf.template_name);
}

void fdx__es_template_answer(struct es_output *o, const struct fdx_es_result *r)
{
    bool ok = r->transport_ok && r->status == 200;
    if (o->template_phase == TPL_VERSION) {
        if (!ok) {
            template_failed(o, "GET /", r);
            return;
        }
        put_template(o, r);
        return;
    }
    if (!ok) {
        template_failed(o, "PUT template", r);
        return;
    }
    o->template_phase = TPL_IDLE;
    o->template_done = true;
    fdx_counter_add(&o->st.template_installs, 1);
    fdx_info("elasticsearch: index template %s installed", o->conf.template_name);
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
