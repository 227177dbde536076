#!/bin/sh
# Runs every test: installs what is missing, builds the library, the tool
# and every binding, and runs the C tests, each language's tests, the
# interoperability tests against real peers, and the hardening runs
# (sanitizers, valgrind, a short fuzz run of every target).
set -eu
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)"
./scripts/test-hardening.sh
