/* libuv loop on the main thread: start-up, signals, reload, stats timer, drain. */
#include "control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "listener_tcp.h"
#include "listener_udp.h"
#include "log.h"
#include "metrics_http.h"
#include "pipeline.h"
#include "summary.h"
#include "timeconv.h"

#define STATS_INTERVAL_MS 10000
#define MAX_CONFIGS 64 /* configurations kept alive for the workers (one per reload) */

struct control {
    uv_loop_t loop;
    uv_signal_t sig_term, sig_int, sig_hup;
    uv_timer_t stats;
    uv_work_t drain;
    struct fdx_metrics_http http;
    const struct fdx_cli *cli;
    struct fdx_config *configs[MAX_CONFIGS]; /* [0] is the one the pipeline was built with */
    size_t nconfigs;
    struct fdx_pipeline *p;
    struct fdx_listener_udp *listeners;
    size_t nlisteners;
    struct fdx_listener_tcp tcp; /* IPFIX over TCP: the last producer, when has_tcp */
    bool has_tcp;
    bool draining;
    int drain_rc;
};

static int open_listeners(struct control *c, struct fdx_err *err)
{
    const struct fdx_config *cfg = c->configs[0];
    unsigned per = (unsigned)cfg->core.reuseport;
    c->listeners = calloc(cfg->nlisten * per, sizeof(*c->listeners));
    if (c->listeners == NULL) {
        fdx_err_set(err, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < cfg->nlisten; i++) {
        for (unsigned k = 0; k < per; k++) {
            struct fdx_listener_udp *l = &c->listeners[c->nlisteners];
            if (fdx_listener_udp_open(l, cfg, &cfg->listen[i], k, per > 1, err) != 0) {
                return -1;
            }
            c->nlisteners++;
        }
    }
    if (cfg->ntcp_listen > 0) {
        if (fdx_listener_tcp_open(&c->tcp, cfg, cfg->tcp_listen, cfg->ntcp_listen, err) != 0) {
            return -1;
        }
        c->has_tcp = true;
    }
    return 0;
}

static void stop_listeners(struct control *c)
{
    for (size_t i = 0; i < c->nlisteners; i++) {
        fdx_listener_udp_stop(&c->listeners[i]);
    }
    if (c->has_tcp) {
        fdx_listener_tcp_stop(&c->tcp);
    }
}

static void close_listeners(struct control *c)
{
    for (size_t i = 0; i < c->nlisteners; i++) {
        fdx_listener_udp_close(&c->listeners[i]);
    }
    if (c->has_tcp) {
        fdx_listener_tcp_close(&c->tcp);
    }
    free(c->listeners);
}

/* Threadpool side of the drain: joins the listeners (each finishes its producer), then
 * lets the pipeline empty itself before the deadline. */
static void drain_work(uv_work_t *w)
{
    struct control *c = w->data;
    int64_t deadline = fdx_time_mono_ms() + (int64_t)c->configs[0]->core.shutdown_timeout;
    stop_listeners(c);
    c->drain_rc = fdx_pipeline_drain(c->p, deadline);
}

static void drain_done(uv_work_t *w, int status)
{
    (void)status;
    struct control *c = w->data;
    fdx_summary_print(c->p, stderr);
    fdx_info("shutdown complete%s", c->drain_rc ? " (deadline reached: see the drop counts)" : "");
    uv_close((uv_handle_t *)&c->sig_term, NULL);
    uv_close((uv_handle_t *)&c->sig_int, NULL);
    uv_close((uv_handle_t *)&c->sig_hup, NULL);
    uv_close((uv_handle_t *)&c->stats, NULL);
    fdx_metrics_http_close(&c->http);
}

static void on_stop(uv_signal_t *s, int signum)
{
    struct control *c = s->data;
    if (c->draining) {
        fdx_warn("signal %d: already draining", signum);
        return;
    }
    fdx_info("signal %d: draining (timeout %llu ms)", signum,
             (unsigned long long)c->configs[0]->core.shutdown_timeout);
    c->draining = true;
    c->http.draining = true;
    uv_timer_stop(&c->stats);
    c->drain.data = c;
    uv_queue_work(&c->loop, &c->drain, drain_work, drain_done);
}

static void on_hup(uv_signal_t *s, int signum)
{
    (void)signum;
    struct control *c = s->data;
    struct fdx_err err = {""};
    if (c->draining) {
        return;
    }
    if (c->nconfigs == MAX_CONFIGS) {
        fdx_error("reload refused: too many reloads since start (%d); restart flowdex",
                  MAX_CONFIGS - 1);
        return;
    }
    struct fdx_config *cfg = fdx_cli_build_config(c->cli, &err);
    if (cfg == NULL) {
        fdx_error("reload refused, keeping the running configuration: %s", err.msg);
        return;
    }
    if (fdx_pipeline_reload(c->p, cfg, &err) != 0) {
        fdx_error("reload refused, keeping the running configuration: %s", err.msg);
        fdx_config_free(cfg);
        return;
    }
    c->configs[c->nconfigs++] = cfg;
    enum fdx_log_level lvl = (enum fdx_log_level)cfg->core.log_level;
    fdx_log_set_level(lvl);
    fdx_info("reload: stages reloaded and outputs reopened (listen addresses, workers, schema "
             "and sizes need a restart)");
}

static void on_stats(uv_timer_t *t)
{
    struct control *c = t->data;
    if (fdx_log_get_level() < FDX_LOG_DEBUG) {
        return;
    }
    struct fdx_pipeline_totals s;
    fdx_pipeline_totals(c->p, &s);
    uint64_t dg = 0, rec = 0, drops = 0;
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        dg += s.c.datagrams[i];
        rec += s.c.records[i];
    }
    for (int i = 0; i < FDX_DROP__COUNT; i++) {
        drops += s.c.dgram_drop[i] + s.c.record_drop[i];
    }
    fdx_debug("stats: datagrams %llu records %llu drops %llu documents %llu kernel_drops %llu",
              (unsigned long long)dg, (unsigned long long)rec, (unsigned long long)drops,
              (unsigned long long)s.docs_written, (unsigned long long)s.kernel_drops);
}

static void close_any(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h)) {
        uv_close(h, NULL);
    }
}

static int start(struct control *c, struct fdx_err *err)
{
    const struct fdx_config *cfg = c->configs[0];
    if (open_listeners(c, err) != 0) {
        return -1;
    }
    c->p = fdx_pipeline_new(cfg, (unsigned)(c->nlisteners + c->has_tcp), false, err);
    if (c->p == NULL || fdx_pipeline_start(c->p, err) != 0) {
        return -1;
    }
    for (size_t i = 0; i < c->nlisteners; i++) {
        if (fdx_listener_udp_start(&c->listeners[i], fdx_pipeline_producer(c->p, (unsigned)i),
                                   err) != 0) {
            return -1;
        }
    }
    if (c->has_tcp && fdx_listener_tcp_start(&c->tcp, fdx_pipeline_producer(c->p,
                                             (unsigned)c->nlisteners), err) != 0) {
        return -1;
    }
    uv_signal_init(&c->loop, &c->sig_term);
    uv_signal_init(&c->loop, &c->sig_int);
    uv_signal_init(&c->loop, &c->sig_hup);
    c->sig_term.data = c->sig_int.data = c->sig_hup.data = c;
    uv_signal_start(&c->sig_term, on_stop, SIGTERM);
    uv_signal_start(&c->sig_int, on_stop, SIGINT);
    uv_signal_start(&c->sig_hup, on_hup, SIGHUP);
    uv_timer_init(&c->loop, &c->stats);
    c->stats.data = c;
    uv_timer_start(&c->stats, on_stats, STATS_INTERVAL_MS, STATS_INTERVAL_MS);
    if (cfg->has_metrics &&
        fdx_metrics_http_start(&c->http, &c->loop, &cfg->metrics, c->p, err) != 0) {
        return -1;
    }
    return 0;
}

int fdx_control_run(const struct fdx_cli *cli, struct fdx_config *cfg, struct fdx_err *err)
{
    struct control *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        fdx_err_set(err, "out of memory");
        fdx_config_free(cfg);
        return 1;
    }
    c->cli = cli;
    c->configs[c->nconfigs++] = cfg;
    uv_loop_init(&c->loop);
    int rc = start(c, err);
    if (rc == 0) {
        fdx_info("flowdex %s running: %zu listener thread(s), pid %d", FDX_VERSION,
                 c->nlisteners + c->has_tcp, (int)uv_os_getpid());
        uv_run(&c->loop, UV_RUN_DEFAULT);
    } else {
        /* Start-up failed: undo what started, in reverse order. */
        stop_listeners(c);
        uv_walk(&c->loop, close_any, NULL);
        uv_run(&c->loop, UV_RUN_DEFAULT);
    }
    close_listeners(c); /* decode contexts count into the pipeline's producers: first */
    fdx_pipeline_free(c->p);
    uv_loop_close(&c->loop);
    for (size_t i = 0; i < c->nconfigs; i++) {
        fdx_config_free(c->configs[i]);
    }
    int code = rc == 0 ? 0 : 1;
    free(c);
    return code;
}
