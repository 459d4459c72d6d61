#!/usr/bin/env bash
# CPU time each proxy spends per request: the same scripted upstream and load client as
# proxy_bench.sh, through nginx (a plain reverse proxy) and through toolwall, one response shape and
# concurrency at a time; the proxy's user+system time (from /proc) over N requests, divided by N.
#
#   tests/bench/proxy_cpu.sh [BUILD_DIR] [SHAPE] [CONCURRENCY] [REQUESTS] [--stream]
#   tests/bench/proxy_cpu.sh build-proxy-rel parsed 64 60000
#
# SHAPE is text, tool, distinct, chain, quoted, unquoted or parsed (see proxy_load_bench.cpp). Needs a Release build of
# `toolwall` and `proxy_load_bench` in BUILD_DIR, and nginx.
set -euo pipefail

BUILD=${1:-build}; SHAPE=${2:-text}; CONCURRENCY=${3:-64}; REQUESTS=${4:-60000}; STREAM=${5:-}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"
LOAD="$BUILD/tests/bench/proxy_load_bench"
TOOLWALL="$BUILD/toolwall"
NGINX=${NGINX:-/usr/sbin/nginx}
POLICY=${POLICY:-rules/default.yaml}
PROFILES=${PROFILES:-config/agents.yaml}
source "$REPO/tests/bench/bench_lib.sh"

UP=$(free_port); NG=$(free_port); TW=$(free_port)
"$LOAD" upstream --port "$UP" --threads 1 > /dev/null & PIDS+=($!)
start_nginx "$NG" "$UP" nginx; NG_PID=${PIDS[-1]}
start_toolwall "$TW" "$UP"; TW_PID=${PIDS[-1]}
for p in "$UP" "$NG" "$TW"; do wait_port "$p"; done

# Clock ticks (user + system) of every thread of the given processes.
ticks() {
  local total=0
  for pid in "$@"; do
    for task in /proc/"$pid"/task/*; do
      read -r -a f < "$task/stat"
      total=$((total + f[13] + f[14]))
    done
  done
  echo "$total"
}
HZ=$(getconf CLK_TCK)

for name in nginx toolwall; do
  if [ "$name" = toolwall ]; then port=$TW; pids=$TW_PID; else port=$NG; pids="$NG_PID $(pgrep -P "$NG_PID" | xargs)"; fi
  "$LOAD" load --port "$port" --requests 2000 --concurrency "$CONCURRENCY" $STREAM --shape "$SHAPE" > /dev/null
  before=$(ticks $pids)
  result=$("$LOAD" load --port "$port" --requests "$REQUESTS" --concurrency "$CONCURRENCY" $STREAM --shape "$SHAPE")
  after=$(ticks $pids)
  python3 - "$name" "$result" "$before" "$after" "$HZ" "$REQUESTS" "$SHAPE" "$CONCURRENCY" "${STREAM:-}" <<'PY'
import json, sys
name, result, before, after, hz, n, shape, c, stream = sys.argv[1:]
r = json.loads(result)
us = (int(after) - int(before)) * 1e6 / int(hz) / int(n)
print(f"{name:8s} {shape}{' streamed' if stream else ''} c={c}: {r['rps']:.0f} req/s, {us:.1f} µs CPU per request")
PY
done
