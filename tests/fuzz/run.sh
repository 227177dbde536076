#!/bin/sh
# Runs one fuzz target for a given time:  tests/fuzz/run.sh TARGET SECONDS
# [libFuzzer options...]
#
# Builds the targets in build-fuzz (clang, -DSCEP_FUZZ=ON) when needed,
# keeps a growing corpus in build-fuzz/corpus/TARGET seeded from
# tests/vectors, and writes crashing inputs to build-fuzz/artifacts/.
# Exits non-zero when the target crashed, leaked or timed out.
set -eu
cd "$(dirname "$0")/../.."

if [ $# -lt 2 ]; then
    echo "usage: $0 TARGET SECONDS [libFuzzer options...]" >&2
    echo "targets: parse unwrap ca_certs decode caps builder" >&2
    exit 2
fi
target=$1
seconds=$2
shift 2

build=${SCEP_FUZZ_BUILD:-build-fuzz}
case " parse unwrap ca_certs decode caps builder " in
    *" $target "*) ;;
    *) echo "run.sh: no fuzz target named $target" >&2; exit 2 ;;
esac
# Configuring again picks up new seed folders; building is incremental.
# DWARF 4 so that valgrind (scripts/test-hardening.sh) reads this build.
# The lock lets several runs start at once without building over each
# other.
mkdir -p "$build"
flock "$build/.run.lock" sh -c '
    CC=clang cmake -S . -B "$1" -DSCEP_FUZZ=ON -DCMAKE_C_FLAGS=-gdwarf-4 \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    cmake --build "$1" -j"$(nproc)" --target "fuzz_$2" >/dev/null
' sh "$build" "$target"

# The corpus starts from the seeds (files and folders alike; libFuzzer
# only takes folders) and keeps what later runs found.
corpus=$build/corpus/$target
artifacts=$build/artifacts
mkdir -p "$corpus" "$artifacts"
while IFS= read -r seed; do
    [ -n "$seed" ] || continue
    if [ -d "$seed" ]; then
        find "$seed" -type f -size -64k -exec cp -n {} "$corpus/" \;
    else
        cp -n "$seed" "$corpus/"
    fi
done < "$build/tests/fuzz/$target.seeds"

echo "run.sh: fuzzing $target for $seconds s ($(ls "$corpus" | wc -l) inputs" \
     "in the corpus)"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$build/tests/fuzz/fuzz_$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$target-" \
    "$@" "$corpus"
