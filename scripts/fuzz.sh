#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) into build-fuzz/ and runs each for SECONDS
# (default 600) at `nice -n 19`, PARALLEL (default 2) at a time. Per target: the corpus grows in
# build-fuzz/fuzz/corpus/<name> (seeded from the test data), crashes land in build-fuzz/fuzz/artifacts/,
# libFuzzer's log in build-fuzz/fuzz/logs/<name>.log; a summary line per target is printed at the end.
#   scripts/fuzz.sh                 # every target, 10 minutes each
#   SECONDS_EACH=30 scripts/fuzz.sh shell engine   # some targets, briefly
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_EACH:-600}"
parallel="${PARALLEL:-2}"
build=build-fuzz

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOOLWALL_FUZZ=ON \
    -DTOOLWALL_SANITIZE=ON -DTOOLWALL_TESTS=OFF -DTOOLWALL_BENCH=OFF >/dev/null
  cmake --build "$build" -j"${JOBS:-2}" --target fuzz_all
fi

work="$build/fuzz"
mkdir -p "$work/corpus" "$work/artifacts" "$work/logs"
"$build/tests/fuzz/fuzz_seeds" . "$work/seeds" >/dev/null

if [[ $# -gt 0 ]]; then
  names=("$@")
else
  names=()
  for bin in "$build"/tests/fuzz/fuzz_*; do
    name="$(basename "$bin")"; name="${name#fuzz_}"
    [[ "$name" == seeds || ! -x "$bin" || -d "$bin" ]] && continue
    names+=("$name")
  done
fi

run_one() {
  local name="$1"
  local seeds="$work/seeds/$name"
  mkdir -p "$work/corpus/$name" "$seeds"
  echo "fuzz: $name for ${seconds}s"
  nice -n 19 "$build/tests/fuzz/fuzz_$name" "$work/corpus/$name" "$seeds" \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$name-" >"$work/logs/$name.log" 2>&1 || echo "fuzz: $name FAILED (see $work/logs/$name.log)"
}

running=0
for name in "${names[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if (( running >= parallel )); then wait -n || true; running=$((running - 1)); fi
done
wait || true

status=0
for name in "${names[@]}"; do
  log="$work/logs/$name.log"
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  cov="$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1 | grep -o 'cov: [0-9]* ft: [0-9]*' || true)"
  if grep -qE 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error|SUMMARY: ' "$log"; then
    echo "$name: CRASH  runs=${runs:-?} ${cov}"; status=1
  else
    echo "$name: clean  runs=${runs:-?} ${cov}"
  fi
done
exit $status
