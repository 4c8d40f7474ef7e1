/* The HTTP endpoint on the control thread's libuv loop: GET /metrics (Prometheus text format
 * 0.0.4) and GET /health (200 "ok" while running, 503 "draining" during shutdown). One
 * request per connection; the page is built from relaxed reads of the counter blocks. */
#ifndef FDX_METRICS_HTTP_H
#define FDX_METRICS_HTTP_H

#include <stdbool.h>
#include <uv.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "pipeline.h"

struct fdx_metrics_http {
    uv_tcp_t server;
    bool open;
    const struct fdx_pipeline *p;
    bool draining;
};

/* Binds and listens on addr. Returns 0 or a negative errno with err filled. */
int fdx_metrics_http_start(struct fdx_metrics_http *h, uv_loop_t *loop,
                           const struct fdx_sockaddr_spec *addr, const struct fdx_pipeline *p,
                           struct fdx_err *err);

/* Closes the listening handle (connections in flight finish on their own). */
void fdx_metrics_http_close(struct fdx_metrics_http *h);

/* The /metrics page: counters per protocol, every drop reason (zeros included) with its
 * stage, per-exporter counters, ring occupancy, then every stage's and output's stats. */
void fdx_metrics_http_render(const struct fdx_pipeline *p, bool draining, struct fdx_buf *out);


#endif
