/* Enrichment benchmark: records/s of each stage and of the whole chain on one thread, over
 * generated traffic (public addresses drawn from the ranges of the MaxMind test databases and
 * from random space, with a skewed repetition so that the per-worker caches see a realistic
 * hit rate). Times are the thread's CPU time (records/s per core, whatever else runs on
 * the machine). Prints the median of 5 runs; never fails on speed.
 * Usage: bench_enrich CORPUS_DIR [SCRATCH_DIR [chain]]   ("chain": only the whole chain, for
 * profiling) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "batch.h"
#include "cfg.h"
#include "counters.h"
#include "intern.h"
#include "stage.h"

#define NBATCH 256
#define RUNS 5
#define POOL 50000 /* distinct addresses */
#define HOT 2000   /* addresses that carry 90% of the records */

struct inst {
    const char *label;
    const struct fdx_stage_ops *ops;
    void *conf;
    void *self;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_stage(struct inst *in, const char *label, const char *name, const char *json,
                      const struct fdx_stage_env *env)
{
    struct fdx_err err = {{0}};
    in->label = label;
    in->ops = fdx_stage_find(name);
    in->conf = calloc(1, in->ops->conf_size);
    struct json_object *o = json ? json_tokener_parse(json) : NULL;
    int rc = fdx_cfg_apply(in->ops->keys, in->conf, o, name, NULL, &err);
    json_object_put(o);
    if (rc == 0) {
        in->self = in->ops->init(in->conf, env, &err);
    }
    if (in->self == NULL) {
        fprintf(stderr, "%s: %s\n", name, err.msg);
        return -1;
    }
    return 0;
}

/* Address pool: a third in test-database ranges (found), the rest random public space. */
static void make_pool(struct fdx_addr *pool)
{
    static const uint32_t v4_ranges[][2] = {
        {0x51024500, 8}, /* 81.2.69.0/24: GB */    {0xd8a05300, 8}, /* 216.160.83.0/24: US */
        {0x59a01400, 8}, /* 89.160.20.0/24: SE */  {0x01800000, 21}, /* 1.128.0.0/11: AS1221 */
        {0x0c515c00, 10}, /* 12.81.92.0/22: AS7018 */
    };
    for (unsigned i = 0; i < POOL; i++) {
        if (i % 3 == 0) {
            const uint32_t *r = v4_ranges[rnd() % 5];
            fdx_addr_set_v4_u32(&pool[i], r[0] + (rnd() & ((1u << r[1]) - 1)));
        } else if (i % 10 == 1) {
            uint8_t b[16] = {0x20, 0x01, 0x02, 0x18};
            for (unsigned k = 4; k < 16; k++) {
                b[k] = (uint8_t)rnd();
            }
            fdx_addr_set_v6(&pool[i], b);
        } else {
            uint32_t a;
            do {
                a = rnd() << 1 ^ rnd();
            } while ((a >> 24) == 10 || (a >> 24) == 127 || (a >> 24) >= 224 || (a >> 24) == 0);
            fdx_addr_set_v4_u32(&pool[i], a);
        }
    }
}

static const struct fdx_addr *pick(const struct fdx_addr *pool)
{
    return rnd() % 10 < 9 ? &pool[rnd() % HOT] : &pool[rnd() % POOL];
}

static void fill(struct fdx_batch **b, struct fdx_flow *pristine, const struct fdx_addr *pool)
{
    static const uint16_t ports[] = {443, 80, 53, 5201, 22, 123, 8080, 993};
    struct fdx_addr exporter[4];
    for (unsigned e = 0; e < 4; e++) {
        fdx_addr_set_v4_u32(&exporter[e], 0xc0000201u + e);
    }
    for (unsigned i = 0; i < NBATCH; i++) {
        for (uint32_t k = 0; k < b[i]->cap; k++) {
            struct fdx_flow *f = &pristine[i * b[i]->cap + k];
            memset(f, 0, sizeof(*f));
            f->src = *pick(pool);
            do {
                f->dst = *pick(pool);
            } while (fdx_addr_is_v4(&f->src) != fdx_addr_is_v4(&f->dst));
            f->exporter = exporter[rnd() % 4];
            f->src_port = (uint16_t)(1024 + rnd() % 60000);
            f->dst_port = ports[rnd() % 8];
            f->ip_proto = rnd() % 4 ? 6 : 17;
            f->in_if = rnd() % 16;
            f->out_if = rnd() % 16;
            f->bytes = 1500;
            f->packets = 1;
            f->recv_ms = 1795353244000;
            f->end_ms = f->recv_ms - 1000;
            f->start_ms = f->end_ms - 5000;
            f->kind = FDX_KIND_FLOW;
            f->present = FDX_BIT(FDX_F_SRC_ADDR) | FDX_BIT(FDX_F_DST_ADDR) |
                         FDX_BIT(FDX_F_SRC_PORT) | FDX_BIT(FDX_F_DST_PORT) |
                         FDX_BIT(FDX_F_IP_PROTO) | FDX_BIT(FDX_F_IN_IF) | FDX_BIT(FDX_F_OUT_IF) |
                         FDX_BIT(FDX_F_START) | FDX_BIT(FDX_F_END) | FDX_BIT(FDX_F_BYTES);
        }
    }
}

static void restore(struct fdx_batch **b, const struct fdx_flow *pristine)
{
    for (unsigned i = 0; i < NBATCH; i++) {
        b[i]->n = b[i]->cap;
        for (uint32_t k = 0; k < b[i]->cap; k++) {
            struct fdx_slot *s = &b[i]->slot[k];
            s->flow = pristine[i * b[i]->cap + k];
            memset(&s->enr, 0, sizeof(s->enr));
            s->dropped = 0;
        }
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median records/s of the n stages of list, in order, over all batches. */
static double measure(struct inst *const *list, unsigned n, struct fdx_batch **b,
                      const struct fdx_flow *pristine)
{
    double rate[RUNS];
    for (unsigned r = 0; r < RUNS; r++) {
        restore(b, pristine);
        double t0 = now_s();
        for (unsigned i = 0; i < NBATCH; i++) {
            for (unsigned k = 0; k < n; k++) {
                list[k]->ops->process(list[k]->self, b[i]);
            }
        }
        double dt = now_s() - t0;
        rate[r] = (double)NBATCH * b[0]->cap / dt;
    }
    qsort(rate, RUNS, sizeof(double), cmp_d);
    return rate[RUNS / 2];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

/* Synthetic CAIDA file (10000 ASes) and prefix table (20000 prefixes, /16../24). */
static void make_tables(const char *dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/bench-as-org2info.txt", dir);
    FILE *f = fopen(path, "w");
    if (f != NULL) {
        fprintf(f, "# format:org_id|changed|org_name|country|source\n");
        for (unsigned i = 0; i < 10000; i++) {
            fprintf(f, "ORG-%u|20240101|Organisation number %u|SE|RIPE\n", i, i);
        }
        fprintf(f, "# format:aut|changed|aut_name|org_id|opaque_id|source\n");
        fprintf(f, "1221|20240101|TELSTRA|ORG-1|x|APNIC\n7018|20240101|ATT|ORG-2|x|ARIN\n");
        for (unsigned i = 0; i < 10000; i++) {
            fprintf(f, "%u|20240101|AS%u|ORG-%u|x|RIPE\n", 100000 + i, i, i);
        }
        fclose(f);
    }
    snprintf(path, sizeof(path), "%s/bench-prefixes.csv", dir);
    f = fopen(path, "w");
    if (f != NULL) {
        fprintf(f, "prefix,organization.name\n81.2.69.0/24,London Member\n");
        for (unsigned i = 0; i < 20000; i++) {
            unsigned len = 16 + rnd() % 9;
            uint32_t a = (rnd() << 1 ^ rnd()) & (0xffffffffu << (32 - len));
            fprintf(f, "%u.%u.%u.%u/%u,Member %u\n", a >> 24, a >> 16 & 255, a >> 8 & 255,
                    a & 255, len, i);
        }
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    const char *corpus = argc > 1 ? argv[1] : "../shared/corpus";
    const char *scratch = argc > 2 ? argv[2] : ".";
    char city[512], asn[512], cfg_geo[700], cfg_asn[700], cfg_org[700], cfg_pt[700],
        cfg_anon2[700], key[512];
    snprintf(city, sizeof(city), "%s/mmdb/maxmind/test-data/GeoIP2-City-Test.mmdb", corpus);
    snprintf(asn, sizeof(asn), "%s/mmdb/maxmind/test-data/GeoLite2-ASN-Test.mmdb", corpus);
    snprintf(cfg_geo, sizeof(cfg_geo), "{\"database\": \"%s\"}", city);
    snprintf(cfg_asn, sizeof(cfg_asn), "{\"database\": \"%s\"}", asn);
    snprintf(cfg_org, sizeof(cfg_org), "{\"file\": \"%s/bench-as-org2info.txt\"}", scratch);
    snprintf(cfg_pt, sizeof(cfg_pt), "{\"file\": \"%s/bench-prefixes.csv\"}", scratch);
    snprintf(key, sizeof(key), "%s/bench-cryptopan.key", scratch);
    write_file(key, "1522178d33a4cf80130a5b1649907d10d8988f837979652762574c2d2a842202\n");
    snprintf(cfg_anon2, sizeof(cfg_anon2), "{\"mode\": \"cryptopan\", \"key_file\": \"%s\"}", key);
    make_tables(scratch);

    static struct fdx_counters counters;
    struct fdx_intern *strings = fdx_intern_new(1u << 16, 8u << 20);
    struct fdx_stage_env env = {0, 1, strings, &counters};
    struct inst st[9];
    const char *tags_cfg =
        "{\"sensors\": {\"192.0.2.1\": \"rtr1.nyc\", \"192.0.2.2\": \"rtr2.ams\", "
        "\"192.0.2.3\": \"tap1.lon\"}, \"sensor_rules\": [{\"match\": \"^rtr\", \"fields\": "
        "{\"observer.type\": \"router\"}}], \"interfaces\": {\"192.0.2.1\": {\"1\": \"xe-0/0/1\", "
        "\"2\": \"xe-0/0/2\"}}, \"home_countries\": [\"US\", \"GB\"], \"port_tags\": "
        "{\"5201\": \"network_testing\", \"5001\": \"network_testing\"}}";
    if (open_stage(&st[0], "filter", "filter", "{\"max_age\": \"1d\"}", &env) != 0 ||
        open_stage(&st[1], "geoip", "geoip", cfg_geo, &env) != 0 ||
        open_stage(&st[2], "asn", "asn", cfg_asn, &env) != 0 ||
        open_stage(&st[3], "asorg", "asorg", cfg_org, &env) != 0 ||
        open_stage(&st[4], "prefix_table", "prefix_table", cfg_pt, &env) != 0 ||
        open_stage(&st[5], "tags", "tags", tags_cfg, &env) != 0 ||
        open_stage(&st[6], "community_id", "community_id", NULL, &env) != 0 ||
        open_stage(&st[7], "anonymize(truncate)", "anonymize", NULL, &env) != 0 ||
        open_stage(&st[8], "anonymize(cryptopan)", "anonymize", cfg_anon2, &env) != 0) {
        return 1;
    }
    struct fdx_batch *b[NBATCH];
    for (unsigned i = 0; i < NBATCH; i++) {
        b[i] = fdx_batch_new(FDX_BATCH_CAP_DEFAULT);
        b[i]->strings = strings;
    }
    struct fdx_addr *pool = calloc(POOL, sizeof(*pool));
    struct fdx_flow *pristine = calloc((size_t)NBATCH * FDX_BATCH_CAP_DEFAULT, sizeof(*pristine));
    make_pool(pool);
    fill(b, pristine, pool);
    struct inst *chain[8], *chain_cpan[8];
    for (unsigned k = 0; k < 8; k++) {
        chain[k] = &st[k];
        chain_cpan[k] = &st[k < 7 ? k : 8];
    }
    /* Warm the caches once, as a running collector would be. */
    (void)measure(chain, 8, b, pristine);
    (void)measure(chain_cpan, 8, b, pristine);

    if (argc > 3 && strcmp(argv[3], "chain") == 0) {
        for (unsigned r = 0; r < 10; r++) {
            printf("whole chain (truncate) %12.0f records/s\n", measure(chain, 8, b, pristine));
        }
        return 0;
    }
    printf("bench_enrich: %u records per run (%u batches of %u), %u distinct addresses, "
           "%u hot; median of %d runs, one thread, CPU time\n",
           NBATCH * FDX_BATCH_CAP_DEFAULT, NBATCH, FDX_BATCH_CAP_DEFAULT, POOL, HOT, RUNS);
    for (unsigned k = 0; k < 9; k++) {
        struct inst *one = &st[k];
        printf("  %-24s %12.0f records/s\n", st[k].label, measure(&one, 1, b, pristine));
    }
    printf("  %-24s %12.0f records/s\n", "whole chain (truncate)", measure(chain, 8, b, pristine));
    printf("  %-24s %12.0f records/s\n", "whole chain (cryptopan)",
           measure(chain_cpan, 8, b, pristine));
    uint64_t kept = 0;
    for (unsigned i = 0; i < NBATCH; i++) {
        for (uint32_t k = 0; k < b[i]->n; k++) {
            kept += b[i]->slot[k].dropped == 0;
        }
    }
    printf("  (last run: %llu of %u records kept by the filter)\n", (unsigned long long)kept,
           NBATCH * FDX_BATCH_CAP_DEFAULT);
    for (unsigned k = 0; k < 9; k++) {
        st[k].ops->free(st[k].self);
        fdx_cfg_release(st[k].ops->keys, st[k].conf);
        free(st[k].conf);
    }
    for (unsigned i = 0; i < NBATCH; i++) {
        fdx_batch_free(b[i]);
    }
    free(pool);
    free(pristine);
    fdx_intern_free(strings);
    return 0;
}
