/* JSON writer: dotted-path and precompiled keys to nested objects, escaping, numbers,
 * addresses, times. Every member is written in place: the key step makes room for the name
 * and the value's upper bound once, and the value is formatted straight into the buffer. */
#include "json_writer.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const struct fdx_jw_obj fdx_jw_root = {NULL, "", 0, 0, ""};

/* Room for n more bytes at the end of the buffer, or NULL after an error (the first one is
 * kept; the fast bound then fails every check). */
static inline char *room(struct fdx_jw *w, size_t n)
{
    struct fdx_buf *b = w->b;
    if (FDX_UNLIKELY(b->len + n > w->fast_cap)) {
        if (w->err == 0) {
            w->err = fdx_buf_reserve(b, n);
        }
        if (w->err != 0) {
            w->fast_cap = 0;
            return NULL;
        }
        w->fast_cap = b->cap;
    }
    return b->p + b->len;
}

static inline void put(struct fdx_jw *w, const char *s, size_t n)
{
    char *p = room(w, n);
    if (p != NULL) {
        memcpy(p, s, n);
        w->b->len += n;
    }
}

#define done fdx_jw_done

const char fdx_jw_digits2[201] = "00010203040506070809"
                                 "10111213141516171819"
                                 "20212223242526272829"
                                 "30313233343536373839"
                                 "40414243444546474849"
                                 "50515253545556575859"
                                 "60616263646566676869"
                                 "70717273747576777879"
                                 "80818283848586878889"
                                 "90919293949596979899";

size_t fdx_fmt_u64(char *out, uint64_t v)
{
    return fdx_jw_put_u64(out, v);
}

#define HEX_DASH_ROW(h)                                                                            \
    {h, '0', '-'}, {h, '1', '-'}, {h, '2', '-'}, {h, '3', '-'}, {h, '4', '-'}, {h, '5', '-'},      \
        {h, '6', '-'}, {h, '7', '-'}, {h, '8', '-'}, {h, '9', '-'}, {h, 'A', '-'}, {h, 'B', '-'},  \
        {h, 'C', '-'}, {h, 'D', '-'}, {h, 'E', '-'}, {h, 'F', '-'}
const char fdx_jw_hex_dash[256][4] = {
    HEX_DASH_ROW('0'), HEX_DASH_ROW('1'), HEX_DASH_ROW('2'), HEX_DASH_ROW('3'),
    HEX_DASH_ROW('4'), HEX_DASH_ROW('5'), HEX_DASH_ROW('6'), HEX_DASH_ROW('7'),
    HEX_DASH_ROW('8'), HEX_DASH_ROW('9'), HEX_DASH_ROW('A'), HEX_DASH_ROW('B'),
    HEX_DASH_ROW('C'), HEX_DASH_ROW('D'), HEX_DASH_ROW('E'), HEX_DASH_ROW('F'),
};

/* Decimal text of each byte value followed by '.' (the unused bytes are NUL). */
const char fdx_jw_octet_text[256][5] = {
    "0.",   "1.",   "2.",   "3.",   "4.",   "5.",   "6.",   "7.",   "8.",   "9.",   "10.",  "11.",
    "12.",  "13.",  "14.",  "15.",  "16.",  "17.",  "18.",  "19.",  "20.",  "21.",  "22.",  "23.",
    "24.",  "25.",  "26.",  "27.",  "28.",  "29.",  "30.",  "31.",  "32.",  "33.",  "34.",  "35.",
    "36.",  "37.",  "38.",  "39.",  "40.",  "41.",  "42.",  "43.",  "44.",  "45.",  "46.",  "47.",
    "48.",  "49.",  "50.",  "51.",  "52.",  "53.",  "54.",  "55.",  "56.",  "57.",  "58.",  "59.",
    "60.",  "61.",  "62.",  "63.",  "64.",  "65.",  "66.",  "67.",  "68.",  "69.",  "70.",  "71.",
    "72.",  "73.",  "74.",  "75.",  "76.",  "77.",  "78.",  "79.",  "80.",  "81.",  "82.",  "83.",
    "84.",  "85.",  "86.",  "87.",  "88.",  "89.",  "90.",  "91.",  "92.",  "93.",  "94.",  "95.",
    "96.",  "97.",  "98.",  "99.",  "100.", "101.", "102.", "103.", "104.", "105.", "106.", "107.",
    "108.", "109.", "110.", "111.", "112.", "113.", "114.", "115.", "116.", "117.", "118.", "119.",
    "120.", "121.", "122.", "123.", "124.", "125.", "126.", "127.", "128.", "129.", "130.", "131.",
    "132.", "133.", "134.", "135.", "136.", "137.", "138.", "139.", "140.", "141.", "142.", "143.",
    "144.", "145.", "146.", "147.", "148.", "149.", "150.", "151.", "152.", "153.", "154.", "155.",
    "156.", "157.", "158.", "159.", "160.", "161.", "162.", "163.", "164.", "165.", "166.", "167.",
    "168.", "169.", "170.", "171.", "172.", "173.", "174.", "175.", "176.", "177.", "178.", "179.",
    "180.", "181.", "182.", "183.", "184.", "185.", "186.", "187.", "188.", "189.", "190.", "191.",
    "192.", "193.", "194.", "195.", "196.", "197.", "198.", "199.", "200.", "201.", "202.", "203.",
    "204.", "205.", "206.", "207.", "208.", "209.", "210.", "211.", "212.", "213.", "214.", "215.",
    "216.", "217.", "218.", "219.", "220.", "221.", "222.", "223.", "224.", "225.", "226.", "227.",
    "228.", "229.", "230.", "231.", "232.", "233.", "234.", "235.", "236.", "237.", "238.", "239.",
    "240.", "241.", "242.", "243.", "244.", "245.", "246.", "247.", "248.", "249.", "250.", "251.",
    "252.", "253.", "254.", "255.",
};

size_t fdx_fmt_addr(char *out, const struct fdx_addr *a)
{
    return fdx_jw_put_ip(out, a);
}

static void put2(char *p, unsigned v)
{
    memcpy(p, fdx_jw_digits2 + 2 * v, 2);
}

/* Civil date from days since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm), so
 * documents need neither gmtime_r nor snprintf. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

/* "YYYY-MM-DD?HH:MM:SS" of a second. */
static void fmt_second(char *p, int64_t secs, char sep)
{
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999; /* outside what RFC 3339 and Elasticsearch dates hold */
    }
    put2(p, (unsigned)y / 100);
    put2(p + 2, (unsigned)y % 100);
    p[4] = '-';
    put2(p + 5, m);
    p[7] = '-';
    put2(p + 8, d);
    p[10] = sep;
    put2(p + 11, (unsigned)(rem / 3600));
    p[13] = ':';
    put2(p + 14, (unsigned)(rem / 60 % 60));
    p[16] = ':';
    put2(p + 17, (unsigned)(rem % 60));
}

/* The last seconds formatted on this thread, direct-mapped by the second: a record's start,
 * end, export and receive times are a few consecutive seconds, shared by its batch. */
#define SECOND_CACHE 8
static _Thread_local struct {
    int64_t secs;
    char sep; /* 0: empty */
    char text[19];
} second_cache[SECOND_CACHE];

/* Out of line: the cache hit needs no frame. */
__attribute__((noinline)) static void second_miss(unsigned slot, int64_t secs, char sep)
{
    fmt_second(second_cache[slot].text, secs, sep);
    second_cache[slot].secs = secs;
    second_cache[slot].sep = sep;
}

/* "YYYY-MM-DD?HH:MM:SS" of the second of epoch_ms, from the cache; *ms gets the rest. */
static inline const char *second_text(int64_t epoch_ms, char sep, unsigned *ms)
{
    int64_t secs = epoch_ms / 1000;
    int64_t rem = epoch_ms % 1000;
    if (rem < 0) {
        rem += 1000;
        secs -= 1;
    }
    *ms = (unsigned)rem;
    unsigned slot = (unsigned)((uint64_t)secs % SECOND_CACHE);
    if (FDX_UNLIKELY(second_cache[slot].secs != secs || second_cache[slot].sep != sep)) {
        second_miss(slot, secs, sep);
    }
    return second_cache[slot].text;
}

size_t fdx_fmt_datetime(char *out, int64_t epoch_ms, char sep, int frac_digits, bool utc_z)
{
    unsigned ms;
    char *p = out;
    memcpy(p, second_text(epoch_ms, sep, &ms), 19);
    p[19] = '.';
    p[20] = (char)('0' + ms / 100);
    put2(p + 21, ms % 100);
    size_t n = 23;
    if (frac_digits == 6) {
        memcpy(p + n, "000", 3); /* microseconds: fixed size, no call */
        n += 3;
    }
    for (int i = (int)n - 20; i < frac_digits; i++) {
        p[n++] = '0';
    }
    if (utc_z) {
        p[n++] = 'Z';
    }
    return n;
}

size_t fdx_fmt_rfc3339(char *out, int64_t epoch_ms)
{
    unsigned ms;
    memcpy(out, second_text(epoch_ms, 'T', &ms), 19);
    out[19] = '.';
    out[20] = (char)('0' + ms / 100);
    put2(out + 21, ms % 100);
    out[23] = 'Z';
    return 24;
}

/* 1 for the bytes a JSON string cannot hold as they are. */
static const uint8_t needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* control characters */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ['"'] = 1, ['\\'] = 1,
};

/* Escaped body of s at out (room for len * 6 bytes); returns the end. */
static char *escape_to(char *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    while (i < len) {
        size_t run = i;
        while (run < len && !needs_escape[(unsigned char)s[run]]) {
            run++;
        }
        memcpy(out, s + i, run - i);
        out += run - i;
        if (run == len) {
            break;
        }
        unsigned char c = (unsigned char)s[run];
        *out++ = '\\';
        switch (c) {
        case '"':
        case '\\':
            *out++ = (char)c;
            break;
        case '\n':
            *out++ = 'n';
            break;
        case '\r':
            *out++ = 'r';
            break;
        case '\t':
            *out++ = 't';
            break;
        default:
            memcpy(out, "u00", 3);
            out[3] = hex[c >> 4];
            out[4] = hex[c & 15];
            out += 5;
        }
        i = run + 1;
    }
    return out;
}

void fdx_json_escape(struct fdx_buf *b, const char *s, size_t len, int *err)
{
    /* Worst case every byte becomes \u00XX. */
    int rc = fdx_buf_reserve(b, len * 6);
    if (rc != 0) {
        if (*err == 0) {
            *err = rc;
        }
        return;
    }
    b->len = (size_t)(escape_to(b->p + b->len, s, len) - b->p);
}

void fdx_jw_begin(struct fdx_jw *w, struct fdx_buf *b)
{
    w->b = b;
    w->fast_cap = b->cap;
    w->err = 0;
    w->depth = 0;
    w->first = true;
    w->open_len = 0;
    w->open_stale = false;
    w->obj[0] = &fdx_jw_root;
    w->cur = &fdx_jw_root;
    put(w, "{", 1);
}

static void close_to(struct fdx_jw *w, unsigned depth)
{
    if (w->depth > depth) {
        unsigned n = w->depth - depth;
        struct fdx_buf *b = w->b;
        if (FDX_LIKELY(b->len + FDX_JW_DEPTH <= w->fast_cap)) {
            memset(b->p + b->len, '}', FDX_JW_DEPTH); /* fixed size; the rest is overwritten */
            b->len += n;
            w->depth = depth;
        }
        while (w->depth > depth) { /* one at a time near the bound, as far as they fit */
            put(w, "}", 1);
            w->depth--;
        }
        w->first = false; /* the parent holds the closed object */
        w->cur = w->obj[depth];
    }
    w->open_len = depth > 0 ? w->seg_end[depth - 1] : 0;
}

int fdx_jw_end(struct fdx_jw *w)
{
    struct fdx_buf *b = w->b;
    if (FDX_LIKELY(b->len + FDX_JW_DEPTH + 1 <= w->fast_cap)) {
        /* Every open object and the document: one fixed-size write. */
        memset(b->p + b->len, '}', FDX_JW_DEPTH + 1);
        b->len += w->depth + 1;
        w->depth = 0;
        return 0;
    }
    close_to(w, 0);
    put(w, "}", 1);
    return w->err;
}

/* ,"name": of a member of the open object. */
static void member_name(struct fdx_jw *w, const char *name, size_t len)
{
    char *p = room(w, len + 4);
    if (p == NULL) {
        return;
    }
    if (!w->first) {
        *p++ = ',';
    }
    w->first = false;
    *p++ = '"';
    memcpy(p, name, len);
    p += len;
    *p++ = '"';
    *p++ = ':';
    done(w, p);
}

/* Writes the open path's text when schema objects were opened since it was last needed. */
static inline void sync_open(struct fdx_jw *w)
{
    if (w->open_stale) {
        memcpy(w->open, w->obj[w->depth]->path, w->open_len);
        w->open_stale = false;
    }
}

/* Makes path[0..parent_len) ("source.geo.") the open path, closing and opening objects. */
static void open_parent(struct fdx_jw *w, const char *k, size_t parent_len)
{
    sync_open(w);
    unsigned common = 0;
    while (common < w->depth && w->seg_end[common] <= parent_len &&
           memcmp(k, w->open, w->seg_end[common]) == 0) {
        common++;
    }
    close_to(w, common);
    FDX_ASSERT(parent_len < FDX_JW_PATH_MAX);
    for (size_t at = w->open_len; at < parent_len;) {
        const char *dot = memchr(k + at, '.', parent_len - at);
        size_t len = (size_t)(dot - (k + at));
        FDX_ASSERT(w->depth < FDX_JW_DEPTH);
        member_name(w, k + at, len);
        put(w, "{", 1);
        memcpy(w->open + at, k + at, len + 1);
        at += len + 1;
        w->seg_end[w->depth++] = (uint8_t)at;
        w->first = true;
        w->obj[w->depth] = NULL;
        w->cur = NULL;
    }
    w->open_len = parent_len;
}

/* Makes the parent path of key the open one, writes the last segment's name and makes room
 * for vmax bytes of value. Keys are flowdex's own (schema tables, registry names): plain
 * ASCII without quotes, at most FDX_JW_DEPTH levels. Returns where the value goes, or NULL
 * after an error. */
static char *key(struct fdx_jw *w, const char *k, size_t vmax)
{
    const char *last_dot = strrchr(k, '.');
    size_t parent_len = last_dot != NULL ? (size_t)(last_dot - k) + 1 : 0;
    sync_open(w);
    if (parent_len != w->open_len || memcmp(k, w->open, parent_len) != 0) {
        open_parent(w, k, parent_len);
    }
    member_name(w, k + parent_len, strlen(k + parent_len));
    return room(w, vmax);
}

/* Opens schema object o, a child of the open object: its ,"name":{ in one step. The open
 * path's text is written only when a dotted key needs it (sync_open). */
static void open_child(struct fdx_jw *w, const struct fdx_jw_obj *o)
{
    FDX_ASSERT(w->depth < FDX_JW_DEPTH && o->path_len < FDX_JW_PATH_MAX);
    size_t skip = w->first; /* no ',' before the first member */
    struct fdx_buf *b = w->b;
    if (FDX_LIKELY(b->len + FDX_JW_OBJ_FRAG_MAX <= w->fast_cap)) {
        memcpy(b->p + b->len, o->frag + skip, FDX_JW_OBJ_FRAG_MAX - 1); /* fixed size */
    } else {
        char *p = room(w, o->frag_len); /* the whole fragment, as a dotted key would */
        if (p == NULL) {
            return;
        }
        memcpy(p, o->frag + skip, o->frag_len - skip);
    }
    b->len += o->frag_len - skip;
    w->seg_end[w->depth++] = o->path_len;
    w->first = true;
    w->obj[w->depth] = o;
    w->cur = o;
    w->open_len = o->path_len;
    w->open_stale = true;
}

/* Makes o the open object when a dotted key opened one of the open levels: compared by
 * path, then the levels are known as o's chain. */
static void enter_by_path(struct fdx_jw *w, const struct fdx_jw_obj *o)
{
    sync_open(w);
    if (o->path_len != w->open_len || memcmp(o->path, w->open, o->path_len) != 0) {
        open_parent(w, o->path, o->path_len);
    }
    unsigned d = w->depth;
    for (const struct fdx_jw_obj *p = o; p != NULL && d > 0; p = p->parent) {
        w->obj[d--] = p;
    }
    w->cur = w->obj[w->depth];
}

/* Makes o the open object: close up to the deepest common ancestor, open the rest. Objects
 * a dotted key opened are compared by path. */
__attribute__((noinline)) static void enter_general(struct fdx_jw *w,
                                                    const struct fdx_jw_obj *o)
{
    const struct fdx_jw_obj *chain[FDX_JW_DEPTH + 1];
    unsigned n = 0; /* chain[n - 1] = o, chain[0] = a child of the root */
    for (const struct fdx_jw_obj *p = o; p->parent != NULL && n <= FDX_JW_DEPTH; p = p->parent) {
        chain[n++] = p;
    }
    unsigned common = 0; /* open levels 1..common are chain's first objects */
    while (common < w->depth && common < n && w->obj[common + 1] == chain[n - 1 - common]) {
        common++;
    }
    if (common < w->depth && w->obj[common + 1] == NULL) {
        enter_by_path(w, o);
        return;
    }
    close_to(w, common);
    for (unsigned i = common; i < n; i++) {
        open_child(w, chain[n - 1 - i]);
    }
}

/* Closes up levels and opens schema object o in one write: }},"name":{ (room checked). */
static void move_to_child(struct fdx_jw *w, unsigned up, const struct fdx_jw_obj *o)
{
    struct fdx_buf *b = w->b;
    char *p = b->p + b->len;
    memcpy(p, "}}", 2); /* fixed size: up is 0, 1 or 2 */
    p += up;
    size_t skip = up == 0 && w->first; /* a closed object was a member */
    memcpy(p, o->frag + skip, FDX_JW_OBJ_FRAG_MAX - 1);
    b->len = (size_t)(p - b->p) + o->frag_len - skip;
    unsigned d = w->depth - up;
    w->seg_end[d++] = o->path_len;
    w->depth = d;
    w->first = true;
    w->obj[d] = o;
    w->cur = o;
    w->open_len = o->path_len;
    w->open_stale = true;
}

/* Makes o the open object. The moves a schema table makes (into a child, to a sibling or an
 * uncle, back to the parent) are pointer comparisons and one write when the open object is a
 * schema object (then so are its ancestors: a dotted key opens objects only above the schema
 * objects); anything else, or too little room, takes the general way. */
void fdx_jw_enter(struct fdx_jw *w, const struct fdx_jw_obj *o)
{
    const struct fdx_jw_obj *cur = w->cur;
    unsigned d = w->depth;
    if (cur != NULL && d >= 1 && o == w->obj[d - 1]) {
        close_to(w, d - 1);
        return;
    }
    bool room = w->b->len + 2 + FDX_JW_OBJ_FRAG_MAX <= w->fast_cap;
    if (cur != NULL && o->parent != NULL && room && d < FDX_JW_DEPTH &&
        o->path_len < FDX_JW_PATH_MAX) {
        if (o->parent == cur) {
            move_to_child(w, 0, o);
            return;
        }
        if (d >= 1 && o->parent == w->obj[d - 1]) {
            move_to_child(w, 1, o);
            return;
        }
        if (d >= 2 && o->parent == w->obj[d - 2]) {
            move_to_child(w, 2, o);
            return;
        }
    }
    enter_general(w, o);
}

void fdx_jw_opened(struct fdx_jw *w, const struct fdx_jw_obj *o)
{
    if (w->err != 0) {
        return; /* the raw text was not written (the document fails) */
    }
    FDX_ASSERT(o->parent == w->cur && w->depth < FDX_JW_DEPTH);
    w->seg_end[w->depth++] = o->path_len;
    w->first = false;
    w->obj[w->depth] = o;
    w->cur = o;
    w->open_len = o->path_len;
    w->open_stale = true;
}

/* The key step when the fast bound fails: room for the name and vmax bytes of value in one
 * reservation, which fails exactly where the dotted key would. */
char *fdx_jw_kkey_slow(struct fdx_jw *w, const struct fdx_jw_key *k, size_t vmax)
{
    size_t skip = w->first; /* no ',' before the first member */
    size_t n = k->len - skip;
    char *p = room(w, n + vmax);
    if (p == NULL) {
        return NULL;
    }
    w->first = false;
    memcpy(p, k->frag + skip, n);
    return p + n;
}

#define kkey fdx_jw_kkey

/* Value writers: each writes at p (room for its bound) and returns the end. */

#define STR_MAX(len) ((len)*6 + 2)
static inline char *v_str(char *p, const char *s, size_t len)
{
    *p++ = '"';
    p = escape_to(p, s, len);
    *p++ = '"';
    return p;
}

#define I64_MAX 21
static char *v_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return p + fdx_jw_put_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return p + fdx_jw_put_u64(p, (uint64_t)v);
}

#define F64_MAX 32
static char *v_f64(char *p, double v)
{
    int n = snprintf(p, F64_MAX, "%.10g", v);
    return p + n;
}

#define IP_MAX (FDX_ADDR_STRLEN + 2)
static inline char *v_ip(char *p, const struct fdx_addr *a)
{
    *p++ = '"';
    p += fdx_fmt_addr(p, a);
    *p++ = '"';
    return p;
}

#define MAC_MAX 19
static char *v_mac(char *p, const uint8_t mac[6])
{
    static const char hex[] = "0123456789ABCDEF";
    /* ECS writes MAC addresses upper-case, dash-separated (RFC 7042 notation). */
    *p++ = '"';
    for (int i = 0; i < 6; i++) {
        if (i) {
            *p++ = '-';
        }
        *p++ = hex[mac[i] >> 4];
        *p++ = hex[mac[i] & 15];
    }
    *p++ = '"';
    return p;
}

#define TIME_MAX 34
static inline char *v_time(char *p, int64_t epoch_ms)
{
    *p++ = '"';
    p += fdx_fmt_rfc3339(p, epoch_ms);
    *p++ = '"';
    return p;
}

#define GEO_MAX 64
static char *v_geo(char *p, double lat, double lon)
{
    int n = snprintf(p, GEO_MAX, "{\"lat\":%.10g,\"lon\":%.10g}", lat, lon);
    return p + n;
}

#define U64_ARRAY_MAX(n) ((n)*21 + 2)
static char *v_u64_array(char *p, const uint64_t *v, size_t n)
{
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        if (i) {
            *p++ = ',';
        }
        p += fdx_jw_put_u64(p, v[i]);
    }
    *p++ = ']';
    return p;
}

#define HEX_MAX(len) ((len)*2 + 2)
static char *v_hex(char *p, const uint8_t *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    *p++ = '"';
    for (size_t i = 0; i < len; i++) {
        *p++ = hex[s[i] >> 4];
        *p++ = hex[s[i] & 15];
    }
    *p++ = '"';
    return p;
}

static char *v_raw(char *p, const char *json, size_t len)
{
    memcpy(p, json, len);
    return p + len;
}

/* Each writer for both kinds of key: K is the key step (key or kkey). */
#define WRITE(K, w, k, vmax, value_call)                                                           \
    do {                                                                                           \
        char *p_ = K(w, k, vmax);                                                                  \
        if (p_ != NULL) {                                                                          \
            char *p = p_;                                                                          \
            done(w, value_call);                                                                   \
        }                                                                                          \
    } while (0)

void fdx_jw_str(struct fdx_jw *w, const char *k, const char *s, size_t len)
{
    WRITE(key, w, k, STR_MAX(len), v_str(p, s, len));
}

void fdx_jwk_str(struct fdx_jw *w, const struct fdx_jw_key *k, const char *s, size_t len)
{
    WRITE(kkey, w, k, STR_MAX(len), v_str(p, s, len));
}


void fdx_jw_cstr(struct fdx_jw *w, const char *k, const char *s)
{
    fdx_jw_str(w, k, s, strlen(s));
}

void fdx_jwk_cstr(struct fdx_jw *w, const struct fdx_jw_key *k, const char *s)
{
    fdx_jwk_str(w, k, s, strlen(s));
}

void fdx_jw_u64(struct fdx_jw *w, const char *k, uint64_t v)
{
    WRITE(key, w, k, 20, p + fdx_jw_put_u64(p, v));
}


void fdx_jw_i64(struct fdx_jw *w, const char *k, int64_t v)
{
    WRITE(key, w, k, I64_MAX, v_i64(p, v));
}


void fdx_jw_f64(struct fdx_jw *w, const char *k, double v)
{
    WRITE(key, w, k, F64_MAX, v_f64(p, v));
}

void fdx_jwk_f64(struct fdx_jw *w, const struct fdx_jw_key *k, double v)
{
    WRITE(kkey, w, k, F64_MAX, v_f64(p, v));
}

void fdx_jw_bool(struct fdx_jw *w, const char *k, bool v)
{
    WRITE(key, w, k, 5, v_raw(p, v ? "true" : "false", v ? 4 : 5));
}


void fdx_jw_ip(struct fdx_jw *w, const char *k, const struct fdx_addr *a)
{
    WRITE(key, w, k, IP_MAX, v_ip(p, a));
}


void fdx_jw_mac(struct fdx_jw *w, const char *k, const uint8_t mac[6])
{
    WRITE(key, w, k, MAC_MAX, v_mac(p, mac));
}


void fdx_jw_time(struct fdx_jw *w, const char *k, int64_t epoch_ms)
{
    WRITE(key, w, k, TIME_MAX, v_time(p, epoch_ms));
}


void fdx_jw_hex(struct fdx_jw *w, const char *k, const uint8_t *s, size_t len)
{
    WRITE(key, w, k, HEX_MAX(len), v_hex(p, s, len));
}

void fdx_jw_geo(struct fdx_jw *w, const char *k, double lat, double lon)
{
    WRITE(key, w, k, GEO_MAX, v_geo(p, lat, lon));
}

void fdx_jwk_geo(struct fdx_jw *w, const struct fdx_jw_key *k, double lat, double lon)
{
    WRITE(kkey, w, k, GEO_MAX, v_geo(p, lat, lon));
}

void fdx_jw_u64_array(struct fdx_jw *w, const char *k, const uint64_t *v, size_t n)
{
    WRITE(key, w, k, U64_ARRAY_MAX(n), v_u64_array(p, v, n));
}

void fdx_jwk_u64_array(struct fdx_jw *w, const struct fdx_jw_key *k, const uint64_t *v, size_t n)
{
    WRITE(kkey, w, k, U64_ARRAY_MAX(n), v_u64_array(p, v, n));
}

void fdx_jw_raw(struct fdx_jw *w, const char *k, const char *json, size_t len)
{
    WRITE(key, w, k, len, v_raw(p, json, len));
}

