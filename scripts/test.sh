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
swift test --skip-build --disable-xctest 2>&1 | tee .build/test-output.txt
echo "== systemd unit"
./scripts/check-unit.sh
./scripts/check-hardening.py
echo "== total $(( $(date +%s) - start )) s"
