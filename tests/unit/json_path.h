/* Test helper: look up a dotted path ("source.geo.country_iso_code") in a json-c document. */
#ifndef FDX_JSON_PATH_H
#define FDX_JSON_PATH_H

#include <json-c/json.h>
#include <stdint.h>
#include <string.h>

/* The object at path, or NULL when any segment is missing. */
static inline struct json_object *fdx_json_path(struct json_object *root, const char *path)
{
    char seg[128];
    const char *p = path;
    struct json_object *o = root;
    while (o != NULL && *p != '\0') {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof(seg)) {
            return NULL;
        }
        memcpy(seg, p, n);
        seg[n] = '\0';
        struct json_object *next = NULL;
        if (!json_object_is_type(o, json_type_object) ||
            !json_object_object_get_ex(o, seg, &next)) {
            return NULL;
        }
        o = next;
        p = dot != NULL ? dot + 1 : p + n;
    }
    return o;
}

/* String value at path ("(missing)" when absent, "(not a string)" for another type). */
static inline const char *fdx_json_str(struct json_object *root, const char *path)
{
    struct json_object *o = fdx_json_path(root, path);
    if (o == NULL) {
        return "(missing)";
    }
    if (!json_object_is_type(o, json_type_string)) {
        return "(not a string)";
    }
    return json_object_get_string(o);
}

/* Integer value at path; UINT64_MAX - 1 when absent or not an integer (never a real value in
 * these tests). */
static inline uint64_t fdx_json_u64(struct json_object *root, const char *path)
{
    struct json_object *o = fdx_json_path(root, path);
    if (o == NULL || !json_object_is_type(o, json_type_int)) {
        return UINT64_MAX - 1;
    }
    return json_object_get_uint64(o);
}

/* Number of members of the object at path (-1 when it is not an object). */
static inline int fdx_json_members(struct json_object *root, const char *path)
{
    struct json_object *o = fdx_json_path(root, path);
    if (o == NULL || !json_object_is_type(o, json_type_object)) {
        return -1;
    }
    return json_object_object_length(o);
}

#endif
