/* Parking of an idle pipeline thread (worker, output thread, producer waiting for room)
 * until another thread hands it work, on a Linux futex. Header-only.
 *
 * The owner announces it is about to sleep (fdx_wake_prepare), checks once more for work,
 * and only then sleeps (fdx_wake_wait) with a bounded timeout. A notifier publishes its work
 * first (ring push, flag store) and then calls fdx_wake_notify(): one fence and one load
 * while the owner is busy, one futex wake-up per sleep otherwise. The seq_cst fences on both
 * sides order "publish work, then read sleeping" against "store sleeping, then look for work",
 * so at least one of the two sees the other: no wake-up is lost. A wake-up that arrives
 * between prepare and wait changes seq, and the futex wait then returns at once. */
#ifndef FDX_PIPELINE_WAKE_H
#define FDX_PIPELINE_WAKE_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct fdx_wake {
    _Atomic uint32_t seq;      /* futex word: bumped by every wake-up of a sleeper */
    _Atomic uint32_t sleeping; /* 1 from prepare until the owner is awake again */
    uint64_t sleeps;           /* owner only: futex waits entered (statistics, tests) */
};

static inline void fdx_wake_init(struct fdx_wake *w)
{
    atomic_init(&w->seq, 0);
    atomic_init(&w->sleeping, 0);
    w->sleeps = 0;
}

/* Owner: announces the sleep; returns the ticket for fdx_wake_wait(). The caller then looks
 * for work once more and calls fdx_wake_cancel() if it found some. */
static inline uint32_t fdx_wake_prepare(struct fdx_wake *w)
{
    /* Relaxed: only the comparison inside the futex wait uses it. */
    uint32_t ticket = atomic_load_explicit(&w->seq, memory_order_relaxed);
    atomic_store_explicit(&w->sleeping, 1, memory_order_relaxed);
    /* Pairs with the fence in fdx_wake_notify(): the store of sleeping is ordered before the
     * owner's next look at the rings and flags. */
    atomic_thread_fence(memory_order_seq_cst);
    return ticket;
}

/* Owner: work was found after prepare; no sleep. */
static inline void fdx_wake_cancel(struct fdx_wake *w)
{
    /* Relaxed: a notifier that still sees 1 only makes one needless wake-up. */
    atomic_store_explicit(&w->sleeping, 0, memory_order_relaxed);
}

/* Owner: sleeps until notified or timeout_ns passed (a signal or a spurious wake-up may end it
 * earlier; the caller loops anyway). */
static inline void fdx_wake_wait(struct fdx_wake *w, uint32_t ticket, long timeout_ns)
{
    struct timespec ts = {timeout_ns / 1000000000L, timeout_ns % 1000000000L};
    w->sleeps++;
    syscall(SYS_futex, &w->seq, FUTEX_WAIT_PRIVATE, ticket, &ts, NULL, 0);
    atomic_store_explicit(&w->sleeping, 0, memory_order_relaxed);
}

/* Any other thread, after publishing work for the owner: wakes it if it sleeps. */
static inline void fdx_wake_notify(struct fdx_wake *w)
{
    /* Pairs with the fence in fdx_wake_prepare(): the work published before is visible to an
     * owner whose announcement this load does not see. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&w->sleeping, memory_order_relaxed) == 0) {
        return;
    }
    /* Exchange: of several notifiers, one makes the system call. */
    if (atomic_exchange_explicit(&w->sleeping, 0, memory_order_relaxed) == 0) {
        return;
    }
    atomic_fetch_add_explicit(&w->seq, 1, memory_order_release);
    syscall(SYS_futex, &w->seq, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

#endif
