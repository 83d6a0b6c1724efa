#!/usr/bin/env bash
# README's first command: installs what is missing, builds, brings up the local demo cluster
# (scripts/sandbox.sh: five n8n stand-ins on a private Docker engine, Redis, PostgreSQL, nginx
# and a load generator) and opens the dashboard on it. The sandbox keeps running after the
# window closes: `scripts/sandbox.sh down` stops it.
# Usage: scripts/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
state=${CW_SANDBOX_DIR:-/tmp/cw-sandbox}

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${QT_QPA_PLATFORM:-} ]]; then
  cat >&2 <<MSG
run.sh: no display to open the dashboard on (DISPLAY and WAYLAND_DISPLAY are unset).
  - On a desktop, run it from a terminal inside your session.
  - Over SSH, connect with 'ssh -X' (X11 forwarding).
  - Headless, use a virtual display: sudo apt-get install xvfb && xvfb-run -a scripts/run.sh
    (and take screenshots with 'import -window root shot.png' from imagemagick).
Nothing was installed or started.
MSG
  exit 1
fi

step() { printf '\nrun.sh [%s/4] %s\n' "$1" "$2"; }
step 1 "packages the demo needs (scripts/deps.sh demo)"
"$root/scripts/deps.sh" demo
step 2 "building the dashboard only, in build/ (the first time takes a few minutes; tests are not built)"
"$root/scripts/build.sh" --app "$root/build"

step 3 "starting the demo cluster (scripts/sandbox.sh up)"
if "$root/scripts/sandbox.sh" status >/dev/null 2>&1; then
  echo "run.sh: the sandbox is already up"
else
  "$root/scripts/sandbox.sh" up
fi

# The cluster file refers to the generated passwords as ${CW_SANDBOX_*}.
set -a
# shellcheck disable=SC1091
. "$state/env"
set +a
step 4 "opening the dashboard; stop the demo cluster later with: scripts/sandbox.sh down"
exec "$root/build/app/clusterwatch" --config "$root/resources/examples/sandbox.yaml"
