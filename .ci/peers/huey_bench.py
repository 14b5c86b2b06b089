#!/usr/bin/env python3
"""The peer for `lanes bench`'s durable cases: huey's SqliteHuey (WAL) with thread workers.

Measures, on a fresh SQLite file each:
  - drain: TASKS no-op tasks enqueued first, then WORKERS thread workers started; tasks/s from the
    consumer's start to the last task's end (what Lanes' "sqlite throughput" measures);
  - enqueue to start: no-op tasks enqueued open loop at RATE/s, each stamping its start; the gap
    from enqueue to start, p50 and p99 (huey's consumer polls the store: its worker sleeps between
    empty reads, which is the wait a durable queue without notifications pays).
Prints one JSON object. Usage: huey_bench.py [--tasks 20000] [--workers 2] [--rate 200] [--samples 1000]
Needs `pip install huey`. huey deletes a task when a worker takes it (a kill loses it).
"""
import argparse, json, os, sys, tempfile, threading, time

try:
    from huey import SqliteHuey
    from huey.consumer import Consumer
except ImportError:
    print(json.dumps({"error": "huey is not installed (pip install huey)"}))
    sys.exit(2)


def make(path, workers):
    huey = SqliteHuey("bench", filename=path, journal_mode="wal", results=False)
    return huey


def consumer(huey, workers):
    # Polling as huey's defaults do (0.1 s initial delay, backing off to 10 s), thread workers.
    c = Consumer(huey, workers=workers, worker_type="thread", periodic=False,
                 initial_delay=0.1, backoff=1.15, max_delay=10.0)
    # Run from a thread of this script: signal handlers can only be set on the main thread.
    c._set_signal_handlers = lambda: None
    return c


def drain(tasks, workers):
    path = os.path.join(tempfile.mkdtemp(), "huey.db")
    huey = make(path, workers)
    done = threading.Event()
    count = [0]
    lock = threading.Lock()

    @huey.task()
    def noop():
        with lock:
            count[0] += 1
            if count[0] == tasks:
                done.set()

    for _ in range(tasks):
        noop()
    c = consumer(huey, workers)
    start = time.perf_counter()
    t = threading.Thread(target=c.run, daemon=True)
    t.start()
    done.wait(600)
    elapsed = time.perf_counter() - start
    c.stop(graceful=False)
    return tasks / elapsed


def enqueue_to_start(rate, samples, workers):
    path = os.path.join(tempfile.mkdtemp(), "huey.db")
    huey = make(path, workers)
    gaps = []
    lock = threading.Lock()
    done = threading.Event()

    @huey.task()
    def stamp(enqueued):
        gap = time.time() - enqueued
        with lock:
            gaps.append(gap)
            if len(gaps) == samples:
                done.set()

    c = consumer(huey, workers)
    t = threading.Thread(target=c.run, daemon=True)
    t.start()
    time.sleep(0.5)
    begin = time.perf_counter()
    for i in range(samples):
        target = begin + i / rate
        delay = target - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        stamp(time.time())
    done.wait(120)
    c.stop(graceful=False)
    gaps.sort()
    def pct(p):
        return gaps[min(len(gaps) - 1, int(p * len(gaps)))] * 1000 if gaps else float("nan")
    return pct(0.50), pct(0.99)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--samples", type=int, default=1000)
    a = parser.parse_args()
    import logging
    logging.disable(logging.CRITICAL)
    per_second = drain(a.tasks, a.workers)
    p50, p99 = enqueue_to_start(a.rate, a.samples, a.workers)
    print(json.dumps({"tasks": a.tasks, "workers": a.workers, "drained_per_s": per_second,
                      "rate": a.rate, "samples": a.samples, "enqueue_to_start_p50_ms": p50,
                      "enqueue_to_start_p99_ms": p99, "huey": __import__("huey").__version__}))


if __name__ == "__main__":
    main()
