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
    /* error.type and error.reason as JSON string contents, already escaped (as they came in
     * Elasticsearch's answer); NULL when absent. */
    const char *type;
    size_t type_len;
    const char *reason;
    size_t reason_len;
    const char *doc;    /* the document (JSON), len bytes */
    size_t len;
};

/* Appends one line. Returns 0 or a negative errno. */
int fdx_dead_letter_write(struct fdx_dead_letter *d, const struct fdx_dead_letter_entry *e);

#endif
