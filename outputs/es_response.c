/* Bulk response parsing; see es_response.h. Runs once per bulk response on the output
 * thread (json-c is off the per-record path). */
#include "es_response.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

enum fdx_out_verdict fdx_es_item_verdict(int status, bool *duplicate)
{
    *duplicate = false;
    if (status >= 200 && status < 300) {
        return FDX_OUT_OK;
    }
    if (status == 409) {
        *duplicate = true;
        return FDX_OUT_OK;
    }
    if (status == 429 || status >= 500) {
        return FDX_OUT_RETRY;
    }
    return FDX_OUT_REJECT;
}

enum fdx_out_verdict fdx_es_request_verdict(long status)
{
    if (status >= 200 && status < 300) {
        return FDX_OUT_OK;
    }
    if (status == 401 || status == 403 || status == 408 || status == 429 || status >= 500 ||
        status == 0) {
        return FDX_OUT_RETRY;
    }
    return FDX_OUT_REJECT;
}

static const char *str_member(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (o == NULL || !json_object_object_get_ex(o, key, &v)) {
        return NULL;
    }
    return json_object_get_string(v);
}

static int parse_item(struct json_object *item, struct fdx_es_item_result *res)
{
    if (!json_object_is_type(item, json_type_object) || json_object_object_length(item) != 1) {
        return -EPROTO;
    }
    struct json_object *op = NULL;
    json_object_object_foreach(item, key, val)
    {
        (void)key;
        op = val;
    }
    struct json_object *st;
    if (!json_object_is_type(op, json_type_object) ||
        !json_object_object_get_ex(op, "status", &st) || !json_object_is_type(st, json_type_int)) {
        return -EPROTO;
    }
    int status = json_object_get_int(st);
    res->status = (uint16_t)(status < 0 || status > 999 ? 0 : status);
    res->verdict = (uint8_t)fdx_es_item_verdict(status, &res->duplicate);
    struct json_object *err;
    if (json_object_object_get_ex(op, "error", &err)) {
        if (json_object_is_type(err, json_type_object)) {
            res->type = str_member(err, "type");
            res->reason = str_member(err, "reason");
        } else {
            res->reason = json_object_get_string(err);
        }
    }
    return 0;
}

int fdx_es_response_parse(struct fdx_es_response *r, const char *body, size_t len)
{
    memset(r, 0, sizeof(*r));
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        return -ENOMEM;
    }
    r->root = json_tokener_parse_ex(tok, body, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (r->root == NULL || jerr != json_tokener_success ||
        !json_object_is_type(r->root, json_type_object)) {
        return -EPROTO;
    }
    struct json_object *errors, *items;
    if (!json_object_object_get_ex(r->root, "items", &items) ||
        !json_object_is_type(items, json_type_array)) {
        return -EPROTO;
    }
    if (json_object_object_get_ex(r->root, "errors", &errors)) {
        r->errors = json_object_get_boolean(errors);
    }
    size_t n = json_object_array_length(items);
    r->items = calloc(n > 0 ? n : 1, sizeof(*r->items));
    if (r->items == NULL) {
        return -ENOMEM;
    }
    r->n = (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        int rc = parse_item(json_object_array_get_idx(items, i), &r->items[i]);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

void fdx_es_response_fini(struct fdx_es_response *r)
{
    if (r->root != NULL) {
        json_object_put(r->root);
    }
    free(r->items);
    memset(r, 0, sizeof(*r));
}
