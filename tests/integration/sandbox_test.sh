#!/usr/bin/env bash
# End-to-end check of scripts/sandbox.sh: the demo cluster comes up on a private Docker Engine,
# its queue really moves, stopping both workers makes the queue grow, starting them drains it,
# and `down` leaves nothing behind. Fails (never skips) when anything is missing.
# Needs root. About 1.5-2 minutes.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sandbox=$repo/scripts/sandbox.sh
DIR=/tmp/cw-sandbox
export CW_SANDBOX_DIR=$DIR
NODES=(n8n-main:25678 n8n-worker-1:25679 n8n-worker-2:25680 n8n-webhook-1:25681 n8n-webhook-2:25682)
t0=$EPOCHREALTIME
brought_up=0

note() { printf '[%6.1fs] %s\n' "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" "$*"; }
fail() {
  echo "FAIL: $*" >&2
  if ((brought_up)) && [[ -d $DIR ]]; then
    bash "$sandbox" status >&2 || true
    for n in n8n-worker-1 n8n-worker-2 n8n-main; do
      echo "--- docker logs $n (last 8 lines)" >&2
      dk logs --tail 8 "$n" >&2 2>&1 || true
    done
  fi
  exit 1
}
dk() { /usr/bin/docker -H "unix://$DIR/docker.sock" "$@"; }
rc() { REDISCLI_AUTH=$CW_SANDBOX_REDIS_PASSWORD redis-cli --raw -h 127.0.0.1 -p 25379 "$@"; }
pg() {
  PGPASSWORD=$CW_SANDBOX_DB_PASSWORD psql -X -At -h 127.0.0.1 -p 25432 -U n8n -d n8n -c "$1"
}
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" || true; }
successes() { pg "SELECT count(*) FROM execution_entity WHERE status = 'success'"; }
waiting() { rc LLEN bull:jobs:wait; }
metric() {
  curl -s --max-time 2 http://127.0.0.1:25678/metrics | awk -v m="$1" '$1 == m { print $2 }'
}

cleanup() {
  local rc=$?
  if ((brought_up)); then
    bash "$sandbox" down >/dev/null 2>&1 || echo "cleanup: sandbox down failed" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so that a ctest timeout still runs cleanup

[[ $(id -u) -eq 0 ]] || fail "must run as root (private dockerd, PostgreSQL as postgres)"
for tool in curl redis-cli psql; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/deps.sh installs it)"
done
[[ -x /usr/bin/docker ]] || fail "/usr/bin/docker is missing (scripts/deps.sh installs docker.io)"
# Someone's sandbox is running: do not touch it, and do not pretend to have tested.
[[ ! -e $DIR ]] || fail "$DIR already exists (a sandbox is up?); run: scripts/sandbox.sh down"

# --- up --------------------------------------------------------------------------------------
up_start=$EPOCHREALTIME
brought_up=1
timeout 150 bash "$sandbox" up || fail "sandbox up failed"
up_secs=$(awk -v a="$up_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
note "up took ${up_secs}s"
dockerd_pid=$(cat "$DIR/dockerd.pid")
[[ $(stat -c %a "$DIR/env") == 600 ]] || fail "$DIR/env is not mode 600"
set -a; . "$DIR/env"; set +a
[[ -n ${CW_SANDBOX_REDIS_PASSWORD:-} && -n ${CW_SANDBOX_DB_PASSWORD:-} ]] \
  || fail "$DIR/env has no passwords"

# Five containers, running, labelled like a Compose project.
for entry in "${NODES[@]}"; do
  name=${entry%%:*}
  state=$(dk inspect -f '{{.State.Status}} {{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}} {{index .Config.Labels "com.docker.compose.project"}} {{index .Config.Labels "clusterwatch.node"}}' "$name" 2>&1) \
    || fail "container $name: $state"
  [[ $state == "running host unless-stopped n8n-sandbox $name" ]] || fail "container $name: $state"
done
running=$(dk ps -q --filter label=com.docker.compose.project=n8n-sandbox | wc -l)
[[ $running == 5 ]] || fail "expected 5 running sandbox containers, found $running"

# Every node answers its health endpoints; main has queue metrics, webhook processors have none.
for entry in "${NODES[@]}"; do
  name=${entry%%:*} port=${entry##*:}
  [[ $(code "http://127.0.0.1:$port/healthz") == 200 ]] || fail "$name :$port/healthz is not 200"
  [[ $(code "http://127.0.0.1:$port/healthz/readiness") == 200 ]] \
    || fail "$name :$port/healthz/readiness is not 200"
done
[[ $(code http://127.0.0.1:25080/healthz) == 200 ]] || fail "nginx :25080/healthz is not 200"
[[ $(code http://127.0.0.1:25681/metrics) == 404 ]] || fail "webhook processor /metrics is not 404"
[[ $(code http://127.0.0.1:25679/metrics) == 200 ]] || fail "worker /metrics is not 200"
[[ -n $(metric n8n_scaling_mode_queue_jobs_waiting) ]] \
  || fail "main /metrics has no n8n_scaling_mode_queue_jobs_waiting"
body=$(curl -s --max-time 5 -X POST http://127.0.0.1:25080/webhook/probe-wait)
[[ $body == '{"message":"Workflow was started"}' ]] || fail "webhook through nginx answered: $body"
note "5 containers running, every node healthy"

# --- the queue moves with two workers ---------------------------------------------------------
s0=$(successes)
c0=$(metric n8n_scaling_mode_queue_jobs_completed)
drained=0
for _ in $(seq 1 30); do
  sleep 1
  [[ $(waiting) == 0 ]] && drained=1
  ((drained)) && (( $(successes) - s0 >= 15 )) && break
done
s1=$(successes)
c1=$(metric n8n_scaling_mode_queue_jobs_completed)
((s1 - s0 >= 15)) || fail "only $((s1 - s0)) executions succeeded in 30 s with two workers"
((drained)) || fail "bull:jobs:wait never emptied in 30 s with two workers"
((c1 > c0)) || fail "main's n8n_scaling_mode_queue_jobs_completed did not grow ($c0 -> $c1)"
note "two workers: $((s1 - s0)) executions succeeded, the wait list emptied"

# --- both workers stopped: the wait list grows -------------------------------------------------
dk stop n8n-worker-1 n8n-worker-2 >/dev/null || fail "docker stop of the workers failed"
note "workers stopped"
for w in n8n-worker-1 n8n-worker-2; do
  [[ $(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$w") == "exited 0" ]] \
    || fail "$w did not exit cleanly on SIGTERM: $(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$w")"
done
# Graceful shutdown: they finished their jobs; none is left running or holding a slot.
[[ $(rc LLEN bull:jobs:active) == 0 ]] || fail "jobs are still active after both workers stopped"
[[ $(pg "SELECT count(*) FROM execution_entity WHERE status = 'running'") == 0 ]] \
  || fail "executions are still 'running' after both workers stopped"
w0=$(waiting)
s2=$(successes)
sleep 10
w1=$(waiting)
((w1 - w0 >= 10)) || fail "the wait list grew only from $w0 to $w1 in 10 s without workers"
[[ $(successes) == "$s2" ]] || fail "executions succeeded while no worker ran"
[[ $(code http://127.0.0.1:25679/healthz) == 000 ]] || fail "a stopped worker still answers /healthz"
gauge=$(metric n8n_scaling_mode_queue_jobs_waiting)
((gauge >= w1 - 5)) || fail "main's waiting gauge ($gauge) does not follow the wait list ($w1)"
note "no workers: wait list $w0 -> $w1 in 10 s (main reports $gauge)"

# --- workers back: it drains again ----------------------------------------------------------
dk start n8n-worker-1 n8n-worker-2 >/dev/null || fail "docker start of the workers failed"
peak=$w1
drained=0
for _ in $(seq 1 90); do
  sleep 1
  w=$(waiting)
  ((w > peak)) && peak=$w
  if ((w <= 2)); then drained=1; break; fi
done
((drained)) || fail "the wait list did not drain within 90 s of restarting the workers (now $(waiting), peak $peak)"
((peak > 0)) || fail "nothing was waiting before the restart"
note "workers restarted: wait list drained from $peak"

# --- down -------------------------------------------------------------------------------------
down_start=$EPOCHREALTIME
timeout 60 bash "$sandbox" down || fail "sandbox down failed"
brought_up=0
down_secs=$(awk -v a="$down_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
note "down took ${down_secs}s"
# A zombie (exited, not yet reaped by PID 1) is not running.
dockerd_state=$(sed 's/.*) //' "/proc/$dockerd_pid/stat" 2>/dev/null | cut -d' ' -f1 || true)
[[ -z $dockerd_state || $dockerd_state == Z ]] || fail "dockerd (pid $dockerd_pid) is still running"
! grep -qF " $DIR" /proc/self/mountinfo || fail "mounts remain under $DIR: $(grep -F " $DIR" /proc/self/mountinfo)"
[[ ! -e $DIR ]] || fail "$DIR still exists"
for port in 25678 25679 25680 25681 25682 25379 25432 25080; do
  ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "something still listens on 127.0.0.1:$port"
done
left=$(pgrep -af 'n8n_sim\.py|sandbox/loadgen\.py|/tmp/cw-sandbox/' || true)
[[ -z $left ]] || fail "processes left behind: $left"
bash "$sandbox" down >/dev/null || fail "a second down failed (it must be idempotent)"
note "PASS (up ${up_secs}s, down ${down_secs}s)"
