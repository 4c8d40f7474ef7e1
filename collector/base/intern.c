/* String interning: open addressing on FNV-1a hashes, strings packed in one arena. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    uint32_t off; /* offset of the string in text[] */
    uint32_t len;
    uint32_t hash;
};

struct fdx_intern {
    uint32_t count;     /* entries used; ids are 1..count */
    uint32_t max;       /* bound on count */
    uint32_t mask;      /* hash index size - 1 */
    uint32_t *index;    /* hash slot -> id (0 empty) */
    struct entry *ent;  /* id-1 -> entry */
    char *text;
    size_t text_used, text_cap;
    uint64_t full;      /* lookups refused because the table was full */
    uint32_t generation; /* number of clears */
};

static uint32_t fnv1a(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (uint8_t)s[i];
        h *= 16777619u;
    }
    return h;
}

struct fdx_intern *fdx_intern_new(uint32_t max_strings, size_t max_bytes)
{
    struct fdx_intern *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    uint32_t slots = 16;
    while (slots < max_strings * 2) {
        slots *= 2;
    }
    t->max = max_strings;
    t->mask = slots - 1;
    t->index = calloc(slots, sizeof(*t->index));
    t->ent = calloc(max_strings, sizeof(*t->ent));
    t->text = malloc(max_bytes);
    t->text_cap = max_bytes;
    if (t->index == NULL || t->ent == NULL || t->text == NULL) {
        fdx_intern_free(t);
        return NULL;
    }
    return t;
}

void fdx_intern_free(struct fdx_intern *t)
{
    if (t == NULL) {
        return;
    }
    free(t->index);
    free(t->ent);
    free(t->text);
    free(t);
}

uint32_t fdx_intern_get(struct fdx_intern *t, const char *s, size_t len)
{
    if (len == 0) {
        return 0;
    }
    uint32_t h = fnv1a(s, len);
    for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint32_t id = t->index[i];
        if (id == 0) {
            if (t->count >= t->max || t->text_used + len + 1 > t->text_cap) {
                t->full++;
                return 0;
            }
            struct entry *e = &t->ent[t->count];
            e->off = (uint32_t)t->text_used;
            e->len = (uint32_t)len;
            e->hash = h;
            memcpy(t->text + t->text_used, s, len);
            t->text[t->text_used + len] = '\0';
            t->text_used += len + 1;
            t->index[i] = ++t->count;
            return t->count;
        }
        const struct entry *e = &t->ent[id - 1];
        if (e->hash == h && e->len == len && memcmp(t->text + e->off, s, len) == 0) {
            return id;
        }
    }
}

const char *fdx_intern_str(const struct fdx_intern *t, uint32_t id, size_t *len)
{
    if (t == NULL || id == 0 || id > t->count) {
        return NULL;
    }
    const struct entry *e = &t->ent[id - 1];
    if (len != NULL) {
        *len = e->len;
    }
    return t->text + e->off;
}

void fdx_intern_clear(struct fdx_intern *t)
{
    memset(t->index, 0, (size_t)(t->mask + 1) * sizeof(*t->index));
    t->count = 0;
    t->text_used = 0;
    t->generation++;
}

uint32_t fdx_intern_generation(const struct fdx_intern *t)
{
    return t->generation;
}

bool fdx_intern_nearly_full(const struct fdx_intern *t)
{
    return t->count > t->max / 4 * 3 || t->text_used > t->text_cap / 4 * 3;
}

uint64_t fdx_intern_full_count(const struct fdx_intern *t)
{
    return t->full;
}

uint32_t fdx_intern_count(const struct fdx_intern *t)
{
    return t->count;
}
