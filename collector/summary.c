/* Shutdown summary: one block of plain lines, stable enough for scripts to grep. */
#include "summary.h"

#include <inttypes.h>

#include "metrics_http.h"

static void exporter_line(const struct fdx_exporter *e, void *arg)
{
    FILE *f = arg;
    char ip[FDX_ADDR_STRLEN];
    fdx_addr_format(&e->addr, ip);
    fprintf(f,
            "flowdex summary: exporter %s domain %u %s: datagrams %" PRIu64 " records %" PRIu64
            " sequence_lost %" PRIu64 " drops %" PRIu64 "\n",
            ip, e->domain_id, fdx_proto_label[e->proto < FDX_PROTO__COUNT ? e->proto : 0],
            fdx_counter_get(&e->datagrams), fdx_counter_get(&e->records),
            fdx_counter_get(&e->seq_lost), fdx_counter_get(&e->drops));
}

void fdx_summary_print(const struct fdx_pipeline *p, FILE *f)
{
    struct fdx_pipeline_totals t;
    fdx_pipeline_totals(p, &t);
    for (int i = 0; i < FDX_PROTO__COUNT; i++) {
        if (t.c.datagrams[i] != 0 || t.c.records[i] != 0) {
            fprintf(f, "flowdex summary: protocol %s: datagrams %" PRIu64 " records %" PRIu64 "\n",
                    fdx_proto_label[i], t.c.datagrams[i], t.c.records[i]);
        }
    }
    for (int i = 1; i < FDX_DROP__COUNT; i++) {
        if (t.c.dgram_drop[i] != 0 || t.c.record_drop[i] != 0) {
            fprintf(f,
                    "flowdex summary: dropped %s (%s): datagrams %" PRIu64 " records %" PRIu64
                    "\n",
                    fdx_drop_label[i], fdx_drop_stage[i],
                    t.c.dgram_drop[i], t.c.record_drop[i]);
        }
    }
    fdx_pipeline_foreach_exporter(p, exporter_line, f);
    fprintf(f,
            "flowdex summary: sequence_lost %" PRIu64 " kernel_drops %" PRIu64
            " records_to_workers %" PRIu64 " documents_encoded %" PRIu64
            " documents_written %" PRIu64 "\n",
            t.c.seq_lost, t.kernel_drops, t.worker_records, t.docs_encoded, t.docs_written);
    fflush(f);
}
