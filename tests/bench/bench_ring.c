/* Benchmark (not a test): SPSC ring throughput between two threads, by burst size. Prints
 * the median of 5 runs in million pointers per second; never passes or fails. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ring.h"
#include "timeconv.h"

#define ITEMS 5000000u
#define RUNS 5

struct run {
    struct fdx_ring r;
    unsigned burst;
};

static void *producer(void *arg)
{
    struct run *x = arg;
    void *items[64];
    uintptr_t next = 1;
    while (next <= ITEMS) {
        unsigned n = x->burst;
        if (next + n - 1 > ITEMS) {
            n = (unsigned)(ITEMS - next + 1);
        }
        for (unsigned i = 0; i < n; i++) {
            items[i] = (void *)(next + i);
        }
        unsigned k = fdx_ring_push_burst(&x->r, items, n);
        if (k == 0) {
            sched_yield();
        }
        next += k;
    }
    return NULL;
}

static double one_run(unsigned burst)
{
    struct run x = {.burst = burst};
    if (fdx_ring_init(&x.r, 1024) != 0) {
        return 0;
    }
    pthread_t t;
    int64_t t0 = fdx_time_mono_ms();
    pthread_create(&t, NULL, producer, &x);
    uintptr_t got = 0, bad = 0;
    void *items[64];
    while (got < ITEMS) {
        unsigned n = fdx_ring_pop_burst(&x.r, items, burst);
        if (n == 0) {
            sched_yield();
        }
        for (unsigned i = 0; i < n; i++) {
            bad += items[i] != (void *)(got + 1 + i);
        }
        got += n;
    }
    pthread_join(t, NULL);
    int64_t ms = fdx_time_mono_ms() - t0;
    fdx_ring_fini(&x.r);
    if (bad != 0) {
        fprintf(stderr, "bench_ring: %lu items out of order\n", (unsigned long)bad);
    }
    return ms > 0 ? (double)ITEMS / (double)ms / 1000.0 : 0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    static const unsigned bursts[] = {1, 4, 16, 64};
    printf("| burst | M pointers/s (median of %d) |\n|---|---|\n", RUNS);
    for (size_t b = 0; b < sizeof(bursts) / sizeof(bursts[0]); b++) {
        double r[RUNS];
        for (int i = 0; i < RUNS; i++) {
            r[i] = one_run(bursts[b]);
        }
        qsort(r, RUNS, sizeof(r[0]), cmp);
        printf("| %u | %.1f |\n", bursts[b], r[RUNS / 2]);
    }
    return 0;
}
