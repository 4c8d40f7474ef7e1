/* End to end, in process: corpus captures -> fdx_dispatch_datagram -> every stage ->
 * fdx_document_encode -> parsed back with json-c, enriched values checked record by record.
 * Uses the MMDBs built at test time (they cover the capture's addresses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "check.h"
#include "community_id.h"
#include "dispatch.h"
#include "enrich_testlib.h"

#define NSTAGES 8
#define D FDX_ENRICH_DATA

struct harness {
    struct tenv t;
    struct tstage st[NSTAGES];
    struct fdx_decode_cfg cfg;
    struct fdx_decode_ctx ctx;
    uint64_t docs, checked_public, dns_tagged, multicast;
};

static void check_doc(struct harness *h, const struct fdx_slot *s, const struct fdx_flow *orig)
{
    struct json_object *j = tdoc(s, h->t.strings, FDX_SCHEMA_ECS);
    CHECK_TRUE(j != NULL);
    if (j == NULL) {
        return;
    }
    if (h->docs == 0 && getenv("FDX_E2E_PRINT") != NULL) {
        printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
    }
    h->docs++;
    char cid[32];
    fdx_community_id_v1(0, &orig->src, &orig->dst, orig->ip_proto, orig->src_port, orig->dst_port,
                        true, false, cid);
    CHECK_EQ_STR(jstr_at(j, "network.community_id"), cid);
    struct fdx_addr google;
    fdx_addr_parse("8.8.8.8", &google);
    for (int side = 0; side < 2; side++) {
        const char *p = side == 0 ? "source" : "destination";
        const struct fdx_addr *a = side == 0 ? &orig->src : &orig->dst;
        char key[96];
        if (fdx_addr_eq(a, &google)) {
            h->checked_public++;
            snprintf(key, sizeof(key), "%s.ip", p);
            CHECK_EQ_STR(jstr_at(j, key), "8.8.8.0");
            snprintf(key, sizeof(key), "%s.geo.country_iso_code", p);
            CHECK_EQ_STR(jstr_at(j, key), "US");
            snprintf(key, sizeof(key), "%s.geo.city_name", p);
            CHECK_EQ_STR(jstr_at(j, key), "Mountain View");
            snprintf(key, sizeof(key), "%s.as.number", p);
            CHECK_EQ_I64(jint_at(j, key), 15169);
            snprintf(key, sizeof(key), "%s.as.organization.name", p);
            CHECK_EQ_STR(jstr_at(j, key), "GOOGLE (CAIDA)");
            snprintf(key, sizeof(key), "%s.organization.name", p);
            CHECK_EQ_STR(jstr_at(j, key), "Public Resolver");
            snprintf(key, sizeof(key), "%s.organization.id", p);
            CHECK_EQ_STR(jstr_at(j, key), "AS15169-RES");
        } else if (a->b[12] == 192 && a->b[13] == 168) {
            snprintf(key, sizeof(key), "%s.ip", p);
            char want[16];
            snprintf(want, sizeof(want), "192.168.%u.0", a->b[14]);
            CHECK_EQ_STR(jstr_at(j, key), want);
            snprintf(key, sizeof(key), "%s.geo", p);
            CHECK_TRUE(jget(j, key) == NULL);
            snprintf(key, sizeof(key), "%s.as.number", p);
            CHECK_EQ_I64(jint_at(j, key), -1);
            snprintf(key, sizeof(key), "%s.organization.name", p);
            CHECK_EQ_STR(jstr_at(j, key), "Lab LAN");
            snprintf(key, sizeof(key), "%s.organization.id", p);
            CHECK_EQ_STR(jstr_at(j, key), "LAB");
        } else if (a->b[12] >= 224 && a->b[12] < 240) {
            h->multicast++;
            snprintf(key, sizeof(key), "%s.geo.name", p);
            CHECK_EQ_STR(jstr_at(j, key), "multicast");
        }
    }
    if (orig->src_port == 53 || orig->dst_port == 53) {
        h->dns_tagged++;
        CHECK_EQ_STR(jstr_at(j, "tags"), "dns");
    }
    struct fdx_addr lo;
    fdx_addr_parse("127.0.0.1", &lo);
    if (fdx_addr_eq(&orig->exporter, &lo)) {
        CHECK_EQ_STR(jstr_at(j, "observer.name"), "softflowd-lab");
        CHECK_EQ_STR(jstr_at(j, "labels.env"), "test");
    } else {
        CHECK_TRUE(jget(j, "observer.name") == NULL);
    }
    struct json_object *anon = jget(j, "flowdex.anonymized");
    CHECK_EQ_STR(anon ? json_object_to_json_string_ext(anon, JSON_C_TO_STRING_PLAIN) : "",
                 "[\"source.ip\",\"destination.ip\"]");
    CHECK_EQ_STR(jstr_at(j, "flowdex.anonymization"), "truncate");
    json_object_put(j);
}

/* Runs the chain over the full batch and checks every live record; returns it emptied. */
static struct fdx_batch *swap(void *owner, struct fdx_batch *full)
{
    struct harness *h = owner;
    static struct fdx_flow orig[FDX_BATCH_CAP_DEFAULT];
    for (uint32_t i = 0; i < full->n; i++) {
        orig[i] = full->slot[i].flow;
    }
    for (unsigned k = 0; k < NSTAGES; k++) {
        h->st[k].ops->process(h->st[k].self, full);
    }
    for (uint32_t i = 0; i < full->n; i++) {
        if (!full->slot[i].dropped) {
            check_doc(h, &full->slot[i], &orig[i]);
        }
    }
    full->n = 0;
    return full;
}

/* Feeds every UDP payload of an Ethernet/IPv4 capture to the dispatcher. */
static size_t replay(struct harness *h, const char *path)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, errbuf);
    CHECK_TRUE(p != NULL);
    if (p == NULL) {
        return 0;
    }
    struct pcap_pkthdr *ph;
    const uint8_t *pkt;
    size_t records = 0;
    while (pcap_next_ex(p, &ph, &pkt) == 1) {
        if (ph->caplen < 14 + 20 + 8 || pkt[12] != 0x08 || pkt[13] != 0x00 || pkt[23] != 17) {
            continue;
        }
        size_t ihl = (size_t)(pkt[14] & 0x0f) * 4;
        if (ph->caplen < 14 + ihl + 8) {
            continue;
        }
        const uint8_t *udp = pkt + 14 + ihl;
        size_t ulen = (size_t)(udp[4] << 8 | udp[5]);
        if (ulen < 8 || 14 + ihl + ulen > ph->caplen) {
            continue;
        }
        struct fdx_datagram dg = {0};
        dg.data = udp + 8;
        dg.len = ulen - 8;
        fdx_addr_set_v4(&dg.exporter, pkt + 14 + 12);
        dg.exporter_port = (uint16_t)(udp[0] << 8 | udp[1]);
        dg.recv_ms = (int64_t)ph->ts.tv_sec * 1000 + ph->ts.tv_usec / 1000;
        h->ctx.now_ms = dg.recv_ms;
        records += fdx_dispatch_datagram(&h->ctx, &dg);
    }
    pcap_close(p);
    swap(h, h->ctx.sink.batch); /* the last, partly filled batch */
    return records;
}

static void test_corpus_every_stage(void)
{
    struct harness h;
    memset(&h, 0, sizeof(h));
    tenv_init(&h.t);
    twrite(D "/e2e-as-org2info.txt", "# format:org_id|changed|org_name|country|source\n"
                                     "GOGL-ARIN|20230101|GOOGLE (CAIDA)|US|ARIN\n"
                                     "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
                                     "15169|20230101|GOOGLE|GOGL-ARIN|x|ARIN\n");
    twrite(D "/e2e-members.csv", "prefix,organization.id\n8.8.8.0/24,AS15169-RES\n"
                                 "192.168.0.0/16,LAB\n");
    static const char *const conf[NSTAGES][2] = {
        {"filter", "{\"private_match\": \"both\", \"max_future\": 0}"},
        {"geoip", "{\"database\": \"" D "/enrich-city.mmdb\", \"custom\": [{\"database\": \"" D
                  "/enrich-site.mmdb\", \"path\": \"organization/name\", \"source_field\": "
                  "\"source.organization.name\", \"destination_field\": "
                  "\"destination.organization.name\"}]}"},
        {"asn", "{\"database\": \"" D "/enrich-asn.mmdb\"}"},
        {"asorg", "{\"file\": \"" D "/e2e-as-org2info.txt\", \"override\": true}"},
        {"prefix_table", "{\"file\": \"" D "/e2e-members.csv\"}"},
        {"tags", "{\"sensors\": {\"127.0.0.1\": \"softflowd-lab\"}, \"sensor_rules\": "
                 "[{\"match\": \"lab$\", \"fields\": {\"labels.env\": \"test\"}}], "
                 "\"home_countries\": [\"US\"], \"port_tags\": {\"53\": \"dns\"}}"},
        {"community_id", NULL},
        {"anonymize", "{\"mode\": \"truncate\"}"},
    };
    struct fdx_err err = {{0}};
    for (unsigned k = 0; k < NSTAGES; k++) {
        if (tstage_open(&h.st[k], conf[k][0], conf[k][1], &h.t.env, &err) != 0) {
            fprintf(stderr, "%s: %s\n", conf[k][0], err.msg);
            CHECK_TRUE(0);
            return;
        }
    }
    fdx_decode_cfg_defaults(&h.cfg);
    CHECK_EQ_I64(fdx_decode_ctx_init(&h.ctx, &h.cfg, h.t.counters), 0);
    h.ctx.sink = (struct fdx_sink){h.t.batch, swap, &h};

    size_t n = replay(&h, FDX_CORPUS "/netflow5/gen-softflowd_v5.pcap");
    CHECK_EQ_U64(n, 1038);
    CHECK_EQ_U64(h.docs, 1038);
    CHECK_EQ_U64(h.checked_public, 1038);
    CHECK_EQ_U64(h.dns_tagged, 1038);
    CHECK_EQ_U64(fdx_counter_get(&h.t.counters->record_drop[FDX_DROP_FILTER_PRIVATE]), 0);

    h.docs = 0;
    n = replay(&h, FDX_CORPUS "/netflow5/graylog__netflow5.pcap");
    CHECK_EQ_U64(n, 4);
    CHECK_EQ_U64(fdx_counter_get(&h.t.counters->record_drop[FDX_DROP_FILTER_PRIVATE]), 1);
    CHECK_EQ_U64(h.docs, 3);
    CHECK_EQ_U64(h.multicast, 2);

    fdx_decode_ctx_fini(&h.ctx);
    for (unsigned k = 0; k < NSTAGES; k++) {
        tstage_close(&h.st[k]);
    }
    tenv_fini(&h.t);
}

TEST_LIST{
    {"corpus_every_stage", test_corpus_every_stage},
};

int main(void)
{
    if (access(FDX_CORPUS "/netflow5/gen-softflowd_v5.pcap", R_OK) != 0) {
        printf("SKIP: shared corpus not found at %s\n", FDX_CORPUS);
        return 77;
    }
    if (access(D "/enrich-city.mmdb", R_OK) != 0) {
        printf("SKIP: test databases were not built (MaxMind::DB::Writer missing)\n");
        return 77;
    }
    return CHECK_RUN_ALL();
}
