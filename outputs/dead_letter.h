/* Dead-letter file: documents Elasticsearch refused permanently (mapping errors, bad
 * values), one JSON line each with the index, id, status, error type and reason, and the
 * document itself, so they can be fixed and re-sent. Appended; reopened on SIGHUP.
 * Output thread only. */
#ifndef FDX_DEAD_LETTER_H
#define FDX_DEAD_LETTER_H

#include <stddef.h>

#include "err.h"

struct fdx_dead_letter;

struct fdx_dead_letter *fdx_dead_letter_open(const char *path, struct fdx_err *err);
void fdx_dead_letter_close(struct fdx_dead_letter *d);
int fdx_dead_letter_reopen(struct fdx_dead_letter *d);

struct fdx_dead_letter_entry {
    const char *index;
    const char *id;     /* "" when Elasticsearch generated ids */
    int status;
    const char *type;   /* error.type, may be NULL */
    const char *reason; /* error.reason, may be NULL */
    const char *doc;    /* the document (JSON), len bytes */
    size_t len;
};

/* Appends one line. Returns 0 or a negative errno. */
int fdx_dead_letter_write(struct fdx_dead_letter *d, const struct fdx_dead_letter_entry *e);

#endif
