/* The Elasticsearch output (fdx_output_elasticsearch): configuration, state, and the pieces
 * shared by es_output.c (the output ops, configuration, metrics) and es_delivery.c (the
 * bulk queue: sending, answers, retries, spool, dead letters). Output thread only, except
 * the counters, which the control thread reads. */
#ifndef FDX_ES_OUTPUT_H
#define FDX_ES_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "counters.h"
#include "dead_letter.h"
#include "es_bulk.h"
#include "es_client.h"
#include "es_index_name.h"
#include "es_response.h"
#include "log.h"
#include "output.h"
#include "spool.h"

enum es_id_mode { ES_ID_DETERMINISTIC = 0, ES_ID_AUTO = 1 };
enum es_template_mode { ES_TEMPLATE_INSTALL = 0, ES_TEMPLATE_SKIP = 1 };

struct es_conf {
    struct fdx_strlist hosts;
    char *index;
    char *counters_index;
    bool data_stream;
    int op;            /* enum fdx_es_op */
    int id_mode;       /* enum es_id_mode */
    int template_mode; /* enum es_template_mode */
    char *template_name;
    uint64_t bulk_max_docs;
    uint64_t bulk_max_bytes;
    uint64_t flush_interval_ms;
    uint64_t max_in_flight;
    uint64_t request_timeout_ms;
    uint64_t connect_timeout_ms;
    bool gzip;
    uint64_t retry_initial_ms;
    uint64_t retry_max_ms;
    uint64_t host_down_after;
    uint64_t host_recheck_ms;
    uint64_t buffer_max_bytes;
    bool spool;
    char *spool_dir;
    uint64_t spool_max_bytes;
    bool spool_fsync;
    char *dead_letter_path;
    uint64_t retention_days;
    char *user;
    char *password, *password_env, *password_file;
    char *api_key, *api_key_env, *api_key_file;
    char *ca_file, *client_cert, *client_key;
    bool tls_verify;
};

/* Counters: written by the output thread only, read by anyone (fdx_counter). */
struct es_stats {
    fdx_counter submitted;      /* documents taken by submit() */
    fdx_counter indexed;        /* created or updated */
    fdx_counter duplicates;     /* 409: already there (a retry of an applied bulk) */
    fdx_counter retried;        /* documents sent again (whole request or per item) */
    fdx_counter dead_lettered;  /* permanent per-item failures, in the dead-letter file */
    fdx_counter lost;           /* could be neither delivered, nor spooled, nor dead-lettered */
    fdx_counter spooled;        /* documents written to the spool */
    fdx_counter bulk_requests;
    fdx_counter bulk_failures;  /* whole-request failures (transport, 429, 5xx …) */
    fdx_counter latency_ms_sum;
    fdx_counter bytes_sent;
    fdx_counter spool_bytes;    /* gauge */
    fdx_counter spool_docs;     /* gauge */
    fdx_counter queued_docs;    /* gauge: in memory, not yet answered */
    fdx_counter template_installs;
    fdx_counter retention_deleted;
};

#define ES_LOGGED_TYPES 32

struct es_output {
    struct es_conf conf; /* owned copy (strings owned by the output) */
    char *password, *api_key;
    enum fdx_es_op op;
    struct fdx_es_client *client;
    struct fdx_es_index_name flow_ix, counter_ix;
    struct fdx_es_bulk *cur;   /* being filled */
    struct fdx_es_bulk *head;  /* sealed, oldest first (in flight ones included) */
    struct fdx_es_bulk *tail;
    struct fdx_es_bulk *free_list;
    uint32_t n_free;
    uint64_t mem_bytes;        /* bodies in cur and the queue */
    uint64_t mem_docs;
    struct fdx_spool *spool;
    struct fdx_dead_letter *dl;
    bool template_done;
    int template_phase;         /* enum in es_setup.c: idle, reading the version, installing */
    int64_t template_next_ms;
    uint32_t template_attempts;
    struct fdx_buf template_body; /* the PUT body, kept until its answer */
    int64_t retention_next_ms;
    uint64_t rng;
    char *logged_types[ES_LOGGED_TYPES]; /* error types already logged once */
    struct fdx_log_limit req_log;
    struct fdx_es_response resp;         /* reused for every bulk answer */
    struct fdx_buf scratch;              /* escaping for dead letters of refused requests */
    struct es_stats st;
};

int64_t fdx__es_now_ms(void);
/* Seals the bulk being filled (if any) into the queue, or the spool. */
void fdx__es_seal(struct es_output *o);
/* Sends what is due, reads answers for up to timeout_ms, loads spooled bodies. */
void fdx__es_pump(struct es_output *o, int timeout_ms);
/* Moves every body in memory to the spool (shutdown); returns the documents lost. */
uint64_t fdx__es_spool_all(struct es_output *o);
void fdx__es_release_queue(struct es_output *o);
struct fdx_es_bulk *fdx__es_bulk_get(struct es_output *o);
void fdx__es_bulk_put(struct es_output *o, struct fdx_es_bulk *b);
/* Control requests (es_setup.c). The template is installed asynchronously on the same
 * client as the bulks (GET /, then PUT); its requests carry the user pointer
 * &o->template_phase, which the completion callback hands to fdx__es_template_answer(). */
void fdx__es_template_step(struct es_output *o, int64_t now);
void fdx__es_template_answer(struct es_output *o, const struct fdx_es_result *res);
bool fdx__es_is_template_req(const struct es_output *o, const void *user);
void fdx__es_retention_run(struct es_output *o);

#endif
