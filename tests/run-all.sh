#!/usr/bin/env bash
# The whole test suite, as CI runs it: a gcc -Werror build with every ctest, the same tests
# under AddressSanitizer + UndefinedBehaviorSanitizer (clang), then every libFuzzer target for
# a bounded time. Fails fast. FDX_FUZZ_SECONDS sets the time per fuzz target (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${FDX_FUZZ_SECONDS:-20}

./install-deps.sh

step() { printf '\n==== %s\n' "$*"; }

step "gcc build (-Werror) and tests"
cmake -S . -B build/gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build build/gcc -j "$jobs"
(cd build/gcc && ctest -j "$jobs" --output-on-failure --timeout 300)

step "clang build with AddressSanitizer + UndefinedBehaviorSanitizer, and tests"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
      -DFDX_SANITIZE=address,undefined -DFDX_BUILD_BENCH=OFF >/dev/null
cmake --build build/asan -j "$jobs"
# No strict_string_checks: it reports strndup() over a buffer that is not NUL-terminated within
# the bound, which is legal C and how lengths-first code copies strings.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build/asan && ctest -j "$jobs" --output-on-failure --timeout 600)

if [ -x tests/fuzz/run_fuzzers.sh ]; then
    step "libFuzzer targets, ${fuzz_seconds}s each"
    tests/fuzz/run_fuzzers.sh "$fuzz_seconds"
fi

step "all tests passed"
