/* The documents' field names as precompiled JSON writer keys: every object of the ECS
 * schema and every member name the encoder writes (ECS and pmacct), from one table. A name
 * here is the same as the dotted path it replaces (docs/fields.md; checked by a test that
 * writes each key both ways). Dynamic names (netflow.<IE name>, labels) stay dotted paths. */
#ifndef FDX_DOC_KEYS_H
#define FDX_DOC_KEYS_H

#include "json_writer.h"

/* X(id, parent id, dotted path with a trailing dot, last segment of the path) */
#define FDX_DOC_OBJECTS(X)                                                                         \
    X(event, root, "event.", "event")                                                              \
    X(source, root, "source.", "source")                                                           \
    X(source_as, source, "source.as.", "as")                                                       \
    X(source_as_organization, source_as, "source.as.organization.", "organization")                \
    X(source_geo, source, "source.geo.", "geo")                                                    \
    X(destination, root, "destination.", "destination")                                            \
    X(destination_as, destination, "destination.as.", "as")                                        \
    X(destination_as_organization, destination_as, "destination.as.organization.", "organization") \
    X(destination_geo, destination, "destination.geo.", "geo")                                     \
    X(network, root, "network.", "network")                                                        \
    X(network_vlan, network, "network.vlan.", "vlan")                                              \
    X(observer, root, "observer.", "observer")                                                     \
    X(observer_ingress, observer, "observer.ingress.", "ingress")                                  \
    X(observer_ingress_interface, observer_ingress, "observer.ingress.interface.", "interface")    \
    X(observer_egress, observer, "observer.egress.", "egress")                                     \
    X(observer_egress_interface, observer_egress, "observer.egress.interface.", "interface")       \
    X(netflow, root, "netflow.", "netflow")                                                        \
    X(netflow_exporter, netflow, "netflow.exporter.", "exporter")                                  \
    X(interface, root, "interface.", "interface")                                                  \
    X(interface_in, interface, "interface.in.", "in")                                              \
    X(interface_out, interface, "interface.out.", "out")                                           \
    X(sflow, root, "sflow.", "sflow")                                                              \
    X(sflow_counters, sflow, "sflow.counters.", "counters")                                        \
    X(sflow_counters_ethernet, sflow_counters, "sflow.counters.ethernet.", "ethernet")             \
    X(sflow_counters_processor, sflow_counters, "sflow.counters.processor.", "processor")          \
    X(flowdex, root, "flowdex.", "flowdex")

/* X(id, parent object id, member name); the key is fdx_key_<id>. */
#define FDX_DOC_KEYS_ECS(X)                                                                        \
    X(timestamp, root, "@timestamp")                                                               \
    X(event_kind, event, "kind")                                                                   \
    X(event_category, event, "category")                                                           \
    X(event_action, event, "action")                                                               \
    X(event_start, event, "start")                                                                 \
    X(event_end, event, "end")                                                                     \
    X(event_duration, event, "duration")                                                           \
    X(event_created, event, "created")                                                             \
    X(source_ip, source, "ip")                                                                     \
    X(source_port, source, "port")                                                                 \
    X(source_mac, source, "mac")                                                                   \
    X(source_as_number, source_as, "number")                                                       \
    X(source_as_organization_name, source_as_organization, "name")                                 \
    X(source_geo_city_name, source_geo, "city_name")                                               \
    X(source_geo_continent_code, source_geo, "continent_code")                                     \
    X(source_geo_country_iso_code, source_geo, "country_iso_code")                                 \
    X(source_geo_country_name, source_geo, "country_name")                                         \
    X(source_geo_location, source_geo, "location")                                                 \
    X(source_geo_name, source_geo, "name")                                                         \
    X(source_geo_region_name, source_geo, "region_name")                                           \
    X(destination_ip, destination, "ip")                                                           \
    X(destination_port, destination, "port")                                                       \
    X(destination_mac, destination, "mac")                                                         \
    X(destination_as_number, destination_as, "number")                                             \
    X(destination_as_organization_name, destination_as_organization, "name")                       \
    X(destination_geo_city_name, destination_geo, "city_name")                                     \
    X(destination_geo_continent_code, destination_geo, "continent_code")                           \
    X(destination_geo_country_iso_code, destination_geo, "country_iso_code")                       \
    X(destination_geo_country_name, destination_geo, "country_name")                               \
    X(destination_geo_location, destination_geo, "location")                                       \
    X(destination_geo_name, destination_geo, "name")                                               \
    X(destination_geo_region_name, destination_geo, "region_name")                                 \
    X(network_transport, network, "transport")                                                     \
    X(network_iana_number, network, "iana_number")                                                 \
    X(network_type, network, "type")                                                               \
    X(network_bytes, network, "bytes")                                                             \
    X(network_packets, network, "packets")                                                         \
    X(network_direction, network, "direction")                                                     \
    X(network_vlan_id, network_vlan, "id")                                                         \
    X(network_community_id, network, "community_id")                                               \
    X(observer_ip, observer, "ip")                                                                 \
    X(observer_ingress_interface_name, observer_ingress_interface, "name")                         \
    X(observer_egress_interface_name, observer_egress_interface, "name")                           \
    X(observer_name, observer, "name")                                                             \
    X(netflow_type, netflow, "type")                                                               \
    X(netflow_exporter_address, netflow_exporter, "address")                                       \
    X(netflow_exporter_source_id, netflow_exporter, "source_id")                                   \
    X(netflow_exporter_version, netflow_exporter, "version")                                       \
    X(netflow_exporter_timestamp, netflow_exporter, "timestamp")                                   \
    X(netflow_exporter_agent_address, netflow_exporter, "agent_address")                           \
    X(netflow_exporter_sequence, netflow_exporter, "sequence")                                     \
    X(netflow_engine_type, netflow, "engine_type")                                                 \
    X(netflow_engine_id, netflow, "engine_id")                                                     \
    X(netflow_sampling_interval, netflow, "sampling_interval")                                     \
    X(netflow_octet_delta_count, netflow, "octet_delta_count")                                     \
    X(netflow_packet_delta_count, netflow, "packet_delta_count")                                   \
    X(netflow_ingress_interface, netflow, "ingress_interface")                                     \
    X(netflow_egress_interface, netflow, "egress_interface")                                       \
    X(netflow_tcp_control_bits, netflow, "tcp_control_bits")                                       \
    X(netflow_ip_class_of_service, netflow, "ip_class_of_service")                                 \
    X(netflow_icmp_type, netflow, "icmp_type")                                                     \
    X(netflow_icmp_code, netflow, "icmp_code")                                                     \
    X(netflow_source_ipv4_prefix_length, netflow, "source_ipv4_prefix_length")                     \
    X(netflow_source_ipv6_prefix_length, netflow, "source_ipv6_prefix_length")                     \
    X(netflow_destination_ipv4_prefix_length, netflow, "destination_ipv4_prefix_length")           \
    X(netflow_destination_ipv6_prefix_length, netflow, "destination_ipv6_prefix_length")           \
    X(netflow_ip_next_hop_address, netflow, "ip_next_hop_address")                                 \
    X(netflow_bgp_next_hop_address, netflow, "bgp_next_hop_address")                               \
    X(netflow_bgp_source_as_number, netflow, "bgp_source_as_number")                               \
    X(netflow_bgp_destination_as_number, netflow, "bgp_destination_as_number")                     \
    X(netflow_vlan_id, netflow, "vlan_id")                                                         \
    X(netflow_post_vlan_id, netflow, "post_vlan_id")                                               \
    X(netflow_mpls_labels, netflow, "mpls_labels")                                                 \
    X(netflow_flow_end_reason, netflow, "flow_end_reason")                                         \
    X(netflow_minimum_ttl, netflow, "minimum_ttl")                                                 \
    X(netflow_ethernet_type, netflow, "ethernet_type")                                             \
    X(netflow_frame_length, netflow, "frame_length")                                               \
    X(netflow_flow_label_ipv6, netflow, "flow_label_ipv6")                                         \
    X(netflow_fragment_offset, netflow, "fragment_offset")                                         \
    X(netflow_reverse_octet_delta_count, netflow, "reverse_octet_delta_count")                     \
    X(netflow_reverse_packet_delta_count, netflow, "reverse_packet_delta_count")                   \
    X(netflow_flow_id, netflow, "flow_id")                                                         \
    X(netflow_sampler_id, netflow, "sampler_id")                                                   \
    X(netflow_post_nat_source_address, netflow, "post_nat_source_address")                         \
    X(netflow_post_napt_source_transport_port, netflow, "post_napt_source_transport_port")         \
    X(netflow_post_nat_destination_address, netflow, "post_nat_destination_address")               \
    X(netflow_post_napt_destination_transport_port, netflow,                                       \
      "post_napt_destination_transport_port")                                                      \
    X(netflow_firewall_event, netflow, "firewall_event")                                           \
    X(flowdex_anonymized, flowdex, "anonymized")                                                   \
    X(flowdex_anonymization, flowdex, "anonymization")                                             \
    X(flowdex_country_scope, flowdex, "country_scope")                                             \
    X(flowdex_redacted, flowdex, "redacted")

/* sFlow counter documents (ECS metric documents). */
#define FDX_DOC_KEYS_COUNTERS(X)                                                                   \
    X(interface_index, interface, "index")                                                         \
    X(interface_type, interface, "type")                                                           \
    X(interface_speed_bps, interface, "speed_bps")                                                 \
    X(interface_direction, interface, "direction")                                                 \
    X(interface_admin_status, interface, "admin_status")                                           \
    X(interface_oper_status, interface, "oper_status")                                             \
    X(interface_promiscuous, interface, "promiscuous")                                             \
    X(interface_in_octets, interface_in, "octets")                                                 \
    X(interface_in_unicast_packets, interface_in, "unicast_packets")                               \
    X(interface_in_multicast_packets, interface_in, "multicast_packets")                           \
    X(interface_in_broadcast_packets, interface_in, "broadcast_packets")                           \
    X(interface_in_discards, interface_in, "discards")                                             \
    X(interface_in_errors, interface_in, "errors")                                                 \
    X(interface_in_unknown_protocols, interface_in, "unknown_protocols")                           \
    X(interface_out_octets, interface_out, "octets")                                               \
    X(interface_out_unicast_packets, interface_out, "unicast_packets")                             \
    X(interface_out_multicast_packets, interface_out, "multicast_packets")                         \
    X(interface_out_broadcast_packets, interface_out, "broadcast_packets")                         \
    X(interface_out_discards, interface_out, "discards")                                           \
    X(interface_out_errors, interface_out, "errors")                                               \
    X(sflow_counters_source_id_type, sflow_counters, "source_id_type")                             \
    X(sflow_counters_source_id_index, sflow_counters, "source_id_index")                           \
    X(eth_alignment_errors, sflow_counters_ethernet, "alignment_errors")                           \
    X(eth_fcs_errors, sflow_counters_ethernet, "fcs_errors")                                       \
    X(eth_single_collision_frames, sflow_counters_ethernet, "single_collision_frames")             \
    X(eth_multiple_collision_frames, sflow_counters_ethernet, "multiple_collision_frames")         \
    X(eth_sqe_test_errors, sflow_counters_ethernet, "sqe_test_errors")                             \
    X(eth_deferred_transmissions, sflow_counters_ethernet, "deferred_transmissions")               \
    X(eth_late_collisions, sflow_counters_ethernet, "late_collisions")                             \
    X(eth_excessive_collisions, sflow_counters_ethernet, "excessive_collisions")                   \
    X(eth_internal_mac_transmit_errors, sflow_counters_ethernet, "internal_mac_transmit_errors")   \
    X(eth_carrier_sense_errors, sflow_counters_ethernet, "carrier_sense_errors")                   \
    X(eth_frame_too_longs, sflow_counters_ethernet, "frame_too_longs")                             \
    X(eth_internal_mac_receive_errors, sflow_counters_ethernet, "internal_mac_receive_errors")     \
    X(eth_symbol_errors, sflow_counters_ethernet, "symbol_errors")                                 \
    X(cpu_5s_pct, sflow_counters_processor, "cpu_5s_pct")                                          \
    X(cpu_1m_pct, sflow_counters_processor, "cpu_1m_pct")                                          \
    X(cpu_5m_pct, sflow_counters_processor, "cpu_5m_pct")                                          \
    X(memory_total_bytes, sflow_counters_processor, "memory_total_bytes")                          \
    X(memory_free_bytes, sflow_counters_processor, "memory_free_bytes")

/* pmacct: flat names. */
#define FDX_DOC_KEYS_PMACCT(X)                                                                     \
    X(pm_event_type, root, "event_type")                                                           \
    X(pm_peer_ip_src, root, "peer_ip_src")                                                         \
    X(pm_iface_in, root, "iface_in")                                                               \
    X(pm_iface_out, root, "iface_out")                                                             \
    X(pm_ip_src, root, "ip_src")                                                                   \
    X(pm_ip_dst, root, "ip_dst")                                                                   \
    X(pm_mask_src, root, "mask_src")                                                               \
    X(pm_mask_dst, root, "mask_dst")                                                               \
    X(pm_port_src, root, "port_src")                                                               \
    X(pm_port_dst, root, "port_dst")                                                               \
    X(pm_mac_src, root, "mac_src")                                                                 \
    X(pm_mac_dst, root, "mac_dst")                                                                 \
    X(pm_vlan_in, root, "vlan_in")                                                                 \
    X(pm_vlan_out, root, "vlan_out")                                                               \
    X(pm_as_src, root, "as_src")                                                                   \
    X(pm_as_dst, root, "as_dst")                                                                   \
    X(pm_peer_ip_dst, root, "peer_ip_dst")                                                         \
    X(pm_tcp_flags, root, "tcp_flags")                                                             \
    X(pm_ip_proto, root, "ip_proto")                                                               \
    X(pm_tos, root, "tos")                                                                         \
    X(pm_sampling_rate, root, "sampling_rate")                                                     \
    X(pm_timestamp_start, root, "timestamp_start")                                                 \
    X(pm_timestamp_end, root, "timestamp_end")                                                     \
    X(pm_timestamp_arrival, root, "timestamp_arrival")                                             \
    X(pm_packets, root, "packets")                                                                 \
    X(pm_flows, root, "flows")                                                                     \
    X(pm_bytes, root, "bytes")                                                                     \
    X(pm_as_name_src, root, "as_name_src")                                                         \
    X(pm_as_name_dst, root, "as_name_dst")                                                         \
    X(pm_country_ip_src, root, "country_ip_src")                                                   \
    X(pm_country_ip_dst, root, "country_ip_dst")                                                   \
    X(pm_city_ip_src, root, "city_ip_src")                                                         \
    X(pm_city_ip_dst, root, "city_ip_dst")                                                         \
    X(pm_lat_ip_src, root, "lat_ip_src")                                                           \
    X(pm_lat_ip_dst, root, "lat_ip_dst")                                                           \
    X(pm_lon_ip_src, root, "lon_ip_src")                                                           \
    X(pm_lon_ip_dst, root, "lon_ip_dst")                                                           \
    X(pm_community_id, root, "community_id")                                                       \
    X(pm_sensor, root, "sensor")                                                                   \
    X(pm_iface_in_name, root, "iface_in_name")                                                     \
    X(pm_iface_out_name, root, "iface_out_name")                                                   \
    X(pm_country_scope, root, "country_scope")                                                     \
    X(pm_anonymized, root, "anonymized")

#define FDX_DOC_OBJ_DECLARE(id, parent, path, name) extern const struct fdx_jw_obj fdx_obj_##id;
#define FDX_DOC_KEY_DECLARE(id, parent, name) extern const struct fdx_jw_key fdx_key_##id;
FDX_DOC_OBJECTS(FDX_DOC_OBJ_DECLARE)
FDX_DOC_KEYS_ECS(FDX_DOC_KEY_DECLARE)
FDX_DOC_KEYS_COUNTERS(FDX_DOC_KEY_DECLARE)
FDX_DOC_KEYS_PMACCT(FDX_DOC_KEY_DECLARE)

/* fdx_key_<id> as an argument: fdx_jwk_u64(w, FDX_KEY(network_bytes), v). */
#define FDX_KEY(id) (&fdx_key_##id)

/* Every key and object of the tables (for tests and tools). */
struct fdx_doc_key_info {
    const struct fdx_jw_key *key;
    const char *name;
};
extern const struct fdx_doc_key_info fdx_doc_keys_all[];
extern const size_t fdx_doc_keys_count;
extern const struct fdx_jw_obj *const fdx_doc_objs_all[];
extern const size_t fdx_doc_objs_count;

#endif
