#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each: builds with clang, -DFDX_FUZZ=ON and
# AddressSanitizer + UndefinedBehaviorSanitizer in its own build directory, turns the shared
# capture corpus into seeds (one file per UDP payload, in a temporary directory), and runs each
# fuzz_* executable of the build over its committed seeds (tests/fuzz/corpus/<target>/) plus
# those generated seeds. Exits non-zero on any crash, printing the crasher's path.
#
# Usage: tests/fuzz/run_fuzzers.sh SECONDS
# Environment: FDX_CORPUS_DIR (default ../shared/corpus beside the repository),
#              FDX_FUZZ_BUILD_DIR (default build/fuzz), FDX_FUZZ_JOBS (default 2).
set -euo pipefail

seconds=${1:?usage: run_fuzzers.sh SECONDS}
root=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${FDX_CORPUS_DIR:-$root/../shared/corpus}
build=${FDX_FUZZ_BUILD_DIR:-$root/build/fuzz}
jobs=${FDX_FUZZ_JOBS:-2}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
      -DFDX_FUZZ=ON -DFDX_SANITIZE=address,undefined -DFDX_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/seeds"
if [ -d "$corpus" ]; then
    find "$corpus" -name '*.pcap' -print0 | sort -z |
        xargs -0 -r "$build/tests/pcap_to_seeds" "$work/seeds"
else
    echo "run_fuzzers: no corpus at $corpus; committed seeds only"
fi

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Every libFuzzer executable of the build: fuzz_<name>, not the ctest replay drivers.
mapfile -t targets < <(find "$build" -type f -perm -u+x -name 'fuzz_*' ! -name '*_replay' \
                        ! -path '*/CMakeFiles/*' | sort)
if [ ${#targets[@]} -eq 0 ]; then
    echo "run_fuzzers: no fuzz targets found in $build" >&2
    exit 1
fi

failed=0
for exe in "${targets[@]}"; do
    name=$(basename "$exe")
    out="$work/new/$name"
    rm -rf "${artifacts:?}/$name"
    mkdir -p "$out" "$artifacts/$name"
    dirs=("$out")
    if [ -d "$root/tests/fuzz/corpus/$name" ]; then
        dirs+=("$root/tests/fuzz/corpus/$name")
    fi
    dirs+=("$work/seeds")
    log="$artifacts/$name.log"
    printf 'run_fuzzers: %s for %ss ... ' "$name" "$seconds"
    if "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 \
            -artifact_prefix="$artifacts/$name/" "${dirs[@]}" >"$log" 2>&1; then
        echo "ok ($(grep -Eo 'Done [0-9]+ runs' "$log" | tail -1 || true))"
    else
        echo "FAILED"
        failed=1
        tail -n 40 "$log"
        for crasher in "$artifacts/$name"/*; do
            [ -e "$crasher" ] && echo "run_fuzzers: crasher: $crasher"
        done
        echo "run_fuzzers: full log: $log"
    fi
done
exit $failed
