#!/usr/bin/env bash
# Soak run: the real `toolwall serve` (BUILD, default build/) under a loopback load of REQUESTS
# (default 100000) at CONCURRENCY (default 64), mixing streamed and whole responses with allowed,
# flagged, blocked calls and plain text; checks every reply and samples the daemon's VmRSS.
# Prints one "soak:" line with the figures (record them in tests/hardening/SOAK.md); exit 1 on any
# unexpected reply or when VmRSS in the last 10% of the run exceeds the first 10% by more than 10% + 4 MiB.
#   scripts/soak.sh
#   REQUESTS=20000 CONCURRENCY=32 BUILD=build-hard scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD:-build}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  cmake --build "$build" -j"${JOBS:-2}" --target toolwall test_hardening_soak
fi
SOAK_REQUESTS="${REQUESTS:-100000}" SOAK_CONCURRENCY="${CONCURRENCY:-64}" \
  "$build/tests/test_hardening_soak" "[soak]"
