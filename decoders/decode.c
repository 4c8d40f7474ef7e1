/* Per-thread decoding state: creation, housekeeping, defaults. */
#include "decode.h"

#include <errno.h>
#include <string.h>

#include "exporter.h"

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
    if (ctx->exporters == NULL) {
        return -ENOMEM;
    }
    return 0;
}

void fdx_decode_ctx_fini(struct fdx_decode_ctx *ctx)
{
    fdx_exporters_free(ctx->exporters);
    ctx->exporters = NULL;
}

void fdx_decode_ctx_tick(struct fdx_decode_ctx *ctx, int64_t now_ms)
{
    ctx->now_ms = now_ms;
}
