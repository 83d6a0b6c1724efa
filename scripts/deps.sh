#!/usr/bin/env bash
# Installs the Debian 12 / Ubuntu packages Clusterwatch needs, if missing. Every package is named
# here: installs run with --no-install-recommends, so nothing may rely on what a package only
# recommends (qt6-base-dev only *recommends* libqt6opengl6-dev, which Qt Charts' CMake package
# requires; libqt6sql6 only recommends the SQLite driver the alert history needs).
#
# Usage: scripts/deps.sh [demo|test|all]   (default: all)
#   demo  what scripts/run.sh needs: build the app, run it, and the sandbox cluster
#   test  what scripts/test.sh needs: all of the above plus the test and benchmark tools
#   all   same as test
#   --list [SET]  prints the packages of SET, one per line, and installs nothing
set -euo pipefail

# Compiling and linking the app (no tests).
build=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev libgl-dev
  libcurl4-openssl-dev libhiredis-dev libpq-dev libyaml-cpp-dev
)
# What the app loads at run time beyond its linked libraries: the Qt SQL driver of the alert
# history, fonts for every label, the offscreen/xcb platform plugins.
runtime=(libqt6sql6-sqlite qt6-qpa-plugins fontconfig fonts-dejavu-core)
# scripts/sandbox.sh: private dockerd, busybox image, Redis, PostgreSQL, nginx, the n8n stand-in
# (python3 with its Redis and PostgreSQL clients) and the tools the script itself calls.
sandbox=(
  docker.io busybox-static redis-server redis-tools postgresql-15 postgresql-client-15
  nginx-light python3 python3-redis python3-psycopg2 curl openssl procps ca-certificates
)
# Tests and benchmarks on top: Qt Test comes with qt6-base-dev; Google Benchmark; a virtual
# display for the GUI tests and run.sh's hint; clang-format for the format check in CI;
# poppler-utils (pdftotext, pdfinfo, pdftoppm) to read back the drill report's PDF.
tests=(libbenchmark-dev xvfb xauth clang-format poppler-utils)

set_name=all
list_only=0
for arg in "$@"; do
  case $arg in
    --list) list_only=1 ;;
    demo | test | all) set_name=$arg ;;
    *) echo "deps: unknown argument '$arg' (demo, test, all, --list)" >&2; exit 2 ;;
  esac
done

packages=("${build[@]}" "${runtime[@]}" "${sandbox[@]}")
[[ $set_name == demo ]] || packages+=("${tests[@]}")

if ((list_only)); then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#packages[@]} packages of the '$set_name' set are present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    {
      echo "deps: ${#missing[@]} packages are missing and this user is not root and has no sudo."
      echo "deps: ask an administrator to run:"
      echo "  apt-get install --no-install-recommends ${missing[*]}"
    } >&2
    exit 1
  fi
  SUDO="sudo"
fi
echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: done"
