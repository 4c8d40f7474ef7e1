/* Thin wrappers over libmaxminddb for the lookup stages: open with a message, look up a
 * flowdex address (IPv4 with an AF_INET sockaddr, as the library expects), copy strings
 * into the worker's intern table (library pointers die with MMDB_close). */
#ifndef FDX_MMDB_LOOKUP_H
#define FDX_MMDB_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>

#include <maxminddb.h>

#include "addr.h"
#include "err.h"

struct fdx_intern;

/* Opens path into db; returns 0 or -EINVAL/-ENOENT with err naming the stage and file. */
int fdx_mmdb_open(MMDB_s *db, const char *stage, const char *path, struct fdx_err *err);

/* Looks a up; true with *entry set when the database has a record for it. *prefix (found
 * or not) is the prefix length, in a's own family, of the network around a for which the
 * database gives this same answer (never longer than the truth: 128 or 32 when unsure). */
bool fdx_mmdb_find(MMDB_s *db, const struct fdx_addr *a, MMDB_entry_s *entry, unsigned *prefix);

/* Intern id of the UTF-8 string at path (NULL-terminated list of keys), or 0. */
uint32_t fdx_mmdb_str(MMDB_entry_s *e, struct fdx_intern *strings, const char *const *path);
/* Numeric value at path as a double (double, float, or unsigned); false when absent. */
bool fdx_mmdb_num(MMDB_entry_s *e, const char *const *path, double *out);

/* Splits "a/b/0/c" into a NULL-terminated array of keys (at most max-1); the returned
 * strings point into buf, which is modified. Returns the number of keys. */
unsigned fdx_mmdb_split_path(char *buf, const char **keys, unsigned max);

#endif
