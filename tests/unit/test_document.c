/* Document encoder: a decoded NetFlow v5 record as an ECS and as a pmacct document, parsed
 * back with json-c and checked value by value; document ids; the body bound. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "decode_harness.h"
#include "document.h"
#include "json_path.h"
#include "pktgen.h"

#define RECV_MS INT64_C(1700000001000) /* 2023-11-14T22:13:21.000Z */

static struct fdx_harness h;
static struct fdx_pktgen pkt;

/* Decodes one default v5 record (pktgen defaults), optionally sampled / ICMP. */
static const struct fdx_slot *decode_one(uint16_t sampling, uint8_t ip_proto)
{
    struct fdx_pktgen_nf5_hdr hdr;
    fdx_pktgen_nf5_hdr_default(&hdr, 1);
    hdr.sampling = sampling;
    struct fdx_pktgen_nf5_rec r;
    fdx_pktgen_nf5_rec_default(&r);
    r.ip_proto = ip_proto;
    if (ip_proto == 1) {
        r.src_port = 0;
        r.dst_port = 8 << 8; /* echo request */
    }
    if (sampling != 0) {
        r.packets = 3;
        r.bytes = 180;
    }
    fdx_pktgen_init(&pkt);
    fdx_pktgen_nf5(&pkt, &hdr, &r, 1);
    CHECK_EQ_U64(fdx_harness_feed(&h, pkt.buf, pkt.len, "192.0.2.1", RECV_MS), 1);
    return &h.batch->slot[0];
}

/* Encodes s and parses the document back (the caller puts it). */
static struct json_object *encode(const struct fdx_slot *s, enum fdx_schema schema)
{
    struct fdx_doc_batch *d = fdx_doc_batch_new(4, 1 << 20);
    CHECK_TRUE(d != NULL);
    struct fdx_doc_opts o = {.schema = schema, .extra_ies = true};
    CHECK_EQ_I64(fdx_document_encode(d, s, NULL, &o), 0);
    CHECK_EQ_U64(d->n, 1);
    CHECK_EQ_U64(d->meta[0].off, 0);
    CHECK_EQ_U64(d->meta[0].len + 1, d->body.len);
    CHECK_EQ_U64(d->body.p[d->body.len - 1], '\n');
    CHECK_EQ_I64(d->meta[0].event_ms, s->flow.end_ms);
    CHECK_EQ_U64(d->meta[0].kind, FDX_KIND_FLOW);
    char *text = strndup(d->body.p, d->meta[0].len);
    struct json_object *doc = json_tokener_parse(text);
    if (doc == NULL) {
        fprintf(stderr, "not JSON: %s\n", text);
        check_failures_++;
    }
    free(text);
    fdx_doc_batch_free(d);
    return doc;
}

static void test_ecs(void)
{
    struct json_object *doc = encode(decode_one(0, 6), FDX_SCHEMA_ECS);
    if (doc == NULL) {
        return;
    }
    CHECK_EQ_STR(fdx_json_str(doc, "@timestamp"), "2023-11-14T22:13:19.250Z"); /* end */
    CHECK_EQ_STR(fdx_json_str(doc, "event.kind"), "event");
    struct json_object *cat = fdx_json_path(doc, "event.category");
    CHECK_TRUE(cat != NULL && json_object_is_type(cat, json_type_array) &&
               json_object_array_length(cat) == 1);
    if (cat != NULL && json_object_is_type(cat, json_type_array)) {
        CHECK_EQ_STR(json_object_get_string(json_object_array_get_idx(cat, 0)), "network");
    }
    CHECK_EQ_STR(fdx_json_str(doc, "event.action"), "netflow_flow");
    CHECK_EQ_STR(fdx_json_str(doc, "event.start"), "2023-11-14T22:13:10.250Z");
    CHECK_EQ_STR(fdx_json_str(doc, "event.end"), "2023-11-14T22:13:19.250Z");
    CHECK_EQ_U64(fdx_json_u64(doc, "event.duration"), UINT64_C(9000000000)); /* 9 s in ns */
    CHECK_EQ_STR(fdx_json_str(doc, "event.created"), "2023-11-14T22:13:21.000Z");
    CHECK_EQ_U64(fdx_json_members(doc, "event"), 7);

    CHECK_EQ_STR(fdx_json_str(doc, "source.ip"), "10.0.0.1");
    CHECK_EQ_U64(fdx_json_u64(doc, "source.port"), 1234);
    CHECK_EQ_U64(fdx_json_u64(doc, "source.as.number"), 64500);
    CHECK_EQ_U64(fdx_json_members(doc, "source"), 3);
    CHECK_EQ_STR(fdx_json_str(doc, "destination.ip"), "192.0.2.7");
    CHECK_EQ_U64(fdx_json_u64(doc, "destination.port"), 443);
    CHECK_EQ_U64(fdx_json_u64(doc, "destination.as.number"), 64501);
    CHECK_EQ_U64(fdx_json_members(doc, "destination"), 3);

    CHECK_EQ_STR(fdx_json_str(doc, "network.transport"), "tcp");
    CHECK_EQ_STR(fdx_json_str(doc, "network.iana_number"), "6");
    CHECK_EQ_STR(fdx_json_str(doc, "network.type"), "ipv4");
    CHECK_EQ_U64(fdx_json_u64(doc, "network.bytes"), 1500);
    CHECK_EQ_U64(fdx_json_u64(doc, "network.packets"), 10);
    CHECK_EQ_U64(fdx_json_members(doc, "network"), 5);

    CHECK_EQ_STR(fdx_json_str(doc, "observer.ip"), "192.0.2.1");
    CHECK_EQ_STR(fdx_json_str(doc, "netflow.type"), "netflow_flow");
    CHECK_EQ_STR(fdx_json_str(doc, "netflow.exporter.address"), "192.0.2.1:40000");
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.exporter.source_id"), 1 << 8 | 2);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.exporter.version"), 5);
    CHECK_EQ_STR(fdx_json_str(doc, "netflow.exporter.timestamp"), "2023-11-14T22:13:20.250Z");
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.exporter.sequence"), 1000);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.engine_type"), 1);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.engine_id"), 2);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.ingress_interface"), 3);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.egress_interface"), 4);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.tcp_control_bits"), 0x1b);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.ip_class_of_service"), 0x28);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.source_ipv4_prefix_length"), 24);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.destination_ipv4_prefix_length"), 16);
    CHECK_EQ_STR(fdx_json_str(doc, "netflow.ip_next_hop_address"), "10.0.0.254");
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.bgp_source_as_number"), 64500);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.bgp_destination_as_number"), 64501);
    /* Unsampled: no sampling interval, no raw counters beside network.bytes/packets. */
    CHECK_TRUE(fdx_json_path(doc, "netflow.sampling_interval") == NULL);
    CHECK_TRUE(fdx_json_path(doc, "netflow.octet_delta_count") == NULL);
    CHECK_EQ_U64(fdx_json_members(doc, "netflow"), 13);
    CHECK_EQ_U64(fdx_json_members(doc, ""), 7);
    json_object_put(doc);
}

static void test_ecs_sampled_icmp(void)
{
    struct json_object *doc = encode(decode_one(1u << 14 | 100, 1), FDX_SCHEMA_ECS);
    if (doc == NULL) {
        return;
    }
    CHECK_EQ_U64(fdx_json_u64(doc, "network.bytes"), 18000);
    CHECK_EQ_U64(fdx_json_u64(doc, "network.packets"), 300);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.octet_delta_count"), 180);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.packet_delta_count"), 3);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.sampling_interval"), 100);
    CHECK_EQ_STR(fdx_json_str(doc, "network.transport"), "icmp");
    CHECK_EQ_STR(fdx_json_str(doc, "network.iana_number"), "1");
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.icmp_type"), 8);
    CHECK_EQ_U64(fdx_json_u64(doc, "netflow.icmp_code"), 0);
    CHECK_EQ_U64(fdx_json_u64(doc, "destination.port"), 8 << 8);
    json_object_put(doc);
}

static void test_pmacct(void)
{
    struct json_object *doc = encode(decode_one(0, 6), FDX_SCHEMA_PMACCT);
    if (doc == NULL) {
        return;
    }
    CHECK_EQ_STR(fdx_json_str(doc, "event_type"), "purge");
    CHECK_EQ_STR(fdx_json_str(doc, "peer_ip_src"), "192.0.2.1");
    CHECK_EQ_U64(fdx_json_u64(doc, "iface_in"), 3);
    CHECK_EQ_U64(fdx_json_u64(doc, "iface_out"), 4);
    CHECK_EQ_STR(fdx_json_str(doc, "ip_src"), "10.0.0.1");
    CHECK_EQ_STR(fdx_json_str(doc, "ip_dst"), "192.0.2.7");
    CHECK_EQ_U64(fdx_json_u64(doc, "mask_src"), 24);
    CHECK_EQ_U64(fdx_json_u64(doc, "mask_dst"), 16);
    CHECK_EQ_U64(fdx_json_u64(doc, "port_src"), 1234);
    CHECK_EQ_U64(fdx_json_u64(doc, "port_dst"), 443);
    CHECK_EQ_U64(fdx_json_u64(doc, "as_src"), 64500);
    CHECK_EQ_U64(fdx_json_u64(doc, "as_dst"), 64501);
    CHECK_EQ_STR(fdx_json_str(doc, "tcp_flags"), "27");
    CHECK_EQ_STR(fdx_json_str(doc, "ip_proto"), "tcp");
    CHECK_EQ_U64(fdx_json_u64(doc, "tos"), 0x28);
    CHECK_EQ_STR(fdx_json_str(doc, "timestamp_start"), "2023-11-14 22:13:10.250000");
    CHECK_EQ_STR(fdx_json_str(doc, "timestamp_end"), "2023-11-14 22:13:19.250000");
    CHECK_EQ_STR(fdx_json_str(doc, "timestamp_arrival"), "2023-11-14 22:13:21.000000");
    CHECK_EQ_U64(fdx_json_u64(doc, "packets"), 10);
    CHECK_EQ_U64(fdx_json_u64(doc, "flows"), 1);
    CHECK_EQ_U64(fdx_json_u64(doc, "bytes"), 1500);
    CHECK_TRUE(fdx_json_path(doc, "sampling_rate") == NULL);
    CHECK_EQ_U64(fdx_json_members(doc, ""), 21);
    json_object_put(doc);

    doc = encode(decode_one(1u << 14 | 100, 17), FDX_SCHEMA_PMACCT);
    if (doc != NULL) {
        CHECK_EQ_U64(fdx_json_u64(doc, "sampling_rate"), 100);
        CHECK_EQ_U64(fdx_json_u64(doc, "bytes"), 18000);
        CHECK_EQ_U64(fdx_json_u64(doc, "packets"), 300);
        CHECK_EQ_STR(fdx_json_str(doc, "ip_proto"), "udp");
        json_object_put(doc);
    }
}

/* One change to the flow; the id must change with it. */
typedef void (*mutate_fn)(struct fdx_flow *f);
static void m_exporter(struct fdx_flow *f) { f->exporter.b[15] ^= 1; }
static void m_src(struct fdx_flow *f) { f->src.b[15] ^= 1; }
static void m_dst(struct fdx_flow *f) { f->dst.b[12] ^= 0x80; }
static void m_src_port(struct fdx_flow *f) { f->src_port++; }
static void m_dst_port(struct fdx_flow *f) { f->dst_port++; }
static void m_ip_proto(struct fdx_flow *f) { f->ip_proto = 17; }
static void m_domain(struct fdx_flow *f) { f->domain_id++; }
static void m_seq(struct fdx_flow *f) { f->export_seq++; }
static void m_start(struct fdx_flow *f) { f->start_ms++; }
static void m_end(struct fdx_flow *f) { f->end_ms++; }
static void m_rec_index(struct fdx_flow *f) { f->rec_index++; }
static void m_proto(struct fdx_flow *f) { f->proto = FDX_PROTO_NF9; }
static void m_in_if(struct fdx_flow *f) { f->in_if++; }
static void m_out_if(struct fdx_flow *f) { f->out_if++; }
static void m_bytes(struct fdx_flow *f) { f->raw_bytes++; }
static void m_packets(struct fdx_flow *f) { f->raw_packets++; }
static void m_kind(struct fdx_flow *f) { f->kind = FDX_KIND_COUNTERS; }

static void test_document_id(void)
{
    const struct fdx_slot *s = decode_one(0, 6);
    struct fdx_flow base = s->flow;
    uint64_t hi1, lo1, hi2, lo2;
    fdx_document_id(&base, &hi1, &lo1);
    fdx_document_id(&base, &hi2, &lo2);
    CHECK_EQ_U64(hi1, hi2);
    CHECK_EQ_U64(lo1, lo2);
    /* The same datagram decoded again (a replay) gives the same id. */
    s = decode_one(0, 6);
    fdx_document_id(&s->flow, &hi2, &lo2);
    CHECK_EQ_U64(hi1, hi2);
    CHECK_EQ_U64(lo1, lo2);
    /* Fields outside the key (enrichment-visible, receive time) do not change it. */
    struct fdx_flow f = base;
    f.recv_ms += 5000;
    f.tos ^= 0xff;
    fdx_document_id(&f, &hi2, &lo2);
    CHECK_TRUE(hi1 == hi2 && lo1 == lo2);

    static const mutate_fn mutators[] = {m_exporter, m_src,   m_dst,      m_src_port, m_dst_port,
                                         m_ip_proto, m_domain, m_seq,     m_start,    m_end,
                                         m_rec_index, m_proto, m_in_if,   m_out_if,   m_bytes,
                                         m_packets,  m_kind};
    for (size_t i = 0; i < FDX_ARRAY_LEN(mutators); i++) {
        f = base;
        mutators[i](&f);
        fdx_document_id(&f, &hi2, &lo2);
        if (hi1 == hi2 || lo1 == lo2) {
            fprintf(stderr, "document id unchanged by mutator %zu\n", i);
            check_failures_++;
        }
    }

    /* The formatted id: 22 URL-safe base64 characters, the same as the meta's hash. */
    struct fdx_doc_meta m = {.id_hi = hi1, .id_lo = lo1};
    char id[23];
    fdx_doc_id_format(&m, id);
    CHECK_EQ_U64(strlen(id), 22);
    CHECK_EQ_U64(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                 22);
    struct fdx_doc_meta zero = {0};
    fdx_doc_id_format(&zero, id);
    CHECK_EQ_STR(id, "AAAAAAAAAAAAAAAAAAAAAA");
}

/* The encoder hashes the id in steps between the parts of a document: the meta holds the
 * same id as fdx_document_id, for both schemas; no id when no output reads it. */
static void test_meta_id(void)
{
    const struct fdx_slot *s = decode_one(0, 6);
    uint64_t hi, lo;
    fdx_document_id(&s->flow, &hi, &lo);
    CHECK_TRUE(hi != 0 && lo != 0);
    struct fdx_doc_batch *d = fdx_doc_batch_new(8, 1 << 20);
    CHECK_TRUE(d != NULL);
    if (d == NULL) {
        return;
    }
    struct fdx_doc_opts ecs = {.schema = FDX_SCHEMA_ECS, .extra_ies = true};
    struct fdx_doc_opts pmacct = {.schema = FDX_SCHEMA_PMACCT};
    struct fdx_doc_opts no_ids = {.schema = FDX_SCHEMA_ECS, .skip_ids = true};
    CHECK_EQ_I64(fdx_document_encode(d, s, NULL, &ecs), 0);
    CHECK_EQ_I64(fdx_document_encode(d, s, NULL, &pmacct), 0);
    CHECK_EQ_I64(fdx_document_encode(d, s, NULL, &no_ids), 0);
    CHECK_EQ_U64(d->n, 3);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ_U64(d->meta[i].id_hi, hi);
        CHECK_EQ_U64(d->meta[i].id_lo, lo);
    }
    CHECK_EQ_U64(d->meta[2].id_hi, 0);
    CHECK_EQ_U64(d->meta[2].id_lo, 0);
    fdx_doc_batch_free(d);
}

/* At the body bound the encoder refuses the document whole: no partial bytes stay. */
static void test_body_bound(void)
{
    const struct fdx_slot *s = decode_one(0, 6);
    struct fdx_doc_batch *d = fdx_doc_batch_new(4096, 64 * 1024);
    CHECK_TRUE(d != NULL);
    if (d == NULL) {
        return;
    }
    struct fdx_doc_opts o = {.schema = FDX_SCHEMA_ECS, .extra_ies = true};
    int rc = 0;
    uint32_t ok = 0;
    size_t len_before = 0;
    while (ok < 4096 && (rc = fdx_document_encode(d, s, NULL, &o)) == 0) {
        ok++;
        len_before = d->body.len;
    }
    CHECK_EQ_I64(rc, -ENOSPC);
    CHECK_TRUE(ok > 10);
    CHECK_EQ_U64(d->n, ok);
    CHECK_EQ_U64(d->body.len, len_before);
    CHECK_EQ_U64(d->body.p[d->body.len - 1], '\n');
    CHECK_EQ_U64(d->meta[ok - 1].off + d->meta[ok - 1].len + 1, d->body.len);
    /* The meta bound: -ENOBUFS, nothing appended. */
    fdx_doc_batch_free(d);
    d = fdx_doc_batch_new(1, 1 << 20);
    CHECK_EQ_I64(fdx_document_encode(d, s, NULL, &o), 0);
    size_t len = d->body.len;
    CHECK_EQ_I64(fdx_document_encode(d, s, NULL, &o), -ENOBUFS);
    CHECK_EQ_U64(d->body.len, len);
    CHECK_EQ_U64(d->n, 1);
    fdx_doc_batch_free(d);
}

static void setup(void)
{
    CHECK_EQ_I64(fdx_harness_init(&h, 4), 0);
}

static void teardown(void)
{
    fdx_harness_fini(&h);
}

TEST_LIST{
    {"setup", setup},
    {"ecs", test_ecs},
    {"ecs_sampled_icmp", test_ecs_sampled_icmp},
    {"pmacct", test_pmacct},
    {"document_id", test_document_id},
    {"meta_id", test_meta_id},
    {"body_bound", test_body_bound},
    {"teardown", teardown},
};

CHECK_MAIN()
