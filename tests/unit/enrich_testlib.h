/* Test utilities for the enrichment stages: a stage instance configured from JSON text, a
 * worker-like environment (counters, intern table, batch) and flow builders. */
#ifndef FDX_ENRICH_TESTLIB_H
#define FDX_ENRICH_TESTLIB_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "batch.h"
#include "cfg.h"
#include "counters.h"
#include "document.h"
#include "intern.h"
#include "stage.h"

struct tenv {
    struct fdx_counters *counters;
    struct fdx_intern *strings;
    struct fdx_batch *batch;
    struct fdx_stage_env env;
};

static inline void tenv_init(struct tenv *t)
{
    t->counters = aligned_alloc(FDX_CACHELINE, sizeof(*t->counters));
    memset(t->counters, 0, sizeof(*t->counters));
    t->strings = fdx_intern_new(4096, 1 << 20);
    t->batch = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
    t->batch->strings = t->strings;
    t->env = (struct fdx_stage_env){0, 1, t->strings, t->counters};
}

static inline void tenv_fini(struct tenv *t)
{
    free(t->counters);
    fdx_intern_free(t->strings);
    fdx_batch_free(t->batch);
}

struct tstage {
    const struct fdx_stage_ops *ops;
    void *conf;
    void *self;
};

/* Configures stage name from json (NULL: defaults) and creates an instance. */
static inline int tstage_open(struct tstage *s, const char *name, const char *json,
                              const struct fdx_stage_env *env, struct fdx_err *err)
{
    memset(s, 0, sizeof(*s));
    s->ops = fdx_stage_find(name);
    if (s->ops == NULL) {
        fdx_err_set(err, "no stage %s", name);
        return -ENOENT;
    }
    s->conf = calloc(1, s->ops->conf_size);
    struct json_object *o = json != NULL ? json_tokener_parse(json) : NULL;
    if (json != NULL && o == NULL) {
        fdx_err_set(err, "bad test json: %s", json);
        return -EINVAL;
    }
    int rc = fdx_cfg_apply(s->ops->keys, s->conf, o, name, NULL, err);
    json_object_put(o);
    if (rc != 0) {
        return rc;
    }
    s->self = s->ops->init(s->conf, env, err);
    return s->self != NULL ? 0 : -EINVAL;
}

/* Reloads with a new configuration; the new conf replaces the old one on success. */
static inline int tstage_reload(struct tstage *s, const char *json, struct fdx_err *err)
{
    void *conf = calloc(1, s->ops->conf_size);
    struct json_object *o = json_tokener_parse(json);
    int rc = fdx_cfg_apply(s->ops->keys, conf, o, s->ops->name, NULL, err);
    json_object_put(o);
    if (rc == 0) {
        rc = s->ops->reload(s->self, conf, err);
    }
    if (rc == 0) {
        fdx_cfg_release(s->ops->keys, s->conf);
        free(s->conf);
        s->conf = conf;
    } else {
        fdx_cfg_release(s->ops->keys, conf);
        free(conf);
    }
    return rc;
}

static inline void tstage_close(struct tstage *s)
{
    if (s->self != NULL) {
        s->ops->free(s->self);
    }
    if (s->conf != NULL) {
        fdx_cfg_release(s->ops->keys, s->conf);
        free(s->conf);
    }
    memset(s, 0, sizeof(*s));
}

/* Appends a flow record to the batch. */
static inline struct fdx_slot *tflow(struct fdx_batch *b, const char *src, uint16_t sp,
                                     const char *dst, uint16_t dp, uint8_t proto)
{
    struct fdx_slot *s = fdx_batch_next(b);
    struct fdx_flow *f = &s->flow;
    fdx_addr_parse(src, &f->src);
    fdx_addr_parse(dst, &f->dst);
    fdx_addr_parse("192.0.2.1", &f->exporter);
    f->src_port = sp;
    f->dst_port = dp;
    f->ip_proto = proto;
    f->kind = FDX_KIND_FLOW;
    f->present = FDX_BIT(FDX_F_SRC_ADDR) | FDX_BIT(FDX_F_DST_ADDR) | FDX_BIT(FDX_F_SRC_PORT) |
                 FDX_BIT(FDX_F_DST_PORT) | FDX_BIT(FDX_F_IP_PROTO);
    return s;
}

static inline const char *tstr(const struct tenv *t, uint32_t id)
{
    const char *s = fdx_intern_str(t->strings, id, NULL);
    return s != NULL ? s : "";
}

/* Value of label key in the slot, or "". */
static inline const char *tlabel(const struct tenv *t, const struct fdx_slot *s, const char *key)
{
    for (unsigned i = 0; i < s->enr.nlabels; i++) {
        if (strcmp(tstr(t, s->enr.label[i].key), key) == 0) {
            return tstr(t, s->enr.label[i].value);
        }
    }
    return "";
}

static inline void twrite(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

/* Encodes the slot as a document and parses it back (caller puts the result). */
static inline struct json_object *tdoc(const struct fdx_slot *s, const struct fdx_intern *st,
                                       enum fdx_schema schema)
{
    struct fdx_doc_batch *d = fdx_doc_batch_new(4, 1 << 16);
    struct fdx_doc_opts o = {schema, true, false};
    struct json_object *j = NULL;
    if (fdx_document_encode(d, s, st, &o) == 0) {
        j = json_tokener_parse(d->body.p + d->meta[0].off);
        if (j == NULL) {
            fprintf(stderr, "not JSON: %.*s\n", (int)d->meta[0].len, d->body.p + d->meta[0].off);
        }
    }
    fdx_doc_batch_free(d);
    return j;
}

/* Member at a dotted path of nested objects ("source.geo.country_iso_code"), or NULL. */
static inline struct json_object *jget(struct json_object *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k != NULL && o != NULL;
         k = strtok_r(NULL, ".", &save)) {
        struct json_object *next = NULL;
        if (!json_object_is_type(o, json_type_object) ||
            !json_object_object_get_ex(o, k, &next)) {
            return NULL;
        }
        o = next;
    }
    return o;
}

static inline const char *jstr_at(struct json_object *o, const char *path)
{
    struct json_object *v = jget(o, path);
    return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
                                                                 : "(absent)";
}

static inline int64_t jint_at(struct json_object *o, const char *path)
{
    struct json_object *v = jget(o, path);
    return v != NULL && json_object_is_type(v, json_type_int) ? json_object_get_int64(v)
                                                              : INT64_MIN;
}

static inline double jdbl_at(struct json_object *o, const char *path)
{
    struct json_object *v = jget(o, path);
    return v != NULL ? json_object_get_double(v) : -999.0;
}

#endif
