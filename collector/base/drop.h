/* The one list of reasons for which flowdex refuses a datagram, set or record. It feeds the
 * counters, the Prometheus labels, the shutdown summary and docs/operations.md (a test checks
 * that every label is documented). Add a reason here rather than reusing a vaguer one. */
#ifndef FDX_DROP_H
#define FDX_DROP_H

/* X(NAME, "label", "stage", "what it means"): stage is where the drop happens (decode,
 * pipeline, enrich, output); it is the "stage" label of flowdex_dropped_total. */
#define FDX_DROP_REASONS(X)                                                                     \
    X(TRUNCATED, "truncated", "decode",                                                         \
      "a length on the wire runs past the end of the datagram")                                 \
    X(BAD_VERSION, "bad_version", "decode", "version field of a recognised protocol is wrong")  \
    X(UNKNOWN_PROTOCOL, "unknown_protocol", "decode", "first bytes match no flow protocol")     \
    X(UNSUPPORTED_PROTOCOL, "unsupported_protocol", "decode",                                   \
      "a recognised protocol whose decoder is not enabled")                                     \
    X(NF5_COUNT_MISMATCH, "nf5_count_mismatch", "decode",                                       \
      "NetFlow v5 record count does not match the datagram length")                             \
    X(NF5_BAD_COUNT, "nf5_bad_count", "decode", "NetFlow v5 record count is 0 or above 30")     \
    X(BAD_LENGTH, "bad_length", "decode", "a header or set length field is impossible")         \
    X(BAD_TEMPLATE, "bad_template", "decode", "a template or options template is malformed")    \
    X(NO_TEMPLATE, "no_template", "decode", "data set expired waiting for its template")        \
    X(TEMPLATE_LIMIT, "template_limit", "decode", "template refused: cache bound reached")      \
    X(PENDING_LIMIT, "pending_limit", "decode",                                                 \
      "data set waiting for its template refused: bound")                                       \
    X(EXPORTER_LIMIT, "exporter_limit", "decode",                                               \
      "exporter state refused: exporter table is full")                                         \
    X(SFLOW_BAD_SAMPLE, "sflow_bad_sample", "decode",                                           \
      "an sFlow sample or record is malformed")                                                 \
    X(LIMIT_EXCEEDED, "limit_exceeded", "decode", "a depth or count limit was exceeded")        \
    X(TCP_FRAMING, "tcp_framing", "decode",                                                     \
      "an IPFIX-over-TCP stream lost its message framing")                                      \
    X(TCP_CONN_LIMIT, "tcp_conn_limit", "decode",                                               \
      "IPFIX-over-TCP connection over tcp_max_connections, closed at accept")                   \
    X(TCP_IDLE, "tcp_idle", "decode",                                                           \
      "IPFIX-over-TCP connection closed after tcp_idle_timeout without data")                   \
    X(TCP_PARTIAL, "tcp_partial", "decode",                                                     \
      "IPFIX-over-TCP connection ended inside a message, which is lost")                        \
    X(TCP_GAP, "tcp_gap", "decode",                                                             \
      "replay: a TCP segment of an IPFIX stream is missing; the stream is abandoned")           \
    X(NO_BATCH, "no_batch", "pipeline", "no free batch: workers are behind")                    \
    X(RING_FULL, "ring_full", "pipeline", "a worker's input ring is full")                      \
    X(FILTERED, "filtered", "enrich", "removed by a configured filter")                         \
    X(FILTER_PRIVATE, "filter_private", "enrich",                                               \
      "filter stage: source or destination address is private or reserved")                     \
    X(FILTER_TOO_OLD, "filter_too_old", "enrich",                                               \
      "filter stage: flow ended longer ago than max_age")                                       \
    X(FILTER_FUTURE, "filter_future", "enrich",                                                 \
      "filter stage: flow time is further in the future than max_future")                       \
    X(FILTER_EXPORTER, "filter_exporter", "enrich",                                             \
      "filter stage: exporter not on the allow list or on the deny list")                       \
    X(OUTPUT_FULL, "output_full", "output", "the output queue is full")                         \
    X(OUTPUT_ERROR, "output_error", "output", "the output could not write the document")        \
    X(ES_REJECTED, "es_rejected", "output", "Elasticsearch refused the document permanently")

enum fdx_drop {
    FDX_DROP_NONE = 0,
#define FDX_X(name, label, stage, doc) FDX_DROP_##name,
    FDX_DROP_REASONS(FDX_X)
#undef FDX_X
        FDX_DROP__COUNT
};

/* Label (Prometheus and summary) and one-line meaning of each reason, indexed by enum. */
extern const char *const fdx_drop_label[FDX_DROP__COUNT];
extern const char *const fdx_drop_doc[FDX_DROP__COUNT];
/* Where the drop happens: "decode", "pipeline", "enrich" or "output". */
extern const char *const fdx_drop_stage[FDX_DROP__COUNT];

#endif
