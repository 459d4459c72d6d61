#!/usr/bin/env bash
# Configures and builds toolwall into build/ (Release). The pinned grammars are fetched by CMake via npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTOOLWALL_TESTS="${TOOLWALL_TESTS:-ON}" >/dev/null
cmake --build build -j"${JOBS:-2}"
