/* On-disk spool; see spool.h. */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct spool_entry {
    uint64_t id;
    uint64_t bytes;
    uint32_t ndocs;
    bool read;
};

struct fdx_spool {
    char *dir;
    uint64_t max_bytes;
    bool do_fsync;
    struct spool_entry *e; /* sorted by id */
    size_t n, cap;
    uint64_t bytes, docs;
};

/* Ids start in the middle of the range so bodies can also be put in front. */
#define SPOOL_FIRST_ID (UINT64_C(1) << 62)

static void entry_path(const struct fdx_spool *s, uint64_t id, uint32_t ndocs, char *out,
                       size_t cap)
{
    snprintf(out, cap, "%s/%020" PRIu64 "-%" PRIu32 ".bulk", s->dir, id, ndocs);
}

static int cmp_entry(const void *a, const void *b)
{
    const struct spool_entry *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int grow(struct fdx_spool *s)
{
    if (s->n < s->cap) {
        return 0;
    }
    size_t cap = s->cap ? s->cap * 2 : 64;
    struct spool_entry *e = realloc(s->e, cap * sizeof(*e));
    if (e == NULL) {
        return -ENOMEM;
    }
    s->e = e;
    s->cap = cap;
    return 0;
}

static int mkdir_p(const char *dir)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s", dir);
    for (char *p = tmp + 1; *p != '\0'; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0750) != 0 && errno != EEXIST) {
                return -errno;
            }
            *p = '/';
        }
    }
    if (mkdir(tmp, 0750) != 0 && errno != EEXIST) {
        return -errno;
    }
    return 0;
}

static int scan(struct fdx_spool *s)
{
    DIR *d = opendir(s->dir);
    if (d == NULL) {
        return -errno;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        uint64_t id;
        uint32_t ndocs;
        char tail[8];
        if (sscanf(de->d_name, "%20" SCNu64 "-%" SCNu32 ".%5s", &id, &ndocs, tail) != 3 ||
            strcmp(tail, "bulk") != 0) {
            continue;
        }
        char path[PATH_MAX];
        entry_path(s, id, ndocs, path, sizeof(path));
        struct stat st;
        if (stat(path, &st) != 0 || grow(s) != 0) {
            continue;
        }
        s->e[s->n++] = (struct spool_entry){id, (uint64_t)st.st_size, ndocs, false};
        s->bytes += (uint64_t)st.st_size;
        s->docs += ndocs;
    }
    closedir(d);
    if (s->n > 1) {
        qsort(s->e, s->n, sizeof(*s->e), cmp_entry);
    }
    return 0;
}

struct fdx_spool *fdx_spool_open(const char *dir, uint64_t max_bytes, bool do_fsync,
                                 struct fdx_err *err)
{
    struct fdx_spool *s = calloc(1, sizeof(*s));
    if (s == NULL || (s->dir = strdup(dir)) == NULL) {
        free(s);
        fdx_err_set(err, "spool \"%s\": out of memory", dir);
        return NULL;
    }
    s->max_bytes = max_bytes;
    s->do_fsync = do_fsync;
    int rc = mkdir_p(dir);
    if (rc == 0) {
        rc = scan(s);
    }
    if (rc != 0) {
        fdx_err_set(err, "spool directory \"%s\": %s", dir, strerror(-rc));
        fdx_spool_close(s);
        return NULL;
    }
    return s;
}

void fdx_spool_close(struct fdx_spool *s)
{
    if (s == NULL) {
        return;
    }
    free(s->e);
    free(s->dir);
    free(s);
}

static int write_file(const char *path, const char *data, size_t len, bool do_fsync)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) {
        return -errno;
    }
    int rc = 0;
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = -errno;
            break;
        }
        data += w;
        len -= (size_t)w;
    }
    if (rc == 0 && do_fsync && fsync(fd) != 0) {
        rc = -errno;
    }
    close(fd);
    return rc;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int fdx_spool_push(struct fdx_spool *s, const char *data, size_t len, uint32_t ndocs,
                   bool at_front)
{
    if (s->max_bytes > 0 && s->bytes + len > s->max_bytes) {
        return -ENOSPC;
    }
    int rc = grow(s);
    if (rc != 0) {
        return rc;
    }
    uint64_t id;
    if (s->n == 0) {
        id = SPOOL_FIRST_ID;
    } else {
        id = at_front ? s->e[0].id - 1 : s->e[s->n - 1].id + 1;
    }
    char path[PATH_MAX], tmp[PATH_MAX + 8];
    entry_path(s, id, ndocs, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    rc = write_file(tmp, data, len, s->do_fsync);
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -errno;
    }
    if (rc != 0) {
        unlink(tmp);
        return rc;
    }
    if (s->do_fsync) {
        sync_dir(s->dir);
    }
    struct spool_entry e = {id, len, ndocs, false};
    if (at_front) {
        memmove(s->e + 1, s->e, s->n * sizeof(*s->e));
        s->e[0] = e;
    } else {
        s->e[s->n] = e;
    }
    s->n++;
    s->bytes += len;
    s->docs += ndocs;
    return 0;
}

static struct spool_entry *first_unread(const struct fdx_spool *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!s->e[i].read) {
            return &s->e[i];
        }
    }
    return NULL;
}

uint64_t fdx_spool_peek(const struct fdx_spool *s)
{
    const struct spool_entry *e = first_unread(s);
    return e != NULL ? (e->bytes > 0 ? e->bytes : 1) : 0;
}

static void drop_entry(struct fdx_spool *s, struct spool_entry *e)
{
    size_t i = (size_t)(e - s->e);
    s->bytes -= e->bytes;
    s->docs -= e->ndocs;
    memmove(s->e + i, s->e + i + 1, (s->n - i - 1) * sizeof(*s->e));
    s->n--;
}

int fdx_spool_read(struct fdx_spool *s, struct fdx_buf *out, uint64_t *id, uint32_t *ndocs)
{
    struct spool_entry *e = first_unread(s);
    if (e == NULL) {
        return -ENOENT;
    }
    char path[PATH_MAX];
    entry_path(s, e->id, e->ndocs, path, sizeof(path));
    int rc = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
    } else {
        rc = fdx_buf_reserve(out, e->bytes);
        size_t got = 0;
        while (rc == 0 && got < e->bytes) {
            ssize_t r = read(fd, out->p + out->len + got, e->bytes - got);
            if (r < 0 && errno == EINTR) {
                continue;
            }
            if (r <= 0) {
                rc = r < 0 ? -errno : -EIO;
                break;
            }
            got += (size_t)r;
        }
        close(fd);
        if (rc == 0) {
            out->len += got;
        }
    }
    if (rc != 0) {
        char bad[PATH_MAX + 8];
        snprintf(bad, sizeof(bad), "%s.bad", path);
        rename(path, bad);
        drop_entry(s, e);
        return rc;
    }
    e->read = true;
    *id = e->id;
    *ndocs = e->ndocs;
    return 0;
}

int fdx_spool_remove(struct fdx_spool *s, uint64_t id)
{
    for (size_t i = 0; i < s->n; i++) {
        if (s->e[i].id == id) {
            char path[PATH_MAX];
            entry_path(s, id, s->e[i].ndocs, path, sizeof(path));
            int rc = unlink(path) == 0 ? 0 : -errno;
            drop_entry(s, &s->e[i]);
            return rc;
        }
    }
    return -ENOENT;
}

void fdx_spool_rewind(struct fdx_spool *s)
{
    for (size_t i = 0; i < s->n; i++) {
        s->e[i].read = false;
    }
}

uint64_t fdx_spool_bytes(const struct fdx_spool *s)
{
    return s->bytes;
}

uint64_t fdx_spool_docs(const struct fdx_spool *s)
{
    return s->docs;
}

uint64_t fdx_spool_unread_docs(const struct fdx_spool *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->e[i].read) {
            n += s->e[i].ndocs;
        }
    }
    return n;
}
