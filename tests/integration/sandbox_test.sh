#!/usr/bin/env bash
# End-to-end check of scripts/sandbox.sh: the demo cluster comes up on a private Docker Engine,
# its queue really moves, stopping both workers makes the queue grow, starting them drains it,
# stopping the Redis container makes every n8n process exit and come back with it, and `down`
# leaves nothing behind. Fails (never skips) when anything is missing.
# Needs root. About 2-3 minutes.
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
    for n in n8n-worker-1 n8n-worker-2 n8n-main n8n-redis; do
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
# Redis in the sixth, like the guide's compose service, running the real redis-server.
state=$(dk inspect -f '{{.State.Status}} {{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}} {{index .Config.Labels "com.docker.compose.project"}} {{index .Config.Labels "com.docker.compose.service"}} {{index .Config.Labels "clusterwatch.role"}}' n8n-redis 2>&1) \
  || fail "container n8n-redis: $state"
[[ $state == "running host unless-stopped n8n-sandbox n8n-redis redis" ]] || fail "container n8n-redis: $state"
# The output is read whole before grep looks at it: with pipefail, `grep -q` quitting at its
# first match would fail the pipeline through the writer's SIGPIPE.
grep -q 'redis-server 127.0.0.1:25379' <<<"$(dk top n8n-redis)" \
  || fail "n8n-redis does not run redis-server on :25379: $(dk top n8n-redis 2>&1)"
[[ $(rc PING) == PONG ]] || fail "redis in n8n-redis does not answer PING with the password"
running=$(dk ps -q --filter label=com.docker.compose.project=n8n-sandbox | wc -l)
[[ $running == 6 ]] || fail "expected 6 running sandbox containers (5 nodes and n8n-redis), found $running"

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
# The GET webhook the drills' prober calls.
body=$(curl -s --max-time 5 http://127.0.0.1:25080/webhook/probe-get)
[[ $body == '{"message":"Workflow was started"}' ]] || fail "GET webhook through nginx answered: $body"
note "6 containers running, every node healthy"

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

# --- Redis stopped: every n8n process gives up on it and comes back with it ------------------
# n8n exits after QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD (10 s) without Redis; unless-stopped
# starts it again, and it stays once Redis answers.
names=(n8n-main n8n-worker-1 n8n-worker-2 n8n-webhook-1 n8n-webhook-2)
restarts() { dk inspect -f '{{.RestartCount}}' "${names[@]}" | paste -sd' ' -; }
r0=$(restarts)
redis_stop=$EPOCHREALTIME
dk stop n8n-redis >/dev/null || fail "docker stop n8n-redis failed"
stop_secs=$(awk -v a="$redis_stop" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
[[ $(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' n8n-redis) == "exited 0" ]] \
  || fail "n8n-redis did not exit cleanly on SIGTERM: $(dk inspect -f '{{.State.Status}} {{.State.ExitCode}}' n8n-redis)"
awk -v s="$stop_secs" 'BEGIN { exit !(s < 3) }' || fail "docker stop n8n-redis took ${stop_secs}s"
not_ready=0
for _ in $(seq 1 30); do
  [[ $(code http://127.0.0.1:25679/healthz/readiness) == 503 ]] && { not_ready=1; break; }
  sleep 0.1
done
((not_ready)) || fail "a worker is still ready 3 s after Redis stopped"
all_exited=0
for _ in $(seq 1 50); do
  sleep 0.5
  all_exited=1
  i=0
  for n in $(restarts); do
    ((n > $(echo "$r0" | cut -d' ' -f$((i + 1))))) || all_exited=0
    i=$((i + 1))
  done
  ((all_exited)) && break
done
gone_secs=$(awk -v a="$redis_stop" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
((all_exited)) || fail "not every n8n container exited within 25 s of stopping Redis (restarts $r0 -> $(restarts))"
awk -v s="$gone_secs" 'BEGIN { exit !(s >= 9) }' || fail "n8n gave up on Redis after ${gone_secs}s, before its 10 s"
for n in "${names[@]}"; do
  grep -q 'Exiting process due to Redis connection error' <<<"$(dk logs "$n" 2>&1)" \
    || fail "$n did not log n8n's Redis exit message"
done
redis_start=$EPOCHREALTIME
dk start n8n-redis >/dev/null || fail "docker start n8n-redis failed"
back=0
for _ in $(seq 1 60); do
  back=1
  for entry in "${NODES[@]}"; do
    [[ $(code "http://127.0.0.1:${entry##*:}/healthz/readiness") == 200 ]] || { back=0; break; }
  done
  ((back)) && break
  sleep 0.5
done
back_secs=$(awk -v a="$redis_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
((back)) || fail "the nodes were not ready again within 30 s of starting Redis"
# nginx marked the webhook processors down while they failed (max_fails=3 fail_timeout=30s, as
# in the guide): webhooks through it may answer 502 "no live upstreams" for up to 30 s more.
lb_back=0
for _ in $(seq 1 40); do
  body=$(curl -s --max-time 5 -X POST http://127.0.0.1:25080/webhook/probe-wait)
  [[ $body == '{"message":"Workflow was started"}' ]] && { lb_back=1; break; }
  sleep 1
done
lb_secs=$(awk -v a="$redis_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
((lb_back)) || fail "webhooks through nginx did not work again within 40 s of the nodes being ready: $body"
note "redis stopped in ${stop_secs}s: every n8n process exited by ${gone_secs}s; all ready ${back_secs}s and webhooks through nginx ${lb_secs}s after redis started"

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
left=$(pgrep -af 'n8n_sim\.py|sandbox/loadgen\.py|/tmp/cw-sandbox/|redis-server 127\.0\.0\.1:25379' || true)
[[ -z $left ]] || fail "processes left behind: $left"
bash "$sandbox" down >/dev/null || fail "a second down failed (it must be idempotent)"
note "PASS (up ${up_secs}s, down ${down_secs}s)"
