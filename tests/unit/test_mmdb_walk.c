/* The lockstep tree walk against the library's lookups, on every MaxMind test database of the
 * shared corpus (record sizes 24, 28 and 32, IPv4 and IPv6 trees) and those built at test
 * time: for pseudo-random IPv4 and IPv6 addresses, walked 1 to 8 at a time, the same record
 * (or none) and the same network prefix. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mmdb_lookup.h"
#include "mmdb_walk.h"

#define MM FDX_CORPUS "/mmdb/maxmind/test-data/"
#define ADDRESSES 20000

struct tally {
    unsigned dbs, refused;
    uint64_t found, empty, corrupt, compared;
};

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Pseudo-random addresses; every fourth one IPv6, some near the start of the space (where
 * the test databases keep their networks). */
static void make_addr(uint64_t *seed, unsigned i, struct fdx_addr *a)
{
    uint64_t r = next(seed);
    uint8_t b[16];
    for (unsigned k = 0; k < 16; k++) {
        b[k] = (uint8_t)(next(seed) >> 24);
    }
    if (i % 4 == 3) {
        if (r & 1) {
            b[0] = 0x20; /* 2000::/8, where the test databases' IPv6 networks are */
            b[1] = (uint8_t)(r >> 8) & 0x0f;
        }
        fdx_addr_set_v6(a, b);
        return;
    }
    if (r & 1) {
        b[0] = (uint8_t)((r >> 8) % 4 == 0 ? 1 : (r >> 8) % 224); /* 1.x.x.x is dense */
    }
    fdx_addr_set_v4(a, b);
}

static void check_db(const char *path, struct tally *t)
{
    MMDB_s db;
    if (MMDB_open(path, MMDB_MODE_MMAP, &db) != MMDB_SUCCESS) {
        return;
    }
    struct fdx_mmdb_tree tree;
    if (!fdx_mmdb_tree_init(&tree, &db)) {
        t->refused++; /* the stages keep the library's lookups for this one */
        MMDB_close(&db);
        return;
    }
    t->dbs++;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    struct fdx_addr addrs[FDX_MMDB_LANES];
    const struct fdx_addr *ptr[FDX_MMDB_LANES];
    for (unsigned i = 0; i < ADDRESSES;) {
        unsigned n = 1 + i % FDX_MMDB_LANES;
        for (unsigned k = 0; k < n; k++) {
            make_addr(&seed, i + k, &addrs[k]);
            ptr[k] = &addrs[k];
        }
        uint32_t answer[FDX_MMDB_LANES];
        unsigned prefix[FDX_MMDB_LANES];
        fdx_mmdb_tree_find(&tree, ptr, n, answer, prefix);
        for (unsigned k = 0; k < n; k++) {
            MMDB_entry_s e;
            unsigned lib_prefix;
            bool found = fdx_mmdb_find(&db, &addrs[k], &e, &lib_prefix);
            t->compared++;
            if (answer[k] == FDX_JUMP_DEEPER) {
                /* Only where the library itself fails (its error: not found, /128). */
                t->corrupt++;
                CHECK_TRUE(!found && lib_prefix == 128);
                continue;
            }
            CHECK_EQ_U64(found, answer[k] != FDX_JUMP_EMPTY);
            found ? t->found++ : t->empty++;
            if (found) {
                CHECK_EQ_U64(e.offset, answer[k] - FDX_JUMP_DATA);
            }
            if (prefix[k] != lib_prefix) {
                fprintf(stderr, "%s: address %u: prefix %u, library %u\n", path, i + k,
                        prefix[k], lib_prefix);
            }
            CHECK_EQ_U64(prefix[k], lib_prefix);
        }
        i += n;
    }
    MMDB_close(&db);
}

static void check_dir(const char *dir, struct tally *t)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".mmdb") != 0) {
            continue;
        }
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        check_db(path, t);
    }
    closedir(d);
}

static void test_every_test_database(void)
{
    struct tally t = {0};
    check_dir(MM, &t);
    check_dir(FDX_ENRICH_DATA, &t);
    printf("tree walk: %u databases (%u left to the library), %llu addresses compared: "
           "%llu found, %llu not found, %llu on broken paths\n",
           t.dbs, t.refused, (unsigned long long)t.compared, (unsigned long long)t.found,
           (unsigned long long)t.empty, (unsigned long long)t.corrupt);
    CHECK_TRUE(t.dbs >= 20);
    CHECK_TRUE(t.found > 1000);
    CHECK_TRUE(t.empty > 1000);
}

/* The three record sizes, each on a known network of its test database. */
static void test_record_sizes(void)
{
    static const char *const files[] = {"MaxMind-DB-test-ipv4-24.mmdb",
                                        "MaxMind-DB-test-ipv4-28.mmdb",
                                        "MaxMind-DB-test-ipv4-32.mmdb"};
    for (unsigned f = 0; f < 3; f++) {
        char path[512];
        snprintf(path, sizeof(path), "%s%s", MM, files[f]);
        MMDB_s db;
        CHECK_EQ_I64(MMDB_open(path, MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
        struct fdx_mmdb_tree tree;
        CHECK_TRUE(fdx_mmdb_tree_init(&tree, &db));
        CHECK_EQ_U64(tree.node_bytes, 6 + f);
        struct fdx_addr a;
        const uint8_t v4[4] = {1, 1, 1, 3}; /* in 1.1.1.2/31 of these databases */
        fdx_addr_set_v4(&a, v4);
        const struct fdx_addr *p = &a;
        uint32_t answer;
        unsigned prefix;
        fdx_mmdb_tree_find(&tree, &p, 1, &answer, &prefix);
        CHECK_TRUE(answer >= FDX_JUMP_DATA);
        CHECK_EQ_U64(prefix, 31);
        MMDB_close(&db);
    }
}

TEST_LIST{
    {"record_sizes", test_record_sizes},
    {"every_test_database", test_every_test_database},
};

int main(void)
{
    if (access(MM "GeoIP2-City-Test.mmdb", R_OK) != 0) {
        printf("SKIP: shared corpus not found at %s\n", FDX_CORPUS);
        return 77;
    }
    return CHECK_RUN_ALL();
}
