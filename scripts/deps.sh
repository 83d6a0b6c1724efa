#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Clusterwatch needs to build, test and run, if missing.
# Usage: scripts/deps.sh [--runtime-only]
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6sql6-sqlite libgl-dev
  libcurl4-openssl-dev libhiredis-dev libpq-dev libyaml-cpp-dev libbenchmark-dev
  redis-server postgresql-15 nginx-light
  xvfb xauth
  # scripts/sandbox.sh: private dockerd, busybox image, the n8n simulator and its clients
  docker.io busybox-static openssl python3 python3-redis python3-psycopg2 curl redis-tools
  postgresql-client-15
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
