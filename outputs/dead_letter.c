/* Dead-letter NDJSON file; see dead_letter.h. */
#include "dead_letter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "json_writer.h"

struct fdx_dead_letter {
    char *path;
    int fd;
    struct fdx_buf line;
    struct fdx_buf tmp;
};

static int open_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    return fd >= 0 ? fd : -errno;
}

struct fdx_dead_letter *fdx_dead_letter_open(const char *path, struct fdx_err *err)
{
    struct fdx_dead_letter *d = calloc(1, sizeof(*d));
    if (d == NULL || (d->path = strdup(path)) == NULL) {
        free(d);
        fdx_err_set(err, "dead-letter file \"%s\": out of memory", path);
        return NULL;
    }
    d->fd = open_file(path);
    if (d->fd < 0) {
        fdx_err_set(err, "dead-letter file \"%s\": %s", path, strerror(-d->fd));
        free(d->path);
        free(d);
        return NULL;
    }
    fdx_buf_init(&d->line, 0);
    fdx_buf_init(&d->tmp, 0);
    return d;
}

void fdx_dead_letter_close(struct fdx_dead_letter *d)
{
    if (d == NULL) {
        return;
    }
    close(d->fd);
    fdx_buf_fini(&d->line);
    fdx_buf_fini(&d->tmp);
    free(d->path);
    free(d);
}

int fdx_dead_letter_reopen(struct fdx_dead_letter *d)
{
    int fd = open_file(d->path);
    if (fd < 0) {
        return fd;
    }
    close(d->fd);
    d->fd = fd;
    return 0;
}

/* An already escaped string content, written between quotes. */
static void raw_string(struct fdx_jw *w, struct fdx_buf *tmp, const char *key, const char *s,
                       size_t len)
{
    fdx_buf_reset(tmp);
    if (fdx_buf_reserve(tmp, len + 2) != 0) {
        w->err = -ENOMEM;
        return;
    }
    fdx_buf_putc(tmp, '"');
    if (s != NULL) {
        fdx_buf_put(tmp, s, len);
    }
    fdx_buf_putc(tmp, '"');
    fdx_jw_raw(w, key, tmp->p, tmp->len);
}

int fdx_dead_letter_write(struct fdx_dead_letter *d, const struct fdx_dead_letter_entry *e)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct fdx_jw w;
    fdx_buf_reset(&d->line);
    fdx_jw_begin(&w, &d->line);
    fdx_jw_time(&w, "@timestamp", (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    fdx_jw_cstr(&w, "index", e->index);
    fdx_jw_cstr(&w, "_id", e->id);
    fdx_jw_u64(&w, "status", (uint64_t)(e->status > 0 ? e->status : 0));
    raw_string(&w, &d->tmp, "error.type", e->type, e->type_len);
    raw_string(&w, &d->tmp, "error.reason", e->reason, e->reason_len);
    fdx_jw_raw(&w, "document", e->doc, e->len);
    int rc = fdx_jw_end(&w);
    if (rc == 0) {
        rc = fdx_buf_append(&d->line, "\n", 1);
    }
    if (rc != 0) {
        return rc;
    }
    const char *p = d->line.p;
    size_t n = d->line.len;
    while (n > 0) {
        ssize_t wr = write(d->fd, p, n);
        if (wr < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += wr;
        n -= (size_t)wr;
    }
    return 0;
}
