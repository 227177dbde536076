#!/bin/sh
# The hardening runs, after the ordinary tests (scripts/test.sh calls this):
#
#  1. every C test (ctest label "c") built with AddressSanitizer and UBSan;
#  2. every C test under valgrind memcheck (no errors, no definite or
#     indirect leaks);
#  3. the thread test built with ThreadSanitizer;
#  4. each libFuzzer target for a short, fixed time (FUZZ_SECONDS, 15 s by
#     default; see tests/fuzz/README.md for longer runs).
#
# Build folders: build-asan, build-fuzz (clang: the fuzz targets and the
# plain build valgrind checks), build-tsan.  Exits non-zero on any failure.
set -eu
cd "$(dirname "$0")/.."

jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-15}
failed=""

step() {
    printf '\n==== hardening: %s ====\n' "$*"
}

fail() {
    echo "hardening: FAILED: $1"
    failed="$failed
  $1"
}

configure() {    # build folder, extra cmake arguments...
    dir=$1
    shift
    mkdir -p "$dir"
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" \
        >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log"; return 1; }
}

for tool in clang valgrind; do
    command -v $tool >/dev/null ||
        { echo "hardening: $tool is missing (scripts/install-deps.sh)"; exit 1; }
done

step "AddressSanitizer + UBSan: every C test (build-asan)"
if configure build-asan -DSCEP_SANITIZE=ON &&
   cmake --build build-asan -j"$jobs" >build-asan/build.log 2>&1; then
    ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir build-asan -L '^c$' --output-on-failure -j"$jobs" ||
        fail "C tests under ASan+UBSan"
else
    tail -30 build-asan/build.log
    fail "building with SCEP_SANITIZE=ON"
fi

step "valgrind memcheck: every C test (build-fuzz, plain library)"
# DWARF 4: valgrind 3.19 cannot read the DWARF 5 clang 14 writes.
if CC=clang configure build-fuzz -DSCEP_FUZZ=ON -DCMAKE_C_FLAGS=-gdwarf-4 &&
   cmake --build build-fuzz -j"$jobs" >build-fuzz/build.log 2>&1; then
    # --error-exitcode makes a test fail on any memory error or leak.
    valgrind_options="--error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--num-callers=30"
    # No suppressions: OpenSSL 3 frees what it allocates for these tests.
    ctest --test-dir build-fuzz -L '^c$' -T memcheck \
        --overwrite MemoryCheckCommand=/usr/bin/valgrind \
        --overwrite "MemoryCheckCommandOptions=$valgrind_options" \
        --output-on-failure -j"$jobs" || fail "C tests under valgrind"
else
    tail -30 build-fuzz/build.log
    fail "building build-fuzz"
fi

step "ThreadSanitizer: thread_test (build-tsan)"
if CC=clang configure build-tsan \
        -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
        -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
        -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread &&
   cmake --build build-tsan -j"$jobs" --target thread_test \
        >build-tsan/build.log 2>&1; then
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 exitcode=66" \
        build-tsan/tests/c/thread_test || fail "thread_test under TSan"
else
    tail -30 build-tsan/build.log
    fail "building with ThreadSanitizer"
fi

for target in parse unwrap ca_certs decode caps builder; do
    step "libFuzzer: $target for $fuzz_seconds s"
    tests/fuzz/run.sh "$target" "$fuzz_seconds" >"build-fuzz/fuzz-$target.log" \
        2>&1 || { tail -60 "build-fuzz/fuzz-$target.log"; fail "fuzzing $target"; }
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units)' \
        "build-fuzz/fuzz-$target.log" || true
done

if [ -n "$failed" ]; then
    printf '\nhardening: FAILED:%s\n' "$failed"
    exit 1
fi
printf '\nhardening: all passed (ASan+UBSan, valgrind, TSan, fuzzing)\n'
