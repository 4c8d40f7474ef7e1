/* Index template and server version; see es_template.h. */
#include "es_template.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define ECS "ecs"
#define PMA "pmacct"

/* Order follows the documents (document.c, document_enrich.c). */
const struct fdx_es_field fdx_es_fields[] = {
    {"@timestamp", "date", ECS, "event time: flow end, else start, else export, else receive"},
    {"event.kind", "keyword", ECS, "\"event\" for flows, \"metric\" for counter samples"},
    {"event.category", "keyword", ECS, "always [\"network\"]"},
    {"event.action", "keyword", ECS, "netflow_flow, sflow_flow or sflow_counters"},
    {"event.start", "date", ECS, "flow start time"},
    {"event.end", "date", ECS, "flow end time"},
    {"event.duration", "long", ECS, "end - start in nanoseconds"},
    {"event.created", "date", ECS, "time flowdex received the export packet"},
    {"source.ip", "ip", ECS, "source address"},
    {"source.port", "long", ECS, "source transport port"},
    {"source.mac", "keyword", ECS, "source MAC address"},
    {"source.as.number", "long", ECS, "source autonomous system number"},
    {"source.as.organization.name", "keyword", ECS, "source AS organisation (enrichment)"},
    {"source.geo.location", "geo_point", ECS, "source location (GeoIP)"},
    {"source.geo.country_iso_code", "keyword", ECS, "source country ISO code (GeoIP)"},
    {"source.geo.country_name", "keyword", ECS, "source country name (GeoIP)"},
    {"source.geo.continent_code", "keyword", ECS, "source continent code (GeoIP)"},
    {"source.geo.city_name", "keyword", ECS, "source city (GeoIP)"},
    {"source.geo.region_name", "keyword", ECS, "source region (GeoIP)"},
    {"source.geo.name", "keyword", ECS, "\"multicast\" for a multicast address (GeoIP)"},
    {"destination.ip", "ip", ECS, "destination address"},
    {"destination.port", "long", ECS, "destination transport port"},
    {"destination.mac", "keyword", ECS, "destination MAC address"},
    {"destination.as.number", "long", ECS, "destination autonomous system number"},
    {"destination.as.organization.name", "keyword", ECS, "destination AS organisation"},
    {"destination.geo.location", "geo_point", ECS, "destination location (GeoIP)"},
    {"destination.geo.country_iso_code", "keyword", ECS, "destination country ISO code"},
    {"destination.geo.country_name", "keyword", ECS, "destination country name"},
    {"destination.geo.continent_code", "keyword", ECS, "destination continent code"},
    {"destination.geo.city_name", "keyword", ECS, "destination city"},
    {"destination.geo.region_name", "keyword", ECS, "destination region"},
    {"destination.geo.name", "keyword", ECS, "\"multicast\" for a multicast address"},
    {"network.transport", "keyword", ECS, "IP protocol name (tcp, udp, icmp, …)"},
    {"network.iana_number", "keyword", ECS, "IP protocol number"},
    {"network.type", "keyword", ECS, "ipv4 or ipv6"},
    {"network.bytes", "long", ECS, "bytes (multiplied by the sampling rate when configured)"},
    {"network.packets", "long", ECS, "packets (multiplied by the sampling rate when configured)"},
    {"network.direction", "keyword", ECS, "ingress or egress, as the exporter reports it"},
    {"network.vlan.id", "keyword", ECS, "VLAN id"},
    {"network.community_id", "keyword", ECS, "Community ID flow hash (enrichment)"},
    {"observer.ip", "ip", ECS, "exporter address"},
    {"observer.name", "keyword", ECS, "exporter (sensor) name (enrichment)"},
    {"observer.ingress.interface.name", "keyword", ECS, "input interface name (enrichment)"},
    {"observer.egress.interface.name", "keyword", ECS, "output interface name (enrichment)"},
    {"netflow.type", "keyword", ECS, "netflow_flow, sflow_flow or sflow_counters"},
    {"netflow.exporter.address", "keyword", ECS, "exporter address:port"},
    {"netflow.exporter.source_id", "long", ECS, "observation domain / source id / sub-agent"},
    {"netflow.exporter.version", "long", ECS, "export protocol version (5, 9, 10)"},
    {"netflow.exporter.timestamp", "date", ECS, "export time from the packet header"},
    {"netflow.exporter.agent_address", "ip", ECS, "sFlow agent address"},
    {"netflow.exporter.sequence", "long", ECS, "export sequence number"},
    {"netflow.engine_type", "long", ECS, "NetFlow engine type"},
    {"netflow.engine_id", "long", ECS, "NetFlow engine id"},
    {"netflow.sampling_interval", "long", ECS, "sampling rate (1 in N)"},
    {"netflow.octet_delta_count", "long", ECS, "bytes as exported (before renormalisation)"},
    {"netflow.packet_delta_count", "long", ECS, "packets as exported"},
    {"netflow.ingress_interface", "long", ECS, "input ifIndex"},
    {"netflow.egress_interface", "long", ECS, "output ifIndex"},
    {"netflow.tcp_control_bits", "long", ECS, "TCP flags (ORed)"},
    {"netflow.ip_class_of_service", "long", ECS, "IP ToS / traffic class"},
    {"netflow.icmp_type", "long", ECS, "ICMP type"},
    {"netflow.icmp_code", "long", ECS, "ICMP code"},
    {"netflow.source_ipv4_prefix_length", "long", ECS, "source IPv4 prefix length"},
    {"netflow.source_ipv6_prefix_length", "long", ECS, "source IPv6 prefix length"},
    {"netflow.destination_ipv4_prefix_length", "long", ECS, "destination IPv4 prefix length"},
    {"netflow.destination_ipv6_prefix_length", "long", ECS, "destination IPv6 prefix length"},
    {"netflow.ip_next_hop_address", "ip", ECS, "IP next hop"},
    {"netflow.bgp_next_hop_address", "ip", ECS, "BGP next hop"},
    {"netflow.bgp_source_as_number", "long", ECS, "source AS as exported"},
    {"netflow.bgp_destination_as_number", "long", ECS, "destination AS as exported"},
    {"netflow.vlan_id", "long", ECS, "VLAN id (source side)"},
    {"netflow.post_vlan_id", "long", ECS, "VLAN id (destination side)"},
    {"netflow.mpls_labels", "long", ECS, "MPLS label stack (array)"},
    {"netflow.flow_end_reason", "long", ECS, "IPFIX flowEndReason"},
    {"netflow.minimum_ttl", "long", ECS, "minimum TTL"},
    {"netflow.ethernet_type", "long", ECS, "Ethernet type"},
    {"netflow.frame_length", "long", ECS, "sampled frame length (sFlow)"},
    {"netflow.flow_label_ipv6", "long", ECS, "IPv6 flow label"},
    {"netflow.fragment_offset", "long", ECS, "IP fragment offset"},
    {"netflow.reverse_octet_delta_count", "long", ECS, "reverse-direction bytes (biflow)"},
    {"netflow.reverse_packet_delta_count", "long", ECS, "reverse-direction packets (biflow)"},
    {"netflow.flow_id", "long", ECS, "exporter flow id"},
    {"netflow.sampler_id", "long", ECS, "sampler id"},
    {"netflow.post_nat_source_address", "ip", ECS, "post-NAT source address"},
    {"netflow.post_napt_source_transport_port", "long", ECS, "post-NAPT source port"},
    {"netflow.post_nat_destination_address", "ip", ECS, "post-NAT destination address"},
    {"netflow.post_napt_destination_transport_port", "long", ECS, "post-NAPT destination port"},
    {"netflow.firewall_event", "long", ECS, "firewall event"},
    {"flowdex.anonymized", "keyword", ECS, "fields the anonymize stage changed (array)"},
    {"flowdex.anonymization", "keyword", ECS, "anonymization method: truncate or cryptopan"},
    {"flowdex.country_scope", "keyword", ECS, "domestic, mixed or international (tags)"},
    {"flowdex.redacted", "boolean", ECS, "true when the record was redacted (anonymize)"},
    /* sFlow counter samples (event.kind "metric", the counters index). */
    {"interface.index", "long", ECS, "counter sample: ifIndex"},
    {"interface.type", "long", ECS, "counter sample: ifType (IANA)"},
    {"interface.speed_bps", "long", ECS, "counter sample: ifSpeed in bits/s"},
    {"interface.direction", "keyword", ECS,
     "counter sample: full-duplex, half-duplex, in, out, unknown"},
    {"interface.admin_status", "keyword", ECS, "counter sample: up or down"},
    {"interface.oper_status", "keyword", ECS, "counter sample: up or down"},
    {"interface.promiscuous", "boolean", ECS, "counter sample: promiscuous mode"},
    {"interface.in.octets", "long", ECS, "counter sample: input octets"},
    {"interface.in.unicast_packets", "long", ECS, "counter sample: input unicast packets"},
    {"interface.in.multicast_packets", "long", ECS, "counter sample: input multicast packets"},
    {"interface.in.broadcast_packets", "long", ECS, "counter sample: input broadcast packets"},
    {"interface.in.discards", "long", ECS, "counter sample: input discarded packets"},
    {"interface.in.errors", "long", ECS, "counter sample: input packets with errors"},
    {"interface.in.unknown_protocols", "long", ECS,
     "counter sample: input packets of unknown protocols"},
    {"interface.out.octets", "long", ECS, "counter sample: output octets"},
    {"interface.out.unicast_packets", "long", ECS, "counter sample: output unicast packets"},
    {"interface.out.multicast_packets", "long", ECS, "counter sample: output multicast packets"},
    {"interface.out.broadcast_packets", "long", ECS, "counter sample: output broadcast packets"},
    {"interface.out.discards", "long", ECS, "counter sample: output discarded packets"},
    {"interface.out.errors", "long", ECS, "counter sample: output packets with errors"},
    {"sflow.counters.source_id_type", "long", ECS, "counter sample: data source type"},
    {"sflow.counters.source_id_index", "long", ECS, "counter sample: data source index"},
    {"sflow.counters.ethernet.alignment_errors", "long", ECS,
     "Ethernet counters: dot3Stats alignment errors"},
    {"sflow.counters.ethernet.fcs_errors", "long", ECS, "Ethernet counters: dot3Stats fcs errors"},
    {"sflow.counters.ethernet.single_collision_frames", "long", ECS,
     "Ethernet counters: dot3Stats single collision frames"},
    {"sflow.counters.ethernet.multiple_collision_frames", "long", ECS,
     "Ethernet counters: dot3Stats multiple collision frames"},
    {"sflow.counters.ethernet.sqe_test_errors", "long", ECS,
     "Ethernet counters: dot3Stats sqe test errors"},
    {"sflow.counters.ethernet.deferred_transmissions", "long", ECS,
     "Ethernet counters: dot3Stats deferred transmissions"},
    {"sflow.counters.ethernet.late_collisions", "long", ECS,
     "Ethernet counters: dot3Stats late collisions"},
    {"sflow.counters.ethernet.excessive_collisions", "long", ECS,
     "Ethernet counters: dot3Stats excessive collisions"},
    {"sflow.counters.ethernet.internal_mac_transmit_errors", "long", ECS,
     "Ethernet counters: dot3Stats internal mac transmit errors"},
    {"sflow.counters.ethernet.carrier_sense_errors", "long", ECS,
     "Ethernet counters: dot3Stats carrier sense errors"},
    {"sflow.counters.ethernet.frame_too_longs", "long", ECS,
     "Ethernet counters: dot3Stats frame too longs"},
    {"sflow.counters.ethernet.internal_mac_receive_errors", "long", ECS,
     "Ethernet counters: dot3Stats internal mac receive errors"},
    {"sflow.counters.ethernet.symbol_errors", "long", ECS,
     "Ethernet counters: dot3Stats symbol errors"},
    {"sflow.counters.processor.cpu_5s_pct", "float", ECS, "processor: CPU load over 5s, percent"},
    {"sflow.counters.processor.cpu_1m_pct", "float", ECS, "processor: CPU load over 1m, percent"},
    {"sflow.counters.processor.cpu_5m_pct", "float", ECS, "processor: CPU load over 5m, percent"},
    {"sflow.counters.processor.memory_total_bytes", "long", ECS, "processor: total memory"},
    {"sflow.counters.processor.memory_free_bytes", "long", ECS, "processor: free memory"},
    {"tags", "keyword", ECS ", " PMA, "tags set by tag rules (enrichment)"},
    {"labels", "object", ECS, "free-form labels from prefix tables (keyword values)"},
    {"event_type", "keyword", PMA, "always \"purge\""},
    {"peer_ip_src", "ip", PMA, "exporter address"},
    {"peer_ip_dst", "ip", PMA, "BGP next hop"},
    {"iface_in", "long", PMA, "input ifIndex"},
    {"iface_out", "long", PMA, "output ifIndex"},
    {"ip_src", "ip", PMA, "source address"},
    {"ip_dst", "ip", PMA, "destination address"},
    {"mask_src", "long", PMA, "source prefix length"},
    {"mask_dst", "long", PMA, "destination prefix length"},
    {"port_src", "long", PMA, "source port"},
    {"port_dst", "long", PMA, "destination port"},
    {"mac_src", "keyword", PMA, "source MAC"},
    {"mac_dst", "keyword", PMA, "destination MAC"},
    {"vlan_in", "long", PMA, "VLAN id (source side)"},
    {"vlan_out", "long", PMA, "VLAN id (destination side)"},
    {"as_src", "long", PMA, "source AS"},
    {"as_dst", "long", PMA, "destination AS"},
    {"tcp_flags", "keyword", PMA, "TCP flags as a decimal string"},
    {"ip_proto", "keyword", PMA, "IP protocol name"},
    {"tos", "long", PMA, "IP ToS"},
    {"sampling_rate", "long", PMA, "sampling rate"},
    {"timestamp_start", "date", PMA, "flow start, \"YYYY-MM-DD HH:MM:SS.ffffff\" UTC"},
    {"timestamp_end", "date", PMA, "flow end, same format"},
    {"timestamp_arrival", "date", PMA, "receive time, same format"},
    {"packets", "long", PMA, "packets"},
    {"flows", "long", PMA, "always 1"},
    {"bytes", "long", PMA, "bytes"},
    {"country_ip_src", "keyword", PMA, "source country ISO code (enrichment)"},
    {"country_ip_dst", "keyword", PMA, "destination country ISO code (enrichment)"},
    {"as_name_src", "keyword", PMA, "source AS organisation (enrichment)"},
    {"as_name_dst", "keyword", PMA, "destination AS organisation (enrichment)"},
    {"city_ip_src", "keyword", PMA, "source city (enrichment)"},
    {"city_ip_dst", "keyword", PMA, "destination city (enrichment)"},
    {"lat_ip_src", "float", PMA, "source latitude (enrichment)"},
    {"lon_ip_src", "float", PMA, "source longitude (enrichment)"},
    {"lat_ip_dst", "float", PMA, "destination latitude (enrichment)"},
    {"lon_ip_dst", "float", PMA, "destination longitude (enrichment)"},
    {"community_id", "keyword", PMA, "Community ID flow hash (enrichment)"},
    {"sensor", "keyword", PMA, "exporter (sensor) name (enrichment)"},
    {"iface_in_name", "keyword", PMA, "input interface name"},
    {"iface_out_name", "keyword", PMA, "output interface name"},
    {"country_scope", "keyword", PMA, "domestic, mixed or international (enrichment)"},
    {"anonymized", "keyword", PMA, "fields the anonymize stage changed (array)"},
    {NULL, NULL, NULL, NULL},
};

/* pmacct's time format first, then ISO 8601 and epoch milliseconds. */
#define PMACCT_DATE_FORMAT "yyyy-MM-dd HH:mm:ss.SSSSSS||strict_date_optional_time||epoch_millis"

static struct json_object *child_props(struct json_object *props, const char *seg, size_t n)
{
    char name[128];
    if (n >= sizeof(name)) {
        n = sizeof(name) - 1;
    }
    memcpy(name, seg, n);
    name[n] = '\0';
    struct json_object *node, *sub;
    if (!json_object_object_get_ex(props, name, &node)) {
        node = json_object_new_object();
        json_object_object_add(props, name, node);
    }
    if (!json_object_object_get_ex(node, "properties", &sub)) {
        sub = json_object_new_object();
        json_object_object_add(node, "properties", sub);
    }
    return sub;
}

static struct json_object *field_mapping(const struct fdx_es_field *f)
{
    struct json_object *m = json_object_new_object();
    if (strcmp(f->type, "object") == 0) {
        /* Free-form: every value a keyword (dynamic template below). */
        json_object_object_add(m, "type", json_object_new_string("object"));
        return m;
    }
    json_object_object_add(m, "type", json_object_new_string(f->type));
    if (strcmp(f->type, "date") == 0 && strcmp(f->schema, PMA) == 0) {
        json_object_object_add(m, "format", json_object_new_string(PMACCT_DATE_FORMAT));
    }
    if (strcmp(f->type, "keyword") == 0) {
        json_object_object_add(m, "ignore_above", json_object_new_int(1024));
    }
    return m;
}

static struct json_object *build_properties(void)
{
    struct json_object *props = json_object_new_object();
    for (const struct fdx_es_field *f = fdx_es_fields; f->name != NULL; f++) {
        struct json_object *level = props;
        const char *seg = f->name;
        const char *dot;
        while ((dot = strchr(seg, '.')) != NULL) {
            level = child_props(level, seg, (size_t)(dot - seg));
            seg = dot + 1;
        }
        json_object_object_add(level, seg, field_mapping(f));
    }
    return props;
}

/* Fields without an explicit mapping (vendor IEs as netflow.*, counter samples, labels):
 * strings become keywords instead of text + keyword. */
static struct json_object *dynamic_templates(void)
{
    struct json_object *arr = json_object_new_array();
    struct json_object *t = json_object_new_object();
    struct json_object *body = json_object_new_object();
    struct json_object *mapping = json_object_new_object();
    json_object_object_add(mapping, "type", json_object_new_string("keyword"));
    json_object_object_add(mapping, "ignore_above", json_object_new_int(1024));
    json_object_object_add(body, "match_mapping_type", json_object_new_string("string"));
    json_object_object_add(body, "mapping", mapping);
    json_object_object_add(t, "strings_as_keyword", body);
    json_object_array_add(arr, t);
    return arr;
}

static struct json_object *build_mappings(void)
{
    struct json_object *m = json_object_new_object();
    json_object_object_add(m, "dynamic_templates", dynamic_templates());
    json_object_object_add(m, "properties", build_properties());
    return m;
}

static struct json_object *build_settings(const struct fdx_es_template_opts *o)
{
    struct json_object *s = json_object_new_object();
    if (o->shards > 0) {
        json_object_object_add(s, "number_of_shards", json_object_new_int((int)o->shards));
    }
    if (o->replicas != UINT_MAX) {
        json_object_object_add(s, "number_of_replicas", json_object_new_int((int)o->replicas));
    }
    return s;
}

int fdx_es_template_body(const struct fdx_es_template_opts *o, bool pretty, struct fdx_buf *out)
{
    struct json_object *root = json_object_new_object();
    struct json_object *pats = json_object_new_array();
    for (size_t i = 0; i < o->n_patterns; i++) {
        json_object_array_add(pats, json_object_new_string(o->patterns[i]));
    }
    json_object_object_add(root, "index_patterns", pats);
    if (o->legacy) {
        json_object_object_add(root, "order", json_object_new_int(100));
        json_object_object_add(root, "settings", build_settings(o));
        json_object_object_add(root, "mappings", build_mappings());
    } else {
        json_object_object_add(root, "priority", json_object_new_int(200));
        if (o->data_stream) {
            json_object_object_add(root, "data_stream", json_object_new_object());
        }
        struct json_object *tpl = json_object_new_object();
        json_object_object_add(tpl, "settings", build_settings(o));
        json_object_object_add(tpl, "mappings", build_mappings());
        json_object_object_add(root, "template", tpl);
        struct json_object *meta = json_object_new_object();
        json_object_object_add(meta, "managed_by", json_object_new_string("flowdex"));
        json_object_object_add(root, "_meta", meta);
    }
    int flags = pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
    flags |= JSON_C_TO_STRING_NOSLASHESCAPE;
    size_t len;
    const char *s = json_object_to_json_string_length(root, flags, &len);
    int rc = s != NULL ? fdx_buf_append(out, s, len) : -ENOMEM;
    if (rc == 0 && pretty) {
        rc = fdx_buf_append(out, "\n", 1);
    }
    json_object_put(root);
    return rc;
}

int fdx_es_version_parse(const char *body, size_t len, struct fdx_es_version *v)
{
    memset(v, 0, sizeof(*v));
    struct json_tokener *tok = json_tokener_new();
    if (tok == NULL) {
        return -ENOMEM;
    }
    struct json_object *root = json_tokener_parse_ex(tok, body, (int)len);
    json_tokener_free(tok);
    struct json_object *ver, *num, *dist;
    int rc = -EPROTO;
    if (root != NULL && json_object_object_get_ex(root, "version", &ver) &&
        json_object_object_get_ex(ver, "number", &num)) {
        const char *s = json_object_get_string(num);
        if (s != NULL && sscanf(s, "%d.%d", &v->major, &v->minor) == 2) {
            rc = 0;
        }
        if (json_object_object_get_ex(ver, "distribution", &dist)) {
            const char *d = json_object_get_string(dist);
            v->opensearch = d != NULL && strcmp(d, "opensearch") == 0;
        }
    }
    json_object_put(root);
    return rc;
}

bool fdx_es_version_composable(const struct fdx_es_version *v)
{
    return v->opensearch || v->major > 7 || (v->major == 7 && v->minor >= 8);
}
