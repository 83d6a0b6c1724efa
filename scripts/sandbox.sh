#!/usr/bin/env bash
# A local demo n8n queue-mode cluster for Clusterwatch, on a private Docker Engine.
#
# Usage: scripts/sandbox.sh up [--no-load] | down | status | freeze-workers | thaw-workers
#
#   up      starts everything below (5-10 s), then a load generator unless --no-load
#   down    stops exactly what `up` started (pid files, container ids: the nodes and Redis) and
#           deletes the state directory; safe to run twice
#   status  prints the state of every part; exit 0 when all are up, 3 when the sandbox is down,
#           1 when only some parts run
#   freeze-workers / thaw-workers
#           drill aid: the workers keep answering their health checks but take no new jobs
#           (SIGUSR1 / SIGUSR2 to the stand-in), the "worker stalled" case n8n's own checks miss
#
# What runs (all on 127.0.0.1, on ports nobody else guesses):
#   dockerd      private engine, socket unix://$CW_SANDBOX_DIR/docker.sock (scripts/dockerd-private.sh)
#   containers   n8n-main :25678, n8n-worker-1 :25679, n8n-worker-2 :25680 (health ports),
#                n8n-webhook-1 :25681, n8n-webhook-2 :25682; host network, restart unless-stopped,
#                Compose labels (project n8n-sandbox). Each runs scripts/sandbox/n8n_sim.py, a
#                stand-in that behaves like n8n 1.123.81 (endpoints, Bull keys, execution rows)
#                with the host's python3 bind-mounted read-only into a busybox image.
#   n8n-redis    container on the same engine, like the guide's compose service: the host's
#                redis-server :25379 (password, appendonly yes) in the foreground as PID 1, data
#                in $CW_SANDBOX_DIR/redis, restart unless-stopped, label clusterwatch.role=redis.
#                `docker stop n8n-redis` is the Redis outage of a drill: every n8n process exits
#                about 10 s later ("Exiting process due to Redis connection error") and comes
#                back by its restart policy once Redis is started again.
#   postgres     PostgreSQL 15 :25432 on the host as user postgres; database n8n, user n8n
#                (password), n8n's real schema from tests/data/postgres/ plus three active
#                webhook workflows
#   nginx        load balancer :25080 on the host: /webhook/ to the webhook processors, the rest
#                to main
#   loadgen      scripts/sandbox/loadgen.py, about 3 webhooks/s with bursts, through nginx
#
# Passwords are generated into $CW_SANDBOX_DIR/env (mode 600). To watch the sandbox:
#   set -a; . /tmp/cw-sandbox/env; set +a; clusterwatch -c resources/examples/sandbox.yaml
#
# Environment: CW_SANDBOX_DIR (default /tmp/cw-sandbox; the example cluster file assumes it),
# CW_SANDBOX_CONCURRENCY (worker concurrency, 5), CW_SANDBOX_LOAD_RATE (webhooks/s, 3),
# CW_SANDBOX_QUEUE_METRICS_INTERVAL (s, 1), CW_SIM_WAIT_SECONDS (job length, 2).
# Needs root (dockerd, PostgreSQL as postgres); installs missing packages via scripts/deps.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
DIR=${CW_SANDBOX_DIR:-/tmp/cw-sandbox}
DIR=${DIR%/}

PROJECT=n8n-sandbox
IMAGE=clusterwatch/n8n-sim:1.123.81
# The same busybox image under a name that says what runs in it (the host's redis-server).
REDIS_IMAGE=clusterwatch/host-redis:local
REDIS_CONTAINER=n8n-redis
PORT_MAIN=25678
PORT_WORKER1=25679
PORT_WORKER2=25680
PORT_WEBHOOK1=25681
PORT_WEBHOOK2=25682
PORT_REDIS=25379
PORT_PG=25432
PORT_LB=25080
ALL_PORTS=("$PORT_MAIN" "$PORT_WORKER1" "$PORT_WORKER2" "$PORT_WEBHOOK1" "$PORT_WEBHOOK2" "$PORT_REDIS" "$PORT_PG" "$PORT_LB")
NODES=(n8n-main n8n-worker-1 n8n-worker-2 n8n-webhook-1 n8n-webhook-2)
PG_BIN=/usr/lib/postgresql/15/bin
PY=/usr/bin/python3   # Debian's, which has python3-redis and python3-psycopg2
DOCKERD_PRIVATE=$repo/scripts/dockerd-private.sh
SCHEMA=$repo/tests/data/postgres/n8n_v1.123.81_schema_full.sql
pg_starter=   # PostgreSQL's background start during up

started_at=$EPOCHREALTIME
say() { printf 'sandbox [%5.1fs] %s\n' "$(awk -v a="$started_at" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" "$*"; }
die() { echo "sandbox: $*" >&2; exit 1; }

docker_cli() { /usr/bin/docker -H "unix://$DIR/docker.sock" "$@"; }

node_port() {
  case $1 in
    n8n-main) echo $PORT_MAIN ;;
    n8n-worker-1) echo $PORT_WORKER1 ;;
    n8n-worker-2) echo $PORT_WORKER2 ;;
    n8n-webhook-1) echo $PORT_WEBHOOK1 ;;
    n8n-webhook-2) echo $PORT_WEBHOOK2 ;;
  esac
}

# The pid in FILE if that process is alive and its command line contains PATTERN
# (a recycled pid must never be signalled).
pid_of() {
  local file=$1 pattern=$2 pid
  [[ -f $file ]] || return 1
  pid=$(head -n1 "$file" 2>/dev/null | tr -dc 0-9)
  [[ -n $pid ]] && alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  echo "$pid"
}

# True while PID runs. A zombie counts as gone: orphans are reaped by whatever runs as PID 1,
# which can take a second or more.
alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $state && $state != Z ]]
}

# Sends SIG, waits up to SECONDS for the exit, then SIGKILL.
stop_pid() {
  local pid=$1 sig=$2 seconds=$3
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((seconds * 10))); do
    alive "$pid" || return 0
    sleep 0.1
  done
  echo "sandbox: pid $pid did not stop within ${seconds}s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-2}" "$1" 2>/dev/null || true; }

mounts_under() {
  awk -v d="$DIR/" '{ gsub(/\\040/, " ", $5); if (index($5, d) == 1 || $5 == substr(d, 1, length(d) - 1)) print $5 }' \
    /proc/self/mountinfo
}

rcli() { REDISCLI_AUTH=${CW_SANDBOX_REDIS_PASSWORD:-} redis-cli --raw -h 127.0.0.1 -p $PORT_REDIS "$@" 2>/dev/null; }

load_env() {
  [[ -r $DIR/env ]] || return 1
  # shellcheck disable=SC1091
  set -a; . "$DIR/env"; set +a
}

# ----------------------------------------------------------------------------------------------
# up

write_secrets() {
  local redis_pw db_pw key
  redis_pw=$($PY -c 'import secrets; print(secrets.token_hex(16))')
  db_pw=$($PY -c 'import secrets; print(secrets.token_hex(16))')
  key=$($PY -c 'import secrets; print(secrets.token_hex(24))')
  (umask 077
   cat >"$DIR/env" <<EOF
# Generated by scripts/sandbox.sh up. Load with: set -a; . $DIR/env; set +a
CW_SANDBOX_REDIS_PASSWORD=$redis_pw
CW_SANDBOX_DB_PASSWORD=$db_pw
CW_SANDBOX_ENCRYPTION_KEY=$key
EOF
   # The containers' common environment, with n8n's own variable names (docker --env-file).
   cat >"$DIR/n8n.env" <<EOF
EXECUTIONS_MODE=queue
QUEUE_BULL_REDIS_HOST=127.0.0.1
QUEUE_BULL_REDIS_PORT=$PORT_REDIS
QUEUE_BULL_REDIS_PASSWORD=$redis_pw
DB_TYPE=postgresdb
DB_POSTGRESDB_HOST=127.0.0.1
DB_POSTGRESDB_PORT=$PORT_PG
DB_POSTGRESDB_DATABASE=n8n
DB_POSTGRESDB_USER=n8n
DB_POSTGRESDB_PASSWORD=$db_pw
N8N_ENCRYPTION_KEY=$key
N8N_DIAGNOSTICS_ENABLED=false
N8N_METRICS=true
N8N_METRICS_INCLUDE_QUEUE_METRICS=true
N8N_METRICS_QUEUE_METRICS_INTERVAL=${CW_SANDBOX_QUEUE_METRICS_INTERVAL:-1}
N8N_METRICS_INCLUDE_MESSAGE_EVENT_BUS_METRICS=true
N8N_METRICS_INCLUDE_WORKFLOW_ID_LABEL=true
GENERIC_TIMEZONE=UTC
WEBHOOK_URL=http://127.0.0.1:$PORT_LB/
PYTHONUNBUFFERED=1
PYTHONDONTWRITEBYTECODE=1
EOF
   if [[ -n ${CW_SIM_WAIT_SECONDS:-} ]]; then
     echo "CW_SIM_WAIT_SECONDS=$CW_SIM_WAIT_SECONDS" >>"$DIR/n8n.env"
   fi)
}

# Redis runs in a container like the nodes (the host's binary, bind-mounted read-only into the
# busybox image), so a drill can stop it through the engine as users of the guide's compose file
# do. redis-server is PID 1 in the foreground: it ends on SIGTERM at once.
start_redis() {
  mkdir -p "$DIR/redis"
  (umask 077
   cat >"$DIR/redis/redis.conf" <<EOF
# Written by scripts/sandbox.sh for the container $REDIS_CONTAINER ($DIR/redis is its /data).
bind 127.0.0.1
port $PORT_REDIS
protected-mode yes
requirepass $CW_SANDBOX_REDIS_PASSWORD
daemonize no
logfile ""
dir /data
appendonly yes
EOF
  )
  docker_cli tag "$IMAGE" "$REDIS_IMAGE"
  local id
  id=$(docker_cli run -d --name "$REDIS_CONTAINER" --network host --restart unless-stopped \
    --label "com.docker.compose.project=$PROJECT" \
    --label "com.docker.compose.service=$REDIS_CONTAINER" \
    --label "com.docker.compose.container-number=1" \
    --label "com.docker.compose.oneoff=False" \
    --label "clusterwatch.role=redis" \
    -v /usr:/usr:ro -v /lib:/lib:ro -v /lib64:/lib64:ro \
    -v "$DIR/redis:/data" \
    --entrypoint /usr/bin/redis-server \
    "$REDIS_IMAGE" /data/redis.conf)
  echo "$REDIS_CONTAINER $id" >>"$DIR/containers"
  for _ in $(seq 1 50); do
    REDISCLI_AUTH=$CW_SANDBOX_REDIS_PASSWORD redis-cli -h 127.0.0.1 -p $PORT_REDIS ping 2>/dev/null \
      | grep -q PONG && return 0
    sleep 0.1
  done
  docker_cli logs --tail 20 "$REDIS_CONTAINER" >&2 2>&1 || true
  die "redis-server (container $REDIS_CONTAINER) did not answer on 127.0.0.1:$PORT_REDIS"
}

pg_as_postgres() { (cd / && runuser -u postgres -- "$@"); }

start_postgres() {
  mkdir -p "$DIR/pg/run"
  chown -R postgres:postgres "$DIR/pg"
  chmod 700 "$DIR/pg"
  pg_as_postgres "$PG_BIN/initdb" -D "$DIR/pg/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 --no-sync >"$DIR/pg-initdb.log" 2>&1 \
    || { cat "$DIR/pg-initdb.log" >&2; die "initdb failed"; }
  pg_as_postgres "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/postgresql.log" -w -t 30 \
    -o "-p $PORT_PG -k $DIR/pg/run -c listen_addresses=127.0.0.1" start >/dev/null \
    || { tail -n 20 "$DIR/pg/postgresql.log" >&2; die "PostgreSQL did not start"; }
  # The password goes through stdin, never a command line.
  pg_as_postgres psql -X -q -v ON_ERROR_STOP=1 -h "$DIR/pg/run" -p $PORT_PG -d postgres >/dev/null <<EOF
CREATE ROLE n8n LOGIN PASSWORD '$CW_SANDBOX_DB_PASSWORD';
CREATE DATABASE n8n OWNER n8n;
EOF
  # n8n's real schema, loaded as n8n (it owns every table, as after n8n's own migrations).
  PGPASSWORD=$CW_SANDBOX_DB_PASSWORD psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PORT_PG \
    -U n8n -d n8n -f "$SCHEMA" -f "$here/sandbox/seed.sql" >"$DIR/pg-schema.log" 2>&1 \
    || { cat "$DIR/pg-schema.log" >&2; die "loading n8n's schema failed"; }
}

run_node() {
  local name=$1 role=$2 number=$3
  local port args=()
  port=$(node_port "$name")
  case $role in
    main) args=(-e N8N_PORT="$port" -e N8N_LISTEN_ADDRESS=127.0.0.1) ;;
    webhook) args=(-e N8N_PORT="$port" -e N8N_LISTEN_ADDRESS=127.0.0.1) ;;
    worker) args=(-e QUEUE_HEALTH_CHECK_ACTIVE=true -e QUEUE_HEALTH_CHECK_PORT="$port"
                  -e N8N_WORKER_SERVER_ADDRESS=127.0.0.1) ;;
  esac
  local command=(start)
  [[ $role == worker ]] && command=(worker "--concurrency=${CW_SANDBOX_CONCURRENCY:-5}")
  [[ $role == webhook ]] && command=(webhook)
  local id
  id=$(docker_cli run -d --name "$name" --network host --restart unless-stopped \
    --label "com.docker.compose.project=$PROJECT" \
    --label "com.docker.compose.service=$name" \
    --label "com.docker.compose.container-number=$number" \
    --label "com.docker.compose.oneoff=False" \
    --label "clusterwatch.node=$name" \
    --label "clusterwatch.role=$role" \
    --env-file "$DIR/n8n.env" "${args[@]}" \
    -v /usr:/usr:ro -v /lib:/lib:ro -v /lib64:/lib64:ro \
    -v "$here/sandbox:/sandbox:ro" \
    --entrypoint /usr/bin/python3 \
    "$IMAGE" /sandbox/n8n_sim.py "${command[@]}")
  echo "$name $id" >>"$DIR/containers"
}

start_nginx() {
  mkdir -p "$DIR/nginx/tmp"
  chown nobody:nogroup "$DIR/nginx/tmp"
  sed -e "s|@DIR@|$DIR|g" "$here/sandbox/nginx.conf.in" >"$DIR/nginx/nginx.conf"
  # Workers run as nobody (nginx's default group "nobody" does not exist on Debian).
  sed -i '1i user nobody nogroup;' "$DIR/nginx/nginx.conf"
  nginx -q -t -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx/error.log" \
    || die "nginx rejected $DIR/nginx/nginx.conf"
  nginx -c "$DIR/nginx/nginx.conf" -p "$DIR/nginx" -e "$DIR/nginx/error.log"
}

wait_healthy() {
  local deadline=$(( $(date +%s) + $1 )) name pending
  while :; do
    pending=()
    for name in "${NODES[@]}"; do
      [[ $(http_code "http://127.0.0.1:$(node_port "$name")/healthz/readiness") == 200 ]] \
        || pending+=("$name")
    done
    [[ $(http_code "http://127.0.0.1:$PORT_LB/healthz") == 200 ]] || pending+=(nginx)
    ((${#pending[@]} == 0)) && return 0
    if (( $(date +%s) >= deadline )); then
      for name in "${pending[@]}"; do
        echo "sandbox: $name is not ready; its last log lines:" >&2
        if [[ $name == nginx ]]; then
          tail -n 10 "$DIR/nginx/error.log" >&2 || true
        else
          docker_cli logs --tail 10 "$name" >&2 2>&1 || true
        fi
      done
      return 1
    fi
    sleep 0.3
  done
}

start_loadgen() {
  setsid "$PY" "$here/sandbox/loadgen.py" --url "http://127.0.0.1:$PORT_LB" \
    --rate "${CW_SANDBOX_LOAD_RATE:-3}" --pidfile "$DIR/loadgen.pid" \
    </dev/null >>"$DIR/loadgen.log" 2>&1 &
  for _ in $(seq 1 30); do
    pid_of "$DIR/loadgen.pid" loadgen.py >/dev/null && return 0
    sleep 0.1
  done
  die "the load generator did not start (see $DIR/loadgen.log)"
}

undo_failed_up() {
  local rc=$?
  ((rc == 0)) && return
  echo "sandbox: up failed; stopping what it started" >&2
  # PostgreSQL may still be initialising in the background: let it finish so down finds it.
  [[ -n ${pg_starter:-} ]] && { wait "$pg_starter" || true; }
  cmd_down >&2 || true
  exit "$rc"
}

cmd_up() {
  local load=1
  for arg in "$@"; do
    case $arg in
      --no-load) load=0 ;;
      *) die "unknown option '$arg' (up [--no-load])" ;;
    esac
  done
  [[ $(id -u) -eq 0 ]] || die "needs root (a private dockerd, PostgreSQL run as postgres)"
  if [[ -e $DIR ]]; then
    if [[ -e $DIR/up.done ]]; then
      echo "sandbox: already up in $DIR"
      cmd_status
      return
    fi
    die "$DIR exists but is not a running sandbox (a failed up?); run: $0 down"
  fi
  (( ${#DIR} <= 40 )) || die "CW_SANDBOX_DIR is too long for unix socket paths: $DIR"
  local port
  for port in "${ALL_PORTS[@]}"; do
    port_busy "$port" && die "port 127.0.0.1:$port is already in use; is another sandbox running?"
  done
  [[ -x $DOCKERD_PRIVATE ]] || [[ -f $DOCKERD_PRIVATE ]] || die "missing $DOCKERD_PRIVATE"
  [[ -f $SCHEMA ]] || die "missing $SCHEMA"

  "$repo/scripts/deps.sh" demo
  say "starting in $DIR"
  mkdir -p "$DIR"
  chmod 755 "$DIR"   # PostgreSQL (user postgres) lives below it
  # From here on a failure undoes everything started so far.
  trap undo_failed_up EXIT
  trap 'exit 130' INT TERM

  write_secrets
  load_env

  # PostgreSQL initialises (the slowest part) while the engine starts and Redis, which needs the
  # engine, comes up in its container.
  bash "$DOCKERD_PRIVATE" start "$DIR" >"$DIR/dockerd-start.log" 2>&1 &
  local dockerd_starter=$!
  start_postgres >"$DIR/pg-start.log" 2>&1 &
  pg_starter=$!
  wait "$dockerd_starter" || { cat "$DIR/dockerd-start.log" >&2; die "dockerd did not start"; }
  say "dockerd up on unix://$DIR/docker.sock"
  bash "$DOCKERD_PRIVATE" image "$DIR" "$IMAGE" || die "could not build $IMAGE"
  : >"$DIR/containers"
  start_redis
  say "redis up on 127.0.0.1:$PORT_REDIS (container $REDIS_CONTAINER)"
  wait "$pg_starter" || { pg_starter=; cat "$DIR/pg-start.log" >&2; die "PostgreSQL did not start"; }
  pg_starter=
  say "postgres up on 127.0.0.1:$PORT_PG (schema loaded)"
  run_node n8n-main main 1
  run_node n8n-worker-1 worker 1
  run_node n8n-worker-2 worker 2
  run_node n8n-webhook-1 webhook 1
  run_node n8n-webhook-2 webhook 2
  say "containers started"
  start_nginx
  wait_healthy 60 || die "the cluster did not become ready within 60 s"
  say "all nodes ready; nginx on http://127.0.0.1:$PORT_LB"
  if ((load)); then
    start_loadgen
    say "load generator running (log: $DIR/loadgen.log)"
  fi
  touch "$DIR/up.done"
  trap - EXIT INT TERM
  cat <<EOF
sandbox: up. Passwords: $DIR/env. Watch it with:
  set -a; . $DIR/env; set +a
  clusterwatch -c $repo/resources/examples/sandbox.yaml
EOF
}

# ----------------------------------------------------------------------------------------------
# down

# What is left of our engine when dockerd died without cleaning up: containerd, shims and the
# containers' processes. Matched only by this sandbox's paths and recorded container ids.
leftover_pids() {
  local pid comm proc
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    comm=$(cat "$proc/comm" 2>/dev/null) || continue
    case $comm in
      dockerd|containerd|containerd-shim*|runc)
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/" && echo "$pid" ;;
    esac
  done
  if [[ -s $DIR/containers ]]; then
    awk 'length($2) == 64 { print $2 }' "$DIR/containers" >"$DIR/container-ids"
    grep -lF -f "$DIR/container-ids" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3
  fi
  return 0
}

# nginx and PostgreSQL (Redis is a container: it goes with the others).
stop_host_services() {
  local pid
  if pid=$(pid_of "$DIR/nginx/nginx.pid" "$DIR/nginx/nginx.conf"); then
    stop_pid "$pid" TERM 10 &
  fi
  if pid=$(pid_of "$DIR/pg/data/postmaster.pid" "$DIR/pg/data"); then
    { pg_as_postgres "$PG_BIN/pg_ctl" -D "$DIR/pg/data" -m fast -w -t 20 stop >/dev/null 2>&1 \
        || stop_pid "$pid" QUIT 5; } &
  fi
  wait
  say "nginx and postgres stopped"
}

cmd_down() {
  if [[ ! -d $DIR ]]; then
    echo "sandbox: nothing to stop ($DIR does not exist)"
    return 0
  fi
  local pid
  if pid=$(pid_of "$DIR/loadgen.pid" loadgen.py); then
    stop_pid "$pid" TERM 5
    say "load generator stopped"
  fi
  # nginx and PostgreSQL stop while the engine's containers (n8n and Redis) go (each 1-3 s).
  stop_host_services &
  if [[ -S $DIR/docker.sock ]] && [[ -s $DIR/containers ]] \
    && bash "$DOCKERD_PRIVATE" status "$DIR" >/dev/null 2>&1; then
    # shellcheck disable=SC2046
    docker_cli rm -f $(awk '{ print $2 }' "$DIR/containers") >/dev/null 2>&1 || true
    say "containers removed"
  fi
  if [[ -f $DIR/dockerd.pid ]] || [[ -d $DIR/exec ]]; then
    bash "$DOCKERD_PRIVATE" stop "$DIR" || true
    say "dockerd stopped"
  fi
  wait
  local leftovers
  leftovers=$(leftover_pids | sort -u)
  if [[ -n $leftovers ]]; then
    echo "sandbox: killing leftover processes: ${leftovers//$'\n'/ }" >&2
    # shellcheck disable=SC2086
    kill -KILL $leftovers 2>/dev/null || true
    sleep 0.5
  fi
  local m
  for _ in 1 2 3; do
    while IFS= read -r m; do
      [[ -n $m ]] && { umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; }
    done < <(mounts_under | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-)
    [[ -z $(mounts_under) ]] && break
    sleep 0.3
  done
  [[ -z $(mounts_under) ]] || die "refusing to delete $DIR: still mounted: $(mounts_under | tr '\n' ' ')"
  rm -rf --one-file-system "$DIR"
  say "down; $DIR removed"
}

# ----------------------------------------------------------------------------------------------
# status

cmd_status() {
  if [[ ! -d $DIR ]]; then
    echo "sandbox: down ($DIR does not exist)"
    return 3
  fi
  local bad=0 name state code pid
  load_env || true
  printf '%-14s %s\n' "state dir" "$DIR$([[ -e $DIR/up.done ]] || echo ' (up did not finish)')"
  if bash "$DOCKERD_PRIVATE" status "$DIR" >/dev/null 2>&1; then
    printf '%-14s %s\n' dockerd "running, pid $(cat "$DIR/dockerd.pid"), unix://$DIR/docker.sock"
    for name in "${NODES[@]}"; do
      state=$(docker_cli inspect -f '{{.State.Status}} (restarts {{.RestartCount}}, exit {{.State.ExitCode}})' \
        "$name" 2>/dev/null || echo "missing")
      code=$(http_code "http://127.0.0.1:$(node_port "$name")/healthz/readiness" 1)
      [[ $state == running* && $code == 200 ]] || bad=1
      printf '%-14s %-40s readiness :%s %s\n' "$name" "$state" "$(node_port "$name")" "${code:-000}"
    done
    state=$(docker_cli inspect -f '{{.State.Status}} (restarts {{.RestartCount}}, exit {{.State.ExitCode}})' \
      "$REDIS_CONTAINER" 2>/dev/null || echo "missing")
    [[ $state == running* ]] || bad=1
    printf '%-14s %s\n' "$REDIS_CONTAINER" "$state"
  else
    printf '%-14s %s\n' dockerd "not running"
    bad=1
  fi
  if [[ -n ${CW_SANDBOX_REDIS_PASSWORD:-} ]] \
    && REDISCLI_AUTH=$CW_SANDBOX_REDIS_PASSWORD redis-cli -h 127.0.0.1 -p $PORT_REDIS ping 2>/dev/null | grep -q PONG; then
    local waiting active lastid
    waiting=$(rcli LLEN bull:jobs:wait)
    active=$(rcli LLEN bull:jobs:active)
    lastid=$(rcli GET bull:jobs:id)
    printf '%-14s %s\n' redis "answering on 127.0.0.1:$PORT_REDIS"
    printf '%-14s %s\n' queue "waiting ${waiting:-?}, active ${active:-?}, jobs created ${lastid:-0}"
  else
    printf '%-14s %s\n' redis "not answering on 127.0.0.1:$PORT_REDIS"
    bad=1
  fi
  if pg_isready -q -h 127.0.0.1 -p $PORT_PG; then
    local counts
    counts=$(PGPASSWORD=${CW_SANDBOX_DB_PASSWORD:-} psql -X -At -F ' ' -h 127.0.0.1 -p $PORT_PG -U n8n -d n8n \
      -c "SELECT status, count(*) FROM execution_entity GROUP BY 1 ORDER BY 1" 2>/dev/null | paste -sd, -)
    printf '%-14s %s\n' postgres "running, 127.0.0.1:$PORT_PG; executions: ${counts:-none}"
  else
    printf '%-14s %s\n' postgres "not answering on 127.0.0.1:$PORT_PG"
    bad=1
  fi
  if pid=$(pid_of "$DIR/nginx/nginx.pid" "$DIR/nginx/nginx.conf"); then
    printf '%-14s %s\n' nginx "running, pid $pid, http://127.0.0.1:$PORT_LB (GET /healthz: $(http_code "http://127.0.0.1:$PORT_LB/healthz" 1))"
  else
    printf '%-14s %s\n' nginx "not running"
    bad=1
  fi
  if pid=$(pid_of "$DIR/loadgen.pid" loadgen.py); then
    printf '%-14s %s\n' loadgen "running, pid $pid; $(tail -n1 "$DIR/loadgen.log" 2>/dev/null | cut -d' ' -f3-)"
  else
    printf '%-14s %s\n' loadgen "not running"
  fi
  return $((bad ? 1 : 0))
}

cmd_freeze() {
  local name
  for name in n8n-worker-1 n8n-worker-2; do
    docker_cli kill --signal "$1" "$name" >/dev/null || die "could not signal $name (is the sandbox up?)"
  done
  say "workers $2"
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  freeze-workers) cmd_freeze USR1 "frozen: healthy, taking no jobs (thaw-workers undoes it)" ;;
  thaw-workers) cmd_freeze USR2 "taking jobs again" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
