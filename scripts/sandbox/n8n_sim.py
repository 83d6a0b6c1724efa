#!/usr/bin/env python3
"""A stand-in for one n8n 1.123.81 queue-mode process, for the Clusterwatch sandbox.

It is not n8n: it runs no workflows. It reproduces what a monitor sees of n8n, as captured from
real processes (shared/fixtures/n8n): the HTTP health and metrics endpoints, the Bull v4 keys in
Redis and the execution rows in PostgreSQL.

    n8n_sim.py start | main              the main instance (UI/API port, /metrics, queue gauges)
    n8n_sim.py worker [--concurrency=N]  a worker (health port, runs jobs from bull:jobs:wait)
    n8n_sim.py webhook                   a webhook processor (no /metrics, like real n8n)

Configuration is read from n8n's own environment variables (N8N_PORT, QUEUE_BULL_REDIS_*,
DB_POSTGRESDB_*, QUEUE_HEALTH_CHECK_*, N8N_METRICS_*...). Only the simulated work is extra:
CW_SIM_WAIT_SECONDS (default 2, the "Wait 2s" node of the probe-wait workflow).

Needs Python 3 with python3-redis and python3-psycopg2 (Debian packages).
"""

import base64
import hashlib
import http.server
import json
import math
import os
import resource
import signal
import socket
import socketserver
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

import psycopg2
import psycopg2.pool
import redis

VERSION = "1.123.81"
# Bull names its blocking client after the base64 of the queue name ("jobs").
BULL_CLIENT_NAME = "bull:" + base64.b64encode(b"jobs").decode()


def env(name, default=""):
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_num(name, default, kind=float):
    try:
        return kind(env(name, str(default)))
    except ValueError:
        return default


def log(level, message):
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    sys.stdout.write(f"{stamp} | {level:<5} | {message}\n")
    sys.stdout.flush()


def now_ms():
    return int(time.time() * 1000)


# --------------------------------------------------------------------------------------------
# Process metrics (the prom-client default metrics n8n exposes), measured for real.

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
START_TIME = time.time()


def proc_status_kib(field):
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def statm():
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            size, resident = f.read().split()[:2]
            return int(size) * PAGE_SIZE, int(resident) * PAGE_SIZE
    except (OSError, ValueError):
        return 0, 0


class LoopLagMonitor:
    """Measures how late a 10 ms timer fires, like Node's monitorEventLoopDelay: with the GIL
    shared by every request and job thread, a busy process really does fire late."""

    RESOLUTION = 0.01

    def __init__(self):
        self._lock = threading.Lock()
        self._samples = []
        self._last = 0.0
        threading.Thread(target=self._run, name="looplag", daemon=True).start()

    def _run(self):
        while True:
            before = time.perf_counter()
            time.sleep(self.RESOLUTION)
            lag = max(0.0, time.perf_counter() - before - self.RESOLUTION)
            with self._lock:
                self._last = lag
                self._samples.append(lag)
                if len(self._samples) > 6000:
                    del self._samples[:3000]

    def snapshot(self):
        """Statistics since the previous scrape (prom-client resets its histogram on collect)."""
        with self._lock:
            samples, self._samples = self._samples, []
            last = self._last
        if not samples:
            samples = [last]
        samples.sort()
        n = len(samples)
        mean = sum(samples) / n
        stddev = math.sqrt(sum((s - mean) ** 2 for s in samples) / n)

        def pct(p):
            return samples[min(n - 1, int(math.ceil(p / 100.0 * n)) - 1)]

        return {
            "": last, "min_": samples[0], "max_": samples[-1], "mean_": mean,
            "stddev_": stddev, "p50_": pct(50), "p90_": pct(90), "p99_": pct(99),
        }


class Metrics:
    """A tiny Prometheus text renderer in prom-client's layout (HELP, TYPE, samples, blank)."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.lines = []

    @staticmethod
    def fmt(value):
        # Plain decimals like JavaScript's Number#toString (prom-client), never 6.5e-05.
        if isinstance(value, float):
            if value.is_integer() and abs(value) < 1e15:
                return str(int(value))
            return f"{value:.9f}".rstrip("0").rstrip(".") or "0"
        return str(value)

    def family(self, name, kind, help_text, samples):
        full = self.prefix + name
        self.lines.append(f"# HELP {full} {help_text}")
        self.lines.append(f"# TYPE {full} {kind}")
        for labels, value in samples:
            label_text = ""
            if labels:
                label_text = "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}"
            self.lines.append(f"{full}{label_text} {self.fmt(value)}")
        self.lines.append("")

    def one(self, name, kind, help_text, value):
        self.family(name, kind, help_text, [((), value)])

    def text(self):
        return "\n".join(self.lines) + "\n"


class Counters:
    """Event-bus counters; a series appears only after its first event, as in n8n."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values = {}

    def inc(self, name, labels=(), by=1):
        with self._lock:
            key = (name, tuple(labels))
            self._values[key] = self._values.get(key, 0) + by

    def get(self, name):
        with self._lock:
            return sum(v for (n, _), v in self._values.items() if n == name)

    def series(self, name):
        with self._lock:
            return [(labels, v) for (n, labels), v in self._values.items() if n == name]


# --------------------------------------------------------------------------------------------
# Bull v4 queue operations. Each is one Lua script, so they are atomic like Bull's own.

ADD_JOB = """
local jobId = tostring(redis.call("INCR", KEYS[1]))
local jobKey = ARGV[1] .. jobId
redis.call("HMSET", jobKey, "name", "job", "data", ARGV[2], "opts", ARGV[3],
           "timestamp", ARGV[4], "delay", "0", "priority", ARGV[5])
redis.call("ZADD", KEYS[3], ARGV[5], jobId)
redis.call("LPUSH", KEYS[2], jobId)
return jobId
"""

# After BRPOPLPUSH wait -> active: take the lock, leave the priority set, note processedOn.
MOVE_TO_ACTIVE = """
local jobKey = ARGV[1] .. ARGV[2]
if redis.call("EXISTS", jobKey) == 0 then
  redis.call("LREM", KEYS[1], -1, ARGV[2])
  return false
end
redis.call("SET", jobKey .. ":lock", ARGV[3], "PX", ARGV[4])
redis.call("ZREM", KEYS[2], ARGV[2])
redis.call("HSET", jobKey, "processedOn", ARGV[5])
return redis.call("HGET", jobKey, "data")
"""

EXTEND_LOCK = """
if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0
"""

# removeOnComplete / removeOnFail: the job hash goes; only the global event remains.
MOVE_TO_FINISHED = """
local jobKey = ARGV[1] .. ARGV[2]
local lock = redis.call("GET", jobKey .. ":lock")
if lock ~= ARGV[3] then
  return -2
end
redis.call("LREM", KEYS[1], -1, ARGV[2])
redis.call("DEL", jobKey, jobKey .. ":lock")
redis.call("PUBLISH", KEYS[2], ARGV[4])
return 0
"""

# Jobs in "active" whose lock has expired belong to a worker that died or froze: back to wait.
MOVE_STALLED = """
if redis.call("SET", KEYS[3], ARGV[2], "PX", ARGV[3], "NX") == false then
  return {}
end
local moved = {}
for _, jobId in ipairs(redis.call("LRANGE", KEYS[1], 0, -1)) do
  if redis.call("EXISTS", ARGV[1] .. jobId .. ":lock") == 0 then
    redis.call("LREM", KEYS[1], 1, jobId)
    redis.call("RPUSH", KEYS[2], jobId)
    table.insert(moved, jobId)
  end
end
return moved
"""


class Sim:
    def __init__(self, role, concurrency):
        self.role = role
        self.concurrency = concurrency
        self.stopping = threading.Event()
        # Drill aid, not n8n behaviour: SIGUSR1 makes a "stalled worker" that keeps answering
        # its health checks but takes no new jobs (what n8n's own checks cannot see); SIGUSR2 ends it.
        self.frozen = threading.Event()
        self.prefix = env("QUEUE_BULL_PREFIX", "bull") + ":jobs:"
        self.metrics_prefix = env("N8N_METRICS_PREFIX", "n8n_")
        self.metrics_enabled = env_bool("N8N_METRICS") and role != "webhook"
        self.queue_metrics = role == "main" and env_bool("N8N_METRICS_INCLUDE_QUEUE_METRICS")
        self.queue_interval = max(0.2, env_num("N8N_METRICS_QUEUE_METRICS_INTERVAL", 20))
        self.workflow_id_label = env_bool("N8N_METRICS_INCLUDE_WORKFLOW_ID_LABEL")
        self.event_bus_metrics = env_bool("N8N_METRICS_INCLUDE_MESSAGE_EVENT_BUS_METRICS")
        self.lock_ms = int(env_num("QUEUE_WORKER_LOCK_DURATION", 60000, int))
        self.lock_renew_s = env_num("QUEUE_WORKER_LOCK_RENEW_TIME", 10000) / 1000.0
        self.stalled_ms = int(env_num("QUEUE_WORKER_STALLED_INTERVAL", 30000, int))
        self.redis_timeout_s = env_num("QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD", 10000) / 1000.0
        self.grace_s = env_num("N8N_GRACEFUL_SHUTDOWN_TIMEOUT", 30)
        self.wait_s = env_num("CW_SIM_WAIT_SECONDS", 2.0)
        self.wait_override = bool(os.environ.get("CW_SIM_WAIT_SECONDS"))
        self.workflow_nodes = {}
        self.schema = env("DB_POSTGRESDB_SCHEMA", "public")
        self.table_prefix = env("DB_TABLE_PREFIX", "")
        self.worker_token = str(uuid.uuid4())

        self.db_ok = False
        self.redis_ok = False
        self.redis_seen = False
        self.last_activity = int(time.time())
        self.counters = Counters()
        self.lag = LoopLagMonitor()
        self.queue_gauges = {"waiting": 0, "active": 0}
        self.queue_completed = 0
        self.queue_failed = 0
        self.active_workflows = (0, 0.0)
        self.webhooks = {}
        self.webhooks_loaded = 0.0
        self.active_jobs = {}
        self.active_lock = threading.Lock()

        redis_args = dict(
            host=env("QUEUE_BULL_REDIS_HOST", "localhost"),
            port=int(env_num("QUEUE_BULL_REDIS_PORT", 6379, int)),
            db=int(env_num("QUEUE_BULL_REDIS_DB", 0, int)),
            username=env("QUEUE_BULL_REDIS_USERNAME") or None,
            password=env("QUEUE_BULL_REDIS_PASSWORD") or None,
            socket_connect_timeout=2,
            decode_responses=True,
        )
        self.redis = redis.Redis(socket_timeout=3, **redis_args)
        self.ping_redis = redis.Redis(socket_timeout=0.8, **redis_args)
        self.bredis = redis.Redis(socket_timeout=5, client_name=BULL_CLIENT_NAME, **redis_args)
        self.sub_redis = redis.Redis(socket_timeout=None, **redis_args)
        self.add_job = self.redis.register_script(ADD_JOB)
        self.move_to_active = self.redis.register_script(MOVE_TO_ACTIVE)
        self.extend_lock = self.redis.register_script(EXTEND_LOCK)
        self.move_to_finished = self.redis.register_script(MOVE_TO_FINISHED)
        self.move_stalled = self.redis.register_script(MOVE_STALLED)

        self.db_args = dict(
            host=env("DB_POSTGRESDB_HOST", "localhost"),
            port=int(env_num("DB_POSTGRESDB_PORT", 5432, int)),
            dbname=env("DB_POSTGRESDB_DATABASE", "n8n"),
            user=env("DB_POSTGRESDB_USER", "postgres"),
            password=env("DB_POSTGRESDB_PASSWORD"),
            connect_timeout=3,
            application_name=f"n8n-sim {role}",
        )
        self.pool = None
        self.pool_lock = threading.Lock()
        # node-postgres (n8n's pool) queues a query while every connection is busy, for up to
        # DB_POSTGRESDB_CONNECTION_TIMEOUT; psycopg2's pool would fail at once ("connection pool
        # exhausted"), turning a burst (a processor thawed after a freeze) into HTTP 500s.
        self.pool_size = self.concurrency + 4
        self.pool_slots = threading.BoundedSemaphore(self.pool_size)
        self.pool_wait_s = env_num("DB_POSTGRESDB_CONNECTION_TIMEOUT", 20000) / 1000.0

    # --- PostgreSQL -----------------------------------------------------------------------

    def table(self, name):
        return f'"{self.schema}"."{self.table_prefix}{name}"'

    def db(self, sql, params=(), fetch=None):
        """Runs one statement on a pooled autocommit connection; a broken one is dropped."""
        if not self.pool_slots.acquire(timeout=self.pool_wait_s):
            raise psycopg2.OperationalError("timeout exceeded when trying to connect")
        try:
            return self.db_on_pool(sql, params, fetch)
        finally:
            self.pool_slots.release()

    def db_on_pool(self, sql, params, fetch):
        with self.pool_lock:
            if self.pool is None:
                self.pool = psycopg2.pool.ThreadedConnectionPool(0, self.pool_size, **self.db_args)
            pool = self.pool
        conn = pool.getconn()
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql, params)
                result = cur.fetchone() if fetch == "one" else cur.fetchall() if fetch == "all" else None
            pool.putconn(conn)
            return result
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            pool.putconn(conn, close=True)
            raise
        except Exception:
            pool.putconn(conn)
            raise

    def db_watch(self):
        # n8n pings the database every 2 s; readiness follows the last answer.
        while not self.stopping.is_set():
            try:
                self.db("SELECT 1", fetch="one")
                if not self.db_ok:
                    log("info", "Database connection established")
                self.db_ok = True
            except Exception as error:  # noqa: BLE001 - any failure means "not ready"
                if self.db_ok:
                    log("error", f"Database connection lost: {str(error).strip()}")
                self.db_ok = False
            self.stopping.wait(2.0)

    def load_webhooks(self):
        if time.time() - self.webhooks_loaded < 30 and self.webhooks:
            return
        rows = self.db(
            f'SELECT w."webhookPath", w.method, w."workflowId", f.nodes::text, f.connections::text, '
            f"f.name FROM {self.table('webhook_entity')} w "
            f"JOIN {self.table('workflow_entity')} f ON f.id = w.\"workflowId\" WHERE f.active",
            fetch="all")
        self.webhooks = {(r[1], r[0]): {"workflowId": r[2], "nodes": r[3], "connections": r[4],
                                        "name": r[5]} for r in rows}
        self.webhooks_loaded = time.time()

    # --- Redis ----------------------------------------------------------------------------

    def redis_watch(self):
        # n8n's Redis clients give up after QUEUE_BULL_REDIS_TIMEOUT_THRESHOLD of failed retries
        # and the process exits with code 1 ("Exiting process due to Redis connection error").
        last_ok = time.monotonic()
        while not self.stopping.is_set():
            try:
                self.ping_redis.ping()
                if not self.redis_ok:
                    log("info", "Recovered Redis connection" if self.redis_seen else
                        "Connected to Redis")
                last_ok = time.monotonic()
                self.redis_ok = self.redis_seen = True
            except redis.RedisError as error:
                if self.redis_ok or not self.redis_seen:
                    log("warn", f"Lost Redis connection. Trying to reconnect... ({error})")
                    self.redis_seen = True
                self.redis_ok = False
                if time.monotonic() - last_ok >= self.redis_timeout_s:
                    log("error", "Unable to connect to Redis after trying to connect for "
                        f"{int(self.redis_timeout_s * 1000)}ms")
                    log("error", "Exiting process due to Redis connection error")
                    os._exit(1)
            self.stopping.wait(0.5)

    # --- main: queue metrics ----------------------------------------------------------------

    def queue_metrics_loop(self):
        while not self.stopping.is_set():
            try:
                pipe = self.redis.pipeline(transaction=False)
                pipe.llen(self.prefix + "wait")
                pipe.llen(self.prefix + "active")
                waiting, active = pipe.execute()
                self.queue_gauges = {"waiting": waiting, "active": active}
            except redis.RedisError:
                pass
            self.stopping.wait(self.queue_interval)

    def global_events_loop(self):
        # Bull's global events: every finished job is published on bull:jobs:completed (or
        # failed); main counts them for n8n_scaling_mode_queue_jobs_completed/failed.
        while not self.stopping.is_set():
            pubsub = None
            try:
                pubsub = self.sub_redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.prefix + "completed", self.prefix + "failed")
                while not self.stopping.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message["channel"].endswith(":completed"):
                        self.queue_completed += 1
                    else:
                        self.queue_failed += 1
            except redis.RedisError:
                self.stopping.wait(1.0)
            finally:
                if pubsub is not None:
                    try:
                        pubsub.close()
                    except redis.RedisError:
                        pass

    # --- webhook intake (main and webhook processors) --------------------------------------

    def start_webhook_execution(self, method, path):
        """Returns (HTTP status, JSON body) the way n8n's webhook endpoint answers."""
        self.last_activity = int(time.time())
        self.load_webhooks()
        hook = self.webhooks.get((method, path))
        if hook is None:
            return 404, {
                "code": 404,
                "message": f'The requested webhook "{method} {path}" is not registered.',
                "hint": "The workflow must be active for a production URL to run successfully. "
                        "You can activate the workflow using the toggle in the top-right of the "
                        "editor. Note that unlike test URL calls, production URL calls aren't "
                        "shown on the canvas (only in the executions list)",
            }
        workflow_id = hook["workflowId"]
        try:
            self.redis.set(f"n8n:cache:webhook:{method}-{path}",
                           json.dumps({"webhookPath": path, "method": method, "node": "Webhook",
                                       "workflowId": workflow_id}), ex=3600)
        except redis.RedisError:
            pass
        workflow_data = json.dumps({"id": workflow_id, "name": hook["name"], "active": True,
                                    "nodes": json.loads(hook["nodes"]),
                                    "connections": json.loads(hook["connections"])})
        row = self.db(
            f"WITH e AS (INSERT INTO {self.table('execution_entity')} "
            '(finished, mode, status, "workflowId", "createdAt") '
            "VALUES (false, 'webhook', 'new', %s, now()) RETURNING id) "
            f"INSERT INTO {self.table('execution_data')} (\"executionId\", \"workflowData\", data) "
            "SELECT id, %s, '[]' FROM e RETURNING \"executionId\"",
            (workflow_id, workflow_data), fetch="one")
        execution_id = str(row[0])
        stamp = now_ms()
        data = json.dumps({"workflowId": workflow_id, "executionId": execution_id,
                           "loadStaticData": True}, separators=(",", ":"))
        opts = json.dumps({"priority": 100, "removeOnComplete": True, "removeOnFail": True,
                           "attempts": 1, "delay": 0, "timestamp": stamp}, separators=(",", ":"))
        job_id = self.add_job(keys=[self.prefix + "id", self.prefix + "wait",
                                    self.prefix + "priority"],
                              args=[self.prefix, data, opts, stamp, 100])
        labels = (("workflow_id", workflow_id),) if self.workflow_id_label else ()
        if self.event_bus_metrics:
            self.counters.inc("workflow_started_total", labels)
            self.counters.inc("queue_job_enqueued_total", labels)
        log("debug", f"Enqueued execution {execution_id} (job {job_id})")
        return 200, {"message": "Workflow was started"}

    # --- worker ---------------------------------------------------------------------------

    def worker_loop(self):
        slots = threading.Semaphore(self.concurrency)
        while not self.stopping.is_set():
            if self.frozen.is_set():
                self.stopping.wait(0.5)
                continue
            if not slots.acquire(timeout=0.5):
                continue
            try:
                job_id = self.bredis.brpoplpush(self.prefix + "wait", self.prefix + "active", 1)
            except redis.RedisError:
                slots.release()
                self.stopping.wait(1.0)
                continue
            if job_id is None:
                slots.release()
                continue
            try:
                data = self.move_to_active(keys=[self.prefix + "active", self.prefix + "priority"],
                                           args=[self.prefix, job_id, self.worker_token,
                                                 self.lock_ms, now_ms()])
            except redis.RedisError as error:
                log("error", f"Could not move job {job_id} to active: {error}")
                slots.release()
                continue
            if not data:
                slots.release()
                continue
            with self.active_lock:
                self.active_jobs[job_id] = time.time()
            threading.Thread(target=self.run_job, args=(job_id, data, slots),
                             name=f"job-{job_id}", daemon=True).start()

    def run_job(self, job_id, data, slots):
        try:
            self.process_job(job_id, data)
        finally:
            with self.active_lock:
                self.active_jobs.pop(job_id, None)
            slots.release()

    def process_job(self, job_id, data):
        payload = json.loads(data)
        execution_id = payload.get("executionId")
        workflow_id = payload.get("workflowId", "")
        labels = (("workflow_id", workflow_id),) if self.workflow_id_label else ()
        self.last_activity = int(time.time())
        if self.event_bus_metrics:
            self.counters.inc("queue_job_dequeued_total")
        log("info", f"Worker started execution {execution_id} (job {job_id})")
        failed_job = False
        try:
            nodes = self.workflow_nodes.get(workflow_id)
            if nodes is None:
                row = self.db(f'SELECT nodes::text FROM {self.table("workflow_entity")} WHERE id = %s',
                              (workflow_id,), fetch="one")
                nodes = json.loads(row[0]) if row else []
                self.workflow_nodes[workflow_id] = nodes
            self.db(f"UPDATE {self.table('execution_entity')} SET status = 'running', "
                    '"startedAt" = now() WHERE id = %s', (execution_id,))
            status = "success"
            for node in nodes:
                if self.event_bus_metrics:
                    self.counters.inc("node_started_total", labels)
                kind = node.get("type", "")
                if kind.endswith(".wait"):
                    amount = self.wait_s if self.wait_override else \
                        float(node.get("parameters", {}).get("amount", 2))
                    time.sleep(min(amount, 60.0))
                elif kind.endswith(".stopAndError"):
                    time.sleep(0.01)
                    status = "error"
                    break
                else:
                    time.sleep(0.002)
                if self.event_bus_metrics:
                    self.counters.inc("node_finished_total", labels)
            finished = status == "success"
            run_data = json.dumps({"resultData": {"runData": {}, "lastNodeExecuted": nodes[-1]["name"]
                                   if nodes else ""}, "status": status})
            self.db(f"UPDATE {self.table('execution_entity')} SET status = %s, finished = %s, "
                    '"stoppedAt" = now() WHERE id = %s', (status, finished, execution_id))
            self.db(f'UPDATE {self.table("execution_data")} SET data = %s WHERE "executionId" = %s',
                    (run_data, execution_id))
            value = {"success": finished}
        except Exception as error:  # noqa: BLE001 - a job that cannot be run fails in Bull
            log("error", f"Execution {execution_id} (job {job_id}) failed: {str(error).strip()}")
            failed_job = True
            value = {"message": str(error).strip()}
        # A workflow error is still a *completed* job; only a crash in the job fails it.
        channel = self.prefix + ("failed" if failed_job else "completed")
        event = json.dumps({"jobId": job_id, "val": value}, separators=(",", ":"))
        for attempt in range(10):
            try:
                result = self.move_to_finished(keys=[self.prefix + "active", channel],
                                               args=[self.prefix, job_id, self.worker_token, event])
                if result == -2:
                    log("error", f"Error: Lock mismatch for job {job_id}. Cmd failed from active")
                break
            except redis.RedisError:
                time.sleep(0.5 * (attempt + 1))
        log("info", f"Worker finished execution {execution_id} (job {job_id})")

    def lock_renew_loop(self):
        # Runs on through a graceful shutdown: jobs still running keep their locks.
        while True:
            time.sleep(self.lock_renew_s)
            with self.active_lock:
                jobs = list(self.active_jobs)
            for job_id in jobs:
                try:
                    self.extend_lock(keys=[f"{self.prefix}{job_id}:lock"],
                                     args=[self.worker_token, self.lock_ms])
                except redis.RedisError:
                    pass

    def stalled_loop(self):
        while not self.stopping.wait(self.stalled_ms / 1000.0):
            try:
                moved = self.move_stalled(
                    keys=[self.prefix + "active", self.prefix + "wait", self.prefix + "stalled-check"],
                    args=[self.prefix, now_ms(), self.stalled_ms])
                for job_id in moved or []:
                    log("warn", f"Job {job_id} stalled: its lock expired; moved back to wait")
            except redis.RedisError:
                pass

    # --- metrics text ------------------------------------------------------------------------

    def metrics_text(self):
        m = Metrics(self.metrics_prefix)
        times = os.times()
        virtual, resident = statm()
        m.one("process_cpu_user_seconds_total", "counter", "Total user CPU time spent in seconds.",
              round(times.user, 6))
        m.one("process_cpu_system_seconds_total", "counter",
              "Total system CPU time spent in seconds.", round(times.system, 6))
        m.one("process_cpu_seconds_total", "counter",
              "Total user and system CPU time spent in seconds.", round(times.user + times.system, 6))
        m.one("process_start_time_seconds", "gauge",
              "Start time of the process since unix epoch in seconds.", int(START_TIME))
        m.one("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", resident)
        m.one("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", virtual)
        m.one("process_heap_bytes", "gauge", "Process heap size in bytes.", proc_status_kib("VmData"))
        try:
            fds = len(os.listdir("/proc/self/fd"))
        except OSError:
            fds = 0
        m.one("process_open_fds", "gauge", "Number of open file descriptors.", fds)
        m.one("process_max_fds", "gauge", "Maximum number of open file descriptors.",
              resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        lag = self.lag.snapshot()
        helps = {
            "": "Lag of event loop in seconds.",
            "min_": "The minimum recorded event loop delay.",
            "max_": "The maximum recorded event loop delay.",
            "mean_": "The mean of the recorded event loop delays.",
            "stddev_": "The standard deviation of the recorded event loop delays.",
            "p50_": "The 50th percentile of the recorded event loop delays.",
            "p90_": "The 90th percentile of the recorded event loop delays.",
            "p99_": "The 99th percentile of the recorded event loop delays.",
        }
        for key, help_text in helps.items():
            m.one(f"nodejs_eventloop_lag_{key}seconds", "gauge", help_text, round(lag[key], 9))
        m.one("nodejs_active_handles_total", "gauge", "Total number of active handles.",
              threading.active_count())
        major, minor, patch = VERSION.split(".")
        m.family("version_info", "gauge", "n8n version info.",
                 [((("version", "v" + VERSION), ("major", major), ("minor", minor),
                    ("patch", patch)), 1)])
        if self.role == "main":
            m.one("instance_role_leader", "gauge",
                  "Whether this main instance is the leader (1) or not (0).", 1)
        m.one("last_activity", "gauge",
              "last instance activity (backend request) in Unix time (seconds).", self.last_activity)
        if self.queue_metrics:
            m.one("scaling_mode_queue_jobs_waiting", "gauge",
                  "Current number of enqueued jobs waiting for pickup in scaling mode.",
                  self.queue_gauges["waiting"])
            m.one("scaling_mode_queue_jobs_active", "gauge",
                  "Current number of jobs being processed across all workers in scaling mode.",
                  self.queue_gauges["active"])
            m.one("scaling_mode_queue_jobs_completed", "counter",
                  "Total number of jobs completed across all workers in scaling mode since "
                  "instance start.", self.queue_completed)
            m.one("scaling_mode_queue_jobs_failed", "counter",
                  "Total number of jobs failed across all workers in scaling mode since "
                  "instance start.", self.queue_failed)
        count, fetched = self.active_workflows
        if time.time() - fetched > 60:  # n8n caches this count for 60 s
            try:
                count = self.db(f"SELECT count(*) FROM {self.table('workflow_entity')} WHERE active",
                                fetch="one")[0]
                self.active_workflows = (count, time.time())
            except Exception:  # noqa: BLE001 - keep the cached value
                pass
        m.one("active_workflow_count", "gauge", "Total number of active workflows.", count)
        event_helps = {
            "queue_job_enqueued_total": "n8n.queue.job.enqueued",
            "workflow_started_total": "n8n.workflow.started",
            "queue_job_dequeued_total": "n8n.queue.job.dequeued",
            "node_started_total": "n8n.node.started",
            "node_finished_total": "n8n.node.finished",
        }
        for name, event in event_helps.items():
            series = self.counters.series(name)
            if series:
                m.family(name, "counter", f"Total number of {event} events.", series)
        return m.text()

    # --- lifecycle ---------------------------------------------------------------------------

    def shutdown(self, signum, _frame):
        if self.stopping.is_set():
            return
        log("info", f"Received {signal.Signals(signum).name}. Shutting down...")
        self.stopping.set()

    def run(self, server):
        threading.Thread(target=self.db_watch, name="db-watch", daemon=True).start()
        threading.Thread(target=self.redis_watch, name="redis-watch", daemon=True).start()
        if self.queue_metrics:
            threading.Thread(target=self.queue_metrics_loop, name="queue-metrics", daemon=True).start()
            threading.Thread(target=self.global_events_loop, name="bull-events", daemon=True).start()
        if server is not None:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                             name="http", daemon=True).start()
        if self.role == "worker":
            threading.Thread(target=self.lock_renew_loop, name="lock-renew", daemon=True).start()
            threading.Thread(target=self.stalled_loop, name="stalled", daemon=True).start()
            log("info", "n8n worker is now ready")
            log("info", f" * Version: {VERSION}")
            log("info", f" * Concurrency: {self.concurrency}")
            self.worker_loop()
            deadline = time.monotonic() + self.grace_s
            with self.active_lock:
                waiting_for = len(self.active_jobs)
            if waiting_for:
                log("info", f"Waiting for {waiting_for} active executions to finish...")
            while self.active_jobs and time.monotonic() < deadline:
                time.sleep(0.1)
        else:
            if self.role == "main":
                port = env("N8N_PORT", "5678")
                log("info", f"Editor is now accessible via:\nhttp://localhost:{port}")
            else:
                log("info", "Webhook listener waiting for requests.")
            self.stopping.wait()
            time.sleep(0.3)  # let requests in flight answer
        if server is not None:
            server.shutdown()
            server.server_close()
        log("info", "Shutdown complete")


# --------------------------------------------------------------------------------------------
# HTTP (the subset of n8n's Express app a monitor or a webhook caller touches)

def etag(body):
    # Express's weak ETag: length in hex and the base64 SHA-1, cut to 27 characters.
    digest = base64.b64encode(hashlib.sha1(body).digest()).decode()[:27]
    return f'W/"{len(body):x}-{digest}"'


def make_handler(sim):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 5  # Node's keep-alive timeout

        def log_message(self, *_args):
            pass

        def send_response(self, code, message=None):
            # Express sends no Server header.
            self.log_request(code)
            self.send_response_only(code, message)
            self.send_header("Date", self.date_time_string())

        def reply(self, code, body, content_type):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(code)
            if code == 404 and content_type.startswith("text/html"):
                self.send_header("Content-Security-Policy", "default-src 'none'")
                self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            if code == 200:
                self.send_header("ETag", etag(data))
            if content_type.startswith("text/plain") or code == 404:
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Connection", "keep-alive")
            self.send_header("Keep-Alive", "timeout=5")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def json(self, code, obj):
            self.reply(code, json.dumps(obj, separators=(",", ":")), "application/json; charset=utf-8")

        def cannot(self):
            path = self.path.split("?", 1)[0]
            body = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<title>Error</title>\n</head>\n<body>\n"
                    f"<pre>Cannot {self.command} {path}</pre>\n</body>\n</html>\n")
            self.reply(404, body, "text/html; charset=utf-8")

        def read_body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length > 0 else b""

        def health(self, path):
            if sim.role == "worker" and not env_bool("QUEUE_HEALTH_CHECK_ACTIVE"):
                return False
            if path == "/healthz":
                self.json(200, {"status": "ok"})
                return True
            if path == "/healthz/readiness":
                ready = sim.db_ok and (sim.redis_ok or sim.role != "worker")
                self.json(200 if ready else 503, {"status": "ok" if ready else "error"})
                return True
            return False

        def is_webhook(self, path):
            return sim.role in ("main", "webhook") and path.startswith("/webhook/") and len(path) > 9

        def webhook(self, path):
            # Registered per method, as in n8n: a HEAD to a GET webhook is "not registered".
            if sim.stopping.is_set():
                self.json(503, {"code": 503, "message": "n8n is shutting down"})
                return
            try:
                code, body = sim.start_webhook_execution(self.command, path[len("/webhook/"):])
            except Exception as error:  # noqa: BLE001 - n8n answers 500 with the message
                log("error", f"Webhook {path} failed: {str(error).strip()}")
                code, body = 500, {"code": 0, "message": "Error in workflow"}
            self.json(code, body)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path.startswith("/healthz") and self.health(path):
                return
            if self.is_webhook(path):
                self.webhook(path)
                return
            if path == "/metrics" and sim.metrics_enabled:
                self.reply(200, sim.metrics_text(), "text/plain; charset=utf-8; version=0.0.4")
                return
            if sim.role == "main" and path.startswith("/api/v1/"):
                self.json(401, {"message": "'X-N8N-API-KEY' header required"})
                return
            if sim.role == "main" and path in ("/", "/home/workflows", "/signin"):
                sim.last_activity = int(time.time())
                self.reply(200, "<!DOCTYPE html>\n<html><head><title>n8n.io - Workflow Automation"
                                "</title></head><body>n8n sandbox (simulated main)</body></html>\n",
                           "text/html; charset=utf-8")
                return
            self.cannot()

        do_HEAD = do_GET

        def do_POST(self):
            self.read_body()
            path = self.path.split("?", 1)[0]
            if self.is_webhook(path):
                self.webhook(path)
                return
            self.cannot()

    return Handler


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main(argv):
    if len(argv) < 2 or argv[1] not in ("start", "main", "worker", "webhook"):
        sys.stderr.write(__doc__)
        return 2
    role = "main" if argv[1] in ("start", "main") else argv[1]
    concurrency = 10
    for arg in argv[2:]:
        if arg.startswith("--concurrency="):
            concurrency = max(1, int(arg.split("=", 1)[1]))
    if env("EXECUTIONS_MODE", "regular") != "queue":
        log("warn", "EXECUTIONS_MODE is not 'queue': this simulator only knows queue mode")

    sim = Sim(role, concurrency)
    signal.signal(signal.SIGTERM, sim.shutdown)
    signal.signal(signal.SIGINT, sim.shutdown)

    def freeze(signum, frame):
        sim.frozen.set()
        log("info", "Frozen: answering health checks, taking no jobs (SIGUSR2 resumes)")

    def thaw(signum, frame):
        sim.frozen.clear()
        log("info", "Taking jobs again")
    signal.signal(signal.SIGUSR1, freeze)
    signal.signal(signal.SIGUSR2, thaw)

    server = None
    if role == "worker":
        serve = env_bool("QUEUE_HEALTH_CHECK_ACTIVE") or env_bool("N8N_METRICS")
        host = env("N8N_WORKER_SERVER_ADDRESS", "::")
        port = int(env("QUEUE_HEALTH_CHECK_PORT", "5678"))
    else:
        serve = True
        host = env("N8N_LISTEN_ADDRESS", "::")
        port = int(env("N8N_PORT", "5678"))
    if serve:
        Server.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            server = Server((host, port), make_handler(sim))
        except OSError as error:
            log("error", f"Port {port} is already in use ({error})" if error.errno == 98
                else f"Cannot listen on {host}:{port}: {error}")
            return 1
    log("info", f"n8n {VERSION} ({role}) simulator, pid {os.getpid()}")
    sim.run(server)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
