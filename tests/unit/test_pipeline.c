/* The pipeline in-process: records decoded by a producer reach the output exactly once with
 * routing over two workers; a full ring and an empty pool are counted drops with exact
 * numbers (decoded = delivered + ring_full + no_batch). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "dispatch.h"
#include "pipeline.h"
#include "timeconv.h"

static size_t put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return 2;
}

static size_t put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return 4;
}

/* A NetFlow v5 datagram of count records; record i has source 10.0.<dg>.<i>, port 1000+i. */
static size_t make_v5(uint8_t *buf, unsigned dg, unsigned count)
{
    memset(buf, 0, 24 + 48 * (size_t)count);
    uint8_t *p = buf;
    p += put16(p, 5);
    p += put16(p, (uint16_t)count);
    p += put32(p, 100000);     /* uptime ms */
    p += put32(p, 1700000000); /* unix secs */
    p += put32(p, 0);
    p += put32(p, dg * 30);    /* sequence */
    p += 4;                    /* engine type/id, sampling */
    for (unsigned i = 0; i < count; i++) {
        uint8_t *r = buf + 24 + 48 * (size_t)i;
        put32(r, 0x0a000000u | dg << 8 | i);   /* src */
        put32(r + 4, 0xc0a80001u);             /* dst */
        put32(r + 16, 1 + i);                  /* packets */
        put32(r + 20, 100 * (1 + i));          /* bytes */
        put32(r + 24, 90000);                  /* first */
        put32(r + 28, 99000);                  /* last */
        put16(r + 32, (uint16_t)(1000 + i));   /* src port */
        put16(r + 34, 53);                     /* dst port */
        r[38] = 17;                            /* protocol */
    }
    return 24 + 48 * (size_t)count;
}

static struct fdx_config *config(const char *extra, const char *out_path)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "{%s \"stages\": [], \"outputs\": [{\"type\": \"file\", \"path\": \"%s\"}]}", extra,
             out_path);
    struct json_object *root = json_tokener_parse(text);
    struct fdx_err err = {""};
    struct fdx_config *c = fdx_config_load(root, &err);
    json_object_put(root);
    if (c == NULL) {
        fprintf(stderr, "config: %s\n", err.msg);
    }
    return c;
}

static void feed(struct fdx_decode_ctx *ctx, unsigned first_dg, unsigned ndg, unsigned count)
{
    static uint8_t buf[24 + 48 * 30];
    for (unsigned d = first_dg; d < first_dg + ndg; d++) {
        struct fdx_datagram dg;
        memset(&dg, 0, sizeof(dg));
        dg.data = buf;
        dg.len = make_v5(buf, d, count);
        fdx_addr_parse("192.0.2.1", &dg.exporter);
        dg.exporter_port = 40000;
        dg.recv_ms = 1700000000000;
        ctx->now_ms = dg.recv_ms;
        fdx_dispatch_datagram(ctx, &dg);
    }
}

static size_t count_lines(const char *path, const char *needle, size_t *matches)
{
    FILE *f = fopen(path, "r");
    size_t n = 0;
    char line[8192];
    *matches = 0;
    while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
        n++;
        *matches += strstr(line, needle) != NULL;
    }
    if (f != NULL) {
        fclose(f);
    }
    return n;
}

static void test_routed_two_workers(void)
{
    char path[] = "/tmp/fdx_test_pipeline_XXXXXX";
    close(mkstemp(path));
    struct fdx_config *cfg =
        config("\"workers\": 2, \"batch_size\": 16, \"batch_count\": 4, \"ring_size\": 2,", path);
    CHECK_TRUE(cfg != NULL);
    if (cfg == NULL) {
        return;
    }
    struct fdx_err err = {""};
    struct fdx_pipeline *p = fdx_pipeline_new(cfg, 1, true, &err);
    CHECK_TRUE(p != NULL && fdx_pipeline_start(p, &err) == 0);
    struct fdx_producer *pr = fdx_pipeline_producer(p, 0);
    struct fdx_decode_ctx ctx;
    CHECK_EQ_I64(fdx_decode_ctx_init(&ctx, &cfg->decode, fdx_producer_counters(pr)), 0);
    fdx_producer_bind(pr, &ctx);
    feed(&ctx, 0, 20, 30);
    fdx_producer_finish(pr);
    CHECK_EQ_I64(fdx_pipeline_drain(p, fdx_time_mono_ms() + 30000), 0);
    struct fdx_pipeline_totals t;
    fdx_pipeline_totals(p, &t);
    CHECK_EQ_U64(t.c.records[FDX_PROTO_NF5], 600);
    CHECK_EQ_U64(t.worker_records, 600);
    CHECK_EQ_U64(t.docs_encoded, 600);
    CHECK_EQ_U64(t.docs_written, 600);
    fdx_decode_ctx_fini(&ctx); /* counts into the producer: before the pipeline is freed */
    fdx_pipeline_free(p);
    size_t m;
    CHECK_EQ_U64(count_lines(path, "\"ip\":\"10.0.19.29\",\"port\":1029", &m), 600);
    CHECK_EQ_U64(m, 1); /* the last record of the last datagram, exactly once */
    count_lines(path, "\"bytes\":3000,", &m);
    CHECK_EQ_U64(m, 20); /* record 29 of each datagram: 100 * 30 bytes */
    unlink(path);
    fdx_config_free(cfg);
}

/* Producer fills its rings before the workers start: exact ring_full / no_batch counts. */
static void run_unstarted(const char *extra, uint64_t *ring_full, uint64_t *no_batch,
                          uint64_t *written)
{
    char path[] = "/tmp/fdx_test_pipeline_XXXXXX";
    close(mkstemp(path));
    struct fdx_config *cfg = config(extra, path);
    CHECK_TRUE(cfg != NULL);
    if (cfg == NULL) {
        return;
    }
    struct fdx_err err = {""};
    struct fdx_pipeline *p = fdx_pipeline_new(cfg, 1, false, &err);
    CHECK_TRUE(p != NULL);
    struct fdx_producer *pr = fdx_pipeline_producer(p, 0);
    struct fdx_decode_ctx ctx;
    fdx_decode_ctx_init(&ctx, &cfg->decode, fdx_producer_counters(pr));
    fdx_producer_bind(pr, &ctx);
    feed(&ctx, 0, 1, 10);
    fdx_producer_flush(pr);
    CHECK_EQ_I64(fdx_pipeline_start(p, &err), 0);
    fdx_producer_finish(pr);
    CHECK_EQ_I64(fdx_pipeline_drain(p, fdx_time_mono_ms() + 30000), 0);
    struct fdx_pipeline_totals t;
    fdx_pipeline_totals(p, &t);
    CHECK_EQ_U64(t.c.records[FDX_PROTO_NF5] + t.c.record_drop[FDX_DROP_NO_BATCH], 10);
    CHECK_EQ_U64(t.worker_records + t.c.record_drop[FDX_DROP_RING_FULL] +
                     t.c.record_drop[FDX_DROP_NO_BATCH], 10);
    *ring_full = t.c.record_drop[FDX_DROP_RING_FULL];
    *no_batch = t.c.record_drop[FDX_DROP_NO_BATCH];
    *written = t.docs_written;
    fdx_decode_ctx_fini(&ctx); /* counts into the producer: before the pipeline is freed */
    fdx_pipeline_free(p);
    size_t m;
    CHECK_EQ_U64(count_lines(path, "\"ip\"", &m), *written);
    unlink(path);
    fdx_config_free(cfg);
}

static void test_ring_full_counted(void)
{
    uint64_t rf = 0, nb = 0, w = 0;
    run_unstarted("\"listener_wait\": 0, \"batch_size\": 1, \"batch_count\": 4, \"ring_size\": 2,", &rf, &nb, &w);
    CHECK_EQ_U64(rf, 8);
    CHECK_EQ_U64(nb, 0);
    CHECK_EQ_U64(w, 2);
}

static void test_no_batch_counted(void)
{
    uint64_t rf = 0, nb = 0, w = 0;
    run_unstarted("\"listener_wait\": 0, \"batch_size\": 1, \"batch_count\": 2, \"ring_size\": 4,", &rf, &nb, &w);
    CHECK_EQ_U64(rf, 0);
    CHECK_EQ_U64(nb, 8);
    CHECK_EQ_U64(w, 2);
}

/* A stage that removes every record with an odd source port, counted as filtered. */
struct odd_filter {
    struct fdx_counters *counters;
    uint64_t seen;
};

static void *odd_init(const void *conf, const struct fdx_stage_env *env, struct fdx_err *err)
{
    (void)conf;
    (void)err;
    struct odd_filter *f = calloc(1, sizeof(*f));
    f->counters = env->counters;
    return f;
}

static void odd_process(void *self, struct fdx_batch *b)
{
    struct odd_filter *f = self;
    for (uint32_t i = 0; i < b->n; i++) {
        f->seen++;
        if (b->slot[i].dropped == 0 && (b->slot[i].flow.src_port & 1)) {
            b->slot[i].dropped = FDX_DROP_FILTERED;
            fdx_counter_add(&f->counters->record_drop[FDX_DROP_FILTERED], 1);
        }
    }
}

static const struct fdx_stage_ops odd_stage = {
    .name = "odd", .init = odd_init, .process = odd_process, .free = free};

/* An output that answers -EAGAIN to every other submit and counts what it accepted. */
struct flaky {
    unsigned calls, polls;
    uint64_t docs, flushes;
};

static void *flaky_open(const void *conf, const struct fdx_output_env *env, struct fdx_err *err)
{
    (void)conf;
    (void)env;
    (void)err;
    return calloc(1, sizeof(struct flaky));
}

static int flaky_submit(void *self, const struct fdx_doc_batch *d)
{
    struct flaky *o = self;
    if (o->calls++ % 2 == 0) {
        return -EAGAIN;
    }
    o->docs += d->n;
    return 0;
}

static void flaky_poll(void *self, int timeout_ms)
{
    (void)timeout_ms;
    ((struct flaky *)self)->polls++;
}

static int flaky_flush(void *self, int64_t deadline_ms)
{
    (void)deadline_ms;
    ((struct flaky *)self)->flushes++;
    return 0;
}

static struct flaky flaky_result;

static void flaky_close(void *self)
{
    flaky_result = *(struct flaky *)self;
    free(self);
}

static const struct fdx_output_ops flaky_output = {
    .name = "flaky", .open = flaky_open, .submit = flaky_submit, .poll = flaky_poll,
    .flush = flaky_flush, .close = flaky_close};

static void test_stage_filter_and_output_backpressure(void)
{
    struct fdx_config *cfg = config("\"workers\": 2, \"batch_size\": 8,", "/dev/null");
    CHECK_TRUE(cfg != NULL);
    if (cfg == NULL) {
        return;
    }
    const struct fdx_output_ops *file_ops = cfg->outputs[0].ops;
    cfg->outputs[0].ops = &flaky_output; /* conf stays the file output's; flaky ignores it */
    free(cfg->stages);
    cfg->stages = calloc(1, sizeof(*cfg->stages));
    cfg->stages[0].ops = &odd_stage;
    cfg->nstages = 1;
    struct fdx_err err = {""};
    struct fdx_pipeline *p = fdx_pipeline_new(cfg, 1, true, &err);
    CHECK_TRUE(p != NULL && fdx_pipeline_start(p, &err) == 0);
    struct fdx_producer *pr = fdx_pipeline_producer(p, 0);
    struct fdx_decode_ctx ctx;
    fdx_decode_ctx_init(&ctx, &cfg->decode, fdx_producer_counters(pr));
    fdx_producer_bind(pr, &ctx);
    feed(&ctx, 0, 10, 30); /* source ports 1000..1029: 15 odd per datagram */
    fdx_producer_finish(pr);
    CHECK_EQ_I64(fdx_pipeline_drain(p, fdx_time_mono_ms() + 30000), 0);
    struct fdx_pipeline_totals t;
    fdx_pipeline_totals(p, &t);
    CHECK_EQ_U64(t.worker_records, 300);
    CHECK_EQ_U64(t.c.record_drop[FDX_DROP_FILTERED], 150);
    CHECK_EQ_U64(t.docs_encoded, 150);
    CHECK_EQ_U64(t.docs_written, 150);
    fdx_decode_ctx_fini(&ctx); /* counts into the producer: before the pipeline is freed */
    fdx_pipeline_free(p);
    CHECK_EQ_U64(flaky_result.docs, 150);          /* every document once, despite -EAGAIN */
    CHECK_TRUE(flaky_result.polls >= flaky_result.calls / 2); /* polled before each retry */
    CHECK_EQ_U64(flaky_result.flushes, 1);
    cfg->outputs[0].ops = file_ops; /* so that its conf is released by the right table */
    fdx_config_free(cfg);
}

TEST_LIST{
    {"stage_filter_and_output_backpressure", test_stage_filter_and_output_backpressure},
    {"routed_two_workers", test_routed_two_workers},
    {"ring_full_counted", test_ring_full_counted},
    {"no_batch_counted", test_no_batch_counted},
};

CHECK_MAIN()
