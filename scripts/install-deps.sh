#!/usr/bin/env bash
# Installs what toolwall needs to build and test on Debian 12, from Debian's packages only.
# Idempotent: packages already present are skipped, so CI and repeat runs cost seconds.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates
  libboost1.81-dev libssl-dev zlib1g-dev nlohmann-json3-dev libyaml-cpp-dev libjemalloc-dev
  catch2 libbenchmark-dev
  clang libclang-rt-14-dev
  nginx-light wrk
)
# Node.js and npm fetch the pinned grammars (and the SDK clients used by the tests) from the npm registry.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "toolwall: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
