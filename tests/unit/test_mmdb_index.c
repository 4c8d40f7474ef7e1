/* The MMDB jump table and the lockstep tree walk against libmaxminddb's own lookups, on every
 * MaxMind test database of the shared corpus (record sizes 24, 28 and 32, IPv4 and IPv6 trees)
 * and those built at test time.
 * - Jump table: a block the table answers as a whole gives, for addresses spread over it,
 *   exactly libmaxminddb's record (or none) with a network of /16 or wider; a block it leaves
 *   to the walk is one where libmaxminddb's networks are narrower.
 * - Walk: for pseudo-random IPv4 and IPv6 addresses, walked 1 to 8 at a time, the same record
 *   (or none) and the same network prefix. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mmdb_jump.h"
#include "mmdb_lookup.h"
#include "mmdb_walk.h"

#define MM FDX_CORPUS "/mmdb/maxmind/test-data/"
#define ADDRESSES 20000

struct tally {
    unsigned dbs, walked, refused;
    uint64_t blocks_answered, blocks_deeper, block_addresses;
    uint64_t found, empty, corrupt, compared;
};

/* libmaxminddb's answer for a: found or not, its data offset, and the prefix length in a's
 * family (as the stages read it). */
static bool lib_find(MMDB_s *db, const struct fdx_addr *a, uint32_t *offset, unsigned *prefix)
{
    MMDB_entry_s e;
    bool found = fdx_mmdb_find(db, a, &e, prefix);
    *offset = found ? e.offset : 0;
    return found;
}

/* Addresses of block i (the first 16 bits): first, last and a few in between. */
static void block_addr(bool v4, uint32_t i, unsigned k, struct fdx_addr *a)
{
    static const uint16_t rest[] = {0x0000, 0xffff, 0x0101, 0x8000, 0x7fff, 0x5a3c};
    uint16_t low = rest[k];
    uint8_t b[16] = {0};
    if (v4) {
        uint8_t v[4] = {(uint8_t)(i >> 8), (uint8_t)i, (uint8_t)(low >> 8), (uint8_t)low};
        fdx_addr_set_v4(a, v);
        return;
    }
    b[0] = (uint8_t)(i >> 8);
    b[1] = (uint8_t)i;
    b[2] = (uint8_t)(low >> 8);
    b[3] = (uint8_t)low;
    b[15] = (uint8_t)k;
    fdx_addr_set_v6(a, b);
}

static void check_family(MMDB_s *db, const struct fdx_mmdb_jump *j, bool v4, struct tally *t,
                         const char *name)
{
    /* An IPv4-mapped IPv6 address is an IPv4 address to flowdex: not an IPv6 block. */
    for (uint32_t i = 0; i < (1u << FDX_JUMP_BITS); i++) {
        struct fdx_addr a;
        block_addr(v4, i, 0, &a);
        uint32_t answer = fdx_mmdb_jump_get(j, &a);
        answer == FDX_JUMP_DEEPER ? t->blocks_deeper++ : t->blocks_answered++;
        for (unsigned k = 0; k < 6; k++) {
            block_addr(v4, i, k, &a);
            uint32_t offset;
            unsigned prefix;
            bool found = lib_find(db, &a, &offset, &prefix);
            t->block_addresses++;
            if (answer == FDX_JUMP_DEEPER) {
                if (prefix <= FDX_JUMP_BITS) {
                    fprintf(stderr, "%s: %s block %u left to the walk, libmaxminddb /%u\n", name,
                            v4 ? "IPv4" : "IPv6", i, prefix);
                }
                CHECK_TRUE(prefix > FDX_JUMP_BITS);
                continue;
            }
            CHECK_EQ_U64(found, answer != FDX_JUMP_EMPTY);
            if (found) {
                CHECK_EQ_U64(offset, answer - FDX_JUMP_DATA);
            }
            CHECK_TRUE(prefix <= FDX_JUMP_BITS);
        }
    }
}

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

static void check_walk(MMDB_s *db, const char *path, struct tally *t)
{
    struct fdx_mmdb_tree tree;
    if (!fdx_mmdb_tree_init(&tree, db)) {
        t->refused++; /* the stages keep libmaxminddb's lookups for this one */
        return;
    }
    t->walked++;
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
            bool found = fdx_mmdb_find(db, &addrs[k], &e, &lib_prefix);
            t->compared++;
            if (answer[k] == FDX_JUMP_DEEPER) {
                /* Only where libmaxminddb itself fails (its error: not found, /128). */
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
                fprintf(stderr, "%s: address %u: prefix %u, libmaxminddb %u\n", path, i + k,
                        prefix[k], lib_prefix);
            }
            CHECK_EQ_U64(prefix[k], lib_prefix);
        }
        i += n;
    }
}

/* Both checks on one database; the jump table's on databases with a sound tree (a broken
 * one gets no answers from its table: test_broken_tree). */
static void check_db(const char *path, bool broken, struct tally *t)
{
    MMDB_s db;
    if (MMDB_open(path, MMDB_MODE_MMAP, &db) != MMDB_SUCCESS) {
        return; /* the broken test databases libmaxminddb refuses */
    }
    t->dbs++;
    if (!broken) {
        struct fdx_mmdb_jump *j = fdx_mmdb_jump_new(&db);
        CHECK_TRUE(j != NULL);
        if (j != NULL) {
            check_family(&db, j, true, t, path);
            if (db.metadata.ip_version == 6) {
                check_family(&db, j, false, t, path);
            }
        }
        fdx_mmdb_jump_free(j);
    }
    check_walk(&db, path, t);
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
        check_db(path,
                 strstr(e->d_name, "Invalid-Node-Count") != NULL ||
                     strstr(e->d_name, "broken-search-tree") != NULL,
                 t);
    }
    closedir(d);
}

static void test_every_test_database(void)
{
    struct tally t = {0};
    check_dir(MM, &t);
    check_dir(FDX_ENRICH_DATA, &t);
    printf("jump table: %llu blocks answered whole, %llu left to the walk, %llu addresses "
           "compared\n",
           (unsigned long long)t.blocks_answered, (unsigned long long)t.blocks_deeper,
           (unsigned long long)t.block_addresses);
    printf("tree walk: %u of %u databases (%u left to libmaxminddb), %llu addresses compared: "
           "%llu found, %llu not found, %llu on broken paths\n",
           t.walked, t.dbs, t.refused, (unsigned long long)t.compared,
           (unsigned long long)t.found, (unsigned long long)t.empty,
           (unsigned long long)t.corrupt);
    CHECK_TRUE(t.dbs >= 20 && t.walked >= 20);
    /* Both kinds of block occur, so both comparisons ran; so do both kinds of answer. */
    CHECK_TRUE(t.blocks_answered > 0);
    CHECK_TRUE(t.blocks_deeper > 0);
    CHECK_TRUE(t.found > 1000);
    CHECK_TRUE(t.empty > 1000);
}

/* Two blocks of the test City database: a London network narrower than /16 is left to the
 * walk, and 10/8, which the database does not cover, is answered as a whole. */
static void test_city_known_blocks(void)
{
    MMDB_s db;
    CHECK_EQ_I64(MMDB_open(MM "GeoIP2-City-Test.mmdb", MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
    struct fdx_mmdb_jump *j = fdx_mmdb_jump_new(&db);
    struct fdx_addr a;
    const uint8_t london[4] = {81, 2, 69, 142}, unset[4] = {10, 0, 0, 1};
    fdx_addr_set_v4(&a, london);
    CHECK_EQ_U64(fdx_mmdb_jump_get(j, &a), FDX_JUMP_DEEPER);
    fdx_addr_set_v4(&a, unset);
    CHECK_EQ_U64(fdx_mmdb_jump_get(j, &a), FDX_JUMP_EMPTY);
    fdx_mmdb_jump_free(j);
    MMDB_close(&db);
}

/* A tree with invalid records: the table answers nothing, so every lookup meets libmaxminddb's
 * own error handling, as without the table. */
static void test_broken_tree(void)
{
    MMDB_s db;
    CHECK_EQ_I64(MMDB_open(MM "MaxMind-DB-test-broken-search-tree-24.mmdb", MMDB_MODE_MMAP, &db),
                 MMDB_SUCCESS);
    struct fdx_mmdb_jump *j = fdx_mmdb_jump_new(&db);
    unsigned deeper = 0;
    for (uint32_t i = 0; i < (1u << FDX_JUMP_BITS); i++) {
        deeper += j->v4[i] == FDX_JUMP_DEEPER;
        deeper += j->v6[i] == FDX_JUMP_DEEPER;
    }
    CHECK_EQ_U64(deeper, 2u << FDX_JUMP_BITS);
    fdx_mmdb_jump_free(j);
    MMDB_close(&db);
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
    {"broken_tree", test_broken_tree},
    {"city_known_blocks", test_city_known_blocks},
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
