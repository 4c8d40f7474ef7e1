/* NDJSON to stdout or a file (appended; reopened on SIGHUP for log rotation). One write()
 * per doc batch, never per document. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "log.h"
#include "output.h"

struct file_conf {
    char *path;
    bool fsync_on_flush;
};

static const struct fdx_cfg_key file_keys[] = {
    {"path", FDX_CFG_STRING, "\"-\"", offsetof(struct file_conf, path), 0, 0, NULL,
     "file to append NDJSON documents to; \"-\" is standard output"},
    {"fsync", FDX_CFG_BOOL, "false", offsetof(struct file_conf, fsync_on_flush), 0, 0, NULL,
     "fsync the file when flushing at shutdown"},
    FDX_CFG_END,
};

struct file_output {
    int fd;
    bool is_stdout;
    char *path;
    bool fsync_on_flush;
    fdx_counter docs;
    fdx_counter bytes;
    fdx_counter errors; /* documents lost to write errors */
    struct fdx_log_limit err_log;
};

static int open_path(struct file_output *o, struct fdx_err *err)
{
    if (o->is_stdout) {
        o->fd = STDOUT_FILENO;
        return 0;
    }
    int fd = open(o->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = -errno;
        fdx_err_set(err, "output file \"%s\": %s", o->path, strerror(errno));
        return rc;
    }
    o->fd = fd;
    return 0;
}

static void *file_open(const void *conf_, const struct fdx_output_env *env, struct fdx_err *err)
{
    (void)env;
    const struct file_conf *conf = conf_;
    struct file_output *o = calloc(1, sizeof(*o));
    if (o == NULL) {
        fdx_err_set(err, "output file: out of memory");
        return NULL;
    }
    o->is_stdout = strcmp(conf->path, "-") == 0;
    o->path = strdup(conf->path);
    o->fsync_on_flush = conf->fsync_on_flush;
    if (o->path == NULL || open_path(o, err) != 0) {
        free(o->path);
        free(o);
        return NULL;
    }
    return o;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int file_submit(void *self, const struct fdx_doc_batch *docs)
{
    struct file_output *o = self;
    if (docs->n == 0) {
        return 0;
    }
    int rc = write_all(o->fd, docs->body.p, docs->body.len);
    if (rc != 0) {
        fdx_counter_add(&o->errors, docs->n);
        fdx_log_ratelimited(&o->err_log, 10000, FDX_LOG_ERROR, "output file \"%s\": write: %s",
                            o->path, strerror(-rc));
        return 0; /* counted as lost; retrying a broken file would stall every worker */
    }
    fdx_counter_add(&o->docs, docs->n);
    fdx_counter_add(&o->bytes, docs->body.len);
    return 0;
}

static int file_flush(void *self, int64_t deadline_ms)
{
    (void)deadline_ms;
    struct file_output *o = self;
    if (o->fsync_on_flush && !o->is_stdout) {
        fsync(o->fd);
    }
    return 0;
}

static int file_reopen(void *self)
{
    struct file_output *o = self;
    if (o->is_stdout) {
        return 0;
    }
    struct fdx_err err;
    int old = o->fd;
    int rc = open_path(o, &err);
    if (rc != 0) {
        fdx_error("%s (keeping the old file open)", err.msg);
        return rc;
    }
    close(old);
    return 0;
}

static void file_stats(const void *self, struct fdx_metrics *m)
{
    const struct file_output *o = self;
    fdx_metrics_family(m, "flowdex_output_file_documents_total", "counter",
                       "Documents written by the file output");
    fdx_metrics_sample(m, "flowdex_output_file_documents_total", "", fdx_counter_get(&o->docs));
    fdx_metrics_family(m, "flowdex_output_file_bytes_total", "counter",
                       "Bytes written by the file output");
    fdx_metrics_sample(m, "flowdex_output_file_bytes_total", "", fdx_counter_get(&o->bytes));
    fdx_metrics_family(m, "flowdex_output_file_errors_total", "counter",
                       "Documents lost to write errors in the file output");
    fdx_metrics_sample(m, "flowdex_output_file_errors_total", "", fdx_counter_get(&o->errors));
}

static void file_close(void *self)
{
    struct file_output *o = self;
    if (o == NULL) {
        return;
    }
    if (!o->is_stdout && o->fd >= 0) {
        close(o->fd);
    }
    free(o->path);
    free(o);
}

const struct fdx_output_ops fdx_output_file = {
    .name = "file",
    .summary = "NDJSON documents to standard output or a file",
    .keys = file_keys,
    .conf_size = sizeof(struct file_conf),
    .open = file_open,
    .submit = file_submit,
    .poll = NULL, /* writes are done in submit(): nothing on a clock */
    .flush = file_flush,
    .reopen = file_reopen,
    .stats = file_stats,
    .close = file_close,
};
