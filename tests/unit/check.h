/* Tiny assertion header for flowdex's unit tests: checks print both values with file and
 * line, count failures without aborting, and the runner ends with "N passed, N failed". */
#ifndef FDX_CHECK_H
#define FDX_CHECK_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_failures_;

#define CHECK_TRUE(c)                                                                       \
    do {                                                                                    \
        if (!(c)) {                                                                         \
            fprintf(stderr, "%s:%d: CHECK_TRUE(%s) failed\n", __FILE__, __LINE__, #c);      \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define CHECK_EQ_U64(a, b)                                                                  \
    do {                                                                                    \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                                    \
        if (a_ != b_) {                                                                     \
            fprintf(stderr, "%s:%d: %s == %s failed: %" PRIu64 " != %" PRIu64 "\n",         \
                    __FILE__, __LINE__, #a, #b, a_, b_);                                    \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define CHECK_EQ_I64(a, b)                                                                  \
    do {                                                                                    \
        int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                                       \
        if (a_ != b_) {                                                                     \
            fprintf(stderr, "%s:%d: %s == %s failed: %" PRId64 " != %" PRId64 "\n",         \
                    __FILE__, __LINE__, #a, #b, a_, b_);                                    \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define CHECK_EQ_STR(a, b)                                                                  \
    do {                                                                                    \
        const char *a_ = (a), *b_ = (b);                                                    \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                              \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__,         \
                    __LINE__, #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");              \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

#define CHECK_MEM_EQ(a, b, n)                                                               \
    do {                                                                                    \
        if (memcmp((a), (b), (n)) != 0) {                                                   \
            fprintf(stderr, "%s:%d: CHECK_MEM_EQ(%s, %s, %s) failed\n", __FILE__, __LINE__,  \
                    #a, #b, #n);                                                            \
            check_failures_++;                                                              \
        }                                                                                   \
    } while (0)

struct check_test {
    const char *name;
    void (*fn)(void);
};

#define TEST_LIST static const struct check_test check_tests_[] =

/* Runs the tests of a list; prints a line per failed test and the closing line, and returns
 * the exit status (0: all passed). */
static inline int check_run_(const struct check_test *t, size_t n)
{
    int passed = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        int before = check_failures_;
        t[i].fn();
        if (check_failures_ == before) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "FAIL %s\n", t[i].name);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

/* Runs every test of TEST_LIST (for a main that checks its preconditions first). */
#define CHECK_RUN_ALL() check_run_(check_tests_, sizeof(check_tests_) / sizeof(check_tests_[0]))

/* A main that runs every test of TEST_LIST. */
#define CHECK_MAIN()                                                                        \
    int main(void)                                                                          \
    {                                                                                       \
        return CHECK_RUN_ALL();                                                             \
    }

#endif
