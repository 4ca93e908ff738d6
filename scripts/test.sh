#!/usr/bin/env bash
# The whole suite: format lint, a build with warnings as errors, every test (Swift Testing).
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
start=$(date +%s)
echo "== lint"
swift format lint --strict --parallel --recursive Package.swift Sources Tests Benchmarks
echo "== build"
swift build --build-tests --explicit-target-dependency-import-check error
echo "== test"
# The kill -9 restart test runs its own daemon process at full speed; it runs alone after
# the parallel run, where the rest of the suite would starve that process on two cores.
swift test --skip-build --disable-xctest --skip DaemonRobustnessTests 2>&1 | tee .build/test-output.txt
swift test --skip-build --disable-xctest --filter DaemonRobustnessTests 2>&1 | tee -a .build/test-output.txt
echo "== systemd unit"
./scripts/check-unit.sh
./scripts/check-hardening.py
echo "== total $(( $(date +%s) - start )) s"
