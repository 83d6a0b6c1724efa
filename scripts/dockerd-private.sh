#!/usr/bin/env bash
# A private Docker Engine for tests and demos, with all its state under one short directory.
# It never touches /var/run/docker.sock or any dockerd it did not start.
#
# Usage:
#   scripts/dockerd-private.sh start  DIR         start dockerd on unix://DIR/docker.sock, wait for /_ping
#   scripts/dockerd-private.sh start  DIR --tls PORT
#                                                 also on tcp://127.0.0.1:PORT with mutual TLS: a CA,
#                                                 server and client certificates are made in DIR/tls
#                                                 (ca.pem, cert.pem, key.pem: DOCKER_CERT_PATH=DIR/tls)
#   scripts/dockerd-private.sh stop   DIR         stop it (by DIR/dockerd.pid) and unmount what it left
#   scripts/dockerd-private.sh status DIR         exit 0 when it answers /_ping
#   scripts/dockerd-private.sh image  DIR NAME:TAG  import a busybox-static image (if not there yet)
#   scripts/dockerd-private.sh purge  DIR         stop, unmount, then delete DIR
#
# DIR must be short (unix socket paths are limited to ~108 bytes; containerd's lives under
# DIR/exec): use e.g. DIR=$(mktemp -d /tmp/cwd-XXXXXX).
#
# No bridge networking (it would change the host firewall and add interfaces on a shared
# machine): containers run with --network host. Needs docker.io and busybox-static, as root.
set -euo pipefail

die() { echo "dockerd-private: $*" >&2; exit 1; }

[[ $# -ge 2 ]] || die "usage: $0 start|stop|status|image|purge DIR [NAME:TAG]"
cmd=$1
dir=$2
[[ $dir == /* ]] || dir=$(pwd)/$dir
dir=${dir%/}
sock=$dir/docker.sock
pidfile=$dir/dockerd.pid
log=$dir/dockerd.log

# The docker.io CLI matches the daemon; another one earlier in PATH may not.
docker_cli() {
  local cli=/usr/bin/docker
  [[ -x $cli ]] || cli=$(command -v docker) || die "docker CLI not found (install docker.io)"
  "$cli" -H "unix://$sock" "$@"
}

ping_ok() {
  [[ -S $sock ]] || return 1
  if command -v curl >/dev/null; then
    [[ $(curl -s --max-time 2 --unix-socket "$sock" http://localhost/_ping 2>/dev/null) == OK ]]
  else
    docker_cli version --format '{{.Server.APIVersion}}' >/dev/null 2>&1
  fi
}

daemon_pid() {
  [[ -f $pidfile ]] || return 1
  local pid
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # Only a dockerd whose pidfile argument is ours counts (the pid may have been reused).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--pidfile $pidfile " || return 1
  echo "$pid"
}

# Mount points under DIR, deepest first.
mounts_under() {
  awk -v d="$dir/" '{ gsub(/\\040/, " ", $5); if (index($5, d) == 1) print $5 }' /proc/self/mountinfo \
    | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-
}

unmount_all() {
  local m left
  for _ in 1 2 3; do
    left=0
    while IFS= read -r m; do
      [[ -n $m ]] || continue
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || left=1
    done < <(mounts_under)
    [[ $left == 0 ]] && break
    sleep 0.2
  done
  [[ -z $(mounts_under) ]] || die "still mounted under $dir: $(mounts_under | tr '\n' ' ')"
}

# A throwaway CA, a server certificate for 127.0.0.1 and a client certificate (needs openssl).
make_certs() {
  local tls=$dir/tls
  [[ -f $tls/cert.pem && -f $tls/server-cert.pem ]] && return 0
  command -v openssl >/dev/null || die "openssl not found (install openssl)"
  mkdir -p "$tls"
  chmod 700 "$tls"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  (
    cd "$tls"
    openssl req -x509 "${ec[@]}" -keyout ca-key.pem -out ca.pem -days 7 -subj /CN=cw-test-ca
    openssl req "${ec[@]}" -keyout server-key.pem -out server.csr -subj /CN=127.0.0.1
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -out server-cert.pem -days 7 -extfile server.ext
    openssl req "${ec[@]}" -keyout key.pem -out client.csr -subj /CN=cw-test-client
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -out cert.pem -days 7 -extfile client.ext
  ) >"$dir/tls.log" 2>&1 || { cat "$dir/tls.log" >&2; die "could not make TLS certificates"; }
}

start() {
  local tls_port=""
  if [[ ${1:-} == --tls ]]; then
    tls_port=${2:-}
    [[ $tls_port =~ ^[0-9]+$ ]] || die "usage: $0 start DIR --tls PORT"
  fi
  command -v dockerd >/dev/null || [[ -x /usr/sbin/dockerd ]] \
    || die "dockerd not found (install docker.io)"
  local dockerd
  dockerd=$(command -v dockerd || echo /usr/sbin/dockerd)
  (( ${#sock} < 100 )) || die "socket path too long (${#sock} bytes): $sock"
  if daemon_pid >/dev/null && ping_ok; then
    echo "$sock"
    return 0
  fi
  mkdir -p "$dir/data" "$dir/exec"
  [[ -f $dir/daemon.json ]] || echo '{}' >"$dir/daemon.json"
  rm -f "$sock"
  local extra=()
  if [[ -n $tls_port ]]; then
    make_certs
    extra=(--tlsverify --tlscacert "$dir/tls/ca.pem" --tlscert "$dir/tls/server-cert.pem"
      --tlskey "$dir/tls/server-key.pem" -H "tcp://127.0.0.1:$tls_port")
  fi
  # setsid: its own session, so a terminal's or test runner's signals do not reach it; output
  # goes to the log so nothing keeps our caller's pipes open.
  setsid "$dockerd" -H "unix://$sock" --data-root "$dir/data" --exec-root "$dir/exec" \
    --pidfile "$pidfile" --config-file "$dir/daemon.json" --storage-driver overlay2 \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false --log-level=warn \
    "${extra[@]}" </dev/null >>"$log" 2>&1 &
  local child=$!
  for _ in $(seq 1 300); do
    if ping_ok; then
      echo "$sock"
      return 0
    fi
    if ! kill -0 "$child" 2>/dev/null; then
      echo "dockerd-private: dockerd exited during start-up; its log ($log):" >&2
      tail -n 40 "$log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  echo "dockerd-private: dockerd did not answer /_ping on $sock within 30 s; its log ($log):" >&2
  tail -n 40 "$log" >&2 || true
  kill "$child" 2>/dev/null || true
  exit 1
}

stop() {
  local pid
  if pid=$(daemon_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    # dockerd stops its containers first (their grace period, then SIGKILL).
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "dockerd-private: dockerd $pid did not stop within 30 s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  # After a SIGKILL its containerd and shims can outlive it: exactly those that run from DIR.
  local leftover=()
  mapfile -t leftover < <(pgrep -f -- "$dir/exec/" || true)
  if ((${#leftover[@]} > 0)); then
    kill -TERM "${leftover[@]}" 2>/dev/null || true
    sleep 1
    kill -KILL "${leftover[@]}" 2>/dev/null || true
  fi
  # ... and so can its containers' processes: those in the cgroup of one of its containers.
  if [[ -d $dir/data/containers ]]; then
    local ids=() pids=()
    mapfile -t ids < <(ls "$dir/data/containers")
    if ((${#ids[@]} > 0)); then
      mapfile -t pids < <(grep -l -F "${ids[@]/#/-e}" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3)
      ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile" "$sock"
  [[ -d $dir ]] && unmount_all
  return 0
}

status() {
  if daemon_pid >/dev/null && ping_ok; then
    echo "running: unix://$sock (pid $(daemon_pid))"
    return 0
  fi
  echo "not running: unix://$sock"
  return 1
}

image() {
  local name=${1:-}
  [[ -n $name ]] || die "usage: $0 image DIR NAME:TAG"
  ping_ok || die "no dockerd answers on $sock (run: $0 start $dir)"
  if docker_cli image inspect "$name" >/dev/null 2>&1; then
    return 0
  fi
  local busybox
  busybox=$(command -v busybox || true)
  [[ -n $busybox ]] && file -L "$busybox" 2>/dev/null | grep -q 'statically linked' \
    || busybox=/bin/busybox
  [[ -x $busybox ]] || die "busybox not found (install busybox-static)"
  local rootfs
  rootfs=$(mktemp -d "$dir/rootfs-XXXXXX")
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev}
  cp "$busybox" "$rootfs/bin/busybox"
  local applet
  for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$rootfs/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
  # PID 1 must end on SIGTERM, or stop/restart wait the whole grace period and then SIGKILL.
  # "sleep-loop" (or no argument) idles; any other command runs first, then it idles.
  cat >"$rootfs/entrypoint.sh" <<'EOF'
#!/bin/sh
trap 'exit 0' TERM INT
if [ $# -gt 0 ] && [ "$1" != sleep-loop ]; then
  "$@"
fi
while :; do
  sleep 1 &
  wait $!
done
EOF
  chmod 755 "$rootfs/entrypoint.sh"
  tar -C "$rootfs" -c . | docker_cli import -c 'ENTRYPOINT ["/entrypoint.sh"]' - "$name" >/dev/null
  rm -rf "$rootfs"
}

purge() {
  stop
  [[ -d $dir ]] || return 0
  [[ -z $(mounts_under) ]] || die "refusing to delete $dir: something is still mounted under it"
  rm -rf --one-file-system "$dir"
}

case $cmd in
  start) start "${@:3}" ;;
  stop) stop ;;
  status) status ;;
  image) image "${3:-}" ;;
  purge) purge ;;
  *) die "unknown command '$cmd' (start, stop, status, image, purge)" ;;
esac
