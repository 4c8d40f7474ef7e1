/* Configuration key tables (one per module): name, type, default, bounds and a doc line.
 * fdx_cfg_apply() fills a module's conf struct from a JSON object, rejecting unknown keys,
 * wrong types and out-of-range values with an error that names the key, the bad value and
 * what is expected. docs/configuration.md is checked against these tables by a test.
 * Control path only (json-c); never used per record. */
#ifndef FDX_CFG_H
#define FDX_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct json_object;

enum fdx_cfg_type {
    FDX_CFG_STRING,   /* char * (owned by the conf; freed by fdx_cfg_release) */
    FDX_CFG_PATH,     /* char *, a file or directory path */
    FDX_CFG_UINT,     /* uint64_t, within [min, max] */
    FDX_CFG_BOOL,     /* bool */
    FDX_CFG_ENUM,     /* int: index into choices[] */
    FDX_CFG_DURATION, /* uint64_t milliseconds; number = seconds, or "250ms", "10s", "5m", "1h", "7d" */
    FDX_CFG_BYTES,    /* uint64_t bytes; number, or "64KiB", "16MiB", "1GiB" */
    FDX_CFG_DOUBLE,   /* double */
    FDX_CFG_STRLIST,  /* struct fdx_strlist; a string is taken as a one-element list */
    FDX_CFG_JSON,     /* struct json_object * (a reference; released by fdx_cfg_release) */
};

struct fdx_strlist {
    char **v;
    size_t n;
};

struct fdx_cfg_key {
    const char *name;
    enum fdx_cfg_type type;
    const char *def;    /* default as JSON text ("10", "\"ecs\"", "true"); NULL = required */
    size_t offset;      /* offsetof(conf struct, field) */
    uint64_t min, max;  /* UINT, DURATION, BYTES bounds (max 0 = no upper bound) */
    const char *const *choices; /* ENUM: NULL-terminated */
    const char *doc;    /* one line for docs/configuration.md and --help */
};

#define FDX_CFG_END {NULL, 0, NULL, 0, 0, 0, NULL, NULL}

/* Applies defaults, then the keys of obj (which may be NULL: defaults only). path names the
 * object in messages ("stages[1]"). Returns 0, or -EINVAL with err filled; on failure conf
 * may hold partial values and must still be given to fdx_cfg_release(). Keys listed in
 * ignore (NULL-terminated, may be NULL) are skipped (such as "type"). */
int fdx_cfg_apply(const struct fdx_cfg_key *keys, void *conf, struct json_object *obj,
                  const char *path, const char *const *ignore, struct fdx_err *err);

/* Frees what fdx_cfg_apply() allocated in conf (strings, lists, JSON references). */
void fdx_cfg_release(const struct fdx_cfg_key *keys, void *conf);

/* Writes conf as a JSON object of its effective values (check-config). */
void fdx_cfg_print(const struct fdx_cfg_key *keys, const void *conf, struct fdx_buf *out,
                   int indent);

/* Text parsers shared with the command line. Return 0 or -EINVAL. */
int fdx_cfg_parse_duration(const char *text, uint64_t *ms);
int fdx_cfg_parse_bytes(const char *text, uint64_t *bytes);

#endif
