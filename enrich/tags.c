/* The tags stage. Everything is resolved at (re)load: sensor rules are matched against each
 * sensor name once, so no regular expression runs per record. */
#include "tags.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "enrich_util.h"
#include "intern.h"

#define FIELDS_MAX 8
#define HOME_MAX 16

struct tags_conf {
    struct json_object *sensors;
    char *default_sensor;
    struct json_object *sensor_rules;
    struct json_object *interfaces;
    struct fdx_strlist home_countries;
    struct json_object *port_tags;
    char *port_tag_field;
};

static const struct fdx_cfg_key tags_keys[] = {
    {"sensors", FDX_CFG_JSON, "{}", offsetof(struct tags_conf, sensors), 0, 0, NULL,
     "exporter address -> sensor name (observer.name): {\"192.0.2.1\": \"rtr1\"}"},
    {"default_sensor", FDX_CFG_STRING, "\"\"", offsetof(struct tags_conf, default_sensor), 0, 0,
     NULL, "sensor name of exporters not in sensors (\"\" = none; \"address\" = the exporter "
           "address)"},
    {"sensor_rules", FDX_CFG_JSON, "[]", offsetof(struct tags_conf, sensor_rules), 0, 0, NULL,
     "[{\"match\": REGEX, \"fields\": {FIELD: VALUE}}]: fields of sensors whose name matches "
     "(POSIX extended regex; every matching rule applies, later ones win)"},
    {"interfaces", FDX_CFG_JSON, "{}", offsetof(struct tags_conf, interfaces), 0, 0, NULL,
     "interface names: {EXPORTER: {IFINDEX: NAME}}"},
    {"home_countries", FDX_CFG_STRLIST, "[]", offsetof(struct tags_conf, home_countries), 0, 0,
     NULL, "ISO country codes of home: sets flowdex.country_scope (needs the geoip stage)"},
    {"port_tags", FDX_CFG_JSON, "{}", offsetof(struct tags_conf, port_tags), 0, 0, NULL,
     "port -> tag, matched on source or destination port: {\"5201\": \"network_testing\"}"},
    {"port_tag_field", FDX_CFG_STRING, "\"tags\"", offsetof(struct tags_conf, port_tag_field), 0,
     0, NULL, "document field that receives the port tag"},
    FDX_CFG_END,
};

struct field_val {
    char *key, *value;
};

struct sensor {
    struct fdx_addr addr;
    char *name;
    unsigned nfields;
    struct field_val f[FIELDS_MAX];
};

struct iface {
    struct fdx_addr addr;
    uint32_t ifindex;
    char *name;
};

struct port_tag {
    uint16_t port;
    char *tag;
};

struct tags_state {
    size_t nsensors;
    struct sensor *sensors;
    bool default_is_address;
    struct sensor deflt; /* default sensor (name NULL: none) */
    size_t nifaces;
    struct iface *ifaces;
    unsigned nhome;
    char home[HOME_MAX][3];
    size_t nports;
    struct port_tag *ports;
    char *port_field;
};

struct tags {
    struct tags_state st;
    struct fdx_intern *strings;
    unsigned worker;
    long last_sensor; /* memo: index of the last exporter's sensor, -1 none */
    struct fdx_addr last_exporter;
    fdx_counter sensor_named, sensor_unknown, port_tagged;
};

static void sensor_fini(struct sensor *s)
{
    free(s->name);
    for (unsigned i = 0; i < s->nfields; i++) {
        free(s->f[i].key);
        free(s->f[i].value);
    }
}

static void state_fini(struct tags_state *st)
{
    for (size_t i = 0; i < st->nsensors; i++) {
        sensor_fini(&st->sensors[i]);
    }
    sensor_fini(&st->deflt);
    free(st->sensors);
    for (size_t i = 0; i < st->nifaces; i++) {
        free(st->ifaces[i].name);
    }
    free(st->ifaces);
    for (size_t i = 0; i < st->nports; i++) {
        free(st->ports[i].tag);
    }
    free(st->ports);
    free(st->port_field);
    memset(st, 0, sizeof(*st));
}

static int need_type(struct json_object *o, json_type t, const char *what, const char *expect,
                     struct fdx_err *err)
{
    if (o != NULL && !json_object_is_type(o, t)) {
        fdx_err_set(err, "config: \"tags.%s\": expected %s", what, expect);
        return -EINVAL;
    }
    return 0;
}

/* Applies every rule whose regex matches s->name. */
static int apply_rules(struct sensor *s, struct json_object *rules, struct fdx_err *err)
{
    size_t n = rules ? json_object_array_length(rules) : 0;
    for (size_t i = 0; i < n && s->name != NULL; i++) {
        struct json_object *r = json_object_array_get_idx(rules, i), *m, *fields;
        if (!json_object_is_type(r, json_type_object) ||
            !json_object_object_get_ex(r, "match", &m) ||
            !json_object_is_type(m, json_type_string) ||
            !json_object_object_get_ex(r, "fields", &fields) ||
            !json_object_is_type(fields, json_type_object)) {
            fdx_err_set(err, "config: \"tags.sensor_rules[%zu]\": expected {\"match\": REGEX, "
                             "\"fields\": {FIELD: VALUE}}", i);
            return -EINVAL;
        }
        regex_t re;
        if (regcomp(&re, json_object_get_string(m), REG_EXTENDED | REG_NOSUB) != 0) {
            fdx_err_set(err, "config: \"tags.sensor_rules[%zu].match\": \"%s\" is not a valid "
                             "regular expression", i, json_object_get_string(m));
            return -EINVAL;
        }
        bool hit = regexec(&re, s->name, 0, NULL, 0) == 0;
        regfree(&re);
        json_object_object_foreach(fields, key, val)
        {
            if (fdx_enrich_check_field(key, "tags.sensor_rules.fields", err) != 0) {
                return -EINVAL;
            }
            if (!json_object_is_type(val, json_type_string)) {
                fdx_err_set(err, "config: \"tags.sensor_rules[%zu].fields.%s\": expected a "
                                 "string", i, key);
                return -EINVAL;
            }
            if (!hit) {
                continue;
            }
            unsigned k = 0;
            while (k < s->nfields && strcmp(s->f[k].key, key) != 0) {
                k++;
            }
            if (k == FIELDS_MAX) {
                fdx_err_set(err, "config: \"tags.sensor_rules\": more than %d fields for a "
                                 "sensor", FIELDS_MAX);
                return -EINVAL;
            }
            char *v = strdup(json_object_get_string(val));
            if (v == NULL) {
                return -ENOMEM;
            }
            if (k == s->nfields) {
                s->f[k].key = strdup(key);
                if (s->f[k].key == NULL) {
                    free(v);
                    return -ENOMEM;
                }
                s->nfields++;
            } else {
                free(s->f[k].value);
            }
            s->f[k].value = v;
        }
    }
    return 0;
}

static int build_sensors(struct tags_state *st, const struct tags_conf *c, struct fdx_err *err)
{
    if (need_type(c->sensors, json_type_object, "sensors", "an object", err) != 0 ||
        need_type(c->sensor_rules, json_type_array, "sensor_rules", "an array", err) != 0) {
        return -EINVAL;
    }
    /* Every rule is checked even when no sensor name matches it (a probe name). */
    struct sensor probe = {.name = ""};
    int rc = apply_rules(&probe, c->sensor_rules, err);
    probe.name = NULL;
    sensor_fini(&probe);
    if (rc != 0) {
        return rc;
    }
    size_t n = c->sensors ? (size_t)json_object_object_length(c->sensors) : 0;
    st->sensors = calloc(n ? n : 1, sizeof(*st->sensors));
    if (st->sensors == NULL) {
        return -ENOMEM;
    }
    if (c->sensors != NULL) {
        json_object_object_foreach(c->sensors, addr, name)
        {
            struct sensor *s = &st->sensors[st->nsensors];
            if (fdx_addr_parse(addr, &s->addr) != 0 ||
                !json_object_is_type(name, json_type_string)) {
                fdx_err_set(err, "config: \"tags.sensors.%s\": expected an exporter address "
                                 "mapped to a sensor name", addr);
                return -EINVAL;
            }
            s->name = strdup(json_object_get_string(name));
            st->nsensors++;
            if (s->name == NULL) {
                return -ENOMEM;
            }
            rc = apply_rules(s, c->sensor_rules, err);
            if (rc != 0) {
                return rc;
            }
        }
    }
    st->default_is_address = strcmp(c->default_sensor, "address") == 0;
    if (c->default_sensor[0] != '\0' && !st->default_is_address) {
        st->deflt.name = strdup(c->default_sensor);
        if (st->deflt.name == NULL) {
            return -ENOMEM;
        }
        return apply_rules(&st->deflt, c->sensor_rules, err);
    }
    return 0;
}

static int build_ifaces(struct tags_state *st, const struct tags_conf *c, struct fdx_err *err)
{
    if (need_type(c->interfaces, json_type_object, "interfaces", "an object", err) != 0) {
        return -EINVAL;
    }
    size_t n = 0;
    if (c->interfaces != NULL) {
        json_object_object_foreach(c->interfaces, addr, map)
        {
            (void)addr;
            if (!json_object_is_type(map, json_type_object)) {
                fdx_err_set(err, "config: \"tags.interfaces.%s\": expected {IFINDEX: NAME}",
                            addr);
                return -EINVAL;
            }
            n += (size_t)json_object_object_length(map);
        }
    }
    st->ifaces = calloc(n ? n : 1, sizeof(*st->ifaces));
    if (st->ifaces == NULL) {
        return -ENOMEM;
    }
    if (c->interfaces == NULL) {
        return 0;
    }
    json_object_object_foreach(c->interfaces, addr, map)
    {
        struct fdx_addr a;
        if (fdx_addr_parse(addr, &a) != 0) {
            fdx_err_set(err, "config: \"tags.interfaces\": \"%s\" is not an address", addr);
            return -EINVAL;
        }
        json_object_object_foreach(map, idx, name)
        {
            char *end;
            unsigned long v = strtoul(idx, &end, 10);
            if (*idx == '\0' || *end != '\0' || v > UINT32_MAX ||
                !json_object_is_type(name, json_type_string)) {
                fdx_err_set(err, "config: \"tags.interfaces.%s.%s\": expected an ifIndex "
                                 "mapped to a name", addr, idx);
                return -EINVAL;
            }
            struct iface *f = &st->ifaces[st->nifaces++];
            f->addr = a;
            f->ifindex = (uint32_t)v;
            f->name = strdup(json_object_get_string(name));
            if (f->name == NULL) {
                return -ENOMEM;
            }
        }
    }
    return 0;
}

static int cmp_port(const void *a, const void *b)
{
    const struct port_tag *x = a, *y = b;
    return (x->port > y->port) - (x->port < y->port);
}

static int build_ports(struct tags_state *st, const struct tags_conf *c, struct fdx_err *err)
{
    if (need_type(c->port_tags, json_type_object, "port_tags", "an object", err) != 0 ||
        fdx_enrich_check_field(c->port_tag_field, "tags.port_tag_field", err) != 0) {
        return -EINVAL;
    }
    st->port_field = strdup(c->port_tag_field);
    size_t n = c->port_tags ? (size_t)json_object_object_length(c->port_tags) : 0;
    st->ports = calloc(n ? n : 1, sizeof(*st->ports));
    if (st->ports == NULL || st->port_field == NULL) {
        return -ENOMEM;
    }
    if (c->port_tags != NULL) {
        json_object_object_foreach(c->port_tags, port, tag)
        {
            char *end;
            unsigned long v = strtoul(port, &end, 10);
            if (*port == '\0' || *end != '\0' || v > 65535 ||
                !json_object_is_type(tag, json_type_string)) {
                fdx_err_set(err, "config: \"tags.port_tags.%s\": expected a port (0..65535) "
                                 "mapped to a tag", port);
                return -EINVAL;
            }
            st->ports[st->nports].port = (uint16_t)v;
            st->ports[st->nports].tag = strdup(json_object_get_string(tag));
            if (st->ports[st->nports++].tag == NULL) {
                return -ENOMEM;
            }
        }
    }
    qsort(st->ports, st->nports, sizeof(*st->ports), cmp_port);
    return 0;
}

static int state_build(struct tags_state *st, const struct tags_conf *c, struct fdx_err *err)
{
    memset(st, 0, sizeof(*st));
    int rc = build_sensors(st, c, err);
    if (rc == 0) {
        rc = build_ifaces(st, c, err);
    }
    if (rc == 0) {
        rc = build_ports(st, c, err);
    }
    for (size_t i = 0; rc == 0 && i < c->home_countries.n; i++) {
        const char *h = c->home_countries.v[i];
        if (i >= HOME_MAX || strlen(h) != 2) {
            fdx_err_set(err, "config: \"tags.home_countries\": \"%s\" is not valid (expected at "
                             "most %d two-letter ISO codes)", h, HOME_MAX);
            rc = -EINVAL;
            break;
        }
        memcpy(st->home[st->nhome++], h, 3);
    }
    if (rc != 0) {
        if (rc == -ENOMEM) {
            fdx_err_set(err, "tags: out of memory");
        }
        state_fini(st);
    }
    return rc;
}

static void *tags_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    struct tags *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    if (state_build(&t->st, conf, err) != 0) {
        free(t);
        return NULL;
    }
    t->strings = env->strings;
    t->worker = env->worker_id;
    t->last_sensor = -2;
    return t;
}

static uint32_t intern_c(struct fdx_intern *st, const char *s)
{
    return fdx_intern_get(st, s, strlen(s));
}

static const struct sensor *find_sensor(struct tags *t, const struct fdx_addr *exporter)
{
    if (t->last_sensor == -2 || !fdx_addr_eq(&t->last_exporter, exporter)) {
        t->last_sensor = -1;
        for (size_t i = 0; i < t->st.nsensors; i++) {
            if (fdx_addr_eq(&t->st.sensors[i].addr, exporter)) {
                t->last_sensor = (long)i;
                break;
            }
        }
        t->last_exporter = *exporter;
    }
    if (t->last_sensor >= 0) {
        return &t->st.sensors[t->last_sensor];
    }
    return t->st.deflt.name != NULL ? &t->st.deflt : NULL;
}

static const char *find_iface(const struct tags_state *st, const struct fdx_addr *a, uint32_t ix)
{
    for (size_t i = 0; i < st->nifaces; i++) {
        if (st->ifaces[i].ifindex == ix && fdx_addr_eq(&st->ifaces[i].addr, a)) {
            return st->ifaces[i].name;
        }
    }
    return NULL;
}

static const char *find_port(const struct tags_state *st, uint16_t port)
{
    struct port_tag key = {port, NULL};
    const struct port_tag *p = bsearch(&key, st->ports, st->nports, sizeof(key), cmp_port);
    return p != NULL ? p->tag : NULL;
}

static bool is_home(const struct tags_state *st, const struct fdx_intern *strings, uint32_t iso)
{
    size_t len;
    const char *s = fdx_intern_str(strings, iso, &len);
    for (unsigned i = 0; s != NULL && len == 2 && i < st->nhome; i++) {
        if (memcmp(st->home[i], s, 2) == 0) {
            return true;
        }
    }
    return false;
}

static void tag_sensor(struct tags *t, struct fdx_intern *st, struct fdx_slot *s)
{
    const struct sensor *sn = find_sensor(t, &s->flow.exporter);
    uint32_t name = 0;
    if (sn != NULL) {
        name = intern_c(st, sn->name);
        for (unsigned i = 0; i < sn->nfields; i++) {
            fdx_enr_label_set(&s->enr, intern_c(st, sn->f[i].key), intern_c(st, sn->f[i].value));
        }
    } else if (t->st.default_is_address) {
        char text[FDX_ADDR_STRLEN];
        size_t n = fdx_addr_format(&s->flow.exporter, text);
        name = fdx_intern_get(st, text, n);
    }
    if (name != 0) {
        s->enr.sensor = name;
        s->enr.present |= FDX_EBIT(FDX_E_SENSOR);
        fdx_counter_add(&t->sensor_named, 1);
    } else {
        fdx_counter_add(&t->sensor_unknown, 1);
    }
}

static void tag_record(struct tags *t, struct fdx_intern *st, struct fdx_slot *s)
{
    const struct fdx_flow *f = &s->flow;
    tag_sensor(t, st, s);
    if (t->st.nifaces > 0) {
        const char *in = fdx_flow_has(f, FDX_F_IN_IF) ? find_iface(&t->st, &f->exporter, f->in_if)
                                                      : NULL;
        const char *out = fdx_flow_has(f, FDX_F_OUT_IF)
                              ? find_iface(&t->st, &f->exporter, f->out_if)
                              : NULL;
        if (in != NULL && (s->enr.in_if_name = intern_c(st, in)) != 0) {
            s->enr.present |= FDX_EBIT(FDX_E_IN_IF_NAME);
        }
        if (out != NULL && (s->enr.out_if_name = intern_c(st, out)) != 0) {
            s->enr.present |= FDX_EBIT(FDX_E_OUT_IF_NAME);
        }
    }
    if (f->kind != FDX_KIND_FLOW) {
        return;
    }
    if (t->st.nhome > 0 && (s->enr.present & FDX_EBIT(FDX_E_SRC_GEO)) &&
        (s->enr.present & FDX_EBIT(FDX_E_DST_GEO)) && s->enr.src_geo.country_iso != 0 &&
        s->enr.dst_geo.country_iso != 0) {
        bool sh = is_home(&t->st, st, s->enr.src_geo.country_iso);
        bool dh = is_home(&t->st, st, s->enr.dst_geo.country_iso);
        const char *scope = sh && dh ? "domestic" : sh || dh ? "mixed" : "international";
        s->enr.country_scope = intern_c(st, scope);
        s->enr.present |= FDX_EBIT(FDX_E_COUNTRY_SCOPE);
    }
    if (t->st.nports > 0) {
        const char *tag = NULL;
        if (fdx_flow_has(f, FDX_F_DST_PORT)) {
            tag = find_port(&t->st, f->dst_port);
        }
        if (tag == NULL && fdx_flow_has(f, FDX_F_SRC_PORT)) {
            tag = find_port(&t->st, f->src_port);
        }
        if (tag != NULL) {
            fdx_enr_label_set(&s->enr, intern_c(st, t->st.port_field), intern_c(st, tag));
            fdx_counter_add(&t->port_tagged, 1);
        }
    }
}

static void tags_process(void *self, struct fdx_batch *batch)
{
    struct tags *t = self;
    struct fdx_intern *st = fdx_enrich_batch_strings(batch, t->strings, NULL, NULL);
    if (st == NULL) {
        return;
    }
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        if (!s->dropped) {
            tag_record(t, st, s);
        }
    }
}

static int tags_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct tags *t = self;
    struct tags_state ns;
    int rc = state_build(&ns, conf, err);
    if (rc != 0) {
        return rc;
    }
    state_fini(&t->st);
    t->st = ns;
    t->last_sensor = -2;
    return 0;
}

static void tags_stats(const void *self, struct fdx_metrics *m)
{
    const struct tags *t = self;
    char labels[96];
    fdx_metrics_family(m, "flowdex_tags_records_total", "counter",
                       "Records tagged: sensor named or unknown, port tag set");
    const char *names[3] = {"sensor_named", "sensor_unknown", "port_tagged"};
    const fdx_counter *vals[3] = {&t->sensor_named, &t->sensor_unknown, &t->port_tagged};
    for (unsigned i = 0; i < 3; i++) {
        snprintf(labels, sizeof(labels), "result=\"%s\",worker=\"%u\"", names[i], t->worker);
        fdx_metrics_sample(m, "flowdex_tags_records_total", labels, fdx_counter_get(vals[i]));
    }
}

static void tags_free(void *self)
{
    struct tags *t = self;
    if (t != NULL) {
        state_fini(&t->st);
        free(t);
    }
}

const struct fdx_stage_ops fdx_stage_tags = {
    .name = "tags",
    .summary = "sensor names and rules, interface names, country scope, port tags",
    .keys = tags_keys,
    .conf_size = sizeof(struct tags_conf),
    .init = tags_init,
    .process = tags_process,
    .reload = tags_reload,
    .stats = tags_stats,
    .free = tags_free,
};
