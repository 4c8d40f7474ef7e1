/* Bulk response scanning; see es_response.h. */
#include "es_response.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

enum fdx_out_verdict fdx_es_item_verdict(int status, bool *duplicate)
{
    *duplicate = false;
    if (status >= 200 && status < 300) {
        return FDX_OUT_OK;
    }
    if (status == 409) {
        *duplicate = true;
        return FDX_OUT_OK;
    }
    if (status == 429 || status >= 500) {
        return FDX_OUT_RETRY;
    }
    return FDX_OUT_REJECT;
}

enum fdx_out_verdict fdx_es_request_verdict(long status)
{
    if (status >= 200 && status < 300) {
        return FDX_OUT_OK;
    }
    if (status == 401 || status == 403 || status == 408 || status == 429 || status >= 500 ||
        status == 0) {
        return FDX_OUT_RETRY;
    }
    return FDX_OUT_REJECT;
}

/* A cursor over the body; ok turns false at the first syntax error and stays false. */
struct scan {
    const char *p, *end;
    bool ok;
};

static void ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t')) {
        s->p++;
    }
}

static bool eat(struct scan *s, char c)
{
    ws(s);
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

static bool peek(struct scan *s, char c)
{
    ws(s);
    return s->p < s->end && *s->p == c;
}

static struct fdx_es_str string(struct scan *s)
{
    struct fdx_es_str out = {NULL, 0};
    if (!eat(s, '"')) {
        s->ok = false;
        return out;
    }
    const char *start = s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\') {
            s->p++; /* the escaped character (\uXXXX's digits are plain characters) */
        }
        if (s->p < s->end) {
            s->p++;
        }
    }
    if (s->p >= s->end) {
        s->ok = false;
        return out;
    }
    out.p = start;
    out.len = (size_t)(s->p - start);
    s->p++;
    return out;
}

static bool str_is(struct fdx_es_str k, const char *lit)
{
    size_t n = strlen(lit);
    return k.p != NULL && k.len == n && memcmp(k.p, lit, n) == 0;
}

static bool integer(struct scan *s, long *v)
{
    ws(s);
    const char *q = s->p;
    bool neg = q < s->end && *q == '-';
    q += neg;
    long x = 0;
    const char *digits = q;
    while (q < s->end && *q >= '0' && *q <= '9' && q - digits < 12) {
        x = x * 10 + (*q - '0');
        q++;
    }
    if (q == digits || (q < s->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' ||
                                       *q == 'E'))) {
        return false; /* not a small integer: let skip() take it */
    }
    s->p = q;
    *v = neg ? -x : x;
    return true;
}

static bool literal(struct scan *s, const char *lit)
{
    size_t n = strlen(lit);
    ws(s);
    if ((size_t)(s->end - s->p) >= n && memcmp(s->p, lit, n) == 0) {
        s->p += n;
        return true;
    }
    return false;
}

static void skip(struct scan *s, int depth);

static void skip_container(struct scan *s, char close, bool members, int depth)
{
    if (depth > MAX_DEPTH) {
        s->ok = false;
        return;
    }
    if (eat(s, close)) {
        return;
    }
    do {
        if (members) {
            string(s);
            if (!eat(s, ':')) {
                s->ok = false;
            }
        }
        skip(s, depth + 1);
    } while (s->ok && eat(s, ','));
    if (!eat(s, close)) {
        s->ok = false;
    }
}

static void skip(struct scan *s, int depth)
{
    ws(s);
    if (!s->ok || s->p >= s->end) {
        s->ok = false;
        return;
    }
    char c = *s->p;
    if (c == '"') {
        string(s);
    } else if (c == '{') {
        s->p++;
        skip_container(s, '}', true, depth);
    } else if (c == '[') {
        s->p++;
        skip_container(s, ']', false, depth);
    } else if (!literal(s, "true") && !literal(s, "false") && !literal(s, "null")) {
        const char *start = s->p;
        while (s->p < s->end && strchr("+-0123456789.eE", *s->p) != NULL) {
            s->p++;
        }
        if (s->p == start) {
            s->ok = false;
        }
    }
}

/* Iterates the members of an object: call with the cursor before '{'; returns false at the
 * end (or on error). *first must start true. */
static bool next_member(struct scan *s, bool *first, struct fdx_es_str *key)
{
    if (*first) {
        *first = false;
        if (!eat(s, '{')) {
            s->ok = false;
            return false;
        }
        if (eat(s, '}')) {
            return false;
        }
    } else if (!eat(s, ',')) {
        if (!eat(s, '}')) {
            s->ok = false;
        }
        return false;
    }
    *key = string(s);
    if (!s->ok || !eat(s, ':')) {
        s->ok = false;
        return false;
    }
    return true;
}

static void error_object(struct scan *s, struct fdx_es_item_result *res)
{
    if (peek(s, '"')) {
        res->reason = string(s);
        return;
    }
    if (!peek(s, '{')) {
        skip(s, 3);
        return;
    }
    bool first = true;
    struct fdx_es_str k;
    while (next_member(s, &first, &k)) {
        if (str_is(k, "type") && peek(s, '"')) {
            res->type = string(s);
        } else if (str_is(k, "reason") && peek(s, '"')) {
            res->reason = string(s);
        } else {
            skip(s, 3);
        }
    }
}

/* {"<op>": {"status": N, "error": {...}, ...}} */
static void item(struct scan *s, struct fdx_es_item_result *res)
{
    memset(res, 0, sizeof(*res));
    long status = -1;
    bool first = true, seen_op = false;
    struct fdx_es_str op;
    while (next_member(s, &first, &op)) {
        if (seen_op) {
            s->ok = false; /* exactly one action per item */
            return;
        }
        seen_op = true;
        bool f2 = true;
        struct fdx_es_str k;
        while (next_member(s, &f2, &k)) {
            if (str_is(k, "status")) {
                if (!integer(s, &status)) {
                    s->ok = false;
                    return;
                }
            } else if (str_is(k, "error")) {
                error_object(s, res);
            } else {
                skip(s, 2);
            }
        }
    }
    if (!s->ok || !seen_op || status < 0 || status > 999) {
        s->ok = false;
        return;
    }
    res->status = (uint16_t)status;
    res->verdict = (uint8_t)fdx_es_item_verdict((int)status, &res->duplicate);
}

static int grow(struct fdx_es_response *r)
{
    uint32_t cap = r->cap ? r->cap * 2 : 1024;
    struct fdx_es_item_result *v = realloc(r->items, (size_t)cap * sizeof(*v));
    if (v == NULL) {
        return -ENOMEM;
    }
    r->items = v;
    r->cap = cap;
    return 0;
}

static int items(struct scan *s, struct fdx_es_response *r)
{
    if (!eat(s, '[')) {
        return -EPROTO;
    }
    if (eat(s, ']')) {
        return 0;
    }
    do {
        if (r->n == r->cap && grow(r) != 0) {
            return -ENOMEM;
        }
        item(s, &r->items[r->n]);
        if (!s->ok) {
            return -EPROTO;
        }
        r->n++;
    } while (eat(s, ','));
    return eat(s, ']') ? 0 : -EPROTO;
}

void fdx_es_response_init(struct fdx_es_response *r)
{
    memset(r, 0, sizeof(*r));
}

void fdx_es_response_fini(struct fdx_es_response *r)
{
    free(r->items);
    memset(r, 0, sizeof(*r));
}

int fdx_es_response_parse(struct fdx_es_response *r, const char *body, size_t len)
{
    struct scan s = {body, body + len, true};
    r->n = 0;
    r->errors = false;
    bool first = true, have_items = false;
    struct fdx_es_str k;
    while (next_member(&s, &first, &k)) {
        if (str_is(k, "items")) {
            int rc = items(&s, r);
            if (rc != 0) {
                return rc;
            }
            have_items = true;
        } else if (str_is(k, "errors")) {
            if (literal(&s, "true")) {
                r->errors = true;
            } else if (!literal(&s, "false")) {
                return -EPROTO;
            }
        } else {
            skip(&s, 1);
        }
    }
    ws(&s);
    if (!s.ok || !have_items || s.p != s.end) {
        return -EPROTO;
    }
    return 0;
}
