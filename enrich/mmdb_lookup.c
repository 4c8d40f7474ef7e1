/* libmaxminddb wrappers. */
#include "mmdb_lookup.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "intern.h"

int fdx_mmdb_open(MMDB_s *db, const char *stage, const char *path, struct fdx_err *err)
{
    int rc = MMDB_open(path, MMDB_MODE_MMAP, db);
    if (rc != MMDB_SUCCESS) {
        fdx_err_set(err, "%s: cannot open database \"%s\": %s", stage, path, MMDB_strerror(rc));
        return rc == MMDB_FILE_OPEN_ERROR ? -ENOENT : -EINVAL;
    }
    return 0;
}

/* libmaxminddb versions differ on an IPv4 address in an IPv6 tree: some give the netmask in
 * the IPv6 tree (96 + the IPv4 prefix), others the IPv4 prefix. Values above 32 can only be
 * the former; a value of 32 or less is taken as an IPv4 prefix, which is never shorter than
 * the truth (the former reading would mean a network wider than all of IPv4). */
static unsigned v4_prefix(const MMDB_s *db, unsigned netmask)
{
    if (db->metadata.ip_version != 6 || netmask <= 32) {
        return netmask <= 32 ? netmask : 32;
    }
    return netmask >= 96 ? netmask - 96 : 0;
}

bool fdx_mmdb_find(MMDB_s *db, const struct fdx_addr *a, MMDB_entry_s *entry, unsigned *prefix)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (fdx_addr_is_v4(a)) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        in->sin_family = AF_INET;
        memcpy(&in->sin_addr, a->b + 12, 4);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        in6->sin6_family = AF_INET6;
        memcpy(&in6->sin6_addr, a->b, 16);
    }
    int mmdb_err = 0;
    MMDB_lookup_result_s r = MMDB_lookup_sockaddr(db, (struct sockaddr *)&ss, &mmdb_err);
    if (mmdb_err != MMDB_SUCCESS) {
        *prefix = 128; /* nothing known: shared with no other address */
        return false;
    }
    *prefix = fdx_addr_is_v4(a) ? v4_prefix(db, r.netmask) : r.netmask;
    if (!r.found_entry) {
        return false;
    }
    *entry = r.entry;
    return true;
}

uint32_t fdx_mmdb_str(MMDB_entry_s *e, struct fdx_intern *strings, const char *const *path)
{
    MMDB_entry_data_s d;
    if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data ||
        d.type != MMDB_DATA_TYPE_UTF8_STRING) {
        return 0;
    }
    return fdx_intern_get(strings, d.utf8_string, d.data_size);
}

bool fdx_mmdb_num(MMDB_entry_s *e, const char *const *path, double *out)
{
    MMDB_entry_data_s d;
    if (MMDB_aget_value(e, &d, path) != MMDB_SUCCESS || !d.has_data) {
        return false;
    }
    switch (d.type) {
    case MMDB_DATA_TYPE_DOUBLE:
        *out = d.double_value;
        return true;
    case MMDB_DATA_TYPE_FLOAT:
        *out = d.float_value;
        return true;
    case MMDB_DATA_TYPE_UINT16:
        *out = d.uint16;
        return true;
    case MMDB_DATA_TYPE_UINT32:
        *out = d.uint32;
        return true;
    case MMDB_DATA_TYPE_INT32:
        *out = d.int32;
        return true;
    case MMDB_DATA_TYPE_UINT64:
        *out = (double)d.uint64;
        return true;
    default:
        return false;
    }
}

unsigned fdx_mmdb_split_path(char *buf, const char **keys, unsigned max)
{
    unsigned n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, "/", &save); t != NULL && n + 1 < max;
         t = strtok_r(NULL, "/", &save)) {
        keys[n++] = t;
    }
    keys[n] = NULL;
    return n;
}
