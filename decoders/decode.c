/* Per-thread decoding state: creation, housekeeping, defaults. */
#include "decode.h"

#include <errno.h>
#include <string.h>

#include "exporter.h"
#include "pending_sets.h"
#include "templates.h"

/* Bound on the number of data sets waiting for their template (besides the byte bound). */
#define PENDING_MAX_SETS 4096

void fdx_decode_cfg_defaults(struct fdx_decode_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->renormalize = true;
    cfg->max_exporters = 4096;
    cfg->template_timeout_s = 1800;
    cfg->max_templates = 65536;
    cfg->max_templates_per_exporter = 4096;
    cfg->pending_timeout_ms = 60000;
    cfg->pending_max_bytes = 16u << 20;
}

int fdx_decode_ctx_init(struct fdx_decode_ctx *ctx, const struct fdx_decode_cfg *cfg,
                        struct fdx_counters *counters)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->cfg = cfg;
    ctx->counters = counters;
    ctx->exporters = fdx_exporters_new(cfg->max_exporters);
    ctx->templates = fdx_templates_new(cfg->max_templates, cfg->max_templates_per_exporter);
    if (cfg->pending_max_bytes > 0 && cfg->pending_timeout_ms > 0) {
        ctx->pending = fdx_pending_new(cfg->pending_max_bytes, PENDING_MAX_SETS);
    }
    if (ctx->exporters == NULL || ctx->templates == NULL ||
        (cfg->pending_max_bytes > 0 && cfg->pending_timeout_ms > 0 && ctx->pending == NULL)) {
        fdx_decode_ctx_fini(ctx);
        return -ENOMEM;
    }
    return 0;
}

void fdx_decode_ctx_fini(struct fdx_decode_ctx *ctx)
{
    fdx_pending_free(ctx->pending);
    ctx->pending = NULL;
    /* Templates refer to exporter entries: free them first. */
    fdx_templates_free(ctx->templates);
    ctx->templates = NULL;
    fdx_exporters_free(ctx->exporters);
    ctx->exporters = NULL;
}

void fdx_decode_ctx_drain(struct fdx_decode_ctx *ctx)
{
    if (ctx->pending != NULL) {
        unsigned n = fdx_pending_clear(ctx->pending);
        if (n > 0) {
            fdx_decode_count(ctx, FDX_DROP_NO_TEMPLATE, n);
        }
    }
}

void fdx_decode_ctx_tick(struct fdx_decode_ctx *ctx, int64_t now_ms)
{
    ctx->now_ms = now_ms;
    if (ctx->templates != NULL && ctx->cfg->template_timeout_s > 0) {
        fdx_templates_expire(ctx->templates, now_ms,
                             (int64_t)ctx->cfg->template_timeout_s * 1000);
    }
    if (ctx->pending != NULL) {
        unsigned n = fdx_pending_expire(ctx->pending, now_ms, ctx->cfg->pending_timeout_ms);
        if (n > 0) {
            fdx_decode_count(ctx, FDX_DROP_NO_TEMPLATE, n);
        }
    }
}
