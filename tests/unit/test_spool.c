/* The on-disk spool: order, read/remove, bound, bodies put in front, rewind, and the index
 * rebuilt from the directory after a restart. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "spool.h"

static char dir[] = "/tmp/fdx-spool-test-XXXXXX";

static void read_expect(struct fdx_spool *s, const char *want, uint32_t want_docs, uint64_t *id)
{
    struct fdx_buf b;
    fdx_buf_init(&b, 0);
    uint32_t n = 0;
    CHECK_EQ_I64(fdx_spool_read(s, &b, id, &n), 0);
    CHECK_EQ_U64(b.len, strlen(want));
    CHECK_MEM_EQ(b.p, want, strlen(want));
    CHECK_EQ_U64(n, want_docs);
    fdx_buf_fini(&b);
}

static void test_spool(void)
{
    CHECK_TRUE(mkdtemp(dir) != NULL);
    struct fdx_err err;
    struct fdx_spool *s = fdx_spool_open(dir, 100, false, &err);
    CHECK_TRUE(s != NULL);
    CHECK_EQ_I64(fdx_spool_push(s, "bbbb", 4, 2, false), 0);
    CHECK_EQ_I64(fdx_spool_push(s, "cccccc", 6, 3, false), 0);
    CHECK_EQ_I64(fdx_spool_push(s, "aa", 2, 1, true), 0);
    CHECK_EQ_U64(fdx_spool_bytes(s), 12);
    CHECK_EQ_U64(fdx_spool_docs(s), 6);
    char big[100] = {0};
    CHECK_EQ_I64(fdx_spool_push(s, big, sizeof(big), 1, false), -ENOSPC);
    CHECK_EQ_U64(fdx_spool_peek(s), 2);

    uint64_t id_a, id_b, id_c;
    read_expect(s, "aa", 1, &id_a);
    read_expect(s, "bbbb", 2, &id_b);
    CHECK_EQ_U64(fdx_spool_unread_docs(s), 3);
    CHECK_EQ_I64(fdx_spool_remove(s, id_a), 0);
    CHECK_EQ_U64(fdx_spool_docs(s), 5);
    fdx_spool_rewind(s);
    CHECK_EQ_U64(fdx_spool_unread_docs(s), 5);
    fdx_spool_close(s);

    /* After a restart: same order, same counts. */
    s = fdx_spool_open(dir, 100, true, &err);
    CHECK_TRUE(s != NULL);
    CHECK_EQ_U64(fdx_spool_docs(s), 5);
    CHECK_EQ_U64(fdx_spool_bytes(s), 10);
    read_expect(s, "bbbb", 2, &id_b);
    read_expect(s, "cccccc", 3, &id_c);
    struct fdx_buf b;
    fdx_buf_init(&b, 0);
    uint64_t id;
    uint32_t n;
    CHECK_EQ_I64(fdx_spool_read(s, &b, &id, &n), -ENOENT);
    CHECK_EQ_U64(fdx_spool_peek(s), 0);
    fdx_buf_fini(&b);
    CHECK_EQ_I64(fdx_spool_remove(s, id_b), 0);
    CHECK_EQ_I64(fdx_spool_remove(s, id_c), 0);
    CHECK_EQ_U64(fdx_spool_docs(s), 0);
    CHECK_EQ_U64(fdx_spool_bytes(s), 0);
    fdx_spool_close(s);
    CHECK_EQ_I64(rmdir(dir), 0); /* nothing left behind */
}

TEST_LIST{
    {"spool", test_spool},
};

CHECK_MAIN()
