#!/bin/sh
# Runs the dialect integration tests: the pinned SDKs are installed from the lockfile when missing,
# then node's test runner drives `toolwall serve` (TOOLWALL_BINARY, default build/toolwall).
set -e
cd "$(dirname "$0")"
test -f node_modules/openai/package.json && test -f node_modules/@anthropic-ai/sdk/package.json ||
  npm ci --no-audit --no-fund --ignore-scripts
exec node --test "$@"
