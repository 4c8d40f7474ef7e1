/* sFlow counter samples as ECS metric documents: interface.* (generic interface counters,
 * RFC 2863 names) and sflow.counters.* (Ethernet RFC 3635 counters, processor). Pure. A
 * counter the agent reports as unknown (all ones, sFlow v5 §5) is left out. */
#include "document.h"

#include <stdbool.h>
#include <stdint.h>

#include "doc_keys.h"

static void u32_known(struct fdx_jw *w, const struct fdx_jw_key *key, uint64_t v)
{
    if (v != UINT32_MAX) {
        fdx_jwk_u64(w, key, v);
    }
}

static void u64_known(struct fdx_jw *w, const struct fdx_jw_key *key, uint64_t v)
{
    if (v != UINT64_MAX) {
        fdx_jwk_u64(w, key, v);
    }
}

static const char *direction_name(uint32_t d)
{
    static const char *const names[] = {"unknown", "full-duplex", "half-duplex", "in", "out"};
    return d < 5 ? names[d] : "unknown";
}

static void generic(struct fdx_jw *w, const struct fdx_if_counters *c)
{
    fdx_jwk_u64(w, FDX_KEY(interface_index), c->if_index);
    fdx_jwk_u64(w, FDX_KEY(interface_type), c->if_type);
    fdx_jwk_u64(w, FDX_KEY(interface_speed_bps), c->if_speed);
    fdx_jwk_cstr(w, FDX_KEY(interface_direction), direction_name(c->if_direction));
    fdx_jwk_cstr(w, FDX_KEY(interface_admin_status), (c->if_status & 1) ? "up" : "down");
    fdx_jwk_cstr(w, FDX_KEY(interface_oper_status), (c->if_status & 2) ? "up" : "down");
    if (c->promisc == 1 || c->promisc == 2) { /* TruthValue: 1 true, 2 false */
        fdx_jwk_bool(w, FDX_KEY(interface_promiscuous), c->promisc == 1);
    }
    u64_known(w, FDX_KEY(interface_in_octets), c->in_octets);
    u32_known(w, FDX_KEY(interface_in_unicast_packets), c->in_ucast);
    u32_known(w, FDX_KEY(interface_in_multicast_packets), c->in_mcast);
    u32_known(w, FDX_KEY(interface_in_broadcast_packets), c->in_bcast);
    u32_known(w, FDX_KEY(interface_in_discards), c->in_discards);
    u32_known(w, FDX_KEY(interface_in_errors), c->in_errors);
    u32_known(w, FDX_KEY(interface_in_unknown_protocols), c->in_unknown_protos);
    u64_known(w, FDX_KEY(interface_out_octets), c->out_octets);
    u32_known(w, FDX_KEY(interface_out_unicast_packets), c->out_ucast);
    u32_known(w, FDX_KEY(interface_out_multicast_packets), c->out_mcast);
    u32_known(w, FDX_KEY(interface_out_broadcast_packets), c->out_bcast);
    u32_known(w, FDX_KEY(interface_out_discards), c->out_discards);
    u32_known(w, FDX_KEY(interface_out_errors), c->out_errors);
}

static void ethernet(struct fdx_jw *w, const struct fdx_if_counters *c)
{
    u32_known(w, FDX_KEY(eth_alignment_errors), c->eth_alignment_errors);
    u32_known(w, FDX_KEY(eth_fcs_errors), c->eth_fcs_errors);
    u32_known(w, FDX_KEY(eth_single_collision_frames), c->eth_single_collisions);
    u32_known(w, FDX_KEY(eth_multiple_collision_frames), c->eth_multiple_collisions);
    u32_known(w, FDX_KEY(eth_sqe_test_errors), c->eth_sqe_errors);
    u32_known(w, FDX_KEY(eth_deferred_transmissions), c->eth_deferred);
    u32_known(w, FDX_KEY(eth_late_collisions), c->eth_late_collisions);
    u32_known(w, FDX_KEY(eth_excessive_collisions), c->eth_excessive_collisions);
    u32_known(w, FDX_KEY(eth_internal_mac_transmit_errors), c->eth_internal_mac_tx_errors);
    u32_known(w, FDX_KEY(eth_carrier_sense_errors), c->eth_carrier_sense_errors);
    u32_known(w, FDX_KEY(eth_frame_too_longs), c->eth_frame_too_longs);
    u32_known(w, FDX_KEY(eth_internal_mac_receive_errors), c->eth_internal_mac_rx_errors);
    u32_known(w, FDX_KEY(eth_symbol_errors), c->eth_symbol_errors);
}

static void processor(struct fdx_jw *w, const struct fdx_if_counters *c)
{
    /* The agent sends hundredths of a percent. */
    if (c->cpu_5s_pct_x100 != UINT32_MAX) {
        fdx_jwk_f64(w, FDX_KEY(cpu_5s_pct), c->cpu_5s_pct_x100 / 100.0);
    }
    if (c->cpu_1m_pct_x100 != UINT32_MAX) {
        fdx_jwk_f64(w, FDX_KEY(cpu_1m_pct), c->cpu_1m_pct_x100 / 100.0);
    }
    if (c->cpu_5m_pct_x100 != UINT32_MAX) {
        fdx_jwk_f64(w, FDX_KEY(cpu_5m_pct), c->cpu_5m_pct_x100 / 100.0);
    }
    u64_known(w, FDX_KEY(memory_total_bytes), c->mem_total_bytes);
    u64_known(w, FDX_KEY(memory_free_bytes), c->mem_free_bytes);
}

void fdx_document_counters_ecs(struct fdx_jw *w, const struct fdx_slot *s)
{
    const struct fdx_if_counters *c = &s->ctr;
    if (c->has_generic) {
        generic(w, c);
    }
    /* The sampled data source: type in the top byte, index below (sFlow v5 §5). */
    fdx_jwk_u64(w, FDX_KEY(sflow_counters_source_id_type), s->flow.sampler_id >> 24);
    fdx_jwk_u64(w, FDX_KEY(sflow_counters_source_id_index), s->flow.sampler_id & 0xffffff);
    if (c->has_ethernet) {
        ethernet(w, c);
    }
    if (c->has_processor) {
        processor(w, c);
    }
}
