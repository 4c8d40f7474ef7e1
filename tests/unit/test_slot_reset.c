/* Slot reuse: fdx_batch_next() clears only part of a slot (the enrichment keeps stale data
 * outside its header), so every reader must go through presence bits. Every corpus capture is
 * decoded twice, side by side: once into batches that start zeroed, once into batches whose
 * slots are overwritten with a garbage pattern before every datagram. Both go through the
 * same stages (tags, community_id, anonymize) and both document schemas; the documents must
 * be byte for byte the same. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "check.h"
#include "dispatch.h"
#include "enrich_testlib.h"

#define NSTAGES 3

struct side {
    struct tenv t;
    struct tstage st[NSTAGES];
    struct fdx_decode_cfg cfg;
    struct fdx_decode_ctx ctx;
    struct fdx_doc_batch *docs[2]; /* ECS, pmacct */
    uint8_t garbage;               /* fill byte of the slots before each datagram; 0 = none */
    uint64_t records;
};

static void scribble(struct side *s)
{
    struct fdx_batch *b = s->t.batch;
    if (s->garbage != 0) {
        memset(b->slot, s->garbage, (size_t)b->cap * sizeof(b->slot[0]));
    }
}

/* Runs the stages over the batch, encodes the live records in both schemas, empties it. */
static struct fdx_batch *swap(void *owner, struct fdx_batch *full)
{
    struct side *s = owner;
    for (unsigned k = 0; k < NSTAGES; k++) {
        s->st[k].ops->process(s->st[k].self, full);
    }
    for (uint32_t i = 0; i < full->n; i++) {
        if (full->slot[i].dropped != 0) {
            continue;
        }
        s->records++;
        for (int sch = 0; sch < 2; sch++) {
            struct fdx_doc_opts o = {sch == 0 ? FDX_SCHEMA_ECS : FDX_SCHEMA_PMACCT, true, false};
            CHECK_EQ_I64(fdx_document_encode(s->docs[sch], &full->slot[i], s->t.strings, &o), 0);
        }
    }
    full->n = 0;
    scribble(s);
    return full;
}

static int side_init(struct side *s, uint8_t garbage)
{
    static const char *const conf[NSTAGES][2] = {
        {"tags", "{\"sensors\": {\"127.0.0.1\": \"lab\"}, \"port_tags\": {\"53\": \"dns\"}}"},
        {"community_id", NULL},
        {"anonymize", "{\"mode\": \"truncate\"}"},
    };
    memset(s, 0, sizeof(*s));
    tenv_init(&s->t);
    s->garbage = garbage;
    struct fdx_err err = {{0}};
    for (unsigned k = 0; k < NSTAGES; k++) {
        if (tstage_open(&s->st[k], conf[k][0], conf[k][1], &s->t.env, &err) != 0) {
            fprintf(stderr, "%s: %s\n", conf[k][0], err.msg);
            return -1;
        }
    }
    for (int sch = 0; sch < 2; sch++) {
        s->docs[sch] = fdx_doc_batch_new(4096, 64u << 20);
        if (s->docs[sch] == NULL) {
            return -1;
        }
    }
    fdx_decode_cfg_defaults(&s->cfg);
    if (fdx_decode_ctx_init(&s->ctx, &s->cfg, s->t.counters) != 0) {
        return -1;
    }
    s->ctx.sink = (struct fdx_sink){s->t.batch, swap, s};
    scribble(s);
    return 0;
}

static void side_fini(struct side *s)
{
    fdx_decode_ctx_fini(&s->ctx);
    for (unsigned k = 0; k < NSTAGES; k++) {
        tstage_close(&s->st[k]);
    }
    for (int sch = 0; sch < 2; sch++) {
        fdx_doc_batch_free(s->docs[sch]);
    }
    tenv_fini(&s->t);
}

static void feed(struct side *s, const struct fdx_capture_pkt *pkt, int64_t recv_ms)
{
    struct fdx_datagram dg = {0};
    dg.data = pkt->payload;
    dg.len = pkt->len;
    dg.exporter = pkt->src;
    dg.exporter_port = pkt->sport;
    dg.recv_ms = recv_ms;
    s->ctx.now_ms = recv_ms;
    fdx_dispatch_datagram(&s->ctx, &dg);
    swap(s, s->ctx.sink.batch);
}

/* Both sides' documents are equal; then both doc batches are emptied. */
static bool same_docs(struct side *a, struct side *b)
{
    bool ok = true;
    for (int sch = 0; sch < 2; sch++) {
        const struct fdx_doc_batch *x = a->docs[sch], *y = b->docs[sch];
        if (x->n != y->n || x->body.len != y->body.len ||
            memcmp(x->body.p, y->body.p, x->body.len) != 0) {
            ok = false;
        }
        fdx_doc_batch_reset(a->docs[sch]);
        fdx_doc_batch_reset(b->docs[sch]);
    }
    return ok;
}

/* Replays one capture into both sides; returns the records compared. */
static uint64_t compare_capture(const char *path, uint8_t garbage)
{
    struct side a, b;
    if (side_init(&a, 0) != 0 || side_init(&b, garbage) != 0) {
        CHECK_TRUE(0);
        return 0;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, errbuf);
    CHECK_TRUE(p != NULL);
    uint64_t mismatched = 0;
    struct pcap_pkthdr *ph;
    const uint8_t *frame;
    while (p != NULL && pcap_next_ex(p, &ph, &frame) == 1) {
        struct fdx_capture_pkt pkt;
        if (fdx_capture_udp(pcap_datalink(p), frame, ph->caplen, &pkt) != FDX_CAPTURE_OK) {
            continue;
        }
        int64_t ms = (int64_t)ph->ts.tv_sec * 1000 + ph->ts.tv_usec / 1000;
        feed(&a, &pkt, ms);
        feed(&b, &pkt, ms);
        if (!same_docs(&a, &b)) {
            mismatched++;
        }
    }
    if (p != NULL) {
        pcap_close(p);
    }
    if (mismatched != 0) {
        fprintf(stderr, "%s: %llu datagrams gave different documents after garbage 0x%02x\n",
                path, (unsigned long long)mismatched, garbage);
    }
    CHECK_EQ_U64(mismatched, 0);
    CHECK_EQ_U64(a.records, b.records);
    uint64_t n = a.records;
    side_fini(&a);
    side_fini(&b);
    return n;
}

static uint64_t compare_dir(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", FDX_CORPUS, dir);
    DIR *d = opendir(path);
    if (d == NULL) {
        return 0;
    }
    uint64_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".pcap") != 0) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s/%s", FDX_CORPUS, dir, e->d_name);
        /* Two patterns: all ones in every bit, and a mixed one. */
        n += compare_capture(path, 0xff);
        n += compare_capture(path, 0xa5);
    }
    closedir(d);
    return n;
}

static void test_corpus_garbage_slots(void)
{
    static const char *const dirs[] = {"netflow5", "netflow9", "ipfix", "sflow", "mixed"};
    uint64_t total = 0;
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        uint64_t n = compare_dir(dirs[i]);
        printf("%s: %llu records compared\n", dirs[i], (unsigned long long)n);
        total += n;
    }
    CHECK_TRUE(total > 1000);
}

/* The reset itself: header fields cleared, flow zeroed, extra area empty. */
static void test_next_clears(void)
{
    struct fdx_batch *b = fdx_batch_new(2);
    memset(b->slot, 0x5a, 2 * sizeof(b->slot[0]));
    struct fdx_slot *s = fdx_batch_next(b);
    CHECK_TRUE(s == &b->slot[0]);
    CHECK_EQ_U64(s->flow.present, 0);
    CHECK_EQ_U64(s->flow.exporter_port, 0);
    CHECK_EQ_U64(s->flow.kind, FDX_KIND_FLOW);
    CHECK_EQ_U64(s->enr.present, 0);
    CHECK_EQ_U64(s->enr.nlabels, 0);
    CHECK_EQ_U64(s->enr.anonymized, 0);
    CHECK_EQ_U64(s->enr.anon_mode, 0);
    CHECK_EQ_U64(s->extra.n, 0);
    CHECK_EQ_U64(s->extra.used, 0);
    CHECK_EQ_U64(s->dropped, 0);
    CHECK_TRUE(fdx_batch_next(b) == &b->slot[1]);
    CHECK_TRUE(fdx_batch_next(b) == NULL);
    fdx_batch_free(b);
}

int main(void)
{
    test_next_clears();
    if (access(FDX_CORPUS "/netflow9", R_OK) != 0) {
        printf("SKIP: shared corpus not found at %s\n", FDX_CORPUS);
        return 77;
    }
    test_corpus_garbage_slots();
    printf("%s\n", check_failures_ == 0 ? "all passed" : "FAILED");
    return check_failures_ == 0 ? 0 : 1;
}
