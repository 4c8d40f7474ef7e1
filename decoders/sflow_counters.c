/* sFlow v5 counter record formats (sFlow v5 §5: if_counters, ethernet_counters, processor).
 * Reads only through its record's sub-reader; never allocates. */
#include "sflow_counters.h"

static uint8_t generic(struct fdx_if_counters *c, struct fdx_rd *rd)
{
    c->if_index = fdx_rd_u32(rd);
    c->if_type = fdx_rd_u32(rd);
    c->if_speed = fdx_rd_u64(rd);
    c->if_direction = fdx_rd_u32(rd);
    c->if_status = fdx_rd_u32(rd);
    c->in_octets = fdx_rd_u64(rd);
    c->in_ucast = fdx_rd_u32(rd);
    c->in_mcast = fdx_rd_u32(rd);
    c->in_bcast = fdx_rd_u32(rd);
    c->in_discards = fdx_rd_u32(rd);
    c->in_errors = fdx_rd_u32(rd);
    c->in_unknown_protos = fdx_rd_u32(rd);
    c->out_octets = fdx_rd_u64(rd);
    c->out_ucast = fdx_rd_u32(rd);
    c->out_mcast = fdx_rd_u32(rd);
    c->out_bcast = fdx_rd_u32(rd);
    c->out_discards = fdx_rd_u32(rd);
    c->out_errors = fdx_rd_u32(rd);
    c->promisc = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    c->has_generic = true;
    return FDX_DROP_NONE;
}

static uint8_t ethernet(struct fdx_if_counters *c, struct fdx_rd *rd)
{
    c->eth_alignment_errors = fdx_rd_u32(rd);
    c->eth_fcs_errors = fdx_rd_u32(rd);
    c->eth_single_collisions = fdx_rd_u32(rd);
    c->eth_multiple_collisions = fdx_rd_u32(rd);
    c->eth_sqe_errors = fdx_rd_u32(rd);
    c->eth_deferred = fdx_rd_u32(rd);
    c->eth_late_collisions = fdx_rd_u32(rd);
    c->eth_excessive_collisions = fdx_rd_u32(rd);
    c->eth_internal_mac_tx_errors = fdx_rd_u32(rd);
    c->eth_carrier_sense_errors = fdx_rd_u32(rd);
    c->eth_frame_too_longs = fdx_rd_u32(rd);
    c->eth_internal_mac_rx_errors = fdx_rd_u32(rd);
    c->eth_symbol_errors = fdx_rd_u32(rd);
    if (rd->err) {
        return rd->err;
    }
    c->has_ethernet = true;
    return FDX_DROP_NONE;
}

static uint8_t processor(struct fdx_if_counters *c, struct fdx_rd *rd)
{
    c->cpu_5s_pct_x100 = fdx_rd_u32(rd);
    c->cpu_1m_pct_x100 = fdx_rd_u32(rd);
    c->cpu_5m_pct_x100 = fdx_rd_u32(rd);
    c->mem_total_bytes = fdx_rd_u64(rd);
    c->mem_free_bytes = fdx_rd_u64(rd);
    if (rd->err) {
        return rd->err;
    }
    c->has_processor = true;
    return FDX_DROP_NONE;
}

uint8_t fdx__sflow_counter_record(struct fdx_slot *s, uint32_t format, struct fdx_rd *rd)
{
    switch (format) {
    case SFLOW_CTR_GENERIC:
        return generic(&s->ctr, rd);
    case SFLOW_CTR_ETHERNET:
        return ethernet(&s->ctr, rd);
    case SFLOW_CTR_PROCESSOR:
        return processor(&s->ctr, rd);
    default:
        return FDX_DROP_NONE;
    }
}
