/* Hand-rolled JSON writer for the hot path (json-c stays off it). Keys may be dotted paths
 * ("source.geo.location"): the writer opens and closes the nested objects as the path changes,
 * so a schema table emits nested ECS documents field by field. Fields that share a parent
 * must be written consecutively (the schema tables are ordered that way). The caller reserves
 * nothing: every call grows the buffer within its bound and records -ENOSPC in err.
 *
 * Precompiled keys (struct fdx_jw_key, the fdx_jwk_* calls) are the fast path for names known
 * at compile time: the member name is a pre-rendered fragment copied in one memcpy, and the
 * nesting check is one pointer comparison with the key's parent object. Both kinds of key may
 * be mixed in one document (a dynamic "netflow.<name>" after precompiled netflow.* keys): the
 * output is exactly what the dotted path of the precompiled key would give. */
#ifndef FDX_JSON_WRITER_H
#define FDX_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "buf.h"

#define FDX_JW_DEPTH    8
#define FDX_JW_PATH_MAX 128

/* A JSON object of a schema: its dotted path with a trailing dot ("source.geo."); the
 * document itself is fdx_jw_root (path ""). Its opening ,"name":{ is pre-rendered like a
 * key's name (frag_len 0 for the root, which is never opened). */
#define FDX_JW_OBJ_FRAG_MAX 32
struct fdx_jw_obj {
    const struct fdx_jw_obj *parent; /* NULL for fdx_jw_root */
    const char *path;
    uint8_t path_len;
    uint8_t frag_len; /* of frag */
    char frag[FDX_JW_OBJ_FRAG_MAX];
};

/* A member name of a schema object, pre-rendered with its separator: ",\"name\":". The
 * fragment is stored in a fixed array so that the writer copies it with one fixed-size move:
 * names of at most FDX_JW_FRAG_MAX - 5 characters (the key table's test checks it). */
#define FDX_JW_FRAG_MAX 48
struct fdx_jw_key {
    const struct fdx_jw_obj *parent;
    char frag[FDX_JW_FRAG_MAX];
    uint8_t len; /* of frag */
};

/* name_: the last segment of path_ (the key table's test checks it). */
#define FDX_JW_OBJ_INIT(parent_, path_, name_)                                                     \
    {                                                                                              \
        (parent_), path_, (uint8_t)(sizeof(path_) - 1),                                            \
            (uint8_t)(sizeof(",\"" name_ "\":{") - 1), ",\"" name_ "\":{"                          \
    }
#define FDX_JW_KEY_INIT(parent_, name_)                                                            \
    {                                                                                              \
        (parent_), ",\"" name_ "\":", (uint8_t)(sizeof(",\"" name_ "\":") - 1)                     \
    }

extern const struct fdx_jw_obj fdx_jw_root;

struct fdx_jw {
    struct fdx_buf *b;
    /* b->cap while no error, 0 after one: the fast paths test only this bound (the error and
     * the room in one comparison); the slow paths keep it equal to b->cap. */
    size_t fast_cap;
    const struct fdx_jw_obj *cur; /* obj[depth] */
    int err;                      /* first error (negative errno); 0 while all appends succeeded */
    unsigned depth;               /* open objects below the root */
    bool first; /* no member written yet in the open object (every ancestor has one: the open
                 * child's name) */
    /* The open objects' path as text, each name followed by '.' ("source.geo."), copied so
     * that keys may live in temporary buffers; seg_end[d] is where depth d's name ends. */
    char open[FDX_JW_PATH_MAX];
    bool open_stale; /* open[] not written since schema objects were opened: it is the path of
                      * obj[depth] (every open object is then a schema object) */
    size_t open_len;
    uint8_t seg_end[FDX_JW_DEPTH];
    /* The schema object open at each depth, NULL when a dotted key opened it (the next
     * precompiled key then compares paths once). */
    const struct fdx_jw_obj *obj[FDX_JW_DEPTH + 1];
};

/* Starts a document: "{". */
void fdx_jw_begin(struct fdx_jw *w, struct fdx_buf *b);
/* Closes every open object and the document; returns w->err. */
int fdx_jw_end(struct fdx_jw *w);

void fdx_jw_str(struct fdx_jw *w, const char *key, const char *s, size_t len);
void fdx_jw_cstr(struct fdx_jw *w, const char *key, const char *s);
void fdx_jw_u64(struct fdx_jw *w, const char *key, uint64_t v);
void fdx_jw_i64(struct fdx_jw *w, const char *key, int64_t v);
void fdx_jw_f64(struct fdx_jw *w, const char *key, double v);
void fdx_jw_bool(struct fdx_jw *w, const char *key, bool v);
void fdx_jw_ip(struct fdx_jw *w, const char *key, const struct fdx_addr *a);
void fdx_jw_mac(struct fdx_jw *w, const char *key, const uint8_t mac[6]);
/* RFC 3339 UTC with milliseconds: "2026-11-23T14:55:26.123Z". */
void fdx_jw_time(struct fdx_jw *w, const char *key, int64_t epoch_ms);
/* Hex string of bytes ("0a1b…"), for opaque IEs. */
void fdx_jw_hex(struct fdx_jw *w, const char *key, const uint8_t *p, size_t len);
/* A geo_point {"lat": …, "lon": …}. */
void fdx_jw_geo(struct fdx_jw *w, const char *key, double lat, double lon);
/* Array of unsigned integers. */
void fdx_jw_u64_array(struct fdx_jw *w, const char *key, const uint64_t *v, size_t n);
/* Raw JSON text as the value (must be valid JSON). */
void fdx_jw_raw(struct fdx_jw *w, const char *key, const char *json, size_t len);

/* Records that the caller wrote the opening of schema object o, a child of the open
 * object, and at least one member of it as raw text (after a precompiled key's raw value):
 * o is now the open object. */
void fdx_jw_opened(struct fdx_jw *w, const struct fdx_jw_obj *o);

/* The same writers with a precompiled key (the frequent ones are inline, json_writer_fast.h). */
void fdx_jwk_str(struct fdx_jw *w, const struct fdx_jw_key *k, const char *s, size_t len);
void fdx_jwk_cstr(struct fdx_jw *w, const struct fdx_jw_key *k, const char *s);
void fdx_jwk_f64(struct fdx_jw *w, const struct fdx_jw_key *k, double v);
void fdx_jwk_geo(struct fdx_jw *w, const struct fdx_jw_key *k, double lat, double lon);
void fdx_jwk_u64_array(struct fdx_jw *w, const struct fdx_jw_key *k, const uint64_t *v, size_t n);

/* Formatting helpers without stdio (the encoder's hot path). Each writes into out and
 * returns the length; no terminating NUL. */
size_t fdx_fmt_u64(char *out, uint64_t v); /* out: 20 bytes */
/* IPv4 or IPv6 text as fdx_addr_format writes it (dotted quad for IPv4 without a call to the
 * generic formatter). out: FDX_ADDR_STRLEN bytes. */
size_t fdx_fmt_addr(char *out, const struct fdx_addr *a);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" (sep 'T', utc_z true) or "YYYY-MM-DD HH:MM:SS" + frac digits of
 * the milliseconds padded to frac_digits (3 or 6). out: 32 bytes. The date and time of the
 * last few seconds formatted are cached per thread (records of a batch share them). */
size_t fdx_fmt_datetime(char *out, int64_t epoch_ms, char sep, int frac_digits, bool utc_z);
/* fdx_fmt_datetime(out, epoch_ms, 'T', 3, true): 24 bytes. */
size_t fdx_fmt_rfc3339(char *out, int64_t epoch_ms);

/* Appends s as a JSON string body (no quotes), escaping as RFC 8259 requires. */
void fdx_json_escape(struct fdx_buf *b, const char *s, size_t len, int *err);

#include "json_writer_fast.h"

#endif
