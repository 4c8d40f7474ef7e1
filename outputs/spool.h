/* On-disk spool of bulk bodies: one file per body in a directory, named by a sequence number
 * so that replay follows the original order, also after a restart. Files are written to a
 * temporary name and renamed into place (a crash never leaves half a body under a real
 * name); with fsync on, the file and the directory are synced before push() returns. The
 * total size is bounded. A body read back stays on disk until remove() (after Elasticsearch
 * answered for every document in it). Output thread only. */
#ifndef FDX_SPOOL_H
#define FDX_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct fdx_spool;

/* Opens (creating if needed) dir and indexes the bodies already there. */
struct fdx_spool *fdx_spool_open(const char *dir, uint64_t max_bytes, bool do_fsync,
                                 struct fdx_err *err);
void fdx_spool_close(struct fdx_spool *s);

/* Stores a body of ndocs documents, after every other one, or before them when at_front is
 * set (bodies taken back from memory at shutdown are older than the unread ones). Returns
 * 0, -ENOSPC when the bound would be passed, or another negative errno on I/O failure. */
int fdx_spool_push(struct fdx_spool *s, const char *data, size_t len, uint32_t ndocs,
                   bool at_front);

/* Size of the oldest unread body, or 0 when none is unread. */
uint64_t fdx_spool_peek(const struct fdx_spool *s);
/* Reads the oldest unread body into out (appended) and marks it read. Returns 0, -ENOENT
 * when none is unread, or a negative errno (the file is then set aside as *.bad). */
int fdx_spool_read(struct fdx_spool *s, struct fdx_buf *out, uint64_t *id, uint32_t *ndocs);
/* Deletes a body once it has been delivered. */
int fdx_spool_remove(struct fdx_spool *s, uint64_t id);
/* Marks every read body unread again (their memory copies were dropped at shutdown). */
void fdx_spool_rewind(struct fdx_spool *s);

uint64_t fdx_spool_bytes(const struct fdx_spool *s);  /* on disk, read or not */
uint64_t fdx_spool_docs(const struct fdx_spool *s);   /* documents on disk */
uint64_t fdx_spool_unread_docs(const struct fdx_spool *s);

#endif
