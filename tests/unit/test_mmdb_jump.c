/* The MMDB jump table against the library's own lookups, on every MaxMind test database of the
 * shared corpus and those built at test time: a block the table answers as a whole gives, for
 * addresses spread over it, exactly the library's record (or none) with a network of /16 or
 * wider; a block it leaves to the tree walk is one where the library's networks are narrower. */
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "mmdb_jump.h"
#include "mmdb_lookup.h"

#define MM FDX_CORPUS "/mmdb/maxmind/test-data/"

struct tally {
    unsigned dbs;
    uint64_t blocks_answered, blocks_deeper, addresses;
};

/* The library's answer for a: found or not, its data offset, and the prefix length in a's
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
            t->addresses++;
            if (answer == FDX_JUMP_DEEPER) {
                if (prefix <= FDX_JUMP_BITS) {
                    fprintf(stderr, "%s: %s block %u left to the walk, library /%u\n", name,
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

static void check_db(const char *path, struct tally *t)
{
    MMDB_s db;
    if (MMDB_open(path, MMDB_MODE_MMAP, &db) != MMDB_SUCCESS) {
        return; /* the broken test databases the library refuses */
    }
    struct fdx_mmdb_jump *j = fdx_mmdb_jump_new(&db);
    CHECK_TRUE(j != NULL);
    if (j != NULL) {
        check_family(&db, j, true, t, path);
        if (db.metadata.ip_version == 6) {
            check_family(&db, j, false, t, path);
        }
        t->dbs++;
    }
    fdx_mmdb_jump_free(j);
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
        /* Databases with a broken tree (test_broken_tree) are left to the library whole. */
        if (n < 5 || strcmp(e->d_name + n - 5, ".mmdb") != 0 ||
            strstr(e->d_name, "Invalid-Node-Count") != NULL ||
            strstr(e->d_name, "broken-search-tree") != NULL) {
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
    printf("jump table: %u databases, %llu blocks answered whole, %llu left to the walk, "
           "%llu addresses compared\n",
           t.dbs, (unsigned long long)t.blocks_answered, (unsigned long long)t.blocks_deeper,
           (unsigned long long)t.addresses);
    CHECK_TRUE(t.dbs >= 20);
    /* Both kinds occur, so both comparisons ran. */
    CHECK_TRUE(t.blocks_answered > 0);
    CHECK_TRUE(t.blocks_deeper > 0);
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

/* A tree with invalid records: the table answers nothing, so every lookup meets the library's
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

TEST_LIST{
    {"broken_tree", test_broken_tree},
    {"every_test_database", test_every_test_database},
    {"city_known_blocks", test_city_known_blocks},
};

int main(void)
{
    if (access(MM "GeoIP2-City-Test.mmdb", R_OK) != 0) {
        printf("SKIP: shared corpus not found at %s\n", FDX_CORPUS);
        return 77;
    }
    return CHECK_RUN_ALL();
}
