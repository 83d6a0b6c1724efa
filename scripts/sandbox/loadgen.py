#!/usr/bin/env python3
"""Steady webhook traffic for the Clusterwatch sandbox, sent through its nginx load balancer.

A base rate (default 3/s, evenly spaced with jitter) plus a burst every 30-50 s. Two workers of
concurrency 5 running 2-second jobs finish about 5 jobs/s, so with both the queue keeps emptying,
with one (2.5/s) it grows slowly and with none it grows by the full rate.

    loadgen.py [--url http://127.0.0.1:25080] [--rate 3] [--burst-every 30:50]
               [--burst-size 12:20] [--error-share 0.05] [--pidfile FILE]

Every 10 s it prints one line: requests sent, answered 200, other answers, failures.
Python 3 stdlib only.
"""

import argparse
import http.client
import os
import queue
import random
import signal
import sys
import threading
import time
import urllib.parse
from datetime import datetime


def span(text):
    low, _, high = text.partition(":")
    return float(low), float(high or low)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:25080")
    parser.add_argument("--rate", type=float, default=3.0, help="steady requests per second")
    parser.add_argument("--burst-every", type=span, default=(30.0, 50.0), help="seconds, MIN:MAX")
    parser.add_argument("--burst-size", type=span, default=(12.0, 20.0), help="requests, MIN:MAX")
    parser.add_argument("--error-share", type=float, default=0.05,
                        help="share of requests sent to the workflow that ends in error")
    parser.add_argument("--senders", type=int, default=8, help="concurrent connections")
    parser.add_argument("--pidfile")
    args = parser.parse_args()

    if args.pidfile:
        with open(args.pidfile, "w", encoding="ascii") as f:
            f.write(f"{os.getpid()}\n")

    target = urllib.parse.urlsplit(args.url)
    stop = threading.Event()
    work = queue.Queue(maxsize=500)
    stats = {"sent": 0, "ok": 0, "other": 0, "failed": 0, "dropped": 0}
    lock = threading.Lock()

    def on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def sender():
        conn = None
        while not stop.is_set():
            try:
                path = work.get(timeout=0.5)
            except queue.Empty:
                continue
            outcome = "failed"
            for _ in range(2):  # one retry on a stale keep-alive connection
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection(target.hostname, target.port or 80,
                                                          timeout=10)
                    conn.request("POST", path, body=b'{"source":"clusterwatch-sandbox"}',
                                 headers={"Content-Type": "application/json"})
                    response = conn.getresponse()
                    response.read()
                    outcome = "ok" if response.status == 200 else "other"
                    break
                except (OSError, http.client.HTTPException):
                    if conn is not None:
                        conn.close()
                    conn = None
            with lock:
                stats["sent"] += 1
                stats[outcome] += 1

    for index in range(max(1, args.senders)):
        threading.Thread(target=sender, name=f"sender-{index}", daemon=True).start()

    def enqueue(count):
        for _ in range(count):
            hook = "probe-error" if random.random() < args.error_share else "probe-wait"
            try:
                work.put_nowait(f"/webhook/{hook}")
            except queue.Full:
                with lock:
                    stats["dropped"] += 1

    interval = 1.0 / args.rate if args.rate > 0 else None
    next_send = time.monotonic()
    next_burst = time.monotonic() + random.uniform(*args.burst_every)
    next_report = time.monotonic() + 10
    print(f"{datetime.now():%H:%M:%S} loadgen: {args.rate}/s to {args.url}, bursts of "
          f"{args.burst_size[0]:.0f}-{args.burst_size[1]:.0f} every "
          f"{args.burst_every[0]:.0f}-{args.burst_every[1]:.0f} s", flush=True)
    while not stop.is_set():
        now = time.monotonic()
        if interval is not None and now >= next_send:
            enqueue(1)
            next_send += interval * random.uniform(0.7, 1.3)
            if next_send < now - 1:  # after a stall, do not catch up in one rush
                next_send = now
        if now >= next_burst:
            enqueue(int(random.uniform(*args.burst_size)))
            next_burst = now + random.uniform(*args.burst_every)
        if now >= next_report:
            with lock:
                line = " ".join(f"{k}={v}" for k, v in stats.items())
            print(f"{datetime.now():%H:%M:%S} loadgen: {line} backlog={work.qsize()}", flush=True)
            next_report += 10
        wake = min(next_burst, next_report, next_send if interval is not None else next_report)
        stop.wait(max(0.005, min(0.2, wake - time.monotonic())))

    if args.pidfile:
        try:
            os.unlink(args.pidfile)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
