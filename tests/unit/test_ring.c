/* The SPSC burst ring: single-threaded semantics (capacity, FIFO, partial bursts, index
 * wrap) and a bounded two-thread run checking every pointer arrives once and in order. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "check.h"
#include "ring.h"
#include "timeconv.h"

static void *ptr(uintptr_t v)
{
    return (void *)v;
}

static void test_capacity_rounding(void)
{
    struct fdx_ring r;
    CHECK_EQ_U64(fdx_ring_init(&r, 5), 0);
    CHECK_EQ_U64(fdx_ring_capacity(&r), 8);
    fdx_ring_fini(&r);
    CHECK_EQ_U64(fdx_ring_init(&r, 1), 0);
    CHECK_EQ_U64(fdx_ring_capacity(&r), 2);
    fdx_ring_fini(&r);
    CHECK_EQ_U64(fdx_ring_init(&r, 0), (uint64_t)-EINVAL);
}

static void test_fifo_and_partial_bursts(void)
{
    struct fdx_ring r;
    CHECK_EQ_U64(fdx_ring_init(&r, 8), 0);
    void *in[12], *out[12];
    for (uintptr_t i = 0; i < 12; i++) {
        in[i] = ptr(i + 1);
    }
    /* A burst larger than the room is cut to the room. */
    CHECK_EQ_U64(fdx_ring_push_burst(&r, in, 12), 8);
    CHECK_EQ_U64(fdx_ring_count(&r), 8);
    CHECK_EQ_U64(fdx_ring_push_burst(&r, in + 8, 1), 0);
    CHECK_EQ_U64(fdx_ring_pop_burst(&r, out, 3), 3);
    CHECK_TRUE(out[0] == ptr(1) && out[1] == ptr(2) && out[2] == ptr(3));
    CHECK_EQ_U64(fdx_ring_push_burst(&r, in + 8, 4), 3);
    CHECK_EQ_U64(fdx_ring_pop_burst(&r, out, 12), 8);
    for (uintptr_t i = 0; i < 8; i++) {
        CHECK_TRUE(out[i] == ptr(i + 4));
    }
    CHECK_EQ_U64(fdx_ring_pop_burst(&r, out, 1), 0);
    CHECK_EQ_U64(fdx_ring_count(&r), 0);
    fdx_ring_fini(&r);
}

static void test_index_wrap(void)
{
    struct fdx_ring r;
    CHECK_EQ_U64(fdx_ring_init(&r, 4), 0);
    /* Start both free-running indices just below 2^32 so that they wrap mid-test. */
    uint32_t start = UINT32_MAX - 2;
    atomic_store(&r.tail, start);
    atomic_store(&r.head, start);
    r.head_seen = start;
    r.tail_seen = start;
    void *in[4] = {ptr(10), ptr(11), ptr(12), ptr(13)}, *out[4];
    for (int round = 0; round < 3; round++) {
        CHECK_EQ_U64(fdx_ring_push_burst(&r, in, 4), 4);
        CHECK_EQ_U64(fdx_ring_push_burst(&r, in, 1), 0);
        CHECK_EQ_U64(fdx_ring_count(&r), 4);
        CHECK_EQ_U64(fdx_ring_pop_burst(&r, out, 4), 4);
        CHECK_TRUE(out[0] == ptr(10) && out[3] == ptr(13));
    }
    CHECK_EQ_U64(atomic_load(&r.tail), (uint32_t)(start + 12));
    fdx_ring_fini(&r);
}

#define STRESS_ITEMS 300000u
#define STRESS_DEADLINE_MS 60000

struct stress {
    struct fdx_ring r;
    int64_t deadline;
    uint32_t received;
    uint32_t out_of_order;
};

static void *stress_producer(void *arg)
{
    struct stress *s = arg;
    uintptr_t next = 1;
    void *burst[7];
    while (next <= STRESS_ITEMS && fdx_time_mono_ms() < s->deadline) {
        unsigned n = (unsigned)(next % 7) + 1; /* burst sizes 1..7 */
        for (unsigned i = 0; i < n; i++) {
            burst[i] = ptr(next + i);
        }
        if (next + n - 1 > STRESS_ITEMS) {
            n = (unsigned)(STRESS_ITEMS - next + 1);
        }
        unsigned pushed = fdx_ring_push_burst(&s->r, burst, n);
        if (pushed == 0) {
            sched_yield(); /* full: let the consumer run (2 shared cores) */
        }
        next += pushed;
    }
    return NULL;
}

static void test_two_thread_stress(void)
{
    static struct stress s;
    CHECK_EQ_U64(fdx_ring_init(&s.r, 64), 0);
    s.deadline = fdx_time_mono_ms() + STRESS_DEADLINE_MS;
    pthread_t t;
    CHECK_EQ_U64(pthread_create(&t, NULL, stress_producer, &s), 0);
    uintptr_t expect = 1;
    void *out[16];
    while (expect <= STRESS_ITEMS && fdx_time_mono_ms() < s.deadline) {
        unsigned n = fdx_ring_pop_burst(&s.r, out, 1 + (unsigned)(expect % 16));
        if (n == 0) {
            sched_yield(); /* empty: let the producer run */
        }
        for (unsigned i = 0; i < n; i++) {
            if (out[i] != ptr(expect)) {
                s.out_of_order++;
            }
            expect++;
            s.received++;
        }
    }
    pthread_join(t, NULL);
    CHECK_EQ_U64(s.received, STRESS_ITEMS);
    CHECK_EQ_U64(s.out_of_order, 0);
    CHECK_EQ_U64(fdx_ring_pop_burst(&s.r, out, 16), 0);
    fdx_ring_fini(&s.r);
}

TEST_LIST{
    {"capacity_rounding", test_capacity_rounding},
    {"fifo_and_partial_bursts", test_fifo_and_partial_bursts},
    {"index_wrap", test_index_wrap},
    {"two_thread_stress", test_two_thread_stress},
};

CHECK_MAIN()
