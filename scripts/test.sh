#!/usr/bin/env bash
# Runs every test: the Release build's ctest suite (build/, made by scripts/build.sh), then the
# sanitizer build's (ASan+UBSan, build-asan/) suite, then a short run of each libFuzzer target
# (clang, build-fuzz/). Switches (environment):
#   TOOLWALL_SANITIZE_TESTS=0   skip the sanitizer build and run
#   TOOLWALL_FUZZ_TESTS=0       skip the fuzz targets' short runs
#   SANITIZE_SUBSET=regex       run only these ctest entries under the sanitizers (default: all)
#   JOBS=N                      build and test parallelism (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${JOBS:-2}"

echo "== tests (Release, build/)"
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600

if [[ "${TOOLWALL_SANITIZE_TESTS:-1}" != 0 ]]; then
  echo "== tests under ASan+UBSan (build-asan/)"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTOOLWALL_SANITIZE=ON -DTOOLWALL_BENCH=OFF >/dev/null
  cmake --build build-asan -j"$jobs"
  # detect_leaks: LeakSanitizer too; halt on the first UBSan report (also compiled with no-recover).
  export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  subset=()
  [[ -n "${SANITIZE_SUBSET:-}" ]] && subset=(-R "$SANITIZE_SUBSET")
  ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 1200 "${subset[@]}"
fi

if [[ "${TOOLWALL_FUZZ_TESTS:-1}" != 0 ]]; then
  if command -v clang++ >/dev/null 2>&1; then
    echo "== fuzz targets, a few seconds each (build-fuzz/)"
    CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOOLWALL_FUZZ=ON \
      -DTOOLWALL_SANITIZE=ON -DTOOLWALL_TESTS=OFF -DTOOLWALL_BENCH=OFF >/dev/null
    cmake --build build-fuzz -j"$jobs" --target fuzz_all
    ctest --test-dir build-fuzz/tests/fuzz --output-on-failure -j"$jobs" --timeout 300
  else
    echo "== fuzz targets skipped: clang++ not found (scripts/install-deps.sh installs it)"
  fi
fi
