/* The filter stage: private/reserved addresses, flow age, exporter allow/deny lists. */
#include "filter.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrich_util.h"

enum { MATCH_EITHER, MATCH_BOTH };
static const char *const match_choices[] = {"either", "both", NULL};

struct filter_conf {
    bool drop_private;
    struct fdx_strlist private_networks;
    int private_match;
    uint64_t max_age_ms;
    uint64_t max_future_ms;
    struct fdx_strlist exporters_allow;
    struct fdx_strlist exporters_deny;
};

/* The special-purpose ranges of RFC 6890 and its IPv6 counterpart, minus multicast (kept so
 * that the geoip stage can tag it) and minus documentation ranges that tests use. */
#define PRIVATE_DEFAULT                                                                      \
    "[\"0.0.0.0/8\",\"10.0.0.0/8\",\"100.64.0.0/10\",\"127.0.0.0/8\",\"169.254.0.0/16\","  \
    "\"172.16.0.0/12\",\"192.0.0.0/24\",\"192.168.0.0/16\",\"198.18.0.0/15\","            \
    "\"240.0.0.0/4\",\"::/128\",\"::1/128\",\"fc00::/7\",\"fe80::/10\"]"

static const struct fdx_cfg_key filter_keys[] = {
    {"drop_private", FDX_CFG_BOOL, "true", offsetof(struct filter_conf, drop_private), 0, 0, NULL,
     "drop records whose source or destination is in private_networks"},
    {"private_networks", FDX_CFG_STRLIST, PRIVATE_DEFAULT,
     offsetof(struct filter_conf, private_networks), 0, 0, NULL,
     "CIDR prefixes (IPv4 and IPv6) counted as private or reserved"},
    {"private_match", FDX_CFG_ENUM, "\"either\"", offsetof(struct filter_conf, private_match), 0,
     0, match_choices,
     "drop when either address is private, or only when both are"},
    {"max_age", FDX_CFG_DURATION, "0", offsetof(struct filter_conf, max_age_ms), 0, 0, NULL,
     "drop records that ended longer ago than this before they were received (0 = off)"},
    {"max_future", FDX_CFG_DURATION, "\"10s\"", offsetof(struct filter_conf, max_future_ms), 0, 0,
     NULL, "drop records whose start or end is further than this after reception (0 = off)"},
    {"exporters_allow", FDX_CFG_STRLIST, "[]", offsetof(struct filter_conf, exporters_allow), 0, 0,
     NULL, "when not empty, only exporters in these prefixes are kept"},
    {"exporters_deny", FDX_CFG_STRLIST, "[]", offsetof(struct filter_conf, exporters_deny), 0, 0,
     NULL, "exporters in these prefixes are dropped"},
    FDX_CFG_END,
};

struct filter_rules {
    bool drop_private;
    bool match_both;
    int64_t max_age_ms, max_future_ms;
    struct fdx_prefix_list priv, allow, deny;
};

struct filter {
    struct filter_rules r;
    struct fdx_counters *counters;
    unsigned worker;
    fdx_counter dropped[4]; /* private, too old, future, exporter */
    fdx_counter passed;
};

static void rules_fini(struct filter_rules *r)
{
    fdx_prefix_list_fini(&r->priv);
    fdx_prefix_list_fini(&r->allow);
    fdx_prefix_list_fini(&r->deny);
}

static int rules_build(struct filter_rules *r, const struct filter_conf *c, struct fdx_err *err)
{
    memset(r, 0, sizeof(*r));
    r->drop_private = c->drop_private;
    r->match_both = c->private_match == MATCH_BOTH;
    r->max_age_ms = (int64_t)c->max_age_ms;
    r->max_future_ms = (int64_t)c->max_future_ms;
    int rc = fdx_prefix_list_parse(&r->priv, &c->private_networks, "filter.private_networks",
                                   err);
    if (rc == 0) {
        rc = fdx_prefix_list_parse(&r->allow, &c->exporters_allow, "filter.exporters_allow",
                                   err);
    }
    if (rc == 0) {
        rc = fdx_prefix_list_parse(&r->deny, &c->exporters_deny, "filter.exporters_deny", err);
    }
    if (rc != 0) {
        rules_fini(r);
    }
    return rc;
}

static void *filter_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    struct filter *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        fdx_err_set(err, "filter: out of memory");
        return NULL;
    }
    if (rules_build(&f->r, conf, err) != 0) {
        free(f);
        return NULL;
    }
    f->counters = env->counters;
    f->worker = env->worker_id;
    return f;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reason to drop the record, or FDX_DROP_NONE. */
static enum fdx_drop verdict(const struct filter_rules *r, const struct fdx_flow *f, int64_t now)
{
    if (r->allow.n > 0 && !fdx_prefix_list_match(&r->allow, &f->exporter)) {
        return FDX_DROP_FILTER_EXPORTER;
    }
    if (r->deny.n > 0 && fdx_prefix_list_match(&r->deny, &f->exporter)) {
        return FDX_DROP_FILTER_EXPORTER;
    }
    if (r->drop_private && f->kind == FDX_KIND_FLOW) {
        bool sp = fdx_flow_has(f, FDX_F_SRC_ADDR) && fdx_prefix_list_match(&r->priv, &f->src);
        bool dp = fdx_flow_has(f, FDX_F_DST_ADDR) && fdx_prefix_list_match(&r->priv, &f->dst);
        if (r->match_both ? (sp && dp) : (sp || dp)) {
            return FDX_DROP_FILTER_PRIVATE;
        }
    }
    /* Time is judged against reception (replays keep their capture times). */
    int64_t ref = f->recv_ms != 0 ? f->recv_ms : now;
    bool has_end = fdx_flow_has(f, FDX_F_END), has_start = fdx_flow_has(f, FDX_F_START);
    if (r->max_age_ms > 0 && (has_end || has_start)) {
        int64_t t = has_end ? f->end_ms : f->start_ms;
        if (ref - t > r->max_age_ms) {
            return FDX_DROP_FILTER_TOO_OLD;
        }
    }
    if (r->max_future_ms > 0) {
        if ((has_start && f->start_ms - ref > r->max_future_ms) ||
            (has_end && f->end_ms - ref > r->max_future_ms)) {
            return FDX_DROP_FILTER_FUTURE;
        }
    }
    return FDX_DROP_NONE;
}

static void filter_process(void *self, struct fdx_batch *batch)
{
    struct filter *fs = self;
    int64_t now = now_ms();
    uint64_t passed = 0;
    for (uint32_t i = 0; i < batch->n; i++) {
        struct fdx_slot *s = &batch->slot[i];
        if (s->dropped) {
            continue;
        }
        enum fdx_drop why = verdict(&fs->r, &s->flow, now);
        if (why == FDX_DROP_NONE) {
            passed++;
            continue;
        }
        unsigned k = why == FDX_DROP_FILTER_PRIVATE   ? 0
                     : why == FDX_DROP_FILTER_TOO_OLD ? 1
                     : why == FDX_DROP_FILTER_FUTURE  ? 2
                                                      : 3;
        fdx_enrich_drop(s, fs->counters, why, &fs->dropped[k]);
    }
    fdx_counter_add(&fs->passed, passed);
}

static int filter_reload(void *self, const void *conf, struct fdx_err *err)
{
    struct filter *fs = self;
    struct filter_rules nr;
    int rc = rules_build(&nr, conf, err);
    if (rc != 0) {
        return rc;
    }
    rules_fini(&fs->r);
    fs->r = nr;
    return 0;
}

static void filter_stats(const void *self, struct fdx_metrics *m)
{
    const struct filter *fs = self;
    static const char *const reason[4] = {"filter_private", "filter_too_old", "filter_future",
                                          "filter_exporter"};
    char labels[96];
    fdx_metrics_family(m, "flowdex_filter_records_total", "counter",
                       "Records seen by the filter stage, by verdict");
    snprintf(labels, sizeof(labels), "verdict=\"passed\",worker=\"%u\"", fs->worker);
    fdx_metrics_sample(m, "flowdex_filter_records_total", labels, fdx_counter_get(&fs->passed));
    for (unsigned i = 0; i < 4; i++) {
        snprintf(labels, sizeof(labels), "verdict=\"%s\",worker=\"%u\"", reason[i], fs->worker);
        fdx_metrics_sample(m, "flowdex_filter_records_total", labels,
                           fdx_counter_get(&fs->dropped[i]));
    }
}

static void filter_free(void *self)
{
    struct filter *fs = self;
    if (fs != NULL) {
        rules_fini(&fs->r);
        free(fs);
    }
}

const struct fdx_stage_ops fdx_stage_filter = {
    .name = "filter",
    .summary = "drop private/reserved addresses, stale or future flows, unwanted exporters",
    .keys = filter_keys,
    .conf_size = sizeof(struct filter_conf),
    .init = filter_init,
    .process = filter_process,
    .reload = filter_reload,
    .stats = filter_stats,
    .free = filter_free,
};
