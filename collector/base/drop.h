/* The one list of reasons for which flowdex refuses a datagram, set or record. It feeds the
 * counters, the Prometheus labels, the shutdown summary and docs/operations.md (a test checks
 * that every label is documented). Add a reason here rather than reusing a vaguer one. */
#ifndef FDX_DROP_H
#define FDX_DROP_H

/* X(NAME, "label", "what it means") */
#define FDX_DROP_REASONS(X)                                                                  \
    X(TRUNCATED, "truncated", "a length on the wire runs past the end of the datagram")     \
    X(BAD_VERSION, "bad_version", "version field of a recognised protocol is wrong")        \
    X(UNKNOWN_PROTOCOL, "unknown_protocol", "first bytes match no flow protocol")           \
    X(UNSUPPORTED_PROTOCOL, "unsupported_protocol",                                         \
      "a recognised protocol whose decoder is not enabled")                                 \
    X(NF5_COUNT_MISMATCH, "nf5_count_mismatch",                                             \
      "NetFlow v5 record count does not match the datagram length")                         \
    X(NF5_BAD_COUNT, "nf5_bad_count", "NetFlow v5 record count is 0 or above 30")            \
    X(BAD_LENGTH, "bad_length", "a header or set length field is impossible")               \
    X(BAD_TEMPLATE, "bad_template", "a template or options template is malformed")          \
    X(NO_TEMPLATE, "no_template", "data set expired waiting for its template")              \
    X(TEMPLATE_LIMIT, "template_limit", "template refused: cache bound reached")            \
    X(PENDING_LIMIT, "pending_limit", "data set waiting for its template refused: bound")   \
    X(EXPORTER_LIMIT, "exporter_limit", "exporter state refused: exporter table is full")   \
    X(SFLOW_BAD_SAMPLE, "sflow_bad_sample", "an sFlow sample or record is malformed")       \
    X(LIMIT_EXCEEDED, "limit_exceeded", "a depth or count limit was exceeded")              \
    X(TCP_FRAMING, "tcp_framing", "an IPFIX-over-TCP stream lost its message framing")      \
    X(NO_BATCH, "no_batch", "no free batch: workers are behind")                            \
    X(RING_FULL, "ring_full", "a worker's input ring is full")                              \
    X(FILTERED, "filtered", "removed by a configured filter")                               \
    X(FILTER_PRIVATE, "filter_private",                                                     \
      "filter stage: source or destination address is private or reserved")                 \
    X(FILTER_TOO_OLD, "filter_too_old", "filter stage: flow ended longer ago than max_age")  \
    X(FILTER_FUTURE, "filter_future",                                                       \
      "filter stage: flow time is further in the future than max_future")                   \
    X(FILTER_EXPORTER, "filter_exporter",                                                   \
      "filter stage: exporter not on the allow list or on the deny list")                   \
    X(OUTPUT_FULL, "output_full", "the output queue is full")                               \
    X(OUTPUT_ERROR, "output_error", "the output could not write the document")              \
    X(ES_REJECTED, "es_rejected", "Elasticsearch refused the document permanently")

enum fdx_drop {
    FDX_DROP_NONE = 0,
#define FDX_X(name, label, doc) FDX_DROP_##name,
    FDX_DROP_REASONS(FDX_X)
#undef FDX_X
        FDX_DROP__COUNT
};

/* Label (Prometheus and summary) and one-line meaning of each reason, indexed by enum. */
extern const char *const fdx_drop_label[FDX_DROP__COUNT];
extern const char *const fdx_drop_doc[FDX_DROP__COUNT];

#endif
