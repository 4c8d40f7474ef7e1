/* Key-table driven configuration: defaults, type checks, bounds, unknown keys. */
#include "cfg.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(enum fdx_cfg_type t)
{
    static const char *const names[] = {
        [FDX_CFG_STRING] = "a string", [FDX_CFG_PATH] = "a path",
        [FDX_CFG_UINT] = "a non-negative integer", [FDX_CFG_BOOL] = "true or false",
        [FDX_CFG_ENUM] = "one of the listed words", [FDX_CFG_DURATION] = "a duration",
        [FDX_CFG_BYTES] = "a size", [FDX_CFG_DOUBLE] = "a number",
        [FDX_CFG_STRLIST] = "a list of strings", [FDX_CFG_JSON] = "a JSON value",
    };
    return names[t];
}

static int parse_scaled(const char *text, const char *const *units, const uint64_t *mult,
                        uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || v < 0) {
        return -EINVAL;
    }
    while (*end == ' ') {
        end++;
    }
    for (int i = 0; units[i] != NULL; i++) {
        if (strcmp(end, units[i]) == 0) {
            double r = v * (double)mult[i];
            if (r > 1.8e19) {
                return -EINVAL;
            }
            *out = (uint64_t)r;
            return 0;
        }
    }
    return -EINVAL;
}

int fdx_cfg_parse_duration(const char *text, uint64_t *ms)
{
    static const char *const units[] = {"", "ms", "s", "m", "h", "d", NULL};
    static const uint64_t mult[] = {1000, 1, 1000, 60000, 3600000, 86400000};
    return parse_scaled(text, units, mult, ms);
}

int fdx_cfg_parse_bytes(const char *text, uint64_t *bytes)
{
    static const char *const units[] = {"", "B", "KiB", "MiB", "GiB", "KB", "MB", "GB", "k",
                                        "M", "G", NULL};
    static const uint64_t mult[] = {1, 1, 1024, 1048576, 1073741824, 1000, 1000000,
                                    1000000000, 1024, 1048576, 1073741824};
    return parse_scaled(text, units, mult, bytes);
}

static void release_one(const struct fdx_cfg_key *k, void *conf)
{
    char *field = (char *)conf + k->offset;
    switch (k->type) {
    case FDX_CFG_STRING:
    case FDX_CFG_PATH: {
        char **s = (char **)field;
        free(*s);
        *s = NULL;
        break;
    }
    case FDX_CFG_STRLIST: {
        struct fdx_strlist *l = (struct fdx_strlist *)field;
        for (size_t i = 0; i < l->n; i++) {
            free(l->v[i]);
        }
        free(l->v);
        l->v = NULL;
        l->n = 0;
        break;
    }
    case FDX_CFG_JSON: {
        struct json_object **j = (struct json_object **)field;
        json_object_put(*j);
        *j = NULL;
        break;
    }
    default:
        break;
    }
}

static int bad(struct fdx_err *err, const char *path, const struct fdx_cfg_key *k,
               struct json_object *v, const char *expected)
{
    fdx_err_set(err, "config: \"%s%s%s\": %s is not valid (expected %s)", path,
                path[0] ? "." : "", k->name,
                json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), expected);
    return -EINVAL;
}

static int set_number(const struct fdx_cfg_key *k, void *field, struct json_object *v,
                      const char *path, struct fdx_err *err)
{
    uint64_t n = 0;
    char expected[160];
    if (json_object_is_type(v, json_type_int)) {
        int64_t i = json_object_get_int64(v);
        if (i < 0) {
            return bad(err, path, k, v, type_name(k->type));
        }
        n = (uint64_t)i;
        if (k->type == FDX_CFG_DURATION) {
            n *= 1000; /* a bare number is seconds */
        }
    } else if (json_object_is_type(v, json_type_string) && k->type != FDX_CFG_UINT) {
        const char *s = json_object_get_string(v);
        int rc = k->type == FDX_CFG_DURATION ? fdx_cfg_parse_duration(s, &n)
                                             : fdx_cfg_parse_bytes(s, &n);
        if (rc != 0) {
            return bad(err, path, k, v,
                       k->type == FDX_CFG_DURATION ? "a duration such as 10, \"500ms\", \"30s\""
                                                   : "a size such as 65536 or \"16MiB\"");
        }
    } else if (json_object_is_type(v, json_type_double) && k->type == FDX_CFG_DURATION) {
        double d = json_object_get_double(v);
        if (d < 0) {
            return bad(err, path, k, v, type_name(k->type));
        }
        n = (uint64_t)(d * 1000);
    } else {
        return bad(err, path, k, v, type_name(k->type));
    }
    if (n < k->min || (k->max != 0 && n > k->max)) {
        snprintf(expected, sizeof(expected), "%s in %" PRIu64 "..%" PRIu64 "%s",
                 type_name(k->type), k->min, k->max,
                 k->type == FDX_CFG_DURATION ? " ms" : (k->type == FDX_CFG_BYTES ? " bytes" : ""));
        return bad(err, path, k, v, expected);
    }
    *(uint64_t *)field = n;
    return 0;
}

static int set_one(const struct fdx_cfg_key *k, void *conf, struct json_object *v,
                   const char *path, struct fdx_err *err)
{
    char *field = (char *)conf + k->offset;
    release_one(k, conf);
    switch (k->type) {
    case FDX_CFG_STRING:
    case FDX_CFG_PATH:
        if (!json_object_is_type(v, json_type_string)) {
            return bad(err, path, k, v, type_name(k->type));
        }
        if (k->type == FDX_CFG_PATH && json_object_get_string_len(v) == 0) {
            return bad(err, path, k, v, "a non-empty path");
        }
        *(char **)field = strdup(json_object_get_string(v));
        return *(char **)field ? 0 : -ENOMEM;
    case FDX_CFG_UINT:
    case FDX_CFG_DURATION:
    case FDX_CFG_BYTES:
        return set_number(k, field, v, path, err);
    case FDX_CFG_BOOL:
        if (!json_object_is_type(v, json_type_boolean)) {
            return bad(err, path, k, v, type_name(k->type));
        }
        *(bool *)field = json_object_get_boolean(v);
        return 0;
    case FDX_CFG_DOUBLE:
        if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)) {
            return bad(err, path, k, v, type_name(k->type));
        }
        *(double *)field = json_object_get_double(v);
        return 0;
    case FDX_CFG_ENUM: {
        if (json_object_is_type(v, json_type_string)) {
            for (int i = 0; k->choices[i] != NULL; i++) {
                if (strcmp(json_object_get_string(v), k->choices[i]) == 0) {
                    *(int *)field = i;
                    return 0;
                }
            }
        }
        char expected[200] = "one of";
        for (int i = 0; k->choices[i] != NULL; i++) {
            size_t used = strlen(expected);
            snprintf(expected + used, sizeof(expected) - used, "%s \"%s\"", i ? "," : "",
                     k->choices[i]);
        }
        return bad(err, path, k, v, expected);
    }
    case FDX_CFG_STRLIST: {
        struct fdx_strlist *l = (struct fdx_strlist *)field;
        if (json_object_is_type(v, json_type_string)) {
            l->v = calloc(1, sizeof(char *));
            if (l->v == NULL || (l->v[0] = strdup(json_object_get_string(v))) == NULL) {
                return -ENOMEM;
            }
            l->n = 1;
            return 0;
        }
        if (!json_object_is_type(v, json_type_array)) {
            return bad(err, path, k, v, type_name(k->type));
        }
        size_t n = json_object_array_length(v);
        l->v = calloc(n ? n : 1, sizeof(char *));
        if (l->v == NULL) {
            return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            struct json_object *e = json_object_array_get_idx(v, i);
            if (!json_object_is_type(e, json_type_string)) {
                return bad(err, path, k, v, type_name(k->type));
            }
            l->v[i] = strdup(json_object_get_string(e));
            l->n = i + 1;
            if (l->v[i] == NULL) {
                return -ENOMEM;
            }
        }
        return 0;
    }
    case FDX_CFG_JSON:
        *(struct json_object **)field = json_object_get(v);
        return 0;
    }
    return -EINVAL;
}

int fdx_cfg_apply(const struct fdx_cfg_key *keys, void *conf, struct json_object *obj,
                  const char *path, const char *const *ignore, struct fdx_err *err)
{
    if (obj != NULL && !json_object_is_type(obj, json_type_object)) {
        fdx_err_set(err, "config: \"%s\": expected an object", path);
        return -EINVAL;
    }
    for (const struct fdx_cfg_key *k = keys; k->name != NULL; k++) {
        struct json_object *v = NULL;
        if (obj != NULL && json_object_object_get_ex(obj, k->name, &v) && v != NULL) {
            int rc = set_one(k, conf, v, path, err);
            if (rc != 0) {
                return rc;
            }
            continue;
        }
        if (k->def == NULL) {
            fdx_err_set(err, "config: \"%s%s%s\" is required (%s: %s)", path, path[0] ? "." : "",
                        k->name, type_name(k->type), k->doc);
            return -EINVAL;
        }
        if (strcmp(k->def, "null") == 0) {
            continue; /* optional, no default: stays zero/NULL */
        }
        struct json_object *d = json_tokener_parse(k->def);
        FDX_ASSERT(d != NULL); /* defaults are ours: a bad one is a bug */
        int rc = set_one(k, conf, d, path, err);
        json_object_put(d);
        if (rc != 0) {
            return rc;
        }
    }
    if (obj == NULL) {
        return 0;
    }
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        bool known = false;
        for (const struct fdx_cfg_key *k = keys; k->name != NULL && !known; k++) {
            known = strcmp(k->name, key) == 0;
        }
        for (int i = 0; ignore != NULL && ignore[i] != NULL && !known; i++) {
            known = strcmp(ignore[i], key) == 0;
        }
        if (!known) {
            char expected[512] = "";
            for (const struct fdx_cfg_key *k = keys; k->name != NULL; k++) {
                size_t used = strlen(expected);
                snprintf(expected + used, sizeof(expected) - used, "%s%s",
                         used ? ", " : "", k->name);
            }
            fdx_err_set(err, "config: \"%s%s%s\": unknown key (known keys: %s)", path,
                        path[0] ? "." : "", key, expected);
            return -EINVAL;
        }
    }
    return 0;
}

void fdx_cfg_release(const struct fdx_cfg_key *keys, void *conf)
{
    for (const struct fdx_cfg_key *k = keys; k->name != NULL; k++) {
        release_one(k, conf);
    }
}

static void print_value(const struct fdx_cfg_key *k, const void *conf, struct fdx_buf *out)
{
    const char *field = (const char *)conf + k->offset;
    struct json_object *j = NULL;
    switch (k->type) {
    case FDX_CFG_STRING:
    case FDX_CFG_PATH: {
        const char *s = *(char *const *)field;
        j = s ? json_object_new_string(s) : NULL;
        break;
    }
    case FDX_CFG_UINT:
    case FDX_CFG_BYTES:
        j = json_object_new_uint64(*(const uint64_t *)field);
        break;
    case FDX_CFG_DURATION: {
        /* With its unit: a bare number would be read back as seconds. */
        char ms[32];
        snprintf(ms, sizeof(ms), "%llums", (unsigned long long)*(const uint64_t *)field);
        j = json_object_new_string(ms);
        break;
    }
    case FDX_CFG_BOOL:
        j = json_object_new_boolean(*(const bool *)field);
        break;
    case FDX_CFG_DOUBLE:
        j = json_object_new_double(*(const double *)field);
        break;
    case FDX_CFG_ENUM:
        j = json_object_new_string(k->choices[*(const int *)field]);
        break;
    case FDX_CFG_STRLIST: {
        const struct fdx_strlist *l = (const struct fdx_strlist *)field;
        j = json_object_new_array();
        for (size_t i = 0; i < l->n; i++) {
            json_object_array_add(j, json_object_new_string(l->v[i]));
        }
        break;
    }
    case FDX_CFG_JSON:
        j = json_object_get(*(struct json_object *const *)field);
        break;
    }
    fdx_buf_printf(out, "%s", j ? json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN)
                                : "null");
    json_object_put(j);
}

void fdx_cfg_print(const struct fdx_cfg_key *keys, const void *conf, struct fdx_buf *out,
                   int indent)
{
    fdx_buf_printf(out, "{");
    for (const struct fdx_cfg_key *k = keys; k->name != NULL; k++) {
        fdx_buf_printf(out, "%s\n%*s\"%s\": ", k == keys ? "" : ",", indent + 2, "", k->name);
        print_value(k, conf, out);
    }
    fdx_buf_printf(out, "\n%*s}", indent, "");
}
